"""Issue 14: the index triages, stays small at 1,000 wards, and a warm re-run renders only what changed."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import synthetic_summaries
from wardaudit.batch.local import run_batch
from wardaudit.project.config import Paths
from wardaudit.run.plan import WardPlan
from wardaudit.run.portfolio.phase import execute_portfolio

MB = 1024 * 1024


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> tuple[Paths, dict]:
    paths = synthetic_summaries.make_project(tmp_path_factory.mktemp("scale") / "project", 1000, 8)
    # two wards whose run failed in the last batch: they must come first
    failed = ["xa-gia-lap-0500", "xa-gia-lap-0007"]
    (paths.reports / "batch.json").write_text(json.dumps({"schema": "wardaudit.batch/1", "wards": [
        {"slug": s, "status": "failed", "reason": "KeyError: <b>boom</b>"} for s in failed]}), encoding="utf-8")
    return paths, execute_portfolio(paths)


def _ward_rows(page: str) -> list[str]:
    """The ward names of the triage table, in order."""
    table = page[page.index('id="wards"'):]
    return re.findall(r'<tr class="st-\w+"[^>]*>\s*<td class="n">\d+</td><td data-v="([^"]*)">', table)


def test_index_and_every_province_page_under_1_mb_at_1000_wards(thousand):
    paths, result = thousand
    assert result["status"] == "ok" and result["wards"] == 1000 and result["provinces"] == 8
    pages = [paths.reports / "index.html", *sorted((paths.reports / "province").glob("*.html"))]
    assert len(pages) == 9
    for p in pages:
        assert p.stat().st_size <= MB, (p.name, p.stat().st_size)
    # every ward is on its province's page
    listed = sum(len(_ward_rows(p.read_text(encoding="utf-8"))) for p in pages[1:])
    assert listed == 1000


def test_the_index_lists_all_3321_units_of_the_country_in_under_1_mb(tmp_path):
    """Every unit of the official list on the national index (its first rows as HTML, the rest as the data
    its script builds them from), and the page still under 1 MB."""
    paths = synthetic_summaries.make_project(tmp_path / "project", 3321, 34)
    assert execute_portfolio(paths)["wards"] == 3321
    index = paths.reports / "index.html"
    assert index.stat().st_size <= MB, index.stat().st_size
    page = index.read_text(encoding="utf-8")
    static = re.findall(r'<tr class="st-\w+" id="ward-([^"]+)"', page)
    data = json.loads(re.search(r'<script type="application/json" id="wards-data">(.*?)</script>', page, re.S)[1])
    built = [r[data["fields"].index("slug")] for r in data["rows"]]
    assert len(static) == 100 and sorted(static + built) == [f"xa-gia-lap-{i:04d}" for i in range(3321)]


def test_index_opens_on_failed_runs_then_the_most_open_errors(thousand):
    paths, _ = thousand
    for slug in ("xa-gia-lap-0500", "xa-gia-lap-0007"):  # the failed wards have a page to link to
        paths.ward_report(slug).write_text("<html></html>", encoding="utf-8")
    result = execute_portfolio(paths)
    assert result["rendered"] == ["index.html", "province/tinh-gia-lap-5.html", "province/tinh-gia-lap-8.html"]
    page = (paths.reports / "index.html").read_text(encoding="utf-8")
    summaries = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))
                 for p in paths.processed.glob("*/summary.json")}
    first = page[page.index('id="wards"'):]
    rows = re.findall(r'<tr class="st-(\w+)"[^>]*>\s*<td class="n">(\d+)</td><td data-v="([^"]*)">', first)
    assert [r[0] for r in rows[:2]] == ["failed", "failed"]
    assert "&lt;b&gt;boom&lt;/b&gt;" in first and "<b>boom" not in first
    names = {s["ward"]: s for s in summaries.values()}
    errors = [names[r[2]]["counts"]["open_errors"] for r in rows[2:]]
    assert errors[:20] == [max(errors)] * 20 and errors == sorted(errors, reverse=True)
    # the short summary above the ranking
    assert "Đơn vị có sai sót chưa xử lý" in page and "Quy tắc không đạt nhiều nhất" in page and "FOOT001" in page


def test_stale_ward_folder_is_left_out_with_a_note(tmp_path, capsys):
    paths = synthetic_summaries.make_project(tmp_path / "project", 6, 2)
    (paths.parameters / "xa-gia-lap-0003.yaml").unlink()  # renamed or removed by the user
    result = execute_portfolio(paths, quiet=False)
    assert result["status"] == "ok" and result["wards"] == 5
    # the portfolio phase has its own progress bar: 5 summaries, then 3 pages
    bar = capsys.readouterr().err
    assert "portfolio" in bar and "8/8" in bar
    page = (paths.reports / "index.html").read_text(encoding="utf-8")
    assert 'id="stale"' in page and "xa-gia-lap-0003" in page[page.index('id="stale"'):][:400]
    assert "xa-gia-lap-0003.html" not in page and synthetic_summaries.name(3) not in page


# --- a warm re-run through the batch -------------------------------------------------------------

def summary_runner(plan: WardPlan, paths: Paths, force: bool = False) -> dict:
    """Stands in for run_ward: a stored audit whose error count follows the report's length, its
    summary, and a page; each call is logged in runs.log."""
    from wardaudit.model.audit import AuditResult
    from wardaudit.model.document import Document
    from wardaudit.model.findings import CheckResult
    from wardaudit.model.report import Period, ReportMeta
    from wardaudit.run.portfolio.summary import write_summary
    from wardaudit.store import WardStore

    slug = plan.slug
    out = paths.ward_processed(slug)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "runs.log", "a", encoding="utf-8") as f:
        f.write("run\n")
    checks = [CheckResult("FOOT001", "fail", "error", "x", key=f"{slug}-{i}") for i in range(plan.size % 7)]
    doc = Document(source=f"data/raw/{slug}/r.txt", format="text", sha256="0" * 64)
    result = AuditResult(doc, ReportMeta(period=Period(None, "2026-05-31")), [], checks)
    WardStore(paths, slug).save_audit([result], plan.inputs)
    write_summary(slug, paths)
    paths.ward_report(slug).write_text(f"<html>{slug}</html>", encoding="utf-8")
    return {"status": "ok", "html": str(paths.ward_report(slug))}


def _small_project(root: Path, n: int = 30, provinces: int = 3) -> Paths:
    paths = Paths(root)
    for d in (paths.parameters, paths.processed, paths.reports, paths.notebooks):
        d.mkdir(parents=True, exist_ok=True)
    (paths.notebooks / "ward_audit.ipynb").write_text("{}", encoding="utf-8")
    for i in range(n):
        slug = f"xa-{i:02d}"
        (paths.ward_raw(slug)).mkdir(parents=True)
        (paths.ward_raw(slug) / "r.txt").write_text("Báo cáo " + "x" * i, encoding="utf-8")
        (paths.parameters / f"{slug}.yaml").write_text(
            f"ward: Xã {i}\nslug: {slug}\nprovince: Tỉnh {i % provinces}\n", encoding="utf-8")
    return paths


def _written(paths: Paths) -> dict[str, tuple[int, int]]:
    return {p.relative_to(paths.reports).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in paths.reports.rglob("*.html")}


def test_warm_rerun_with_one_changed_ward_renders_that_ward_its_province_and_the_index(tmp_path):
    paths = _small_project(tmp_path / "project")
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths, runner=summary_runner) == 0
    before = _written(paths)
    assert len(before) == 30 + 3 + 1 and (paths.reports / "province" / "tinh-1.html").exists()

    changed = "xa-04"  # in Tỉnh 1
    with open(paths.ward_raw(changed) / "r.txt", "a", encoding="utf-8") as f:
        f.write("y")
    os.utime(paths.ward_raw(changed) / "r.txt")
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths, runner=summary_runner) == 0
    after = _written(paths)
    rewritten = {k for k in after if after[k] != before.get(k)}
    assert rewritten == {f"{changed}.html", "province/tinh-1.html", "index.html"}
    runs = {p.parent.name: p.read_text().count("run") for p in paths.processed.glob("*/runs.log")}
    assert runs[changed] == 2 and sum(runs.values()) == 31

    # nothing changed: no summary is read again and no page is rendered
    again = execute_portfolio(paths)
    assert again["read"] == 0 and again["rendered"] == []

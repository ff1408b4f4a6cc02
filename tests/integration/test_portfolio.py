"""The portfolio over the seed wards' processed outputs (audited and stored as a batch worker does, in a copy of the
project), the PORT checks on planted portfolios, the exports and the portfolio notebook."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from synthetic import copy_project
from wardaudit.model.findings import summary
from wardaudit.project.config import Paths, load_params
from wardaudit.run import portfolio

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from conftest import audit_seed

    root = copy_project(ROOT, tmp_path_factory.mktemp("project"))
    paths = Paths(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(root))
        for p in sorted(paths.parameters.glob("*.yaml")):
            audit_seed(paths, p.stem)
            # the ward page the batch would have rendered; the index links to it
            (paths.reports / f"{p.stem}.html").write_text("<!DOCTYPE html><title>ward</title>\n", encoding="utf-8")
        yield paths


def findings_docs(paths: Paths, slug: str) -> list[dict]:
    blob = json.loads((paths.ward_processed(slug) / "findings.json").read_text(encoding="utf-8"))
    return blob.get("reports", [blob])


def slugs(paths: Paths) -> list[str]:
    return sorted(p.stem for p in paths.parameters.glob("*.yaml"))


# --- the seed wards -------------------------------------------------------------------------------

def test_wards_table_counts_equal_findings(project):
    table = portfolio.wards_table(portfolio.load_portfolio(paths=project))
    assert len(table) == len(slugs(project)) == 4
    for row in table.to_dict("records"):
        latest = findings_docs(project, row["slug"])[-1]
        s = summary(latest["checks"])
        assert (row["checks"], row["passed"], row["failed"], row["skipped"]) == (s["checks"], s["pass"], s["fail"],
                                                                                 s["skip"])
        assert (row["error"], row["warning"], row["info"]) == (s["error"], s["warning"], s["info"])
        assert row["status"] == "ok" and row["html"] == f"{row['slug']}.html"
        assert row["ward"] == load_params(project.ward_params(row["slug"]), project).ward


def test_heatmap_has_the_failing_families(project):
    pf = portfolio.load_portfolio(paths=project)
    heat = portfolio.heatmap_data(pf)
    expected: dict[tuple[str, str], int] = {}
    for w in pf.wards:
        for c in findings_docs(project, w.slug)[-1]["checks"]:
            if c["status"] == "fail":
                fam = "".join(ch for ch in c["rule"] if ch.isalpha())
                expected[(w.ward, fam)] = expected.get((w.ward, fam), 0) + 1
    assert {f for _, f in expected} <= set(heat.columns)
    for (ward, fam), n in expected.items():
        assert heat.loc[ward, fam] == n
    assert int(heat.to_numpy().sum()) == sum(expected.values())


def test_failed_ward_in_batch_manifest_is_marked(project, tmp_path):
    pf_ok = portfolio.load_portfolio(paths=project)
    victim = pf_ok.wards[0].slug
    manifest = {"schema": "wardaudit.batch/1", "wards": [
        {"slug": victim, "status": "failed", "reason": "KeyError: <b>boom</b>"}]}
    batch = project.reports / "batch.json"
    batch.write_text(json.dumps(manifest), encoding="utf-8")
    try:
        pf = portfolio.load_portfolio(paths=project)
        row = portfolio.wards_table(pf).set_index("slug").loc[victim]
        assert row["status"] == "failed" and "boom" in row["reason"]
        html = portfolio.wards_table_html(pf)
        assert "&lt;b&gt;boom&lt;/b&gt;" in html and "<b>boom" not in html
    finally:
        batch.unlink()


def test_exports_hold_every_failed_check(project):
    out = portfolio.export_findings(project)
    total = sum(summary(doc["checks"])["fail"] for s in slugs(project) for doc in findings_docs(project, s))
    csv = project.reports / "findings.csv"
    frame = pd.read_csv(csv)
    assert out["rows"] == len(frame) == total
    assert set(frame["status"]) <= {"fail"}
    assert list(frame.columns) == portfolio.FINDING_COLUMNS
    first = csv.read_bytes()
    portfolio.export_findings(project)
    assert csv.read_bytes() == first

    from openpyxl import load_workbook

    wb = load_workbook(project.reports / "findings.xlsx")
    ws = wb["Phát hiện"]
    assert ws.max_row - 1 == total
    # the workbook an auditor opens speaks the page's language; the CSV keeps the tools' names
    heads = [c.value for c in ws[1]]
    assert heads[:2] == ["Đơn vị", "Tỉnh/thành phố"] and not set(heads) & set(portfolio.FINDING_COLUMNS)
    # read back as an auditor opens it: Vietnamese values, no program data, a filter and a frozen header
    assert csv.read_bytes().startswith(b"\xef\xbb\xbfward,")
    assert wb.sheetnames == ["Đơn vị", "Phát hiện", "So sánh giữa đơn vị"]
    assert wb["Đơn vị"].max_row - 1 == len(slugs(project))
    english = {"pass", "fail", "skip", "error", "warning", "info", "open", "query", "confirmed", "dismissed"}
    for sheet in wb:
        assert sheet.auto_filter.ref and sheet.freeze_panes == "B2", sheet.title
        cells = [c for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if isinstance(c, str)]
        assert not [c for c in cells if c.strip().lower() in english], sheet.title
        assert not [c for c in cells if c.lstrip().startswith(("{", "["))], sheet.title
        assert not [c for c in cells if " / " in c and c.isascii()], sheet.title
    portfolio.export_findings(project, lang="en")
    heads = [c.value for c in load_workbook(project.reports / "findings.xlsx")["Findings"][1]]
    assert heads[:2] == ["Unit", "Province"]


def test_index_links_every_ward_and_runs_only_its_own_script(project):
    import base64
    import hashlib
    import html
    import re

    result = portfolio.execute_portfolio(project)
    assert result["status"] == "ok", result.get("reason")
    page = (project.reports / "index.html").read_text(encoding="utf-8")
    pf = portfolio.load_portfolio(paths=project)
    for w in pf.wards:
        assert w.ward in page
        assert f'href="{w.slug}.html"' in page
    # the index links the findings exports it wrote beside it, and its province page
    assert 'href="findings.xlsx"' in page and 'href="findings.csv"' in page
    assert (project.reports / "findings.xlsx").is_file()
    provinces = {w.province for w in pf.wards}
    assert len(list((project.reports / "province").glob("*.html"))) == len(provinces)
    # one inline script, allowed by its hash and by nothing else; no external resource
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1 and page.lower().count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert f"script-src 'sha256-{digest}'" in csp and "unsafe-eval" not in csp and "default-src 'none'" in csp
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_portfolio_notebook_runs_on_the_project(project, tmp_path):
    import papermill as pm

    out = tmp_path / "portfolio.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "portfolio.ipynb"), str(out), parameters={"root": str(project.root)},
                        cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    executed = json.loads(out.read_text(encoding="utf-8"))
    outputs = json.dumps([c.get("outputs", []) for c in executed["cells"]], ensure_ascii=False)
    pf = portfolio.load_portfolio(paths=project)
    assert all(w.ward in outputs for w in pf.wards)
    assert "Traceback" not in outputs


def test_committed_notebook_is_thin_and_clean():
    nb = json.loads((ROOT / "notebooks" / "portfolio.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    for c in code:
        src = "".join(c["source"])
        assert not c.get("outputs") and c.get("execution_count") is None
        assert "def " not in src and "class " not in src and "/" not in src.replace("//", "")


# --- planted portfolios ---------------------------------------------------------------------------

def ward(slug, name, province, facts, checks=(), source=None):
    source = source or f"data/raw/{slug}/report.txt"
    rows = [{"metric": m, "value": v, "unit": None, "kind": "count", "period": None, "qualifier": None,
             "role": None, "group": None, "section": "I", "quote": f"{m} {v}", "page": None, "line": i + 1,
             "file": source} for i, (m, v) in enumerate(facts)]
    doc = {"source": source, "ward": name, "report": {"period": {"start": "2026-01-01", "end": "2026-05-31"}},
           "checks": list(checks), "facts": rows}
    return portfolio.WardRecord(slug=slug, ward=name, province=province, reports=[doc], facts=pd.DataFrame(rows))


def planted(*wards):
    return portfolio.Portfolio(wards=list(wards), paths=Paths(ROOT))


def port001(pf):
    return [c for c in portfolio.run_port_checks(pf) if c.rule == "PORT001"]


def test_port001_passes_when_province_wide_figures_agree():
    pf = planted(ward("a", "A", "P", [("tthc.total", 358)]), ward("b", "B", "P", [("tthc.total", 358)]),
                 ward("c", "C", "Q", [("tthc.total", 300)]))
    results = port001(pf)
    assert [c.status for c in results] == ["pass"]
    assert results[0].values["province"] == "P"


def test_port001_flags_the_unit_that_differs():
    pf = planted(ward("a", "A", "P", [("tthc.total", 358)]), ward("b", "B", "P", [("tthc.total", 350)]),
                 ward("c", "C", "P", [("tthc.total", 358)]))
    fails = [c for c in port001(pf) if c.status == "fail"]
    assert [(c.values["slug"], c.values["expected"], c.values["actual"]) for c in fails] == [("b", 358, 350)]
    assert fails[0].severity == "warning"


def test_port002_outlier_by_modified_z():
    wards = [ward(s, s.upper(), "P", [("rate.online", v)]) for s, v in
             [("a", 98), ("b", 99), ("c", 97), ("d", 98.5), ("e", 41)]]
    results = [c for c in portfolio.run_port_checks(planted(*wards)) if c.rule == "PORT002"]
    fails = [c for c in results if c.status == "fail"]
    assert [c.values["slug"] for c in fails] == ["e"]
    assert portfolio.modified_z([100, 100, 100, 99.9])[3] > -portfolio.OUTLIER_Z


def test_wards_table_html_escapes_untrusted_text():
    evil = ward("x", "<img src=x onerror=alert(1)>", "P", [], checks=[
        {"rule": "META001", "status": "fail", "severity": "error", "message": "<script>", "values": {},
         "evidence": []}])
    html = portfolio.wards_table_html(planted(evil))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_indicators_use_stated_rate_or_ratio():
    a = ward("a", "A", "P", [("rate.online", 92.5), ("budget.allocated", 200), ("budget.disbursed", 50)])
    frame = portfolio.indicators_frame(planted(a)).set_index("indicator")
    assert frame.loc["rate.online", "value"] == 92.5
    assert frame.loc["budget.disbursement", "value"] == 25.0
    assert frame.loc["rate.online", "target_national"] is not None


def test_two_units_with_the_same_name_stay_distinct(tmp_path, monkeypatch):
    """Ward names repeat across provinces; the index must not merge two units that share one."""
    import shutil

    from conftest import audit_seed, copy_project
    from wardaudit.run import portfolio as P

    paths = copy_project(tmp_path / "p", ("vinh-thong",))
    shutil.copytree(paths.raw / "vinh-thong", paths.raw / "vinh-thong-2")
    text = (paths.parameters / "vinh-thong.yaml").read_text(encoding="utf-8")
    text = text.replace("slug: vinh-thong", "slug: vinh-thong-2")
    (paths.parameters / "vinh-thong-2.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    for slug in ("vinh-thong", "vinh-thong-2"):
        audit_seed(paths, slug)
    pf = P.load_portfolio(paths=paths)
    assert len({w.ward for w in pf.wards}) == 2
    assert len(P.heatmap_data(pf)) == 2
    assert P.indicators_figure(pf) is not None  # no duplicate labels in the chart's index

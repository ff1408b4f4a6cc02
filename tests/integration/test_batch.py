"""wardaudit.batch.local: parallel, incremental runs over wards, the manifest, reproducibility."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from wardaudit.batch.local import run_batch
from wardaudit.project.config import Paths
from wardaudit.run.plan import WardPlan
from wardaudit.store import WardStore

REPO = Path(__file__).resolve().parents[2]
FAILING = "phu-thinh"


def fake_runner(plan: WardPlan, paths: Paths, force: bool = False) -> dict:
    """Stands in for run.ward.run_ward: writes the summary a ward run writes; one ward fails.
    Each call appends a line to runs.log, and one to audits.log when it would audit (its stored
    audit, here a file holding the key, was made from other inputs, or ``force``)."""
    slug = plan.slug
    html = paths.ward_report(slug)
    out = paths.ward_processed(slug)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "runs.log", "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    key = out / "audit.key"
    if force or not key.exists() or key.read_text() != plan.inputs:
        key.write_text(plan.inputs)
        with open(out / "audits.log", "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
    if slug == FAILING:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text("<html><body>failed</body></html>", encoding="utf-8")
        return {"status": "failed", "reason": f"data/raw/{slug}: ô lỗi / cell failed\nsecond line",
                "html": str(html)}
    WardStore(paths, slug).write_summary({"counts": {"error": 1, "warning": 0, "info": 0, "passed": 1}})
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(f"<html><body>{slug}</body></html>", encoding="utf-8")
    return {"status": "ok", "html": str(html)}


def fake_portfolio(paths: Paths) -> dict:
    manifest = json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))
    index = paths.reports / "index.html"
    index.write_text("<html>" + " ".join(f"{w['slug']}:{w['status']}" for w in manifest["wards"]) + "</html>",
                     encoding="utf-8")
    return {"status": "ok", "html": str(index)}


def make_project(tmp: Path, slugs: list[str] | None = None) -> Paths:
    """A copy of the project's inputs (raw data, parameters, notebooks) under ``tmp``."""
    slugs = slugs or sorted(p.stem for p in (REPO / "parameters").glob("*.yaml"))
    for slug in slugs:
        shutil.copytree(REPO / "data" / "raw" / slug, tmp / "data" / "raw" / slug)
        (tmp / "parameters").mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "parameters" / f"{slug}.yaml", tmp / "parameters")
    if (REPO / "notebooks").is_dir():
        shutil.copytree(REPO / "notebooks", tmp / "notebooks")
    (tmp / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (tmp / "reports").mkdir(exist_ok=True)
    return Paths(tmp)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Paths:
    paths = make_project(tmp_path)
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    return paths


def manifest(paths: Paths) -> dict:
    return json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))


def statuses(paths: Paths) -> dict[str, str]:
    return {w["slug"]: w["status"] for w in manifest(paths)["wards"]}


def test_a_failing_ward_does_not_stop_the_batch(project, capsys):
    code = run_batch(all_wards=True, jobs=2, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert code == 1
    got = statuses(project)
    assert got.pop(FAILING) == "failed"
    assert set(got.values()) == {"ok"} and len(got) == 3
    failed = next(w for w in manifest(project)["wards"] if w["slug"] == FAILING)
    assert failed["reason"] == f"data/raw/{FAILING}: ô lỗi / cell failed second line"
    assert failed["html"] == f"reports/{FAILING}.html"
    ok = next(w for w in manifest(project)["wards"] if w["status"] == "ok")
    assert ok["counts"] == {"error": 1, "warning": 0, "info": 0, "pass": 1}
    assert len(ok["inputs_sha256"]) == 64 and ok["seconds"] >= 0
    assert manifest(project)["totals"] == {"ok": 3, "failed": 1, "skipped": 0, "no_report": 0}
    # the portfolio ran once, after the wards, and saw the failure
    assert f"{FAILING}:failed" in (project.reports / "index.html").read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert FAILING in out and "cell failed" in out
    # a failed run and an error finding are told apart in words
    assert "1 chạy lỗi / run failed" in out and "3 sai sót / errors, 0 cảnh báo / warnings" in out
    assert "1 sai sót, 0 cảnh báo, 1 đạt" in out and "lỗi/failed" not in out
    # the failed ward records no digest, the others do
    assert not (project.ward_processed(FAILING) / "inputs.sha256").exists()
    assert (project.ward_processed("trung-thanh") / "inputs.sha256").exists()


def runs(paths: Paths, slug: str) -> int:
    log = paths.ward_processed(slug) / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_incremental_skip_touch_and_force(project):
    wards = ["nam-thanh-mien", "trung-thanh", "vinh-thong"]
    assert run_batch(wards=wards, jobs=2, paths=project, runner=fake_runner, portfolio=fake_portfolio) == 0
    assert run_batch(wards=wards, jobs=2, paths=project, runner=fake_runner, portfolio=fake_portfolio) == 0
    assert manifest(project)["totals"] == {"ok": 0, "failed": 0, "skipped": 3, "no_report": 0}
    assert [runs(project, s) for s in wards] == [1, 1, 1]

    # one input byte changes: only that ward runs again
    raw = next((project.raw / "trung-thanh").iterdir())
    raw.write_bytes(raw.read_bytes() + b"\n")
    assert run_batch(wards=wards, jobs=2, paths=project, runner=fake_runner, portfolio=fake_portfolio) == 0
    assert statuses(project) == {"nam-thanh-mien": "skipped", "trung-thanh": "ok", "vinh-thong": "skipped"}

    # so does a ward whose parameters changed, or whose report was deleted
    pfile = project.ward_params("vinh-thong")
    pfile.write_text(pfile.read_text(encoding="utf-8").replace("rules_off: []", "rules_off: [XREF001]"),
                     encoding="utf-8")
    project.ward_report("nam-thanh-mien").unlink()
    assert run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio) == 0
    assert statuses(project) == {"nam-thanh-mien": "ok", "trung-thanh": "skipped", "vinh-thong": "ok"}

    assert run_batch(wards=wards, jobs=2, force=True, paths=project, runner=fake_runner,
                     portfolio=fake_portfolio) == 0
    assert statuses(project) == dict.fromkeys(wards, "ok")
    assert [runs(project, s) for s in wards] == [3, 3, 3]


def audits(paths: Paths, slug: str) -> int:
    log = paths.ward_processed(slug) / "audits.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_the_working_notebook_changes_nothing_and_the_template_rerenders_without_reauditing(
        project, tmp_path, monkeypatch):
    from wardaudit.run import digest

    wards = ["nam-thanh-mien", "trung-thanh"]
    run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert [audits(project, s) for s in wards] == [1, 1]
    # the auditor's notebook in notebooks/, edited and saved: not what the batch runs
    nb = project.notebooks / "ward_audit.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("Tham số", "Tham số (đã sửa)"), encoding="utf-8")
    run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert statuses(project) == dict.fromkeys(wards, "skipped")
    # the page template changed on purpose: every ward's page again …
    template = tmp_path / "ward_audit.ipynb"
    template.write_text(digest.TEMPLATE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(digest, "TEMPLATE", template)
    run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert statuses(project) == dict.fromkeys(wards, "ok")
    assert [runs(project, s) for s in wards] == [2, 2]  # re-rendered …
    assert [audits(project, s) for s in wards] == [1, 1]  # … from the stored audit
    run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert statuses(project) == dict.fromkeys(wards, "skipped")
    # a changed report is audited again
    raw = next((project.raw / "trung-thanh").iterdir())
    raw.write_bytes(raw.read_bytes() + b"\n")
    run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert [audits(project, s) for s in wards] == [1, 2]


def test_bad_parameters_are_a_failed_ward_with_a_reason(project):
    bad = project.ward_params("trung-thanh")
    bad.write_text(bad.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    code = run_batch(wards=["trung-thanh", "nam-thanh-mien", "no-such-ward"], jobs=2, quiet=True,
                     paths=project, runner=fake_runner, portfolio=fake_portfolio)
    assert code == 1
    wards = {w["slug"]: w for w in manifest(project)["wards"]}
    assert wards["nam-thanh-mien"]["status"] == "ok"
    assert wards["trung-thanh"]["status"] == "failed"
    assert "'colour'" in wards["trung-thanh"]["reason"] and "\n" not in wards["trung-thanh"]["reason"]
    assert wards["no-such-ward"]["status"] == "failed"
    assert "not found" in wards["no-such-ward"]["reason"]
    assert runs(project, "trung-thanh") == 0


def test_a_runner_that_raises_becomes_a_reason(project):
    code = run_batch(wards=["nam-thanh-mien"], jobs=1, quiet=True, paths=project, runner=raising_runner,
                     portfolio=fake_portfolio)
    assert code == 1
    (w,) = manifest(project)["wards"]
    assert w["status"] == "failed"
    assert w["reason"] == "notebooks/nam-thanh-mien: kernel died while running cell 3"


def raising_runner(plan: WardPlan, paths: Paths, force: bool = False) -> dict:
    from wardaudit.errors import NotebookError
    raise NotebookError("kernel died\nwhile running cell 3", ward=plan.slug, path=f"notebooks/{plan.slug}")


def test_manifest_carries_wards_this_run_did_not_touch(project):
    run_batch(all_wards=True, jobs=2, quiet=True, paths=project, runner=fake_runner, portfolio=fake_portfolio)
    run_batch(wards=["trung-thanh"], force=True, jobs=1, quiet=True, paths=project, runner=fake_runner,
              portfolio=fake_portfolio)
    wards = {w["slug"]: w for w in manifest(project)["wards"]}
    assert wards[FAILING]["status"] == "failed" and wards[FAILING]["carried"] is True
    assert "carried" not in wards["trung-thanh"]


SMALL = ["nam-thanh-mien", "phu-thinh"]


@pytest.mark.slow
def test_real_notebook_reports_and_byte_identical_outputs_across_jobs(tmp_path, monkeypatch):
    paths = make_project(tmp_path, SMALL)
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    assert run_batch(wards=SMALL, jobs=1, quiet=True, paths=paths, portfolio=fake_portfolio) == 0
    first = {}
    for slug in SMALL:
        html = paths.ward_report(slug).read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>")
        out = paths.ward_processed(slug)
        first[slug] = {n: (out / n).read_bytes() for n in ("findings.json", "facts.csv")}
        assert (out / "inputs.sha256").exists()
    assert all(w["counts"] for w in manifest(paths)["wards"])

    assert run_batch(wards=SMALL, jobs=2, force=True, quiet=True, paths=paths, portfolio=fake_portfolio) == 0
    assert manifest(paths)["totals"]["ok"] == 2
    for slug in SMALL:
        out = paths.ward_processed(slug)
        assert {n: (out / n).read_bytes() for n in ("findings.json", "facts.csv")} == first[slug], slug


def test_a_ward_folder_with_no_report_is_not_submitted_not_failed(project, capsys):
    for f in project.ward_raw("vinh-thong").iterdir():
        f.unlink()
    shutil.rmtree(project.ward_raw("nam-thanh-mien"))
    wards = ["nam-thanh-mien", "trung-thanh", "vinh-thong"]
    assert run_batch(wards=wards, jobs=2, paths=project, runner=fake_runner, portfolio=fake_portfolio) == 0
    assert statuses(project) == {"nam-thanh-mien": "no_report", "trung-thanh": "ok", "vinh-thong": "no_report"}
    assert manifest(project)["totals"] == {"ok": 1, "failed": 0, "skipped": 0, "no_report": 2}
    assert runs(project, "vinh-thong") == 0  # nothing to run
    out = capsys.readouterr().out
    assert "0 chạy lỗi / run failed" in out and "2 chưa nộp / not submitted" in out
    # invalid parameters still fail the ward, report or not
    project.ward_params("vinh-thong").write_text("ward: [x]\n", encoding="utf-8")
    assert run_batch(wards=wards, jobs=1, paths=project, runner=fake_runner, portfolio=fake_portfolio) == 1
    assert statuses(project)["vinh-thong"] == "failed"

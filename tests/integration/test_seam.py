"""The seam between the auditor's notebooks and the batch: what an auditor does in JupyterLab never
reaches a batch, and a failed run never cuts a good page down."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from conftest import copy_project
from wardaudit.batch.local import run_batch

pytestmark = pytest.mark.slow

WARDS = ("nam-thanh-mien", "phu-thinh")
STAMP = re.compile(r'<footer class="run-stamp">[^<]*</footer>')


def _pages(paths) -> dict[str, str]:
    return {s: STAMP.sub("", paths.ward_report(s).read_text(encoding="utf-8")) for s in WARDS}


def _statuses(paths) -> dict[str, str]:
    return {w["slug"]: w["status"] for w in json.loads((paths.reports / "batch.json").read_text())["wards"]}


def _spoil(path: Path) -> None:
    """What an auditor leaves in a notebook: outputs in every cell, a decision typed in a new cell as
    the old instructions said, and a scratch cell that fails; then JupyterLab saves it."""
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": f"kết quả {i}"},
                                               execution_count=i + 1)]
    nb.cells.append(nbformat.v4.new_code_cell('from wardaudit.review import decide\n'
                                              'decide(ward, "TGT002-0000000000", "query", "thử")'))
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('ô nháp của kiểm toán viên')"))
    nbformat.write(nb, str(path))


def test_notebooks_saved_with_outputs_and_a_failing_cell_change_no_batch(tmp_path, monkeypatch):
    paths = copy_project(tmp_path / "project", WARDS)
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths) == 0
    before = _pages(paths)
    sizes = {s: paths.ward_report(s).stat().st_size for s in WARDS}
    notebooks = sorted(paths.notebooks.glob("**/*.ipynb"))
    assert {p.name for p in notebooks} >= {"ward_audit.ipynb", "portfolio.ipynb"}
    for nb in notebooks:
        _spoil(nb)

    # nothing the batch reads changed: every ward is up to date
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths) == 0
    assert set(_statuses(paths).values()) == {"skipped"}
    # forced, every ward runs again: none fails, no page shrinks, every page is the same
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths, force=True) == 0
    assert set(_statuses(paths).values()) == {"ok"}
    assert {s: paths.ward_report(s).stat().st_size for s in WARDS} == sizes
    assert _pages(paths) == before
    assert not paths.ward_reviews("nam-thanh-mien").exists()  # the typed decision reached no ward


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A ward run well once, then its report replaced by an unreadable file and run again:
    (paths, the good page, the page after the failure, the batch's entry for the ward)."""
    paths = copy_project(tmp_path_factory.mktemp("broken") / "project", ("phu-thinh",))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        assert run_batch(wards=["phu-thinh"], jobs=1, quiet=True, paths=paths) == 0
        good = paths.ward_report("phu-thinh").read_text(encoding="utf-8")
        good_run = json.loads((paths.ward_processed("phu-thinh") / "run.json").read_text())
        report = next(paths.ward_raw("phu-thinh").iterdir())
        report.write_bytes(b"\x00\x01\x02 not a report \xff\xfe" * 40)
        assert run_batch(wards=["phu-thinh"], jobs=1, quiet=True, paths=paths) == 1
    entry = json.loads((paths.reports / "batch.json").read_text())["wards"][0]
    return paths, good, paths.ward_report("phu-thinh").read_text(encoding="utf-8"), entry, report.name, good_run


def test_an_unreadable_report_keeps_the_last_good_page_under_a_banner(broken):
    paths, good, page, entry, name, good_run = broken
    assert entry["status"] == "failed" and name in entry["reason"] and "\n" not in entry["reason"]
    cards = re.findall(r'<div class="finding [^"]*" data-id="[^"]*" data-rule="([^"]+)"', good)
    assert cards and re.findall(r'<div class="finding [^"]*" data-id="[^"]*" data-rule="([^"]+)"', page) == cards
    banner = re.search(r'<div class="banner-fail" role="alert">([^<]*)</div>', page).group(1)
    assert name in banner and "tệp nhị phân" in banner and "kết quả kiểm tra tốt gần nhất" in banner
    assert re.search(r"lập lúc \d\d/\d\d/\d{4} \d\d:\d\d", banner)  # the good run's date, Vietnam time
    # the findings of the good run stay in the store; the failure is recorded beside them
    run = json.loads((paths.ward_processed("phu-thinh") / "run.json").read_text())
    # the good run's time (both runs may fall within one second: the times are to the second)
    assert run["status"] == "failed" and run["good_at"] == good_run["at"] <= run["at"]
    assert (paths.ward_processed("phu-thinh") / "findings.json").is_file()


def test_the_banner_and_the_kept_cards_in_a_browser(browser, broken):
    paths, good, _, _, name, _ = broken
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(paths.ward_report("phu-thinh").as_uri())
    banner = page.locator(".banner-fail")
    assert banner.count() == 1 and banner.is_visible()
    assert name in banner.inner_text()
    box = banner.bounding_box()
    assert box and box["y"] < 300  # at the top, where it is read first
    assert page.locator(".finding").count() == good.count('<div class="finding ')
    assert not [u for u in requests if not u.startswith(("file://", "data:", "about:"))]
    page.close()

"""The rendered ward report in a real browser (Debian's chromium through Playwright): tick marks and
red marks where the findings say, evidence links that land on the source, no network request, and
hostile report text that never runs."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import audit_seed
from wardaudit.ingest import read_document
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.model.report import ReportMeta
from wardaudit.render import page as display
from wardaudit.run.notebook import render_html
from wardaudit.run.ward import execute_ward

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow]

LOCAL = ("file://", "data:", "about:")


class Page:
    """A page that records every request and dialog."""

    def __init__(self, browser, url: str):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def off_page(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL)]


def test_ward_report_marks_links_and_no_network(browser, rendered_ward):
    paths, result = rendered_ward
    assert result["status"] == "ok", result.get("reason")
    html = Path(result["html"])
    pg = Page(browser, html.as_uri())
    page = pg.page

    results = audit_seed(paths, "vinh-thong")
    expected_fail: set[str] = set()
    expected_pass: set[str] = set()
    n = len(results)
    for i, r in enumerate(results):
        pl = display.place_evidence(r.document, r.checks, "" if n == 1 else f"r{i + 1}-")
        for (ci, _), placed in pl.placed.items():
            if placed:
                c = r.checks[ci]
                (expected_fail if c.status == "fail" else expected_pass).add(c.rule)
    ticks = page.eval_on_selector_all(".source .tick", "els => els.map(e => e.dataset.rules)")
    fails = page.eval_on_selector_all(".source .mark-fail", "els => els.map(e => e.dataset.rules)")
    rules_red = {r for s in fails for r in s.split()}
    rules_any = rules_red | {r for s in ticks for r in s.split()}
    assert expected_fail <= rules_red
    assert expected_pass <= rules_any
    assert len(ticks) > 0 or not expected_pass
    # each mark carries its check in a tooltip and can take keyboard focus
    if ticks:
        tick = page.locator(".source .tick").first
        assert re.match(r"[✓✗] [A-Z]+\d+: ", tick.get_attribute("title"))  # each line says pass or fail
        assert tick.get_attribute("tabindex") == "0"
    # the findings' evidence links land on their source element
    links = page.locator(".finding a.ev-link")
    if links.count():
        link = links.last
        target = link.get_attribute("href")
        link.click()
        page.wait_for_function("h => location.hash === h", arg=target)
        state = page.evaluate("""() => { const t = document.querySelector(':target');
            if (!t) return null; const r = t.getBoundingClientRect();
            return {id: t.id, top: r.top, bottom: r.bottom, h: innerHeight, inSource: !!t.closest('.source')}; }""")
        assert state and state["id"] == target[1:] and state["inSource"]
        assert 0 <= state["top"] < state["h"]
        page.screenshot(path=str(paths.reports / "screenshot-ward-evidence.png"))
    page.evaluate("window.scrollTo(0, 0)")
    shot = paths.reports / "screenshot-ward.png"
    page.screenshot(path=str(shot))
    (REPO / "reports").mkdir(exist_ok=True)
    shutil.copy2(shot, REPO / "reports" / "screenshot-ward.png")
    assert shot.stat().st_size > 10_000
    assert pg.off_page() == [] and pg.dialogs == []
    assert all(u.startswith(("file://", "data:")) for u in pg.requests)
    page.close()


HOSTILE_NAME = '<script>window.pwned="name"</script>Xã <img src=x onerror="window.pwned=\'img\'">'
HOSTILE_LINKS = ("Tổng số hồ sơ tiếp nhận là 100 hồ sơ, trong đó trực tuyến 60 hồ sơ, trực tiếp 40 hồ sơ. "
                 "[bấm](javascript:window.pwned='md') <a href=\"javascript:alert(1)\">bấm</a> "
                 '<iframe src="http://127.0.0.1:9/"></iframe>')
HOSTILE_REPORT = """Số: 12/BC-UBND

<script>window.pwned = "para"; alert(1)</script> Hà Nội, ngày 06 tháng 6 năm 2026

## I. <img src=x onerror="window.pwned='heading'"> KẾT QUẢ <script>alert('h')</script>

""" + HOSTILE_LINKS + """

| STT | Nội dung | Kết quả |
|---|---|---|
| 1 | <script>window.pwned='cell'</script> | <img src=http://127.0.0.1:9/x.png onerror=alert(1)> 5 |
| 2 | [link](javascript:alert(2)) | <a href="javascript:alert(3)">6</a> |
"""


def _assert_inert(pg: Page) -> None:
    page = pg.page
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert pg.dialogs == []
    assert pg.off_page() == []
    hostile = "a[href^=\"javascript\"], iframe, img[onerror], script"
    assert page.evaluate(f"document.querySelectorAll('{hostile}').length") == 0
    srcs = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('src'))")
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


def test_hostile_report_text_never_runs_in_the_browser(browser, project, tmp_path):
    # 1. the display sections on their own, wrapped by render_html (independent of the rule set)
    src = tmp_path / "hostile.md"
    src.write_text(HOSTILE_REPORT, encoding="utf-8")
    doc = read_document(src, display_path="data/raw/hostile/hostile.md")
    para = next(b for b in doc.blocks if "Tổng số hồ sơ" in b.text)
    ev = Evidence("I", "trực tuyến 60 hồ sơ", para.location.page, para.location.line, None, "60")

    class R:  # the parts of an AuditResult the display functions read
        document = doc
        meta = ReportMeta(ward_name=HOSTILE_NAME, number="12")
        checks = [CheckResult("FOOT001", "fail", "error", HOSTILE_NAME, {"expected": 60, "actual": 61}, (ev,))]
        facts: list = []

    class P:
        ward, level, province, rules_off = HOSTILE_NAME, "xã", "<b>x</b>", ["<script>"]
        carried_over_in_denominator, outline_profile = True, "auto"

    sections = [display.header([R], P), display.scorecard([R]), display.findings([R]), display.source_view([R]),
                display.appendix_tables([R]), display.all_checks([R])]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "", outputs=[nbformat.v4.new_output("display_data", data={"text/html": s, "text/plain": "x"})
                     for s in sections])])
    nb_path = tmp_path / "hostile.ipynb"
    nbformat.write(nb, str(nb_path))
    page_path = render_html(nb_path, tmp_path / "hostile.html", HOSTILE_NAME, stamp="x")
    pg = Page(browser, page_path.as_uri())
    _assert_inert(pg)
    text = pg.page.inner_text("body")
    for literal in ('<script>window.pwned = "para"; alert(1)</script>', "[bấm](javascript:window.pwned='md')",
                    "<script>window.pwned='cell'</script>", "KẾT QUẢ <script>alert('h')</script>",
                    '<script>window.pwned="name"</script>Xã'):
        assert literal in text
    assert pg.page.locator(".source .mark-fail").count() == 1
    pg.page.close()

    # 2. the whole path: a hostile report and ward name through the ward notebook
    ward_dir = project.ward_raw("hostile")
    ward_dir.mkdir(parents=True)
    (ward_dir / "report.md").write_text(HOSTILE_REPORT, encoding="utf-8")
    name_yaml = HOSTILE_NAME.replace("'", "''")
    project.ward_params("hostile").write_text(f"ward: '{name_yaml}'\nslug: hostile\n", encoding="utf-8")
    result = execute_ward("hostile", project)
    pg = Page(browser, Path(result["html"]).as_uri())
    _assert_inert(pg)
    assert result["status"] == "ok", result.get("reason")
    text = pg.page.inner_text("body")
    assert '<script>window.pwned="name"</script>Xã' in text
    assert "<script>window.pwned='cell'</script>" in text
    pg.page.close()


def test_index_links_to_the_ward_and_the_finding_to_its_evidence(browser, tmp_path, monkeypatch):
    """The shared index (a real batch over two wards): click through to a ward's report, then from a
    finding to its evidence in the source view; no request leaves the page."""
    from conftest import copy_project
    from wardaudit.batch.local import run_batch

    paths = copy_project(tmp_path / "project", ("phu-thinh", "vinh-thong"))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths) == 0
    index = paths.reports / "index.html"
    pg = Page(browser, index.as_uri())
    page = pg.page
    assert "Vĩnh Thông" in page.inner_text("body") and "Phú Thịnh" in page.inner_text("body")
    link = page.locator('a[href$="vinh-thong.html"]').first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("vinh-thong.html")
    assert page.locator(".source .mark-fail").count() > 0 and page.locator(".source .tick").count() > 0
    ev = page.locator(".finding a.ev-link").first
    target = ev.get_attribute("href")
    ev.click()
    page.wait_for_function("h => location.hash === h", arg=target)
    assert page.evaluate("() => !!document.querySelector(':target')"
                         " && !!document.querySelector(':target').closest('.source')")
    page.screenshot(path=str(paths.reports / "screenshot-index-to-ward.png"))
    assert pg.off_page() == [] and pg.dialogs == []
    page.close()

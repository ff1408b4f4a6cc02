"""The index and a province page in Chromium: sorting, searching and filtering work offline, through the
one inline script the page's CSP allows by its hash; no request leaves the page. The index triages in
words an auditor reads right, links each ward's main problem to its finding, and prints without its
controls, with a running head."""
from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

import synthetic_summaries
from conftest import copy_project
from wardaudit.batch.local import run_batch
from wardaudit.run.portfolio import phase
from wardaudit.run.portfolio.phase import execute_portfolio
from wardaudit.run.portfolio.triage import STATES

pytestmark = pytest.mark.slow


def _set_counts(paths, slug: str, **counts) -> None:
    """Change a synthetic ward's counts (and drop its findings when it has none open)."""
    f = paths.ward_processed(slug) / "summary.json"
    s = json.loads(f.read_text(encoding="utf-8"))
    s["counts"].update(counts)
    if not counts.get("open_errors") and not counts.get("open_warnings"):
        s["findings"] = []
    f.write_text(json.dumps(s, ensure_ascii=False), encoding="utf-8")


def _make_site(root, static_rows: int, monkeypatch):
    paths = synthetic_summaries.make_project(root, 40, 3)
    # a ward whose run failed (in Tỉnh Giả Lập 2): it comes first; one with no report this period
    (paths.reports / "batch.json").write_text(json.dumps({"wards": [
        {"slug": "xa-gia-lap-0004", "status": "failed", "reason": "boom"},
        {"slug": "xa-gia-lap-0005", "status": "no_report", "reason": "chưa nộp"}]}), encoding="utf-8")
    # one every other state: audited with nothing left, errors all confirmed, warnings only, never audited
    _set_counts(paths, "xa-gia-lap-0011", open_errors=0, error=0, open_warnings=0, warning=0, confirmed=0)
    _set_counts(paths, "xa-gia-lap-0022", open_errors=0, open_warnings=0, confirmed=3)
    _set_counts(paths, "xa-gia-lap-0033", open_errors=0, error=0, open_warnings=2)
    (paths.ward_processed("xa-gia-lap-0017") / "summary.json").unlink()
    (paths.ward_processed("xa-gia-lap-0017") / "findings.json").unlink()
    for slug in ("xa-gia-lap-0001", "xa-gia-lap-0002"):
        paths.ward_report(slug).write_text("<!DOCTYPE html><title>ward</title><p>ward page</p>", encoding="utf-8")
    # the first rows in the page's HTML, the rest built by its script from their data
    monkeypatch.setattr(phase, "INDEX_STATIC_ROWS", static_rows)
    assert execute_portfolio(paths)["status"] == "ok"
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        return _make_site(tmp_path_factory.mktemp("site") / "project", 10, mp)


class Watched:
    """A page whose every request, console message and CSP violation is recorded."""

    def __init__(self, browser, url: str):
        self.requests: list[str] = []
        self.console: list[str] = []
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        # anything but the page's own file is refused before it leaves
        self.page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def off_page(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("file://")]

    def column(self, table: str, i: int, visible_only: bool = True) -> list[str]:
        sel = f"#{table} tbody tr" + (":not([hidden])" if visible_only else "")
        return self.page.eval_on_selector_all(sel, f"rows => rows.map(r => r.cells[{i}].textContent.trim())")


def _num(xs: list[str]) -> list[int]:
    return [int(x) for x in xs]


def test_index_sorts_and_filters_offline(browser, site):
    w = Watched(browser, (site.reports / "index.html").as_uri())
    page = w.page
    rows = page.locator("#wards tbody tr")
    assert rows.count() == 40
    # opens on the triage: the failed run, then open errors never increase down the audited wards
    assert w.column("wards", 5)[0] == "chạy lỗi" and w.column("wards", 1)[0].startswith(synthetic_summaries.name(4))
    states = w.column("wards", 5)
    audited = [i for i, st in enumerate(states) if st not in ("chạy lỗi", "chưa kiểm tra", "chưa nộp")]
    open_errors = _num(w.column("wards", 7))
    assert [open_errors[i] for i in audited] == sorted((open_errors[i] for i in audited), reverse=True)

    header = page.locator("#wards thead th").nth(7)
    header.locator("button").focus()  # reachable with the keyboard: a button in the header
    page.keyboard.press("Enter")
    assert _num(w.column("wards", 7)) == sorted(open_errors)
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Space")
    assert _num(w.column("wards", 7)) == sorted(open_errors, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    page.locator("#wards thead th").nth(1).click()  # by name
    names = w.column("wards", 1)
    assert names == sorted(names, key=str.lower)

    provinces = w.column("wards", 2)
    page.select_option("#filters select[name=province]", label="Tỉnh Giả Lập 2")
    shown = w.column("wards", 2)
    assert shown and set(shown) == {"Tỉnh Giả Lập 2"} and len(shown) == provinces.count("Tỉnh Giả Lập 2")
    assert page.locator("#shown").inner_text() == str(len(shown))
    page.select_option("#filters select[name=status]", value="failed")
    assert w.column("wards", 1) == [synthetic_summaries.name(4) + " boom"] or \
        w.column("wards", 1)[0].startswith(synthetic_summaries.name(4))
    assert page.locator("#shown").inner_text() == "1"
    page.select_option("#filters select[name=province]", label="Tỉnh Giả Lập 1")
    assert w.column("wards", 1) == [] and page.locator("#shown").inner_text() == "0"
    page.select_option("#filters select[name=status]", value="")
    page.select_option("#filters select[name=province]", value="")
    assert rows.count() == len(w.column("wards", 2)) == 40
    page.screenshot(path=str(site.reports / "screenshot-index.png"), full_page=False)

    assert w.off_page() == []
    assert not [m for m in w.console if "Content Security Policy" in m or m.startswith("error")]
    page.close()


def test_province_page_links_back_and_to_wards(browser, site):
    w = Watched(browser, (site.reports / "index.html").as_uri())
    page = w.page
    page.locator('#provinces a[href="province/tinh-gia-lap-1.html"]').click()
    page.wait_for_load_state("load")
    assert page.url.endswith("province/tinh-gia-lap-1.html")
    assert page.locator("#wards tbody tr").count() == 14  # wards 0, 3, …, 39
    page.locator("#wards thead th").nth(5).click()
    assert page.locator("#wards thead th").nth(5).get_attribute("aria-sort") == "ascending"
    assert page.locator('#wards a[href="../xa-gia-lap-0003.html"]').count() == 0  # no page yet: no link
    page.locator('a[href="../index.html"]').click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/reports/index.html")
    page.locator('#wards a[href="xa-gia-lap-0001.html"]').click()
    page.wait_for_load_state("load")
    assert "ward page" in page.inner_text("body")
    assert w.off_page() == []
    page.close()


def _states(w: Watched) -> list[tuple[str, int]]:
    return list(zip(w.column("wards", 5), _num(w.column("wards", 7)), strict=True))


def test_every_state_reads_right_and_filters(browser, site):
    w = Watched(browser, (site.reports / "index.html").as_uri())
    page = w.page
    rows = w.column("wards", 5)
    assert len(rows) == 40
    # a ward with an open error reads so, in words; nothing on the page says "đã xử lý"
    for state, open_errors in _states(w):
        assert (state == "có sai sót chưa xử lý") == (open_errors > 0 and state not in ("chạy lỗi", "chưa nộp")) \
            or state in ("chạy lỗi", "chưa nộp", "chưa kiểm tra"), (state, open_errors)
    assert "đã xử lý" not in page.inner_text("body")
    # the filter offers every state, each with its count; choosing one shows exactly those rows
    options = page.eval_on_selector_all("#filters select[name=status] option", "os => os.map(o => o.value)")
    assert options == ["", *STATES]
    words = {"failed": "chạy lỗi", "missing": "chưa kiểm tra", "not_submitted": "chưa nộp",
             "errors": "có sai sót chưa xử lý", "warnings": "có cảnh báo chưa xem",
             "confirmed": "sai sót đã xác nhận, chờ đơn vị sửa", "clean": "đã kiểm tra, không có sai sót"}
    for state in STATES:
        page.select_option("#filters select[name=status]", value=state)
        shown = w.column("wards", 5)
        assert shown and set(shown) == {words[state]}, state  # the fixture has a ward in each state
        assert len(shown) == rows.count(words[state]) == int(page.locator("#shown").inner_text())
    page.select_option("#filters select[name=status]", value="")
    # search: part of a name, without its diacritics, over the rows in the HTML and those the script built
    page.fill("#filters input[name=q]", "gia lap hoa")
    found = w.column("wards", 1)
    expected = [n for n in w.column("wards", 1, visible_only=False) if "Giả Lập Hòa" in n]
    assert found and sorted(found) == sorted(expected) and page.locator("#shown").inner_text() == str(len(found))
    page.fill("#filters input[name=q]", synthetic_summaries.name(37))
    assert w.column("wards", 1) == [synthetic_summaries.name(37)]
    page.fill("#filters input[name=q]", "")
    assert len(w.column("wards", 1)) == 40
    assert not [m for m in w.console if m.startswith("error")]
    page.close()


def test_rows_built_by_the_script_are_the_rows_the_template_writes(browser, site, tmp_path, monkeypatch):
    static = _make_site(tmp_path / "static", 1000, monkeypatch)
    html = []
    for paths in (site, static):
        w = Watched(browser, (paths.reports / "index.html").as_uri())
        html.append(w.page.eval_on_selector_all("#wards tbody tr", "rs => rs.map(r => r.outerHTML)"))
        w.page.close()
    assert 'id="wards-data"' in (site.reports / "index.html").read_text(encoding="utf-8")
    assert 'id="wards-data"' not in (static.reports / "index.html").read_text(encoding="utf-8")
    assert len(html[0]) == 40
    for built, written in zip(html[0], html[1], strict=True):
        assert built == written


def test_printed_on_a4_without_controls_with_a_running_head(browser, site, tmp_path):
    w = Watched(browser, (site.reports / "index.html").as_uri())
    page = w.page
    page.emulate_media(media="print")
    for control in ("#filters", "#filters input", "#filters select"):
        assert not page.locator(control).first.is_visible(), control
    assert page.locator("#wards thead button").first.evaluate("b => getComputedStyle(b).borderStyle") in ("none", "")
    # colours print with the text that says the same
    assert page.locator("tr.st-failed td").first.evaluate("td => getComputedStyle(td).printColorAdjust") == "exact"
    pdf = tmp_path / "index.pdf"
    page.pdf(path=str(pdf), format="A4")
    doc = pdfium.PdfDocument(str(pdf))
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    text = "\n".join(pages)
    assert len(pages) >= 2
    for p in pages:  # the running head on every page, the time it was made at its foot
        assert "Tổng hợp kiểm tra báo cáo các đơn vị" in p and "Lập lúc" in p
    assert "Tìm đơn vị" not in text and "tất cả" not in text and "Đang hiện" not in text
    assert "Bấm tiêu đề cột" not in text and "Xếp theo" in text  # how to use the controls is not printed
    assert len(pages[-1].strip().splitlines()) > 4  # the time stamp is never alone on the last page
    page.close()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """Two seed wards run for real (notebook, page): one with open errors, one with warnings only."""
    paths = copy_project(tmp_path_factory.mktemp("seeds") / "project", ("trung-thanh", "phu-thinh"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        assert run_batch(all_wards=True, jobs=2, quiet=True, paths=paths) == 0
    return paths


def test_the_main_problem_links_to_its_finding_on_the_ward_page(browser, seeds):
    w = Watched(browser, (seeds.reports / "index.html").as_uri())
    page = w.page
    row = page.locator("#ward-trung-thanh")
    assert row.locator("td.state").inner_text() == "có sai sót chưa xử lý"
    assert int(row.locator("td").nth(7).inner_text()) > 0
    link = row.locator("td.main a")
    href = link.get_attribute("href")
    assert href.startswith("trung-thanh.html#f-")
    title = link.inner_text()
    link.click()
    page.wait_for_load_state("load")
    finding = page.locator(f"#{href.split('#')[1]}")
    assert finding.count() == 1 and "finding" in finding.get_attribute("class")
    assert "sev-e" in finding.get_attribute("class") and title in finding.inner_text()  # an error, its rule's title
    page.go_back()
    page.wait_for_load_state("load")
    assert page.locator("#ward-phu-thinh td.state").inner_text() == "có cảnh báo chưa xem"
    assert "đã xử lý" not in page.inner_text("body")
    assert w.off_page() == []
    page.close()

"""The index and a province page in Chromium: sorting and filtering work offline, through the one
inline script the page's CSP allows by its hash; no request leaves the page."""
from __future__ import annotations

import pytest

import synthetic_summaries
from wardaudit.run.portfolio.phase import execute_portfolio

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    paths = synthetic_summaries.make_project(tmp_path_factory.mktemp("site") / "project", 40, 3)
    # one ward whose run failed (in Tỉnh Giả Lập 2): it comes first
    (paths.reports / "batch.json").write_text('{"wards": [{"slug": "xa-gia-lap-0004", "status": "failed", '
                                              '"reason": "boom"}]}', encoding="utf-8")
    for slug in ("xa-gia-lap-0001", "xa-gia-lap-0002"):
        paths.ward_report(slug).write_text("<!DOCTYPE html><title>ward</title><p>ward page</p>", encoding="utf-8")
    assert execute_portfolio(paths)["status"] == "ok"
    return paths


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
    # opens on the triage: the failed run, then open errors never increase down the table
    assert w.column("wards", 5)[0] == "chạy lỗi" and w.column("wards", 1)[0].startswith(synthetic_summaries.name(4))
    open_errors = _num(w.column("wards", 6))
    assert open_errors[1:] == sorted(open_errors[1:], reverse=True) and open_errors[1] > open_errors[-1]

    header = page.locator("#wards thead th").nth(6)
    header.click()
    assert _num(w.column("wards", 6)) == sorted(open_errors)
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert _num(w.column("wards", 6)) == sorted(open_errors, reverse=True)
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

"""The auditor's decisions on the rendered ward page, in a real browser (Debian's chromium through
Playwright): the dismissed section, the notes, the queried mark, and a scorecard without the
dismissed finding."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import audit_seed, copy_project
from wardaudit.review.decisions import decide
from wardaudit.run.ward import execute_ward

pytestmark = [pytest.mark.slow]

WARD = "trung-thanh"


@pytest.fixture(scope="module")
def reviewed_page(tmp_path_factory):
    """The ward's page rendered after one dismissal and one query: (page path, ids, fail counts)."""
    paths = copy_project(tmp_path_factory.mktemp("review") / "project", (WARD,))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(paths.root))
        fails = [c for c in audit_seed(paths, WARD)[0].checks if c.status == "fail"]
        dismiss = next(c for c in fails if c.rule.startswith("FOOT"))
        query = next(c for c in fails if c.rule.startswith("BUDG"))
        decide(WARD, dismiss.id, "dismissed", "Chênh lệch do hồ sơ rút, đã đối chiếu", by="Kiểm toán viên B",
               paths=paths)
        decide(WARD, query.id, "query", "Đề nghị làm rõ đơn vị tính của kinh phí", paths=paths)
        result = execute_ward(WARD, paths)
    assert result["status"] == "ok", result.get("reason")
    return Path(result["html"]), dismiss.id, query.id, len(fails)


def test_the_page_shows_the_dismissed_section_the_notes_and_the_queried_mark(browser, reviewed_page):
    html, dismiss, query, n_fails = reviewed_page
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")

    section = page.locator("section.dismissed")
    assert section.count() == 1 and section.is_visible()
    assert section.locator("h3").inner_text().strip() == "Đã loại trừ"
    moved = section.locator(f'[data-id="{dismiss}"]')
    assert moved.count() == 1 and moved.is_visible()
    assert "Chênh lệch do hồ sơ rút, đã đối chiếu" in moved.inner_text()
    assert "Kiểm toán viên B" in moved.inner_text()
    # the section comes after every finding still in play
    assert page.evaluate("""() => {
        const s = document.querySelector('section.dismissed');
        return [...document.querySelectorAll('.finding')].filter(f => !s.contains(f))
            .every(f => f.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")

    queried = page.locator(f'.finding[data-id="{query}"]')
    assert "queried" in queried.get_attribute("class")
    assert "Đề nghị làm rõ đơn vị tính của kinh phí" in queried.inner_text()
    assert "Đề nghị giải trình" in queried.locator(".review").inner_text()
    # its mark is drawn: a purple left border, unlike an open finding's red one
    colour = queried.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert colour == "rgb(106, 61, 154)"

    fail_cell = page.locator('table.score td[data-count="fail"]')
    assert int(fail_cell.inner_text()) == n_fails - 1
    assert not [u for u in requests if not u.startswith(("file://", "data:", "about:"))]
    page.close()

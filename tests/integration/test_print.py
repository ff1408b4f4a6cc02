"""Printing a ward page on A4 with Chromium (`page.pdf`, print media): a bounded page count, every
finding card whole on one page, badges that print, the ward named in every page's head, no heading
printed empty, the report's text starting a page of its own, and no hint or link text on paper."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import SEED_WARDS

pytestmark = pytest.mark.slow

# A4 less the @page margins (16 mm top and bottom, 12 mm each side) at 96 px per inch
PAGE_HEIGHT_PX = (297 - 32) / 25.4 * 96
PAGE_WIDTH_PX = (210 - 24) / 25.4 * 96
# the findings, charts and tables of a seed ward fit in this many pages; the report's full text,
# printed as an appendix starting on its own page, brings the whole to at most this many
# (measured: 9, 8, 28 and 33 pages; 2.1, 1.9, 12.4 and 10.2 pages before the text)
MAX_BODY_PAGES = 14
MAX_PAGES = 40


def _pages_text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(p.split()) for p in out.split("\f")]


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_a_printed_ward_page_keeps_cards_whole_within_the_page_bound(browser, seed_pages, slug, tmp_path):
    page = browser.new_page(viewport={"width": round(PAGE_WIDTH_PX), "height": 1000})
    page.goto((seed_pages.reports / f"{slug}.html").as_uri())
    page.emulate_media(media="print")
    cards = page.evaluate("""() => [...document.querySelectorAll('.finding')].map(e => {
        const r = e.getBoundingClientRect();
        const lines = e.innerText.split('\\n').map(s => s.trim()).filter(Boolean);
        return {id: e.dataset.id, height: r.height, last: lines[lines.length - 1]};
    })""")
    badge = page.evaluate("""() => { const b = document.querySelector('.finding .badge');
        return b ? [getComputedStyle(b).printColorAdjust, b.innerText.trim()] : null; }""")
    # a heading printed with nothing under it before the next heading of its rank (its section folded away)
    empty_headings = page.evaluate("""() => [...document.querySelectorAll('main h1, main h2, main h3')]
        .filter(h => h.getClientRects().length).filter(h => {
            const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            w.currentNode = h;
            for (let n = w.nextNode(); n; n = w.nextNode()) {
                if (h.contains(n) || !n.textContent.trim() || !n.parentElement.getClientRects().length) continue;
                const next = n.parentElement.closest('h1, h2, h3');  // a subsection's heading is content
                return !!next && next.tagName <= h.tagName;
            }
            return true;
        }).map(h => h.innerText.trim())""")
    source_heading = page.evaluate("() => document.querySelector('#sec-source').innerText.trim()")
    body_bottom = page.evaluate("""() => { const s = document.querySelector('.source-appendix');
        return s ? s.getBoundingClientRect().top + window.scrollY : document.body.scrollHeight; }""")
    pdf = tmp_path / f"{slug}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False, prefer_css_page_size=True)
    page.close()

    texts = _pages_text(pdf)
    texts = texts[:-1] if texts and not texts[-1] else texts
    print(f"\n{slug}: {len(texts)} A4 pages, {body_bottom / PAGE_HEIGHT_PX:.1f} before the report text")  # -s shows it
    assert len(texts) <= MAX_PAGES, f"{slug}: {len(texts)} pages"
    pages = body_bottom / PAGE_HEIGHT_PX
    assert pages <= MAX_BODY_PAGES, f"{slug}: {pages:.1f} pages before the text"
    # badges keep their colour with backgrounds off, and say their severity in words
    if badge:
        assert badge[0] == "exact" and badge[1]
    # the ward is named in every page's running head
    ward = seed_pages.ward_params(slug).read_text(encoding="utf-8")
    name = re.search(r"^ward:\s*(.+)$", ward, flags=re.M).group(1).strip().strip("'\"")
    assert all(name in t for t in texts), f"{slug}: a page without the running head"
    assert not empty_headings, f"{slug}: headings printed empty: {empty_headings}"
    # the report's text starts a page of its own: its heading opens the page, right under the running head
    starts = [i for i, t in enumerate(texts) if source_heading in t]
    assert starts, f"{slug}: the report's text is not printed"
    head = texts[starts[0]].split(source_heading)[0]
    assert name in head and len(head) < 120, f"{slug}: the report's text starts mid-page {starts[0] + 1}: {head[-200:]}"
    # no hint for a mouse and no link text on paper
    printed = " ".join(texts)
    assert "Di chuột" not in printed and "xem trong văn bản" not in printed and "Về trang tổng hợp" not in printed
    for card in cards:
        # a card taller than a page would have to split; every card fits on one
        assert card["height"] < PAGE_HEIGHT_PX, f"{slug}: card {card['id']} is {card['height']:.0f}px high"
        on = [i for i, t in enumerate(texts) if card["id"] in t]
        assert on, f"{slug}: card {card['id']} not printed"
        tail = " ".join(card["last"].split()[-4:])
        assert tail in texts[on[0]], f"{slug}: card {card['id']} continues on page {on[0] + 2}"

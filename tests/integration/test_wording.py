"""The auditor's reading: a Vietnamese page is Vietnamese. On the four seed wards' pages and the
index: no metric key, no English message, no raw JSON or traceback, a back link to the index, a
print stylesheet that keeps cards whole; every finding says on what relation it rests."""
from __future__ import annotations

import html
import json
import re

import pytest

from conftest import SEED_WARDS
from wardaudit.catalogue import load_catalogue
from wardaudit.render.messages import MESSAGES
from wardaudit.render.wording import format_value, message, quote_at_words, relation_text, value_rows

pytestmark = pytest.mark.slow

PAGES = [*SEED_WARDS, "index"]


def _visible(page: str) -> str:
    """What a reader sees: the text without markup or styles, plus tooltips and image texts."""
    body = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    tips = " ".join(html.unescape(t) for t in re.findall(r'(?:title|alt)="([^"]*)"', body))
    return html.unescape(re.sub(r"<[^>]+>", " ", body)) + " " + tips


def _page(paths, name: str) -> str:
    return (paths.reports / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAGES)
def test_a_vietnamese_page_has_no_metric_key_english_json_or_traceback(seed_pages, name):
    text = _visible(_page(seed_pages, name))
    keys = [m.key for m in load_catalogue().metrics]
    leaked = sorted(k for k in keys if re.search(r"(?<![\w.])" + re.escape(k) + r"(?!\w)", text))
    assert not leaked, f"{name}: metric keys shown: {leaked}"
    english = sorted({e for vi, e in MESSAGES.values() if e != vi and len(e) > 8 and "{" not in e and e in text})
    assert not english, f"{name}: English messages: {english}"
    tails = re.findall(r"\s/\s[A-Za-z][a-z]+(?: [a-z]+)+", text)
    assert not tails, f"{name}: English tails of rule messages: {tails[:5]}"
    assert not re.search(r'\{\s*"[a-z_]+"\s*:', text), f"{name}: raw JSON"
    assert "Traceback" not in text and "File \"" not in text


@pytest.mark.parametrize("name", SEED_WARDS)
def test_a_ward_page_links_back_and_prints_cards_whole(seed_pages, name):
    page = _page(seed_pages, name)
    assert re.search(r'<nav class="back"><a href="index.html">[^<]*trang tổng hợp', page)
    assert (seed_pages.reports / "index.html").is_file()
    css = " ".join(re.findall(r"<style>(.*?)</style>", page, flags=re.S))
    printed = css[css.index("@media print"):]
    assert re.search(r"\.wa \.finding[^{]*\{[^}]*break-inside:avoid", printed)
    assert "print-color-adjust:exact" in printed and "@page" in css


def _checks(paths, slug: str) -> list[dict]:
    doc = json.loads((paths.ward_processed(slug) / "findings.json").read_text(encoding="utf-8"))
    return [c for d in doc.get("reports", [doc]) for c in d["checks"]], doc


def test_findings_and_ticks_show_their_relation_and_the_page_counts_what_was_not_checked(seed_pages):
    seen_strengths: set[str] = set()
    for slug in SEED_WARDS:
        page = _page(seed_pages, slug)
        checks, doc = _checks(seed_pages, slug)
        pieces = page.split('<div class="finding ')[1:]
        cards = {re.search(r'data-id="([^"]+)"', p).group(1): p for p in pieces}
        for c in checks:
            if c["status"] != "fail" or not c.get("relation"):
                continue
            words = relation_text(c["relation"], "vi")
            assert words and html.escape(words, quote=True) in cards[c["id"]], (slug, c["id"])
            seen_strengths.add(c["relation"]["strength"])
            if c["message"].startswith("Cần rà soát:"):
                assert 'data-inferred="1"' in cards[c["id"]] and "Cần rà soát (quan hệ suy ra)" in cards[c["id"]]
        ticked = [c for c in checks if c["status"] == "pass" and (c.get("relation") or {}).get("strength")]
        # one line per check in a tick's tooltip, each opening with its sign (✓ or ✗, '↳' under its cause)
        titles = [line.lstrip(" ↳✓✗") for t in re.findall(r'class="tick"[^>]*title="([^"]*)"', page)
                  for line in html.unescape(t).splitlines()]
        for c in ticked[:5]:
            words = relation_text(c["relation"], "vi")
            assert any(words in t for t in titles if t.startswith(c["rule"])), (slug, c["rule"], words)
        unchecked = doc.get("unchecked") or {"count": 0, "reasons": {}}
        m = re.search(r'data-unchecked="(\d+)"', page)
        assert m and int(m.group(1)) == unchecked["count"]
        for reason in unchecked["reasons"]:
            assert html.escape(reason, quote=True) in page
    assert "explicit" in seen_strengths or "inferred" in seen_strengths


# --- the wording helpers on written cases ------------------------------------------------------

@pytest.mark.parametrize("text, vi, en", [
    ("Báo cáo chưa ghi số hiệu (Số: /...) / report number is blank",
     "Báo cáo chưa ghi số hiệu (Số: /...)", "report number is blank"),
    ("Tỷ lệ 98,70% = 12.294 / 12.456", "Tỷ lệ 98,70% = 12.294 / 12.456", "Tỷ lệ 98,70% = 12.294 / 12.456"),
    ("Báo cáo khẳng định 'phủ kín'; nhưng coverage.4g = 95% / full coverage is claimed",
     "Báo cáo khẳng định 'phủ kín'; nhưng tỷ lệ phủ sóng 4G", None),
])
def test_message_keeps_one_language_and_names_metrics_by_label(text, vi, en):
    got = message(text, "vi")
    assert got.startswith(vi) or (vi in got)
    assert " / " not in got.replace(" / 12.456", "") and "coverage.4g" not in got
    if en:
        assert message(text, "en") == en


def test_values_are_labelled_rounded_and_dates_are_dd_mm_yyyy():
    rows = dict(value_rows({"stated": 99.9, "computed": 86.2476, "numerator": 10743}, "TGT003", "vi"))
    assert rows == {"Báo cáo ghi": "99,9", "Tính lại": "86,25", "Tử số": "10.743"}
    rows = dict(value_rows({"actual": [162, 64, 160]}, "XREF001", "vi"))
    assert rows == {"Các giá trị được nêu": "162; 64; 160"}  # none of them named as expected
    assert format_value({"day": None, "month": 6, "year": 2026}) == "…/06/2026"
    # named figures, not a repeat of them as expected/actual
    rows = dict(value_rows({"expected": 12456, "actual": 12454, "received": 12456, "resolved": 12294,
                            "pending": 160}, "FOOT002", "vi"))
    assert rows == {"Tiếp nhận": "12.456", "Đã giải quyết": "12.294", "Đang giải quyết": "160"}


def test_quotes_are_cut_at_word_boundaries():
    text = "Hệ thống mạng điện tử HPnet hoạt động ổn định trên toàn xã"
    assert quote_at_words("ng điện tử HPnet…", text) == "…mạng điện tử HPnet…"
    assert quote_at_words("Hệ thống mạng", text) == "Hệ thống mạng…"


def test_no_tick_on_heading_numbers_and_the_red_mark_on_the_variant_spelling(seed_pages):
    variants_marked = 0
    for slug in SEED_WARDS:
        page = _page(seed_pages, slug)
        for body in re.findall(r'<p class="h"[^>]*><span class="loc">[^<]*</span>(.*?)</p>', page, flags=re.S):
            assert not re.match(r'\s*(?:#+\s*)?<span class="(?:tick|mark-fail)"', body), (slug, body[:120])
            assert not re.match(r"\s*(?:Phần|PHẦN|Mục|Phụ lục|PHỤ LỤC)\s+<span", body), (slug, body[:120])
        checks, _ = _checks(seed_pages, slug)
        for c in checks:
            if c["rule"] != "META003" or c["status"] != "fail":
                continue
            marked = [html.unescape(t) for t in re.findall(
                r'<span class="mark-fail"[^>]*data-rules="[^"]*META003[^"]*"[^>]*>([^<]*)<', page)]
            assert c["values"]["expected"] not in marked, (slug, marked)
            assert set(marked) & set(c["values"]["actual"]), (slug, marked)
            variants_marked += 1
    assert variants_marked, "no seed has a variant spelling: this test proves nothing"

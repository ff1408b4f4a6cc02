"""The ward page's "So với kỳ trước": a ward's second report against its first, made at run time from
the weekly seed with one rate changed (the issue's case: 99,9% → 95%), audited as the batch audits a
ward, the table read back from the page's HTML."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import seed_stating
from synthetic import make_report, make_ward
from wardaudit.audit import audit_reports
from wardaudit.project.config import WardParams
from wardaudit.render import page

RATE = "tỷ lệ số hóa hồ sơ đạt 99,9%"


class _Rows(HTMLParser):
    """Each <tr> of the page's previous-period tables: its class and its cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append((dict(attrs).get("class") or "", []))
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return seed_stating(RATE)  # the report whose rate this test changes


def _two_reports(tmp_path: Path, seed_text: str, stated: str):
    second = make_report(seed_text, days=7).replace(RATE, f"tỷ lệ số hóa hồ sơ đạt {stated}")
    folder = make_ward(tmp_path, "hai-ky", [make_report(seed_text), second], ward="Hai Kỳ")
    params = WardParams(ward="Hai Kỳ", slug="hai-ky")
    return audit_reports([(f, f.name) for f in sorted(folder.iterdir())], params)


def _table(html: str) -> dict[str, tuple[str, list[str]]]:
    parser = _Rows()
    parser.feed(html)
    return {cells[0]: (cls, cells) for cls, cells in parser.rows if cells and cells[0]}


def test_a_rate_that_falls_beyond_its_tolerance_is_flagged_with_both_values(tmp_path, seed_text):
    results = _two_reports(tmp_path, seed_text, "95%")
    html = page.previous_period(results, "vi")
    assert 'id="sec-previous"' in html and "So với kỳ trước" in html
    rows = _table(html)
    head = next(cells for cls, cells in rows.values() if cls == "" and cells[0] == "Chỉ số")
    # the previous report's period in its column's heading
    assert re.search(r"Kỳ trước \(.*\d{2}/\d{2}/\d{4}\)", head[1]), head
    cls, cells = rows["Tỷ lệ số hóa hồ sơ"]
    assert cells[1:4] == ["99,9%", "95%", "−4,9 điểm %"], cells
    assert cls == "beyond" and cells[4].startswith("⚠ Vượt biên độ ±2 điểm %"), cells
    # the rule says the same about the same figures
    trend = [c for c in results[-1].checks if c.rule == "TREND002" and c.values.get("previous") == 99.9]
    assert [c.status for c in trend] == ["fail"]
    # a figure both reports state alike is not flagged, and the first listed row is the flagged one
    assert all(cls != "beyond" for label, (cls, _) in rows.items() if label != "Tỷ lệ số hóa hồ sơ")
    assert html.index("Tỷ lệ số hóa hồ sơ") < html.index("không đổi")


def test_a_small_move_of_a_rate_is_within_its_tolerance(tmp_path, seed_text):
    results = _two_reports(tmp_path, seed_text, "98,9%")
    cls, cells = _table(page.previous_period(results, "vi"))["Tỷ lệ số hóa hồ sơ"]
    assert cls == "within" and cells[3] == "−1 điểm %" and cells[4] == "Trong biên độ ±2 điểm %", cells


def test_a_ward_with_one_report_has_no_comparison(tmp_path, seed_text):
    folder = make_ward(tmp_path, "mot-ky", [make_report(seed_text)], ward="Một Kỳ")
    results = audit_reports([(f, f.name) for f in folder.iterdir()], WardParams(ward="Một Kỳ", slug="mot-ky"))
    assert page.previous_period(results, "vi") == ""
    assert "sec-previous" not in page.header(results, None, "vi")

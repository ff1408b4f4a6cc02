"""The province page's indicators over time: a ward's second report (the weekly seed a week later with one
rate changed, made at run time) audited, stored and summarised as a batch worker does, then the portfolio
phase renders the province page; the section is read back from its HTML."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import seed_stating
from synthetic import make_report, make_ward
from wardaudit.project.config import Paths

ROOT = Path(__file__).resolve().parents[2]
RATE = "tỷ lệ số hóa hồ sơ đạt 99,9%"
LABEL = "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC"  # catalogue/targets.yaml, rate.digitised


class _Section(HTMLParser):
    """The indicator-trend section: headings (h3) and, per table, its rows' class and cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.headings: list[str] = []
        self.tables: dict[str, list[tuple[str, list[str]]]] = {}
        self._table: str | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id") == "indicator-trend":
            self.inside = True
        if not self.inside:
            return
        if tag == "h3":
            self._text = []
        elif tag == "table":
            self._table = a.get("data-indicator")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append((a.get("class") or "", []))
        elif tag in ("td", "th"):
            self._text = []

    def handle_endtag(self, tag):
        if tag == "section":
            self.inside = False
        elif tag == "h3" and self._text is not None:
            self.headings.append("".join(self._text).strip())
            self._text = None
        elif tag in ("td", "th") and self._text is not None and self._table:
            self.tables[self._table][-1][1].append(" ".join("".join(self._text).split()))
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return seed_stating(RATE)  # the report whose rate this test changes


def _province_page(root: Path, seed_text: str, stated: str) -> str:
    from conftest import audit_seed
    from wardaudit.run.portfolio import execute_portfolio

    second = make_report(seed_text, days=7).replace(RATE, f"tỷ lệ số hóa hồ sơ đạt {stated}")
    make_ward(root, "hai-ky", [make_report(seed_text), second], ward="Hai Kỳ", province="Tỉnh Thử Nghiệm")
    paths = Paths(root)
    (paths.reports).mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDAUDIT_ROOT", str(root))
        audit_seed(paths, "hai-ky")
        execute_portfolio(paths)
    pages = sorted((paths.reports / "province").glob("*.html"))
    assert len(pages) == 1, pages
    return pages[0].read_text(encoding="utf-8")


def _section(html: str) -> _Section:
    parser = _Section()
    parser.feed(html)
    return parser


def test_a_rate_that_falls_beyond_its_tolerance_shows_both_values_and_the_flag(tmp_path, seed_text):
    html = _province_page(tmp_path, seed_text, "95%")
    s = _section(html)
    assert LABEL in s.headings, s.headings
    rows = s.tables["rate.digitised"]
    cls, cells = next((cls, cells) for cls, cells in rows if cells and cells[0] == "Hai Kỳ")
    assert cells[1].startswith("99,9%") and cells[2].startswith("95%"), cells
    # both reports' dates, a week apart, next to their values
    assert cells[1][-11:-1] != cells[2][-11:-1] and cells[1].endswith(")"), cells
    assert cells[3] == "−4,9 điểm %" and cls == "beyond", cells
    assert cells[4].startswith("⚠ Vượt biên độ ±2 điểm %"), cells
    assert 'href="../hai-ky.html#sec-previous"' not in html or "hai-ky.html#sec-previous" in html
    # indicators both reports state alike are counted, not flagged
    assert all(cls != "beyond" for key, rs in s.tables.items() if key != "rate.digitised" for cls, _ in rs)


def test_a_small_move_is_shown_within_its_tolerance(tmp_path, seed_text):
    s = _section(_province_page(tmp_path, seed_text, "98,9%"))
    cls, cells = next((cls, cells) for cls, cells in s.tables["rate.digitised"] if cells and cells[0] == "Hai Kỳ")
    assert cls == "within" and cells[3] == "−1 điểm %" and cells[4] == "Trong biên độ ±2 điểm %", cells


def test_a_province_of_100_wards_each_flagged_on_every_indicator_stays_small():
    from wardaudit.rules.portfolio import load_targets
    from wardaudit.run.portfolio.pages import environment
    from wardaudit.run.portfolio.trend import indicator_trend_view

    keys = [i["key"] for i in load_targets()["indicators"]]
    rows = [{"ward": f"Phường Số {i}", "slug": f"phuong-so-{i}", "html": True} for i in range(100)]
    pair = {"previous_end": "2026-05-07", "end": "2026-05-14",
            "rows": [{"indicator": k, "previous": 99.9, "current": 50.5, "judged": True, "beyond": True,
                      "tolerance": {"points": 2.0, "factor": None}} for k in keys]}
    view = indicator_trend_view(rows, {r["slug"]: {"indicator_trend": pair} for r in rows})
    assert [len(ind["rows"]) for ind in view["indicators"]] == [100] * len(keys)
    macro = environment().get_template("portfolio_trend.html.j2").module.indicator_trend
    html = str(macro(view, "../"))
    assert html.count('class="beyond"') == 100 * len(keys)
    # every ward on every indicator: well under the province page's 1 MB, with room for its other sections
    assert len(html.encode("utf-8")) < 400_000, len(html.encode("utf-8"))

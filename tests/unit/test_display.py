"""wardaudit.render.page, messages and charts: escaping of hostile report text, tick-and-tie placement,
the sections' content, number formatting, chart determinism, the render layer's shape."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from test_house import SRC, html_strings, import_graph

from wardaudit.errors import RegistryError
from wardaudit.model.document import Block, Document, Location, Table
from wardaudit.model.findings import CheckResult, Evidence, summary
from wardaudit.model.report import Period, ReportMeta
from wardaudit.render import charts
from wardaudit.render import page as display
from wardaudit.render.messages import MESSAGES, t
from wardaudit.render.wording import format_value
from wardaudit.vi.numbers import display_number

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MDLINK = "[x](javascript:alert(1))"
HOSTILE = (SCRIPT, IMG, MDLINK)
FILE = "data/raw/x/report.md"


@dataclass
class FakeResult:
    """The parts of AuditResult the display functions read."""

    document: Document
    meta: ReportMeta
    checks: list[CheckResult]
    facts: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _doc() -> Document:
    loc = lambda line: Location(FILE, None, line)  # noqa: E731
    table = Table(header=["STT", f"Chỉ tiêu {SCRIPT}", "Kết quả"],
                  rows=[["1", f"Hồ sơ trực tuyến {IMG}", "60"], ["2", MDLINK, "40"]],
                  location=loc(10), appendix="1", title=f"Phụ lục {SCRIPT}",
                  row_locations=[loc(12), loc(13)], quality={"accuracy": 71.5}, low_confidence=True)
    blocks = [
        Block("heading", f"I. KẾT QUẢ {SCRIPT}", loc(3), ("I",), "I", 0),
        Block("paragraph", f"Tổng số hồ sơ là 100 hồ sơ, trong đó 60 trực tuyến, 40 trực tiếp. {IMG} {MDLINK}",
              loc(5), ("I",)),
        Block("paragraph", "Đã giải quyết 12.294 hồ sơ, đạt tỷ lệ 98,70%; 4 nhiệm vụ, 40 việc.", loc(7), ("I",)),
        Block("table", "…", loc(10), ("Phụ lục 1",), appendix="1", table=table),
    ]
    return Document(source=FILE, format="markdown", sha256="ab" * 32, blocks=blocks)


def _checks() -> list[CheckResult]:
    ev = lambda quote, line, figure: Evidence("I", quote, None, line, FILE, figure)  # noqa: E731
    return [
        CheckResult("FOOT001", "pass", "error", "Tổng 100 = 60 + 40",
                    {"expected": 100, "actual": 100},
                    (ev("Tổng số hồ sơ là 100 hồ sơ", 5, "100"), ev("trong đó 60 trực tuyến", 5, "60"),
                     ev("40 trực tiếp", 5, "40"))),
        CheckResult("RATE001", "fail", "error", f"Tỷ lệ sai {SCRIPT}",
                    {"stated": 98.7, "computed": 98.12345}, (ev("đạt tỷ lệ 98,70%", 7, "98,70%"),)),
        CheckResult("XREF001", "fail", "warning", f"Bảng khác văn bản {IMG}",
                    {"expected": 60, "actual": 40}, (ev("2 | x | 40", 13, "40"), ev("60 trực tuyến", 5, "60"))),
        CheckResult("META001", "skip", "info", f"Không có số {MDLINK}", {}, ()),
        CheckResult("TGT001", "pass", "info", "4 nhiệm vụ", {}, (ev("4 nhiệm vụ", 7, "4"),)),
    ]


@pytest.fixture
def result() -> FakeResult:
    meta = ReportMeta(period=Period(None, "2026-05-13"), kind="tháng", ward_name=f"Xã {SCRIPT}{IMG}", signer=MDLINK)
    return FakeResult(_doc(), meta, _checks())


@dataclass
class Params:
    ward: str = f"Phường {SCRIPT}"
    level: str = "phường"
    province: str | None = IMG
    period_start: str | None = None
    period_end: str | None = None
    rules_off: list[str] = field(default_factory=lambda: [MDLINK])
    carried_over_in_denominator: bool = True
    outline_profile: str = "auto"


def _all_html(result: FakeResult, lang: str = "vi") -> str:
    return "".join([display.header([result], Params(), lang), display.scorecard([result], lang),
                    display.findings([result], lang), display.source_view([result], lang),
                    display.appendix_tables([result], lang), display.all_checks([result], lang)])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hostile_text_is_shown_literally_never_as_markup(result, lang):
    html = _all_html(result, lang)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "javascript:" not in "".join(re.findall(r'(?:href|src)="([^"]*)"', html))
    assert "onerror=" not in re.sub(r"&[^;]+;", "", html.replace("onerror=alert(1)&gt;", ""))
    # every hostile string is there, escaped, so the browser shows it as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[x](javascript:alert(1))" in html
    # the only links are in-page anchors
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))


def test_quotes_in_report_text_cannot_end_an_attribute(result):
    # a passing check's message goes into the title attribute of its tick
    checks = [CheckResult("FOOT001", "pass", "error", 'Tổng " onmouseover="alert(1)\' x', {},
                          (Evidence("I", "Tổng số hồ sơ là 100 hồ sơ", None, 5, FILE, "100"),))]
    html = display.source_view([FakeResult(result.document, ReportMeta(), checks)])
    title = re.search(r'<span class="tick" title="([^"]*)"', html).group(1)
    assert title == "✓ FOOT001: Tổng &quot; onmouseover=&quot;alert(1)&#x27; x"
    assert '" onmouseover="' not in html


def test_header_shows_blanks_sources_and_hash(result):
    html = display.header([result], Params())
    assert html.count("(trống)") >= 2  # number and date are blank
    assert FILE in html and "ab" * 32 in html
    assert "13/05/2026" in html and "2026-05-13" not in html and "tháng" in html
    assert "(missing)" in display.header([result], Params(), "en")


def test_scorecard_counts_equal_summary(result):
    html = display.scorecard([result])
    s = summary(result.checks)
    for key in ("checks", "pass", "fail", "skip", "error", "warning", "info"):
        assert f'data-count="{key}">{s[key]}<' in html
    assert 'data-family="FOOT"' in html and 'data-family="RATE"' in html


def test_findings_worst_first_with_values_and_links(result):
    html = display.findings([result])
    rules = re.findall(r'<div class="finding [^"]*" data-rule="([^"]+)"', html)
    assert rules == ["RATE001", "XREF001"]  # failures only, error before warning
    assert "98,7" in html and "98,12" in html and "98,12345" not in html  # vi format, stated precision
    links = re.findall(r'href="#([^"]+)"', html)
    assert links == ["L0-7", "L0-13", "L0-5"]


def test_source_view_ticks_and_red_marks_sit_on_the_figures(result):
    html = display.source_view([result])
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert {"L0-3", "L0-5", "L0-7", "L0-10", "L0-12", "L0-13"} <= set(ids)
    ticks = re.findall(r'<span class="tick" title="([^"]*)" tabindex="0" data-rules="([^"]*)">([^<]*)<', html)
    fails = re.findall(r'<span class="mark-fail" title="([^"]*)" tabindex="0" data-rules="([^"]*)">([^<]*)<', html)
    assert sorted(f for _, _, f in ticks) == ["100", "4", "40"]
    # "60" in the paragraph is used by a passing and a failing check: it is red and names both
    assert sorted((f, r) for _, r, f in fails) == [("40", "XREF001"), ("60", "FOOT001 XREF001"),
                                                   ("98,70%", "RATE001")]
    assert "✓ FOOT001: Tổng 100 = 60 + 40" in ticks[0][0]
    # each line of a tooltip says ✓ or ✗, the failed checks first
    both = next(title for title, r, f in fails if f == "60").split("\n")
    assert [line[:9] for line in both] == ["✗ XREF001", "✓ FOOT001"], both
    # "4" is not marked inside "40" or "12.294"; the failing table figure is in row L0-13
    row = re.search(r'<tr id="L0-13">(.*?)</tr>', html).group(1)
    assert 'class="mark-fail"' in row
    pl = display.place_evidence(result.document, result.checks)
    assert pl.unplaced == 0


def test_unlocatable_figure_is_counted_not_guessed():
    doc = _doc()
    checks = [CheckResult("FOOT009", "pass", "error", "x", {}, (Evidence("I", "không có", None, 99, FILE, "777"),))]
    pl = display.place_evidence(doc, checks)
    assert pl.unplaced == 1 and not pl.marks
    html = display.source_view([FakeResult(doc, ReportMeta(), checks)])
    assert "1 số liệu" in html and "777" not in html


def test_appendix_tables_show_quality_and_low_confidence_flag(result):
    html = display.appendix_tables([result])
    assert 'class="flag-low"' in html and "ĐỘ TIN CẬY THẤP" in html
    assert "accuracy: 71,5" in html
    assert "Phụ lục 1" in html
    empty = FakeResult(Document(FILE, "markdown", "0", []), ReportMeta(), [])
    assert "không có bảng phụ lục" in display.appendix_tables([empty])


def test_all_checks_lists_passed_and_skipped_in_details(result):
    html = display.all_checks([result])
    assert html.count('<tr class="check') == len(result.checks)
    assert "<details" in html and "(5)" in html
    assert 'class="check st-skip" data-rule="META001"' in html


@pytest.mark.parametrize("value,lang,decimals,text", [
    (12294, "vi", 6, "12.294"), (12294, "en", 6, "12,294"), (98.7, "vi", 6, "98,7"),
    (316000000.0, "vi", 6, "316.000.000"), (1234.5678, "vi", 2, "1.234,57"), (1234.5678, "en", 2, "1,234.57"),
    (0.1 + 0.2, "vi", 6, "0,3"), (-0.0000001, "vi", 6, "0"), (float("nan"), "vi", 6, "—"), (None, "vi", 6, ""),
    ("lattice", "vi", 6, "lattice")])
def test_display_number(value, lang, decimals, text):
    assert display_number(value, lang, decimals) == text


@pytest.mark.parametrize("value,lang,decimals,text", [([1, 2.5], "vi", None, "1; 2,5"), (98.12345, "vi", None, "98,12"),
                                                      (98.12345, "en", 3, "98.123"), ({"day": 6, "month": None,
                                                                                       "year": 2026}, "vi", None,
                                                                                      "06/…/2026")])
def test_check_values_use_the_display_number(value, lang, decimals, text):
    assert format_value(value, lang, decimals) == text


def test_messages_cover_both_languages_and_refuse_unknown_keys():
    assert all(len(pair) == 2 and all(pair) for pair in MESSAGES.values())
    assert t("blank") == "(trống)" and t("blank", "en") == "(missing)"
    assert t("rows_n", "en", n=3) == "3 rows"
    with pytest.raises(RegistryError, match="unknown message"):
        t("no-such-key")


@dataclass
class F:
    metric: str | None
    value: float
    qualifier: str | None = None
    group: str | None = None
    unit: str | None = None
    kind: str = "count"
    status: str | None = None

    def to_public(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "qualifier": self.qualifier, "group": self.group,
                "unit": self.unit, "kind": self.kind, "status": self.status, "section": "I"}


FACTS = [F("infra.coverage_5g", 90, "target", "T1", "%"), F("infra.coverage_5g", 45, "result", "T1", "%"),
         F("dossiers.received", 120), F("dossiers.resolved_on_time", 100), F("dossiers.resolved_late", 5),
         F("dossiers.pending", 15), F("budget.allocated", 316_000_000, group="CĐS"),
         F("budget.disbursed", 100_000_000, group="CĐS"), F("tasks.assigned", 10), F("tasks.completed", 4),
         F("tasks.row", 1, status="completed"), F("tasks.row", 1, status="in_progress")]


@pytest.mark.parametrize("key,make", charts.CHARTS)
def test_charts_draw_or_say_nothing_to_draw(key, make):
    assert make([], "vi") is None
    fig = make(FACTS, "vi")
    assert fig is not None
    first, second = charts.png_bytes(fig), charts.png_bytes(make(FACTS, "vi"))
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == second
    assert b"Software" not in first
    html = display.chart(None, key)
    assert "không có số liệu để vẽ" in html


def test_charts_section_embeds_png_data_only():
    html = display.charts_section(FACTS, "en")
    assert html.count('src="data:image/png;base64,') == len(charts.CHARTS)
    assert "http" not in html


def test_several_reports_get_distinct_anchors_and_matching_links(result):
    second = FakeResult(_doc(), result.meta, _checks())
    src = display.source_view([result, second])
    ids = re.findall(r'id="([^"]+)"', src)
    assert len(ids) == len(set(ids)) and "r1-L0-5" in ids and "r2-L0-5" in ids
    links = set(re.findall(r'href="#([^"]+)"', display.findings([result, second])))
    assert links == {"r1-L0-7", "r1-L0-13", "r1-L0-5", "r2-L0-7", "r2-L0-13", "r2-L0-5"}
    assert links <= set(ids)


def test_load_ward_applies_the_notebook_overrides(project):
    from wardaudit.run.present import load_ward

    ward = load_ward("vinh-thong", paths=project, lang="en", rules_off=["STRUCT"],
                     carried_over_in_denominator=False)
    assert ward.lang == "en" and ward.params.rules_off == ["STRUCT"]
    assert ward.params.carried_over_in_denominator is False
    assert ward.results and not [c for r in ward.results for c in r.checks if c.rule.startswith("STRUCT")]
    assert '<h2 id="sec-header">Report</h2>' in display.header(ward.results, ward.params, ward.lang)
    # audited in the kernel, not stored: what the batch owns is left alone
    assert ward.stored is False and not project.ward_processed("vinh-thong").exists()


# --- the render layer's shape (the package-wide limits are in test_house.py) ---------------------

RENDER_FILES = [*sorted((SRC / "render").glob("*.py")), SRC / "run" / "ward.py", SRC / "run" / "notebook.py",
                SRC / "run" / "kernel.py"]


def test_the_render_layer_builds_html_in_templates_only():
    found = [s for p in RENDER_FILES for s in html_strings(p)]
    assert len(found) <= 4, "\n".join(found)  # of the package's 10
    text = "".join(p.read_text(encoding="utf-8") for p in RENDER_FILES)
    assert "html.escape" not in text and "esc(" not in text  # the templates escape, once, in templating.py


def test_charts_and_wording_do_not_import_the_page():
    graph = import_graph()
    for name in ("charts", "wording", "placement", "messages", "templating"):
        imported = graph[f"wardaudit.render.{name}"]
        assert not imported & {"wardaudit.render.page", "wardaudit.render.evidence"}, (name, imported)


# --- issue 24: what a finding card shows ------------------------------------------------------------

def test_a_name_variant_marks_the_letters_that_differ(result):
    import unicodedata

    # the variant written decomposed (u + combining horn): compared in NFC, still one letter
    variant = unicodedata.normalize("NFD", "Xã Bình Lưu")
    check = CheckResult("META003", "fail", "warning", "Tên đơn vị viết khác nhau",
                        {"expected": "Xã Bình Lưu", "actual": ["Xã Bình Luu"]}, ())
    check2 = CheckResult("META003", "fail", "warning", "Tên đơn vị viết khác nhau",
                         {"expected": "Xã Bình Lau", "actual": [variant]}, ())
    for c, marked in ((check, ("ư", "u")), (check2, ("a", "ư"))):
        html = display.findings([FakeResult(result.document, result.meta, [c])])
        assert re.findall(r"<mark>([^<]*)</mark>", html) == list(marked), html


def test_a_repeated_table_says_what_its_numbers_count(result):
    check = CheckResult("STRUCT005", "fail", "warning", "Bảng bị lặp nguyên văn", {"expected": 1, "actual": 1}, ())
    html = display.findings([FakeResult(result.document, result.meta, [check])])
    assert "Số dòng của bảng đầu" in html and "Số dòng của bảng lặp lại" in html
    assert "Theo đối chiếu" not in html and "Báo cáo ghi" not in html


def test_a_title_is_cut_at_a_word():
    from wardaudit.vi.text import shorten

    cut = shorten("TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO THEO KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM NAY", 60)
    assert cut.endswith("…") and len(cut) <= 60
    assert all(w in "TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO THEO KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM NAY".split()
               for w in cut.rstrip("…").split())

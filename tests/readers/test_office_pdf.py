"""The PDF reader against office exports of every seed (tests/fixtures/renderings/office, made by
scripts/render_office.py: Word with a running header, a 'Trang N' footer, header rows repeated on
each page and rows breaking across pages, exported by LibreOffice). What comes back is compared
with the text form: tables, page furniture, facts and error findings."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import SEED_WARDS, cell_agreement
from wardaudit.audit import audit_document
from wardaudit.ingest import read_document
from wardaudit.ingest.pdf.furniture import furniture_lines, is_page_number
from wardaudit.ingest.stitching import RawTable, build_table, is_continuation, stitch
from wardaudit.model.document import Location, Table

ROOT = Path(__file__).resolve().parents[2]
OFFICE = ROOT / "tests/fixtures/renderings/office"


def text_form(slug: str) -> Path:
    return next(p for p in sorted((ROOT / "data/raw" / slug).iterdir()) if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="module")
def audits():
    out = {}
    for slug in SEED_WARDS:
        out[slug] = (audit_document(read_document(text_form(slug))),
                     audit_document(read_document(OFFICE / f"{slug}.pdf")))
    return out


def fact_recall(expected, got) -> tuple[int, int]:
    want = Counter((f.metric, f.value) for f in expected.facts)
    have = Counter((f.metric, f.value) for f in got.facts)
    return sum((want & have).values()), sum(want.values())


def error_findings(result) -> set[tuple[str, str]]:
    return {(c.rule, c.message) for c in result.checks if c.status == "fail" and c.severity == "error"}


def running_header(slug: str) -> str:
    import docx

    return docx.Document(str(OFFICE / f"{slug}.docx")).sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_tables_have_the_rows_of_the_text_form(slug, audits):
    expected, got = (r.document.tables() for r in audits[slug])
    assert [t.appendix for t in got] == [t.appendix for t in expected]
    assert [len(t.rows) for t in got] == [len(t.rows) for t in expected]
    assert [[r[0] for r in t.rows] for t in got] == [[r[0] for r in t.rows] for t in expected]
    if expected:
        equal, total = cell_agreement(expected, got)
        print(f"\n{slug} office PDF: {equal}/{total} cells equal ({100 * equal / total:.2f}%)")
        # below 100%: a word longer than a narrow column is broken inside the word by LibreOffice
        assert equal / total >= 0.90
        # continuation text never ends up in a header (spaces aside: see the words broken above)
        squeeze = lambda t: [re.sub(r"\s+", "", h) for h in t.header]  # noqa: E731
        assert [squeeze(t) for t in got] == [squeeze(t) for t in expected]


def test_tables_broken_across_pages_come_back_whole(audits):
    for slug in ("trung-thanh", "vinh-thong"):
        spanning = [t for t in audits[slug][1].document.tables() if t.parts >= 2]
        assert spanning, f"{slug}: the export is meant to break tables across pages"
        for t in spanning:
            assert len({loc.page for loc in t.row_locations}) >= 2
            assert len(t.quality["parts"]) == t.parts  # each part's camelot report kept
    appendix_1 = next(t for t in audits["vinh-thong"][1].document.tables() if t.appendix == "1")
    assert len(appendix_1.rows) == 18 and appendix_1.parts >= 2


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_no_page_furniture_left(slug, audits):
    doc = audits[slug][1].document
    header = running_header(slug)
    assert header and doc.pages >= 5
    texts = [b.text for b in doc.blocks]
    assert not any(re.search(r"\bTrang \d+\b", t) for t in texts)
    assert not any(is_page_number(t) for t in texts if not t.isdigit())  # '2026' on its own line is text
    assert not any(header[:30] in t for t in texts)
    note = next(n for n in doc.notes if "dropped" in n)
    dropped = int(re.search(r"dropped (\d+)", note).group(1))
    assert dropped >= 2 * doc.pages  # a header line (or two) and a footer on every page


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_facts_come_back(slug, audits):
    common, total = fact_recall(*audits[slug])
    print(f"\n{slug} office PDF: {common}/{total} (metric, value) facts ({100 * common / total:.1f}%)")
    assert total >= 4
    assert common / total >= 0.98


@pytest.mark.parametrize("slug", SEED_WARDS)
def test_error_findings_equal_text_form(slug, audits):
    expected, got = audits[slug]
    assert error_findings(got) == error_findings(expected)


# --- units -------------------------------------------------------------------------------------------
class _L:
    def __init__(self, text: str, bottom: float, height: float = 10.0):
        self.text, self.bottom, self.top = text, bottom, bottom + height


def test_furniture_repeated_lines_and_page_numbers():
    pages = [[_L("UBND xã - Báo cáo", 800), _L(f"Nội dung riêng của trang {k}", 500), _L(f"Trang {k}", 30)]
             for k in range(1, 5)]
    pages.append([_L("Nội dung", 500), _L("5/7", 30)])  # a page without the header
    pages.append([_L("Một dòng ở giữa trang: 12", 400), _L("2024", 500)])  # a bare number mid-page stays
    marked = furniture_lines(pages, [842.0] * len(pages))
    assert marked[:4] == [{0, 2}] * 4
    assert marked[4] == {1}
    assert marked[5] == set()


def test_content_at_the_same_place_is_not_furniture():
    # a numbered heading and a sentence whose figures do not count pages, atop every page
    pages = [[_L(f"{k}. Mục {k}", 800), _L(f"Trang {k}: đã nhận {7 * k} hồ sơ, giải quyết {5 * k}", 780),
              _L("Nội dung", 500)] for k in range(1, 6)]
    assert furniture_lines(pages, [842.0] * 5) == [set()] * 5


@pytest.mark.parametrize("text,expected", [
    ("Trang 3", True), ("Trang 3/12", True), ("3/12", True), ("- 3 -", True), ("12", True),
    ("Trang chủ", False), ("12 hồ sơ", False), ("98,70%", False)])
def test_is_page_number(text, expected):
    assert is_page_number(text) is expected


def _raw(cells, header_rows=None):
    loc = Location("f.pdf", 1, 1)
    return RawTable(cells=cells, location=loc, row_locations=[loc] * len(cells), header_rows=header_rows)


def test_continuation_without_header_is_stitched_and_never_a_header():
    first = build_table(_raw([["STT", "Chỉ tiêu", "Kết quả"], ["1", "Hồ sơ trực tuyến được", "98"]]))
    # the next page: no repeated header, the row's rest first (empty STT cell), then a new row
    rest = build_table(_raw([["", "tiếp nhận. Đã giải quyết", ""], ["2", "Chữ ký số", "25"]], header_rows=0))
    assert not any(rest.header) and len(rest.rows) == 2
    assert is_continuation(first, rest, header_repeated=True)
    whole = stitch(first, rest)
    assert whole.header == ["STT", "Chỉ tiêu", "Kết quả"]
    assert whole.rows == [["1", "Hồ sơ trực tuyến được tiếp nhận. Đã giải quyết", "98"], ["2", "Chữ ký số", "25"]]


def test_numbering_restarting_under_a_group_title_is_a_continuation():
    loc = Location("f.pdf", 1, 1)
    prev = Table(header=["STT", "Nội dung"], rows=[["I", "Nhóm một"], ["1", "Việc"], ["II", "Nhóm hai"]], location=loc)
    nxt = Table(header=["STT", "Nội dung"], rows=[["1", "Việc khác"]], location=loc)
    assert is_continuation(prev, nxt)
    pasted = Table(header=["STT", "Nội dung"], rows=[["1", "Việc"]], location=loc)
    assert not is_continuation(Table(header=["STT", "Nội dung"], rows=[["1", "Việc"]], location=loc), pasted)

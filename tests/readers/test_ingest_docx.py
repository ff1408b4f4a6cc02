"""The DOCX reader against real renderings of the seeds (tests/fixtures/renderings, made by
scripts/render_samples.py), plus hand-made tables with merged cells, and bad input."""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from conftest import cell_agreement
from wardaudit.errors import InputError
from wardaudit.ingest import read_document
from wardaudit.ingest.structure import outline

ROOT = Path(__file__).resolve().parents[2]
RENDERINGS = ROOT / "tests/fixtures/renderings"
TEXT_FORMS = {
    "trung-thanh": ROOT / "data/raw/trung-thanh/000_faad2a6d99a2e313.txt",
    "vinh-thong": ROOT / "data/raw/vinh-thong/004_94104b2cdd07920c.md",
}


@pytest.fixture(scope="module")
def text_forms():
    return {slug: read_document(path) for slug, path in TEXT_FORMS.items()}


@pytest.fixture(scope="module")
def docxs():
    out = {}
    for slug in TEXT_FORMS:
        start = time.perf_counter()
        out[slug] = read_document(RENDERINGS / f"{slug}.docx")
        print(f"\nread {slug}.docx: {time.perf_counter() - start:.2f} s")
    return out


@pytest.mark.parametrize("slug", list(TEXT_FORMS))
def test_tables_equal_text_form(slug, text_forms, docxs):
    expected, got = text_forms[slug].tables(), docxs[slug].tables()
    assert len(got) == len(expected)
    assert [t.appendix for t in got] == [t.appendix for t in expected]
    assert [len(t.rows) for t in got] == [len(t.rows) for t in expected]
    equal, total = cell_agreement(expected, got)
    print(f"\n{slug}.docx: {equal}/{total} cells equal ({100 * equal / total:.2f}%)")
    assert total > 150
    assert equal / total >= 0.99


def test_split_tables_are_stitched(text_forms, docxs):
    # the rendering writes each table the text form found cut by a page break as two Word tables
    doc = docxs["vinh-thong"]
    stitched = [t for t in doc.tables() if t.parts >= 2]
    assert len(stitched) == len([t for t in text_forms["vinh-thong"].tables() if t.parts >= 2]) == 3
    first = next(t for t in doc.tables() if t.appendix == "1")
    assert len(first.rows) == 18
    assert [r[0] for r in first.rows][:2] == ["I", "1."]


def test_multi_row_header_is_joined(docxs):
    headers = [t.header for t in docxs["trung-thanh"].tables()]
    assert ["STT", "Số TTHC / Cấp tỉnh", "Số TTHC / Cấp xã"] in headers
    assert any("Số DVCTT / Cấp Trung ương / Số DVCTT một phần" in h for h in headers)


@pytest.mark.parametrize("slug", list(TEXT_FORMS))
def test_outline_equals_text_form(slug, text_forms, docxs):
    assert outline(docxs[slug]) == outline(text_forms[slug])


def test_locations_are_body_paragraph_numbers(docxs):
    doc = docxs["trung-thanh"]
    lines = [b.location.line for b in doc.blocks]
    assert all(isinstance(n, int) and n >= 1 for n in lines)
    assert lines == sorted(lines)
    assert all(b.location.page is None for b in doc.blocks)


# --- hand-made documents -------------------------------------------------------------------------------
def _save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def test_merged_cells_are_read_once(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("1. Bảng")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "STT"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "Số hồ sơ"
    for j, text in enumerate(["Trực tuyến", "Trực tiếp", "Bưu chính"], start=1):
        t.cell(1, j).text = text
    for i, row in enumerate([["1", "10", "20", "0"], ["2", "5", "", "1"]], start=2):
        for j, text in enumerate(row):
            t.cell(i, j).text = text
    table = read_document(_save(d, tmp_path / "merged.docx")).tables()[0]
    assert table.header == ["STT", "Số hồ sơ / Trực tuyến", "Số hồ sơ / Trực tiếp", "Số hồ sơ / Bưu chính"]
    assert table.rows == [["1", "10", "20", "0"], ["2", "5", "", "1"]]


def test_tables_with_restarted_numbering_are_not_stitched(tmp_path):
    import docx

    d = docx.Document()
    for _ in range(2):  # the same table pasted twice
        t = d.add_table(rows=2, cols=2)
        for j, text in enumerate(["STT", "Nội dung"]):
            t.cell(0, j).text = text
        t.cell(1, 0).text, t.cell(1, 1).text = "1", "Việc một"
        d.add_paragraph()
    doc = read_document(_save(d, tmp_path / "twice.docx"))
    assert len(doc.tables()) == 2


# --- bad input -------------------------------------------------------------------------------------------
def test_not_a_zip(tmp_path):
    p = tmp_path / "x.docx"
    p.write_text("Báo cáo", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.docx.*not a valid \.docx \(not a zip\)"):
        read_document(p)


def test_zip_of_something_else(tmp_path):
    p = tmp_path / "photos.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("anh/1.txt", "không phải Word")
    with pytest.raises(InputError, match=r"photos\.docx.*no document part"):
        read_document(p)


def test_package_without_document_part(tmp_path):
    src = RENDERINGS / "vinh-thong.docx"
    p = tmp_path / "hollow.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w") as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info.filename))
    with pytest.raises(InputError, match=r"hollow\.docx.*no document part"):
        read_document(p)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.docx"
    p.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.docx.*empty"):
        read_document(p)


def test_document_without_text(tmp_path):
    import docx

    p = _save(docx.Document(), tmp_path / "blank.docx")
    with pytest.raises(InputError, match=r"blank\.docx.*no text"):
        read_document(p)

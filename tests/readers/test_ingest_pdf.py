"""The PDF reader against real renderings of the seeds (tests/fixtures/renderings, made by
scripts/render_samples.py): tables, stitching across pages, outline, camelot's fast path, bad input."""
from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from conftest import cell_agreement
from conftest import norm_cell as _norm
from wardaudit.errors import InputError
from wardaudit.ingest import read_document
from wardaudit.ingest.structure import outline

ROOT = Path(__file__).resolve().parents[2]
RENDERINGS = ROOT / "tests/fixtures/renderings"
TEXT_FORMS = {
    "trung-thanh": ROOT / "data/raw/trung-thanh/000_faad2a6d99a2e313.txt",
    "vinh-thong": ROOT / "data/raw/vinh-thong/004_94104b2cdd07920c.md",
}
# the pages of the renderings that hold tables (checked in test_table_pages_are_the_ruled_pages)
TABLE_PAGES = {"trung-thanh": "14-17", "vinh-thong": "14-18"}


@pytest.fixture(scope="module")
def text_forms():
    return {slug: read_document(path) for slug, path in TEXT_FORMS.items()}


@pytest.fixture(scope="module")
def pdfs():
    out = {}
    for slug in TEXT_FORMS:
        start = time.perf_counter()
        doc = read_document(RENDERINGS / f"{slug}.pdf")
        print(f"\nread {slug}.pdf: {time.perf_counter() - start:.2f} s, {doc.pages} pages")
        out[slug] = doc
    return out


@pytest.mark.parametrize("slug", list(TEXT_FORMS))
def test_tables_equal_text_form(slug, text_forms, pdfs):
    expected, got = text_forms[slug].tables(), pdfs[slug].tables()
    assert len(got) == len(expected)
    assert [t.appendix for t in got] == [t.appendix for t in expected]
    assert [len(t.rows) for t in got] == [len(t.rows) for t in expected]
    equal, total = cell_agreement(expected, got)
    print(f"\n{slug}.pdf: {equal}/{total} cells equal ({100 * equal / total:.2f}%)")
    assert total > 150
    assert equal / total >= 0.99


def test_appendix_1_rows_counted_from_the_text_form(text_forms, pdfs):
    expected = next(t for t in text_forms["vinh-thong"].tables() if t.appendix == "1")
    groups = [r for r in expected.rows if r[0] in {"I", "II", "III"}]
    indicators = [r for r in expected.rows if r[0].rstrip(".").isdigit()]
    assert (len(indicators), len(groups)) == (15, 3)
    got = next(t for t in pdfs["vinh-thong"].tables() if t.appendix == "1")
    assert len(got.rows) == 18
    assert [r[0] for r in got.rows] == [r[0] for r in expected.rows]


@pytest.mark.parametrize("slug", list(TEXT_FORMS))
def test_tables_spanning_pages_come_back_whole(slug, text_forms, pdfs):
    tables = pdfs[slug].tables()
    assert len(tables) == len(text_forms[slug].tables())
    spanning = [t for t in tables if t.parts >= 2]
    assert spanning, "the rendering is meant to break at least one table across pages"
    for t in spanning:
        pages = {loc.page for loc in t.row_locations}
        assert len(pages) >= 2
        assert t.quality and len(t.quality["parts"]) == t.parts


def test_multi_row_header_is_joined(pdfs):
    tables = pdfs["trung-thanh"].tables()
    assert ["STT", "Số TTHC / Cấp tỉnh", "Số TTHC / Cấp xã"] in [t.header for t in tables]
    assert any("Số DVCTT / Cấp tỉnh / Số DVCTT toàn trình" in t.header for t in tables)


@pytest.mark.parametrize("slug", list(TEXT_FORMS))
def test_outline_equals_text_form(slug, text_forms, pdfs):
    assert outline(pdfs[slug]) == outline(text_forms[slug])
    assert len(outline(pdfs[slug])) > 20


def test_quality_and_locations(pdfs):
    doc = pdfs["vinh-thong"]
    assert doc.format == "pdf" and doc.pages and doc.pages >= 14
    t = doc.tables()[-1]
    assert t.location.page is not None and t.location.page >= 14
    for q in t.quality["parts"]:
        assert {"accuracy", "whitespace", "order", "page"} <= set(q)
        assert q["flavor"] == "lattice"
    assert not t.low_confidence
    paragraphs = [b for b in doc.blocks if b.kind != "table"]
    assert all(b.location.page and b.location.line for b in paragraphs)
    # text inside the tables is not repeated as paragraphs
    cells = {_norm(c) for tb in doc.tables() for r in tb.rows for c in r if len(c) > 40}
    assert not any(_norm(b.text) in cells for b in paragraphs)


def test_max_pages_bounds_the_read():
    doc = read_document(RENDERINGS / "vinh-thong.pdf", max_pages=3)
    assert doc.pages >= 14
    assert doc.tables() == []
    assert any("bỏ qua" in n and "skipped" in n for n in doc.notes)
    assert max(b.location.page for b in doc.blocks) <= 3


def test_table_pages_are_the_ruled_pages():
    import pypdfium2 as pdfium

    from wardaudit.ingest.pdf import _has_rulings

    for slug, pages in TABLE_PAGES.items():
        first, last = map(int, pages.split("-"))
        pdf = pdfium.PdfDocument(str(RENDERINGS / f"{slug}.pdf"))
        ruled = [k + 1 for k in range(len(pdf)) if _has_rulings(pdf[k])]
        pdf.close()
        assert ruled == list(range(first, last + 1))


@pytest.mark.parametrize("slug", list(TEXT_FORMS))
def test_vector_engine_matches_default_engine(slug):
    """The reader's fast path (vector ruling lines, no rendering) finds the same tables as
    camelot's default engine, which renders the page and looks for lines with OpenCV."""
    import camelot
    from pandas.testing import assert_frame_equal

    path = str(RENDERINGS / f"{slug}.pdf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        fast = camelot.read_pdf(path, pages=TABLE_PAGES[slug], flavor="lattice", engine="vector")
        t_fast = time.perf_counter() - start
        start = time.perf_counter()
        default = camelot.read_pdf(path, pages=TABLE_PAGES[slug], flavor="lattice")
        t_default = time.perf_counter() - start
    print(f"\n{slug}: vector {t_fast:.2f} s, default {t_default:.2f} s, {len(fast)} tables")
    assert len(fast) == len(default) > 0
    for a, b in zip(fast, default, strict=False):
        assert (a.page, a.order) == (b.page, b.order)
        assert_frame_equal(a.df, b.df)


# --- bad input ---------------------------------------------------------------------------------------
def _shape_only_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    c.rect(100, 500, 200, 100, fill=1)
    c.line(50, 50, 500, 50)
    c.showPage()
    c.rect(100, 500, 50, 50)
    c.showPage()
    c.save()


def _encrypted_pdf(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1, encrypt=StandardEncryption("mat-khau", "chu-so-huu"))
    c.drawString(100, 700, "Bao cao")
    c.showPage()
    c.save()


def test_plain_text_named_pdf(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_text("Báo cáo kết quả\n1. Nội dung\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.pdf.*not a PDF"):
        read_document(p)


def test_truncated_pdf(tmp_path):
    data = (RENDERINGS / "vinh-thong.pdf").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.pdf.*(truncated|corrupt)"):
        read_document(p)


def test_encrypted_pdf(tmp_path):
    p = tmp_path / "locked.pdf"
    _encrypted_pdf(p)
    with pytest.raises(InputError, match=r"locked\.pdf.*mật khẩu.*password"):
        read_document(p)


def test_pdf_without_text_layer(tmp_path):
    p = tmp_path / "scan.pdf"
    _shape_only_pdf(p)
    with pytest.raises(InputError, match=r"scan\.pdf.*OCR.*pages 1-2"):
        read_document(p)


def test_empty_pdf(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.pdf.*empty"):
        read_document(p)


def test_error_names_display_path(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"not a pdf at all")
    with pytest.raises(InputError, match=r"^data/raw/ward/report\.pdf: ") as info:
        read_document(p, display_path="data/raw/ward/report.pdf")
    assert info.value.path == "data/raw/ward/report.pdf"


# --- tables without ruling, low confidence ----------------------------------------------------------
def _unruled_table_pdf(path: Path) -> None:
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf)))
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("DejaVuSans", 10)
    c.drawString(72, 780, "1. Kết quả thực hiện")
    c.drawString(72, 760, "Bảng số liệu như sau:")
    rows = [["STT", "Chỉ tiêu", "Kế hoạch", "Kết quả"], ["1", "Hồ sơ trực tuyến", "100", "98"],
            ["2", "Hồ sơ trực tiếp", "50", "47"], ["3", "Chữ ký số", "20", "25"]]
    for i, r in enumerate(rows):
        for x, t in zip([72, 130, 330, 430], r, strict=False):
            c.drawString(x, 720 - 16 * i, t)
    c.drawString(72, 600, "Nhận xét: đạt kế hoạch.")
    c.showPage()
    c.save()


def test_columns_without_ruling_fall_back_to_network(tmp_path):
    p = tmp_path / "unruled.pdf"
    _unruled_table_pdf(p)
    doc = read_document(p)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "table", "paragraph"]
    t = doc.tables()[0]
    assert t.header == ["STT", "Chỉ tiêu", "Kế hoạch", "Kết quả"]
    assert t.rows[0] == ["1", "Hồ sơ trực tuyến", "100", "98"] and len(t.rows) == 3
    assert t.quality["flavor"] == "network"


def test_low_confidence_tables_are_flagged_not_dropped(monkeypatch):
    from wardaudit.ingest import pdf as pdf_reader

    monkeypatch.setattr(pdf_reader, "LOW_ACCURACY", 101.0)  # every table is below the bar
    doc = read_document(RENDERINGS / "vinh-thong.pdf")
    assert len(doc.tables()) == 3
    assert all(t.low_confidence for t in doc.tables())
    assert any("page 14" in n for n in doc.notes)

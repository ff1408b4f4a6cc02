"""scripts/render_samples.py: the renderings are deterministic, current, and exercise what the
readers must handle (a table broken across pages with its header repeated, spanning header cells)."""
from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RENDERINGS = ROOT / "tests/fixtures/renderings"


@pytest.fixture(scope="module")
def render_samples():
    spec = importlib.util.spec_from_file_location("render_samples", ROOT / "scripts/render_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def two_renders(render_samples, tmp_path_factory):
    first = render_samples.render_all(tmp_path_factory.mktemp("first"))
    second = render_samples.render_all(tmp_path_factory.mktemp("second"))
    return first, second


def test_rendering_twice_gives_identical_bytes(two_renders):
    first, second = two_renders
    assert [p.name for p in first] == [p.name for p in second]
    assert len(first) == 4
    for a, b in zip(first, second, strict=False):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_committed_renderings_are_current(two_renders):
    first, _ = two_renders
    for p in first:
        committed = RENDERINGS / p.name
        assert committed.exists(), f"run scripts/render_samples.py and commit {committed}"
        assert committed.read_bytes() == p.read_bytes(), f"{p.name} is stale: run scripts/render_samples.py"


def test_docx_has_fixed_dates_and_heading_styles():
    import docx

    d = docx.Document(str(RENDERINGS / "vinh-thong.docx"))
    assert d.core_properties.created.year == 2026 and d.core_properties.modified == d.core_properties.created
    styles = {p.style.name for p in d.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    with zipfile.ZipFile(RENDERINGS / "vinh-thong.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        xml = z.read("word/document.xml").decode("utf-8")
    assert "<w:tblHeader" in xml and "w:gridSpan" in xml


def test_pdf_breaks_a_table_across_pages_with_header_repeated():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(RENDERINGS / "vinh-thong.pdf"))
    try:
        texts = [pdf[k].get_textpage().get_text_range() for k in range(len(pdf))]
    finally:
        pdf.close()
    header = "Đơn vị"  # the appendix 1 header cell, on every page the table covers
    pages = [k + 1 for k, t in enumerate(texts) if header in t and "Chỉ tiêu" in t]
    assert len(pages) >= 2 and pages[1] == pages[0] + 1
    assert "%PDF" not in texts[0]


def test_header_grid_splits_joined_headers(render_samples):
    rows, spans = render_samples.header_grid(["STT", "Số TTHC / Cấp tỉnh", "Số TTHC / Cấp xã"])
    assert rows == [["STT", "Số TTHC", ""], ["", "Cấp tỉnh", "Cấp xã"]]
    assert sorted(spans) == [(0, 0, 1, 0), (0, 1, 0, 2)]
    rows, spans = render_samples.header_grid(["TT", "Chỉ tiêu"])
    assert rows == [["TT", "Chỉ tiêu"]] and spans == []

"""The PDF reader against tables typeset by another producer than LibreOffice
(tests/fixtures/renderings/reportlab, made by scripts/render_reportlab.py): seed 004 with its tables
drawn in the parts its text form cuts them into (two tables of one appendix on one page, a row cut
in two), seed 004 with a row broken by the page end under a repeated header, and a report of table
layouts written for the purpose. camelot reads the real files."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import cell_agreement
from wardaudit.audit import audit_document
from wardaudit.cli import main
from wardaudit.ingest import read_document
from wardaudit.ingest.pdf.tables import camelot_tables

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/renderings/reportlab"
SEED = ROOT / "data/raw/vinh-thong/004_94104b2cdd07920c.md"
SEED_RENDERINGS = ("vinh-thong-cut.pdf", "vinh-thong-row-break.pdf")


@pytest.fixture(scope="module")
def render_reportlab():
    spec = importlib.util.spec_from_file_location("render_reportlab", ROOT / "scripts/render_reportlab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def text_form():
    return audit_document(read_document(SEED))


@pytest.fixture(scope="module")
def extracted():
    """``wardaudit extract --format json`` of each seed rendering."""
    out = {}
    for name in SEED_RENDERINGS:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(["extract", str(FIXTURES / name), "--format", "json"]) == 0
        out[name] = json.loads(buf.getvalue())
    return out


def _page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [" ".join(pdf[k].get_textpage().get_text_range().split()) for k in range(len(pdf))]
    finally:
        pdf.close()


def _tables_of(doc: dict, appendix: str) -> list[dict]:
    return [t for t in doc["tables"] if t["appendix"] == appendix]


# --- the fixtures are what they claim ------------------------------------------------------------------
def test_renderings_are_deterministic_and_current(render_reportlab, tmp_path):
    first = render_reportlab.render_all(tmp_path / "a")
    second = render_reportlab.render_all(tmp_path / "b")
    assert sorted(p.name for p in first) == sorted(p.name for p in FIXTURES.glob("*.pdf"))
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert (FIXTURES / a.name).read_bytes() == a.read_bytes(), \
            f"{a.name} is stale: run scripts/render_reportlab.py (make samples)"


def test_cut_rendering_puts_two_tables_of_appendix_1_on_one_page(text_form):
    """camelot itself finds the parts of appendix 1 as two tables of one page, the second opening
    with the rest of row 10: the layout the reader must put back together."""
    path = FIXTURES / "vinh-thong-cut.pdf"
    page = next(k + 1 for k, t in enumerate(_page_texts(path)) if t.startswith("Phụ lục 1"))
    found = camelot_tables(path, [page], "lattice")
    assert len(found) == 2
    first, second = (t.df.map(lambda c: " ".join(c.split())) for t in found)
    assert first.iloc[-1, 0] == "10." and first.iloc[0, 0] == second.iloc[0, 0] == "TT"
    assert second.iloc[1, 0] == "" and second.iloc[1, 1] == "chính được số hóa"


def test_row_break_rendering_breaks_row_10_under_a_repeated_header():
    texts = _page_texts(FIXTURES / "vinh-thong-row-break.pdf")
    page = next(k for k, t in enumerate(texts) if t.startswith("Phụ lục 1"))
    assert "10. Hồ sơ, kết quả giải quyết thủ tục % 100 100" in texts[page]
    assert "chính được số hóa" not in texts[page]
    following = texts[page + 1]
    assert following.index("Chỉ tiêu") < following.index("chính được số hóa") < following.index("11.")


# --- seed 004: one table per appendix, however it was cut ---------------------------------------------
@pytest.mark.parametrize("name", SEED_RENDERINGS)
def test_appendix_1_is_one_table_with_row_10_whole(name, extracted, text_form):
    expected = next(t for t in text_form.document.tables() if t.appendix == "1")
    tables = _tables_of(extracted[name], "1")
    assert len(tables) == 1
    rows = tables[0]["rows"]
    keys = [r[0] for r in rows]
    assert keys == ["I", "1.", "2.", "3.", "4.", "II", "5.", "6.", "7.", "III"] + [f"{k}." for k in range(8, 16)]
    assert keys == [r[0] for r in expected.rows]
    row_10 = rows[keys.index("10.")]
    assert row_10 == next(r for r in expected.rows if r[0] == "10.")
    assert row_10[1] == "Hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa"
    assert tables[0]["parts"] >= 2 and len(tables[0]["quality"]["parts"]) == tables[0]["parts"]


@pytest.mark.parametrize("name", SEED_RENDERINGS)
@pytest.mark.parametrize("appendix", ["2", "3"])
def test_appendices_2_and_3_are_one_table_each(name, appendix, extracted, text_form):
    expected = [t for t in text_form.document.tables() if t.appendix == appendix]
    tables = _tables_of(extracted[name], appendix)
    assert len(expected) == len(tables) == 1
    assert [r[0] for r in tables[0]["rows"]] == [r[0] for r in expected[0].rows]
    assert not any(not r[0] and r[1][:1].islower() for r in tables[0]["rows"])  # no rest of a row left over


@pytest.mark.parametrize("name", SEED_RENDERINGS)
def test_same_tables_facts_and_errors_as_the_text_form(name, text_form):
    got = audit_document(read_document(FIXTURES / name))
    assert [t.appendix for t in got.document.tables()] == [t.appendix for t in text_form.document.tables()]
    equal, total = cell_agreement(text_form.document.tables(), got.document.tables())
    print(f"\n{name}: {equal}/{total} cells equal ({100 * equal / total:.1f}%)")
    assert equal / total >= 0.95  # below 100%: a word longer than a narrow column is broken inside
    want = Counter((f.metric, f.value) for f in text_form.facts)
    have = Counter((f.metric, f.value) for f in got.facts)
    print(f"{name}: {sum((want & have).values())}/{sum(want.values())} (metric, value) facts")
    assert want == have
    errors = lambda r: {(c.rule, c.message) for c in r.checks  # noqa: E731
                        if c.status == "fail" and c.severity == "error"}
    assert errors(got) == errors(text_form)


# --- layouts written for the purpose ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def cases():
    return read_document(FIXTURES / "stitch-cases.pdf")


def _table_blocks(doc, appendix: str) -> list[int]:
    return [i for i, b in enumerate(doc.blocks) if b.kind == "table" and b.table.appendix == appendix]


def test_tables_of_different_appendices_on_one_page_stay_apart(cases):
    """Same header, same columns, one page, numbering that need not restart (appendix 2 opens
    with a group title): only the appendix heading between them keeps them apart."""
    (one,), (two,) = _table_blocks(cases, "1"), _table_blocks(cases, "2")
    a, b = cases.blocks[one].table, cases.blocks[two].table
    assert a.location.page == b.location.page == 1
    assert a.header == b.header and a.parts == b.parts == 1
    assert [r[0] for r in a.rows] == ["1.", "2.", "3."] and [r[0] for r in b.rows] == ["I", "1.", "2."]
    between = [blk for blk in cases.blocks[one + 1:two] if blk.kind != "table"]
    assert between and between[0].text == "Phụ lục 2"


def test_unrelated_tables_with_different_headers_stay_apart(cases):
    first, second = _table_blocks(cases, "3")
    assert second == first + 1  # nothing between them
    a, b = cases.blocks[first].table, cases.blocks[second].table
    assert a.location.page == b.location.page
    assert a.header[0] == "STT" and b.header[0] == "Mã" and len(a.header) == len(b.header)
    assert [r[0] for r in b.rows] == ["A", "B"] and b.rows[0][1] == "Thôn Đồng Tâm"


def test_one_table_drawn_in_four_parts_on_one_page(cases):
    (index,) = _table_blocks(cases, "4")
    t = cases.blocks[index].table
    assert t.parts == 4 and {loc.page for loc in t.row_locations} == {2}
    assert [r[0] for r in t.rows] == ["1.", "2.", "3.", "", "4.", "", "5."]
    # the rest of row 2, cut mid-sentence, is merged; the part after it repeats the header
    assert t.rows[1][1] == "Hồ sơ công việc được lập và lưu trữ hoàn toàn trên môi trường điện tử của cơ quan"
    # after a row ending with a full stop, a capitalised row of text stays a row of its own
    assert t.rows[3][1] == "Đề nghị cấp trên hỗ trợ thêm thiết bị đầu cuối"
    assert t.rows[2][1].endswith("vận hành ổn định.")
    # a row with figures of its own stays one, even with an empty number cell
    assert t.rows[5] == ["", "Trong đó: công chức chuyên trách", "người", "4"]

"""The .xlsx reader: numbers as the sheet shows them, headers from merged cells, tables with their cells,
hidden sheets, rows and columns left out with a note, formulas without a computed value noted, and the
zip guard of the .docx reader. The intake fixture (scripts/render_intake.py) is committed and current."""
from __future__ import annotations

import datetime as dt
import importlib.util
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from wardaudit.errors import InputError
from wardaudit.ingest import read_document
from wardaudit.ingest.xlsx import cell_text, format_number

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / "tests/fixtures/intake/phuong-thu-nghiem"


@pytest.mark.parametrize("value, fmt, shown", [
    (24310, "#,##0", "24.310"),
    (24310, "General", "24310"),
    (0.874, "0.0%", "87,4%"),
    (0.874, "0.00%", "87,40%"),
    (97.5, "0.00", "97,50"),
    (1234567.891, "#,##0.00", "1.234.567,89"),
    (416_000_000, '#,##0,," triệu"', "416 triệu"),
    (12, '0" hồ sơ"', "12 hồ sơ"),
    (-1500, "#,##0;[Red]-#,##0", "-1.500"),
    (2_500_000, "#,##0 [$₫-42A]", "2.500.000 ₫"),
    (0.1 + 0.2, "General", "0,3"),
    (-3.5, "General", "-3,5"),
])
def test_numbers_are_shown_as_the_sheet_shows_them(value, fmt, shown):
    assert format_number(value, fmt) == shown


def test_dates_and_other_values():
    assert cell_text(dt.datetime(2026, 6, 30), "dd/mm/yyyy") == "30/06/2026"
    assert cell_text(dt.date(2026, 1, 5), "yyyy-mm-dd") == "05/01/2026"
    assert cell_text(None, "General") == "" and cell_text(True, "General") == "TRUE"
    assert cell_text("  Tổ  dân phố\nBắc Sơn ", "@") == "Tổ dân phố Bắc Sơn"


def _book(tmp_path: Path, build, name: str = "phu-luc.xlsx") -> Path:
    wb = openpyxl.Workbook()
    build(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def test_the_fixture_workbook(tmp_path):
    doc = read_document(INTAKE / "phu-luc.xlsx")
    tables = doc.tables()
    assert [t.header for t in tables] == [
        ["STT", "Tổ dân phố", "Số hồ sơ / Tiếp nhận", "Số hồ sơ / Đã giải quyết", "Tỷ lệ giải quyết"],
        ["STT", "Nội dung", "Kinh phí bố trí (triệu đồng)"]]
    first = tables[0]
    assert first.rows[3] == ["4", "Tổ dân phố Nam Cường", "1.246", "1.193", "95,7%"]
    assert first.rows[-1][1:4] == ["Tổng cộng", "3.140", "3.019"]
    assert (first.cell_range(), first.cell_ref(3, 2), first.cell_ref(4, 3)) == ("A4:E10", "C9", "D10")
    assert first.location.sheet == "PL1" and tables[1].location.sheet == "PL2"
    assert doc.blocks[0].text == "PHỤ LỤC 1" and doc.blocks[0].location.line == 1
    assert any(b.text.startswith("Ghi chú") and b.kind == "paragraph" for b in doc.blocks)  # after the grid
    assert doc.notes == ["Bỏ qua trang tính ẩn 'Nhap' / hidden sheet 'Nhap' not read"]
    assert "9.999" not in doc.text() and "9999" not in doc.text()


def test_the_intake_fixture_is_deterministic_and_current(tmp_path):
    spec = importlib.util.spec_from_file_location("render_intake", ROOT / "scripts/render_intake.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = module.render_all(tmp_path / "a")
    second = module.render_all(tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes() == (INTAKE / a.name).read_bytes(), \
            f"{a.name}: run scripts/render_intake.py and commit the fixture"


def test_a_header_merged_down_two_rows_is_one_header(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["STT", "Đơn vị", "Kết quả", None])
        ws.append([None, None, "Kỳ này", "Lũy kế"])
        ws.merge_cells("A1:A2")
        ws.merge_cells("B1:B2")
        ws.merge_cells("C1:D1")
        ws.append([1, "Thôn Một", 4, 10])
        ws.append([2, "Thôn Hai", 6, 15])
    t = read_document(_book(tmp_path, build)).tables()[0]
    assert t.header == ["STT", "Đơn vị", "Kết quả / Kỳ này", "Kết quả / Lũy kế"]
    assert t.rows == [["1", "Thôn Một", "4", "10"], ["2", "Thôn Hai", "6", "15"]]


def test_a_grid_away_from_a1_keeps_its_cells(tmp_path):
    def build(wb):
        ws = wb.active
        ws.title = "Bảng 3"
        ws["C4"], ws["D4"], ws["E4"] = "STT", "Nội dung", "Số lượng"
        ws["C5"], ws["D5"], ws["E5"] = 1, "Camera", 1_250
        ws["C6"], ws["D6"], ws["E6"] = 2, "Máy tính", 40
        ws["E5"].number_format = "#,##0"
    t = read_document(_book(tmp_path, build)).tables()[0]
    assert t.columns == ["C", "D", "E"] and t.cell_ref(0, 2) == "E5" and t.rows[0][2] == "1.250"
    assert t.cell_range() == "C4:E6" and t.location.sheet == "Bảng 3"


def test_hidden_rows_and_columns_are_left_out_and_noted(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["STT", "Đơn vị", "Ghi chú nội bộ", "Số hồ sơ"])
        ws.append([1, "Thôn Một", "x", 12])
        ws.append([2, "Thôn Nháp", "y", 99])
        ws.append([3, "Thôn Ba", "z", 7])
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["C"].hidden = True
    doc = read_document(_book(tmp_path, build))
    t = doc.tables()[0]
    assert t.header == ["STT", "Đơn vị", "Số hồ sơ"] and [r[1] for r in t.rows] == ["Thôn Một", "Thôn Ba"]
    assert t.columns == ["A", "B", "D"] and t.cell_ref(1, 2) == "D4"
    assert any("1 dòng ẩn, 1 cột ẩn" in n for n in doc.notes)


def test_a_formula_without_a_computed_value_is_noted(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["STT", "Đơn vị", "Số hồ sơ"])
        ws.append([1, "Thôn Một", 4])
        ws.append([2, "Thôn Hai", 6])
        ws.append([None, "Tổng cộng", "=SUM(C2:C3)"])  # openpyxl writes no cached value
    doc = read_document(_book(tmp_path, build))
    assert doc.tables()[0].rows[-1] == ["", "Tổng cộng", ""]
    assert any("1 ô công thức chưa có giá trị tính sẵn" in n for n in doc.notes)


def test_a_formulas_cached_value_is_read(tmp_path):
    """A workbook Excel saved: the formula and the value it computed (written into the sheet's XML)."""
    def build(wb):
        ws = wb.active
        ws.append(["STT", "Đơn vị", "Số hồ sơ"])
        ws.append([1, "Thôn Một", 4])
        ws.append([2, "Thôn Hai", 6])
        ws.append([None, "Tổng cộng", "=SUM(C2:C3)"])
    path = _book(tmp_path, build)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("<f>SUM(C2:C3)</f><v></v>", "<f>SUM(C2:C3)</f><v>10</v>") \
        .replace("<f>SUM(C2:C3)</f><v/>", "<f>SUM(C2:C3)</f><v>10</v>").encode()
    assert b"<v>10</v>" in parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    doc = read_document(path)
    assert doc.tables()[0].rows[-1] == ["", "Tổng cộng", "10"] and not doc.notes


@pytest.mark.parametrize("data, needle", [
    (b"not a zip at all", "không phải tệp .xlsx hợp lệ"),
    (None, "thiếu phần bảng tính"),
])
def test_not_a_workbook_is_one_line(tmp_path, data, needle):
    path = tmp_path / "phu-luc.xlsx"
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("word/document.xml", "<x/>")
        data = buf.getvalue()
    path.write_bytes(data)
    with pytest.raises(InputError, match=needle) as info:
        read_document(path)
    assert info.value.one_line().startswith(str(path))


def test_the_zip_guard_refuses_an_xlsx_that_inflates_past_the_limit(tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 << 20))
    with pytest.raises(InputError, match=r"tệp \.xlsx giải nén ra 3 MB, vượt giới hạn 2 MB"):
        read_document(path, max_inflate_mb=2)


def test_a_workbook_with_nothing_visible_is_one_line(tmp_path):
    def build(wb):
        wb.active.append(["chỉ ở trang ẩn", 1])
        wb.create_sheet("Trống")
        wb.active.sheet_state = "hidden"
        wb.active = 1
    with pytest.raises(InputError, match="bảng tính không có nội dung"):
        read_document(_book(tmp_path, build))

"""wardaudit.run.portfolio.exports: control characters removed and counted, CSV cells that a spreadsheet
would run written as text, and an export that cannot be written removes the old pair and fails in one
line. The whole batch with a real report and a real note: tests/integration/test_exports_batch.py."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import runs_in_a_spreadsheet
from wardaudit.errors import ExportError
from wardaudit.project.config import Paths
from wardaudit.run.portfolio.exports import (
    FINDING_COLUMNS,
    PORT_COLUMNS,
    SHEET_FINDINGS,
    csv_safe,
    frame_of_rows,
    readable,
    write_exports,
)


@pytest.mark.parametrize("value, written", [
    ('=HYPERLINK("http://x.invalid","bấm")', '\'=HYPERLINK("http://x.invalid","bấm")'),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("- gạch đầu dòng", "'- gạch đầu dòng"),
    ("-12.5", "-12.5"), ("+98,70%", "+98,70%"), ("-1.234.567", "-1.234.567"), ("1e5", "1e5"),
    ("Tổng = 12", "Tổng = 12"), (None, None), (7, 7),
])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value, written):
    assert csv_safe(value) == written
    if isinstance(written, str):
        assert not runs_in_a_spreadsheet(written)


def _row(quote: str, note: str) -> dict:
    return {"ward": "Xã Thử", "slug": "xa-thu", "province": "Tỉnh", "source": "data/raw/xa-thu/r.txt",
            "id": "META002-0000000001", "rule": "META002", "family": "META", "severity": "warning", "status": "fail",
            "message": "+thiếu ngày", "expected": "-3.0", "actual": "=1+1", "file": "r.txt", "page": None, "line": 5,
            "section": "", "quote": quote, "review_status": "query", "review_note": note, "review_by": "@An",
            "review_at": "2026-01-01T00:00:00Z"}


def test_control_characters_are_removed_and_counted_and_formulas_stay_text(tmp_path):
    paths = Paths(tmp_path)
    frame = frame_of_rows([_row("Xã Thử\x1b[2J\x07, ngày tháng 5", "=HYPERLINK(\"http://x.invalid\")\x0c")])
    port = pd.DataFrame([{"rule": "PORT001", "status": "fail", "severity": "info", "ward": "Xã\x00 Thử",
                          "message": "m", "expected": 1, "actual": 2}], columns=PORT_COLUMNS)
    got = write_exports(paths, frame, port)
    assert got["controls_removed"] == 4 and got["rows"] == 1
    rows = list(csv.reader(io.StringIO((paths.reports / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == FINDING_COLUMNS
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["quote"] == "Xã Thử[2J, ngày tháng 5"
    assert cells["review_note"] == "'=HYPERLINK(\"http://x.invalid\")"
    assert (cells["message"], cells["actual"], cells["review_by"], cells["expected"]) == (
        "'+thiếu ngày", "'=1+1", "'@An", "-3.0")
    assert not [c for r in rows for c in r if runs_in_a_spreadsheet(c)]
    sheet = load_workbook(paths.reports / "findings.xlsx")
    _, findings, port_sheet = sheet.worksheets
    values = dict(zip(SHEET_FINDINGS, findings[2], strict=True))  # the sheet's headers are in Vietnamese
    assert values["quote"].value == "Xã Thử[2J, ngày tháng 5" and values["review_note"].data_type == "s"
    assert port_sheet.cell(row=2, column=5).value == "Xã Thử"


def test_an_export_that_cannot_be_written_leaves_no_stale_file(tmp_path):
    paths = Paths(tmp_path)
    frame = frame_of_rows([_row("q", "n")])
    port = pd.DataFrame([], columns=PORT_COLUMNS)
    write_exports(paths, frame, port)
    csv_path, xlsx_path = paths.reports / "findings.csv", paths.reports / "findings.xlsx"
    xlsx_path.unlink()
    xlsx_path.mkdir()  # a real OSError when the new workbook is renamed into place
    (xlsx_path / "keep").write_text("x")
    with pytest.raises(ExportError, match=r"^reports/findings\.xlsx: .*could not be written.*IsADirectoryError") as e:
        write_exports(paths, frame_of_rows([_row("q2", "n2")]), port)
    assert "\n" not in e.value.one_line()
    assert not csv_path.exists()  # the old CSV would disagree with the index: removed
    assert not [p for p in paths.reports.iterdir() if p.name.startswith(".")]  # no temporary left


ENGLISH = {"pass", "fail", "skip", "error", "warning", "info", "open", "query", "confirmed", "dismissed"}


def test_the_workbook_reads_in_vietnamese_with_filters_and_the_csv_has_a_bom(tmp_path):
    paths = Paths(tmp_path)
    date = {**_row("Xã Thử, ngày tháng 5 năm 2026", "ghi chú"), "review_status": "open", "expected": None,
            "actual": '{"day": null, "month": 5, "year": 2026}', "message": "Ngày báo cáo để trống ngày / no day"}
    listed = {**_row("162 hồ sơ", ""), "id": "XREF001-0000000002", "rule": "XREF001", "family": "XREF",
              "severity": "error", "review_status": "confirmed", "expected": None, "actual": "[162, 64, 160.5]",
              "message": "Số hồ sơ nêu với 3 giá trị khác nhau"}
    mapped = {**_row("q", ""), "id": "RATE001-0000000003", "rule": "RATE001", "family": "RATE",
              "severity": "info", "review_status": "dismissed", "expected": '{"stated": 98.7, "computed": 98.69}',
              "actual": "[]", "message": "Tỷ lệ tthc.full_online lệch"}
    port = pd.DataFrame([{"rule": "PORT001", "status": "fail", "severity": "warning", "ward": None,
                          "message": "Tỉnh: tthc.full_online = 196 / same in all", "expected": 196, "actual": 195}],
                        columns=PORT_COLUMNS)
    write_exports(paths, frame_of_rows([date, listed, mapped]), port)
    raw = (paths.reports / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfward,slug,")  # Excel reads UTF-8 only with its byte order mark
    book = load_workbook(paths.reports / "findings.xlsx")
    assert book.sheetnames == ["Đơn vị", "Phát hiện", "So sánh giữa đơn vị"]
    for sheet in book:
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        cells = [c for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if isinstance(c, str)]
        assert not [c for c in cells if c.strip().lower() in ENGLISH], sheet.title
        assert not [c for c in cells if c.startswith(("{", "["))], sheet.title
        assert not [c for c in cells if "tthc.full_online" in c or "/ no day" in c or "/ same" in c], sheet.title
    rows = {r[SHEET_FINDINGS.index("id")]: dict(zip(SHEET_FINDINGS, r, strict=True))
            for r in book["Phát hiện"].iter_rows(min_row=2, values_only=True)}
    assert rows["META002-0000000001"]["actual"] == "…/05/2026"
    assert rows["META002-0000000001"]["review_status"] == "Chưa xem xét"
    assert rows["XREF001-0000000002"]["actual"] == "162; 64; 160,5"
    assert (rows["XREF001-0000000002"]["severity"], rows["XREF001-0000000002"]["review_status"]) == (
        "Lỗi", "Đã xác nhận")
    assert rows["RATE001-0000000003"]["expected"] == "Báo cáo ghi: 98,7; Tính lại: 98,69"
    assert rows["RATE001-0000000003"]["actual"] is None
    assert rows["RATE001-0000000003"]["title"] == "Tỷ lệ không khớp tử số/mẫu số"
    sheet = book["Phát hiện"]
    assert sheet.column_dimensions["K"].width >= 40 and sheet["K2"].alignment.wrap_text  # the message
    port_row = next(book["So sánh giữa đơn vị"].iter_rows(min_row=2, values_only=True))
    assert port_row[2:4] == ("Không đạt", "Cảnh báo") and port_row[6:8] == (196, 195)


@pytest.mark.parametrize("value, shown", [
    ("12456", 12456), ("98.7", 98.7), ("", None), (None, None), ("[1, 2]", "1; 2"), ("{}", None),
    ('{"day": 6, "month": 6, "year": null}', "06/06/…"), ("[ghi chú", "ghi chú"), ("công văn", "công văn"),
])
def test_a_value_reads_as_text_a_person_writes(value, shown):
    assert readable(value) == shown

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
from wardaudit.run.portfolio.exports import FINDING_COLUMNS, PORT_COLUMNS, csv_safe, frame_of_rows, write_exports


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
    rows = list(csv.reader(io.StringIO((paths.reports / "findings.csv").read_text(encoding="utf-8"))))
    assert rows[0] == FINDING_COLUMNS
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["quote"] == "Xã Thử[2J, ngày tháng 5"
    assert cells["review_note"] == "'=HYPERLINK(\"http://x.invalid\")"
    assert (cells["message"], cells["actual"], cells["review_by"], cells["expected"]) == (
        "'+thiếu ngày", "'=1+1", "'@An", "-3.0")
    assert not [c for r in rows for c in r if runs_in_a_spreadsheet(c)]
    sheet = load_workbook(paths.reports / "findings.xlsx")
    findings, port_sheet = sheet.worksheets
    values = dict(zip(FINDING_COLUMNS, findings[2], strict=True))  # the sheet's headers are in Vietnamese
    assert values["quote"].value == "Xã Thử[2J, ngày tháng 5" and values["review_note"].data_type == "s"
    assert port_sheet.cell(row=2, column=4).value == "Xã Thử"


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

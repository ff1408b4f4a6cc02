"""Write the intake fixture: a ward folder as an office sends it, a typed report with an Excel appendix
and a file no reader handles. Every sentence and figure is our own (no seed text).

``tests/fixtures/intake/phuong-thu-nghiem/``:

* ``bao-cao.txt``: a short progress report whose narrative states the dossier totals and cites
  "Phụ lục 1" and "Phụ lục 2";
* ``phu-luc.xlsx`` (openpyxl): sheet "PL1", dossiers by residential group under a two-row header
  (cells merged down and across), figures formatted ``#,##0``, a rate formatted ``0.0%``, and a
  total row whose "đã giải quyết" total is planted wrong (the parts sum to 7 less); sheet "PL2",
  budget items in ``#,##0`` triệu đồng with a correct total; a hidden sheet "Nhap" whose figures
  must not be read;
* ``ghi-chu.pages``: a file of a kind the tool does not read, to be named with its reason.

The workbook is deterministic: the zip entries' dates and the document's dates are fixed.
Usage: ``.venv/bin/python scripts/render_intake.py [OUT_DIR]``
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests/fixtures/intake/phuong-thu-nghiem"
FIXED = (2026, 1, 1, 0, 0, 0)
WARD = "Thử Nghiệm"

REPORT = "\n".join([
    "ỦY BAN NHÂN DÂN", "PHƯỜNG THỬ NGHIỆM", "", "Số: 27/BC-UBND", "",
    "Thử Nghiệm, ngày 30 tháng 6 năm 2026", "", "BÁO CÁO",
    "Kết quả thực hiện chuyển đổi số và cải cách thủ tục hành chính 6 tháng đầu năm 2026", "",
    "I. KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "", "1. Tiếp nhận và giải quyết hồ sơ", "",
    "Trong 6 tháng đầu năm 2026, Bộ phận một cửa phường tiếp nhận 3.140 hồ sơ, đã giải quyết 3.012 hồ sơ, "
    "đạt tỷ lệ 95,9%. Số liệu chi tiết theo từng tổ dân phố tại Phụ lục 1 kèm theo.", "",
    "2. Kinh phí thực hiện chuyển đổi số", "",
    "Tổng kinh phí bố trí cho chuyển đổi số năm 2026 là 1.860 triệu đồng; chi tiết các khoản tại Phụ lục 2 kèm theo.",
    "", "II. NHIỆM VỤ 6 THÁNG CUỐI NĂM", "",
    "- Tiếp tục duy trì tiếp nhận hồ sơ trực tuyến tại các tổ dân phố.",
    "- Hoàn thành số hóa kết quả giải quyết thủ tục hành chính còn tồn đọng.", "",
    "Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT.", "", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", ""])

#: residential group → (received, resolved): the parts of the totals stated in the report
GROUPS = [("Tổ dân phố Bắc Sơn", 612, 590), ("Tổ dân phố Đông Hà", 835, 801), ("Tổ dân phố Tây Lĩnh", 447, 428),
          ("Tổ dân phố Nam Cường", 1_246, 1_193)]
PLANTED = 7  # the stated total of resolved dossiers exceeds its parts by this
BUDGET = [("Nâng cấp hạ tầng mạng nội bộ", 720), ("Số hóa hồ sơ lưu trữ", 540), ("Tập huấn kỹ năng số", 600)]


def _dossiers_sheet(ws) -> None:
    from openpyxl.styles import Alignment, Font

    ws["A1"] = "PHỤ LỤC 1"
    ws["A2"] = "KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ THEO TỔ DÂN PHỐ 6 THÁNG ĐẦU NĂM 2026"
    ws.append([])
    ws.append(["STT", "Tổ dân phố", "Số hồ sơ", None, "Tỷ lệ giải quyết"])
    ws.append([None, None, "Tiếp nhận", "Đã giải quyết", None])
    for cells in ("A4:A5", "B4:B5", "C4:D4", "E4:E5"):
        ws.merge_cells(cells)
    for k, (name, received, resolved) in enumerate(GROUPS, start=1):
        ws.append([k, name, received, resolved, resolved / received])
    total_received = sum(g[1] for g in GROUPS)
    total_resolved = sum(g[2] for g in GROUPS) + PLANTED
    ws.append([None, "Tổng cộng", total_received, total_resolved, total_resolved / total_received])
    for row in ws.iter_rows(min_row=6, max_row=ws.max_row):
        row[2].number_format = row[3].number_format = "#,##0"
        row[4].number_format = "0.0%"
    for cell in ws[4] + ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([])
    ws.append(["Ghi chú: số liệu trích từ Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh."])


def _budget_sheet(ws) -> None:
    ws["A1"] = "KINH PHÍ THỰC HIỆN CHUYỂN ĐỔI SỐ NĂM 2026"
    ws.append(["STT", "Nội dung", "Kinh phí bố trí (triệu đồng)"])
    for k, (item, amount) in enumerate(BUDGET, start=1):
        ws.append([k, item, amount])
    ws.append([None, "Tổng cộng", sum(a for _, a in BUDGET)])
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        row[2].number_format = "#,##0"


def workbook_bytes() -> bytes:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    _dossiers_sheet(wb.active)
    wb.active.title = "PL1"
    _budget_sheet(wb.create_sheet("PL2"))
    draft = wb.create_sheet("Nhap")  # a working sheet the office hid: its figures are not the report's
    draft.append(["Nháp", "Số tạm tính"])
    draft.append(["Tổ dân phố Bắc Sơn", 9_999])
    draft.sheet_state = "hidden"
    wb.properties.creator = wb.properties.lastModifiedBy = "wardaudit render_intake"
    wb.properties.created = dt.datetime(*FIXED)
    buf = io.BytesIO()
    wb.save(buf)
    return pin_zip(buf.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def pin_zip(data: bytes) -> bytes:
    """The same workbook with fixed entry dates and a fixed 'modified' date (openpyxl stamps the time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def render_all(out: Path = DEFAULT_OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {"bao-cao.txt": REPORT.encode("utf-8"), "phu-luc.xlsx": workbook_bytes(),
             # an Apple Pages document is a zip; what it holds does not matter: no reader is registered
             "ghi-chu.pages": b"PK\x03\x04 a Pages document the tool does not read\n"}
    written = []
    for name, data in files.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for path in render_all(target):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, path.stat().st_size)

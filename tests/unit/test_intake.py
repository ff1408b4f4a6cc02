"""A ward's intake: every file of its folder is read or named with its reason; workbooks are attached
to the report beside them; an unreadable file is listed while the others are read; a folder of
unreadable files is a failed intake that names each one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from wardaudit.audit import audit_reports
from wardaudit.ingest import IntakeError, ward_intake
from wardaudit.ingest import office as office_reader
from wardaudit.ingest.intake import Bundle, bundle
from wardaudit.model.audit import AuditResult
from wardaudit.model.findings import Unread
from wardaudit.project.config import Paths, WardParams, load_params
from wardaudit.run.plan import plan_ward
from wardaudit.store import findings_text

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / "tests/fixtures/intake/phuong-thu-nghiem"
REPORT = "Báo cáo\n\n1. Kết quả\n\nTiếp nhận 120 hồ sơ, đã giải quyết 118 hồ sơ.\n"


@pytest.fixture
def tree(tmp_path: Path) -> Paths:
    root = tmp_path / "project"
    (root / "data" / "raw" / "w").mkdir(parents=True)
    (root / "parameters").mkdir()
    (root / "parameters" / "w.yaml").write_text("ward: Xã Thử\n", encoding="utf-8")
    return Paths(root)


def _files(tree: Paths, files: dict[str, bytes | str]) -> Path:
    folder = tree.raw / "w"
    for name, data in files.items():
        target = folder / name
        if name.endswith("/"):
            target.mkdir()
        elif isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return folder


def _reasons(tree: Paths, text: str = "ward: Xã Thử\n") -> dict[str, str]:
    (tree.parameters / "w.yaml").write_text(text, encoding="utf-8")
    intake = ward_intake(load_params(tree.parameters / "w.yaml", tree), tree)
    return {Path(u.file).name: u.reason for u in intake.unread}


def test_every_file_is_read_or_named_with_its_reason(tree):
    _files(tree, {"bao-cao.txt": REPORT, "ghi-chu.pages": b"PK\x03\x04", "README": "x", "rong.docx": b"",
                  "~$bao-cao.docx": b"lock", ".DS_Store": b"\0", "Thumbs.db": b"\0", "phu-luc/": b""})
    reasons = _reasons(tree)
    assert reasons == {
        "ghi-chu.pages": "định dạng .pages chưa hỗ trợ / unsupported format",
        "README": "định dạng (không có đuôi) chưa hỗ trợ / unsupported format",
        "rong.docx": "tệp rỗng / the file is empty",
        "~$bao-cao.docx": "tệp ẩn, tệp tạm hoặc tệp hệ thống, không phải báo cáo / hidden, temporary or system file",
        ".DS_Store": "tệp ẩn, tệp tạm hoặc tệp hệ thống, không phải báo cáo / hidden, temporary or system file",
        "Thumbs.db": "tệp ẩn, tệp tạm hoặc tệp hệ thống, không phải báo cáo / hidden, temporary or system file",
        "phu-luc": "thư mục con, không được đọc (đặt các tệp ngay trong thư mục của phường/xã) / a sub-folder is "
                   "not read"}


def test_files_the_parameters_leave_out_are_named(tree):
    _files(tree, {"bao-cao.txt": REPORT, "ban-cu.txt": REPORT})
    assert _reasons(tree, "ward: Xã Thử\nsources: [bao-cao.txt]\n") == {
        "ban-cu.txt": "không có trong 'sources' của tệp tham số / not listed in the parameters' sources"}


def test_a_doc_without_libreoffice_is_named_with_how_to_install_it(tree, monkeypatch):
    monkeypatch.setattr(office_reader, "soffice", lambda: None)
    _files(tree, {"bao-cao.txt": REPORT, "cu.doc": b"\xd0\xcf\x11\xe0 a Word 97 file"})
    reason = _reasons(tree)["cu.doc"]
    assert reason.startswith("cần LibreOffice để đọc tệp .doc") and "make system-deps" in reason


def test_workbooks_go_to_the_report_whose_name_they_share():
    p = Path
    assert bundle([p("bao-cao-quy-3.docx"), p("bao-cao-quy-4.docx"), p("bao-cao-quy-4-phu-luc.xlsx"),
                   p("bao-cao-quy-3-bieu.xls")]) == [
        Bundle(p("bao-cao-quy-3.docx"), (p("bao-cao-quy-3-bieu.xls"),)),
        Bundle(p("bao-cao-quy-4.docx"), (p("bao-cao-quy-4-phu-luc.xlsx"),))]
    # a tie goes to the first report in name order; a folder of workbooks only: each one a report
    assert bundle([p("a.txt"), p("b.txt"), p("zz.xlsx")]) == [Bundle(p("a.txt"), (p("zz.xlsx"),)), Bundle(p("b.txt"))]
    assert bundle([p("x.xlsx"), p("y.ods")]) == [Bundle(p("x.xlsx")), Bundle(p("y.ods"))]


def _audit(tree: Paths, files: dict[str, bytes | str]) -> list[AuditResult]:
    folder = _files(tree, files)
    params = load_params(tree.parameters / "w.yaml", tree)
    intake = ward_intake(params, tree)
    sources = [(f, f"data/raw/w/{f.name}") for f in intake.sources]
    assert all(f.parent == folder for f, _ in sources)
    return audit_reports(sources, params, tree.processed / "ocr", intake.unread)


def test_a_workbook_beside_a_report_is_its_appendix(tree):
    results = _audit(tree, {"bao-cao.txt": (INTAKE / "bao-cao.txt").read_text(encoding="utf-8"),
                            "phu-luc.xlsx": (INTAKE / "phu-luc.xlsx").read_bytes()})
    assert len(results) == 1
    doc = results[0].document
    assert [(a.id, a.title) for a in doc.appendices] == [
        ("1", "KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ THEO TỔ DÂN PHỐ 6 THÁNG ĐẦU NĂM 2026"),
        ("2", "KINH PHÍ THỰC HIỆN CHUYỂN ĐỔI SỐ NĂM 2026")]  # PL2 has no heading: numbered from its name
    assert [t.appendix for t in doc.tables()] == ["1", "2"]
    assert any("phu-luc.xlsx được đọc như phụ lục của báo cáo" in n for n in doc.notes)
    fact = next(f for f in results[0].facts if f.raw == "1.246")
    assert (fact.file, fact.sheet, fact.cell, fact.origin) == ("data/raw/w/phu-luc.xlsx", "PL1", "C9", "table")


def test_an_unreadable_appendix_is_listed_and_the_report_audited(tree):
    results = _audit(tree, {"bao-cao.txt": REPORT, "phu-luc.xlsx": b"PK\x03\x04 broken", "anh.pages": b"x"})
    assert len(results) == 1 and results[0].document.source == "data/raw/w/bao-cao.txt"
    assert [(u.file, u.reason.split(" / ")[0]) for u in results[0].unread] == [
        ("data/raw/w/anh.pages", "định dạng .pages chưa hỗ trợ"),
        ("data/raw/w/phu-luc.xlsx", "không phải tệp .xlsx hợp lệ")]


def test_an_unreadable_report_leaves_its_workbook_audited_alone(tree):
    results = _audit(tree, {"bao-cao.docx": b"not a zip", "phu-luc.xlsx": (INTAKE / "phu-luc.xlsx").read_bytes()})
    assert [r.document.source for r in results] == ["data/raw/w/phu-luc.xlsx"]
    assert [u.file for u in results[0].unread] == ["data/raw/w/bao-cao.docx"]


def test_nothing_readable_is_a_failed_intake_naming_each_file(tree):
    _files(tree, {"bao-cao.pages": b"x", "scan.heic": b"y"})
    with pytest.raises(IntakeError) as info:
        plan_ward("w", tree)
    line = info.value.one_line()
    assert line == ("data/raw/w: không có tệp nào đọc được / no readable file: bao-cao.pages (định dạng .pages "
                    "chưa hỗ trợ / unsupported format); scan.heic (định dạng .heic chưa hỗ trợ / unsupported format)")
    for f in (tree.raw / "w").iterdir():
        f.unlink()
    # read, not only listed: a file that fails to read joins the ones the listing left out
    with pytest.raises(IntakeError, match=r"ghi-chu\.pages \(định dạng .*bao-cao\.docx \(không phải tệp \.docx"):
        _audit(tree, {"bao-cao.docx": b"not a zip", "ghi-chu.pages": b"z"})


def test_an_empty_folder_says_so(tree):
    with pytest.raises(IntakeError, match="thư mục không có tệp nào / the ward folder is empty"):
        plan_ward("w", tree)


def test_a_new_unreadable_file_changes_the_inputs_digest(tree):
    _files(tree, {"bao-cao.txt": REPORT})
    before = plan_ward("w", tree)
    _files(tree, {"phu-luc.pages": b"x"})
    after = plan_ward("w", tree)
    assert before.inputs != after.inputs and [u.file for u in after.unread] == ["data/raw/w/phu-luc.pages"]


def test_unread_files_in_findings_and_in_the_stored_audit(tree):
    results = _audit(tree, {"bao-cao.txt": REPORT, "ghi-chu.pages": b"x"})
    doc = json.loads(findings_text(results))
    assert doc["unread"] == [{"file": "data/raw/w/ghi-chu.pages",
                              "reason": "định dạng .pages chưa hỗ trợ / unsupported format"}]
    again = AuditResult.from_record(json.loads(json.dumps(results[0].to_record())))
    assert again.unread == [Unread("data/raw/w/ghi-chu.pages", "định dạng .pages chưa hỗ trợ / unsupported format")]
    two = json.loads(findings_text([results[0], again]))
    assert two["unread"] == doc["unread"] and all("unread" not in r for r in two["reports"])
    clean = _audit_clean(tree)
    assert "unread" not in json.loads(findings_text(clean))  # no unread file: no key, as before


def _audit_clean(tree: Paths) -> list[AuditResult]:
    (tree.raw / "w" / "ghi-chu.pages").unlink()
    params = WardParams(ward="Xã Thử", slug="w")
    return audit_reports([(tree.raw / "w" / "bao-cao.txt", "data/raw/w/bao-cao.txt")], params)


def test_a_spreadsheet_without_libreoffice_calc_is_named(tmp_path, monkeypatch):
    """LibreOffice's Writer alone (the program folder has its library, not Calc's): .xls needs Calc."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "soffice").write_text("#!/bin/sh\n")
    (program / "libswlo.so").write_bytes(b"")
    monkeypatch.setattr(office_reader, "soffice", lambda: str(program / "soffice"))
    assert office_reader.missing_component(".doc") is None
    assert office_reader.needs_reason(".xls").startswith("cần LibreOffice Calc để đọc tệp .xls")
    (program / "libsclo.so").write_bytes(b"")
    assert office_reader.needs_reason(".ods") is None


def test_a_folder_of_one_unreadable_file_gives_that_files_line(tree):
    _files(tree, {"bao-cao.txt": ""})
    with pytest.raises(IntakeError) as info:
        plan_ward("w", tree)
    assert info.value.one_line() == "data/raw/w/bao-cao.txt: tệp rỗng / the file is empty"

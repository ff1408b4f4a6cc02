"""`wardaudit review` in the auditor's language: Vietnamese statuses with or without diacritics (English kept),
a note needed only to dismiss, Vietnamese help first, an unknown ward named with the nearest slugs, and
decision times stored with their offset and shown in Vietnam time."""
from __future__ import annotations

import re

import pytest
import yaml

from wardaudit.cli import build_parser, main
from wardaudit.errors import ReviewError
from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Document
from wardaudit.model.findings import CheckResult
from wardaudit.model.report import ReportMeta
from wardaudit.project.config import Paths
from wardaudit.render.wording import display_stamp
from wardaudit.review.decisions import load_decisions, parse_decisions
from wardaudit.review.statuses import parse_status
from wardaudit.store import WardStore

CHECKS = [CheckResult("FOOT001", "fail", "error", "m1", key="k1"), CheckResult("RATE001", "fail", "error", "m2",
                                                                               key="k2")]
F1, F2 = (c.id for c in CHECKS)


@pytest.fixture
def ward(tmp_path, monkeypatch) -> Paths:
    """One audited ward, xa-trung-hoa, with two failing checks, and a second ward's parameters."""
    paths = Paths(tmp_path)
    (tmp_path / "parameters").mkdir()
    (tmp_path / "data").mkdir()
    for slug in ("xa-trung-hoa", "xa-dong-hoa"):
        (paths.parameters / f"{slug}.yaml").write_text(f"ward: {slug}\nslug: {slug}\n", encoding="utf-8")
    doc = Document(source="r.txt", format="text", sha256="0" * 64)
    WardStore(paths, "xa-trung-hoa").save_audit([AuditResult(doc, ReportMeta(), [], CHECKS)], "-")
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    return paths


@pytest.mark.parametrize("typed, status", [
    ("xac-nhan", "confirmed"), ("xác nhận", "confirmed"), ("Xác Nhận", "confirmed"), ("xac_nhan", "confirmed"),
    ("loai-tru", "dismissed"), ("loại trừ", "dismissed"), ("LOẠI TRỪ", "dismissed"),
    ("giai-trinh", "query"), ("giải trình", "query"), ("Đề nghị giải trình", "query"), ("de-nghi-giai-trinh", "query"),
    ("mo-lai", "open"), ("mở lại", "open"),
    ("confirmed", "confirmed"), ("dismissed", "dismissed"), ("query", "query"), ("open", "open"),
])
def test_a_status_is_read_in_vietnamese_with_or_without_diacritics_and_in_english(typed, status):
    assert parse_status(typed) == status


@pytest.mark.parametrize("typed", ["", "maybe", "xac", "loai tru nhe", "ignored"])
def test_an_unknown_status_names_the_accepted_words(typed):
    with pytest.raises(ReviewError, match=r"xac-nhan .*loai-tru .*giai-trinh .*mo-lai"):
        parse_status(typed)


def test_review_records_giai_trinh_and_loai_tru_as_typed_by_an_auditor(ward, capsys):
    assert main(["review", "xa-trung-hoa", F1, "--status", "giai-trinh", "--note", "đề nghị nêu nguồn số liệu",
                 "--by", "Lê Thị Hoa"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{F1}: Đã đề nghị giải trình (Lê Thị Hoa, ") and "(UTC+7)" in out
    assert main(["review", "xa-trung-hoa", F2, "--status", "loại trừ", "--note", "đơn vị tính nghìn đồng"]) == 0
    assert main(["review", "xa-trung-hoa", F2, "--status", "mo-lai"]) == 0  # a note is optional but to dismiss
    entries = yaml.safe_load(ward.ward_reviews("xa-trung-hoa").read_text(encoding="utf-8"))
    assert [(e["id"], e["status"]) for e in entries] == [(F1, "query"), (F2, "dismissed"), (F2, "open")]
    assert entries[0]["note"] == "đề nghị nêu nguồn số liệu" and entries[0]["by"] == "Lê Thị Hoa"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", e["at"]) for e in entries)


def test_dismissing_needs_a_note_and_nothing_is_written_without_one(ward, capsys):
    assert main(["review", "xa-trung-hoa", F1, "--status", "loai-tru"]) == 2
    assert "--note" in capsys.readouterr().err
    assert main(["review", "xa-trung-hoa", F1, "--status", "xác nhận"]) == 0  # confirming needs none
    assert [d.status for d in load_decisions("xa-trung-hoa", ward)] == ["confirmed"]


def test_an_unknown_ward_says_so_and_names_the_nearest_slugs(ward, capsys):
    assert main(["review", "xa-trung-hao"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("xa-trung-hao: không có phường/xã này") and "gần nhất" in err
    assert err.index("xa-trung-hoa") < err.index("xa-dong-hoa")  # the closest first
    assert "wardaudit run" not in err and "\n" not in err


def test_an_old_utc_entry_still_reads_and_every_time_is_shown_in_vietnam_time(ward, capsys):
    old = f"- id: \"{F1}\"\n  status: query\n  note: \"x\"\n  by: null\n  at: \"2026-12-02T06:22:05Z\"\n"
    assert parse_decisions(old, "r.yaml")[0].at == "2026-12-02T06:22:05Z"
    ward.reviews.mkdir(parents=True)
    ward.ward_reviews("xa-trung-hoa").write_text(old, encoding="utf-8")
    assert main(["review", "xa-trung-hoa"]) == 0
    assert "02/12/2026 13:22:05 (UTC+7)" in capsys.readouterr().out
    assert display_stamp("2026-12-02T13:22:05+07:00") == display_stamp("2026-12-02T06:22:05Z")


def test_help_speaks_vietnamese_first():
    parser = build_parser()
    top = parser.format_help()
    assert "tùy chọn / options" in top and "hiện trợ giúp này" in top and "mở bàn kiểm tra" in top
    review = parser._subparsers._group_actions[0].choices["review"].format_help()
    assert re.search(r"--status TRẠNG_THÁI\s+xac-nhan \(xác nhận", review)
    assert review.index("bắt buộc khi loại trừ") < review.index("required to dismiss")

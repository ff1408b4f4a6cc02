"""Section tree and appendix list of every seed against a hand-checked expectation."""
from pathlib import Path

import pytest

from wardaudit.ingest import read_document
from wardaudit.ingest.structure import classify_heading, expand_refs, outline

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted(p for p in (ROOT / "data" / "raw").glob("*/*") if p.is_file())


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.parent.name)
def test_outline_matches_expectation(path):
    doc = read_document(path)
    got = ["# sections"] + outline(doc) + ["# appendices"] + [f"Phụ lục {a.id}: {a.title}" for a in doc.appendices]
    expected_file = ROOT / "tests" / "fixtures" / "expected" / f"{path.parent.name}.outline.txt"
    expected = expected_file.read_text(encoding="utf-8")
    assert got == expected.splitlines()


@pytest.mark.parametrize("text,expected", [
    ("Phần 1", (0, "Phần 1", "")),
    ("I. KẾT QUẢ", (1, "I", "KẾT QUẢ")),
    ("1.2. Thống kê", (3, "1.2", "Thống kê")),
    ("5.1.3. Về thủ tục", (4, "5.1.3", "Về thủ tục")),
    ("a) Ưu điểm", (6, "a)", "Ưu điểm")),
    ("1 hội nghị đã tổ chức", None),
    ("- (1) Số nhiệm vụ", None),
    ("9.1. Đẩy mạnh công tác cải cách hành chính theo hướng nâng cao chất lượng phục vụ, "
     "tăng cường ứng dụng công nghệ thông tin trong tiếp nhận hồ sơ.", None),
])
def test_classify_heading(text, expected):
    assert classify_heading(text) == expected


def test_appendix_refs_expand_ranges_and_lists():
    assert expand_refs("I, II và III") == ["I", "II", "III"]
    assert expand_refs("I - IV") == ["I", "II", "III", "IV"]
    assert expand_refs("2") == ["2"]


def test_tables_split_by_page_break_are_stitched():
    doc = read_document(ROOT / "data/raw/vinh-thong/004_94104b2cdd07920c.md")
    tables = doc.tables()
    indicator = tables[0]
    numbered = [r for r in indicator.rows if r[0].rstrip(".").isdigit()]
    assert indicator.parts == 2 and len(numbered) == 15
    row10 = next(r for r in indicator.rows if r[0] == "10.")
    assert row10[1].endswith("thủ tục hành chính được số hóa")  # the row cut by the break, merged back
    assert [len([r for r in t.rows if r[0].rstrip('.').isdigit()]) for t in tables[1:]] == [4, 6]


def test_multirow_header_joined():
    doc = read_document(ROOT / "data/raw/trung-thanh/000_faad2a6d99a2e313.txt")
    t = next(t for t in doc.tables() if "Số TTHC / Cấp xã" in t.header)
    assert t.header == ["STT", "Số TTHC / Cấp tỉnh", "Số TTHC / Cấp xã"]
    assert t.rows == [["", "1752", "358"]]


def test_metadata_reads_capital_headers_and_numeric_dates(tmp_path):
    from wardaudit.extract.metadata import extract_metadata

    p = tmp_path / "r.txt"
    p.write_text("ỦY BAN NHÂN DÂN XÃ PHÚ AN\n\nSố: 12/BC-UBND\n\nPhú An, ngày 07/5/2026\n\nBÁO CÁO\n\nKết quả tuần\n\n"
                 "UBND xã Phú An báo cáo. Trên địa bàn xã Phú An có 3 thôn.\n", encoding="utf-8")
    meta = extract_metadata(read_document(p))
    assert meta.ward_name == "Phú An" and meta.level == "xã"
    assert meta.date.isoformat() == "2026-05-07" and meta.number == "12/BC-UBND"
    assert [v.name for v in meta.name_variants] == ["Phú An"]  # capitals are not another spelling

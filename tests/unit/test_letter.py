"""wardaudit.review.letter: the letter an office sends the ward, read back with python-docx, and converted by
LibreOffice to PDF (the way the ward will print it) to count its pages and read its motto line."""
from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest

from wardaudit.errors import ParametersError
from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Block, Document, Location, Section
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.model.report import ReportMeta
from wardaudit.project.config import Paths, WardParams
from wardaudit.project.letterhead import LetterSettings
from wardaudit.review.decisions import Decision
from wardaudit.review.letter import letter_settings, write_letter

SRC = "data/raw/xa-hoa-binh/bc.pdf"
SECTIONS = [Section("II", "KẾT QUẢ THỰC HIỆN", 0, ("II",), Location(SRC, 2, 3), children=[
    Section("1", "Về cải cách thủ tục hành chính", 1, ("II", "1"), Location(SRC, 2, 5)),
    Section("2", "Về kinh phí", 1, ("II", "2"), Location(SRC, 3, 1))])]
BLOCKS = [Block("paragraph", "Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ, đã giải quyết 1.200 hồ sơ, còn 40 hồ sơ.",
                Location(SRC, 2, 7), section=("II", "1")),
          Block("paragraph", "Tỷ lệ giải quyết đúng hạn đạt 97,3%.", Location(SRC, 2, 9), section=("II", "1")),
          Block("paragraph", "Đã giải ngân 3.400 triệu đồng trên kinh phí bố trí 3,2 tỷ đồng.", Location(SRC, 3, 4),
                section=("II", "2"))]


def _check(rule: str, message: str, quote: str, section: str, page: int, line: int, key: str) -> CheckResult:
    return CheckResult(rule, "fail", "error", message, {}, (Evidence(section, quote, page, line, SRC),), key=key)


CHECKS = [
    _check("FOOT002", "Cần rà soát: Tiếp nhận 1.250 ≠ đã giải quyết 1.200 + đang giải quyết 40 = 1.240",
           "Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ", "II > 1", 2, 7, "k1"),
    _check("RATE001", "Tỷ lệ 97,3% ≠ 1.200/1.250 = 96,0% / rate does not match", "đạt 97,3%", "II > 1", 2, 9, "k2"),
    _check("BUDG001", "Giải ngân 3.400.000.000 đồng > kinh phí bố trí 3.200.000.000 đồng", "Đã giải ngân 3.400 triệu",
           "II > 2", 3, 4, "k3"),
    _check("STRUCT005", "Bảng bị lặp nguyên văn (dòng 640 và dòng 647) / table pasted twice",
           "STT | Nội dung | Kết quả",
           "II > 2", 3, 11, "k4"),
    _check("TGT001", "Kết quả 64 thấp hơn mục tiêu 80 (I > 2) / below target", "đạt 64% chỉ tiêu", "II > 2", 3, 20,
           "k5"),
]
IDS = {c.rule: c.id for c in CHECKS}
DECIDED = {"FOOT002": ("query", "Đề nghị nêu số hồ sơ rút"),
           "RATE001": ("dismissed", "Làm tròn theo quy định của tỉnh"),
           "BUDG001": ("confirmed", "Vượt kinh phí thật"),
           "STRUCT005": ("confirmed", ""),
           "TGT001": ("query", "")}


def _decisions(decided: dict[str, tuple[str, str]]) -> dict[str, Decision]:
    return {IDS[r]: Decision(IDS[r], status, note, "An", "2026-11-20T15:00:00+07:00")
            for r, (status, note) in decided.items()}


@pytest.fixture
def ward(tmp_path) -> tuple[Paths, WardParams, list[AuditResult]]:
    paths = Paths(tmp_path)
    params = WardParams(ward="Hòa Bình", slug="xa-hoa-binh", level="xã", province="Tây Ninh")
    doc = Document(source=SRC, format="pdf", sha256="0" * 64, blocks=BLOCKS, sections=SECTIONS, pages=3)
    result = AuditResult(document=doc, meta=ReportMeta(number="112/BC-UBND", date="2026-06-10"), facts=[],
                         checks=list(CHECKS), ward="Hòa Bình")
    return paths, params, [result]


SETTINGS = LetterSettings(parent_body="Ủy ban nhân dân tỉnh {province}", issuing_body="Sở Khoa học và Công nghệ",
                          signer_title="Giám đốc", place="Tây Ninh", recipient="Chủ tịch Ủy ban nhân dân {unit}",
                          copies=["Ban Chỉ đạo tỉnh (để b/c)", "Lưu: VT, KHTC"])


def _text(d) -> str:
    cells = [p.text for t in d.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(cells + [p.text for p in d.paragraphs])


def test_the_letter_asks_to_correct_the_confirmed_and_explain_the_queried_in_plain_words(ward):
    paths, params, results = ward
    path = write_letter(params, results, _decisions(DECIDED), paths, SETTINGS)
    assert path == paths.reports / "xa-hoa-binh-giai-trinh.docx"
    d = docx.Document(str(path))
    head = d.tables[0]
    assert [p.text for p in head.cell(0, 0).paragraphs] == ["ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert [p.text for p in head.cell(0, 1).paragraphs] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                            "Độc lập - Tự do - Hạnh phúc"]
    assert head.cell(1, 1).text == "Tây Ninh, ngày …… tháng …… năm ……"
    assert head.cell(1, 0).paragraphs[1].text == "V/v đề nghị chỉnh sửa và giải trình số liệu báo cáo"
    paras = [p.text for p in d.paragraphs]
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân xã Hòa Bình." in paras
    assert any("Báo cáo số 112/BC-UBND ngày 10/06/2026" in p for p in paras)
    groups = [p for p in paras if re.match(r"I+\. ", p)]
    assert groups == ["I. Các nội dung đề nghị chỉnh sửa", "II. Các nội dung đề nghị giải trình"]
    items = [p for p in paras if re.match(r"\d\. ", p)]
    # confirmed first (worst first within each group), then queried; nothing dismissed
    assert items == ["1. Giải ngân vượt kinh phí bố trí", "2. Bảng hoặc đoạn văn bị lặp",
                     "1. Tiếp nhận không khớp với đã giải quyết cộng đang giải quyết",
                     "2. Kết quả thấp hơn mục tiêu"]
    text = _text(d)
    # what the report says, where the ward finds it (section number and title, page), why, what to do
    assert ("Báo cáo ghi tại mục 1 “Về cải cách thủ tục hành chính”, thuộc mục II “KẾT QUẢ THỰC HIỆN”, trang 2: "
            "“Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ”.") in paras
    assert ("Lý do: Tiếp nhận 1.250 không khớp với đã giải quyết 1.200 cộng đang giải quyết 40 bằng 1.240."
            in paras)
    assert "Lý do: Giải ngân 3.400.000.000 đồng lớn hơn kinh phí bố trí 3.200.000.000 đồng." in paras
    assert "Lý do: Kết quả 64 thấp hơn mục tiêu 80 (mục I, mục 2)." in paras
    assert sum(p.startswith("Đề nghị chỉnh sửa: ") for p in paras) == 2
    assert sum(p.startswith("Đề nghị giải trình: ") for p in paras) == 2
    assert "Ý kiến của Sở Khoa học và Công nghệ: Đề nghị nêu số hồ sơ rút." in paras
    assert "Ý kiến của Sở Khoa học và Công nghệ: Vượt kinh phí thật." in paras
    assert "“STT; Nội dung; Kết quả”" in text  # a table row quoted as cells, not with bars
    # nothing dismissed, no rule code, no line of our text, no symbol an office would not write
    for absent in ("97,3%", "Làm tròn", *IDS, *IDS.values(), "mã kiểm tra", "Cần rà soát", "/ rate"):
        assert absent not in text, absent
    assert not re.search(r"dòng \d", text)
    assert not re.search(r"[≠×→≤≥]| > ", text)
    assert "Nơi nhận:" in text and "- Ban Chỉ đạo tỉnh (để b/c);" in text and "- Lưu: VT, KHTC." in text
    assert "GIÁM ĐỐC" in text and any(p.endswith("Trân trọng./.") for p in paras)


def test_no_confirmed_or_queried_finding_no_letter_and_an_old_letter_is_withdrawn(ward):
    paths, params, results = ward
    path = write_letter(params, results, _decisions(DECIDED), paths, SETTINGS)
    assert path.exists()
    assert write_letter(params, results, _decisions({"RATE001": ("dismissed", "x")}), paths, SETTINGS) is None
    assert not path.exists()


def test_the_settings_come_from_project_yaml_with_defaults_and_a_bad_field_is_named(ward):
    paths, params, results = ward
    assert letter_settings(paths) == LetterSettings()  # no project.yaml: an inspection team of the province
    d = docx.Document(str(write_letter(params, results, _decisions(DECIDED), paths)))
    assert [p.text for p in d.tables[0].cell(0, 0).paragraphs] == ["ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "ĐOÀN KIỂM TRA"]
    assert "Kính gửi: Ủy ban nhân dân xã Hòa Bình." in [p.text for p in d.paragraphs]
    (paths.root / "project.yaml").write_text("letter:\n  issuing_body: Thanh tra tỉnh\n  signer_title: Chánh "
                                             "Thanh tra\n", encoding="utf-8")
    assert letter_settings(paths).issuing_body == "Thanh tra tỉnh"
    d = docx.Document(str(write_letter(params, results, _decisions(DECIDED), paths)))
    assert d.tables[0].cell(0, 0).paragraphs[1].text == "THANH TRA TỈNH" and "CHÁNH THANH TRA" in _text(d)
    (paths.root / "project.yaml").write_text("letter:\n  recipient: 'UBND {commune}'\n", encoding="utf-8")
    with pytest.raises(ParametersError, match=r"project\.yaml: .*'letter\.recipient'"):
        letter_settings(paths)


@pytest.mark.slow
def test_libreoffice_prints_it_on_two_pages_with_the_motto_on_one_line(ward, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: run `make system-deps`"
    paths, params, results = ward
    path = write_letter(params, results, _decisions(DECIDED), paths, SETTINGS)
    out = tmp_path / "pdf"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    pdf = out / "xa-hoa-binh-giai-trinh.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 1 <= pages <= 2  # four short items, the letterhead and the signature
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                            text=True).stdout
    lines = layout.splitlines()
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in lines), layout[:600]
    assert any("Độc lập - Tự do - Hạnh phúc" in line for line in lines), layout[:600]
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân xã Hòa Bình." in layout
    assert not re.search(r"dòng \d|FOOT0|BUDG0|≠", layout)


def test_the_projects_own_project_yaml_documents_the_defaults():
    from pathlib import Path

    from wardaudit.project.settings import load_settings

    repo = Paths(Path(__file__).resolve().parents[2])
    assert "letter:" in repo.project_file.read_text(encoding="utf-8")
    assert load_settings(repo).letter == LetterSettings()

"""wardaudit.review.letter: the request for explanation sent to the ward, read back with python-docx."""
from __future__ import annotations

import docx
import pytest

from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Document
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.model.report import ReportMeta
from wardaudit.project.config import Paths, WardParams
from wardaudit.review.decisions import Decision
from wardaudit.review.letter import write_letter


def _check(rule: str, quote: str, line: int) -> CheckResult:
    return CheckResult(rule, "fail", "error", f"thông điệp {rule}", {}, (Evidence("II. Kết quả", quote, None, line),),
                       key=f"k-{rule}")


CHECKS = [_check("FOOT001", "Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ", 41),
          _check("RATE001", "tỷ lệ giải quyết đúng hạn đạt 97,3%", 58),
          _check("XREF001", "còn tồn 77 hồ sơ", 60),
          _check("BUDG001", "đã giải ngân 3.400 triệu đồng", 75),
          _check("TGT001", "đạt 64% chỉ tiêu", 90)]
IDS = {c.rule: c.id for c in CHECKS}
DECIDED = {"FOOT001": ("query", "Tổng không khớp chi tiết, đề nghị nêu số đúng"),
           "RATE001": ("dismissed", "Làm tròn theo quy định của tỉnh"),
           "XREF001": ("confirmed", "Sai thật"),
           "BUDG001": ("query", "Giải ngân vượt kinh phí bố trí")}


def _decisions(decided: dict[str, tuple[str, str]]) -> dict[str, Decision]:
    return {IDS[r]: Decision(IDS[r], status, note, "An", "2026-11-20T08:00:00Z")
            for r, (status, note) in decided.items()}


@pytest.fixture
def ward(tmp_path) -> tuple[Paths, WardParams, list[AuditResult]]:
    paths = Paths(tmp_path)
    params = WardParams(ward="Hòa Bình", slug="xa-hoa-binh", level="xã", province="Tây Ninh")
    doc = Document(source="data/raw/xa-hoa-binh/bc.txt", format="text", sha256="0" * 64)
    result = AuditResult(document=doc, meta=ReportMeta(number="112/BC-UBND", date="2026-06-10"), facts=[],
                         checks=list(CHECKS), ward="Hòa Bình")
    return paths, params, [result]


def _text(d) -> str:
    cells = [p.text for t in d.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(cells + [p.text for p in d.paragraphs])


def test_the_letter_asks_about_the_queried_findings_only_in_the_administrative_layout(ward):
    paths, params, results = ward
    path = write_letter(params, results, _decisions(DECIDED), paths)
    assert path == paths.reports / "xa-hoa-binh-giai-trinh.docx"
    d = docx.Document(str(path))
    head = d.tables[0]
    assert "UBND TỈNH TÂY NINH" in head.cell(0, 0).text
    assert head.cell(0, 1).paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert head.cell(0, 1).paragraphs[1].text == "Độc lập - Tự do - Hạnh phúc"
    assert head.cell(1, 0).paragraphs[0].text.startswith("Số: ……/……")
    assert head.cell(1, 1).text == "……, ngày …… tháng …… năm ……"
    paras = [p.text for p in d.paragraphs]
    assert "Kính gửi: Ủy ban nhân dân xã Hòa Bình" in paras
    assert any("báo cáo số 112/BC-UBND ngày 10/06/2026" in p for p in paras)
    items = [p for p in paras if p[:3] in ("1. ", "2. ", "3. ")]
    assert len(items) == 2
    # in the order the findings document lists them (worst first, then by rule)
    assert items[0].startswith("1. ") and IDS["BUDG001"] in items[0]
    assert items[1].startswith("2. ") and IDS["FOOT001"] in items[1]
    text = _text(d)
    # quoted evidence with its section and line, and the auditor's note
    assert "mục “II. Kết quả”, dòng 41" in text and "“Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ”" in text
    assert "“đã giải ngân 3.400 triệu đồng”" in text and "Giải ngân vượt kinh phí bố trí" in text
    for absent in ("97,3%", "Làm tròn", "RATE001", "77 hồ sơ", "Sai thật", "64% chỉ tiêu"):
        assert absent not in text, absent
    assert "Nơi nhận:" in text and "Trân trọng./." in paras


def test_no_query_no_letter_and_an_old_letter_is_withdrawn(ward):
    paths, params, results = ward
    path = write_letter(params, results, _decisions(DECIDED), paths)
    assert path.exists()
    assert write_letter(params, results, {}, paths) is None
    assert not path.exists()

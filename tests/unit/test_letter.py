"""wardaudit.review.letter: the request for explanation sent to the ward, read back with python-docx."""
from __future__ import annotations

import json

import docx
import pytest

from wardaudit.project.config import Paths
from wardaudit.review.letter import write_letter


def _check(cid: str, rule: str, quote: str, review: dict | None, line: int) -> dict:
    c = {"id": cid, "rule": rule, "status": "fail", "severity": "error", "message": f"thông điệp {cid}",
         "values": {}, "evidence": [{"section": "II. Kết quả", "quote": quote, "page": None, "line": line}]}
    if review:
        c["review"] = {"by": "An", "at": "2026-11-20T08:00:00Z", **review}
    return c


@pytest.fixture
def ward(tmp_path) -> Paths:
    paths = Paths(tmp_path)
    paths.parameters.mkdir(parents=True)
    paths.ward_params("xa-hoa-binh").write_text('ward: "Hòa Bình"\nlevel: xã\nprovince: "Tây Ninh"\n',
                                                encoding="utf-8")
    out = paths.ward_processed("xa-hoa-binh")
    out.mkdir(parents=True)
    checks = [
        _check("FOOT001-aaaaaaaaaa", "FOOT001", "Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ",
               {"status": "query", "note": "Tổng không khớp chi tiết, đề nghị nêu số đúng"}, 41),
        _check("RATE001-bbbbbbbbbb", "RATE001", "tỷ lệ giải quyết đúng hạn đạt 97,3%",
               {"status": "dismissed", "note": "Làm tròn theo quy định của tỉnh"}, 58),
        _check("XREF001-cccccccccc", "XREF001", "còn tồn 77 hồ sơ", {"status": "confirmed", "note": "Sai thật"}, 60),
        _check("BUDG001-dddddddddd", "BUDG001", "đã giải ngân 3.400 triệu đồng",
               {"status": "query", "note": "Giải ngân vượt kinh phí bố trí"}, 75),
        _check("TGT001-eeeeeeeeee", "TGT001", "đạt 64% chỉ tiêu", None, 90),
    ]
    doc = {"schema": "wardaudit.findings/1", "source": "data/raw/xa-hoa-binh/bc.txt", "ward": "Hòa Bình",
           "report": {"number": "112/BC-UBND", "date": "2026-06-10", "period": None}, "checks": checks, "facts": []}
    (out / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return paths


def _text(d) -> str:
    cells = [p.text for t in d.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(cells + [p.text for p in d.paragraphs])


def test_the_letter_asks_about_the_queried_findings_only_in_the_administrative_layout(ward):
    path = write_letter("xa-hoa-binh", ward)
    assert path == ward.reports / "xa-hoa-binh-giai-trinh.docx"
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
    assert items[0].startswith("1. ") and "FOOT001-aaaaaaaaaa" in items[0]
    assert items[1].startswith("2. ") and "BUDG001-dddddddddd" in items[1]
    text = _text(d)
    # quoted evidence with its section and line, and the auditor's note
    assert "mục “II. Kết quả”, dòng 41" in text and "“Tổng số hồ sơ tiếp nhận là 1.250 hồ sơ”" in text
    assert "“đã giải ngân 3.400 triệu đồng”" in text and "Giải ngân vượt kinh phí bố trí" in text
    for absent in ("97,3%", "Làm tròn", "RATE001", "77 hồ sơ", "Sai thật", "64% chỉ tiêu"):
        assert absent not in text, absent
    assert "Nơi nhận:" in text and "Trân trọng./." in paras


def test_no_query_no_letter_and_an_old_letter_is_withdrawn(ward):
    path = write_letter("xa-hoa-binh", ward)
    assert path.exists()
    findings = ward.ward_processed("xa-hoa-binh") / "findings.json"
    doc = json.loads(findings.read_text(encoding="utf-8"))
    for c in doc["checks"]:
        c.pop("review", None)
    findings.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert write_letter("xa-hoa-binh", ward) is None
    assert not path.exists()

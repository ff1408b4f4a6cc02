"""The letter to the ward: a Vietnamese request for explanation (giải trình) of the queried findings.

:func:`write_letter` builds ``reports/<slug>-giai-trinh.docx`` with python-docx from the ward's
audit (whose failing checks carry the auditor's ``review``) and its parameters. Only the
findings under ``query`` appear; nothing dismissed, confirmed or still open. The layout follows
the usual administrative letter: the issuing body on the left and the national motto on the right,
number and date left blank for the auditor, "Kính gửi", one numbered item per query (the rule's
title, the quoted evidence with its section and page or line, the auditor's note), the closing and
"Nơi nhận".
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from wardaudit.model.audit import AuditResult
from wardaudit.project.config import Paths, WardParams
from wardaudit.project.printable import scrub
from wardaudit.review.decisions import failing_checks

FONT = "Times New Roman"
DOTS = "……"


def queried(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The failing checks whose latest decision is ``query``, in the order findings.json lists them."""
    return [c for c in failing_checks(docs) if (c.get("review") or {}).get("status") == "query"]


def _rule_titles() -> dict[str, str]:
    from wardaudit.catalogue import rule_titles
    return rule_titles("vi")


def _where(ev: Mapping[str, Any]) -> str:
    parts = []
    if ev.get("section"):
        parts.append(f"mục “{ev['section']}”")
    if ev.get("page") is not None:
        parts.append(f"trang {ev['page']}")
    if ev.get("line") is not None:
        parts.append(f"dòng {ev['line']}")
    return ", ".join(parts)


def _unit(params: WardParams) -> str:
    level = {"xã": "xã", "phường": "phường", "đặc khu": "đặc khu"}.get(params.level, "")
    return " ".join(x for x in (level, params.ward) if x)


def _para(doc: Any, text: str = "", *, bold: bool = False, italic: bool = False, align: str | None = None,
          size: float = 13, indent: bool = False, space_after: float = 4) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Cm(1)
    fmt.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                     "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, None: None}[align]
    return p


def _cell_lines(cell: Any, lines: list[tuple[str, dict[str, Any]]]) -> None:
    """Centred lines in a table cell: (text, {bold, italic, underline, size})."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.paragraphs[0].text = ""
    for i, (text, style) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold = style.get("bold", False)
        run.italic = style.get("italic", False)
        run.underline = style.get("underline", False)
        run.font.size = Pt(style.get("size", 13))


def _heading(doc: Any, params: WardParams) -> None:
    """Issuing body | national motto; number and subject | place and date (left blank)."""
    table = doc.add_table(rows=2, cols=2)
    body = f"UBND TỈNH {params.province.upper()}" if params.province else f"CƠ QUAN CẤP TRÊN {DOTS}"
    _cell_lines(table.cell(0, 0), [(body, {"size": 12}), (f"ĐOÀN KIỂM TRA {DOTS}", {"bold": True, "size": 12})])
    _cell_lines(table.cell(0, 1), [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "size": 12}),
                                   ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "underline": True})])
    _cell_lines(table.cell(1, 0), [(f"Số: {DOTS}/{DOTS}", {}),
                                   ("V/v giải trình số liệu trong báo cáo", {"size": 12}),
                                   ("thực hiện NQ 57-NQ/TW và Đề án 06", {"size": 12})])
    _cell_lines(table.cell(1, 1), [(f"{DOTS}, ngày {DOTS} tháng {DOTS} năm {DOTS}", {"italic": True})])


def _report_label(docs: list[Mapping[str, Any]]) -> str:
    report = (docs[-1].get("report") if docs else None) or {}
    bits = []
    if report.get("number"):
        bits.append(f"số {report['number']}")
    if report.get("date"):
        y, m, d = str(report["date"]).split("-")
        bits.append(f"ngày {d}/{m}/{y}")
    return ("báo cáo " + " ".join(bits)) if bits else "báo cáo"


def _item(doc: Any, n: int, c: Mapping[str, Any], titles: Mapping[str, str]) -> None:
    from docx.shared import Cm

    title = titles.get(c.get("rule", ""), c.get("rule", ""))
    p = _para(doc, "", align="justify", space_after=2)
    p.add_run(f"{n}. {title}").bold = True
    p.add_run(f" (mã kiểm tra {c.get('id')})").italic = True
    _para(doc, f"Nội dung cần làm rõ: {c.get('message', '')}", align="justify", indent=True, space_after=2)
    for ev in c.get("evidence") or []:
        where = _where(ev)
        q = _para(doc, "", align="justify", space_after=2)
        q.paragraph_format.left_indent = Cm(1)
        q.add_run(f"Báo cáo ghi{(' (' + where + ')') if where else ''}: ")
        q.add_run(f"“{' '.join(str(ev.get('quote', '')).split())}”").italic = True
    review = c.get("review") or {}
    if review.get("note"):
        _para(doc, f"Ý kiến của người kiểm tra: {review['note']}", align="justify", indent=True)


def build_letter(params: WardParams, docs: list[Mapping[str, Any]], items: list[Mapping[str, Any]]) -> Any:
    """The letter as a python-docx Document (not saved)."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    _heading(doc, params)
    unit = _unit(params)
    _para(doc, "")
    _para(doc, f"Kính gửi: Ủy ban nhân dân {unit}", bold=True, align="center", size=14, space_after=10)
    _para(doc, f"Qua kiểm tra {_report_label(docs)} của Ủy ban nhân dân {unit} về kết quả thực hiện "
               "Nghị quyết số 57-NQ/TW và Đề án 06, Đoàn kiểm tra nhận thấy một số số liệu chưa khớp nhau "
               "hoặc chưa đủ căn cứ. Đề nghị Ủy ban nhân dân "
               f"{unit} rà soát và giải trình từng nội dung dưới đây:", align="justify", indent=True)
    titles = _rule_titles()
    for n, c in enumerate(items, start=1):
        _item(doc, n, c, titles)
    _para(doc, f"Văn bản giải trình (kèm tài liệu, số liệu gốc làm căn cứ nếu có) đề nghị gửi về Đoàn kiểm tra "
               f"trước ngày {DOTS}/{DOTS}/{DOTS}. Trường hợp số liệu trong báo cáo có sai sót, đề nghị đơn vị "
               "nêu rõ số liệu đúng và ban hành báo cáo điều chỉnh.", align="justify", indent=True)
    _para(doc, "Trân trọng./.", align="justify", indent=True)
    sign = doc.add_table(rows=1, cols=2)
    left = sign.cell(0, 0)
    left.paragraphs[0].text = ""
    r = left.paragraphs[0].add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for line in ("- Như trên;", "- Lưu: VT, Đoàn kiểm tra."):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    _cell_lines(sign.cell(0, 1), [("TRƯỞNG ĐOÀN KIỂM TRA", {"bold": True}), ("(Ký, ghi rõ họ tên)", {"italic": True})])
    doc.core_properties.title = f"Đề nghị giải trình – {unit}"
    return doc


def write_letter(params: WardParams, results: list[AuditResult], decisions: Mapping[str, Any],
                 paths: Paths) -> Path | None:
    """Write reports/<slug>-giai-trinh.docx when a finding is under ``query``; else remove it.

    ``results`` is the ward's audit (oldest report first) and ``decisions`` the latest decision per
    finding id. Returns the letter's path, or None when there is nothing to ask (a letter left by an
    earlier run is removed then, since it would ask about findings no longer queried).
    """
    from wardaudit.project.iorw import atomic_path

    reviews = {k: d.review() for k, d in decisions.items()}
    docs, _ = scrub([r.findings(reviews) for r in results])  # a .docx cannot hold control characters
    items = queried(docs)
    target = paths.ward_letter(params.slug)
    if not items:
        target.unlink(missing_ok=True)
        return None
    doc = build_letter(params, docs, items)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target

"""The letter to the ward: a Vietnamese official letter (công văn) asking it to correct the errors the
auditor confirmed and to explain the figures the auditor queried.

:func:`write_letter` builds ``reports/<slug>-giai-trinh.docx`` with python-docx from the ward's audit
and the auditor's latest decisions. Confirmed findings become items "đề nghị chỉnh sửa", queried ones
"đề nghị giải trình"; nothing dismissed or still open appears. Each item says, in plain words, what the
report says (quoted, with the section's number and title and the page, as the ward finds it in its own
file), why it does not tie, and what the ward is asked to do, with the auditor's note. No rule code, no
line of our text, no symbol an office would not write (:mod:`wardaudit.render.office`).

The layout follows the usual administrative letter (Nghị định 30/2020/NĐ-CP): the sender on the left
and the national motto on the right (each on one line), number and date left blank for the office,
"Kính gửi", the numbered items, the closing, "Nơi nhận" and the signer. Sender, signer, place and
recipient come from the project's settings (:class:`~wardaudit.project.letterhead.LetterSettings`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardaudit.model.audit import AuditResult
from wardaudit.model.findings import SEVERITY_ORDER, CheckResult, review_of
from wardaudit.project.config import Paths, WardParams
from wardaudit.project.letterhead import LetterSettings
from wardaudit.project.printable import remove_controls
from wardaudit.render.evidence import quote_text
from wardaudit.render.office import place, plain

FONT = "Times New Roman"
DOTS = "……"
QUOTE_MAX = 320
QUOTES_PER_ITEM = 3
#: what each kind of item asks of the ward
GROUPS = (("confirmed", "Các nội dung đề nghị chỉnh sửa",
           "Đề nghị chỉnh sửa: rà soát, sửa lại số liệu nêu trên cho đúng và thống nhất trong toàn bộ báo cáo; "
           "ban hành báo cáo điều chỉnh."),
          ("query", "Các nội dung đề nghị giải trình",
           "Đề nghị giải trình: nêu rõ số liệu đúng và căn cứ (sổ sách, phần mềm, tài liệu gốc), gửi kèm "
           "tài liệu chứng minh."))


@dataclass(frozen=True)
class Item:
    """One finding the letter raises: its kind (``confirmed`` | ``query``), title, quotes, reason, note."""

    kind: str
    title: str
    quotes: tuple[tuple[str, str], ...]  # (where, quote)
    reason: str
    note: str


def _short(text: str, limit: int = QUOTE_MAX) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _item(kind: str, c: CheckResult, result: AuditResult, titles: Mapping[str, str], note: str) -> Item:
    quotes: list[tuple[str, str]] = []
    for ev in c.evidence:
        quote = _clean(quote_text(result.document, ev)).strip("…").replace(" | ", "; ")  # a table row's cells
        pair = (_clean(place(ev, result.document)), _short(quote).rstrip(" .;"))
        if pair[1] and pair not in quotes:
            quotes.append(pair)
    return Item(kind=kind, title=plain(titles.get(c.rule, "")) or _clean(plain(c.message)),
                quotes=tuple(quotes[:QUOTES_PER_ITEM]), reason=_clean(plain(c.message)),
                note=_clean(" ".join(note.split())))


def _clean(text: str) -> str:
    """Report text or a note without control characters, which a .docx cannot hold."""
    return remove_controls(text)[0]


def letter_items(results: list[AuditResult], decisions: Mapping[str, Any]) -> list[Item]:
    """The confirmed and queried findings of the ward's reports (each id once), worst first."""
    from wardaudit.catalogue import rule_titles

    titles = rule_titles("vi")
    found: list[tuple[tuple, Item]] = []
    seen: set[str] = set()
    for ri, r in enumerate(results):
        for ci, c in enumerate(r.checks):
            d = review_of(decisions, c)  # by its id, or by its id from before ids named the report
            if c.status != "fail" or c.id in seen or d is None or d.status not in ("confirmed", "query"):
                continue
            seen.add(c.id)
            key = (SEVERITY_ORDER.get(c.severity, 9), c.rule, -ri, ci)
            found.append((key, _item(d.status, c, r, titles, d.note or "")))
    return [item for _, item in sorted(found, key=lambda x: x[0])]


# --- the document ---------------------------------------------------------------------------------

def _para(doc: Any, text: str = "", *, bold: bool = False, italic: bool = False, align: str | None = "justify",
          size: float = 14, indent: bool = True, space_after: float = 3) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(space_after), Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    fmt.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
                     "left": WD_ALIGN_PARAGRAPH.LEFT, None: None}[align]
    return p


def _cell_lines(cell: Any, lines: list[tuple[str, dict[str, Any]]], align: str = "center") -> None:
    """Lines in a table cell: (text, {bold, italic, underline, size})."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.paragraphs[0].text = ""
    for i, (text, style) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.italic = style.get("bold", False), style.get("italic", False)
        run.underline = style.get("underline", False)
        run.font.size = Pt(style.get("size", 13))


def _table(doc: Any, widths_cm: tuple[float, float], rows: int) -> Any:
    """A borderless two-column table of fixed widths (the sender's and the motto's columns)."""
    from docx.shared import Cm

    table = doc.add_table(rows=rows, cols=2)
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)
    for col, w in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(w)
    return table


def _heading(doc: Any, sender: Mapping[str, str], subject: str) -> None:
    """Sender | national motto; number and subject | place and date (left blank for the office)."""
    table = _table(doc, (6.3, 10.2), rows=2)
    left = [(sender["parent"].upper(), {"size": 13})] if sender["parent"] else []
    left.append((sender["issuer"].upper(), {"bold": True, "size": 13}))
    _cell_lines(table.cell(0, 0), left)
    _cell_lines(table.cell(0, 1), [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "size": 13}),
                                   ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "underline": True, "size": 14})])
    _cell_lines(table.cell(1, 0), [(f"Số: {DOTS}/{DOTS}", {}), (subject, {"size": 12})])
    _cell_lines(table.cell(1, 1), [(f"{sender['place']}, ngày {DOTS} tháng {DOTS} năm {DOTS}",
                                    {"italic": True, "size": 14})])


def _report_label(result: AuditResult | None) -> str:
    meta = result.meta if result is not None else None
    bits = []
    if meta is not None and meta.number:
        bits.append(f"số {meta.number}")
    if meta is not None and meta.date:
        bits.append(f"ngày {meta.date.strftime('%d/%m/%Y')}")
    return ("Báo cáo " + " ".join(bits)) if bits else "báo cáo"


def _by_place(quotes: tuple[tuple[str, str], ...]) -> list[tuple[str, list[str]]]:
    """Quotes from one place together, in their order."""
    out: list[tuple[str, list[str]]] = []
    for where, quote in quotes:
        if out and out[-1][0] == where:
            out[-1][1].append(quote)
        else:
            out.append((where, [quote]))
    return out


def _write_item(doc: Any, n: int, item: Item, ask: str, issuer: str) -> None:
    _para(doc, f"{n}. {item.title}", bold=True, space_after=2)
    for where, quotes in _by_place(item.quotes):
        q = _para(doc, "", space_after=2)
        q.add_run(f"Báo cáo ghi{(' tại ' + where) if where else ''}: ")
        for i, quote in enumerate(quotes):
            if i:
                q.add_run("; ")
            q.add_run(f"“{quote}”").italic = True
        q.add_run(".")
    _para(doc, f"Lý do: {item.reason.rstrip('.')}.", space_after=2)
    _para(doc, ask, space_after=2 if item.note else 6)
    if item.note:
        _para(doc, f"Ý kiến của {issuer}: {item.note.rstrip('.')}.", space_after=6)


def _signature(doc: Any, sender: Mapping[str, str], copies: list[str]) -> None:
    from docx.shared import Pt

    sign = _table(doc, (7.5, 9.0), rows=1)
    left = sign.cell(0, 0)
    left.paragraphs[0].text = ""
    r = left.paragraphs[0].add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    lines = ["- Như trên;"] + [f"- {c.rstrip('.;')}" for c in copies]
    for i, line in enumerate(lines):
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(line + ("." if i == len(lines) - 1 else ";") if i else line).font.size = Pt(11)
    right = [(sender["signer"].upper(), {"bold": True, "size": 14}), ("(Ký, ghi rõ họ tên)", {"italic": True})]
    if sender.get("name"):
        right += [("", {}), ("", {}), ("", {}), (sender["name"], {"bold": True, "size": 14})]
    _cell_lines(sign.cell(0, 1), right)


def _sender(params: WardParams, settings: LetterSettings) -> dict[str, str]:
    unit = " ".join(x for x in (params.level if params.level in ("xã", "phường", "đặc khu") else "", params.ward)
                    if x)
    names = {"unit": unit, "ward": params.ward, "province": params.province}
    return {"parent": settings.filled(settings.parent_body, **names),
            "issuer": settings.filled(settings.issuing_body, **names),
            "signer": settings.filled(settings.signer_title, **names),
            "name": settings.filled(settings.signer_name, **names),
            "place": settings.filled(settings.place, **names) or params.province or DOTS,
            "recipient": settings.filled(settings.recipient, **names), "unit": unit}


def build_letter(params: WardParams, results: list[AuditResult], items: list[Item],
                 settings: LetterSettings | None = None) -> Any:
    """The letter as a python-docx Document (not saved)."""
    from docx import Document
    from docx.shared import Cm, Pt

    settings = settings or LetterSettings()
    sender = _sender(params, settings)
    kinds = [g for g in GROUPS if any(i.kind == g[0] for i in items)]
    asks = " và ".join({"confirmed": "chỉnh sửa", "query": "giải trình"}[k] for k, _, _ in kinds)
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    doc.styles["Normal"].font.name, doc.styles["Normal"].font.size = FONT, Pt(14)
    _heading(doc, sender, f"V/v đề nghị {asks} số liệu báo cáo")
    _para(doc, "", indent=False, space_after=6)
    _para(doc, f"Kính gửi: {sender['recipient']}.", align="center", indent=False, space_after=8)
    issuer = sender["issuer"]
    _para(doc, f"{issuer} đã kiểm tra {_report_label(results[-1] if results else None)} của {sender['recipient']} "
               "về kết quả thực hiện Nghị quyết số 57-NQ/TW và Đề án 06. Qua kiểm tra, một số số liệu trong báo cáo "
               f"chưa khớp nhau hoặc chưa đủ căn cứ. {issuer} đề nghị {sender['recipient']} thực hiện các nội dung "
               "sau:")
    for roman, (kind, heading, ask) in zip(("I", "II"), kinds, strict=False):
        _para(doc, f"{roman}. {heading}" if len(kinds) > 1 else f"{heading}:", bold=True, indent=False,
              space_after=3)
        for n, item in enumerate((i for i in items if i.kind == kind), start=1):
            _write_item(doc, n, item, ask, issuer)
    _para(doc, f"Văn bản trả lời (kèm báo cáo điều chỉnh, tài liệu chứng minh nếu có) đề nghị gửi về {issuer} "
               f"trước ngày {DOTS}/{DOTS}/{DOTS}. Trân trọng./.")
    _signature(doc, sender, list(settings.copies))
    doc.core_properties.title = f"Đề nghị {asks} số liệu báo cáo – {sender['unit']}"
    return doc


def write_letter(params: WardParams, results: list[AuditResult], decisions: Mapping[str, Any], paths: Paths,
                 settings: LetterSettings | None = None) -> Path | None:
    """Write reports/<slug>-giai-trinh.docx when a finding is confirmed or queried; else remove it.

    ``results`` is the ward's audit (oldest report first) and ``decisions`` the latest decision per
    finding id. ``settings`` defaults to the project's (project.yaml ``letter:``). Returns the letter's
    path, or None when there is nothing to ask (a letter left by an earlier run is removed then).
    """
    from wardaudit.project.iorw import atomic_path

    items = letter_items(results, decisions)
    target = paths.ward_letter(params.slug)
    if not items:
        target.unlink(missing_ok=True)
        return None
    doc = build_letter(params, results, items, settings if settings is not None else letter_settings(paths))
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target


def letter_settings(paths: Paths) -> LetterSettings:
    """The ``letter:`` part of the project's settings (project.yaml); the defaults without the file."""
    from wardaudit.project.settings import load_settings

    return load_settings(paths).letter

"""A workbook's sheets attached to a report as its appendices.

The sheets' blocks (read by :mod:`wardaudit.ingest.xlsx`, each located by file, sheet and row) are
appended to the report's blocks, so that the section tree (:func:`wardaudit.ingest.structure.annotate`,
run afterwards) puts their tables in an appendix, the facts are the report's and the rules compare
them with the narrative. A sheet that opens with its own heading ("PHỤ LỤC 2 ...") keeps it; any
other gets one, numbered as its name says ("PL3", "Phụ lục 3") or else by the next number the
report does not use, and titled by the sheet's name. A note says which file and sheets were attached.
"""
from __future__ import annotations

import re

from wardaudit.ingest.structure import appendix_heading
from wardaudit.model.document import Block, Document, Location

_SHEET_ID = re.compile(r"^\s*(?:PL|Ph[ụu]\s*l[ụu]c)\s*(?:s[ốo]\s*)?0*([IVXLC]{1,6}|\d{1,3})\b\W*(.*)$",
                       re.IGNORECASE)


def _ids(blocks: list[Block]) -> set[str]:
    return {app[0] for b in blocks if b.kind == "paragraph" and (app := appendix_heading(b.text))}


def _sheets(book: Document) -> list[tuple[str | None, list[Block]]]:
    """The workbook's blocks grouped by sheet, in order."""
    groups: list[tuple[str | None, list[Block]]] = []
    for b in book.blocks:
        if not groups or groups[-1][0] != b.location.sheet:
            groups.append((b.location.sheet, []))
        groups[-1][1].append(b)
    return groups


def _heading(sheet: str | None, first: Block, taken: set[str]) -> tuple[str, Block]:
    """A heading for a sheet without one: its id from the sheet's name when free, else the next number."""
    name = sheet or ""
    m = _SHEET_ID.match(name)
    app_id, title = (m.group(1).upper(), m.group(2).strip()) if m else (None, name.strip())
    if app_id is None or app_id in taken:
        n = 1
        while str(n) in taken:
            n += 1
        app_id = str(n)
    text = f"PHỤ LỤC {app_id}" + (f". {title}" if title else "")
    return app_id, Block(kind="paragraph", text=text, location=Location(first.location.file, None,
                                                                       first.location.line, sheet))


def attach(doc: Document, book: Document) -> list[str]:
    """Append ``book``'s sheets to ``doc`` as appendices; return the appendix ids given to them."""
    taken = _ids(doc.blocks)
    given: list[str] = []
    for sheet, blocks in _sheets(book):
        lead = blocks[:next((i for i, b in enumerate(blocks) if b.kind == "table"), len(blocks))]
        own = next((app[0] for b in lead if (app := appendix_heading(b.text))), None)
        if own is None:
            own, heading = _heading(sheet, blocks[0], taken)
            blocks = [heading, *blocks]
        taken.add(own)
        given.append(own)
        doc.blocks.extend(blocks)
    names = ", ".join(f"'{s}' → Phụ lục {i}" for (s, _), i in zip(_sheets(book), given, strict=False))
    doc.notes.append(f"Tệp {book.source} được đọc như phụ lục của báo cáo ({names}) / {book.source} is read "
                     f"as the report's appendix")
    doc.notes.extend(f"{book.source}: {n}" for n in book.notes)
    return given

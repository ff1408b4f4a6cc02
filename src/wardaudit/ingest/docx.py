"""Word (.docx) reports through python-docx: the body in order, paragraphs and native tables.

Heading styles are read as paragraphs (the numbering in the text decides the section tree, as for
every format). Merged cells are read once, at their top-left grid position; header rows marked
"repeat as header row" (``w:tblHeader``) give the header depth; a table cut in two by a page break
with its header repeated is stitched. ``Location.line`` is the 1-based paragraph number in the body.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from wardaudit.errors import InputError
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, check_inflate, reader
from wardaudit.ingest.stitching import RawTable, build_table, is_continuation, stitch
from wardaudit.ingest.text import table_text
from wardaudit.model.document import Block, Document, Location

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:Heading|Tiêu đề|Title)\s*(\d)?", re.IGNORECASE)

__all__ = ["check_inflate", "read_docx", "table_grid"]  # check_inflate: the zip guard, from readers


def _open(path: Path, shown: str, max_inflate_mb: int):
    if not zipfile.is_zipfile(path):
        raise InputError(f"{shown}: không phải tệp .docx hợp lệ / not a valid .docx (not a zip)", path=shown)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as e:
        raise InputError(f"{shown}: tệp .docx bị hỏng / corrupt .docx ({e})", path=shown) from None
    check_inflate(infos, shown, max_inflate_mb)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise InputError(f"{shown}: thiếu phần nội dung (word/document.xml) / no document part", path=shown)
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        if "word/document.xml" not in names:
            raise InputError(f"{shown}: thiếu phần nội dung (word/document.xml) / no document part",
                             path=shown) from None
        raise InputError(f"{shown}: tệp .docx bị hỏng / corrupt .docx ({e})", path=shown) from None
    except Exception as e:  # lxml syntax errors and the like: still one line naming the file
        raise InputError(f"{shown}: tệp .docx bị hỏng / corrupt .docx ({type(e).__name__}: {e})",
                         path=shown) from None


def _body_elements(body):
    """Body children in order, looking inside block-level content controls (``w:sdt``)."""
    for el in body.iterchildren():
        if el.tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif el.tag in (f"{_W}p", f"{_W}tbl"):
            yield el


def _is_header_row(tr) -> bool:
    tr_pr = tr.find(f"{_W}trPr")
    if tr_pr is None:
        return False
    el = tr_pr.find(f"{_W}tblHeader")
    return el is not None and el.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


def table_grid(table) -> list[list[str]]:
    """The table's cell texts on its layout grid; a merged cell's text only at its top-left."""
    grid: list[list[str]] = []
    above: list = []
    for row in table.rows:
        cells = [None] * row.grid_cols_before + list(row.cells)
        texts = []
        for j, cell in enumerate(cells):
            if cell is None:
                texts.append("")
                continue
            tc = cell._tc
            same_left = j > 0 and cells[j - 1] is not None and cells[j - 1]._tc is tc
            same_above = j < len(above) and above[j] is not None and above[j]._tc is tc
            texts.append("" if same_left or same_above else unicodedata.normalize("NFC", cell.text))
        grid.append(texts)
        above = cells
    return grid


def _header_depth(table) -> int:
    k = 0
    for row in table.rows:
        if not _is_header_row(row._tr):
            break
        k += 1
    return k


@reader(".docx")
def read_docx(path: Path, *, display_path: str, max_pages: int | None = None,
              max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, **_: object) -> Document:
    """Read a .docx report into a :class:`Document` (``max_pages`` does not apply: no pages).

    A .docx whose zip directory promises more than ``max_inflate_mb`` is refused before anything
    is inflated (:func:`check_inflate`)."""
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    shown = display_path
    document = _open(path, shown, max_inflate_mb)
    blocks: list[Block] = []
    n_para = 0
    blank_since_table = True  # only empty paragraphs since the last table
    last_depth = 0
    for el in _body_elements(document.element.body):
        if el.tag == f"{_W}p":
            n_para += 1
            p = Paragraph(el, document)
            text = unicodedata.normalize("NFC", p.text.strip())
            if not text:
                continue
            blank_since_table = False
            level = None
            m = _HEADING_STYLE.match(p.style.name if p.style is not None else "")
            if m:
                level = int(m.group(1) or 1)
            blocks.append(Block(kind="paragraph", text=text, location=Location(shown, None, n_para), level=level))
            continue
        table = DocxTable(el, document)
        depth = _header_depth(table)
        loc = Location(shown, None, n_para + 1)
        grid = table_grid(table)
        t = build_table(RawTable(cells=grid, location=loc, row_locations=[loc] * len(grid),
                                 header_rows=depth or None))
        if not t.header and not t.rows:
            continue
        prev = blocks[-1] if blocks and blocks[-1].kind == "table" and blank_since_table else None
        repeated = None if not (depth and last_depth) else True
        if prev is not None and is_continuation(prev.table, t, header_repeated=repeated):
            t = stitch(prev.table, t)
            blocks[-1] = Block(kind="table", text=table_text(t), location=t.location, table=t)
        else:
            blocks.append(Block(kind="table", text=table_text(t), location=t.location, table=t))
        blank_since_table = True
        last_depth = depth
    if not blocks:
        raise InputError(f"{shown}: tệp .docx không có nội dung / the document has no text", path=shown)
    return Document(source=shown, format="docx", sha256="", blocks=blocks)

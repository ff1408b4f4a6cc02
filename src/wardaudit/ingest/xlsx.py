"""Excel workbooks (.xlsx) through openpyxl: read-only, formulas read as the values Excel cached.

Each visible sheet is read as it is shown: numbers in their number format with Vietnamese
separators (4310 formatted ``#,##0`` is ``4.310``, 0.874 formatted ``0.0%`` is ``87,4%``, a date is
dd/mm/yyyy). The rows before the sheet's grid that hold one cell (its title, "PHỤ LỤC 1") become
paragraphs; the grid (rows of two cells or more) one table whose header depth comes from the
merged cells of its first row (a cell merged down over two rows: a two-row header); what follows
the grid (notes, signatures) paragraphs again. A merged cell's text is read at its top-left cell,
as Word's are. ``Location`` is (file, row, sheet); :attr:`Table.columns` names each column's letter,
so every figure can say which cell it came from.

Hidden sheets, rows and columns are not read and a note names them; so is a formula whose value
was never computed (a workbook written by a program that does not calculate), left empty. A zip
that would inflate past ``max_inflate_mb`` is refused before anything is inflated (the .docx guard).
"""
from __future__ import annotations

import datetime as _dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit.errors import InputError
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, check_inflate, reader
from wardaudit.ingest.stitching import RawTable, build_table
from wardaudit.ingest.text import table_text
from wardaudit.model.document import Block, Document, Location

MAX_ROWS = 20_000  # per sheet: an appendix is a few hundred rows
MAX_COLS = 200
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TOKEN = re.compile(r'"([^"]*)"|\\(.)|\[\$([^\]-]*)[^\]]*\]|\[[^\]]*\]|_.|\*.|([0#?][0#?,.]*)|(%)|(.)')


# --- numbers as the sheet shows them -----------------------------------------------------------------
def _vi(text: str) -> str:
    """'1,234.5' → '1.234,5': the thousands comma becomes a dot and the decimal point a comma."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _general(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return _vi(f"{round(float(value), 10):.10f}".rstrip("0").rstrip("."))


def format_number(value: float, number_format: str | None) -> str:
    """A number as Excel shows it under ``number_format`` (the positive section; locale: Vietnamese)."""
    fmt = (number_format or "General").split(";")[0]
    if fmt in ("General", "@", ""):
        return ("-" if value < 0 else "") + _general(abs(value))
    out, placed, v = [], False, float(value)
    for m in _TOKEN.finditer(fmt):
        quoted, escaped, currency, digits, percent, other = m.groups()
        if digits is not None and not placed:
            placed = True
            scale = len(digits) - len(digits.rstrip(","))  # '#,##0,' shows thousands
            core = digits.rstrip(",")
            whole, _, frac = core.partition(".")
            decimals = sum(ch in "0#?" for ch in frac)
            shown = abs(v) * (100 if "%" in fmt.replace('"%"', "") else 1) / 1000 ** scale
            out.append(_vi(f"{shown:{',' if ',' in whole else ''}.{decimals}f}"))
        elif percent is not None:
            out.append("%")
        elif quoted is not None or escaped is not None or currency is not None:
            out.append(quoted if quoted is not None else escaped if escaped is not None else currency)
        elif other is not None and digits is None:
            out.append(other)
    text = "".join(out).strip() if placed else _general(v)
    return f"-{text}" if v < 0 and placed else text


def cell_text(value: Any, number_format: str | None) -> str:
    """What the sheet shows for a cell's value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == _dt.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, _dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        return format_number(value, number_format)
    return " ".join(str(value).split())


# --- what openpyxl's read-only sheets do not give: merged cells, hidden rows and columns ---------------
@dataclass
class _Layout:
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    uncached: int = 0  # formulas without a cached value


def _bounds(ref: str) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    return range_boundaries(ref)


def _layout(ws) -> _Layout:
    """One streaming pass over the sheet's XML (expat refuses entity expansion bombs)."""
    import xml.etree.ElementTree as ET

    lay = _Layout()
    with ws._get_source() as src:  # openpyxl's own handle on the sheet's part in the zip
        for _, el in ET.iterparse(src, events=("end",)):
            tag = el.tag
            if tag == f"{_NS}c":
                v = el.find(f"{_NS}v")
                if el.find(f"{_NS}f") is not None and (v is None or not (v.text or "").strip()):
                    lay.uncached += 1
                el.clear()
            elif tag == f"{_NS}row":
                if el.get("hidden") in ("1", "true") and el.get("r"):
                    lay.hidden_rows.add(int(el.get("r")))
                el.clear()
            elif tag == f"{_NS}col" and el.get("hidden") in ("1", "true"):
                lo, hi = int(el.get("min", "1")), int(el.get("max", "1"))
                lay.hidden_cols.update(range(lo, min(hi, MAX_COLS) + 1))
            elif tag == f"{_NS}mergeCell" and el.get("ref"):
                lay.merges.append(_bounds(el.get("ref")))
    return lay


# --- a sheet's rows, titles, grid and notes ---------------------------------------------------------
def _rows(ws, lay: _Layout, notes: list[str]) -> list[tuple[int, dict[int, str]]]:
    """The visible rows with text: (row number, {column: text})."""
    ws.reset_dimensions()  # a sheet's declared size may be wrong (or huge): read the rows it holds
    out = []
    for n, row in enumerate(ws.iter_rows(max_col=MAX_COLS), start=1):
        if n > MAX_ROWS:
            notes.append(f"Trang tính '{ws.title}': chỉ đọc {MAX_ROWS} dòng đầu / sheet '{ws.title}': "
                         f"only the first {MAX_ROWS} rows read")
            break
        cells = {}
        for cell in row:
            col = getattr(cell, "column", None)
            if col is None or col in lay.hidden_cols:
                continue
            text = cell_text(cell.value, getattr(cell, "number_format", None))
            if text:
                cells[col] = text
        r = next((c.row for c in row if getattr(c, "row", None)), None)
        if cells and r is not None and r not in lay.hidden_rows:
            out.append((r, cells))
    return out


def _segments(rows: list[tuple[int, dict[int, str]]],
              hidden_rows: set[int]) -> list[tuple[str, list[tuple[int, dict[int, str]]]]]:
    """The sheet in parts: ('table', rows) for the grid, from its first row of two cells or more to its
    last; ('paragraph', [row]) for the one-cell rows before it (a title), after a blank row, and right
    under it when they start at its left edge (a note). A one-cell row inside the grid (a group title)
    or under it but not at its left edge (a total row whose figures are empty) stays in the grid."""
    out: list[tuple[str, list]] = []
    grid: list[tuple[int, dict[int, str]]] = []

    def flush() -> None:
        tail = []
        left = min((min(cells) for _, cells in grid if len(cells) >= 2), default=0)
        while grid and len(grid[-1][1]) < 2 and min(grid[-1][1]) <= left:
            tail.insert(0, grid.pop())
        if grid:
            out.append(("table", list(grid)))
        out.extend(("paragraph", [row]) for row in tail)
        grid.clear()

    prev = None
    for r, cells in rows:
        follows = prev is not None and all(k in hidden_rows for k in range(prev + 1, r))
        if len(cells) >= 2 or (grid and follows):
            grid.append((r, cells))
        else:
            flush()
            out.append(("paragraph", [(r, cells)]))
        prev = r
    flush()
    return out


def _header_depth(first_row: int, lay: _Layout) -> int | None:
    """Rows the header spans: a cell of the first row merged down over k rows, or a cell merged across
    (a spanning header has its sub-headers below); None: let the table decide."""
    depth = 0
    for min_col, min_row, max_col, max_row in lay.merges:
        if min_row == first_row:
            depth = max(depth, max_row - min_row + 1, 2 if max_col > min_col else 1)
    return min(depth, 3) or None


def _table_block(part: list, shown: str, sheet: str, lay: _Layout) -> Block | None:
    from openpyxl.utils import get_column_letter

    cols = sorted({c for _, cells in part for c in cells})
    lo, hi = cols[0], cols[-1]
    span = [c for c in range(lo, hi + 1) if c not in lay.hidden_cols]
    grid = [[cells.get(c, "") for c in span] for _, cells in part]
    locs = [Location(shown, None, r, sheet) for r, _ in part]
    table = build_table(RawTable(cells=grid, location=locs[0], row_locations=locs,
                                 header_rows=_header_depth(part[0][0], lay)))
    if not table.header and not table.rows:
        return None
    table.columns = [get_column_letter(c) for c in span][:table.n_cols]
    return Block(kind="table", text=table_text(table), location=table.location, table=table)


def _sheet_blocks(ws, shown: str, notes: list[str]) -> list[Block]:
    lay = _layout(ws)
    rows = _rows(ws, lay, notes)
    hidden = (len(lay.hidden_rows), len(lay.hidden_cols))
    if any(hidden):
        notes.append(f"Trang tính '{ws.title}': bỏ qua {hidden[0]} dòng ẩn, {hidden[1]} cột ẩn / sheet "
                     f"'{ws.title}': {hidden[0]} hidden rows and {hidden[1]} hidden columns not read")
    if lay.uncached:
        notes.append(f"Trang tính '{ws.title}': {lay.uncached} ô công thức chưa có giá trị tính sẵn, để trống "
                     f"(mở và lưu lại bằng Excel) / {lay.uncached} formula cells have no cached value, left empty")
    blocks: list[Block] = []
    for kind, part in _segments(rows, lay.hidden_rows):
        if kind == "table":
            block = _table_block(part, shown, ws.title, lay)
            if block is not None:
                blocks.append(block)
        else:
            r, cells = part[0]
            blocks.append(Block(kind="paragraph", text=" ".join(cells[c] for c in sorted(cells)),
                                location=Location(shown, None, r, ws.title)))
    return blocks


def _open(path: Path, shown: str, max_inflate_mb: int):
    if not zipfile.is_zipfile(path):
        raise InputError(f"{shown}: không phải tệp .xlsx hợp lệ / not a valid .xlsx (not a zip)", path=shown)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as e:
        raise InputError(f"{shown}: tệp .xlsx bị hỏng / corrupt .xlsx ({e})", path=shown) from None
    check_inflate(infos, shown, max_inflate_mb, kind=".xlsx")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise InputError(f"{shown}: thiếu phần bảng tính (xl/workbook.xml) / no workbook part", path=shown)
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged part: one line naming the file
        raise InputError(f"{shown}: tệp .xlsx bị hỏng / corrupt .xlsx ({type(e).__name__}: {e})",
                         path=shown) from None


@reader(".xlsx")
def read_xlsx(path: Path, *, display_path: str, max_pages: int | None = None,
              max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, **_: object) -> Document:
    """Read a workbook into a :class:`Document`: each visible sheet's titles, table and notes."""
    shown = display_path
    wb = _open(path, shown, max_inflate_mb)
    doc = Document(source=shown, format="xlsx", sha256="")
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                doc.notes.append(f"Bỏ qua trang tính ẩn '{ws.title}' / hidden sheet '{ws.title}' not read")
                continue
            doc.blocks.extend(_sheet_blocks(ws, shown, doc.notes))
    finally:
        wb.close()
    if not doc.blocks:
        raise InputError(f"{shown}: bảng tính không có nội dung / the workbook has no content", path=shown)
    return doc

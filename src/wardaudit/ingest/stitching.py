"""Table clean-up shared by every reader: cell text, multi-row headers, rows split by page breaks,
and stitching a table continued in another part (after a page break or drawn in pieces on one
page, with or without its header repeated)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from wardaudit.model.document import Location, Table

_TAG = re.compile(r"</?(?:b|strong|i|em|u|p|br|span|div|sup|sub)\b[^>]*>", re.IGNORECASE)
_MD_EMPH = re.compile(r"(?<!\\)(\*{1,3}|_{2,3})")
_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_NUMERIC = re.compile(r"^[\s\d.,%/≥≤<>+\-–]+$")
_END_OF_SENTENCE = re.compile(r"[.!?;:]\s*$")
_CLOSED = re.compile(r"[.!?…]\s*$")  # a text that ends here is finished (a list's ';' or ':' goes on)
_GROUP_KEY = re.compile(r"^(?:[IVXLC]+|[A-Z])\.?$")  # I, II, A. : the key of a group title row


def clean_cell(text: str) -> str:
    """Cell text without HTML-ish tags, markdown emphasis or escapes, whitespace collapsed."""
    text = _TAG.sub(" ", text or "")
    text = _MD_EMPH.sub("", text)
    text = text.replace("\\*", "*").replace("\\_", "_").replace("\\|", "|")
    return " ".join(text.split())


def is_separator_row(cells: list[str]) -> bool:
    """A markdown/plain-text rule row such as ``|---|:--:|`` or ``-----<TAB>-----``."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL.match(c) for c in filled)


def is_numeric(text: str) -> bool:
    return bool(text) and bool(_NUMERIC.match(text)) and any(ch.isdigit() for ch in text)


def _looks_like_header_row(cells: list[str]) -> bool:
    """A header continuation row: no figures, the first (STT) cell empty, some text."""
    filled = [c for c in cells if c]
    if not filled:
        return False
    if cells and cells[0]:
        return False
    return not any(is_numeric(c) for c in filled)


def join_header_rows(rows: list[list[str]]) -> list[str]:
    """Join a multi-row header into one row: a top cell spanning sub-columns is carried right
    over the sub-columns it spans, and the levels are joined as ``"Top / Sub"``."""
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    for level in range(len(grid) - 1):
        for j in range(1, width):
            below = any(grid[k][j] for k in range(level + 1, len(grid)))
            if not grid[level][j] and below:
                grid[level][j] = grid[level][j - 1]
    out = []
    for j in range(width):
        parts: list[str] = []
        for level in range(len(grid)):
            cell = grid[level][j]
            if cell and cell not in parts:
                parts.append(cell)
        out.append(" / ".join(parts))
    return out


@dataclass
class RawTable:
    """A grid of cells as a reader found it, before header detection and stitching."""

    cells: list[list[str]]
    location: Location
    row_locations: list[Location] = field(default_factory=list)
    header_rows: int | None = None  # rows above a markdown rule; None: detect
    quality: dict | None = None


def build_table(raw: RawTable, max_header_rows: int = 3) -> Table:
    """Split a raw grid into header and rows; join multi-row headers; drop rule rows."""
    rows, locs = [], []
    n_header = None
    for i, r in enumerate(raw.cells):
        cells = [clean_cell(c) for c in r]
        if raw.header_rows is not None and i == raw.header_rows:
            n_header = len(rows)
        if is_separator_row(r) or not any(cells):
            continue
        rows.append(cells)
        locs.append(raw.row_locations[i] if i < len(raw.row_locations) else raw.location)
    if not rows:
        return Table(header=[], rows=[], location=raw.location, quality=raw.quality)
    if raw.header_rows == 0:
        n_header = 0  # a continuation without its header: every row is a data row
    if n_header is None:
        n_header = 1
        while (n_header < min(max_header_rows, len(rows) - 1)
               and _looks_like_header_row(rows[n_header])):
            n_header += 1
    header = join_header_rows(rows[:n_header]) if n_header > 1 else (rows[0] if n_header else [])
    body, body_locs = merge_split_rows(rows[n_header:], locs[n_header:])
    width = max([len(header)] + [len(r) for r in body])
    header = header + [""] * (width - len(header))
    body = [r + [""] * (width - len(r)) for r in body]
    return Table(header=header, rows=body, location=raw.location, row_locations=body_locs,
                 quality=raw.quality)


def _continues(prev: list[str], cur: list[str], *, across_break: bool = False) -> bool:
    """Is ``cur`` the rest of ``prev``, cut where the row broke? Its number (first) cell is empty
    and every cell it fills either was empty in ``prev`` or continues an unfinished text there.

    Within one grid (``across_break`` false) the text must visibly run on: the cell above does not
    end a sentence and the rest starts in lower case (or the cell above ends with ``-`` or ``,``).

    ``across_break``: ``cur`` opens a part of a table (after a page break, or a table drawn in
    pieces on one page) and ``prev`` closes the part before. A producer breaks a row anywhere, so
    the rest may start in upper case; but the row above must be numbered, ``cur`` carries no figure
    of its own, and at least one text it continues was left open (no full stop) or goes on in lower
    case. A row broken just after a full stop in every cell cannot be told from a row of its own
    and stays one.
    """
    if not cur or cur[0] or not prev:
        return False
    if across_break and (not prev[0] or any(is_numeric(c) for c in cur)):
        return False  # nothing says cur is the rest of an unnumbered row; figures make a row of its own
    filled = [j for j, c in enumerate(cur) if c]
    if not filled:
        return False
    text_continued = False
    for j in filled:
        before = prev[j] if j < len(prev) else ""
        if not before:
            continue
        if is_numeric(cur[j]) or is_numeric(before):
            return False
        if across_break:
            # a finished text followed by a capital proves nothing either way; an open one continues
            text_continued |= not _CLOSED.search(before) or _starts_lowercase(cur[j])
            continue
        if (_END_OF_SENTENCE.search(before)
                or not _starts_lowercase(cur[j]) and not before.endswith(("-", ","))):
            return False
        text_continued = True
    # at least one cell must continue text, otherwise it is a row of its own
    return text_continued


def _starts_lowercase(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def merge_split_rows(rows: list[list[str]], locs: list[Location]) -> tuple[list[list[str]], list[Location]]:
    out: list[list[str]] = []
    out_locs: list[Location] = []
    for r, loc in zip(rows, locs, strict=False):
        if out and _continues(out[-1], r):
            merged = list(out[-1]) + [""] * max(0, len(r) - len(out[-1]))
            for j, c in enumerate(r):
                if c:
                    merged[j] = f"{merged[j]} {c}".strip() if merged[j] else c
            out[-1] = merged
        else:
            out.append(list(r))
            out_locs.append(loc)
    return out, out_locs


def same_header(a: list[str], b: list[str]) -> bool:
    norm = lambda h: [re.sub(r"\W+", "", x.lower()) for x in h if x]  # noqa: E731
    return bool(norm(a)) and norm(a) == norm(b)


def _first_key(t: Table) -> str | None:
    for r in t.rows:
        if r and r[0]:
            return r[0].rstrip(".")
    return None


def _group_row(row: list[str]) -> bool:
    """A group title row (``II | Nhóm ...`` with nothing else): numbering may restart under it."""
    return (bool(row) and bool(_GROUP_KEY.match(row[0])) and sum(1 for c in row[1:] if c) <= 1
            and not any(is_numeric(c) for c in row[1:]))


def is_continuation(prev: Table, nxt: Table, *, header_repeated: bool | None = None) -> bool:
    """Does ``nxt`` continue ``prev`` (a page break), rather than being another table or a copy?

    Same header (repeated as Word does, or established by the caller from the column layout) and
    the numbering does not restart at a row already present, unless ``prev`` ends on a group title
    under which the numbering starts again. A restart means the table was pasted again, which
    STRUCT rules report.
    """
    if header_repeated is None:
        header_repeated = same_header(prev.header, nxt.header)
    if not header_repeated:
        return False
    keys = {r[0].rstrip(".") for r in prev.rows if r and r[0]}
    first = _first_key(nxt)
    # numbering restarts: a pasted copy, unless the first row continues the last one
    return not (first is not None and first in keys and not (prev.rows and _group_row(prev.rows[-1])))


def stitch(prev: Table, nxt: Table) -> Table:
    """``prev`` followed by the rows of ``nxt``; a first row that finishes prev's last row is merged
    (a producer lets a row break across the page, or cuts a table in the middle of a row: its rest
    has an empty number cell)."""
    prev_rows = [list(r) for r in prev.rows]
    next_rows = [list(r) for r in nxt.rows]
    next_locs = [nxt.row_location(i) for i in range(len(nxt.rows))]
    if prev_rows and next_rows and _continues(prev_rows[-1], next_rows[0], across_break=True):
        last, first = prev_rows[-1], next_rows.pop(0)
        next_locs.pop(0)
        last += [""] * max(0, len(first) - len(last))
        prev_rows[-1] = [f"{a} {b}".strip() if b else a for a, b in zip(last, first + [""] * len(last), strict=False)]
    rows, locs = merge_split_rows(prev_rows + next_rows,
                                  [prev.row_location(i) for i in range(len(prev.rows))] + next_locs)
    quality = prev.quality
    if prev.quality or nxt.quality:
        quality = {"parts": [q for q in (prev.quality, nxt.quality) if q]}
        if prev.quality and "parts" in prev.quality:
            quality = {"parts": prev.quality["parts"] + ([nxt.quality] if nxt.quality else [])}
    width = max([len(prev.header), len(nxt.header)] + [len(r) for r in rows])
    header = list(prev.header) + [""] * (width - len(prev.header))
    rows = [list(r) + [""] * (width - len(r)) for r in rows]
    return Table(header=header, rows=rows, location=prev.location, appendix=prev.appendix,
                 title=prev.title, quality=quality, row_locations=locs,
                 parts=prev.parts + nxt.parts, low_confidence=prev.low_confidence or nxt.low_confidence)

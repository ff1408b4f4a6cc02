"""PDF tables: camelot per page (vector ruling, image path for scans, text alignment), camelot's
cells as text, and which table continues the table before it.

A table continues the one before it when nothing (no heading, no paragraph) stands between them,
on the same page or the next, and it repeats that table's header or, without a header, has its
columns: camelot cuts one table into several wherever the producer drew it in pieces (a page
break, or parts set one below the other on one page).

Each page's table keeps camelot's parsing report (accuracy, whitespace, flavor, engine); the reader
(:mod:`wardaudit.ingest.pdf`) builds and stitches them with :mod:`wardaudit.ingest.stitching`.
"""
from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wardaudit.ingest.stitching import RawTable, clean_cell, is_numeric
from wardaudit.model.document import Location


@dataclass
class PageTable:
    raw: RawTable
    top: float
    page: int
    header_repeated: bool = False  # continues the table before it (header repeated or same columns)
    cols: list[tuple[float, float]] = field(default_factory=list)


_ROW_KEY = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*\.?|[IVXLC]{1,6}\.?|[A-Za-zđ][.)]?)$")


def mark_continuations(items: Sequence[object]) -> None:
    """Mark each table that continues the table just before it.

    ``items`` are the document's paragraphs and tables in reading order, so two tables next to
    each other have nothing between them. Such a pair on one page or on two pages in a row is one
    table when the second repeats the header rows of the table the first belongs to (fuzzy on OCR
    text; a part without header may stand between), or opens without a header on the first one's
    columns (``header_rows = 0``: its first rows are data, never header text). The header is
    compared with the nearest part that shows it: a copy of the whole table pasted below it repeats
    its first data rows too, which must not pass for header rows.
    Whether the rows then read as a continuation (numbering, a restart) is
    :func:`wardaudit.ingest.stitching.is_continuation`'s question.
    """
    shown: PageTable | None = None  # the last part of ``a``'s table that shows its header
    for a, b in zip(items, items[1:], strict=False):
        if isinstance(a, PageTable) and (shown is None or not a.header_repeated or a.raw.header_rows):
            shown = a
        if not (isinstance(a, PageTable) and isinstance(b, PageTable) and 0 <= b.page - a.page <= 1):
            continue
        k = _repeated_header_rows(shown.raw, b.raw, limit=shown.raw.header_rows or 3,
                                  fuzzy=b.raw.quality.get("engine") == "image")
        if k:
            b.raw.header_rows = k
            b.header_repeated = True
            if shown.raw.header_rows is None:
                shown.raw.header_rows = k
        elif _same_layout(a, b) and not _opens_with_header(b.raw):
            b.raw.header_rows = 0
            b.header_repeated = True


def _opens_with_header(raw: RawTable) -> bool:
    """Does a table's first row read as a header: text in its first cell that is not a row's
    number, text in at least one more cell, and no figure? (A part continued without its header
    opens with a numbered row, a group title, or the rest of a row, whose number cell is empty.)"""
    first = next((row for row in raw.cells if any(c.strip() for c in row)), None)
    if first is None:
        return False
    cells = [clean_cell(c) for c in first]
    filled = [c for c in cells if c]
    return (bool(cells[0]) and not _ROW_KEY.match(cells[0]) and len(filled) >= 2
            and not any(is_numeric(c) for c in filled))


def camelot_tables(path: Path, pages: list[int], flavor: str, **kwargs) -> list:
    if not pages:
        return []
    import camelot

    if flavor == "lattice":
        kwargs["engine"] = "vector"
    elif flavor == "lattice-image":
        # a scan: shorter ruling lines count (small tables), OCR lines crossing cells are split,
        # and the ruling lines OCR read as glyphs ('|', '[') are stripped
        flavor = "lattice"
        kwargs.update(line_scale=40, split_text=True, strip_text="|[]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(camelot.read_pdf(str(path), pages=",".join(map(str, pages)), flavor=flavor,
                                     suppress_stdout=True, **kwargs))


_WRAPPED_AFTER = re.compile(r"(?<=\w)([-/])\s*\n\s*(?=\w)")


def _join_cell_lines(text: str) -> str:
    """A cell's lines joined; a line wrapped after a hyphen or slash (``41-`` / ``KH/TU``) is
    joined without a space, as the word was written."""
    return _WRAPPED_AFTER.sub(r"\1", text)


def span_grid(ct) -> list[list[str]]:
    """camelot's cells as text, each merged region's text moved to its top-left cell.

    camelot leaves the text of a merged (spanning) cell in whichever sub-cell its centre falls in;
    header joining expects it at the top-left, as Word and the text form have it.
    """
    cells = ct.cells
    grid = [[_join_cell_lines(c.text) for c in row] for row in cells]
    for i, row in enumerate(cells):
        for j, _ in enumerate(row):
            text = grid[i][j]
            if not text.strip():
                continue
            a, b = i, j
            moved = True
            while moved:
                moved = False
                while b > 0 and not cells[a][b].left:
                    b -= 1
                    moved = True
                while a > 0 and not cells[a][b].top:
                    a -= 1
                    moved = True
            if (a, b) != (i, j) and not grid[a][b].strip():
                grid[a][b], grid[i][j] = text, ""
    return grid


def _row_lines(ct, lines: Sequence) -> list[int]:
    """For each camelot row, the number of the first visual line inside it."""
    out = []
    for top, bottom in ct.rows:
        hit = next((ln.number for ln in lines if bottom - 1 <= (ln.bottom + ln.top) / 2 <= top + 1), None)
        out.append(hit if hit is not None else (out[-1] if out else 1))
    return out


def page_table(ct, page: int, lines: Sequence, file: str, flavor: str) -> PageTable:
    report = dict(ct.parsing_report)
    engine = {"lattice": "vector", "lattice-image": "image"}.get(flavor)
    report.update(flavor=flavor.split("-")[0], engine=engine)
    numbers = _row_lines(ct, lines)
    locs = [Location(file, page, n) for n in numbers]
    raw = RawTable(cells=span_grid(ct), location=locs[0] if locs else Location(file, page, None),
                   row_locations=locs, quality=report)
    return PageTable(raw=raw, top=ct._bbox[3], page=page, cols=[tuple(c) for c in ct.cols])


def _same_row(a: list[str], b: list[str], fuzzy: bool) -> bool:
    a, b = [clean_cell(c) for c in a], [clean_cell(c) for c in b]
    if a == b:
        return True
    # OCR reads the same header a little differently on each page
    return fuzzy and len(a) == len(b) and difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.85


def _repeated_header_rows(prev: RawTable, nxt: RawTable, limit: int = 3, fuzzy: bool = False) -> int:
    """How many leading rows of ``nxt`` repeat the leading rows of ``prev`` (a repeated header).
    A numbered row (``I``, ``1.``) is data, however alike: a pasted copy repeats those too."""
    k = 0
    while (k < min(limit, len(prev.cells), len(nxt.cells) - 1)
           and _same_row(prev.cells[k], nxt.cells[k], fuzzy)
           and any(c.strip() for c in nxt.cells[k])
           and not _numbered_row(nxt.cells[k])):
        k += 1
    return k


_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


def _numbered_row(cells: list[str]) -> bool:
    """A data row: its first cell numbers it, and it holds more than a row of column numbers
    (``1 | 2 | 3`` or ``(1) | (2)``, which a header may end with)."""
    filled = [clean_cell(c) for c in cells if c.strip()]
    return (bool(filled) and bool(cells[0].strip()) and bool(_ROW_KEY.match(clean_cell(cells[0])))
            and not all(_COLUMN_NUMBER.match(c) for c in filled))


def _same_layout(a: PageTable, b: PageTable, tolerance: float = 6.0) -> bool:
    """Do two tables have the same columns (count and edges within ``tolerance`` pt)?"""
    return (len(a.cols) == len(b.cols) > 1
            and all(abs(x[0] - y[0]) <= tolerance and abs(x[1] - y[1]) <= tolerance
                    for x, y in zip(a.cols, b.cols, strict=False)))

"""Where an evidence's location falls in a document: the blocks and table rows at its file, page, line and
sheet, in reading order. An evidence with a line is looked up in an index of the document by line
(:func:`by_line`, made once a page by :mod:`wardaudit.render.placement`); the others are held to every block.
tests/unit/test_placement_index.py holds the index to the look at every block."""
from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import Any

from wardaudit.model.document import Document, Location
from wardaudit.model.findings import Evidence

__all__ = ["Lines", "by_line", "candidates", "same_place"]


def same_place(loc: Location, ev: Evidence) -> bool:
    """Is ``loc`` where the evidence points: its sheet, its line and its page (those it names)?"""
    if ev.line is None and ev.page is None:
        return False
    if (ev.sheet or loc.sheet) and ev.sheet != loc.sheet:
        return False  # a sheet's row 12 is not the report's line 12
    if ev.line is not None and loc.line != ev.line:
        return False
    return ev.page is None or loc.page is None or loc.page == ev.page


Lines = dict[int, list[tuple[int, int | None]]]


def candidates(doc: Document, ev: Evidence, lines: Lines | None = None) -> list[tuple]:
    """Blocks/rows at the evidence's location, in reading order: ("b", block), ("r", block, row) or ("t", block)
    for a table none of whose rows is there. ``lines``: the document's :func:`by_line` index, used for an
    evidence with a line."""
    if lines is not None and ev.line is not None:
        return _at(doc, ev, lines.get(ev.line, []))
    return _at(doc, ev, ((bi, None) for bi in range(len(doc.blocks))), every_row=True)


def _rows(b: Any) -> range:
    """A table block's rows that have a location of their own."""
    return range(min(len(b.table.rows), len(b.table.row_locations)))


def by_line(doc: Document) -> Lines:
    """(block, row) by the line they sit on, in reading order: a table's rows, then the table itself
    (row None); a block that is not a table as (block, None)."""
    out: Lines = {}
    for bi, b in enumerate(doc.blocks):
        if b.kind == "table" and b.table is not None:
            for ri in _rows(b):
                line = b.table.row_locations[ri].line
                if line is not None:
                    out.setdefault(line, []).append((bi, ri))
        if b.location.line is not None:
            out.setdefault(b.location.line, []).append((bi, None))
    return out


def _at(doc: Document, ev: Evidence, entries: Iterable[tuple[int, int | None]], every_row: bool = False) -> list[tuple]:
    """The candidates among ``entries`` ((block, row), grouped by block in reading order): a table's rows at
    the evidence's place, else the table itself when it is there; any other block when it is there.
    ``every_row``: the entries name blocks only, and each table's rows are all looked at."""
    out: list[tuple] = []
    for bi, grouped in groupby(entries, key=itemgetter(0)):
        group = list(grouped)
        b = doc.blocks[bi]
        if ev.file and b.location.file and ev.file != b.location.file and not b.location.file.endswith(ev.file):
            continue
        own = any(ri is None for _, ri in group)
        if b.kind == "table" and b.table is not None:
            rows = _rows(b) if every_row else [ri for _, ri in group if ri is not None]
            found = [("r", bi, ri) for ri in rows if same_place(b.table.row_locations[ri], ev)]
            if found:
                out.extend(found)
            elif own and same_place(b.location, ev):
                out.append(("t", bi))
        elif own and same_place(b.location, ev):
            out.append(("b", bi))
    return out

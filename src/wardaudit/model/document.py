"""The structured copy of a report: ordered blocks (heading, paragraph, table), each with provenance.

Readers (``wardaudit.ingest``) produce a :class:`Document` whose blocks are paragraphs and tables
in reading order; :func:`wardaudit.ingest.structure.annotate` then marks headings, builds the section tree
and finds the appendices. Everything here converts to and from plain dicts (JSON cache, Dask).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wardaudit.model.plain import plain


@dataclass(frozen=True)
class Location:
    """Where a block came from: the file, the page (PDF only, 1-based), the line and the sheet.

    For text/markdown ``line`` is the 1-based line in the file; for PDF the line within the page's
    text layer; for DOCX the 1-based paragraph number in the body; for a workbook (.xlsx) the row
    number of the sheet named by ``sheet``.
    """

    file: str
    page: int | None = None
    line: int | None = None
    sheet: str | None = None

    def label(self) -> str:
        parts = [f"trang tính {self.sheet}"] if self.sheet is not None else []
        if self.page is not None:
            parts.append(f"tr. {self.page}")
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        return ", ".join(parts) or "?"

    def anchor(self) -> str:
        """A stable HTML id for this location (a sheet's rows apart from the report's lines)."""
        if self.sheet is not None:
            tag = hashlib.blake2b(f"{self.file}\n{self.sheet}".encode(), digest_size=4).hexdigest()
            return f"S{tag}-{self.line or 0}"
        return f"L{self.page or 0}-{self.line or 0}"


@dataclass
class Table:
    """A table as extracted: one header row (multi-row headers joined) and data rows of strings.

    ``columns`` gives, for a table read from a workbook, the sheet's column letter of each column
    (the row's number is its location's ``line``), so that a figure names its cell.
    """

    header: list[str]
    rows: list[list[str]]
    location: Location
    appendix: str | None = None
    title: str | None = None
    quality: dict[str, Any] | None = None
    row_locations: list[Location] = field(default_factory=list)
    parts: int = 1
    low_confidence: bool = False
    columns: list[str] = field(default_factory=list)

    @property
    def n_cols(self) -> int:
        return max([len(self.header)] + [len(r) for r in self.rows]) if (self.header or self.rows) else 0

    def to_frame(self):
        import pandas as pd

        width = self.n_cols
        header = _unique_names(list(self.header) + [""] * (width - len(self.header)))
        rows = [list(r) + [""] * (width - len(r)) for r in self.rows]
        return pd.DataFrame(rows, columns=header, dtype=object)

    def row_location(self, i: int) -> Location:
        if i < len(self.row_locations):
            return self.row_locations[i]
        return self.location

    def cell_range(self) -> str | None:
        """A table read from a workbook: the cells it spans ('A5:F18'), header to last row; else None."""
        if not self.columns or self.location.sheet is None or self.location.line is None:
            return None
        last = self.row_location(len(self.rows) - 1).line if self.rows else self.location.line
        return f"{self.columns[0]}{self.location.line}:{self.columns[-1]}{last}"

    def cell_ref(self, i: int, j: int) -> str | None:
        """The sheet cell ('C12') of row ``i``, column ``j``; None for a table not read from a workbook."""
        loc = self.row_location(i)
        if j >= len(self.columns) or loc.line is None or loc.sheet is None:
            return None
        return f"{self.columns[j]}{loc.line}"


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"col{i}"
        if n in seen:
            seen[n] += 1
            n = f"{n} ({seen[n]})"
        else:
            seen[n] = 0
        out.append(n)
    return out


@dataclass
class Block:
    """One heading, paragraph or table of the report, in reading order."""

    kind: str  # "heading" | "paragraph" | "table"
    text: str
    location: Location
    section: tuple[str, ...] = ()
    number: str | None = None
    level: int | None = None
    appendix: str | None = None
    table: Table | None = None
    ocr_confidence: float | None = None  # the page's mean OCR word confidence (0-100) when read by OCR

    @property
    def section_label(self) -> str:
        return " > ".join(self.section)


@dataclass
class Section:
    """A numbered heading and what is under it. ``path`` is the chain of numbers from the root."""

    number: str
    title: str
    level: int
    path: tuple[str, ...]
    location: Location
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Appendix:
    """An appendix (Phụ lục) present in the report, with its tables and where the body cites it."""

    id: str
    title: str
    location: Location
    tables: list[int] = field(default_factory=list)  # indexes into Document.tables()
    declared_count: int | None = None


@dataclass
class Document:
    source: str
    format: str
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    appendices: list[Appendix] = field(default_factory=list)
    appendix_refs: list[tuple[str, Location]] = field(default_factory=list)
    pages: int | None = None
    notes: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.kind == "table" and b.table is not None]

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    def walk_sections(self) -> Iterator[Section]:
        for s in self.sections:
            yield from s.walk()

    def text(self) -> str:
        """All block texts joined, in reading order (tables as pipe rows)."""
        return "\n".join(b.text for b in self.blocks)

    # --- plain-dict round trip (JSON cache, process boundaries) ---------------------------------
    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        def loc(x):
            return Location(**x) if x is not None else None

        def table(t):
            if t is None:
                return None
            t = dict(t)
            t["location"] = loc(t["location"])
            t["row_locations"] = [loc(r) for r in t.get("row_locations", [])]
            return Table(**t)

        def section(s):
            return Section(number=s["number"], title=s["title"], level=s["level"],
                           path=tuple(s["path"]), location=loc(s["location"]),
                           children=[section(c) for c in s["children"]])

        blocks = [Block(kind=b["kind"], text=b["text"], location=loc(b["location"]),
                        section=tuple(b["section"]), number=b["number"], level=b["level"],
                        appendix=b["appendix"], table=table(b["table"]),
                        ocr_confidence=b.get("ocr_confidence")) for b in d["blocks"]]
        return cls(source=d["source"], format=d["format"], sha256=d["sha256"], blocks=blocks,
                   sections=[section(s) for s in d["sections"]],
                   appendices=[Appendix(id=a["id"], title=a["title"], location=loc(a["location"]),
                                        tables=list(a["tables"]), declared_count=a.get("declared_count"))
                               for a in d["appendices"]],
                   appendix_refs=[(r[0], loc(r[1])) for r in d["appendix_refs"]],
                   pages=d["pages"], notes=list(d["notes"]))

    def to_json_outline(self) -> dict[str, Any]:
        """The shape `wardaudit extract --format json` prints."""
        tables = []
        for t in self.tables():
            tables.append({"appendix": t.appendix, "title": t.title, "header": t.header,
                           "rows": t.rows, "parts": t.parts, "quality": t.quality,
                           "low_confidence": t.low_confidence,
                           "location": plain(t.location), **({"cells": t.cell_range()} if t.columns else {})})
        return {
            "source": self.source,
            "format": self.format,
            "sha256": self.sha256,
            "pages": self.pages,
            "notes": self.notes,
            "sections": [_section_outline(s) for s in self.sections],
            "appendices": [{"id": a.id, "title": a.title, "location": plain(a.location),
                            "tables": a.tables, "declared_count": a.declared_count}
                           for a in self.appendices],
            "blocks": [{"kind": b.kind, "section": list(b.section), "appendix": b.appendix,
                        "text": b.text, "location": plain(b.location)}
                       for b in self.blocks if b.kind != "table"],
            "tables": tables,
        }


def _section_outline(s: Section) -> dict[str, Any]:
    return {"number": s.number, "title": s.title, "level": s.level,
            "location": plain(s.location), "children": [_section_outline(c) for c in s.children]}

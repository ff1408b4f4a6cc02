"""Plain text and markdown as a converter left them: paragraphs, tab-separated and pipe tables.

Handles what converters do to reports: tables cut by a page break and restarted with their header,
rows split over two lines, ``<b>``/``<p>`` tags and markdown emphasis, paragraphs cut in the
middle of a sentence by a page break. Locations are 1-based line numbers in the file.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from wardaudit.errors import InputError
from wardaudit.ingest.readers import reader
from wardaudit.ingest.stitching import (
    RawTable,
    build_table,
    clean_cell,
    is_continuation,
    is_separator_row,
    same_header,
    stitch,
)
from wardaudit.model.document import Block, Document, Location, Table

_BULLET = re.compile(r"^\s*(?:[-+•*–]\s|\\\*\s|\d+\)\s|\(\d+\)\s)")
_MD_HEADING = re.compile(r"^\s*(#{1,6})\s+")
_NUMBERED = re.compile(r"^\s*(?:\*+\s*)?(?:Phần\s+\w+|[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\))\s", re.IGNORECASE)
NFC_NOTE = "Đã chuẩn hóa chữ có dấu tổ hợp (Unicode NFD) về dạng dựng sẵn (NFC) / decomposed Unicode normalised to NFC"
_TERMINAL = re.compile(r"[.:;!?…)\]”\"»/]\s*$")


def decode_bytes(data: bytes, shown: str) -> tuple[str, str | None]:
    """Decode a report's bytes. Returns the text and a note when it was not UTF-8.

    UTF-8 (with or without BOM) and UTF-16 (BOM or NUL pattern) are decoded directly; otherwise
    Windows-1258 (CP1258, the legacy Vietnamese code page, whose accents are combining marks) is
    tried and the result NFC-normalised.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InputError(f"{shown}: tệp UTF-16 bị hỏng / broken UTF-16 text", path=shown) from None
    sample = data[:4000]
    odd_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
    even_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
    if len(sample) >= 4 and max(odd_nul, even_nul) > 0.3 and min(odd_nul, even_nul) < 0.05:
        enc = "utf-16-le" if odd_nul > even_nul else "utf-16-be"
        try:
            return data.decode(enc), "UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in sample:
        raise InputError(f"{shown}: tệp nhị phân, không phải văn bản / binary file, not text", path=shown)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise InputError(f"{shown}: không đọc được mã hóa (không phải UTF-8, UTF-16 hay Windows-1258) / "
                         "unknown text encoding (not UTF-8, UTF-16 or Windows-1258)", path=shown) from None
    return unicodedata.normalize("NFC", text), "Windows-1258"


def strip_markup(line: str) -> str:
    """A line without markdown heading marks, emphasis, escapes and inline tags (text kept)."""
    line = _MD_HEADING.sub("", line)
    return clean_cell(line) if line.strip() else ""


def _is_table_line(line: str) -> str | None:
    s = line.strip()
    if s.startswith("|") and s.count("|") >= 2:
        return "pipe"
    if "\t" in line and line.strip("\t ").strip():
        return "tsv"
    return None


def _split_pipe(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


@dataclass
class _Para:
    text: str
    line: int
    markdown_level: int | None = None
    raw: list[str] = field(default_factory=list)


def _ends_open(text: str) -> bool:
    return bool(text) and not _TERMINAL.search(text)


def _starts_lower(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if not ch.isspace() and ch not in "*_":
            return False
    return False


def _read_tables(lines: list[str], start: int, kind: str, file: str) -> tuple[list[Table], int]:
    """Read the table region starting at ``start``; returns the stitched tables and the next index."""
    parts: list[list[tuple[int, str]]] = []
    i = start
    n = len(lines)
    while i < n:
        if _is_table_line(lines[i]) == kind:
            part = []
            while i < n and _is_table_line(lines[i]) == kind:
                part.append((i, lines[i]))
                i += 1
            parts.append(part)
            continue
        j = i
        while j < n and not lines[j].strip():
            j += 1
        if j > i and j < n and _is_table_line(lines[j]) == kind:
            i = j
            continue
        break

    raws: list[RawTable] = []
    for part in parts:
        cells = [_split_pipe(ln) if kind == "pipe" else ln.rstrip("\n").split("\t") for _, ln in part]
        locs = [Location(file, None, k + 1) for k, _ in part]
        header_rows = None
        if kind == "pipe" and len(cells) > 1 and is_separator_row(cells[1]):
            header_rows = 1
        starts_table = header_rows is not None or not raws or (
            kind == "tsv" and raws and same_header([clean_cell(c) for c in raws[-1].cells[0]],
                                                   [clean_cell(c) for c in cells[0]]))
        if starts_table:
            raws.append(RawTable(cells=cells, location=locs[0], row_locations=locs, header_rows=header_rows))
        else:  # rows of the same table separated by blank lines
            raws[-1].cells.extend(cells)
            raws[-1].row_locations.extend(locs)

    tables: list[Table] = []
    for raw in raws:
        t = build_table(raw)
        if not t.header and not t.rows:
            continue
        if tables and is_continuation(tables[-1], t):
            tables[-1] = stitch(tables[-1], t)
        else:
            tables.append(t)
    return tables, i


def parse_text(text: str, file: str) -> list[Block]:
    """Blocks (paragraphs and tables) of a text/markdown report, in reading order."""
    lines = text.splitlines()
    items: list[_Para | Table] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        kind = _is_table_line(line)
        if kind:
            tables, i = _read_tables(lines, i, kind, file)
            items.extend(tables)
            continue
        md = _MD_HEADING.match(line)
        para = _Para(text=strip_markup(line), line=i + 1, markdown_level=len(md.group(1)) if md else None,
                     raw=[line])
        i += 1
        while (i < n and lines[i].strip() and not _is_table_line(lines[i]) and not md
               and not _BULLET.match(lines[i]) and not _MD_HEADING.match(lines[i])
               and not _NUMBERED.match(lines[i])):
            para.text += "\n" + strip_markup(lines[i])
            para.raw.append(lines[i])
            i += 1
        if para.text.strip():
            items.append(para)

    # a paragraph cut by a page break: the first part ends mid-sentence, the next starts lowercase
    merged: list[_Para | Table] = []
    for item in items:
        prev = merged[-1] if merged else None
        if (isinstance(item, _Para) and isinstance(prev, _Para) and item.markdown_level is None
                and not _BULLET.match(item.raw[0]) and not _NUMBERED.match(item.raw[0])
                and _ends_open(prev.text) and _starts_lower(item.text)):
            prev.text = f"{prev.text} {item.text}"
            continue
        merged.append(item)

    blocks: list[Block] = []
    for item in merged:
        if isinstance(item, Table):
            blocks.append(Block(kind="table", text=table_text(item), location=item.location, table=item))
        else:
            blocks.append(Block(kind="paragraph", text=item.text.strip(), location=Location(file, None, item.line),
                                level=item.markdown_level))
    return blocks


def table_text(t: Table) -> str:
    rows = [t.header] + t.rows
    return "\n".join(" | ".join(r) for r in rows)


@reader(".txt", ".md", ".markdown", ".text")
def read_text(path: Path, *, display_path: str, max_pages: int | None = None, **_: object) -> Document:
    data = path.read_bytes()
    decoded, encoding_note = decode_bytes(data, display_path)
    text = unicodedata.normalize("NFC", decoded)  # decomposed accents (some Mac and web tools) read as composed
    if not text.strip():
        raise InputError(f"{display_path}: tệp không có nội dung / the file has no text", path=display_path)
    doc = Document(source=display_path, format="markdown" if path.suffix.lower() in (".md", ".markdown") else "text",
                   sha256="", blocks=parse_text(text, display_path))
    if encoding_note:
        doc.notes.append(f"Đã giải mã tệp theo {encoding_note} / decoded as {encoding_note}")
    if text != decoded:
        doc.notes.append(NFC_NOTE)
    return doc

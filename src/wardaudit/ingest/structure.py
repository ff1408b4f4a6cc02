"""Section tree and appendices, built from the text of the blocks (the same for every format).

Numbering styles rank the levels: ``Phần 1`` > ``I.`` > ``1.`` > ``1.1.`` > ``1.1.1.`` > ``a)``.
A report that skips a level (no "Phần") still nests correctly because a heading closes every open
heading of the same or a lower rank. Markdown ``#`` levels are ignored: converters set them
inconsistently. Everything after the first appendix heading belongs to that appendix.
"""
from __future__ import annotations

import re

from wardaudit.model.document import Appendix, Block, Document, Location, Section

_PART = re.compile(r"^Phần\s+(thứ\s+)?(\d+|[IVXLC]+|nhất|hai|ba|bốn|năm)\b[.:]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_ROMAN = re.compile(r"^([IVXLC]{1,6})\.\s+(\S.*)$", re.DOTALL)
_ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\.\s+|\s+(?=\D))(\S.*)$", re.DOTALL)
_LETTER = re.compile(r"^([a-zđ])\)\s+(\S.*)$", re.DOTALL)
_APPENDIX = re.compile(
    r"^(?:\d{1,2}\.\s*)?PH[ỤU]\s*L[ỤU]C\s+(?:số\s+)?([IVXLC]{1,6}|\d{1,3})\b\s*[.:]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL)
_APPENDIX_REF = re.compile(
    r"(?i:Phụ\s+lục)\s+(?:số\s+)?((?:[IVXLC]{1,6}|\d{1,3})\b(?:\s*(?:,|;|và|-|–|đến)\s*(?:[IVXLC]{1,6}|\d{1,3})\b)*)")
_DECLARED = re.compile(r"\(\s*0*(\d{1,4})\s+(nhiệm vụ|chỉ tiêu|mô hình|nội dung|dự án|đề xuất|kiến nghị)\s*\)",
                       re.IGNORECASE)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

RANK_PART, RANK_ROMAN, RANK_LETTER = 0, 1, 6


def roman_to_int(s: str) -> int | None:
    s = s.upper()
    if not s or any(ch not in _ROMAN_VALUES for ch in s):
        return None
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN_VALUES[ch]
        total += -v if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v else v
    return total


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def classify_heading(text: str) -> tuple[int, str, str] | None:
    """``(rank, number, title)`` when ``text`` is a numbered heading, else None.

    A numbered line is a heading when it is short, or does not read as a finished sentence
    (a list item such as "9.1. Đẩy mạnh ... hành chính." ends with a full stop and is long).
    """
    line = _first_line(text)
    if not line or len(line) > 260:
        return None
    m = _PART.match(line)
    if m:
        return RANK_PART, f"Phần {m.group(2)}", m.group(3).strip()
    finished = line.endswith(".") and len(line) > 120
    m = _ROMAN.match(line)
    if m and roman_to_int(m.group(1)) and not finished:
        return RANK_ROMAN, m.group(1), m.group(2).strip()
    m = _ARABIC.match(line)
    if m and not finished and not re.match(r"^\d+\s*(%|/|,\d)", line):
        number = m.group(1)
        if "." not in number and not re.match(r"^\d{1,2}\.\s", line):
            return None  # "1 hội nghị" is not a heading; "1. Hội nghị" is
        depth = number.count(".") + 1
        title = m.group(2).strip()
        if not title or title[0].islower():
            return None
        return 1 + depth, number, title
    m = _LETTER.match(line)
    if m and not finished:
        return RANK_LETTER, f"{m.group(1)})", m.group(2).strip()
    return None


def appendix_heading(text: str) -> tuple[str, str] | None:
    line = " ".join(text.split())
    if line.startswith(("(", "[")) or re.match(r"^(?:\(?\s*)?(Kèm|Có)\s", line, re.IGNORECASE):
        return None
    m = _APPENDIX.match(line)
    if not m:
        return None
    return m.group(1).upper(), m.group(2).strip(" .:")


def expand_refs(group: str) -> list[str]:
    """'I, II và III' -> ['I', 'II', 'III']; 'I - III' -> ['I', 'II', 'III']."""
    tokens = re.split(r"\s*(,|;|và|-|–|đến)\s*", group.strip())
    ids: list[str] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k].strip().upper()
        if tok and tok not in {",", ";", "VÀ", "-", "–", "ĐẾN"}:
            if ids and k >= 2 and tokens[k - 1] in {"-", "–", "đến"}:
                a, b = ids[-1], tok
                if a.isdigit():
                    lo, hi = int(a), (int(b) if b.isdigit() else None)
                else:
                    lo, hi = roman_to_int(a), roman_to_int(b)
                if lo and hi and lo < hi <= lo + 30:
                    for v in range(lo + 1, hi + 1):
                        ids.append(str(v) if a.isdigit() else int_to_roman(v))
                    k += 1
                    continue
            ids.append(tok)
        k += 1
    return ids


def int_to_roman(n: int) -> str:
    out = ""
    for v, s in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def annotate(doc: Document) -> Document:
    """Mark headings, set each block's section path and appendix, build ``doc.sections`` and
    ``doc.appendices`` and collect where the body cites an appendix."""
    walk = _Outline(doc.blocks)
    for idx, block in enumerate(doc.blocks):
        if idx in walk.skip:
            continue
        if block.kind == "table":
            walk.table(block)
        elif (app := appendix_heading(block.text)) is not None:
            walk.appendix(idx, block, app)
        elif walk.current_appendix is not None:
            walk.in_appendix(block)
        else:
            walk.body(idx, block)
    # the title line folded into its "Phần N" heading stays in the blocks as a paragraph of that section
    for idx in walk.skip:
        doc.blocks[idx].kind = "paragraph"
        doc.blocks[idx].section = doc.blocks[idx - 1].section
    doc.sections = walk.roots
    doc.appendices = walk.appendices
    doc.appendix_refs = walk.refs
    return doc


class _Outline:
    """The state of one pass over a document's blocks: open sections, the current appendix."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.stack: list[tuple[int, Section]] = []
        self.roots: list[Section] = []
        self.appendices: list[Appendix] = []
        self.refs: list[tuple[str, Location]] = []
        self.current_appendix: Appendix | None = None
        self.last_paragraph: Block | None = None
        self.table_index = 0
        self.skip: set[int] = set()

    def table(self, block: Block) -> None:
        t = block.table
        if self.current_appendix is not None:
            block.appendix = t.appendix = self.current_appendix.id
            self.current_appendix.tables.append(self.table_index)
        if t.title is None and self.last_paragraph is not None:
            t.title = _first_line(self.last_paragraph.text)[:300]
        block.section = ((f"Phụ lục {self.current_appendix.id}",) if self.current_appendix
                         else tuple(s.number for _, s in self.stack))
        self.table_index += 1

    def appendix(self, idx: int, block: Block, app: tuple[str, str]) -> None:
        app_id, title = app
        if not title and idx + 1 < len(self.blocks) and self.blocks[idx + 1].kind == "paragraph":
            title = " ".join(self.blocks[idx + 1].text.split())
        declared = _DECLARED.search(block.text)
        title = re.split(r"\s*\(\s*Kèm theo", title, flags=re.IGNORECASE)[0]
        self.current_appendix = Appendix(id=app_id, title=" ".join(title.split()).rstrip(" ."),
                                         location=block.location,
                                         declared_count=int(declared.group(1)) if declared else None)
        self.appendices.append(self.current_appendix)
        block.kind, block.number, block.appendix = "heading", f"Phụ lục {app_id}", app_id
        block.section = (f"Phụ lục {app_id}",)
        block.level = 0
        self.last_paragraph = block

    def in_appendix(self, block: Block) -> None:
        block.appendix = self.current_appendix.id
        block.section = (f"Phụ lục {self.current_appendix.id}",)
        self.last_paragraph = block

    def body(self, idx: int, block: Block) -> None:
        for m in _APPENDIX_REF.finditer(block.text):
            for ref in expand_refs(m.group(1)):
                self.refs.append((ref, block.location))
        head = classify_heading(block.text)
        if head:
            self.heading(idx, block, head)
        else:
            block.section = tuple(s.number for _, s in self.stack)
        self.last_paragraph = block

    def heading(self, idx: int, block: Block, head: tuple[int, str, str]) -> None:
        rank, number, title = head
        rest = block.text.strip().split("\n", 1)[1].strip() if "\n" in block.text.strip() else ""
        if not title and rest and len(rest) < 160:
            title = rest  # 'Phần I' with its title on the next line of the same block
        if not title and idx + 1 < len(self.blocks) and self.blocks[idx + 1].kind == "paragraph":
            nxt = self.blocks[idx + 1]
            # the next line is the title, unless it is a numbered heading of its own ('I. CÔNG TÁC …')
            if (nxt.text.isupper() or len(nxt.text) < 160) and not classify_heading(nxt.text):
                title = " ".join(nxt.text.split())
                nxt.kind = "heading-title"
                self.skip.add(idx + 1)
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        path = tuple(s.number for _, s in self.stack) + (number,)
        section = Section(number=number, title=" ".join(title.split()), level=len(self.stack), path=path,
                          location=block.location)
        (self.stack[-1][1].children if self.stack else self.roots).append(section)
        self.stack.append((rank, section))
        block.kind, block.number, block.level, block.section = "heading", number, section.level, path


def outline(doc: Document) -> list[str]:
    """The section tree as indented lines ``"  1.1 Title"`` (tests and `extract --format text`)."""
    lines = []
    for s in doc.walk_sections():
        lines.append("  " * s.level + f"{s.number} {s.title}".rstrip())
    return lines

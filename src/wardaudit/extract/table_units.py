"""What a table's cells are counted in: a unit stated for the whole table ('Đơn vị: triệu đồng' on the line
above it, '(Đơn vị tính: triệu đồng)' in its title or its appendix's heading), or for one column ('Kinh phí
(triệu đồng)', 'Tỷ lệ giải ngân (%)'). Fact extraction and the table-total rule read cells through it, so a
cell of a budget table in triệu đồng is 420.000.000 đồng everywhere, never 420 đồng."""
from __future__ import annotations

import re
from dataclasses import dataclass

from wardaudit.model.document import Block, Table
from wardaudit.vi.numbers import MONEY_SCALE, Figure

_MONEY_WORDS = re.compile(r"kinh phí|vốn|dự toán|giải ngân|giá trị|số tiền|chi phí|thanh toán|\bthu\b|\bchi\b",
                          re.IGNORECASE)
# a column's own unit in brackets: 'Kinh phí giao (triệu đồng)', '(Đơn vị: nghìn đồng)'
_MONEY_HEADER = re.compile(r"\(\s*(?:đơn vị(?: tính)?\s*:\s*)?((?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*đồng)\s*\)", re.IGNORECASE)
# a unit stated for the whole table, with or without brackets: 'Đơn vị: triệu đồng', 'ĐVT: triệu đồng'
_TABLE_UNIT = re.compile(r"(?:đơn vị(?: tính)?|đvt)\s*:\s*((?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*đồng)\b", re.IGNORECASE)
_PERCENT_HEADER = re.compile(r"\(\s*%\s*\)|^\s*(?:tỷ lệ|tỉ lệ|tỷ trọng|tỉ trọng)\b|%\s*$", re.IGNORECASE)
# a column that counts things even in a money table ('Số dự án', 'Số lượng')
_COUNT_HEADER = re.compile(r"^\s*(?:số|số lượng|lượt)\b(?!\s*tiền)", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnUnit:
    """A column's cells: 'percent', 'money' in ``unit`` (× ``scale`` đồng), or None (as written)."""

    kind: str | None = None
    unit: str | None = None
    scale: int = 1


def _norm(unit: str) -> str:
    return " ".join(unit.lower().replace("tỉ", "tỷ").replace("ngàn", "nghìn").split())


def stated_unit(text: str, bracketed_only: bool = False) -> str | None:
    """The money unit a line states for a table ('Đơn vị: triệu đồng'), or None."""
    m = (_MONEY_HEADER if bracketed_only else _TABLE_UNIT).search(text or "")
    unit = _norm(m.group(1)) if m else None
    return unit if unit in MONEY_SCALE else None


def table_unit(blocks: list[Block], index: int, look_back: int = 4) -> str | None:
    """The unit stated for the table at ``blocks[index]``: in its title, or on one of the few lines
    before it (its appendix heading included), never past the previous table."""
    t = blocks[index].table
    unit = stated_unit(t.title or "") if t is not None else None
    for b in reversed(blocks[max(0, index - look_back):index]):
        if unit or b.kind == "table":
            break
        unit = stated_unit(b.text)
    return unit


def column_units(t: Table, unit: str | None) -> list[ColumnUnit]:
    """Each column's unit: a percentage column, a column with its own money unit, or a column of a table
    whose unit is stated (unless it counts things: 'Số dự án')."""
    out = []
    for j in range(t.n_cols):
        header = t.header[j] if j < len(t.header) else ""
        own = stated_unit(header, bracketed_only=True)
        if _PERCENT_HEADER.search(header):
            out.append(ColumnUnit("percent", "%"))
        elif own:
            out.append(ColumnUnit("money", own, MONEY_SCALE[own]))
        elif unit and not _COUNT_HEADER.match(header):
            out.append(ColumnUnit("money", unit, MONEY_SCALE[unit]))
        elif _MONEY_WORDS.search(header) and stated_unit(t.title or "", bracketed_only=True):
            title = stated_unit(t.title or "", bracketed_only=True)
            out.append(ColumnUnit("money", title, MONEY_SCALE[title]))
        else:
            out.append(ColumnUnit())
    return out


def in_unit(f: Figure, col: ColumnUnit) -> Figure:
    """A plain number read in its column's unit: '420' in triệu đồng is 420.000.000 đồng; '78,9' under
    'Tỷ lệ (%)' is a percentage."""
    if f.kind != "count" or col.kind is None:
        return f
    if col.kind == "percent":
        return Figure(f.start, f.end, f.raw, f.value, "percent", f.decimals, None, f.qualifier)
    return Figure(f.start, f.end, f.raw, round(f.value * col.scale, 6), "money", f.decimals, None, f.qualifier,
                  col.scale, col.unit)

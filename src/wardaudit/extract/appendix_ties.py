"""Body against appendix: an appendix row that restates a figure of the report's body is tied to it.

Two ties, both stated by the report's own layout (explicit):

- an indicator row ('| 2 | Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC | % | 90 | 95,9 |') and the body
  figure of the same metric, scope, period and kind of statement whose sentence names that indicator
  (most of the row's words, abbreviations spelt out);
- a table's total row in the appendix a body paragraph cites ('bố trí 420.000 đồng … (chi tiết tại Phụ
  lục 02)') and that paragraph's figure of the column's metric, in the table's unit.

Equal, the tie is a tick; different, XREF001 names both places and the row. The row's cell is then left
out of the catalogue's recurrence groups (:func:`~wardaudit.extract.recurrences.recurrences`), so one
disagreement is one finding.
"""
from __future__ import annotations

import re
from typing import Any

from wardaudit.extract.proximity import TOTAL_ROW, cue_data, index_of, is_compared
from wardaudit.extract.recurrences import clause_after, clause_before, in_subgroup, statement_kind
from wardaudit.model.facts import is_target
from wardaudit.model.relations import Relation, Strength

OVERLAP = 0.8  # share of an indicator's words the body sentence must say
_STOP = {"số", "các", "được", "của", "và", "có", "đã", "trên", "tại", "cho", "lượng", "những", "theo", "trong",
         "từ", "đến", "là", "với", "lũy", "luỹ", "kế", "năm", "tháng"}
# amounts the body and a budget table name differently but mean alike
_SAME_MONEY = {"budget.total": "budget.allocated"}
_CITED = re.compile(r"\bPhụ lục\s+(?:số\s+)?([IVXLC]{1,6}|\d{1,3})\b", re.IGNORECASE)


def _syllables(text: str) -> set[str]:
    low = text.lower()
    for short, full in (cue_data().get("abbreviations") or {}).items():
        low = re.sub(rf"\b{re.escape(short)}\b", full, low)
    return {w for w in re.findall(r"[^\W\d_]+|\d+", low) if w not in _STOP}


def _row_name(cell) -> str:
    """The indicator a cell's row names: an indicator row's label, a numeric table's row label."""
    label = cell.label or ""
    if " | " in label:
        return label.split(" | ", 1)[1]
    return re.sub(r"^\s*\d+[.)]?\s*", "", label)


def _money_key(metric: str | None) -> str | None:
    return _SAME_MONEY.get(metric or "", metric)


def _body_statement(f, parts: bool = False) -> bool:
    """A figure of the body that can be restated by a row: a result (not a sub-group's figure, another
    period's, a target or a share; a part only when ``parts``)."""
    return f.origin == "text" and not is_target(f) and f.role not in (("share", "change") if parts
                                                                     else ("part", "share", "change")) \
        and not in_subgroup(f) and not is_compared(f)


def appendix_ties(facts: list[Any]) -> list[Relation]:
    """Every tie of an appendix row to the body figure it restates (see the module)."""
    index = index_of(facts)
    out = []
    for cell in facts:
        if cell.origin != "table" or is_target(cell) or not (cell.section or "").startswith("Phụ lục") \
                or cell.kind not in ("count", "percent", "money"):
            continue
        body = _indicator_body(cell, index) if cell.role == "result" else _cited_body(cell, index)
        out += [Relation("recurrence", (f, cell), "dòng phụ lục nêu lại", Strength.EXPLICIT, cell.scope)
                for f in body]
    return out


def _indicator_body(cell, index) -> list[Any]:
    """Body figures an indicator row restates: same metric (or, for a row the catalogue does not name,
    the same unit: 'camera'), scope, period and kind of statement, whose sentence says most of the
    indicator's words; the best-matching ones (a part named by the row's words, 'tài khoản mức 2: 11.964',
    wins over its total)."""
    words = _syllables(_row_name(cell))
    kind = statement_kind(cell)[0]
    unit = (cell.unit or "").strip().lower()
    named = [f for f in index.metric(None) if unit and unit != "%" and (f.unit or "") == unit]  # 'camera'
    pool = index.metric(cell.metric) + named if cell.metric else named
    scored = []
    for f in pool:
        if not _body_statement(f, parts=True) or f.scope != cell.scope or (f.kind == "percent") != \
                (cell.kind == "percent") or f.period != cell.period or not words:
            continue
        stated = statement_kind(f)
        # a row with no word of its period ('Số tài khoản … được kích hoạt') may restate the figure to date
        alike = stated == (kind, False, ()) or (stated == ("cumulative", False, ()) and kind == "")
        if not alike:
            continue
        share = len(words & _syllables(f.quote)) / len(words)
        if share >= OVERLAP:  # the sentence names the indicator; its own clause says which figure it is
            own = len(words & _syllables(f"{clause_before(f)} {clause_after(f)}"))
            scored.append(((stated[0] == kind, own, share), f))
    best = max((s for s, _ in scored), default=None)
    found = [f for s, f in scored if s == best]
    # a part the row names as well as its total does: the part is what the row restates
    wholes = {f.group for f in found if f.role == "part"}
    return [f for f in found if not (f.role == "total" and f.group in wholes)]


def _cited_body(cell, index) -> list[Any]:
    """Body figures a table's total row restates: in a paragraph citing the cell's appendix, of the
    column's metric (money named alike: the budget and its allocation)."""
    if not TOTAL_ROW.match(_row_name(cell).strip()) or cell.metric is None:
        return []
    appendix = cell.section.split(">")[0].strip()
    alike = {m for m in (cell.metric, *_SAME_MONEY, *_SAME_MONEY.values()) if _money_key(m) == _money_key(cell.metric)}
    blocks: dict[tuple, list[Any]] = {}
    for f in (g for m in sorted(alike) for g in index.metric(m)):
        if _body_statement(f) and f.kind == cell.kind:
            blocks.setdefault((f.file, f.block), []).append(f)
    out = []
    for cands in blocks.values():
        # the figure right before the citation in its sentence, else the paragraph's first of that metric
        cited = [f for f in cands if (c := _cites(f, appendix)) is not None and (f.at or 0) < c]
        if cited or any(_cites(g, appendix) is not None for g in index.block(cands[0])):
            out.append(max(cited, key=lambda f: f.at or 0) if cited else min(cands, key=lambda f: (f.sentence or 0,
                                                                                                     f.at or 0)))
    return out


def _cites(f, appendix: str) -> int | None:
    """Where ``f``'s quote cites ``appendix`` ('(chi tiết tại Phụ lục 02)'), None when it does not."""
    for m in _CITED.finditer(f.quote or ""):
        if f"phụ lục {m.group(1)}".lower() == appendix.lower():
            return m.start()
    return None


def completion_rates(facts: list[Any]) -> list[Relation]:
    """'| 5 | Số camera kết nối | camera | 60 | 64 | 106,7 |': an indicator row's completion rate is its result
    over its target. The column says so, not which figure is which: inferred."""
    rows: dict[str, dict[str, Any]] = {}
    for f in facts:
        if f.origin == "table" and f.group and f.role in ("target", "result", "completion"):
            rows.setdefault(f.group, {})[f.role] = f
    return [Relation("ratio", (r["completion"], r["result"], r["target"]), "cột tỷ lệ hoàn thành", Strength.INFERRED,
                     r["result"].scope) for r in rows.values() if len(r) == 3 and r["target"].value]

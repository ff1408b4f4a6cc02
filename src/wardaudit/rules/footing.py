"""FOOT: totals against their parts, and the dossier flow identity."""
from __future__ import annotations

import re

from wardaudit.catalogue import load_catalogue
from wardaudit.extract.proximity import gap, same_sentence
from wardaudit.model.findings import Evidence
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength
from wardaudit.rules._util import ev, fmt, is_target
from wardaudit.rules.base import AuditContext, Rule, rule
from wardaudit.vi.numbers import find_figures


def _name(metric: str | None) -> str:
    return load_catalogue().label(metric)


@rule("FOOT001")
def total_equals_parts(rule: Rule, ctx: AuditContext):
    """A total must equal the sum of its parts. Checks partition relations: explicit ones, whose
    text hands the total its parts ('trong đó …', 'gồm …', '(gồm: A: a; B: b)', bullets after
    'trong đó:', a table under a titled total, a total named after its parts: '…, tổng cộng 3.799
    hồ sơ'), and inferred ones (a total and the parts of one catalogue partition stated in the same
    paragraph with no cue word; a whole and its levels; a stock raised by additions; a sentence
    stating a next-door table column's sum). Proves an arithmetic difference. Parts after a cue
    meaning "among which" that do not fill a catalogue partition may name only some of the whole:
    they are checked only for exceeding it.

    Strength: explicit → error; inferred → warning ("cần rà soát").

    Okay: Tổng số hồ sơ tiếp nhận là 1.000 hồ sơ, trong đó 400 hồ sơ tiếp nhận trực tiếp, 600 hồ sơ tiếp nhận trực tuyến.
    Fail: Tổng số hồ sơ tiếp nhận là 1.000 hồ sơ, trong đó 400 hồ sơ tiếp nhận trực tiếp, 700 hồ sơ tiếp nhận trực tuyến.
    """  # noqa: E501 - report sentences kept whole
    for rel in ctx.relations["partition"]:
        total, parts = rel.members[0], rel.members[1:]
        s = sum(f.value for f in parts)
        values = {"expected": total.value, "actual": s, "parts": [f.value for f in parts]}
        evidence = [ev(total)] + [ev(f) for f in parts]
        if total.qualifier in ("lower_bound", "at_least", "upper_bound", "at_most", "approx"):
            # parts that may name only some of the whole ('khoảng 600 lượt; trong đó 350 lượt …') can only exceed it
            ok = _within_bound(s, total) if rel.exhaustive else not _exceeds_bound(s, total)
            yield rule.judge(rel if total.qualifier != "approx" else rel.weaker(), ok,
                        f"{_name(total.metric)}: tổng {total.raw} " + ("thỏa" if ok else "không thỏa")
                        + f" với tổng các phần {' + '.join(fmt(f.value) for f in parts)} = {fmt(s)}", values, evidence)
            continue
        if not rel.exhaustive:
            if total.kind != "money" and s > total.value + 1e-9:
                yield rule.judge(rel, False,
                            f"{_name(total.metric)}: các phần ({' + '.join(fmt(f.value) for f in parts)} = {fmt(s)}) "
                            f"lớn hơn tổng {fmt(total.value)}", values, evidence)
            elif len(parts) >= 2 and abs(s - total.value) < 1e-6:
                yield rule.judge(rel, True, f"{_name(total.metric)}: tổng {fmt(total.value)} = "
                            + " + ".join(fmt(f.value) for f in parts) + f" = {fmt(s)}", values, evidence)
            continue
        ok = abs(s - total.value) < 1e-6
        yield rule.judge(rel, ok,
                    f"{_name(total.metric)}: tổng {fmt(total.value)} " + ("= " if ok else "≠ ")
                    + " + ".join(fmt(f.value) for f in parts) + f" = {fmt(s)}", values, evidence)


def _exceeds_bound(s: float, total) -> bool:
    """Some of the parts already exceed what the total allows."""
    if total.qualifier in ("lower_bound", "at_least"):
        return False
    if total.qualifier == "approx":
        return s > 1.05 * total.value + 1e-9
    return not _within_bound(s, total)


def _within_bound(s: float, total) -> bool:
    """'hơn 1.200 hồ sơ, gồm 947 … và 289 …': the parts' sum must satisfy the bound, not equal it."""
    q = total.qualifier
    if q == "lower_bound":
        return s > total.value - 1e-9
    if q == "at_least":
        return s >= total.value - 1e-9
    if q == "upper_bound":
        return s < total.value + 1e-9
    if q == "at_most":
        return s <= total.value + 1e-9
    return abs(s - total.value) <= 0.05 * total.value  # 'khoảng 1.200': within 5%


@rule("FOOT002")
def dossier_flow(rule: Rule, ctx: AuditContext):
    """Dossiers received in a period equal those resolved plus those still pending at its end (plus
    withdrawn, when stated), where all three are stated within two outline items of the same section
    for the same period and scope, or resolved and pending in one sentence elsewhere with the
    report's one received count. No cue word states this identity, so the relation is inferred from
    the catalogue. Proves an arithmetic gap; cannot see dossiers the report does not mention.

    Strength: always inferred → warning ("cần rà soát").

    Okay: Năm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 90 hồ sơ, còn 10 hồ sơ đang giải quyết.
    Fail: Năm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 90 hồ sơ, còn 12 hồ sơ đang giải quyết.
    """
    facts = [f for f in ctx.facts if not is_target(f) and f.origin == "text"]
    for rec in [f for f in facts if f.metric == "dossiers.received"]:
        end = rec.period_end
        near = [f for f in facts if f.scope == rec.scope and f.section == rec.section
                and gap(rec, f) is not None and abs(gap(rec, f)) <= 2]
        res = [f for f in near if f.metric == "dossiers.resolved" and f.period == rec.period]
        pend = [f for f in near if f.metric == "dossiers.pending"
                and (f.period == f"@{end}" if end else f.period is None)]
        if not res or not pend:
            res, pend = _flow_stated_apart(facts, rec)
        if not res or not pend:
            continue
        r = min(res, key=lambda f: (abs(f.block - rec.block), abs((f.sentence or 0) - (rec.sentence or 0))))
        p = min(pend, key=lambda f: (abs(f.block - rec.block), abs((f.sentence or 0) - (rec.sentence or 0))))
        wd = [f for f in near if f.metric == "dossiers.withdrawn" and f.period == rec.period]
        rel = Relation("flow", (rec, r, p, *wd[:1]), CATALOGUE_CUE, Strength.INFERRED, rec.scope)
        w = wd[0].value if wd else 0
        s = r.value + p.value + w
        ok = abs(s - rec.value) < 1e-6
        yield rule.judge(rel, ok,
                    f"Tiếp nhận {fmt(rec.value)} " + ("= " if ok else "≠ ") + f"đã giải quyết {fmt(r.value)} + "
                    f"đang giải quyết {fmt(p.value)}" + (f" + rút {fmt(w)}" if wd else "") + f" = {fmt(s)}",
                    {"expected": rec.value, "actual": s, "received": rec.value, "resolved": r.value,
                     "pending": p.value}, [ev(rec), ev(r), ev(p)])


def _flow_stated_apart(facts, rec):
    """'1. Tiếp nhận: … 1.940 hồ sơ' and, in another section, '… đã giải quyết 1.897 hồ sơ, còn 43 hồ sơ
    đang giải quyết': resolved and pending in one sentence, and ``rec`` the report's one count received
    for that period and scope."""
    end = rec.period_end
    received = [f for f in facts if f.metric == "dossiers.received" and f.period == rec.period and f.scope == rec.scope
                and f.file == rec.file and f.role != "part"]
    if received != [rec]:
        return [], []
    pairs = [(r, p) for r in facts
             if r.metric == "dossiers.resolved" and r.period == rec.period and r.scope == rec.scope
             for p in facts if p.metric == "dossiers.pending" and p.scope == rec.scope and same_sentence(p, r)
             and (p.period == f"@{end}" if end else p.period is None)]
    return ([pairs[0][0]], [pairs[0][1]]) if len(pairs) == 1 else ([], [])


_TOTAL_LABEL = re.compile(r"^(tổng cộng|tổng số|tổng|cộng|toàn (?:tỉnh|huyện|thành phố|xã|phường))\b", re.IGNORECASE)


def _cell_value(cell: str):
    figs = find_figures(cell)
    if len(figs) == 1 and figs[0].kind in ("count", "money", "percent") and re.fullmatch(r"[\s\d.,%]+", cell):
        return figs[0]
    return None


@rule("FOOT003")
def table_totals(rule: Rule, ctx: AuditContext):
    """A table's total row ('Tổng', 'Cộng', 'Tổng cộng') must equal the sum of the rows above it in each
    numeric column; a 'Tổng' column under a spanning header must equal the sum of its sibling columns.
    Percentages are not summed. Proves an arithmetic difference; cannot tell which cell is wrong.

    Strength: explicit — the table's own total row or column states the sum → error.

    Okay: | STT | Đơn vị | Số hồ sơ |\\n|---|---|---|\\n| 1 | Thôn A | 10 |\\n| 2 | Thôn B | 15 |\\n| | Tổng cộng | 25 |
    Fail: | STT | Đơn vị | Số hồ sơ |\\n|---|---|---|\\n| 1 | Thôn A | 10 |\\n| 2 | Thôn B | 15 |\\n| | Tổng cộng | 27 |
    """
    for block in ctx.document.blocks:
        t = block.table
        if block.kind != "table" or t is None or not t.rows:
            continue
        yield from _total_rows(rule, ctx, block, t)
        yield from _total_columns(rule, ctx, block, t)


def _column_name(t, j: int) -> str:
    return t.header[j] if j < len(t.header) else f"Cột {j}"


def _is_total_row(row: list[str]) -> bool:
    return bool(_TOTAL_LABEL.match(" ".join(c for c in row[:2] if c).strip()))


def _total_rows(rule: Rule, ctx: AuditContext, block, t):
    """Each total row's cells against the sum of the rows above it that are not totals themselves."""
    for i, row in enumerate(t.rows):
        if not _is_total_row(row):
            continue
        above = [r for r in t.rows[:i] if not _is_total_row(r)]
        for j, cell in enumerate(row):
            total = _cell_value(cell) if j >= 1 else None
            if total is None or total.kind == "percent":
                continue
            addends = [v for v in (_cell_value(r[j]) if j < len(r) else None for r in above) if v is not None]
            if len(addends) < 2:
                continue
            s = sum(v.value for v in addends)
            ok = abs(s - total.value) < 1e-6
            loc = t.row_location(i)
            yield rule.check(ok,
                             f"{_column_name(t, j)}: dòng tổng {fmt(total.value)} "
                             + ("=" if ok else "≠") + f" tổng các dòng {fmt(s)}",
                             {"expected": s, "actual": total.value, "parts": [v.value for v in addends]},
                             [Evidence(section=block.section_label, quote=cell, page=loc.page, line=loc.line,
                                       file=loc.file, figure=total.raw, sheet=loc.sheet, cell=t.cell_ref(i, j))],
                             key=f"table-total:{block.section_label}:{t.header[j] if j < len(t.header) else j}:"
                                 f"{total.raw}",
                             relation={"kind": "partition", "cue": "dòng tổng của bảng", "strength": "explicit",
                                       "scope": None})


def _total_columns(rule: Rule, ctx: AuditContext, block, t):
    """A 'Tổng' sub-column beside its siblings under one spanning header ('Số hồ sơ / Tổng'), row by row."""
    groups: dict[str, list[int]] = {}
    for j, h in enumerate(t.header):
        if " / " in h:
            groups.setdefault(h.rsplit(" / ", 1)[0], []).append(j)
    for parent, cols in groups.items():
        tcols = [j for j in cols if _TOTAL_LABEL.match(t.header[j].rsplit(" / ", 1)[1].strip())]
        if len(tcols) != 1 or len(cols) < 3:
            continue
        tj = tcols[0]
        for i, row in enumerate(t.rows):
            total = _cell_value(row[tj]) if tj < len(row) else None
            parts = [_cell_value(row[j]) for j in cols if j != tj and j < len(row)]
            if total is None or total.kind == "percent" or any(p is None for p in parts):
                continue
            s = sum(p.value for p in parts)
            ok = abs(s - total.value) < 1e-6
            loc = t.row_location(i)
            yield rule.check(ok,
                             f"{parent}: cột tổng {fmt(total.value)} " + ("=" if ok else "≠")
                             + f" tổng các cột {fmt(s)}",
                             {"expected": s, "actual": total.value},
                             [Evidence(section=block.section_label, quote=row[tj], page=loc.page, line=loc.line,
                                       file=loc.file, figure=total.raw, sheet=loc.sheet, cell=t.cell_ref(i, tj))],
                             key=f"table-total-col:{block.section_label}:{parent}:{total.raw}",
                             relation={"kind": "partition", "cue": "cột tổng của bảng", "strength": "explicit",
                                       "scope": None})

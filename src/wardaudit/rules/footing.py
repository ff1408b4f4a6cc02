"""FOOT: totals against their parts, and the dossier flow identity."""
from __future__ import annotations

import re

from wardaudit.catalogue import load_catalogue
from wardaudit.extract.proximity import gap, words_before
from wardaudit.extract.table_units import ColumnUnit, column_units, table_unit
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
            if s > total.value + 1e-9:
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
    """Dossiers received in a period (plus those carried over into it, when stated apart from the received
    count: 'tuần trước chuyển sang 35, tiếp nhận mới 318') equal those resolved plus those still pending
    at its end (plus withdrawn, when stated), where all are stated within two outline items of the same
    section for the same period and scope, or resolved and pending in one sentence elsewhere with the
    report's one received count. No cue word states this identity, so the relation is inferred from
    the catalogue. Proves an arithmetic gap; cannot see dossiers the report does not mention.

    Strength: always inferred → warning ("cần rà soát").

    Okay: Năm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 90 hồ sơ, còn 10 hồ sơ đang giải quyết.
    Fail: Năm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 90 hồ sơ, còn 12 hồ sơ đang giải quyết.
    """
    facts = [f for f in ctx.facts if not is_target(f) and f.origin == "text"]
    flow = ("dossiers.resolved", "dossiers.pending", "dossiers.withdrawn", "dossiers.carried_over",
            "dossiers.to_resolve")
    items: dict[tuple, list] = {}
    for f in facts:  # the flow's figures by outline item, so 'near' is a look-up, not a scan
        if f.metric in flow:
            items.setdefault((f.file, f.section, f.item if f.item is not None else f.block), []).append(f)
    apart = _FlowsApart(facts)
    # 'Tổng số hồ sơ phải giải quyết: 353 (chuyển sang 35, tiếp nhận mới 318)': the flow is of that total
    to_resolve = {f.group: f for f in facts if f.metric == "dossiers.to_resolve" and f.role == "total"}
    for rec in [f for f in facts if f.metric == "dossiers.received"]:
        if rec.role == "part" and rec.group in to_resolve:
            rec = to_resolve.pop(rec.group)
        end = rec.period_end
        at = rec.item if rec.item is not None else rec.block
        near = [f for k in range(at - 2, at + 3) for f in items.get((rec.file, rec.section, k), ())
                if f.scope == rec.scope and gap(rec, f) is not None and abs(gap(rec, f)) <= 2]
        if rec.metric == "dossiers.received" and any(f.metric == "dossiers.to_resolve" for f in near):
            continue  # the flow nearby is of the dossiers to resolve, carried over ones included
        res = [f for f in near if f.metric == "dossiers.resolved" and f.period == rec.period]
        pend = [f for f in near if f.metric == "dossiers.pending"
                and (f.period == f"@{end}" if end else f.period is None)]
        if not res or not pend:
            res, pend = apart.of(rec)
        if not res or not pend:
            continue
        r = min(res, key=lambda f: (abs(f.block - rec.block), abs((f.sentence or 0) - (rec.sentence or 0))))
        p = min(pend, key=lambda f: (abs(f.block - rec.block), abs((f.sentence or 0) - (rec.sentence or 0))))
        wd = [f for f in near if f.metric == "dossiers.withdrawn" and f.period == rec.period]
        # dossiers carried over, stated beside the received count rather than within it
        co = [f for f in near if f.metric == "dossiers.carried_over" and f.period == rec.period
              and rec.metric == "dossiers.received" and _beside(f, rec)][:1]
        rel = Relation("flow", (rec, r, p, *wd[:1], *co), CATALOGUE_CUE, Strength.INFERRED, rec.scope)
        w = wd[0].value if wd else 0
        c = co[0].value if co else 0
        s = r.value + p.value + w
        ok = abs(s - rec.value - c) < 1e-6
        yield rule.judge(rel, ok,
                    ("Tiếp nhận" if rec.metric == "dossiers.received" else "Phải giải quyết")
                    + f" {fmt(rec.value)}" + (f" + chuyển sang {fmt(c)}" if co else "") + (" = " if ok else " ≠ ")
                    + f"đã giải quyết {fmt(r.value)} + đang giải quyết {fmt(p.value)}"
                    + (f" + rút {fmt(w)}" if wd else "") + f" = {fmt(s)}",
                    {"expected": rec.value + c, "actual": s, "received": rec.value, "resolved": r.value,
                     "pending": p.value, **({"carried_over": c} if co else {})},
                    [ev(rec), ev(r), ev(p)] + [ev(f) for f in co])


def _beside(carried, rec) -> bool:
    """Dossiers carried over stated beside the received count ('tuần trước chuyển sang 35 hồ sơ, tiếp nhận
    mới 318 hồ sơ'), not within it ('tiếp nhận 1.204 hồ sơ (kể cả 31 hồ sơ kỳ trước chuyển sang)')."""
    if rec.role == "part" and carried.role == "part":
        return carried.group == rec.group
    return carried.file == rec.file and carried.block == rec.block and carried.sentence == rec.sentence \
        and carried.group is None and not _WITHIN.search(words_before(carried, 60))


_WITHIN = re.compile(r"kể cả|bao gồm|\bgồm\b|trong đó|\(", re.IGNORECASE)


class _FlowsApart:
    """'1. Tiếp nhận: … 1.940 hồ sơ' and, in another section, '… đã giải quyết 1.897 hồ sơ, còn 43 hồ sơ
    đang giải quyết': resolved and pending in one sentence, with the report's one received count for that
    period and scope. Indexed once: the received counts by period and scope, the resolved/pending pairs."""

    def __init__(self, facts):
        self.received: dict[tuple, list] = {}
        for f in facts:
            if f.metric == "dossiers.received" and f.role != "part":
                self.received.setdefault((f.period, f.scope, f.file), []).append(f)
        sentences: dict[tuple, list] = {}
        for f in facts:
            if f.metric in ("dossiers.resolved", "dossiers.pending") and f.block is not None:
                sentences.setdefault((f.file, f.block, f.sentence), []).append(f)
        self.pairs: dict[tuple, list] = {}
        for fs in sentences.values():
            for r in (f for f in fs if f.metric == "dossiers.resolved"):
                for p in (f for f in fs if f.metric == "dossiers.pending" and f.scope == r.scope):
                    self.pairs.setdefault((r.period, r.scope), []).append((r, p))

    def of(self, rec):
        if self.received.get((rec.period, rec.scope, rec.file)) != [rec]:
            return [], []
        end = rec.period_end
        pairs = [(r, p) for r, p in self.pairs.get((rec.period, rec.scope), [])
                 if (p.period == f"@{end}" if end else p.period is None)]
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
    for bi, block in enumerate(ctx.document.blocks):
        t = block.table
        if block.kind != "table" or t is None or not t.rows:
            continue
        units = column_units(t, table_unit(ctx.document.blocks, bi))
        yield from _total_rows(rule, ctx, block, t, units)
        yield from _total_columns(rule, ctx, block, t)


def _column_name(t, j: int) -> str:
    return t.header[j] if j < len(t.header) else f"Cột {j}"


def _is_total_row(row: list[str]) -> bool:
    return bool(_TOTAL_LABEL.match(" ".join(c for c in row[:2] if c).strip()))


def _total_rows(rule: Rule, ctx: AuditContext, block, t, units):
    """Each total row's cells against the sum of the rows above it that are not totals themselves, in the
    column's unit (a budget table 'Đơn vị: triệu đồng' is summed in đồng); percentages are not summed."""
    for i, row in enumerate(t.rows):
        if not _is_total_row(row):
            continue
        above = [r for r in t.rows[:i] if not _is_total_row(r)]
        for j, cell in enumerate(row):
            total = _cell_value(cell) if j >= 1 else None
            col = units[j] if j < len(units) else ColumnUnit()
            if total is None or total.kind == "percent" or col.kind == "percent":
                continue
            addends = [v for v in (_cell_value(r[j]) if j < len(r) else None for r in above) if v is not None]
            if len(addends) < 2:
                continue
            s = sum(v.value for v in addends)
            ok = abs(s - total.value) < 1e-6
            loc = t.row_location(i)
            unit = f" {col.unit}" if col.kind == "money" else ""
            yield rule.check(ok,
                             f"{_column_name(t, j)}: dòng tổng {fmt(total.value)}{unit} "
                             + ("=" if ok else "≠") + f" tổng các dòng {fmt(s)}{unit}",
                             {"expected": s * col.scale, "actual": total.value * col.scale,
                              "parts": [v.value * col.scale for v in addends]},
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

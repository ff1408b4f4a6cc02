"""FOOT: totals against their parts, and the dossier flow identity."""
from __future__ import annotations

import re

from ..findings import Evidence
from ..numbers_vi import find_figures

from ..catalogue import load_catalogue
from . import AuditContext, rule
from ._util import by_key, ev, fmt, is_target, result, same_place


def _name(metric: str | None) -> str:
    return load_catalogue().label(metric)


@rule("FOOT001", "Tổng khác tổng các phần", "Total differs from the sum of its parts", "error")
def total_equals_parts(ctx: AuditContext):
    """A total must equal the sum of its stated parts ('trong đó …', 'gồm …', a table under a header
    total, a partition of the metric catalogue for the same period and scope). Proves an arithmetic
    difference; parts that are not a partition (a 'trong đó' naming only some of them) are checked
    only for exceeding the total.

    Okay: Tổng số hồ sơ tiếp nhận là 1.000 hồ sơ, trong đó 400 hồ sơ tiếp nhận trực tiếp, 600 hồ sơ tiếp nhận trực tuyến.
    Fail: Tổng số hồ sơ tiếp nhận là 1.000 hồ sơ, trong đó 400 hồ sơ tiếp nhận trực tiếp, 700 hồ sơ tiếp nhận trực tuyến.
    """
    cat = load_catalogue()
    groups = by_key([f for f in ctx.facts if f.group and f.role in ("total", "part")], lambda f: f.group)
    checked_totals = set()
    for gid, members in groups.items():
        totals = [f for f in members if f.role == "total"]
        parts = [f for f in members if f.role == "part"]
        if len(totals) != 1 or not parts:
            continue
        total = totals[0]
        metric = cat.get(total.metric)
        partition = next((p for p in (metric.parts if metric else ()) if all(f.metric in p for f in parts)), None)
        s = sum(f.value for f in parts)
        exhaustive = partition is not None and (len(parts) >= 2 or len(set(p.metric for p in parts)) == len(partition))
        if total.origin == "table" or (len(parts) >= 2 and partition is not None):
            exhaustive = True
        if not exhaustive:
            if s > total.value + 1e-9 and total.kind != "money":
                yield result("FOOT001", False, "error",
                             f"Các phần ({fmt(s)}) lớn hơn tổng ({fmt(total.value)}) / parts exceed the total",
                             {"expected": total.value, "actual": s, "parts": [f.value for f in parts]},
                             [ev(total)] + [ev(f) for f in parts], key=f"foot:{total.id}")
            continue
        ok = abs(s - total.value) < 1e-6
        checked_totals.add(total.id)
        yield result("FOOT001", ok, "error",
                     f"{_name(total.metric)}: tổng {fmt(total.value)} "
                     + ("= " if ok else "≠ ") + " + ".join(fmt(f.value) for f in parts) + f" = {fmt(s)}",
                     {"expected": total.value, "actual": s, "parts": [f.value for f in parts]},
                     [ev(total)] + [ev(f) for f in parts], key=f"foot:{total.id}")
    # catalogue partitions stated apart from each other (bullets, separate sentences)
    facts = [f for f in ctx.facts if f.metric and not is_target(f) and f.origin == "text"]
    for total in facts:
        metric = cat.get(total.metric)
        if total.id in checked_totals or metric is None or not metric.parts:
            continue
        for partition in metric.parts:
            chosen = []
            for key in partition:
                cands = [f for f in facts if f.metric == key and f.period == total.period and f.scope == total.scope
                         and f.role != "total" and same_place(f, total, 0)]
                if cands:
                    chosen.append(min(cands, key=lambda f: abs((f.block or 0) - (total.block or 0))))
            if len(chosen) < max(2, len(partition) - 1) or len(chosen) < 2:
                continue
            s = sum(f.value for f in chosen)
            ok = abs(s - total.value) < 1e-6
            checked_totals.add(total.id)
            yield result("FOOT001", ok, "error",
                         f"{_name(total.metric)}: tổng {fmt(total.value)} " + ("= " if ok else "≠ ")
                         + " + ".join(fmt(f.value) for f in chosen) + f" = {fmt(s)}",
                         {"expected": total.value, "actual": s, "parts": [f.value for f in chosen]},
                         [ev(total)] + [ev(f) for f in chosen], key=f"foot:{total.id}")
            break


@rule("FOOT002", "Tiếp nhận ≠ đã giải quyết + đang giải quyết", "Received ≠ resolved + pending", "error")
def dossier_flow(ctx: AuditContext):
    """Dossiers received in a period equal those resolved plus those still pending at its end (plus
    withdrawn, when stated), where all are stated together for the same period. Proves an arithmetic
    gap; cannot see dossiers the report does not mention.

    Okay: Năm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 90 hồ sơ, còn 10 hồ sơ đang giải quyết.
    Fail: Năm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 90 hồ sơ, còn 12 hồ sơ đang giải quyết.
    """
    facts = [f for f in ctx.facts if not is_target(f) and f.origin == "text"]
    for rec in [f for f in facts if f.metric == "dossiers.received"]:
        end = rec.period_end
        res = [f for f in facts if f.metric == "dossiers.resolved" and f.period == rec.period and same_place(f, rec, 2)]
        pend = [f for f in facts if f.metric == "dossiers.pending" and same_place(f, rec, 2)
                and (f.period == f"@{end}" if end else f.period is None)]
        if not res or not pend:
            continue
        r = min(res, key=lambda f: abs((f.block or 0) - (rec.block or 0)))
        p = min(pend, key=lambda f: abs((f.block or 0) - (rec.block or 0)))
        wd = [f for f in facts if f.metric == "dossiers.withdrawn" and f.period == rec.period and same_place(f, rec, 2)]
        w = wd[0].value if wd else 0
        s = r.value + p.value + w
        ok = abs(s - rec.value) < 1e-6
        yield result("FOOT002", ok, "error",
                     f"Tiếp nhận {fmt(rec.value)} " + ("= " if ok else "≠ ") + f"đã giải quyết {fmt(r.value)} + "
                     f"đang giải quyết {fmt(p.value)}" + (f" + rút {fmt(w)}" if wd else "") + f" = {fmt(s)}",
                     {"expected": rec.value, "actual": s, "received": rec.value, "resolved": r.value,
                      "pending": p.value}, [ev(rec), ev(r), ev(p)], key=f"flow:{rec.id}")


_TOTAL_LABEL = re.compile(r"^(tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)


def _cell_value(cell: str):
    figs = find_figures(cell)
    if len(figs) == 1 and figs[0].kind in ("count", "money", "percent") and re.fullmatch(r"[\s\d.,%]+", cell):
        return figs[0]
    return None


@rule("FOOT003", "Dòng/cột tổng của bảng khác tổng các dòng/cột", "Table total row or column ≠ sum", "error")
def table_totals(ctx: AuditContext):
    """A table's total row ('Tổng', 'Cộng', 'Tổng cộng') must equal the sum of the rows above it in each
    numeric column; a 'Tổng' column under a spanning header must equal the sum of its sibling columns.
    Percentages are not summed. Proves an arithmetic difference; cannot tell which cell is wrong.

    Okay: | STT | Đơn vị | Số hồ sơ |\\n|---|---|---|\\n| 1 | Thôn A | 10 |\\n| 2 | Thôn B | 15 |\\n| | Tổng cộng | 25 |
    Fail: | STT | Đơn vị | Số hồ sơ |\\n|---|---|---|\\n| 1 | Thôn A | 10 |\\n| 2 | Thôn B | 15 |\\n| | Tổng cộng | 27 |
    """
    for block in ctx.document.blocks:
        t = block.table
        if block.kind != "table" or t is None or not t.rows:
            continue
        for i, row in enumerate(t.rows):
            label = " ".join(c for c in row[:2] if c)
            if not _TOTAL_LABEL.match(label.strip()):
                continue
            above = [r for r in t.rows[:i] if not _TOTAL_LABEL.match(" ".join(c for c in r[:2] if c).strip())]
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
                yield result("FOOT003", ok, "error",
                             f"{t.header[j] if j < len(t.header) else 'Cột ' + str(j)}: dòng tổng {fmt(total.value)} "
                             + ("=" if ok else "≠") + f" tổng các dòng {fmt(s)}",
                             {"expected": s, "actual": total.value, "parts": [v.value for v in addends]},
                             [Evidence(section=block.section_label, quote=cell, page=loc.page, line=loc.line,
                                       file=ctx.document.source, figure=total.raw)],
                             key=f"table-total:{loc.anchor()}:{j}")
        # a 'Tổng' sub-column beside its siblings under one spanning header ('Số hồ sơ / Tổng')
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
                yield result("FOOT003", ok, "error",
                             f"{parent}: cột tổng {fmt(total.value)} " + ("=" if ok else "≠") + f" tổng các cột {fmt(s)}",
                             {"expected": s, "actual": total.value}, [Evidence(section=block.section_label, quote=row[tj],
                                                                                page=loc.page, line=loc.line,
                                                                                file=ctx.document.source, figure=total.raw)],
                             key=f"table-total-col:{loc.anchor()}:{tj}")

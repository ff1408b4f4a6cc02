"""FOOT: totals against their parts, and the dossier flow identity."""
from __future__ import annotations

from ..catalogue import load_catalogue
from . import AuditContext, rule
from ._util import by_key, ev, fmt, is_target, result, same_place


def _name(metric: str | None) -> str:
    return metric or "số liệu"


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
                         f"{total.metric}: tổng {fmt(total.value)} " + ("= " if ok else "≠ ")
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
        pend = [f for f in facts if f.metric == "dossiers.pending" and f.period == f"@{end}" and same_place(f, rec, 2)]
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

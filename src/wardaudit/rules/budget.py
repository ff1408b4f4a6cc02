"""BUDG: money — disbursed against allocated, unit slips by a factor of 1.000."""
from __future__ import annotations

from wardaudit.extract.proximity import same_sentence
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength
from wardaudit.rules._util import ev, fmt, is_target
from wardaudit.rules.base import AuditContext, Rule, rule


def _year(f) -> str | None:
    end = f.period_end
    return end[:4] if end else None


@rule("BUDG001")
def disbursed_within_allocated(rule: Rule, ctx: AuditContext):
    """Money disbursed cannot exceed the money allocated for the same year; when multiplying the
    allocation by 1.000 removes the contradiction the message says the unit was likely mistyped.
    Cannot see allocations the report does not state.

    Strength: explicit when both amounts are in one sentence → error; otherwise inferred → warning.

    Okay: Năm 2026, tổng kinh phí bố trí là 500 triệu đồng. Đến thời điểm báo cáo đã giải ngân 120 triệu đồng.
    Fail: Năm 2026, tổng kinh phí bố trí là 100 triệu đồng. Đến thời điểm báo cáo đã giải ngân 120 triệu đồng.
    """
    allocated = [f for f in ctx.facts if f.metric == "budget.allocated" and not is_target(f)] or \
        [f for f in ctx.facts if f.metric == "budget.total" and not is_target(f)]  # 'tổng kinh phí được giao'
    disbursed = [f for f in ctx.facts if f.metric == "budget.disbursed" and not is_target(f)]
    for d in disbursed:
        same = [a for a in allocated if _year(a) == _year(d)] or allocated
        if not same:
            continue
        a = max(same, key=lambda f: f.value)
        ok = d.value <= a.value + 1e-6
        hint = ""
        if not ok and d.value >= 100 * a.value and a.value * 1000 >= d.value:
            hint = (f"; có thể viết nhầm đơn vị: {fmt(a.value)} đồng nhiều khả năng là {fmt(a.value * 1000)} đồng"
                    " (×1.000)")
        rel = Relation("budget", (a, d), "cùng câu" if same_sentence(a, d) else CATALOGUE_CUE,
                       Strength.EXPLICIT if same_sentence(a, d) else Strength.INFERRED, a.scope)
        yield rule.judge(rel, ok,
                     f"Giải ngân {fmt(d.value)} đồng " + ("≤" if ok else ">")
                     + f" kinh phí bố trí {fmt(a.value)} đồng" + hint,
                     {"expected": a.value, "actual": d.value, "allocated": a.value, "disbursed": d.value},
                     [ev(a), ev(d)])


@rule("BUDG002")
def unit_slip(rule: Rule, ctx: AuditContext):
    """An amount written in đồng that is a thousandth of the amounts it is compared with (its parts,
    the disbursement, the same budget elsewhere) was plainly meant in nghìn/triệu. Proves a
    ×1.000 disagreement between related amounts; cannot know the intended unit for certain.

    Strength: no relation is stated; a ×1.000 gap between related amounts is inferred → warning.

    Okay: Kinh phí bố trí là 300 triệu đồng. Dự án camera là 200 triệu đồng. Mua sắm thiết bị là 100 triệu đồng.
    Fail: Kinh phí bố trí là 300.000 đồng. Dự án camera là 200 triệu đồng. Mua sắm thiết bị là 100 triệu đồng.
    """
    money = [f for f in ctx.facts if f.kind == "money" and f.value > 0 and not is_target(f)]
    for a in [f for f in money if f.metric == "budget.allocated"]:
        others = [f for f in money if f is not a and f.metric in ("budget.disbursed", "budget.item", "budget.allocated")
                  and (f.line == a.line or abs((f.line or 0) - (a.line or 0)) <= 4)]
        if not others or any(f.metric == "budget.disbursed" and f.value > a.value for f in others):
            continue  # a disbursement above it: BUDG001 reports the contradiction and the likely slip
        biggest = max(f.value for f in others)
        slip = biggest > a.value * 50 and a.value * 1000 >= biggest and (a.unit or "") == "đồng"
        yield rule.check(not slip,
                     (f"Kinh phí {a.raw} có vẻ sai đơn vị: các khoản liên quan lên tới {fmt(biggest)} đồng; "
                      f"nhiều khả năng là {fmt(a.value * 1000)} đồng / likely written in the wrong unit") if slip else
                     f"Đơn vị tiền của {a.raw} thống nhất với các khoản liên quan",
                     {"expected": a.value * 1000 if slip else a.value, "actual": a.value},
                     [ev(a)] + [ev(f) for f in others],
                     key=f"unit:{a.metric}:{a.period}:{a.raw}")


@rule("BUDG003")
def allocated_plus_unallocated(rule: Rule, ctx: AuditContext):
    """A budget total must equal what was allocated plus what remains unallocated, when the three are
    stated together. Proves the arithmetic gap; cannot see amounts the report leaves out.

    Strength: explicit (the three amounts within one or two paragraphs) → error.

    Okay: Tổng dự toán kinh phí năm 2026 là 500 triệu đồng; đã được phân bổ 300 triệu đồng, còn lại chưa phân bổ 200 triệu đồng.
    Fail: Tổng dự toán kinh phí năm 2026 là 500 triệu đồng; đã được phân bổ 300 triệu đồng, còn lại chưa phân bổ 100 triệu đồng.
    """  # noqa: E501 - report sentences kept whole
    from wardaudit.rules._util import same_place

    money = [f for f in ctx.facts if f.kind == "money" and not is_target(f)]
    for total in [f for f in money if f.metric == "budget.total"]:
        alloc = [f for f in money if f.metric == "budget.allocated" and same_place(f, total, 1)]
        rest = [f for f in money if f.metric == "budget.unallocated" and same_place(f, total, 1)]
        if not alloc or not rest:
            continue
        a, u = alloc[0], rest[0]
        ok = abs(a.value + u.value - total.value) < 1e-6
        yield rule.check(ok,
                     f"Tổng {fmt(total.value)} đồng " + ("=" if ok else "≠") + f" đã phân bổ {fmt(a.value)} + "
                     f"chưa phân bổ {fmt(u.value)} = {fmt(a.value + u.value)} đồng",
                     {"expected": total.value, "actual": a.value + u.value}, [ev(total), ev(a), ev(u)],
                     key=f"partition:{total.metric}:{total.scope or ''}:{total.period}:{total.raw}+{a.raw}+{u.raw}",
                     relation={"kind": "partition", "cue": "đã phân bổ / chưa phân bổ", "strength": "explicit",
                               "scope": total.scope})

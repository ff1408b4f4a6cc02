"""RATE: stated rates against their numerator and denominator, and rates out of range."""
from __future__ import annotations

import re

from wardaudit.model.facts import LOOSE, meets
from wardaudit.model.relations import Relation, Strength
from wardaudit.rules._util import ev, fmt
from wardaudit.rules.base import AuditContext, Rule, rule
from wardaudit.vi.numbers import tolerance


@rule("RATE001")
def rate_matches(rule: Rule, ctx: AuditContext):
    """A stated rate must equal numerator/denominator at the precision it was written with (97,50%
    is checked to 0,005; 39% to 0,5; 'trên 94%' only as a lower bound, 'khoảng 90%' within a
    point). Checks ratio relations: the numerator is the count the rate follows in its clause (or
    a count in brackets after it). The base is explicit only when the text ties it to the rate: the
    numerator's own '/M', a count introduced as a base in the rate's sentence ('trên tổng số N', 'trong
    số N'), a bracketed count the words after the rate name ('đạt 98% số người thuộc diện (N người)'), a
    compared period's count ('bằng 112% so với tháng 9 (N hồ sơ)'), or the whole of the numerator's
    breakdown stated with it ('tiếp nhận N hồ sơ, trong đó M trực tuyến, chiếm X%'). A base found
    anywhere else is inferred and the relation says where it came from (``base_source``: the rate's
    sentence, the sentence before, its paragraph, an earlier item, a table's layout): the catalogue's
    base nearby (else the one whole of it the rate's section states before it), the plan a rate is 'of'
    ('đạt 115% kế hoạch'), the one earlier count of the numerator's noun in the sentence or the sentence
    before (people in any of their nouns), the whole the words after
    the rate name ('bằng 71,6% số hộ …', 'chiếm 27,7% toàn tỉnh'); in a table, a row's 'Tỷ lệ' cell as the
    row's smaller count over its larger, or as its count over the total row's. A count that is a part of
    a part (on time ⊂ resolved ⊂ received) is tried against each base found (``one_of``): the rate holds
    when one of them gives it, and the finding names which. A rank ('xếp thứ 12/34') or a count of units
    meeting a condition ('4/7 huyện đạt tỷ lệ này dưới 2%') is never a rate's numerator or base. With no
    base found the rate is not checked, and counted as unchecked. Carried-over dossiers are in or out of
    the denominator as the ward's parameters say.

    Strength: explicit (the base tied to the rate by the text) → error; inferred → warning "cần rà
    soát"; ambiguous (no base, figures of different scopes) → skipped.

    Okay: Đã giải quyết 95 hồ sơ trên tổng số 100 hồ sơ tiếp nhận. Số hóa: 95/100 hồ sơ, tỷ lệ: 95%.
    Fail: Số hóa: 95/100 hồ sơ, tỷ lệ: 97%.
    """
    for rel in ctx.relations["ratio"]:
        if rel.strength is Strength.AMBIGUOUS:
            yield rule.judge(rel, True, "", {"stated": rel.members[0].value}, [ev(rel.members[0])])
            continue
        rate, num, bases = rel.members[0], rel.members[1], rel.members[2:]
        if not bases and not num.denominator:
            yield rule.judge(rel, True, "", {}, [ev(rate)])
            continue
        tried = [(b, _base_value(ctx, b)) for b in bases] if bases else [(None, num.denominator)]
        tried = [(b, d) for b, d in tried if d]
        if not tried:
            continue  # nothing to divide by ('0 hồ sơ'): no rate to check
        results = [(b, d, 100.0 * num.value / d) for b, d in tried]
        holding = [r for r in results if _holds(rate, r[2])]
        base, den, computed = (holding or results)[0]
        evidence = [ev(rate), ev(num)] + [ev(b) for b in bases if b is not num]
        values = {"stated": rate.value, "computed": round(computed, 4), "numerator": num.value, "denominator": den,
                  "expected": round(computed, 4), "actual": rate.value}
        if len(results) > 1:
            values["bases"] = [d for _, d, _ in results]
            values["computed_by_base"] = [round(c, 4) for _, _, c in results]
            if rate.value:
                values["implied_base"] = round(100.0 * num.value / rate.value, 2)
        yield rule.judge(rel, bool(holding), _message(rate, num, results, bool(holding)), values, evidence)


def _base_value(ctx: AuditContext, base) -> float:
    """A base's value, less the carried-over dossiers of its breakdown when the ward's parameters leave
    them out of the denominator."""
    den = base.value
    if base.metric == "dossiers.received" and not ctx.carried_over_in_denominator:
        den -= sum(f.value for f in ctx.facts if f.metric == "dossiers.carried_over"
                   and f.period == base.period and base.group and f.group == base.group)
    return den


def _holds(rate, computed: float) -> bool:
    """A bound is a threshold, not a rounded value; an approximation is within a point; a share of at most
    100% cannot come from a part larger than its whole."""
    if rate.qualifier in LOOSE:
        ok = meets(computed, rate)
    else:
        ok = abs(computed - rate.value) <= tolerance(rate.decimals) + 1e-9
    return ok and not (computed > 100 + 1e-9 and rate.value <= 100)


def _message(rate, num, results: list, ok: bool) -> str:
    """'Tỷ lệ 95% = 190 / 200 = 95,00%'; with several bases tried, each of them ('≠ … ; ≠ …'), or the
    one that gives the rate."""
    digits = max(2, rate.decimals)
    if ok or len(results) == 1:
        _, den, computed = next(r for r in results if _holds(rate, r[2])) if ok else results[0]
        sign = "=" if ok else "≠"
        return f"Tỷ lệ {rate.raw} {sign} {fmt(num.value)} / {fmt(den)} = {fmt(computed, digits)}%"
    tried = "; ".join(f"≠ {fmt(num.value)} / {fmt(den)} = {fmt(c, digits)}%" for _, den, c in results)
    return f"Tỷ lệ {rate.raw} {tried}: không mẫu số nào nêu trong văn bản cho ra tỷ lệ này"


@rule("RATE002")
def rate_range(rule: Rule, ctx: AuditContext):
    """A share cannot exceed 100% or be negative ('đạt trên 100%'). Proves an impossible share; growth
    rates ('tăng 120%') are not shares and are not checked.

    Strength: explicit — a share stated above 100% is impossible on its face → error.

    Okay: Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 100%.
    Fail: Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 120%.
    """
    for f in ctx.facts:
        if f.kind != "percent":
            continue
        at = f.quote.find(f.raw)
        before, after = f.quote.lower()[:max(0, at)][-40:], f.quote.lower()[at + len(f.raw):][:40] if at >= 0 else ""
        if _NOT_A_SHARE.search(before) or _OF_SOMETHING_ELSE.search(after) or f.role == "completion" or (
                f.origin == "table" and _OF_PLAN_COLUMN.search((f.label or "").split(" | ")[0])):
            continue  # growth, or a per cent of the plan / of last year: not a share of a whole
        ok = 0 <= f.value <= 100 and not (f.value >= 100 and f.qualifier == "lower_bound")
        if ok and f.value != 100 and f.role not in ("rate",):
            continue  # only report in-range results where they matter: full rates and rates with counts
        yield rule.check(ok,
                     f"Tỷ lệ {f.raw} " + ("trong khoảng 0–100%" if ok else "nằm ngoài khoảng 0–100%"),
                     {"actual": f.value}, [ev(f)], key=f"range:{f.metric}:{f.period}:{f.raw}")


_NOT_A_SHARE = re.compile(r"tăng|giảm|vượt|bằng|gấp", re.IGNORECASE)
# a table column of results against targets ('Tỷ lệ hoàn thành (%)' beside 'Mục tiêu năm'): 106,7% is possible
_OF_PLAN_COLUMN = re.compile(r"hoàn thành|so với|kế hoạch|mục tiêu|chỉ tiêu", re.IGNORECASE)
_OF_SOMETHING_ELSE = re.compile(r"^\s*(?:so với|kế hoạch|chỉ tiêu|cùng kỳ|dự toán|mục tiêu|nhiệm vụ được giao)",
                                re.IGNORECASE)


@rule("RATE003")
def shares_of_a_whole(rule: Rule, ctx: AuditContext):
    """Shares given for the parts of one whole ('358 thủ tục, trong đó toàn trình 196 (54,7%), một phần
    162 (45,3%)', 'trực tuyến 860 hồ sơ, chiếm 86%') must equal part / whole at the precision written,
    and, when every part of an exhaustive partition has one, add up to 100%. Shares are not rates of
    one quantity: they are never compared with each other as recurrences. Cannot check shares given
    without counts.

    Strength: explicit (shares inside a stated partition) → error.

    Okay: Tổng số thủ tục hành chính là 200 thủ tục, trong đó toàn trình 150 thủ tục (75%), một phần 50 thủ tục (25%).
    Fail: Tổng số thủ tục hành chính là 200 thủ tục, trong đó toàn trình 150 thủ tục (70%), một phần 50 thủ tục (30%).
    """
    by_total: dict[str, list] = {}
    for rel in ctx.relations["share"]:
        share, part, total = rel.members
        by_total.setdefault(total.id, []).append(rel)
        computed = 100.0 * part.value / total.value
        ok = abs(computed - share.value) <= tolerance(share.decimals) + 1e-9
        yield rule.judge(rel, ok,
                    f"Tỷ trọng {share.raw} của {fmt(part.value)}/{fmt(total.value)} "
                    + ("=" if ok else "≠") + f" {fmt(computed, max(1, share.decimals))}%",
                    {"stated": share.value, "computed": round(computed, 4), "expected": round(computed, 4),
                     "actual": share.value, "numerator": part.value, "denominator": total.value},
                    [ev(share), ev(part), ev(total)])
    for rel in ctx.relations["share_set"]:
        s = sum(f.value for f in rel.members)
        tol = sum(tolerance(f.decimals) for f in rel.members) + 1e-9
        if s > 100 + tol:
            yield rule.judge(rel, False, f"Các tỷ trọng {' + '.join(f.raw for f in rel.members)} = "
                        f"{fmt(s, 2)}%, vượt 100%", {"expected": 100, "actual": s}, [ev(f) for f in rel.members])
        elif abs(s - 100) <= tol:
            yield rule.judge(rel, True, f"Các tỷ trọng {' + '.join(f.raw for f in rel.members)} = 100%",
                        {"expected": 100, "actual": s}, [ev(f) for f in rel.members])
    partitions = {r.members[0].id: r for r in ctx.relations["partition"]}
    for tid, rels in by_total.items():
        whole = partitions.get(tid)
        if whole is None or len(rels) < 2:
            continue
        s = sum(r.members[0].value for r in rels)
        tol = sum(tolerance(r.members[0].decimals) for r in rels) + 1e-9
        complete = whole.exhaustive and len(rels) == len(whole.members) - 1
        if not complete and s <= 100 + tol:
            continue  # shares of some of the parts: only a sum above 100% is impossible
        ok = abs(s - 100) <= tol if complete else False
        sum_rel = Relation("share", tuple(r.members[0] for r in rels), rels[0].cue, Strength.EXPLICIT, rels[0].scope)
        yield rule.judge(sum_rel, ok,
                    f"Tổng tỷ trọng các phần = {fmt(s, 2)}%" + ("" if ok else " ≠ 100%"),
                    {"expected": 100, "actual": s}, [ev(r.members[0]) for r in rels])

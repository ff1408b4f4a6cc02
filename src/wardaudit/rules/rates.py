"""RATE: stated rates against their numerator and denominator, and rates out of range."""
from __future__ import annotations

from ..catalogue import load_catalogue
from ..numbers_vi import tolerance
from . import AuditContext, rule
from ._util import ev, fmt, is_target, result, same_place


def _denominator(ctx: AuditContext, rate, numerator):
    """The count the rate is 'of': the numerator's own '/b', the group's total, or the catalogue's
    denominator metric stated for the same period nearby (then anywhere)."""
    if numerator.denominator:
        return numerator.denominator, None
    cat = load_catalogue()
    metric = cat.get(rate.metric)
    den_metric = metric.denominator if metric else None
    if not den_metric:
        return None, None
    cands = [f for f in ctx.facts if f.metric == den_metric and f.period == rate.period and not is_target(f)
             and f.origin == "text"]
    near = [f for f in cands if same_place(f, rate, 0)] or [f for f in cands if same_place(f, rate, 3)] or cands
    if not near:
        return None, None
    den = min(near, key=lambda f: (abs((f.block or 0) - (rate.block or 0)), -f.value))
    value = den.value
    if den_metric == "dossiers.received" and not ctx.carried_over_in_denominator:
        carried = [f for f in ctx.facts if f.metric == "dossiers.carried_over" and f.period == den.period
                   and f.group == den.group and den.group]
        value -= sum(f.value for f in carried)
    return value, den


@rule("RATE001", "Tỷ lệ không khớp tử số/mẫu số", "Stated rate ≠ numerator / denominator", "error")
def rate_matches(ctx: AuditContext):
    """A stated rate must equal numerator/denominator at the precision it was written with (98,70%
    is checked to 0,005; 39% to 0,5; 'trên 94%' only as a lower bound). The denominator is the
    numerator's own '/b', or the metric's denominator stated for the same period (carried-over
    dossiers in or out as the ward's parameters say). Cannot check a rate given without counts.

    Okay: Đã giải quyết 95 hồ sơ trên tổng số 100 hồ sơ tiếp nhận. Số hóa: 95/100 hồ sơ, tỷ lệ: 95%.
    Fail: Số hóa: 95/100 hồ sơ, tỷ lệ: 97%.
    """
    cat = load_catalogue()
    for rate in [f for f in ctx.facts if f.kind == "percent" and not is_target(f)
                 and f.qualifier not in ("approx",) and (f.role == "rate" or f.role is None)]:
        nums = [f for f in ctx.facts if f.group == rate.group and f.role == "numerator"] if rate.group else []
        if not nums and rate.role is None:
            # a rate stated on its own: its counts may be stated nearby for the same period
            metric = cat.get(rate.metric)
            if not metric or not metric.numerator:
                continue
            nums = [f for f in ctx.facts if f.metric == metric.numerator and f.period == rate.period
                    and f.origin == "text" and not is_target(f) and same_place(f, rate, 6) and f.kind in ("count", "ratio")]
        if not nums:
            continue
        num = nums[0]
        den, den_fact = _denominator(ctx, rate, num)
        if not den:
            yield result("RATE001", True, "error", f"Không xác định được mẫu số cho tỷ lệ {rate.raw}", {}, [ev(rate)])
            continue
        computed = 100.0 * num.value / den
        tol = tolerance(rate.decimals) + 1e-9
        if rate.qualifier == "lower_bound":
            ok = computed > rate.value - tol
        elif rate.qualifier in ("approx",):
            ok = abs(computed - rate.value) <= max(1.0, tol)
        else:
            ok = abs(computed - rate.value) <= tol
        evidence = [ev(rate), ev(num)] + ([ev(den_fact)] if den_fact is not None and den_fact is not num else [])
        yield result("RATE001", ok, "error",
                     f"Tỷ lệ {rate.raw} " + ("=" if ok else "≠") + f" {fmt(num.value)} / {fmt(den)} = "
                     f"{fmt(computed, max(2, rate.decimals))}%",
                     {"stated": rate.value, "computed": round(computed, 4), "numerator": num.value, "denominator": den,
                      "expected": round(computed, 4), "actual": rate.value},
                     evidence, key=f"rate:{rate.id}")


@rule("RATE002", "Tỷ lệ ngoài khoảng 0–100%", "Rate outside 0–100%", "error")
def rate_range(ctx: AuditContext):
    """A share cannot exceed 100% or be negative ('đạt trên 100%'). Proves an impossible share; growth
    rates ('tăng 120%') are not shares and are not checked.

    Okay: Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 100%.
    Fail: Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 120%.
    """
    for f in ctx.facts:
        if f.kind != "percent" or "tăng" in f.quote.lower()[:max(0, f.quote.find(f.raw))][-30:]:
            continue
        ok = 0 <= f.value <= 100 and not (f.value >= 100 and f.qualifier == "lower_bound")
        if ok and f.value != 100 and f.role not in ("rate",):
            continue  # only report in-range results where they matter: full rates and rates with counts
        yield result("RATE002", ok, "error",
                     f"Tỷ lệ {f.raw} " + ("trong khoảng 0–100%" if ok else "nằm ngoài khoảng 0–100% / outside 0–100%"),
                     {"actual": f.value}, [ev(f)], key=f"range:{f.id}")


@rule("RATE003", "Tỷ trọng các phần không khớp số liệu", "Shares of one whole contradict their counts", "error")
def shares_of_a_whole(ctx: AuditContext):
    """Shares given for the parts of one whole ('358 thủ tục, trong đó toàn trình 196 (54,7%), một phần
    162 (45,3%)') must equal part / whole at the precision written, and, when every part has one, add up
    to 100%. Proves a share that contradicts its counts; cannot check shares given without counts.

    Okay: Tổng số thủ tục hành chính là 200 thủ tục, trong đó toàn trình 150 thủ tục (75%), một phần 50 thủ tục (25%).
    Fail: Tổng số thủ tục hành chính là 200 thủ tục, trong đó toàn trình 150 thủ tục (70%), một phần 50 thủ tục (30%).
    """
    groups: dict[str, list] = {}
    for f in ctx.facts:
        if f.group:
            groups.setdefault(f.group, []).append(f)
    for gid, members in groups.items():
        totals = [f for f in members if f.role == "total" and f.kind in ("count", "money")]
        if len(totals) != 1:
            continue
        total = totals[0]
        ordered = sorted(members, key=lambda f: f.id)
        shares = []
        for i, f in enumerate(ordered):
            if f.kind == "percent" and i > 0 and ordered[i - 1].role == "part":
                shares.append((ordered[i - 1], f))
        if not shares or not total.value:
            continue
        for part, share in shares:
            computed = 100.0 * part.value / total.value
            ok = abs(computed - share.value) <= tolerance(share.decimals) + 1e-9
            yield result("RATE003", ok, "error",
                         f"Tỷ trọng {share.raw} của {fmt(part.value)}/{fmt(total.value)} "
                         + ("=" if ok else "≠") + f" {fmt(computed, max(1, share.decimals))}%",
                         {"stated": share.value, "computed": round(computed, 4), "expected": round(computed, 4),
                          "actual": share.value, "numerator": part.value, "denominator": total.value},
                         [ev(share), ev(part), ev(total)], key=f"share:{share.id}")
        parts = [f for f in members if f.role == "part"]
        if len(shares) == len(parts) >= 2:
            s = sum(sh.value for _, sh in shares)
            tol = sum(tolerance(sh.decimals) for _, sh in shares) + 1e-9
            ok = abs(s - 100) <= tol
            yield result("RATE003", ok, "error",
                         f"Tổng tỷ trọng các phần = {fmt(s, 2)}%" + ("" if ok else " ≠ 100% / shares do not add up to 100%"),
                         {"expected": 100, "actual": s}, [ev(sh) for _, sh in shares], key=f"shares:{gid}")

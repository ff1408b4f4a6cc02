"""TGT: results against targets, and claims of completion the numbers contradict."""
from __future__ import annotations

import re

from wardaudit.rules._util import by_key, ev, fmt
from wardaudit.rules.base import AuditContext, Rule, rule

_CLAIM_ALL = re.compile(r"(hoàn thành\s+(?:100%|tất cả|toàn bộ)(?:\s+các)?\s+nhiệm vụ"
                        r"|đã hoàn thành (?:tất cả|toàn bộ)(?: các)? nhiệm vụ"
                        r"|không (?:có|phát sinh|còn) nhiệm vụ[^.;]{0,40}chưa hoàn thành)",
                        re.IGNORECASE)
_CLAIM_ON_TIME = re.compile(r"(hoàn thành đúng tiến độ|không (?:có|phát sinh) nhiệm vụ (?:chậm|quá hạn)[\w ]*)",
                            re.IGNORECASE)


@rule("TGT001")
def result_vs_target(rule: Rule, ctx: AuditContext):
    """In an indicator table, the result must reach the target ('≥98' is met by 98). Proves a
    shortfall; cannot say whether the year is over (a mid-year shortfall may be on track).

    Strength: explicit — the indicator table's target and result columns (warning: a shortfall is not an arithmetic error).

    Okay: | TT | Chỉ tiêu | Đơn vị tính | Mục tiêu | Kết quả |\\n|---|---|---|---|---|\\n| 1 | Tỷ lệ hồ sơ trực tuyến | % | 90 | 95 |
    Fail: | TT | Chỉ tiêu | Đơn vị tính | Mục tiêu | Kết quả |\\n|---|---|---|---|---|\\n| 1 | Tỷ lệ hồ sơ trực tuyến | % | 90 | 70 |
    """  # noqa: E501 - report sentences kept whole
    groups = by_key([f for f in ctx.facts if f.role in ("target", "result") and f.group], lambda f: f.group)
    for fs in groups.values():
        t = next((f for f in fs if f.role == "target"), None)
        r = next((f for f in fs if f.role == "result"), None)
        if t is None or r is None:
            continue
        ok = r.value >= t.value - 1e-9
        label = (t.label or t.quote)[:90]
        yield rule.check(ok,
                     f"{label}: kết quả {fmt(r.value)} " + ("đạt" if ok else "thấp hơn") + f" mục tiêu {fmt(t.value)}"
                     + ("" if ok else " / result below target"),
                     {"expected": t.value, "actual": r.value}, [ev(t), ev(r)], key=f"tgt:{t.metric}:{label}")


@rule("TGT002")
def completion_claim(rule: Rule, ctx: AuditContext):
    """A narrative claim that every task is completed ('hoàn thành 100% nhiệm vụ', 'đã hoàn thành tất cả
    nhiệm vụ') is contradicted when the report's own counts show fewer completed than assigned; a
    claim of completion on schedule ('hoàn thành đúng tiến độ') when its counts show overdue or late
    tasks. Tasks still in progress within their deadline do not contradict 'đúng tiến độ'. Proves
    the contradiction between words and figures; cannot read every way of saying 'done'.

    Strength: inferred — a claim in words against the report's own counts → warning.

    Okay: Tổng số nhiệm vụ được giao: 4, trong đó số nhiệm vụ đã hoàn thành: 4. Xã đã hoàn thành 100% nhiệm vụ.
    Fail: Tổng số nhiệm vụ được giao: 10, trong đó số nhiệm vụ đã hoàn thành: 4. Xã đã hoàn thành 100% nhiệm vụ.
    """
    def stated(metric):
        return next((f for f in ctx.facts if f.metric == metric and f.origin == "text" and f.qualifier != "target"),
                    None)

    assigned, completed = stated("tasks.assigned"), stated("tasks.completed")
    late = [f for f in (stated("tasks.overdue"), stated("tasks.completed_late")) if f is not None]
    from wardaudit.model.findings import Evidence
    for b in ctx.document.blocks:
        if b.kind != "paragraph" or b.appendix:
            continue
        m = _CLAIM_ALL.search(b.text)
        if m and assigned is not None and completed is not None:
            ok = completed.value >= assigned.value
            figures = [assigned, completed]
            detail = f"hoàn thành {fmt(completed.value)}/{fmt(assigned.value)} nhiệm vụ"
        else:
            m = _CLAIM_ON_TIME.search(b.text)
            if not m or not late:
                continue
            ok = all(f.value == 0 for f in late)
            figures = late
            detail = ", ".join(f"{f.metric} = {fmt(f.value)}" for f in late)
        yield rule.check(ok,
                     f"Báo cáo khẳng định '{m.group(1)}'; số liệu: {detail}"
                     + ("" if ok else " / the claim is contradicted by the figures"),
                     {"expected": assigned.value if assigned else None,
                      "actual": completed.value if completed else None},
                     [Evidence(section=b.section_label, quote=b.text[:300], page=b.location.page, line=b.location.line,
                               file=ctx.document.source, figure=m.group(1))] + [ev(f) for f in figures],
                     key="tgt:claim")


_MAINTAIN = re.compile(r"\bduy trì\b", re.IGNORECASE)
_FULL_COVERAGE = re.compile(r"(phủ kín(?: địa bàn)?|phủ sóng (?:toàn bộ|100%|khắp))", re.IGNORECASE)


@rule("TGT003")
def claims_vs_counts(rule: Rule, ctx: AuditContext):
    """Two claims the report's own figures can refute: 'duy trì tỷ lệ … đạt Y%' (keep the rate at Y%)
    when the counts stated for the period give a lower rate, and full coverage ('phủ kín địa bàn')
    when a coverage figure stated elsewhere is below 100%. Proves the words and the figures
    disagree; cannot say which is right.

    Strength: inferred — a claim in words against the report's own figures → warning.

    Okay: Tổng số hồ sơ tiếp nhận là 100 hồ sơ, trong đó 99 hồ sơ tiếp nhận trực tuyến, 1 hồ sơ tiếp nhận trực tiếp.\\n\\nKết quả dự kiến: Duy trì tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 99%.
    Fail: Tổng số hồ sơ tiếp nhận là 100 hồ sơ, trong đó 80 hồ sơ tiếp nhận trực tuyến, 20 hồ sơ tiếp nhận trực tiếp.\\n\\nKết quả dự kiến: Duy trì tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 99%.
    """  # noqa: E501 - report sentences kept whole
    from wardaudit.catalogue import load_catalogue
    from wardaudit.vi.numbers import tolerance

    cat = load_catalogue()
    for f in ctx.facts:
        if f.kind != "percent" or not _MAINTAIN.search(f.quote[:max(0, f.quote.find(f.raw))]):
            continue
        metric = cat.get(f.metric)
        if not metric or not metric.numerator or not metric.denominator:
            continue
        rp = str(ctx.meta.period) if ctx.meta.period else None
        num = [g for g in ctx.facts if g.metric == metric.numerator and g.period == rp and g.origin == "text"
               and not (g.qualifier or "").startswith("target")]
        den = [g for g in ctx.facts if g.metric == metric.denominator and g.period == rp and g.origin == "text"
               and not (g.qualifier or "").startswith("target")]
        if not num or not den or not den[0].value:
            continue
        computed = 100.0 * num[0].value / den[0].value
        ok = computed >= f.value - tolerance(f.decimals) - 1e-9
        yield rule.check(ok,
                     f"Báo cáo nêu 'duy trì' {f.raw}, nhưng số liệu kỳ báo cáo cho {fmt(computed, 2)}% "
                     f"({fmt(num[0].value)}/{fmt(den[0].value)})"
                     + ("" if ok else " / the rate to 'maintain' is not the current one"),
                     {"expected": round(computed, 4), "actual": f.value}, [ev(f), ev(num[0]), ev(den[0])],
                     key=f"maintain:{f.metric}:{f.raw}")
    coverage = [f for f in ctx.facts if (f.metric or "").startswith("coverage.") and f.kind == "percent"
                and not (f.qualifier or "").startswith("target") and f.role != "target" and f.origin == "text"]
    from wardaudit.model.findings import Evidence
    for b in ctx.document.blocks:
        if b.kind != "paragraph" or b.appendix:
            continue
        m = _FULL_COVERAGE.search(b.text)
        if not m or not coverage:
            continue
        low = [f for f in coverage if f.value < 100]
        ok = not low
        yield rule.check(ok,
                     f"Báo cáo khẳng định '{m.group(1)}'" + ("; các tỷ lệ phủ sóng đều 100%" if ok else
                     "; nhưng " + ", ".join(f"{f.metric} = {f.raw}" for f in low)
                     + " / full coverage is claimed but a coverage figure is below 100%"),
                     {"actual": [f.value for f in low] or 100}, [Evidence(section=b.section_label, quote=b.text[:300],
                     page=b.location.page, line=b.location.line, file=ctx.document.source, figure=m.group(1))]
                     + [ev(f) for f in low], key=f"coverage-claim:{b.section_label}:{m.group(1)}")

"""TGT: results against targets, and claims of completion the numbers contradict."""
from __future__ import annotations

import re

from . import AuditContext, rule
from ._util import by_key, ev, fmt, result

_CLAIM = re.compile(r"(hoàn thành\s+(?:100%|tất cả|toàn bộ|đầy đủ)|đã hoàn thành các nhiệm vụ|bảo đảm hoàn thành đúng tiến độ"
                    r"|hoàn thành đúng tiến độ)", re.IGNORECASE)


@rule("TGT001", "Kết quả thấp hơn mục tiêu", "Result below target", "warning")
def result_vs_target(ctx: AuditContext):
    """In an indicator table, the result must reach the target ('≥98' is met by 98). Proves a
    shortfall; cannot say whether the year is over (a mid-year shortfall may be on track).

    Okay: | TT | Chỉ tiêu | Đơn vị tính | Mục tiêu | Kết quả |\\n|---|---|---|---|---|\\n| 1 | Tỷ lệ hồ sơ trực tuyến | % | 90 | 95 |
    Fail: | TT | Chỉ tiêu | Đơn vị tính | Mục tiêu | Kết quả |\\n|---|---|---|---|---|\\n| 1 | Tỷ lệ hồ sơ trực tuyến | % | 90 | 70 |
    """
    groups = by_key([f for f in ctx.facts if f.role in ("target", "result") and f.group], lambda f: f.group)
    for gid, fs in groups.items():
        t = next((f for f in fs if f.role == "target"), None)
        r = next((f for f in fs if f.role == "result"), None)
        if t is None or r is None:
            continue
        ok = r.value >= t.value - 1e-9
        label = (t.label or t.quote)[:90]
        yield result("TGT001", ok, "warning",
                     f"{label}: kết quả {fmt(r.value)} " + ("đạt" if ok else "thấp hơn") + f" mục tiêu {fmt(t.value)}"
                     + ("" if ok else " / result below target"),
                     {"expected": t.value, "actual": r.value}, [ev(t), ev(r)], key=f"tgt:{gid}")


@rule("TGT002", "Khẳng định hoàn thành trái với số liệu", "Completion claim contradicted by the figures", "warning")
def completion_claim(ctx: AuditContext):
    """A narrative claim that every task is completed ('hoàn thành 100%', 'hoàn thành đúng tiến độ')
    is contradicted when the report's own counts show tasks not completed. Proves the contradiction
    between words and figures; cannot read every way of saying 'done'.

    Okay: Tổng số nhiệm vụ được giao: 4, trong đó số nhiệm vụ đã hoàn thành: 4. Các nhiệm vụ bảo đảm hoàn thành đúng tiến độ.
    Fail: Tổng số nhiệm vụ được giao: 10, trong đó số nhiệm vụ đã hoàn thành: 4. Các nhiệm vụ bảo đảm hoàn thành đúng tiến độ.
    """
    assigned = next((f for f in ctx.facts if f.metric == "tasks.assigned" and f.origin == "text"), None)
    completed = next((f for f in ctx.facts if f.metric == "tasks.completed" and f.origin == "text"), None)
    if assigned is None or completed is None:
        return
    for b in ctx.document.blocks:
        if b.kind != "paragraph" or b.appendix:
            continue
        m = _CLAIM.search(b.text)
        if not m:
            continue
        ok = completed.value >= assigned.value
        from ..findings import Evidence
        yield result("TGT002", ok, "warning",
                     f"Báo cáo khẳng định '{m.group(1)}'; số liệu: hoàn thành {fmt(completed.value)}/{fmt(assigned.value)} nhiệm vụ"
                     + ("" if ok else " / the claim is contradicted by the figures"),
                     {"expected": assigned.value, "actual": completed.value},
                     [Evidence(section=b.section_label, quote=b.text[:300], page=b.location.page, line=b.location.line,
                               file=ctx.document.source, figure=m.group(1)), ev(assigned), ev(completed)],
                     key="tgt:claim")
        return

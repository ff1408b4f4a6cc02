"""The human-readable form of `wardaudit check`: failures worst first, then the tick marks."""
from __future__ import annotations

from wardaudit.model.findings import summary
from wardaudit.render.wording import base_text

_MARK = {"fail": "✗", "pass": "✓", "skip": "–"}
_STRENGTH = {"explicit": "nêu rõ / explicit", "inferred": "suy ra / inferred", "ambiguous": "không rõ / ambiguous"}


def render_text(result, show_passed: bool = True) -> str:
    meta = result.meta
    s = summary(result.checks)
    period = meta.period.to_dict() if meta.period else {}
    lines = [f"# {result.document.source}",
             f"Đơn vị / ward: {meta.level or ''} {meta.ward_name or '(không rõ)'}".rstrip(),
             f"Số / number: {meta.number or '(trống)'} · Ngày / date: {meta.date or '(trống)'} · "
             f"Kỳ / period: {period.get('start') or '?'} → {period.get('end') or '?'}",
             f"Kiểm tra / checks: {s['checks']} · đạt / passed: {s['pass']} · lỗi / errors: {s['error']} · "
             f"cảnh báo / warnings: {s['warning']} · thông tin / info: {s['info']}"]
    unchecked = result.findings().get("unchecked") or {}
    if unchecked.get("count"):
        lines.append(f"Không kiểm tra được / not checked: {unchecked['count']} ("
                     + "; ".join(f"{why}: {n}" for why, n in unchecked["reasons"].items()) + ")")
    lines.append("")
    for c in result.checks:
        if c.status != "fail" and not show_passed:
            continue
        sev = c.severity.upper() if c.status == "fail" else c.status
        rel = c.relation or {}
        base = base_text(rel)
        why = f"  [{rel['cue']} · {_STRENGTH.get(rel['strength'], rel['strength'])}" + (f" · {base}" if base else "") \
            + "]" if rel.get("cue") else ""
        lines.append(f"{_MARK[c.status]} {c.rule:9} {sev:8} {c.message}{why}")
        if c.status == "fail":
            for e in c.evidence:
                where = ", ".join(x for x in (e.section, f"tr. {e.page}" if e.page else "",
                                              f"dòng {e.line}" if e.line else "") if x)
                lines.append(f"      [{where}] “{' '.join(e.quote.split())[:160]}”")
    return "\n".join(lines) + "\n"

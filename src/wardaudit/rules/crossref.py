"""XREF: the same figure wherever it recurs, period splits against period totals, task lists."""
from __future__ import annotations

from wardaudit.catalogue import load_catalogue
from wardaudit.model.facts import agree
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength
from wardaudit.rules._util import ev, fmt, is_target, period_label
from wardaudit.rules.base import AuditContext, Rule, rule


@rule("XREF001")
def same_figure(rule: Rule, ctx: AuditContext):
    """The same metric for the same period and scope must have one value wherever it is stated —
    in another section, or in the body and an appendix. Checks recurrence relations. Figures about
    different units (the province, a level, a village, a ministry's system) are different
    quantities; shares, bounds ('trên'), approximations, targets and cumulative figures are not
    compared with plain results. A coarser headline ('97%') agrees with a finer figure ('97,4%')
    within one unit of its last place. Also inferred: a sentence naming a table's row and column
    restates that cell; the total of a done/total figure ('3/3 nhiệm vụ') restates the count its
    section declared; 'khoảng 2.500' and the exact figure in two clauses of one sentence. Proves two
    values for one quantity; cannot tell which is right, so no value is named as the expected one.

    Strength: explicit (both statements name the period and the metric in the same words, or the
    text says the figure is one stated before: '6 đơn vị nêu trên') → error; inferred (the catalogue,
    a table's row and column or a declared count says they are one quantity) → warning.

    Okay: Tổng số TTHC: 358.\\n\\nI. KẾT QUẢ\\n\\nTổng số thủ tục hành chính là 358 thủ tục.
    Fail: Tổng số TTHC: 358.\\n\\nI. KẾT QUẢ\\n\\nTổng số thủ tục hành chính là 356 thủ tục.
    """
    cat = load_catalogue()
    for rel in ctx.relations["recurrence"]:
        fs = rel.members
        values: list = []
        for f in fs:
            if not any(agree(f, v) for v in values):
                values.append(f)
        ok = len(values) == 1
        metric, period = fs[0].metric, fs[0].period
        m = cat.get(metric)
        unit = m.unit if m and m.unit else ""
        where = "; ".join(f"{f.raw} ({f.section or 'đầu báo cáo'})" for f in fs)
        scope = f" — {rel.scope}" if rel.scope else ""
        yield rule.judge(rel, ok,
                    (f"{cat.label(metric)}{scope} ({period_label(period)}): {fmt(fs[0].value)} {unit} thống nhất ở "
                     f"{len(fs)} chỗ" if ok else
                     f"{cat.label(metric)}{scope} ({period_label(period)}) được nêu với {len(values)} giá trị khác "
                     f"nhau: {where}"),
                    {"actual": [f.value for f in fs]}, [ev(f) for f in fs])


def _span(period: str | None):
    if not period or period.startswith("@") or "/" not in period:
        return None
    a, b = period.split("/")
    return (a or None, b or None)


@rule("XREF002")
def period_split(rule: Rule, ctx: AuditContext):
    """A total for a period must reconcile with the same figure for its sub-periods (year 1 + year 2).
    Dossiers carried over from the first sub-period into the second are already counted in the
    first; when the total equals the plain sum although the second part declares carried-over
    dossiers, they were counted twice. Cannot split a period the report does not split.

    Strength: inferred (the periods relate the figures, no cue word does) → warning.

    Okay: Từ ngày 01/7/2025 đến ngày 31/3/2026 xã tiếp nhận 300 hồ sơ.\\n\\nNăm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 100 hồ sơ. Từ ngày 01/01/2026 đến ngày 31/3/2026, UBND xã tiếp nhận 200 hồ sơ, đã giải quyết 150 hồ sơ.
    Fail: Từ ngày 01/7/2025 đến ngày 31/3/2026 xã tiếp nhận 310 hồ sơ.\\n\\nNăm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 100 hồ sơ. Từ ngày 01/01/2026 đến ngày 31/3/2026, UBND xã tiếp nhận 200 hồ sơ, đã giải quyết 150 hồ sơ.
    """  # noqa: E501 (an Okay/Fail example is one line: a continuation line would add a line break to it)
    facts = [f for f in ctx.facts if not is_target(f) and f.origin == "text"]
    for metric in ("dossiers.received", "dossiers.resolved"):
        ms = [f for f in facts if f.metric == metric and _span(f.period)]
        done = set()
        for total in ms:
            ta, tb = _span(total.period)
            if not ta or not tb:
                continue
            subs = [f for f in ms if f is not total and _span(f.period) != (ta, tb)
                    and (_span(f.period)[1] or "") <= tb and (_span(f.period)[1] or "") >= ta]
            firsts = [f for f in subs if _span(f.period)[1] and _span(f.period)[1] < tb]
            lasts = [f for f in subs if _span(f.period)[1] == tb and (_span(f.period)[0] or "") > ta]
            if not firsts or not lasts:
                continue
            first, last = firsts[0], lasts[0]
            key = (metric, total.value, first.id, last.id)
            if key in done:
                continue
            done.add(key)
            plain = first.value + last.value
            carried = [f for f in facts if f.metric == "dossiers.carried_over" and f.period == last.period] \
                if metric == "dossiers.received" else []
            c = carried[0].value if carried else 0
            rel = Relation("period_split", (total, first, last), CATALOGUE_CUE, Strength.INFERRED, total.scope)
            if carried and abs(total.value - plain) < 1e-6:
                yield rule.judge(rel, False,
                             f"{load_catalogue().label(metric)}: tổng kỳ {fmt(total.value)} = {fmt(first.value)} + "
                             f"{fmt(last.value)}, nhưng "
                             f"{fmt(c)} hồ sơ chuyển từ kỳ trước đã được tính ở cả hai kỳ; số hồ sơ thực nhận là "
                             f"{fmt(total.value - c)}",
                             {"expected": total.value - c, "actual": total.value, "carried_over": c,
                              "parts": [first.value, last.value]},
                             [ev(total), ev(first), ev(last), ev(carried[0])])
                continue
            ok = abs(total.value - plain) < 1e-6 or (carried and abs(total.value - (plain - c)) < 1e-6)
            yield rule.judge(rel, ok,
                         f"{load_catalogue().label(metric)}: tổng kỳ {fmt(total.value)} " + ("=" if ok else "≠") +
                         f" {fmt(first.value)} + {fmt(last.value)}" + (f" − {fmt(c)} chuyển kỳ" if carried else ""),
                         {"expected": plain - c, "actual": total.value, "parts": [first.value, last.value]},
                         [ev(total), ev(first), ev(last)])


@rule("XREF003")
def tasks_by_status(rule: Rule, ctx: AuditContext):
    """The completed / in-progress task counts stated in the body must match the task rows listed in
    the appendices with that status. Proves a mismatch; cannot judge whether a status is true.

    Strength: explicit — the counts stated and the rows listed with that status → error.

    Okay: Số nhiệm vụ đã hoàn thành: 1.\\n\\nPhụ lục 1. Nhiệm vụ\\n\\n| STT | Nhiệm vụ | Tiến độ |\\n|---|---|---|\\n| 1 | Việc A | Hoàn thành |\\n| 2 | Việc B | Đang triển khai |
    Fail: Số nhiệm vụ đã hoàn thành: 2.\\n\\nPhụ lục 1. Nhiệm vụ\\n\\n| STT | Nhiệm vụ | Tiến độ |\\n|---|---|---|\\n| 1 | Việc A | Hoàn thành |\\n| 2 | Việc B | Đang triển khai |
    """  # noqa: E501 (an Okay/Fail example is one line)
    rows = [f for f in ctx.facts if f.metric == "tasks.row"]
    if not rows:
        return
    for metric, status in (("tasks.completed", "completed"), ("tasks.in_progress", "in_progress"),
                           ("tasks.overdue", "overdue")):
        stated = [f for f in ctx.facts if f.metric == metric and f.origin == "text" and not is_target(f)]
        if not stated:
            continue
        listed = [f for f in rows if f.status == status]
        s = stated[0]
        ok = int(s.value) == len(listed)
        yield rule.check(ok,
                     f"{load_catalogue().label(metric)}: báo cáo nêu {fmt(s.value)}, danh sách có {len(listed)} "
                     "nhiệm vụ"
                     + ("" if ok else " / differs from the task list"),
                     {"expected": len(listed), "actual": s.value}, [ev(s)] + [ev(f) for f in listed[:8]],
                     key=f"tasks:{metric}")

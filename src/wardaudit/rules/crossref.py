"""XREF: the same figure wherever it recurs, period splits against period totals, task lists."""
from __future__ import annotations

import re
from datetime import date, timedelta

from wardaudit.catalogue import load_catalogue
from wardaudit.model.facts import agree
from wardaudit.model.findings import Evidence
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
    reported: set[tuple] = set()  # (fact id, value) pairs a failing appendix tie has named already
    for rel in ctx.relations["recurrence"]:
        fs = rel.members
        values: list = []
        for f in fs:
            if rel.strength is not Strength.AMBIGUOUS and not any(agree(f, v) for v in values):
                values.append(f)
        ok = len(values) <= 1
        if not ok and rel.cue == "dòng phụ lục nêu lại":
            reported |= {(f.id, f.value) for f in fs} | {("", f.value) for f in fs}
        elif not ok and any((f.id, f.value) in reported for f in fs) and all(("", v.value) in reported for v in values):
            continue  # one conflict, one finding: the body's two values, one of them in the appendix row
        metric, period = next((f.metric for f in fs if f.metric), None), fs[0].period
        m = cat.get(metric)
        unit = m.unit if m and m.unit else ""
        where = "; ".join(f"{f.raw} ({f.section or 'đầu báo cáo'}" + (f": {f.label}" if f.origin == "table" and f.label
                                                                       else "") + ")" for f in fs)
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
    """A total for a period must reconcile with the same figure for its sub-periods (year 1 + year 2,
    quarter I + quarter II). Dossiers carried over from the first sub-period into the second are already
    counted in the first; when the total equals the plain sum although the second part declares
    carried-over dossiers, they were counted twice. When the period is stated more than once (with and
    without the dossiers carried over into it), the split is checked against the statement it reconciles
    with. Cannot split a period the report does not split.

    Strength: inferred (the periods relate the figures, no cue word does) → warning.

    Okay: Từ ngày 01/7/2025 đến ngày 31/3/2026 xã tiếp nhận 300 hồ sơ.\\n\\nNăm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 100 hồ sơ. Từ ngày 01/01/2026 đến ngày 31/3/2026, UBND xã tiếp nhận 200 hồ sơ, đã giải quyết 150 hồ sơ.
    Fail: Từ ngày 01/7/2025 đến ngày 31/3/2026 xã tiếp nhận 310 hồ sơ.\\n\\nNăm 2025, UBND xã tiếp nhận 100 hồ sơ, đã giải quyết 100 hồ sơ. Từ ngày 01/01/2026 đến ngày 31/3/2026, UBND xã tiếp nhận 200 hồ sơ, đã giải quyết 150 hồ sơ.
    """  # noqa: E501 (an Okay/Fail example is one line: a continuation line would add a line break to it)
    facts = [f for f in ctx.facts if not is_target(f) and f.origin == "text"]
    for metric in ("dossiers.received", "dossiers.resolved"):
        by_span: dict[tuple, list] = {}
        for f in facts:
            if f.metric == metric and _span(f.period):
                by_span.setdefault(_span(f.period), []).append(f)
        carried: dict = {}
        for f in facts if metric == "dossiers.received" else ():
            if f.metric == "dossiers.carried_over":
                carried.setdefault(f.period, f)
        for (ta, tb), totals in by_span.items():
            if not ta or not tb:
                continue
            chain = _sub_periods(list(by_span), ta, tb)
            if chain:
                parts = [by_span[sp][0] for sp in chain]
                yield _split_result(rule, metric, totals, parts, carried.get(parts[-1].period))


def _next_day(iso: str) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def _sub_periods(spans: list[tuple], ta: str, tb: str) -> list[tuple] | None:
    """Sub-periods that follow each other to the end of the period [ta, tb]: the first ending inside it, each
    next one starting the day after ('tháng 7', 'tháng 8', 'tháng 9' of quý III; 'năm 2025' and 01/01–06/06/2026
    of 07/2025–06/2026); None when the spans stated do not split it."""
    firsts = [sp for sp in spans if sp != (ta, tb) and sp[1] and ta <= sp[1] < tb]
    if not firsts:
        return None
    chain = [firsts[0]]
    while chain[-1][1] < tb:
        nxt = next((sp for sp in spans if sp[0] and sp[1] and sp[1] <= tb and sp[0] == _next_day(chain[-1][1])), None)
        if nxt is None:
            return None
        chain.append(nxt)
    return chain


def _split_result(rule: Rule, metric: str, totals: list, parts: list, carried):
    """The check of one period split against the period's statement it reconciles with (else the first)."""
    plain = sum(p.value for p in parts)
    c = carried.value if carried is not None else 0
    total = next((t for t in totals if abs(t.value - plain) < 1e-6 or (carried is not None
                                                                         and abs(t.value - (plain - c)) < 1e-6)),
                 totals[0])
    label = load_catalogue().label(metric)
    rel = Relation("period_split", (total, *parts), CATALOGUE_CUE, Strength.INFERRED, total.scope)
    shown = " + ".join(fmt(p.value) for p in parts)
    if carried is not None and abs(total.value - plain) < 1e-6:
        return rule.judge(rel, False,
                          f"{label}: tổng kỳ {fmt(total.value)} = {shown}, nhưng "
                          f"{fmt(c)} hồ sơ chuyển từ kỳ trước đã được tính ở cả hai kỳ; số hồ sơ thực nhận là "
                          f"{fmt(total.value - c)}",
                          {"expected": total.value - c, "actual": total.value, "carried_over": c,
                           "parts": [p.value for p in parts]},
                          [ev(total), *(ev(p) for p in parts), ev(carried)])
    ok = abs(total.value - plain) < 1e-6 or (carried is not None and abs(total.value - (plain - c)) < 1e-6)
    return rule.judge(rel, ok,
                      f"{label}: tổng kỳ {fmt(total.value)} " + ("=" if ok else "≠")
                      + f" {shown}" + (f" − {fmt(c)} chuyển kỳ" if carried else ""),
                      {"expected": plain - c, "actual": total.value, "parts": [p.value for p in parts]},
                      [ev(total), *(ev(p) for p in parts)])


@rule("XREF003")
def tasks_by_status(rule: Rule, ctx: AuditContext):
    """The completed / in-progress / overdue task counts stated in the body must match the rows of the task
    list with that status. A count is compared with a list only when the text ties them: its sentence
    cites the appendix that holds the list ('chi tiết tại Phụ lục 2'), or the tasks the body says were
    assigned are exactly the rows listed. The list is found by its columns (a status column, a task or
    deadline column), wherever they stand. Proves a mismatch; cannot judge whether a status is true.

    Strength: explicit — the counts stated and the rows listed with that status → error.

    Okay: Năm 2026 được giao 2 nhiệm vụ (chi tiết tại Phụ lục 1), đã hoàn thành 1 nhiệm vụ.\\n\\nPhụ lục 1. Nhiệm vụ\\n\\n| STT | Nhiệm vụ | Tiến độ |\\n|---|---|---|\\n| 1 | Việc A | Hoàn thành |\\n| 2 | Việc B | Đang triển khai |
    Fail: Năm 2026 được giao 2 nhiệm vụ (chi tiết tại Phụ lục 1), đã hoàn thành 2 nhiệm vụ.\\n\\nPhụ lục 1. Nhiệm vụ\\n\\n| STT | Nhiệm vụ | Tiến độ |\\n|---|---|---|\\n| 1 | Việc A | Hoàn thành |\\n| 2 | Việc B | Đang triển khai |
    """  # noqa: E501 (an Okay/Fail example is one line)
    rows = [f for f in ctx.facts if f.metric == "tasks.row"]
    if not rows:
        return
    lists: dict[str, list] = {}
    for f in rows:
        lists.setdefault(f.section, []).append(f)
    assigned = {int(f.value) for f in ctx.facts if f.metric == "tasks.assigned" and f.origin == "text"
                and not is_target(f)}
    for metric, status in (("tasks.completed", "completed"), ("tasks.in_progress", "in_progress"),
                           ("tasks.overdue", "overdue")):
        stated = [f for f in ctx.facts if f.metric == metric and f.origin == "text" and not is_target(f)]
        for s in stated:
            tied = _task_list_of(s, lists, rows, assigned)
            if tied is None:
                continue
            where, listed_rows = tied
            listed = [f for f in listed_rows if f.status == status]
            ok = int(s.value) == len(listed)
            yield rule.check(ok,
                             f"{load_catalogue().label(metric)}: báo cáo nêu {fmt(s.value)}, {where} có {len(listed)} "
                             "nhiệm vụ" + ("" if ok else " / differs from the task list"),
                             {"expected": len(listed), "actual": s.value},
                             [ev(s)] + [_row_evidence(f) for f in listed[:8]], key=f"tasks:{metric}")
            break


def _task_list_of(stated, lists: dict[str, list], rows: list, assigned: set[int]):
    """(where, rows) of the task list a stated count speaks about: the appendix its sentence cites, else
    every task row when the assigned count the body states is exactly the rows listed; None otherwise."""
    cited = [sec for sec in lists if re.search(rf"\b{re.escape(sec)}\b", stated.quote or "", re.IGNORECASE)]
    if cited:
        return " và ".join(cited), [f for sec in cited for f in lists[sec]]
    if len(rows) in assigned:
        return "danh sách", rows
    return None


def _row_evidence(row) -> Evidence:
    """A task row as evidence: its name and status, no figure (the row number is not a figure)."""
    return Evidence(section=row.section, quote=f"{row.label or ''} — {row.quote}".strip(" —"), page=row.page,
                    line=row.line, file=row.file, figure=None)

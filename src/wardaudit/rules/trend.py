"""TREND: a ward's report against its own previous report (``ctx.history[-1]``).

These rules need two reports, so their ``Okay:``/``Fail:`` examples are prose describing a pair
of reports, not single snippets; tests/rules/test_trend.py builds each pair from a seed report and
checks the examples. With no earlier report of the ward every TREND rule answers ``skip``.

Figures are compared by *scope*: the same metric, unit, kind, qualifier, scope (xã/tỉnh), role and
group. A scope
that holds two different values inside one report is ambiguous and is left alone.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.model.report import ReportMeta
from wardaudit.rules._history import (
    CUMULATIVE,
    _fact_period,
    _scope_label,
    _unambiguous,
    changes,
)
from wardaudit.rules.base import AuditContext, Rule, rule
from wardaudit.vi.numbers import finite

#: Share of a task's key phrases (weighted) that one paragraph of the next report must contain.
TASK_MATCH_THRESHOLD = 0.4

_NEXT_PERIOD = re.compile(
    r"(nhiệm vụ|mục tiêu|phương hướng|kế hoạch)[^.:\n]{0,80}?"
    r"(tiếp theo|thời gian tới|sắp tới|kỳ tới|tuần tới|tháng tới|quý tới)",
    re.IGNORECASE)
_LABEL = re.compile(r"^\s*[-–+*•]\s*([^:.;]{3,120})(?::\s*(.*))?$", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Syllables that carry no topic: function words and report boilerplate. A task is recognised by
# what it is about, not by "tiếp tục triển khai".
_STOP = frozenset("""
và các của cho trong với theo tại trên đến từ được đã sẽ đang là có không này đó những một
việc về để do nên thì khi như hoặc cũng nhằm bảo đảm gắn sau trước người dân
tiếp tục triển khai thực hiện tăng cường đẩy mạnh duy trì tổ chức chủ trì phối hợp
hiệu quả nhiệm vụ mục tiêu trọng tâm tuần tháng quý năm ngày kỳ thời gian tới theo
ubnd xã phường đặc khu ủy ban nhân dân địa phương địa bàn cơ sở cấp
""".split())


# --- shared helpers --------------------------------------------------------------------------

def _evidence(f: dict[str, Any], source: str | None = None) -> Evidence:
    return Evidence(section=f.get("section") or "", quote=f.get("quote") or "", page=_int(f.get("page")),
                    line=_int(f.get("line")), file=f.get("file") or source)


def _int(v: Any) -> int | None:
    x = finite(v)
    return int(x) if x is not None else None


def _fmt(x: float) -> str:
    """A figure the Vietnamese way: 1.234,5."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    return f"{x:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _previous(ctx: AuditContext):
    return ctx.history[-1] if ctx.history else None


def _no_history(rule: Rule) -> CheckResult:
    return rule.skipped("Không có báo cáo kỳ trước của đơn vị để so sánh "
                                               "/ no earlier report of this ward to compare with")


def _report_label(meta: ReportMeta) -> str:
    end = meta.end
    return f"kỳ đến {end.isoformat()}" if end else "kỳ trước"


# --- TREND001 ---------------------------------------------------------------------------------

@rule("TREND001")
def cumulative_not_decreasing(rule: Rule, ctx: AuditContext) -> Iterator[CheckResult]:
    """A cumulative figure (qualifier ``cumulative``, or an unqualified figure whose sentence says
    'lũy kế' / 'cộng dồn') must not fall between successive reports of the same ward. Figures are
    paired by metric, unit, qualifier, role and group.

    It cannot tell a genuine reset of the base ('lũy kế từ đầu năm' in a new year) from an error
    unless the periods say so: pairs whose stated cumulative periods start on different days, or
    whose reports end in different calendar years without stated periods, are not compared. It
    cannot pair a figure whose metric the catalogue did not recognise.

    Strength: inferred — the same metric across the ward's reports → warning.

    Okay: the previous weekly report says 'lũy kế tiếp nhận 1.250 hồ sơ' and this one, a week
        later, 'lũy kế tiếp nhận 1.310 hồ sơ'.
    Fail: the previous weekly report says 'lũy kế tiếp nhận 1.250 hồ sơ' and this one, a week
        later, 'lũy kế tiếp nhận 1.180 hồ sơ'.
    """  # noqa: E501 - report sentences kept whole
    prev = _previous(ctx)
    if prev is None:
        yield _no_history(rule)
        return
    keep = lambda f: f.get("qualifier") == CUMULATIVE  # noqa: E731
    before = _unambiguous(prev.facts, keep)
    now = _unambiguous(ctx.facts, keep)
    prev_end, this_end = prev.meta.end, ctx.meta.end
    for scope in sorted(set(before) & set(now), key=repr):
        a, b = before[scope], now[scope]
        pa, pb = _fact_period(a), _fact_period(b)
        if pa and pb:
            if pa.start != pb.start:
                continue
        elif prev_end and this_end and prev_end.year != this_end.year:
            continue
        va, vb = finite(a["value"]), finite(b["value"])
        label = _scope_label(scope)
        values = {"expected": va, "actual": vb, "previous": va, "current": vb}
        ev = (_evidence(b, ctx.document.source), _evidence(a, prev.document.source))
        if vb < va:
            yield rule.failed(
                              f"{label}: số lũy kế giảm từ {_fmt(va)} ({_report_label(prev.meta)}) "
                              f"xuống {_fmt(vb)} / cumulative figure fell from {_fmt(va)} to {_fmt(vb)}",
                              values, ev, key=f"TREND001:{label}")
        else:
            yield rule.passed(
                              f"{label}: số lũy kế {_fmt(va)} → {_fmt(vb)} không giảm / does not decrease",
                              values, ev)


# --- TREND002 ---------------------------------------------------------------------------------

@rule("TREND002")
def no_order_of_magnitude_jump(rule: Rule, ctx: AuditContext) -> Iterator[CheckResult]:
    """The same metric and scope, over periods of comparable length, should not move beyond the
    catalogue's tolerance between successive reports (metrics.yaml ``trend_tolerance``, or the
    metric's own ``trend``): a rate by more than 2 percentage points, a count or a sum tenfold
    or to a tenth. A tenfold jump is usually a misplaced thousands separator ('1.250' read
    against '12.50'), a unit slip (triệu/tỷ) or a copied figure; a rate that moves by several
    points in a week is a figure to explain.

    It cannot say which of the two reports is wrong, and a real change (a new service launched)
    is reported too; that is why the severity is a warning. Counts and sums at zero, counts
    below ten and figures over periods whose lengths differ more than twofold are not compared.

    Strength: inferred — the same metric across the ward's reports → warning.

    Okay: two successive weekly reports say 'tiếp nhận 125 hồ sơ' and 'tiếp nhận 131 hồ sơ'.
    Fail: two successive weekly reports say 'tiếp nhận 125 hồ sơ' and 'tiếp nhận 1.310 hồ sơ'.
    Fail: two successive weekly reports say 'tỷ lệ số hóa hồ sơ đạt 97,5%' and 'tỷ lệ số hóa hồ sơ
        đạt 92%'.
    """
    prev = _previous(ctx)
    if prev is None:
        yield _no_history(rule)
        return
    for ch in changes(prev.facts, prev.meta, ctx.facts, ctx.meta):
        if not ch.judged:
            continue
        va, vb = ch.values
        label = _scope_label(ch.scope)
        ev = (_evidence(ch.current, ctx.document.source), _evidence(ch.previous, prev.document.source))
        if ch.tolerance.points is not None:
            points = _fmt(ch.tolerance.points)
            diff = round(vb - va, 4)
            values = {"expected": va, "actual": vb, "previous": va, "current": vb, "change": diff,
                      "tolerance": ch.tolerance.points}
            if ch.beyond:
                yield rule.failed(
                    f"{label}: {_fmt(va)}% ({_report_label(prev.meta)}) → {_fmt(vb)}%, thay đổi "
                    f"{_fmt(round(diff, 2))} điểm %, vượt biên độ {points} điểm / changed by {diff:+.2f} points, "
                    f"beyond {ch.tolerance.points:g}", values, ev, key=f"TREND002:{label}")
            else:
                yield rule.passed(
                    f"{label}: {_fmt(va)}% → {_fmt(vb)}%, trong biên độ {points} điểm / within "
                    f"{ch.tolerance.points:g} points", values, ev)
            continue
        ratio = vb / va
        factor = ch.tolerance.factor
        values = {"expected": va, "actual": vb, "previous": va, "current": vb, "ratio": round(ratio, 4)}
        if ch.beyond:
            yield rule.failed(
                              f"{label}: {_fmt(va)} ({_report_label(prev.meta)}) → {_fmt(vb)}, "
                              f"gấp {_fmt(round(ratio, 2))} lần / changed ×{ratio:.2f}",
                              values, ev, key=f"TREND002:{label}")
        else:
            yield rule.passed(
                              f"{label}: {_fmt(va)} → {_fmt(vb)}, không gấp {_fmt(factor)} lần / within ×{factor:g}",
                              values, ev)


# --- TREND003 ---------------------------------------------------------------------------------

def _syllables(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower()
    return _WORD.findall(text)


def key_phrases(text: str) -> set[str]:
    """The syllable pairs of a sentence that carry its topic (Vietnamese words are mostly two
    syllables), leaving out pairs made of boilerplate syllables only."""
    words = _syllables(text)
    out = set()
    for x, y in zip(words, words[1:], strict=False):
        if x in _STOP and y in _STOP:
            continue
        out.add(f"{x} {y}")
    return out


def next_period_tasks(document) -> list[tuple[str, Any]]:
    """The task sentences a report announces for the next period, with their blocks.

    Taken from sections whose heading names the next period ('Nhiệm vụ tuần tiếp theo',
    'Mục tiêu, nhiệm vụ trọng tâm ... tiếp theo', 'Nhiệm vụ, giải pháp thời gian tới') and from
    labelled list items inside other sections ('- Mục tiêu, nhiệm vụ trọng tâm tuần tiếp theo: ...'
    or the label alone followed by its paragraphs).
    """
    tasks: list[tuple[str, Any]] = []
    in_section: tuple[str, ...] | None = None
    in_label = False
    for block in document.blocks:
        if block.kind == "table" or block.appendix:
            in_label = False
            continue
        text = " ".join(block.text.split())
        if block.kind == "heading":
            in_label = False
            if _NEXT_PERIOD.search(text):
                in_section = tuple(block.section)
            elif in_section is not None and tuple(block.section[:len(in_section)]) != in_section:
                in_section = None
            continue
        if in_section is not None and tuple(block.section[:len(in_section)]) != in_section:
            in_section = None
        label = _LABEL.match(text)
        if label and _NEXT_PERIOD.search(label.group(1)):
            rest = (label.group(2) or "").strip()
            if rest:
                tasks.append((rest, block))
                in_label = False
            else:
                in_label = True
            continue
        if in_label and label and not label.group(2) and len(text) < 120:
            in_label = False  # the next label of the same list ("- Giải pháp, kiến nghị đề xuất")
            continue
        if in_section is not None or in_label:
            tasks.append((text.lstrip("-–+*• ").strip(), block))
    return [(t, b) for t, b in tasks if len(key_phrases(t)) >= 3]


def _weights(paragraphs: list[set[str]]) -> dict[str, float]:
    """Rarer phrases weigh more (inverse document frequency over both reports' paragraphs)."""
    df = Counter(p for para in paragraphs for p in para)
    n = len(paragraphs) or 1
    return {p: math.log((1 + n) / (1 + c)) + 1.0 for p, c in df.items()}


def best_mention(task: str, paragraphs: list[tuple[str, Any]], weights: dict[str, float]) -> tuple[float, Any]:
    """The paragraph that covers most of the task's weighted key phrases, and the share covered."""
    want = key_phrases(task)
    total = sum(weights.get(p, 1.0) for p in want) or 1.0
    best, where = 0.0, None
    for text, block in paragraphs:
        have = key_phrases(text)
        score = sum(weights.get(p, 1.0) for p in want & have) / total
        if score > best:
            best, where = score, block
    return best, where


@rule("TREND003")
def announced_tasks_followed_up(rule: Rule, ctx: AuditContext) -> Iterator[CheckResult]:
    """Every task the previous report announced for the next period ('Nhiệm vụ tuần tiếp theo',
    'Mục tiêu, nhiệm vụ trọng tâm ... tiếp theo', '... thời gian tới') should be mentioned
    somewhere in this report: one paragraph must contain at least 40% of the task's key phrases
    (syllable pairs, rarer ones weighing more).

    It proves only that the task is, or is not, talked about; it cannot tell whether it was done. A task
    reworded entirely (synonyms, abbreviations) is reported as missing, and a generic task
    can be matched by an unrelated paragraph on the same topic.

    Strength: inferred — a task in an earlier report missing from this one → info.

    Okay: the previous report lists under 'Nhiệm vụ tuần tiếp theo' 'lắp đặt wifi miễn phí tại
        nhà văn hóa các xóm' and this report says 'đã lắp đặt wifi miễn phí tại 5 nhà văn hóa'.
    Fail: the previous report lists that task and this report never mentions wifi or the
        cultural houses.
    """
    prev = _previous(ctx)
    if prev is None:
        yield _no_history(rule)
        return
    tasks = next_period_tasks(prev.document)
    if not tasks:
        yield rule.skipped(
                          "Báo cáo kỳ trước không nêu nhiệm vụ kỳ tới / the previous report announces "
                          "no tasks for the next period")
        return
    paragraphs = [(" ".join(b.text.split()), b) for b in ctx.document.blocks if b.kind != "heading"]
    previous_paragraphs = [key_phrases(b.text) for b in prev.document.blocks if b.kind != "heading"]
    weights = _weights([key_phrases(t) for t, _ in paragraphs] + previous_paragraphs)
    for task, block in tasks:
        score, where = best_mention(task, paragraphs, weights)
        short = task if len(task) <= 160 else task[:157] + "..."
        then = Evidence(section=block.section_label, quote=task, page=block.location.page,
                        line=block.location.line, file=prev.document.source)
        values = {"coverage": round(score, 3), "threshold": TASK_MATCH_THRESHOLD}
        if score >= TASK_MATCH_THRESHOLD and where is not None:
            now = Evidence(section=where.section_label, quote=" ".join(where.text.split()),
                           page=where.location.page, line=where.location.line, file=ctx.document.source)
            yield rule.passed(
                              f"Nhiệm vụ kỳ trước được nhắc lại / announced task followed up: {short}",
                              values, (now, then))
        else:
            yield rule.failed(
                              f"Nhiệm vụ kỳ trước không thấy nhắc lại trong báo cáo này / announced task "
                              f"not mentioned: {short}", values, (then,), key=f"TREND003:{task[:80]}")

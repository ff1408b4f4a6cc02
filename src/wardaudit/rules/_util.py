"""Small helpers shared by the rule modules."""
from __future__ import annotations

from collections import defaultdict

from wardaudit.model.facts import is_target  # noqa: F401  (rules import it from here)
from wardaudit.model.findings import Evidence
from wardaudit.vi.numbers import format_number, tolerance


def ev(fact) -> Evidence:
    return Evidence(section=fact.section, quote=fact.quote, page=fact.page, line=fact.line, file=fact.file,
                    figure=fact.raw, sheet=getattr(fact, "sheet", None), cell=getattr(fact, "cell", None),
                    fact=getattr(fact, "id", None))


def fmt(v: float, decimals: int | None = None) -> str:
    return format_number(v, decimals)


def comparable(facts, metric: str, *, period: str | None = None, results_only: bool = True):
    out = [f for f in facts if f.metric == metric and (not results_only or not is_target(f))]
    if period is not None:
        out = [f for f in out if f.period == period]
    return out


def by_key(facts, key) -> dict:
    d = defaultdict(list)
    for f in facts:
        d[key(f)].append(f)
    return d


def close(a: float, b: float, decimals: int = 0) -> bool:
    return abs(a - b) <= tolerance(decimals) + 1e-9


def same_place(a, b, max_blocks: int = 3) -> bool:
    """Facts stated close together: the same block (0) or within ``max_blocks`` blocks of each other
    in reading order — the same in every format, unlike line numbers."""
    if a.file != b.file or a.block is None or b.block is None:
        return False
    return abs(a.block - b.block) <= max_blocks


def period_label(period: str | None) -> str:
    """'@2026-06-06' -> 'đến 06/06/2026'; '2025-07-01/2026-06-06' -> '01/07/2025–06/06/2026'."""
    def vi(d: str) -> str:
        y, m, dd = d.split("-")
        return f"{dd}/{m}/{y}"
    if not period:
        return "kỳ báo cáo"
    if period.startswith("@"):
        return f"đến {vi(period[1:])}"
    start, _, end = period.partition("/")
    if start and end:
        return f"{vi(start)}–{vi(end)}"
    return f"đến {vi(end)}" if end else f"từ {vi(start)}"

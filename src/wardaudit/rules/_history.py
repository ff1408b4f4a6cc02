"""What the TREND rules and the page's "So với kỳ trước" share: a ward's figures paired with the same
figures of its previous report (:func:`changes`), each judged against the catalogue's tolerance."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wardaudit.catalogue import Tolerance
from wardaudit.model.report import Period, ReportMeta
from wardaudit.vi.numbers import finite

__all__ = ["CUMULATIVE", "JUMP_MIN_COUNT", "Change", "changes"]  # and the pairing helpers trend.py uses

CUMULATIVE = "cumulative"
# A figure whose own sentence says it is cumulative, when the extractor left the qualifier empty.
_CUMULATIVE_WORDS = re.compile(r"\b(lũy kế|luỹ kế|cộng dồn|tính từ đầu năm)\b", re.IGNORECASE)
#: A count jump is only reported when the larger value reaches this; 1 → 12 events is not a typo signal.
JUMP_MIN_COUNT = 10
def _public(fact: Any) -> dict[str, Any]:
    if isinstance(fact, dict):
        f = dict(fact)
    elif hasattr(fact, "to_public"):
        f = fact.to_public()
    else:
        f = dict(vars(fact))
    if not f.get("qualifier") and _CUMULATIVE_WORDS.search(f.get("quote") or ""):
        f["qualifier"] = CUMULATIVE
    return f


def _scope(f: dict[str, Any]) -> tuple:
    return (f.get("metric"), f.get("unit"), f.get("kind"), f.get("qualifier"), f.get("scope"), f.get("role"),
            f.get("group"))


def _scope_label(scope: tuple) -> str:
    metric, unit, _kind, qualifier, where, role, group = scope
    extra = ", ".join(str(x) for x in (qualifier, where, role, group) if x)
    return f"{metric} ({extra})" if extra else str(metric)


def _unambiguous(facts: Iterable[Any], keep) -> dict[tuple, dict[str, Any]]:
    """Scope → the one fact of that scope; scopes stated with two different values are dropped."""
    seen: dict[tuple, dict[str, Any]] = {}
    ambiguous: set[tuple] = set()
    for raw in facts:
        f = _public(raw)
        if not f.get("metric") or finite(f.get("value")) is None or not keep(f):
            continue
        s = _scope(f)
        if s in seen and finite(seen[s]["value"]) != finite(f["value"]):
            ambiguous.add(s)
        seen.setdefault(s, f)
    return {s: f for s, f in seen.items() if s not in ambiguous}


def _days(period: Period | None) -> int | None:
    return period.days if period else None


def _fact_period(f: dict[str, Any]) -> Period | None:
    """A figure's period of days ('start/end'); None for a cut-off ('@end') or none stated."""
    p = Period.parse(f.get("period"))
    return None if p is None or p.instant else p


def _comparable_periods(prev_meta: ReportMeta, meta: ReportMeta, a: dict, b: dict) -> bool:
    """Figures of a week and of six months differ by design: compare like with like only."""
    pa, pb = _fact_period(a), _fact_period(b)
    da, db = _days(pa), _days(pb)
    if da is None or db is None:
        da, db = _days(prev_meta.period), _days(meta.period)
    if da is not None and db is not None:
        return max(da, db) <= 2 * min(da, db)
    kinds = prev_meta.kind, meta.kind
    return kinds[0] is not None and kinds[0] == kinds[1]


@dataclass(frozen=True)
class Change:
    """One figure stated in a report and in the ward's previous one (same metric and scope).

    ``judged`` is False when the two cannot be weighed against each other (periods of different
    lengths, a zero against a factor, a count under :data:`JUMP_MIN_COUNT`); ``beyond`` says whether
    the change exceeds ``tolerance`` (the catalogue's, per metric). TREND002 and the page's
    "So với kỳ trước" table both read this, so they never disagree.
    """

    scope: tuple
    previous: dict[str, Any]
    current: dict[str, Any]
    tolerance: Tolerance
    judged: bool
    beyond: bool

    @property
    def values(self) -> tuple[float, float]:
        return finite(self.previous["value"]), finite(self.current["value"])


def changes(prev_facts: Iterable[Any], prev_meta: ReportMeta, facts: Iterable[Any], meta: ReportMeta) -> list[Change]:
    """Every figure (targets aside) the two reports both state once in the same scope, in a stable order."""
    from wardaudit.catalogue import load_catalogue

    cat = load_catalogue()
    keep = lambda f: f.get("qualifier") != "target"  # noqa: E731
    before = _unambiguous(prev_facts, keep)
    now = _unambiguous(facts, keep)
    out = []
    for scope in sorted(set(before) & set(now), key=repr):
        a, b = before[scope], now[scope]
        va, vb = finite(a["value"]), finite(b["value"])
        tol = cat.tolerance(a.get("metric"), a.get("kind") or b.get("kind"), a.get("unit"))
        verdict = tol.beyond(va, vb)
        judged = verdict is not None and _comparable_periods(prev_meta, meta, a, b)
        if tol.points is None and (a.get("kind") or b.get("kind")) == "count" and max(va, vb) < JUMP_MIN_COUNT:
            judged = False
        out.append(Change(scope, a, b, tol, judged, bool(verdict) and judged))
    return out

"""What the auditors' decisions say, across wards: review counts per ward, precision per rule.

Every failing check in findings.json carries its ``review`` when the auditor decided on it
(:mod:`wardaudit.review.decisions`); one without is ``open``. :func:`review_counts` splits a ward's
failures into open, confirmed, queried and dismissed. :func:`rule_precision` gives, for each
rule, the share of its decided findings that the auditors dismissed across all wards: a rule
whose findings are dismissed more than :data:`HIGH_DISMISSAL` of the time is imprecise.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wardaudit.render.templating import environment
from wardaudit.review.decisions import STATUSES, failing_checks

#: Dismissal rate above which a rule is highlighted in the index.
HIGH_DISMISSAL = 0.20
#: A rule's dismissal rate is shown once it has this many decisions; fewer say nothing of its precision
#: (one dismissal would read as 100%), and the table says "chưa đủ quyết định" instead.
MIN_DECISIONS = 5
TOO_FEW = "chưa đủ quyết định"
PRECISION_COLUMNS = ["rule", "title", "wards", "findings", "decided", "confirmed", "query", "dismissed",
                     "dismissal_rate"]


def review_status(check: Mapping[str, Any]) -> str:
    """A failing check's review state: its decision's status, else ``open``."""
    return (check.get("review") or {}).get("status") or "open"


def review_counts(docs: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Failing checks of a ward's reports by review state (each finding id counted once)."""
    counts = dict.fromkeys(STATUSES, 0)
    for c in failing_checks(docs):
        counts[review_status(c)] += 1
    return counts


def rule_precision(wards: Iterable[tuple[str, list[Mapping[str, Any]]]], titles: Mapping[str, str] | None = None):
    """One row per rule that failed anywhere: findings, decisions and the dismissal rate.

    ``wards`` yields (slug, findings documents). The rate is dismissed / decided (confirmed,
    queried or dismissed): findings nobody looked at yet say nothing about the rule's precision.
    It is empty (NaN) for a rule with no decided finding.
    """
    import pandas as pd

    per_rule: dict[str, dict[str, Any]] = {}
    for slug, docs in wards:
        for c in failing_checks(docs):
            row = per_rule.setdefault(c["rule"], {"wards": set(), "findings": 0, **dict.fromkeys(STATUSES, 0)})
            row["wards"].add(slug)
            row["findings"] += 1
            row[review_status(c)] += 1
    rows = []
    for rule in sorted(per_rule):
        r = per_rule[rule]
        decided = r["confirmed"] + r["query"] + r["dismissed"]
        rows.append({"rule": rule, "title": (titles or {}).get(rule, ""), "wards": len(r["wards"]),
                     "findings": r["findings"], "decided": decided, "confirmed": r["confirmed"],
                     "query": r["query"], "dismissed": r["dismissed"],
                     "dismissal_rate": round(r["dismissed"] / decided, 4) if decided else float("nan")})
    return pd.DataFrame(rows, columns=PRECISION_COLUMNS)


def rate_text(decided: int, rate: float | None) -> tuple[str, bool]:
    """A rule's dismissal rate as the tables show it, and whether it is highlighted: "" (the table says
    "chưa đủ quyết định") and never highlighted below :data:`MIN_DECISIONS` decisions."""
    if rate is None or decided < MIN_DECISIONS:
        return "", False
    return f"{100 * rate:.0f}%", rate > HIGH_DISMISSAL


def rule_precision_html(frame, labels: Mapping[str, str], empty_text: str) -> str:
    """The precision table; rows above :data:`HIGH_DISMISSAL` (with at least :data:`MIN_DECISIONS` decisions)
    get ``class="high-dismissal"``."""
    rows = []
    for r in frame.to_dict("records"):
        rate = r["dismissal_rate"]
        text, high = rate_text(r["decided"], None if rate != rate else rate)  # NaN: nothing decided
        cells = {c: str(r[c]) for c in PRECISION_COLUMNS}
        cells["dismissal_rate"] = text or labels.get("too_few", TOO_FEW)
        rows.append({"rule": r["rule"], "cells": cells, "high": high})
    template = environment().get_template("rule_precision.html.j2")
    return template.render(rows=rows, columns=PRECISION_COLUMNS, labels=labels, empty_text=empty_text)

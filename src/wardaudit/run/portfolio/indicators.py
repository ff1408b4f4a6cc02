"""The standard indicators of catalogue/targets.yaml per ward, and what the PORT checks read.

An indicator is the rate a report states or, when it states none, the ratio of two figures; it
is taken from the ward's own figures only (not targets, not the province's or a whole table's).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from wardaudit.model.findings import CheckResult
from wardaudit.rules import portfolio as port
from wardaudit.rules.portfolio import PortUnit, load_targets, num
from wardaudit.run.portfolio.model import Portfolio, WardRecord, report_end

#: Scopes of a figure that are the ward's own (``scope`` of facts.csv); "tỉnh", "all" are not.
WARD_SCOPES = frozenset({"xã", "phường", "đặc khu", "cấp xã"})

INDICATOR_COLUMNS = ["ward", "slug", "province", "indicator", "label", "value", "report_end",
                     "target_national", "target_provincial", "quote", "file", "page", "line"]


def report_facts(w: WardRecord, doc: dict[str, Any]):
    """The facts of one report of the ward (facts.csv rows whose file is the report's source)."""
    import pandas as pd

    facts = w.facts
    if facts is None or facts.empty:
        return pd.DataFrame(columns=["metric", "value"])
    if "file" in facts.columns and doc.get("source") in set(facts["file"].dropna()):
        return facts[facts["file"] == doc.get("source")]
    if len(w.reports) == 1:
        return facts
    return pd.DataFrame([{**f, "file": f.get("file") or doc.get("source")} for f in doc.get("facts") or []],
                        columns=list(facts.columns))


def ward_facts(facts, metric: str):
    """The rows of ``metric`` that are the ward's own results: not targets, not the province's
    or the whole table's figure, with a numeric value; in reading order."""
    if facts is None or facts.empty or "metric" not in facts.columns or "value" not in facts.columns:
        return None
    groups = _own_rows(facts)
    return groups[metric] if metric in groups else facts.iloc[0:0]


# the last few facts tables, each with its own rows by metric: an indicator looks up one metric at a time and
# a report has about fifteen to look up (the table is held, so its id is not reused while it is here)
_OWN: dict[int, tuple[Any, dict[str, Any]]] = {}


def _own_rows(facts) -> dict[str, Any]:
    """The ward's own rows of ``facts`` (see :func:`ward_facts`), sorted in reading order, by metric."""
    import numpy as np

    hit = _OWN.get(id(facts))
    if hit is not None and hit[0] is facts:
        return hit[1]
    rows = facts[facts["metric"].notna().to_numpy(dtype=bool)]
    if "qualifier" in rows.columns:
        rows = rows[(rows["qualifier"].fillna("") != "target").to_numpy(dtype=bool)]
    if "scope" in rows.columns:
        own = [not isinstance(x, str) or x.strip().lower() in WARD_SCOPES for x in rows["scope"]]
        rows = rows[np.array(own, dtype=bool)]
    rows = rows[np.array([num(v) is not None for v in rows["value"]], dtype=bool)]
    if "page" in rows.columns and "line" in rows.columns and not rows.empty:
        rows = rows.assign(_p=rows["page"].map(lambda x: num(x) or 0), _l=rows["line"].map(lambda x: num(x) or 0))
        rows = rows.sort_values(["_p", "_l"], kind="stable").drop(columns=["_p", "_l"])
    groups = {m: g for m, g in rows.groupby("metric", sort=False)} if not rows.empty else {}
    if len(_OWN) >= 8:
        _OWN.clear()
    _OWN[id(facts)] = (facts, groups)
    return groups


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A fact row with NaN as None."""
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def pick_fact(facts, metric: str) -> dict[str, Any] | None:
    """The report's headline figure of ``metric``: the first of :func:`ward_facts`; None when the
    report does not state it."""
    rows = ward_facts(facts, metric)
    if rows is None or rows.empty:
        return None
    return record(rows.iloc[0].to_dict())


def indicator_value(facts, ind: dict[str, Any]) -> tuple[float | None, list[dict[str, Any]]]:
    """An indicator's value in one report, with the facts it came from."""
    if ind.get("metric"):
        f = pick_fact(facts, ind["metric"])
        if f is not None:
            return num(f["value"]), [f]
    if not ind.get("numerator") or not ind.get("denominator"):
        return None, []
    n, d = pick_fact(facts, ind.get("numerator", "")), pick_fact(facts, ind.get("denominator", ""))
    if not n or not d or not num(d["value"]):
        return None, []
    ratio = 100.0 * num(n["value"]) / num(d["value"])
    # a computed share above 100% pairs figures of different scope (one item against the total);
    # the per-report rules judge the figures themselves
    return (ratio, [n, d]) if ratio <= 100.0 else (None, [])


def targets_of(ind: dict[str, Any], province: str | None) -> tuple[float | None, float | None]:
    """(national target, the province's target) of an indicator, in percent."""
    targets = load_targets()
    national = next((num(t.get("value")) for t in ind.get("targets") or [] if t.get("level") == "national"), None)
    prov = (targets["provinces"].get(province) or {}).get(ind["key"]) if province else None
    provincial = num(prov.get("value") if isinstance(prov, dict) else prov)
    return national, provincial


def report_indicators(facts, lang: str = "vi") -> list[dict[str, Any]]:
    """One row per standard indicator a report states: key, label, value and the first fact used."""
    rows = []
    for ind in load_targets()["indicators"]:
        value, used = indicator_value(facts, ind)
        if value is None:
            continue
        first = used[0]
        rows.append({"indicator": ind["key"], "label": ind.get("label_en" if lang == "en" else "label_vi", ind["key"]),
                     "value": round(value, 4), "quote": first.get("quote"), "file": first.get("file"),
                     "page": num(first.get("page")), "line": num(first.get("line"))})
    return rows


def indicators_frame(pf: Portfolio, lang: str = "vi", *, all_reports: bool = False):
    """The standard indicators of catalogue/targets.yaml per ward (latest report, or every report
    with ``all_reports``), long format, with the national and provincial targets."""
    import pandas as pd

    by_key = {i["key"]: i for i in load_targets()["indicators"]}
    rows = []
    for w in pf.wards:
        for doc in (w.reports if all_reports else w.reports[-1:]):
            for r in report_indicators(report_facts(w, doc), lang):
                national, provincial = targets_of(by_key[r["indicator"]], w.province)
                rows.append({"ward": w.ward, "slug": w.slug, "province": w.province, **r,
                             "report_end": report_end(doc) or None, "file": r["file"] or doc.get("source"),
                             "target_national": national, "target_provincial": provincial})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def province_wide_facts(facts) -> dict[str, list[dict[str, Any]]]:
    """Per province-wide metric, the first fact stating each distinct value, in reading order."""
    out = {}
    for metric in load_targets()["province_wide"]:
        rows = ward_facts(facts, metric)
        if rows is None or rows.empty:
            continue
        firsts: dict[float | None, dict[str, Any]] = {}
        for r in rows.to_dict("records"):
            firsts.setdefault(num(r["value"]), record(r))
        out[metric] = list(firsts.values())
    return out


def port_unit(w: WardRecord) -> PortUnit:
    """What the PORT checks read of a ward: its latest report's province-wide figures and indicators."""
    if not w.latest:
        return PortUnit(w.slug, w.ward, w.province, has_report=False)
    facts = report_facts(w, w.latest)
    indicators = [{**r, "file": r["file"] or w.latest.get("source")} for r in report_indicators(facts)]
    return PortUnit(w.slug, w.ward, w.province, True, province_wide_facts(facts), indicators, w.sketches)


def run_port_checks(pf: Portfolio, off: Iterable[str] = ()) -> list[CheckResult]:
    """The PORT checks (:mod:`wardaudit.rules.portfolio`) over the wards of ``pf``."""
    return port.run_port_checks([port_unit(w) for w in pf.wards], off)

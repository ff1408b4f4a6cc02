"""PORT checks: rules that compare units with each other, over what each unit's latest report states.

A PORT check reads :class:`PortUnit` values, the few figures of one unit that cross-unit checks
need (the province-wide figures and the standard indicators), so that it runs the same on the
full portfolio (facts of every ward) and on the per-ward summaries of a large batch. The checks are
registered in the one rule catalogue like every rule (``wardaudit rules``, docs/rules.md), with
family ``PORT``: :func:`wardaudit.rules.run_rules` leaves them out of a report's audit and
:func:`run_port_checks` runs them over the units.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wardaudit.catalogue import read_yaml
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.rules.base import Rule, rule, rules
from wardaudit.vi.numbers import finite, format_number

#: |modified z| above which a ward's indicator is an outlier (Iglewicz and Hoaglin).
OUTLIER_Z = 3.5
#: PORT002 needs at least this many wards with a value to call one of them an outlier.
OUTLIER_MIN_WARDS = 4


@lru_cache(maxsize=1)
def load_targets() -> dict[str, Any]:
    """catalogue/targets.yaml: the standard indicators, their targets, province-wide metrics."""
    data = dict(read_yaml("targets.yaml") or {})
    data.setdefault("indicators", [])
    data.setdefault("province_wide", [])
    data["provinces"] = data.get("provinces") or {}
    return data


num = finite  # what the portfolio modules import from here


@dataclass(frozen=True)
class PortUnit:
    """What the PORT checks read of one unit's latest report.

    ``province_wide`` maps a province-wide metric to the first fact stating each distinct value
    (in reading order); ``indicators`` holds one row per standard indicator the report states
    (``indicator``, ``label``, ``value``, ``quote``, ``file``, ``page``, ``line``).
    """

    slug: str
    ward: str
    province: str | None = None
    has_report: bool = True
    province_wide: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    indicators: list[dict[str, Any]] = field(default_factory=list)


def run_port_checks(units: Sequence[PortUnit], off: Iterable[str] = ()) -> list[CheckResult]:
    """Every PORT rule of the catalogue over ``units``, except the codes in ``off``."""
    skip = {c.upper() for c in off}
    out: list[CheckResult] = []
    for code, check in rules.items():
        if check.over == "portfolio" and code not in skip:
            out.extend(check(units))
    return out


def _evidence(f: dict[str, Any], ward: str) -> Evidence:
    return Evidence(section=str(f.get("section") or ward), quote=str(f.get("quote") or ""),
                    page=int(num(f.get("page"))) if num(f.get("page")) is not None else None,
                    line=int(num(f.get("line"))) if num(f.get("line")) is not None else None,
                    file=f.get("file"))


def fmt(x: float) -> str:
    """A figure the Vietnamese way: whole numbers with thousand dots, others with two decimals."""
    return format_number(x, 0 if float(x).is_integer() else 2)


def _stated_values(unit: PortUnit, metric: str) -> dict[float, dict[str, Any]]:
    values: dict[float, dict[str, Any]] = {}
    for r in unit.province_wide.get(metric) or []:
        values.setdefault(num(r.get("value")), r)
    return values


def _expected_value(stated: list[tuple[PortUnit, dict[float, dict[str, Any]]]]) -> float | None:
    """The value stated by most units, when at least two state it and no other ties with it."""
    support: dict[float, int] = {}
    for _, values in stated:
        for v in values:
            support[v] = support.get(v, 0) + 1
    top = max(support.values())
    best = [v for v, n in support.items() if n == top]
    return best[0] if top >= 2 and len(best) == 1 else None


def _province_metric(rule: Rule, province: str, metric: str, units: list[PortUnit]) -> list[CheckResult]:
    stated = [(u, v) for u in units if (v := _stated_values(u, metric))]
    if len(stated) < 2:
        return []
    expected = _expected_value(stated)
    facts_of = {u.slug: values.get(expected) or next(iter(values.values())) for u, values in stated}
    evidence = tuple(_evidence(facts_of[u.slug], u.ward) for u, _ in stated)
    if expected is not None and all(expected in values for _, values in stated):
        return [rule.passed(
            f"{province}: {metric} = {fmt(expected)} ở cả {len(stated)} đơn vị / same in all "
            f"{len(stated)} units", {"metric": metric, "province": province, "expected": expected,
                                     "actual": expected, "units": len(stated)}, evidence)]
    out = []
    for u, values in stated:
        if expected is not None and expected in values:
            continue
        actual = next(iter(values))
        others = sorted({fmt(x) for o, vals in stated if o is not u for x in vals})
        out.append(rule.failed(
            f"{u.ward}: {metric} = {', '.join(fmt(v) for v in values)}; các đơn vị khác của {province} "
            f"nêu {', '.join(others)} / other units of the province state {', '.join(others)}",
            {"ward": u.ward, "slug": u.slug, "metric": metric, "province": province,
             "expected": expected, "actual": actual},
            (_evidence(values[actual], u.ward),)
            + tuple(e for (o, _), e in zip(stated, evidence, strict=True) if o is not u),
            key=f"{rule.code}:{province}:{metric}:{u.slug}"))
    return out


@rule("PORT001")
def province_wide_figures_agree(rule: Rule, units: Sequence[PortUnit]) -> list[CheckResult]:
    """Figures that every commune-level unit of a province takes from the province's own
    catalogue (``province_wide`` in catalogue/targets.yaml: the number of commune-level
    administrative procedures and its online split) must be the same in every unit's latest
    report. The value stated by most units (at least two) is expected; a unit that never states
    it fails. Figures scoped to the province or to the whole table ('tỉnh', 'all') are ignored.

    It cannot tell which value is right when no value is shared by two units, nor see a unit that
    also states the expected value elsewhere (XREF rules compare a report with itself), and the
    province may have amended its catalogue between two units' reporting dates.

    Strength: not a relation within a report; the units of one province compared (warning).
    It runs on the portfolio (``wardaudit run``), not on one report.
    """
    by_province: dict[str, list[PortUnit]] = {}
    for u in units:
        if u.province and u.has_report:
            by_province.setdefault(u.province, []).append(u)
    out: list[CheckResult] = []
    for province in sorted(by_province):
        for metric in load_targets()["province_wide"]:
            out.extend(_province_metric(rule, province, metric, by_province[province]))
    return out


def modified_z(values: list[float]) -> list[float]:
    """Iglewicz–Hoaglin modified z-scores: 0.6745 (x − median) / MAD; when the MAD is zero (most
    units state the same value) the mean absolute deviation × 1.2533 stands in for it."""
    med = statistics.median(values)
    mad = statistics.median(abs(x - med) for x in values)
    if mad > 0:
        return [0.6745 * (x - med) / mad for x in values]
    mean_ad = sum(abs(x - med) for x in values) / len(values)
    if mean_ad == 0:
        return [0.0 for _ in values]
    return [(x - med) / (1.253314 * mean_ad) for x in values]


def _outliers(rule: Rule, key: str, rows: list[tuple[PortUnit, dict[str, Any]]]) -> list[CheckResult]:
    values = [float(r["value"]) for _, r in rows]
    med = statistics.median(values)
    out = []
    for (u, r), z in zip(rows, modified_z(values), strict=True):
        if abs(z) > OUTLIER_Z:
            f = {"quote": r.get("quote"), "file": r.get("file"), "page": r.get("page"), "line": r.get("line")}
            out.append(rule.failed(
                f"{u.ward}: {r['label']} {fmt(r['value'])}% khác thường (trung vị {fmt(round(med, 2))}%, "
                f"z = {z:.1f}) / outlier against the median of {len(values)} units",
                {"ward": u.ward, "slug": u.slug, "indicator": key, "expected": med,
                 "actual": r["value"], "z": round(z, 2)}, (_evidence(f, u.ward),),
                key=f"{rule.code}:{key}:{u.slug}"))
    if not out:
        out.append(rule.passed(f"{key}: không có giá trị khác thường trong {len(values)} đơn vị / "
                               f"no outlier among {len(values)} units", {"indicator": key, "units": len(values)}))
    return out


@rule("PORT002")
def indicator_outliers(rule: Rule, units: Sequence[PortUnit]) -> list[CheckResult]:
    """A standard indicator (catalogue/targets.yaml) of a unit's latest report whose modified
    z-score against all units exceeds 3.5 is reported; one pass per indicator otherwise.

    An outlier is not an error: a unit may truly be ahead or behind. It needs at least four
    units stating the indicator, and cannot see a figure that is wrong in every unit alike.

    Strength: not a relation within a report; a unit against the distribution of all (info).
    It runs on the portfolio (``wardaudit run``), not on one report.
    """
    out: list[CheckResult] = []
    for key in [i["key"] for i in load_targets()["indicators"]]:
        rows = [(u, r) for u in units for r in u.indicators if r.get("indicator") == key]
        if len(rows) >= OUTLIER_MIN_WARDS:
            out.extend(_outliers(rule, key, rows))
    return out

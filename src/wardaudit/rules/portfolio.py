"""PORT checks: rules that compare units with each other, over what each unit's latest report states.

A PORT check reads :class:`PortUnit` values, the few figures of one unit that cross-unit checks
need (the province-wide figures and the standard indicators), so that it runs the same on the
full portfolio (facts of every ward) and on the per-ward summaries of a large batch. The checks are
registered in the one rule catalogue like every rule (``wardaudit rules``, docs/rules.md), with
family ``PORT``: :func:`wardaudit.rules.run_rules` leaves them out of a report's audit and
:func:`run_port_checks` runs them over the units.

PORT003 (copies) runs over the units' shingle sketches (:mod:`wardaudit.extract.shingles`), which
each ward's summary stores, never over full texts: the portfolio of 3,321 units reads a few
kilobytes per unit. Candidate pairs come from an inverted index of the sketches' hashes, leaving
out hashes found in more than :data:`MAX_POSTING` reports (template text every unit shares says
nothing about who copied whom, and would make the pairs quadratic); each candidate is then
measured on its whole sketches.
"""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

from wardaudit.catalogue import read_yaml
from wardaudit.extract.shingles import COPY_JACCARD, MIN_SHINGLES, Sketch, similarity
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
    #: the unit's reports, oldest first: ``source``, ``period`` (the report's own) and ``sketch``
    #: (:meth:`wardaudit.extract.shingles.Sketch.to_dict`), for PORT003
    reports: list[dict[str, Any]] = field(default_factory=list)


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


# --- PORT003: copies ------------------------------------------------------------------------------

#: a hash in more reports than this is template text: it does not make two reports candidates
MAX_POSTING = 50
#: a candidate pair shares at least this share of the smaller sketch's hashes (rarer ones only)
MIN_SHARED = 0.25


@dataclass(frozen=True)
class _Report:
    unit: PortUnit
    source: str
    period: str
    sketch: Sketch


def _reports(u: PortUnit) -> list[_Report]:
    out = []
    for r in u.reports:
        s = Sketch.from_dict(r.get("sketch"))
        if s is not None and s.size >= MIN_SHINGLES:
            out.append(_Report(u, str(r.get("source") or ""), str(r.get("period") or ""), s))
    return out


def _candidates(reports: list[_Report]) -> list[tuple[int, int]]:
    """Pairs of reports (by index) of different units that share many of their rarer hashes."""
    postings: dict[int, list[int]] = {}
    for i, r in enumerate(reports):
        for h in r.sketch.hashes:
            postings.setdefault(h, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for ids in postings.values():
        if 1 < len(ids) <= MAX_POSTING:
            shared.update(p for p in combinations(ids, 2) if reports[p[0]].unit.slug != reports[p[1]].unit.slug)
    smaller = {p: min(len(reports[p[0]].sketch.hashes), len(reports[p[1]].sketch.hashes)) for p in shared}
    return sorted(p for p, n in shared.items() if n >= MIN_SHARED * smaller[p])


def _period_text(key: str) -> str:
    """'2026-05-01/2026-05-07' as '01/05/2026–07/05/2026' (a key that is not dates stays)."""
    try:
        return "–".join(f"{date.fromisoformat(d):%d/%m/%Y}" if d else "…" for d in key.lstrip("@").split("/"))
    except ValueError:
        return key


def _named(r: _Report) -> str:
    return f"{r.unit.ward} ({Path(r.source).name or r.unit.slug}{', kỳ ' + _period_text(r.period) if r.period else ''})"


def _copied(rule: Rule, a: _Report, b: _Report, j: float) -> CheckResult:
    return rule.failed(
        f"{a.unit.ward}: báo cáo gần như trùng văn bản với báo cáo của {_named(b)}, giống {j:.0%} "
        f"/ mostly the same text as {b.unit.ward}'s report ({b.source})",
        {"slug": a.unit.slug, "ward": a.unit.ward, "province": a.unit.province, "other_slug": b.unit.slug,
         "other_source": b.source, "source": a.source, "similarity": round(j, 3), "expected": COPY_JACCARD,
         "actual": round(j, 3)},
        (Evidence(section=a.unit.ward, quote=a.source, file=a.source),
         Evidence(section=b.unit.ward, quote=b.source, file=b.source)),
        key=f"{rule.code}:{a.unit.slug}:{b.unit.slug}:{b.source}")


def _own_previous(rule: Rule, u: PortUnit) -> list[CheckResult]:
    """The unit's latest report against its previous one (dates are masked in the sketches)."""
    own = _reports(u)
    if len(own) < 2 or own[-1].period == own[-2].period:
        return []
    j = similarity(own[-1].sketch, own[-2].sketch)
    if j < COPY_JACCARD:
        return []
    latest, previous = own[-1], own[-2]
    period = _period_text(latest.period) or "?"
    return [rule.failed(
        f"{u.ward}: báo cáo kỳ {period} gần như trùng báo cáo kỳ trước ({_named(previous)}), "
        f"chỉ khác ngày tháng, giống {j:.0%} / the unit's previous report with only the dates changed",
        {"slug": u.slug, "ward": u.ward, "province": u.province, "other_slug": u.slug,
         "other_source": previous.source, "source": latest.source, "similarity": round(j, 3),
         "expected": COPY_JACCARD, "actual": round(j, 3)},
        (Evidence(section=u.ward, quote=latest.source, file=latest.source),
         Evidence(section=u.ward, quote=previous.source, file=previous.source)),
        key=f"{rule.code}:{u.slug}:previous:{previous.source}")]


@rule("PORT003")
def copied_reports(rule: Rule, units: Sequence[PortUnit]) -> list[CheckResult]:
    """A unit's latest report whose text is mostly the same as another unit's latest report, or as
    the unit's own previous report with only the dates changed, names the other report. "Mostly
    the same": the estimated Jaccard similarity of their 5-word shingles (dates masked) is at
    least 0.7 (``extract/shingles.py`` says how a shared provincial template stays below it). Each
    unit of a copied pair gets the finding, naming the other: the check cannot tell who copied.

    It cannot see a copy rewritten in other words, and it does not compare reports shorter than
    60 shingles (a cover note). Reports of different periods are compared too: a copy of another
    unit's earlier report is still a copy.

    Strength: not a relation within a report; two reports' texts compared (warning).
    It runs on the portfolio (``wardaudit run``), not on one report.
    """
    latest = [rs[-1] for u in units if (rs := _reports(u))]
    out: list[CheckResult] = []
    for i, k in _candidates(latest):
        a, b = latest[i], latest[k]
        j = similarity(a.sketch, b.sketch)
        if j >= COPY_JACCARD:
            out += [_copied(rule, a, b, j), _copied(rule, b, a, j)]
    for u in units:
        out += _own_previous(rule, u)
    if not out and len(latest) > 1:
        out.append(rule.passed(f"Không có báo cáo trùng văn bản trong {len(latest)} báo cáo / no copied report "
                               f"among {len(latest)} reports", {"units": len(latest)}))
    return out

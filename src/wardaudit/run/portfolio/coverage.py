"""Who has reported this period: the official units in scope against the reports in their folders.

The scope is the provinces project.yaml names, or those of the wards present; its units are the
official list's (:mod:`wardaudit.catalogue.units`), so a province's count is its real number of
units, not the folders found. Each report is mapped onto the reporting calendar
(:class:`wardaudit.model.period.Calendar`) by the last day it covers, or its date; the current
period is the one project.yaml names (``current``), else the latest period any report in scope
falls in. Each unit is then, for that period:

- ``on_time``, ``late`` or ``undated``: a report of the period, dated by the due date, after it,
  or with no complete date (the day or month left blank) to tell;
- ``failed``: its run failed (an unreadable report): a failed run stays a failed run;
- ``not_submitted`` ("chưa nộp"): no folder, an empty folder, or only reports of other periods
  (its old page stays, labelled with its old period);
- ``unknown_period``: reports whose period and date are both unknown.

A ward folder whose unit cannot be found in the official list (no ``code`` and no single unit of
its name, level and province) is listed apart, never counted.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from wardaudit.catalogue.units import Unit, UnitList, official_units
from wardaudit.errors import ParametersError
from wardaudit.model.period import Calendar
from wardaudit.model.report import Period
from wardaudit.project.settings import ProjectSettings
from wardaudit.vi.names import fold

REPORTED = ("on_time", "late", "undated")
STATES = (*REPORTED, "failed", "not_submitted", "unknown_period")


def ward_unit(s: dict[str, Any], units: UnitList) -> Unit | None:
    """A ward's official unit: by its code, else the one unit of its name, level and province."""
    if s.get("code"):
        return units.by_code(s["code"])
    found = units.find(s.get("ward") or "", s.get("level"), s.get("province")) if s.get("province") else []
    return found[0] if len(found) == 1 else None


def _scope(settings: ProjectSettings, wards: dict[str, Unit], units: UnitList) -> list[str]:
    """The official names of the provinces in scope."""
    if not settings.provinces:
        return sorted({u.province for u in wards.values()}, key=str.casefold)
    out = []
    for name in settings.provinces:
        p = units.province(name)
        if p is None:
            raise ParametersError(f"project.yaml: tỉnh '{name}' không có trong danh mục / province "
                                  "not in the official list", path="project.yaml")
        out.append(p.name)
    return out


def _mapped(s: dict[str, Any], cal: Calendar) -> list[tuple[Period | None, date | None]]:
    """Each report of the ward: (its calendar period, its date)."""
    out = []
    for r in s.get("report_list") or []:
        day = _day(r.get("date"))
        out.append((cal.map_report(Period.parse(r.get("period")), day), day))
    return out


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _state(status: str, reports: list[tuple[Period | None, date | None]], current: Period | None,
           cal: Calendar) -> str:
    if status == "failed":
        return "failed"
    this = [d for p, d in reports if p is not None and p == current]
    if status != "not_submitted" and this:
        dated = [d for d in this if d is not None]
        if not dated:
            return "undated"
        return "on_time" if min(dated) <= cal.due(current) else "late"
    if status != "not_submitted" and reports and all(p is None for p, _ in reports):
        return "unknown_period"
    return "not_submitted"


def _old_period(reports: list[tuple[Period | None, date | None]], cal: Calendar, lang: str) -> str | None:
    periods = [p for p, _ in reports if p is not None]
    return cal.label(max(periods, key=lambda p: p.end), lang) if periods else None


def build_coverage(summaries: dict[str, dict[str, Any]], statuses: dict[str, str], settings: ProjectSettings,
                   units: UnitList | None = None) -> dict[str, Any]:
    """Coverage of the current period as plain data (see the module's docstring).

    ``statuses`` gives each ward's run status (ok, failed, missing, not_submitted). Returns the
    period (``period``, ``labels``, ``due``), each ward's ``states`` and old period, each province
    in scope with its counts and the units not submitted, and the wards not in the official list.
    """
    units = units or official_units()
    cal = Calendar(**settings.calendar.model_dump())
    wards = {slug: u for slug, s in summaries.items() if (u := ward_unit(s, units)) is not None}
    scope = _scope(settings, wards, units)
    mapped = {slug: _mapped(summaries[slug], cal) for slug in wards}
    in_scope = [slug for slug, u in wards.items() if u.province in scope]
    periods = [p for slug in in_scope for p, _ in mapped[slug] if p is not None]
    current = cal.period_of(settings.current) if settings.current else max(periods, key=lambda p: p.end, default=None)
    states = {slug: _state(statuses.get(slug, "ok"), mapped[slug], current, cal) for slug in in_scope}
    by_code = {wards[slug].code: slug for slug in sorted(in_scope)}
    provinces = {name: _province(name, units, by_code, states, mapped, cal) for name in scope}
    return {"period": str(current) if current else None,
            "labels": {lang: cal.label(current, lang) for lang in ("vi", "en")} if current else {},
            "start": current.start.isoformat() if current else None,
            "end": current.end.isoformat() if current else None,
            "due": cal.due(current).isoformat() if current else None,
            "states": states, "units": {slug: wards[slug].code for slug in in_scope},
            "province_of": {slug: u.province for slug, u in wards.items()},
            "old_periods": {slug: {lang: _old_period(mapped[slug], cal, lang) for lang in ("vi", "en")}
                            for slug in in_scope if states[slug] == "not_submitted"},
            "provinces": provinces, "national": _totals(provinces.values()),
            "unlisted": sorted(slug for slug in summaries if slug not in wards)}


def _province(name: str, units: UnitList, by_code: dict[str, str], states: dict[str, str],
              mapped: dict[str, Any], cal: Calendar) -> dict[str, Any]:
    counts = dict.fromkeys(STATES, 0)
    missing, unknown = [], []
    for u in units.in_province(name):
        slug = by_code.get(u.code)
        state = states[slug] if slug else "not_submitted"
        counts[state] += 1
        if state == "unknown_period":
            unknown.append({"name": u.full_name, "code": u.code, "slug": slug})
        if state == "not_submitted":
            missing.append({"name": u.full_name, "code": u.code, "slug": slug,
                            "old_period": {lang: _old_period(mapped[slug], cal, lang) for lang in ("vi", "en")}
                            if slug else None})
    missing.sort(key=lambda m: (fold(m["name"]), m["code"]))
    return {"name": name, "units": sum(counts.values()), **counts, "reported": sum(counts[s] for s in REPORTED),
            "missing": missing, "unknown": unknown}


def _totals(provinces: Any) -> dict[str, int]:
    keys = ("units", "reported", *STATES)
    provinces = list(provinces)
    return {k: sum(p[k] for p in provinces) for k in keys}

"""A ward's small summary, data/processed/<ward>/summary.json: what the index needs of the ward.

The ward run writes it next to findings.json (:func:`write_summary`, called by the batch in the
worker that ran the ward): counts by status, severity and review state, the failures by rule
family and by rule, the unchecked share, the period, province and level, the standard indicators
and the province-wide figures the PORT checks compare with each report's shingle sketch (copies,
PORT003), a short trend when the ward has several reports (failed checks per report, and each
standard indicator of the latest report against the previous one: :mod:`wardaudit.run.portfolio.trend`),
the ward's rows of the findings export, its unit's code and each report's period, date and kind (who reported when:
:mod:`wardaudit.run.portfolio.coverage`). The portfolio then reads these summaries,
never the wards' full facts; a summary older than its findings.json (the notebook was run by
hand) is rebuilt from it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from wardaudit.model.audit import AuditResult
from wardaudit.model.findings import summary as check_counts
from wardaudit.project.config import Paths, WardParams
from wardaudit.review.decisions import failing_checks
from wardaudit.review.stats import review_counts, review_status
from wardaudit.run.portfolio.charts import family
from wardaudit.run.portfolio.exports import failed_rows
from wardaudit.run.portfolio.indicators import port_unit, report_facts, report_indicators
from wardaudit.run.portfolio.model import WardRecord, fill_record, read_ward, report_end
from wardaudit.run.portfolio.trend import indicator_changes
from wardaudit.store import WardStore

SUMMARY_SCHEMA = "wardaudit.summary/1"
#: Score weights of a check by severity (see :func:`score`).
SCORE_WEIGHTS = {"error": 3, "warning": 2, "info": 1}
#: a failure is still open while the auditor has not confirmed or dismissed it
OPEN_STATES = ("open", "query")


def score(checks: Any) -> float | None:
    """The share of checks passed, weighted by severity (error 3, warning 2, info 1), in percent.

    Skipped checks do not count; None when no check passed or failed.
    """
    won = total = 0
    for c in checks:
        if c.get("status") not in ("pass", "fail"):
            continue
        w = SCORE_WEIGHTS.get(c.get("severity"), 1)
        total += w
        won += w if c["status"] == "pass" else 0
    return round(100.0 * won / total, 1) if total else None


def _counts(doc: dict[str, Any]) -> dict[str, Any]:
    checks = doc.get("checks") or []
    s = check_counts(checks)
    counts = {"checks": s["checks"], "passed": s["pass"], "failed": s["fail"], "skipped": s["skip"],
              "error": s["error"], "warning": s["warning"], "info": s["info"], **review_counts([doc] if doc else [])}
    fails = [c for c in checks if c.get("status") == "fail"]
    counts["open_errors"] = sum(c.get("severity") == "error" and review_status(c) in OPEN_STATES for c in fails)
    counts["open_warnings"] = sum(c.get("severity") == "warning" and review_status(c) in OPEN_STATES for c in fails)
    counts["unchecked"] = int(((doc.get("unchecked") or {}).get("count")) or 0)
    ran = s["pass"] + s["fail"] + counts["unchecked"]
    counts["unchecked_share"] = round(counts["unchecked"] / ran, 4) if ran else 0.0
    return counts


def _families(doc: dict[str, Any]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for c in doc.get("checks") or []:
        fam = family(c.get("rule", ""))
        row = out.setdefault(fam, {"error": 0, "warning": 0, "info": 0})
        if c.get("status") == "fail" and c.get("severity") in row:
            row[c["severity"]] += 1
    return out


def _rules(docs: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per failing rule, across the ward's reports: findings by review state (each id once)."""
    out: dict[str, dict[str, int]] = {}
    for c in failing_checks(docs):
        row = out.setdefault(c["rule"], {"findings": 0, "open": 0, "confirmed": 0, "query": 0, "dismissed": 0})
        row["findings"] += 1
        row[review_status(c)] += 1
    return out


def _trend(w: WardRecord) -> list[dict[str, Any]]:
    if len(w.reports) < 2:
        return []
    out = []
    for doc in w.reports:
        values = {r["indicator"]: r["value"] for r in report_indicators(report_facts(w, doc))}
        out.append({"end": report_end(doc) or None, "failed": check_counts(doc.get("checks") or [])["fail"],
                    "indicators": values})
    return out


def summary_of(w: WardRecord) -> dict[str, Any]:
    """The summary of a ward record (see the module's docstring)."""
    doc = w.latest or {}
    report = doc.get("report") or {}
    unit = port_unit(w)
    return {"schema": SUMMARY_SCHEMA, "slug": w.slug, "ward": w.ward, "province": w.province, "level": w.level,
            "status": w.status, "reason": w.reason, "reports": len(w.reports), "kind": report.get("kind"),
            "period": report.get("period") or {}, "report_end": report_end(doc) or None,
            "counts": _counts(doc), "score": score(doc.get("checks") or []), "families": _families(doc),
            "rules": _rules(w.reports), "trend": _trend(w), "indicator_trend": indicator_changes(w),
            "port": {"has_report": unit.has_report, "province_wide": unit.province_wide,
                     "indicators": unit.indicators, "reports": unit.reports},
            "findings": failed_rows(w.slug, w.ward, w.province, w.reports),
            "code": w.code, "report_list": [_report_entry(d) for d in w.reports], "unread": w.unread}


def _report_entry(doc: dict[str, Any]) -> dict[str, Any]:
    """What coverage needs of one report: its source, the period it states, its date and kind."""
    report = doc.get("report") or {}
    return {"source": doc.get("source"), "period": report.get("period") or {}, "date": report.get("date"),
            "kind": report.get("kind")}


def batch_counts(summary: dict[str, Any] | None) -> dict[str, int] | None:
    """Failed checks by severity and passed checks, as the batch's summary table shows them."""
    c = (summary or {}).get("counts")
    if not isinstance(c, dict):
        return None
    return {"error": c.get("error", 0), "warning": c.get("warning", 0), "info": c.get("info", 0),
            "pass": c.get("passed", 0)}


def ward_summary(params: WardParams, results: list[AuditResult], reviews: dict[str, dict[str, Any]],
                 paths: Paths, facts_text: str | None = None) -> dict[str, Any]:
    """The summary of an audit the worker holds (no file is read back; ``facts_text``: the facts.csv it
    has just written, not made again)."""
    rec = WardRecord(slug=params.slug, ward=params.ward, level=params.level, province=params.province,
                     code=params.code)
    return summary_of(fill_record(rec, results, reviews, facts_text))


def build_summary(slug: str, paths: Paths) -> dict[str, Any]:
    """The summary of a ward from its store (a ward whose summary.json is missing or outdated)."""
    return summary_of(read_ward(slug, paths, {}))


def write_summary(slug: str, paths: Paths) -> Path:
    """Write data/processed/<slug>/summary.json from the ward's store and return its path."""
    return WardStore(paths, slug).write_summary(build_summary(slug, paths))

"""From the wards' summaries to what the index and province pages show.

:func:`load_summaries` reads data/processed/<ward>/summary.json for every configured ward, but
only those that changed since the last portfolio run (their file's mtime, size and inode are kept
with the summary in data/processed/portfolio-cache.json). :func:`ward_rows` turns them into the
triage table: failed runs first, then wards with no audit yet, then those with no report this
period (:mod:`wardaudit.run.portfolio.coverage`), then by open errors, open warnings and the share
of related figures that could not be checked.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wardaudit.project.config import Paths
from wardaudit.project.iorw import write_text
from wardaudit.run.portfolio.model import read_json, read_ward
from wardaudit.run.portfolio.summary import SUMMARY_SCHEMA, summary_of, write_summary
from wardaudit.store import WardStore
from wardaudit.version import __version__
from wardaudit.vi.names import slugify

CACHE_FILE = "portfolio-cache.json"
CACHE_SCHEMA = f"wardaudit.portfolio-cache/1 {__version__}"
STATUS_ORDER = {"failed": 0, "missing": 1, "not_submitted": 2, "ok": 3}


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _summary_file(slug: str, paths: Paths) -> tuple[Path, list[int] | None]:
    """The ward's summary.json and its stat, written first from the ward's store when it is missing;
    (path, None) when the ward was never audited."""
    store = WardStore(paths, slug)
    target = store.summary_path
    st = _stat(target)
    if st is None and store.has_audit():
        write_summary(slug, paths)
        st = _stat(target)
    return target, st


def load_summaries(paths: Paths, slugs: Iterable[str],
                   tick: Callable[[], None] | None = None) -> tuple[dict[str, dict[str, Any]], int]:
    """The summaries of ``slugs`` and how many were read from their files (the rest were unchanged
    and come from the cache). A ward never audited gets a summary saying so, not cached."""
    cache_path = paths.processed / CACHE_FILE
    cache = read_json(cache_path) or {}
    known = cache.get("wards", {}) if cache.get("schema") == CACHE_SCHEMA else {}
    fresh: dict[str, Any] = {}
    out: dict[str, dict[str, Any]] = {}
    read = 0
    for slug in slugs:
        target, st = _summary_file(slug, paths)
        if st is None:
            out[slug] = summary_of(read_ward(slug, paths, {}))
        elif (known.get(slug) or {}).get("stat") == st:
            out[slug] = known[slug]["summary"]
            fresh[slug] = known[slug]
        else:
            doc = read_json(target)
            if not isinstance(doc, dict) or doc.get("schema") != SUMMARY_SCHEMA:
                write_summary(slug, paths)
                doc, st = read_json(target), _stat(target)
            out[slug], fresh[slug] = doc, {"stat": st, "summary": doc}
            read += 1
        if tick:
            tick()
    if read or set(fresh) != set(known):
        write_text(cache_path, json.dumps({"schema": CACHE_SCHEMA, "wards": fresh}, ensure_ascii=False) + "\n")
    return out, read


def province_slugs(names: Iterable[str | None]) -> dict[str | None, str]:
    """A file name for each province's page (reports/province/<slug>.html), distinct for each name."""
    out: dict[str | None, str] = {}
    used: set[str] = set()
    for name in sorted(set(names), key=lambda n: (n is None, n or "")):
        base = slugify(name) if name else "chua-ro"
        slug, i = base or "tinh", 2
        while slug in used:
            slug, i = f"{base}-{i}", i + 1
        used.add(slug)
        out[name] = slug
    return out


def _period_key(s: dict[str, Any]) -> str | None:
    p = s.get("period") or {}
    if p.get("start") and p.get("end"):
        return f"{p['start']}/{p['end']}"
    return p.get("end") or p.get("start") or s.get("report_end")


def run_status(s: dict[str, Any], entry: dict[str, Any]) -> tuple[str, str | None]:
    """A ward's run status and its reason: ``failed`` (in the summary or this run's manifest),
    ``not_submitted`` (the batch found no report in its folder), ``missing`` (not processed yet) or ``ok``."""
    status, reason = s.get("status") or "ok", s.get("reason")
    if entry.get("status") == "failed":
        return "failed", entry.get("reason") or reason
    if entry.get("status") == "no_report" and status != "failed":
        return "not_submitted", entry.get("reason")
    return status, reason


#: the states a ward's row reads, in triage order (:func:`ward_state`); every one is offered as a filter
STATES = ("failed", "missing", "not_submitted", "errors", "warnings", "confirmed", "clean")
#: a finding is still open while the auditor has neither confirmed nor dismissed it
OPEN_REVIEW = ("open", "query")


def ward_state(status: str, counts: dict[str, Any]) -> str:
    """What the auditor reads of a ward: its run failed, was not audited, did not report this period,
    or, for an audited report, whether an error (then a warning) is still open, whether confirmed
    errors await the ward's correction, or nothing is left. A ward with an open error never reads as
    dealt with."""
    if status in ("failed", "missing", "not_submitted"):
        return status
    if counts.get("open_errors", 0):
        return "errors"
    if counts.get("open_warnings", 0):
        return "warnings"
    if counts.get("confirmed", 0):
        return "confirmed"
    return "clean"


def main_problem(s: dict[str, Any]) -> tuple[dict[str, Any] | None, int]:
    """The worst open finding of the ward's latest report (errors, then warnings; by rule, in the order
    the ward page lists them) and how many other open findings it has."""
    from wardaudit.model.findings import SEVERITY_ORDER

    latest = ((s.get("report_list") or [{}])[-1] or {}).get("source")
    rows = [f for f in s.get("findings") or [] if f.get("source") == latest and f.get("id")
            and f.get("severity") in ("error", "warning") and (f.get("review_status") or "open") in OPEN_REVIEW]
    if not rows:
        return None, 0
    worst = min(enumerate(rows), key=lambda x: (SEVERITY_ORDER[x[1]["severity"]], x[1].get("rule") or "", x[0]))[1]
    return ({"id": worst["id"], "rule": worst.get("rule"), "severity": worst["severity"],
             "message": worst.get("message") or ""}, len(rows) - 1)


def _row(s: dict[str, Any], entry: dict[str, Any], paths: Paths, coverage: dict[str, Any]) -> dict[str, Any]:
    c = s.get("counts") or {}
    status, reason = run_status(s, entry)
    state = (coverage.get("states") or {}).get(s["slug"])
    if status == "ok" and state == "not_submitted":
        status = "not_submitted"  # its reports are of earlier periods: its page is the old one
    province = (coverage.get("province_of") or {}).get(s["slug"]) or s.get("province")  # the official spelling
    return {"slug": s["slug"], "ward": s.get("ward") or entry.get("ward") or s["slug"], "province": province,
            "level": s.get("level"), "period": _period_key(s), "kind": s.get("kind"), "status": status,
            "reason": reason,
            "open_errors": c.get("open_errors", 0), "open_warnings": c.get("open_warnings", 0),
            "error": c.get("error", 0), "warning": c.get("warning", 0), "info": c.get("info", 0),
            "unchecked_share": c.get("unchecked_share", 0.0), "open": c.get("open", 0),
            "confirmed": c.get("confirmed", 0), "query": c.get("query", 0), "dismissed": c.get("dismissed", 0),
            "score": s.get("score"), "html": paths.ward_report(s["slug"]).exists(), "code": s.get("code"),
            "letter": paths.ward_letter(s["slug"]).name if paths.ward_letter(s["slug"]).exists() else None,
            "unread": s.get("unread") or [],
            "coverage": state, "old_period": (coverage.get("old_periods") or {}).get(s["slug"]),
            "no_report": state == "not_submitted" or status == "not_submitted",
            "state": ward_state(status, c), "unchecked": c.get("unchecked", 0),
            "ran": c.get("passed", 0) + c.get("failed", 0) + c.get("unchecked", 0),
            **dict(zip(("main", "main_more"), main_problem(s), strict=True))}


def triage_key(r: dict[str, Any]) -> tuple:
    """Failed runs first, then wards not audited, then those with no report this period, then open
    errors, open warnings, unchecked share."""
    return (STATUS_ORDER.get(r["status"], 4), -r["open_errors"], -r["open_warnings"], -r["unchecked_share"],
            r["ward"].casefold(), r["slug"])


def ward_rows(summaries: dict[str, dict[str, Any]], entries: dict[str, dict[str, Any]],
              paths: Paths, coverage: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One triage row per ward, in triage order (:func:`triage_key`), each with its rank and, with
    ``coverage`` (:func:`wardaudit.run.portfolio.coverage.build_coverage`), its state this period."""
    rows = [_row(s, entries.get(slug, {}), paths, coverage or {}) for slug, s in summaries.items()]
    names = Counter(r["ward"] for r in rows)
    for r in rows:
        if names[r["ward"]] > 1:
            r["ward"] = f"{r['ward']} ({r['slug']})"
    rows.sort(key=triage_key)
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows


def overview(rows: list[dict[str, Any]], summaries: Iterable[dict[str, Any]], top: int = 5) -> dict[str, Any]:
    """The short summary above a ranking: wards, failed runs, wards with open errors, wards with no
    report this period, and the most frequent failing rules."""
    rules: Counter[str] = Counter()
    for s in summaries:
        for rule, r in (s.get("rules") or {}).items():
            rules[rule] += r.get("findings", 0)
    return {"wards": len(rows), "failed": sum(r["status"] == "failed" for r in rows),
            "with_errors": sum(r["open_errors"] > 0 for r in rows), "no_report": sum(r["no_report"] for r in rows),
            "top_rules": sorted(rules.items(), key=lambda x: (-x[1], x[0]))[:top]}


def rule_precision_rows(summaries: Iterable[dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Per rule that failed anywhere: units, findings, decisions and the dismissal rate (dismissed /
    decided), as :func:`wardaudit.review.stats.rule_precision` computes it from full findings."""
    per: dict[str, dict[str, int]] = {}
    for s in summaries:
        for rule, r in (s.get("rules") or {}).items():
            row = per.setdefault(rule, {"wards": 0, "findings": 0, "confirmed": 0, "query": 0, "dismissed": 0})
            row["wards"] += 1
            for k in ("findings", "confirmed", "query", "dismissed"):
                row[k] += r.get(k, 0)
    out = []
    for rule in sorted(per):
        r = per[rule]
        decided = r["confirmed"] + r["query"] + r["dismissed"]
        out.append({"rule": rule, "title": titles.get(rule, ""), **r, "decided": decided,
                    "dismissal_rate": round(r["dismissed"] / decided, 4) if decided else None})
    return out

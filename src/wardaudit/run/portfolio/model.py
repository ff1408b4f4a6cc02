"""The full portfolio: every configured ward's findings documents and facts, from the ward stores.

:func:`load_portfolio` is what the portfolio notebook and the cross-ward analyses read. A large
batch does not read it: the index is built from the per-ward summaries
(:mod:`wardaudit.run.portfolio.summary`).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit.errors import AuditError
from wardaudit.model.audit import AuditResult
from wardaudit.project.config import Paths, load_params
from wardaudit.review.decisions import latest, load_decisions
from wardaudit.store import WardStore, facts_csv, stored_wards


@dataclass
class WardRecord:
    """One ward's processed outputs: its findings documents (oldest report first) and facts."""

    slug: str
    ward: str
    level: str | None = None
    province: str | None = None
    reports: list[dict[str, Any]] = field(default_factory=list)
    facts: Any = None  # DataFrame, one row per fact (facts.csv)
    status: str = "ok"  # ok | failed | missing
    reason: str | None = None
    html: str | None = None  # the ward's report relative to reports/, when it exists
    code: str | None = None  # the unit's code in the official list (parameters/<ward>.yaml)
    #: each report's ``source``, ``period`` and shingle ``sketch`` (oldest first), for PORT003
    sketches: list[dict[str, Any]] = field(default_factory=list)
    unread: list[dict[str, str]] = field(default_factory=list)  # the ward's files not read: {file, reason}

    @property
    def latest(self) -> dict[str, Any] | None:
        return self.reports[-1] if self.reports else None


@dataclass
class Portfolio:
    wards: list[WardRecord]
    paths: Paths
    batch: dict[str, Any] = field(default_factory=dict)
    #: folders in data/processed whose ward is no longer in parameters/: left out, with a note
    stale: list[str] = field(default_factory=list)


def read_json(path: Path) -> Any:
    """The JSON document at ``path``, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def batch_entries(paths: Paths) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """reports/batch.json (the run manifest) and its ward entries by slug."""
    blob = read_json(paths.reports / "batch.json")
    if not isinstance(blob, dict):
        return {}, {}
    entries = {}
    for w in blob.get("wards") or []:
        if isinstance(w, dict) and w.get("slug"):
            entries[str(w["slug"])] = w
    return blob, entries


def report_end(doc: dict[str, Any]) -> str:
    """The end of a report's period (or its date): the order of a ward's reports."""
    report = doc.get("report") or {}
    return (report.get("period") or {}).get("end") or report.get("date") or ""


def facts_table(results: list[AuditResult], text: str | None = None):
    """The ward's facts as a table read like facts.csv (the same values and column types as a
    spreadsheet or pandas reading that file get); ``text``: facts.csv's text when the caller has it."""
    import io

    import pandas as pd

    if not results:
        return pd.DataFrame()
    if text is None:
        text = facts_csv(results)
    return pd.read_csv(io.StringIO(text), dtype={"period": str, "qualifier": str, "file": str})


def report_sketches(results: list[AuditResult]) -> list[dict[str, Any]]:
    """Each report's shingle sketch (:mod:`wardaudit.extract.shingles`) in the order of its end date,
    as PORT003 reads it: a few kilobytes per report instead of its text."""
    from wardaudit.extract.shingles import sketch

    out = []
    for r in results:
        period = r.meta.period
        out.append({"source": r.document.source, "period": str(period) if period else "",
                    "end": report_end(r.findings()), "sketch": sketch(r.document.text()).to_dict()})
    return [{k: v for k, v in d.items() if k != "end"} for d in sorted(out, key=lambda d: d["end"])]


def fill_record(rec: WardRecord, results: list[AuditResult], reviews: dict[str, dict[str, Any]],
                facts_text: str | None = None) -> WardRecord:
    """Give ``rec`` the findings documents (oldest first, failing checks with their review) and the
    facts of an audit (``facts_text``: facts.csv's text, when the caller has it)."""
    rec.reports = sorted((r.findings(reviews) for r in results), key=report_end)
    rec.facts = facts_table(results, facts_text)
    rec.sketches = report_sketches(results)
    rec.unread = [u.to_dict() for u in (results[-1].unread if results else [])]
    if rec.ward == rec.slug and rec.reports and rec.reports[-1].get("ward"):
        rec.ward = rec.reports[-1]["ward"]
    return rec


def ward_slugs(paths: Paths, entries: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(wards to show, stale folders): every parameters file and every ward the manifest names;
    a data/processed folder whose ward has no parameters file any more is stale."""
    slugs = {p.stem for p in paths.parameters.glob("*.yaml")} if paths.parameters.is_dir() else set()
    slugs |= set(entries)
    stale = []
    stale = [s for s in stored_wards(paths) if s not in slugs]
    return sorted(slugs), stale


def read_ward(slug: str, paths: Paths, entry: dict[str, Any]) -> WardRecord:
    """One ward's record: its parameters, findings documents, facts, page and run status."""
    rec = WardRecord(slug=slug, ward=slug)
    if paths.ward_params(slug).exists():
        try:
            params = load_params(paths.ward_params(slug), paths)
            rec.ward, rec.level, rec.province, rec.code = params.ward, params.level, params.province, params.code
        except AuditError as e:
            rec.status, rec.reason = "failed", e.one_line()
    results = WardStore(paths, slug).load_audit()  # the last good audit, whatever it was made from
    if results is not None:
        try:
            reviews = {k: d.review() for k, d in latest(load_decisions(slug, paths)).items()}
        except AuditError as e:
            reviews = {}
            rec.status, rec.reason = "failed", e.one_line()
        fill_record(rec, results, reviews)
    elif rec.status == "ok":
        rec.status = "missing"
        rec.reason = "chưa kiểm tra / not audited yet"
    if entry.get("ward") and rec.ward == slug:
        rec.ward = entry["ward"]
    if entry.get("status") == "failed":
        rec.status, rec.reason = "failed", entry.get("reason") or rec.reason
    if paths.ward_report(slug).exists():
        rec.html = paths.ward_report(slug).name
    return rec


def distinct_names(wards: list[Any]) -> None:
    """One name can belong to several units (an 'An Bình' in many provinces): tables, charts and
    exports are keyed by the shown name, so a shared name carries its folder to stay distinct."""
    names = Counter(r.ward for r in wards)
    for r in wards:
        if names[r.ward] > 1:
            r.ward = f"{r.ward} ({r.slug})"


def load_portfolio(root: str | Path | None = None, paths: Paths | None = None) -> Portfolio:
    """Every ward with a parameters file (or named by the last run), in order of name.

    ``root`` (the notebook's parameter) or ``paths`` chooses the project; by default the one
    :class:`~wardaudit.project.config.Paths` finds. A ward whose run failed in ``reports/batch.json`` or
    that was never audited is listed with its status and reason, never dropped. A folder in
    data/processed whose ward is no longer in parameters/ is left out and named in ``stale``.
    """
    paths = paths or Paths(Path(root) if root else None)
    batch, entries = batch_entries(paths)
    slugs, stale = ward_slugs(paths, entries)
    wards = [read_ward(slug, paths, entries.get(slug, {})) for slug in slugs]
    distinct_names(wards)
    wards.sort(key=lambda r: (r.ward.casefold(), r.slug))
    return Portfolio(wards=wards, paths=paths, batch=batch, stale=stale)

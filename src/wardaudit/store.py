"""One ward's store, data/processed/<ward>/: the only code that knows its file names and formats.

The audit is kept once, as JSON (``audit.json``: every report's document, typed metadata, facts,
relations and checks, under the key of the inputs it was made from; no pickle anywhere), next to the
files made for people and other tools from it: ``findings.json`` (schema wardaudit.findings/1),
``facts.csv``, ``tables/*.csv``, ``summary.json`` (what the index needs). The run's own state sits
beside them: the digests a batch compares to skip unchanged work, ``run.json`` (how the last run
ended and when the last good one was), the executed notebook and the run's log.

Everything is written atomically (:mod:`wardaudit.project.iorw`); a failed run writes none of the
audit's files, so the last good audit and its page stay. Readers get typed values
(:class:`~wardaudit.model.audit.AuditResult`, :class:`RunRecord`) or None when a file is missing,
unreadable, of another schema or made from other inputs: a store is a cache of the inputs, never
trusted beyond its key.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wardaudit.model.audit import AuditResult
from wardaudit.model.facts import facts_frame
from wardaudit.model.findings import dumps
from wardaudit.project.config import Paths
from wardaudit.project.iorw import frame_csv_text, short_stem, write_frame_csv, write_text
from wardaudit.version import __version__

AUDIT_SCHEMA = "wardaudit.audit/1"

AUDIT = "audit.json"
FINDINGS = "findings.json"
FACTS = "facts.csv"
TABLES = "tables"
SUMMARY = "summary.json"
RUN = "run.json"
NOTEBOOK = "ward_audit.ipynb"
FAILED_NOTEBOOK = "ward_audit.failed.ipynb"
RUN_LOG = "run.log"
CHARTS = "charts"

#: the digests a batch compares: what the audit read, the auditor's decisions, the page template
DIGESTS = {"inputs": "inputs.sha256", "reviews": "reviews.sha256", "template": "notebook.sha256"}


@dataclass(frozen=True)
class RunRecord:
    """How a ward's last run ended (``ok`` | ``failed``, the one-line reason, when) and when its last
    good run was (the date a page kept after a failure shows)."""

    status: str
    at: str
    reason: str | None = None
    good_at: str | None = None


def now_stamp() -> str:
    """The current time in UTC, ISO 8601 with its offset."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


class WardStore:
    """data/processed/<slug>/ of one ward (see the module's docstring)."""

    def __init__(self, paths: Paths, slug: str):
        self.paths, self.slug = paths, slug
        self.folder = paths.ward_processed(slug)

    # --- the audit ----------------------------------------------------------------------------------
    def save_audit(self, results: Iterable[AuditResult], key: str) -> Path:
        """Keep the audit of the ward's reports (oldest first) under ``key``, the digest of its inputs,
        with the hash of what it holds (an entry edited by hand no longer matches it)."""
        reports = _canonical([r.to_record() for r in results])
        head = {"schema": AUDIT_SCHEMA, "version": __version__, "key": key, "sha256": _sha256(reports)}
        text = json.dumps(head, ensure_ascii=False)[:-1] + f"{_REPORTS_AT}{reports}{_REPORTS_END}"
        return write_text(self.folder / AUDIT, text)

    def load_audit(self, key: str | None = None) -> list[AuditResult] | None:
        """The stored audit when it was made from ``key`` (any key when None); else None.

        A file that is missing, is not this schema's JSON, was edited after it was written or holds
        something else is None too: the caller audits again instead of trusting it.
        """
        try:
            text = (self.folder / AUDIT).read_text(encoding="utf-8")
            doc = json.loads(text)
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("schema") != AUDIT_SCHEMA or doc.get("version") != __version__:
            return None
        if (key is not None and doc.get("key") != key) or not _holds_what_was_written(text, doc):
            return None
        try:
            return [AuditResult.from_record(r) for r in doc.get("reports") or []]
        except (KeyError, TypeError, ValueError):
            return None

    def has_audit(self) -> bool:
        return (self.folder / AUDIT).is_file()

    # --- what people and tools read -------------------------------------------------------------------
    def write_outputs(self, results: list[AuditResult], reviews: Mapping[str, dict[str, Any]],
                      audited: bool = True) -> str | None:
        """findings.json (with the auditor's decisions on failing checks), facts.csv and tables/*.csv;
        returns the text of facts.csv when it was written now (the summary reads the same table), else None.

        Facts and tables depend on the audit alone: after a stored audit was reused (``audited`` False)
        they are written only when missing.
        """
        write_text(self.folder / FINDINGS, findings_text(results, reviews))
        if not audited and (self.folder / FACTS).is_file():
            return None
        facts = facts_csv(results)
        write_text(self.folder / FACTS, facts)
        for name, frame in table_frames(results):
            write_frame_csv(self.folder / TABLES / name, frame)
        return facts

    def findings_path(self) -> Path:
        """findings.json, for a tool that reads it (the product itself reads :meth:`load_audit`)."""
        return self.folder / FINDINGS

    def has_outputs(self) -> bool:
        return (self.folder / FINDINGS).is_file()

    # --- the summary the index reads ----------------------------------------------------------------
    @property
    def summary_path(self) -> Path:
        return self.folder / SUMMARY

    def write_summary(self, doc: Mapping[str, Any]) -> Path:
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True, default=_plain) + "\n"
        return write_text(self.summary_path, text)

    def read_summary(self) -> dict[str, Any] | None:
        return _read_json(self.summary_path)

    # --- the run's state ------------------------------------------------------------------------------
    def digest(self, name: str) -> str | None:
        """A stored digest (``inputs``, ``reviews`` or ``template``), or None."""
        try:
            return (self.folder / DIGESTS[name]).read_text(encoding="utf-8").split()[0]
        except (OSError, IndexError):
            return None

    def write_digests(self, **values: str | None) -> None:
        for name, value in values.items():
            if value:
                write_text(self.folder / DIGESTS[name], value + "\n")

    def clear_digests(self) -> None:
        """Forget every digest: the outputs on disk no longer match the inputs, never skip this ward."""
        for name in DIGESTS.values():
            (self.folder / name).unlink(missing_ok=True)

    def last_run(self) -> RunRecord | None:
        doc = _read_json(self.folder / RUN)
        try:
            return RunRecord(**doc) if isinstance(doc, dict) else None
        except TypeError:
            return None

    def record_run(self, status: str, reason: str | None = None) -> RunRecord:
        """Write how this run ended; a good run also becomes the last good one."""
        previous = self.last_run()
        at = now_stamp()
        good_at = at if status == "ok" else (previous.good_at if previous else None)
        rec = RunRecord(status=status, at=at, reason=reason, good_at=good_at)
        write_text(self.folder / RUN, json.dumps(asdict(rec), ensure_ascii=False) + "\n")
        return rec

    @property
    def notebook_path(self) -> Path:
        """The executed notebook of the last good run (the page is rendered from it)."""
        return self.folder / NOTEBOOK

    @property
    def failed_notebook_path(self) -> Path:
        """The notebook of a run that failed, kept apart so the good one stays."""
        return self.folder / FAILED_NOTEBOOK

    @property
    def chart_folder(self) -> Path:
        """The ward's drawn charts, by the hash of what each is drawn from (:mod:`wardaudit.render.chart_cache`)."""
        return self.folder / CHARTS

    def keep_charts(self, keys: Iterable[str]) -> None:
        """Remove the drawn charts the ward's page no longer shows (those not in ``keys``)."""
        keep = set(keys)
        if self.chart_folder.is_dir():
            for f in self.chart_folder.iterdir():
                if f.is_file() and f.name.split(".", 1)[0] not in keep:
                    f.unlink(missing_ok=True)

    @property
    def log_path(self) -> Path:
        return self.folder / RUN_LOG


def stored_wards(paths: Paths) -> list[str]:
    """The folders of data/processed that hold a ward's outputs (a stale folder is one of them)."""
    if not paths.processed.is_dir():
        return []
    return sorted(p.name for p in paths.processed.iterdir()
                  if (p / FINDINGS).is_file() or (p / AUDIT).is_file())


def findings_text(results: list[AuditResult], reviews: Mapping[str, dict[str, Any]] | None = None) -> str:
    """findings.json: one document, or ``{"reports": [...], "unread": [...]}`` when the ward has several
    (the ward's files not read are listed once, and only when there is any)."""
    if len(results) == 1:
        return dumps(results[0].findings(dict(reviews or {})))
    blob: dict[str, Any] = {"reports": [r.findings(dict(reviews or {}), with_unread=False) for r in results]}
    unread = [u.to_dict() for u in (results[-1].unread if results else [])]
    if unread:
        blob["unread"] = unread
    return dumps(blob)


def ward_facts_frame(results: Iterable[AuditResult]):
    """Every report's facts, one row per fact, in the published columns (facts.csv)."""
    import pandas as pd

    # one frame per report, then concatenated: a column's type is inferred per report, as it always was
    frames = [facts_frame(r.facts) for r in results]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def facts_csv(results: Iterable[AuditResult]) -> str:
    """facts.csv's text (:func:`ward_facts_frame` written as :func:`wardaudit.project.iorw.write_frame_csv`
    writes a frame)."""
    return frame_csv_text(ward_facts_frame(results))


def table_frames(results: Iterable[AuditResult]) -> list[tuple[str, Any]]:
    """(file name, DataFrame) for every table of every report: ``<report>_phu-luc-<id>_NN.csv``."""
    out = []
    for r in results:
        stem = short_stem(Path(r.document.source).stem)  # a report's name may be near the filesystem's limit
        for i, t in enumerate(r.document.tables()):
            name = f"{stem}_phu-luc-{t.appendix}_{i:02d}.csv" if t.appendix else f"{stem}_table_{i:02d}.csv"
            out.append((name, t.to_frame()))
    return out


def _canonical(value: Any) -> str:
    """One JSON text for a value: what the audit's hash is taken over, written and read back the same."""
    return json.dumps(value, ensure_ascii=False)


# how save_audit writes the reports: after the head's fields, to the end of the file
_REPORTS_AT, _REPORTS_END = ', "reports": ', "}\n"


def _holds_what_was_written(text: str, doc: dict[str, Any]) -> bool:
    """The stored reports are the ones hashed when they were written: their text as save_audit wrote it is
    hashed as it stands (no second serialisation); a file laid out otherwise is written again to be hashed,
    which accepts exactly the same files."""
    at = text.find(_REPORTS_AT)
    written = text[at + len(_REPORTS_AT):-len(_REPORTS_END)] if at >= 0 and text.endswith(_REPORTS_END) else None
    if written is not None and _sha256(written) == doc.get("sha256"):
        return True
    return doc.get("sha256") == _sha256(_canonical(doc.get("reports")))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        return v.item()
    return str(v)

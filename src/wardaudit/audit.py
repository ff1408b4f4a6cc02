"""One report in, checked facts out: read → structure → facts → rules → findings document.

:func:`audit_file` is what ``wardaudit check`` and the ward notebook call. :func:`audit_ward`
audits every report of a ward and writes data/processed/<ward>/ (facts.csv, findings.json,
document.json, tables/*.csv), re-using a result cached by content hash when nothing changed.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit.model.document import Document
from wardaudit.model.findings import CheckResult, Unread, dumps, findings_document, sort_checks, summary
from wardaudit.project.config import Paths, WardParams, relative
from wardaudit.project.iorw import write_frame_csv, write_text
from wardaudit.version import __version__


@dataclass
class AuditResult:
    document: Document
    meta: dict[str, Any]
    facts: list[Any]
    checks: list[CheckResult]
    ward: str | None = None
    notes: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)  # the ward's files not read (the same for its reports)

    def findings(self, reviews: dict[str, dict[str, Any]] | None = None, *, with_unread: bool = True) -> dict[str, Any]:
        """The findings document; ``reviews`` (finding id → review) annotates failing checks; the ward's
        unread files are listed unless ``with_unread`` is False (a ward of several reports lists them once)."""
        report = {"number": self.meta.get("number"), "date": self.meta.get("date"),
                  "period": self.meta.get("period")}
        for k in ("kind", "level", "signer", "ward_name"):
            if self.meta.get(k) is not None:
                report[k] = self.meta[k]
        return findings_document(source=self.document.source, ward=self.ward or self.meta.get("ward_name"),
                                 report=report, checks=self.checks,
                                 facts=[f.to_public() for f in self.facts],
                                 notes=self.document.notes + self.notes, reviews=reviews,
                                 unread=self.unread if with_unread else ())

    def facts_frame(self):
        from wardaudit.extract.facts import facts_frame
        return facts_frame(self.facts)

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.checks)

    @property
    def exit_code(self) -> int:
        return 1 if any(c.status == "fail" and c.severity == "error" for c in self.checks) else 0


def audit_document(doc: Document, params: WardParams | None = None,
                   history: list[AuditResult] | None = None) -> AuditResult:
    from wardaudit.extract.facts import extract_facts
    from wardaudit.extract.metadata import extract_metadata
    from wardaudit.rules import AuditContext, run_rules

    meta = extract_metadata(doc, expected_ward=params.ward if params else None)
    facts = extract_facts(doc, meta)
    ctx = AuditContext(document=doc, facts=facts, meta=meta, ward=params.ward if params else None,
                       carried_over_in_denominator=params.carried_over_in_denominator if params else True,
                       outline_profile=params.outline_profile if params else "auto",
                       history=list(history or []))
    checks = sort_checks(run_rules(ctx, params.rules_off if params else ()))
    return AuditResult(document=doc, meta=meta, facts=facts, checks=checks,
                       ward=params.ward if params else None)


def audit_file(path: str | Path, params: WardParams | None = None, *, display_path: str | None = None,
               history: list[AuditResult] | None = None) -> AuditResult:
    from wardaudit.ingest import read_document

    doc = read_document(path, display_path=display_path, max_pages=params.max_pages if params else 200,
                        **({"max_inflate_mb": params.max_inflate_mb} if params else {}))
    return audit_document(doc, params, history)


# --- per-ward processing with an on-disk cache -------------------------------------------------

def params_digest(params: WardParams) -> str:
    return hashlib.sha256(json.dumps(params.model_dump(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _cache_key(sha: str, params: WardParams) -> str:
    # the file's blocks as read, before the section tree (built after a report's appendix files join it)
    return hashlib.sha256(f"{sha}:{params_digest(params)}:{__version__}:read".encode()).hexdigest()[:24]


def _cached_reader(cache_dir: Path, params: WardParams, use_cache: bool):
    """:func:`wardaudit.ingest.read_document` keeping each file's blocks under ``cache_dir`` by content hash."""
    from wardaudit.ingest import read_document, sha256_file

    def read(path: Path, **options: Any) -> Document:
        # the name shown is in every location: a renamed file is read again
        cached = cache_dir / f"{_cache_key(sha256_file(path) + str(options.get('display_path')), params)}.json"
        if use_cache and cached.exists():
            return Document.from_dict(json.loads(cached.read_text(encoding="utf-8"))["document"])
        doc = read_document(path, **options)
        write_text(cached, json.dumps({"document": doc.to_dict()}, ensure_ascii=False))
        return doc
    return read


def audit_ward(params: WardParams, paths: Paths | None = None, *, use_cache: bool = True,
               reviews: dict[str, dict[str, Any]] | None = None) -> list[AuditResult]:
    """Audit every report of a ward, oldest first, writing its processed outputs.

    Every file of the ward's folder is read or listed with its reason (:func:`wardaudit.ingest.ward_intake`);
    a workbook beside a report is read as its appendix. ``reviews`` (finding id → the auditor's decision)
    annotates findings.json. Raises :class:`wardaudit.ingest.IntakeError` when no file can be read.
    """
    from wardaudit.ingest import read_bundles, ward_intake

    paths = paths or Paths()
    out_dir = paths.ward_processed(params.slug)
    docs, unread = read_bundles(ward_intake(params, paths), lambda p: relative(p, paths),
                                _cached_reader(out_dir / "cache", params, use_cache), max_pages=params.max_pages,
                                max_inflate_mb=params.max_inflate_mb, cache_dir=paths.processed / "ocr")
    results: list[AuditResult] = []
    for doc in docs:
        results.append(audit_document(doc, params, history=results))
    results.sort(key=lambda r: (r.meta.get("period", {}) or {}).get("end") or r.meta.get("date") or "")
    for r in results:
        r.unread = list(unread)
    write_ward_outputs(results, out_dir, reviews)
    return results


def findings_text(results: list[AuditResult], reviews: dict[str, dict[str, Any]] | None = None) -> str:
    """findings.json: one document, or ``{"reports": [...], "unread": [...]}`` when the ward has several."""
    if len(results) == 1:
        return dumps(results[0].findings(reviews))
    blob: dict[str, Any] = {"reports": [r.findings(reviews, with_unread=False) for r in results]}
    unread = [u.to_dict() for u in (results[-1].unread if results else [])]
    if unread:
        blob["unread"] = unread
    return dumps(blob)


def write_ward_outputs(results: list[AuditResult], out_dir: Path,
                       reviews: dict[str, dict[str, Any]] | None = None) -> None:
    import pandas as pd

    out_dir.mkdir(parents=True, exist_ok=True)
    frames = [r.facts_frame() for r in results]
    facts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    write_frame_csv(out_dir / "facts.csv", facts)
    write_text(out_dir / "findings.json", findings_text(results, reviews))
    tables_dir = out_dir / "tables"
    for r in results:
        stem = Path(r.document.source).stem
        for i, t in enumerate(r.document.tables()):
            name = f"{stem}_phu-luc-{t.appendix}_{i:02d}.csv" if t.appendix else f"{stem}_table_{i:02d}.csv"
            write_frame_csv(tables_dir / name, t.to_frame())

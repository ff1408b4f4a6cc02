"""One report in, checked facts out: read → structure → facts → relations → rules.

:func:`audit_file` is what ``wardaudit check`` calls; :func:`audit_reports` audits every report of a
ward in the order of their periods (what the batch's worker and an interactive notebook call). The
result is a :class:`~wardaudit.model.audit.AuditResult`; keeping it is the ward store's job
(:mod:`wardaudit.store`), not this module's.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Document
from wardaudit.model.findings import Unread, sort_checks
from wardaudit.model.report import ReportMeta
from wardaudit.project.config import WardParams

__all__ = ["AuditResult", "audit_document", "audit_file", "audit_reports", "read_report"]


def report_key(meta: ReportMeta, source: str | None) -> str:
    """What a finding's id says of its report: the period it covers, else its date, else its file's
    name, so that two reports of one ward (two weeks) keep their findings apart."""
    if meta.period:
        return str(meta.period)
    return meta.date.isoformat() if meta.date else (Path(source).name if source else "")


def audit_document(doc: Document, params: WardParams | None = None,
                   history: list[AuditResult] | None = None, meta: ReportMeta | None = None) -> AuditResult:
    """Audit one read report: its metadata (unless given), facts, relations and every rule."""
    from wardaudit.extract.facts import extract_facts
    from wardaudit.extract.metadata import extract_metadata
    from wardaudit.rules import AuditContext, run_rules

    if meta is None:
        meta = extract_metadata(doc, expected_ward=params.ward if params else None)
    extracted = extract_facts(doc, meta)
    facts, places = extracted.facts, extracted.places
    ctx = AuditContext(document=doc, facts=facts, meta=meta, places=places, ward=params.ward if params else None,
                       carried_over_in_denominator=params.carried_over_in_denominator if params else True,
                       outline_profile=params.outline_profile if params else "auto",
                       history=list(history or []))
    key = report_key(meta, doc.source)
    checks = sort_checks(replace(c, report=key) for c in run_rules(ctx, params.rules_off if params else ()))
    return AuditResult(document=doc, meta=meta, facts=facts, checks=checks, relations=ctx.relations,
                       places=places, ward=params.ward if params else None)


def audit_file(path: str | Path, params: WardParams | None = None, *, display_path: str | None = None,
               history: list[AuditResult] | None = None) -> AuditResult:
    """Read and audit one report file (``wardaudit check``)."""
    return audit_document(read_report(Path(path), display_path, params), params, history)


def _limits(params: WardParams | None) -> dict[str, int]:
    return {"max_pages": params.max_pages, "max_inflate_mb": params.max_inflate_mb} if params else {}


def read_report(path: Path, shown: str | None, params: WardParams | None, ocr_cache: Path | None = None,
                sha256: str | None = None, refresh_cache: bool = False) -> Document:
    """One report file as a :class:`Document`, within the ward's limits (pages, inflation);
    ``refresh_cache`` OCRs scanned pages again instead of taking the cached result."""
    from wardaudit.ingest import read_document

    return read_document(path, display_path=shown, cache_dir=ocr_cache, sha256=sha256, refresh_cache=refresh_cache,
                         **_limits(params))


def audit_reports(sources: Iterable[tuple[Path, str] | tuple[Path, str, str]], params: WardParams | None,
                  ocr_cache: Path | None = None, unread: Iterable[Unread] = (),
                  refresh_cache: bool = False, timings: dict[str, float] | None = None) -> list[AuditResult]:
    """Audit a ward's reports, oldest period first, each against the ones before it.

    ``sources`` are (file, name as shown) or (file, name as shown, its sha256 when already known): the
    files the ward's intake reads (:func:`wardaudit.ingest.ward_intake`); a workbook among them is read as
    the appendix of the report beside it (:func:`wardaudit.ingest.intake.bundle`). A file that cannot be
    read joins ``unread`` (the files the listing already left out) and the others are audited; each result
    carries the ward's unread files. Nothing readable raises :class:`wardaudit.ingest.IntakeError` naming
    every file. Every report is read and its metadata taken first, so that the order (the end of each
    report's period, else its date, then its name) and thus each report's "previous report" follow the
    periods, whatever the files are called. ``refresh_cache`` (``run --force``): no OCR or LibreOffice
    result is taken from the cache. ``timings``, when given, gets the seconds spent reading (``read``).
    """
    import time

    from wardaudit.extract.metadata import extract_metadata
    from wardaudit.ingest import read_bundles, read_document
    from wardaudit.ingest.intake import bundle

    sources = list(sources)
    names = {path: shown for path, shown, *_ in sources}
    known = {path: rest[0] for path, _, *rest in sources if rest}  # the plan hashed each file once

    def read(path: Path, **options: object) -> Document:
        return read_document(path, sha256=known.get(path), **options)

    unread = list(unread)
    started = time.perf_counter()
    docs, missed = read_bundles(bundle(list(names)), names.__getitem__, read, unread=unread, cache_dir=ocr_cache,
                                refresh_cache=refresh_cache, **_limits(params))
    expected = params.ward if params else None
    ordered = sorted(((doc, extract_metadata(doc, expected_ward=expected)) for doc in docs),
                     key=lambda dm: (dm[1].end.isoformat() if dm[1].end else "", dm[0].source))
    if timings is not None:
        timings["read"] = round(time.perf_counter() - started, 4)
    results: list[AuditResult] = []
    for doc, meta in ordered:
        results.append(audit_document(doc, params, history=results, meta=meta))
    for r in results:
        r.unread = [*unread, *missed]
    return results

"""The findings section and the source view: each failed check with its values and the evidence
that proves it, linked into the report's own text, where the figures the checks used are ticked
(passed) or marked red (failed). :mod:`wardaudit.render.placement` finds the places; this module
gathers what the templates show.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wardaudit.model.document import Block, Document
from wardaudit.model.findings import SEVERITY_ORDER, CheckResult, Evidence, review_of
from wardaudit.render.causes import causes
from wardaudit.render.messages import t
from wardaudit.render.placement import Placement, anchor_prefix, place_evidence, segments
from wardaudit.render.templating import macros
from wardaudit.render.wording import (
    display_stamp,
    format_value,
    message,
    quote_at_words,
    relation_text,
    review_prefix,
    value_rows,
)
from wardaudit.vi.text import letter_diff

__all__ = ["findings", "source_view", "table_data", "all_results", "rule_titles", "loc_label", "quote_text"]


def all_results(results: Any) -> list[Any]:
    """The audit results a section shows: one result or a list of them (none: an empty list)."""
    if results is None:
        return []
    if isinstance(results, (list, tuple)):
        return list(results)
    return [results]


def rule_titles(lang: str) -> dict[str, str]:
    """Each rule's one-line title in the page's language, from the rule table (no rule is imported)."""
    from wardaudit.catalogue import rule_titles as titles

    return titles(lang)


def loc_label(page: int | None, line: int | None, lang: str, sheet: str | None = None,
              cell: str | None = None) -> str:
    if sheet is not None:  # read from a workbook: the sheet and the cell (or the row)
        return t("sheet_cell", lang, sheet=sheet, cell=cell) if cell else t("sheet_line", lang, sheet=sheet, line=line)
    if page is not None and line is not None:
        return t("page_line", lang, page=page, line=line)
    if page is not None:
        return t("page_only", lang, page=page)
    if line is not None:
        return t("line_only", lang, line=line)
    return "?"


# --- findings -----------------------------------------------------------------------------------

def quote_text(doc: Document | None, ev: Evidence) -> str:
    """The evidence's quote, widened to whole words of the block it was taken from."""
    core = (ev.quote or "").strip().strip("…").strip()
    if doc is None or len(core) < 12:  # a figure or a name is quoted whole
        return ev.quote or ""
    blocks = [b for b in doc.blocks if b.kind != "table"]
    at_line = [b for b in blocks if ev.line is not None and b.location.line == ev.line]
    for b in at_line + blocks:
        if core in b.text:
            return quote_at_words(ev.quote, b.text)
    return ev.quote


def _evidence_data(c: CheckResult, ci: int, pl: Placement, lang: str, doc: Document | None) -> dict[str, Any]:
    entries = []
    for ei, ev in enumerate(c.evidence):
        where = " · ".join(x for x in (f"{t('section', lang)}: {ev.section}" if ev.section else "",
                                       loc_label(ev.page, ev.line, lang, ev.sheet, ev.cell), ev.file or "") if x)
        entries.append({"quote": quote_text(doc, ev), "where": where, "figure": ev.figure,
                        "link": pl.links.get((ci, ei)) or None})
    return {"label": t("evidence", lang), "entries": entries, "go_to_source": t("go_to_source", lang),
            "not_located": t("not_located", lang)}


def _review_data(d: Any, lang: str) -> dict[str, Any]:
    """The auditor's decision on a finding: state, note, who and when (none yet: open)."""
    if d is None:
        return {"status": "open", "label": t("review_open", lang), "note": None, "who": None}
    return {"status": d.status, "label": t("review_" + d.status, lang), "note": d.note,
            "who": " · ".join(x for x in (d.by or "", display_stamp(d.at) or "") if x)}


def _finding_data(c: CheckResult, ci: int, pl: Placement, title: str, source: str | None, review: Any,
                  lang: str, doc: Document | None) -> dict[str, Any]:
    inferred, text = review_prefix(c.message)
    sev = c.severity
    return {"rule": c.rule, "id": c.id, "sev": sev[:1], "severity": sev, "inferred": inferred,
            "severity_text": t("sev_" + sev, lang) if sev in SEVERITY_ORDER else sev,
            "to_review": t("to_review", lang), "title": title, "source": source, "message": message(text, lang),
            "relation": relation_text(c.relation, lang), "strength": (c.relation or {}).get("strength", ""),
            "review": review, "value_rows": _marked_values(c, lang),
            "evidence": _evidence_data(c, ci, pl, lang, doc)}


def _marked_values(c: CheckResult, lang: str) -> list[tuple[str, Any]]:
    """The check's value rows; where it sets a spelling against the expected one (a name variant), the
    letters that differ are marked in both (pieces of (text, differs) instead of a string)."""
    rows: list[tuple[str, Any]] = list(value_rows(c.values, c.rule, lang))
    expected, actual = c.values.get("expected"), c.values.get("actual")
    variants = actual if isinstance(actual, (list, tuple)) else [actual]
    if not isinstance(expected, str) or not variants or not all(isinstance(v, str) for v in variants):
        return rows
    texts = {format_value(expected, lang): [letter_diff(variants[0], expected)],
             format_value(actual, lang): [letter_diff(expected, v) for v in variants]}
    out = []
    for label, text in rows:
        pieces = texts.get(text)
        if pieces is None:
            out.append((label, text))
            continue
        joined: list[tuple[str, bool]] = []
        for i, p in enumerate(pieces):
            joined.extend(([("; ", False)] if i else []) + p)
        out.append((label, joined))
    return out


def _gone_data(gone: list[Any], lang: str) -> dict[str, Any]:
    """Decisions whose finding no longer appears (the report or the rules changed)."""
    return {"heading": t("no_longer_found", lang), "note": t("no_longer_found_note", lang),
            "head": [t(k, lang) for k in ("finding_id", "status", "review_note", "review_by", "review_at")],
            "rows": [{"id": d.id, "status": t("review_" + d.status, lang), "note": d.note, "by": d.by or "",
                      "at": display_stamp(d.at)} for d in gone]}


def _failures(results: list[Any], lang: str) -> list[tuple]:
    """(check, index, placement, result, the check it follows from or None) of every failed check, worst first."""
    items = []
    for i, r in enumerate(results):
        checks = list(r.checks)
        pl = place_evidence(r.document, checks, anchor_prefix(i, len(results)), lang)
        cause_of = causes(checks)
        items.extend((SEVERITY_ORDER.get(c.severity, 9), c.rule, i, ci, c, pl,
                      checks[cause_of[ci]] if ci in cause_of else None)
                     for ci, c in enumerate(checks) if c.status == "fail")
    return [(c, ci, pl, results[i], cause) for _, _, i, ci, c, pl, cause in sorted(items, key=lambda x: x[:4])]


def _follows_data(cause: CheckResult | None, titles: Mapping[str, str], lang: str) -> dict[str, Any] | None:
    """What a consequence's card says of its cause: the words, the cause's rule and title, its card's anchor."""
    if cause is None:
        return None
    return {"label": t("follows_from", lang), "rule": cause.rule, "title": titles.get(cause.rule, ""),
            "anchor": f"f-{cause.id}"}


def findings(results: Any, lang: str = "vi", reviews: Mapping[str, Any] | None = None) -> str:
    """Failed checks, worst first, each with its values and evidence linked into the source view.

    With ``reviews`` (finding id → the auditor's latest decision) each finding shows its state,
    note, who and when; queried ones are marked; dismissed ones move to their own section,
    "Đã loại trừ / dismissed"; decisions whose finding no longer appears are listed last.
    """
    results = all_results(results)
    titles = rule_titles(lang)
    reviewing, reviews = reviews is not None, reviews or {}
    failures = _failures(results, lang)
    shown, dismissed = [], []
    for c, ci, pl, r, cause in failures:
        d = review_of(reviews, c)
        review = _review_data(d, lang) if reviewing else None
        source = r.document.source if len(results) > 1 else None
        item = _finding_data(c, ci, pl, titles.get(c.rule, ""), source, review, lang, r.document)
        item["follows"] = _follows_data(cause, titles, lang)
        item["queried"] = d is not None and d.status == "query"
        (dismissed if d is not None and d.status == "dismissed" else shown).append(item)
    current = {i for c, *_ in failures for i in (c.id, c.legacy_id)}
    data = {"heading": t("findings", lang), "none": t("no_findings", lang), "shown": shown, "dismissed": dismissed,
            "dismissed_heading": t("dismissed_section", lang),
            "gone": _gone_data([reviews[k] for k in sorted(reviews) if k not in current], lang)}
    return str(macros().findings(data))


# --- the report's text ----------------------------------------------------------------------------

def table_data(bi: int, b: Block, pl: Placement | None, lang: str) -> dict[str, Any]:
    """A table's caption, header and rows (cells cut at their marks; anchors when placed)."""
    tbl = b.table
    width = tbl.n_cols
    marks = pl.marks if pl else {}
    ids = pl.ids if pl else {}
    cap = " · ".join(x for x in ((t("appendix", lang, id=tbl.appendix) if tbl.appendix else ""), tbl.title or "") if x)
    header = [segments(h, marks.get(("c", bi, -1, ci)))
              for ci, h in enumerate(list(tbl.header) + [""] * (width - len(tbl.header)))] if tbl.header else []
    rows = [{"anchor": ids.get(("r", bi, ri)),
             "cells": [segments(c, marks.get(("c", bi, ri, ci)))
                       for ci, c in enumerate(list(row) + [""] * (width - len(row)))]}
            for ri, row in enumerate(tbl.rows)]
    return {"anchor": ids.get(("b", bi)), "caption": cap, "header": header, "rows": rows}


def _block_data(bi: int, b: Block, pl: Placement, lang: str) -> dict[str, Any]:
    if b.kind == "table" and b.table is not None:
        return {"table": table_data(bi, b, pl, lang)}
    return {"table": None, "heading": b.kind == "heading", "anchor": pl.ids.get(("b", bi)),
            "line": "" if b.location.line is None else b.location.line,
            "text": segments(b.text, pl.marks.get(("b", bi)))}


def source_view(results: Any, lang: str = "vi") -> str:
    """Every block of every report in order, with anchors and tick marks on checked figures."""
    results = all_results(results)
    n = len(results)
    reports, unplaced = [], 0
    for i, r in enumerate(results):
        doc = r.document
        pl = place_evidence(doc, list(r.checks), anchor_prefix(i, n), lang)
        unplaced += pl.unplaced
        reports.append({"heading": t("report_n", lang, i=i + 1, n=n, source=doc.source) if n > 1 else None,
                        "source": doc.source,
                        "blocks": [_block_data(bi, b, pl, lang) for bi, b in enumerate(doc.blocks)]})
    data = {"heading": t("source_view", lang), "legend": t("legend", lang), "hint": t("legend_hint", lang),
            "print_note": t("print_note", lang),
            "unplaced": t("unplaced", lang, n=unplaced) if unplaced else None, "reports": reports}
    return str(macros().source_view(data))

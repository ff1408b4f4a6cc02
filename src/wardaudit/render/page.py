"""The ward report's sections, as the ward notebook shows them: header, scorecard, findings,
charts, appendix tables, the list of every check and the report's own text with tick marks.

Each function gathers plain data and hands it to a macro of templates/ward.html.j2, which returns
the section's HTML (the notebook wraps it in ``IPython.display.HTML``). Reports are untrusted
input: the templates escape every value, so ``<script>``, ``<img onerror=…>``, ``javascript:``
links and markdown show literally. The only links are in-page anchors (``href="#…"``). Styling
is the inline stylesheet templates/ward.css; no script and no external resource is needed
(tooltips are ``title`` attributes plus ``:focus`` CSS).
"""
from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wardaudit.model.findings import SEVERITY_ORDER, CheckResult, review_of, sort_checks, summary, unchecked
from wardaudit.render.charts import png_bytes
from wardaudit.render.evidence import all_results, findings, loc_label, rule_titles, source_view, table_data
from wardaudit.render.messages import has, t
from wardaudit.render.placement import Placement, place_evidence
from wardaudit.render.templating import macros
from wardaudit.render.wording import display_date, message, relation_text, value_rows
from wardaudit.vi.numbers import display_number

__all__ = ["header", "running_head", "previous_period", "change_words", "scorecard", "findings", "source_view",
           "appendix_tables", "all_checks", "chart",
           "charts_heading", "charts_section", "contents", "run_failed_banner", "place_evidence", "Placement",
           "SECTIONS"]

# the page's sections, in the order the ward notebook shows them (ids of their headings)
SECTIONS = (("sec-header", "header"), ("sec-score", "scorecard"), ("sec-findings", "findings"),
            ("sec-previous", "previous"), ("sec-charts", "charts"), ("sec-appendix", "appendix_tables"),
            ("sec-checks", "all_checks_title"),
            ("sec-source", "source_view"))


def _field(label: str, value: Any, lang: str) -> dict[str, Any]:
    """A row of a key–value table: the value's text, or the word for a blank one."""
    blank = value is None or (isinstance(value, str) and not value.strip())
    return {"label": label, "code": None, "after": "", "blank": t("blank", lang) if blank else None,
            "text": None if blank else value}


def _code_field(label: str, code: str, after: str = "") -> dict[str, Any]:
    """A row whose value is a file name or a hash, set in code type, with plain text after it."""
    return {"label": label, "code": code, "after": after, "blank": None, "text": None}


def _period_text(start: Any, end: Any, lang: str) -> str:
    return t("period_range", lang, start=display_date(start) or "…", end=display_date(end) or "…")


def _params_rows(p: Any, ward: str | None, lang: str) -> list[dict[str, Any]]:
    """The unit (from the parameters, else as the report names it), its level and province."""
    rows = [_field(t("ward", lang), ward, lang), _field(t("level", lang), getattr(p, "level", None), lang),
            _field(t("province", lang), getattr(p, "province", None), lang)]
    return rows


def _report_data(r: Any, i: int, n: int, lang: str) -> dict[str, Any]:
    """One report's kind, period, number, date, signer, sources and hash, and the reader's notes."""
    m, doc = r.meta, r.document
    period = m.period.to_dict() if m.period else {}
    dated = bool(m.period)
    source = f" · {t('pages', lang)}: {doc.pages}" if doc.pages else ""
    rows = [_field(t("kind", lang), m.kind, lang),
            _field(t("period", lang), _period_text(period.get("start"), period.get("end"), lang) if dated else None,
                   lang),
            _field(t("number", lang), m.number, lang),
            _field(t("date", lang), display_date(m.date.isoformat() if m.date else None), lang),
            _field(t("ward_in_report", lang), m.ward_name, lang),
            _field(t("signer", lang), m.signer, lang),
            _code_field(t("sources", lang), doc.source, source)]
    # words an auditor does not need to read the page: kept for whoever checks the files, folded away
    technical = [_field(t("format", lang), doc.format, lang), _code_field(t("sha256", lang), doc.sha256)]
    return {"heading": t("report_n", lang, i=i + 1, n=n, source=doc.source) if n > 1 else None, "rows": rows,
            "technical": technical, "technical_label": t("technical", lang),
            "notes_label": t("notes", lang), "notes": list(doc.notes) + list(getattr(r, "notes", []) or [])}


def header(results: Any, params: Any = None, lang: str = "vi") -> str:
    """The ward, its level and province, then per report: kind, period, number, date, sources."""
    results = all_results(results)
    p = params
    ward = getattr(p, "ward", None) or (results[0].meta.ward_name if results else None)
    level = getattr(p, "level", None) or (results[0].meta.level if results else None)
    note = None
    if p is not None:
        off = ", ".join(getattr(p, "rules_off", []) or []) or t("none", lang)
        carried = t("carried_in" if getattr(p, "carried_over_in_denominator", True) else "carried_out", lang)
        note = t("params_note", lang, carried=carried, off=off)
    unread = _unread(results)
    data = {"title": t("title", lang, ward=" ".join(x for x in (level, ward) if x) or "?"),
            "unread": unread, "unread_label": t("unread", lang, n=len(unread)),
            "contents_label": t("contents", lang), "contents": _contents_items(lang, len(results)),
            "heading": t("header", lang), "rows": _params_rows(p, ward, lang), "params_note": note,
            "technical": [_field(t("outline_profile", lang), getattr(p, "outline_profile", None), lang)]
            if p is not None else [], "technical_label": t("technical", lang),
            "no_reports": None if results else t("no_reports", lang),
            "reports": [_report_data(r, i, len(results), lang) for i, r in enumerate(results)]}
    return str(macros().header(data))


def running_head(params: Any, results: Any, lang: str = "vi") -> str:
    """What every printed page's head says: the unit, the latest report's number (or that it has none)
    and its period (else its date), e.g. "xã An Bình · Số 12/BC-UBND · từ 04/05/2026 đến 10/05/2026"."""
    results = all_results(results)
    latest = results[-1].meta if results else None
    ward = getattr(params, "ward", None) or (latest.ward_name if latest else None)
    level = getattr(params, "level", None) or (latest.level if latest else None)
    parts = [" ".join(x for x in (level, ward) if x)]
    if latest is not None:
        parts.append(t("number_short", lang, number=latest.number) if latest.number else t("no_number", lang))
        if latest.period:
            period = latest.period.to_dict()
            parts.append(_period_text(period.get("start"), period.get("end"), lang) if period.get("start")
                         else t("period_until", lang, end=display_date(period.get("end")) or "…"))
        elif latest.date:
            parts.append(display_date(latest.date.isoformat()))
    return " · ".join(p for p in parts if p)


def _unread(results: list[Any]) -> list[dict[str, str]]:
    """The ward's files that were not read, each once, with the reason (every report carries the list)."""
    seen: dict[str, str] = {}
    for r in results:
        for u in getattr(r, "unread", None) or []:
            seen.setdefault(u.file, u.reason)
    return [{"file": f, "reason": why} for f, why in seen.items()]


def _contents_items(lang: str, n_reports: int = 1) -> list[tuple[str, str]]:
    """The sections a page has: the comparison with the previous report only when there is one."""
    return [(sid, t(key, lang, n="").replace(" ()", "")) for sid, key in SECTIONS
            if sid != "sec-previous" or n_reports > 1]


def contents(lang: str = "vi") -> str:
    """The contents list: the page's sections, linked (findings and charts before the report's text)."""
    return str(macros().contents(t("contents", lang), _contents_items(lang)))


def _family(rule: str) -> str:
    return "".join(ch for ch in rule if ch.isalpha())


def _dismissed(c: CheckResult, reviews: Mapping[str, Any] | None) -> bool:
    d = review_of(reviews, c)
    return c.status == "fail" and d is not None and d.status == "dismissed"


_SCORE_CELLS = (("checks", "checks_run", ""), ("pass", "passed", "st-pass"), ("fail", "failed", "st-fail"),
                ("skip", "skipped", "st-skip"), ("error", "sev_error", ""), ("warning", "sev_warning", ""),
                ("info", "sev_info", ""))
_FAMILY_COUNTS = ("checks", "pass", "fail", "error", "warning", "info", "skip")
_FAMILY_HEAD = ("family", "checks_run", "passed", "failed", "sev_error", "sev_warning", "sev_info", "skipped")


def _families(checks: list[CheckResult], lang: str) -> list[dict[str, Any]]:
    """Counts per rule family (FOOT, RATE, …), families in alphabetical order."""
    fams: dict[str, list[CheckResult]] = {}
    for c in checks:
        fams.setdefault(_family(c.rule), []).append(c)
    out = []
    for fam in sorted(fams):
        fs = summary(fams[fam])
        out.append({"code": fam, "label": t(f"fam_{fam}", lang) if has(f"fam_{fam}") else fam,
                    "counts": [fs[k] for k in _FAMILY_COUNTS]})
    return out


def _unchecked_data(checks: list[CheckResult], lang: str) -> dict[str, Any]:
    """How many related figures could not be checked, and why (the reasons are Vietnamese)."""
    u = unchecked(checks)
    text = t("unchecked", lang, n=u["count"]) if u["count"] else t("unchecked_none", lang)
    return {"count": u["count"], "text": text, "reasons": list(u["reasons"].items())}


def scorecard(results: Any, lang: str = "vi", reviews: Mapping[str, Any] | None = None) -> str:
    """Checks run, passed, failed (by severity) and skipped, overall and per rule family.

    Failures the auditor dismissed (``reviews``: finding id → decision) are not counted.
    """
    every = [c for r in all_results(results) for c in r.checks]
    checks = [c for c in every if not _dismissed(c, reviews)]
    n_dismissed = sum(_dismissed(c, reviews) for c in every)
    s = summary(checks)
    by_severity = " · ".join(f"{t('sev_' + k, lang)} {s[k]}" for k in ("error", "warning", "info"))
    data = {"heading": t("scorecard", lang),
            "cells": [{"key": k, "label": t(label, lang), "cls": cls, "count": s[k]} for k, label, cls in _SCORE_CELLS],
            "by_severity": f"{t('by_severity', lang)}: {by_severity}", "unchecked": _unchecked_data(every, lang),
            "dismissed": n_dismissed, "dismissed_text": t("dismissed_not_counted", lang, n=n_dismissed),
            "by_family": t("by_family", lang), "family_head": [t(k, lang) for k in _FAMILY_HEAD],
            "families": _families(checks, lang)}
    return str(macros().scorecard(data))


def _quality_text(value: Any, lang: str) -> str:
    """A value of camelot's parsing report: numbers as the page writes them, parts one after another."""
    if isinstance(value, (list, tuple)):
        return "; ".join(_quality_text(x, lang) for x in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return display_number(value, lang)


def _appendix_table(r: Any, bi: int, lang: str) -> dict[str, Any]:
    b = r.document.blocks[bi]
    tbl = b.table
    title = t("appendix", lang, id=tbl.appendix or b.appendix)
    meta = [loc_label(tbl.location.page, tbl.location.line, lang, tbl.location.sheet, tbl.cell_range()),
            t("rows_n", lang, n=len(tbl.rows))]
    if tbl.parts and tbl.parts > 1:
        meta.append(t("parts_n", lang, n=tbl.parts))
    quality = (f"{t('quality', lang)}: " + " · ".join(f"{k}: {_quality_text(v, lang)}"
                                                       for k, v in sorted(tbl.quality.items()))
               if tbl.quality else None)
    return {"heading": title + (f": {tbl.title}" if tbl.title else ""), "file": tbl.location.file,
            "meta": " · ".join(meta), "quality": quality,
            "low_confidence": t("low_confidence", lang) if tbl.low_confidence else None,
            "table": table_data(bi, b, None, lang)}


def appendix_tables(results: Any, lang: str = "vi") -> str:
    """The appendix tables as extracted, with extraction quality and a visible low-confidence flag."""
    tables = [_appendix_table(r, bi, lang) for r in all_results(results) for bi, b in enumerate(r.document.blocks)
              if b.kind == "table" and b.table is not None and (b.table.appendix or b.appendix)]
    data = {"heading": t("appendix_tables", lang), "tables": tables, "none": t("no_appendix_tables", lang)}
    return str(macros().appendix_tables(data))


def _check_row(c: CheckResult, titles: Mapping[str, str], lang: str) -> dict[str, Any]:
    ev = c.evidence[0] if c.evidence else None
    where = "" if ev is None else " · ".join(x for x in (ev.section or "", loc_label(ev.page, ev.line, lang, ev.sheet,
                                                                                     ev.cell)) if x)
    return {"status": c.status, "rule": c.rule, "title": titles.get(c.rule, ""),
            "status_text": t("status_" + c.status, lang) if c.status in ("pass", "fail", "skip") else c.status,
            "severity": t("sev_" + c.severity, lang) if c.severity in SEVERITY_ORDER else c.severity,
            "message": message(c.message, lang), "relation": relation_text(c.relation, lang),
            "vals": "; ".join(f"{k}: {v}" for k, v in value_rows(c.values, c.rule, lang)), "where": where}


def all_checks(results: Any, lang: str = "vi") -> str:
    """Every check, passed and skipped too, in a collapsible table."""
    titles = rule_titles(lang)
    checks = sort_checks([c for r in all_results(results) for c in r.checks])
    head = [t(k, lang) for k in ("rule", "status", "severity", "message", "values", "location")]
    data = {"heading": t("all_checks_title", lang), "summary": t("all_checks", lang, n=len(checks)), "head": head,
            "rows": [_check_row(c, titles, lang) for c in checks], "none": t("no_checks", lang)}
    return str(macros().all_checks(data))


def _report_name(meta: Any, lang: str) -> str:
    """A report as the comparison names it: its number, else its period, else its date."""
    if meta.number:
        return t("number_short", lang, number=meta.number)
    return _when(meta, lang)


def _when(meta: Any, lang: str) -> str:
    if meta.period:
        period = meta.period.to_dict()
        if period.get("start"):
            return _period_text(period.get("start"), period.get("end"), lang)
        return t("period_until", lang, end=display_date(period.get("end")) or "…")
    return display_date(meta.date.isoformat()) if meta.date else "?"


def _with_unit(value: float, unit: str | None, lang: str) -> str:
    text = display_number(value, lang)
    if not unit:
        return text
    return text + unit if unit.startswith("%") else f"{text} {unit}"


def _signed(x: float, lang: str) -> str:
    text = display_number(abs(x), lang)
    return ("+" if x > 0 else "−" if x < 0 else "±") + text


def _change_row(ch: Any, labels: Any, lang: str) -> dict[str, Any]:
    """One line of the table: the indicator, both values, the change and the verdict."""
    a = ch.previous
    va, vb = ch.values
    metric = labels.get(a.get("metric"))
    # the row's own name (an indicator table's), else the catalogue's label, else the words it goes by
    name = a.get("label") or (metric and (metric.label or (metric.phrases[0] if metric.phrases else None))) \
        or str(a.get("metric"))
    extra = ", ".join(str(x) for x in (a.get("scope"),) if x)
    return {"label": name[:1].upper() + name[1:] + (f" ({extra})" if extra else ""), "metric": a.get("metric"),
            **change_words(va, vb, a.get("unit"), ch.tolerance, ch.judged, ch.beyond, lang)}


def change_words(va: float, vb: float, unit: str | None, tol: Any, judged: bool, beyond: bool,
                 lang: str = "vi") -> dict[str, Any]:
    """How a change is written wherever one is shown (this page's "So với kỳ trước" table, the province
    page's indicators over time): both values with their unit, the change (points for a rate judged by
    points), the verdict against ``tol`` (a :class:`wardaudit.catalogue.Tolerance`)."""
    if tol.points is not None:
        change = t("points_change", lang, n=_signed(round(vb - va, 4), lang))
        tolerance = t("tolerance_points", lang, n=display_number(tol.points, lang))
    else:
        change = _signed(vb - va, lang) + (f" ({_signed(round(100 * (vb - va) / va, 1), lang)}%)" if va else "")
        tolerance = t("tolerance_factor", lang, n=display_number(tol.factor, lang))
    verdict = (t("previous_beyond", lang, tolerance=tolerance) if beyond
               else t("previous_within", lang, tolerance=tolerance) if judged else t("previous_not_judged", lang))
    return {"before": _with_unit(va, unit, lang), "now": _with_unit(vb, unit, lang), "change": change,
            "verdict": verdict, "beyond": beyond, "judged": judged, "same": va == vb}


def previous_period(results: Any, lang: str = "vi") -> str:
    """Each report of the ward against the one before it (newest first): the figures both state, with a
    change beyond the catalogue's tolerance flagged as TREND002 flags it; nothing for a ward with one report."""
    from wardaudit.catalogue import load_catalogue
    from wardaudit.rules.trend import changes

    results = all_results(results)
    if len(results) < 2:
        return ""
    cat = load_catalogue()
    pairs = []
    for prev, cur in reversed(list(zip(results, results[1:], strict=False))):
        rows = [_change_row(ch, cat, lang) for ch in changes(prev.facts, prev.meta, cur.facts, cur.meta)]
        # the flagged first, then what moved, then (folded away) what did not
        rows.sort(key=lambda r: (not r["beyond"], r["same"]))
        pairs.append({"heading": t("previous_pair", lang, current=_report_name(cur.meta, lang),
                                   previous=_report_name(prev.meta, lang)) if len(results) > 2 else None,
                      "head": [t("previous_indicator", lang), t("previous_before", lang, period=_when(prev.meta, lang)),
                               t("previous_now", lang, period=_when(cur.meta, lang)), t("previous_change", lang),
                               t("previous_verdict", lang)],
                      "rows": [r for r in rows if not r["same"]], "same": [r for r in rows if r["same"]],
                      "same_label": t("previous_unchanged", lang, n=sum(r["same"] for r in rows))})
    data = {"heading": t("previous", lang), "intro": t("previous_intro", lang), "pairs": pairs,
            "none": t("previous_none", lang)}
    return str(macros().previous(data))


def charts_heading(lang: str = "vi") -> str:
    return str(macros().heading("sec-charts", t("charts", lang)))


def chart(fig: Any, key: str, lang: str = "vi", *, png: bytes | None = None) -> str:
    """A chart as an embedded PNG with its caption, or a sentence saying there is nothing to draw.

    ``key`` is the chart's message key (``chart_targets`` …); ``fig`` a figure (saved here) or None, or
    ``png`` the chart already saved (:mod:`wardaudit.render.chart_cache`).
    """
    title = t(key, lang)
    if png is None and fig is not None:
        png = png_bytes(fig)
    shown = None if png is None else base64.b64encode(png).decode("ascii")
    return str(macros().chart({"key": key, "title": title, "png": shown,
                               "nothing": t("nothing_to_draw", lang, chart=title)}))


def charts_section(facts: Any, lang: str = "vi", cache_dir: str | Path | None = None) -> str:
    """Every chart of :data:`wardaudit.render.charts.CHARTS`, each drawn or said to have nothing to draw.

    A chart whose facts, language and package are unchanged is not drawn again
    (:func:`~wardaudit.render.chart_cache.ward_charts`): it comes from this process's memory, or from
    ``cache_dir`` where the batch's worker drew it.
    """
    from wardaudit.render.chart_cache import ward_charts

    return charts_heading(lang) + "".join(chart(None, name, lang, png=png)
                                          for name, _, png in ward_charts(facts, lang, cache_dir))


def failure_page(slug: str, reason: str, lang: str = "vi") -> str:
    """The body of the page of a ward that never ran well: the unit, what failed, what to do."""
    data = {"heading": t("failure_heading", lang),
            "rows": [(t("failure_ward", lang), slug), (t("failure_reason", lang), reason)],
            "next": t("failure_next", lang), "command": f"wardaudit run {slug}"}
    return str(macros().failure(data))


def run_failed_banner(reason: str, lang: str = "vi") -> str:
    return str(macros().banner(t("run_failed", lang, reason=reason)))

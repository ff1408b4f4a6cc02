"""HTML for the ward report: header, scorecard, findings, tick-marked source view, appendix tables,
charts and the list of every check.

Each function returns an HTML string (the notebook wraps it in ``IPython.display.HTML``). Reports
are untrusted input: every piece of text taken from a report, a check or a parameters file goes
through :func:`esc`, so ``<script>``, ``<img onerror=…>``, ``javascript:`` links and markdown show
literally. The only links emitted are in-page anchors (``href="#…"``). Styling is inline CSS; no
script and no external resource is needed (tooltips are ``title`` attributes plus ``:focus`` CSS).

Tick-and-tie: :func:`place_evidence` finds, for every check's evidence, the block (or table row)
at the evidence's location, the quote inside it and the figure inside the quote; the source view
then wraps each figure a passing check used in ``<span class="tick">`` and each figure of a failing
check in ``<span class="mark-fail">``. A figure that cannot be found is counted, not guessed.
"""
from __future__ import annotations

import base64
import html
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from wardaudit.model.document import Block, Document, Location
from wardaudit.model.findings import SEVERITY_ORDER, CheckResult, Evidence, sort_checks, summary
from wardaudit.render.messages import t
from wardaudit.render.wording import (display_date, format_value, message, quote_at_words, relation_text, review_prefix,
                      value_rows)

__all__ = ["esc", "stylesheet", "header", "scorecard", "findings", "source_view", "appendix_tables",
           "all_checks", "chart", "place_evidence", "Placement", "format_number", "run_failed_banner"]

CSS = """
.wa{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#1b1b1b;max-width:1100px}
.wa h2{font-size:20px;border-bottom:2px solid #2b5d8a;padding-bottom:4px;margin:28px 0 12px;color:#173f63}
.wa h3{font-size:16px;margin:18px 0 8px;color:#173f63}
.wa table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
.wa th,.wa td{border:1px solid #b9c3cc;padding:3px 7px;vertical-align:top;text-align:left}
.wa th{background:#e8eef3}
.wa td.num{text-align:right;font-variant-numeric:tabular-nums}
.wa .kv th{width:220px}
.wa .muted{color:#5c6670;font-size:12px}
.wa code,.wa .mono{font-family:"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
.wa .badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:bold;color:#fff}
.wa .sev-error{background:#b3261e}.wa .sev-warning{background:#a15c00}.wa .sev-info{background:#4f6475}
.wa .st-pass{color:#1d6b2c;font-weight:bold}.wa .st-fail{color:#b3261e;font-weight:bold}.wa .st-skip{color:#5c6670}
.wa .finding{border:1px solid #d9b3b0;border-left:5px solid #b3261e;background:#fff8f7;padding:8px 12px;margin:10px 0}
.wa .finding.sev-w{border-color:#e3c89a;border-left-color:#a15c00;background:#fffaf2}
.wa .finding.sev-i{border-color:#c5d0d9;border-left-color:#4f6475;background:#f7f9fb}
.wa .finding .msg{font-weight:bold;margin:4px 0}
.wa .finding.queried{border-left-color:#6a3d9a;box-shadow:inset 0 0 0 1px #b79ad6}
.wa .review{margin:4px 0;padding:2px 6px;background:#f1f3f5;font-size:13px}.wa .review.st-query{background:#efe7f8}
.wa .review.st-confirmed{background:#fde2df}.wa .review.st-dismissed{background:#e8eef3}
.wa section.dismissed .finding{opacity:.75;border-left-color:#8a949d;background:#f7f9fb}
.wa blockquote{margin:4px 0 4px 10px;padding:2px 8px;border-left:3px solid #b9c3cc;background:#f6f7f8;white-space:pre-wrap}
.wa .source{border:1px solid #c5d0d9;padding:8px 16px;background:#fff}
.wa .source p{margin:6px 0;white-space:pre-wrap}
.wa .source .h{font-weight:bold;color:#173f63;margin:12px 0 6px}
.wa .source .loc{color:#8a949d;font-size:11px;margin-right:6px;user-select:none}
.wa .source :target{background:#fff3b0;outline:2px solid #e0b400;scroll-margin-top:40px}
.wa .tick{background:#e3f4e6;border-bottom:2px solid #1d6b2c;color:#0f4d1c;cursor:help;position:relative}
.wa .tick .sym{color:#1d6b2c;font-weight:bold;font-size:11px;margin-left:1px}
.wa .mark-fail{background:#fde2df;border-bottom:2px solid #b3261e;color:#8c1710;font-weight:bold;cursor:help;position:relative}
.wa .mark-fail .sym{color:#b3261e;font-size:11px;margin-left:1px}
.wa .tick:focus,.wa .mark-fail:focus{outline:2px solid #2b5d8a}
.wa .tick:focus::after,.wa .mark-fail:focus::after{content:attr(title);position:absolute;left:0;top:1.6em;z-index:5;
 background:#173f63;color:#fff;font-weight:normal;font-size:12px;padding:4px 8px;white-space:pre-wrap;width:360px;border-radius:3px}
.wa .flag-low{display:inline-block;background:#b3261e;color:#fff;font-weight:bold;padding:2px 8px;border-radius:3px}
.wa .banner-fail{background:#b3261e;color:#fff;padding:10px 14px;font-weight:bold;margin:10px 0}
.wa details>summary{cursor:pointer;font-weight:bold;color:#173f63;font-size:16px;margin:12px 0}
.wa figure{margin:10px 0}.wa figure img{max-width:100%;border:1px solid #e0e4e8}
.wa figcaption{font-size:13px;color:#173f63;font-weight:bold}
.wa table th,.wa table td:not(.num){text-align:left}.wa table td.num{text-align:right}
.wa .badge.to-review{background:#fff;color:#7a4500;border:1px solid #a15c00}
.wa .finding.inferred{border-style:dashed;border-left-style:solid}
.wa .relation{margin:2px 0 4px}
.wa .values th{width:auto;font-weight:normal}
.wa nav.contents ol{margin:4px 0 12px;padding-left:22px}
.wa .unchecked ul{margin:2px 0 8px}
nav.back{margin:0 0 6px;font-size:13px}
"""

# Printing (A4): cards stay whole, badges keep their colour (and carry their text), nothing
# collapsed prints as an empty page, the report's full text starts on its own pages as an appendix.
PRINT_CSS = """
@media print{
 body{background:#fff}
 main.page{box-shadow:none;max-width:none;padding:0}
 nav.back,nav.contents{display:none}
 .wa{max-width:none;font-size:11px}
 .wa .finding,.wa figure,.wa .values,.wa table.score,.wa table.kv,.wa .unchecked{break-inside:avoid;page-break-inside:avoid}
 .wa h2,.wa h3{break-after:avoid;page-break-after:avoid}
 .wa .badge,.wa .banner-fail,.wa .finding,.wa .tick,.wa .mark-fail,.wa th,.wa .flag-low{print-color-adjust:exact;-webkit-print-color-adjust:exact}
 .wa details:not([open]){display:none}
 .wa .source-appendix{break-before:page;page-break-before:always}
 .wa .source .loc{display:none}
 .wa .tick:focus::after,.wa .mark-fail:focus::after{display:none}
 .wa figure img{max-height:230mm}
}
"""

# the page's sections, in the order the ward notebook shows them (ids of their headings)
SECTIONS = (("sec-header", "header"), ("sec-score", "scorecard"), ("sec-findings", "findings"),
            ("sec-charts", "charts"), ("sec-appendix", "appendix_tables"), ("sec-checks", "all_checks_title"),
            ("sec-source", "source_view"))


# --- small helpers ------------------------------------------------------------------------------

def esc(value: Any) -> str:
    """Text for HTML: everything escaped, quotes included (safe in text and in attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def stylesheet() -> str:
    return f"<style>{CSS}</style>"


def _wrap(inner: str) -> str:
    return f'<div class="wa">{inner}</div>'


def _as_list(results: Any) -> list[Any]:
    if results is None:
        return []
    if isinstance(results, (list, tuple)):
        return list(results)
    return [results]


def _prefix(i: int, n: int) -> str:
    """Anchor prefix of the i-th report: none when a ward has one report, ``r2-`` style otherwise."""
    return "" if n <= 1 else f"r{i + 1}-"


def format_number(v: Any, lang: str = "vi") -> str:
    """A number as an auditor writes it: ``1.234`` and ``98,7`` in Vietnamese, ``1,234`` in English."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        if isinstance(v, (list, tuple)):
            return "; ".join(format_number(x, lang) for x in v)
        if isinstance(v, dict):
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        return "" if v is None else str(v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "—"
    if isinstance(v, float) and not v.is_integer():
        s = f"{v:,.6f}".rstrip("0").rstrip(".")
    else:
        s = f"{int(v):,}"
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def _blank(v: Any, lang: str) -> str:
    if v is None or (isinstance(v, str) and not v.strip()):
        return f'<span class="muted">{esc(t("blank", lang))}</span>'
    return esc(v)


def _rule_titles(lang: str) -> dict[str, str]:
    try:
        from wardaudit.rules import load_rules
        return {code: (r.title_en if lang == "en" else r.title_vi) for code, r in load_rules().items()}
    except Exception:  # noqa: BLE001 - titles are a nicety; the codes are always shown
        return {}


def _loc_label(page: int | None, line: int | None, lang: str) -> str:
    if page is not None and line is not None:
        return t("page_line", lang, page=page, line=line)
    if page is not None:
        return t("page_only", lang, page=page)
    if line is not None:
        return t("line_only", lang, line=line)
    return "?"


def _family(rule: str) -> str:
    return "".join(ch for ch in rule if ch.isalpha())


# --- locating evidence in the document ----------------------------------------------------------

@dataclass
class _Mark:
    start: int
    end: int
    status: str
    notes: list[str]
    rules: list[str]


@dataclass
class Placement:
    """Where each check's evidence sits in one document.

    ``ids`` maps a target (``("b", block)`` or ``("c", block, row, col)``, row -1 = header) to its
    element id; ``marks`` maps text targets to figure spans; ``links[(check, evidence)]`` is the
    element id an evidence links to (None when nothing at that location exists).
    """

    ids: dict[tuple, str] = field(default_factory=dict)
    marks: dict[tuple, list[_Mark]] = field(default_factory=dict)
    links: dict[tuple[int, int], str | None] = field(default_factory=dict)
    placed: dict[tuple[int, int], bool] = field(default_factory=dict)
    unplaced: int = 0


def _figure_pattern(figure: str) -> re.Pattern[str]:
    # a figure is not part of a longer number or word: "4" must not match in "40", "5G" or "4,5"
    return re.compile(r"(?<!\w)(?<!\d[.,])" + re.escape(figure) + r"(?!\w)(?![.,]\d)")


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    quote = (quote or "").strip().rstrip("…").rstrip(".").strip()
    if not quote:
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    words = quote.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def _same_place(loc: Location, ev: Evidence) -> bool:
    if ev.line is None and ev.page is None:
        return False
    if ev.line is not None and loc.line != ev.line:
        return False
    if ev.page is not None and loc.page is not None and loc.page != ev.page:
        return False
    return True


def _anchor_ids(doc: Document, prefix: str) -> dict[tuple, str]:
    """One id per block and per table row; the first element at a location owns its anchor."""
    ids: dict[tuple, str] = {}
    used: set[str] = set()

    def take(key: tuple, loc: Location) -> None:
        a = prefix + loc.anchor()
        if a not in used:
            used.add(a)
            ids[key] = a

    for bi, b in enumerate(doc.blocks):
        if b.kind == "table" and b.table is not None:
            take(("b", bi), b.location)
            for ri in range(len(b.table.rows)):
                take(("r", bi, ri), b.table.row_location(ri))
        else:
            take(("b", bi), b.location)
    return ids


def _heading_number(doc: Document, target: tuple, span: tuple[int, int] | None) -> bool:
    """The span is a heading's own number ("Phần 1", "II.", "1.2."), not a figure of the report."""
    if target[0] != "b" or span is None:
        return False
    b = doc.blocks[target[1]]
    number = _HEADING_NUMBER.match(b.text) if b.kind == "heading" else None
    return bool(number) and span[1] <= number.end()


def _names_the_expected(c: CheckResult, ev: Evidence) -> bool:
    """The evidence of a failed check that shows the form it should take (the right spelling of a
    name beside its variants): linked, never marked red."""
    expected, actual = c.values.get("expected"), c.values.get("actual")
    return (c.status == "fail" and isinstance(expected, str) and isinstance(actual, (list, tuple))
            and ev.figure == expected and expected not in actual)


def place_evidence(doc: Document, checks: Sequence[CheckResult], prefix: str = "", lang: str = "vi") -> Placement:
    """Locate every evidence of ``checks`` in ``doc`` (see the module docstring)."""
    pl = Placement(ids=_anchor_ids(doc, prefix))
    for ci, c in enumerate(checks):
        if c.status not in ("pass", "fail"):
            for ei, ev in enumerate(c.evidence):
                pl.links[(ci, ei)] = _link_only(doc, ev, pl)
            continue
        claimed: set[tuple] = set()
        for ei, ev in enumerate(c.evidence):
            target, span, link = _locate(doc, ev, pl, claimed)
            pl.links[(ci, ei)] = link
            if target is not None and _heading_number(doc, target, span):
                pl.placed[(ci, ei)] = False  # found, but a heading's own number takes no tick
                continue
            if ev.figure and not _names_the_expected(c, ev):
                pl.placed[(ci, ei)] = target is not None
                if target is None:
                    pl.unplaced += 1
                    continue
                claimed.add((target, span))
                rel = relation_text(c.relation, lang)
                note = f"{c.rule}: {message(c.message, lang)}" + (f" ({rel})" if rel else "")
                pl.marks.setdefault(target, []).append(_Mark(span[0], span[1], c.status, [note], [c.rule]))
    return pl


def _candidates(doc: Document, ev: Evidence) -> list[tuple]:
    """Blocks/rows at the evidence's location, in reading order."""
    out: list[tuple] = []
    for bi, b in enumerate(doc.blocks):
        if ev.file and b.location.file and ev.file != b.location.file and not b.location.file.endswith(ev.file):
            continue
        if b.kind == "table" and b.table is not None:
            rows = [ri for ri in range(len(b.table.rows)) if _same_place(b.table.row_location(ri), ev)
                    and (ri < len(b.table.row_locations))]
            if rows:
                out.extend(("r", bi, ri) for ri in rows)
            elif _same_place(b.location, ev):
                out.append(("t", bi))
        elif _same_place(b.location, ev):
            out.append(("b", bi))
    return out


def _link_for(key: tuple, pl: Placement) -> str | None:
    if key[0] == "r":
        return pl.ids.get(("r", key[1], key[2])) or pl.ids.get(("b", key[1]))
    return pl.ids.get(("b", key[1]))


def _link_only(doc: Document, ev: Evidence, pl: Placement) -> str | None:
    cands = _candidates(doc, ev)
    if cands:
        return _link_for(cands[0], pl)
    hit = _search_quote(doc, ev)
    return _link_for(hit, pl) if hit else _nearest(doc, ev, pl)


def _search_quote(doc: Document, ev: Evidence) -> tuple | None:
    if not ev.quote:
        return None
    for bi, b in enumerate(doc.blocks):
        if b.kind != "table" and _quote_span(b.text, ev.quote):
            return ("b", bi)
    return None


def _nearest(doc: Document, ev: Evidence, pl: Placement) -> str | None:
    """The last block at or before the evidence's page/line (for a link when nothing matches)."""
    if ev.line is None and ev.page is None:
        return None
    best = None
    for bi, b in enumerate(doc.blocks):
        key = ((b.location.page or 0), (b.location.line or 0))
        if key <= ((ev.page or b.location.page or 0), (ev.line or 10 ** 9)):
            best = bi
    return pl.ids.get(("b", best)) if best is not None else None


def _cells(doc: Document, key: tuple) -> list[tuple[tuple, str]]:
    b = doc.blocks[key[1]]
    tbl = b.table
    if key[0] == "r":
        return [(("c", key[1], key[2], ci), cell) for ci, cell in enumerate(tbl.rows[key[2]])]
    out = [(("c", key[1], -1, ci), cell) for ci, cell in enumerate(tbl.header)]
    for ri, row in enumerate(tbl.rows):
        out.extend((("c", key[1], ri, ci), cell) for ci, cell in enumerate(row))
    return out


def _locate(doc: Document, ev: Evidence, pl: Placement, claimed: set) -> tuple[tuple | None, tuple | None, str | None]:
    cands = _candidates(doc, ev)
    if not cands:
        hit = _search_quote(doc, ev)
        cands = [hit] if hit else []
    link = _link_for(cands[0], pl) if cands else _nearest(doc, ev, pl)
    if not ev.figure:
        return None, None, link
    pat = _figure_pattern(ev.figure.strip())
    for key in cands:
        if key[0] == "b":
            text = doc.blocks[key[1]].text
            target = ("b", key[1])
            qs = _quote_span(text, ev.quote)
            ranges = [qs, (0, len(text))] if qs else [(0, len(text))]
            for lo, hi in ranges:
                for m in pat.finditer(text, lo, hi):
                    if (target, (m.start(), m.end())) not in claimed:
                        return target, (m.start(), m.end()), link
            continue
        # a table row (or a whole table): an exact cell first, then a figure inside a cell
        cells = _cells(doc, key)
        fig = ev.figure.strip()
        for exact in (True, False):
            for target, cell in cells:
                if exact:
                    if cell.strip() == fig:
                        s = cell.index(fig)
                        if (target, (s, s + len(fig))) not in claimed:
                            return target, (s, s + len(fig)), _row_link(key, target, pl) or link
                else:
                    for m in pat.finditer(cell):
                        if (target, (m.start(), m.end())) not in claimed:
                            return target, (m.start(), m.end()), _row_link(key, target, pl) or link
    return None, None, link


def _row_link(key: tuple, target: tuple, pl: Placement) -> str | None:
    if target[2] >= 0:
        return pl.ids.get(("r", target[1], target[2]))
    return pl.ids.get(("b", target[1]))


def _merge(marks: list[_Mark]) -> list[_Mark]:
    """Overlapping figure spans become one span; a failure anywhere in it makes it red."""
    out: list[_Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            last = out[-1]
            last.end = max(last.end, m.end)
            last.status = "fail" if "fail" in (last.status, m.status) else last.status
            last.notes = last.notes + [n for n in m.notes if n not in last.notes]
            last.rules = last.rules + [r for r in m.rules if r not in last.rules]
        else:
            out.append(_Mark(m.start, m.end, m.status, list(m.notes), list(m.rules)))
    return out


def _marked_text(text: str, marks: list[_Mark] | None) -> str:
    if not marks:
        return esc(text)
    parts: list[str] = []
    pos = 0
    for m in _merge(marks):
        parts.append(esc(text[pos:m.start]))
        cls, sym = ("mark-fail", "✗") if m.status == "fail" else ("tick", "✓")
        title = "\n".join(m.notes)
        parts.append(f'<span class="{cls}" title="{esc(title)}" tabindex="0" data-rules="{esc(" ".join(m.rules))}">'
                     f'{esc(text[m.start:m.end])}<span class="sym" aria-hidden="true">{sym}</span></span>')
        pos = m.end
    parts.append(esc(text[pos:]))
    return "".join(parts)


# --- sections -----------------------------------------------------------------------------------

def header(results: Any, params: Any = None, lang: str = "vi") -> str:
    """The ward, its level and province, then per report: kind, period, number, date, sources."""
    results = _as_list(results)
    p = params
    ward = getattr(p, "ward", None) or (results[0].meta.get("ward_name") if results else None)
    rows = [(t("ward", lang), _blank(ward, lang)),
            (t("level", lang), _blank(getattr(p, "level", None), lang)),
            (t("province", lang), _blank(getattr(p, "province", None), lang))]
    if p is not None and (getattr(p, "period_start", None) or getattr(p, "period_end", None)):
        rows.append((t("period_override", lang),
                     esc(t("period_range", lang, start=display_date(p.period_start) or "…",
                           end=display_date(p.period_end) or "…"))))
    level = getattr(p, "level", None) or (results[0].meta.get("level") if results else None)
    full = " ".join(x for x in (level, ward) if x) or "?"
    out = [stylesheet(), f'<h1 class="wa-title">{esc(t("title", lang, ward=full))}</h1>',
           contents(lang), f'<h2 id="sec-header">{esc(t("header", lang))}</h2>', _kv(rows)]
    if p is not None:
        off = ", ".join(getattr(p, "rules_off", []) or []) or t("none", lang)
        carried = t("carried_in" if getattr(p, "carried_over_in_denominator", True) else "carried_out", lang)
        out.append(f'<p class="muted">{esc(t("params_note", lang, carried=carried, off=off, profile=getattr(p, "outline_profile", "auto")))}</p>')
    if not results:
        out.append(f"<p>{esc(t('no_reports', lang))}</p>")
    for i, r in enumerate(results):
        m = r.meta or {}
        doc = r.document
        if len(results) > 1:
            out.append(f"<h3>{esc(t('report_n', lang, i=i + 1, n=len(results), source=doc.source))}</h3>")
        period = m.get("period") or {}
        period_txt = (esc(t("period_range", lang, start=display_date(period.get("start")) or "…",
                            end=display_date(period.get("end")) or "…"))
                      if isinstance(period, dict) and (period.get("start") or period.get("end")) else _blank(None, lang))
        rows = [(t("kind", lang), _blank(m.get("kind"), lang)),
                (t("period", lang), period_txt),
                (t("number", lang), _blank(m.get("number"), lang)),
                (t("date", lang), _blank(display_date(m.get("date")), lang)),
                (t("ward_in_report", lang), _blank(m.get("ward_name"), lang)),
                (t("signer", lang), _blank(m.get("signer"), lang)),
                (t("sources", lang), f'<code>{esc(doc.source)}</code> · {esc(t("format", lang))}: {esc(doc.format)}'
                 + (f' · {esc(t("pages", lang))}: {esc(doc.pages)}' if doc.pages else "")),
                (t("sha256", lang), f'<code>{esc(doc.sha256)}</code>')]
        out.append(_kv(rows))
        notes = list(doc.notes) + list(getattr(r, "notes", []) or [])
        if notes:
            out.append(f"<p><b>{esc(t('notes', lang))}</b></p><ul>"
                       + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    return _wrap("".join(out))


def contents(lang: str = "vi") -> str:
    """The contents list: the page's sections, linked (findings and charts before the report's text)."""
    items = "".join(f'<li><a href="#{sid}">{esc(t(key, lang, n="").replace(" ()", ""))}</a></li>'
                    for sid, key in SECTIONS)
    return f'<nav class="contents"><b>{esc(t("contents", lang))}</b><ol>{items}</ol></nav>'


def _kv(rows: list[tuple[str, str]]) -> str:
    return ('<table class="kv">' + "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
            + "</table>")


def _all_checks(results: list[Any]) -> list[CheckResult]:
    return [c for r in results for c in r.checks]


def _dismissed(c: CheckResult, reviews: Mapping[str, Any] | None) -> bool:
    d = (reviews or {}).get(c.id)
    return c.status == "fail" and d is not None and d.status == "dismissed"


def scorecard(results: Any, lang: str = "vi", reviews: Mapping[str, Any] | None = None) -> str:
    """Checks run, passed, failed (by severity) and skipped, overall and per rule family.

    Failures the auditor dismissed (``reviews``: finding id → decision) are not counted.
    """
    results = _as_list(results)
    checks = [c for c in _all_checks(results) if not _dismissed(c, reviews)]
    n_dismissed = sum(_dismissed(c, reviews) for c in _all_checks(results))
    s = summary(checks)
    out = [f'<h2 id="sec-score">{esc(t("scorecard", lang))}</h2>']
    cells = [("checks", t("checks_run", lang), ""), ("pass", t("passed", lang), "st-pass"),
             ("fail", t("failed", lang), "st-fail"), ("skip", t("skipped", lang), "st-skip"),
             ("error", t("sev_error", lang), ""), ("warning", t("sev_warning", lang), ""),
             ("info", t("sev_info", lang), "")]
    out.append('<table class="score"><tr>' + "".join(f"<th>{esc(label)}</th>" for _, label, _ in cells)
               + "</tr><tr>" + "".join(f'<td class="num {cls}" data-count="{key}">{s[key]}</td>'
                                       for key, _, cls in cells) + "</tr></table>")
    out.append(f'<p class="muted">{esc(t("by_severity", lang))}: {esc(t("sev_error", lang))} {s["error"]} · '
               f'{esc(t("sev_warning", lang))} {s["warning"]} · {esc(t("sev_info", lang))} {s["info"]}</p>')
    out.append(_unchecked_html(_all_checks(results), lang))
    if n_dismissed:
        out.append(f'<p class="muted" data-dismissed="{n_dismissed}">{esc(t("dismissed_not_counted", lang, n=n_dismissed))}</p>')
    fams: dict[str, list[CheckResult]] = {}
    for c in checks:
        fams.setdefault(_family(c.rule), []).append(c)
    if fams:
        out.append(f"<h3>{esc(t('by_family', lang))}</h3>")
        head = [t("family", lang), t("checks_run", lang), t("passed", lang), t("failed", lang),
                t("sev_error", lang), t("sev_warning", lang), t("sev_info", lang), t("skipped", lang)]
        rows = []
        for fam in sorted(fams):
            fs = summary(fams[fam])
            label = t(f"fam_{fam}", lang) if _has_message(f"fam_{fam}") else fam
            rows.append(f'<tr data-family="{esc(fam)}"><td><b>{esc(fam)}</b> {esc(label)}</td>'
                        + "".join(f'<td class="num">{fs[k]}</td>'
                                  for k in ("checks", "pass", "fail", "error", "warning", "info", "skip")) + "</tr>")
        out.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>" + "".join(rows) + "</table>")
    return _wrap("".join(out))


def _unchecked_html(checks: list[CheckResult], lang: str) -> str:
    """How many related figures could not be checked, and why (the reasons are Vietnamese)."""
    from wardaudit.model.findings import unchecked

    u = unchecked(checks)
    if not u["count"]:
        return f'<p class="unchecked muted" data-unchecked="0">{esc(t("unchecked_none", lang))}</p>'
    items = "".join(f"<li>{esc(reason)}: {n}</li>" for reason, n in u["reasons"].items())
    return (f'<div class="unchecked" data-unchecked="{u["count"]}"><p>{esc(t("unchecked", lang, n=u["count"]))}</p>'
            f"<ul>{items}</ul></div>")


def _has_message(key: str) -> bool:
    from wardaudit.render.messages import has
    return has(key)


def _values_html(c: CheckResult, lang: str) -> str:
    """The check's values as labelled rows in the page's language (none when there is nothing)."""
    rows = value_rows(c.values, c.rule, lang)
    if not rows:
        return ""
    return ('<table class="values">' + "".join(f'<tr><th>{esc(k)}</th><td class="num">{esc(v)}</td></tr>'
                                              for k, v in rows) + "</table>")


def _quote_text(doc: Document | None, ev: Evidence) -> str:
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


def _evidence_html(c: CheckResult, ci: int, pl: Placement | None, lang: str, doc: Document | None = None) -> str:
    if not c.evidence:
        return ""
    items = []
    for ei, ev in enumerate(c.evidence):
        where = " · ".join(x for x in (
            f"{t('section', lang)}: {ev.section}" if ev.section else "",
            _loc_label(ev.page, ev.line, lang), ev.file or "") if x)
        link = pl.links.get((ci, ei)) if pl else None
        a = (f' <a href="#{esc(link)}" class="ev-link">{esc(t("go_to_source", lang))} →</a>' if link
             else f' <span class="muted">({esc(t("not_located", lang))})</span>')
        fig = f' <span class="muted">[{esc(ev.figure)}]</span>' if ev.figure else ""
        items.append(f'<li><blockquote>{esc(_quote_text(doc, ev))}</blockquote><span class="muted">{esc(where)}</span>{fig}{a}</li>')
    return f'<div class="ev"><b>{esc(t("evidence", lang))}</b><ul>{"".join(items)}</ul></div>'


def _review_html(d: Any, lang: str) -> str:
    """The auditor's decision on a finding: state, note, who and when."""
    if d is None:
        return f'<div class="review st-open" data-review="open"><b>{esc(t("review_open", lang))}</b></div>'
    who = " · ".join(x for x in (d.by or "", d.at) if x)
    note = f' <span class="note">{esc(d.note)}</span>' if d.note else ""
    return (f'<div class="review st-{esc(d.status)}" data-review="{esc(d.status)}"><b>{esc(t("review_" + d.status, lang))}</b>'
            f'{note} <span class="muted">({esc(who)})</span></div>')


def _finding_html(c: CheckResult, ci: int, pl: Placement, title: str, src: str, review: str, lang: str,
                  doc: Document | None = None) -> str:
    sev = c.severity
    inferred, text = review_prefix(c.message)
    flag = f' <span class="badge to-review" data-inferred="1">{esc(t("to_review", lang))}</span>' if inferred else ""
    rel = relation_text(c.relation, lang)
    rel_html = f'<div class="relation muted" data-strength="{esc((c.relation or {}).get("strength", ""))}">{esc(rel)}</div>' if rel else ""
    return (f'<div class="finding sev-{sev[:1]}{" inferred" if inferred else ""}" data-rule="{esc(c.rule)}" '
            f'data-id="{esc(c.id)}" id="f-{esc(c.id)}">'
            f'<span class="badge sev-{esc(sev)}">{esc(t("sev_" + sev, lang) if sev in SEVERITY_ORDER else sev)}</span>{flag} '
            f'<b class="rule">{esc(c.rule)}</b> <span class="muted">{esc(title)}</span>{src} <code class="fid">{esc(c.id)}</code>'
            f'<div class="msg">{esc(message(text, lang))}</div>{rel_html}{review}{_values_html(c, lang)}'
            f'{_evidence_html(c, ci, pl, lang, doc)}</div>')


def _gone_html(gone: list[Any], lang: str) -> str:
    if not gone:
        return ""
    rows = "".join(f'<tr data-id="{esc(d.id)}"><td><code>{esc(d.id)}</code></td><td>{esc(t("review_" + d.status, lang))}</td>'
                   f'<td>{esc(d.note)}</td><td>{esc(d.by or "")}</td><td>{esc(d.at)}</td></tr>' for d in gone)
    head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in ("finding_id", "status", "review_note", "review_by", "review_at"))
    return (f'<section class="gone"><h3>{esc(t("no_longer_found", lang))}</h3>'
            f'<p class="muted">{esc(t("no_longer_found_note", lang))}</p><table><tr>{head}</tr>{rows}</table></section>')


def findings(results: Any, lang: str = "vi", reviews: Mapping[str, Any] | None = None) -> str:
    """Failed checks, worst first, each with its values and evidence linked into the source view.

    With ``reviews`` (finding id → the auditor's latest decision) each finding shows its state,
    note, who and when; queried ones are marked; dismissed ones move to their own section,
    "Đã loại trừ / dismissed"; decisions whose finding no longer appears are listed last.
    """
    results = _as_list(results)
    titles = _rule_titles(lang)
    out = [f'<h2 id="sec-findings">{esc(t("findings", lang))}</h2>']
    items = []
    n = len(results)
    for i, r in enumerate(results):
        checks = list(r.checks)
        pl = place_evidence(r.document, checks, _prefix(i, n), lang)
        for ci, c in enumerate(checks):
            if c.status == "fail":
                items.append((SEVERITY_ORDER.get(c.severity, 9), c.rule, i, ci, c, pl))
    reviewing, reviews = reviews is not None, reviews or {}
    shown, dismissed = [], []
    for _, _, i, ci, c, pl in sorted(items, key=lambda x: x[:4]):
        src = f' <span class="muted">{esc(results[i].document.source)}</span>' if n > 1 else ""
        d = reviews.get(c.id)
        html_ = _finding_html(c, ci, pl, titles.get(c.rule, ""), src, _review_html(d, lang) if reviewing else "", lang,
                              results[i].document)
        if d is not None and d.status == "query":
            html_ = html_.replace('<div class="finding ', '<div class="finding queried ', 1)
        (dismissed if d is not None and d.status == "dismissed" else shown).append(html_)
    if not shown:
        out.append(f"<p>{esc(t('no_findings', lang))}</p>")
    out.extend(shown)
    if dismissed:
        out.append(f'<section class="dismissed"><h3>{esc(t("dismissed_section", lang))}</h3>{"".join(dismissed)}</section>')
    current = {c.id for *_, c, _ in items}
    out.append(_gone_html([reviews[k] for k in sorted(reviews) if k not in current], lang))
    return _wrap("".join(out))


def source_view(results: Any, lang: str = "vi") -> str:
    """Every block of every report in order, with anchors and tick marks on checked figures."""
    results = _as_list(results)
    out = [f'<h2 id="sec-source">{esc(t("source_view", lang))}</h2>', f'<p class="muted">{esc(t("legend", lang))}</p>',
           f'<p class="muted print-note">{esc(t("print_note", lang))}</p>']
    n = len(results)
    unplaced = 0
    for i, r in enumerate(results):
        doc = r.document
        pl = place_evidence(doc, list(r.checks), _prefix(i, n), lang)
        unplaced += pl.unplaced
        if n > 1:
            out.append(f"<h3>{esc(t('report_n', lang, i=i + 1, n=n, source=doc.source))}</h3>")
        out.append(f'<div class="source" data-source="{esc(doc.source)}">')
        for bi, b in enumerate(doc.blocks):
            out.append(_block_html(doc, bi, b, pl, lang))
        out.append("</div>")
    if unplaced:
        out.insert(3, f'<p class="muted">{esc(t("unplaced", lang, n=unplaced))}</p>')
    return f'<div class="wa source-appendix">{"".join(out)}</div>'


def _id_attr(pl: Placement, key: tuple) -> str:
    a = pl.ids.get(key)
    return f' id="{esc(a)}"' if a else ""


# a heading's own number ("Phần 1", "II.", "1.2.", "a)") is not a figure of the report
_HEADING_NUMBER = re.compile(r"\s*(?:#+\s*)?(?:(?:Phần|PHẦN|Mục|MỤC|Chương|CHƯƠNG|Phụ lục|PHỤ LỤC)\s+)?"
                             r"(?:[IVXLC]+|\d+|[a-zđ])(?:[.)]\d+)*[.):]?(?=\s|$)")


def _block_html(doc: Document, bi: int, b: Block, pl: Placement, lang: str) -> str:
    loc = f'<span class="loc">{esc(b.location.line if b.location.line is not None else "")}</span>'
    if b.kind == "table" and b.table is not None:
        return _table_html(bi, b, pl, lang)
    body = _marked_text(b.text, pl.marks.get(("b", bi)))
    if b.kind == "heading":
        return f'<p class="h"{_id_attr(pl, ("b", bi))}>{loc}{body}</p>'
    return f'<p{_id_attr(pl, ("b", bi))}>{loc}{body}</p>'


def _table_html(bi: int, b: Block, pl: Placement | None, lang: str) -> str:
    tbl = b.table
    width = tbl.n_cols
    cap = " · ".join(x for x in ((t("appendix", lang, id=tbl.appendix) if tbl.appendix else ""), tbl.title or "") if x)
    parts = [f'<div class="tbl-wrap"><table{_id_attr(pl, ("b", bi)) if pl else ""}>']
    if cap:
        parts.append(f"<caption>{esc(cap)}</caption>")

    def cell(tag: str, ri: int, ci: int, text: str) -> str:
        marks = pl.marks.get(("c", bi, ri, ci)) if pl else None
        return f"<{tag}>{_marked_text(text, marks)}</{tag}>"

    if tbl.header:
        hdr = list(tbl.header) + [""] * (width - len(tbl.header))
        parts.append("<thead><tr>" + "".join(cell("th", -1, ci, h) for ci, h in enumerate(hdr)) + "</tr></thead>")
    parts.append("<tbody>")
    for ri, row in enumerate(tbl.rows):
        row = list(row) + [""] * (width - len(row))
        rid = _id_attr(pl, ("r", bi, ri)) if pl else ""
        parts.append(f"<tr{rid}>" + "".join(cell("td", ri, ci, c) for ci, c in enumerate(row)) + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def appendix_tables(results: Any, lang: str = "vi") -> str:
    """The appendix tables as extracted, with extraction quality and a visible low-confidence flag."""
    results = _as_list(results)
    out = [f'<h2 id="sec-appendix">{esc(t("appendix_tables", lang))}</h2>']
    count = 0
    for r in results:
        for bi, b in enumerate(r.document.blocks):
            tbl = b.table
            if b.kind != "table" or tbl is None or not (tbl.appendix or b.appendix):
                continue
            count += 1
            title = t("appendix", lang, id=tbl.appendix or b.appendix)
            out.append(f"<h3>{esc(title)}{(': ' + esc(tbl.title)) if tbl.title else ''}</h3>")
            meta = [_loc_label(tbl.location.page, tbl.location.line, lang), t("rows_n", lang, n=len(tbl.rows))]
            if tbl.parts and tbl.parts > 1:
                meta.append(t("parts_n", lang, n=tbl.parts))
            out.append(f'<p class="muted"><code>{esc(tbl.location.file)}</code> · {esc(" · ".join(meta))}</p>')
            if tbl.quality:
                q = " · ".join(f"{k}: {format_number(v, lang)}" for k, v in sorted(tbl.quality.items()))
                out.append(f'<p class="quality">{esc(t("quality", lang))}: {esc(q)}</p>')
            if tbl.low_confidence:
                out.append(f'<p><span class="flag-low">⚠ {esc(t("low_confidence", lang))}</span></p>')
            out.append(_table_html(bi, b, None, lang))
    if not count:
        out.append(f"<p>{esc(t('no_appendix_tables', lang))}</p>")
    return _wrap("".join(out))


def all_checks(results: Any, lang: str = "vi") -> str:
    """Every check, passed and skipped too, in a collapsible table."""
    results = _as_list(results)
    titles = _rule_titles(lang)
    checks = sort_checks(_all_checks(results))
    head = [t("rule", lang), t("status", lang), t("severity", lang), t("message", lang), t("values", lang),
            t("location", lang)]
    rows = []
    for c in checks:
        ev = c.evidence[0] if c.evidence else None
        where = "" if ev is None else " · ".join(x for x in (ev.section or "", _loc_label(ev.page, ev.line, lang)) if x)
        vals = "; ".join(f"{k}: {v}" for k, v in value_rows(c.values, c.rule, lang))
        rel = relation_text(c.relation, lang)
        rows.append(f'<tr class="check st-{esc(c.status)}" data-rule="{esc(c.rule)}"><td><b>{esc(c.rule)}</b><br>'
                    f'<span class="muted">{esc(titles.get(c.rule, ""))}</span></td>'
                    f'<td class="st-{esc(c.status)}">{esc(t("status_" + c.status, lang) if c.status in ("pass", "fail", "skip") else c.status)}</td>'
                    f'<td>{esc(t("sev_" + c.severity, lang) if c.severity in SEVERITY_ORDER else c.severity)}</td>'
                    f"<td>{esc(message(c.message, lang))}"
                    + (f'<br><span class="relation muted">{esc(rel)}</span>' if rel else "")
                    + f"</td><td>{esc(vals)}</td><td>{esc(where)}</td></tr>")
    summary_txt = esc(t("all_checks", lang, n=len(checks)))
    body = (("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>" + "".join(rows) + "</table>")
            if rows else f"<p>{esc(t('no_checks', lang))}</p>")
    return _wrap(f'<h2 id="sec-checks">{esc(t("all_checks_title", lang))}</h2>'
                 f'<details class="all-checks"><summary>{summary_txt}</summary>{body}</details>')


def charts_heading(lang: str = "vi") -> str:
    return _wrap(f'<h2 id="sec-charts">{esc(t("charts", lang))}</h2>')


def chart(fig: Any, key: str, lang: str = "vi") -> str:
    """A chart as an embedded PNG with its caption, or a sentence saying there is nothing to draw.

    ``key`` is the chart's message key (``chart_targets`` …). The figure is closed afterwards.
    """
    title = t(key, lang)
    if fig is None:
        return _wrap(f'<p class="no-chart">{esc(t("nothing_to_draw", lang, chart=title))}</p>')
    from wardaudit.render.charts import png_bytes
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    return _wrap(f'<figure class="chart" data-chart="{esc(key)}"><figcaption>{esc(title)}</figcaption>'
                 f'<img alt="{esc(title)}" src="data:image/png;base64,{data}"></figure>')


def run_failed_banner(reason: str, lang: str = "vi") -> str:
    return _wrap(f'<div class="banner-fail" role="alert">{esc(t("run_failed", lang, reason=reason))}</div>')


def charts_section(facts: Any, lang: str = "vi") -> str:
    """Every chart of :data:`wardaudit.render.charts.CHARTS`, each drawn or said to have nothing to draw."""
    from wardaudit.render.charts import CHARTS
    facts = list(facts or [])
    return charts_heading(lang) + "".join(chart(make(facts, lang), key, lang) for key, make in CHARTS)

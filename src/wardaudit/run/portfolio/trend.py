"""The province page's indicators over time: each standard indicator (catalogue/targets.yaml) of a ward's
latest report against the same indicator of its previous report.

The ward's worker computes the pairs (:func:`indicator_changes`, kept in summary.json as
``indicator_trend``); the portfolio phase reads them back and builds the province page's section
(:func:`indicator_trend_view`, macro ``indicator_trend`` of templates/portfolio_trend.html.j2). A pair is
judged by :func:`wardaudit.rules.trend.changes` with the catalogue's per-indicator tolerance
(:meth:`wardaudit.catalogue.Catalogue.tolerance`), the comparison TREND002 and the ward page's
"So với kỳ trước" table make, so the three never disagree.
"""
from __future__ import annotations

from typing import Any

from wardaudit.rules.portfolio import load_targets
from wardaudit.run.portfolio.indicators import indicator_value, report_facts
from wardaudit.run.portfolio.model import WardRecord, report_end

#: The section's own words (vi, en).
WORDS = {
    "heading": ("Chỉ số qua hai kỳ gần nhất", "Indicators over the latest two reports"),
    "intro": ("Mỗi chỉ số chuẩn của các đơn vị có từ hai báo cáo: giá trị kỳ trước và kỳ này; thay đổi vượt "
              "biên độ của chỉ số (như quy tắc TREND002 và bảng “So với kỳ trước” của trang đơn vị) được "
              "đánh dấu ⚠.",
              "Each standard indicator of the units with two reports or more: the previous and the latest "
              "value; a change beyond the indicator's tolerance (as rule TREND002 and the unit page's "
              "comparison judge it) is marked ⚠."),
    "none": ("Chưa đơn vị nào có hai báo cáo cùng nêu một chỉ số chuẩn.",
             "No unit has two reports stating the same standard indicator."),
    "counts": ("{n} đơn vị so sánh · {beyond} vượt biên độ · {same} không đổi",
               "{n} units compared · {beyond} beyond tolerance · {same} unchanged"),
    "col_ward": ("Đơn vị", "Unit"),
    "col_before": ("Kỳ trước", "Previous"),
    "col_now": ("Kỳ này", "Latest"),
    "col_change": ("Thay đổi", "Change"),
    "col_verdict": ("Đánh giá", "Verdict"),
}


def _w(key: str, lang: str, **fmt: object) -> str:
    vi, en = WORDS[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


def _indicator_fact(facts: Any, ind: dict[str, Any]) -> dict[str, Any] | None:
    """The indicator of one report as one figure: its value in percent, with the period of the figure it
    was read from (a computed share: its numerator's), so that :func:`changes` compares like with like."""
    value, used = indicator_value(facts, ind)
    if value is None:
        return None
    return {"metric": ind.get("metric") or ind["key"], "value": value, "unit": "%", "kind": "percent",
            "period": used[0].get("period") if used else None}


def indicator_changes(w: WardRecord) -> dict[str, Any] | None:
    """Per standard indicator both of the ward's latest two reports give: both values and the verdict of
    :func:`wardaudit.rules.trend.changes` (judged, beyond, the tolerance); None with fewer than two reports."""
    from wardaudit.model.report import ReportMeta
    from wardaudit.rules.trend import changes

    if len(w.reports) < 2:
        return None
    prev_doc, doc = w.reports[-2], w.reports[-1]
    prev_facts, facts = report_facts(w, prev_doc), report_facts(w, doc)
    prev_meta, meta = (ReportMeta.from_dict(d.get("report") or {}) for d in (prev_doc, doc))
    rows = []
    for ind in load_targets()["indicators"]:
        a, b = _indicator_fact(prev_facts, ind), _indicator_fact(facts, ind)
        if a is None or b is None:
            continue
        for ch in changes([a], prev_meta, [b], meta):
            va, vb = ch.values
            rows.append({"indicator": ind["key"], "previous": va, "current": vb, "judged": ch.judged,
                         "beyond": ch.beyond, "tolerance": {"points": ch.tolerance.points,
                                                            "factor": ch.tolerance.factor}})
    return {"previous_end": report_end(prev_doc) or None, "end": report_end(doc) or None, "rows": rows}


def _date(iso: str | None) -> str:
    from wardaudit.render.wording import display_date
    return display_date(iso) or ""


def indicator_trend_view(rows: list[dict[str, Any]], summaries: dict[str, dict[str, Any]],
                         lang: str = "vi") -> dict[str, Any]:
    """The province page's section: per standard indicator (catalogue order, label from the catalogue), the
    wards whose value moved, flagged first, each with both values, their dates, the change and the verdict;
    the wards whose value did not move are only counted (a page of 100 wards stays small)."""
    from wardaudit.catalogue import Tolerance
    from wardaudit.render.page import change_words

    per: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: (r["ward"].casefold(), r["slug"])):
        pair = (summaries.get(r["slug"]) or {}).get("indicator_trend") or {}
        for c in pair.get("rows") or []:
            tol = Tolerance.from_dict(c.get("tolerance")) or Tolerance()
            words = change_words(c["previous"], c["current"], "%", tol, c["judged"], c["beyond"], lang)
            per.setdefault(c["indicator"], []).append({
                "ward": r["ward"], "slug": r["slug"], "html": bool(r.get("html")), **words,
                "before_date": _date(pair.get("previous_end")), "now_date": _date(pair.get("end"))})
    indicators = []
    for ind in load_targets()["indicators"]:
        found = per.get(ind["key"])
        if not found:
            continue
        moved = sorted((x for x in found if not x["same"]), key=lambda x: not x["beyond"])
        indicators.append({"key": ind["key"], "label": ind.get("label_en" if lang == "en" else "label_vi", ind["key"]),
                           "counts": _w("counts", lang, n=len(found), beyond=sum(x["beyond"] for x in found),
                                        same=len(found) - len(moved)),
                           "rows": moved})
    return {"heading": _w("heading", lang), "intro": _w("intro", lang), "none": _w("none", lang),
            "head": [_w(k, lang) for k in ("col_ward", "col_before", "col_now", "col_change", "col_verdict")],
            "indicators": indicators}

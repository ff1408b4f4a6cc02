"""What notebooks/portfolio.ipynb displays of the full portfolio: tables as DataFrames, and the
same pieces the index pages show, rendered from the page templates' macros."""
from __future__ import annotations

from typing import Any

from wardaudit.model.findings import summary
from wardaudit.project.config import Paths
from wardaudit.run.portfolio.charts import heatmap_figure, indicators_figure, trends_figure
from wardaudit.run.portfolio.exports import findings_frame, port_checks_frame, wards_frame, write_exports
from wardaudit.run.portfolio.indicators import run_port_checks
from wardaudit.run.portfolio.model import Portfolio, load_portfolio
from wardaudit.run.portfolio.pages import environment
from wardaudit.run.portfolio.summary import score, summary_of
from wardaudit.run.portfolio.triage import province_slugs, ward_rows
from wardaudit.run.portfolio.views import display_rows, port_view, precision_view
from wardaudit.run.portfolio.words import word

WARD_COLUMNS = ["ward", "slug", "level", "province", "kind", "period", "reports", "checks", "passed",
                "failed", "skipped", "error", "warning", "info", "open", "confirmed", "query", "dismissed",
                "score", "html", "status", "reason"]


def _period_text(doc: dict[str, Any]) -> str | None:
    period = (doc.get("report") or {}).get("period") or {}
    start, end = period.get("start"), period.get("end")
    if start and end:
        return f"{start} – {end}"
    return end or start or (doc.get("report") or {}).get("date")


def wards_table(pf: Portfolio):
    """One row per ward, describing its latest report: check counts by status and by severity of
    the failures, the failures by the auditor's review state (open, confirmed, query, dismissed),
    the score, the link to reports/<slug>.html and the run status."""
    import pandas as pd

    from wardaudit.review.stats import review_counts

    rows = []
    for w in pf.wards:
        doc = w.latest or {}
        s = summary(doc.get("checks") or [])
        rows.append({"ward": w.ward, "slug": w.slug, "level": w.level, "province": w.province,
                     "kind": (doc.get("report") or {}).get("kind"), "period": _period_text(doc) if doc else None,
                     "reports": len(w.reports), "checks": s["checks"], "passed": s["pass"], "failed": s["fail"],
                     "skipped": s["skip"], "error": s["error"], "warning": s["warning"], "info": s["info"],
                     **review_counts([doc] if doc else []), "score": score(doc.get("checks") or []),
                     "html": w.html, "status": w.status, "reason": w.reason})
    return pd.DataFrame(rows, columns=WARD_COLUMNS)


def _macro(name: str, *args: Any) -> str:
    module = environment().get_template("portfolio_macros.html.j2").module
    return str(getattr(module, name)(*args))


def _w(lang: str):
    return lambda key, **fmt: word(key, lang, **fmt)


def wards_table_html(pf: Portfolio, lang: str = "vi") -> str:
    """The triage table of the index as HTML; every value is escaped (report text is untrusted)."""
    rows = ward_rows({w.slug: {**summary_of(w), "ward": w.ward} for w in pf.wards}, {}, pf.paths)
    if not rows:
        return _macro("note", word("no_wards", lang))
    shown = display_rows(rows, province_slugs(r["province"] for r in rows), lang)
    return _macro("ward_table", shown, _w(lang), "", True)


def rule_precision(pf: Portfolio, lang: str = "vi"):
    """Per rule, across every ward's reports: findings, decisions and the dismissal rate
    (:func:`wardaudit.review.stats.rule_precision`)."""
    from wardaudit.catalogue import rule_titles
    from wardaudit.review.stats import rule_precision as precision

    return precision(((w.slug, w.reports) for w in pf.wards), rule_titles(lang))


def rule_precision_html(pf: Portfolio, lang: str = "vi") -> str:
    """The rule precision table; a dismissal rate above 20% is highlighted."""
    from wardaudit.catalogue import rule_titles

    return _macro("precision", precision_view([summary_of(w) for w in pf.wards], rule_titles(lang)), _w(lang))


def port_checks_html(pf: Portfolio, lang: str = "vi") -> str:
    """The PORT checks as an escaped HTML table (tick marks for passes), in the page's language."""
    return _macro("port", port_view(run_port_checks(pf), lang), _w(lang))


def exports_html(lang: str = "vi") -> str:
    """Links to the findings exports written beside the index (reports/findings.xlsx and .csv)."""
    return _macro("exports", _w(lang))


def figure_html(fig: Any, empty_text: str, alt: str) -> str:
    """A figure as an embedded PNG (same data, same bytes), or the escaped ``empty_text``."""
    import base64

    from wardaudit.render.charts import png_bytes

    if fig is None:
        return _macro("note", empty_text)
    return _macro("image", alt, base64.b64encode(png_bytes(fig)).decode("ascii"))


def heatmap_html(pf: Portfolio, lang: str = "vi") -> str:
    return figure_html(heatmap_figure(pf, lang), word("no_failures", lang), word("heatmap_title", lang))


def indicators_html(pf: Portfolio, lang: str = "vi") -> str:
    return figure_html(indicators_figure(pf, lang), word("no_indicators", lang), word("indicators_title", lang))


def trends_html(pf: Portfolio, lang: str = "vi") -> str:
    return figure_html(trends_figure(pf, lang), word("no_trends", lang), word("trends_title", lang))


def portfolio_wards(pf: Portfolio, lang: str = "vi") -> list[dict[str, Any]]:
    """The index's rows of a full portfolio (:func:`wardaudit.run.portfolio.views.display_rows`)."""
    rows = ward_rows({w.slug: {**summary_of(w), "ward": w.ward} for w in pf.wards}, {}, pf.paths)
    return display_rows(rows, province_slugs(r["province"] for r in rows), lang)


def export_findings(paths: Paths | None = None, pf: Portfolio | None = None, lang: str = "vi") -> dict[str, Any]:
    """Write reports/findings.csv and reports/findings.xlsx from the full portfolio: every ward, every
    failed check of every ward, and the cross-ward (PORT) checks. Both are written atomically."""
    paths = paths or (pf.paths if pf else Paths())
    pf = pf or load_portfolio(paths=paths)
    return write_exports(paths, findings_frame(pf), port_checks_frame(run_port_checks(pf)), lang,
                         wards_frame(portfolio_wards(pf, lang), lang))

"""The portfolio phase of a batch: summaries in, the index, the province pages and the exports out.

:func:`execute_portfolio` reads the wards' summaries (only those that changed,
:func:`wardaudit.run.portfolio.triage.load_summaries`), runs the PORT checks on them, builds one
view per page and renders only the pages whose view changed since the last run (their hashes are
kept in data/processed/portfolio-pages.json): a warm re-run after one ward changed renders that
ward's province page and the national index, nothing else. Province pages are rendered through
``mapper`` (the batch's process pool or Dask client), the index here.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from wardaudit.project.config import Paths, relative
from wardaudit.project.iorw import write_text
from wardaudit.project.settings import load_settings
from wardaudit.rules.portfolio import PortUnit, run_port_checks
from wardaudit.run.portfolio.coverage import build_coverage
from wardaudit.run.portfolio.exports import frame_of_rows, port_checks_frame, wards_frame, write_exports
from wardaudit.run.portfolio.model import batch_entries, read_json, ward_slugs
from wardaudit.run.portfolio.pages import render_task, templates_digest
from wardaudit.run.portfolio.trend import indicator_trend_view
from wardaudit.run.portfolio.triage import load_summaries, province_slugs, run_status, ward_rows
from wardaudit.run.portfolio.views import (
    INDEX_MAX_MISSING,
    INDEX_STATIC_ROWS,
    coverage_view,
    display_rows,
    filters_view,
    heatmap_view,
    indicators_view,
    overview_view,
    port_view,
    precision_view,
    province_indicator_view,
    province_rollup,
    running_head,
    table_data,
    trends_view,
)
from wardaudit.run.portfolio.words import word

INDEX = "index.html"
PROVINCE_DIR = "province"
PAGES_FILE = "portfolio-pages.json"
Mapper = Callable[[Callable[[Any], Any], list[Any]], Iterable[Any]]


def _units(summaries: dict[str, dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, PortUnit]:
    names = {r["slug"]: r["ward"] for r in rows}
    out = {}
    for slug, s in summaries.items():
        port = s.get("port") or {}
        out[slug] = PortUnit(slug, names.get(slug, slug), s.get("province"), bool(port.get("has_report")),
                             port.get("province_wide") or {}, port.get("indicators") or [], port.get("reports") or [])
    return out


def _titles(lang: str) -> dict[str, str]:
    from wardaudit.catalogue import rule_titles
    return rule_titles(lang)


def _groups(rows: list[dict[str, Any]], lang: str, scope: Iterable[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """The rows by province; a province in scope with no ward folder yet has a page too (its units
    have all not reported)."""
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name in scope}
    for r in rows:
        group = groups.setdefault(r["province"] or word("no_province", lang), [])
        # ranked within the province, so that a change elsewhere leaves the page as it is
        group.append({**r, "rank": len(group) + 1})
    return dict(sorted(groups.items(), key=lambda g: g[0].casefold()))


def _province_view(name: str, rows: list[dict[str, Any]], ctx: dict[str, Any], lang: str) -> dict[str, Any]:
    slugs = {r["slug"] for r in rows}
    summaries = ctx["summaries"]
    province = rows[0]["province"] if rows else name
    port = [c for c in ctx["port"] if c.values.get("slug") in slugs or c.values.get("province") == province]
    cov = ctx["coverage"]
    title = word("province_title", lang, province=name)
    return {"title": title, "rows": rows, "more": None, "total": len(rows),
            "running_head": running_head(title, cov, lang),
            "coverage": coverage_view(cov, lang, province=name) if name in cov["provinces"] else None,
            "overview": overview_view(rows, [summaries[s] for s in slugs], ctx["titles"]),
            "filters": filters_view(rows, lang, with_province=False), "heatmap": heatmap_view(rows, summaries, lang),
            "indicators": indicators_view(rows, ctx["units"], lang), "trends": trends_view(rows, summaries),
            "indicator_trend": indicator_trend_view(rows, summaries, lang),
            "port": port_view(port, lang)}


def _index_view(rows: list[dict[str, Any]], groups: dict[str, list[dict[str, Any]]], ctx: dict[str, Any],
                stale: list[str], lang: str) -> dict[str, Any]:
    rest = rows[INDEX_STATIC_ROWS:]
    return {"title": word("title", lang), "rows": rows[:INDEX_STATIC_ROWS], "stale": stale,
            "more": table_data(rest, lang, "", True) if rest else None, "total": len(rows),
            "running_head": running_head(word("title", lang), ctx["coverage"], lang),
            "coverage": coverage_view(ctx["coverage"], lang, max_missing=INDEX_MAX_MISSING),
            "overview": overview_view(rows, list(ctx["summaries"].values()), ctx["titles"]),
            "filters": filters_view(rows, lang, with_province=True),
            "provinces": province_rollup(groups, ctx["province_slugs"], lang, ctx["coverage"]),
            "indicators": province_indicator_view(groups, ctx["units"], lang),
            "precision": precision_view(ctx["summaries"].values(), ctx["titles"]),
            "port": port_view([c for c in ctx["port"] if c.status == "fail" or c.rule != "PORT001"], lang)}


def _digest(view: dict[str, Any], lang: str) -> str:
    text = json.dumps(view, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{templates_digest()}\n{lang}\n{text}".encode()).hexdigest()


def _views(paths: Paths, lang: str, tick: Callable[[], None] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every page's view by target (relative to reports/), and what else the phase needs."""
    _, entries = batch_entries(paths)
    slugs, stale = ward_slugs(paths, entries)
    summaries, read = load_summaries(paths, slugs, tick)
    statuses = {slug: run_status(s, entries.get(slug, {}))[0] for slug, s in summaries.items()}
    cov = build_coverage(summaries, statuses, load_settings(paths))
    rows = ward_rows(summaries, entries, paths, cov)
    units = _units(summaries, rows)
    ordered = sorted(units.values(), key=lambda u: (u.ward.casefold(), u.slug))
    ctx = {"summaries": summaries, "units": units, "port": run_port_checks(ordered), "titles": _titles(lang),
           "province_slugs": province_slugs([*(r["province"] for r in rows), *cov["provinces"]]), "read": read,
           "rows": rows, "coverage": cov}
    shown = display_rows(rows, ctx["province_slugs"], lang)
    groups = _groups(shown, lang, cov["provinces"])
    views = {f"{PROVINCE_DIR}/{ctx['province_slugs'][g[0]['province'] if g else n]}.html":
             ("province", _province_view(n, g, ctx, lang)) for n, g in groups.items()}
    views[INDEX] = ("index", _index_view(shown, groups, ctx, stale, lang))
    return views, ctx


def _exports(paths: Paths, ctx: dict[str, Any], lang: str, known: dict[str, str],
             force: bool) -> tuple[dict[str, Any], str]:
    """The findings exports, rewritten only when their content changed."""
    names = {r["slug"]: r["ward"] for r in ctx["rows"]}
    rows = [{**f, "ward": names.get(s, f.get("ward"))} for s in sorted(ctx["summaries"])
            for f in ctx["summaries"][s].get("findings") or []]
    port = port_checks_frame(ctx["port"])
    wards = wards_frame(display_rows(ctx["rows"], ctx["province_slugs"], lang), lang)
    digest = _digest({"rows": rows, "port": port.to_dict("records"), "wards": wards.to_dict("records")}, lang)
    files = [paths.reports / "findings.csv", paths.reports / "findings.xlsx"]
    if not force and known.get("exports") == digest and all(f.exists() for f in files):
        return {"csv": relative(files[0], paths), "xlsx": relative(files[1], paths), "rows": len(rows)}, digest
    return write_exports(paths, frame_of_rows(rows), port, lang, wards), digest


def _progress(total: int, quiet: bool) -> Any:
    if quiet:
        return None
    import sys

    from tqdm import tqdm
    return tqdm(total=total, unit="step", desc="portfolio", file=sys.stderr, dynamic_ncols=True)


def _render(todo: list[tuple[str, str, dict[str, Any], str, str]], mapper: Mapper | None,
            paths: Paths, bar: Any) -> list[str]:
    """Render the pages to do (province pages through ``mapper``), write each atomically."""
    provinces = [t for t in todo if t[1] == "province"]
    rest = [t for t in todo if t[1] != "province"]
    results = list((mapper or map)(render_task, provinces)) if len(provinces) > 1 else list(map(render_task, provinces))
    results += [render_task(t) for t in rest]
    for target, html in results:
        write_text(paths.reports / target, html)
        if bar is not None:
            bar.update(1)
    return [t for t, _ in results]


def execute_portfolio(paths: Paths | None = None, *, lang: str = "vi", mapper: Mapper | None = None,
                      quiet: bool = True, force: bool = False) -> dict[str, Any]:
    """Render reports/index.html, reports/province/<slug>.html and the findings exports.

    ``mapper(fn, items)`` runs the province pages (e.g. a process pool's ``map``, a Dask client's);
    by default they render here. Returns ``{"status": "ok", "html", "rendered": [pages], "read":
    summaries read from their files, ...}``.
    """
    from wardaudit.render.wording import local_stamp

    started = time.perf_counter()
    paths = paths or Paths()
    paths.reports.mkdir(parents=True, exist_ok=True)
    n_wards = len(ward_slugs(paths, batch_entries(paths)[1])[0])
    bar = _progress(n_wards, quiet)
    try:
        views, ctx = _views(paths, lang, bar.update if bar is not None else None)
        known = read_json(paths.processed / PAGES_FILE) or {}
        digests = {target: _digest(view, lang) for target, (_, view) in views.items()}
        stamp = local_stamp(dt.datetime.now(dt.UTC))
        todo = [(t, kind, view, lang, stamp) for t, (kind, view) in views.items()
                if force or known.get(t) != digests[t] or not (paths.reports / t).exists()]
        if bar is not None:
            bar.total = n_wards + len(todo)
            bar.refresh()
        rendered = _render(todo, mapper, paths, bar)
        for gone in set(known) - set(digests) - {"exports"}:
            (paths.reports / gone).unlink(missing_ok=True)
        exports, digests["exports"] = _exports(paths, ctx, lang, known, force)
        write_text(paths.processed / PAGES_FILE, json.dumps(digests, indent=1, sort_keys=True) + "\n")
    finally:
        if bar is not None:
            bar.close()
    return {"status": "ok", "html": relative(paths.reports / INDEX, paths), "rendered": sorted(rendered),
            "read": ctx["read"], "wards": len(ctx["rows"]), "provinces": len(views) - 1,
            "findings_csv": exports["csv"], "findings_xlsx": exports["xlsx"], "findings": exports["rows"],
            "controls_removed": exports.get("controls_removed", 0),
            "seconds": round(time.perf_counter() - started, 3)}

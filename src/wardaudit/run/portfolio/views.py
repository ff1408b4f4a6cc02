"""What each page shows, as plain data (JSON values): the national index and one page per province.

A view holds no time stamp, so its hash says whether the page must be rendered again
(:mod:`wardaudit.run.portfolio.phase`). The HTML is in the templates (:mod:`wardaudit.run.portfolio.pages`).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

from wardaudit.rules import FAMILIES
from wardaudit.rules.portfolio import PortUnit, fmt, load_targets
from wardaudit.run.portfolio.triage import STATES, overview, rule_precision_rows
from wardaudit.run.portfolio.words import shared, word

#: the national index lists every ward; the first this many (those that need attention most) are in
#: its HTML, the rest are data its script turns into the same rows (a row of HTML costs about four
#: times its data: 3,321 rows of HTML would not fit in 1 MB)
INDEX_STATIC_ROWS = 100
#: the national index lists at most this many units that have not reported (all are on their
#: province's page)
INDEX_MAX_MISSING = 1200
#: PORT results listed on a page; the rest are in findings.xlsx
PORT_MAX_ROWS = 60
BAR_PX = 60


def _dates(text: str | None) -> str:
    from wardaudit.render.wording import display_date

    if not text:
        return ""
    return " – ".join(re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: display_date(m.group(0)) or m.group(0), part)
                      for part in text.split("/"))


def _pct(x: float | None, lang: str) -> str:
    return "" if x is None else f"{100 * x:.0f}%"


def _unread_view(unread: list[dict[str, str]], lang: str) -> dict[str, str]:
    """The ward's files not read: a count with their names, each name's reason on hover."""
    from pathlib import PurePosixPath

    if not unread:
        return {"unread_text": "", "unread_title": ""}
    names = [PurePosixPath(u["file"]).name for u in unread]
    return {"unread_text": word("unread_files", lang, n=len(names), names=", ".join(names)),
            "unread_title": "; ".join(f"{n}: {u.get('reason', '')}" for n, u in zip(names, unread, strict=True))}


def display_rows(rows: list[dict[str, Any]], slugs: dict[str | None, str], lang: str) -> list[dict[str, Any]]:
    """The triage rows with the texts the table shows: the state in words, the main problem's title
    (the rule's, from the catalogue), and each count's detail for its tooltip."""
    from wardaudit.catalogue import rule_titles

    titles = rule_titles(lang)
    out = []
    for r in rows:
        old = (r.get("old_period") or {}).get(lang)
        main = r.get("main")
        out.append({**r, "province_slug": slugs.get(r["province"], ""), "period_text": _dates(r["period"]),
                    "old_text": word("cov_old_page", lang, period=old) if old and r["html"] else "",
                    "state_text": word(f"state_{r['state']}", lang),
                    "main_title": (titles.get(main["rule"]) or main["rule"]) if main else "",
                    "main_more_text": word("main_more", lang, n=r["main_more"]) if r.get("main_more") else "",
                    "unchecked_text": _pct(r["unchecked_share"], lang),
                    **tips(r, lang), **_unread_view(r.get("unread") or [], lang)})
    return out


def tips(r: dict[str, Any], lang: str) -> dict[str, str]:
    """The detail behind each count of a ward's row, shown on hover (the page's script words the rows
    it builds with the same wording, :func:`table_data`)."""
    return {"tip_errors": word("tip_errors", lang, open=r["open_errors"], total=r["error"], confirmed=r["confirmed"],
                               query=r["query"], dismissed=r["dismissed"]),
            "tip_warnings": word("tip_warnings", lang, open=r["open_warnings"], total=r["warning"], info=r["info"]),
            "tip_unchecked": word("tip_unchecked", lang, n=r["unchecked"], ran=r["ran"],
                                  pct=_pct(r["unchecked_share"], lang))}


#: what the script needs of each row it builds, in this order (:func:`table_data`)
RECORD_FIELDS = ("rank", "slug", "ward", "html", "letter", "old_text", "reason", "unread_text", "unread_title",
                 "province", "level", "period", "state", "main_id", "main_rule", "main_severity", "main_more",
                 "open_errors", "error", "confirmed", "query", "dismissed", "open_warnings", "warning", "info",
                 "unchecked", "ran", "unchecked_share")


def table_data(rows: list[dict[str, Any]], lang: str, prefix: str, with_province: bool) -> dict[str, Any]:
    """The rows past the first :data:`INDEX_STATIC_ROWS` as compact data, with the wording and look-up
    tables the page's script needs to build each row as the template does (templates/portfolio.js)."""
    from wardaudit.catalogue import rule_titles

    provinces = sorted({(r["province_slug"], r["province"] or "") for r in rows})
    periods = sorted({(r["period"] or "", r["period_text"]) for r in rows})
    where = {"province": {p: i for i, p in enumerate(provinces)}, "period": {p: i for i, p in enumerate(periods)}}
    records = []
    for r in rows:
        main = r.get("main") or {}
        full = {**r, "html": int(bool(r["html"])), "letter": r.get("letter") or "", "reason": r.get("reason") or "",
                "province": where["province"][(r["province_slug"], r["province"] or "")],
                "period": where["period"][(r["period"] or "", r["period_text"])], "level": r.get("level") or "",
                "main_id": main.get("id", ""), "main_rule": main.get("rule", ""),
                "main_severity": main.get("severity", ""), "main_more": r.get("main_more") or 0}
        records.append([full[k] for k in RECORD_FIELDS])
    used = {rec[RECORD_FIELDS.index("main_rule")] for rec in records} - {""}
    titles = rule_titles(lang)
    words = {k: word(k, lang) for k in ("letter", "main_more", "tip_errors", "tip_warnings", "tip_unchecked")}
    words |= {f"state_{k}": word(f"state_{k}", lang) for k in STATES}
    return {"fields": list(RECORD_FIELDS), "prefix": prefix, "with_province": with_province, "words": words,
            "provinces": provinces, "periods": periods, "titles": {k: titles.get(k) or k for k in sorted(used)},
            "severity": {k: shared(f"sev_{k}", lang, k) for k in ("error", "warning", "info")}, "rows": records}


def running_head(title: str, cov: dict[str, Any], lang: str) -> str:
    """The head of every printed page: the page's title (the province's) and the reporting period."""
    period = (cov.get("labels") or {}).get(lang)
    return word("running_head", lang, title=title, period=period) if period else title


def filters_view(rows: list[dict[str, Any]], lang: str, with_province: bool) -> list[dict[str, Any]]:
    """The table's filters: province, level, period (the values its rows have) and the state, offering
    every state with how many rows have it."""
    def values(key: str, text_key: str | None = None) -> list[tuple[str, str]]:
        seen = {(r[key] or ""): (r[text_key] if text_key else r[key]) or "—" for r in rows}
        return sorted(seen.items(), key=lambda x: x[1].casefold())
    fs = []
    if with_province:
        fs.append({"name": "province", "label": word("col_province", lang),
                   "values": values("province_slug", "province")})
    fs.append({"name": "level", "label": word("col_level", lang), "values": values("level")})
    fs.append({"name": "period", "label": word("col_period", lang), "values": values("period", "period_text")})
    n = Counter(r["state"] for r in rows)
    fs.append({"name": "status", "label": word("col_state", lang),
               "values": [(k, word("filter_state_n", lang, text=word(f"state_{k}", lang), n=n[k])) for k in STATES]})
    return fs


def overview_view(rows: list[dict[str, Any]], summaries: list[dict[str, Any]],
                  titles: dict[str, str]) -> dict[str, Any]:
    o = overview(rows, summaries)
    return {**o, "titles": {k: titles.get(k, "") for k, _ in o["top_rules"]}}


def coverage_view(cov: dict[str, Any], lang: str, province: str | None = None,
                  max_missing: int | None = None) -> dict[str, Any]:
    """Who has reported this period, nationally (``province`` None: every province in scope, its
    units not submitted listed up to ``max_missing``) or for one province (all of them)."""
    provinces = [cov["provinces"][province]] if province else list(cov["provinces"].values())
    counts = cov["provinces"][province] if province else cov["national"]
    period = word("cov_period", lang, label=cov["labels"].get(lang, ""), start=_dates(cov["start"]),
                  end=_dates(cov["end"]), due=_dates(cov["due"])) if cov.get("period") else word("cov_no_period", lang)
    groups, left = [], max_missing
    for p in provinces:
        missing = p["missing"] if left is None else p["missing"][:left]
        if left is not None:
            left -= len(missing)
        groups.append({"name": p["name"], "n": len(p["missing"]), "missing": [
            {**m, "old": word("cov_old_page", lang, period=m["old_period"][lang])
             if m.get("old_period") and m["old_period"].get(lang) else ""} for m in missing]})
    more = sum(g["n"] - len(g["missing"]) for g in groups)
    return {"period_text": period, "scoped": bool(provinces),
            "counts": {k: v for k, v in counts.items() if k not in ("missing", "unknown", "name")} if counts else {},
            "unknown": [m for p in provinces for m in p["unknown"]][:max_missing],
            "groups": [g for g in groups if g["n"]], "more": word("cov_more", lang, n=more) if more else "",
            "unlisted": word("cov_unlisted", lang, slugs=_first(cov.get("unlisted") or [], 20)) if cov.get("unlisted")
            else ""}


def _first(names: list[str], n: int) -> str:
    """The first ``n`` names, and how many more."""
    more = f" … (+{len(names) - n})" if len(names) > n else ""
    return ", ".join(names[:n]) + more


def heatmap_view(rows: list[dict[str, Any]], summaries: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    """Failures of each ward's latest report by rule family, as table cells with a heat class 0–4."""
    ran = {f for r in rows for f in (summaries[r["slug"]].get("families") or {})}
    fams = [f for f in FAMILIES if f in ran] + sorted(ran - set(FAMILIES))
    out = []
    for r in rows:
        families = summaries[r["slug"]].get("families") or {}
        cells = []
        for f in fams:
            c = families.get(f) or {}
            e, wn, i = c.get("error", 0), c.get("warning", 0), c.get("info", 0)
            weight = 3 * e + wn
            parts = [f"{n} {word(k, lang)}" for n, k in ((e, "sev_error_short"), (wn, "sev_warning_short"),
                                                          (i, "sev_info_short")) if n]
            cells.append({"heat": min(4, (weight + 2) // 3), "weight": weight, "text": (e + wn + i) or "",
                          "title": ", ".join(parts)})
        if any(c["weight"] or c["text"] for c in cells):
            out.append({"ward": r["ward"], "cells": cells})
    return {"families": [{"label": shared(f"fam_{f}", lang, f)} for f in fams], "rows": out}


def _indicator_keys(lang: str, present: set[str]) -> list[dict[str, Any]]:
    keys = []
    for ind in load_targets()["indicators"]:
        if ind["key"] in present:
            target = next((t.get("value") for t in ind.get("targets") or [] if t.get("level") == "national"), None)
            keys.append({"key": ind["key"], "label": ind.get("label_en" if lang == "en" else "label_vi", ind["key"]),
                         "target": target, "target_text": f"{fmt(target)}%" if target is not None else ""})
    return keys


def indicators_view(rows: list[dict[str, Any]], units: dict[str, PortUnit], lang: str) -> dict[str, Any]:
    """Each ward's standard indicators, with a bar and whether it is below the national target."""
    values = {r["slug"]: {i["indicator"]: i["value"] for i in units[r["slug"]].indicators} for r in rows}
    keys = _indicator_keys(lang, {k for v in values.values() for k in v})
    out = []
    for r in rows:
        if not values[r["slug"]]:
            continue
        cells = []
        for k in keys:
            v = values[r["slug"]].get(k["key"])
            cells.append(None if v is None else {
                "value": v, "text": f"{fmt(round(v, 2))}%", "width": int(min(100.0, max(0.0, v)) * BAR_PX / 100),
                "below": k["target"] is not None and v < k["target"]})
        out.append({"ward": r["ward"], "cells": cells})
    return {"keys": keys, "rows": out}


def trends_view(rows: list[dict[str, Any]], summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Wards with several reports: failed checks per report, oldest first."""
    out = []
    for r in rows:
        trend = summaries[r["slug"]].get("trend") or []
        if len(trend) > 1:
            out.append({"ward": r["ward"], "text": " → ".join(str(t["failed"]) for t in trend)})
    return sorted(out, key=lambda x: x["ward"].casefold())


def port_view(results: Iterable[Any], lang: str) -> dict[str, Any]:
    """PORT results, failures first, at most :data:`PORT_MAX_ROWS`."""
    from wardaudit.render.wording import message

    ordered = sorted(results, key=lambda c: ({"fail": 0, "pass": 1, "skip": 2}[c.status], c.rule, c.message))
    rows = [{"rule": c.rule, "status": c.status, "mark": {"pass": "✓", "fail": "✗"}.get(c.status, "–"),
             "status_text": shared("status_" + c.status, lang, c.status),
             "severity_text": shared("sev_" + c.severity, lang, c.severity),
             "message": message(c.message, lang)} for c in ordered[:PORT_MAX_ROWS]]
    heads = {k: shared(k, lang, k.title()) for k in ("rule", "status", "severity", "message")}
    more = len(ordered) - len(rows)
    return {"rows": rows, "heads": heads, "more": word("port_more", lang, n=more) if more > 0 else ""}


def precision_view(summaries: Iterable[dict[str, Any]], titles: dict[str, str]) -> dict[str, Any]:
    from wardaudit.review.stats import PRECISION_COLUMNS, rate_text

    rows = []
    for r in rule_precision_rows(summaries, titles):
        text, high = rate_text(r["decided"], r["dismissal_rate"])
        cells = {c: r[c] for c in PRECISION_COLUMNS}
        cells["dismissal_rate"] = text
        rows.append({"rule": r["rule"], "high": high, "too_few": not text, "cells": cells})
    return {"columns": PRECISION_COLUMNS, "rows": rows}


def province_indicator_view(groups: dict[str, list[dict[str, Any]]], units: dict[str, PortUnit],
                            lang: str) -> dict[str, Any]:
    """Per province: each indicator's median, how many units state it, the share meeting the target."""
    present = {i["indicator"] for u in units.values() for i in u.indicators}
    keys = _indicator_keys(lang, present)
    out = []
    for name, rows in groups.items():
        cells = []
        for k in keys:
            vals = [i["value"] for r in rows for i in units[r["slug"]].indicators if i["indicator"] == k["key"]]
            if not vals:
                cells.append({"median": None, "text": "—", "title": "", "below": False})
                continue
            med = statistics.median(vals)
            text = f"{fmt(round(med, 2))}%"
            title = word("tip_indicator", lang, median=text, stated=len(vals))
            meets = None
            if k["target"] is not None:
                meets = sum(v >= k["target"] for v in vals)
                title += word("tip_meets", lang, meets=meets, stated=len(vals), target=k["target_text"])
            cells.append({"median": med, "text": text, "title": title,
                          "below": k["target"] is not None and med < k["target"]})
        out.append({"name": name, "cells": cells})
    return {"keys": keys, "rows": out}


def province_rollup(groups: dict[str, list[dict[str, Any]]], slugs: dict[str | None, str],
                    lang: str, cov: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per province with its counts (and, in scope, its official units, how many reported
    and how many have not), worst first (failed runs, then open errors)."""
    out = []
    for name, rows in groups.items():
        share = sum(r["unchecked_share"] for r in rows) / len(rows) if rows else 0.0
        p = ((cov or {}).get("provinces") or {}).get(name)
        official = {"units": p["units"], "reported": p["reported"], "no_report": p["not_submitted"]} if p else \
            {"units": None, "reported": None, "no_report": sum(r["no_report"] for r in rows)}
        slug = slugs[rows[0]["province"]] if rows else slugs[name]
        out.append({"name": name, "slug": slug, "wards": len(rows), **official,
                    "failed": sum(r["status"] == "failed" for r in rows),
                    "with_errors": sum(r["open_errors"] > 0 for r in rows),
                    "open_errors": sum(r["open_errors"] for r in rows), "warnings": sum(r["warning"] for r in rows),
                    "unchecked_share": round(share, 4),
                    "unchecked_text": _pct(share, lang)})
    return sorted(out, key=lambda p: (-p["failed"], -p["open_errors"], p["name"].casefold()))

"""The portfolio: every ward's processed outputs side by side, checks across wards, one index.

:func:`load_portfolio` reads ``data/processed/<slug>/{findings.json, facts.csv}`` for every ward
that has parameters or outputs, and ``reports/batch.json`` (the run manifest) for wards whose run
failed. The functions below turn a :class:`Portfolio` into what notebooks/portfolio.ipynb shows:
the wards table, a heatmap of failed checks (ward × rule family), the standard indicators against
their targets (catalogue/targets.yaml), trends over a ward's successive reports, and the PORT
checks across wards. A ward row describes the ward's latest report; the exports list the failed
checks of every report.

PORT checks compare wards with each other, so they are kept in their own registry
(:data:`port_checks`), not in the per-report rule registry.

:func:`execute_portfolio` runs the notebook with papermill and renders ``reports/index.html``;
:func:`export_findings` writes ``reports/findings.csv`` and ``reports/findings.xlsx``.
"""
from __future__ import annotations

from importlib import resources

from collections import Counter

import html
import json
import math
import os
import re
import shutil
import statistics
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote

from wardaudit.project.config import Paths, load_params, relative
from wardaudit.errors import AuditError, NotebookError
from wardaudit.model.findings import SEVERITY_ORDER, CheckResult, Evidence, summary
from wardaudit.project.iorw import atomic_path, write_frame_csv
from wardaudit.registry import Registry
from wardaudit.rules import FAMILIES

NOTEBOOK = "portfolio.ipynb"
INDEX = "index.html"
#: Score weights of a check by severity (see :func:`score`).
SCORE_WEIGHTS = {"error": 3, "warning": 2, "info": 1}
#: |modified z| above which a ward's indicator is an outlier (Iglewicz and Hoaglin).
OUTLIER_Z = 3.5
#: PORT002 needs at least this many wards with a value to call one of them an outlier.
OUTLIER_MIN_WARDS = 4

def _t(key: str, lang: str = "vi") -> str:
    from wardaudit.render.messages import t
    return t(f"portfolio.{key}", lang)


def _shared(key: str, lang: str, default: str) -> str:
    from wardaudit.render.messages import has, t
    return t(key, lang) if has(key) else default


# --- loading ----------------------------------------------------------------------------------

@dataclass
class WardRecord:
    """One ward's processed outputs: its findings documents (oldest report first) and facts."""

    slug: str
    ward: str
    level: str | None = None
    province: str | None = None
    reports: list[dict[str, Any]] = field(default_factory=list)
    facts: Any = None  # DataFrame, one row per fact (facts.csv)
    status: str = "ok"  # ok | failed | missing
    reason: str | None = None
    html: str | None = None  # the ward's report relative to reports/, when it exists

    @property
    def latest(self) -> dict[str, Any] | None:
        return self.reports[-1] if self.reports else None


@dataclass
class Portfolio:
    wards: list[WardRecord]
    paths: Paths
    batch: dict[str, Any] = field(default_factory=dict)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _batch_entries(paths: Paths) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    blob = _read_json(paths.reports / "batch.json")
    if not isinstance(blob, dict):
        return {}, {}
    entries = {}
    for w in blob.get("wards") or []:
        if isinstance(w, dict) and w.get("slug"):
            entries[str(w["slug"])] = w
    return blob, entries


def _report_end(doc: dict[str, Any]) -> str:
    report = doc.get("report") or {}
    return (report.get("period") or {}).get("end") or report.get("date") or ""


def _facts_frame(folder: Path, reports: list[dict[str, Any]]):
    import pandas as pd

    csv = folder / "facts.csv"
    if csv.exists():
        try:
            return pd.read_csv(csv, dtype={"period": str, "qualifier": str, "file": str})
        except (ValueError, OSError, pd.errors.EmptyDataError):
            pass
    rows = [{**f, "file": f.get("file") or d.get("source")} for d in reports for f in d.get("facts") or []]
    return pd.DataFrame(rows)


def load_portfolio(root: str | Path | None = None, paths: Paths | None = None) -> Portfolio:
    """Every ward with parameters or processed outputs, in order of name.

    ``root`` (the notebook's parameter) or ``paths`` chooses the project; by default the one
    :class:`~wardaudit.project.config.Paths` finds. A ward whose run failed in ``reports/batch.json`` or
    that has no findings.json is listed with its status and reason, never dropped.
    """
    paths = paths or Paths(Path(root) if root else None)
    batch, entries = _batch_entries(paths)
    slugs = {p.stem for p in paths.parameters.glob("*.yaml")} if paths.parameters.is_dir() else set()
    if paths.processed.is_dir():
        slugs |= {p.name for p in paths.processed.iterdir() if (p / "findings.json").exists()}
    slugs |= set(entries)
    wards = []
    for slug in sorted(slugs):
        rec = WardRecord(slug=slug, ward=slug)
        entry = entries.get(slug, {})
        if paths.ward_params(slug).exists():
            try:
                params = load_params(paths.ward_params(slug), paths)
                rec.ward, rec.level, rec.province = params.ward, params.level, params.province
            except AuditError as e:
                rec.status, rec.reason = "failed", e.one_line()
        folder = paths.ward_processed(slug)
        blob = _read_json(folder / "findings.json")
        if isinstance(blob, dict):
            docs = blob["reports"] if isinstance(blob.get("reports"), list) else [blob]
            rec.reports = sorted((d for d in docs if isinstance(d, dict)), key=_report_end)
            rec.facts = _facts_frame(folder, rec.reports)
            if rec.ward == slug and rec.reports and rec.reports[-1].get("ward"):
                rec.ward = rec.reports[-1]["ward"]
        elif rec.status == "ok":
            rec.status = "missing"
            rec.reason = "chưa có data/processed/{}/findings.json / not processed yet".format(slug)
        if entry.get("ward") and rec.ward == slug:
            rec.ward = entry["ward"]
        if entry.get("status") == "failed":
            rec.status, rec.reason = "failed", entry.get("reason") or rec.reason
        if paths.ward_report(slug).exists():
            rec.html = paths.ward_report(slug).name
        wards.append(rec)
    # one name can belong to several units (an 'An Bình' in many provinces): tables, charts and
    # exports are keyed by the shown name, so a shared name carries its folder to stay distinct
    names = Counter(r.ward for r in wards)
    for r in wards:
        if names[r.ward] > 1:
            r.ward = f"{r.ward} ({r.slug})"
    wards.sort(key=lambda r: (r.ward.casefold(), r.slug))
    return Portfolio(wards=wards, paths=paths, batch=batch)


# --- the wards table --------------------------------------------------------------------------

def score(checks: Iterable[dict[str, Any]]) -> float | None:
    """The share of checks passed, weighted by severity (error 3, warning 2, info 1), in percent.

    Skipped checks do not count; None when no check passed or failed.
    """
    won = total = 0
    for c in checks:
        if c.get("status") not in ("pass", "fail"):
            continue
        w = SCORE_WEIGHTS.get(c.get("severity"), 1)
        total += w
        won += w if c["status"] == "pass" else 0
    return round(100.0 * won / total, 1) if total else None


def _period_text(doc: dict[str, Any]) -> str | None:
    period = (doc.get("report") or {}).get("period") or {}
    start, end = period.get("start"), period.get("end")
    if start and end:
        return f"{start} – {end}"
    return end or start or (doc.get("report") or {}).get("date")


WARD_COLUMNS = ["ward", "slug", "level", "province", "kind", "period", "reports", "checks", "passed",
                "failed", "skipped", "error", "warning", "info", "open", "confirmed", "query", "dismissed",
                "score", "html", "status", "reason"]


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
        reviewed = review_counts([doc] if doc else [])
        rows.append({"ward": w.ward, "slug": w.slug, "level": w.level, "province": w.province,
                     "kind": (doc.get("report") or {}).get("kind"), "period": _period_text(doc) if doc else None,
                     "reports": len(w.reports), "checks": s["checks"], "passed": s["pass"], "failed": s["fail"],
                     "skipped": s["skip"], "error": s["error"], "warning": s["warning"], "info": s["info"],
                     **reviewed, "score": score(doc.get("checks") or []), "html": w.html, "status": w.status,
                     "reason": w.reason})
    return pd.DataFrame(rows, columns=WARD_COLUMNS)


def _e(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return html.escape(str(x), quote=True)


def wards_table_html(pf: Portfolio, lang: str = "vi") -> str:
    """The wards table as HTML; every value is escaped (report text is untrusted)."""
    df = wards_table(pf)
    if df.empty:
        return f"<p>{_e(_t('no_wards', lang))}</p>"
    cols = ["ward", "level", "province", "kind", "period", "reports", "checks", "passed", "failed",
            "error", "warning", "info", "open", "confirmed", "query", "dismissed", "score", "html", "status"]
    head = "".join(f"<th>{_e(_t('col_report' if c == 'html' else f'col_{c}', lang))}</th>" for c in cols)
    body = []
    for r in df.to_dict("records"):
        cells = []
        for c in cols:
            v = r[c]
            if c == "html":
                # a ward not run yet (or dropped from parameters/) has no page: NaN, not a path
                cell = (f'<a href="{_e(quote(v))}">{_e(_t("open_report", lang))}</a>' if isinstance(v, str) and v
                        else _e(_t("no_report", lang)))
            elif c == "status":
                cell = _e(_t(f"status_{v}", lang))
                if r["reason"]:
                    cell += f"<br><small>{_e(r['reason'])}</small>"
            elif c == "score" and v is not None and not (isinstance(v, float) and math.isnan(v)):
                score_text = f"{v:.1f}"
                cell = _e(score_text.replace(".", ",") if lang == "vi" else score_text)
            elif c == "period" and v:
                from wardaudit.render.wording import display_date
                cell = _e(re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: display_date(m.group(0)), str(v)))
            else:
                cell = _e(v)
            css = ' class="num"' if c in ("reports", "checks", "passed", "failed", "error", "warning",
                                            "info", "open", "confirmed", "query", "dismissed", "score") else ""
            cells.append(f"<td{css}>{cell}</td>")
        status = _e(r["status"])
        body.append(f'<tr class="ward-{status}" id="ward-{_e(r["slug"])}">{"".join(cells)}</tr>')
    return (f'<table class="wardaudit-portfolio"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


# --- the auditors' decisions: precision of each rule -------------------------------------------

def rule_precision(pf: Portfolio, lang: str = "vi"):
    """Per rule, across every ward's reports: findings, decisions and the dismissal rate
    (:func:`wardaudit.review.stats.rule_precision`)."""
    from wardaudit.review.stats import rule_precision as _precision

    titles = _rule_titles(lang)
    return _precision(((w.slug, w.reports) for w in pf.wards), titles)


def _rule_titles(lang: str) -> dict[str, str]:
    from wardaudit.rules import load_rules
    return {code: (r.title_en if lang == "en" else r.title_vi) for code, r in load_rules().items()}


def rule_precision_html(pf: Portfolio, lang: str = "vi") -> str:
    """The rule precision table; a dismissal rate above 20% is highlighted."""
    from wardaudit.review.stats import PRECISION_COLUMNS, rule_precision_html as _html

    labels = {c: _t(f"prec_{c}", lang) for c in PRECISION_COLUMNS}
    return (f'<p class="muted">{_e(_t("prec_note", lang))}</p>'
            + _html(rule_precision(pf, lang), labels, _t("no_failures", lang)))


# --- failures by rule family ------------------------------------------------------------------

def _family(code: str) -> str:
    return "".join(ch for ch in code if ch.isalpha())


def heatmap_data(pf: Portfolio):
    """Failed checks of each ward's latest report, ward × rule family (families that ran)."""
    import pandas as pd

    counts: dict[str, dict[str, int]] = {}
    ran: set[str] = set()
    for w in pf.wards:
        row = counts.setdefault(w.ward, {})
        for c in (w.latest or {}).get("checks") or []:
            fam = _family(c.get("rule", ""))
            ran.add(fam)
            if c.get("status") == "fail":
                row[fam] = row.get(fam, 0) + 1
    order = [f for f in FAMILIES if f in ran] + sorted(ran - set(FAMILIES))
    frame = pd.DataFrame([[counts[w].get(f, 0) for f in order] for w in counts],
                         index=pd.Index(list(counts), name="ward"), columns=pd.Index(order, name="family"))
    return frame.astype(int)


#: how much a failed check weighs in the heatmap's colour, by severity
SEVERITY_WEIGHT = {"error": 3, "warning": 1, "info": 0}


def heatmap_severity(pf: Portfolio):
    """Failed checks of each ward's latest report by family and severity:
    (errors frame, warnings frame, weighted frame), aligned with :func:`heatmap_data`."""
    data = heatmap_data(pf)
    frames = {sev: data * 0 for sev in ("error", "warning", "info")}
    for w in pf.wards:
        for c in (w.latest or {}).get("checks") or []:
            fam, sev = _family(c.get("rule", "")), c.get("severity")
            if c.get("status") == "fail" and sev in frames and fam in data.columns:
                frames[sev].loc[w.ward, fam] += 1
    weighted = sum(frames[s] * SEVERITY_WEIGHT[s] for s in frames)
    return frames["error"], frames["warning"], weighted


def heatmap_figure(pf: Portfolio, lang: str = "vi"):
    """The heatmap of :func:`heatmap_data` (a matplotlib Figure), or None when nothing failed.
    The colour weighs severity (an error counts as three warnings); each cell says how many
    errors and warnings it holds."""
    data = heatmap_data(pf)
    if data.empty or int(data.to_numpy().sum()) == 0:
        return None
    errors, warnings, weighted = heatmap_severity(pf)
    annot = [[_cell_text(int(errors.iat[i, j]), int(warnings.iat[i, j]), int(data.iat[i, j]), lang)
              for j in range(data.shape[1])] for i in range(data.shape[0])]
    import seaborn as sns

    Figure = _figure_class()

    labels = [_shared(f"fam_{f}", lang, f) for f in data.columns]
    fig = Figure(figsize=(1.6 + 1.2 * len(data.columns), 1.4 + 0.7 * len(data.index)))
    ax = fig.subplots()
    sns.heatmap(weighted, annot=annot, fmt="", cmap="Reds", cbar=False, linewidths=0.5, ax=ax,
                xticklabels=labels, yticklabels=list(data.index), annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(_t("heatmap_title", lang))
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    return fig


def _cell_text(errors: int, warnings: int, total: int, lang: str) -> str:
    if not total:
        return "0"
    parts = [f"{errors} {_t('sev_error_short', lang)}" if errors else "",
             f"{warnings} {_t('sev_warning_short', lang)}" if warnings else ""]
    rest = total - errors - warnings
    parts.append(f"{rest} {_t('sev_info_short', lang)}" if rest else "")
    return "\n".join(p for p in parts if p)


def _figure_class():
    """matplotlib's bare Figure (no pyplot: nothing is shown twice), in the charts' fixed style."""
    import matplotlib
    from matplotlib.figure import Figure

    from wardaudit.render.charts import STYLE

    matplotlib.rcParams.update(STYLE)
    return Figure


def figure_html(fig, empty_text: str, alt: str) -> str:
    """A figure as an embedded PNG <img> (same data, same bytes), or the escaped ``empty_text``."""
    import base64

    from wardaudit.render.charts import png_bytes

    if fig is None:
        return f"<p><em>{_e(empty_text)}</em></p>"
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    return f'<img class="wardaudit-chart" alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def heatmap_html(pf: Portfolio, lang: str = "vi") -> str:
    return figure_html(heatmap_figure(pf, lang), _t("no_failures", lang), _t("heatmap_title", lang))


def indicators_html(pf: Portfolio, lang: str = "vi") -> str:
    return figure_html(indicators_figure(pf, lang), _t("no_indicators", lang), _t("indicators_title", lang))


def trends_html(pf: Portfolio, lang: str = "vi") -> str:
    return figure_html(trends_figure(pf, lang), _t("no_trends", lang), _t("trends_title", lang))


# --- standard indicators ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def load_targets() -> dict[str, Any]:
    """catalogue/targets.yaml: the standard indicators, their targets, province-wide metrics."""
    import yaml

    data = yaml.safe_load(resources.files("wardaudit.catalogue").joinpath("targets.yaml").read_text(encoding="utf-8")) or {}
    data.setdefault("indicators", [])
    data.setdefault("province_wide", [])
    data["provinces"] = data.get("provinces") or {}
    return data


def _num(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def _report_facts(w: WardRecord, doc: dict[str, Any]):
    """The facts of one report of the ward (facts.csv rows whose file is the report's source)."""
    import pandas as pd

    facts = w.facts
    if facts is None or facts.empty:
        return pd.DataFrame(columns=["metric", "value"])
    if "file" in facts.columns and doc.get("source") in set(facts["file"].dropna()):
        return facts[facts["file"] == doc.get("source")]
    if len(w.reports) == 1:
        return facts
    return pd.DataFrame([{**f, "file": f.get("file") or doc.get("source")} for f in doc.get("facts") or []],
                        columns=list(facts.columns))


#: Scopes of a figure that are the ward's own (``scope`` of facts.csv); "tỉnh", "all" are not.
WARD_SCOPES = frozenset({"xã", "phường", "đặc khu", "cấp xã"})


def ward_facts(facts, metric: str):
    """The rows of ``metric`` that are the ward's own results: not targets, not the province's
    or the whole table's figure, with a numeric value; in reading order."""
    import numpy as np

    if facts is None or facts.empty or "metric" not in facts.columns or "value" not in facts.columns:
        return None
    rows = facts[(facts["metric"] == metric).to_numpy(dtype=bool)]
    if "qualifier" in rows.columns:
        rows = rows[(rows["qualifier"].fillna("") != "target").to_numpy(dtype=bool)]
    if "scope" in rows.columns:
        own = [not isinstance(x, str) or x.strip().lower() in WARD_SCOPES for x in rows["scope"]]
        rows = rows[np.array(own, dtype=bool)]
    rows = rows[np.array([_num(v) is not None for v in rows["value"]], dtype=bool)]
    if "page" in rows.columns and "line" in rows.columns and not rows.empty:
        rows = rows.assign(_p=rows["page"].map(lambda x: _num(x) or 0), _l=rows["line"].map(lambda x: _num(x) or 0))
        rows = rows.sort_values(["_p", "_l"], kind="stable").drop(columns=["_p", "_l"])
    return rows


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def pick_fact(facts, metric: str) -> dict[str, Any] | None:
    """The report's headline figure of ``metric``: the first of :func:`ward_facts`; None when the
    report does not state it."""
    rows = ward_facts(facts, metric)
    if rows is None or rows.empty:
        return None
    return _record(rows.iloc[0].to_dict())


def indicator_value(facts, ind: dict[str, Any]) -> tuple[float | None, list[dict[str, Any]]]:
    """An indicator's value in one report, with the facts it came from."""
    if ind.get("metric"):
        f = pick_fact(facts, ind["metric"])
        if f is not None:
            return _num(f["value"]), [f]
    if not ind.get("numerator") or not ind.get("denominator"):
        return None, []
    num, den = pick_fact(facts, ind.get("numerator", "")), pick_fact(facts, ind.get("denominator", ""))
    if not num or not den or not _num(den["value"]):
        return None, []
    ratio = 100.0 * _num(num["value"]) / _num(den["value"])
    # a computed share above 100% pairs figures of different scope (one item against the total);
    # the per-report rules judge the figures themselves
    return (ratio, [num, den]) if ratio <= 100.0 else (None, [])


def _target(ind: dict[str, Any], province: str | None, targets: dict[str, Any]) -> tuple[float | None, float | None]:
    national = next((_num(t.get("value")) for t in ind.get("targets") or [] if t.get("level") == "national"), None)
    prov = (targets["provinces"].get(province) or {}).get(ind["key"]) if province else None
    provincial = _num(prov.get("value") if isinstance(prov, dict) else prov)
    return national, provincial


INDICATOR_COLUMNS = ["ward", "slug", "province", "indicator", "label", "value", "report_end",
                     "target_national", "target_provincial", "quote", "file", "page", "line"]


def indicators_frame(pf: Portfolio, lang: str = "vi", *, all_reports: bool = False):
    """The standard indicators of catalogue/targets.yaml per ward (latest report, or every report
    with ``all_reports``), long format, with the national and provincial targets."""
    import pandas as pd

    targets = load_targets()
    rows = []
    for w in pf.wards:
        for doc in (w.reports if all_reports else w.reports[-1:]):
            facts = _report_facts(w, doc)
            for ind in targets["indicators"]:
                value, used = indicator_value(facts, ind)
                if value is None:
                    continue
                national, provincial = _target(ind, w.province, targets)
                first = used[0]
                rows.append({"ward": w.ward, "slug": w.slug, "province": w.province, "indicator": ind["key"],
                             "label": ind.get("label_en" if lang == "en" else "label_vi", ind["key"]),
                             "value": round(value, 4), "report_end": _report_end(doc) or None,
                             "target_national": national, "target_provincial": provincial,
                             "quote": first.get("quote"), "file": first.get("file") or doc.get("source"),
                             "page": _num(first.get("page")), "line": _num(first.get("line"))})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def indicators_figure(pf: Portfolio, lang: str = "vi"):
    """One panel per indicator: each ward's value as a bar, the targets as vertical lines; None
    when no report states an indicator."""
    data = indicators_frame(pf, lang)
    if data.empty:
        return None
    Figure = _figure_class()

    keys = [i["key"] for i in load_targets()["indicators"] if i["key"] in set(data["indicator"])]
    # every ward in every panel: one that states nothing shows "không nêu"
    wards = sorted({w.ward for w in pf.wards} | set(data["ward"]), key=str.casefold)
    fig = Figure(figsize=(9, 0.6 + (0.9 + 0.32 * len(wards)) * len(keys)))
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    for ax, key in zip(axes, keys):
        part = data[data["indicator"] == key].set_index("ward").reindex(wards)
        bars = ax.barh(range(len(wards)), part["value"].fillna(0), color="#4C72B0")
        ax.bar_label(bars, labels=[_t("not_stated", lang) if v is None or math.isnan(v) else _fmt(round(v, 2))
                                   for v in part["value"]], padding=3, fontsize=8)
        ax.set_yticks(range(len(wards)), wards)
        ax.invert_yaxis()
        ax.set_title(part["label"].dropna().iloc[0], loc="left", fontsize=10)
        national = part["target_national"].dropna()
        if not national.empty:
            ax.axvline(national.iloc[0], color="#C44E52", linestyle="--", label=_t("target_national", lang))
        provincial = part["target_provincial"].dropna()
        for v in sorted(set(provincial)):
            ax.axvline(v, color="#DD8452", linestyle=":", label=_t("target_provincial", lang))
        ax.set_xlim(0, max(100.0, float(part["value"].max()) * 1.05) * 1.12)
        if national.size or provincial.size:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        ax.set_xlabel(_t("indicator_axis", lang), fontsize=8)
    fig.tight_layout()
    return fig


# --- trends over a ward's reports -------------------------------------------------------------

def trends_frame(pf: Portfolio, lang: str = "vi"):
    """For wards with more than one report: each report's failed checks and standard indicators,
    long format (ward, report_end, series, value)."""
    import pandas as pd

    rows = []
    multi = Portfolio(wards=[w for w in pf.wards if len(w.reports) > 1], paths=pf.paths)
    for w in multi.wards:
        for doc in w.reports:
            s = summary(doc.get("checks") or [])
            rows.append({"ward": w.ward, "report_end": _report_end(doc) or None,
                         "series": _t("fails_per_report", lang), "value": float(s["fail"])})
    ind = indicators_frame(multi, lang, all_reports=True)
    for r in ind.to_dict("records"):
        rows.append({"ward": r["ward"], "report_end": r["report_end"], "series": r["label"], "value": r["value"]})
    return pd.DataFrame(rows, columns=["ward", "report_end", "series", "value"])


def trends_figure(pf: Portfolio, lang: str = "vi"):
    """One panel per series, a line per ward with more than one report; None when no ward has two."""
    data = trends_frame(pf, lang)
    if data.empty:
        return None
    Figure = _figure_class()

    series = list(dict.fromkeys(data["series"]))
    fig = Figure(figsize=(9, 2.6 * len(series)))
    axes = fig.subplots(len(series), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, series):
        part = data[data["series"] == name]
        for ward, g in part.groupby("ward", sort=True):
            g = g.sort_values("report_end")
            ax.plot(g["report_end"].fillna("?"), g["value"], marker="o", label=ward)
        ax.set_title(name, loc="left", fontsize=10)
        ax.set_xlabel(_t("report_end", lang))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- PORT checks: across wards ----------------------------------------------------------------

@dataclass(frozen=True)
class PortCheck:
    code: str
    title_vi: str
    title_en: str
    severity: str
    func: Callable[[Portfolio], Iterable[CheckResult]]


port_checks: Registry[PortCheck] = Registry("portfolio check")


def port_check(code: str, title_vi: str, title_en: str, severity: str):
    """Register a cross-ward check (``PORT`` + number) in :data:`port_checks`."""
    if severity not in SEVERITY_ORDER:
        raise ValueError(severity)

    def wrap(fn):
        port_checks.register(code, PortCheck(code, title_vi, title_en, severity, fn))
        return fn
    return wrap


def run_port_checks(pf: Portfolio, off: Iterable[str] = ()) -> list[CheckResult]:
    skip = {c.upper() for c in off}
    out: list[CheckResult] = []
    for code, check in port_checks.items():
        if code not in skip:
            out.extend(check.func(pf))
    return out


def _evidence(f: dict[str, Any], ward: str) -> Evidence:
    return Evidence(section=str(f.get("section") or ward), quote=str(f.get("quote") or ""),
                    page=int(_num(f.get("page"))) if _num(f.get("page")) is not None else None,
                    line=int(_num(f.get("line"))) if _num(f.get("line")) is not None else None,
                    file=f.get("file"))


def _fmt(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    return f"{x:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@port_check("PORT001", "Số liệu chung của tỉnh khác nhau giữa các đơn vị",
            "Province-wide figure differs between units of the same province", "warning")
def province_wide_figures_agree(pf: Portfolio) -> list[CheckResult]:
    """Figures that every commune-level unit of a province takes from the province's own
    catalogue (``province_wide`` in catalogue/targets.yaml: the number of commune-level
    administrative procedures and its online split) must be the same in every unit's latest
    report. The value stated by most units (at least two) is expected; a unit that never states
    it fails. Figures scoped to the province or to the whole table ('tỉnh', 'all') are ignored.

    It cannot tell which value is right when no value is shared by two units, nor see a unit that
    also states the expected value elsewhere (XREF rules compare a report with itself), and the
    province may have amended its catalogue between two units' reporting dates.
    """
    out: list[CheckResult] = []
    by_province: dict[str, list[WardRecord]] = {}
    for w in pf.wards:
        if w.province and w.latest:
            by_province.setdefault(w.province, []).append(w)
    for province in sorted(by_province):
        for metric in load_targets()["province_wide"]:
            stated = []  # (ward, {value: first fact stating it})
            for w in by_province[province]:
                rows = ward_facts(_report_facts(w, w.latest), metric)
                if rows is not None and not rows.empty:
                    values: dict[float, dict[str, Any]] = {}
                    for r in rows.to_dict("records"):
                        values.setdefault(_num(r["value"]), _record(r))
                    stated.append((w, values))
            if len(stated) < 2:
                continue
            support: dict[float, int] = {}
            for _, values in stated:
                for v in values:
                    support[v] = support.get(v, 0) + 1
            top = max(support.values())
            best = [v for v, n in support.items() if n == top]
            expected = best[0] if top >= 2 and len(best) == 1 else None
            facts_of = {w.slug: values.get(expected) or next(iter(values.values())) for w, values in stated}
            evidence = tuple(_evidence(facts_of[w.slug], w.ward) for w, _ in stated)
            if expected is not None and all(expected in values for _, values in stated):
                out.append(CheckResult(
                    "PORT001", "pass", "warning",
                    f"{province}: {metric} = {_fmt(expected)} ở cả {len(stated)} đơn vị / same in all "
                    f"{len(stated)} units", {"metric": metric, "province": province, "expected": expected,
                                             "actual": expected, "units": len(stated)}, evidence))
                continue
            for w, values in stated:
                if expected is not None and expected in values:
                    continue
                actual = next(iter(values))
                others = sorted({_fmt(x) for u, vals in stated if u is not w for x in vals})
                out.append(CheckResult(
                    "PORT001", "fail", "warning",
                    f"{w.ward}: {metric} = {', '.join(_fmt(v) for v in values)}; các đơn vị khác của {province} "
                    f"nêu {', '.join(others)} / other units of the province state {', '.join(others)}",
                    {"ward": w.ward, "slug": w.slug, "metric": metric, "province": province,
                     "expected": expected, "actual": actual},
                    (_evidence(values[actual], w.ward),) + tuple(e for (u, _), e in zip(stated, evidence) if u is not w),
                    key=f"PORT001:{province}:{metric}:{w.slug}"))
    return out


def modified_z(values: list[float]) -> list[float]:
    """Iglewicz–Hoaglin modified z-scores: 0.6745 (x − median) / MAD; when the MAD is zero (most
    units state the same value) the mean absolute deviation × 1.2533 stands in for it."""
    med = statistics.median(values)
    mad = statistics.median(abs(x - med) for x in values)
    if mad > 0:
        return [0.6745 * (x - med) / mad for x in values]
    mean_ad = sum(abs(x - med) for x in values) / len(values)
    if mean_ad == 0:
        return [0.0 for _ in values]
    return [(x - med) / (1.253314 * mean_ad) for x in values]


@port_check("PORT002", "Chỉ số khác thường so với các đơn vị khác",
            "Indicator is an outlier against the other units", "info")
def indicator_outliers(pf: Portfolio) -> list[CheckResult]:
    """A standard indicator (catalogue/targets.yaml) of a unit's latest report whose modified
    z-score against all units exceeds 3.5 is reported; one pass per indicator otherwise.

    An outlier is not an error: a unit may truly be ahead or behind. It needs at least four
    units stating the indicator, and cannot see a figure that is wrong in every unit alike.
    """
    data = indicators_frame(pf)
    out: list[CheckResult] = []
    for key in [i["key"] for i in load_targets()["indicators"]]:
        part = data[data["indicator"] == key]
        if len(part) < OUTLIER_MIN_WARDS:
            continue
        values = [float(v) for v in part["value"]]
        zs = modified_z(values)
        med = statistics.median(values)
        flagged = False
        for r, z in zip(part.to_dict("records"), zs):
            if abs(z) > OUTLIER_Z:
                flagged = True
                f = {"quote": r["quote"], "file": r["file"], "page": r["page"], "line": r["line"]}
                out.append(CheckResult(
                    "PORT002", "fail", "info",
                    f"{r['ward']}: {r['label']} {_fmt(r['value'])}% khác thường (trung vị {_fmt(round(med, 2))}%, "
                    f"z = {z:.1f}) / outlier against the median of {len(values)} units",
                    {"ward": r["ward"], "slug": r["slug"], "indicator": key, "expected": med,
                     "actual": r["value"], "z": round(z, 2)}, (_evidence(f, r["ward"]),),
                    key=f"PORT002:{key}:{r['slug']}"))
        if not flagged:
            out.append(CheckResult("PORT002", "pass", "info",
                                   f"{key}: không có giá trị khác thường trong {len(values)} đơn vị / "
                                   f"no outlier among {len(values)} units",
                                   {"indicator": key, "units": len(values)}))
    return out


def port_checks_frame(results: Iterable[CheckResult]):
    """PORT results as rows: failures first."""
    import pandas as pd

    rows = []
    for c in sorted(results, key=lambda c: ({"fail": 0, "pass": 1, "skip": 2}[c.status], c.rule, c.message)):
        rows.append({"rule": c.rule, "status": c.status, "severity": c.severity,
                     "ward": c.values.get("ward"), "message": c.message,
                     "expected": c.values.get("expected"), "actual": c.values.get("actual")})
    return pd.DataFrame(rows, columns=["rule", "status", "severity", "ward", "message", "expected", "actual"])


def exports_html(lang: str = "vi") -> str:
    """Links to the findings exports written beside the index (reports/findings.xlsx and .csv)."""
    return (f'<p class="exports">{_e(_t("exports", lang))}: <a href="findings.xlsx">findings.xlsx</a> '
            f'({_e(_t("exports_xlsx", lang))}) · <a href="findings.csv">findings.csv</a> '
            f'({_e(_t("exports_csv", lang))})</p>')


def port_checks_html(pf: Portfolio, lang: str = "vi") -> str:
    """The PORT checks as an escaped HTML table (tick marks for passes), in the page's language."""
    from wardaudit.render.wording import message
    df = port_checks_frame(run_port_checks(pf))
    if df.empty:
        return f"<p><em>{_e(_t('no_port', lang))}</em></p>"
    heads = [_shared("rule", lang, "Rule"), _shared("status", lang, "Status"), _shared("severity", lang, "Severity"),
             _shared("message", lang, "Message")]
    body = []
    for r in df.to_dict("records"):
        mark = "✓" if r["status"] == "pass" else ("✗" if r["status"] == "fail" else "–")
        body.append(f'<tr class="check-{_e(r["status"])}"><td>{_e(r["rule"])}</td><td>{mark} '
                    f'{_e(_shared("status_" + r["status"], lang, r["status"]))}</td>'
                    f'<td>{_e(_shared("sev_" + r["severity"], lang, r["severity"]))}</td><td>{_e(message(r["message"], lang))}</td></tr>')
    head = "".join(f"<th>{_e(h)}</th>" for h in heads)
    return f'<table class="wardaudit-port"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# --- consolidated exports ---------------------------------------------------------------------

FINDING_COLUMNS = ["ward", "slug", "province", "source", "id", "rule", "family", "severity", "status", "message",
                   "expected", "actual", "file", "page", "line", "section", "quote",
                   "review_status", "review_note", "review_by", "review_at"]


def _cell(v: Any) -> Any:
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def findings_frame(pf: Portfolio):
    """Every failed check of every report of every ward, one row each, in a fixed order:
    ward, report, severity (worst first), rule, location, message."""
    import pandas as pd

    rows = []
    for w in pf.wards:
        for doc in w.reports:
            for c in doc.get("checks") or []:
                if c.get("status") != "fail":
                    continue
                values = c.get("values") or {}
                ev = (c.get("evidence") or [{}])[0]
                review = c.get("review") or {}
                rows.append({"ward": w.ward, "slug": w.slug, "province": w.province, "source": doc.get("source"),
                             "id": c.get("id"), "review_status": review.get("status") or "open",
                             "review_note": review.get("note"), "review_by": review.get("by"),
                             "review_at": review.get("at"), "rule": c.get("rule"), "family": _family(c.get("rule", "")),
                             "severity": c.get("severity"), "status": c.get("status"), "message": c.get("message"),
                             "expected": _cell(values.get("expected", values.get("computed"))),
                             "actual": _cell(values.get("actual", values.get("stated"))),
                             "file": ev.get("file") or doc.get("source"), "page": ev.get("page"),
                             "line": ev.get("line"), "section": ev.get("section"), "quote": ev.get("quote")})
    df = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    if df.empty:
        return df
    df["_sev"] = df["severity"].map(lambda s: SEVERITY_ORDER.get(s, 9))
    df["_page"] = df["page"].map(lambda x: _num(x) if _num(x) is not None else -1)
    df["_line"] = df["line"].map(lambda x: _num(x) if _num(x) is not None else -1)
    df = df.sort_values(["slug", "source", "_sev", "rule", "file", "_page", "_line", "message"],
                        kind="stable", na_position="first").drop(columns=["_sev", "_page", "_line"])
    for col in ("page", "line"):
        df[col] = df[col].map(_num).astype("Int64")
    for col in ("expected", "actual"):
        df[col] = df[col].map(lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v)))
    return df.reset_index(drop=True)


def _excel_value(v: Any) -> Any:
    """A plain Python value for a cell; missing values (NaN, NA) become empty cells."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        import pandas as pd
        if v is pd.NA:
            return None
    except ImportError:
        pass
    return v


def _write_sheet(ws, frame, lang: str | None = None) -> None:
    from openpyxl.styles import Font

    from wardaudit.render.messages import has

    ws.append([_t(f"export_{c}", lang) if lang and has(f"portfolio.export_{c}") else c for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([None] * len(frame.columns))
        for j, v in enumerate(row, start=1):
            cell = ws.cell(row=ws.max_row, column=j)
            v = _excel_value(v)
            if hasattr(v, "item"):
                v = v.item()
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # report text is untrusted: '=...' in a quote stays text, never a formula
    ws.freeze_panes = "A2"


def export_findings(paths: Paths | None = None, pf: Portfolio | None = None, lang: str = "vi") -> dict[str, str]:
    """Write reports/findings.csv and reports/findings.xlsx: every failed check of every ward.

    The CSV is byte-identical across runs on the same inputs, with the column names tools read.
    The workbook, what an auditor opens, has the same table on its first sheet and the cross-ward
    (PORT) checks on a second, with headers and sheet names in ``lang``. Both are written atomically.
    """
    from openpyxl import Workbook

    paths = paths or (pf.paths if pf else Paths())
    pf = pf or load_portfolio(paths=paths)
    frame = findings_frame(pf)
    csv_path = write_frame_csv(paths.reports / "findings.csv", frame)
    wb = Workbook()
    ws = wb.active
    ws.title = _t("export_sheet_findings", lang)
    _write_sheet(ws, frame, lang)
    _write_sheet(wb.create_sheet(_t("export_sheet_port", lang)), port_checks_frame(run_port_checks(pf)), lang)
    xlsx_path = paths.reports / "findings.xlsx"
    with atomic_path(xlsx_path) as tmp:
        wb.save(tmp)
    return {"csv": relative(csv_path, paths), "xlsx": relative(xlsx_path, paths), "rows": len(frame)}


# --- running the portfolio notebook -----------------------------------------------------------

def execute_portfolio(paths: Paths | None = None, *, lang: str = "vi", kernel_name: str = "python3") -> dict:
    """Run notebooks/portfolio.ipynb with papermill and render reports/index.html.

    Writes the findings exports first. The executed notebook is kept as reports/portfolio.ipynb
    (the log: parameters and outputs). A notebook that fails is still rendered, under the failure
    banner, and the result says ``failed`` with a one-line reason. Every file is replaced
    atomically. Returns ``{"status": "ok"|"failed", "html", "notebook", ...}``.
    """
    import nbformat
    import papermill as pm

    from wardaudit.run.ward import clean_notebook, render_html

    paths = paths or Paths()
    source = paths.notebooks / NOTEBOOK
    if not source.is_file():
        raise NotebookError(f"{relative(source, paths)}: không tìm thấy sổ tay / notebook not found",
                            path=str(source))
    paths.reports.mkdir(parents=True, exist_ok=True)
    exports = export_findings(paths, lang=lang)
    status, reason = "ok", None
    work = Path(tempfile.mkdtemp(prefix=".portfolio.", dir=paths.reports))
    try:
        executed = work / NOTEBOOK
        try:
            pm.execute_notebook(str(source), str(executed), parameters={"root": str(paths.root), "lang": lang},
                                cwd=str(paths.notebooks), kernel_name=kernel_name, progress_bar=False,
                                log_output=False)
        except pm.PapermillExecutionError as e:
            status, reason = "failed", " ".join(f"{e.ename}: {e.evalue}".split())[:300]
        except Exception as e:  # noqa: BLE001 - kernel missing or dead: report it, render what exists
            status, reason = "failed", " ".join(f"{type(e).__name__}: {e}".split())[:300]
        nb = nbformat.read(str(executed if executed.exists() and executed.stat().st_size else source), as_version=4)
        clean_notebook(nb)
        nb.metadata["wardaudit"] = {"portfolio": True, "wards": len(load_portfolio(paths=paths).wards),
                                    "status": status, **({"reason": reason} if reason else {})}
        nbformat.write(nb, str(executed))
        render_html(executed, work / INDEX, _t("title", lang), lang=lang, failed_reason=reason)
        os.replace(executed, paths.reports / NOTEBOOK)
        os.replace(work / INDEX, paths.reports / INDEX)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"status": status, "html": relative(paths.reports / INDEX, paths),
              "notebook": relative(paths.reports / NOTEBOOK, paths), "findings_csv": exports["csv"],
              "findings_xlsx": exports["xlsx"], "findings": exports["rows"]}
    if reason:
        result["reason"] = reason
    return result

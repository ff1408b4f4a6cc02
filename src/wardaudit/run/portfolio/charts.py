"""The portfolio notebook's charts (matplotlib): failures by ward and rule family, indicators
against targets, trends over a ward's reports. The index and province pages draw their heatmaps
and bars as HTML instead (:mod:`wardaudit.run.portfolio.pages`), which stays small at any size.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from wardaudit.model.findings import summary
from wardaudit.rules import FAMILIES
from wardaudit.rules.portfolio import fmt, load_targets
from wardaudit.run.portfolio.indicators import indicators_frame
from wardaudit.run.portfolio.model import Portfolio, report_end
from wardaudit.run.portfolio.words import shared, word

#: how much a failed check weighs in the heatmap's colour, by severity
SEVERITY_WEIGHT = {"error": 3, "warning": 1, "info": 0}


def family(code: str) -> str:
    """A rule's family: the letters of its code."""
    return "".join(ch for ch in code if ch.isalpha())


def heatmap_data(pf: Portfolio):
    """Failed checks of each ward's latest report, ward × rule family (families that ran)."""
    import pandas as pd

    counts: dict[str, dict[str, int]] = {}
    ran: set[str] = set()
    for w in pf.wards:
        row = counts.setdefault(w.ward, {})
        for c in (w.latest or {}).get("checks") or []:
            fam = family(c.get("rule", ""))
            ran.add(fam)
            if c.get("status") == "fail":
                row[fam] = row.get(fam, 0) + 1
    order = [f for f in FAMILIES if f in ran] + sorted(ran - set(FAMILIES))
    frame = pd.DataFrame([[counts[w].get(f, 0) for f in order] for w in counts],
                         index=pd.Index(list(counts), name="ward"), columns=pd.Index(order, name="family"))
    return frame.astype(int)


def heatmap_severity(pf: Portfolio):
    """Failed checks of each ward's latest report by family and severity:
    (errors frame, warnings frame, weighted frame), aligned with :func:`heatmap_data`."""
    data = heatmap_data(pf)
    frames = {sev: data * 0 for sev in ("error", "warning", "info")}
    for w in pf.wards:
        for c in (w.latest or {}).get("checks") or []:
            fam, sev = family(c.get("rule", "")), c.get("severity")
            if c.get("status") == "fail" and sev in frames and fam in data.columns:
                frames[sev].loc[w.ward, fam] += 1
    weighted = sum(frames[s] * SEVERITY_WEIGHT[s] for s in frames)
    return frames["error"], frames["warning"], weighted


def _cell_text(errors: int, warnings: int, total: int, lang: str) -> str:
    if not total:
        return "0"
    parts = [f"{errors} {word('sev_error_short', lang)}" if errors else "",
             f"{warnings} {word('sev_warning_short', lang)}" if warnings else ""]
    rest = total - errors - warnings
    parts.append(f"{rest} {word('sev_info_short', lang)}" if rest else "")
    return "\n".join(p for p in parts if p)


def _figure(figsize: tuple[float, float]):
    """matplotlib's bare Figure (no pyplot: nothing is shown twice)."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def styled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Build the figure inside the charts' fixed style (``matplotlib.rc_context``): no global change."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        from wardaudit.render.charts import STYLE

        with matplotlib.rc_context(STYLE):
            return fn(*args, **kwargs)
    return wrapper


@styled
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

    labels = [shared(f"fam_{f}", lang, f) for f in data.columns]
    fig = _figure((1.6 + 1.2 * len(data.columns), 1.4 + 0.7 * len(data.index)))
    ax = fig.subplots()
    sns.heatmap(weighted, annot=annot, fmt="", cmap="Reds", cbar=False, linewidths=0.5, ax=ax,
                xticklabels=labels, yticklabels=list(data.index), annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(word("heatmap_title", lang))
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    return fig


def _indicator_panel(ax, part, wards: list[str], lang: str) -> None:
    bars = ax.barh(range(len(wards)), part["value"].fillna(0), color="#4C72B0")
    ax.bar_label(bars, labels=[word("not_stated", lang) if v is None or math.isnan(v) else fmt(round(v, 2))
                               for v in part["value"]], padding=3, fontsize=8)
    ax.set_yticks(range(len(wards)), wards)
    ax.invert_yaxis()
    ax.set_title(part["label"].dropna().iloc[0], loc="left", fontsize=10)
    national = part["target_national"].dropna()
    if not national.empty:
        ax.axvline(national.iloc[0], color="#C44E52", linestyle="--", label=word("target_national", lang))
    provincial = part["target_provincial"].dropna()
    for v in sorted(set(provincial)):
        ax.axvline(v, color="#DD8452", linestyle=":", label=word("target_provincial", lang))
    ax.set_xlim(0, max(100.0, float(part["value"].max()) * 1.05) * 1.12)
    if national.size or provincial.size:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_xlabel(word("indicator_axis", lang), fontsize=8)


@styled
def indicators_figure(pf: Portfolio, lang: str = "vi"):
    """One panel per indicator: each ward's value as a bar, the targets as vertical lines; None
    when no report states an indicator."""
    data = indicators_frame(pf, lang)
    if data.empty:
        return None
    keys = [i["key"] for i in load_targets()["indicators"] if i["key"] in set(data["indicator"])]
    # every ward in every panel: one that states nothing shows "không nêu"
    wards = sorted({w.ward for w in pf.wards} | set(data["ward"]), key=str.casefold)
    fig = _figure((9, 0.6 + (0.9 + 0.32 * len(wards)) * len(keys)))
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    for ax, key in zip(axes, keys, strict=True):
        _indicator_panel(ax, data[data["indicator"] == key].set_index("ward").reindex(wards), wards, lang)
    fig.tight_layout()
    return fig


def trends_frame(pf: Portfolio, lang: str = "vi"):
    """For wards with more than one report: each report's failed checks and standard indicators,
    long format (ward, report_end, series, value)."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    multi = Portfolio(wards=[w for w in pf.wards if len(w.reports) > 1], paths=pf.paths)
    for w in multi.wards:
        for doc in w.reports:
            s = summary(doc.get("checks") or [])
            rows.append({"ward": w.ward, "report_end": report_end(doc) or None,
                         "series": word("fails_per_report", lang), "value": float(s["fail"])})
    ind = indicators_frame(multi, lang, all_reports=True)
    for r in ind.to_dict("records"):
        rows.append({"ward": r["ward"], "report_end": r["report_end"], "series": r["label"], "value": r["value"]})
    return pd.DataFrame(rows, columns=["ward", "report_end", "series", "value"])


@styled
def trends_figure(pf: Portfolio, lang: str = "vi"):
    """One panel per series, a line per ward with more than one report; None when no ward has two."""
    data = trends_frame(pf, lang)
    if data.empty:
        return None
    series = list(dict.fromkeys(data["series"]))
    fig = _figure((9, 2.6 * len(series)))
    axes = fig.subplots(len(series), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, series, strict=True):
        part = data[data["series"] == name]
        for ward, g in part.groupby("ward", sort=True):
            g = g.sort_values("report_end")
            ax.plot(g["report_end"].fillna("?"), g["value"], marker="o", label=ward)
        ax.set_title(name, loc="left", fontsize=10)
        ax.set_xlabel(word("report_end", lang))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig

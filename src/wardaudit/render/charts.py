"""Charts of one ward's facts: targets vs results, the dossier flow, budget, task status.

Each ``*_chart(facts, lang)`` takes facts (objects with ``to_public()`` or their dicts) and returns
a matplotlib Figure, or None when the report has nothing to draw. Figures use one fixed style and
no timestamps, so :func:`png_bytes` gives the same bytes for the same facts. The style is applied
with :func:`chart_style` (``matplotlib.rc_context``) while a chart is drawn and saved: matplotlib's
global settings are left as they were.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# the style and the saving are re-exported: callers draw and save charts through this module
from wardaudit.render.chart_style import DPI, STYLE, chart_style, png_bytes, styled  # noqa: F401
from wardaudit.render.messages import has, t
from wardaudit.vi.numbers import display_number
from wardaudit.vi.text import shorten

PALETTE = {"target": "#9fb7cc", "result": "#2b5d8a", "allocated": "#9fb7cc", "disbursed": "#1d6b2c",
           "flow": "#2b5d8a", "late": "#b3261e", "pending": "#a15c00", "in_time": "#1d6b2c",
           "met": "#2b5d8a", "below": "#b3261e", "over": "#b3261e"}
MAX_BARS = 25
# printed at the width of A4 less its margins (186 mm), so a font's size on paper is its size here
WIDTH_IN = 7.3
# the smallest text of a chart (value labels, legend, notes), in points, on paper
VALUE_FONT = 8.5
# a result of 0 against its target is drawn as a bar this share of the axis wide
ZERO_STUB = 0.02

# Every metric named here is a key of catalogue/metrics.yaml (a test holds them to it), matched whole.
# the dossier flow reads top to bottom in this order; other dossiers.* metrics follow
DOSSIER_ORDER = ("carried_over", "received", "online", "direct", "postal", "resolved", "resolved_on_time",
                 "resolved_late", "pending", "pending_in_time", "pending_overdue", "withdrawn")
# late or overdue: red; within the deadline or on time: green; still pending: amber; others: the flow's blue
DOSSIER_COLOURS = {"dossiers.resolved_late": "late", "dossiers.pending_overdue": "late",
                   "dossiers.resolved_on_time": "in_time", "dossiers.pending_in_time": "in_time",
                   "dossiers.pending": "pending"}
# the two bars of the budget chart
BUDGET_KINDS = {"budget.allocated": "allocated", "budget.disbursed": "disbursed"}
# stated task counts drawn red
LATE_TASKS = frozenset({"tasks.overdue", "tasks.completed_late"})


def _public(facts: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for f in facts or []:
        d = f.to_public() if hasattr(f, "to_public") else dict(f)
        if isinstance(d.get("value"), (int, float)) and not isinstance(d.get("value"), bool):
            out.append(d)
    return out


def _figure(n_bars: int):
    # a bare Figure, not pyplot: no global figure list, so nothing is shown twice by the notebook's
    # inline backend and nothing depends on the active backend
    from matplotlib.figure import Figure

    height = max(2.4, min(12.0, 0.32 * n_bars + 1.2))
    fig = Figure(figsize=(WIDTH_IN, height))
    _own_canvas(fig)
    return fig


def _own_canvas(fig) -> None:
    """Give the figure the Agg canvas png_bytes saves it with. A bare Figure's layout would make a
    throw-away canvas and renderer for every measure of its text; on its own canvas tight_layout and
    savefig share one renderer and the text measured for the layout is not measured again; its renderer keeps
    what text measures and how it is shaped for every chart of the process (:mod:`.chart_canvas`; the same
    bytes: tests/unit/test_charts.py draws both ways)."""
    from wardaudit.render.chart_canvas import ChartCanvas

    ChartCanvas(fig)


def _laid_out(fig) -> None:
    """The layout is done: tight_layout leaves a placeholder engine that makes savefig walk every artist
    once more (text measured, nothing drawn) before it draws; with no engine savefig only draws."""
    fig.set_layout_engine(None)


def _title(ax, text: str) -> None:
    """The chart's title where matplotlib would put it: at the top of the axes (``y=1.0``). Given, not
    found: matplotlib measures every tick label of the y axis at each layout and draw to see whether
    something above the axes pushes the title up, and nothing on these charts is above the axes (no
    ticks or label on top, no offset text on the y axis)."""
    ax.set_title(text, y=1.0)


def _is_share(d: dict[str, Any]) -> bool:
    """A rate or a percentage: not a count to draw as a bar."""
    return (d.get("unit") or "").startswith("%") or (d.get("kind") or "") in ("rate", "percent")


def _labels(lang: str = "vi") -> dict[str, str]:
    """Vietnamese metric labels: the metric catalogue's first phrase ("tổng số hồ sơ tiếp nhận")."""
    if lang != "vi":
        return {}
    try:
        from wardaudit.catalogue import load_catalogue
        return {m.key: m.phrases[0] for m in load_catalogue().metrics if getattr(m, "phrases", None)}
    except Exception:  # noqa: BLE001 - labels are a nicety; the metric key is always readable
        return {}


def _label(d: dict[str, Any], labels: dict[str, str]) -> str:
    """A fact's own label (an indicator row's name), else its metric's label, else the metric key."""
    key = d.get("metric") or "?"
    text = d.get("label") or labels.get(key) or key.split(".", 1)[-1].replace("_", " ")
    text = text[:1].upper() + text[1:]
    return shorten(text, 60)


def _number_axis(ax, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _fmt(v, lang)))




def _finish(fig, lang: str, legend: list[tuple[str, str]] | None = None, left_out: list[str] | None = None):
    """Lay the figure out with its colour legend and the items it leaves out under the axes,
    where they cover no bar and no axis label."""
    import textwrap

    from matplotlib.patches import Patch

    height = fig.get_figheight()
    bottom = 0.0
    note = ""
    if left_out:
        note = "\n".join(textwrap.wrap(t("chart_left_out", lang, items="; ".join(left_out)), 120))
        fig.text(0.01, 0.02 / height, note, fontsize=VALUE_FONT, color="#5c6670", va="bottom")
        bottom += (0.16 * (note.count("\n") + 1) + 0.05) / height
    if legend:
        fig.legend(handles=[Patch(facecolor=colour, label=name) for name, colour in legend], loc="lower center",
                   bbox_to_anchor=(0.5, bottom), ncol=min(4, len(legend)), frameon=False, fontsize=VALUE_FONT)
        bottom += 0.3 / height
    fig.tight_layout(rect=(0, min(bottom, 0.5), 1, 1))
    _laid_out(fig)
    return fig


def _below(result: float, target: float) -> bool:
    """A result short of its target (a target of 0 cannot be missed)."""
    return target > 0 and result < target


def _share(result: float, target: float) -> float:
    return result / target if target else 0.0


def _hbar(ax, labels: list[str], series: list[tuple[str, list[float], Any]]):
    import numpy as np
    y = np.arange(len(labels))
    h = 0.8 / max(1, len(series))
    for k, (name, values, color) in enumerate(series):
        ax.barh(y + (k - (len(series) - 1) / 2) * h, values, height=h, label=name, color=color)
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()


def _share_bars(ax, labels: list[str], tgt: list[float], res: list[float], lang: str) -> list[tuple[str, str]]:
    """Each result as a share of its target, red below 100 %; a result of nothing still gets a red stub."""
    pct = [100.0 * r / v for r, v in zip(res, tgt, strict=True)]
    below = [_below(r, v) for r, v in zip(res, tgt, strict=True)]
    colors = [PALETTE["below"] if b else PALETTE["met"] for b in below]
    xmax = max(pct + [100.0]) * 1.22  # room on the right for the longest value label
    # a result of nothing against its target still gets a red stub: the worst shortfall is never invisible
    widths = [max(p, ZERO_STUB * xmax) if b else p for p, b in zip(pct, below, strict=True)]
    ax.barh(range(len(labels)), widths, height=0.7, color=colors)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.axvline(100, color="#173f63", linewidth=1, linestyle="--")
    for i, (v, r, w) in enumerate(zip(tgt, res, widths, strict=True)):
        ax.text(w, i, f"  {_fmt(r, lang)} / {_fmt(v, lang)}", va="center", fontsize=VALUE_FONT,
                color=PALETTE["below"] if below[i] else "#1b1b1b")
    ax.set_xlim(0, xmax)
    ax.set_xlabel(t("pct_of_target", lang))
    legend = [(t(key, lang), PALETTE[c]) for key, c in (("target_below", "below"), ("target_met", "met"))
              if PALETTE[c] in colors]
    return legend


def _value_bars(ax, labels: list[str], tgt: list[float], res: list[float], lang: str) -> list[tuple[str, str]]:
    """Target and result side by side in their own values (some target is 0); a zero result gets a red stub."""
    xmax = max(tgt + res + [1.0]) * 1.15
    stubs = [ZERO_STUB * xmax if r == 0 and v > 0 else r for r, v in zip(res, tgt, strict=True)]
    result_colors = [PALETTE["below"] if _below(r, v) else PALETTE["result"] for r, v in zip(res, tgt, strict=True)]
    _hbar(ax, labels, [(t("target", lang), tgt, [PALETTE["target"]] * len(tgt)),
                       (t("result", lang), stubs, result_colors)])
    ax.set_xlim(0, xmax)
    legend = [(t("target", lang), PALETTE["target"]), (t("result", lang), PALETTE["result"]),
              (t("target_below", lang), PALETTE["below"])]
    legend = [x for x in legend if x[1] in result_colors or x[1] == PALETTE["target"]]
    ax.set_xlabel(t("value", lang))
    _number_axis(ax, lang)
    return legend


@styled
def targets_chart(facts: Iterable[Any], lang: str = "vi"):
    """Target against result for each indicator: facts qualified target/result sharing a group."""
    pairs: dict[str, dict[str, dict[str, Any]]] = {}
    order: list[str] = []
    for d in _public(facts):
        q = (d.get("qualifier") or "").lower()
        g = d.get("group")
        if q not in ("target", "result") or g in (None, ""):
            continue
        g = str(g)
        if g not in pairs:
            pairs[g] = {}
            order.append(g)
        pairs[g].setdefault(q, d)
    paired = [g for g in order if "target" in pairs[g] and "result" in pairs[g]]
    groups = paired[:MAX_BARS]
    if not groups:
        return None
    labels_cat = _labels(lang)
    left_out = [shorten(_label(next(iter(pairs[g].values())), labels_cat), 50) + " ("
                + t("no_result" if "result" not in pairs[g] else "no_target" if "target" not in pairs[g]
                    else "too_many", lang) + ")" for g in order if g not in groups]
    rows = []
    for g in groups:
        d_t, d_r = pairs[g]["target"], pairs[g]["result"]
        unit = f" ({d_t.get('unit')})" if d_t.get("unit") else ""
        name = _label(d_t, labels_cat)
        cut = name.rstrip(" .…")
        short = shorten(cut, 60 - len(unit))
        # a label the report (or the reader) already cut keeps one ellipsis, never two
        rows.append(((short if short.endswith("…") or cut == name else short + "…") + unit,
                     float(d_t["value"]), float(d_r["value"])))
    # the worst first: results below their target, the largest shortfall on top, then the others as stated
    rows.sort(key=lambda r: (0, _share(r[2], r[1])) if _below(r[2], r[1]) else (1, 0.0))
    labels = [r[0] for r in rows]
    tgt = [r[1] for r in rows]
    res = [r[2] for r in rows]
    fig = _figure(len(groups) + 3)
    ax = fig.add_subplot(111)
    # indicators have different units: show the result as a share of its target when every target is non-zero
    if all(v != 0 for v in tgt):
        legend = _share_bars(ax, labels, tgt, res, lang)
    else:
        legend = _value_bars(ax, labels, tgt, res, lang)
    _title(ax, t("chart_targets", lang))
    return _finish(fig, lang, legend, left_out)


def _count_bars(labels: list[str], values: list[float], colors: list[str], title_key: str, lang: str):
    """Horizontal bars of counts, each labelled with its value, top to bottom in the given order."""
    fig = _figure(len(labels))
    ax = fig.add_subplot(111)
    ax.barh(range(len(labels)), values, color=colors)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    for i, v in enumerate(values):
        ax.text(v, i, f"  {_fmt(v, lang)}", va="center", fontsize=VALUE_FONT)
    ax.set_xlim(0, max(values + [1.0]) * 1.15)  # room for the value labels
    ax.set_xlabel(t("count", lang))
    _number_axis(ax, lang)
    _title(ax, t(title_key, lang))
    fig.tight_layout()  # the first layout sets the axis length the ticks are chosen for: _finish's depends on it
    return fig


@styled
def dossiers_chart(facts: Iterable[Any], lang: str = "vi"):
    """The dossier flow: received → resolved (on time / late) → pending, from dossiers.* facts."""
    seen: dict[str, dict[str, Any]] = {}
    for d in _public(facts):
        m = d.get("metric") or ""
        if m.startswith("dossiers.") and m not in seen and not _is_share(d):
            seen[m] = d
    if not seen:
        return None
    def rank(m: str) -> tuple[int, str]:
        leaf = m.split(".", 1)[1]
        return (DOSSIER_ORDER.index(leaf) if leaf in DOSSIER_ORDER else len(DOSSIER_ORDER), "")
    metrics = sorted(seen, key=lambda m: rank(m))[:MAX_BARS]
    labels_cat = _labels(lang)
    labels = [shorten(_label(seen[m], labels_cat)) for m in metrics]
    values = [float(seen[m]["value"]) for m in metrics]
    colors = [_dossier_colour(m) for m in metrics]
    fig = _count_bars(labels, values, colors, "chart_dossiers", lang)
    used = [(t(f"dossier_{k}", lang), PALETTE[k]) for k in ("flow", "in_time", "pending", "late")
            if PALETTE[k] in colors]
    return _finish(fig, lang, used)


def _dossier_colour(metric: str) -> str:
    """Late or overdue: red; within the deadline or on time: green; still pending: amber."""
    return PALETTE[DOSSIER_COLOURS.get(metric, "flow")]


@styled
def budget_chart(facts: Iterable[Any], lang: str = "vi"):
    """Allocated against disbursed money (budget.* facts), in million đồng; disbursed above the
    allocation is drawn red and the legend says so."""
    rows: dict[str, dict[str, float]] = {}
    order: list[str] = []
    for d in _public(facts):
        m = d.get("metric") or ""
        if not m.startswith("budget.") or (d.get("unit") or "").startswith("%"):
            continue
        kind = BUDGET_KINDS.get(m)
        if kind is None:
            continue
        # one pair per scope (the ward's own money when the text names none), the first stated
        # figure of each kind: the same sum restated in another section is not a second bar
        label = shorten(str(d.get("scope") or t("budget_total", lang)), 45)
        if label not in rows:
            rows[label] = {}
            order.append(label)
        rows[label].setdefault(kind, float(d["value"]) / 1e6)
    order = order[:MAX_BARS]
    if not order:
        return None
    fig = _figure(len(order) * 2 + 2)
    ax = fig.add_subplot(111)
    import numpy as np
    y = np.arange(len(order))
    # a bar only for a figure the report states, and a legend entry only for a bar drawn
    alloc = [(i, rows[k]["allocated"]) for i, k in enumerate(order) if "allocated" in rows[k]]
    spent = [(i, rows[k]["disbursed"]) for i, k in enumerate(order) if "disbursed" in rows[k]]
    over = [PALETTE["over"] if s > rows[order[i]].get("allocated", 0.0) > 0 else PALETTE["disbursed"]
            for i, s in spent]
    if alloc:
        ax.barh([y[i] - 0.2 for i, _ in alloc], [a for _, a in alloc], height=0.4, color=PALETTE["allocated"])
    if spent:
        ax.barh([y[i] + 0.2 for i, _ in spent], [s for _, s in spent], height=0.4, color=over)
    ax.set_yticks(y)
    ax.set_yticklabels(order)
    ax.invert_yaxis()
    items = [(t("allocated", lang), PALETTE["allocated"])] if alloc else []
    if PALETTE["disbursed"] in over:
        items.append((t("disbursed", lang), PALETTE["disbursed"]))
    if PALETTE["over"] in over:
        items.append((t("over_budget", lang), PALETTE["over"]))
    ax.set_xlabel(t("million_dong", lang))
    _number_axis(ax, lang)
    _title(ax, t("chart_budget", lang))
    return _finish(fig, lang, items)


@styled
def tasks_chart(facts: Iterable[Any], lang: str = "vi"):
    """Task counts: the tasks.* figures the text states, and the listed task rows counted by status."""
    seen: dict[str, dict[str, Any]] = {}
    by_status: dict[str, int] = {}
    for d in _public(facts):
        m = d.get("metric") or ""
        if not m.startswith("tasks."):
            continue
        if d.get("role") == "row" or m == "tasks.row":
            status = d.get("status") or "unknown"
            by_status[status] = by_status.get(status, 0) + 1
        elif m not in seen and not _is_share(d):
            seen[m] = d
    if not seen and not by_status:
        return None
    labels_cat = _labels(lang)
    metrics = list(seen)[:MAX_BARS]
    labels = [shorten(_label(seen[m], labels_cat)) for m in metrics]
    values = [float(seen[m]["value"]) for m in metrics]
    colors = [PALETTE["late"] if m in LATE_TASKS else PALETTE["flow"] for m in metrics]
    for status in sorted(by_status):
        key = f"task_status_{status}"
        name = t(key, lang) if has(key) else status
        labels.append(shorten(f"{t('listed_tasks', lang)}: {name}"))
        values.append(float(by_status[status]))
        colors.append(PALETTE["late"] if status in ("overdue", "late") else PALETTE["target"])
    fig = _count_bars(labels, values, colors, "chart_tasks", lang)
    used = [(t(key, lang), PALETTE[c]) for key, c in (("tasks_stated", "flow"), ("tasks_listed", "target"),
                                                      ("dossier_late", "late")) if PALETTE[c] in colors]
    return _finish(fig, lang, used)


CHARTS = (("chart_targets", targets_chart), ("chart_dossiers", dossiers_chart),
          ("chart_budget", budget_chart), ("chart_tasks", tasks_chart))


def _fmt(v: float, lang: str) -> str:
    """A value on a chart: at most two decimals."""
    return display_number(float(v), lang, max_decimals=2)

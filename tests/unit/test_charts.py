"""Charts say what they mean: colour carries below-target, over-budget and late, a legend explains
it, axes say what they measure, no label is clipped or doubly cut, left-out items are named."""
from __future__ import annotations

from matplotlib.colors import to_hex

from wardaudit.render import charts
from wardaudit.render.charts import PALETTE, budget_chart, dossiers_chart, targets_chart


def _pair(group: str, label: str, target: float, result: float | None, unit: str = "%") -> list[dict]:
    out = [{"metric": "indicator.row", "value": target, "qualifier": "target", "group": group, "label": label,
            "unit": unit}]
    if result is not None:
        out.append({"metric": "indicator.row", "value": result, "qualifier": "result", "group": group,
                    "label": label, "unit": unit})
    return out


def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # what png_bytes draws with
    canvas.draw()
    return canvas.get_renderer()


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]


def _legend_labels(fig) -> list[str]:
    return [t.get_text() for lg in fig.legends for t in lg.get_texts()]


def test_targets_colour_the_bars_below_target_and_name_what_is_left_out():
    facts = (_pair("1", "1. Tỷ lệ hộ gia đình có cáp quang", 90, 95)
             + _pair("2", "2. Người dân có tài khoản định danh mức 2 đã kích hoạt trên ứng dụng ...", 80, 60)
             + _pair("3", "3. Chỉ tiêu chưa có kết quả trong kỳ", 50, None))
    fig = targets_chart(facts)
    ax = fig.axes[0]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [PALETTE["below"], PALETTE["met"]]  # below target first
    assert "% của chỉ tiêu" in ax.get_xlabel()
    assert set(_legend_labels(fig)) == {"Đạt hoặc vượt chỉ tiêu", "Thấp hơn chỉ tiêu"}
    note = " ".join(_texts(fig))
    assert "Không vẽ" in note and "3. Chỉ tiêu chưa có kết quả" in note and "thiếu kết quả" in note
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert not [x for x in labels if "……" in x or "...…" in x or "... …" in x], labels
    assert labels[0].endswith("… (%)")  # the report's own cut keeps one ellipsis
    # every value label lies inside the axes (none clipped at the right edge)
    right = ax.get_xlim()[1]
    renderer = _renderer(fig)
    axes_box = ax.get_window_extent(renderer)
    for text in ax.texts:
        assert text.get_window_extent(renderer).x1 <= axes_box.x1 + 1, (text.get_text(), right)


def test_dossiers_within_the_deadline_are_not_red_and_late_ones_are():
    facts = [{"metric": f"dossiers.{m}", "value": v, "unit": "hồ sơ", "kind": "count"}
             for m, v in (("received", 100), ("resolved_on_time", 90), ("pending_in_time", 8),
                          ("pending_overdue", 2))]
    fig = dossiers_chart(facts)
    colours = [to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    assert colours == [PALETTE["flow"], PALETTE["in_time"], PALETTE["in_time"], PALETTE["late"]]
    assert "Quá hạn, trễ hạn" in _legend_labels(fig) and fig.axes[0].get_xlabel() == "Số lượng"


def test_budget_bars_are_named_for_the_money_and_overspending_is_red():
    facts = [{"metric": "budget.allocated", "value": 1_056_000, "unit": "đồng", "section": "Phần 1 > VI > 1"},
             {"metric": "budget.disbursed", "value": 120_000_000, "unit": "đồng", "section": "Phần 1 > VI > 1"}]
    fig = budget_chart(facts)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Toàn đơn vị"] and not any(">" in x for x in labels)
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [PALETTE["allocated"], PALETTE["over"]]
    assert "Giải ngân vượt bố trí" in _legend_labels(fig) and ax.get_xlabel() == "triệu đồng"
    # the legend sits under the axes, below the axis label: it covers no bar
    renderer = _renderer(fig)
    assert fig.legends[0].get_window_extent(renderer).y1 <= ax.xaxis.label.get_window_extent(renderer).y0 + 1


def test_short_cuts_at_a_word_with_one_ellipsis():
    cut = charts.shorten("Dân số trưởng thành tiếp cận dịch vụ số trong y tế, giáo dục, bảo hiểm", 40)
    assert cut.endswith("…") and not cut.endswith(" …") and len(cut) <= 40 and cut.count("…") == 1


# --- the index's charts ---------------------------------------------------------------------------

def _ward(slug: str, name: str, facts, checks=()):
    import pandas as pd

    from wardaudit.run import portfolio

    source = f"data/raw/{slug}/report.txt"
    rows = [{"metric": m, "value": v, "unit": "%", "kind": "percent", "period": None, "qualifier": None,
             "role": None, "group": None, "section": "I", "quote": f"{m} {v}", "page": None, "line": i + 1,
             "file": source} for i, (m, v) in enumerate(facts)]
    doc = {"source": source, "ward": name, "report": {"period": {"start": "2026-01-01", "end": "2026-05-31"}},
           "checks": list(checks), "facts": rows}
    return portfolio.WardRecord(slug=slug, ward=name, province="Tỉnh A", reports=[doc], facts=pd.DataFrame(rows))


def test_every_ward_appears_in_every_indicator_panel_and_the_heatmap_weighs_severity():
    from wardaudit.project.config import Paths
    from wardaudit.run import portfolio

    fail = lambda rule, sev: {"rule": rule, "status": "fail", "severity": sev, "message": "x"}  # noqa: E731
    pf = portfolio.Portfolio(wards=[
        _ward("a", "Phường A", [("rate.online", 90.0)], [fail("FOOT001", "error")]),
        _ward("b", "Xã B", [], [fail("FOOT002", "warning"), fail("FOOT003", "warning")]),
        _ward("c", "Xã C", [("rate.online", 70.0)], [{"rule": "FOOT001", "status": "pass", "severity": "error",
                                                       "message": "ok"}])], paths=Paths())
    fig = portfolio.indicators_figure(pf)
    for ax in fig.axes:
        assert [t.get_text() for t in ax.get_yticklabels()] == ["Phường A", "Xã B", "Xã C"]
        assert [t.get_text() for t in ax.texts][1] == "không nêu"  # Xã B states nothing
    errors, warnings, weighted = portfolio.heatmap_severity(pf)
    # one error outweighs two warnings
    assert weighted.loc["Phường A", "FOOT"] == 3 and weighted.loc["Xã B", "FOOT"] == 2
    heat = portfolio.heatmap_figure(pf)
    cells = [t.get_text() for t in heat.axes[0].texts]
    assert "1 sai sót" in cells and "2 cảnh báo" in cells


# --- metric keys and style -------------------------------------------------------------------------

def _money(metric: str, value: float) -> dict:
    return {"metric": metric, "value": value, "unit": "đồng", "kind": "money"}


def test_budget_chart_takes_the_allocation_from_its_own_key_only():
    # 'budget.unallocated' (money not yet allocated) holds "alloc" but is not the allocation
    assert budget_chart([_money("budget.unallocated", 50_000_000)]) is None
    fig = budget_chart([_money("budget.unallocated", 50_000_000), _money("budget.allocated", 316_000_000),
                        _money("budget.disbursed", 100_000_000)])
    assert [p.get_width() for p in fig.axes[0].patches] == [316.0, 100.0]


def test_the_dossier_flow_order_names_catalogue_metrics():
    from wardaudit.catalogue import load_catalogue

    keys = {m.key for m in load_catalogue().metrics}
    assert {f"dossiers.{leaf}" for leaf in charts.DOSSIER_ORDER} <= keys, \
        sorted(f"dossiers.{leaf}" for leaf in charts.DOSSIER_ORDER if f"dossiers.{leaf}" not in keys)


def test_every_metric_a_chart_names_is_in_the_catalogue():
    from wardaudit.catalogue import load_catalogue

    keys = {m.key for m in load_catalogue().metrics}
    named = set(charts.BUDGET_KINDS) | set(charts.DOSSIER_COLOURS) | set(charts.LATE_TASKS)
    assert named <= keys, sorted(named - keys)
    assert charts.BUDGET_KINDS["budget.allocated"] == "allocated" and "budget.unallocated" not in charts.BUDGET_KINDS


def test_withdrawn_dossiers_come_last_in_the_flow_before_metrics_it_does_not_order():
    facts = [{"metric": f"dossiers.{m}", "value": v, "unit": "hồ sơ", "kind": "count"}
             for m, v in (("digitised", 40), ("withdrawn", 3), ("received", 100), ("resolved", 90))]
    fig = dossiers_chart(facts, "en")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Received", "Resolved", "Withdrawn", "Digitised"]


def test_charts_leave_matplotlib_settings_as_they_were():
    import matplotlib

    facts = ([_money("budget.allocated", 316_000_000), _money("budget.disbursed", 100_000_000)]
             + [{"metric": "dossiers.received", "value": 12, "unit": "hồ sơ"}] + _pair("1", "Chỉ tiêu", 90, 95))
    with matplotlib.rc_context():  # whatever happens here is undone after the test
        matplotlib.rcdefaults()
        before = dict(matplotlib.rcParams)
        for _, make in charts.CHARTS:
            fig = make(facts, "vi")
            if fig is not None:
                charts.png_bytes(fig)
        changed = sorted(k for k, v in matplotlib.rcParams.items() if before.get(k) != v)
    assert not changed, changed


# --- the worst is visible (issue 24) ---------------------------------------------------------------

def test_a_zero_result_against_its_target_is_a_red_bar_on_top_with_its_value():
    facts = (_pair("1", "Tỷ lệ hộ gia đình dùng cáp quang", 80, 95)
             + _pair("2", "Tỷ lệ thôn có sóng di động thế hệ mới", 90, 0)
             + _pair("3", "Tỷ lệ người dân dùng chữ ký số", 80, 70))
    fig = targets_chart(facts)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # below target first, the largest shortfall on top
    assert [x.split(" (")[0] for x in labels] == ["Tỷ lệ thôn có sóng di động thế hệ mới",
                                                   "Tỷ lệ người dân dùng chữ ký số",
                                                   "Tỷ lệ hộ gia đình dùng cáp quang"]
    bars = ax.patches
    assert [to_hex(p.get_facecolor()) for p in bars] == [PALETTE["below"], PALETTE["below"], PALETTE["met"]]
    # the zero is drawn: a red bar wide enough to see on paper (at least 1 mm at print width)
    renderer = _renderer(fig)
    width_px = bars[0].get_window_extent(renderer).width
    assert width_px / fig.dpi * 25.4 >= 1.0, width_px
    texts = {t.get_text().strip(): to_hex(t.get_color()) for t in ax.texts}
    assert texts["0 / 90"] == PALETTE["below"]
    assert set(_legend_labels(fig)) == {"Đạt hoặc vượt chỉ tiêu", "Thấp hơn chỉ tiêu"}


def test_the_targets_legend_names_only_the_colours_drawn():
    fig = targets_chart(_pair("1", "Tỷ lệ hộ dùng cáp quang", 80, 95) + _pair("2", "Tỷ lệ ký số", 50, 60))
    assert _legend_labels(fig) == ["Đạt hoặc vượt chỉ tiêu"]


def test_a_budget_chart_without_disbursement_has_no_disbursement_bar_or_legend():
    fig = budget_chart([_money("budget.allocated", 316_000_000)])
    ax = fig.axes[0]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [PALETTE["allocated"]]
    assert _legend_labels(fig) == ["Bố trí"]


def test_chart_text_is_legible_on_a_printed_a4_page():
    # the page prints a chart at most 186 mm wide (A4 less its margins): no text under 8 points there
    facts = (_pair("1", "Tỷ lệ hộ dùng cáp quang", 80, 95) + _pair("2", "Tỷ lệ ký số", 50, 0)
             + _pair("3", "Chỉ tiêu chưa có kết quả", 50, None)
             + [_money("budget.allocated", 316_000_000), _money("budget.disbursed", 100_000_000)]
             + [{"metric": "dossiers.received", "value": 12, "unit": "hồ sơ", "kind": "count"}])
    for key, make in charts.CHARTS:
        fig = make(facts, "vi")
        if fig is None:
            continue
        scale = min(1.0, 186 / 25.4 / fig.get_figwidth())
        _renderer(fig)
        texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
                 if t.get_text().strip() and t.get_visible()]
        assert texts, key
        smallest = min(t.get_fontsize() for t in texts) * scale
        assert smallest >= 8, (key, smallest)


def _varied_facts(seed: int) -> list[dict]:
    """A report's chartable facts, varied: indicators (some with a target of 0), dossiers, money, tasks."""
    import random

    rng = random.Random(seed)
    facts: list[dict] = []
    for g in range(rng.randint(1, 14)):
        target = rng.choice([0, 50, 80, 95, 100, 1200, rng.randint(1, 90_000)])
        result = rng.choice([0, target, rng.randint(0, 2 * max(1, target)), round(rng.uniform(0, 100), 2)])
        facts += _pair(str(g), f"{g + 1}. Chỉ tiêu {'số hóa hồ sơ ' * rng.randint(1, 6)}thứ {g + 1}", target,
                       result, rng.choice(["%", "hồ sơ", "", "tài khoản"]))
    for leaf in rng.sample(["received", "online", "resolved", "resolved_on_time", "resolved_late", "pending",
                            "pending_overdue", "withdrawn"], rng.randint(0, 8)):
        facts.append({"metric": f"dossiers.{leaf}", "value": rng.randint(0, 250_000), "unit": "hồ sơ"})
    for scope in rng.sample(["", "Chuyển đổi số", "Đề án 06"], rng.randint(0, 3)):
        for metric in rng.sample(["budget.allocated", "budget.disbursed"], rng.randint(1, 2)):
            facts.append({**_money(metric, rng.randint(1, 9_000) * 1e6), "scope": scope or None})
    for status in rng.sample(["done", "overdue", "in_progress"], rng.randint(0, 3)):
        facts += [{"metric": "tasks.row", "value": 1, "role": "row", "status": status}] * rng.randint(1, 4)
    return facts


def test_the_faster_drawing_gives_the_bytes_of_matplotlib_plain_path(monkeypatch):
    """The charts' shortcuts (their own Agg canvas, whose renderer keeps text measures and shapes across
    charts, no layout engine left for savefig, the title's place given) change the time a chart takes,
    never its pixels: each chart of varied reports drawn cold, drawn again from what the renderer kept,
    and drawn by matplotlib's plain path gives the same PNG."""
    from wardaudit.render.chart_canvas import _MEASURES, _SHAPES, clear_text_cache
    from wardaudit.render.charts import CHARTS, png_bytes

    def draw_all() -> dict:
        out = {}
        for seed in range(8):
            for name, make in CHARTS:
                fig = make(_varied_facts(seed), "vi")
                assert fig is None or type(fig.canvas).__name__ == "ChartCanvas"
                out[seed, name] = None if fig is None else png_bytes(fig)
        return out

    clear_text_cache()
    fast = draw_all()
    kept = len(_MEASURES), len(_SHAPES)
    assert min(kept) > 50  # the renderer did keep what it measured and shaped
    assert draw_all() == fast  # drawn again from what was kept
    assert (len(_MEASURES), len(_SHAPES)) == kept  # ... and nothing new had to be measured or shaped
    with monkeypatch.context() as m:
        m.setattr(charts, "_own_canvas", lambda fig: None)
        m.setattr(charts, "_laid_out", lambda fig: None)
        m.setattr(charts, "_title", lambda ax, text: ax.set_title(text))  # placed by matplotlib
        for seed in range(8):
            for name, make in CHARTS:
                fig = make(_varied_facts(seed), "vi")
                assert fig is None or type(fig.canvas).__name__ == "FigureCanvasBase"  # the plain path
                assert (None if fig is None else png_bytes(fig)) == fast[seed, name], (seed, name)
    assert sum(png is not None for png in fast.values()) >= 24  # most charts of these reports are drawn

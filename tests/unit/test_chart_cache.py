"""Charts are drawn once (wardaudit.render.chart_cache): found again by the hash of what they show."""
from __future__ import annotations

import pytest

from wardaudit.render import chart_cache
from wardaudit.render.chart_cache import ChartCache, chart_key, ward_charts
from wardaudit.store import WardStore


def _facts(value: float = 1200.0) -> list[dict]:
    rows = [("dossiers.received", 1500.0), ("dossiers.online", value), ("dossiers.late", 12.0)]
    return [{"id": f"F{i:04d}", "metric": m, "value": v, "unit": "hồ sơ", "kind": "count", "period": "2026-10",
             "qualifier": None, "role": None, "group": None, "scope": None, "section": "I", "quote": "…",
             "file": "bc.txt", "page": None, "line": i} for i, (m, v) in enumerate(rows, 1)]


def test_a_chart_found_is_the_bytes_its_drawing_gave_and_is_not_drawn_again(tmp_path, monkeypatch):
    first = ward_charts(_facts(), "vi", tmp_path, cache=ChartCache())
    drawn = [png for _, _, png in first if png is not None]
    assert drawn and all(p.startswith(b"\x89PNG") for p in drawn)
    assert {f.suffix for f in tmp_path.iterdir()} == {".png", ".none"}  # 'nothing to draw' is kept too

    import wardaudit.render.charts as charts

    def no_drawing(*a, **k):
        raise AssertionError("a chart whose facts did not change was drawn again")

    monkeypatch.setattr(charts, "CHARTS", tuple((name, no_drawing) for name, _ in charts.CHARTS))
    again = ward_charts(_facts(), "vi", tmp_path, cache=ChartCache())  # a new process: the folder only
    assert again == first


def test_a_changed_figure_language_or_spoiled_file_draws_again(tmp_path):
    cache = ChartCache()
    keys = {key for _, key, _ in ward_charts(_facts(), "vi", tmp_path, cache=cache)}
    assert cache.misses == len(keys) and cache.hits == 0
    other = {key for _, key, _ in ward_charts(_facts(1300.0), "vi", tmp_path, cache=cache)}
    english = {key for _, key, _ in ward_charts(_facts(), "en", tmp_path, cache=cache)}
    assert keys & other != keys and not keys & english
    spoiled = next(tmp_path / f"{k}.png" for k in sorted(keys) if (tmp_path / f"{k}.png").is_file())
    spoiled.write_bytes(b"<html>not a png</html>")
    fresh = ChartCache()
    pngs = {key: png for _, key, png in ward_charts(_facts(), "vi", tmp_path, cache=fresh)}
    assert fresh.misses == 1 and pngs[spoiled.stem].startswith(b"\x89PNG")
    assert spoiled.read_bytes().startswith(b"\x89PNG")


def test_the_key_covers_the_package(monkeypatch):
    a = chart_key("chart_dossiers", "vi", _facts())
    monkeypatch.setattr("wardaudit.version.package_files_digest", lambda: "another package")
    chart_cache._drawing_stack.cache_clear()
    try:
        assert chart_key("chart_dossiers", "vi", _facts()) != a
    finally:
        chart_cache._drawing_stack.cache_clear()


def test_the_store_keeps_only_the_charts_the_page_shows(tmp_path):
    from wardaudit.project.config import Paths

    store = WardStore(Paths(tmp_path), "xa-thu")
    now = {key for _, key, _ in ward_charts(_facts(), "vi", store.chart_folder, cache=ChartCache())}
    old = {key for _, key, _ in ward_charts(_facts(999.0), "vi", store.chart_folder, cache=ChartCache())} - now
    assert old
    store.keep_charts(now)
    assert {f.name.split(".")[0] for f in store.chart_folder.iterdir()} == now


@pytest.fixture(autouse=True)
def _fresh_shared_cache(monkeypatch):
    monkeypatch.setattr(chart_cache, "_shared", ChartCache())


def test_a_chart_found_in_memory_is_kept_in_every_folder_that_asks_for_it(tmp_path):
    cache = ChartCache()
    first = ward_charts(_facts(), "vi", tmp_path / "a", cache=cache)
    again = ward_charts(_facts(), "vi", tmp_path / "b", cache=cache)  # a copy's ward: same facts
    assert cache.hits == len(first) and again == first
    assert sorted(f.name for f in (tmp_path / "a").iterdir()) == sorted(f.name for f in (tmp_path / "b").iterdir())

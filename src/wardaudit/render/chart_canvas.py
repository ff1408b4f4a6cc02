"""The charts' Agg canvas: matplotlib's own, with what it measures of text kept for the life of the process.

matplotlib keeps a text's measure for one renderer only, and a renderer lives as long as one figure: every
chart measured its tick labels, titles and the catalogue's metric names anew, and shaped each string again
to draw it. What a string measures and how it is shaped depend only on the string, its font properties and
the dpi, so :class:`ChartRenderer` keeps them for every chart the process draws. Nothing it returns differs
from what :class:`~matplotlib.backends.backend_agg.RendererAgg` would compute: the charts' PNG bytes are the
same (tests/unit/test_charts.py draws the charts with matplotlib's plain canvas and with this one, cold and
warm, and compares the bytes). The renderer serves the charts of :mod:`wardaudit.render.charts` only, which
are drawn in one style (:func:`wardaudit.render.chart_style.chart_style`), so a font is found the same way
for the same properties.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font

__all__ = ["ChartCanvas", "ChartRenderer", "clear_text_cache"]

# strings measured or shaped, and fonts' vertical metrics: a few thousand entries are all a batch meets
_LIMIT = 8192


class _Bounded(OrderedDict):
    """A small least-recently-used map."""

    def get_fresh(self, key: Any) -> Any:
        value = self.get(key, _NONE)
        if value is not _NONE:
            self.move_to_end(key)
        return value

    def keep(self, key: Any, value: Any) -> Any:
        self[key] = value
        if len(self) > _LIMIT:
            self.popitem(last=False)
        return value


_NONE = object()
_MEASURES = _Bounded()
_SHAPES = _Bounded()
_HEIGHTS = _Bounded()


def clear_text_cache() -> None:
    """Forget every measure and shape kept (tests draw cold with it)."""
    for cache in (_MEASURES, _SHAPES, _HEIGHTS):
        cache.clear()


def _font_key(prop: Any) -> tuple:
    # what FontProperties hashes and compares by, taken as a value so that a later change to the
    # properties object cannot change a key already kept
    return tuple(prop.__dict__.values())


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


class ChartRenderer(RendererAgg):
    """RendererAgg whose text measures and text shapes are kept across figures (see the module)."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX: as matplotlib does it, uncached
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop), self.dpi, get_hinting_flag())
        found = _MEASURES.get_fresh(key)
        if found is _NONE:
            found = _MEASURES.keep(key, super().get_text_width_height_descent(s, prop, ismath))
        return found

    def _get_font_height_metrics(self, prop):
        """The font's ascent, descent and line gap at this dpi, as matplotlib's Text computes them when a
        renderer does not give them (its OS/2 table, else its hhea table; None when it has neither)."""
        key = (_font_key(prop), self.dpi)
        found = _HEIGHTS.get_fresh(key)
        if found is not _NONE:
            return found
        font = get_font(fontManager._find_fonts_by_props(prop))
        metrics = (None, None, None)
        for table_name, gap_key, ascent_key, descent_key in (
                ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                ("hhea", "lineGap", "ascent", "descent")):
            table = font.get_sfnt_table(table_name)
            if table is None:
                continue
            # the very expression of matplotlib's Text._get_layout, so the floats are the same
            scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * self.dpi / 72
            metrics = (table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale)
            break
        return _HEIGHTS.keep(key, metrics)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        flags = get_hinting_flag()
        key = (s, _font_key(prop), self.dpi, flags, _hashable(features), _hashable(language))
        items = _SHAPES.get_fresh(key)
        if items is _NONE:
            font = self._prepare_font(prop)
            items = _SHAPES.keep(key, tuple(font._layout(s, flags=flags, features=features, language=language)))
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((it.ft_object, size, it.glyph_index, 0, 1, it.x, it.y) for it in items), [])


class ChartCanvas(FigureCanvasAgg):
    """FigureCanvasAgg drawing with a :class:`ChartRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = ChartRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

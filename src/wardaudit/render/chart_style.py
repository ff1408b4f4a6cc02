"""The charts' one style and their saving: figures drawn under :func:`chart_style`
(``matplotlib.rc_context``) and saved by :func:`png_bytes` without a timestamp, so the same facts give
the same bytes and matplotlib's global settings are left as they were."""
from __future__ import annotations

import contextlib
import functools
import io
import json
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["DPI", "STYLE", "chart_style", "png_bytes", "styled"]

DPI = 125  # a chart printed at WIDTH_IN is about 900 pixels wide on screen
STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.labelsize": 9.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "wardaudit",
    "path.simplify": True,
}
#: seaborn's theme as :func:`seaborn_theme` gives it, kept with the package: a worker draws in seaborn's theme
#: without importing seaborn (which loads pyplot, IPython and ipywidgets: 8 MB and 0.14 s a process);
#: tests/unit/test_chart_style.py holds the file to what the installed seaborn gives
THEME = Path(__file__).with_name("chart_theme.json")


def seaborn_theme() -> dict[str, Any]:
    """seaborn's whitegrid theme (notebook context) and its deep palette, as JSON values."""
    import seaborn as sns

    rc = {**sns.plotting_context("notebook"), **sns.axes_style("whitegrid", rc={"font.family": "sans-serif"})}
    # seaborn's colormap exists only once seaborn is imported, and the ward charts draw no image
    rc.pop("image.cmap", None)
    return json.loads(json.dumps({"rc": rc, "palette": [list(c) for c in sns.color_palette("deep")]}))


@functools.lru_cache(maxsize=1)
def _style_rc() -> dict[str, Any]:
    """seaborn's whitegrid theme (notebook context, deep palette: :data:`THEME`) with :data:`STYLE` over it."""
    from cycler import cycler

    theme = json.loads(THEME.read_text(encoding="utf-8"))
    rc = dict(theme["rc"])
    rc["axes.prop_cycle"] = cycler("color", [tuple(c) for c in theme["palette"]])
    rc.update(STYLE)
    return rc


@contextmanager
def chart_style() -> Iterator[None]:
    """The charts' style for the duration of a ``with`` block; matplotlib's own settings come back after."""
    import matplotlib

    with matplotlib.rc_context(dict(_style_rc())):
        yield


# the figures the chart functions made: png_bytes saves them in the same style (a draw can add ticks,
# which read the style as they are made); any other figure is saved as it is
_STYLED: weakref.WeakSet[Any] = weakref.WeakSet()


def styled(make: Callable[..., Any]) -> Callable[..., Any]:
    """A chart function drawn under :func:`chart_style` (artists read the style as they are made)."""
    @functools.wraps(make)
    def drawn(*args: Any, **kwargs: Any) -> Any:
        with chart_style():
            fig = make(*args, **kwargs)
        if fig is not None:
            _STYLED.add(fig)
        return fig
    return drawn


def png_bytes(fig) -> bytes:
    """The figure as PNG without a software/date stamp (same facts, same bytes); a chart of this
    module is saved in the style it was drawn in."""
    buf = io.BytesIO()
    with chart_style() if fig in _STYLED else contextlib.nullcontext():
        fig.savefig(buf, format="png", metadata={"Software": None})  # laid out once by tight_layout
    return buf.getvalue()

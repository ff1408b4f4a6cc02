"""Charts drawn once: each chart's PNG kept by the hash of what it is drawn from.

A chart is a pure function of the facts it is given, the page language, the package (its code and
catalogues: :func:`wardaudit.version.package_files_digest`) and matplotlib's version; drawing one costs far
more than auditing a small report. :func:`ward_charts` gives each chart of a ward's page (its PNG, or None
when there is nothing to draw) from a :class:`ChartCache`: in memory for the life of the process, and in a
folder when given one (the ward's ``data/processed/WARD/charts/<key>.png``; an empty ``<key>.none`` for
"nothing to draw"). A batch worker draws them there before the page's notebook runs (the ``charts`` step of
:func:`wardaudit.run.ward.run_ward`), so the notebook's kernel only reads them and never loads matplotlib;
next week's batch does not draw again a chart whose facts did not change. A chart found is the very bytes
its drawing gave, so a page is the same whether its charts were drawn or found.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wardaudit.project.iorw import write_bytes

__all__ = ["ChartCache", "chart_key", "published", "shared_cache", "ward_charts"]

_MISSING = object()


def published(facts: Any) -> list[dict[str, Any]]:
    """The facts as the charts read them (their published dicts): what a chart's key is computed from."""
    return [f.to_public() if hasattr(f, "to_public") else dict(f) for f in facts or []]


@functools.lru_cache(maxsize=1)
def _drawing_stack() -> bytes:
    """The package and matplotlib's version (read from its metadata: matplotlib itself is not loaded)."""
    from importlib.metadata import version

    from wardaudit.version import package_files_digest

    return f"{package_files_digest()}\0{version('matplotlib')}\0".encode()


def _facts_blob(facts: list[dict[str, Any]]) -> bytes:
    return json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str).encode()


def chart_key(name: str, lang: str, facts: list[dict[str, Any]], *, blob: bytes | None = None) -> str:
    """The hash a chart is kept under: the chart, the language, the facts (``blob``: their JSON, when the
    caller has it already), the package and matplotlib's version."""
    h = hashlib.sha256(_drawing_stack())
    h.update(f"{name}\0{lang}\0".encode())
    h.update(blob if blob is not None else _facts_blob(facts))
    return h.hexdigest()


class ChartCache:
    """Drawn charts by key: at most ``size`` in memory, and every one in ``folder`` when one is given."""

    def __init__(self, size: int = 64):
        self.size = size
        self._memory: OrderedDict[str, bytes | None] = OrderedDict()
        self.hits = self.misses = 0

    def clear(self) -> None:
        """Forget every chart held in memory (the folders are left as they are)."""
        self._memory.clear()

    def _remember(self, key: str, png: bytes | None) -> None:
        self._memory[key] = png
        self._memory.move_to_end(key)
        while len(self._memory) > self.size:
            self._memory.popitem(last=False)

    def _read(self, key: str, folder: Path | None) -> Any:
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        if folder is None:
            return _MISSING
        try:
            png: bytes | None = (folder / f"{key}.png").read_bytes()
        except OSError:
            if not (folder / f"{key}.none").is_file():
                return _MISSING
            png = None
        if png is not None and not png.startswith(b"\x89PNG\r\n\x1a\n"):
            return _MISSING  # a file cut short or not ours: drawn again and replaced
        self._remember(key, png)
        return png

    def get_or_draw(self, key: str, draw: Callable[[], bytes | None], folder: Path | None = None) -> bytes | None:
        """The chart kept under ``key``, else ``draw()`` (PNG bytes, or None for nothing to draw), kept."""
        found = self._read(key, folder)
        drawn = found is _MISSING
        if drawn:
            self.misses += 1
            png = draw()
            self._remember(key, png)
        else:
            self.hits += 1
            png = found
        if folder is not None:
            # found in memory (another ward with the same facts) or drawn: the folder gets it too, since the
            # page's kernel reads it there; a read-only or full disk: the chart is still on this page
            path = folder / (f"{key}.png" if png is not None else f"{key}.none")
            if drawn or not path.is_file():
                with contextlib.suppress(OSError):
                    write_bytes(path, png or b"")
        return png


# a handful: charts are found in a ward's folder; memory serves only wards with the very same facts (copies)
_shared = ChartCache(size=16)


def shared_cache() -> ChartCache:
    """This process's cache (a worker's kernel keeps it from one ward to the next)."""
    return _shared


def ward_charts(facts: Any, lang: str = "vi", folder: str | Path | None = None,
                cache: ChartCache | None = None) -> list[tuple[str, str, bytes | None]]:
    """Each chart of :data:`wardaudit.render.charts.CHARTS` for ``facts``: (message key, cache key, PNG or
    None when there is nothing to draw), found in ``cache`` (default: this process's) or ``folder``, else
    drawn (matplotlib is loaded then only)."""
    from wardaudit.render.charts import CHARTS

    public = published(facts)
    blob = _facts_blob(public)
    cache = cache or _shared
    where = Path(folder) if folder else None
    out = []
    for name, make in CHARTS:
        def draw(make: Any = make) -> bytes | None:
            from wardaudit.render.charts import png_bytes

            fig = make(public, lang)
            return None if fig is None else png_bytes(fig)

        key = chart_key(name, lang, public, blob=blob)
        out.append((name, key, cache.get_or_draw(key, draw, where)))
    return out

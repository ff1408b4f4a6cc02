"""Charts drawn once: each chart's PNG kept by the hash of what it is drawn from.

A chart is a pure function of the facts it is given, the page language, the package (its code and
catalogues: :func:`wardaudit.run.digest.package_digest`) and matplotlib's version; drawing it costs far
more than auditing a small report. :class:`ChartCache` keeps each drawn chart (its PNG, or the fact
that there was nothing to draw) under the sha256 of those four, in memory for the life of the process
(a batch worker's kernel keeps it across wards and resets) and, when given a folder, on disk
(``data/processed/.chart-cache/<key>.png``; an empty ``<key>.none`` for "nothing to draw"), so that the
next week's batch does not redraw a chart whose facts did not change. A hit returns the very bytes the
drawing gave, so a page is the same whether its charts were drawn or found.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wardaudit.project.iorw import write_bytes

__all__ = ["ChartCache", "chart_key", "published", "shared_cache"]

_MISSING = object()


def published(facts: Any) -> list[dict[str, Any]]:
    """The facts as the charts read them (their published dicts): what a chart's key is computed from."""
    return [f.to_public() if hasattr(f, "to_public") else dict(f) for f in facts or []]


def chart_key(name: str, lang: str, facts: list[dict[str, Any]]) -> str:
    """The hash a chart is kept under: the chart, the language, the facts, the package and matplotlib."""
    import matplotlib

    from wardaudit.run.digest import package_digest

    h = hashlib.sha256()
    for part in (package_digest(), matplotlib.__version__, name, lang):
        h.update(part.encode())
        h.update(b"\0")
    h.update(json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()


class ChartCache:
    """Drawn charts by key: at most ``size`` in memory, and every one on disk when ``folder`` is set."""

    def __init__(self, size: int = 256):
        self.size = size
        self._memory: OrderedDict[str, bytes | None] = OrderedDict()
        self.hits = self.misses = 0

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
        png_path, none_path = folder / f"{key}.png", folder / f"{key}.none"
        try:
            png: bytes | None = png_path.read_bytes()
        except OSError:
            if not none_path.is_file():
                return _MISSING
            png = None
        if png is not None and not png.startswith(b"\x89PNG\r\n\x1a\n"):
            return _MISSING  # a file cut short or not ours: drawn again and replaced
        self._remember(key, png)
        return png

    def get_or_draw(self, key: str, draw: Callable[[], bytes | None], folder: Path | None = None) -> bytes | None:
        """The chart kept under ``key``, else ``draw()`` (PNG bytes, or None for nothing to draw) kept."""
        found = self._read(key, folder)
        if found is not _MISSING:
            self.hits += 1
            return found
        self.misses += 1
        png = draw()
        self._remember(key, png)
        if folder is not None:
            # a read-only or full disk: the chart is still on this page, only not kept
            with contextlib.suppress(OSError):
                write_bytes(folder / (f"{key}.png" if png is not None else f"{key}.none"), png or b"")
        return png


_shared = ChartCache()


def shared_cache() -> ChartCache:
    """This process's cache (a worker's kernel keeps it from one ward to the next)."""
    return _shared

"""Page furniture: running headers, footers and page numbers that a Word export repeats on each page.

A line is furniture when it sits in the top or bottom band of its page and either

* the same text (digits ignored, so ``Trang 3`` and ``Trang 4`` agree) stands at about the same
  height on most pages; or
* it reads as a page number: ``Trang N``, ``Trang N/M``, ``N/M``, ``- N -`` or a bare number, as
  the first or last line of the page.

The reader drops these lines before it builds paragraphs and tables, so a page break no longer
interrupts a paragraph or a table, and reports how many it dropped in one note.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

BAND = 0.12  # share of the page height, at the top and at the foot, where furniture may stand
_Y_TOLERANCE = 6.0  # pt; the same running line on two pages stands within this of the same height
_PAGE_NUMBER = re.compile(
    r"^(?:(?:trang|page|tr\.)\s*\d{1,4}(?:\s*(?:/|trên|of)\s*\d{1,4})?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4})$", re.IGNORECASE)


class LineLike(Protocol):
    text: str

    @property
    def top(self) -> float: ...

    @property
    def bottom(self) -> float: ...


_NUMBER = re.compile(r"\d+")
_OUTLINE_START = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.|[IVXLC]+\.|[a-zđ]\)|[-+•*])\s", re.IGNORECASE)


def _shape(text: str) -> str:
    """The line's text with digits folded, so running lines that carry a page number agree."""
    return _NUMBER.sub("#", " ".join(text.lower().split()))


def _counts_pages(cluster: list[tuple[int, int, float, str]]) -> bool:
    """Texts of one shape either all equal, or their numbers that vary move with the page (a
    page counter: number minus page index constant), never like the figures of a section."""
    texts = {c[3] for c in cluster}
    if len(texts) == 1:
        return True
    if any(_OUTLINE_START.match(t) for t in texts):
        return False  # a numbered heading or a bullet at the same place on each page is content
    numbers = [[int(n) for n in _NUMBER.findall(c[3])] for c in cluster]
    for j in range(len(numbers[0])):
        column = [ns[j] for ns in numbers]
        if len(set(column)) > 1 and len({n - c[0] for n, c in zip(column, cluster, strict=False)}) > 1:
            return False
    return True


def is_page_number(text: str) -> bool:
    """``Trang 3``, ``Trang 3/12``, ``3/12``, ``- 3 -`` or a bare ``3``."""
    return bool(_PAGE_NUMBER.match(" ".join(text.split())))


def _band(line: LineLike, height: float) -> str | None:
    if line.bottom >= height * (1 - BAND):
        return "top"
    if line.top <= height * BAND:
        return "foot"
    return None


def furniture_lines(pages: Sequence[Sequence[LineLike]], heights: Sequence[float],
                    min_share: float = 0.5) -> list[set[int]]:
    """For each page, the indexes of its lines that are page furniture.

    Parameters
    ----------
    pages
        Each page's visual lines, top to bottom (PDF coordinates: y grows upwards).
    heights
        Each page's height in pt.
    min_share
        A running line must recur on at least this share of the pages (and on two pages at least).
    """
    where: dict[tuple[str, str], list[tuple[int, int, float, str]]] = defaultdict(list)
    for p, (lines, height) in enumerate(zip(pages, heights, strict=False)):
        for i, ln in enumerate(lines):
            band = _band(ln, height)
            if band:
                where[(band, _shape(ln.text))].append((p, i, ln.bottom, " ".join(ln.text.split())))
    out: list[set[int]] = [set() for _ in pages]
    needed = max(2, round(min_share * len(pages)))
    for hits in where.values():
        # cluster by height: the same text at the same place, page after page
        hits.sort(key=lambda h: h[2])
        cluster: list[tuple[int, int, float, str]] = []
        for h in hits + [None]:
            if h is not None and (not cluster or h[2] - cluster[-1][2] <= _Y_TOLERANCE):
                cluster.append(h)
                continue
            if len({c[0] for c in cluster}) >= needed and _counts_pages(sorted(cluster)):
                for p, i, _, _ in cluster:
                    out[p].add(i)
            cluster = [h] if h is not None else []
    for p, (lines, height) in enumerate(zip(pages, heights, strict=False)):
        kept = [i for i in range(len(lines)) if i not in out[p]]
        for i in (kept[:1] + kept[-1:]) if kept else []:
            if _band(lines[i], height) and is_page_number(lines[i].text):
                out[p].add(i)
    return out

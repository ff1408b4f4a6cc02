"""The text layer of a PDF page through pypdfium2: runs of characters, visual lines, columns.

A run is what pdfium emitted between line breaks, cut again where the baseline (the glyph origin)
moves or a gap as wide as a column opens; runs sharing a baseline form a visual line.
"""
from __future__ import annotations

import statistics
import unicodedata
from dataclasses import dataclass

COLUMN_GAP = 18.0  # pt; a horizontal gap this wide between two runs of a line reads as a column


@dataclass
class Run:
    """Characters of one line as pdfium emitted them (a line, or a line of one table cell)."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float


@dataclass
class Line:
    """A visual line of a page: the runs sharing a baseline, left to right."""

    number: int
    runs: list[Run]

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.runs)

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def top(self) -> float:
        return max(r.top for r in self.runs)

    @property
    def bottom(self) -> float:
        return min(r.bottom for r in self.runs)



def page_runs(textpage) -> list[Run]:
    """The page's runs (see the module). pdfium is called directly with one box and one origin made once
    a page: pypdfium2's helpers make new ctypes values for every character, which on a page of three
    thousand characters cost more than the reading itself. A space's box is never read: a run's box is
    that of its other characters."""
    import ctypes

    import pypdfium2.raw as pdfium_c
    from pypdfium2 import PdfiumError

    handle = textpage.raw
    get_unicode, get_box, get_origin = (pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetLooseCharBox,
                                        pdfium_c.FPDFText_GetCharOrigin)
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    x_ref, y_ref = ctypes.byref(origin_x), ctypes.byref(origin_y)
    runs: list[Run] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float] | None] = []  # None for a space
    last: tuple[float, float, float, float] | None = None  # the last non-space character's box
    last_baseline = 0.0

    def flush():
        text = "".join(chars)
        if text.strip():
            lead = len(text) - len(text.lstrip())
            trail = len(text.rstrip())
            kept = [b for ch, b in zip(text[lead:trail], boxes[lead:trail], strict=False) if not ch.isspace()]
            composed = unicodedata.normalize("NFC", " ".join(text.split()))  # accents as one character each
            runs.append(Run(text=composed, x0=min(b[0] for b in kept), x1=max(b[2] for b in kept),
                             bottom=statistics.median(b[1] for b in kept), top=max(b[3] for b in kept)))
        chars.clear()
        boxes.clear()

    for i in range(textpage.count_chars()):
        code = get_unicode(handle, i)
        ch = chr(code) if code else ""
        if ch in ("\r", "\n"):
            flush()
            continue
        if not ch or ch in ("\ufffe", "\x02", "\u00ad"):
            continue
        if ch.isspace():
            chars.append(ch)
            boxes.append(None)
            continue
        if not get_box(handle, i, rect_ref):
            raise PdfiumError("Failed to get charbox.")
        box = (rect.left, rect.bottom, rect.right, rect.top)
        # the baseline is the glyph's origin: a box's bottom moves with a dot below (ụ, ậ)
        get_origin(handle, i, x_ref, y_ref)
        if last is not None and chars and (abs(origin_y.value - last_baseline) > 2.5  # new baseline
                                           or box[0] - last[2] > COLUMN_GAP):  # next column
            flush()
        last, last_baseline = box, origin_y.value
        chars.append(ch)
        boxes.append(box)
    flush()
    return runs


def visual_lines(runs: list[Run]) -> list[Line]:
    """Runs sharing a baseline form one visual line; lines top to bottom, 1-based numbers."""
    ordered = sorted(runs, key=lambda r: (-r.bottom, r.x0))
    groups: list[list[Run]] = []
    for r in ordered:
        if groups and abs(groups[-1][0].bottom - r.bottom) <= 2.0:
            groups[-1].append(r)
        else:
            groups.append([r])
    return [Line(number=i + 1, runs=sorted(g, key=lambda r: r.x0)) for i, g in enumerate(groups)]


def inside(run: Run, bbox: tuple[float, float, float, float], tol: float = 2.0) -> bool:
    x0, y0, x1, y1 = bbox
    cx, cy = (run.x0 + run.x1) / 2, (run.bottom + run.top) / 2
    return x0 - tol <= cx <= x1 + tol and y0 - tol <= cy <= y1 + tol


def tabular_areas(lines: list[Line]) -> list[str]:
    """Areas of text laid out in columns without ruling: three or more consecutive lines with two
    or more wide gaps between runs. As camelot ``table_areas`` strings ("x1,y1,x2,y2", top-left and
    bottom-right), so that the paragraphs around them are not read as rows."""
    areas: list[str] = []
    block: list[Line] = []
    for line in lines + [None]:
        gaps = 0 if line is None else _wide_gaps(line)
        if gaps >= 2:
            block.append(line)
            continue
        if len(block) >= 3:
            x0 = min(ln.x0 for ln in block) - 2
            x1 = max(r.x1 for ln in block for r in ln.runs) + 2
            areas.append(f"{x0:.1f},{block[0].top + 2:.1f},{x1:.1f},{block[-1].bottom - 2:.1f}")
        block = []
    return areas


def columned(lines: list[Line], min_lines: int = 2) -> bool:
    """Does a page have lines split into columns (wide gaps between runs), as a table's rows are?
    Picks the scanned pages worth camelot's image path (rendering + OpenCV: ~0.4 s a page)."""
    return sum(1 for ln in lines if _wide_gaps(ln)) >= min_lines


def _wide_gaps(line: Line) -> int:
    """How many gaps between a line's runs are wider than a column gap."""
    return sum(1 for a, b in zip(line.runs, line.runs[1:], strict=False) if b.x0 - a.x1 > COLUMN_GAP)

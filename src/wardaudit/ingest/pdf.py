"""PDF reports: the text layer through pypdfium2, ruled tables through camelot.

The text layer is read for every page (fast); camelot runs only on the pages that draw ruling
lines (``flavor="lattice"``, ``engine="vector"``: the lines are taken from the PDF's own vector
paths, no rendering), or, for a page whose text is laid out in columns without any ruling, with
``flavor="network"``. Each table keeps camelot's parsing report in :attr:`Table.quality`; a table
with accuracy below :data:`LOW_ACCURACY` is flagged, never dropped.

Paragraphs are the text-layer lines outside the tables, joined by vertical spacing, first-line
indent and numbering; a paragraph or a table cut by a page break is put back together (a table
continued with its header row(s) repeated is stitched by :func:`wardaudit.tables.stitch`).
Locations are ``(file, page, line)`` with ``line`` the 1-based visual line on the page.
"""
from __future__ import annotations

import difflib
import re
import statistics
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Block, Document, Location
from ..exceptions import InputError
from ..tables import RawTable, build_table, clean_cell, is_continuation, stitch
from . import DEFAULT_MAX_INFLATE_MB, reader
from .furniture import furniture_lines
from .text import _BULLET, _NUMBERED, _ends_open, _starts_lower, table_text

LOW_ACCURACY = 80.0
_APPENDIX_LINE = re.compile(r"^\s*(?:\d{1,2}\.\s*)?ph[ụu]\s*l[ụu]c\b", re.IGNORECASE)
_MIN_RULE_LENGTH = 8.0  # pt; shorter strokes are underlines of a glyph, bullets, ...
_COLUMN_GAP = 18.0  # pt; a horizontal gap this wide between two runs of a line reads as a column


@dataclass
class _Run:
    """Characters of one line as pdfium emitted them (a line, or a line of one table cell)."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float


@dataclass
class _Line:
    """A visual line of a page: the runs sharing a baseline, left to right."""

    number: int
    runs: list[_Run]

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


@dataclass
class _PageTable:
    raw: RawTable
    top: float
    page: int
    first_on_page: bool = False
    last_on_page: bool = False
    header_repeated: bool = False  # continues the table before it (header repeated or same columns)
    cols: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class _Para:
    lines: list[str]
    location: Location
    page: int
    starts_marked: bool = False  # bullet, numbering or appendix: never glued to the paragraph before

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class _Page:
    number: int
    lines: list[_Line] = field(default_factory=list)
    tables: list[_PageTable] = field(default_factory=list)


# --- opening ---------------------------------------------------------------------------------------
def _open(path: Path, shown: str):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 1024))
        tail = f.read()
    if b"%PDF-" not in head:
        raise InputError(f"{shown}: không phải tệp PDF (thiếu phần đầu %PDF) / not a PDF (no %PDF header)",
                         path=shown)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(f"{shown}: PDF được mã hóa, cần mật khẩu / encrypted PDF, password-protected",
                             path=shown) from None
        raise InputError(f"{shown}: PDF bị hỏng hoặc bị cắt cụt / corrupt or truncated PDF ({e})",
                         path=shown) from None
    if b"%%EOF" not in tail:
        pdf.close()
        raise InputError(f"{shown}: PDF bị cắt cụt (thiếu %%EOF) / truncated PDF (no %%EOF marker)", path=shown)
    return pdf


# --- text layer ------------------------------------------------------------------------------------
def _runs(textpage) -> list[_Run]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    runs: list[_Run] = []
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    last: tuple[float, float, float, float] | None = None  # the last non-space character's box
    last_baseline = 0.0

    def flush():
        text = "".join(chars)
        if text.strip():
            lead = len(text) - len(text.lstrip())
            trail = len(text.rstrip())
            kept = [b for ch, b in zip(text[lead:trail], boxes[lead:trail]) if not ch.isspace()] or boxes
            runs.append(_Run(text=" ".join(text.split()), x0=min(b[0] for b in kept), x1=max(b[2] for b in kept),
                             bottom=statistics.median(b[1] for b in kept), top=max(b[3] for b in kept)))
        chars.clear()
        boxes.clear()

    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        ch = chr(code) if code else ""
        if ch in ("\r", "\n"):
            flush()
            continue
        if not ch or ch in ("\ufffe", "\x02", "\u00ad"):
            continue
        box = textpage.get_charbox(i, loose=True)
        if not ch.isspace():
            # the baseline is the glyph's origin: a box's bottom moves with a dot below (ụ, ậ)
            pdfium_c.FPDFText_GetCharOrigin(textpage, i, origin_x, origin_y)
            if last is not None and chars and (abs(origin_y.value - last_baseline) > 2.5  # new baseline
                                               or box[0] - last[2] > _COLUMN_GAP):  # next column
                flush()
            last, last_baseline = box, origin_y.value
        chars.append(ch)
        boxes.append(box)
    flush()
    return runs


def _visual_lines(runs: list[_Run]) -> list[_Line]:
    """Runs sharing a baseline form one visual line; lines top to bottom, 1-based numbers."""
    ordered = sorted(runs, key=lambda r: (-r.bottom, r.x0))
    groups: list[list[_Run]] = []
    for r in ordered:
        if groups and abs(groups[-1][0].bottom - r.bottom) <= 2.0:
            groups[-1].append(r)
        else:
            groups.append([r])
    return [_Line(number=i + 1, runs=sorted(g, key=lambda r: r.x0)) for i, g in enumerate(groups)]


def _inside(run: _Run, bbox: tuple[float, float, float, float], tol: float = 2.0) -> bool:
    x0, y0, x1, y1 = bbox
    cx, cy = (run.x0 + run.x1) / 2, (run.bottom + run.top) / 2
    return x0 - tol <= cx <= x1 + tol and y0 - tol <= cy <= y1 + tol


def _tabular_areas(lines: list[_Line]) -> list[str]:
    """Areas of text laid out in columns without ruling: three or more consecutive lines with two
    or more wide gaps between runs. As camelot ``table_areas`` strings ("x1,y1,x2,y2", top-left and
    bottom-right), so that the paragraphs around them are not read as rows."""
    areas: list[str] = []
    block: list[_Line] = []
    for line in lines + [None]:
        gaps = 0 if line is None else sum(1 for a, b in zip(line.runs, line.runs[1:]) if b.x0 - a.x1 > _COLUMN_GAP)
        if gaps >= 2:
            block.append(line)
            continue
        if len(block) >= 3:
            x0 = min(ln.x0 for ln in block) - 2
            x1 = max(r.x1 for ln in block for r in ln.runs) + 2
            areas.append(f"{x0:.1f},{block[0].top + 2:.1f},{x1:.1f},{block[-1].bottom - 2:.1f}")
        block = []
    return areas


def _columned(lines: list[_Line], min_lines: int = 2) -> bool:
    """Does a page have lines split into columns (wide gaps between runs), as a table's rows are?
    Picks the scanned pages worth camelot's image path (rendering + OpenCV: ~0.4 s a page)."""
    return sum(1 for ln in lines if any(b.x0 - a.x1 > _COLUMN_GAP for a, b in zip(ln.runs, ln.runs[1:]))) >= min_lines


# --- ruling lines ----------------------------------------------------------------------------------
def _has_rulings(page) -> bool:
    """Does the page draw at least two horizontal and two vertical strokes (a ruled table)?"""
    import pypdfium2.raw as pdfium_c

    horizontal = vertical = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= 2.5 and w >= _MIN_RULE_LENGTH:
            horizontal += 1
        elif w <= 2.5 and h >= _MIN_RULE_LENGTH:
            vertical += 1
        elif w >= 4 * _MIN_RULE_LENGTH and h >= 2 * _MIN_RULE_LENGTH:
            # one path drawing a whole grid (or a box): let camelot decide
            horizontal += 2
            vertical += 2
        if horizontal >= 2 and vertical >= 2:
            return True
    return False


# --- tables ----------------------------------------------------------------------------------------
def _camelot_tables(path: Path, pages: list[int], flavor: str, **kwargs) -> list:
    if not pages:
        return []
    import camelot

    if flavor == "lattice":
        kwargs["engine"] = "vector"
    elif flavor == "lattice-image":
        # a scan: shorter ruling lines count (small tables), OCR lines crossing cells are split,
        # and the ruling lines OCR read as glyphs ('|', '[') are stripped
        flavor = "lattice"
        kwargs.update(line_scale=40, split_text=True, strip_text="|[]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(camelot.read_pdf(str(path), pages=",".join(map(str, pages)), flavor=flavor,
                                     suppress_stdout=True, **kwargs))


_WRAPPED_AFTER = re.compile(r"(?<=\w)([-/])\s*\n\s*(?=\w)")


def _join_cell_lines(text: str) -> str:
    """A cell's lines joined; a line wrapped after a hyphen or slash (``41-`` / ``KH/TU``) is
    joined without a space, as the word was written."""
    return _WRAPPED_AFTER.sub(r"\1", text)


def span_grid(ct) -> list[list[str]]:
    """camelot's cells as text, each merged region's text moved to its top-left cell.

    camelot leaves the text of a merged (spanning) cell in whichever sub-cell its centre falls in;
    header joining expects it at the top-left, as Word and the text form have it.
    """
    cells = ct.cells
    grid = [[_join_cell_lines(c.text) for c in row] for row in cells]
    for i, row in enumerate(cells):
        for j, _ in enumerate(row):
            text = grid[i][j]
            if not text.strip():
                continue
            a, b = i, j
            moved = True
            while moved:
                moved = False
                while b > 0 and not cells[a][b].left:
                    b -= 1
                    moved = True
                while a > 0 and not cells[a][b].top:
                    a -= 1
                    moved = True
            if (a, b) != (i, j) and not grid[a][b].strip():
                grid[a][b], grid[i][j] = text, ""
    return grid


def _row_lines(ct, lines: list[_Line]) -> list[int]:
    """For each camelot row, the number of the first visual line inside it."""
    out = []
    for top, bottom in ct.rows:
        hit = next((ln.number for ln in lines if bottom - 1 <= (ln.bottom + ln.top) / 2 <= top + 1), None)
        out.append(hit if hit is not None else (out[-1] if out else 1))
    return out


def _page_table(ct, page: int, lines: list[_Line], file: str, flavor: str) -> _PageTable:
    report = dict(ct.parsing_report)
    engine = {"lattice": "vector", "lattice-image": "image"}.get(flavor)
    report.update(flavor=flavor.split("-")[0], engine=engine)
    numbers = _row_lines(ct, lines)
    locs = [Location(file, page, n) for n in numbers]
    raw = RawTable(cells=span_grid(ct), location=locs[0] if locs else Location(file, page, None),
                   row_locations=locs, quality=report)
    return _PageTable(raw=raw, top=ct._bbox[3], page=page, cols=[tuple(c) for c in ct.cols])


def _same_row(a: list[str], b: list[str], fuzzy: bool) -> bool:
    a, b = [clean_cell(c) for c in a], [clean_cell(c) for c in b]
    if a == b:
        return True
    # OCR reads the same header a little differently on each page
    return fuzzy and len(a) == len(b) and difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.85


def _repeated_header_rows(prev: RawTable, nxt: RawTable, limit: int = 3, fuzzy: bool = False) -> int:
    """How many leading rows of ``nxt`` repeat the leading rows of ``prev`` (a repeated header)."""
    k = 0
    while (k < min(limit, len(prev.cells), len(nxt.cells) - 1)
           and _same_row(prev.cells[k], nxt.cells[k], fuzzy)
           and any(c.strip() for c in nxt.cells[k])):
        k += 1
    return k


def _same_layout(a: _PageTable, b: _PageTable, tolerance: float = 6.0) -> bool:
    """Do two tables have the same columns (count and edges within ``tolerance`` pt)?"""
    return (len(a.cols) == len(b.cols) > 1
            and all(abs(x[0] - y[0]) <= tolerance and abs(x[1] - y[1]) <= tolerance for x, y in zip(a.cols, b.cols)))


# --- paragraphs ------------------------------------------------------------------------------------
def _line_gap(lines: list[_Line]) -> float:
    """The gap between two lines of one paragraph: the tightest gap that recurs on the page.

    (The median would be the paragraph spacing on a page of one-line paragraphs.)
    """
    gaps = sorted(round((a.bottom - b.top) * 2) / 2 for a, b in zip(lines, lines[1:])
                  if -1 <= a.bottom - b.top < (a.top - a.bottom))
    for g, h in zip(gaps, gaps[1:]):
        if h - g <= 0.5:
            return h
    heights = [ln.top - ln.bottom for ln in lines]
    return 0.2 * statistics.median(heights)


def _ended_short(prev: _Line, ln: _Line, right: float) -> bool:
    """Did ``prev`` end a paragraph? A wrapped line fills the width but for less than the next
    line's first word; a line that stops earlier (a heading, a paragraph's last line) ended its
    paragraph. A line ending in a colon introduces what follows and is not counted."""
    text = ln.text
    if not text or prev.text.rstrip().endswith(":"):
        return False
    char = (ln.runs[0].x1 - ln.runs[0].x0) / max(1, len(ln.runs[0].text))
    first_word = len(text.split()[0]) * char
    return prev.runs[-1].x1 + char + first_word < right - 2 * char


def _paragraphs(page: _Page, lines: list[_Line], file: str) -> list[_Para]:
    if not lines:
        return []
    left = statistics.median(sorted(round(ln.x0) for ln in lines))
    ends = sorted(ln.runs[-1].x1 for ln in lines)
    right = ends[int(0.9 * (len(ends) - 1))]  # the text's right margin (a few lines may overhang)
    usual_gap = _line_gap(lines)
    paras: list[_Para] = []
    prev: _Line | None = None
    for ln in lines:
        text = ln.text
        marked = bool(_BULLET.match(text) or _NUMBERED.match(text) or _APPENDIX_LINE.match(text))
        new = (prev is None or marked
               or prev.bottom - ln.top > usual_gap + max(2.5, 0.35 * (ln.top - ln.bottom))  # paragraph spacing
               or prev.bottom - ln.top < -1  # lines out of order: a new block
               or ln.number - prev.number > 1  # a table (or dropped line) in between
               or ln.x0 > left + 8 and abs(ln.x0 - prev.x0) > 4  # first-line indent, centred line
               or _ended_short(prev, ln, right))  # a heading or a paragraph's last line before
        if new:
            paras.append(_Para(lines=[text], location=Location(file, page.number, ln.number), page=page.number,
                               starts_marked=marked))
        else:
            paras[-1].lines.append(text)
        prev = ln
    return paras


def _drop_furniture(pages: list[_Page], heights: list[float], doc: Document) -> None:
    """Remove running headers, footers and page numbers; one note says how many lines went."""
    marked = furniture_lines([p.lines for p in pages], heights)
    dropped = sum(len(m) for m in marked)
    for page, m in zip(pages, marked):
        page.lines = [ln for i, ln in enumerate(page.lines) if i not in m]
    if dropped:
        doc.notes.append(f"Đã bỏ {dropped} dòng đầu trang/chân trang/số trang / "
                         f"dropped {dropped} running header, footer and page-number lines")


# --- the reader ------------------------------------------------------------------------------------
def _page_ranges(pages: list[int]) -> str:
    out, start = [], None
    for i, p in enumerate(pages):
        if start is None:
            start = p
        if i + 1 == len(pages) or pages[i + 1] != p + 1:
            out.append(str(start) if start == p else f"{start}-{p}")
            start = None
    return ", ".join(out)


def _ocr_empty_pages(path: Path, shown: str, empty: list[int], all_runs: list[list[_Run]], doc: Document,
                     cache_dir: Path | None, max_inflate_mb: int) -> tuple[Path, dict[int, float]]:
    """OCR the pages without a text layer; their runs replaced by the OCR text. Returns the OCR'd
    PDF (camelot reads its scanned pages) and each OCR'd page's mean confidence."""
    import pypdfium2 as pdfium

    from . import sha256_file
    from .ocr import LOW_CONFIDENCE, default_cache_dir, ocr_pages

    result = ocr_pages(path, empty, shown, sha256=sha256_file(path), cache_dir=cache_dir or default_cache_dir(),
                       max_pixels=max_inflate_mb * (1 << 20) // 4)
    pdf = pdfium.PdfDocument(str(result.pdf))
    try:
        for number in empty:
            textpage = pdf[number - 1].get_textpage()
            all_runs[number - 1] = _runs(textpage)
            textpage.close()
    finally:
        pdf.close()
    doc.notes.append(f"Trang {_page_ranges(empty)} là bản quét, đọc bằng OCR / pages {_page_ranges(empty)} "
                     f"are scans, read by OCR (tesseract {'vie'})")
    low = {p: c for p, c in sorted(result.confidence.items()) if c < LOW_CONFIDENCE}
    for p, c in low.items():
        doc.notes.append(f"Trang {p}: OCR có độ tin cậy thấp ({c:.0f}/100), cần đối chiếu bản gốc / "
                         f"page {p}: low OCR confidence ({c:.0f}/100), check against the paper copy")
    return result.pdf, result.confidence


@reader(".pdf")
def read_pdf(path: Path, *, display_path: str, max_pages: int, cache_dir: Path | None = None,
             max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, **_: object) -> Document:
    """Read a PDF report into a :class:`Document` (blocks in reading order, tables stitched).

    Pages without a text layer are OCR'd (:mod:`wardaudit.ingest.ocr`, cached under ``cache_dir``);
    blocks read from them carry the page's mean OCR confidence.
    """
    import pypdfium2 as pdfium

    shown = display_path
    pdf = _open(path, shown)
    doc = Document(source=shown, format="pdf", sha256="")
    try:
        total = len(pdf)
        n_read = min(total, max_pages) if max_pages else total
        if total > n_read:
            doc.notes.append(f"Chỉ đọc {n_read}/{total} trang, bỏ qua {total - n_read} trang / "
                             f"read {n_read} of {total} pages, {total - n_read} skipped (max_pages)")
        pages: list[_Page] = []
        all_runs: list[list[_Run]] = []
        heights: list[float] = []
        ruled: list[int] = []
        for k in range(n_read):
            try:
                page = pdf[k]
                textpage = page.get_textpage()
            except pdfium.PdfiumError:
                # a damaged page object: keep every other page, say which one was lost
                doc.notes.append(f"Trang {k + 1} bị hỏng, không đọc được / page {k + 1} is damaged and was skipped")
                all_runs.append([])
                heights.append(0.0)
                continue
            all_runs.append(_runs(textpage))
            heights.append(page.get_height())
            if _has_rulings(page):
                ruled.append(k + 1)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    doc.pages = total

    empty = [k + 1 for k, runs in enumerate(all_runs) if not runs]
    ocr_pdf, confidence = path, {}
    if empty:
        ocr_pdf, confidence = _ocr_empty_pages(path, shown, empty, all_runs, doc, cache_dir, max_inflate_mb)
    still = [k + 1 for k, runs in enumerate(all_runs) if not runs]
    if n_read and len(still) == n_read:
        raise InputError(f"{shown}: không có lớp văn bản, OCR không đọc được chữ nào (trang {_page_ranges(still)}) / "
                         f"no text layer: OCR found no text (pages {_page_ranges(still)})", path=shown)
    if still:
        doc.notes.append(f"Trang {_page_ranges(still)} không có chữ đọc được (kể cả bằng OCR) / "
                         f"pages {_page_ranges(still)} have no readable text, even by OCR")
    scanned = [p for p in empty if p not in still]

    for k, runs in enumerate(all_runs):
        pages.append(_Page(number=k + 1, lines=_visual_lines(runs)))
    _drop_furniture(pages, heights, doc)
    try:
        found = [(ct, "lattice") for ct in _camelot_tables(path, ruled, "lattice")]
        # scanned pages: camelot's image path (the page rendered, ruling lines found by OpenCV)
        found += [(ct, "lattice-image") for ct in _camelot_tables(
            ocr_pdf, [p for p in scanned if _columned(pages[p - 1].lines)], "lattice-image")]
        for p in pages:
            areas = _tabular_areas(p.lines) if p.number not in ruled and p.number not in scanned else []
            if areas:  # columns of text without ruling: camelot's text-alignment parser
                found += [(ct, "network") for ct in _camelot_tables(path, [p.number], "network", table_areas=areas)]
    except Exception as e:  # camelot failing on one odd page must not lose the text
        found = []
        doc.notes.append(f"Không tách được bảng: {e} / table extraction failed: {e}")
    for ct, flavor in found:
        page = pages[ct.page - 1]
        page.tables.append(_page_table(ct, page.number, page.lines, shown, flavor))

    # blocks page by page: paragraphs outside the tables, tables at their position
    items: list[_Para | _PageTable] = []
    for page in pages:
        boxes = [ct._bbox for ct, _ in found if ct.page == page.number]
        kept: list[_Line] = []
        for ln in page.lines:
            runs = [r for r in ln.runs if not any(_inside(r, b) for b in boxes)]
            if runs:
                kept.append(_Line(number=ln.number, runs=runs))
        placed: list[tuple[float, int, _Para | _PageTable]] = []
        line_tops = {ln.number: ln.top for ln in kept}
        for para in _paragraphs(page, kept, shown):
            placed.append((-line_tops[para.location.line], 0, para))
        for pt in page.tables:
            placed.append((-pt.top, 1, pt))
        placed.sort(key=lambda x: (x[0], x[1]))
        page_items = [p[2] for p in placed]
        for i, it in enumerate(page_items):
            if isinstance(it, _PageTable):
                it.first_on_page = i == 0
                it.last_on_page = i == len(page_items) - 1
        items.extend(page_items)

    # a table continued on the next page, with its header repeated or with the same columns
    for a, b in zip(items, items[1:]):
        if (isinstance(a, _PageTable) and isinstance(b, _PageTable) and b.page == a.page + 1
                and a.last_on_page and b.first_on_page):
            k = _repeated_header_rows(a.raw, b.raw, fuzzy=b.raw.quality.get("engine") == "image")
            if k:
                b.raw.header_rows = k
                b.header_repeated = True
                if a.raw.header_rows is None:
                    a.raw.header_rows = k
            elif _same_layout(a, b):
                b.raw.header_rows = 0  # no header: continuation rows never become header text
                b.header_repeated = True

    blocks: list[Block] = []
    prev_item: _Para | _PageTable | None = None
    for it in items:
        if isinstance(it, _PageTable):
            t = build_table(it.raw)
            t.low_confidence = bool(it.raw.quality and it.raw.quality.get("accuracy", 100) < LOW_ACCURACY)
            if t.low_confidence:
                doc.notes.append(f"Bảng ở trang {it.page} có độ chính xác thấp "
                                 f"({it.raw.quality.get('accuracy')}%), cần kiểm tra lại / "
                                 f"low-confidence table on page {it.page}")
            if not t.header and not t.rows:
                prev_item = it
                continue
            if (it.header_repeated and isinstance(prev_item, _PageTable) and blocks and blocks[-1].kind == "table"
                    and is_continuation(blocks[-1].table, t, header_repeated=True)):
                merged = stitch(blocks[-1].table, t)
                blocks[-1] = Block(kind="table", text=table_text(merged), location=merged.location, table=merged)
            else:
                blocks.append(Block(kind="table", text=table_text(t), location=t.location, table=t))
        else:
            prev_block = blocks[-1] if blocks else None
            if (isinstance(prev_item, _Para) and prev_item.page == it.page - 1 and prev_block is not None
                    and prev_block.kind == "paragraph" and not it.starts_marked
                    and _ends_open(prev_block.text) and _starts_lower(it.text)):
                prev_block.text = f"{prev_block.text} {it.text}"  # cut by the page break
            else:
                blocks.append(Block(kind="paragraph", text=it.text, location=it.location))
        prev_item = it
    for b in blocks:
        pages_of = {loc.page for loc in (b.table.row_locations if b.table else [])} | {b.location.page}
        scores = [confidence[p] for p in pages_of if p in confidence]
        if scores:
            b.ocr_confidence = min(scores)
    doc.blocks = blocks
    return doc

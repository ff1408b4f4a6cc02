"""PDF reports: the text layer through pypdfium2, ruled tables through camelot.

The text layer is read for every page (fast); camelot runs only on the pages that draw ruling
lines (``flavor="lattice"``, ``engine="vector"``: the lines are taken from the PDF's own vector
paths, no rendering), or, for a page whose text is laid out in columns without any ruling, with
``flavor="network"``. Each table keeps camelot's parsing report in :attr:`Table.quality`; a table
with accuracy below :data:`LOW_ACCURACY` is flagged, never dropped.

Paragraphs are the text-layer lines outside the tables, joined by vertical spacing, first-line
indent and numbering; a paragraph cut by a page break is put back together, and so is a table cut
into parts, by a page break or by its producer on one page (parts with nothing between them that
repeat the header or open without one on the same columns are stitched by
:func:`wardaudit.ingest.stitching.stitch`).
Locations are ``(file, page, line)`` with ``line`` the 1-based visual line on the page.

Word exports: running headers, footers and page numbers are dropped first
(:mod:`wardaudit.ingest.pdf.furniture`); which table parts are one table is
:func:`wardaudit.ingest.pdf.tables.mark_continuations`'s question. Scans: pages without a
text layer are OCR'd (:mod:`wardaudit.ingest.pdf.ocr`) and their tables read by camelot's image path.
The text layer itself is read by :mod:`wardaudit.ingest.pdf.layout`.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from wardaudit.errors import InputError
from wardaudit.ingest.pdf.furniture import furniture_lines
from wardaudit.ingest.pdf.inflate import refuse_bombs
from wardaudit.ingest.pdf.layout import Line, Run, columned, inside, page_runs, tabular_areas, visual_lines
from wardaudit.ingest.pdf.tables import PageTable, camelot_tables, mark_continuations, page_table
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, reader
from wardaudit.ingest.stitching import build_table, is_continuation, stitch
from wardaudit.ingest.text import _BULLET, _NUMBERED, _ends_open, _starts_lower, table_text
from wardaudit.model.document import Block, Document, Location

LOW_ACCURACY = 80.0
_APPENDIX_LINE = re.compile(r"^\s*(?:\d{1,2}\.\s*)?ph[ụu]\s*l[ụu]c\b", re.IGNORECASE)
_MIN_RULE_LENGTH = 8.0  # pt; shorter strokes are underlines of a glyph, bullets, ...


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
    lines: list[Line] = field(default_factory=list)
    tables: list[PageTable] = field(default_factory=list)


# --- opening ---------------------------------------------------------------------------------------
def _open(path: Path, shown: str, max_inflate_mb: int):
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
    refuse_bombs(path, shown, max_inflate_mb)  # before pdfium inflates anything
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


# --- paragraphs ------------------------------------------------------------------------------------
def _line_gap(lines: list[Line]) -> float:
    """The gap between two lines of one paragraph: the tightest gap that recurs on the page.

    (The median would be the paragraph spacing on a page of one-line paragraphs.)
    """
    gaps = sorted(round((a.bottom - b.top) * 2) / 2 for a, b in zip(lines, lines[1:], strict=False)
                  if -1 <= a.bottom - b.top < (a.top - a.bottom))
    for g, h in zip(gaps, gaps[1:], strict=False):
        if h - g <= 0.5:
            return h
    heights = [ln.top - ln.bottom for ln in lines]
    return 0.2 * statistics.median(heights)


def _ended_short(prev: Line, ln: Line, right: float) -> bool:
    """Did ``prev`` end a paragraph? A wrapped line fills the width but for less than the next
    line's first word; a line that stops earlier (a heading, a paragraph's last line) ended its
    paragraph. A line ending in a colon introduces what follows and is not counted."""
    text = ln.text
    if not text or prev.text.rstrip().endswith(":"):
        return False
    char = (ln.runs[0].x1 - ln.runs[0].x0) / max(1, len(ln.runs[0].text))
    first_word = len(text.split()[0]) * char
    return prev.runs[-1].x1 + char + first_word < right - 2 * char


def _paragraphs(page: _Page, lines: list[Line], file: str) -> list[_Para]:
    if not lines:
        return []
    left = statistics.median(sorted(round(ln.x0) for ln in lines))
    ends = sorted(ln.runs[-1].x1 for ln in lines)
    right = ends[int(0.9 * (len(ends) - 1))]  # the text's right margin (a few lines may overhang)
    usual_gap = _line_gap(lines)
    paras: list[_Para] = []
    prev: Line | None = None
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
    for page, m in zip(pages, marked, strict=False):
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


def _ocr_empty_pages(path: Path, shown: str, empty: list[int], all_runs: list[list[Run]], doc: Document,
                     cache_dir: Path | None, max_inflate_mb: int,
                     refresh_cache: bool = False) -> tuple[Path, dict[int, float]]:
    """OCR the pages without a text layer; their runs replaced by the OCR text. Returns the OCR'd
    PDF (camelot reads its scanned pages) and each OCR'd page's mean confidence."""
    import pypdfium2 as pdfium

    from wardaudit.ingest.pdf.ocr import LOW_CONFIDENCE, default_cache_dir, ocr_pages
    from wardaudit.ingest.readers import sha256_file

    result = ocr_pages(path, empty, shown, sha256=sha256_file(path), cache_dir=cache_dir or default_cache_dir(),
                       max_pixels=max_inflate_mb * (1 << 20) // 4, refresh=refresh_cache)
    if result.rebuilt:
        doc.notes.append("Bản OCR lưu trước không khớp với tệp, đã OCR lại / the cached OCR did not match the file "
                         "and was redone")
    pdf = pdfium.PdfDocument(str(result.pdf))
    try:
        for number in empty:
            textpage = pdf[number - 1].get_textpage()
            all_runs[number - 1] = page_runs(textpage)
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


def _text_layer(pdf, n_read: int, doc: Document) -> tuple[list[list[Run]], list[float], list[int]]:
    """Each page's runs and height, and the pages that draw ruling lines."""
    import pypdfium2 as pdfium

    all_runs: list[list[Run]] = []
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
        all_runs.append(page_runs(textpage))
        heights.append(page.get_height())
        if _has_rulings(page):
            ruled.append(k + 1)
        textpage.close()
        page.close()
    return all_runs, heights, ruled


def _find_tables(path: Path, ocr_pdf: Path, pages: list[_Page], ruled: list[int], scanned: list[int],
                 doc: Document) -> list[tuple[object, str]]:
    """camelot on the pages that need it: vector ruling, the image path for scans, text alignment."""
    try:
        found = [(ct, "lattice") for ct in camelot_tables(path, ruled, "lattice")]
        # scanned pages: camelot's image path (the page rendered, ruling lines found by OpenCV)
        found += [(ct, "lattice-image") for ct in camelot_tables(
            ocr_pdf, [p for p in scanned if columned(pages[p - 1].lines)], "lattice-image")]
        for p in pages:
            areas = tabular_areas(p.lines) if p.number not in ruled and p.number not in scanned else []
            if areas:  # columns of text without ruling: camelot's text-alignment parser
                found += [(ct, "network") for ct in camelot_tables(path, [p.number], "network", table_areas=areas)]
    except Exception as e:  # camelot failing on one odd page must not lose the text
        found = []
        doc.notes.append(f"Không tách được bảng: {e} / table extraction failed: {e}")
    return found


def _page_items(page: _Page, boxes: list, shown: str) -> list[_Para | PageTable]:
    """A page's paragraphs (lines outside the tables) and tables, top to bottom."""
    kept: list[Line] = []
    for ln in page.lines:
        runs = [r for r in ln.runs if not any(inside(r, b) for b in boxes)]
        if runs:
            kept.append(Line(number=ln.number, runs=runs))
    placed: list[tuple[float, int, _Para | PageTable]] = []
    line_tops = {ln.number: ln.top for ln in kept}
    for para in _paragraphs(page, kept, shown):
        placed.append((-line_tops[para.location.line], 0, para))
    for pt in page.tables:
        placed.append((-pt.top, 1, pt))
    placed.sort(key=lambda x: (x[0], x[1]))
    return [p[2] for p in placed]


def _table_block(it: PageTable, blocks: list[Block], prev_item: object, doc: Document) -> None:
    t = build_table(it.raw)
    t.low_confidence = bool(it.raw.quality and it.raw.quality.get("accuracy", 100) < LOW_ACCURACY)
    if t.low_confidence:
        doc.notes.append(f"Bảng ở trang {it.page} có độ chính xác thấp "
                         f"({it.raw.quality.get('accuracy')}%), cần kiểm tra lại / "
                         f"low-confidence table on page {it.page}")
    if not t.header and not t.rows:
        return
    if (it.header_repeated and isinstance(prev_item, PageTable) and blocks and blocks[-1].kind == "table"
            and is_continuation(blocks[-1].table, t, header_repeated=True)):
        merged = stitch(blocks[-1].table, t)
        blocks[-1] = Block(kind="table", text=table_text(merged), location=merged.location, table=merged)
    else:
        blocks.append(Block(kind="table", text=table_text(t), location=t.location, table=t))


def _blocks(items: list[_Para | PageTable], doc: Document, confidence: dict[int, float]) -> list[Block]:
    """Paragraphs and tables as blocks; what a page break cut is put back together."""
    blocks: list[Block] = []
    prev_item: _Para | PageTable | None = None
    for it in items:
        if isinstance(it, PageTable):
            _table_block(it, blocks, prev_item, doc)
        else:
            prev_block = blocks[-1] if blocks else None
            if (isinstance(prev_item, _Para) and prev_item.page == it.page - 1 and prev_block is not None
                    and prev_block.kind == "paragraph" and not it.starts_marked
                    and _ends_open(prev_block.text) and _starts_lower(it.text)):
                prev_block.text = f"{prev_block.text} {it.text}"  # cut by the page break
            else:
                blocks.append(Block(kind="paragraph", text=it.text, location=it.location))
        prev_item = it
    for b in blocks:  # a block read by OCR carries its page's (or its pages' lowest) confidence
        pages_of = {loc.page for loc in (b.table.row_locations if b.table else [])} | {b.location.page}
        scores = [confidence[p] for p in pages_of if p in confidence]
        if scores:
            b.ocr_confidence = min(scores)
    return blocks


@reader(".pdf")
def read_pdf(path: Path, *, display_path: str, max_pages: int, cache_dir: Path | None = None,
             max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, refresh_cache: bool = False, **_: object) -> Document:
    """Read a PDF report into a :class:`Document` (blocks in reading order, tables stitched).

    A file whose streams inflate past ``max_inflate_mb`` is refused while they are decoded, before
    pdfium opens it (:mod:`wardaudit.ingest.pdf.inflate`). Pages without a text layer are OCR'd
    (:mod:`wardaudit.ingest.pdf.ocr`, cached under ``cache_dir``, OCR'd again with ``refresh_cache``);
    blocks read from them carry the page's mean OCR confidence.
    """
    shown = display_path
    pdf = _open(path, shown, max_inflate_mb)
    doc = Document(source=shown, format="pdf", sha256="")
    try:
        total = len(pdf)
        n_read = min(total, max_pages) if max_pages else total
        if total > n_read:
            doc.notes.append(f"Chỉ đọc {n_read}/{total} trang, bỏ qua {total - n_read} trang / "
                             f"read {n_read} of {total} pages, {total - n_read} skipped (max_pages)")
        all_runs, heights, ruled = _text_layer(pdf, n_read, doc)
    finally:
        pdf.close()
    doc.pages = total

    empty = [k + 1 for k, runs in enumerate(all_runs) if not runs]
    ocr_pdf, confidence = path, {}
    if empty:
        ocr_pdf, confidence = _ocr_empty_pages(path, shown, empty, all_runs, doc, cache_dir, max_inflate_mb,
                                               refresh_cache)
    still = [k + 1 for k, runs in enumerate(all_runs) if not runs]
    if n_read and len(still) == n_read:
        raise InputError(f"{shown}: không có lớp văn bản, OCR không đọc được chữ nào (trang {_page_ranges(still)}) / "
                         f"no text layer: OCR found no text (pages {_page_ranges(still)})", path=shown)
    if still:
        doc.notes.append(f"Trang {_page_ranges(still)} không có chữ đọc được (kể cả bằng OCR) / "
                         f"pages {_page_ranges(still)} have no readable text, even by OCR")

    pages = [_Page(number=k + 1, lines=visual_lines(runs)) for k, runs in enumerate(all_runs)]
    _drop_furniture(pages, heights, doc)
    found = _find_tables(path, ocr_pdf, pages, ruled, [p for p in empty if p not in still], doc)
    for ct, flavor in found:
        page = pages[ct.page - 1]
        page.tables.append(page_table(ct, page.number, page.lines, shown, flavor))
    items: list[_Para | PageTable] = []
    for page in pages:
        items.extend(_page_items(page, [ct._bbox for ct, _ in found if ct.page == page.number], shown))
    mark_continuations(items)
    doc.blocks = _blocks(items, doc, confidence)
    return doc

"""Render the seed reports that carry tables as PDF and DOCX, the way offices send them.

The renderings are fixtures for the PDF and DOCX readers: the text form is read with
``wardaudit.ingest.read_document`` and written back as

* a PDF (reportlab platypus, DejaVu Sans from matplotlib's bundled fonts, A4 portrait) with ruled
  tables whose header rows repeat when a table breaks across pages, multi-row headers drawn as
  two or three header rows with spanning cells;
* a DOCX (python-docx) with ``Heading N`` styles and native tables, header rows marked
  ``w:tblHeader``, tables that the text form found cut by a page break written as two tables with
  the header repeated.

Output is byte-for-byte deterministic (fixed dates, fixed zip timestamps), so re-running the
script over unchanged inputs leaves git clean.

Usage: ``.venv/bin/python scripts/render_samples.py [OUT_DIR]``
(default ``tests/fixtures/renderings``).
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = {
    "trung-thanh": ROOT / "data/raw/trung-thanh/000_faad2a6d99a2e313.txt",
    "vinh-thong": ROOT / "data/raw/vinh-thong/004_94104b2cdd07920c.md",
}
DEFAULT_OUT = ROOT / "tests/fixtures/renderings"
FIXED_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)
HEADER_SEP = " / "  # how wardaudit.ingest.stitching.join_header_rows joins header levels

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


# --- header levels (shared by both renderings) ---------------------------------------------------
def header_grid(header: list[str]) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Split a joined header (``"Top / Sub"``) back into header rows.

    Returns the rows and the merged regions as ``(row0, col0, row1, col1)`` (inclusive). A top cell
    shared by neighbouring columns spans them; a column with fewer levels spans down.
    """
    parts = [h.split(HEADER_SEP) if h else [""] for h in header]
    levels = max(len(p) for p in parts)
    if levels == 1:
        return [list(header)], []
    grid = [[p[lvl] if lvl < len(p) else "" for p in parts] for lvl in range(levels)]
    spans: list[tuple[int, int, int, int]] = []
    for lvl in range(levels - 1):
        j = 0
        while j < len(parts):
            k = j
            while (k + 1 < len(parts) and len(parts[j]) > lvl + 1 and len(parts[k + 1]) > lvl + 1
                   and parts[k + 1][:lvl + 1] == parts[j][:lvl + 1]):
                k += 1
            if k > j:
                for c in range(j + 1, k + 1):
                    grid[lvl][c] = ""
                spans.append((lvl, j, lvl, k))
            j = k + 1
    for j, p in enumerate(parts):
        if len(p) < levels:
            spans.append((len(p) - 1, j, levels - 1, j))
    return grid, spans


def group_row(row: list[str]) -> bool:
    """A row whose only text is a long label in the first cell (a group title spanning the row)."""
    return bool(row) and len(row[0]) > 12 and not any(row[1:])


def split_point(table) -> int | None:
    """Where the text form found the table cut by a page break (first row of the second part)."""
    if table.parts < 2 or len(table.rows) < 2:
        return None
    return len(table.rows) // 2


# --- PDF -------------------------------------------------------------------------------------------
def _register_fonts() -> None:
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(ttf / file)))


def _column_widths(rows: list[list[str]], font_size: float, available: float) -> list[float]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    n = max(len(r) for r in rows)
    pad = 14.0  # reportlab cells have 6 pt padding on each side
    longest = [0.0] * n
    total = [0.0] * n
    for r in rows:
        for j, c in enumerate(r):
            if not c:
                continue
            words = c.split()
            longest[j] = max(longest[j], max(stringWidth(w, FONT_BOLD, font_size) for w in words) + pad)
            total[j] = max(total[j], stringWidth(c, FONT, font_size) + pad)
    minimum = [max(18.0, w) for w in longest]
    if sum(minimum) >= available:
        return [available * m / sum(minimum) for m in minimum]
    widths = list(minimum)
    spare = available - sum(widths)
    want = [max(0.0, t - m) for t, m in zip(total, minimum, strict=False)]
    if sum(want) <= spare:
        widths = [m + w for m, w in zip(minimum, want, strict=False)]
        extra = (available - sum(widths)) / n
        return [w + extra for w in widths]
    # share the spare width in proportion to the square root of what each column wants
    weights = [w ** 0.5 for w in want]
    return [m + spare * w / sum(weights) for m, w in zip(minimum, weights, strict=False)]


def _pdf_table(table, available: float):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    header_rows, spans = header_grid(table.header)
    n_cols = max(len(table.header), max((len(r) for r in table.rows), default=0))
    size = 8.0 if n_cols <= 8 else 6.5
    body_style = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.25)
    head_style = ParagraphStyle("head", parent=body_style, fontName=FONT_BOLD, alignment=1)
    grid_text = [list(r) + [""] * (n_cols - len(r)) for r in header_rows + table.rows]
    widths = _column_widths(grid_text, size, available)
    data = []
    for i, r in enumerate(grid_text):
        style = head_style if i < len(header_rows) else body_style
        data.append([Paragraph(escape(c), style) if c else "" for c in r])
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, len(header_rows) - 1), "MIDDLE"),
        ("VALIGN", (0, len(header_rows)), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]
    for r0, c0, r1, c1 in spans:
        commands.append(("SPAN", (c0, r0), (c1, r1)))
    for i, r in enumerate(table.rows):
        if group_row(r):
            commands.append(("SPAN", (0, len(header_rows) + i), (-1, len(header_rows) + i)))
    return RLTable(data, colWidths=widths, repeatRows=len(header_rows), style=TableStyle(commands))


def render_pdf(doc, out: Path) -> None:
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    rl_config.invariant = 1  # no creation date, no random document id
    _register_fonts()
    margin = 56.0
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=12.5, spaceAfter=5)
    heading = ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, spaceBefore=4)
    pdf = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, invariant=1,
                            title=f"Rendering of {doc.source}", author="wardaudit render_samples",
                            creator="wardaudit render_samples", producer="reportlab",
                            subject="test fixture")
    available = A4[0] - 2 * margin
    story = []
    for b in doc.blocks:
        if b.kind == "table":
            story.append(Spacer(1, 4))
            story.append(_pdf_table(b.table, available))
            story.append(Spacer(1, 8))
        elif b.text.strip():
            text = "<br/>".join(escape(line) for line in b.text.split("\n"))
            story.append(Paragraph(text, heading if b.kind == "heading" else body))
    pdf.build(story)


# --- DOCX ------------------------------------------------------------------------------------------
def _mark_header_row(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _docx_table(document, header: list[str], rows: list[list[str]]) -> None:
    header_rows, spans = header_grid(header)
    n_cols = max(len(header), max((len(r) for r in rows), default=0))
    all_rows = [list(r) + [""] * (n_cols - len(r)) for r in header_rows + rows]
    t = document.add_table(rows=len(all_rows), cols=n_cols)
    t.style = "Table Grid"
    merges = list(spans) + [(len(header_rows) + i, 0, len(header_rows) + i, n_cols - 1)
                            for i, r in enumerate(rows) if group_row(r)]
    for r0, c0, r1, c1 in merges:
        t.cell(r0, c0).merge(t.cell(r1, c1))
    for i, r in enumerate(all_rows):
        for j, text in enumerate(r):
            if not text:
                continue
            cell = t.cell(i, j)
            cell.text = text
            if i < len(header_rows):
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    for i in range(len(header_rows)):
        _mark_header_row(t.rows[i])


def _page_break(document) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(doc, out: Path) -> None:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.author = "wardaudit render_samples"
    props.last_modified_by = "wardaudit render_samples"
    props.title = f"Rendering of {doc.source}"
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    for b in doc.blocks:
        if b.kind == "table":
            t = b.table
            cut = split_point(t)
            if cut is None:
                _docx_table(document, t.header, t.rows)
            else:  # as Word leaves a table that someone cut at a page break
                _docx_table(document, t.header, t.rows[:cut])
                _page_break(document)
                _docx_table(document, t.header, t.rows[cut:])
            document.add_paragraph()
        elif b.text.strip():
            if b.kind == "heading":
                level = min(max((b.level or 0) + 1, 1), 9)
                document.add_heading(b.text, level=level)
            else:
                document.add_paragraph(b.text)
    buf = io.BytesIO()
    document.save(buf)
    out.write_bytes(_fixed_zip(buf.getvalue()))


# --- entry point -----------------------------------------------------------------------------------
def render_all(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    from wardaudit.ingest import read_document

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for slug, src in SAMPLES.items():
        doc = read_document(src, display_path=str(src.relative_to(ROOT)))
        for suffix, render in ((".pdf", render_pdf), (".docx", render_docx)):
            target = out_dir / f"{slug}{suffix}"
            render(doc, target)
            written.append(target)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for path in render_all(out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

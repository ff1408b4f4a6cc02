"""PDF fixtures typeset by another producer than LibreOffice: reportlab, with Word-like ruled tables.

Each file goes to ``tests/fixtures/renderings/reportlab/``:

* ``vinh-thong-cut.pdf``: seed 004 with every table typeset as its text form cuts it, one ruled
  table per part, the parts one after the other (so two tables of one appendix share a page, the
  second opening with the rest of the row the cut broke). The header rows repeat when reportlab
  carries a table over a page and a row may break at the page end (``splitInRow``).
* ``vinh-thong-row-break.pdf``: seed 004 with every table whole; appendix 1 starts on a page of its
  own, placed so that the page ends inside its row 10, whose rest is carried to the next page under
  the repeated header.
* ``stitch-cases.pdf``: a short report written for this fixture: two tables of different
  appendices on one page with the appendix heading between them; two unrelated tables (different
  headers, same columns) with nothing between them; one table drawn in four parts on one page (the
  header repeated, or left out), whose parts open with the rest of a row cut in the middle of a
  sentence, a row after one that ends with a full stop, and a row with figures of its own, each
  with an empty number cell.

The font is DejaVu Serif from the Debian package fonts-dejavu-core (``make system-deps``), which
covers Vietnamese; nothing is downloaded. Output is byte-for-byte deterministic (``invariant``:
no creation date, no random document id), so re-running over unchanged inputs leaves git clean.

Usage: ``.venv/bin/python scripts/render_reportlab.py [OUT_DIR]``
"""
from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_samples import group_row, header_grid  # noqa: E402  (same header levels)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests/fixtures/renderings/reportlab"
SEED = ROOT / "data/raw/vinh-thong/004_94104b2cdd07920c.md"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, FONT_BOLD = "DejaVuSerif", "DejaVuSerif-Bold"
MARGIN = 56.0  # pt, about 2 cm
FRAME_PADDING = 6.0  # reportlab's default Frame padding, on each side
TABLE_SIZE = 9.5  # pt; 8 pt in tables of more than five columns
BREAK_ROW = ("1", "10.")  # vinh-thong-row-break.pdf: (appendix, row key) the page end falls in


# --- typesetting -----------------------------------------------------------------------------------
def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in ((FONT, "DejaVuSerif.ttf"), (FONT_BOLD, "DejaVuSerif-Bold.ttf")):
        path = FONT_DIR / file
        if not path.exists():
            raise SystemExit(f"{path} not found: run 'make system-deps' (apt-get install fonts-dejavu-core)")
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))


def _styles(size: float = TABLE_SIZE) -> dict:
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=14, spaceAfter=4)
    return {
        "body": body,
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, spaceBefore=4),
        # appendix titles: no space around them, so their height is known before layout
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, alignment=1, spaceAfter=0),
        # a cell's text may leave one line at a page end and carry the rest (a row broken by the page)
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.25,
                               allowOrphans=1, allowWidows=1),
        "head": ParagraphStyle("head", fontName=FONT_BOLD, fontSize=size, leading=size * 1.25,
                               alignment=1),
    }


def _widths(n_cols: int, available: float) -> list[float]:
    """Word-like column widths: a narrow number column, a wide text column, the rest shared."""
    if n_cols <= 2:
        return [available * 0.12, available * 0.88][:n_cols]
    number, text = available * 0.09, available * (0.40 if n_cols <= 5 else 0.28)
    rest = (available - number - text) / (n_cols - 2)
    return [number, text] + [rest] * (n_cols - 2)


def ruled_table(header: list[str], rows: list[list[str]], available: float, *, header_shown: bool = True,
                widths: list[float] | None = None):
    """A ruled table: header rows bold and repeated on each page, rows allowed to break at a page end."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    header_rows, spans = header_grid(header) if header_shown else ([], [])
    n_cols = max([len(header)] + [len(r) for r in rows])
    styles = _styles(TABLE_SIZE if n_cols <= 5 else 8.0)
    grid = [list(r) + [""] * (n_cols - len(r)) for r in header_rows + rows]
    data = [[Paragraph(escape(c), styles["head" if i < len(header_rows) else "cell"]) if c else ""
             for c in r] for i, r in enumerate(grid)]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                # reportlab leaves a row broken by the page end open on both pages; Word closes it
                ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.5, colors.black),
                ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), 0.5, colors.black)]
    commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]
    commands += [("SPAN", (0, len(header_rows) + i), (-1, len(header_rows) + i))
                 for i, r in enumerate(rows) if group_row(r)]
    return RLTable(data, colWidths=widths or _widths(n_cols, available), repeatRows=len(header_rows),
                   splitByRow=0, splitInRow=1, style=TableStyle(commands))


def _document(out: Path, title: str):
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    rl_config.invariant = 1  # no creation date, no random document id
    _register_fonts()
    return SimpleDocTemplate(str(out), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                             bottomMargin=MARGIN, invariant=1, title=title, author="wardaudit render_reportlab",
                             creator="wardaudit render_reportlab", producer="reportlab", subject="test fixture")


def _frame_size(pdf) -> tuple[float, float]:
    return pdf.width - 2 * FRAME_PADDING, pdf.height - 2 * FRAME_PADDING


def _paragraph(text: str, style):
    from reportlab.platypus import Paragraph

    return Paragraph("<br/>".join(escape(line) for line in text.split("\n")), style)


# --- seed 004 --------------------------------------------------------------------------------------
def table_parts(table, lines: list[str], file: str) -> list:
    """The parts of a stitched table as its text form cut it: each run of pipe lines from the
    table's first line to its last row, read as its own table."""
    from wardaudit.ingest.stitching import RawTable, build_table
    from wardaudit.model.document import Location

    first = table.location.line
    last = max(loc.line for loc in table.row_locations)
    parts, run = [], []
    for k in range(first - 1, last):
        if lines[k].lstrip().startswith("|"):
            run.append(k)
        elif run:
            parts.append(run)
            run = []
    if run:
        parts.append(run)
    out = []
    for run in parts:
        cells = [[c.strip() for c in lines[k].strip().strip("|").split("|")] for k in run]
        locs = [Location(file, None, k + 1) for k in run]
        out.append(build_table(RawTable(cells=cells, location=locs[0], row_locations=locs, header_rows=1)))
    return out


def _seed_story(doc, available: float, table_flowables) -> list:
    from reportlab.platypus import PageBreak, Spacer

    styles = _styles()
    story: list = []
    for i, b in enumerate(doc.blocks):
        if b.kind == "table":
            story += table_flowables(i, b.table)
            story.append(Spacer(1, 10))
        elif b.text.strip():
            if b.appendix and (i == 0 or doc.blocks[i - 1].appendix != b.appendix):
                story.append(PageBreak())  # each appendix starts a page
            style = styles["heading"] if b.kind == "heading" else styles["body"]
            story.append(_paragraph(b.text, style))
    return story


def render_cut(out: Path) -> None:
    """Seed 004, every table as its text form cut it (vinh-thong-cut.pdf)."""
    from reportlab.platypus import Spacer

    from wardaudit.ingest import read_document

    shown = str(SEED.relative_to(ROOT))
    doc = read_document(SEED, display_path=shown)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    pdf = _document(out, f"Rendering of {shown} (tables as cut)")
    available, _ = _frame_size(pdf)

    def parts(_, table) -> list:
        flow: list = []
        for part in table_parts(table, lines, shown):
            flow += [ruled_table(part.header, part.rows, available), Spacer(1, 6)]
        return flow[:-1]

    pdf.build(_seed_story(doc, available, parts))


def _break_spacer(table, available: float, room: float, key: str) -> float:
    """The space to put above ``table`` at the top of a page so that the page ends inside the row
    whose first cell is ``key``, after its first line."""
    t = ruled_table(table.header, table.rows, available)
    t.wrap(available, 10_000)
    n_header = len(header_grid(table.header)[0])
    index = n_header + next(i for i, r in enumerate(table.rows) if r[0] == key)
    above = sum(t._rowHeights[:index])
    first_line = 3 + TABLE_SIZE * 1.25 + 1  # the cell's top padding, one line, a point to spare
    return room - above - first_line


def render_row_break(out: Path) -> None:
    """Seed 004, every table whole, the page ending inside appendix 1's row 10 (vinh-thong-row-break.pdf)."""
    from reportlab.platypus import Spacer

    from wardaudit.ingest import read_document

    shown = str(SEED.relative_to(ROOT))
    doc = read_document(SEED, display_path=shown)
    appendices = {i: b.appendix for i, b in enumerate(doc.blocks) if b.kind == "table"}  # read_document annotates
    pdf = _document(out, f"Rendering of {shown} (a row broken by the page end)")
    available, height = _frame_size(pdf)
    styles = _styles()

    def whole(i, table) -> list:
        if appendices.get(i) != BREAK_ROW[0]:
            return [ruled_table(table.header, table.rows, available)]
        # the appendix's title paragraphs are already on the page: measure them, then place the table
        title_height = _appendix_title_height(doc, i, available, styles)
        room = height - title_height
        return [Spacer(1, _break_spacer(table, available, room, BREAK_ROW[1])),
                ruled_table(table.header, table.rows, available)]

    pdf.build(_seed_story(doc, available, whole))


def _appendix_title_height(doc, index: int, available: float, styles) -> float:
    """Height of the paragraphs between the appendix's first block and its table ``index``."""
    start = index
    while start > 0 and doc.blocks[start - 1].appendix == doc.blocks[index].appendix:
        start -= 1
    total = 0.0
    for k, b in enumerate(doc.blocks[start:index]):
        style = styles["heading"] if b.kind == "heading" else styles["body"]
        p = _paragraph(b.text, style)
        _, h = p.wrap(available, 10_000)
        before = style.spaceBefore if k else 0.0  # a frame drops the space before its first flowable
        total += before + h + style.spaceAfter
    return total


# --- stitch cases ----------------------------------------------------------------------------------
HEADER_A = ["STT", "Nội dung", "Đơn vị tính", "Kết quả"]
HEADER_B = ["Mã", "Tên thôn, tổ dân phố", "Số hộ", "Tỷ lệ (%)"]


def _cases_story(available: float) -> list:
    from reportlab.platypus import PageBreak, Spacer

    styles = _styles()
    para = lambda text, style="body": _paragraph(text, styles[style])  # noqa: E731
    widths = _widths(4, available)
    table = lambda header, rows, **kw: ruled_table(header, rows, available, widths=widths, **kw)  # noqa: E731
    return [
        para("BÁO CÁO THỬ NGHIỆM CÁCH DÀN TRANG BẢNG", "title"), Spacer(1, 8),
        para("Báo cáo này chỉ dùng để kiểm tra việc ghép bảng khi đọc tệp PDF."),
        para("Phụ lục 1", "heading"),
        para("KẾT QUẢ TRIỂN KHAI CÁC NỀN TẢNG SỐ", "title"), Spacer(1, 6),
        table(HEADER_A, [["1.", "Số tài khoản định danh điện tử được kích hoạt", "tài khoản", "1.240"],
                         ["2.", "Số hộ kinh doanh dùng thanh toán không tiền mặt", "hộ", "86"],
                         ["3.", "Số camera giám sát an ninh được lắp mới", "chiếc", "14"]]),
        Spacer(1, 10),
        para("Phụ lục 2", "heading"),
        para("KẾT QUẢ ĐÀO TẠO KỸ NĂNG SỐ", "title"), Spacer(1, 6),
        table(HEADER_A, [["I", "Đào tạo cho người dân", "", ""],
                         ["1.", "Số lớp tập huấn kỹ năng số cho người dân", "lớp", "6"],
                         ["2.", "Số lượt người tham dự các lớp tập huấn", "lượt", "418"]]),
        PageBreak(),
        para("Phụ lục 3", "heading"),
        para("HẠ TẦNG VÀ THÔN, TỔ DÂN PHỐ", "title"), Spacer(1, 6),
        table(HEADER_A, [["1.", "Số điểm phát wifi công cộng miễn phí", "điểm", "9"],
                         ["2.", "Số trạm thu phát sóng được nâng cấp", "trạm", "3"]]),
        Spacer(1, 6),
        table(HEADER_B, [["A", "Thôn Đồng Tâm", "312", "97,4"], ["B", "Thôn Tân Lập", "288", "95,1"]]),
        Spacer(1, 10),
        para("Phụ lục 4", "heading"),
        para("CHUYỂN ĐỔI SỐ TRONG CƠ QUAN XÃ", "title"), Spacer(1, 6),
        table(HEADER_A, [["1.", "Số văn bản đi được ký số và gửi trên hệ thống quản lý văn bản", "văn bản",
                          "2.315"],
                         ["2.", "Hồ sơ công việc được lập và lưu trữ hoàn toàn trên môi trường", "%", "92"]]),
        Spacer(1, 6),
        table(HEADER_A, [["", "điện tử của cơ quan", "", ""],
                         ["3.", "Cuộc họp trực tuyến đã tổ chức trong kỳ. Hệ thống vận hành ổn định.", "cuộc",
                          "11"]]),
        Spacer(1, 6),
        table(HEADER_A, [["", "Đề nghị cấp trên hỗ trợ thêm thiết bị đầu cuối", "", ""],
                         ["4.", "Số cán bộ, công chức được cấp chữ ký số cá nhân", "người", "27"]],
              header_shown=False),
        Spacer(1, 6),
        table(HEADER_A, [["", "Trong đó: công chức chuyên trách", "người", "4"],
                         ["5.", "Số thủ tục hành chính có phát sinh hồ sơ trực tuyến", "thủ tục", "64"]]),
    ]


def render_cases(out: Path) -> None:
    """The written-for-the-purpose report of table layouts (stitch-cases.pdf)."""
    pdf = _document(out, "Table layouts for the PDF reader")
    available, _ = _frame_size(pdf)
    pdf.build(_cases_story(available))


# --- entry point -----------------------------------------------------------------------------------
RENDERINGS = {"vinh-thong-cut.pdf": render_cut, "vinh-thong-row-break.pdf": render_row_break,
              "stitch-cases.pdf": render_cases}


def render_all(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in RENDERINGS.items():
        render(out_dir / name)
        written.append(out_dir / name)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for path in render_all(out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, path.stat().st_size)

"""Render every seed the way a ward office sends it: written in Word, exported to PDF.

For each seed in data/raw/ the text form is read with ``wardaudit.ingest.read_document`` and
written back as a .docx (python-docx) that has

* a running header (the unit and the report's title, on every page);
* a footer ``Trang N`` with a Word ``PAGE`` field;
* each table as one Word table, its header rows marked ``w:tblHeader`` (repeated on each page)
  and its rows allowed to break across pages;

then exported by LibreOffice headless with a throw-away user profile to PDF (``--convert-to pdf``),
to legacy Word (``.doc``) and to OpenDocument (``.odt``): what offices also send. What LibreOffice
stamps is pinned (the PDF's creation date and ID; the .odt's zip dates and its random revision ids;
the .doc carries the .docx's fixed dates), so a re-run over unchanged inputs leaves git clean. All
go to ``tests/fixtures/renderings/office/``. Scans of the exports are made at test time
(:func:`scan_pdf`), not committed.

Usage: ``.venv/bin/python scripts/render_office.py [OUT_DIR]``
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_samples import FIXED_DATE, _docx_table, _fixed_zip  # noqa: E402  (same table layout)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests/fixtures/renderings/office"
_PLACE_LINE = re.compile(r"^(?P<place>[^,]{2,40}), ngày\b")


def seeds() -> dict[str, Path]:
    """Every seed's text form under data/raw/, by ward folder."""
    out = {}
    for folder in sorted((ROOT / "data/raw").iterdir()):
        files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))
        if files:
            out[folder.name] = files[0]
    return out


def running_header(doc) -> str:
    """'UBND <place> - <report title>' from the report's own opening lines."""
    place, title = "", ""
    for b in doc.blocks[:12]:
        m = _PLACE_LINE.match(b.text.strip())
        if m and not place:
            place = m.group("place").strip()
        if b.text.strip().upper().startswith("BÁO CÁO") and not title:
            title = "Báo cáo"
    return f"UBND {place} - {title or 'Báo cáo'} thực hiện Nghị quyết 57-NQ/TW"


def _field(paragraph, instruction: str) -> None:
    """Append a Word field (``PAGE``, ``NUMPAGES``) to a paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def render_docx(doc, out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    props = document.core_properties
    props.author = props.last_modified_by = "wardaudit render_office"
    props.title = f"Office rendering of {doc.source}"
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    style = document.styles["Normal"]
    style.font.name = "DejaVu Serif"
    style.font.size = Pt(11)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    head = section.header.paragraphs[0]
    head.text = running_header(doc)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Trang ")
    _field(foot, "PAGE")
    for b in doc.blocks:
        if b.kind == "table":
            # one Word table, however the text form was cut: Word repeats the header rows
            # (w:tblHeader) and, with no w:cantSplit, lets a long row break across the page
            _docx_table(document, b.table.header, b.table.rows)
            document.add_paragraph()
        elif b.text.strip():
            if b.kind == "heading":
                document.add_heading(b.text, level=min(max((b.level or 0) + 1, 1), 9))
            else:
                document.add_paragraph(b.text)
    buf = io.BytesIO()
    document.save(buf)
    out.write_bytes(_fixed_zip(buf.getvalue()))


def export(docx_path: Path, out_dir: Path, fmt: str = "pdf") -> Path:
    """LibreOffice headless export to ``fmt`` (pdf, doc, odt), with a throw-away profile (no user
    settings leak in)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: run 'make system-deps'")
    with tempfile.TemporaryDirectory(prefix="wardaudit-lo-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", fmt, "--outdir", str(out_dir), str(docx_path)],
                       check=True, capture_output=True, timeout=300)
    return out_dir / f"{docx_path.stem}.{fmt}"


def export_pdf(docx_path: Path, out_dir: Path) -> Path:
    return export(docx_path, out_dir, "pdf")


_RSID = re.compile(rb'(config:name="Rsid(?:Root)?" config:type="int">)\d+')


def pin_odt(odt_path: Path) -> None:
    """Make LibreOffice's .odt repeatable: every zip entry dated :data:`FIXED_DATE` (the ``mimetype``
    entry first and stored, as OpenDocument requires) and the random revision ids in settings.xml fixed."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(odt_path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "settings.xml":
                body = _RSID.sub(rb"\g<1>1", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, body)
    odt_path.write_bytes(out.getvalue())


_CREATION = re.compile(rb"/CreationDate\(D:\d{14}")
_DOC_ID = re.compile(rb"<[0-9A-F]{32}>")
_CHECKSUM = re.compile(rb"/DocChecksum /[0-9A-F]{32}")


def pin_pdf(pdf_path: Path, seed: bytes) -> None:
    """Make LibreOffice's export byte-for-byte repeatable: the creation date fixed and the document
    ID and checksum derived from the .docx (same lengths, so the cross-reference offsets stay right)."""
    import hashlib

    data = pdf_path.read_bytes()
    data = _CREATION.sub(b"/CreationDate(D:" + FIXED_DATE.strftime("%Y%m%d%H%M%S").encode(), data)
    doc_id = b"<" + hashlib.md5(seed).hexdigest().upper().encode() + b">"
    data = _DOC_ID.sub(doc_id, data)
    data = _CHECKSUM.sub(b"/DocChecksum /" + doc_id[1:-1], data)
    pdf_path.write_bytes(data)


def scan_pdf(pdf_path: Path, out: Path, *, dpi: int = 150, angle: float = 0.7) -> Path:
    """A scan of a PDF: each page rasterised in greyscale, turned by ``angle`` degrees, and saved
    as an image-only PDF (no text layer)."""
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    try:
        for page in pdf:
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            images.append(img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255))
            page.close()
    finally:
        pdf.close()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out


def render_all(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    from wardaudit.ingest import read_document

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for slug, src in seeds().items():
        doc = read_document(src, display_path=str(src.relative_to(ROOT)))
        target = out_dir / f"{slug}.docx"
        render_docx(doc, target)
        pdf = export_pdf(target, out_dir)
        pin_pdf(pdf, target.read_bytes())
        doc_file = export(target, out_dir, "doc")
        odt = export(target, out_dir, "odt")
        pin_odt(odt)
        written += [target, pdf, doc_file, odt]
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for path in render_all(out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, path.stat().st_size)

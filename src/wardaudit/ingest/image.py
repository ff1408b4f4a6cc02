"""Photos and scans of pages (.jpg, .jpeg, .png, .tif, .tiff): through the same OCR path as a scanned PDF.

The image (each frame of a multi-page TIFF a page) is wrapped, losslessly where the format allows,
in an image-only PDF kept in the OCR cache under the image's SHA-256; the PDF reader then OCRs it
(:mod:`wardaudit.ingest.pdf.ocr`: ocrmypdf, Tesseract ``vie``, cached by hash, the same confidence
notes) and reads its tables with camelot's image path. Before any pixel is decoded the image's
declared size is checked against the same limit as a scanned page (``max_inflate_mb`` at 4 bytes a
pixel); an image without a resolution is taken to be an A4 page, which is what a phone photo of a
report is.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from wardaudit.errors import InputError
from wardaudit.ingest.pdf import read_pdf
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, DEFAULT_MAX_PAGES, cache_folder, reader, sha256_file
from wardaudit.model.document import Document

SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
A4_LONG_SIDE_IN = 11.69
_FIXED = time.gmtime(1_767_225_600)  # 2026-01-01, the wrapper PDF's dates: the same image, the same bytes


def _open(path: Path, shown: str):
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise InputError(f"{shown}: tệp ảnh bị hỏng hoặc không phải ảnh / damaged file or not an image "
                         f"({type(e).__name__})", path=shown) from None


def _frames(img, shown: str, max_pages: int, max_pixels: int) -> list:
    """Each frame (page) decoded, after its declared size passed the pixel limit."""
    from PIL import ImageOps

    pages = []
    for k in range(min(getattr(img, "n_frames", 1), max_pages or 1)):
        img.seek(k)
        w, h = img.size
        if w * h > max_pixels:
            raise InputError(f"{shown}: ảnh trang {k + 1} quá lớn để OCR ({w * h / 1e6:.0f} triệu điểm ảnh > "
                             f"{max_pixels / 1e6:.0f}) / page {k + 1} image too large to OCR "
                             f"({w * h / 1e6:.0f} MP > {max_pixels / 1e6:.0f} MP; raise max_inflate_mb)", path=shown)
        frame = ImageOps.exif_transpose(img.copy())  # a phone photo is stored sideways, with a rotation tag
        if frame.mode not in ("1", "L", "RGB"):
            frame = frame.convert("RGB" if "A" in frame.mode or frame.mode in ("P", "CMYK") else "L")
        pages.append(frame)
    return pages


def _wrap(path: Path, shown: str, out: Path, max_pages: int, max_inflate_mb: int) -> None:
    """The image's pages as an image-only PDF at ``out`` (written under a private name, then renamed)."""
    img = _open(path, shown)
    try:
        pages = _frames(img, shown, max_pages, max_inflate_mb * (1 << 20) // 4)
        dpi = img.info.get("dpi")
    finally:
        img.close()
    if not dpi or not dpi[0] or dpi[0] < 50:  # no resolution (a photo): an A4 page
        w, h = pages[0].size
        dpi = (max(w, h) / A4_LONG_SIDE_IN,) * 2
    partial = out.with_name(f".{out.name}.{os.getpid()}.part")
    pages[0].save(partial, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi[0]),
                  quality=95, creationDate=_FIXED, modDate=_FIXED)
    partial.replace(out)


@reader(*SUFFIXES)
def read_image(path: Path, *, display_path: str, max_pages: int = DEFAULT_MAX_PAGES, cache_dir: Path | None = None,
               max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, refresh_cache: bool = False, **_: object) -> Document:
    """Read a photo or scan of report pages by OCR (see the module's docstring)."""
    shown = display_path
    folder = cache_folder(cache_dir, "ocr")
    folder.mkdir(parents=True, exist_ok=True)
    wrapped = folder / f"{sha256_file(path)[:32]}-image.pdf"
    if refresh_cache or not wrapped.is_file():
        _wrap(path, shown, wrapped, max_pages, max_inflate_mb)
    doc = read_pdf(wrapped, display_path=shown, max_pages=max_pages, cache_dir=folder,
                   max_inflate_mb=max_inflate_mb, refresh_cache=refresh_cache)
    doc.format = path.suffix.lower().lstrip(".")
    return doc

"""OCR for scanned pages: ocrmypdf with Tesseract's Vietnamese model, cached by file hash.

Only the pages without a text layer are OCR'd (``--mode skip``: a page that has text is copied as
it is), so a typed report whose signed last page is a scan costs one page of OCR. The result, a
PDF with an invisible text layer under each scanned page, and each page's mean word confidence
(from Tesseract's hOCR ``x_wconf``) are stored under the cache folder by the input's SHA-256: a
second read of the same file runs no OCR. The entry's record carries the hashes of the file it was
built from and of the OCR'd PDF; an entry that does not match them is not used.

Before anything is rasterised, the images of the pages headed for OCR are counted in pixels; a
page over the limit is refused (a decompression bomb), one line naming the file and the page.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wardaudit.errors import InputError

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie ghostscript; pip install ocrmypdf"
LANGUAGE = "vie"
LOW_CONFIDENCE = 75.0  # mean word confidence (0-100) under which a page is flagged for review
_WCONF = re.compile(r"x_wconf (\d+)")
calls = 0  # OCR runs in this process (a warm re-run must leave it unchanged; see benchmarks/ocr.py)


@dataclass
class OcrResult:
    """The OCR'd copy of a PDF and the mean confidence of each page that was OCR'd (1-based)."""

    pdf: Path
    confidence: dict[int, float]
    cached: bool = False
    rebuilt: bool = False  # a cache entry was there but did not match: OCR'd again


def missing_tools() -> list[str]:
    """What the OCR path needs and this machine lacks (empty: ready)."""
    missing = [tool for tool in ("tesseract", "gs") if shutil.which(tool) is None]
    if "tesseract" not in missing:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
        if LANGUAGE not in langs:
            missing.append(f"tesseract-ocr-{LANGUAGE}")
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        missing.append("ocrmypdf")
    return missing


def check_pixels(path: Path, pages: list[int], shown: str, max_pixels: int) -> None:
    """Refuse a page whose images hold more than ``max_pixels`` pixels, before any is decoded."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(path))
    try:
        for number in pages:
            page = pdf[number - 1]
            total = 0
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                w, h = obj.get_px_size()
                total += w * h
            page.close()
            if total > max_pixels:
                raise InputError(
                    f"{shown}: ảnh ở trang {number} quá lớn để OCR ({total / 1e6:.0f} triệu điểm ảnh > "
                    f"{max_pixels / 1e6:.0f}) / page {number} image too large to OCR "
                    f"({total / 1e6:.0f} MP > {max_pixels / 1e6:.0f} MP; raise max_inflate_mb)", path=shown)
    finally:
        pdf.close()


def _confidences(work: Path) -> dict[int, float]:
    out = {}
    for hocr in sorted(work.rglob("*_ocr_hocr.hocr")):
        words = [int(x) for x in _WCONF.findall(hocr.read_text(encoding="utf-8", errors="replace"))]
        if words:
            out[int(hocr.name.split("_")[0])] = round(sum(words) / len(words), 1)
    return out


def _run_ocrmypdf(src: Path, dst: Path, pages: list[int], shown: str) -> dict[int, float]:
    global calls
    with tempfile.TemporaryDirectory(prefix="wardaudit-ocr-") as tmp:
        # ocrmypdf keeps its work folder (-k) in TMPDIR: the hOCR. One Tesseract thread per page job:
        # ocrmypdf already runs one job per core, and Tesseract's own threads on top oversubscribe them
        # (20 scanned pages: 65.9 s → 55.7 s on this 2-core machine under the same load)
        env = dict(os.environ, TMPDIR=tmp, OMP_THREAD_LIMIT="1")
        cmd = [sys.executable, "-m", "ocrmypdf", "-l", LANGUAGE, "--mode", "skip", "--deskew",
               "--pdf-renderer", "hocr", "--output-type", "pdf", "--optimize", "0", "-k", "-q",
               "--jobs", str(min(2, os.cpu_count() or 1)), "--pages", ",".join(map(str, pages)),
               str(src), str(dst)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        calls += 1
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1][:160]
            raise InputError(f"{shown}: OCR không thành công / OCR failed ({last})", path=shown)
        return _confidences(Path(tmp))


CACHE_SCHEMA = "wardaudit.ocr/2"


def _entry_digest(entry: dict) -> str:
    """A hash over what an entry says: the source it was built from, the pages, the PDF, the scores."""
    fields = {k: entry.get(k) for k in ("schema", "source_sha256", "pages", "pdf_sha256", "confidence")}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def _cached(pdf_out: Path, meta: Path, sha256: str, pages: list[int]) -> dict[int, float] | None:
    """The confidences of a cache entry built from this very file and these pages and unchanged since,
    or None (no entry, an entry of an older format, another source, or an edited PDF or record)."""
    from wardaudit.ingest.readers import sha256_file

    try:
        entry = json.loads(meta.read_text(encoding="utf-8"))
        if (not isinstance(entry, dict) or entry.get("schema") != CACHE_SCHEMA or entry.get("digest") !=
                _entry_digest(entry) or entry.get("source_sha256") != sha256 or entry.get("pages") != pages
                or entry.get("pdf_sha256") != sha256_file(pdf_out)):
            return None
        return {int(k): float(v) for k, v in entry["confidence"].items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def ocr_pages(path: Path, pages: list[int], shown: str, *, sha256: str, cache_dir: Path,
              max_pixels: int, refresh: bool = False) -> OcrResult:
    """OCR the given pages of ``path`` (1-based), or take the cached result of an earlier run.

    A cache entry is used only when its record names this file's SHA-256 and these pages and the
    OCR'd PDF still has the hash recorded when it was made; otherwise (or with ``refresh``, what
    ``wardaudit run --force`` asks) the pages are OCR'd again and the entry replaced.
    """
    from wardaudit.ingest.readers import sha256_file

    key = f"{sha256[:32]}-{'-'.join(map(str, pages))}" if len(pages) <= 8 else f"{sha256[:32]}-{len(pages)}p"
    pdf_out, meta = cache_dir / f"{key}.pdf", cache_dir / f"{key}.json"
    present = pdf_out.exists() or meta.exists()
    conf = None if refresh else _cached(pdf_out, meta, sha256, pages)
    if conf is not None:
        return OcrResult(pdf=pdf_out, confidence=conf, cached=True)
    missing = missing_tools()
    if missing:
        raise InputError(f"{shown}: cần OCR nhưng thiếu {', '.join(missing)}; cài bằng / OCR needed but "
                         f"{', '.join(missing)} missing; install with: {INSTALL_HINT}", path=shown)
    check_pixels(path, pages, shown, max_pixels)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # private names until complete: two workers OCR'ing the same file never see half an entry
    partial = cache_dir / f"{key}.{os.getpid()}.part"
    conf = _run_ocrmypdf(path, partial.with_suffix(".pdf"), pages, shown)
    # page numbers as JSON keys (text): the digest is then the same before writing and after reading
    # (sorted as numbers, 10 comes after 9; as text, before 2)
    entry = {"schema": CACHE_SCHEMA, "source_sha256": sha256, "pages": pages,
             "pdf_sha256": sha256_file(partial.with_suffix(".pdf")), "confidence": {str(k): v for k, v in conf.items()}}
    entry["digest"] = _entry_digest(entry)
    partial.with_suffix(".json").write_text(json.dumps(entry), encoding="utf-8")
    partial.with_suffix(".pdf").replace(pdf_out)
    partial.with_suffix(".json").replace(meta)  # the record last: it vouches for the PDF beside it
    return OcrResult(pdf=pdf_out, confidence=conf, rebuilt=present and not refresh)


def default_cache_dir() -> Path:
    """data/processed/ocr of the project (config.Paths), or the user's cache outside a project."""
    from wardaudit.ingest.readers import cache_folder

    return cache_folder(None, "ocr")

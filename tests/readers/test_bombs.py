"""Decompression bombs are refused from what the file declares, before anything is inflated:
a .docx by its zip directory (sizes and ratio), a scanned PDF by its images' pixel counts."""
from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from pydantic import ValidationError

from wardaudit.errors import InputError
from wardaudit.ingest import read_document, supported_suffixes
from wardaudit.ingest.docx import check_inflate
from wardaudit.project.config import WardParams

ROOT = Path(__file__).resolve().parents[2]
GIB = 1 << 30


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory) -> Path:
    """About 1 MB on disk; word/document.xml inflates to 1 GiB (honest sizes in the directory)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    with zipfile.ZipFile(ROOT / "tests/fixtures/renderings/trung-thanh.docx") as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info.filename))
        chunk = b" " * (16 << 20)
        part = zipfile.ZipInfo("word/document.xml")
        part.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(part, "w", force_zip64=True) as f:
            for _ in range(GIB // len(chunk)):
                f.write(chunk)
    return path


def test_docx_bomb_refused_fast_and_small(docx_bomb):
    assert docx_bomb.stat().st_size < 2 << 20
    with zipfile.ZipFile(docx_bomb) as z:
        assert z.getinfo("word/document.xml").file_size == GIB
    supported_suffixes()  # the readers imported first: what is timed is refusing the file
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_document(docx_bomb)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    message = str(info.value)
    print(f"\ndocx bomb refused in {elapsed * 1000:.0f} ms, peak Python memory {peak / 1e6:.1f} MB: {message}")
    assert elapsed < 1.0
    assert peak < 200e6
    assert "\n" not in message and message.startswith(str(docx_bomb))
    assert "1024 MB" in message and "decompression bomb" in message


def _info(name: str, size: int, compressed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = size, compressed
    return info


def test_limit_is_a_ward_parameter():
    # 300 MB of XML compressing 10x: refused at the default, accepted when a ward raises the limit
    parts = [_info("word/document.xml", 300 << 20, 30 << 20)]
    default = WardParams(ward="X", slug="x").max_inflate_mb
    with pytest.raises(InputError, match=r"report\.docx: .*300 MB.*over the 256 MB limit"):
        check_inflate(parts, "report.docx", default)
    check_inflate(parts, "report.docx", 512)
    with pytest.raises(ValidationError):
        WardParams(ward="X", slug="x", max_inflate_mb=0)


def test_ratio_refused_even_under_the_total():
    with pytest.raises(InputError, match=r"word/document\.xml inflates 1000x"):
        check_inflate([_info("word/document.xml", 100 << 20, (100 << 20) // 1000)], "r.docx", 1024)
    check_inflate([_info("word/media/image1.png", 100 << 10, 10)], "r.docx", 1024)  # small parts may


def test_real_docx_passes():
    doc = read_document(ROOT / "tests/fixtures/renderings/office/vinh-thong.docx")
    assert len(doc.tables()) == 3


def _pixel_bomb_pdf(path: Path, side: int) -> None:
    """A one-page PDF whose only content is an image declared ``side`` x ``side`` pixels (its data
    is a few bytes: a reader that decodes it before checking would try to allocate side² bytes)."""
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, zlib.compress(b"\x00" * 1024))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width = image.Height = side
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    image.Filter = pikepdf.Name.FlateDecode
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
                              Contents=pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q"))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def test_pixel_bomb_refused_before_ocr(tmp_path):
    from wardaudit.ingest.pdf import ocr

    path = tmp_path / "scan.pdf"
    _pixel_bomb_pdf(path, 50_000)
    calls = ocr.calls
    tracemalloc.start()
    with pytest.raises(InputError, match=r"scan\.pdf: .*page 1 image too large to OCR \(2500 MP > 67 MP"):
        read_document(path, cache_dir=tmp_path / "ocr")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 200e6  # the 2.5 GB of pixels were never decoded
    assert ocr.calls == calls  # refused before ocrmypdf ran
    assert not (tmp_path / "ocr").exists() or not any((tmp_path / "ocr").iterdir())


def _content_bomb_pdf(path: Path, size: int) -> None:
    """A one-page PDF whose content stream is ``size`` bytes of spaces, Flate-compressed (about
    1,000 to 1: 512 MiB is half a megabyte on disk), written as raw bytes (nothing inflates it)."""
    import zlib

    from helpers import pdf_bytes

    c = zlib.compressobj(9)
    chunk = b" " * (16 << 20)
    data = b"".join([c.compress(chunk) for _ in range(size // len(chunk))] + [c.flush()])
    path.write_bytes(pdf_bytes([(b"/Filter /FlateDecode", data)]))


def test_pdf_content_stream_bomb_refused_by_check_fast_and_small(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "bomb.pdf"
    _content_bomb_pdf(path, 512 << 20)
    assert path.stat().st_size < 1 << 20
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "wardaudit.cli", "check", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory, not the test's other children
    elapsed = time.perf_counter() - start
    err = child.stderr.read()
    child.stderr.close()
    child.stdout.close()
    peak_mb = usage.ru_maxrss / 1024
    print(f"\n512 MiB content stream refused by `wardaudit check` in {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB: {err}")
    assert os.waitstatus_to_exitcode(status) == 2
    assert err.count("\n") == 1 and err.startswith(str(path))
    assert "256 MB limit at object 4 (decompression bomb?)" in err
    assert elapsed < 15 and peak_mb < 600

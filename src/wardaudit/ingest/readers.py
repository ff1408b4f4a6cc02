"""The readers' registry: one reader per file suffix, and what every reader shares (limits, hashing).

Reader modules import their decorator from here, so that the package (which loads them) and the
readers never import each other."""
from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from wardaudit.errors import InputError
from wardaudit.model.document import Document
from wardaudit.registry import Registry

Reader = Callable[..., Document]
readers: Registry[Reader] = Registry("reader")

DEFAULT_MAX_PAGES = 200
DEFAULT_MAX_INFLATE_MB = 256  # what a file may inflate to: .docx parts, a scanned page's pixels x 4 bytes


def reader(*suffixes: str):
    """Register a reader function for the given suffixes (``".pdf"``)."""
    def wrap(fn: Reader) -> Reader:
        for s in suffixes:
            readers.register(s, fn)
        return fn
    return wrap


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


MAX_RATIO = 100  # a part that inflates more than this, and past a few MB, is a bomb (XML: ~5-20x)
_RATIO_FLOOR = 8 << 20  # bytes; small parts may compress as they like


def check_inflate(infos: list[zipfile.ZipInfo], shown: str, max_inflate_mb: int, kind: str = ".docx") -> None:
    """Refuse a zip (a .docx, an .xlsx) whose directory promises a huge inflate, from the declared
    sizes alone (nothing is decompressed): the total over ``max_inflate_mb`` or one part's ratio
    over :data:`MAX_RATIO` once it is past a few MB. ``kind`` names the format in the message."""
    total = sum(i.file_size for i in infos)
    if total > max_inflate_mb << 20:
        raise InputError(f"{shown}: tệp {kind} giải nén ra {total >> 20} MB, vượt giới hạn {max_inflate_mb} MB "
                         f"(max_inflate_mb) / the {kind} would inflate to {total >> 20} MB, over the "
                         f"{max_inflate_mb} MB limit (decompression bomb?)", path=shown)
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > MAX_RATIO * max(1, i.compress_size):
            raise InputError(f"{shown}: phần {i.filename} nén {i.file_size // max(1, i.compress_size)} lần, "
                             f"nghi là bom giải nén / part {i.filename} inflates "
                             f"{i.file_size // max(1, i.compress_size)}x (decompression bomb)", path=shown)


def cache_folder(cache_dir: Path | None, kind: str) -> Path:
    """Where a reader keeps what it derives from a file by content hash (``kind``: "ocr" for OCR'd
    PDFs, "office" for LibreOffice conversions).

    ``cache_dir`` is the OCR cache a caller passes to :func:`wardaudit.ingest.read_document`
    (data/processed/ocr); the other kinds live beside it. Without one: data/processed/<kind> of the
    project, or the user's cache outside a project.
    """
    if cache_dir is not None:
        return cache_dir if kind == "ocr" else cache_dir.parent / kind
    from wardaudit.project.config import Paths

    paths = Paths()
    if (paths.root / "data").is_dir():
        return paths.processed / kind
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wardaudit" / kind

"""Readers: one per format, registered by file suffix. :func:`read_document` is the entry point."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from wardaudit.model.document import Document
from wardaudit.errors import InputError, UnsupportedFormat
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


def _load_readers() -> None:
    # imported lazily so that `import wardaudit` stays cheap; each module registers itself
    from wardaudit.ingest import text  # noqa: F401
    for optional in ("pdf", "docx"):
        try:
            __import__(f"{__name__}.{optional}")
        except ModuleNotFoundError as e:  # a reader module not written yet
            if e.name != f"{__name__}.{optional}":
                raise


def read_document(path: str | Path, *, display_path: str | None = None,
                  max_pages: int = DEFAULT_MAX_PAGES, structure: bool = True,
                  max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, cache_dir: Path | None = None) -> Document:
    """Read one report into a structured :class:`Document`.

    Parameters
    ----------
    max_inflate_mb
        What the file may inflate to (a .docx's parts; a scanned page's pixels at 4 bytes each).
    cache_dir
        Where OCR results are kept by file hash (default: data/processed/ocr of the project).

    Raises :class:`InputError` (one line naming the file) for anything unreadable.
    """
    path = Path(path)
    shown = display_path or str(path)
    _load_readers()  # idempotent: a reader module imported first must not leave the others out
    if not path.exists():
        raise InputError(f"{shown}: không tìm thấy tệp / file not found", path=shown)
    if path.is_dir():
        raise InputError(f"{shown}: là thư mục, không phải tệp / is a directory", path=shown)
    if path.stat().st_size == 0:
        raise InputError(f"{shown}: tệp rỗng / the file is empty", path=shown)
    suffix = path.suffix.lower()
    if suffix not in readers:
        known = ", ".join(readers)
        raise UnsupportedFormat(
            f"{shown}: định dạng {suffix or '(không có đuôi)'} không được hỗ trợ / unsupported format "
            f"(supported: {known})", path=shown)
    try:
        doc = readers.get(suffix)(path, display_path=shown, max_pages=max_pages,
                                  max_inflate_mb=max_inflate_mb, cache_dir=cache_dir)
    except InputError:
        raise
    except (MemoryError, RecursionError):
        raise InputError(f"{shown}: tệp quá lớn hoặc quá phức tạp để đọc / too large or too deeply nested to read",
                         path=shown) from None
    except Exception as e:  # noqa: BLE001 - a damaged file is bad input: one line naming it, never a traceback
        detail = " ".join(str(e).split())[:160]
        raise InputError(f"{shown}: tệp bị hỏng, không đọc được / damaged file, could not be read "
                         f"({type(e).__name__}: {detail})", path=shown) from None
    doc.sha256 = sha256_file(path)
    if structure:
        from wardaudit.ingest.structure import annotate
        annotate(doc)
    return doc


def supported_suffixes() -> list[str]:
    _load_readers()
    return list(readers)

"""Reading one file: the reader registered for its suffix, one line naming the file for anything unreadable."""
from __future__ import annotations

from pathlib import Path

from wardaudit.errors import InputError, UnsupportedFormat
from wardaudit.ingest.readers import DEFAULT_MAX_INFLATE_MB, DEFAULT_MAX_PAGES, readers, sha256_file
from wardaudit.model.document import Document

__all__ = ["read_document", "supported_suffixes", "unsupported_reason"]


def _load_readers() -> None:
    # imported lazily so that `import wardaudit` stays cheap; each module registers itself
    import wardaudit.ingest.docx  # noqa: F401
    import wardaudit.ingest.image  # noqa: F401
    import wardaudit.ingest.office  # noqa: F401
    import wardaudit.ingest.pdf  # noqa: F401
    import wardaudit.ingest.text  # noqa: F401
    import wardaudit.ingest.xlsx  # noqa: F401


def read_document(path: str | Path, *, display_path: str | None = None,
                  max_pages: int = DEFAULT_MAX_PAGES, structure: bool = True,
                  max_inflate_mb: int = DEFAULT_MAX_INFLATE_MB, cache_dir: Path | None = None,
                  sha256: str | None = None, refresh_cache: bool = False) -> Document:
    """Read one report into a structured :class:`Document`.

    Parameters
    ----------
    max_inflate_mb
        What the file may inflate to (a .docx's parts; a scanned page's pixels at 4 bytes each).
    cache_dir
        Where OCR results are kept by file hash (default: data/processed/ocr of the project);
        LibreOffice's conversions are kept beside it (data/processed/office).
    sha256
        The file's content hash when the caller has it (a ward's plan hashes each report once).
    refresh_cache
        Do not use a cached OCR result or LibreOffice conversion: make it again and replace it
        (``wardaudit run --force``).

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
        raise UnsupportedFormat(f"{shown}: {unsupported_reason(suffix)} (supported: {', '.join(readers)})",
                                path=shown)
    try:
        doc = readers.get(suffix)(path, display_path=shown, max_pages=max_pages,
                                  max_inflate_mb=max_inflate_mb, cache_dir=cache_dir, refresh_cache=refresh_cache)
    except InputError:
        raise
    except (MemoryError, RecursionError):
        raise InputError(f"{shown}: tệp quá lớn hoặc quá phức tạp để đọc / too large or too deeply nested to read",
                         path=shown) from None
    except Exception as e:  # noqa: BLE001 - a damaged file is bad input: one line naming it, never a traceback
        detail = " ".join(str(e).split())[:160]
        raise InputError(f"{shown}: tệp bị hỏng, không đọc được / damaged file, could not be read "
                         f"({type(e).__name__}: {detail})", path=shown) from None
    doc.sha256 = sha256 or sha256_file(path)
    if structure:
        from wardaudit.ingest.structure import annotate
        annotate(doc)
    return doc


def unsupported_reason(suffix: str) -> str:
    """Why a file of ``suffix`` is not read: no reader handles it."""
    return f"định dạng {suffix or '(không có đuôi)'} chưa hỗ trợ / unsupported format"


def supported_suffixes() -> list[str]:
    _load_readers()
    return list(readers)

"""The readers' registry: one reader per file suffix, and what every reader shares (limits, hashing).

Reader modules import their decorator from here, so that the package (which loads them) and the
readers never import each other."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

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

"""The package version, in a module of its own so that any module can import it without importing
the package's public API; and the hash of the package's own files, which every cached result depends on."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"

_PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=4)
def package_files_digest(leave_out: tuple[str, ...] = ()) -> str:
    """A hash of the package's version and of every source and data file it ships (paths relative to the
    package in ``leave_out`` excluded): any edit to the code, a catalogue or a template changes it."""
    h = hashlib.sha256(f"wardaudit {__version__}\n".encode())
    for p in sorted(_PACKAGE.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts or p.suffix in (".pyc", ".pyo"):
            continue
        rel = p.relative_to(_PACKAGE).as_posix()
        if rel not in leave_out:
            h.update(f"{rel}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()

"""A hash of the package itself: what every ward's audit depends on besides its own inputs.

The batch (:mod:`wardaudit.batch.digest`) skips a ward whose inputs and package are unchanged; the
ward run (:mod:`wardaudit.run.ward`) keys its stored audit on it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from wardaudit.ingest import sha256_file
from wardaudit.version import __version__

_package_digest_cache: str | None = None


def package_digest() -> str:
    """A hash of the package's version and of every source and data file it ships.

    Any edit to the code, a catalogue or a template changes it, so every ward re-runs.
    """
    global _package_digest_cache
    if _package_digest_cache is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(f"wardaudit {__version__}\n".encode())
        for p in sorted(root.rglob("*")):
            if not p.is_file() or "__pycache__" in p.parts or p.suffix in (".pyc", ".pyo"):
                continue
            h.update(f"{p.relative_to(root).as_posix()}\t{sha256_file(p)}\n".encode())
        _package_digest_cache = h.hexdigest()
    return _package_digest_cache

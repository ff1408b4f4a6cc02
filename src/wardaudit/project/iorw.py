"""Atomic writes: a temporary file in the same folder, fsync, then rename. An interrupted run
leaves either the previous complete file or the new complete file, never half of one.

A symbolic link planted where an output goes is replaced, never written through (the rename
replaces the link itself); a log opened for appending output never follows one either
(:func:`open_log`). Names made from a report's file name are kept short enough for any
filesystem (:func:`short_stem`)."""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def file_mode() -> int:
    """The mode ``open`` gives a new file here: 0666 less the umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    The file gets the mode ``open`` would give a new file (0666 less the umask): ``mkstemp``
    creates 0600, and reports and CSVs readable by their owner alone could not be shared. When
    the body raises, ``path`` is left as it was and the temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name near the 255-byte limit leaves no room for the temporary's prefix and suffix
    fd, tmp = tempfile.mkstemp(prefix=f".{short_stem(path.name, 100)}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_path, file_mode())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def short_stem(stem: str, limit: int = 120) -> str:
    """``stem`` fit for part of a file name: when longer than ``limit`` UTF-8 bytes, cut at a
    character boundary and followed by a hash of the whole (two long names stay apart)."""
    raw = stem.encode("utf-8")
    if len(raw) <= limit:
        return stem
    digest = hashlib.sha256(raw).hexdigest()[:10]
    return f"{raw[: limit - 11].decode('utf-8', 'ignore')}-{digest}"


def open_log(path: str | Path) -> int:
    """A file descriptor on ``path``, emptied, for a process's output. A symbolic link there is
    removed first (never followed: it could point anywhere, and O_TRUNC would empty its target)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    try:
        return os.open(path, flags, file_mode())
    except OSError as e:
        if e.errno != errno.ELOOP:
            raise
    path.unlink()
    return os.open(path, flags | os.O_EXCL, file_mode())


def write_text(path: str | Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def frame_csv_text(frame) -> str:
    """A DataFrame as the CSV text :func:`write_frame_csv` writes."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_frame_csv(path: str | Path, frame) -> Path:
    """A DataFrame as UTF-8 CSV with a BOM-less header, LF line ends (stable bytes across runs)."""
    return write_text(path, frame_csv_text(frame))

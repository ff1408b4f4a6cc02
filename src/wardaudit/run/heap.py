"""A long-lived batch process keeps its heap small.

glibc's malloc serves a block of 128 KiB or more from a mapping of its own, returned to the system when
freed; but each time such a block is freed it raises that threshold to the block's size, so later large
blocks (a chart's pixel buffer, a PDF page's image, a ward's HTML) come from the heap, which fragments and
never shrinks: a worker's memory grew by tens of megabytes over a few hundred wards. A worker and its
notebook kernel therefore fix the threshold at 128 KiB and use at most two arenas (the kernel's threads
would each get one). Elsewhere (another C library) nothing is changed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools

__all__ = ["HEAP_ENV", "keep_heap_small", "release_heap"]

THRESHOLD = 128 * 1024
ARENAS = 2
#: the same settings for a process about to start (glibc reads them when the process begins)
HEAP_ENV = {"MALLOC_MMAP_THRESHOLD_": str(THRESHOLD), "MALLOC_ARENA_MAX": str(ARENAS)}
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError, TypeError):
        return None
    return libc


@functools.lru_cache(maxsize=1)
def keep_heap_small() -> bool:
    """Apply the settings above to this process (once); False where the C library is not glibc."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, THRESHOLD)) and bool(libc.mallopt(_M_ARENA_MAX, ARENAS))


def release_heap() -> None:
    """Give the heap's free pages back to the system (glibc's malloc_trim), e.g. between two wards."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)

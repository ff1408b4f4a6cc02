"""The batch kernel's stdout and stderr: ipykernel's OutStream, which waits on a flush only for what is unsent.

ipykernel flushes both streams after every cell and before every display (about fifty times a ward's page);
each flush hands a request to the kernel's IO thread and waits for it, even when nothing was written since
the last send, and that round trip was a fifth of a batch kernel's time on a page. :class:`BatchOutStream`
counts what was written and what the IO thread has sent, and returns at once when every write is sent; a
flush after a write waits as before, so what a cell prints still reaches the notebook before the cell ends
(tests/integration/test_notebook_ward.py). The warm kernel of a batch worker is started with it
(``IPKernelApp.outstream_class``, :mod:`wardaudit.run.kernel`); JupyterLab's kernels are not.
"""
from __future__ import annotations

import threading
from typing import Any

from ipykernel.iostream import OutStream

__all__ = ["BatchOutStream"]


class BatchOutStream(OutStream):
    """OutStream whose flush returns at once when every write has been sent (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._count_lock = threading.Lock()
        self._written = 0  # writes buffered so far
        self._sent = 0  # of those, the ones the IO thread has sent

    def write(self, string: str) -> int | None:  # type: ignore[override]
        done = super().write(string)
        # counted once buffered: a write the IO thread counts is one its next send carries
        with self._count_lock:
            self._written += 1
        return done

    def _flush(self) -> None:
        with self._count_lock:
            upto = self._written
        super()._flush()
        with self._count_lock:
            self._sent = max(self._sent, upto)

    def flush(self) -> None:
        with self._count_lock:
            unsent = self._written != self._sent
        if unsent:
            super().flush()

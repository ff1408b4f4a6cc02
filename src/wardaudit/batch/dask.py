"""The batch on a Dask cluster (``wardaudit run --scheduler tcp://HOST:PORT``).

The same per-ward function as the local pool runs on the cluster's workers, given the project
root as a parameter: the workers must see the project folder (data/, parameters/, notebooks/,
reports/) at the same path, e.g. on a shared filesystem, and run the same wardaudit version. The
portfolio's province pages are rendered on the same client (:meth:`DaskEngine.map`).
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from wardaudit.batch.manifest import WardRun
from wardaudit.batch.task import Runner, run_ward_task
from wardaudit.errors import AuditError, one_line
from wardaudit.project.config import Paths

MAX_ATTEMPTS = 2


class DaskEngine:
    """A client of the Dask scheduler at ``address``, opened on first use."""

    def __init__(self, address: str, force: bool = False):
        self.address, self.force = address, force
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from dask.distributed import Client

            try:
                # the connect timeout is dask's distributed.comm.timeouts.connect
                self._client = Client(self.address, set_as_default=False)
            except Exception as e:  # noqa: BLE001 - an unreachable scheduler is one line, not a traceback
                raise AuditError(f"{self.address}: không kết nối được Dask scheduler / cannot reach the Dask "
                                 f"scheduler: {one_line(str(e), 160)}") from None
        return self._client

    def run(self, todo: list[WardRun], paths: Paths, runner: Runner | None,
            finish: Callable[[WardRun, dict], None]) -> None:
        """Run every ward of ``todo`` on the cluster; ``finish`` records each result as it arrives."""
        from dask.distributed import as_completed

        client = self.client
        token = hashlib.sha256(f"{time.time_ns()}:{os.getpid()}".encode()).hexdigest()[:8]
        futures = {}
        for run in todo:
            run.attempts += 1
            fut = client.submit(run_ward_task, run.plan, str(paths.root), runner, False, self.force,
                                key=f"wardaudit-{run.slug}-{token}", pure=False, retries=MAX_ATTEMPTS - 1)
            futures[fut] = run
        for fut in as_completed(list(futures), loop=client.loop):
            run = futures[fut]
            try:
                result = fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. every worker holding the task died
                result = {"status": "failed", "reason": one_line(f"Dask: {type(e).__name__}: {e}")}
            finish(run, result)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``fn`` over ``items`` on the cluster, results in order."""
        items = list(items)
        futures = self.client.map(fn, items, pure=False)
        return self.client.gather(futures)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

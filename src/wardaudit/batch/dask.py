"""The batch on a Dask cluster (``wardaudit run --scheduler tcp://HOST:PORT``).

The same per-ward function as the local pool runs on the cluster's workers, given the project
root as a parameter: the workers must see the project folder (data/, parameters/, notebooks/,
reports/) at the same path, e.g. on a shared filesystem, and run the same wardaudit version. The
portfolio's province pages are rendered on the same client (:meth:`DaskEngine.map`).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from wardaudit.batch.manifest import WardRun
from wardaudit.batch.task import Runner
from wardaudit.errors import AuditError, one_line
from wardaudit.project.config import Paths

MAX_ATTEMPTS = 2
NO_WORKER_SECONDS = 30.0  # how long wards may wait with no worker connected before a line says so


class _WorkerWatch:
    """Says, on stderr, when the scheduler has had no worker for :data:`NO_WORKER_SECONDS` (again
    each time as long again passes), and when one is back."""

    def __init__(self, client: Any):
        self.client, self.since, self.said = client, None, 0.0

    def check(self, waiting: int) -> None:
        import sys

        try:
            workers = len(self.client.scheduler_info().get("workers", {}))
        except Exception:  # noqa: BLE001 - a scheduler that does not answer is not a worker count
            return
        now = time.monotonic()
        if workers:
            if self.said:
                print(f"Dask: {workers} worker đã kết nối / connected again", file=sys.stderr)
            self.since, self.said = None, 0.0
            return
        self.since = self.since or now
        if waiting and now - self.since >= NO_WORKER_SECONDS and now - (self.said or self.since) >= NO_WORKER_SECONDS:
            self.said = now
            print(f"Dask: không có worker nào kết nối scheduler từ {now - self.since:.0f} giây, {waiting} phường/xã "
                  f"đang chờ / no worker has been connected for {now - self.since:.0f} s; {waiting} wards are "
                  "waiting", file=sys.stderr)


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
        """Run every ward of ``todo`` on the cluster; ``finish`` records each result as it arrives.
        While no worker is connected the wards wait, and every :data:`NO_WORKER_SECONDS` one line
        on stderr says so."""
        from dask.distributed import wait

        from wardaudit.batch.guard import run_timed

        client = self.client
        token = hashlib.sha256(f"{time.time_ns()}:{os.getpid()}".encode()).hexdigest()[:8]
        futures = {}
        for run in todo:
            run.attempts += 1
            fut = client.submit(run_timed, run.plan, str(paths.root), runner, False, self.force,
                                key=f"wardaudit-{run.slug}-{token}", pure=False, retries=MAX_ATTEMPTS - 1)
            futures[fut] = run
        pending, watch = set(futures), _WorkerWatch(client)
        while pending:
            with contextlib.suppress(Exception):  # a timeout, or cancelled futures: each reports itself below
                wait(list(pending), timeout=min(5.0, NO_WORKER_SECONDS), return_when="FIRST_COMPLETED")
            done = {f for f in pending if f.status != "pending"}
            pending -= done
            for fut in done:
                try:
                    result = fut.result()
                except Exception as e:  # noqa: BLE001 - e.g. every worker holding the task died
                    result = {"status": "failed", "reason": one_line(f"Dask: {type(e).__name__}: {e}")}
                finish(futures[fut], result)
            watch.check(len(pending))

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``fn`` over ``items`` on the cluster, results in order."""
        items = list(items)
        futures = self.client.map(fn, items, pure=False)
        return self.client.gather(futures)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

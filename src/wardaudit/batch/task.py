"""The per-ward function, run in a worker process or on a Dask worker, and the worker's set-up.

:func:`run_ward_task` takes the ward's plan and the project root as parameters and changes no
environment variable: a Dask worker started in any working directory runs the ward of the project it
is given. The ward's whole run happens there (:func:`wardaudit.run.ward.run_ward`): audit, store,
summary, page and letter.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from wardaudit.errors import AuditError, one_line
from wardaudit.project.config import Paths
from wardaudit.project.iorw import open_log
from wardaudit.run.heap import keep_heap_small, release_heap
from wardaudit.run.plan import WardPlan
from wardaudit.run.portfolio.summary import batch_counts
from wardaudit.store import WardStore

Runner = Callable[..., dict]


@contextmanager
def _output_to(log: Path | None) -> Iterator[None]:
    """Send this process's stdout/stderr (file descriptors 1 and 2, which the notebook kernel
    inherits) to ``log`` for the duration, so kernel chatter does not garble the progress bar."""
    if log is None:
        yield
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    fd = open_log(log)  # a symbolic link planted at run.log is replaced, never followed
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)


def run_ward_task(plan: WardPlan, root: str, runner: Runner | None = None, log_output: bool = False,
                  force: bool = False) -> dict:
    """Run one planned ward and return a plain, picklable dict; never raises.

    ``runner(plan, paths, force=...)`` defaults to :func:`wardaudit.run.ward.run_ward`. Its errors
    become ``{"status": "failed", "reason": <one line>}``. With ``log_output`` (a worker process of
    our own, not a shared Dask worker) the run's console output goes to the ward's run.log and the
    default runner reuses the worker's notebook kernel: it lives as long as the worker, which a Dask
    worker shared with others may outlive the batch by far, so there each ward gets a kernel of its own.
    """
    started = time.perf_counter()
    paths = Paths(Path(root))
    store = WardStore(paths, plan.slug)
    keep_heap_small()
    try:
        if runner is None:
            from wardaudit.run.ward import run_ward, warm_kernel
            runner = partial(run_ward, kernel=warm_kernel(paths) if log_output else None)
        with _output_to(store.log_path if log_output else None):
            result = dict(runner(plan, paths, force=force))
    except AuditError as e:
        result = {"status": "failed", "reason": e.one_line()}
    except Exception as e:  # noqa: BLE001 - a ward's failure must not stop the batch
        result = {"status": "failed", "reason": one_line(f"{type(e).__name__}: {e}")}
    if result.get("status") not in ("ok", "failed"):
        result = {**result, "status": "failed",
                  "reason": result.get("reason") or f"trạng thái lạ / unexpected status {result.get('status')!r}"}
    if result["status"] == "failed":
        result["reason"] = one_line(result.get("reason") or "không rõ lý do / no reason given")
    if result.get("counts") is None:
        result["counts"] = batch_counts(store.read_summary())
    result["seconds"] = round(time.perf_counter() - started, 3)
    if result.get("html") is not None:
        result["html"] = str(result["html"])
    release_heap()  # what this ward freed goes back to the system before the next one
    # only plain JSON values travel back
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            # the state follows the parenthesised command name; a zombie is as good as gone
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _watch_parent(batch_pid: int) -> None:
    """Exit when the batch process is gone (killed, crashed): its ward would go nowhere."""
    while _alive(batch_pid):
        time.sleep(0.5)
    os._exit(1)


def worker_init(root: str, batch_pid: int, preload: bool) -> None:
    threading.Thread(target=_watch_parent, args=(batch_pid,), daemon=True,
                     name="wardaudit-parent-watch").start()
    if not preload:
        return
    # pay the kernel start and the heavy imports (seconds) once per worker rather than once per
    # ward: the kernel boots while this process imports
    try:
        from wardaudit.run.ward import warm_kernel
        warm_kernel(Paths(Path(root)))
    except Exception:  # noqa: BLE001 - the first ward starts it again and reports what failed
        pass
    for name in ("papermill", "nbconvert"):
        # the ward itself will report what is missing
        with contextlib.suppress(Exception):
            __import__(name)


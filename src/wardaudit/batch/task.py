"""The per-ward function, run in a worker process or on a Dask worker, and the worker's set-up.

:func:`run_ward_task` takes the project root as a parameter and changes no environment variable:
a Dask worker started in any working directory runs the ward of the project it is given. After a
successful run it writes the ward's summary (:func:`wardaudit.run.portfolio.summary.write_summary`)
next to findings.json, so that the portfolio reads summaries only.
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

Runner = Callable[..., dict]


def count_findings(findings_path: Path) -> dict[str, int] | None:
    """Counts of failed checks by severity and of passed checks, from a ward's findings.json."""
    try:
        blob = json.loads(findings_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    docs = blob.get("reports", [blob]) if isinstance(blob, dict) else []
    counts = {"error": 0, "warning": 0, "info": 0, "pass": 0}
    for doc in docs:
        for c in doc.get("checks", []) if isinstance(doc, dict) else []:
            if c.get("status") == "pass":
                counts["pass"] += 1
            elif c.get("status") == "fail" and c.get("severity") in counts:
                counts[c["severity"]] += 1
    return counts


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
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
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


def run_ward_task(slug: str, root: str, runner: Runner | None = None, log_output: bool = False,
                  reuse_audit: bool = False) -> dict:
    """Run one ward and return a plain, picklable dict; never raises.

    ``runner(slug, paths)`` defaults to :func:`wardaudit.run.ward.execute_ward`. Its errors become
    ``{"status": "failed", "reason": <one line>}``. With ``log_output`` (a worker process of
    our own, not a shared Dask worker) the run's console output goes to
    ``data/processed/<slug>/run.log`` and the default runner reuses the worker's notebook kernel
    (``execute_ward(reuse_kernel=True)``): it lives as long as the worker, which a Dask worker
    shared with others may outlive the batch by far, so there each ward gets a kernel of its own.
    ``reuse_audit`` (only the decisions changed) is passed on to the runner.
    """
    started = time.perf_counter()
    paths = Paths(Path(root))
    try:
        if runner is None:
            from wardaudit.run.ward import execute_ward
            runner = partial(execute_ward, reuse_kernel=log_output)
        with _output_to(paths.ward_processed(slug) / "run.log" if log_output else None):
            result = dict(runner(slug, paths, **({"reuse_audit": True} if reuse_audit else {})))
    except AuditError as e:
        result = {"status": "failed", "reason": e.one_line()}
    except Exception as e:  # noqa: BLE001 - a ward's failure must not stop the batch
        result = {"status": "failed", "reason": one_line(f"{type(e).__name__}: {e}")}
    if result.get("status") not in ("ok", "failed"):
        result = {**result, "status": "failed",
                  "reason": result.get("reason") or f"trạng thái lạ / unexpected status {result.get('status')!r}"}
    if result["status"] == "failed":
        result["reason"] = one_line(result.get("reason") or "không rõ lý do / no reason given")
    if result["status"] == "ok":
        result = _with_summary(slug, paths, result)
    result.setdefault("counts", count_findings(paths.ward_processed(slug) / "findings.json"))
    result["seconds"] = round(time.perf_counter() - started, 3)
    if result.get("html") is not None:
        result["html"] = str(result["html"])
    # only plain JSON values travel back
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))



def _with_summary(slug: str, paths: Paths, result: dict) -> dict:
    """Write the ward's summary next to its findings; a summary that cannot be written fails the ward."""
    from wardaudit.run.portfolio.summary import write_summary

    try:
        write_summary(slug, paths)
    except Exception as e:  # noqa: BLE001 - the ward's page stands; the index needs the summary
        return {**result, "status": "failed", "reason": one_line(f"summary.json: {type(e).__name__}: {e}")}
    return result


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


"""What a batch makes sure of before and around its run.

- the wards named on the command line are slugs (``run ../../x`` is refused before anything is read);
- one run at a time per project: a lock file under data/processed, and a clear line for the second;
- no output folder is a symbolic link out of the project (a file planted as a link is replaced by
  the atomic write, :mod:`wardaudit.project.iorw`; a folder would take every file written into it);
- each ward runs within its time limit (``max_seconds`` in parameters/WARD.yaml, 600 by default):
  past it, the ward fails with one line and the batch goes on.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as _dt
import fcntl
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from wardaudit.batch.task import Runner, run_ward_task
from wardaudit.errors import AuditError, ParametersError
from wardaudit.project.config import SLUG_PATTERN, Paths, relative
from wardaudit.run.plan import WardPlan

LOCK = ".wardaudit-run.lock"


def ward_slug(arg: str, paths: Paths) -> str:
    """The ward a command-line argument names: a slug, or its parameters file (``parameters/x.yaml``)."""
    name, parent = Path(arg).name, Path(arg).parent
    stem = name.rsplit(".", 1)[0] if name.endswith((".yaml", ".yml")) else name
    in_parameters = parent == Path(".") or (paths.root / parent).resolve() == paths.parameters.resolve()
    if arg != stem and not (name != stem and in_parameters):
        stem = ""  # a path elsewhere, or a slug with a directory in front
    if not re.fullmatch(SLUG_PATTERN, stem):
        raise ParametersError(f"{arg!r}: không phải tên phường/xã hợp lệ (chữ thường, số, '-', như "
                              "parameters/<tên>.yaml) / not a ward slug (lowercase letters, digits and '-', as in "
                              "parameters/<slug>.yaml)")
    return stem


def _lock_file(lock: Path, paths: Paths) -> int:
    """An fd holding the lock on ``lock``, which is still the file at that path (a run that ended
    removes it while holding it: a process that waited on the old one tries again)."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = " ".join(os.pread(fd, 200, 0).decode("utf-8", "replace").split()) or "?"
            os.close(fd)
            raise AuditError(f"{relative(lock, paths)}: một lượt `wardaudit run` khác đang chạy trong dự án này "
                             f"({holder}), hãy chờ nó xong / another `wardaudit run` is running in this project "
                             f"({holder}); wait for it to finish", path=relative(lock, paths)) from None
        with contextlib.suppress(FileNotFoundError):
            if os.fstat(fd).st_ino == os.stat(lock, follow_symlinks=False).st_ino:
                return fd
        os.close(fd)


@contextlib.contextmanager
def one_run(paths: Paths) -> Iterator[None]:
    """Hold the project's run lock for the duration; a second run is refused in one line naming the
    first. The lock file lives as long as the run (a killed run's lock is released by the system)."""
    lock = paths.processed / LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = _lock_file(lock, paths)
    try:
        since = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, từ / since {since}\n".encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()  # still holding it: whoever opened this file before checks and tries again
        os.close(fd)  # releases the lock, also when the process is killed


def output_folders(paths: Paths, slugs: list[str]) -> list[Path]:
    """The folders a run writes files into."""
    folders = [paths.reports, paths.reports / "province", paths.processed, paths.ocr_cache, paths.reviews]
    for slug in slugs:
        folders += [paths.ward_processed(slug), paths.ward_processed(slug) / "tables"]
    return folders


def refuse_outside_links(paths: Paths, slugs: list[str]) -> None:
    """Refuse the run when an output folder resolves outside the project (a symbolic link planted
    there, or on the way to it): nothing would stop a write from landing wherever it points."""
    root = paths.root.resolve()
    for folder in output_folders(paths, slugs):
        if not os.path.lexists(folder):
            continue
        real = folder.resolve()
        if real != root and root not in real.parents:
            shown = relative(folder, paths) if folder.is_absolute() else str(folder)
            raise AuditError(f"{shown}: là liên kết trỏ ra ngoài dự án ({real}), không ghi vào / is a link out of "
                             f"the project ({real}); nothing is written there", path=shown)


# --- the per-ward time limit ----------------------------------------------------------------------------

class WardTimeout(Exception):
    """Raised in the thread running a ward when its time limit has passed."""


def timeout_reason(seconds: int) -> str:
    return (f"quá thời gian cho phép ({seconds} s, max_seconds trong tham số) / took longer than its "
            f"{seconds} s limit (max_seconds in parameters)")


def run_timed(plan: WardPlan, root: str, runner: Runner | None = None, log_output: bool = False,
              force: bool = False) -> dict:
    """:func:`run_ward_task` within the ward's ``max_seconds``. Past the limit an exception is raised
    in the thread running the ward (between two Python steps: a single long call into C ends first),
    the ward fails with one line, and the worker's notebook kernel is replaced for the next ward."""
    limit = plan.params.max_seconds
    target, lock, state = threading.get_ident(), threading.Lock(), {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(WardTimeout))

    timer = threading.Timer(limit, fire)
    timer.daemon = True
    timer.start()
    result: dict = {}
    try:
        try:
            result = run_ward_task(plan, root, runner, log_output, force)
        finally:
            with lock:
                state["done"] = True
            timer.cancel()
    except WardTimeout:
        pass  # raised outside the task's own handler: reported below all the same
    if not state["fired"]:
        return result
    from wardaudit.run.kernel import shutdown_warm_kernels
    with contextlib.suppress(Exception):  # it may have been mid-notebook: the next ward gets a fresh one
        shutdown_warm_kernels()
    return {**result, "status": "failed", "reason": timeout_reason(limit)}

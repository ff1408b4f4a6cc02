"""A notebook kernel kept across wards, and the papermill engine that runs a notebook on it.

A batch worker keeps one :class:`WarmKernel` and runs ward after ward on it (papermill still
injects the parameters and executes every cell), resetting the kernel's namespace in between, so
the kernel start and the imports are paid once per worker instead of once per ward.

:class:`~wardaudit.run.engine.WarmKernelEngine` is papermill's nbclient engine on such a kernel. It
is registered under :data:`WARM_ENGINE` through the ``papermill.engine`` entry point (pyproject.toml),
and by :func:`register_engine` for a checkout whose installed metadata predates that entry point.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from typing import Any

from papermill.engines import papermill_engines

from wardaudit.errors import NotebookError
from wardaudit.project.config import Paths
from wardaudit.run.engine import WARM_ENGINE, WarmKernelEngine
from wardaudit.run.heap import HEAP_ENV

__all__ = ["WARM_ENGINE", "WarmKernel", "WarmKernelEngine", "register_engine", "shutdown_warm_kernels",
           "warm_kernel"]

# Run silently (no history, no execution count) before each ward: IPython empties the user
# namespace, the output cache and the In/Out history and restarts the execution counter at 1, as
# on a fresh kernel. Imported modules stay: that is the point, and they hold no ward's data.
# IPython's reset ends with a full garbage collection (gc.collect()), 0.15-0.2 s with pandas and
# matplotlib loaded: more than a small ward's audit. The ward's objects are freed by their reference
# counts as the namespace empties; only the young generations are collected here (cycles left in the
# old one go at Python's own next full collection), which costs a few milliseconds.
_RESET_CODE = """\
def _wardaudit_reset():
    import gc
    full = gc.collect
    gc.collect = lambda generation=2: full(min(generation, 1))
    try:
        get_ipython().reset(new_session=True)
    finally:
        gc.collect = full
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is not None:
        kernel.session.digest_history.clear()
_wardaudit_reset()
"""
# jupyter_client's Session remembers the signature of every message it received (up to 65,536, against replayed
# messages): a few thousand bytes a ward, megabytes over a batch, on both ends. A ward's messages are new, so
# both ends forget the previous ward's at each reset.
# run by the kernel as it starts, while the worker does its own start-up: the package modules
# every ward's notebook imports (the names they bind are gone with the first reset). Only what presents a
# stored audit: the auditing stack, pandas and matplotlib stay out of a batch kernel unless a ward needs them
_WARMUP_IMPORTS = "import wardaudit.run.present, wardaudit.render.page"
# the batch kernel's options: its streams wait on a flush only for what is unsent (run/kernel_stream.py), and it
# does not sleep half a millisecond after each cell before replying (ipykernel's guard for a flush that did not
# reach the client: the client reads the kernel's output up to its idle status whatever the order)
_KERNEL_ARGS = [f"--IPKernelApp.exec_lines={_WARMUP_IMPORTS!r}",
                "--IPKernelApp.outstream_class=wardaudit.run.kernel_stream.BatchOutStream",
                "--Kernel._execute_sleep=0"]


class WarmKernel:
    """One notebook kernel that runs ward after ward: started once, reset before every ward.

    It is bound to one project root and working directory (the kernel is started with
    ``WARDAUDIT_ROOT`` set to the root in its own environment, and in the notebooks folder) and
    to the thread that created it (its client's sockets belong to that thread's event loop).
    :func:`warm_kernel` hands out one per (thread, root, kernel name); batch workers use it
    through ``execute_ward(reuse_kernel=True)``. A kernel that dies or times out is shut down and
    the next ward gets a new one.
    """

    def __init__(self, kernel_name: str, paths: Paths, startup_timeout: float = 60):
        import nbformat
        from nbclient import NotebookClient

        self.kernel_name, self.root = kernel_name, paths.root
        self.cwd = paths.notebooks
        self.startup_timeout = startup_timeout
        # nbclient starts the kernel exactly as papermill's engine would (same kernel manager,
        # arguments and in-memory history); it is only a holder here
        self._client = NotebookClient(nbformat.v4.new_notebook(), kernel_name=kernel_name,
                                      startup_timeout=startup_timeout,
                                      resources={"metadata": {"path": str(self.cwd)}},
                                      extra_arguments=list(_KERNEL_ARGS))
        self.resets = 0
        self._pending: str | None = None  # the reset sent by reset_later, not waited for

    @property
    def km(self) -> Any:
        return self._client.km

    @property
    def kc(self) -> Any:
        return self._client.kc

    def start(self) -> WarmKernel:
        """Launch the kernel process and return at once; :meth:`reset` waits until it is ready."""
        if self.km is None or not self.km.has_kernel:
            self._client.km = self._client.create_kernel_manager()
            # its console output would garble the batch's progress bar; what a cell prints
            # reaches the notebook through the kernel's own channels
            self._client.start_new_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          env={**os.environ, **HEAP_ENV, "WARDAUDIT_ROOT": str(self.root)})
        return self

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync
        return self.km is not None and self.km.has_kernel and bool(run_sync(self.km.is_alive)())

    def reset(self, timeout: float = 60) -> None:
        """Empty the kernel's namespace and restart its counter; (re)start it and wait if needed. After
        :meth:`reset_later` there is nothing to wait for, unless the kernel died since."""
        from jupyter_core.utils import run_sync

        if self._pending is not None:
            self._pending = None
            if self.alive():
                self.resets += 1
                return
        if self.km is not None and self.km.has_kernel and not self.alive():
            self.shutdown()
        self.start()
        if self.kc is None:
            self._client.start_new_kernel_client()  # waits until the kernel answers
        # waits for the reply and reads iopub up to the kernel's idle status, so nothing of the
        # reset is left for the notebook's client to read
        reply = run_sync(self.kc.execute_interactive)(_RESET_CODE, silent=True, store_history=False,
                                                      timeout=timeout, output_hook=lambda msg: None)
        if reply["content"].get("status") != "ok":
            raise NotebookError(f"kernel reset failed: {reply['content'].get('evalue')}")
        self.kc.session.digest_history.clear()
        self.resets += 1

    def reset_later(self) -> None:
        """Send the reset without waiting for it, when a ward's notebook has run: the kernel empties its
        namespace while the worker renders the page, and before it runs anything sent later (a kernel
        runs its requests in order; papermill's client, like any, reads only the replies to its own
        requests, so the reset's are left unread). The next :meth:`reset` has then nothing to wait for."""
        if self.kc is None:
            return
        self._pending = self.kc.execute(_RESET_CODE, silent=True, store_history=False)
        self.kc.session.digest_history.clear()

    def shutdown(self) -> None:
        self._pending = None
        if self.km is not None:
            with contextlib.suppress(Exception):  # already gone
                self._client._cleanup_kernel()
            self._client.km = None
            self._client.kc = None


def register_engine() -> None:
    """Register :class:`WarmKernelEngine` with papermill (again: registering is idempotent)."""
    papermill_engines.register(WARM_ENGINE, WarmKernelEngine)


_warm: dict[tuple[int, str, str], WarmKernel] = {}
_warm_finalizer: list[Any] = []


def warm_kernel(paths: Paths, kernel_name: str = "python3", *, start: bool = True) -> WarmKernel:
    """This thread's kernel for ``paths.root`` (started when ``start``; reused while alive)."""
    key = (threading.get_ident(), str(paths.root), kernel_name)
    kernel = _warm.get(key)
    if kernel is None:
        kernel = _warm[key] = WarmKernel(kernel_name, paths)
        if not _warm_finalizer:
            _register_shutdown()
    if start:
        kernel.start()
    return kernel


def _register_shutdown() -> None:
    import atexit
    from multiprocessing import util

    # a multiprocessing worker leaves through os._exit, skipping atexit: its finalizers still run
    # (a killed worker's kernel notices its parent is gone and exits on its own)
    _warm_finalizer.append(util.Finalize(None, shutdown_warm_kernels, exitpriority=10))
    atexit.register(shutdown_warm_kernels)


def shutdown_warm_kernels() -> None:
    """Shut down every kernel :func:`warm_kernel` started in this process."""
    while _warm:
        _, kernel = _warm.popitem()
        kernel.shutdown()

"""The papermill engine that runs a notebook on a warm kernel (:mod:`wardaudit.run.kernel`).

It lives in a module of its own, importing nothing of the package but its errors: papermill loads
its ``papermill.engine`` entry points (pyproject.toml) while papermill itself is still being
imported, and this module must be importable at that moment.
"""
from __future__ import annotations

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.iorw import write_ipynb
from papermill.log import logger

from wardaudit.errors import NotebookError

WARM_ENGINE = "wardaudit-warm"


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine on a :class:`WarmKernel` (its manager and its client).

    ``ran`` (a dict), when given, gets the notebook being run under ``"nb"`` before its first cell: the
    caller keeps what ran, error marks included, without papermill writing it to a file and the caller
    reading it back. Without it the notebook is written once, when the run ends or stops: papermill
    writes it on a cell error, this engine (to ``save_on_error``) on anything else, e.g. a dead kernel.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, warm_kernel=None, save_on_error=None,
                                 ran=None, **kwargs):
        if warm_kernel is None:
            raise NotebookError(f"the {WARM_ENGINE} engine needs warm_kernel=WarmKernel(...)")
        if ran is not None:
            ran["nb"] = nb_man.nb
        client = PapermillNotebookClient(nb_man, km=warm_kernel.km, timeout=execution_timeout,
                                         startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                         log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        # the kernel's client too: one per ward would leave its sockets open (a client that
        # does not own its kernel does not close them)
        client.kc = warm_kernel.kc
        try:
            return client.execute()
        except Exception:
            if save_on_error:  # what ran so far, for the failure page
                write_ipynb(nb_man.nb, save_on_error)
            raise

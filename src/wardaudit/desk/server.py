"""``wardaudit desk``: Voilà serving the desk notebook (``desk/desk.ipynb``, package data) on 127.0.0.1.

The notebook sits inside the package, so an auditor's JupyterLab never edits it by accident, and the
project it works on is the one ``wardaudit desk`` was started in (its root travels to the kernels as
``WARDAUDIT_ROOT``, the variable :class:`~wardaudit.project.config.Paths` reads). Besides the app, the
server serves the project's reports/ under ``/bao-cao/`` so that the desk can link a ward's page and
its letter. Voilà's own page template would fetch icon fonts from a CDN; the desk's template
(``desk/voila/index.html.j2``) leaves those out: the page loads nothing but what this server serves.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import tornado.web
from traitlets import Unicode
from voila.app import Voila

from wardaudit.desk.app import REPORTS_URL
from wardaudit.project.config import Paths, relative

NOTEBOOK = Path(__file__).resolve().parent / "desk.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "voila"
HOST = "127.0.0.1"


class ReportsHandler(tornado.web.StaticFileHandler):
    """reports/ as files: the ward pages (HTML), the letters (.docx) and the exports."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a page re-rendered a minute ago must show


class DeskServer(Voila):
    """Voilà with the desk's page template first and reports/ served under ``/bao-cao/``."""

    reports_dir = Unicode("", config=True, help="The project's reports/ folder")

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATES))

    def init_handlers(self) -> list:
        from jupyter_server.utils import url_path_join

        ours = [(url_path_join(self.server_url, rf"/{REPORTS_URL}(.*)"), ReportsHandler,
                 {"path": self.reports_dir})]
        return ours + super().init_handlers()


def serve(port: int = 8866, open_browser: bool = True, paths: Paths | None = None) -> int:
    """Serve the desk until interrupted; 2 with one line when the project has no wards."""
    paths = paths or Paths()
    if not any(paths.parameters.glob("*.yaml")):
        print(f"{relative(paths.parameters, paths)}: không có xã/phường nào (chạy wardaudit discover) / "
              "no ward in parameters/", file=sys.stderr)
        return 2
    os.environ["WARDAUDIT_ROOT"] = str(paths.root)  # the kernels Voilà starts inherit the project
    paths.reports.mkdir(parents=True, exist_ok=True)
    print(f"Bàn kiểm tra / the desk: http://{HOST}:{port}/ (Ctrl+C để dừng / to stop)", flush=True)
    DeskServer.launch_instance(argv=[str(NOTEBOOK), f"--port={port}", f"--Voila.ip={HOST}", "--Voila.port_retries=0",
                                     f"--Voila.open_browser={open_browser}", "--theme=light",
                                     f"--DeskServer.reports_dir={paths.reports}"])
    return 0

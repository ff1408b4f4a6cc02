"""Run the ward notebook with papermill and render it to one self-contained HTML page.

:func:`load_ward` is what notebooks/ward_audit.ipynb calls; :func:`execute_ward` runs that notebook
for one ward (data/processed/<ward>/ward_audit.ipynb) and renders reports/<ward>.html;
:func:`render_html` turns any executed notebook into a page with no script and no external
resource (the portfolio notebook uses it too).

Determinism: papermill's and nbclient's timing metadata are stripped before rendering and the
injected parameters cell gets a fixed id, so two runs on the same inputs give the same HTML bytes
except for the run timestamp in the page footer. Parameters, input hashes and the package version
are recorded in the output notebook's metadata (``metadata.wardaudit``): the notebook is the log.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .config import Paths, WardParams, load_params, relative, ward_sources
from .exceptions import NotebookError

WARD_NOTEBOOK = "ward_audit.ipynb"
INJECTED_CELL_ID = "injected-parameters"
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


# --- what the notebook calls ----------------------------------------------------------------------

@dataclass
class WardAudit:
    """One ward's parameters and the audit of each of its reports (oldest first)."""

    params: WardParams
    results: list[Any]
    paths: Paths
    lang: str = "vi"

    @property
    def latest(self) -> Any | None:
        return self.results[-1] if self.results else None

    @property
    def facts(self) -> list[Any]:
        """The facts of the latest report (the charts show one report)."""
        return list(self.latest.facts) if self.latest else []


def load_ward(slug: str, *, params_file: str | Path | None = None, lang: str | None = None,
              rules_off: list[str] | None = None, period_start: str | None = None, period_end: str | None = None,
              carried_over_in_denominator: bool | None = None, outline_profile: str | None = None,
              paths: Paths | None = None, use_cache: bool = True) -> WardAudit:
    """Read parameters/<slug>.yaml (or ``params_file``), apply the notebook's overrides, audit the ward.

    An override left at None keeps the parameters file's value.
    """
    from .audit import audit_ward

    paths = paths or Paths()
    params = load_params(Path(params_file) if params_file else paths.ward_params(slug), paths)
    overrides = {k: v for k, v in {"lang": lang, "rules_off": list(rules_off) if rules_off is not None else None,
                                   "period_start": period_start, "period_end": period_end,
                                   "carried_over_in_denominator": carried_over_in_denominator,
                                   "outline_profile": outline_profile}.items() if v is not None}
    if overrides:
        params = WardParams(**{**params.model_dump(), **overrides})
    results = audit_ward(params, paths, use_cache=use_cache)
    return WardAudit(params=params, results=results, paths=paths, lang=params.lang)


# --- running and rendering --------------------------------------------------------------------------

def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def _project_root_env(root: Path) -> Iterator[None]:
    # the kernel is a child process: it finds the project through the environment it inherits
    old = os.environ.get("WARDAUDIT_ROOT")
    os.environ["WARDAUDIT_ROOT"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("WARDAUDIT_ROOT", None)
        else:
            os.environ["WARDAUDIT_ROOT"] = old


def _sha256(path: Path) -> str:
    from .ingest import sha256_file
    return sha256_file(path)


def clean_notebook(nb: Any) -> Any:
    """Drop what changes from run to run (timings, absolute temporary paths); fix the injected id."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if INJECTED_CELL_ID in cell.metadata.get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    pm = nb.metadata.get("papermill")
    if pm is not None:
        nb.metadata["papermill"] = {k: pm[k] for k in ("parameters", "exception", "version") if k in pm}
    return nb


def execute_ward(slug: str, paths: Paths | None = None, *, kernel_name: str = "python3",
                 parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run notebooks/ward_audit.ipynb for one ward and render reports/<slug>.html.

    Returns a plain dict: ``ward``, ``status`` ("ok" | "failed"), ``reason`` (one line, failures
    only), ``notebook`` and ``html`` (paths), ``seconds``. A notebook that fails is still rendered,
    with the failing cell's error and a banner. Raises :class:`NotebookError` only when there is
    nothing to render (the parameters file or the notebook cannot be read).
    """
    import nbformat
    import papermill as pm

    from .iorw import write_text

    started = time.perf_counter()
    paths = paths or Paths()
    params_path = paths.ward_params(slug)
    params = load_params(params_path, paths)
    source_nb = paths.notebooks / WARD_NOTEBOOK
    if not source_nb.is_file():
        raise NotebookError(f"{relative(source_nb, paths)}: không tìm thấy sổ tay / notebook not found",
                            path=str(source_nb), ward=slug)
    nb_params = {"slug": slug, "lang": params.lang, **(parameters or {})}
    out_nb = paths.ward_processed(slug) / WARD_NOTEBOOK
    html_path = paths.ward_report(slug)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime(STAMP_FORMAT)

    inputs = [{"file": relative(p, paths), "sha256": _sha256(p)}
              for p in [*ward_sources(params, paths), params_path, source_nb]]
    status, reason = "ok", None
    # papermill saves the notebook as it goes: outside the project, so that a killed run leaves no
    # partial file under data/processed/ (the finished notebook is then written atomically)
    with tempfile.TemporaryDirectory(prefix="wardaudit-") as scratch:
        running = Path(scratch) / WARD_NOTEBOOK
        with _project_root_env(paths.root):
            try:
                pm.execute_notebook(str(source_nb), str(running), parameters=nb_params, kernel_name=kernel_name,
                                    cwd=str(paths.notebooks), progress_bar=False, log_output=False)
            except pm.PapermillExecutionError as e:
                status, reason = "failed", _one_line(f"{e.ename}: {e.evalue}")
            except Exception as e:  # noqa: BLE001 - kernel missing or dead: report it, render what exists
                status, reason = "failed", _one_line(f"{type(e).__name__}: {e}")
        if running.exists() and running.stat().st_size:
            nb = nbformat.read(str(running), as_version=4)
        else:  # nothing was written: render the unexecuted notebook under the failure banner
            nb = nbformat.read(str(source_nb), as_version=4)
    clean_notebook(nb)
    nb.metadata["wardaudit"] = {"ward": params.ward, "slug": slug, "parameters": nb_params,
                                "inputs": inputs, "version": __version__, "run_at": stamp,
                                "status": status, **({"reason": reason} if reason else {})}
    write_text(out_nb, nbformat.writes(nb) + "\n")
    title = f"{params.ward} · wardaudit"
    render_html(out_nb, html_path, title, stamp=stamp, lang=params.lang, failed_reason=reason,
                exclude_markdown=True)
    result = {"ward": slug, "status": status, "notebook": str(out_nb), "html": str(html_path),
              "seconds": round(time.perf_counter() - started, 3)}
    if reason:
        result["reason"] = reason
    return result


PAGE_CSS = """
body{margin:0;background:#f3f5f7;color:#1b1b1b}
main.page{max-width:1140px;margin:0 auto;background:#fff;padding:16px 28px 28px;box-shadow:0 0 6px #d0d6dc}
.jp-Cell,.cell{margin:0}.jp-OutputArea-output pre,.output_area pre{white-space:pre-wrap;font-size:12px}
.output_stderr,.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]{background:#fdf0ef}
.output_error pre,.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"] pre{background:#fdf0ef;color:#5a0f0a;padding:6px}
.ansi-red-fg{color:#b3261e}.ansi-green-fg{color:#1d6b2c}.ansi-cyan-fg{color:#0f6b75}.ansi-blue-fg{color:#2b5d8a}
.ansi-yellow-fg{color:#8a6d00}.ansi-bold{font-weight:bold}
footer.run-stamp{color:#5c6670;font-size:12px;margin-top:24px;border-top:1px solid #d0d6dc;padding-top:6px}
"""

# nothing in the page may load from elsewhere or run: the policy blocks it even if some output slipped
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"

_EXTERNAL = re.compile(r"<script\b[^>]*>.*?</script>|<link\b[^>]*>", re.S | re.I)


def render_html(ipynb_path: str | Path, html_path: str | Path, title: str, *, stamp: str | None = None,
                lang: str = "vi", failed_reason: str | None = None, exclude_markdown: bool = False) -> Path:
    """Render an executed notebook to a self-contained HTML page (inputs hidden), atomically.

    The page has no script and loads nothing: images are embedded, the styles inline, and a
    Content-Security-Policy forbids everything else. ``stamp`` (default: now) is the only part of
    the page that changes between two renders of the same notebook.
    """
    import nbformat
    from nbconvert import HTMLExporter

    from .display import CSS, esc, run_failed_banner
    from .iorw import write_text
    from .messages import t

    nb = nbformat.read(str(ipynb_path), as_version=4)
    clean_notebook(nb)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_markdown=exclude_markdown, embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    body = _EXTERNAL.sub("", body)
    stamp = stamp or _dt.datetime.now(_dt.timezone.utc).strftime(STAMP_FORMAT)
    banner = run_failed_banner(failed_reason, lang) if failed_reason else ""
    page = (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{PAGE_CSS}{CSS}</style>\n</head>\n<body>\n"
            f'<main class="page">\n{banner}{body}\n'
            f'<footer class="run-stamp">{esc(t("generated", lang, stamp=stamp, version=__version__))}</footer>\n'
            f"</main>\n</body>\n</html>\n")
    return write_text(html_path, page)

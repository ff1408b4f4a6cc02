"""Run the ward notebook with papermill and render it to one self-contained HTML page.

:func:`load_ward` is what notebooks/ward_audit.ipynb calls; :func:`execute_ward` runs that notebook
for one ward (data/processed/<ward>/ward_audit.ipynb) and renders reports/<ward>.html;
:func:`render_html` turns any executed notebook into a page with no script and no external
resource (the portfolio notebook uses it too).

Determinism: papermill's and nbclient's timing metadata are stripped before rendering and the
injected parameters cell gets a fixed id, so two runs on the same inputs give the same HTML bytes
except for the run timestamp in the page footer. Parameters, input hashes and the package version
are recorded in the output notebook's metadata (``metadata.wardaudit``): the notebook is the log.

Cost: a batch worker runs ward after ward on one kernel (:mod:`wardaudit.run.kernel`), so the
kernel start and the imports are paid once per worker instead of once per ward. The HTML exporter
and the page template are built once per process.
"""
from __future__ import annotations

import datetime as _dt
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from wardaudit.errors import NotebookError, ParametersError, one_line
from wardaudit.ingest import ward_sources
from wardaudit.project.config import Paths, WardParams, load_params, relative
from wardaudit.project.iorw import write_text
from wardaudit.render.messages import t
from wardaudit.render.templating import environment
from wardaudit.render.wording import local_stamp
from wardaudit.run.kernel import WARM_ENGINE, WarmKernel, register_engine, shutdown_warm_kernels, warm_kernel
from wardaudit.version import __version__

__all__ = ["WARD_NOTEBOOK", "WardAudit", "UnknownWardError", "load_ward", "execute_ward", "render_html",
           "clean_notebook", "WarmKernel", "warm_kernel", "shutdown_warm_kernels"]

WARD_NOTEBOOK = "ward_audit.ipynb"
INJECTED_CELL_ID = "injected-parameters"
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


# --- what the notebook calls ----------------------------------------------------------------------

@dataclass
class WardAudit:
    """One ward's parameters, the audit of each of its reports (oldest first) and the auditor's
    decisions on its findings (finding id → latest :class:`~wardaudit.review.decisions.Decision`)."""

    params: WardParams
    results: list[Any]
    paths: Paths
    lang: str = "vi"
    reviews: dict[str, Any] = field(default_factory=dict)

    @property
    def latest(self) -> Any | None:
        return self.results[-1] if self.results else None

    @property
    def facts(self) -> list[Any]:
        """The facts of the latest report (the charts show one report)."""
        return list(self.latest.facts) if self.latest else []


AUDIT_STORE = "audit.pickle"


def _audit_store_key(params: WardParams, paths: Paths) -> str:
    """What the stored audit depends on: the report files, the parameters, the package."""
    import hashlib

    from wardaudit.audit import params_digest
    from wardaudit.ingest import sha256_file
    from wardaudit.run.digest import package_digest

    h = hashlib.sha256(f"{params_digest(params)}\n{package_digest()}\n".encode())
    for src in ward_sources(params, paths):
        h.update(f"{src.name}\t{sha256_file(src)}\n".encode())
    return h.hexdigest()


def _stored_audit(store: Path, key: str) -> list[Any] | None:
    import pickle

    try:
        with open(store, "rb") as f:
            blob = pickle.load(f)  # written by this package for this project (data/processed)
    except Exception:  # noqa: BLE001 - unreadable or from other code: audit again instead
        return None
    return blob.get("results") if isinstance(blob, dict) and blob.get("key") == key else None


class UnknownWardError(ParametersError):
    """A ward the project has no parameters file for; in a notebook it shows as its one line."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of the traceback
        return [f"{type(self).__name__}: {self.one_line()}"]


def _check_ward(slug: str, paths: Paths) -> None:
    """One line listing the valid slugs when ``slug`` names no parameters file."""
    if paths.ward_params(slug).is_file():
        return
    valid = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
    raise UnknownWardError(f"không có phường/xã '{slug}' (tệp tham số {relative(paths.ward_params(slug), paths)}); "
                           f"tên hợp lệ: {', '.join(valid) or '(chưa có: chạy wardaudit discover)'}",
                           path=relative(paths.ward_params(slug), paths), ward=slug)


def load_ward(slug: str, *, params_file: str | Path | None = None, lang: str | None = None,
              rules_off: list[str] | None = None, period_start: str | None = None, period_end: str | None = None,
              carried_over_in_denominator: bool | None = None, outline_profile: str | None = None,
              paths: Paths | None = None, use_cache: bool = True, reuse_audit: bool = False,
              root: str | Path | None = None) -> WardAudit:
    """Read parameters/<slug>.yaml (or ``params_file``), apply the notebook's overrides, audit the ward.

    An override left at None keeps the parameters file's value. The auditor's decisions
    (data/reviews/<slug>.yaml) annotate findings.json and travel in ``WardAudit.reviews``.
    With ``reuse_audit`` (a re-run for changed decisions only) the audit stored by the last run
    is used when the reports, parameters and package are unchanged: only findings.json is
    rewritten, nothing is re-audited. ``root`` is the project folder (``wardaudit run`` passes it as
    a notebook parameter; by default the folder found from the working directory).
    """
    import pickle

    from wardaudit.audit import audit_ward, findings_text
    from wardaudit.project.iorw import write_bytes
    from wardaudit.review.decisions import latest, load_decisions

    paths = paths or Paths(root)
    if not params_file:
        _check_ward(slug, paths)
    params = load_params(Path(params_file) if params_file else paths.ward_params(slug), paths)
    overrides = {k: v for k, v in {"lang": lang, "rules_off": list(rules_off) if rules_off is not None else None,
                                   "period_start": period_start, "period_end": period_end,
                                   "carried_over_in_denominator": carried_over_in_denominator,
                                   "outline_profile": outline_profile}.items() if v is not None}
    if overrides:
        params = WardParams(**{**params.model_dump(), **overrides})
    state = latest(load_decisions(params.slug, paths))
    reviews = {k: d.review() for k, d in state.items()}
    out_dir = paths.ward_processed(params.slug)
    key = _audit_store_key(params, paths)
    results = _stored_audit(out_dir / AUDIT_STORE, key) if reuse_audit else None
    if results is None:
        results = audit_ward(params, paths, use_cache=use_cache, reviews=reviews)
        write_bytes(out_dir / AUDIT_STORE, pickle.dumps({"key": key, "results": results}, protocol=5))
    else:
        write_text(out_dir / "findings.json", findings_text(results, reviews))
    return WardAudit(params=params, results=results, paths=paths, lang=params.lang, reviews=state)


# --- running and rendering --------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    from wardaudit.ingest import sha256_file
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


def _execute_on(source_nb: Path, running: Path, nb_params: dict[str, Any], kernel_name: str, paths: Paths,
                kernel: WarmKernel | None) -> None:
    """papermill parameterises and executes the notebook, on ``kernel`` or on a fresh one.

    On a warm kernel the notebook is written once, when the run ends or stops (papermill writes
    it on a cell error; the engine on anything else, e.g. a dead kernel), not after every cell.
    """
    import papermill as pm

    kwargs: dict[str, Any] = {}
    if kernel is not None:
        register_engine()
        kernel.reset()
        kwargs = {"engine_name": WARM_ENGINE, "warm_kernel": kernel, "save_on_error": str(running),
                  "request_save_on_cell_execute": False}
    # the root travels as a parameter: no environment variable is set in the worker
    pm.execute_notebook(str(source_nb), str(running), parameters={**nb_params, "root": str(paths.root)},
                        kernel_name=kernel_name,
                        cwd=str(paths.notebooks), progress_bar=False, log_output=False, **kwargs)


def _run_notebook(source_nb: Path, nb_params: dict[str, Any], kernel_name: str, paths: Paths,
                  kernel: WarmKernel | None) -> tuple[Any, str, str | None]:
    """(executed notebook, status, one-line reason): what ran, even when a cell or the kernel failed."""
    import nbformat
    import papermill as pm

    status, reason = "ok", None
    # papermill writes the running notebook outside the project, so that a killed run leaves no
    # partial file under data/processed/ (the finished notebook is then written atomically)
    with tempfile.TemporaryDirectory(prefix="wardaudit-") as scratch:
        running = Path(scratch) / WARD_NOTEBOOK
        try:
            _execute_on(source_nb, running, nb_params, kernel_name, paths, kernel)
        except pm.PapermillExecutionError as e:
            status, reason = "failed", one_line(f"{e.ename}: {e.evalue}")
        except Exception as e:  # noqa: BLE001 - kernel missing or dead: report it, render what exists
            status, reason = "failed", one_line(f"{type(e).__name__}: {e}")
            if kernel is not None:  # its state is unknown: the next ward gets a new kernel
                kernel.shutdown()
        if running.exists() and running.stat().st_size:
            return nbformat.read(str(running), as_version=4), status, reason
        # nothing was written: render the unexecuted notebook under the failure banner
        return nbformat.read(str(source_nb), as_version=4), status, reason


def _inputs(params: WardParams, paths: Paths, slug: str, source_nb: Path) -> list[dict[str, str]]:
    """The files the run read, with their hashes (recorded in the output notebook)."""
    return [{"file": relative(p, paths), "sha256": _sha256(p)}
            for p in [*ward_sources(params, paths), paths.ward_params(slug), source_nb, paths.ward_reviews(slug)]
            if p.exists()]


def execute_ward(slug: str, paths: Paths | None = None, *, kernel_name: str = "python3",
                 parameters: dict[str, Any] | None = None, reuse_kernel: bool = False,
                 reuse_audit: bool = False) -> dict[str, Any]:
    """Run notebooks/ward_audit.ipynb for one ward; render reports/<slug>.html and the letter.

    Returns a plain dict: ``ward``, ``status`` ("ok" | "failed"), ``reason`` (one line, failures
    only), ``notebook`` and ``html`` (paths), ``seconds``. A notebook that fails is still rendered,
    with the failing cell's error and a banner. Raises :class:`NotebookError` only when there is
    nothing to render (the parameters file or the notebook cannot be read).

    With ``reuse_kernel`` the notebook runs on this thread's :class:`WarmKernel` (reset first)
    instead of a kernel started for it; the outputs are the same. With ``reuse_audit`` (only the
    decisions changed) the notebook shows the stored audit (:func:`load_ward`). After a successful
    run the letter to the ward, reports/<slug>-giai-trinh.docx, is written when a finding is under
    ``query`` (and removed when none is).
    """
    import nbformat

    from wardaudit.review.letter import write_letter

    started = time.perf_counter()
    paths = paths or Paths()
    params = load_params(paths.ward_params(slug), paths)
    source_nb = paths.notebooks / WARD_NOTEBOOK
    if not source_nb.is_file():
        raise NotebookError(f"{relative(source_nb, paths)}: không tìm thấy sổ tay / notebook not found",
                            path=str(source_nb), ward=slug)
    nb_params = {"ward": slug, "lang": params.lang, "reuse_audit": reuse_audit, **(parameters or {})}
    out_nb, html_path = paths.ward_processed(slug) / WARD_NOTEBOOK, paths.ward_report(slug)
    now = _dt.datetime.now(_dt.UTC)
    inputs = _inputs(params, paths, slug, source_nb)
    kernel = warm_kernel(paths, kernel_name) if reuse_kernel else None
    nb, status, reason = _run_notebook(source_nb, nb_params, kernel_name, paths, kernel)
    clean_notebook(nb)
    nb.metadata["wardaudit"] = {"ward": params.ward, "slug": slug, "parameters": nb_params,
                                "inputs": inputs, "version": __version__, "run_at": now.strftime(STAMP_FORMAT),
                                "status": status, **({"reason": reason} if reason else {})}
    text = nbformat.writes(nb) + "\n"
    write_text(out_nb, text)
    # render what was just written, without reading it back from disk
    _render_page(nbformat.reads(text, as_version=4), html_path, f"{params.ward} · wardaudit", stamp=local_stamp(now),
                 lang=params.lang, failed_reason=reason, exclude_markdown=True, back_link="index.html",
                 running_head=" · ".join(x for x in (params.ward, _report_name(params, paths)) if x))
    result = {"ward": slug, "status": status, "notebook": str(out_nb), "html": str(html_path)}
    if status == "ok":
        letter = write_letter(slug, paths)
        result["letter"] = str(letter) if letter else None
    result["seconds"] = round(time.perf_counter() - started, 3)
    if reason:
        result["reason"] = reason
    return result


_EXTERNAL = re.compile(r"<script\b[^>]*>.*?</script>|<link\b[^>]*>", re.S | re.I)


_exporters: dict[bool, Any] = {}


def _exporter(exclude_markdown: bool) -> Any:
    """One HTML exporter per process and option: building it (templates, filters) costs more
    than a render. It keeps no state from one notebook to the next."""
    if exclude_markdown not in _exporters:
        from nbconvert import HTMLExporter
        _exporters[exclude_markdown] = HTMLExporter(template_name="basic", exclude_input=True,
                                                    exclude_input_prompt=True, exclude_output_prompt=True,
                                                    exclude_markdown=exclude_markdown, embed_images=True)
    return _exporters[exclude_markdown]


def render_html(ipynb_path: str | Path, html_path: str | Path, title: str, *, stamp: str | None = None,
                lang: str = "vi", failed_reason: str | None = None, exclude_markdown: bool = False) -> Path:
    """Render an executed notebook to a self-contained HTML page (inputs hidden), atomically.

    The page has no script and loads nothing: images are embedded, the styles inline, and a
    Content-Security-Policy forbids everything else. ``stamp`` (default: now) is the only part of
    the page that changes between two renders of the same notebook.
    """
    import nbformat

    nb = nbformat.read(str(ipynb_path), as_version=4)
    return _render_page(nb, html_path, title, stamp=stamp, lang=lang, failed_reason=failed_reason,
                        exclude_markdown=exclude_markdown)


def _report_name(params: WardParams, paths: Paths) -> str:
    """The report's file name(s), for the printed page's running head."""
    try:
        return ", ".join(p.name for p in ward_sources(params, paths))
    except Exception:  # noqa: BLE001 - the head is a nicety; the page renders without it
        return ""


def _without_tracebacks(nb: Any) -> None:
    """A failed run's page shows its one-line reason, not the Python traceback under a cell."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"
                            and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def _render_page(nb: Any, html_path: str | Path, title: str, *, stamp: str | None, lang: str,
                 failed_reason: str | None, exclude_markdown: bool, back_link: str | None = None,
                 running_head: str | None = None) -> Path:
    clean_notebook(nb)
    if failed_reason:
        _without_tracebacks(nb)
    body, _ = _exporter(exclude_markdown).from_notebook_node(nb)
    body = _EXTERNAL.sub("", body)
    stamp = stamp or local_stamp()
    page = environment().get_template("page.html.j2").render(
        lang=lang, title=title, body=Markup(body),
        back_link=back_link, back_text=t("back_to_index", lang),
        failed_reason=t("run_failed", lang, reason=failed_reason) if failed_reason else None,
        running_head=running_head or title, page_word=t("page_word", lang),
        stamp_text=t("generated", lang, stamp=stamp, version=__version__))
    return write_text(html_path, page)

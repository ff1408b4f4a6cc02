"""The notebook half of a ward's run: papermill executes the page template, nbconvert renders it.

The template (``run/templates/ward_audit.ipynb``, inside the package) is papermill's input: one
executed notebook per ward comes out (data/processed/<ward>/ward_audit.ipynb). An auditor's notebooks
in notebooks/ are never what the batch runs, so nothing done in JupyterLab reaches a batch.

Rendering uses nbconvert's own tools: :class:`RunCleaner` (a preprocessor) drops what changes from
run to run, :class:`TracebackRemover` leaves a failed cell's traceback out of a page (the banner says
what failed), and the exporter's template (``render/nbconvert/wardaudit``) extends nbconvert's
``basic`` one so that nothing that would need a script reaches a page. The page around the body is
``render/templates/page.html.j2``.

Determinism: timings are dropped and the injected parameters cell gets a fixed id, so two runs on
the same inputs give the same HTML bytes except for the run timestamp in the page footer.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup
from nbconvert.preprocessors import Preprocessor

from wardaudit.errors import one_line
from wardaudit.project.config import Paths
from wardaudit.project.iorw import write_text
from wardaudit.render.messages import t
from wardaudit.render.templating import environment
from wardaudit.render.wording import local_stamp
from wardaudit.run.kernel import WARM_ENGINE, WarmKernel, register_engine
from wardaudit.version import __version__

__all__ = ["RunCleaner", "TracebackRemover", "execute_template", "render_html", "render_page"]

INJECTED_CELL_ID = "injected-parameters"
#: nbconvert templates of the package (the "wardaudit" one renders every page's body)
NBCONVERT_TEMPLATES = Path(__file__).resolve().parents[1] / "render" / "nbconvert"


class RunCleaner(Preprocessor):
    """Drop what changes from run to run (papermill's and nbclient's timings, absolute temporary
    paths) and give the injected parameters cell a fixed id; keep the parameters and any exception."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
            cell.metadata.pop("papermill", None)
            if INJECTED_CELL_ID in cell.metadata.get("tags", []):
                cell["id"] = INJECTED_CELL_ID
        pm = nb.metadata.get("papermill")
        if pm is not None:
            nb.metadata["papermill"] = {k: pm[k] for k in ("parameters", "exception", "version") if k in pm}
        return nb, resources


class TracebackRemover(Preprocessor):
    """A failed run's page shows its one-line reason in the banner, not a traceback under a cell."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"
                            and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        return cell, resources


def execute_template(parameters: dict[str, Any], paths: Paths, *, kernel_name: str = "python3",
                     kernel: WarmKernel | None = None, source: Path | None = None) -> tuple[Any, str | None]:
    """Run ``source`` (default: the page template) with papermill, on ``kernel`` when given; return
    (what ran, the one-line reason it failed or None). What ran is returned even when a cell or the
    kernel failed."""
    import nbformat
    import papermill as pm

    from wardaudit.run import digest

    source = source or digest.TEMPLATE
    reason = None
    # on a warm kernel the engine hands over the notebook it runs (error marks included): nothing is written
    # and read back. Otherwise papermill writes the running notebook outside the project: a killed run
    # leaves no partial file
    held: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="wardaudit-") as scratch:
        running = Path(scratch) / source.name
        output: str | None = str(running)
        kwargs: dict[str, Any] = {}
        if kernel is not None:
            register_engine()
            kernel.reset()
            output = None
            kwargs = {"engine_name": WARM_ENGINE, "warm_kernel": kernel, "ran": held,
                      "request_save_on_cell_execute": False}
        try:
            # the root travels as a parameter: no environment variable is set in the worker
            pm.execute_notebook(str(source), output, parameters={**parameters, "root": str(paths.root)},
                                kernel_name=kernel_name, cwd=str(paths.notebooks), progress_bar=False,
                                log_output=False, **kwargs)
        except pm.PapermillExecutionError as e:
            reason = one_line(f"{e.ename}: {e.evalue}")
        except Exception as e:  # noqa: BLE001 - kernel missing or dead: report it, keep what ran
            reason = one_line(f"{type(e).__name__}: {e}")
            if kernel is not None:  # its state is unknown: the next ward gets a new kernel
                kernel.shutdown()
        if kernel is not None:
            kernel.reset_later()  # the next ward's kernel is made clean while this one's page is rendered
        if "nb" in held:
            nb = held["nb"]
        else:
            ran = running if running.exists() and running.stat().st_size else source
            nb = nbformat.read(str(ran), as_version=4)
    RunCleaner().preprocess(nb, {})
    return nb, reason


def _page_exporter_class() -> Any:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    from wardaudit.run.canonical import canonical_html

    class PageExporter(HTMLExporter):
        """nbconvert's HTML exporter, with its closing BeautifulSoup round trip written in one pass
        (:mod:`wardaudit.run.canonical`: the same bytes, a fraction of the time); where that pass is not
        sure of the result, nbconvert's own path runs."""

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
            # what HTMLExporter.from_notebook_node does before its round trip
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(dict(resources or {}))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            fast = canonical_html(html)
            if fast is None:
                return super().from_notebook_node(nb, None, **kw)
            return fast, resources

    return PageExporter


_exporters: dict[bool, Any] = {}


def _exporter(exclude_markdown: bool) -> Any:
    """One HTML exporter per process and option: building it (templates, filters) costs more than a
    render. It keeps no state from one notebook to the next."""
    if exclude_markdown not in _exporters:
        exporter = _page_exporter_class()(template_name="wardaudit", extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
                                exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                exclude_markdown=exclude_markdown, embed_images=True,
                                # the notebook is validated once, after every preprocessor, not after each of
                                # them (thirteen schema validations a page): a page is the same either way
                                optimistic_validation=True)
        exporter.register_preprocessor(RunCleaner, enabled=True)
        _exporters[exclude_markdown] = exporter
    return _exporters[exclude_markdown]


def render_page(nb: Any, html_path: str | Path, title: str, *, stamp: str | None = None, lang: str = "vi",
                banner: str | None = None, exclude_markdown: bool = False, back_link: str | None = None,
                running_head: str | None = None, letter_link: str | None = None) -> Path:
    """Render an executed notebook to a self-contained HTML page (inputs hidden), atomically.

    The page has no script and loads nothing: images are embedded, the styles inline, and a
    Content-Security-Policy forbids everything else. ``banner`` (a failure, in one line) goes on top and
    tracebacks are left out. ``stamp`` (default: now) is the only part that changes between two renders
    of the same notebook. ``letter_link`` (the letter's file name, beside the page) is linked at the top.
    """
    if banner:
        nb, _ = TracebackRemover().preprocess(nb, {})
    body, _ = _exporter(exclude_markdown).from_notebook_node(nb)
    page = environment().get_template("page.html.j2").render(
        lang=lang, title=title, body=Markup(body), back_link=back_link, back_text=t("back_to_index", lang),
        letter_link=letter_link, letter_text=t("letter_link", lang),
        failed_reason=banner, running_head=running_head or title, page_word=t("page_word", lang),
        stamp_text=t("generated", lang, stamp=stamp or local_stamp(), version=__version__))
    return write_text(html_path, page)


def render_html(ipynb_path: str | Path, html_path: str | Path, title: str, *, stamp: str | None = None,
                lang: str = "vi", failed_reason: str | None = None, exclude_markdown: bool = False) -> Path:
    """Render the executed notebook at ``ipynb_path`` (e.g. the portfolio notebook) to a page."""
    import nbformat

    nb = nbformat.read(str(ipynb_path), as_version=4)
    banner = t("run_failed", lang, reason=failed_reason) if failed_reason else None
    return render_page(nb, html_path, title, stamp=stamp, lang=lang, banner=banner,
                       exclude_markdown=exclude_markdown)

"""The ward notebook: committed clean and thin; run by papermill it shows the audit; rendered to
HTML it is self-contained and byte-identical across runs apart from the run timestamp."""
from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from conftest import copy_project
from wardaudit.project.config import load_params
from wardaudit.run.digest import TEMPLATE
from wardaudit.run.notebook import render_html
from wardaudit.run.ward import execute_ward
from wardaudit.store import WardStore

REPO = Path(__file__).resolve().parents[2]
WARD_NOTEBOOK = "ward_audit.ipynb"  # the auditor's working notebook
# the notebooks of notebooks/ and the page template the batch executes
NOTEBOOKS = [*sorted((REPO / "notebooks").glob("*.ipynb")), TEMPLATE]
SLUG = "vinh-thong"
STAMP = re.compile(r'<footer class="run-stamp">[^<]*</footer>')

pytestmark = pytest.mark.slow


def _code_cells(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    return nb, [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    nb, cells = _code_cells(path)
    nbformat.validate(nb)
    for c in cells:
        assert c.outputs == [] and c.execution_count is None, f"{path.name}: cell {c.get('id')} has outputs"
        assert "execution" not in c.metadata and "papermill" not in c.metadata
    assert "papermill" not in nb.metadata and "wardaudit" not in nb.metadata


def _path_like(s: str) -> bool:
    return "/" in s or "\\" in s or bool(re.search(r"\.(ya?ml|ipynb|html|csv|json|pdf|docx|txt|md)$", s))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_is_calls_and_displays_only(path):
    _, cells = _code_cells(path)
    for c in cells:
        tree = ast.parse(c.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                                ast.Lambda))]
        assert not defs, f"{path.name}: cell {c.get('id')} defines {type(defs[0]).__name__}"
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert not [s for s in strings if _path_like(s)], f"{path.name}: path literal in cell {c.get('id')}"


@pytest.mark.parametrize("path, names", [
    (REPO / "notebooks" / WARD_NOTEBOOK, {"ward", "params_file", "lang", "rules_off", "carried_over_in_denominator",
                                          "outline_profile", "root"}),
    (TEMPLATE, {"ward", "root", "params", "key"})], ids=["working-copy", "template"])
def test_ward_notebook_parameters_cell_and_section_order(path, names):
    nb, cells = _code_cells(path)
    params = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and cells[0] is params[0]
    assert names <= {t.id for t in ast.walk(ast.parse(params[0].source)) if isinstance(t, ast.Name)}
    calls = [re.search(r"report\.(\w+)\(|(review_panel)\(audit\)", c.source) for c in cells]
    order = [m.group(1) or m.group(2) for m in calls if m]
    # findings and charts before the report's text, which comes last (an appendix when printed); the auditor's
    # working copy shows the findings as the review panel (buttons in a live kernel, the same cards when static)
    findings = "review_panel" if path.parent.name == "notebooks" else "findings"
    assert order == ["header", "scorecard", findings, "previous_period", "charts_section", "appendix_tables",
                     "all_checks", "source_view"]
    assert nb.metadata.kernelspec.name == "wardaudit"  # the kernel `make setup` installs


# --- executed ----------------------------------------------------------------------------------

def _outputs(nb_path: Path) -> dict[str, str]:
    """The text/html output of each code cell of an executed notebook, by cell id."""
    nb = nbformat.read(str(nb_path), as_version=4)
    out = {}
    for c in nb.cells:
        if c.cell_type == "code":
            out[c.id] = "".join(o.get("data", {}).get("text/html", "") for o in c.outputs)
    return out


def test_executed_notebook_shows_the_audit(rendered_ward):
    paths, result = rendered_ward
    assert result["status"] == "ok", result.get("reason")
    params = load_params(paths.ward_params(SLUG))
    results = WardStore(paths, SLUG).load_audit()
    out = _outputs(Path(result["notebook"]))
    # header: the ward's name, its source file and the file's sha256
    assert params.ward in out["header"]
    for r in results:
        assert r.document.source in out["header"] and r.document.sha256 in out["header"]
    # scorecard: every count equals AuditResult.summary
    totals = {k: sum(r.summary[k] for r in results) for k in results[0].summary}
    for key, n in totals.items():
        assert f'data-count="{key}">{n}<' in out["scorecard"], key
    # findings: exactly the failing checks, each rule code listed
    failing = sorted(c.rule for r in results for c in r.checks if c.status == "fail")
    shown = sorted(re.findall(r'<div class="finding [^"]*" data-rule="([^"]+)"', out["findings"]))
    assert shown == failing
    # source view: every block has its anchor; all checks: one row per check
    assert out["source-view"].count('<p') >= sum(len([b for b in r.document.blocks if b.kind != "table"])
                                                for r in results)
    assert out["all-checks"].count('<tr class="check') == totals["checks"]
    assert "<figure" in out["charts"] or "không có số liệu để vẽ" in out["charts"]


def test_output_notebook_records_provenance_not_timings(rendered_ward):
    paths, result = rendered_ward
    nb = nbformat.read(result["notebook"], as_version=4)
    meta = nb.metadata["wardaudit"]
    assert meta["slug"] == SLUG and meta["status"] == "ok" and meta["version"]
    files = {i.get("file") or i.get("template"): i["sha256"] for i in meta["inputs"]}
    assert f"parameters/{SLUG}.yaml" in files and f"wardaudit/run/templates/{TEMPLATE.name}" in files
    assert any(f.startswith(f"data/raw/{SLUG}/") for f in files)
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in files.values())
    assert meta["parameters"]["ward"] == SLUG
    text = json.dumps(nb, ensure_ascii=False)
    for noisy in ("start_time", "end_time", "iopub.execute_input", ".running.ipynb"):
        assert noisy not in text


def test_html_is_self_contained_and_hides_inputs(rendered_ward):
    paths, result = rendered_ward
    html = Path(result["html"]).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html.lower()
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)
    assert "Content-Security-Policy" in html
    assert "load_ward(" not in html and "report.header" not in html  # inputs are hidden
    assert len(STAMP.findall(html)) == 1
    # contents first; findings and charts before the report's text, which comes last
    marks = ['class="contents"', 'class="kv"', 'data-count="checks"', 'id="sec-findings"', 'id="sec-charts"',
             'id="sec-appendix"', 'class="all-checks"', 'class="source"']
    positions = [html.find(m) for m in marks]
    assert -1 not in positions and positions == sorted(positions)


def test_two_runs_give_the_same_html_apart_from_the_timestamp(rendered_ward):
    paths, first = rendered_ward
    before = Path(first["html"]).read_text(encoding="utf-8")
    nb_before = Path(first["notebook"]).read_bytes()
    second = execute_ward(SLUG, paths)
    after = Path(second["html"]).read_text(encoding="utf-8")
    assert STAMP.sub("", before) == STAMP.sub("", after)
    # and re-rendering the same executed notebook with the same stamp gives the same bytes
    stamp = "2026-01-01 00:00:00 UTC"
    a = render_html(second["notebook"], paths.reports / "a.html", "t", stamp=stamp).read_bytes()
    b = render_html(second["notebook"], paths.reports / "b.html", "t", stamp=stamp).read_bytes()
    assert a == b
    strip = lambda raw: re.sub(rb'"run_at": "[^"]*"', b"", raw)  # noqa: E731
    assert strip(nb_before) == strip(Path(second["notebook"]).read_bytes())


def _failing_template(tmp_path: Path) -> Path:
    """The page template with a cell that raises after the findings."""
    nb = nbformat.read(str(TEMPLATE), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if c.get("id") == "findings") + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell("raise ValueError('ô mẫu bị sửa hỏng')"))
    path = tmp_path / "ward_audit.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_a_failing_template_keeps_the_last_good_page_under_a_banner(project, tmp_path, monkeypatch):
    from wardaudit.run import digest

    first = execute_ward(SLUG, project)
    assert first["status"] == "ok", first.get("reason")
    good = Path(first["html"]).read_text(encoding="utf-8")
    monkeypatch.setattr(digest, "TEMPLATE", _failing_template(tmp_path))
    result = execute_ward(SLUG, project)
    assert result["status"] == "failed"
    assert "ValueError" in result["reason"] and "\n" not in result["reason"]
    html = Path(result["html"]).read_text(encoding="utf-8")
    # the banner names the failure and the good run's date; the good page's finding cards stay
    assert 'class="banner-fail"' in html and "ô mẫu bị sửa hỏng" in html and "kết quả kiểm tra tốt gần nhất" in html
    assert html.count('<div class="finding ') == good.count('<div class="finding ') > 0
    # the reason in one line, never the Python traceback of the failing cell
    assert "Traceback" not in html and "<pre>" not in html
    failed = nbformat.read(str(WardStore(project, SLUG).failed_notebook_path), as_version=4)
    assert failed.metadata["wardaudit"]["status"] == "failed"
    assert nbformat.read(first["notebook"], as_version=4).metadata["wardaudit"]["status"] == "ok"


def test_a_ward_that_never_ran_well_gets_a_page_that_says_what_failed(project, tmp_path, monkeypatch):
    from wardaudit.run import digest

    monkeypatch.setattr(digest, "TEMPLATE", _failing_template(tmp_path))
    result = execute_ward(SLUG, project)
    assert result["status"] == "failed"
    html = Path(result["html"]).read_text(encoding="utf-8")
    assert 'class="banner-fail"' in html and "Chưa lập được trang kiểm tra" in html
    assert "ô mẫu bị sửa hỏng" in html and f"wardaudit run {SLUG}" in html


# --- a kernel reused across wards (what a batch worker does) ---------------------------------------

def _kernel_names(kernel) -> list[str]:
    """The user-visible names in the warm kernel's namespace, after a reset as before a ward."""
    from jupyter_core.utils import run_sync

    kernel.reset()
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    run_sync(kernel.kc.execute_interactive)("print(sorted(k for k in dir() if not k.startswith('_')))",
                                            store_history=False, timeout=60, output_hook=hook)
    return ast.literal_eval("".join(out))


def test_a_reused_kernel_gives_a_fresh_kernels_outputs_and_keeps_no_ward_state(rendered_ward, tmp_path, monkeypatch):
    from wardaudit.run.ward import shutdown_warm_kernels, warm_kernel

    _, fresh = rendered_ward
    other = "phu-thinh"
    paths = copy_project(tmp_path / "project", (other, SLUG))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    # what differs between two projects: the time, and the project folder papermill passes in
    strip = lambda raw: re.sub(rb'"run_at": "[^"]*"|root = \\"[^\\]*\\"|"root": "[^"]*"', b"", raw)  # noqa: E731
    try:
        kernel = warm_kernel(paths)
        pid = kernel.km.provisioner.pid
        clean = _kernel_names(kernel)
        first = execute_ward(other, paths, reuse_kernel=True)
        # the ward's variables are gone before the next ward: the namespace is a new kernel's again
        after = _kernel_names(kernel)
        assert after == clean and not {"ward", "audit", "report", "load_ward"} & set(after), after
        warm = execute_ward(SLUG, paths, reuse_kernel=True)
        assert kernel.km.provisioner.pid == pid and kernel.resets == 4  # one kernel, reset before each
        assert first["status"] == warm["status"] == "ok", (first.get("reason"), warm.get("reason"))
        # the same notebook (execution counts from 1) and the same page as on a fresh kernel
        assert strip(Path(warm["notebook"]).read_bytes()) == strip(Path(fresh["notebook"]).read_bytes())
        assert (STAMP.sub("", Path(warm["html"]).read_text(encoding="utf-8"))
                == STAMP.sub("", Path(fresh["html"]).read_text(encoding="utf-8")))
        # a kernel that died between wards is replaced, and the ward still runs
        kernel.km.provisioner.process.kill()
        kernel.km.provisioner.process.wait()
        again = execute_ward(other, paths, reuse_kernel=True)
        assert again["status"] == "ok", again.get("reason")
        assert warm_kernel(paths, start=False).km.provisioner.pid != pid
        assert strip(Path(again["notebook"]).read_bytes()) == strip(Path(first["notebook"]).read_bytes())
    finally:
        shutdown_warm_kernels()


def test_the_warm_engine_is_a_module_level_class_registered_as_a_papermill_engine():
    import importlib
    import tomllib

    from papermill.engines import NBClientEngine, papermill_engines

    from wardaudit.run import kernel

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    target = declared["project"]["entry-points"]["papermill.engine"][kernel.WARM_ENGINE]
    module, _, name = target.partition(":")
    engine = getattr(importlib.import_module(module), name)
    assert engine is kernel.WarmKernelEngine and issubclass(engine, NBClientEngine)
    assert engine.__qualname__ == "WarmKernelEngine"  # defined at module level, not inside a function
    kernel.register_engine()
    assert papermill_engines.get_engine(kernel.WARM_ENGINE) is engine
    with pytest.raises(Exception, match="warm_kernel"):
        engine.execute_managed_notebook(None, "python3")


def test_the_project_root_is_a_parameter_and_the_workers_environment_is_left_alone(tmp_path, monkeypatch):
    """A worker whose WARDAUDIT_ROOT names another folder still runs the ward of the project it was
    given (papermill passes the root to the notebook), and its environment is not changed."""
    from wardaudit.run.ward import execute_ward

    paths = copy_project(tmp_path / "project", ("phu-thinh",))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("WARDAUDIT_ROOT", str(elsewhere))
    written: list[str] = []

    class Recording(dict):  # the process environment, remembering what is set in it
        def __setitem__(self, key, value):
            written.append(key)
            super().__setitem__(key, value)

    monkeypatch.setattr(os, "environ", Recording(os.environ))
    result = execute_ward("phu-thinh", paths)
    assert "WARDAUDIT_ROOT" not in written
    assert result["status"] == "ok", result.get("reason")
    assert (paths.ward_processed("phu-thinh") / "findings.json").is_file()
    assert os.environ["WARDAUDIT_ROOT"] == str(elsewhere) and not any(elsewhere.iterdir())


def test_a_batch_kernel_presents_without_the_auditing_or_drawing_stack(tmp_path, monkeypatch):
    """The worker audits and draws; the kernel that runs the page only reads the store: it never loads
    matplotlib, pandas or the auditing modules (a worker with its kernel stays small), and the charts the
    page shows are the ones the worker drew."""
    from jupyter_core.utils import run_sync

    from wardaudit.run.ward import shutdown_warm_kernels, warm_kernel

    paths = copy_project(tmp_path / "project", (SLUG,))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    try:
        kernel = warm_kernel(paths)
        result = execute_ward(SLUG, paths, reuse_kernel=True)
        assert result["status"] == "ok", result.get("reason")
        assert result["phases"]["charts"] > 0 and {"audit", "notebook", "html"} <= set(result["phases"])
        out: list[str] = []
        run_sync(kernel.kc.execute_interactive)(
            "import sys; print(sorted(m for m in ('matplotlib', 'seaborn', 'pandas', 'wardaudit.audit', "
            "'wardaudit.extract.facts') if m in sys.modules))", store_history=False, timeout=60,
            output_hook=lambda msg: out.append(msg["content"]["text"]) if msg["msg_type"] == "stream" else None)
        assert ast.literal_eval("".join(out)) == []
        drawn = {f.stem for f in (paths.processed / SLUG / "charts").glob("*.png")}
        html = Path(result["html"]).read_text(encoding="utf-8")
        assert drawn and html.count('class="chart"') >= len(drawn)
    finally:
        shutdown_warm_kernels()


def test_a_batch_kernel_keeps_its_heap_small_and_both_ends_forget_old_message_signatures(tmp_path, monkeypatch):
    """The worker's kernel starts with glibc's fixed mapping threshold and two arenas (run/heap.py), and the
    signatures jupyter_client remembers against replayed messages are forgotten at each reset, on the
    worker's side and the kernel's: none of them grows with the wards of a batch."""
    from jupyter_core.utils import run_sync

    from wardaudit.run.heap import HEAP_ENV, keep_heap_small
    from wardaudit.run.ward import shutdown_warm_kernels, warm_kernel

    assert keep_heap_small()  # glibc: the worker's own heap settings are taken
    paths = copy_project(tmp_path / "project", (SLUG,))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    try:
        kernel = warm_kernel(paths)
        assert execute_ward(SLUG, paths, reuse_kernel=True)["status"] == "ok"
        environ = Path(f"/proc/{kernel.km.provisioner.pid}/environ").read_bytes().split(b"\0")
        assert {f"{k}={v}".encode() for k, v in HEAP_ENV.items()} <= set(environ)
        # the ward's sixty-odd messages forgotten when its notebook ended (the reset's own replies may follow)
        kernel.reset()
        assert len(kernel.kc.session.digest_history) <= 4
        out: list[str] = []
        run_sync(kernel.kc.execute_interactive)(
            "print(len(get_ipython().kernel.session.digest_history))", store_history=False, timeout=60,
            output_hook=lambda msg: out.append(msg["content"]["text"]) if msg["msg_type"] == "stream" else None)
        assert int("".join(out)) <= 2  # this request (and at most the reset's) only
    finally:
        shutdown_warm_kernels()


def test_what_a_batch_kernels_cell_prints_reaches_the_notebook_in_order(tmp_path, monkeypatch):
    """The batch kernel's streams skip the wait of a flush when every write is sent (run/kernel_stream.py): a
    cell that prints, displays and prints again, to stdout and stderr, keeps every line, in order, run after
    run on the same kernel; a cell that prints nothing has no stream output."""
    from wardaudit.run.notebook import execute_template
    from wardaudit.run.ward import shutdown_warm_kernels, warm_kernel

    paths = copy_project(tmp_path / "project", (SLUG,))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("ward = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import sys\nfrom IPython.display import HTML, display\n"
            "for i in range(3):\n    print('dòng', i)\n    display(HTML(f'<b>{i}</b>'))\n"
            "    print('lỗi', i, file=sys.stderr)\nprint('hết', end='')"),
        nbformat.v4.new_code_cell("1 + 1")], metadata=json.loads(TEMPLATE.read_text(encoding="utf-8"))["metadata"])
    source = tmp_path / "prints.ipynb"
    nbformat.write(nb, str(source))
    try:
        kernel = warm_kernel(paths)
        for run in range(5):
            ran, reason = execute_template({"ward": f"w{run}"}, paths, kernel=kernel, source=source)
            assert reason is None
            outs = ran.cells[-2].outputs
            got = [(o["name"], o["text"]) if o["output_type"] == "stream" else ("html", o["data"]["text/html"])
                   for o in outs]
            stdout = "".join(text for name, text in got if name == "stdout")
            assert stdout == "dòng 0\ndòng 1\ndòng 2\nhết"
            assert [x for x in got if x[0] == "html"] == [("html", f"<b>{i}</b>") for i in range(3)]
            # a line printed before a display comes before it
            assert got.index(("html", "<b>0</b>")) > next(i for i, x in enumerate(got) if x[0] == "stdout")
            assert not [o for o in ran.cells[-1].outputs if o["output_type"] == "stream"]
        from jupyter_core.utils import run_sync

        out: list[str] = []

        def keep(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        run_sync(kernel.kc.execute_interactive)(
            "import sys; print(type(sys.stdout).__name__, get_ipython().kernel._execute_sleep)", store_history=False,
            timeout=60, output_hook=keep)
        assert "".join(out).split() == ["BatchOutStream", "0.0"]
    finally:
        shutdown_warm_kernels()

"""One ward's run, as a chain of named steps: plan → audit → store → summarise → charts → present → render → letter.

:func:`run_ward` is what a batch worker (or a Dask worker) runs for one ward, given its
:class:`~wardaudit.run.plan.WardPlan`:

1. **audit** — the stored audit when it was made from the same inputs (``plan.inputs``; ``force``
   ignores it), else every report is read and audited here, in the worker, oldest period first;
2. **store** — the audit (JSON), findings.json with the auditor's decisions, facts.csv and the tables
   (:class:`~wardaudit.store.WardStore`);
3. **summarise** — summary.json, what the index reads;
4. **charts** — the page's charts drawn into the ward's store (:mod:`wardaudit.render.chart_cache`; a chart
   whose facts did not change is not drawn again);
5. **present** — papermill executes the page template, which reads the stored audit and the drawn charts;
6. **render** — nbconvert turns it into reports/<ward>.html;
7. **letter** — reports/<ward>-giai-trinh.docx when a finding is queried or confirmed.

A run that fails never cuts a page down: nothing of the audit is written, and the page is rendered
again from the last good run's executed notebook under a banner naming the failure (file and reason)
and the date of that good run; a ward that never ran well gets a page saying what failed.
"""
from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit.errors import AuditError, one_line
from wardaudit.model.audit import AuditResult
from wardaudit.project.config import Paths
from wardaudit.project.iorw import write_text
from wardaudit.render.messages import t
from wardaudit.render.wording import local_stamp
from wardaudit.run.kernel import WarmKernel, shutdown_warm_kernels, warm_kernel
from wardaudit.run.plan import WardPlan, plan_ward
from wardaudit.store import WardStore
from wardaudit.version import __version__

__all__ = ["StoredWard", "audit_ward", "execute_ward", "keep_last_good_page", "run_ward", "shutdown_warm_kernels",
           "warm_kernel"]

STAMP_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


@dataclass
class StoredWard:
    """What the first steps of a ward's run hold: the audit (oldest report first), the auditor's latest
    decisions, the summary, and whether the audit was made now or read from the store."""

    results: list[AuditResult]
    decisions: dict[str, Any]
    summary: dict[str, Any]
    audited: bool
    phases: dict[str, float] = field(default_factory=dict)


def audit_ward(plan: WardPlan, paths: Paths, *, force: bool = False) -> StoredWard:
    """The steps audit → store → summarise: the stored audit when it was made from ``plan.inputs``
    (unless ``force``), else the reports audited now and stored; then findings.json, facts.csv and the
    tables with the auditor's decisions, and summary.json. Raises :class:`AuditError` for a report
    that cannot be read (nothing is written then)."""
    from wardaudit.audit import audit_reports
    from wardaudit.review.decisions import latest, load_decisions
    from wardaudit.run.portfolio.summary import ward_summary

    store = WardStore(paths, plan.slug)
    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    results = None if force else store.load_audit(plan.inputs)
    audited = results is None
    if results is None:
        results = audit_reports([(s.path, s.shown, s.sha256) for s in plan.sources], plan.params, paths.ocr_cache,
                                plan.unread, refresh_cache=force,  # --force: no cache of any kind is trusted
                                timings=phases)
        store.save_audit(results, plan.inputs)
    t0 = _lap(phases, "audit", t0)
    phases["audit"] = round(phases["audit"] - phases.get("read", 0.0), 4)  # reading is its own step
    decisions = latest(load_decisions(plan.slug, paths))
    reviews = {k: d.review() for k, d in decisions.items()}
    facts_text = store.write_outputs(results, reviews, audited)
    t0 = _lap(phases, "store", t0)
    summary = ward_summary(plan.params, results, reviews, paths, facts_text)
    store.write_summary(summary)
    _lap(phases, "summary", t0)
    return StoredWard(results, decisions, summary, audited, phases)


def _lap(phases: dict[str, float], name: str, t0: float) -> float:
    now = time.perf_counter()
    phases[name] = round(now - t0, 4)
    return now


def _page_title(plan: WardPlan) -> str:
    return f"{plan.params.ward} · wardaudit"


def _running_head(plan: WardPlan, results: list[AuditResult] | None = None) -> str:
    """The unit, its latest report's number and period (no file name); the unit alone when the audit
    is not at hand (a failed run)."""
    from wardaudit.render.page import running_head

    return running_head(plan.params, results or [], plan.params.lang)


def _provenance(plan: WardPlan, parameters: dict[str, Any], now: _dt.datetime, reason: str | None) -> dict[str, Any]:
    """What the executed notebook records about its run (the notebook is the log)."""
    from wardaudit.run import digest

    inputs = [{"file": s.shown, "sha256": s.sha256} for s in (*plan.sources, plan.params_file)]
    inputs.append({"template": f"wardaudit/run/templates/{digest.TEMPLATE.name}", "sha256": plan.template})
    return {"ward": plan.params.ward, "slug": plan.slug, "parameters": parameters, "inputs": inputs,
            "inputs_sha256": plan.inputs, "version": __version__, "run_at": now.strftime(STAMP_FORMAT),
            "status": "failed" if reason else "ok", **({"reason": reason} if reason else {})}


def _present(plan: WardPlan, paths: Paths, store: WardStore, kernel: WarmKernel | None,
             kernel_name: str, letter_link: str | None = None, phases: dict[str, float] | None = None,
             running_head: str | None = None) -> str | None:
    """Execute the page template and render the page; the one-line reason when the notebook failed."""
    import nbformat

    from wardaudit.run.notebook import execute_template, render_page

    parameters = {"ward": plan.slug, "params": plan.params.model_dump(mode="json"), "key": plan.inputs}
    now = _dt.datetime.now(_dt.UTC)
    t0 = time.perf_counter()
    nb, reason = execute_template(parameters, paths, kernel_name=kernel_name, kernel=kernel)
    t0 = _lap(phases if phases is not None else {}, "notebook", t0)
    nb.metadata["wardaudit"] = _provenance(plan, parameters, now, reason)
    text = nbformat.writes(nb) + "\n"
    if reason:
        write_text(store.failed_notebook_path, text)
        return reason
    write_text(store.notebook_path, text)
    store.failed_notebook_path.unlink(missing_ok=True)
    # the notebook as it ran (the exporter works on its own copy): the same page as from the text just written
    render_page(nb, paths.ward_report(plan.slug), _page_title(plan),
                stamp=local_stamp(now), lang=plan.params.lang, exclude_markdown=True, back_link="index.html",
                running_head=running_head or _running_head(plan), letter_link=letter_link)
    _lap(phases if phases is not None else {}, "html", t0)
    return None


def keep_last_good_page(slug: str, paths: Paths, reason: str, *, title: str | None = None,
                        lang: str = "vi", running_head: str | None = None) -> Path:
    """After a failed run: the last good run's page again, under a banner naming the failure and the
    date of that good run; a ward that never ran well gets a page saying what failed."""
    import nbformat

    from wardaudit.render.page import failure_page
    from wardaudit.render.wording import display_stamp
    from wardaudit.run.notebook import render_page

    store = WardStore(paths, slug)
    last = store.last_run()
    title = title or f"{slug} · wardaudit"
    if store.notebook_path.is_file() and last is not None and last.good_at:
        nb = nbformat.read(str(store.notebook_path), as_version=4)
        banner = t("run_failed_kept", lang, reason=reason, good=display_stamp(last.good_at))
    else:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": failure_page(slug, reason, lang)})])])
        banner = t("run_failed", lang, reason=reason)
    return render_page(nb, paths.ward_report(slug), title, lang=lang, banner=banner, exclude_markdown=True,
                       back_link="index.html", running_head=running_head or title)


def run_ward(plan: WardPlan, paths: Paths, *, kernel: WarmKernel | None = None, kernel_name: str = "python3",
             force: bool = False) -> dict[str, Any]:
    """Run one planned ward (see the module's docstring); never raises for the ward's own failures.

    Returns a plain dict: ``ward``, ``status`` ("ok" | "failed"), ``reason`` (one line, failures only),
    ``html``, ``letter``, ``audited`` (False when the stored audit was current), ``seconds`` and
    ``phases`` (seconds per step).
    """
    from wardaudit.review.letter import letter_items, write_letter
    from wardaudit.run.portfolio.summary import batch_counts

    started = time.perf_counter()
    store = WardStore(paths, plan.slug)
    result: dict[str, Any] = {"ward": plan.slug, "html": str(paths.ward_report(plan.slug))}
    try:
        done = audit_ward(plan, paths, force=force)
    except AuditError as e:
        return _failed(plan, paths, store, e.one_line(), result, started)
    phases = done.phases
    result.update(audited=done.audited, counts=batch_counts(done.summary))
    t0 = time.perf_counter()
    _draw_charts(plan, done, store)
    _lap(phases, "charts", t0)
    # the page links the letter the last step writes when a finding is confirmed or queried
    letter_link = paths.ward_letter(plan.slug).name if letter_items(done.results, done.decisions) else None
    reason = _present(plan, paths, store, kernel, kernel_name, letter_link, phases,
                      _running_head(plan, done.results))
    t0 = time.perf_counter()
    if reason:
        return _failed(plan, paths, store, reason, result, started)
    letter = write_letter(plan.params, done.results, done.decisions, paths)
    _lap(phases, "letter", t0)
    store.record_run("ok")
    result.update(status="ok", letter=str(letter) if letter else None, notebook=str(store.notebook_path),
                  phases=phases,
                  seconds=round(time.perf_counter() - started, 3))
    return result


def _draw_charts(plan: WardPlan, done: StoredWard, store: WardStore) -> None:
    """The charts step: the page's charts drawn here, in the worker, into the ward's chart folder, where the
    page's notebook finds them (a chart whose facts did not change is found, not drawn); charts the page no
    longer shows are removed."""
    from wardaudit.render.chart_cache import ward_charts

    facts = done.results[-1].facts if done.results else []
    store.keep_charts(key for _, key, _ in ward_charts(facts, plan.params.lang, store.chart_folder))


def _failed(plan: WardPlan, paths: Paths, store: WardStore, reason: str, result: dict[str, Any],
            started: float) -> dict[str, Any]:
    store.record_run("failed", reason)
    try:
        keep_last_good_page(plan.slug, paths, reason, title=_page_title(plan), lang=plan.params.lang,
                            running_head=_running_head(plan))
    except Exception as e:  # noqa: BLE001 - the page stays as it was; the index names the failure
        reason = one_line(f"{reason} (trang không cập nhật được / page not updated: {type(e).__name__}: {e})")
    result.update(status="failed", reason=reason, seconds=round(time.perf_counter() - started, 3))
    return result


def execute_ward(slug: str, paths: Paths | None = None, *, kernel_name: str = "python3", reuse_kernel: bool = False,
                 force: bool = False) -> dict[str, Any]:
    """Plan and run one ward (what ``wardaudit run WARD`` does for each ward, outside a batch).

    A ward that cannot be planned (invalid parameters, no report) fails with its one-line reason and
    keeps its last good page, like any failed run.
    """
    paths = paths or Paths()
    try:
        plan = plan_ward(slug, paths)
    except AuditError as e:
        reason = e.one_line()
        WardStore(paths, slug).record_run("failed", reason)
        keep_last_good_page(slug, paths, reason)
        return {"ward": slug, "status": "failed", "reason": reason, "html": str(paths.ward_report(slug))}
    kernel = warm_kernel(paths, kernel_name) if reuse_kernel else None
    return run_ward(plan, paths, kernel=kernel, kernel_name=kernel_name, force=force)


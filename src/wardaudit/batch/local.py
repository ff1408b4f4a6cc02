"""Run the ward notebook for many wards: in parallel, incrementally, locally or on a Dask cluster.

:func:`run_batch` is what ``wardaudit run`` calls. Per ward it

0. refuses a ward name that is not a slug, a second run in the same project and an output folder
   linked out of the project, each in one line (:mod:`wardaudit.batch.guard`);
1. validates ``parameters/<ward>.yaml`` (a bad file is a failed ward with a one-line reason);
2. plans it once (:func:`wardaudit.run.plan.plan_ward`: parameters read, reports hashed) and skips
   the ward when nothing changed; when only the auditor's decisions or the page template changed,
   the worker finds the stored audit current and renders the ward's page, letter and summary from it,
   without auditing again;
3. hands the plan to :func:`wardaudit.batch.task.run_ward_task`, within the ward's ``max_seconds``
   (:func:`wardaudit.batch.guard.run_timed`), in a worker process
   (``concurrent.futures`` with a ``forkserver`` or ``spawn`` context, :class:`LocalEngine`) or on a
   Dask cluster (:class:`wardaudit.batch.dask.DaskEngine`), where the whole run happens;
4. records the digests only after a successful run.

Then it writes ``reports/batch.json`` (the run manifest), renders the portfolio (the index and
the province pages, the latter on the same pool or cluster; :mod:`wardaudit.run.portfolio`) and
prints a one-screen summary. Every file is written atomically (:mod:`wardaudit.project.iorw`), so
an interrupted batch leaves complete files or none.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wardaudit.batch.dask import MAX_ATTEMPTS, DaskEngine
from wardaudit.batch.digest import PORTFOLIO_DIGEST, portfolio_digest, read_digest
from wardaudit.batch.discover import discover
from wardaudit.batch.guard import one_run, refuse_outside_links, run_timed, ward_slug
from wardaudit.batch.manifest import Progress, WardRun, summary_table, unread_names, write_manifest
from wardaudit.batch.task import Runner, worker_init
from wardaudit.errors import AuditError, ParametersError, one_line
from wardaudit.project.config import Paths, load_params, relative
from wardaudit.project.iorw import write_text
from wardaudit.project.printable import for_terminal
from wardaudit.run.digest import package_digest
from wardaudit.run.plan import plan_ward
from wardaudit.run.portfolio.summary import batch_counts
from wardaudit.store import WardStore

# importers of the former single module (cli discover, run.ward package_digest) keep working
__all__ = ["LocalEngine", "WardRun", "discover", "package_digest", "run_batch", "summary_table"]


def _select(wards: Iterable[str] | None, all_wards: bool, paths: Paths) -> list[str]:
    if all_wards:
        slugs = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
        if not slugs:
            raise ParametersError(f"{relative(paths.parameters, paths)}: không có tệp tham số nào / "
                                  "no parameters files (try `wardaudit discover`)")
        named = [ward_slug(w, paths) for w in wards or []]
        return slugs + [w for w in named if w not in slugs]
    slugs = []
    for w in wards or []:
        slug = ward_slug(w, paths)  # refused before anything is read
        if slug not in slugs:
            slugs.append(slug)
    if not slugs:
        raise ParametersError("chưa chọn phường/xã nào: dùng --all hoặc nêu tên / "
                              "no ward selected: pass --all or ward names")
    return slugs


def _prepare(slug: str, paths: Paths, force: bool) -> tuple[WardRun, int]:
    """Plan a ward (:func:`wardaudit.run.plan.plan_ward`) and decide whether it needs a run.

    Returns (run, input bytes). A ward that cannot be planned is a failed run with its one-line reason,
    and its last good page is kept under a banner naming it.
    """
    run = WardRun(slug=slug)
    try:
        if _no_report(paths.ward_raw(slug)):
            run.ward = load_params(paths.ward_params(slug), paths).ward  # invalid parameters still fail the ward
            run.status = "no_report"
            run.reason = (f"{relative(paths.ward_raw(slug), paths)}: chưa nộp báo cáo (thư mục trống hoặc chưa có) / "
                          "not submitted: no report in the ward folder")
            return run, 0
        run.plan = plan_ward(slug, paths)
        run.ward = run.plan.params.ward
        from wardaudit.review.decisions import read_decisions
        # a malformed file fails this ward here, with its line; an entry cut short is named, not fatal
        run.warning = read_decisions(slug, paths).warning(relative(paths.ward_reviews(slug), paths))
    except (AuditError, OSError) as e:
        run.status = "failed"
        run.reason = e.one_line() if isinstance(e, AuditError) else one_line(f"{slug}: {e}")
        _keep_page(slug, paths, run.reason)
        return run, 0
    plan, store = run.plan, WardStore(paths, slug)
    report = paths.ward_report(slug)
    if (not force and report.exists() and store.digest("inputs") == plan.inputs
            and store.digest("reviews") == plan.reviews and store.digest("template") == plan.template):
        run.status, run.html, run.seconds = "skipped", relative(report, paths), 0.0
        summary = store.read_summary()
        run.counts, run.unread = batch_counts(summary), unread_names(summary)
    return run, plan.size


def _keep_page(slug: str, paths: Paths, reason: str) -> None:
    """A ward that failed before it ran: its last good page (or a failure page) under the banner."""
    from wardaudit.run.ward import keep_last_good_page

    if not paths.ward_params(slug).is_file():
        return  # not a ward of this project: no page to keep or make
    WardStore(paths, slug).record_run("failed", reason)
    with contextlib.suppress(Exception):  # the page stays as it was; the index names the failure
        keep_last_good_page(slug, paths, reason)


def _no_report(folder: Path) -> bool:
    """No folder, or a folder with no file in it: the unit has not submitted ("chưa nộp"), which is
    not a failed run. A folder holding only files that cannot be read is a failed run (its reason
    names them)."""
    if not folder.is_dir():
        return True
    return not any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir())


# what an interrupted run leaves behind, always under a hidden name: iorw's temporaries and the
# portfolio's scratch folder (the ward notebook is executed in a system temporary folder)
_LEFTOVERS = (".*.tmp",)


def _remove_leftovers(paths: Paths, slugs: Iterable[str]) -> None:
    """Remove the hidden partial files a killed run left in the folders this run writes to."""
    for folder in [paths.reports, *(paths.ward_processed(s) for s in slugs)]:
        if not folder.is_dir():
            continue
        for pattern in _LEFTOVERS:
            for p in folder.rglob(pattern):
                with contextlib.suppress(OSError):
                    p.unlink()
    if paths.reports.is_dir():
        for p in paths.reports.glob(".portfolio.*"):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)



def _apply(run: WardRun, result: dict, paths: Paths) -> None:
    run.status = result.get("status", "failed")
    run.reason = result.get("reason") if run.status == "failed" else None
    run.seconds = result.get("seconds")
    run.counts = result.get("counts")
    run.phases = result.get("phases")
    html = result.get("html")
    if html and Path(html).exists():
        run.html = relative(Path(html), paths)
    elif paths.ward_report(run.slug).exists():
        run.html = relative(paths.ward_report(run.slug), paths)
    store = WardStore(paths, run.slug)
    if run.status == "ok":
        run.unread = unread_names(store.read_summary())  # the files the worker could not read too
    if run.status == "ok" and run.plan is not None:
        store.write_digests(inputs=run.plan.inputs, reviews=run.plan.reviews, template=run.plan.template)
    elif run.status == "failed":
        # the outputs on disk no longer match these inputs: never skip this ward next time
        store.clear_digests()



class LocalEngine:
    """Worker processes on this machine (``forkserver``, else ``spawn``), kept for the portfolio's
    pages once the wards are done; a pool broken by a dead worker is replaced."""

    def __init__(self, paths: Paths, jobs: int, runner: Runner | None, force: bool = False):
        import multiprocessing as mp

        self.paths, self.jobs, self.runner, self.force = paths, jobs, runner, force
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self.ctx = mp.get_context(method)
        self.preload = runner is None
        if method == "forkserver" and self.preload:
            # import the notebook machinery once in the fork server; every worker inherits it
            self.ctx.set_forkserver_preload(["wardaudit.run.ward", "wardaudit.audit", "papermill", "nbconvert"])
        self.pool: Any = None

    def _pool(self, workers: int, preload: bool) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=self.ctx, initializer=worker_init,
                                            initargs=(str(self.paths.root), os.getpid(), preload))
        return self.pool

    def _round(self, pending: list[WardRun], finish: Callable[[WardRun, dict], None]) -> list[WardRun]:
        """Submit ``pending`` to the pool; return the wards whose worker died."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pool = self._pool(min(self.jobs, len(pending)), self.preload)
        futures = {}
        for run in pending:
            run.attempts += 1
            futures[pool.submit(run_timed, run.plan, str(self.paths.root), self.runner, True,
                                self.force)] = run
        broken: list[WardRun] = []
        waiting = set(futures)
        while waiting:
            done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            for fut in done:
                run = futures[fut]
                try:
                    finish(run, fut.result())
                except BrokenProcessPool:
                    broken.append(run)
                except Exception as e:  # noqa: BLE001 - e.g. a result that would not unpickle
                    finish(run, {"status": "failed", "reason": one_line(f"{type(e).__name__}: {e}")})
        return broken

    def run(self, todo: list[WardRun], paths: Paths, runner: Runner | None,
            finish: Callable[[WardRun, dict], None]) -> None:
        """Run every ward of ``todo``; a ward whose worker died is tried once more in a fresh pool."""
        pending = list(todo)
        while pending:
            try:
                broken = self._round(pending, finish)
            except BaseException:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
                raise
            if broken:
                self.pool.shutdown(wait=True)
                self.pool = None
            pending = []
            for run in broken:
                if run.attempts < MAX_ATTEMPTS:
                    pending.append(run)
                else:
                    finish(run, {"status": "failed", "reason": "tiến trình worker bị dừng đột ngột / "
                                 "the worker process died (killed or out of memory)"})

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``fn`` over ``items`` in the pool (one process: here), results in order."""
        items = list(items)
        if self.jobs == 1 or len(items) < 2:
            return [fn(x) for x in items]
        return list(self._pool(min(self.jobs, len(items)), False).map(fn, items))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def _render_portfolio(runs: list[WardRun], paths: Paths, force: bool, portfolio: Callable[..., dict] | None,
                      engine: LocalEngine | DaskEngine, quiet: bool) -> dict:
    """Render the index and province pages, unless nothing they show has changed since the last time."""
    digest = portfolio_digest([(r.slug, r.reason) for r in runs if r.status in ("failed", "no_report")], paths)
    stamp = paths.processed / PORTFOLIO_DIGEST
    index = paths.reports / "index.html"
    if not force and index.exists() and read_digest(stamp) == digest:
        return {"status": "skipped", "html": relative(index, paths)}
    started = time.perf_counter()
    try:
        if portfolio is not None:
            result = dict(portfolio(paths))
        else:
            from wardaudit.run.portfolio.phase import execute_portfolio
            result = execute_portfolio(paths, mapper=engine.map, quiet=quiet, force=force)
    except AuditError as e:
        result = {"status": "failed", "reason": e.one_line()}
    except Exception as e:  # noqa: BLE001 - report it in the summary, the ward reports stand
        result = {"status": "failed", "reason": one_line(f"{type(e).__name__}: {e}")}
    result["seconds"] = round(time.perf_counter() - started, 3)
    if result.get("status") == "ok":
        write_text(stamp, digest + "\n")
    elif stamp.exists():
        stamp.unlink()
    return result


def _plan(slugs: list[str], paths: Paths, force: bool) -> tuple[list[WardRun], list[WardRun]]:
    """(every selected ward, the wards to run: longest first, so a big one is not left alone at the tail)."""
    prepared = [_prepare(slug, paths, force) for slug in slugs]
    todo = [r for r, size in sorted(prepared, key=lambda x: -x[1]) if r.status == "pending"]
    return [r for r, _ in prepared], todo


def _run_wards(engine: LocalEngine | DaskEngine, todo: list[WardRun], runs: list[WardRun], paths: Paths,
               runner: Runner | None, quiet: bool) -> None:
    progress = Progress(total=len(todo), skipped=sum(r.status == "skipped" for r in runs),
                        failed=sum(r.status == "failed" for r in runs), quiet=quiet)

    def finish(run: WardRun, result: dict) -> None:
        _apply(run, result, paths)
        progress.update(run)

    try:
        if todo:
            engine.run(todo, paths, runner, finish)
    except BaseException:
        for r in runs:
            if r.status == "pending":
                r.status, r.reason = "failed", "đã dừng / interrupted"
        raise
    finally:
        progress.close()


def _report(runs: list[WardRun], manifest: Path, index: dict, paths: Paths, quiet: bool, started: float) -> int:
    failed = [r for r in runs if r.status == "failed"]
    out = sys.stdout
    if not quiet:  # reasons quote reports and file names: no escape sequence reaches the terminal
        print(for_terminal(summary_table(runs)), file=out)
    ok = sum(r.status == "ok" for r in runs)
    skipped = sum(r.status == "skipped" for r in runs)
    absent = sum(r.status == "no_report" for r in runs)
    found = {k: sum((r.counts or {}).get(k, 0) for r in runs) for k in ("error", "warning")}
    print(f"{len(runs)} phường/xã / wards: {ok} chạy xong / ran, {len(failed)} chạy lỗi / run failed, "
          f"{skipped} bỏ qua / skipped (không đổi / unchanged), {absent} chưa nộp / not submitted · "
          f"phát hiện / findings: {found['error']} sai sót / "
          f"errors, {found['warning']} cảnh báo / warnings · {time.time() - started:.1f}s · "
          f"{relative(manifest, paths)}", file=out)
    letters = [relative(paths.ward_letter(r.slug), paths) for r in runs if paths.ward_letter(r.slug).exists()]
    if letters and not quiet:
        more = f" … (+{len(letters) - 5})" if len(letters) > 5 else ""
        print(f"công văn / letters: {', '.join(letters[:5])}{more}", file=out)
    if index.get("status") == "failed":
        print(for_terminal(f"index: lỗi / failed: {index.get('reason')}"), file=sys.stderr)
    elif not quiet:
        print(f"index: {relative(Path(index.get('html') or paths.reports / 'index.html'), paths)} "
              f"({index.get('status')}, {index.get('seconds', 0):.1f}s)", file=out)
    if index.get("controls_removed"):
        print(f"exports: đã bỏ {index['controls_removed']} ký tự điều khiển / {index['controls_removed']} control "
              "characters removed", file=sys.stderr)
    # a failed ward, index or export fails the run; what failed is re-rendered on the next run
    return 1 if failed or index.get("status") == "failed" else 0


def run_batch(wards: Iterable[str] | None = None, all_wards: bool = False, jobs: int | None = None,
              scheduler: str | None = None, force: bool = False, quiet: bool = False,
              paths: Paths | None = None, runner: Runner | None = None,
              portfolio: Callable[..., dict] | None = None) -> int:
    """Run the ward notebook for the selected wards, then the portfolio; return the exit code.

    Parameters
    ----------
    wards, all_wards
        Ward slugs (or parameters file names), or every ``parameters/*.yaml``.
    jobs
        Worker processes for a local run (default: ``os.cpu_count()``); ignored with ``scheduler``.
    scheduler
        A Dask scheduler address (``tcp://HOST:PORT``): the same per-ward function runs there, and
        the province pages are rendered there.
    force
        Re-run wards whose inputs did not change, and re-render every page.
    runner, portfolio
        Stand-ins for :func:`wardaudit.run.ward.execute_ward` and
        :func:`wardaudit.run.portfolio.execute_portfolio` (tests). ``runner`` must be picklable: a
        top-level function.

    Returns
    -------
    int
        0 when every ward ran or was up to date and the portfolio was written, 1 when a ward or the
        portfolio (index, province pages, exports) failed; a failed portfolio is one line on stderr
        and is tried again on the next run.
    """
    paths = paths or Paths()
    started = time.time()
    jobs = max(1, jobs or os.cpu_count() or 1)
    slugs = _select(wards, all_wards, paths)
    with one_run(paths):  # a second `run` in this project stops here, in one line
        refuse_outside_links(paths, slugs)
        runs, todo = _plan(slugs, paths, force)
        # every selected ward's folder: a ward killed mid-write keeps its last complete outputs and its
        # digests, so the next run may skip it; its hidden temporaries go all the same
        _remove_leftovers(paths, slugs)
        meta = {"jobs": None if scheduler else jobs, "scheduler": scheduler, "force": force}
        engine = DaskEngine(scheduler, force) if scheduler else LocalEngine(paths, jobs, runner, force)
        try:
            try:
                _run_wards(engine, todo, runs, paths, runner, quiet)
            finally:
                manifest = write_manifest(runs, paths, {**meta, "seconds": round(time.time() - started, 3)})
            index = _render_portfolio(runs, paths, force, portfolio, engine, quiet)
        finally:
            engine.close()
        return _report(runs, manifest, index, paths, quiet, started)

"""Run the ward notebook for many wards: in parallel, incrementally, locally or on a Dask cluster.

:func:`run_batch` is what ``wardaudit run`` calls. Per ward it

1. validates ``parameters/<ward>.yaml`` (a bad file is a failed ward with a one-line reason);
2. hashes everything the ward's audit reads (:func:`ward_inputs_digest`) and skips the ward when
   the digest equals ``data/processed/<ward>/inputs.sha256`` and its report exists; the auditor's
   decisions (``data/reviews/<ward>.yaml``) are hashed apart (``reviews.sha256``): when only they
   changed, the ward's page, letter and the index are re-rendered from the stored audit, without
   re-auditing (a malformed decisions file is a failed ward with a one-line reason); so is the
   ward notebook (``notebook.sha256``): saving it re-renders, it never re-audits;
3. runs :func:`run_ward_task` in a worker process (``concurrent.futures`` with a ``forkserver``
   or ``spawn`` context) or on a Dask cluster (``--scheduler tcp://HOST:PORT``; the workers must
   see the project folder at the same path);
4. records the digest only after a successful run.

Then it writes ``reports/batch.json`` (the run manifest, which the portfolio reads for failed
wards), renders the portfolio once and prints a one-screen summary. Every file is written
atomically (:mod:`wardaudit.project.iorw`), so an interrupted batch leaves complete files or none.

:func:`discover` writes parameters files for ward folders that have none.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from wardaudit.version import __version__
from wardaudit.ingest import ward_sources
from wardaudit.project.config import Paths, WardParams, load_params, relative
from wardaudit.errors import AuditError, ParametersError
from wardaudit.ingest import sha256_file
from wardaudit.project.iorw import file_mode, write_text

MANIFEST_SCHEMA = "wardaudit.batch/1"
DIGEST_FILE = "inputs.sha256"
REVIEWS_DIGEST = "reviews.sha256"
NOTEBOOK_DIGEST = "notebook.sha256"
PORTFOLIO_DIGEST = "portfolio.sha256"
WARD_NOTEBOOK = "ward_audit.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"
# a worker that dies (killed, out of memory) takes its ward down with it; retry that ward once
# in a fresh pool before calling it failed
MAX_ATTEMPTS = 2

Runner = Callable[..., dict]


# --- what a ward's audit reads ------------------------------------------------------------------

_package_digest_cache: str | None = None


def package_digest() -> str:
    """A hash of the package's version and of every source and data file it ships.

    Any edit to the code, a catalogue or a template changes it, so every ward re-runs.
    """
    global _package_digest_cache
    if _package_digest_cache is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(f"wardaudit {__version__}\n".encode())
        for p in sorted(root.rglob("*")):
            if not p.is_file() or "__pycache__" in p.parts or p.suffix in (".pyc", ".pyo"):
                continue
            h.update(f"{p.relative_to(root).as_posix()}\t{sha256_file(p)}\n".encode())
        _package_digest_cache = h.hexdigest()
    return _package_digest_cache


def ward_inputs_digest(params: WardParams, paths: Paths, params_file: Path) -> str:
    """One content hash over everything a ward's run depends on.

    The report files the ward reads (:func:`wardaudit.project.config.ward_sources`), its parameters file,
    and the package (:func:`package_digest`): what the audit reads. The ward notebook only renders
    the audit and is hashed apart (:func:`notebook_digest`), so saving it in JupyterLab re-renders
    every ward from its stored audit instead of re-auditing. File names enter relative to the ward
    folder, so a project copied elsewhere keeps its digests.
    """
    h = hashlib.sha256(f"{MANIFEST_SCHEMA}\n".encode())
    folder = paths.ward_raw(params.slug)
    for src in ward_sources(params, paths):
        h.update(f"raw\t{src.relative_to(folder).as_posix()}\t{sha256_file(src)}\n".encode())
    h.update(f"params\t{sha256_file(params_file)}\n".encode())
    h.update(f"package\t{package_digest()}\n".encode())
    return h.hexdigest()


def notebook_digest(paths: Paths) -> str:
    """The ward notebook's content hash (what a ward's page is rendered with)."""
    notebook = paths.notebooks / WARD_NOTEBOOK
    return sha256_file(notebook) if notebook.exists() else "-"


def read_digest(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None


# --- the per-ward function (runs in a worker process or on a Dask worker) -----------------------

def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count_findings(findings_path: Path) -> dict[str, int] | None:
    """Counts of failed checks by severity and of passed checks, from a ward's findings.json."""
    try:
        blob = json.loads(findings_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    docs = blob.get("reports", [blob]) if isinstance(blob, dict) else []
    counts = {"error": 0, "warning": 0, "info": 0, "pass": 0}
    for doc in docs:
        for c in doc.get("checks", []) if isinstance(doc, dict) else []:
            if c.get("status") == "pass":
                counts["pass"] += 1
            elif c.get("status") == "fail" and c.get("severity") in counts:
                counts[c["severity"]] += 1
    return counts


@contextmanager
def _output_to(log: Path | None) -> Iterator[None]:
    """Send this process's stdout/stderr (file descriptors 1 and 2, which the notebook kernel
    inherits) to ``log`` for the duration, so kernel chatter does not garble the progress bar."""
    if log is None:
        yield
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)


def run_ward_task(slug: str, root: str, runner: Runner | None = None, log_output: bool = False,
                  reuse_audit: bool = False) -> dict:
    """Run one ward and return a plain, picklable dict; never raises.

    ``runner(slug, paths)`` defaults to :func:`wardaudit.run.ward.execute_ward`. Its errors become
    ``{"status": "failed", "reason": <one line>}``. With ``log_output`` (a worker process of
    our own, not a shared Dask worker) the run's console output goes to
    ``data/processed/<slug>/run.log`` and the default runner reuses the worker's notebook kernel
    (``execute_ward(reuse_kernel=True)``): it lives as long as the worker, which a Dask worker
    shared with others may outlive the batch by far, so there each ward gets a kernel of its own.
    ``reuse_audit`` (only the decisions changed) is passed on to the runner.
    """
    started = time.perf_counter()
    paths = Paths(Path(root))
    # the notebook kernel is a child of this process and finds the project the same way
    os.environ["WARDAUDIT_ROOT"] = str(paths.root)
    try:
        if runner is None:
            from wardaudit.run.ward import execute_ward
            runner = partial(execute_ward, reuse_kernel=log_output)
        with _output_to(paths.ward_processed(slug) / "run.log" if log_output else None):
            result = dict(runner(slug, paths, **({"reuse_audit": True} if reuse_audit else {})))
    except AuditError as e:
        result = {"status": "failed", "reason": e.one_line()}
    except Exception as e:  # noqa: BLE001 - a ward's failure must not stop the batch
        result = {"status": "failed", "reason": _one_line(f"{type(e).__name__}: {e}")}
    if result.get("status") not in ("ok", "failed"):
        result = {**result, "status": "failed",
                  "reason": result.get("reason") or f"trạng thái lạ / unexpected status {result.get('status')!r}"}
    if result["status"] == "failed":
        result["reason"] = _one_line(result.get("reason") or "không rõ lý do / no reason given")
    result.setdefault("counts", _count_findings(paths.ward_processed(slug) / "findings.json"))
    result["seconds"] = round(time.perf_counter() - started, 3)
    if result.get("html") is not None:
        result["html"] = str(result["html"])
    # only plain JSON values travel back
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            # the state follows the parenthesised command name; a zombie is as good as gone
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _watch_parent(batch_pid: int) -> None:
    """Exit when the batch process is gone (killed, crashed): its ward would go nowhere."""
    while _alive(batch_pid):
        time.sleep(0.5)
    os._exit(1)


def _worker_init(root: str, batch_pid: int, preload: bool) -> None:
    os.environ["WARDAUDIT_ROOT"] = root
    threading.Thread(target=_watch_parent, args=(batch_pid,), daemon=True,
                     name="wardaudit-parent-watch").start()
    if not preload:
        return
    # pay the kernel start and the heavy imports (seconds) once per worker rather than once per
    # ward: the kernel boots while this process imports
    try:
        from wardaudit.run.ward import warm_kernel
        warm_kernel(Paths(Path(root)))
    except Exception:  # noqa: BLE001 - the first ward starts it again and reports what failed
        pass
    for name in ("papermill", "nbconvert"):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - the ward itself will report what is missing
            pass


# --- the batch ----------------------------------------------------------------------------------

@dataclass
class WardRun:
    slug: str
    ward: str | None = None
    status: str = "pending"  # ok | failed | skipped
    reason: str | None = None
    html: str | None = None
    seconds: float | None = None
    inputs_sha256: str | None = None
    counts: dict[str, int] | None = None
    reviews_sha256: str | None = None
    notebook_sha256: str | None = None
    attempts: int = 0
    reuse_audit: bool = False  # only the decisions changed: re-render without re-auditing
    carried: bool = field(default=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("attempts")
        out.pop("reuse_audit")
        if not self.carried:
            out.pop("carried")
        return out


def _select(wards: Iterable[str] | None, all_wards: bool, paths: Paths) -> list[str]:
    if all_wards:
        slugs = sorted(p.stem for p in paths.parameters.glob("*.yaml"))
        if not slugs:
            raise ParametersError(f"{relative(paths.parameters, paths)}: không có tệp tham số nào / "
                                  "no parameters files (try `wardaudit discover`)")
        return slugs + [w for w in (wards or []) if w not in slugs]
    slugs = []
    for w in wards or []:
        slug = Path(w).stem if w.endswith((".yaml", ".yml")) else w
        if slug not in slugs:
            slugs.append(slug)
    if not slugs:
        raise ParametersError("chưa chọn phường/xã nào: dùng --all hoặc nêu tên / "
                              "no ward selected: pass --all or ward names")
    return slugs


def _prepare(slug: str, paths: Paths, force: bool) -> tuple[WardRun, int]:
    """Validate a ward's parameters and decide whether it needs a run. Returns (run, input bytes)."""
    run = WardRun(slug=slug)
    params_file = paths.ward_params(slug)
    try:
        params = load_params(params_file, paths)
        run.ward = params.ward
        if params.slug != slug:
            raise ParametersError(f"{relative(params_file, paths)}: slug '{params.slug}' khác tên tệp / "
                                  f"differs from the file name '{slug}'", path=str(params_file))
        sources = ward_sources(params, paths)
        if not sources:
            raise ParametersError(f"{relative(paths.ward_raw(slug), paths)}: không có báo cáo nào đọc được / "
                                  "no readable report in the ward folder", ward=params.ward)
        missing = [s for s in sources if not s.is_file()]
        if missing:
            raise ParametersError(f"{relative(missing[0], paths)}: không tìm thấy tệp / file not found",
                                  ward=params.ward)
        run.inputs_sha256 = ward_inputs_digest(params, paths, params_file)
        from wardaudit.review.decisions import decisions_digest, load_decisions
        load_decisions(slug, paths)  # a malformed file fails this ward here, with its line
        run.reviews_sha256 = decisions_digest(slug, paths)
        run.notebook_sha256 = notebook_digest(paths)
    except AuditError as e:
        run.status, run.reason = "failed", e.one_line()
        return run, 0
    except OSError as e:
        run.status, run.reason = "failed", _one_line(f"{relative(params_file, paths)}: {e}")
        return run, 0
    report = paths.ward_report(slug)
    stored = read_digest(paths.ward_processed(slug) / DIGEST_FILE)
    if not force and stored == run.inputs_sha256 and report.exists():
        done = paths.ward_processed(slug)
        if (read_digest(done / REVIEWS_DIGEST) == run.reviews_sha256
                and read_digest(done / NOTEBOOK_DIGEST) == run.notebook_sha256):
            run.status, run.html, run.seconds = "skipped", relative(report, paths), 0.0
            run.counts = _count_findings(paths.ward_processed(slug) / "findings.json")
        else:
            run.reuse_audit = True
    return run, sum(s.stat().st_size for s in sources)


# what an interrupted run leaves behind, always under a hidden name: iorw's temporaries and the
# portfolio's scratch folder (the ward notebook is executed in a system temporary folder)
_LEFTOVERS = (".*.tmp",)


def _remove_leftovers(paths: Paths, slugs: Iterable[str]) -> None:
    """Remove the hidden partial files a killed run left in the folders this run writes to."""
    import shutil

    for folder in [paths.reports, *(paths.ward_processed(s) for s in slugs)]:
        if not folder.is_dir():
            continue
        for pattern in _LEFTOVERS:
            for p in folder.rglob(pattern):
                try:
                    p.unlink()
                except OSError:
                    pass
    if paths.reports.is_dir():
        for p in paths.reports.glob(".portfolio.*"):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)


class _Progress:
    """A tqdm bar over the wards that run, with done/failed/skipped counts; silent when quiet."""

    def __init__(self, total: int, skipped: int, failed: int, quiet: bool):
        self.done, self.failed, self.skipped = 0, failed, skipped
        self.bar = None
        if not quiet:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="ward", desc="wardaudit", file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1)
            self._postfix()

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"xong/done {self.done} · chạy lỗi/run failed {self.failed} · "
                                     f"bỏ qua/skipped {self.skipped}", refresh=False)

    def update(self, run: WardRun) -> None:
        if run.status == "failed":
            self.failed += 1
        else:
            self.done += 1
        if self.bar is not None:
            self._postfix()
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _apply(run: WardRun, result: dict, paths: Paths) -> None:
    run.status = result.get("status", "failed")
    run.reason = result.get("reason") if run.status == "failed" else None
    run.seconds = result.get("seconds")
    run.counts = result.get("counts")
    html = result.get("html")
    if html:
        run.html = relative(Path(html), paths)
    elif paths.ward_report(run.slug).exists():
        run.html = relative(paths.ward_report(run.slug), paths)
    digest_file = paths.ward_processed(run.slug) / DIGEST_FILE
    reviews_file = paths.ward_processed(run.slug) / REVIEWS_DIGEST
    notebook_file = paths.ward_processed(run.slug) / NOTEBOOK_DIGEST
    if run.status == "ok" and run.inputs_sha256:
        write_text(digest_file, run.inputs_sha256 + "\n")
        if run.reviews_sha256:
            write_text(reviews_file, run.reviews_sha256 + "\n")
        if run.notebook_sha256:
            write_text(notebook_file, run.notebook_sha256 + "\n")
    elif run.status == "failed":
        # the outputs on disk no longer match these inputs: never skip this ward next time
        for f in (digest_file, reviews_file, notebook_file):
            if f.exists():
                f.unlink()


def _run_local(todo: list[WardRun], paths: Paths, jobs: int, runner: Runner | None,
               finish: Callable[[WardRun, dict], None]) -> None:
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver" and runner is None:
        # import the notebook machinery once in the fork server; every worker inherits it
        ctx.set_forkserver_preload(["wardaudit.run.ward", "papermill", "nbconvert"])
    pending = list(todo)
    while pending:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(pending)), mp_context=ctx,
                                   initializer=_worker_init, initargs=(str(paths.root), os.getpid(), runner is None))
        broken: list[WardRun] = []
        try:
            futures = {}
            for run in pending:
                run.attempts += 1
                futures[pool.submit(run_ward_task, run.slug, str(paths.root), runner, True, run.reuse_audit)] = run
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
                        finish(run, {"status": "failed", "reason": _one_line(f"{type(e).__name__}: {e}")})
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        pending = []
        for run in broken:
            if run.attempts < MAX_ATTEMPTS:
                pending.append(run)
            else:
                finish(run, {"status": "failed", "reason": "tiến trình worker bị dừng đột ngột / "
                             "the worker process died (killed or out of memory)"})


def _run_dask(todo: list[WardRun], paths: Paths, scheduler: str, runner: Runner | None,
              finish: Callable[[WardRun, dict], None]) -> None:
    from dask.distributed import Client, as_completed

    token = hashlib.sha256(f"{time.time_ns()}:{os.getpid()}".encode()).hexdigest()[:8]
    try:
        # the connect timeout is dask's distributed.comm.timeouts.connect
        client = Client(scheduler, set_as_default=False)
    except Exception as e:  # noqa: BLE001 - an unreachable scheduler is one line, not a traceback
        raise AuditError(f"{scheduler}: không kết nối được Dask scheduler / cannot reach the Dask "
                         f"scheduler: {_one_line(str(e), 160)}") from None
    with client:
        futures = {}
        for run in todo:
            run.attempts += 1
            fut = client.submit(run_ward_task, run.slug, str(paths.root), runner, False, run.reuse_audit,
                                key=f"wardaudit-{run.slug}-{token}", pure=False, retries=MAX_ATTEMPTS - 1)
            futures[fut] = run
        for fut in as_completed(list(futures), loop=client.loop):
            run = futures[fut]
            try:
                result = fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. every worker holding the task died
                result = {"status": "failed", "reason": _one_line(f"Dask: {type(e).__name__}: {e}")}
            finish(run, result)


def _write_manifest(runs: list[WardRun], paths: Paths, meta: dict[str, Any]) -> Path:
    """reports/batch.json; wards of an earlier run that this one did not touch are carried over."""
    target = paths.reports / "batch.json"
    selected = {r.slug for r in runs}
    carried = []
    try:
        previous = json.loads(target.read_text(encoding="utf-8"))
        for w in previous.get("wards", []):
            if w.get("slug") not in selected and paths.ward_params(w.get("slug", "")).exists():
                carried.append({**w, "carried": True})
    except (OSError, ValueError, AttributeError):
        pass
    wards = sorted([r.to_json() for r in runs] + carried, key=lambda w: w["slug"])
    totals = {s: sum(1 for w in wards if w["status"] == s) for s in ("ok", "failed", "skipped")}
    doc = {"schema": MANIFEST_SCHEMA, "wardaudit": __version__, **meta, "totals": totals, "wards": wards}
    return write_text(target, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _portfolio_digest(runs: list[WardRun], paths: Paths) -> str:
    h = hashlib.sha256(f"{package_digest()}\n".encode())
    nb = paths.notebooks / PORTFOLIO_NOTEBOOK
    h.update(f"notebook\t{sha256_file(nb) if nb.exists() else '-'}\n".encode())
    for d in sorted(p for p in paths.processed.iterdir() if p.is_dir()) if paths.processed.is_dir() else []:
        h.update(f"{d.name}\t{read_digest(d / DIGEST_FILE) or '-'}\t{read_digest(d / REVIEWS_DIGEST) or '-'}\n".encode())
    # "ok" and "skipped" both mean the outputs match the digest above; only failures add news
    for r in sorted(runs, key=lambda r: r.slug):
        if r.status == "failed":
            h.update(f"{r.slug}\tfailed\t{r.reason or ''}\n".encode())
    return h.hexdigest()


def _render_portfolio(runs: list[WardRun], paths: Paths, force: bool,
                      portfolio: Callable[..., dict] | None) -> dict:
    """Render reports/index.html once, unless nothing it shows has changed since the last time."""
    digest = _portfolio_digest(runs, paths)
    stamp = paths.processed / PORTFOLIO_DIGEST
    index = paths.reports / "index.html"
    if not force and index.exists() and read_digest(stamp) == digest:
        return {"status": "skipped", "html": relative(index, paths)}
    if portfolio is None:
        try:
            from wardaudit.run.portfolio import execute_portfolio as portfolio
        except ModuleNotFoundError as e:
            if e.name != f"{__package__}.portfolio":
                raise
            return {"status": "failed", "reason": "wardaudit.run.portfolio chưa có / is not installed"}
    started = time.perf_counter()
    try:
        with _output_to(paths.processed / "portfolio.log"):
            result = dict(portfolio(paths))
    except AuditError as e:
        result = {"status": "failed", "reason": e.one_line()}
    except Exception as e:  # noqa: BLE001 - report it in the summary, the ward reports stand
        result = {"status": "failed", "reason": _one_line(f"{type(e).__name__}: {e}")}
    result["seconds"] = round(time.perf_counter() - started, 3)
    if result.get("status") == "ok":
        write_text(stamp, digest + "\n")
    elif stamp.exists():
        stamp.unlink()
    return result


def _counts_text(counts: dict[str, int] | None) -> str:
    """A ward's findings in words: errors (sai sót) and warnings (cảnh báo) are findings, not runs."""
    if not counts:
        return "-"
    return f"{counts.get('error', 0)} sai sót, {counts.get('warning', 0)} cảnh báo, {counts.get('pass', 0)} đạt"


def summary_table(runs: list[WardRun], max_rows: int = 30) -> str:
    """A table that fits on one screen: failures first, then the slowest wards."""
    order = {"failed": 0, "ok": 1, "skipped": 2}
    rows = sorted(runs, key=lambda r: (order.get(r.status, 3), -(r.seconds or 0), r.slug))
    shown = rows[:max_rows]
    width = max([len("ward")] + [len(r.slug) for r in shown])
    lines = [f"{'ward':{width}}  {'lần chạy':9}  {'giây':>7}  {'phát hiện':32}  lý do",
             f"{'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 32}  {'-' * 6}"]
    run_words = {"ok": "xong", "failed": "chạy lỗi", "skipped": "bỏ qua"}
    for r in shown:
        secs = f"{r.seconds:7.1f}" if r.seconds is not None else f"{'-':>7}"
        lines.append(f"{r.slug:{width}}  {run_words.get(r.status, r.status):9}  {secs}  {_counts_text(r.counts):32}  "
                     f"{_one_line(r.reason or '', 90)}")
    if len(rows) > len(shown):
        lines.append(f"… {len(rows) - len(shown)} phường/xã khác / more wards in reports/batch.json")
    return "\n".join(lines)


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
        A Dask scheduler address (``tcp://HOST:PORT``): the same per-ward function runs there.
    force
        Re-run wards whose inputs did not change.
    runner, portfolio
        Stand-ins for :func:`wardaudit.run.ward.execute_ward` and
        :func:`wardaudit.run.portfolio.execute_portfolio` (tests). ``runner`` must be picklable: a
        top-level function.

    Returns
    -------
    int
        0 when every ward ran or was up to date, 1 when a ward failed. A failed portfolio is
        reported on stderr (and tried again on the next run) but does not change the code.
    """
    paths = paths or Paths()
    started = time.time()
    jobs = max(1, jobs or os.cpu_count() or 1)
    slugs = _select(wards, all_wards, paths)

    prepared = [_prepare(slug, paths, force) for slug in slugs]
    runs = [r for r, _ in prepared]
    # longest first: the big wards do not end up alone at the tail of the run
    todo = [r for r, size in sorted(prepared, key=lambda x: -x[1]) if r.status == "pending"]
    _remove_leftovers(paths, [r.slug for r in todo])

    progress = _Progress(total=len(todo), skipped=sum(r.status == "skipped" for r in runs),
                         failed=sum(r.status == "failed" for r in runs), quiet=quiet)

    def finish(run: WardRun, result: dict) -> None:
        _apply(run, result, paths)
        progress.update(run)

    meta = {"jobs": None if scheduler else jobs, "scheduler": scheduler, "force": force}
    try:
        if todo and scheduler:
            _run_dask(todo, paths, scheduler, runner, finish)
        elif todo:
            _run_local(todo, paths, jobs, runner, finish)
    except BaseException:
        for r in runs:
            if r.status == "pending":
                r.status, r.reason = "failed", "đã dừng / interrupted"
        _write_manifest(runs, paths, {**meta, "seconds": round(time.time() - started, 3)})
        raise
    finally:
        progress.close()
    manifest = _write_manifest(runs, paths, {**meta, "seconds": round(time.time() - started, 3)})
    index = _render_portfolio(runs, paths, force, portfolio)

    failed = [r for r in runs if r.status == "failed"]
    out = sys.stdout
    if not quiet:
        print(summary_table(runs), file=out)
    ok = sum(r.status == "ok" for r in runs)
    skipped = sum(r.status == "skipped" for r in runs)
    found = {k: sum((r.counts or {}).get(k, 0) for r in runs) for k in ("error", "warning")}
    print(f"{len(runs)} phường/xã / wards: {ok} chạy xong / ran, {len(failed)} chạy lỗi / run failed, "
          f"{skipped} bỏ qua / skipped (không đổi / unchanged) · phát hiện / findings: {found['error']} sai sót / "
          f"errors, {found['warning']} cảnh báo / warnings · {time.time() - started:.1f}s · "
          f"{relative(manifest, paths)}", file=out)
    if index.get("status") == "failed":
        print(f"index: lỗi / failed: {index.get('reason')}", file=sys.stderr)
    elif not quiet:
        print(f"index: {relative(Path(index.get('html') or paths.reports / 'index.html'), paths)} "
              f"({index.get('status')})", file=out)
    # the exit code speaks for the wards; a failed index is reported above and re-rendered next run
    return 1 if failed else 0


# --- parameters for new ward folders ------------------------------------------------------------

_LEVEL_WORDS = {"phường": "phường", "xã": "xã", "đặc khu": "đặc khu"}


def _guess_level(text: str) -> str | None:
    """The level named most often in "UBND <level>" / "Ủy ban nhân dân <level>" phrases."""
    norm = unicodedata.normalize("NFC", text[:20000]).lower()
    found: dict[str, int] = {}
    for m in re.finditer(r"(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân|đảng ủy|đảng uỷ)\s+(phường|xã|đặc khu)\b", norm):
        found[m.group(1)] = found.get(m.group(1), 0) + 1
    return _LEVEL_WORDS[max(found, key=found.get)] if found else None


def _name_from_slug(slug: str) -> str:
    return " ".join(w.capitalize() for w in slug.replace("_", "-").split("-") if w)


def _guess_ward(folder: Path) -> tuple[str, str]:
    """(name, level) for a ward folder, from the report text when it can be read."""
    from wardaudit.ingest import read_document, supported_suffixes

    name, level = None, None
    suffixes = set(supported_suffixes())
    for f in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes):
        try:
            doc = read_document(f)
        except AuditError:
            continue
        try:
            from wardaudit.extract.metadata import extract_metadata
        except ModuleNotFoundError:
            extract_metadata = None
        if extract_metadata is not None:
            try:
                meta = extract_metadata(doc)
                name = name or meta.get("ward_name")
                level = level or meta.get("level")
            except Exception:  # noqa: BLE001 - a guess; the folder name is the fallback
                pass
        if level is None:
            text = "\n".join(getattr(b, "text", "") or "" for b in getattr(doc, "blocks", [])[:80])
            level = _guess_level(text)
        if name:
            break
    if level not in ("xã", "phường", "đặc khu"):
        level = "xã"
    return name or _name_from_slug(folder.name), level


def _params_yaml(name: str, slug: str, level: str) -> str:
    q = json.dumps(name, ensure_ascii=False)  # a JSON string is a valid YAML scalar
    return (f"# Written by `wardaudit discover`: check the ward's name and level, then keep this file.\n"
            f"ward: {q}\nslug: {slug}\nlevel: {level}\n"
            f"# Files under data/raw/{slug}/ to audit; empty means every readable file there.\n"
            f"sources: []\n"
            f"# Does a rate's denominator include dossiers carried over from the previous period?\n"
            f"carried_over_in_denominator: true\noutline_profile: auto\nlang: vi\nrules_off: []\n")


def _create_new(target: Path, text: str) -> bool:
    """Write a complete file at ``target`` unless one exists there; False when it did."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode())  # mkstemp's 0600 would hide the file from other users
        # a hard link is atomic and, unlike a rename, refuses to replace a file created meanwhile
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def discover(raw_dir: Path | None = None, paths: Paths | None = None) -> list[Path]:
    """Write ``parameters/<slug>.yaml`` for every ward folder under ``raw_dir`` that has none.

    The ward's name and level are guessed from its report (:func:`wardaudit.extract.metadata.extract_metadata`
    when available, else the folder name and the "UBND xã/phường" phrases). An existing file is
    never overwritten. Returns the written paths.
    """
    paths = paths or Paths()
    raw_dir = Path(raw_dir) if raw_dir else paths.raw
    if not raw_dir.is_dir():
        raise ParametersError(f"{raw_dir}: không phải thư mục / is not a folder", path=str(raw_dir))
    written = []
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        slug = folder.name
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,80}", slug):
            print(f"{folder}: tên thư mục không hợp lệ làm slug / folder name is not a valid slug "
                  "(lowercase letters, digits, '-')", file=sys.stderr)
            continue
        target = paths.ward_params(slug)
        if target.exists():
            continue
        name, level = _guess_ward(folder)
        if _create_new(target, _params_yaml(name, slug, level)):
            written.append(target)
    return written

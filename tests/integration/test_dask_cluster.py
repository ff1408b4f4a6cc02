"""`wardaudit run --scheduler`: the same wards on a real local Dask cluster give the same outputs.

The scheduler and workers are processes of their own, started in a working directory outside the
project and without WARDAUDIT_ROOT: the batch passes the project root to every task."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_batch import fake_portfolio, make_project

from wardaudit.batch.local import run_batch

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
# the two smallest seed wards keep the test short
WARDS = ["nam-thanh-mien", "phu-thinh"]


def _start(args: list[str], env: dict, log: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM each process group (worker, nanny, kernels), then SIGKILL what is left."""
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(5)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers on 127.0.0.1, as separate processes."""
    env = {k: v for k, v in os.environ.items() if k != "WARDAUDIT_ROOT"}
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    elsewhere = tmp_path / "elsewhere"  # no parameters/ or data/ here or above: the root must come with the task
    elsewhere.mkdir()
    sched_file = tmp_path / "scheduler.json"
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = [_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                     "--no-dashboard", "--scheduler-file", str(sched_file)], env, logs / "scheduler.log", elsewhere)]
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            assert procs[0].poll() is None, (logs / "scheduler.log").read_text()
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        for i in range(2):
            procs.append(_start([str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file),
                                 "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                                 "--no-dashboard", "--name", f"w{i}", "--memory-limit", "0"],
                                env, logs / f"worker{i}.log", elsewhere))
        from dask.distributed import Client
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        _stop(procs[::-1])


def _outputs(paths, slug: str) -> dict[str, bytes]:
    out = paths.ward_processed(slug)
    return {name: (out / name).read_bytes() for name in ("findings.json", "facts.csv")}


def test_cluster_run_equals_local_run(tmp_path, cluster, monkeypatch):
    paths = make_project(tmp_path / "project", WARDS)
    monkeypatch.delenv("WARDAUDIT_ROOT", raising=False)
    assert run_batch(wards=WARDS, jobs=2, quiet=True, paths=paths, portfolio=fake_portfolio) == 0
    local = {s: _outputs(paths, s) for s in WARDS}

    for slug in WARDS:
        paths.ward_report(slug).unlink()
    started = time.monotonic()
    code = run_batch(wards=WARDS, scheduler=cluster, force=True, quiet=True, paths=paths,
                     portfolio=fake_portfolio)
    assert code == 0, [(w["slug"], w.get("reason")) for w in
                       json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))["wards"]]
    assert time.monotonic() - started < 120
    manifest = json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))
    assert manifest["scheduler"] == cluster
    assert {w["slug"]: w["status"] for w in manifest["wards"]} == dict.fromkeys(WARDS, "ok")
    for slug in WARDS:
        assert paths.ward_report(slug).read_text(encoding="utf-8").rstrip().endswith("</html>")
        assert _outputs(paths, slug) == local[slug], slug
        # the worker wrote the ward's summary next to its findings, for the portfolio
        assert json.loads((paths.ward_processed(slug) / "summary.json").read_text(encoding="utf-8"))["slug"] == slug


def test_province_pages_render_on_the_cluster(tmp_path, cluster, monkeypatch):
    """The portfolio phase sends its province pages to the same cluster; they equal local renders."""
    import synthetic_summaries
    from wardaudit.batch.dask import DaskEngine
    from wardaudit.run.portfolio.pages import render_task
    from wardaudit.run.portfolio.phase import execute_portfolio

    monkeypatch.delenv("WARDAUDIT_ROOT", raising=False)
    paths = synthetic_summaries.make_project(tmp_path / "project", 12, 3)
    engine = DaskEngine(cluster)
    calls = []

    def mapper(fn, items):
        calls.append(len(items))
        return engine.map(fn, items)
    try:
        result = execute_portfolio(paths, mapper=mapper)
        assert calls == [3] and result["provinces"] == 3
        task = ("province/x.html", "province", {"title": "<T>", "rows": [], "coverage": None, "overview": {
            "wards": 0, "failed": 0, "with_errors": 0, "no_report": 0, "top_rules": [], "titles": {}},
            "filters": [], "heatmap": {"families": [], "rows": []},
            "indicators": {"keys": [], "rows": []}, "trends": [], "indicator_trend": None,
                "port": {"rows": [], "heads": {}, "more": ""}},
            "vi", "now")
        remote = engine.map(render_task, [task, task])
        assert remote == [render_task(task)] * 2 and "<title>&lt;T&gt;</title>" in remote[0][1]
        # the workers hold no project root of their own
        assert set(engine.client.run(lambda: os.environ.get("WARDAUDIT_ROOT")).values()) == {None}
    finally:
        engine.close()
    assert len(list((paths.reports / "province").glob("*.html"))) == 3


def test_unreachable_scheduler_is_one_line(tmp_path):
    import dask

    from wardaudit.errors import AuditError

    paths = make_project(tmp_path, WARDS[:1])
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), \
            pytest.raises(AuditError, match="cannot reach the Dask scheduler"):
        run_batch(wards=WARDS[:1], scheduler="tcp://127.0.0.1:9", quiet=True, paths=paths)

"""The batch within limits, through real runs: a ward past its time limit fails in one line while the
batch goes on and renders the index; a run.log planted as a symbolic link is replaced; a report whose
name is 240 bytes runs; a Dask batch with no worker says so, and goes on when one comes."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import yaml
from test_dask_cluster import BIN, _start, _stop

from conftest import copy_project
from wardaudit.batch import dask as dask_engine
from wardaudit.batch.local import run_batch
from wardaudit.store import WardStore


def _set(paths, slug: str, **values) -> None:
    file = paths.ward_params(slug)
    params = yaml.safe_load(file.read_text(encoding="utf-8"))
    file.write_text(yaml.safe_dump({**params, **values}, allow_unicode=True), encoding="utf-8")


def test_a_ward_past_its_time_limit_fails_and_the_batch_goes_on(tmp_path, capsys):
    paths = copy_project(tmp_path / "p", ("phu-thinh", "trung-thanh", "vinh-thong"))
    _set(paths, "trung-thanh", max_seconds=1)
    # a report sixty times the seed's length: its audit alone takes seconds, so the ward is past its one-second
    # limit however fast the rest of a run has become (the seed itself now runs in less than a second)
    slow = next(paths.ward_raw("trung-thanh").iterdir())
    slow.write_text(slow.read_text(encoding="utf-8") * 60, encoding="utf-8")
    report = next(paths.ward_raw("vinh-thong").iterdir())
    room = 240 - len(report.suffix)
    stem = ("báo-cáo-tổng-hợp-kết-quả-" * 12).encode()[:room].decode("utf-8", "ignore")
    long = report.with_name(stem + "x" * (room - len(stem.encode())) + report.suffix)
    assert len(long.name.encode()) == 240
    report.rename(long)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    log = WardStore(paths, "phu-thinh").log_path
    log.parent.mkdir(parents=True, exist_ok=True)
    log.symlink_to(victim)

    started = time.perf_counter()
    code = run_batch(all_wards=True, jobs=1, quiet=True, paths=paths)  # one worker: the wards run one by one
    print(f"\nbatch of 3 wards, one timed out: {time.perf_counter() - started:.1f} s")
    wards = {w["slug"]: w for w in json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))["wards"]}
    assert code == 1 and wards["trung-thanh"]["status"] == "failed"
    assert wards["trung-thanh"]["reason"].endswith("took longer than its 1 s limit (max_seconds in parameters)")
    assert wards["phu-thinh"]["status"] == "ok" and wards["vinh-thong"]["status"] == "ok"  # before and after it
    index = (paths.reports / "index.html").read_text(encoding="utf-8")
    assert "trung-thanh" in index or "Trung Thành" in index
    assert victim.read_text(encoding="utf-8") == "keep me" and not log.is_symlink() and log.is_file()
    tables = list((paths.ward_processed("vinh-thong") / "tables").iterdir())
    assert tables and all(len(t.name.encode()) < 200 for t in tables)


def test_a_dask_batch_with_no_worker_says_so(tmp_path, monkeypatch, capsys):
    paths = copy_project(tmp_path / "p", ("phu-thinh",))
    monkeypatch.setattr(dask_engine, "NO_WORKER_SECONDS", 2.0)
    env = {k: v for k, v in os.environ.items() if k != "WARDAUDIT_ROOT"}
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    sched_file, logs = tmp_path / "scheduler.json", tmp_path / "logs"
    logs.mkdir()
    procs = [_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(sched_file)], env, logs / "scheduler.log", tmp_path)]
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]

        def late_worker() -> None:  # comes after the batch has waited a while
            procs.append(_start([str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file), "--host",
                                 "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--memory-limit", "0"],
                                env, logs / "worker.log", tmp_path))

        timer = threading.Timer(8.0, late_worker)
        timer.start()
        code = run_batch(wards=["phu-thinh"], scheduler=address, quiet=True, paths=paths)
        timer.join()
    finally:
        _stop(procs[::-1])
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "no worker has been connected" in line]
    print(f"\n{said[0] if said else err}")
    assert code == 0 and said and "1 wards are waiting" in said[0]
    assert any("connected again" in line for line in err.splitlines())
    assert Path(paths.ward_report("phu-thinh")).is_file()
    assert sys.executable  # the workers ran this interpreter's dask

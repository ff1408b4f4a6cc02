"""A batch killed mid-run (a worker, or the batch itself) leaves only complete files, and the next
run finishes the job."""
from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_batch import make_project

pytestmark = pytest.mark.slow

WARDAUDIT = Path(sys.executable).parent / "wardaudit"
SMALL = ["nam-thanh-mien", "phu-thinh"]


def _project(tmp: Path):
    """The two smallest seed wards, each twice (a copy under another slug): four wards."""
    paths = make_project(tmp, SMALL)
    for slug in SMALL:
        shutil.copytree(paths.ward_raw(slug), paths.ward_raw(f"{slug}-copy"))
        text = paths.ward_params(slug).read_text(encoding="utf-8")
        paths.ward_params(f"{slug}-copy").write_text(text.replace(f"slug: {slug}", f"slug: {slug}-copy"),
                                                     encoding="utf-8")
    return paths


def _start(paths, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WARDAUDIT_ROOT": str(paths.root)}
    return subprocess.Popen([str(WARDAUDIT), "run", "--all", "--jobs", "2", "--quiet", *args], env=env,
                            cwd=paths.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(d.name))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        for c in tree.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _wait_for_kernel(proc: subprocess.Popen, timeout: float = 90) -> int:
    """The pid of a notebook kernel the batch started (a ward is mid-run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read().decode()
        for pid in _descendants(proc.pid):
            if "ipykernel" in _cmdline(pid):
                return pid
        time.sleep(0.1)
    raise AssertionError("no notebook kernel started")


def _ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _kill_session(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


class _Html(HTMLParser):
    pass


def assert_outputs_complete(paths) -> None:
    """Every file with a final name is complete and parses; partial files only under hidden names."""
    checked = 0
    for top in (paths.reports, paths.processed):
        for f in top.rglob("*"):
            if not f.is_file() or any(part.startswith(".") for part in f.relative_to(top).parts):
                continue
            data = f.read_bytes()
            if f.suffix == ".html":
                text = data.decode("utf-8")
                assert text.rstrip().endswith("</html>"), f
                parser = _Html()
                parser.feed(text)
                parser.close()
            elif f.suffix in (".json", ".ipynb"):
                json.loads(data.decode("utf-8"))
            elif f.suffix == ".csv":
                rows = list(csv.reader(data.decode("utf-8").splitlines()))
                assert not rows or all(len(r) == len(rows[0]) for r in rows), f
            elif f.suffix == ".sha256":
                assert len(data.decode().split()[0]) == 64, f
            checked += 1
    assert checked


def _finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        _kill_session(proc)
    return proc.returncode, out.decode(errors="replace")


def _hidden_leftovers(paths) -> list[Path]:
    return [p for top in (paths.reports, paths.processed) for p in top.rglob(".*") if p.name != ".gitkeep"]


def test_killed_worker_and_killed_batch_leave_complete_files(tmp_path):
    paths = _project(tmp_path)

    # 1. a worker dies mid-ward: its ward is retried in a fresh pool and the batch completes
    proc = _start(paths)
    try:
        kernel = _wait_for_kernel(proc)
        worker = _ppid(kernel)
        assert worker != proc.pid
        os.kill(worker, signal.SIGKILL)
        code, out = _finish(proc)
    finally:
        _kill_session(proc)
    assert_outputs_complete(paths)
    manifest = json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))
    assert len(manifest["wards"]) == 4
    assert code == 0, out
    assert manifest["totals"]["ok"] == 4

    # 2. the batch itself is killed mid-run (re-running everything)
    proc = _start(paths, "--force")
    try:
        _wait_for_kernel(proc)
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        # the workers notice their batch is gone and stop (their kernels follow)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and [p for p in _session_pids(proc.pid)
                                               if "multiprocessing" in _cmdline(p)]:
            time.sleep(0.2)
        assert not [p for p in _session_pids(proc.pid) if "multiprocessing" in _cmdline(p)]
    finally:
        _kill_session(proc)
    assert_outputs_complete(paths)

    # 3. the next run completes and leaves nothing partial behind
    code, out = _finish(_start(paths))
    assert code == 0, out
    assert_outputs_complete(paths)
    manifest = json.loads((paths.reports / "batch.json").read_text(encoding="utf-8"))
    assert manifest["totals"]["failed"] == 0
    for w in manifest["wards"]:
        assert paths.root.joinpath(w["html"]).exists()
    assert _hidden_leftovers(paths) == []


def _session_pids(sid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if os.getsid(int(d.name)) == sid:
                    out.append(int(d.name))
            except OSError:
                pass
    return out

"""`wardaudit review` on a full disk: data/reviews is a tmpfs of 64 KiB mounted for the test (a real
filesystem that really runs out of space: the kernel writes what fits, then says ENOSPC). Every
review that succeeds leaves a file that reads whole; the one that does not fit exits 2 with one line
and leaves the file byte for byte as it was.

Mounting needs root (CAP_SYS_ADMIN); where the test cannot mount, the same scenario runs with the
file size limit of the child process (RLIMIT_FSIZE: the kernel's EFBIG after a short write, the
other real way to make a write fail part way), and the test says which one it used."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import store_failing
from wardaudit.model.findings import CheckResult
from wardaudit.project.config import Paths
from wardaudit.review.decisions import load_decisions

CHECKS = [CheckResult("FOOT001", "fail", "error", f"m {i}", key=f"k{i}") for i in range(1, 40)]
IDS = [c.id for c in CHECKS]
SIZE = 64 * 1024


def _mount_tmpfs(folder: Path) -> bool:
    got = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(folder)],
                         capture_output=True, text=True)
    return got.returncode == 0


@pytest.fixture
def small_disk(tmp_path) -> Iterator[tuple[Paths, str, Callable[[], None] | None]]:
    """A project whose data/reviews is a small disk: (paths, kind, a preexec for the child or None)."""
    paths = Paths(tmp_path)
    (tmp_path / "parameters").mkdir()
    store_failing(paths, "xa-a", CHECKS)
    paths.reviews.mkdir(parents=True)
    if _mount_tmpfs(paths.reviews):
        try:
            # leave 12 KiB: room for two ~5 KB entries, then a write that stops part way
            (paths.reviews / ".filler").write_bytes(b"\0" * (SIZE - 12 * 1024))
            yield paths, "tmpfs", None
        finally:
            subprocess.run(["umount", "-l", str(paths.reviews)], check=False)
        return

    def cap() -> None:  # no mount here: files of the child may not grow past 12 KiB
        resource.setrlimit(resource.RLIMIT_FSIZE, (12 * 1024, 12 * 1024))

    yield paths, "RLIMIT_FSIZE", cap


def _review(paths: Paths, finding: str, note: str, preexec) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "wardaudit.cli", "review", "xa-a", finding, "--status", "dismissed",
           "--note", note, "--by", "Kiểm toán viên"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, preexec_fn=preexec,
                          env={**os.environ, "WARDAUDIT_ROOT": str(paths.root)})


def test_every_review_that_succeeds_on_a_full_disk_leaves_a_readable_file(small_disk):
    paths, kind, preexec = small_disk
    print(f"small disk: {kind}")
    target = paths.ward_reviews("xa-a")
    big = ("Đã đối chiếu sổ sách và chứng từ gốc của xã; số liệu khớp với biên bản. " * 60)[:4000]
    decided: list[str] = []
    pending, note, failures = list(IDS), big, 0
    while pending and failures < 2:
        before = target.read_bytes() if target.exists() else b""
        got = _review(paths, pending[0], note, preexec)
        if got.returncode == 0:
            decided.append(pending.pop(0))
            assert [d.id for d in load_decisions("xa-a", paths)] == decided  # readable, every entry whole
            continue
        failures += 1
        assert got.returncode == 2, got.stderr
        assert got.stderr.count("\n") == 1 and got.stderr.startswith("data/reviews/xa-a.yaml: ")
        assert ("No space left on device" if kind == "tmpfs" else "File too large") in got.stderr
        assert target.read_bytes() == before  # the part that was written is cut away again
        assert [d.id for d in load_decisions("xa-a", paths)] == decided
        note = "ghi chú ngắn: đã xem"  # short notes fill what is left, until the disk is full again
    print(f"{len(decided)} reviews written, 2 refused on a full disk")
    assert failures == 2 and len(decided) >= 3, decided

"""Atomic writes: the mode of the written file, and what a failed write leaves behind."""
from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from wardaudit.project.iorw import atomic_path, write_bytes, write_frame_csv, write_text


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("write", [
    lambda p: write_text(p, "báo cáo\n"),
    lambda p: write_bytes(p, b"\x00\x01"),
    lambda p: write_frame_csv(p, pd.DataFrame({"a": [1]})),
], ids=["text", "bytes", "csv"])
def test_written_files_are_readable_like_normal_files(tmp_path, umask_022, write):
    target = tmp_path / "out" / "report.html"
    write(target)
    assert _mode(target) == 0o644
    # the same as a file created by open() under the same umask
    plain = tmp_path / "plain"
    plain.write_text("x")
    assert _mode(target) == _mode(plain)


def test_mode_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.txt") == 0o640


def test_replacing_a_private_file_gives_the_normal_mode(tmp_path, umask_022):
    target = tmp_path / "findings.json"
    target.write_text("old")
    os.chmod(target, 0o600)  # as left by an earlier version that kept mkstemp's mode
    write_text(target, "new")
    assert target.read_text() == "new"
    assert _mode(target) == 0o644


def test_exception_inside_leaves_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "facts.csv"
    target.write_text("complete previous file\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_path(target) as tmp:
        tmp.write_text("half of a new fi", encoding="utf-8")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "complete previous file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.csv"]


def test_exception_inside_with_no_previous_file_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "new" / "report.html") as tmp:
        tmp.write_bytes(b"<html>")
        raise KeyboardInterrupt
    assert list((tmp_path / "new").iterdir()) == []


def test_temporary_is_beside_the_target_and_hidden(tmp_path):
    target = tmp_path / "index.html"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".index.html.") and tmp.name.endswith(".tmp")
        tmp.write_text("ok")
        assert not target.exists()  # nothing at the target until the body has finished
    assert target.read_text() == "ok" and not tmp.exists()

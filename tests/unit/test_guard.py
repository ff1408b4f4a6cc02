"""Paths and names: a slug on the command line, one run at a time, symbolic links planted where outputs go,
long report names, and what reaches the terminal. The per-ward time limit and a Dask batch with no worker:
tests/integration/test_guard_batch.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import copy_project
from helpers import store_failing
from wardaudit.batch.guard import LOCK, ward_slug
from wardaudit.cli import main
from wardaudit.errors import ParametersError, ReviewError
from wardaudit.model.findings import CheckResult
from wardaudit.project.config import Paths
from wardaudit.project.iorw import open_log, short_stem, write_text
from wardaudit.project.printable import for_terminal
from wardaudit.review.decisions import decide


@pytest.mark.parametrize("arg, slug", [
    ("xa-a", "xa-a"), ("xa-a.yaml", "xa-a"), ("parameters/xa-a.yaml", "xa-a"), ("../../x", None),
    ("../x.yaml", None), ("/etc/passwd", None), ("Xa-A", None), ("a/b", None), ("parameters/../../x.yaml", None),
    ("", None), ("xa a", None),
])
def test_a_ward_on_the_command_line_is_a_slug(tmp_path, arg, slug):
    paths = Paths(tmp_path)
    if slug:
        assert ward_slug(arg, paths) == slug
    else:
        with pytest.raises(ParametersError, match="not a ward slug"):
            ward_slug(arg, paths)


def test_run_with_a_path_for_a_ward_reads_and_writes_nothing(tmp_path, monkeypatch, capsys):
    paths = copy_project(tmp_path, ("phu-thinh",))
    outside = tmp_path.parent / f"{tmp_path.name}-x.yaml"
    outside.write_text("ward: X\n", encoding="utf-8")
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["run", f"../../{outside.stem}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a ward slug" in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_second_run_in_the_same_project_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    paths = copy_project(tmp_path, ("phu-thinh",))
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom wardaudit.batch.guard import one_run\nfrom wardaudit.project.config import Paths\n"
        f"with one_run(Paths({str(paths.root)!r})):\n    print('held', flush=True)\n    time.sleep(120)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"  # a real run of another process holds the lock
        started = time.perf_counter()
        assert main(["run", "--all", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"pid {holder.pid}" in err and "another `wardaudit run` is running" in err
        assert time.perf_counter() - started < 5 and not (paths.reports / "batch.json").exists()
    finally:
        holder.kill()  # the process this test started
        holder.wait()
    from wardaudit.batch.guard import one_run
    with one_run(paths):  # released with its holder
        assert f"pid {os.getpid()}" in (paths.processed / LOCK).read_text(encoding="utf-8")
    assert not (paths.processed / LOCK).exists()  # a run leaves no lock behind


def test_a_symbolic_link_planted_where_an_output_goes_is_replaced_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "project" / "reports"
    out.mkdir(parents=True)
    (out / "index.html").symlink_to(victim)
    write_text(out / "index.html", "<html></html>")
    assert not (out / "index.html").is_symlink() and (out / "index.html").read_text() == "<html></html>"
    (out / "run.log").symlink_to(victim)
    fd = open_log(out / "run.log")
    os.write(fd, b"log line\n")
    os.close(fd)
    assert not (out / "run.log").is_symlink() and victim.read_text(encoding="utf-8") == "keep me"


def test_a_decisions_file_that_is_a_symbolic_link_is_refused(tmp_path, monkeypatch):
    paths = Paths(tmp_path)
    (tmp_path / "parameters").mkdir()
    check = CheckResult("FOOT001", "fail", "error", "m", key="k")
    store_failing(paths, "xa-a", [check])
    victim = tmp_path.parent / f"{tmp_path.name}-victim.yaml"
    victim.write_text("# not the product's\n", encoding="utf-8")
    paths.reviews.mkdir(parents=True)
    paths.ward_reviews("xa-a").symlink_to(victim)
    with pytest.raises(ReviewError, match=r"^data/reviews/xa-a\.yaml: .*symbolic link, refused"):
        decide("xa-a", check.id, "dismissed", "x", paths=paths)
    assert victim.read_text(encoding="utf-8") == "# not the product's\n"


def test_an_output_folder_linked_out_of_the_project_refuses_the_run(tmp_path, monkeypatch, capsys):
    paths = copy_project(tmp_path / "p", ("phu-thinh",))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (paths.reports / "province").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert main(["run", "--all", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reports/province: ") and "is a link out of the project" in err and err.count("\n") == 1
    assert not list(elsewhere.iterdir()) and not (paths.reports / "batch.json").exists()


def test_a_long_report_name_becomes_a_short_file_name():
    long = "báo-cáo-" + "tổng-hợp-" * 30
    assert len(long.encode()) > 240
    short = short_stem(long)
    assert len(short.encode()) <= 120 and short.startswith("báo-cáo-tổng-hợp")
    assert short != short_stem(long + "2") and short_stem("ngắn") == "ngắn"


@pytest.mark.parametrize("raw, shown", [
    ("a\x1b[2Jb", "ab"), ("a\x1b]0;title\x07b", "ab"), ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
    ("a\x9b31mb", "ab"), ("a\x07\x08b\tc\nd", "ab\tc\nd"), ("a\u202eb", "ab"), ("a\r\nb", "a\nb"),
    ("Tổng số", "Tổng số"),
])
def test_what_reaches_the_terminal_has_no_escape_sequence(raw, shown):
    assert for_terminal(raw) == shown


def test_check_and_review_print_no_escape_sequence(tmp_path, monkeypatch, capsys):
    report = tmp_path / "r.txt"
    report.write_text("UBND XÃ THỬ\n\nBÁO CÁO\x1b]0;pwned\x07 kết quả\x1b[2J\n\nTổng số hồ sơ tiếp nhận là 12 hồ sơ.\n",
                      encoding="utf-8")
    main(["check", str(report)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "pwned" not in out
    main(["check", str(report), "--format", "json"])
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and json.loads(raw)["schema"] == "wardaudit.findings/1"  # JSON escapes them
    paths = Paths(tmp_path / "p")
    (paths.root / "parameters").mkdir(parents=True)
    check = CheckResult("FOOT001", "fail", "error", "m", key="k")
    store_failing(paths, "xa-a", [check])
    paths.reviews.mkdir(parents=True)
    paths.ward_reviews("xa-a").write_text(f'- id: "{check.id}"\n  status: query\n  note: "sửa\\e[2J lại\\x9b"\n'
                                          '  by: null\n  at: "2026-01-01T00:00:00Z"\n', encoding="utf-8")
    monkeypatch.setenv("WARDAUDIT_ROOT", str(paths.root))
    assert main(["review", "xa-a"]) == 0
    out = capsys.readouterr().out
    assert "sửa lại" in out and "\x1b" not in out and "\x9b" not in out
    assert main(["review", "xa-a", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and json.loads(out)["findings"][0]["note"] == "sửa\x1b[2J lại\x9b"

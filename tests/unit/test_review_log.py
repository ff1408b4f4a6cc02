"""wardaudit.review.log: a decisions file cut short as a crash leaves it keeps its complete entries and
names the damaged one; what a decision may hold (note size, control characters, one-line names);
two equal keys in one entry refused. The full-disk test is tests/integration/test_review_disk.py."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from helpers import store_failing
from wardaudit.cli import main
from wardaudit.errors import ReviewError
from wardaudit.model.findings import CheckResult
from wardaudit.project.config import Paths
from wardaudit.review.decisions import decide, load_decisions, read_decisions
from wardaudit.review.log import parse_decisions, read_log

CHECKS = [CheckResult(rule, "fail", "error", f"m {rule}", key=key)
          for rule, key in (("FOOT001", "k1"), ("RATE001", "k2"), ("BUDG001", "k3"))]
IDS = [c.id for c in CHECKS]
SHOWN = "data/reviews/xa-a.yaml"


@pytest.fixture
def small(tmp_path, monkeypatch) -> Paths:
    paths = Paths(tmp_path)
    (tmp_path / "parameters").mkdir()
    store_failing(paths, "xa-a", CHECKS)
    monkeypatch.setenv("WARDAUDIT_ROOT", str(tmp_path))
    return paths


def _three(paths: Paths) -> bytes:
    decide("xa-a", IDS[0], "dismissed", "đơn vị tính là nghìn đồng", by="Lê Văn An", paths=paths)
    decide("xa-a", IDS[1], "query", "đề nghị giải trình tỷ lệ", by="Bình", paths=paths)
    decide("xa-a", IDS[2], "confirmed", "số giải ngân vượt số được giao: đã đối chiếu chứng từ", by="Chi",
           paths=paths)
    return paths.ward_reviews("xa-a").read_bytes()


def test_an_entry_cut_short_at_any_byte_keeps_the_complete_entries_and_names_the_damaged_one(small):
    data = _three(small)
    start = data.rindex(b"\n- id: ") + 1
    line = data[:start].count(b"\n") + 1
    for cut in range(start + 1, len(data)):  # from its first byte to all but the last
        log = read_log(data[:cut], SHOWN)
        if cut == len(data) - 1:  # only the last newline is missing: the entry is complete
            assert [d.id for d in log.decisions] == IDS and log.damaged is None
            continue
        assert [d.id for d in log.decisions] == IDS[:2], cut
        assert log.damaged == line and log.complete == start, cut
        assert log.warning(SHOWN).startswith(f"{SHOWN}:{line}: ") and "cut short" in log.warning(SHOWN)


def test_the_review_command_lists_a_cut_file_and_the_next_decision_keeps_the_fragment(small, capsys):
    data = _three(small)
    path = small.ward_reviews("xa-a")
    cut = data.rindex("đối chiếu".encode()) + 1  # inside a two-byte character of the note
    path.write_bytes(data[:cut])
    line = data[:data.rindex(b"\n- id: ") + 1].count(b"\n") + 1
    assert main(["review", "xa-a", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err.strip().startswith(f"{SHOWN}:{line}: ") and err.count("\n") == 1
    rows = {f["id"]: f["status"] for f in json.loads(out)["findings"]}
    assert rows == {IDS[0]: "dismissed", IDS[1]: "query", IDS[2]: "open"}
    # recording the lost decision again: the fragment stays as comments, the file parses whole again
    decide("xa-a", IDS[2], "confirmed", "ghi lại sau sự cố", by="Chi", paths=small)
    log = read_decisions("xa-a", small)
    assert log.damaged is None and [d.status for d in log.decisions] == ["dismissed", "query", "confirmed"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(data[:data.rindex(b"\n- id: ") + 1].decode())
    assert f'#   - id: "{IDS[2]}"' in text and "\\x" in text  # the half character, escaped


def test_damage_that_is_not_a_cut_tail_still_refuses_the_file(small):
    data = _three(small)
    start = data.rindex(b"\n- id: ") + 1
    middle = data[: start - 20] + data[start:]  # the second entry's last line lost, a third follows
    with pytest.raises(ReviewError, match=rf"^{SHOWN}:\d+: "):
        read_log(middle, SHOWN)
    edited = data[:start] + b"- id: X-1\n  status: perhaps\n"  # a hand edit, not a prefix of an entry
    line = data[:start].count(b"\n") + 1  # the entry's first line
    with pytest.raises(ReviewError, match=rf"^{SHOWN}:{line}: .*invalid status"):
        read_log(edited, SHOWN)
    with pytest.raises(ReviewError, match="not UTF-8"):
        read_log(data[:start] + b"\xff\xfe- id: x\n", SHOWN)


def test_two_equal_keys_in_one_entry_are_refused_with_the_line():
    text = ("- id: A-1\n  status: dismissed\n  note: x\n  at: '2026-01-01T00:00:00Z'\n"
            "- id: A-2\n  status: query\n  note: y\n  status: dismissed\n  at: '2026-01-01T00:00:00Z'\n")
    with pytest.raises(ReviewError, match=rf"^{SHOWN}:8: .*duplicate key 'status'"):
        parse_decisions(text, SHOWN)


@pytest.mark.parametrize("note, by, what", [
    ("x" * 4001, "An", "4001 characters, at most 4000"),
    ("đúng\x1b[2J", "An", "control character U\\+001B"),
    ("ghi chú\x00", "An", "control character U\\+0000"),
    ("ghi \u202e chú", "An", "control character U\\+202E"),
    ("ghi chú", "An\nstatus: confirmed", "--by: .*one line"),
    ("ghi chú", "A" * 201, "--by: .*at most 200"),
])
def test_a_decision_holds_a_bounded_note_and_a_one_line_name(small, capsys, note, by, what):
    with pytest.raises(ReviewError, match=what):
        decide("xa-a", IDS[0], "dismissed", note, by=by, paths=small)
    assert not small.ward_reviews("xa-a").exists()
    assert main(["review", "xa-a", IDS[0], "--status", "dismissed", "--note", note, "--by", by]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err
    # at the limit, with its line breaks and tabs folded into spaces, a note is taken
    decide("xa-a", IDS[0], "dismissed", "y" * 3998 + "\n\tz", by="An", paths=small)
    assert len(load_decisions("xa-a", small)[0].note) == 4000


def _write_with_file_size_limit(paths: Paths, limit: int) -> subprocess.CompletedProcess:
    """`wardaudit review` in a child whose files may not grow past ``limit`` bytes (RLIMIT_FSIZE):
    the kernel writes what fits (a short write) and refuses the rest with EFBIG."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    cmd = [sys.executable, "-m", "wardaudit.cli", "review", "xa-a", IDS[1], "--status", "confirmed", "--note",
           "đã đối chiếu chứng từ gốc " * 40, "--by", "Dung"]
    return subprocess.run(cmd, capture_output=True, text=True, preexec_fn=cap, timeout=120,
                          env={**os.environ, "WARDAUDIT_ROOT": str(paths.root)})


def test_a_short_write_leaves_the_file_as_it_was_and_fails_in_one_line(small):
    before = _three(small)
    got = _write_with_file_size_limit(small, len(before) + 100)  # 100 bytes of a ~1 KB entry fit
    assert got.returncode == 2
    assert got.stderr.count("\n") == 1 and got.stderr.startswith(f"{SHOWN}: ")
    assert "File too large" in got.stderr and "not written" in got.stderr
    assert small.ward_reviews("xa-a").read_bytes() == before
    assert _write_with_file_size_limit(small, len(before) + 4096).returncode == 0
    assert [d.id for d in load_decisions("xa-a", small)] == IDS + [IDS[1]]


def test_a_batch_names_the_damaged_entry_and_runs_the_ward(tmp_path):
    from conftest import copy_project
    from wardaudit.batch.local import _prepare

    paths = copy_project(tmp_path, ("vinh-thong",))
    paths.reviews.mkdir(parents=True)
    paths.ward_reviews("vinh-thong").write_bytes(b'- id: "FOOT001-0123456789"\n  status: dismissed\n  note: "x"\n'
                                                 b'  by: null\n  at: "2026-01-01T00:00:00Z"\n- id: "RATE001-00')
    run, _ = _prepare("vinh-thong", paths, force=False)
    assert run.status == "pending" and run.reason is None
    assert run.warning.startswith("data/reviews/vinh-thong.yaml:6: ") and run.to_json()["warning"] == run.warning

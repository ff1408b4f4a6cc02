"""The decisions file, ``data/reviews/<ward>.yaml``, as bytes on disk.

Read strictly: anything malformed is one :class:`~wardaudit.errors.ReviewError` naming the file and
the line, with one exception. A last entry cut short, as a crash or a power cut in the middle of a
write leaves it (a prefix of what :func:`entry_text` writes), is set aside: the complete entries
before it are kept and :attr:`DecisionsLog.damaged` names its line.

Written all or nothing (:func:`append`): under an exclusive lock, every byte of the entry is written
(``os.write`` may write fewer than asked: the rest is written or the call fails), then fsync; on any
failure the file is cut back to its size before the append and the error is one line. An append to
a file whose last entry was cut short first keeps that fragment as comment lines (one atomic
rewrite), so the next entry does not land inside it and nothing is lost.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wardaudit.errors import ReviewError
from wardaudit.project.iorw import write_bytes

STATUSES = ("open", "confirmed", "dismissed", "query")
KEYS = ("id", "status", "note", "by", "at")
MAX_NOTE = 4000
MAX_BY = 200
HEADER = ("# Quyết định của kiểm toán viên về các phát hiện (chỉ ghi thêm, không sửa, không xóa).\n"
          "# Auditors' decisions on findings: append-only, written by `wardaudit review`.\n")
# one line of an entry as entry_text writes it: "- id: ..." first, "  key: ..." after
_LINE = re.compile(r"^(- |  )([a-z]+): (.*)$")


@dataclass(frozen=True)
class Decision:
    """One entry of a ward's decisions file."""

    id: str
    status: str
    note: str
    by: str | None
    at: str

    def review(self) -> dict[str, Any]:
        """The ``review`` object a failing check carries in findings.json."""
        return {"status": self.status, "note": self.note, "by": self.by, "at": self.at}


@dataclass(frozen=True)
class DecisionsLog:
    """What a decisions file holds: its complete entries, and the line of one cut short, if any."""

    decisions: tuple[Decision, ...]
    complete: int  # bytes at the start of the file that hold complete entries only
    damaged: int | None = None

    def warning(self, shown: str) -> str | None:
        """One line naming the entry cut short, or None."""
        if self.damaged is None:
            return None
        return (f"{shown}:{self.damaged}: mục cuối bị cắt ngang (ghi dở), đã bỏ qua; "
                f"{len(self.decisions)} quyết định đầy đủ được giữ / the last entry is cut short (an interrupted "
                "write) and ignored; the complete entries are kept")


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        v = v.astimezone(_dt.UTC) if v.tzinfo else v
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    return v if isinstance(v, str) else None


def _decision(item: Any, shown: str, line: int) -> Decision:
    where = f"{shown}:{line}"
    if not isinstance(item, dict):
        raise ReviewError(f"{where}: mỗi mục phải là một bảng id/status/note/by/at / "
                          "each entry must be a mapping of id, status, note, by, at", path=shown)
    unknown = sorted(set(map(str, item)) - set(KEYS))
    if unknown:
        raise ReviewError(f"{where}: khóa lạ / unknown key '{unknown[0]}'", path=shown)
    did, status, at = _text(item.get("id")), item.get("status"), _text(item.get("at"))
    note, by = item.get("note", ""), item.get("by")
    if not did:
        raise ReviewError(f"{where}: thiếu id / missing id", path=shown)
    if status not in STATUSES:
        raise ReviewError(f"{where}: trạng thái '{status}' không hợp lệ / invalid status (one of "
                          f"{', '.join(STATUSES)})", path=shown)
    if not isinstance(note, str) or (by is not None and not isinstance(by, str)) or not at:
        raise ReviewError(f"{where}: note, by phải là chuỗi và cần at / note and by must be text, at is "
                          "required", path=shown)
    return Decision(id=did, status=status, note=note, by=by, at=at)


def _no_duplicate_keys(node: yaml.Node, shown: str) -> None:
    """YAML keeps the last of two equal keys without a word: two ``status:`` in one entry is refused."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[str] = set()
    for key, _ in node.value:
        if key.value in seen:
            raise ReviewError(f"{shown}:{key.start_mark.line + 1}: khóa '{key.value}' lặp lại trong một mục / "
                              f"duplicate key '{key.value}' in one entry", path=shown)
        seen.add(key.value)


def parse_decisions(text: str, shown: str) -> list[Decision]:
    """The decisions in ``text`` (the content of the file ``shown``), oldest first; strict."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if mark is not None and e.context_mark is not None and mark.line >= len(text.splitlines()):
            mark = e.context_mark  # "end of file": the line where the unclosed construct began
        line = mark.line + 1 if mark else "?"
        problem = " ".join(str(e.problem or e).split())[:120]
        raise ReviewError(f"{shown}:{line}: YAML không hợp lệ / invalid YAML: {problem}", path=shown) from None
    except yaml.YAMLError as e:
        raise ReviewError(f"{shown}: YAML không hợp lệ / invalid YAML: {' '.join(str(e).split())[:120]}",
                          path=shown) from None
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        line = node.start_mark.line + 1 if node is not None else 1
        raise ReviewError(f"{shown}:{line}: cần một danh sách quyết định / expected a list of decisions",
                          path=shown)
    out = []
    for item, n in zip(data, node.value, strict=False):
        _no_duplicate_keys(n, shown)
        out.append(_decision(item, shown, n.start_mark.line + 1))
    return out


# --- a crash's cut-short last entry -----------------------------------------------------------------

def _decode(data: bytes, shown: str) -> tuple[str, bool]:
    """The text, and whether the bytes end inside a UTF-8 sequence (a write cut short)."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.end == len(data):
            with contextlib.suppress(UnicodeDecodeError):
                return data[: e.start].decode("utf-8"), True
        line = data[: e.start].count(b"\n") + 1
        raise ReviewError(f"{shown}:{line}: không phải văn bản UTF-8 / not UTF-8 text", path=shown) from None


def _value_fits(key: str, raw: str) -> bool:
    """Whether one complete ``key: value`` line is one entry_text could have written."""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return False
    if key == "status":
        return value in STATUSES
    if key == "by":
        return value is None or isinstance(value, str)
    return isinstance(value, str) and (key == "note" or bool(value))


def _cut_short(tail: str, cut_inside_char: bool) -> bool:
    """Whether ``tail`` (the text from the last entry's first line) is a strict prefix of an entry
    as :func:`entry_text` writes it: its complete lines the keys in order with fitting values, and
    either a last line without its newline or keys missing."""
    *lines, partial = tail.split("\n")
    for i, line in enumerate(lines):
        m = _LINE.match(line)
        if (not m or i >= len(KEYS) or m.group(2) != KEYS[i] or (m.group(1) == "- ") != (i == 0)
                or not _value_fits(m.group(2), m.group(3))):
            return False
    if not lines and not partial.startswith("-"):
        return False
    return bool(partial) or cut_inside_char or len(lines) < len(KEYS)


def _last_entry(text: str) -> int | None:
    """Where the last entry begins (its "-" at the start of a line), or None."""
    at = text.rfind("\n-")
    return at + 1 if at >= 0 else (0 if text.startswith("-") else None)


def read_log(data: bytes, shown: str) -> DecisionsLog:
    """The decisions in ``data`` (the bytes of the file ``shown``); a last entry cut short is set
    aside and named, anything else malformed raises ReviewError with its line."""
    text, cut = _decode(data, shown)
    start = _last_entry(text)
    if not cut:
        try:
            return DecisionsLog(tuple(parse_decisions(text, shown)), complete=len(data))
        except ReviewError:
            if start is None or not _cut_short(text[start:], False):
                raise
    elif start is None:
        start = text.rfind("\n") + 1  # a comment line (the header) cut inside a character
    elif not _cut_short(text[start:], True):
        line = text.count("\n") + 1
        raise ReviewError(f"{shown}:{line}: không phải văn bản UTF-8 / not UTF-8 text", path=shown)
    head = text[:start]
    return DecisionsLog(tuple(parse_decisions(head, shown)), complete=len(head.encode("utf-8")),
                        damaged=head.count("\n") + 1)


# --- appending ----------------------------------------------------------------------------------------

def entry_text(d: Decision) -> str:
    """One entry as the product writes it: five lines, keys in order, each value on its line."""
    q = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - a JSON string is a YAML scalar
    return (f"- id: {q(d.id)}\n  status: {d.status}\n  note: {q(d.note)}\n  by: {q(d.by) if d.by else 'null'}\n"
            f"  at: {q(d.at)}\n")


def _not_written(shown: str, e: OSError) -> ReviewError:
    why = e.strerror or os.strerror(e.errno or errno.EIO)
    return ReviewError(f"{shown}: không ghi được quyết định ({why}), tệp giữ nguyên như trước / the decision was "
                       f"not written ({why}); the file is as it was", path=shown)


def _write_all(fd: int, blob: bytes, size: int, shown: str) -> None:
    """Write every byte of ``blob`` at the end and fsync, or cut the file back to ``size`` and raise."""
    try:
        view = memoryview(blob)
        while view:
            n = os.write(fd, view)
            if n <= 0:  # no progress and no error: treat as a full disk rather than loop
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[n:]
        os.fsync(fd)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
            os.fsync(fd)
        raise _not_written(shown, e) from None


def _locked(path: Path, shown: str) -> int:
    """An fd on ``path``, exclusively locked, that is still the file at ``path`` (a repair may have
    replaced it while this process waited for the lock). A symbolic link there is refused: the
    decisions would be appended wherever it points."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise ReviewError(f"{shown}: là một liên kết tượng trưng, không ghi vào / is a symbolic link, "
                                  "refused", path=shown) from None
            raise _not_written(shown, e) from None
        fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        os.close(fd)


def _read_fd(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks, at = [], 0
    while at < size:
        chunk = os.pread(fd, size - at, at)
        if not chunk:
            break
        chunks.append(chunk)
        at += len(chunk)
    return b"".join(chunks)


def _kept_as_comments(fragment: bytes, line: int) -> bytes:
    text = fragment.decode("utf-8", "backslashreplace")
    kept = "".join(f"#   {part}\n" for part in text.split("\n") if part)
    return (f"# Mục bị cắt ngang khi ghi (dòng {line}), giữ lại để đối chiếu / an entry cut short by an "
            f"interrupted write (line {line}), kept for the record:\n{kept}").encode()


def append(path: Path, entry: str, shown: str) -> DecisionsLog:
    """Append ``entry`` to the decisions file at ``path``, all or nothing. Returns the log as it was
    before the append (refusing, like a reader, a file malformed other than at its end)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _locked(path, shown)
    try:
        data = _read_fd(fd)
        log = read_log(data, shown)
        if log.damaged is not None:
            repaired = data[: log.complete] + _kept_as_comments(data[log.complete:], log.damaged)
            try:
                write_bytes(path, repaired + entry.encode("utf-8"))  # atomic: old file or new one
            except OSError as e:
                raise _not_written(shown, e) from None
            return log
        prefix = HEADER if not data else ("" if data.endswith(b"\n") else "\n")
        _write_all(fd, (prefix + entry).encode("utf-8"), len(data), shown)
        if not data:
            _sync_folder(path.parent)
        return log
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """fsync a folder so that a file just created in it survives a power cut."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

"""The auditor's decisions on findings: an append-only history per ward, and what it says now.

``data/reviews/<slug>.yaml`` is a YAML list of ``{id, status, note, by, at}``; :func:`decide`
appends one entry and nothing in the product rewrites or deletes the file. The latest entry for
an id is the finding's review state (``open`` when none). A decision whose finding no longer
appears in the ward's findings is kept and shown as "không còn phát hiện / no longer found".

A malformed file raises :class:`~wardaudit.errors.ReviewError` naming the file and the line.
"""
from __future__ import annotations

import datetime as _dt
import fcntl
import getpass
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wardaudit.errors import ReviewError
from wardaudit.project.config import Paths, relative
from wardaudit.store import WardStore

STATUSES = ("open", "confirmed", "dismissed", "query")
NO_LONGER_FOUND = "không còn phát hiện / no longer found"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
_HEADER = ("# Quyết định của kiểm toán viên về các phát hiện (chỉ ghi thêm, không sửa, không xóa).\n"
           "# Auditors' decisions on findings: append-only, written by `wardaudit review`.\n")


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


def _slug(ward: str) -> str:
    slug = Path(ward).stem if ward.endswith((".yaml", ".yml")) else ward
    if not _SLUG.match(slug):
        raise ReviewError(f"{ward}: tên phường/xã không hợp lệ / not a ward slug (lowercase letters, digits, '-')",
                          ward=ward)
    return slug


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
    unknown = sorted(set(map(str, item)) - {"id", "status", "note", "by", "at"})
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


def parse_decisions(text: str, shown: str) -> list[Decision]:
    """The decisions in ``text`` (the content of the file ``shown``), oldest first."""
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
    return [_decision(item, shown, n.start_mark.line + 1) for item, n in zip(data, node.value, strict=False)]


def load_decisions(slug: str, paths: Paths | None = None) -> list[Decision]:
    """Every decision recorded for the ward, oldest first; [] when it has no decisions file."""
    paths = paths or Paths()
    path = paths.ward_reviews(_slug(slug))
    shown = relative(path, paths)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except UnicodeDecodeError:
        raise ReviewError(f"{shown}: không phải văn bản UTF-8 / not UTF-8 text", path=shown) from None
    return parse_decisions(text, shown)


def latest(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The state now: the last decision for each id."""
    out: dict[str, Decision] = {}
    for d in decisions:
        out[d.id] = d
    return out


def decisions_digest(slug: str, paths: Paths) -> str:
    """A hash of the ward's decisions file, kept apart from the inputs' (no file hashes as empty)."""
    path = paths.ward_reviews(slug)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return hashlib.sha256(b"").hexdigest()


# --- the ward's failing checks -------------------------------------------------------------------

def findings_documents(slug: str, paths: Paths) -> list[dict[str, Any]]:
    """The findings documents of the ward's last good audit (from its store), oldest report first."""
    results = WardStore(paths, slug).load_audit()
    if results is None:
        raise ReviewError(f"{slug}: chưa kiểm tra phường/xã này, chạy `wardaudit run {slug}` trước / "
                          "not audited yet: run it first", ward=slug)
    return [r.findings() for r in results]


def failing_checks(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Failing checks of the documents, each with its document's ``source``; one per id."""
    out, seen = [], set()
    for doc in docs:
        for c in doc.get("checks") or []:
            if c.get("status") == "fail" and c.get("id") and c["id"] not in seen:
                seen.add(c["id"])
                out.append({**c, "source": doc.get("source")})
    return out


def gone(state: Mapping[str, Decision], current_ids: Iterable[str]) -> list[Decision]:
    """Decisions whose finding no longer appears, in id order."""
    ids = set(current_ids)
    return [state[k] for k in sorted(state) if k not in ids]


def review_list(ward: str, paths: Paths | None = None) -> dict[str, Any]:
    """What ``wardaudit review WARD --format json`` prints: every failing check with its state,
    then the decisions whose finding no longer appears (``"found": false``)."""
    paths = paths or Paths()
    slug = _slug(ward)
    state = latest(load_decisions(slug, paths))
    checks = failing_checks(findings_documents(slug, paths))
    rows = []
    for c in checks:
        d = state.get(c["id"])
        rows.append({"id": c["id"], "rule": c.get("rule"), "severity": c.get("severity"),
                     "message": c.get("message"), "status": d.status if d else "open",
                     "note": d.note if d else None, "by": d.by if d else None, "at": d.at if d else None,
                     "found": True})
    for d in gone(state, (c["id"] for c in checks)):
        rows.append({"id": d.id, "rule": d.id.split("-")[0], "severity": None, "message": NO_LONGER_FOUND,
                     "status": d.status, "note": d.note, "by": d.by, "at": d.at, "found": False})
    return {"ward": slug, "findings": rows}


# --- recording a decision ---------------------------------------------------------------------------

def _entry(d: Decision) -> str:
    q = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - a JSON string is a YAML scalar
    return (f"- id: {q(d.id)}\n  status: {d.status}\n  note: {q(d.note)}\n  by: {q(d.by) if d.by else 'null'}\n"
            f"  at: {q(d.at)}\n")


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size == 0:
            text = _HEADER + text
        else:
            with open(path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    text = "\n" + text
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def decide(ward: str, id: str, status: str, note: str, by: str | None = None, *,
           paths: Paths | None = None) -> Decision:
    """Record a decision on one of the ward's findings (appended to data/reviews/<ward>.yaml).

    Parameters
    ----------
    ward
        The ward's slug (its parameters file name without ``.yaml``).
    id
        The finding's id, as ``wardaudit review WARD`` or findings.json shows it.
    status
        ``confirmed``, ``dismissed``, ``query`` or ``open`` (undo an earlier decision).
    note
        Why; it is shown on the ward page and, for a query, in the letter to the ward.
    by
        Who decided; the login name when None.

    Returns
    -------
    Decision
        The entry written. The ward's page, letter and the index change at the next
        ``wardaudit run`` without re-auditing the report.
    """
    paths = paths or Paths()
    slug = _slug(ward)
    if status not in STATUSES:
        raise ReviewError(f"trạng thái '{status}' không hợp lệ / invalid status (one of {', '.join(STATUSES)})",
                          ward=slug)
    history = load_decisions(slug, paths)  # refuses to append to a malformed file
    known = {c["id"] for c in failing_checks(findings_documents(slug, paths))} | {d.id for d in history}
    if id not in known:
        raise ReviewError(f"{id}: không có phát hiện này ở {slug}, xem `wardaudit review {slug}` / "
                          "no such finding in this ward", ward=slug)
    if by is None:
        try:
            by = getpass.getuser()
        except (KeyError, OSError):
            by = None
    at = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    d = Decision(id=id, status=status, note=" ".join(str(note).split()), by=by or None, at=at)
    _append(paths.ward_reviews(slug), _entry(d))
    return d


def review_text(listing: Mapping[str, Any]) -> str:
    """The listing as text, one finding a line."""
    lines = [f"# {listing['ward']}"]
    for f in listing["findings"]:
        who = f" — {f['note']} ({f['by'] or '?'}, {f['at']})" if f.get("at") else ""
        lines.append(f"{f['id']:18} {f['status']:9} {f.get('severity') or '-':7} {f['message']}{who}")
    if not listing["findings"]:
        lines.append("không có phát hiện / no failing check")
    return "\n".join(lines) + "\n"

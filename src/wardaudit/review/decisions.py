"""The auditor's decisions on findings: an append-only history per ward, and what it says now.

``data/reviews/<slug>.yaml`` is a YAML list of ``{id, status, note, by, at}``; :func:`decide`
appends one entry and nothing in the product rewrites or deletes the file. The latest entry for
an id is the finding's review state (``open`` when none). A finding's id names its report's
period; a decision recorded before it did carries the finding's ``legacy_id`` and still attaches
(:func:`wardaudit.model.findings.review_of`) to every report's finding of that legacy id that has
no decision of its own, as it did when it was made. A decision whose finding no longer
appears in the ward's findings is kept and shown as "không còn phát hiện / no longer found".

A malformed file raises :class:`~wardaudit.errors.ReviewError` naming the file and the line; a last
entry cut short by an interrupted write is set aside and named instead (:mod:`wardaudit.review.log`,
which also appends all or nothing).
"""
from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from wardaudit.errors import ReviewError
from wardaudit.model.findings import review_of
from wardaudit.project.config import SLUG_PATTERN, Paths, relative
from wardaudit.review.log import (
    MAX_BY,
    MAX_NOTE,
    STATUSES,
    Decision,
    DecisionsLog,
    append,
    entry_text,
    parse_decisions,
    read_log,
)
from wardaudit.store import WardStore

NO_LONGER_FOUND = "không còn phát hiện / no longer found"
_SLUG = re.compile(SLUG_PATTERN)
__all__ = ["STATUSES", "Decision", "DecisionsLog", "decide", "latest", "load_decisions", "parse_decisions",
           "read_decisions", "review_list"]


def _slug(ward: str) -> str:
    slug = Path(ward).stem if ward.endswith((".yaml", ".yml")) else ward
    if not _SLUG.match(slug):
        raise ReviewError(f"{ward}: tên phường/xã không hợp lệ / not a ward slug (lowercase letters, digits, '-')",
                          ward=ward)
    return slug


def read_decisions(slug: str, paths: Paths | None = None) -> DecisionsLog:
    """The ward's decisions file: its complete entries, oldest first, and the line of a last entry
    cut short by an interrupted write (set aside, see :attr:`DecisionsLog.warning`)."""
    paths = paths or Paths()
    path = paths.ward_reviews(_slug(slug))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return DecisionsLog((), complete=0)
    return read_log(data, relative(path, paths))


def load_decisions(slug: str, paths: Paths | None = None) -> list[Decision]:
    """Every complete decision recorded for the ward, oldest first; [] when it has no decisions file."""
    return list(read_decisions(slug, paths).decisions)


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


def current_ids(checks: Iterable[Mapping[str, Any]]) -> set[str]:
    """The ids a decision may name to attach to ``checks``: theirs, and the legacy ids (before ids
    named the report) that decisions recorded earlier carry."""
    return {i for c in checks for i in (c.get("id"), c.get("legacy_id")) if i}


def gone(state: Mapping[str, Decision], current_ids: Iterable[str]) -> list[Decision]:
    """Decisions whose finding no longer appears, in id order."""
    ids = set(current_ids)
    return [state[k] for k in sorted(state) if k not in ids]


def review_list(ward: str, paths: Paths | None = None) -> dict[str, Any]:
    """What ``wardaudit review WARD --format json`` prints: every failing check with its state,
    then the decisions whose finding no longer appears (``"found": false``)."""
    paths = paths or Paths()
    slug = _slug(ward)
    log = read_decisions(slug, paths)
    state = latest(log.decisions)
    checks = failing_checks(findings_documents(slug, paths))
    rows = []
    for c in checks:
        d = review_of(state, c)
        rows.append({"id": c["id"], "rule": c.get("rule"), "severity": c.get("severity"),
                     "message": c.get("message"), "status": d.status if d else "open",
                     "note": d.note if d else None, "by": d.by if d else None, "at": d.at if d else None,
                     "found": True})
    for d in gone(state, current_ids(checks)):
        rows.append({"id": d.id, "rule": d.id.split("-")[0], "severity": None, "message": NO_LONGER_FOUND,
                     "status": d.status, "note": d.note, "by": d.by, "at": d.at, "found": False})
    out: dict[str, Any] = {"ward": slug, "findings": rows}
    damaged = log.warning(relative(paths.ward_reviews(slug), paths))
    if damaged:
        out["damaged"] = damaged
    return out


# --- recording a decision ---------------------------------------------------------------------------

# characters that break a line or reorder what a terminal shows (bidi embeddings, overrides, isolates)
_INVISIBLE = {0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _refused_character(text: str, allowed: str = "") -> str | None:
    """The first control character of ``text`` (other than ``allowed``), as U+XXXX, or None."""
    for ch in text:
        code = ord(ch)
        if ch not in allowed and (code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000
                                  or code in _INVISIBLE):
            return f"U+{code:04X}"
    return None


def _checked_note(note: str, slug: str) -> str:
    bad = _refused_character(str(note), "\t\n\r")
    if bad:
        raise ReviewError(f"--note: có ký tự điều khiển {bad} / a control character {bad} is not allowed", ward=slug)
    note = unicodedata.normalize("NFC", " ".join(str(note).split()))
    if len(note) > MAX_NOTE:
        raise ReviewError(f"--note: dài {len(note)} ký tự, tối đa {MAX_NOTE} / {len(note)} characters, at most "
                          f"{MAX_NOTE}", ward=slug)
    return note


def _checked_by(by: str | None, slug: str) -> str | None:
    if by is None:
        try:
            by = getpass.getuser()
        except (KeyError, OSError):
            return None
    bad = _refused_character(by)
    if bad:
        raise ReviewError(f"--by: phải là một dòng, không có ký tự điều khiển ({bad}) / must be one line without "
                          f"control characters ({bad})", ward=slug)
    by = unicodedata.normalize("NFC", by.strip())
    if len(by) > MAX_BY:
        raise ReviewError(f"--by: dài {len(by)} ký tự, tối đa {MAX_BY} / {len(by)} characters, at most {MAX_BY}",
                          ward=slug)
    return by or None


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
        Why; it is shown on the ward page and, for a query, in the letter to the ward. At most
        4,000 characters once runs of whitespace are one space; control characters are refused.
    by
        Who decided, one line of at most 200 characters; the login name when None.

    Returns
    -------
    Decision
        The entry written, all or nothing: on a full disk or any write error the file is left as it
        was and ReviewError says why in one line. The ward's page, letter and the index change at the next
        ``wardaudit run`` without re-auditing the report.
    """
    paths = paths or Paths()
    slug = _slug(ward)
    if status not in STATUSES:
        raise ReviewError(f"trạng thái '{status}' không hợp lệ / invalid status (one of {', '.join(STATUSES)})",
                          ward=slug)
    note, by = _checked_note(note, slug), _checked_by(by, slug)
    history = load_decisions(slug, paths)  # refuses to append to a malformed file
    known = current_ids(failing_checks(findings_documents(slug, paths))) | {d.id for d in history}
    if id not in known:
        raise ReviewError(f"{id}: không có phát hiện này ở {slug}, xem `wardaudit review {slug}` / "
                          "no such finding in this ward", ward=slug)
    at = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    d = Decision(id=id, status=status, note=note, by=by, at=at)
    path = paths.ward_reviews(slug)
    append(path, entry_text(d), relative(path, paths))
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

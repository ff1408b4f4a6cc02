"""Partitions a sentence states by status rather than by a cue word: what was done and what is still open
of a count ('phát hiện 48 trường hợp …; đã điều chỉnh xong 41 trường hợp, 07 trường hợp đang chờ'), and
what remains of a done/total figure ('12/14 thôn có cáp quang; còn 02 thôn chưa có'). Only the sentence's
words relate them, so both are inferred (a failure is a review, "cần rà soát")."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from wardaudit.catalogue import load_catalogue
from wardaudit.extract.proximity import index_of, words_after, words_before
from wardaudit.model.facts import Places, is_target
from wardaudit.model.relations import Relation, Strength

_DONE = re.compile(r"\b(?:xong|đã xử lý|đã giải quyết|đã trả lời|đã điều chỉnh|đã hoàn thành|đã khắc phục|đã cấp)\b"
                   r"[^,;]*$", re.IGNORECASE)
_OPEN_BEFORE = re.compile(r"\b(?:đang|còn|chưa)\b[^,;]*$", re.IGNORECASE)
_OPEN_AFTER = re.compile(r"^\S+(?:\s+\S+)?\s+(?:đang|chưa|còn)\b", re.IGNORECASE)
_REMAINING = re.compile(r"\bcòn(?:\s+lại)?\s*$", re.IGNORECASE)


def _clause(f) -> str:
    return re.split(r"[,;(]", words_before(f, 80))[-1]


def _is_open(f) -> bool:
    return bool(_OPEN_BEFORE.search(_clause(f)) or _OPEN_AFTER.match(words_after(f, 40)))


def status_splits(facts: list[Any], places: Places) -> list[Relation]:
    """A count, then in the same sentence one count of its noun done and one still open: the two make the
    count. Not when the figures belong to a breakdown already, the noun differs, or the catalogue relates
    them already (received = resolved + pending is FOOT002's; a metric with parts, the catalogue's)."""
    cat = load_catalogue()
    idx = index_of(facts)
    out = []
    for total in facts:
        known = cat.get(total.metric)
        if total.origin != "text" or total.kind != "count" or is_target(total) or total.role == "part" \
                or not total.unit or (known is not None and (known.parts or known.key == "dossiers.received")):
            continue
        later = [f for f in idx.sentence(total) if f.kind == "count" and f.unit == total.unit and f.role is None
                 and not f.group and (places.of(f).end or 0) > (places.of(total).end or 0) and not is_target(f)]
        done = [f for f in later if _DONE.search(_clause(f))]
        still = [f for f in later if _is_open(f) and f not in done]
        if len(done) == 1 and len(still) == 1 and done[0].value <= total.value:
            out.append(Relation("partition", (total, done[0], still[0]), "đã … / còn, đang …", Strength.INFERRED,
                                total.scope))
    return out


def remainders(facts: list[Any], places: Places) -> list[Relation]:
    """'12/14 thôn có cáp quang; còn 02 thôn … chưa có': the '/b' of a done/total figure is its done part
    and what the sentence says remains, counted in the same noun."""
    idx = index_of(facts)
    out = []
    for rest in facts:
        if rest.origin != "text" or rest.kind != "count" or is_target(rest) \
                or not _REMAINING.search(words_before(rest, 20)):
            continue
        before = [f for f in idx.sentence(rest) if f.kind == "ratio" and f.denominator and f.unit == rest.unit
                  and (places.of(f).end or 0) < (places.of(rest).end or 0)]
        if before:
            done = before[-1]
            whole = replace(done, id=f"{done.id}b", value=done.denominator, decimals=0, denominator=None)
            out.append(Relation("partition", (whole, done, rest), "còn … chưa", Strength.INFERRED, rest.scope))
    return out

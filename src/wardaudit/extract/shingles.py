"""How alike two reports' texts are, from a small sketch of each: word shingles and a bottom-k sketch.

A report's text is cut into *shingles*, every run of :data:`SHINGLE_WORDS` consecutive words
(figures are words: '1.234', '45,60'). Dates are masked first ('07/5/2026', 'ngày 12 tháng 5
năm 2026', 'tuần 19' become one placeholder), so a report re-sent with only its dates changed
has the same shingles as the original; figures are kept, so a report that repeats last period's
sentences with this period's figures does not. Each shingle is hashed to 48 bits and the
:data:`SKETCH_SIZE` smallest hashes are kept (a bottom-k sketch, with the number of distinct
shingles): a few kilobytes per report in the ward's summary, whatever the report's length, and
enough to estimate the Jaccard similarity of two texts, |A ∩ B| / |A ∪ B|, within about ±0.03
(:func:`similarity`).

A shared provincial template (the same headings, the same required sentences, the same table
headers) makes every unit's shingles partly alike. If a share t of each of two reports is the
same template text and the rest is each unit's own, their similarity is about t / (2 − t), a
little more where the units' own sentences share phrases: 0.11 for a fifth of template, 0.43 for
three fifths, and it reaches :data:`COPY_JACCARD` (0.7) only when more than about four fifths of
both reports are the template, that is when a unit wrote almost nothing of its own. The four seed
reports, of two provinces and three kinds, are 0.04 to 0.06 alike; reports built from one
template with a fifth of template lines (tests/unit/test_copies.py) 0.18 to 0.24; a copy with its
unit's name replaced above 0.9, and a report re-sent with only its dates changed 1.0. The copy
check (PORT003) flags from 0.7.
"""
from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

SHINGLE_WORDS = 5
SKETCH_SIZE = 256
HASH_BITS = 48
#: the similarity from which two reports are "mostly the same text"
COPY_JACCARD = 0.7
#: reports with fewer distinct shingles than this are too short to compare
MIN_SHINGLES = 60

_DATE = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}\b"  # 07/5/2026
    r"|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"  # ngày 12 tháng 5 năm 2026
    r"|\b(?:tháng|tuần|quý)\s+(?:\d{1,2}|[ivx]+)(?:\s*(?:/|năm)\s*\d{4})?"  # tháng 5/2026, tuần 19, quý II năm 2026
    r"|\b\d{1,2}\s*/\s*\d{4}\b",  # 5/2026
    re.IGNORECASE)
_WORD = re.compile(r"\w+(?:[.,]\w+)*")


@dataclass(frozen=True)
class Sketch:
    """The :data:`SKETCH_SIZE` smallest shingle hashes of a text (ascending) and how many distinct
    shingles it has."""

    hashes: tuple[int, ...]
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.size, "h": list(self.hashes)}

    @classmethod
    def from_dict(cls, d: Any) -> Sketch | None:
        """A sketch stored with :meth:`to_dict`; None for anything else."""
        if not isinstance(d, dict) or not isinstance(d.get("h"), list):
            return None
        try:
            return cls(tuple(sorted(int(h) for h in d["h"])), int(d.get("n") or 0))
        except (TypeError, ValueError):
            return None


def words(text: str) -> list[str]:
    """The text's words, lowercase, with every date replaced by one placeholder word."""
    text = unicodedata.normalize("NFC", text).lower()
    return _WORD.findall(_DATE.sub(" ngàyx ", text))


# a blake2b state before any byte: a copy of it hashes a shingle for less than a new hash object with its options
_BLAKE = hashlib.blake2b(digest_size=HASH_BITS // 8)


def _hash(shingle: str) -> int:
    h = _BLAKE.copy()
    h.update(shingle.encode("utf-8"))
    return int.from_bytes(h.digest(), "big")


def sketch(text: str, k: int = SKETCH_SIZE) -> Sketch:
    """The bottom-``k`` sketch of the text's word shingles (a shingle that recurs is hashed once)."""
    w = words(text)
    shingles = {" ".join(w[i:i + SHINGLE_WORDS]) for i in range(max(0, len(w) - SHINGLE_WORDS + 1))}
    distinct = {_hash(s) for s in shingles}
    return Sketch(tuple(heapq.nsmallest(k, distinct)), len(distinct))


def similarity(a: Sketch, b: Sketch) -> float:
    """The estimated Jaccard similarity of the two texts' shingle sets: of the ``k`` smallest hashes
    of their union, the share found in both sketches."""
    if not a.hashes or not b.hashes:
        return 0.0
    k = min(len(a.hashes), len(b.hashes))
    union = heapq.nsmallest(k, set(a.hashes) | set(b.hashes))
    sa, sb = set(a.hashes), set(b.hashes)
    return sum(1 for h in union if h in sa and h in sb) / len(union)

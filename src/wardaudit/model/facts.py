"""A fact: one figure of a report with its place, and how a figure's bound or approximation reads.

A :class:`Fact` carries the metric, value (normalised unit), unit as written, period, qualifier,
scope, section, quote and location of one figure; totals with their parts and rates with their
numerators share a group id. Built by :mod:`wardaudit.extract.facts`; the rules read it. What only the
extraction and the relation builders read of a figure's text (where it ends in its block, the words
right before it) is its :class:`Place`, kept beside the facts by id (:class:`Places`), never on the fact.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class Fact:
    """One figure of a report, located, with what it counts and how the text relates it to others."""

    id: str
    metric: str | None
    value: float
    unit: str | None
    kind: str
    period: str | None
    qualifier: str | None
    role: str | None
    group: str | None
    scope: str | None
    section: str
    quote: str
    file: str
    page: int | None
    line: int | None
    raw: str
    decimals: int = 0
    denominator: float | None = None
    origin: str = "text"  # text | table
    label: str | None = None
    status: str | None = None
    block: int | None = None  # index of the block it came from: 'near' means near in the document
    sentence: int | None = None  # index of its sentence within the block: (block, sentence) is one sentence
    cue: str | None = None  # for a total: the words or layout that hand it its parts (trong đó, gồm, …)
    phrase: str | None = None  # the catalogue phrase that named its metric
    period_source: str | None = None  # sentence | section | report: where its period was stated
    base: str | None = None  # for a rate: the id of its numerator; for a share: of its part
    over: str | None = None  # for a rate: the id of its base when the text states it with the rate
    listed: int | None = None  # for a count ending in 'gồm:': the items listed after it, one per bullet
    ocr: float | None = None  # read by OCR: the page's mean word confidence (0–100)
    at: int | None = None  # where the figure starts in its quote (not in facts.csv; the rules read it)
    outer: str | None = None  # for a total that is itself a part ('+ Quá hạn: 23 hồ sơ, trong đó …'): the outer group
    item: int | None = None  # its outline item: a block, with the bullets its lead-in hands parts to (as 'at')
    sheet: str | None = None  # read from a workbook: the sheet ...
    cell: str | None = None  # ... and the cell ('C12')

    def to_public(self) -> dict[str, Any]:
        d = {"metric": self.metric, "value": _num(self.value), "unit": self.unit, "kind": self.kind,
             "period": self.period, "qualifier": self.qualifier, "role": self.role, "group": self.group,
             "scope": self.scope, "section": self.section, "quote": self.quote, "page": self.page,
             "line": self.line, "file": self.file, "raw": self.raw, "origin": self.origin}
        if self.denominator is not None:
            d["denominator"] = _num(self.denominator)
        if self.label:
            d["label"] = self.label
        if self.status:
            d["status"] = self.status
        if self.cue:
            d["cue"] = self.cue
        if self.ocr is not None:
            d["ocr"] = round(self.ocr, 1)
        if self.sheet is not None:
            d["sheet"], d["cell"] = self.sheet, self.cell
        return d

    @property
    def period_end(self) -> str | None:
        if not self.period:
            return None
        return self.period.lstrip("@").split("/")[-1] or None


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 6)


@dataclass(frozen=True)
class Place:
    """Where a figure stands in its text, as the extraction read it (not published, not a rule's input):
    where it ends in its block's text, and the words right before it in its sentence (lower case)."""

    end: int | None = None
    lead: str = ""


NOWHERE = Place()


class Places(dict):
    """Each fact's :class:`Place` by fact id; a fact read from no sentence (a table cell) has none."""

    def of(self, f) -> Place:
        return self.get(f.id, NOWHERE)


# the published columns of facts.csv; the working fields (at, item, block, sentence, …) are left out
COLUMNS = ["id", "metric", "value", "unit", "kind", "period", "qualifier", "role", "group", "scope", "section",
           "quote", "file", "page", "line", "raw", "decimals", "denominator", "origin", "label", "status", "cue", "ocr",
           "sheet", "cell"]


def facts_frame(facts: Iterable[Fact]):
    """The facts as a DataFrame, one row per fact, in the published columns (facts.csv); the working
    fields (at, item, block, sentence, …) are left out."""
    import pandas as pd

    return pd.DataFrame([{k: getattr(f, k) for k in COLUMNS} for f in facts], columns=COLUMNS)


def period_string(p: dict | None) -> str | None:
    """A period {start, end} as a fact states it: 'start/end' (either may be empty), None when unknown."""
    if not p:
        return None
    return f"{p.get('start') or ''}/{p.get('end') or ''}"


def is_target(f) -> bool:
    """A target or plan figure ('chỉ tiêu … 80%'), not a result."""
    return (f.qualifier or "").startswith("target") or f.role == "target"


# qualifiers of a figure that is a bound ('trên 99%', 'tối thiểu') or an approximation ('khoảng')
LOOSE = ("lower_bound", "upper_bound", "approx", "at_least", "at_most")


def agree(a, b) -> bool:
    """Two statements of one quantity agree: equal when written to the same precision; a coarser
    headline ('97%') agrees with a finer one ('97,4%') within one unit of its last place; a bound
    ('trên 99%') agrees with what satisfies it; an approximation ('khoảng 2.500') with what is
    within one percentage point (a rate) or 2% (a count) of it."""
    for x, y in ((a, b), (b, a)):
        if x.qualifier in LOOSE:
            return True if y.qualifier in LOOSE else meets(y.value, x)
    if a.decimals == b.decimals:
        return abs(a.value - b.value) < 1e-9
    coarse = min(a.decimals, b.decimals)
    return abs(a.value - b.value) < 10 ** (-coarse) - 1e-12


def meets(v: float, bound) -> bool:
    """Does ``v`` satisfy the figure ``bound`` states: a threshold for 'trên'/'dưới'/'tối thiểu', within a
    point (a rate) or 2% (a count) for 'khoảng'/'gần'."""
    q = bound.qualifier
    if q in ("lower_bound", "at_least"):
        return v >= bound.value - 1e-9
    if q in ("upper_bound", "at_most"):
        return v <= bound.value + 1e-9
    slack = 1.0 if bound.kind == "percent" else 0.02 * abs(bound.value)
    return abs(v - bound.value) <= slack + 1e-9

"""Where facts stand relative to each other (one sentence, one block, how many outline items apart)
and the words around a figure in its quote; shared by the relation builders.

:class:`FactIndex` looks facts up by sentence, block, section and metric. Builders ask it for the few
facts that can relate to one fact instead of scanning every fact of the report for each one, so the
relations of a report are built in time linear in its length (issue 26)."""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

from wardaudit.catalogue import _words, read_yaml

NEAR_SENTENCES = 12  # within one paragraph, 'near' is at most this many sentences away
WHOLE_SECTION = 400  # a section with more facts than this is looked at near the fact only


class FactIndex:
    """One report's facts by sentence, block, section and metric, in reading order; built once."""

    def __init__(self, facts: list[Any]):
        self.facts = facts
        self.by_id = {f.id: f for f in facts}
        self._order = {f.id: i for i, f in enumerate(facts)}
        self._sentence: dict[tuple, list[Any]] = defaultdict(list)
        self._block: dict[tuple, list[Any]] = defaultdict(list)
        self._section: dict[tuple, list[Any]] = defaultdict(list)
        self._metric: dict[str | None, list[Any]] = defaultdict(list)
        self._group: dict[str, list[Any]] = defaultdict(list)
        self._outer: dict[str, list[Any]] = defaultdict(list)
        self._item: dict[tuple, dict] = defaultdict(dict)  # (file, item) -> its blocks, in order
        for f in facts:
            self._item[(f.file, _item_of(f))].setdefault(f.block, []).append(f)
            if f.block is not None:
                self._sentence[(f.file, f.block, f.sentence)].append(f)
                self._block[(f.file, f.block)].append(f)
            self._section[(f.file, f.section)].append(f)
            self._metric[f.metric].append(f)
            if f.group:
                self._group[f.group].append(f)
            if getattr(f, "outer", None):
                self._outer[f.outer].append(f)

    def sentence(self, f) -> list[Any]:
        """The facts of ``f``'s sentence (``f`` included); [] for a fact with no block."""
        return self._sentence.get((f.file, f.block, f.sentence), []) if f.block is not None else []

    def block(self, f) -> list[Any]:
        return self._block.get((f.file, f.block), []) if f.block is not None else []

    def section(self, f) -> list[Any]:
        return self._section.get((f.file, f.section), [])

    def metric(self, key: str | None) -> list[Any]:
        return self._metric.get(key, [])

    def metrics(self, keys) -> list[Any]:
        """The facts of any of ``keys``, in reading order."""
        found = [f for k in dict.fromkeys(keys) for f in self._metric.get(k, [])]
        return sorted(found, key=lambda f: self._order[f.id]) if len(set(keys)) > 1 else found

    def group(self, gid: str | None) -> list[Any]:
        return self._group.get(gid, []) if gid else []

    def near_items(self, f, before: int = 3, after: int = 3, sentences: int = NEAR_SENTENCES) -> list[Any]:
        """The facts within ``before`` outline items before ``f`` and ``after`` after it (:func:`gap`), in
        reading order; of its own paragraph, those within ``sentences`` sentences of it (a report written as
        one long paragraph is still read in linear time)."""
        at = _item_of(f)
        if at is None:
            return self.section(f)
        out = [g for k in range(at - before, at + after + 1)
               for block, fs in self._item.get((f.file, k), {}).items() if block != f.block for g in fs]
        if f.block is not None:
            here = f.sentence or 0
            out += [g for k in range(here - sentences, here + sentences + 1)
                    for g in self._sentence.get((f.file, f.block, k), ())]
        return sorted(out, key=lambda g: self._order[g.id])

    def around(self, rate, *others, metrics=()) -> list[Any]:
        """Every fact a relation of ``rate`` with ``others`` may look at: their sentences and groups, the
        facts of ``metrics``, the items near ``rate``; in reading order. A look-up, never the whole report."""
        found = {g.id: g for f in (rate, *others) if f is not None
                 for g in (*self.sentence(f), *self.group(f.group),
                           *self._sentence.get((f.file, f.block, (f.sentence or 0) - 1), ()))}
        found.update((g.id, g) for g in self.near_items(rate))
        wanted = set(metrics)  # of these metrics, the whole section: a base may be stated sections earlier
        found.update((g.id, g) for g in self.section(rate) if g.metric in wanted) if len(self.section(rate)) < \
            WHOLE_SECTION else None
        return sorted(found.values(), key=lambda g: self._order[g.id])

    def nested_in(self, gid: str | None) -> list[Any]:
        """Totals that are parts of group ``gid`` (a part with its own breakdown)."""
        return self._outer.get(gid, []) if gid else []


def _item_of(f) -> int | None:
    return f.item if getattr(f, "item", None) is not None else f.block


_last_index: tuple[Any, int, FactIndex | None] = (None, -1, None)


def index_of(facts: list[Any]) -> FactIndex:
    """The index of ``facts``, built once for the list the relation builders of one report share (the
    last list indexed is kept; a tuple swapped whole, so threads never read another report's index)."""
    global _last_index
    held, n, index = _last_index
    if held is facts and n == len(facts) and index is not None:
        return index
    index = FactIndex(facts)
    _last_index = (facts, len(facts), index)
    return index


def same_sentence(a, b) -> bool:
    """Two facts of one sentence of one block."""
    return a.file == b.file and a.block is not None and a.block == b.block and a.sentence == b.sentence


def same_block(a, b) -> bool:
    """Two facts of one block (paragraph, bullet or table) of one file."""
    return a.file == b.file and a.block is not None and a.block == b.block


def own_scope(f) -> str | None:
    """A fact's scope, with a table's titled total ('all': the whole the table breaks down) as the report's own."""
    return None if f.scope == "all" else f.scope


def gap(a, b) -> int | None:
    """How many outline items ``b`` comes after ``a`` (negative: before), None across files. Bullets a
    lead-in hands its parts to are one item with it ('tiếp nhận 318 hồ sơ, trong đó:' and its
    '+ Trực tuyến: …' lines), so the next item of the outer list is near."""
    if a.file != b.file:
        return None
    if getattr(a, "item", None) is not None and getattr(b, "item", None) is not None:
        return b.item - a.item
    if a.block is None or b.block is None:
        return None
    return b.block - a.block


def near_after(total, f) -> bool:
    """``f`` is in the total's paragraph or one of the two outline items after it, in the same section."""
    g = gap(total, f)
    return f.section == total.section and g is not None and 0 <= g <= 2


def near(a, b) -> bool:
    """A rate that names its own metric ('Tỷ lệ hồ sơ trực tuyến đạt 95%') and its counts stated
    in the same paragraph or in the two blocks before it, in the same section."""
    if same_block(a, b):
        return True
    g = gap(a, b)
    return bool(b.phrase) and a.section == b.section and g is not None and 0 < g <= 2


TOTAL_ROW = re.compile(r"^(?:tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)


def figure_at(f) -> int:
    """Where a figure starts in its quote (its own occurrence, not an earlier equal one), -1 if unknown."""
    quote = f.quote or ""
    at = getattr(f, "at", None)
    if at is not None and quote[at:at + len(f.raw)] == f.raw:
        return at
    return quote.find(f.raw)


def words_before(f, n: int = 90) -> str:
    """The words of a figure's sentence right before it, lower case."""
    quote = (f.quote or "").lower()
    at = figure_at(f)
    return " ".join(quote[max(0, at - n):at].split()) if at >= 0 else ""


def words_after(f, n: int = 40) -> str:
    """The words right after a figure in its sentence, lower case."""
    quote = (f.quote or "").lower()
    at = figure_at(f)
    return " ".join(quote[at + len(f.raw):at + len(f.raw) + n].split()) if at >= 0 else ""


def clause_index(f) -> int:
    """Which ';'-separated clause of its sentence a figure is in."""
    return (f.quote or "")[:max(figure_at(f), 0)].count(";")


def is_compared(f) -> bool:
    """A count in a 'so với …' clause ('so với tháng 9/2026 (500 hồ sơ)') is the figure of another period."""
    return bool(re.search(r"\bso với\b[^,;]*$", words_before(f, 60)))


@lru_cache(maxsize=1)
def cue_data() -> dict[str, Any]:
    """cues.yaml as written, for the lists the catalogue's loader does not compile."""
    return read_yaml("cues.yaml")


@lru_cache(maxsize=1)
def extra_cues() -> dict[str, re.Pattern[str]]:
    """The cue lists of cues.yaml that only the relation builders read (plan_base, person_units,
    stock_raise, stock_added), compiled once. (scope_levels is read by
    :func:`~wardaudit.extract.partitions.level_partitions`.)"""
    return {k: _words(cue_data().get(k) or ["\x00"])
            for k in ("plan_base", "person_units", "stock_raise", "stock_added")}

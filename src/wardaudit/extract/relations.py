"""Relations between facts: what the reconciliation rules check.

A relation ties figures the report relates: a total and its parts (partition), a rate and its
numerator and denominator (ratio), a part and its share of the whole (share), the same quantity
stated twice (recurrence), received = resolved + pending (flow), a period and its sub-periods
(period split), money allocated and disbursed (budget). Each relation carries

- its **scope**: whom the figures are about (None: the reporting unit; 'toàn tỉnh', 'cấp xã',
  'thôn Đông', … when the text names another unit or level);
- its **cue**: the words or layout that make it a relation ('trong đó', '(gồm)', 'đạt tỷ lệ',
  'chiếm', a bullet list, a table under a titled total, or 'danh mục' when only the metric
  catalogue relates them);
- its **strength**: *explicit* when the text itself states the relation (a cue word, the same
  sentence); *inferred* when the catalogue relates figures across sentences; *ambiguous* when the
  relation cannot be pinned down (a rate whose base is not tied to it, figures of different
  scopes) — an ambiguous relation is not checked, only counted.

Severity follows strength (:meth:`~wardaudit.model.relations.Relation.severity`): an error only for
an explicit relation within one scope; an inferred relation gives at most a warning ("cần rà soát /
needs review").

"Near" counts outline items (:func:`~wardaudit.extract.proximity.gap`): the bullets a lead-in hands
its parts to are one item with it. Besides the cue-word relations, these layouts and wordings give
inferred relations: a whole and its levels ('toàn tỉnh' = cấp tỉnh + cấp huyện + cấp xã), a stock
raised by additions ('nâng tổng số … lên'), a sentence stating a next-door table column's sum, a
table row's rate over the total row, a rate of a compared period ('bằng 112% so với …'), a share
whose part is named in words, a sentence restating a table cell by its row and column, and the '/b'
of a done/total figure restating a declared count. Extra cue lists (plan_base, person_units,
stock_raise, stock_added, scope_levels) are in catalogue/cues.yaml.

The builders live by kind: :mod:`~wardaudit.extract.partitions` (and :mod:`~wardaudit.extract.level_splits`
for a whole split one sentence per level or unit), :mod:`~wardaudit.extract.ratios` (with
:mod:`~wardaudit.extract.rate_bases`: where a rate's base comes from),
:mod:`~wardaudit.extract.shares` and :mod:`~wardaudit.extract.recurrences`, with the shared
:mod:`~wardaudit.extract.proximity`; the :class:`~wardaudit.model.relations.Relation` type is in
:mod:`wardaudit.model.relations`. This module names them in one place.
"""
from __future__ import annotations

from collections.abc import Iterable

from wardaudit.extract.appendix_ties import appendix_ties, completion_rates
from wardaudit.extract.level_splits import level_splits, threshold_bands
from wardaudit.extract.partitions import (
    catalogue_partitions,
    column_totals,
    level_partitions,
    partitions,
    stock_flows,
)
from wardaudit.extract.ratios import checked_first, compared_ratios, named_shares, ratios, table_ratios
from wardaudit.extract.recurrences import back_references, done_of_declared, recurrences, row_restatements
from wardaudit.extract.shares import share_sets, shares, stated_shares
from wardaudit.extract.splits import remainders, status_splits
from wardaudit.extract.unnamed import guessed_back_references, unnamed_recurrences
from wardaudit.model.facts import Places
from wardaudit.model.relations import Relation

__all__ = ["appendix_ties", "back_references", "build_relations", "catalogue_partitions", "checked_first",
           "column_totals", "compared_ratios", "completion_rates", "done_of_declared", "guessed_back_references",
           "level_partitions", "level_splits", "named_shares", "partitions", "ratios", "recurrences", "relation_facts",
           "remainders", "row_restatements", "share_sets", "shares", "stated_shares", "status_splits", "stock_flows",
           "table_ratios", "threshold_bands", "unnamed_recurrences"]


def build_relations(facts: list, places: Places) -> dict[str, list[Relation]]:
    """Every relation of one report's facts, by kind (:data:`wardaudit.model.audit.RELATION_KINDS`);
    ``places`` says where each figure of the text stands (:func:`wardaudit.extract.facts.extract_facts`).

    Built once per report by the audit; the rules read them from their context and the store keeps them.
    """
    explicit = partitions(facts, places)
    # appendix rows tied to the body figures they restate; the catalogue's groups leave those rows out
    ties = appendix_ties(facts)
    tied = {f.id for r in ties for f in r.members[1:]}
    return {"partition": explicit + catalogue_partitions(facts, explicit) + column_totals(facts)
            + level_partitions(facts, places) + level_splits(facts, places) + threshold_bands(facts, places)
            + stock_flows(facts, places)
            + status_splits(facts, places) + remainders(facts, places),
            "ratio": checked_first(ratios(facts, places) + table_ratios(facts) + compared_ratios(facts, places)
                                   + named_shares(facts, places)
                                   + completion_rates(facts)),
            "share": shares(facts) + stated_shares(facts),
            "share_set": share_sets(facts),
            "recurrence": ties + recurrences(facts, skip=tied) + back_references(facts)
            + row_restatements(facts, places) + done_of_declared(facts) + unnamed_recurrences(facts)
            + guessed_back_references(facts)}


def relation_facts(relations: Iterable[Relation]) -> set[str]:
    """The ids of the facts some relation ties."""
    return {f.id for r in relations for f in r.members}

"""Every figure in a report becomes a typed, located fact (:class:`wardaudit.model.facts.Fact`): metric,
value (normalised unit), unit as written, period, qualifier, scope, section, quote and location;
totals with their parts and rates with their numerators share a group id, so the reconciliation
rules can work on relations.

How a metric is recognised (catalogue/metrics.yaml): the figure's family comes from the noun it
counts ("hồ sơ", "nhiệm vụ", …) or its unit (%, đồng); within the family the metric whose phrase
is the longest match in the words right after the figure, else in its clause before it, else in
its sentence before it. Parts of a total are recognised within the total's partition.

Composition, not inheritance: one explicit state (:class:`~wardaudit.extract.state.Extraction`: the
document, its catalogue and cues, the facts so far, where the walk stands, the group counter) is passed
to each strategy, which reads it and adds to it. The strategies are split by what they read:
:class:`~wardaudit.extract.text_facts.TextFacts` walks the text (with
:class:`~wardaudit.extract.breakdowns.Breakdowns` for totals and parts and
:class:`~wardaudit.extract.rate_links.RateLinks` for rates and shares, over the same state),
:class:`~wardaudit.extract.table_facts.TableFacts` the tables; each module reads on its own, with the
state's type beside it. A lookup returns what it found (:meth:`~wardaudit.extract.state.Extraction.resolve`
gives the metric with the phrase that named it), nothing is left on the state for the caller to pick up.
"""
from __future__ import annotations

from dataclasses import dataclass

from wardaudit.extract.state import Extraction
from wardaudit.extract.table_facts import TableFacts
from wardaudit.extract.text_facts import TextFacts
from wardaudit.extract.unnamed import with_totals
from wardaudit.model.document import Document
from wardaudit.model.facts import Fact, Places
from wardaudit.model.report import ReportMeta


@dataclass(frozen=True)
class Extracted:
    """What extraction found in one report: its facts, in reading order, and where each figure of the
    text stands (:class:`~wardaudit.model.facts.Places`, by fact id), which the relation builders read."""

    facts: list[Fact]
    places: Places


def extract_facts(doc: Document, meta: ReportMeta) -> Extracted:
    """Every figure of ``doc`` as a fact, in reading order (text, then tables), with their places; ``meta``
    from :func:`wardaudit.extract.metadata.extract_metadata` gives the report's period and the ward's names."""
    x = Extraction.of(doc, meta)
    TextFacts(x).run()  # the text first: its totals may title the tables
    TableFacts(x).run()
    facts = with_totals(x.facts, x.places)  # '12.300/45.000 tài khoản' states its total too
    return Extracted(facts, x.places)

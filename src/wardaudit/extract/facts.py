"""Every figure in a report becomes a typed, located fact (:class:`wardaudit.model.facts.Fact`): metric,
value (normalised unit), unit as written, period, qualifier, scope, section, quote and location;
totals with their parts and rates with their numerators share a group id, so the reconciliation
rules can work on relations.

How a metric is recognised (catalogue/metrics.yaml): the figure's family comes from the noun it
counts ("hồ sơ", "nhiệm vụ", …) or its unit (%, đồng); within the family the metric whose phrase
is the longest match in the words right after the figure, else in its clause before it, else in
its sentence before it. Parts of a total are recognised within the total's partition.

The work is split by what it reads: :mod:`~wardaudit.extract.text_facts` walks the text
(with :mod:`~wardaudit.extract.breakdowns` for totals and parts and
:mod:`~wardaudit.extract.rate_links` for rates and shares), :mod:`~wardaudit.extract.table_facts`
the tables; :mod:`~wardaudit.extract.extractor` holds what they share.
"""
from __future__ import annotations

from wardaudit.extract.table_facts import TableFacts
from wardaudit.extract.text_facts import TextFacts
from wardaudit.extract.unnamed import with_totals
from wardaudit.model.document import Document
from wardaudit.model.facts import Fact
from wardaudit.model.report import ReportMeta


class _Extractor(TextFacts, TableFacts):
    """One report's extraction: the text first (its totals may title the tables), then the tables."""


def extract_facts(doc: Document, meta: ReportMeta) -> list[Fact]:
    """Every figure of ``doc`` as a fact, in reading order (text, then tables); ``meta`` from
    :func:`wardaudit.extract.metadata.extract_metadata` gives the report's period and the ward's names."""
    ex = _Extractor(doc, meta)
    ex.run_text()
    ex.run_tables()
    return with_totals(ex.facts)  # '12.300/45.000 tài khoản' states its total too

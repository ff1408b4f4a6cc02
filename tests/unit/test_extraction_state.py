"""The extractor's shape (issue 19): an explicit state passed to the text and table strategies, a
lookup that returns what it found, and a published Fact with no working fields on it."""
from dataclasses import fields

from wardaudit.extract.facts import extract_facts
from wardaudit.extract.state import Extraction, Resolved
from wardaudit.extract.table_facts import TableFacts
from wardaudit.extract.text_facts import TextFacts
from wardaudit.model.audit import AuditResult
from wardaudit.model.document import Block, Document, Location
from wardaudit.model.facts import COLUMNS, Fact, Place
from wardaudit.model.report import ReportMeta
from wardaudit.vi.numbers import find_figures

# what a fact carries besides the columns of facts.csv: what the rules and the relation builders read
RELATIONAL = {"block", "sentence", "cue", "phrase", "period_source", "base", "over", "listed", "outer", "at", "item"}


def _doc(*texts: str) -> Document:
    blocks = [Block(kind="paragraph", text=t, location=Location(file="r.txt", line=i + 1), section=("I",))
              for i, t in enumerate(texts)]
    return Document(source="r.txt", format="txt", sha256="0" * 64, blocks=blocks)


def test_a_fact_has_only_published_and_relational_fields():
    names = {f.name for f in fields(Fact)}
    assert names == set(COLUMNS) | RELATIONAL
    assert not names & {"end", "lead", "last_phrase"}


def test_resolve_returns_the_metric_with_the_phrase_that_named_it():
    x = Extraction.of(_doc(), ReportMeta())
    text = "Trong kỳ, xã tiếp nhận 120 hồ sơ thủ tục hành chính."
    fig = find_figures(text)[0]
    found = x.resolve(fig, text[:fig.start], text[:fig.start], text[fig.end:])
    assert isinstance(found, Resolved)
    assert found.metric.key == "dossiers.received" and found.phrase == "tiếp nhận"
    assert not hasattr(x, "last_phrase")


def test_resolve_returns_none_when_nothing_names_the_figure():
    x = Extraction.of(_doc(), ReportMeta())
    text = "Xã mua thêm 24 chiếc ghế gỗ."
    fig = find_figures(text)[0]
    assert x.resolve(fig, text[:fig.start], text[:fig.start], text[fig.end:]) is None


def test_strategies_share_one_state_and_each_figure_of_the_text_gets_a_place():
    text = "Trong kỳ, xã tiếp nhận 120 hồ sơ, đã giải quyết 118 hồ sơ."
    x = Extraction.of(_doc(text), ReportMeta())
    TextFacts(x).run()
    TableFacts(x).run()
    assert [f.raw for f in x.facts] == ["120", "118"]
    ends = [x.place(f).end for f in x.facts]
    assert [text[e - 3:e] for e in ends] == ["120", "118"]
    assert x.place(x.facts[1]).lead.endswith("đã giải quyết")
    assert x.facts[0].phrase == "tiếp nhận"


def test_places_travel_with_the_facts_and_through_the_store_record():
    doc = _doc("Đã cấp 12.300/45.000 tài khoản định danh điện tử mức 2.")
    found = extract_facts(doc, ReportMeta())
    done, total = found.facts
    assert total.id == f"{done.id}t" and found.places[total.id] == Place(found.places[done.id].end, "")
    result = AuditResult(document=doc, meta=ReportMeta(), facts=found.facts, checks=[], places=found.places)
    back = AuditResult.from_record(result.to_record())
    assert back.places == found.places and back.facts == found.facts

"""Evidence placed through the document's line index finds what a look at every block finds: the same blocks,
table rows and tables, in the same order, for documents of text and tables spread over files, pages, lines
and sheets (rows with and without a location of their own)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wardaudit.model.document import Block, Document, Location, Table
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.render.placement import Placement, _candidates, place_evidence

FILES = ["bao-cao.pdf", "phu-luc.xlsx", "thu-muc/bao-cao.pdf"]
small = st.integers(min_value=1, max_value=6)
maybe = st.one_of(st.none(), small)
locations = st.builds(Location, file=st.sampled_from(FILES), page=maybe, line=maybe,
                      sheet=st.one_of(st.none(), st.sampled_from(["Biểu 1", "Biểu 2"])))


@st.composite
def blocks(draw) -> Block:
    loc = draw(locations)
    if draw(st.booleans()):
        return Block(kind=draw(st.sampled_from(["heading", "paragraph"])), text="Đã số hóa 12 hồ sơ.", location=loc)
    n = draw(st.integers(min_value=0, max_value=4))
    table = Table(header=["STT", "Chỉ tiêu", "Số lượng"], rows=[[str(i + 1), "Hồ sơ", "12"] for i in range(n)],
                  location=loc, row_locations=draw(st.lists(locations, max_size=n + 1)))
    return Block(kind="table", text="", location=loc, table=table if draw(st.integers(0, 5)) else None)


evidence = st.builds(Evidence, section=st.just("1"), quote=st.just("12 hồ sơ"), page=maybe, line=maybe,
                     file=st.one_of(st.none(), st.sampled_from(FILES + ["bao-cao.pdf", "khac.docx"])),
                     figure=st.just("12"), sheet=st.one_of(st.none(), st.sampled_from(["Biểu 1", "Biểu 2"])))


@settings(max_examples=400, deadline=None)
@given(st.lists(blocks(), max_size=12), st.lists(evidence, min_size=1, max_size=6))
def test_the_line_index_finds_what_reading_every_block_finds(bs, evs):
    doc = Document(source="bao-cao.pdf", format="pdf", sha256="0" * 64, blocks=bs)
    pl = Placement()
    for ev in evs:
        assert _candidates(doc, ev, pl) == _candidates(doc, ev)
    if any(ev.line is not None for ev in evs):
        assert pl.lines is not None  # the index was used


def test_a_report_places_its_evidence_on_the_rows_of_its_line():
    row = Location("bao-cao.pdf", page=2, line=5)
    table = Table(header=["Chỉ tiêu", "Số lượng"], rows=[["Hồ sơ trực tuyến", "120"], ["Hồ sơ trực tiếp", "30"]],
                  location=Location("bao-cao.pdf", page=2, line=4), row_locations=[Location("bao-cao.pdf", 2, 4), row])
    doc = Document(source="bao-cao.pdf", format="pdf", sha256="0" * 64, blocks=[
        Block(kind="paragraph", text="Tiếp nhận 150 hồ sơ, trong đó 30 hồ sơ trực tiếp.",
              location=Location("bao-cao.pdf", page=2, line=5)),
        Block(kind="table", text="", location=table.location, table=table)])
    ev = Evidence(section="2", quote="Hồ sơ trực tiếp 30", page=2, line=5, file="bao-cao.pdf", figure="30")
    assert _candidates(doc, ev, Placement()) == [("b", 0), ("r", 1, 1)]
    check = CheckResult(rule="SUM001", status="fail", severity="error", message="x", evidence=(ev,))
    pl = place_evidence(doc, [check])
    assert pl.placed[(0, 0)] is True and pl.lines is not None

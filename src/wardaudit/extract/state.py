"""One report's extraction state, passed to the text and table strategies: the document, its
catalogue and cue words, the facts so far, where the walk stands (block, sentence) and the group
counter; and how a figure gets its metric (:meth:`Extraction.resolve`, which returns what it found)
and its period."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from wardaudit.catalogue import Catalogue, Cues, Metric, load_catalogue, load_cues
from wardaudit.extract.figure_context import family_of
from wardaudit.extract.metadata import fold, parse_period
from wardaudit.model.document import Block, Document
from wardaudit.model.facts import Fact, Place, Places, period_string
from wardaudit.model.report import ReportMeta
from wardaudit.vi.numbers import Figure

# a section of plans: '… thời gian tới', 'Nhiệm vụ trọng tâm tuần 47', 'NHIỆM VỤ THÁNG 11 NĂM 2026'
_TARGET_SECTIONS = re.compile(r"tiếp theo|thời gian tới|cuối năm|dự kiến|nhiệm vụ, giải pháp|phương hướng"
                              r"|^\W*nhiệm vụ\s+(?:trọng tâm\s+)?(?:tuần|tháng|quý|năm|6 tháng|kỳ)\b", re.IGNORECASE)
_YEAR_START = re.compile(r"^\W*(?:Trong\s+)?năm\s+(\d{4})\b", re.IGNORECASE)
# 'quý I', 'tháng 8' with no year after them, in a figure's own clause
_SUB_PERIOD = re.compile(r"\b(?:quý\s+(?P<q>IV|III|II|I)|tháng\s+(?P<m>\d{1,2}))\b(?!\s*(?:/|năm)\s*\d)",
                         re.IGNORECASE)
_CLOSED_BRACKET = re.compile(r"\([^()]*\)")
_COMPARED = re.compile(r"\b(?:cao hơn|thấp hơn|so với)\s+[^,;()]*(?=[,;])", re.IGNORECASE)
_ACTOR = re.compile(r"\b(?:ubnd|ủy ban nhân dân|sở|bộ)\s+(?:tỉnh|thành phố|huyện)?\s*"
                    r"(?:giao|phân bổ|hỗ trợ|ban hành)\b", re.IGNORECASE)
AS_OF = re.compile(r"(?:đến|tính đến)\s+(?:hết\s+)?ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)


def _year_period(year: str) -> dict:
    return {"start": f"{year}-01-01", "end": f"{year}-12-31"}


@dataclass(frozen=True)
class Resolved:
    """A figure's metric and the catalogue phrase that named it (None when the metric was named by
    its words as a whole, not by one phrase)."""

    metric: Metric
    phrase: str | None


@dataclass
class Extraction:
    """One report's extraction: what the strategies read (document, metadata, catalogue, cues, the
    report's period) and what they change (the facts so far, the position of the walk, the group counter,
    each block's outline item). Built by :meth:`of`; one per report, never shared."""

    doc: Document
    meta: ReportMeta
    cat: Catalogue
    cues: Cues
    report_period: dict | None  # a report whose title states no period is about the first period its text states
    section_titles: dict[tuple, str | None]
    own_names: set[str]
    facts: list[Fact] = field(default_factory=list)
    places: Places = field(default_factory=Places)  # where each figure of the text stands: fact id -> Place
    current_block: int | None = None
    current_sentence: int | None = None
    block_item: dict[int, int] = field(default_factory=dict)  # block -> outline item ('near' counts items)
    groups: int = 0  # group ids handed out so far

    @classmethod
    def of(cls, doc: Document, meta: ReportMeta) -> Extraction:
        """The state before the first figure of ``doc``."""
        return cls(doc=doc, meta=meta, cat=load_catalogue(), cues=load_cues(),
                   report_period=(meta.period.to_dict() if meta.period else None) or first_period(doc),
                   section_titles={s.path: s.title for s in doc.walk_sections()},
                   own_names={fold(n) for n in (meta.expected_ward, meta.ward_name) if n})

    def new_group(self) -> str:
        self.groups += 1
        return f"G{self.groups:03d}"

    def add(self, *, end: int | None = None, lead: str = "", **kw) -> Fact:
        """A new fact from ``kw``, at the walk's block and sentence; a figure of the text gives its place
        (``end``, ``lead``), kept beside it."""
        block = self.doc.blocks[self.current_block] if self.current_block is not None else None
        kw.setdefault("ocr", getattr(block, "ocr_confidence", None))
        kw.setdefault("item", self.block_item.get(self.current_block) if self.current_block is not None else None)
        kw.setdefault("sheet", block.location.sheet if block is not None else None)  # a workbook's title rows
        f = Fact(id=f"F{len(self.facts) + 1:04d}", block=self.current_block, sentence=self.current_sentence, **kw)
        self.facts.append(f)
        if end is not None or lead:
            self.places[f.id] = Place(end, lead)
        return f

    def place(self, f: Fact) -> Place:
        """Where ``f`` stands in its text (:data:`~wardaudit.model.facts.NOWHERE` for a table's cell)."""
        return self.places.of(f)

    def section_label(self, block: Block) -> str:
        return " > ".join(block.section)

    def in_target_section(self, block: Block) -> bool:
        path = block.section
        return any(_TARGET_SECTIONS.search(self.section_titles.get(path[:k], "") or "")
                   for k in range(1, len(path) + 1))

    def resolve(self, fig: Figure, left_clause: str, left_sentence: str, right: str,
                candidates: list[Metric] | None = None) -> Resolved | None:
        """The figure's metric among ``candidates`` (else its family's, from its noun or unit): the longest
        catalogue phrase in the words right after it, else in its clause before it, else in its sentence
        before it; with the phrase that named it. None when nothing names it."""
        cat = self.cat
        if candidates is None:
            fam = family_of(fig, left_clause, right, cat) or family_of(fig, left_sentence, right, cat)
            if fam is None:
                return None
            candidates = [m for m in cat.in_family(fam) if not m.part_only]
        order = ((right, "first"), (left_clause, "last"), (left_sentence, "last"))
        if left_clause.rstrip().endswith(":") and len(left_clause.split()) <= 5:
            # 'Số hóa: 404/404 hồ sơ …' — a short label names the figure
            order = ((left_clause, "last"), (right, "first"), (left_sentence, "last"))
        for ctx, prefer in order:
            m, _ = cat.best(ctx.lower(), candidates, prefer)
            if m:
                low = ctx.lower()
                return Resolved(m, next((ph for ph in sorted(m.phrases, key=len, reverse=True) if ph in low), None))
        return None

    def scope_of(self, left_sentence: str, right_full: str) -> str | None:
        """Whom a figure is about: a scope named in its own clause after it, else the one named last
        before it in its sentence; None when the sentence names none (the reporting unit)."""
        right = re.split(r"[,;.()]", right_full, maxsplit=1)[0]
        # before it: without closed brackets ('(… của tỉnh 6 lượt)' names the province's system), an actor
        # ('được UBND tỉnh giao': the province assigns the unit's own tasks) or a finished comparison ('cao hơn
        # bình quân toàn tỉnh; tỷ lệ …'), within a bounded window (a long sentence is not read again per figure)
        left = _COMPARED.sub(" ", _ACTOR.sub(" ", _CLOSED_BRACKET.sub(" ", left_sentence[-400:])))
        found = self.cues.scope_in(right) or self.cues.scope_in(left)
        if found and self.own_names and fold(found[0].split(" ", 1)[-1]) in self.own_names:
            return None  # the reporting unit named by its own name
        return found[0] if found else None

    def sub_period(self, clause: str) -> dict | None:
        """A quarter or month the figure's own clause names without a year ('quý I tiếp nhận mới 2.782 hồ
        sơ', 'tháng 8 có 1.318 hồ sơ'), in the report's year; None when it names none."""
        m = _SUB_PERIOD.search(clause)
        year = ((self.report_period or {}).get("end") or "")[:4]
        if not m or not year.isdigit():
            return None
        y = int(year)
        if m.group("q"):
            q = {"I": 1, "II": 2, "III": 3, "IV": 4}[m.group("q").upper()]
            first, last = 3 * q - 2, 3 * q
        else:
            first = last = int(m.group("m"))
            if not 1 <= first <= 12:
                return None
        return {"start": f"{y:04d}-{first:02d}-01", "end": f"{y:04d}-{last:02d}-{calendar.monthrange(y, last)[1]:02d}"}

    def fact_period(self, metric: Metric | None, sentence: str, period: dict | None) -> str | None:
        base = period or self.report_period
        if metric is not None and metric.stock:
            m = AS_OF.search(sentence)
            if m:
                d, mo, y = m.groups()
                return f"@{int(y):04d}-{int(mo):02d}-{int(d):02d}"
            end = (base or {}).get("end")
            return f"@{end}" if end else None
        return period_string(base)


def first_period(doc: Document) -> dict | None:
    """The first period the text of ``doc`` states, in its first 40 blocks (tables aside)."""
    for block in doc.blocks[:40]:
        if block.kind != "table":
            p = sentence_period(block.text)
            if p:
                return p
    return None


def sentence_period(sentence: str) -> dict | None:
    """The period a sentence states ('6 tháng đầu năm 2026', 'Năm 2026, …'), None when it states none."""
    p = parse_period(sentence)
    if p and p.get("start"):
        return p
    m = _YEAR_START.match(sentence)
    if m:
        return _year_period(m.group(1))
    return None

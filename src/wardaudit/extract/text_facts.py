"""Facts of the text: paragraph by paragraph, sentence by sentence, figure by figure, with the
bullets a lead-in hands its parts to."""
from __future__ import annotations

import re
from dataclasses import dataclass

from wardaudit.catalogue import Metric
from wardaudit.extract.breakdowns import Breakdowns, BulletList, OpenTotal, partition_cue
from wardaudit.extract.figure_context import (
    CLAUSE_BREAK,
    bullet_marker,
    figure_quote,
    heading_with_figures,
    quote_start,
    sentence_spans,
    unit_text,
)
from wardaudit.extract.rate_links import RateLinks
from wardaudit.extract.state import AS_OF, Extraction, sentence_period
from wardaudit.extract.unnamed import name_total_by_part
from wardaudit.model.document import Block
from wardaudit.model.facts import Fact, Places
from wardaudit.vi.numbers import Figure, find_figures

_CLAUSE_HAS_RATE_WORDS = re.compile(r"trực tuyến|số hóa|số hoá|kết quả điện tử|tái sử dụng|hài lòng|thanh toán"
                                    r"|phủ sóng", re.IGNORECASE)


class TextFacts:
    """The text strategy: facts of the text, block by block, added to the extraction state ``x``; totals
    and parts are read by :class:`~wardaudit.extract.breakdowns.Breakdowns`, rates and shares by
    :class:`~wardaudit.extract.rate_links.RateLinks`, both over the same state."""

    def __init__(self, x: Extraction):
        self.x = x
        self.breakdowns = Breakdowns(x)
        self.rates = RateLinks(x)

    def run(self) -> None:
        section_period: dict | None = None
        current_section: tuple = ()
        items = BulletList()
        item, list_item = -1, -1
        for bi, block in enumerate(self.x.doc.blocks):
            self.x.current_block = bi
            marker = bullet_marker(block.text)
            # a bullet of the list a lead-in opened is part of the lead-in's item
            nested = block.kind not in ("table", "heading") and items.total is not None and marker is not None \
                and marker != items.outer and items.marker in (None, marker)
            item = item if nested else item + 1
            self.x.block_item[bi] = list_item if nested else item
            if block.kind == "table" or (block.kind == "heading" and not heading_with_figures(block.text)):
                items.end()
                if block.kind == "heading" and block.section[:2] != current_section[:2]:
                    current_section, section_period = block.section, None
                continue
            if block.section[:2] != current_section[:2]:
                current_section = block.section
                section_period = None
            n_before = len(self.x.facts)
            total = self.text_block(block, section_period, items.total)
            if items.takes(marker) and len(self.x.facts) == n_before:
                items.listed += 1  # an item with no figure: one of the things the total counts
            elif items.takes(marker) and len(self.x.facts) > n_before:
                name_total_by_part(self.x.cat, items.total, self.x.facts[n_before])
                if not self.breakdowns.attach_part(items.total, block, items.parts):
                    items.end()
            elif items.ends_at(marker):
                items.end()
            if total is not None:
                items.start(total, marker)
                list_item = self.x.block_item[bi]
            if len(self.x.facts) == n_before:
                p = sentence_period(block.text)
                if p:
                    section_period = p
        items.end()

    def text_block(self, block: Block, section_period: dict | None, pending_total: Fact | None) -> Fact | None:
        """Facts of one paragraph. Returns a total whose parts follow in the next bullet blocks."""
        text = block.text
        figures = find_figures(text)
        if not figures:
            return None
        target_section = self.x.in_target_section(block)
        carry_total: Fact | None = None
        k = 0  # figures and sentences are both in order: one pass over each
        for si, (s, e) in enumerate(sentence_spans(text)):
            while k < len(figures) and figures[k].start < s:
                k += 1
            j = k
            while j < len(figures) and figures[j].start < e:
                j += 1
            sent_figs, k = figures[k:j], j
            if not sent_figs:
                continue
            self.x.current_sentence = si
            carry = self.sentence_facts(block, text, s, e, sent_figs, section_period, target_section)
            carry_total = carry or carry_total
        self.x.current_sentence = None
        # a paragraph ending in 'trong đó:' hands its total to the bullets that follow
        tail = text.rstrip()
        if tail.endswith((":", "trong đó", "gồm")) and self.x.facts and self.x.facts[-1].role == "total":
            return self.x.facts[-1]
        last = self.x.facts[-1] if self.x.facts else None
        end = self.x.place(last).end if last is not None else None
        if tail.endswith(":") and last is not None and last.block == self.x.current_block and end is not None \
                and last.kind in ("count", "money") and not last.group \
                and re.fullmatch(r"\s*[^\W\d][\w ]{0,20}:", tail[end:]):
            # '- Đã giải quyết 302 hồ sơ:' followed by its parts, one per bullet
            last.group, last.role, last.cue = self.x.new_group(), "total", ":"
            return last
        return carry_total

    def sentence_facts(self, block: Block, text: str, s: int, e: int, sent_figs: list[Figure],
                       section_period: dict | None, target_section: bool) -> Fact | None:
        """Facts of one sentence; returns a total whose parts follow after the sentence."""
        sent_period = sentence_period(text[s:e])
        period_source = "sentence" if sent_period else ("section" if section_period else "report")
        sent = _Sentence(block, text, s, e, sent_period or section_period, period_source, target_section)
        state = OpenTotal()
        prev_fact: Fact | None = None
        sentence_facts: list[Fact] = []
        carry_total: Fact | None = None
        prev_end = s
        words: str | None = None  # the catalogue phrase the last figure's words gave
        for k, fig in enumerate(sent_figs):
            nxt_start = sent_figs[k + 1].start if k + 1 < len(sent_figs) else e
            w = _Window.around(text, s, fig, prev_end, nxt_start)
            # a rate after a closed bracket is the rate of the figure the bracket belongs to
            before = _rate_anchor(self.x.places, sentence_facts, text, fig) if fig.kind == "percent" else prev_fact
            fact, words = self.figure_fact(sent, fig, w, state, before, words)
            self.rates.link_rate(fact, fig, before, text, s, w.left_clause, sentence_facts)
            self.rates.back_reference(fact, w.right_full)
            if partition_cue(w.right_full, self.x.cues, text[fig.end:e]) and fig.kind in ("count", "money", "ratio"):
                owner = self.breakdowns.open_group(state, fact, sentence_facts, w.right_full, text[fig.end:e])
                if not w.right_full.strip(" :,").lower().replace("trong đó", "").strip(" :,") \
                        and k == len(sent_figs) - 1:
                    carry_total = owner
            prev_fact = fact
            sentence_facts.append(fact)
            prev_end = fig.end
        _shared_nouns(self.x.places, sentence_facts)
        self.breakdowns.total_after_parts(sentence_facts)
        self.breakdowns.inline_items(text, e, sentence_facts)
        return carry_total

    def figure_fact(self, sent: _Sentence, fig: Figure, w: _Window, state: OpenTotal, prev_fact: Fact | None,
                    words: str | None) -> tuple[Fact, str | None]:
        """The fact of one figure of ``sent``, its metric and role read from the words around it; with the
        catalogue phrase its words gave (``words``, the previous figure's, when its own are not read)."""
        text, s, e = sent.text, sent.start, sent.end
        sentence = text[s:e]
        metric, phrase, role = self.figure_metric(state, fig, text, s, w, prev_fact, words)
        sub = self.x.sub_period(w.left_clause) if not (metric and metric.stock) else None
        period = self.x.fact_period(metric, sentence, sub or sent.period)
        fact = self.x.add(metric=metric.key if metric else None, value=fig.value,
                          unit=unit_text(fig, w.right), kind=fig.kind, period=period,
                          qualifier=self.figure_qualifier(fig, w, sent.target_section), role=role,
                          group=state.group_id if role == "part" else None,
                          scope=self.x.scope_of(w.left_sentence, w.right_full),
                          section=self.x.section_label(sent.block),
                          quote=figure_quote(text, (s, e), fig), at=quote_start(text, (s, e), fig),
                          file=sent.block.location.file, page=sent.block.location.page,
                          line=sent.block.location.line, raw=fig.raw, decimals=fig.decimals,
                          denominator=fig.denominator, phrase=phrase if metric else None,
                          end=fig.end, lead=" ".join(w.left_sentence[-30:].split()).lower(),
                          period_source=sent.period_source
                          if not (metric and metric.stock and AS_OF.search(sentence)) else "sentence")
        if role == "part" and metric is None:
            fact.label = w.left_clause.strip(" :-+•;,(").strip()[:80] or None
        return fact, phrase

    def figure_metric(self, state: OpenTotal, fig: Figure, text: str, s: int, w: _Window,
                      prev_fact: Fact | None, words: str | None) -> tuple[Metric | None, str | None, str | None]:
        """The figure's metric, the phrase that named it, and its role in the sentence's open breakdown
        ('part' or None). A rate right after a count, in a clause without words of its own, is the rate of
        that count (the phrase stays the one the words gave). A negated rate ('đạt 66,81%, chưa đạt chỉ
        tiêu') is not named by its words: it keeps ``words``, the phrase the figure before it was named by."""
        if fig.kind == "percent" and self.x.cues.negation.search(w.right):
            found, role, phrase = None, None, words
        else:
            found, role = self.breakdowns.resolve_in_group(state, fig, text, s, w.left_clause, w.left_sentence,
                                                           w.right, w.left_window)
            phrase = found.phrase if found else None
        metric = found.metric if found else None
        names_itself = metric is not None and phrase is not None and bool(
            re.search(r"\bt[ỷỉ] lệ\b[^,;()]*" + re.escape(phrase), w.left_window, re.IGNORECASE))
        if fig.kind == "percent" and prev_fact is not None and prev_fact.metric and not names_itself and (
                metric is None or not _CLAUSE_HAS_RATE_WORDS.search(w.left_window + w.right)):
            via = [m for m in self.x.cat.metrics if m.numerator == prev_fact.metric]
            if via and (metric is None or metric.key not in {v.key for v in via}):
                metric = via[0]
        return metric, phrase, role

    def figure_qualifier(self, fig: Figure, w: _Window, target_section: bool) -> str | None:
        """Its bound as written, else 'cumulative' or 'target'. A target word before the figure makes it a
        target ('chỉ tiêu … tối thiểu 80%'); after it, the figure is a result measured against one ('đạt
        76,4%, chưa đạt chỉ tiêu')."""
        qualifier = fig.qualifier
        if self.x.cues.cumulative.search(w.left_clause + w.right):
            qualifier = qualifier or "cumulative"
        planned = [m.group(0).lower() for m in self.x.cues.target.finditer(w.left_sentence)]
        # 'Các chỉ tiêu … đều đạt và vượt kế hoạch: tỷ lệ … đạt 86,7%': indicators achieved, results
        achieved = set(planned) == {"chỉ tiêu"} and _ACHIEVED.search(w.left_sentence)
        if target_section or (planned and not achieved):
            # 'phấn đấu tỷ lệ … đạt trên 88%': a bound the plan sets is a target too
            qualifier = "target" if qualifier is None else (qualifier if qualifier.startswith("target")
                                                            or qualifier == "cumulative" else f"target:{qualifier}")
        return qualifier


def _rate_anchor(places: Places, sentence_facts: list[Fact], text: str, fig: Figure) -> Fact | None:
    """The figure a rate is of: the one before it; when a bracket closes between them ('640 hồ sơ (đúng hạn
    630, quá hạn 10), đạt tỷ lệ 98,4%'), the figure the bracket follows; when that one is a base ('620
    hồ sơ trên tổng số 640 hồ sơ, đạt 96,9%'), the count before the base."""
    prev = _bracket_owner(places, sentence_facts, text, fig)
    if prev is not None and _BASE_LEAD.search(places.of(prev).lead):
        k = sentence_facts.index(prev)
        return next((f for f in reversed(sentence_facts[:k]) if f.kind == prev.kind
                     and (f.unit == prev.unit or f.unit in ("trên", "trong"))), prev)
    return prev


def _shared_nouns(places: Places, facts: list[Fact]) -> None:
    """'đã số hóa 9.870 trên tổng số 12.400 sổ': the noun of a count right before its base is the base's."""
    for a, b in zip(facts, facts[1:], strict=False):
        if a.kind == b.kind == "count" and a.unit in ("trên", "trong") and _BASE_LEAD.search(places.of(b).lead):
            a.unit = b.unit


_BASE_LEAD = re.compile(r"\b(?:trên tổng số|trên tổng|trong tổng số|so với tổng số)\s*$", re.IGNORECASE)


def _bracket_owner(places: Places, sentence_facts: list[Fact], text: str, fig: Figure) -> Fact | None:
    """The figure before ``fig``; when a bracket of parts closes between them, the figure the bracket
    follows (a bracket restating the figure, '(0 hồ sơ)', is not a breakdown: its figure stays)."""
    prev = sentence_facts[-1] if sentence_facts else None
    end = places.of(prev).end if prev is not None else None
    if prev is None or end is None or ")" not in text[end:fig.start] or prev.role != "part":
        return prev
    depth, i = 0, fig.start - 1
    while i >= 0:
        depth += text[i] == ")"
        depth -= text[i] == "("
        if depth == 0 and text[i] == "(":
            break
        i -= 1
    return next((f for f in reversed(sentence_facts) if (e := places.of(f).end) is not None and e <= i), prev)


_ACHIEVED = re.compile(r"chỉ tiêu[^.;]*\b(?:đều|đã)\s+(?:đạt|vượt|hoàn thành)", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    """One sentence of a block, with the period it is about and where that period was stated."""

    block: Block
    text: str  # the block's text; the sentence is text[start:end]
    start: int
    end: int
    period: dict | None
    period_source: str  # sentence | section | report
    target_section: bool


@dataclass(frozen=True)
class _Window:
    """The words around one figure of a sentence."""

    left_sentence: str  # its sentence up to it
    left_window: str  # from the figure before it (or the sentence's start) up to it
    left_clause: str  # its own clause before it
    right_full: str  # up to the next figure (or the sentence's end)
    right: str  # its own clause after it

    @classmethod
    def around(cls, text: str, s: int, fig: Figure, prev_end: int, nxt_start: int) -> _Window:
        left_window = text[prev_end:fig.start]
        cut = list(CLAUSE_BREAK.finditer(left_window))
        right_full = text[fig.end:nxt_start]
        rb = re.search(r"[;.:]|,\s*(?:tỷ lệ|tỉ lệ|trong đó|số\s)|\btrong đó\b|\bbao gồm\b"
                       if fig.kind == "percent" else r"[,;.():]|\btrong đó\b|\bbao gồm\b|\bgồm\b",
                       right_full, re.IGNORECASE)
        return cls(left_sentence=text[s:fig.start], left_window=left_window,
                   left_clause=left_window[cut[-1].end():] if cut else left_window,
                   right_full=right_full, right=right_full[:rb.start()] if rb else right_full)

"""Facts of the text: paragraph by paragraph, sentence by sentence, figure by figure, with the
bullets a lead-in hands its parts to."""
from __future__ import annotations

import re
from dataclasses import dataclass

from wardaudit.catalogue import Metric
from wardaudit.extract.breakdowns import Breakdowns, BulletList, OpenTotal, partition_cue
from wardaudit.extract.extractor import AS_OF
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
from wardaudit.extract.unnamed import name_total_by_part
from wardaudit.model.document import Block
from wardaudit.model.facts import Fact
from wardaudit.vi.numbers import Figure, find_figures

_CLAUSE_HAS_RATE_WORDS = re.compile(r"trực tuyến|số hóa|số hoá|kết quả điện tử|tái sử dụng|hài lòng|thanh toán"
                                    r"|phủ sóng", re.IGNORECASE)


class TextFacts(Breakdowns, RateLinks):
    """Facts of the text, block by block: the extractor's text half."""

    def run_text(self) -> None:
        section_period: dict | None = None
        current_section: tuple = ()
        items = BulletList()
        item, list_item = -1, -1
        for bi, block in enumerate(self.doc.blocks):
            self.current_block = bi
            marker = bullet_marker(block.text)
            # a bullet of the list a lead-in opened is part of the lead-in's item
            nested = block.kind not in ("table", "heading") and items.total is not None and marker is not None \
                and marker != items.outer and items.marker in (None, marker)
            item = item if nested else item + 1
            self.block_item[bi] = list_item if nested else item
            if block.kind == "table" or (block.kind == "heading" and not heading_with_figures(block.text)):
                items.end()
                if block.kind == "heading" and block.section[:2] != current_section[:2]:
                    current_section, section_period = block.section, None
                continue
            if block.section[:2] != current_section[:2]:
                current_section = block.section
                section_period = None
            n_before = len(self.facts)
            total = self.text_block(block, section_period, items.total)
            if items.takes(marker) and len(self.facts) == n_before:
                items.listed += 1  # an item with no figure: one of the things the total counts
            elif items.takes(marker) and len(self.facts) > n_before:
                name_total_by_part(self.cat, items.total, self.facts[n_before])
                if not self.attach_part(items.total, block, items.parts):
                    items.end()
            elif items.ends_at(marker):
                items.end()
            if total is not None:
                items.start(total, marker)
                list_item = self.block_item[bi]
            if len(self.facts) == n_before:
                p = self.sentence_period(block.text)
                if p:
                    section_period = p
        items.end()

    def text_block(self, block: Block, section_period: dict | None, pending_total: Fact | None) -> Fact | None:
        """Facts of one paragraph. Returns a total whose parts follow in the next bullet blocks."""
        text = block.text
        figures = find_figures(text)
        if not figures:
            return None
        target_section = self.in_target_section(block)
        carry_total: Fact | None = None
        for si, (s, e) in enumerate(sentence_spans(text)):
            sent_figs = [f for f in figures if s <= f.start < e]
            if not sent_figs:
                continue
            self.current_sentence = si
            carry = self.sentence_facts(block, text, s, e, sent_figs, section_period, target_section)
            carry_total = carry or carry_total
        self.current_sentence = None
        # a paragraph ending in 'trong đó:' hands its total to the bullets that follow
        tail = text.rstrip()
        if tail.endswith((":", "trong đó", "gồm")) and self.facts and self.facts[-1].role == "total":
            return self.facts[-1]
        last = self.facts[-1] if self.facts else None
        if tail.endswith(":") and last is not None and last.block == self.current_block and last.end is not None \
                and last.kind in ("count", "money") and not last.group \
                and re.fullmatch(r"\s*[^\W\d][\w ]{0,20}:", tail[last.end:]):
            # '- Đã giải quyết 302 hồ sơ:' followed by its parts, one per bullet
            last.group, last.role, last.cue = self.new_group(), "total", ":"
            return last
        return carry_total

    def sentence_facts(self, block: Block, text: str, s: int, e: int, sent_figs: list[Figure],
                       section_period: dict | None, target_section: bool) -> Fact | None:
        """Facts of one sentence; returns a total whose parts follow after the sentence."""
        sent_period = self.sentence_period(text[s:e])
        period_source = "sentence" if sent_period else ("section" if section_period else "report")
        sent = _Sentence(block, text, s, e, sent_period or section_period, period_source, target_section)
        state = OpenTotal()
        prev_fact: Fact | None = None
        sentence_facts: list[Fact] = []
        carry_total: Fact | None = None
        prev_end = s
        for k, fig in enumerate(sent_figs):
            nxt_start = sent_figs[k + 1].start if k + 1 < len(sent_figs) else e
            w = _Window.around(text, s, fig, prev_end, nxt_start)
            fact = self.figure_fact(sent, fig, w, state, prev_fact)
            self.link_rate(fact, fig, prev_fact, text, s, w.left_clause, sentence_facts)
            self.back_reference(fact, w.right_full)
            if partition_cue(w.right_full, self.cues, text[fig.end:e]) and fig.kind in ("count", "money", "ratio"):
                owner = self.open_group(state, fact, sentence_facts, w.right_full, text[fig.end:e])
                if not w.right_full.strip(" :,").lower().replace("trong đó", "").strip(" :,") \
                        and k == len(sent_figs) - 1:
                    carry_total = owner
            prev_fact = fact
            sentence_facts.append(fact)
            prev_end = fig.end
        self.total_after_parts(sentence_facts)
        self.inline_items(text, e, sentence_facts)
        return carry_total

    def figure_fact(self, sent: _Sentence, fig: Figure, w: _Window, state: OpenTotal, prev_fact: Fact | None) -> Fact:
        """The fact of one figure of ``sent``, its metric and role read from the words around it."""
        text, s, e = sent.text, sent.start, sent.end
        sentence = text[s:e]
        metric, role = self.figure_metric(state, fig, text, s, w, prev_fact)
        period = self.fact_period(metric, sentence, sent.period)
        fact = self.add(metric=metric.key if metric else None, value=fig.value,
                        unit=unit_text(fig, w.right), kind=fig.kind, period=period,
                        qualifier=self.figure_qualifier(fig, w, sent.target_section), role=role,
                        group=state.group_id if role == "part" else None,
                        scope=self.scope_of(w.left_sentence, w.right_full), section=self.section_label(sent.block),
                        quote=figure_quote(text, (s, e), fig), at=quote_start(text, (s, e), fig),
                        file=sent.block.location.file, page=sent.block.location.page,
                        line=sent.block.location.line, raw=fig.raw, decimals=fig.decimals,
                        denominator=fig.denominator, phrase=self.last_phrase if metric else None,
                        end=fig.end, lead=" ".join(w.left_sentence[-30:].split()).lower(),
                        period_source=sent.period_source if not (metric and metric.stock and AS_OF.search(sentence))
                        else "sentence")
        if role == "part" and metric is None:
            fact.label = w.left_clause.strip(" :-+•;,(").strip()[:80] or None
        return fact

    def figure_metric(self, state: OpenTotal, fig: Figure, text: str, s: int, w: _Window,
                      prev_fact: Fact | None) -> tuple[Metric | None, str | None]:
        """The figure's metric and its role in the sentence's open breakdown ('part' or None). A rate
        right after a count, in a clause without words of its own, is the rate of that count."""
        metric, role = self.resolve_in_group(state, fig, text, s, w.left_clause, w.left_sentence, w.right,
                                             w.left_window)
        if fig.kind == "percent" and prev_fact is not None and prev_fact.metric and (
                metric is None or not _CLAUSE_HAS_RATE_WORDS.search(w.left_window + w.right)):
            via = [m for m in self.cat.metrics if m.numerator == prev_fact.metric]
            if via and (metric is None or metric.key not in {v.key for v in via}):
                metric = via[0]
        return metric, role

    def figure_qualifier(self, fig: Figure, w: _Window, target_section: bool) -> str | None:
        """Its bound as written, else 'cumulative' or 'target'. A target word before the figure makes it a
        target ('chỉ tiêu … tối thiểu 80%'); after it, the figure is a result measured against one ('đạt
        76,4%, chưa đạt chỉ tiêu')."""
        qualifier = fig.qualifier
        if self.cues.cumulative.search(w.left_clause + w.right):
            qualifier = qualifier or "cumulative"
        if (target_section or self.cues.target.search(w.left_sentence)) and qualifier is None:
            qualifier = "target"
        return qualifier


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

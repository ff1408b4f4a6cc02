"""Every figure in a report becomes a typed, located fact: metric, value (normalised unit), unit as
written, period, qualifier, scope, section, quote and location; totals with their parts and rates
with their numerators share a group id, so the reconciliation rules can work on relations.

How a metric is recognised (catalogue/metrics.yaml): the figure's family comes from the noun it
counts ("hồ sơ", "nhiệm vụ", …) or its unit (%, đồng); within the family the metric whose phrase
is the longest match in the words right after the figure, else in its clause before it, else in
its sentence before it. Parts of a total are recognised within the total's partition.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from wardaudit.catalogue import Catalogue, Metric, load_catalogue, load_cues
from wardaudit.extract.metadata import fold, parse_period
from wardaudit.model.document import Block, Document, Table
from wardaudit.vi.numbers import MONEY_SCALE, Figure, find_figures

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ\-+•(])|\n+")
_CLAUSE_BREAK = re.compile(r"[,;()]|\btrong đó\b|\bgồm\b|\bvà\b", re.IGNORECASE)
_TARGET_SECTIONS = re.compile(r"tiếp theo|thời gian tới|cuối năm|dự kiến|nhiệm vụ, giải pháp|phương hướng", re.IGNORECASE)
_YEAR_START = re.compile(r"^\W*(?:Trong\s+)?năm\s+(\d{4})\b", re.IGNORECASE)
_AS_OF = re.compile(r"(?:đến|tính đến)\s+(?:hết\s+)?ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)
_STATUS = {
    "completed": re.compile(r"^(đã\s+)?hoàn thành|^xong", re.IGNORECASE),
    "in_progress": re.compile(r"đang (triển khai|thực hiện)|đang", re.IGNORECASE),
    "overdue": re.compile(r"quá hạn|chậm", re.IGNORECASE),
    "not_started": re.compile(r"chưa (triển khai|thực hiện)", re.IGNORECASE),
}


@dataclass
class Fact:
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
    end: int | None = None  # where the figure ends in its block's text (not published)
    lead: str = ""  # the words right before the figure in its sentence (not published)
    at: int | None = None  # where the figure starts in its quote (not published)
    outer: str | None = None  # for a total that is itself a part ('+ Quá hạn: 23 hồ sơ, trong đó …'): the outer group
    item: int | None = None  # its outline item: a block, with the bullets its lead-in hands parts to (not published)

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
        return d

    @property
    def period_end(self) -> str | None:
        if not self.period:
            return None
        return self.period.lstrip("@").split("/")[-1] or None


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 6)


COLUMNS = ["id", "metric", "value", "unit", "kind", "period", "qualifier", "role", "group", "scope", "section",
           "quote", "file", "page", "line", "raw", "decimals", "denominator", "origin", "label", "status", "cue", "ocr"]


def facts_frame(facts: Iterable[Fact]):
    import pandas as pd

    return pd.DataFrame([asdict(f) for f in facts], columns=COLUMNS)  # end, lead: working fields, not columns


# --- helpers -----------------------------------------------------------------------------------

def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _quote(text: str, span: tuple[int, int], fig: Figure, limit: int = 320) -> str:
    a, b = _quote_span(span, fig, limit)
    return text[a:b].strip()


def _quote_span(span: tuple[int, int], fig: Figure, limit: int = 320) -> tuple[int, int]:
    s, e = span
    if e - s <= limit:
        return s, e
    return max(s, fig.start - limit // 2), min(e, fig.end + limit // 2)


def _quote_at(text: str, span: tuple[int, int], fig: Figure) -> int:
    """Where the figure starts in its quote."""
    a, b = _quote_span(span, fig)
    return fig.start - a - (len(text[a:b]) - len(text[a:b].lstrip()))


def _family_of(fig: Figure, left: str, right: str, cat: Catalogue) -> str | None:
    if fig.kind == "percent":
        return "rate"
    if fig.kind == "money":
        return "budget"
    r = right.lower().lstrip(" :)")
    for fam, nouns in cat.families.items():
        if any(r.startswith(n) for n in nouns):
            return fam
    best, pos = None, -1
    # a bracketed aside ('(theo Kế hoạch số …)') does not name what the figure counts
    low = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), left.lower())
    for fam, nouns in cat.families.items():
        for n in nouns:
            i = low.rfind(n)
            if i > pos:
                best, pos = fam, i
    return best


def period_string(p: dict | None) -> str | None:
    if not p:
        return None
    return f"{p.get('start') or ''}/{p.get('end') or ''}"


def _year_period(year: str) -> dict:
    return {"start": f"{year}-01-01", "end": f"{year}-12-31"}


class _Extractor:
    def __init__(self, doc: Document, meta: dict[str, Any]):
        self.doc = doc
        self.meta = meta
        self.cat = load_catalogue()
        self.facts: list[Fact] = []
        # a report whose title states no period is about the first period its text states
        self.report_period = meta.get("period") or self.first_period(doc)
        self.section_titles = {s.path: s.title for s in doc.walk_sections()}
        self._group = 0
        self.current_block: int | None = None
        self.current_sentence: int | None = None
        self.cues = load_cues()
        self.own_names = {fold(n) for n in (meta.get("expected_ward"), meta.get("ward_name")) if n}
        self.last_phrase: str | None = None
        self.block_item: dict[int, int] = {}  # block -> outline item ('near' counts items, not sub-bullets)

    def new_group(self) -> str:
        self._group += 1
        return f"G{self._group:03d}"

    def add(self, **kw) -> Fact:
        block = self.doc.blocks[self.current_block] if self.current_block is not None else None
        kw.setdefault("ocr", getattr(block, "ocr_confidence", None))
        kw.setdefault("item", self.block_item.get(self.current_block) if self.current_block is not None else None)
        f = Fact(id=f"F{len(self.facts) + 1:04d}", block=self.current_block, sentence=self.current_sentence, **kw)
        self.facts.append(f)
        return f

    def section_label(self, block: Block) -> str:
        return " > ".join(block.section)

    def in_target_section(self, block: Block) -> bool:
        path = block.section
        return any(_TARGET_SECTIONS.search(self.section_titles.get(path[:k], "") or "")
                   for k in range(1, len(path) + 1))

    # ---- metric resolution --------------------------------------------------------------------
    def resolve(self, fig: Figure, left_clause: str, left_sentence: str, right: str,
                candidates: list[Metric] | None = None) -> Metric | None:
        cat = self.cat
        if candidates is None:
            fam = _family_of(fig, left_clause, right, cat) or _family_of(fig, left_sentence, right, cat)
            if fam is None:
                return None
            candidates = [m for m in cat.in_family(fam) if not m.part_only]
        order = ((right, "first"), (left_clause, "last"), (left_sentence, "last"))
        if left_clause.rstrip().endswith(":") and len(left_clause.split()) <= 5:
            # 'Số hóa: 404/404 hồ sơ …' — a short label names the figure
            order = ((left_clause, "last"), (right, "first"), (left_sentence, "last"))
        self.last_phrase = None
        for ctx, prefer in order:
            m, n = cat.best(ctx.lower(), candidates, prefer)
            if m:
                low = ctx.lower()
                self.last_phrase = next((ph for ph in sorted(m.phrases, key=len, reverse=True) if ph in low), None)
                return m
        return None

    # ---- text ---------------------------------------------------------------------------------
    def text_block(self, block: Block, section_period: dict | None, pending_total: Fact | None) -> Fact | None:
        """Facts of one paragraph. Returns a total whose parts follow in the next bullet blocks."""
        text = block.text
        figures = find_figures(text)
        if not figures:
            return None
        target_section = self.in_target_section(block)
        carry_total: Fact | None = None
        for si, (s, e) in enumerate(_sentences(text)):
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
        sentence = text[s:e]
        sent_period = self.sentence_period(sentence)
        period_source = "sentence" if sent_period else ("section" if section_period else "report")
        sent_period = sent_period or section_period
        # a target word before the figure makes it a target ('chỉ tiêu … tối thiểu 80%'); after it,
        # the figure is a result measured against one ('đạt 76,4%, chưa đạt chỉ tiêu')
        state = _Group()
        prev_fact: Fact | None = None
        sentence_facts: list[Fact] = []
        carry_total: Fact | None = None
        prev_end = s
        for k, fig in enumerate(sent_figs):
            nxt_start = sent_figs[k + 1].start if k + 1 < len(sent_figs) else e
            left_sentence = text[s:fig.start]
            left_window = text[prev_end:fig.start]
            cut = list(_CLAUSE_BREAK.finditer(left_window))
            left_clause = left_window[cut[-1].end():] if cut else left_window
            right_full = text[fig.end:nxt_start]
            rb = re.search(r"[;.:]|,\s*(?:tỷ lệ|tỉ lệ|trong đó|số\s)|\btrong đó\b|\bbao gồm\b"
                           if fig.kind == "percent" else r"[,;.():]|\btrong đó\b|\bbao gồm\b|\bgồm\b",
                           right_full, re.IGNORECASE)
            right = right_full[:rb.start()] if rb else right_full
            metric, role = self.resolve_in_group(state, fig, text, s, left_clause, left_sentence, right, left_window)
            if fig.kind == "percent" and prev_fact is not None and prev_fact.metric and (
                    metric is None or not _CLAUSE_HAS_RATE_WORDS.search(left_window + right)):
                via = [m for m in self.cat.metrics if m.numerator == prev_fact.metric]
                if via and (metric is None or metric.key not in {v.key for v in via}):
                    metric = via[0]
            qualifier = fig.qualifier
            if self.cues.cumulative.search(left_clause + right):
                qualifier = qualifier or "cumulative"
            if (target_section or self.cues.target.search(left_sentence)) and qualifier is None:
                qualifier = "target"
            period = self.fact_period(metric, sentence, sent_period)
            fact = self.add(metric=metric.key if metric else None, value=fig.value,
                            unit=_unit_text(fig, right), kind=fig.kind, period=period,
                            qualifier=qualifier, role=role, group=state.group_id if role == "part" else None,
                            scope=self.scope_of(left_sentence, right_full), section=self.section_label(block),
                            quote=_quote(text, (s, e), fig), at=_quote_at(text, (s, e), fig),
                            file=block.location.file, page=block.location.page,
                            line=block.location.line, raw=fig.raw, decimals=fig.decimals,
                            denominator=fig.denominator, phrase=self.last_phrase if metric else None,
                            end=fig.end, lead=" ".join(left_sentence[-30:].split()).lower(),
                            period_source=period_source if not (metric and metric.stock and _AS_OF.search(sentence))
                            else "sentence")
            if role == "part" and metric is None:
                fact.label = left_clause.strip(" :-+•;,(").strip()[:80] or None
            self.link_rate(fact, fig, prev_fact, text, s, left_clause, sentence_facts)
            self.back_reference(fact, right_full)
            if _partition_cue(right_full, self.cues, text[fig.end:e]) and fig.kind in ("count", "money", "ratio"):
                owner = self.open_group(state, fact, sentence_facts, right_full, text[fig.end:e])
                if not right_full.strip(" :,").lower().replace("trong đó", "").strip(" :,") \
                        and k == len(sent_figs) - 1:
                    carry_total = owner
            prev_fact = fact
            sentence_facts.append(fact)
            prev_end = fig.end
        self.total_after_parts(sentence_facts)
        self.inline_items(text, e, sentence_facts)
        return carry_total

    def inline_items(self, text: str, e: int, facts: list[Fact]) -> None:
        """'02 mô hình: "Thôn số" và "Chợ 4.0"', '05 xã: xã A, xã B, …': a count followed by a colon and
        the items it counts, with no figure among them, declares how many are listed."""
        for f in facts:
            if f.kind != "count" or f.end is None or f.group or not float(f.value).is_integer():
                continue
            m = _INLINE_LIST.match(text[f.end:e])
            if not m or find_figures(m.group("items")):
                continue
            items = [x for x in re.split(r"\s*[;,]\s*|\s+và\s+", m.group("items").strip(" .")) if x.strip()]
            if len(items) >= 2 and f.listed is None:
                f.listed, f.cue = len(items), "liệt kê sau dấu hai chấm"

    def total_after_parts(self, facts: list[Fact]) -> None:
        """'tháng 7 có 1.204 hồ sơ, tháng 8 có 1.318 hồ sơ, tháng 9 có 1.277 hồ sơ, tổng cộng 3.799 hồ sơ':
        a total named as such after the figures of its noun in the same sentence."""
        for k, total in enumerate(facts):
            if total.group or total.kind not in ("count", "money") or not _TOTAL_AFTER.search(total.lead):
                continue
            parts = [f for f in facts[:k] if f.kind == total.kind and f.unit == total.unit and not f.group
                     and f.role is None and f.qualifier == total.qualifier]
            if len(parts) < 2:
                continue
            total.group, total.role, total.cue = self.new_group(), "total", _TOTAL_AFTER.search(total.lead).group(1)
            for p in parts:
                p.group, p.role = total.group, "part"

    def resolve_in_group(self, state: "_Group", fig: Figure, text: str, s: int, left_clause: str,
                         left_sentence: str, right: str, left_window: str) -> tuple[Metric | None, str | None]:
        """The figure's metric, and 'part' when it is a part of the sentence's open total.

        Within an open partition a figure counting the same thing as the total is a part even when
        the catalogue does not name it ('Bộ Công an: 120 hồ sơ'): a named part, metric unknown."""
        total = state.total
        negated = bool(self.cues.negation.search(right)) and fig.kind == "percent"
        if total is None or fig.kind not in ("count", "money", "ratio") or not _compatible(fig, total):
            return (None if negated else self.resolve(fig, left_clause, left_sentence, right)), None
        if group_closed(text, total, fig, s):
            state.close()
            return self.resolve(fig, left_clause, left_window, right), None
        own = self.cat.get(total.metric)
        parts = [p for ps in (own.parts if own else ()) for p in ps]
        direct = [self.cat.get(p) for p in parts if self.cat.get(p)]
        nested = [self.cat.get(q) for m in direct for ps in m.parts for q in ps if self.cat.get(q)]
        candidates = (direct + nested) or None
        # a part is named between the previous figure and itself, not by earlier parts of the sentence
        metric = self.resolve(fig, left_clause, left_window, right, candidates) if candidates else None
        if metric is not None:
            # a part of a part ('hoàn thành đúng hạn' under 'hoàn thành') is not in this sum
            return metric, ("part" if metric.key in parts else None)
        plain = self.resolve(fig, left_clause, left_window, right)
        counted = _unit_text(fig, right)
        if counted in _GENERIC_COUNTERS and total.cue and total.unit != counted:
            self.last_phrase = None
            return None, "part"  # '320 phản ánh, gồm: qua Zalo 96 lượt, …': occurrences of the total's items
        elided = counted in _ELIDED
        named_by_place = plain is not None and (counted == total.unit or (elided and total.cue)) \
            and counted not in self.cat.families.get(plain.family, ())
        own_family = self.cat.get(total.metric).family if self.cat.get(total.metric) else None
        if counted and own_family and counted in self.cat.families.get(own_family, ()) and counted != total.unit:
            # '126 văn bản, trong đó: 14 kế hoạch, 37 quyết định, 69 công văn': kinds of what the total counts
            self.last_phrase = None
            return None, "part"
        if total.metric is None and counted and counted == total.unit:
            return plain, "part"  # '1.148 hồ sơ phát sinh nghĩa vụ tài chính, trong đó 734 hồ sơ thanh toán trực tuyến'
        if plain is not None and plain.key != total.metric and plain.family != "rate" and not named_by_place:
            state.close()  # another quantity: the breakdown is over
            return plain, None
        if _same_unit(fig, right, total):
            self.last_phrase = None
            return None, "part"
        state.close()
        return plain, None

    def open_group(self, state: "_Group", fact: Fact, sentence_facts: list[Fact], right_full: str,
                   rest: str) -> Fact:
        """``fact`` (or the sentence's earlier total that has a partition) becomes the open total."""
        owner = fact
        own = self.cat.get(fact.metric)
        if not (own and own.parts):
            owner = next((f for f in reversed(sentence_facts) if f.kind == fact.kind
                          and self.cat.get(f.metric) and self.cat.get(f.metric).parts), fact)
        if owner.group is None or owner.role != "total":
            owner.group = self.new_group()
        owner.role = "total"
        owner.cue = _partition_cue(right_full, self.cues, rest)
        state.total, state.group_id = owner, owner.group
        return owner

    def link_rate(self, fact: Fact, fig: Figure, prev_fact: Fact | None, text: str, s: int, left_clause: str,
                  sentence_facts: list[Fact]) -> None:
        """Tie a rate to its numerator in the same sentence; a count in brackets right after a rate is
        its numerator; 'chiếm X%' or '(X%)' right after a part is that part's share of the whole."""
        between = text[prev_fact_end(prev_fact, text, s):fig.start] if prev_fact is not None else ""
        if fig.kind == "percent":
            if self.cues.ends_with(self.cues.change_before, left_clause) or \
                    self.cues.starts_with(self.cues.change_after, text[fig.end:fig.end + 30]):
                fact.role = "change"  # 'tăng 8% so với tháng trước': a change, not a rate of the counts before it
                return
            if prev_fact is not None and prev_fact.kind in ("count", "ratio") and ";" not in between and (
                    self.cues.share.search(left_clause) or (between.rstrip().endswith("(") and prev_fact.role == "part")):
                fact.role, fact.cue, fact.base = "share", "chiếm" if self.cues.share.search(left_clause) else "(%)", prev_fact.id
                fact.group = prev_fact.group if prev_fact.role == "part" else None
                return
            if self.cues.share.search(left_clause):
                fact.role, fact.cue = "share", "chiếm"  # a share of a whole the text does not count here
                return
            metric = self.cat.get(fact.metric)
            # the numerator is in the rate's own clause chain: no ';' between them, the same scope
            num = next((f for f in reversed(sentence_facts) if metric and metric.numerator
                        and f.metric == metric.numerator and f.kind in ("count", "ratio", "money")
                        and f.scope == fact.scope and not _introduces_base(self.cues, f.lead)
                        and (fact.phrase or ";" not in text[prev_fact_end(f, text, s):fig.start])), None)
            if num is None and prev_fact is not None and prev_fact.kind in ("count", "ratio", "money") \
                    and ";" not in between and prev_fact.scope == fact.scope and not _introduces_base(self.cues, prev_fact.lead):
                num = prev_fact
            if num is None:
                return
            fact.role, fact.base = "rate", num.id
            if num.role in (None, "numerator"):
                num.role = "numerator"
                num.group = num.group or self.new_group()
                fact.group = num.group
            m = self.cues.rate.search(left_clause)
            fact.cue = m.group(0).lower() if m else None
        elif fig.kind in ("count", "ratio") and prev_fact is not None and prev_fact.kind == "percent" \
                and prev_fact.role != "change" \
                and between.rstrip().endswith("(") and ";" not in between and ")" not in between:
            if fig.kind == "count" and (prev_fact.base or _NAMES_A_BASE.search(between)):
                # '2.712 tài khoản, đạt 98% số người thuộc diện cấp (2.890 người)': the rate has its
                # numerator already, so the count in brackets is its base
                prev_fact.over = fact.id
                rate_metric = self.cat.get(prev_fact.metric)
                if rate_metric and rate_metric.denominator and fact.metric == rate_metric.numerator:
                    fact.metric = rate_metric.denominator  # '76,6% tổng số hồ sơ tiếp nhận (8.327 hồ sơ)'
                return
            # '100% hồ sơ ... (1.234 hồ sơ)', '76,4% (3.056/4.000 hồ sơ)': the count in brackets is the numerator
            rate_metric = self.cat.get(prev_fact.metric)
            if rate_metric and rate_metric.numerator:
                fact.metric = rate_metric.numerator
            gid = prev_fact.group or self.new_group()
            prev_fact.group, prev_fact.role, prev_fact.base = gid, "rate", fact.id
            fact.group, fact.role = gid, "numerator"
            prev_fact.cue = prev_fact.cue or "(số liệu trong ngoặc)"

    def back_reference(self, fact: Fact, right_full: str) -> None:
        """'6 đơn vị nêu trên', '1.512 hồ sơ trực tuyến … nêu trên': the figure restates one given earlier."""
        if fact.kind not in ("count", "money") or not _BACK_REFERENCE.match(right_full):
            return
        earlier = [f for f in self.facts[:-1] if f.kind == fact.kind and f.unit == fact.unit and f.role != "share"
                   and f.file == fact.file and (f.metric == fact.metric or f.metric is None or fact.metric is None)]
        # which earlier figure it restates: the only one of its noun in the section, else one with its value
        same_section = [f for f in earlier if f.section == fact.section]
        same_value = [f for f in earlier if f.value == fact.value]
        target = same_section[0] if len(same_section) == 1 else (same_value[-1] if same_value else None)
        if target is not None:
            fact.cue, fact.base = "nêu trên", target.id

    def scope_of(self, left_sentence: str, right_full: str) -> str | None:
        """Whom a figure is about: a scope named in its own clause after it, else the one named last
        before it in its sentence; None when the sentence names none (the reporting unit)."""
        right = re.split(r"[,;.()]", right_full, maxsplit=1)[0]
        found = self.cues.scope_in(right) or self.cues.scope_in(left_sentence)
        if found and self.own_names and fold(found[0].split(" ", 1)[-1]) in self.own_names:
            return None  # the reporting unit named by its own name
        return found[0] if found else None

    def attach_part(self, total: Fact, block: Block, attached: list[Fact]) -> bool:
        """The first figure of a bullet after 'trong đó:' is a part of ``total``. Returns False when
        the bullet restates a part already listed (a recurrence, not one more part)."""
        first = next((f for f in self.facts if f.file == block.location.file and f.line == block.location.line
                      and f.page == block.location.page and f.kind in ("count", "ratio", "money")), None)
        if first is None:
            return True
        metric = self.cat.get(total.metric)
        if metric and metric.parts:
            cands = [self.cat.get(p) for ps in metric.parts for p in ps if self.cat.get(p)]
            low = block.text.lower()
            m, n = self.cat.best(low[: low.find(first.raw) if first.raw in block.text else len(low)], cands)
            if m:
                first.metric = m.key
        own = {p for ps in (metric.parts if metric else ()) for p in ps}
        other = self.cat.get(first.metric)
        if other and first.metric != total.metric and first.metric not in own and not other.part_only \
                and first.unit in self.cat.families.get(other.family, ()):
            # '- Đã giải quyết 480 hồ sơ': another quantity of the same noun, the report's next item
            # ('+ Tại nhà văn hóa thôn: 15 điểm' names a place, and stays a part)
            return False
        if first.metric == total.metric or first.metric not in own:
            # a named part ('- Xã Phú Lộc: 18.906 tài khoản'): what it counts is the total's, for one unit
            first.metric = None
            first.label = block.text[:block.text.find(first.raw)].strip(" -+•*:;,").strip()[:80] or None
        # a restatement of a part already listed: its value again, or its metric in the same words
        # ('+ Trước hạn: 244; + Đúng hạn: 58' are two parts, both on time)
        if any((a.metric, a.value) == (first.metric, first.value)
               or (a.metric and a.metric == first.metric and a.phrase == first.phrase) for a in attached):
            return False
        if first.role == "total" and first.group and first.group != total.group:
            first.outer = total.group  # a part with its own breakdown: a total there, a part here
        else:
            first.group, first.role = total.group, "part"
        attached.append(first)
        return True

    def first_period(self, doc: Document) -> dict | None:
        for block in doc.blocks[:40]:
            if block.kind != "table":
                p = self.sentence_period(block.text)
                if p:
                    return p
        return None

    def sentence_period(self, sentence: str) -> dict | None:
        p = parse_period(sentence)
        if p and p.get("start"):
            return p
        m = _YEAR_START.match(sentence)
        if m:
            return _year_period(m.group(1))
        return None

    def fact_period(self, metric: Metric | None, sentence: str, period: dict | None) -> str | None:
        base = period or self.report_period
        if metric is not None and metric.stock:
            m = _AS_OF.search(sentence)
            if m:
                d, mo, y = m.groups()
                return f"@{int(y):04d}-{int(mo):02d}-{int(d):02d}"
            end = (base or {}).get("end")
            return f"@{end}" if end else None
        return period_string(base)

    def run_text(self) -> None:
        section_period: dict | None = None
        current_section: tuple = ()
        items = _BulletList()
        item, list_item = -1, -1
        for bi, block in enumerate(self.doc.blocks):
            self.current_block = bi
            marker = _bullet_marker(block.text)
            # a bullet of the list a lead-in opened is part of the lead-in's item
            nested = block.kind not in ("table", "heading") and items.total is not None and marker is not None \
                and marker != items.outer and items.marker in (None, marker)
            item = item if nested else item + 1
            self.block_item[bi] = list_item if nested else item
            if block.kind == "table" or (block.kind == "heading" and not _heading_with_figures(block.text)):
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

    # ---- tables -------------------------------------------------------------------------------
    def run_tables(self) -> None:
        for bi, block in enumerate(self.doc.blocks):
            if block.kind != "table" or block.table is None:
                continue
            self.current_block = bi
            t = block.table
            if _is_indicator_table(t):
                self.indicator_table(block, t)
            elif _status_column(t) is not None:
                self.task_table(block, t)
            else:
                self.numeric_table(block, t)

    def _table_period(self, header: str) -> tuple[str | None, str | None]:
        end = (self.report_period or {}).get("end") or ""
        year = end[:4]
        low = header.lower()
        if "lũy kế" in low or "luỹ kế" in low:
            return period_string(self.report_period), "cumulative"
        m = re.search(r"(\d+)\s+tháng\s+đầu\s+năm", low)
        if m and year and 1 <= int(m.group(1)) <= 12:
            months = int(m.group(1))
            last_day = calendar.monthrange(int(year), months)[1]  # February: 29 days in a leap year
            return f"{year}-01-01/{year}-{months:02d}-{last_day}", None
        p = parse_period(header)
        if p:
            return period_string(p), None
        return period_string(self.report_period), None

    def indicator_table(self, block: Block, t: Table) -> None:
        cols = _indicator_columns(t)
        label_col, unit_col, target_col, result_col = cols
        for i, row in enumerate(t.rows):
            label = row[label_col] if label_col is not None and label_col < len(row) else ""
            target = row[target_col] if target_col < len(row) else ""
            result = row[result_col] if result_col < len(row) else ""
            tf = find_figures(target)
            rf = find_figures(result)
            if not tf and not rf:
                continue
            unit = row[unit_col] if unit_col is not None and unit_col < len(row) else None
            is_pct = (unit or "").strip() == "%"
            pool = [m for m in self.cat.metrics if (m.kind == "percent") == is_pct and not m.part_only]
            metric = self.cat.best(label.lower(), pool)[0] if label else None
            gid = self.new_group()
            loc = t.row_location(i)
            for figs, qual, cell in ((tf, "target", target), (rf, "result", result)):
                if not figs:
                    continue
                f = figs[0]
                kind = "percent" if (unit or "").strip() == "%" else f.kind
                self.add(metric=metric.key if metric else None, value=f.value, unit=unit or None, kind=kind,
                         period=period_string(self.report_period), qualifier=qual if not f.qualifier else f"{qual}:{f.qualifier}",
                         role=qual, group=gid, scope=None, section=" > ".join(block.section), quote=cell,
                         file=loc.file, page=loc.page, line=loc.line, raw=f.raw, decimals=f.decimals,
                         origin="table", label=f"{row[0]} {label}".strip())

    def task_table(self, block: Block, t: Table) -> None:
        col = _status_column(t)
        name_col = 1 if len(t.header) > 1 else 0
        for i, row in enumerate(t.rows):
            status_text = row[col] if col < len(row) else ""
            if not status_text or not row[0] or not re.match(r"^\d+\.?$", row[0].strip()):
                continue
            status = next((k for k, rx in _STATUS.items() if rx.search(status_text)), "other")
            loc = t.row_location(i)
            self.add(metric="tasks.row", value=1, unit="nhiệm vụ", kind="count",
                     period=period_string(self.report_period), qualifier=None, role="row", group=None,
                     scope=None, section=" > ".join(block.section), quote=status_text, file=loc.file,
                     page=loc.page, line=loc.line, raw=row[0], origin="table",
                     label=row[name_col][:160], status=status)

    def numeric_table(self, block: Block, t: Table) -> None:
        gid = None
        title_total = None
        if t.title:
            m = re.search(r":\s*([\d.]+)\s*,?\s*trong đó", t.title) or (
                re.search(r":\s*([\d.]+)(?:\s+[^\W\d]+){0,3}\s*\.?\s*$", t.title) if _one_numeric_column(t) else None)
            figs = find_figures(t.title)
            if m and figs:
                fig = figs[-1]
                gid = self.new_group()
                title_total = next((f for f in reversed(self.facts) if f.origin == "text" and f.raw == fig.raw
                                    and f.quote and f.quote in t.title), None)
                if title_total is None:
                    metric = self.resolve(fig, t.title[:fig.start], t.title[:fig.start], "")
                    loc = t.location
                    title_total = self.add(metric=metric.key if metric else None, value=fig.value, unit=None,
                                           kind=fig.kind, period=period_string(self.report_period), qualifier=None,
                                           role="total", group=gid, scope="all", section=" > ".join(block.section),
                                           quote=t.title, file=loc.file, page=loc.page, line=loc.line, raw=fig.raw,
                                           origin="table")
                title_total.role, title_total.group, title_total.scope = "total", gid, "all"
                title_total.cue = "bảng dưới tiêu đề"
        for i, row in enumerate(t.rows):
            loc = t.row_location(i)
            row_label = " ".join(c for c in row[:2] if c and not re.fullmatch(r"[\d.,/%\s]+", c))
            for j, cell in enumerate(row):
                if j == 0:
                    continue
                figs = find_figures(cell)
                if not figs or not re.fullmatch(r"[\s\d.,%/≥≤<>]+", cell):
                    continue
                f = figs[0]
                header = t.header[j] if j < len(t.header) else ""
                f = _in_money(f, header, t, title_total)
                context = f"{header} {row_label}".lower()
                fam = _family_of(f, context, "", self.cat)
                cands = self.cat.in_family(fam) if fam else self.cat.metrics
                metric = self.cat.best(context, cands)[0]
                period, qual = self._table_period(header)
                # a column's scope ('Cấp xã'), else in a table of several rows the row's own unit
                row_unit = self.row_scope(t, row) if len(t.rows) >= 2 else None
                scope = self.cues.scope_in(header) or ((row_unit,) if row_unit else self.cues.scope_in(row_label))
                self.add(metric=metric.key if metric else None, value=f.value, unit=f.unit_text if f.kind == "money" else None,
                         kind=f.kind, period=period,
                         qualifier=qual, role="part" if title_total else None, group=gid, scope=scope[0] if scope else None,
                         section=" > ".join(block.section), quote=cell, file=loc.file, page=loc.page, line=loc.line,
                         raw=f.raw, decimals=f.decimals, denominator=f.denominator, origin="table",
                         label=f"{header} | {row_label}".strip(" |"))


    def row_scope(self, t: Table, row: list[str]) -> str | None:
        """In a table of several rows each row is its own unit ('Nhà văn hóa ấp Long Thạnh', 'Bãi Dương'
        under 'Tổ dân phố'): its cells are not restatements of each other. A total row is the whole."""
        col = next((j for j, c in enumerate(row[:2]) if c and not re.fullmatch(r"[\d.,/%\s]+", c)), None)
        name = " ".join(row[col].split()) if col is not None else ""
        if not name or _TOTAL_ROW.match(name) or self.cat.best(name.lower(), self.cat.metrics)[0] is not None:
            return None  # a total row, or a row naming what is counted ('Đúng và trước hạn'), not a unit
        kind = t.header[col].strip() if col < len(t.header) else ""
        if kind and (self.cues.named_scope.fullmatch(kind.lower()) or self.cues.named_unit.fullmatch(kind.lower())):
            return f"{kind.lower()} {name}"
        return name


_MONEY_WORDS = re.compile(r"kinh phí|vốn|dự toán|giải ngân|giá trị|số tiền|chi phí|thanh toán|\bthu\b|\bchi\b", re.IGNORECASE)
_MONEY_HEADER = re.compile(r"\(\s*(?:đơn vị(?: tính)?\s*:\s*)?((?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*đồng)\s*\)", re.IGNORECASE)


def _in_money(f: Figure, header: str, t: Table, title_total: Fact | None) -> Figure:
    """A plain number in a money column ('Kinh phí giao (triệu đồng)' → 1.500 is 1,5 tỷ đồng), or in the
    one numeric column of a table under a money total ('Tổng kinh phí: 2.400 triệu đồng' above '| Hạ
    tầng | 1.500 |'), is money in that unit."""
    if f.kind != "count":
        return f
    # a unit in the table's title covers the columns that hold money, not a 'Số dự án' column beside them
    m = _MONEY_HEADER.search(header) or (_MONEY_HEADER.search(t.title or "") if _MONEY_WORDS.search(header) else None)
    unit = " ".join(m.group(1).lower().replace("tỉ", "tỷ").split()) if m else None
    if unit is None and title_total is not None and title_total.kind == "money" and _one_numeric_column(t):
        unit = title_total.unit if title_total.unit in MONEY_SCALE else None
    if unit not in MONEY_SCALE:
        return f
    scale = MONEY_SCALE[unit]
    return Figure(f.start, f.end, f.raw, round(f.value * scale, 6), "money", f.decimals, None, f.qualifier, scale, unit)


_TOTAL_ROW = re.compile(r"^(?:tổng cộng|tổng số|tổng|cộng|toàn (?:tỉnh|huyện|thành phố|xã|phường))\b", re.IGNORECASE)


_CLAUSE_HAS_RATE_WORDS = re.compile(r"trực tuyến|số hóa|số hoá|kết quả điện tử|tái sử dụng|hài lòng|thanh toán|phủ sóng",
                                    re.IGNORECASE)


def _heading_with_figures(text: str) -> bool:
    """A numbered item that is a sentence with figures ('1. Tiếp nhận hồ sơ: UBND phường tiếp nhận
    3.805 hồ sơ, trong đó …'), not a bare title."""
    return len(text) >= 60 and bool(re.search(r"[:,]", text)) and bool(find_figures(text))


_BULLET = re.compile(r"^\s*([-+•*]|\(\d+\)|\d+\)|[a-zđ]\))\s*")


def _bullet_marker(text: str) -> str | None:
    """The list marker a block starts with ('-', '+', '•', '(1)' → '(n)', 'a)' → 'a)'), or None."""
    m = _BULLET.match(text)
    if not m:
        return None
    mk = m.group(1)
    return "(n)" if mk.startswith("(") else ("n)" if mk[0].isdigit() else ("a)" if mk.endswith(")") else mk))


class _BulletList:
    """The bullets after a total ending in 'trong đó:'. The list is the run of blocks with the first
    part's marker; it ends at a paragraph, a heading, a table, or the next item of the outer list
    (the total's own marker)."""

    def __init__(self) -> None:
        self.total: Fact | None = None
        self.outer: str | None = None
        self.marker: str | None = None
        self.parts: list[Fact] = []
        self.listed = 0

    def start(self, total: Fact, marker: str | None) -> None:
        self.end()
        self.total, self.outer, self.marker, self.parts, self.listed = total, marker, None, [], 0

    def end(self) -> None:
        if self.total is not None and self.listed and not self.parts:
            self.total.listed = self.listed  # '04 văn bản, gồm:' followed by the items, one per bullet
        self.total, self.marker, self.parts, self.listed = None, None, [], 0

    def takes(self, marker: str | None) -> bool:
        if self.total is None or marker is None or marker == self.outer:
            return False
        if self.marker is None:
            self.marker = marker
        return marker == self.marker

    def ends_at(self, marker: str | None) -> bool:
        return self.total is not None and (marker is None or marker == self.outer)


class _Group:
    """The total a sentence is breaking down, while its breakdown lasts."""

    def __init__(self) -> None:
        self.total: Fact | None = None
        self.group_id: str | None = None

    def close(self) -> None:
        self.total, self.group_id = None, None


def _partition_cue(right: str, cues, rest: str = "") -> str | None:
    """The cue right after a figure that opens its breakdown ('trong đó', 'gồm', '(gồm: …'), or None.
    Bracketed breakdowns are named '(gồm)' / '(trong đó)'."""
    m = cues.partition.search(right)
    inside = re.match(r"^[^().;]{0,45}\(\s*([^()\d][^()]*)\)", rest) if not m and "(" in right else None
    if inside and sum(f.kind != "percent" for f in find_figures(inside.group(1))) >= 2:
        return "( )"  # '604 hồ sơ (trực tuyến 531 hồ sơ, trực tiếp 73 hồ sơ)': a breakdown in brackets
    if not m:
        # '8.746 hồ sơ: trước hạn 6.912 hồ sơ, …' — a colon right after the figure and its noun
        return ":" if re.match(r"^\s*[^\W\d][\w ]{0,20}:\s*\S", right) else None
    word = m.group(0).lower()
    return f"({word})" if "(" in right[:m.start()] else word


def _same_unit(fig: Figure, right: str, total: Fact) -> bool:
    """A figure counting the same noun (or money) as the total."""
    if fig.kind == "money" or total.kind == "money":
        return fig.kind == total.kind
    unit = _unit_text(fig, right)
    if (unit in _ELIDED or unit in _GENERIC_COUNTERS) and total.cue:
        # the noun is left out after the first part ('3 nhiệm vụ về thể chế; 5 về hạ tầng số'), or
        # the parts are counted as occurrences ('320 phản ánh, gồm: qua Zalo 96 lượt, …')
        return True
    return bool(unit) and bool(total.unit) and unit == total.unit


_ELIDED = (None, "về", "của", "tại", "ở", "thuộc", "là", "đối", "cho", "do", "trên")
_GENERIC_COUNTERS = ("lượt", "trường hợp")


def group_closed(text: str, total: Fact, fig: Figure, start: int) -> bool:
    """A '(gồm …)' breakdown ends at its closing bracket (brackets inside it, '(chiếm 62,5%)', do not)."""
    if not (total.cue or "").startswith("("):
        return False
    i = text.find(total.raw, start)
    between = text[i + len(total.raw):fig.start] if i >= 0 else ""
    depth = 0
    for ch in between:
        depth += ch == "("
        depth -= ch == ")"
    return depth <= 0 and "(" in between


# '… tương đương 76,6% tổng số hồ sơ tiếp nhận (8.327 hồ sơ)', '… 78,1% số người dân từ 14 tuổi trở lên
# (5.001 người)': the words between a rate and a bracketed count name its base
_NAMES_A_BASE = re.compile(r"\btổng số\b|\btổng\b|\bsố (?:người|hộ|dân|công dân|cán bộ|đơn vị)\b", re.IGNORECASE)


_INLINE_LIST = re.compile(r"^\s*[^\W\d][^:;.\d]{0,60}?(?:,?\s*(?:bao gồm|gồm|là))?\s*:\s*(?P<items>[^.]+)")
_BACK_REFERENCE = re.compile(r"^\s*[^\W\d][\w ]{0,30}?\b(?:nêu trên|kể trên|nói trên|trên đây)\b", re.IGNORECASE)
_TOTAL_AFTER = re.compile(r"\b(tổng cộng|tổng số|cộng)\b[^,;.:()\d]{0,25}$", re.IGNORECASE)


def _introduces_base(cues, lead: str) -> bool:
    """'… trên tổng số 905 hồ sơ': the words before a count make it a rate's base. Only the long
    forms count here: a bare 'trong'/'trên' before a count is too common to exclude a numerator."""
    return cues.ends_with(cues.introduces_base, lead) and len(lead.split()) >= 2 and \
        any(lead.rstrip().endswith(w) for w in ("tổng số", "tổng", "trong số"))


def prev_fact_end(fact: Fact, text: str, start: int) -> int:
    if fact.end is not None:
        return fact.end
    i = text.find(fact.raw, start)
    return i + len(fact.raw) if i >= 0 else start


def _compatible(fig: Figure, total: Fact) -> bool:
    kinds = {"count", "ratio"}
    return (fig.kind in kinds and total.kind in kinds) or fig.kind == total.kind


def _unit_text(fig: Figure, right: str) -> str | None:
    if fig.kind == "percent":
        return "%"
    if fig.kind == "money":
        return fig.unit_text
    words = right.strip(" :").split()
    if not words:
        return None
    two = " ".join(words[:2]).lower().strip(".,;:”\"’)")
    nouns = {n for ns in load_catalogue().families.values() for n in ns if " " in n}
    if two in nouns or two in ("hồ sơ", "thủ tục", "nhiệm vụ", "mô hình", "hội nghị", "tài khoản", "cán bộ",
                               "văn bản", "cuộc họp", "kế hoạch", "quyết định", "công văn", "thành viên"):
        return two
    return words[0].lower().strip(".,;:”\"’)") or None


def _is_indicator_table(t: Table) -> bool:
    h = [x.lower() for x in t.header]
    return any("mục tiêu" in x or "kế hoạch" in x or "chỉ tiêu giao" in x for x in h) and any("kết quả" in x or "thực hiện" in x for x in h)


def _indicator_columns(t: Table) -> tuple[int | None, int | None, int, int]:
    h = [x.lower() for x in t.header]
    target = next(i for i, x in enumerate(h) if "mục tiêu" in x or "kế hoạch" in x or "chỉ tiêu giao" in x)
    result = next(i for i, x in enumerate(h) if ("kết quả" in x or "thực hiện" in x) and i != target)
    label = next((i for i, x in enumerate(h) if "chỉ tiêu" in x and i != target), 1 if len(h) > 1 else None)
    unit = next((i for i, x in enumerate(h) if "đơn vị" in x), None)
    return label, unit, target, result


def _one_numeric_column(t: Table) -> bool:
    """A table listing units with one figure each ('| 1 | Xã A | 9.806 |'): its title's figure is their total."""
    numeric = {j for row in t.rows for j, c in enumerate(row) if j > 0 and re.fullmatch(r"\s*[\d.,]+\s*", c or "")}
    return len(t.rows) >= 2 and len(numeric) == 1


def _status_column(t: Table) -> int | None:
    h = [x.lower() for x in t.header]
    for i, x in enumerate(h):
        if any(k in x for k in ("tiến độ", "kết quả thực hiện", "tình trạng", "trạng thái")):
            values = [r[i] for r in t.rows if i < len(r) and r[i]]
            if values and sum(1 for v in values if any(rx.search(v) for rx in _STATUS.values())) >= len(values) / 2:
                return i
    return None


def extract_facts(doc: Document, meta: dict[str, Any]) -> list[Fact]:
    ex = _Extractor(doc, meta)
    ex.run_text()
    ex.run_tables()
    return ex.facts

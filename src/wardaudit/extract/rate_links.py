"""Ties within a sentence that the text states: a rate and its numerator (or its base in brackets), a
part and its share, a change against another period, a figure restating one 'nêu trên'."""
from __future__ import annotations

import re
from functools import lru_cache

from wardaudit.catalogue import _words
from wardaudit.extract.proximity import cue_data
from wardaudit.extract.state import Extraction
from wardaudit.extract.unnamed import GUESSED_BACK_REFERENCE
from wardaudit.model.facts import Fact
from wardaudit.vi.numbers import Figure

# '… tương đương 76,6% tổng số hồ sơ tiếp nhận (8.327 hồ sơ)', '… 78,1% số người dân từ 14 tuổi trở lên
# (5.001 người)': the words between a rate and a bracketed count name its base
_NAMES_A_BASE = re.compile(r"\btổng số\b|\btổng\b|\bsố (?:người|hộ|dân|công dân|cán bộ|đơn vị)\b", re.IGNORECASE)


_BACK_REFERENCE = re.compile(r"^\s*[^\W\d][\w ]{0,30}?\b(?:nêu trên|kể trên|nói trên|trên đây)\b", re.IGNORECASE)


# 'đạt tỷ lệ này', 'có tỷ lệ hồ sơ trực tuyến': the words between a count and a percentage name a rate
_NAMED_RATE = re.compile(r"\b(?:tỷ lệ|tỉ lệ|mức)\b(?P<rest>[^\d%;]*)$", re.IGNORECASE)
# after a percentage: 'trở lên' (a threshold), or the noun it is a rate of ('100% hồ sơ', '100% số thủ tục')
_AFTER_THRESHOLD = re.compile(r"^\s*(?:trở lên|trở xuống)\b", re.IGNORECASE)
_AFTER_NOUN = re.compile(r"^\s*(?:số\s+)?(?P<noun>[^\W\d][\w ]{0,20})", re.IGNORECASE)
_NOT_A_NOUN = re.compile(r"^(?:so với|kế hoạch|chỉ tiêu|dự toán|mục tiêu|trong|trên|của|và|so|là|tổng)\b")
_RANK_FIELD = re.compile(r"\s*(?:trong (?:tổng )?số|trong|trên tổng số|/)?\s*", re.IGNORECASE)
_THRESHOLD_BOUNDS = ("upper_bound", "lower_bound", "at_least", "at_most")


@lru_cache(maxsize=1)
def _unit_words() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The rank cue words, and the nouns that count units (cues.yaml ``rank``, ``unit_nouns``), longest first."""
    data = cue_data()
    return _words(data.get("rank") or ["\x00"]), tuple(sorted(data.get("unit_nouns") or (), key=len, reverse=True))


def unit_noun(words: str) -> str | None:
    """The noun counting units that ``words`` (right after a count) start with ('huyện', 'tổ dân phố')."""
    low = " ".join(words.lower().split())
    for noun in _unit_words()[1]:
        if low.startswith(noun) and not re.match(r"[\w]", low[len(noun):len(noun) + 1]) \
                and not low[len(noun):].startswith(" hội"):  # 'xã hội' is not a commune
            return noun
    return None


class RateLinks:
    """The ties a sentence states between a figure and the one before it; reads and changes the
    extraction state ``x``."""

    def __init__(self, x: Extraction):
        self.x = x

    def end_in(self, fact: Fact, text: str, start: int) -> int:
        """Where ``fact`` ends in ``text`` (searched from ``start`` when its place does not say)."""
        end = self.x.place(fact).end
        if end is not None:
            return end
        i = text.find(fact.raw, start)
        return i + len(fact.raw) if i >= 0 else start

    def mark_rank(self, fact: Fact, fig: Figure, prev_fact: Fact | None, left_clause: str, between: str) -> bool:
        """'xếp thứ 12/34 tỉnh', 'đứng thứ 5 trên 63 tỉnh, thành phố': a rank (its field after '/' or 'trên'),
        never a count. Returns True when ``fact`` is a rank or the field of the rank before it."""
        if fig.kind not in ("count", "ratio"):
            return False
        if prev_fact is not None and prev_fact.kind == "rank" and prev_fact.denominator is None \
                and fig.kind == "count" and _RANK_FIELD.fullmatch(between):
            prev_fact.denominator = fig.value  # 'thứ 5 trên 63': 63 is what it is ranked among
            fact.role, fact.qualifier, fact.base = "rank_total", None, prev_fact.id
            fact.metric = fact.phrase = None
            return True
        if not self.x.cues.ends_with(_unit_words()[0], left_clause):
            return False
        fact.kind, fact.metric, fact.phrase, fact.cue = "rank", None, None, "xếp hạng"
        return True

    def threshold_of_units(self, fact: Fact, fig: Figure, prev_fact: Fact | None, text: str, between: str) -> bool:
        """'có 4/7 huyện đạt tỷ lệ này dưới 2%', '8/8 xã đạt 100% hồ sơ trực tuyến': a count of units meeting
        a condition and the condition's threshold, a property of each unit, not the count's rate. Read so
        when the percentage is a bound, is followed by 'trở lên', or names a rate or a noun other than the
        units'. The count becomes a ``unit_count``, the percentage its ``threshold``; neither is a metric's
        value."""
        end = self.x.place(prev_fact).end if prev_fact is not None else None
        if prev_fact is None or prev_fact.kind not in ("count", "ratio") or ";" in between or end is None:
            return False
        noun = unit_noun(text[end:end + 40])
        if noun is None:
            return False
        named = _NAMED_RATE.search(between)
        rest = " ".join(named.group("rest").split()).lower() if named else ""
        own = rest.startswith((noun, "số " + noun))
        after = _AFTER_NOUN.match(text[fig.end:fig.end + 40])
        other_noun = after is not None and not _NOT_A_NOUN.match(after.group("noun").lower()) \
            and not after.group("noun").lower().startswith(noun)
        if not (fig.qualifier in _THRESHOLD_BOUNDS or (rest and not own) or other_noun
                or _AFTER_THRESHOLD.match(text[fig.end:fig.end + 20])):
            return False
        if prev_fact.role is None:
            prev_fact.role, prev_fact.metric, prev_fact.phrase = "unit_count", None, None
        fact.role, fact.base, fact.cue, fact.metric, fact.phrase = "threshold", prev_fact.id, "ngưỡng", None, None
        return True

    def link_rate(self, fact: Fact, fig: Figure, prev_fact: Fact | None, text: str, s: int, left_clause: str,
                  sentence_facts: list[Fact]) -> None:
        """Tie a rate to its numerator in the same sentence; a count in brackets right after a rate is
        its numerator; 'chiếm X%' or '(X%)' right after a part is that part's share of the whole."""
        between = text[self.end_in(prev_fact, text, s):fig.start] if prev_fact is not None else ""
        if self.mark_rank(fact, fig, prev_fact, left_clause, between):
            return
        if fig.kind == "percent":
            self.link_percent(fact, fig, prev_fact, text, s, left_clause, sentence_facts, between)
        elif fig.kind in ("count", "ratio") and prev_fact is not None and prev_fact.kind == "percent" \
                and prev_fact.role != "change" \
                and between.rstrip().endswith("(") and ";" not in between and ")" not in between:
            self.link_bracketed_count(fact, fig, prev_fact, between)

    def link_percent(self, fact: Fact, fig: Figure, prev_fact: Fact | None, text: str, s: int, left_clause: str,
                     sentence_facts: list[Fact], between: str) -> None:
        """A percentage is a change, a share of the part before it, or the rate of a count before it."""
        if self.x.cues.ends_with(self.x.cues.change_before, left_clause) or \
                self.x.cues.starts_with(self.x.cues.change_after, text[fig.end:fig.end + 30]):
            fact.role = "change"  # 'tăng 8% so với tháng trước': a change, not a rate of the counts before it
            return
        if self.threshold_of_units(fact, fig, prev_fact, text, between):
            return
        if prev_fact is not None and prev_fact.kind in ("count", "ratio") and ";" not in between and (
                self.x.cues.share.search(left_clause)
                or (between.rstrip().endswith("(") and prev_fact.role == "part")):
            fact.role, fact.base = "share", prev_fact.id
            fact.cue = "chiếm" if self.x.cues.share.search(left_clause) else "(%)"
            fact.group = prev_fact.group if prev_fact.role == "part" else None
            return
        if self.x.cues.share.search(left_clause):
            fact.role, fact.cue = "share", "chiếm"  # a share of a whole the text does not count here
            return
        metric = self.x.cat.get(fact.metric)
        # the numerator is in the rate's own clause chain: no ';' between them, the same scope
        num = next((f for f in reversed(sentence_facts) if metric and metric.numerator
                    and f.metric == metric.numerator and f.kind in ("count", "ratio", "money")
                    and f.scope == fact.scope and not _introduces_base(self.x.cues, self.x.place(f).lead)
                    and (fact.phrase or ";" not in text[self.end_in(f, text, s):fig.start])), None)
        if num is None and prev_fact is not None and prev_fact.kind in ("count", "ratio", "money") \
                and ";" not in between and prev_fact.scope == fact.scope \
                and not _introduces_base(self.x.cues, self.x.place(prev_fact).lead):
            num = prev_fact
        if num is None and prev_fact is not None and _introduces_base(self.x.cues, self.x.place(prev_fact).lead) \
                and ";" not in between:
            # '48.210 giao dịch trên tổng số 78.650 giao dịch, đạt 61,3%': the count before the base is the
            # numerator, the base is stated with the rate
            base_end = self.x.place(prev_fact).end or 0
            before = [f for f in sentence_facts if f is not prev_fact and (self.x.place(f).end or 0) < base_end
                      and f.kind == prev_fact.kind and f.unit == prev_fact.unit and f.value <= prev_fact.value
                      and ";" not in text[self.end_in(f, text, s):fig.start]]
            if before:
                num, fact.over = before[-1], prev_fact.id
        if num is None:
            return
        fact.role, fact.base = "rate", num.id
        if num.role in (None, "numerator"):
            num.role = "numerator"
            num.group = num.group or self.x.new_group()
            fact.group = num.group
        m = self.x.cues.rate.search(left_clause)
        fact.cue = m.group(0).lower() if m else None

    def link_bracketed_count(self, fact: Fact, fig: Figure, prev_fact: Fact, between: str) -> None:
        """A count in brackets right after a rate: its base when the rate has its numerator already (or the
        words name a base), else its numerator; the units under a threshold ('không có đơn vị nào dưới 70%
        (0 đơn vị)') are neither."""
        end = self.x.place(fact).end
        if prev_fact.qualifier in _THRESHOLD_BOUNDS and end is not None \
                and unit_noun(self.x.doc.blocks[self.x.current_block].text[end:end + 40]):
            fact.role, fact.metric, fact.phrase = "unit_count", None, None
            prev_fact.role, prev_fact.base, prev_fact.cue, prev_fact.metric = "threshold", fact.id, "ngưỡng", None
            return
        if fig.kind == "count" and (prev_fact.base or _NAMES_A_BASE.search(between)):
            # '2.712 tài khoản, đạt 98% số người thuộc diện cấp (2.890 người)': the rate has its
            # numerator already, so the count in brackets is its base
            prev_fact.over = fact.id
            rate_metric = self.x.cat.get(prev_fact.metric)
            if rate_metric and rate_metric.denominator and fact.metric == rate_metric.numerator:
                fact.metric = rate_metric.denominator  # '76,6% tổng số hồ sơ tiếp nhận (8.327 hồ sơ)'
            return
        # '100% hồ sơ ... (1.234 hồ sơ)', '76,4% (3.056/4.000 hồ sơ)': the count in brackets is the numerator
        rate_metric = self.x.cat.get(prev_fact.metric)
        if rate_metric and rate_metric.numerator:
            fact.metric = rate_metric.numerator
        elif rate_metric:
            # 'tỷ lệ thanh toán trực tuyến đạt 71,5% (286/400 hồ sơ có nghĩa vụ tài chính)': the rate's words
            # name the count, and the catalogue gives that rate no count: not one of the sentence's other metrics
            fact.metric, fact.phrase = None, None
        gid = prev_fact.group or self.x.new_group()
        prev_fact.group, prev_fact.role, prev_fact.base = gid, "rate", fact.id
        fact.group, fact.role = gid, "numerator"
        prev_fact.cue = prev_fact.cue or "(số liệu trong ngoặc)"

    def back_reference(self, fact: Fact, right_full: str) -> None:
        """'6 đơn vị nêu trên', '1.512 hồ sơ trực tuyến … nêu trên': the figure restates one given earlier."""
        if fact.kind not in ("count", "money") or not _BACK_REFERENCE.match(right_full):
            return
        earlier = [f for f in self.x.facts[:-1] if f.kind == fact.kind and f.unit == fact.unit and f.role != "share"
                   and f.file == fact.file and (f.metric == fact.metric or f.metric is None or fact.metric is None)]
        # which earlier figure it restates: the only one of its noun in the section, else one with its value
        same_section = [f for f in earlier if f.section == fact.section]
        same_value = [f for f in earlier if f.value == fact.value]
        target = same_section[0] if len(same_section) == 1 else (same_value[-1] if same_value else None)
        if target is not None:
            fact.cue, fact.base = "nêu trên", target.id
        elif same_section:
            # none of the figures above has its value: the nearest one is the likeliest it restates (a guess)
            nearest = min(reversed(same_section), key=lambda f: abs(f.value - fact.value))
            fact.cue, fact.base = GUESSED_BACK_REFERENCE, nearest.id


def _introduces_base(cues, lead: str) -> bool:
    """'… trên tổng số 905 hồ sơ': the words before a count make it a rate's base. Only the long
    forms count here: a bare 'trong'/'trên' before a count is too common to exclude a numerator."""
    return cues.ends_with(cues.introduces_base, lead) and len(lead.split()) >= 2 and \
        any(lead.rstrip().endswith(w) for w in ("tổng số", "tổng", "trong số"))

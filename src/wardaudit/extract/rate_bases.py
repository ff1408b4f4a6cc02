"""A rate's base (its denominator): which count it is, where the text states it, and so how firmly the
rate is tied to it.

A base is **stated** when the text names it in the rate's own clause: the numerator's own '/M'
('2.874/2.950 hồ sơ, đạt 97,42%'), a count introduced as a base ('trên tổng số 905 hồ sơ', 'trong số
486 cán bộ'), or one the words after the rate name ('đạt 98% số người thuộc diện cấp (2.890 người)').
It is the **partition**'s whole when the numerator is a part handed to a total stated with it ('tiếp nhận
1.148 hồ sơ, trong đó 734 hồ sơ trực tuyến, chiếm 63,9%', or the lead-in of its bullet). Both are
explicit. Anything else is a reading, inferred, and says where the base was found: in the rate's
sentence, the sentence before, its paragraph, or an earlier item. A numerator that is a part of a part
(on time ⊂ resolved ⊂ received: the catalogue gives its rate several bases) has no single base unless
the text states one: every plausible base found is tried (``one_of``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wardaudit.extract.proximity import (
    extra_cues,
    gap,
    is_compared,
    near,
    own_scope,
    same_block,
    same_sentence,
    words_after,
)
from wardaudit.model.facts import Places, is_target
from wardaudit.model.relations import Strength

STATED, PARTITION = "stated", "partition"
SENTENCE, PREVIOUS, PARAGRAPH, EARLIER = "same_sentence", "previous_sentence", "paragraph", "earlier"
ONE_OF = "one_of"
EXPLICIT_SOURCES = (STATED, PARTITION)


@dataclass(frozen=True)
class Bases:
    """The base(s) found for a rate, where they came from, or why none was."""

    facts: tuple[Any, ...] = ()
    source: str | None = None
    reason: str = ""

    @property
    def strength(self) -> Strength:
        return Strength.EXPLICIT if self.source in EXPLICIT_SOURCES else Strength.INFERRED


def where(base, rate) -> str:
    """Where ``base`` stands from ``rate``: its sentence, the sentence before, its paragraph, or earlier."""
    if same_sentence(base, rate):
        return SENTENCE
    if same_block(base, rate):
        return PREVIOUS if (base.sentence or 0) == (rate.sentence or 0) - 1 else PARAGRAPH
    return EARLIER


def unit_like(f) -> bool:
    """A rank or a count of units meeting a condition: never a rate's numerator or base."""
    return f.kind == "rank" or f.role in ("unit_count", "rank_total")


def find_bases(facts: list[Any], places: Places, by_id: dict, rate, num, den_metrics: tuple[str, ...],
               cues) -> Bases:
    """The base of ``rate`` over ``num``: stated, the partition's whole, or found nearby (see the module)."""
    if rate.over in by_id:
        return Bases((by_id[rate.over],), STATED)
    introduced = [f for f in facts if same_sentence(f, rate) and f is not num and f.kind == num.kind
                  and f.unit == num.unit and f.value >= num.value and not unit_like(f)
                  and cues.ends_with(cues.introduces_base, places.of(f).lead)]
    if introduced:
        return Bases((introduced[0],), STATED)
    among = _among_these(facts, places, rate, num)
    if among is not None:
        return Bases((among,), STATED)
    whole = [f for f in facts if num.role == "part" and f.group == num.group and f.role == "total"]
    if whole and (rate.role == "share" or len(den_metrics) <= 1) and whole[0].value >= num.value \
            and (same_sentence(whole[0], rate) or gap(whole[0], rate) == 0):
        return Bases((whole[0],), PARTITION)
    plan = of_plan(rate)
    if len(den_metrics) > 1:
        found = _plausible(facts, places, rate, num, den_metrics, whole)
        if found.facts:
            return found
    if not den_metrics:
        return _unnamed_base(facts, places, rate, num, plan, cues)
    return _catalogue_base(facts, places, rate, num, den_metrics, plan, cues)


_AMONG_THESE = re.compile(r"\btrong số (?:này|đó|trên)\s*(?:có\s*)?$")


def _among_these(facts, places, rate, num):
    """'Cấp xã có 486 cán bộ, công chức, trong số này 472 người đã có chữ ký số, chiếm 97,1%': the
    numerator is counted 'among these', the one earlier count of its noun in the sentence; the words tie
    the base to it."""
    if not _AMONG_THESE.search(places.of(num).lead) or not same_sentence(num, rate):
        return None
    before = [f for f in facts if same_sentence(f, num) and f is not num
              and (places.of(f).end or 0) < (places.of(num).end or 0)
              and f.kind == num.kind and f.value >= num.value and same_noun(f, num) and not unit_like(f)]
    return before[-1] if before else None


def _candidates(facts, rate, num, den_metrics) -> list[Any]:
    return [f for f in facts if f.metric in den_metrics and f.period == rate.period and not is_target(f)
            and f.origin == "text" and f is not num and own_scope(f) == num.scope and not unit_like(f)]


def _before(f, rate) -> bool:
    return same_sentence(f, rate) or (f.block, f.sentence or 0) < (rate.block, rate.sentence or 0)


def _plausible(facts, places, rate, num, den_metrics, whole) -> Bases:
    """A part of a part: the nearest statement before it of each base the catalogue allows (and the
    whole of the numerator's own breakdown), each a candidate; one found is an ordinary inferred base."""
    found: list[Any] = list(whole[:1])
    for key in den_metrics:
        cands = [f for f in _candidates(facts, rate, num, (key,)) if _before(f, rate) and f.value >= num.value
                 and f.section == rate.section and gap(f, rate) is not None and 0 <= gap(f, rate) <= 2]
        if cands:
            best = max(cands, key=lambda f: (f.block, f.sentence or 0, places.of(f).end or 0))
            if all(best is not g for g in found):
                found.append(best)
    found = [f for f in found if f.value >= num.value]
    if not found:
        return Bases(reason="không rõ mẫu số của tỷ lệ")  # the caller looks further, as for one base
    if len(found) == 1:
        return Bases((found[0],), where(found[0], rate))
    return Bases(tuple(found), ONE_OF)


def _catalogue_base(facts, places, rate, num, den_metrics, plan, cues) -> Bases:
    """The catalogue's base for the rate: in its sentence, its paragraph, the item before, or the plan
    its sentence names — every one a reading (inferred)."""
    cands = _candidates(facts, rate, num, den_metrics)
    here = [f for f in cands if same_sentence(f, rate)]
    if here:
        return Bases((here[0],), SENTENCE)
    para = [f for f in cands if same_block(f, rate)] or \
        ([f for f in cands if near(f, rate)] if rate.role is None else [])
    if para:
        # of the bases nearby, the numerator's own total ('tiếp nhận mới 5.794, trong đó: + trực tuyến 4.915')
        own = [f for f in para if num.role == "part" and f.group == num.group and f.role == "total"]
        best = own[0] if own else min(para, key=lambda f: abs((f.sentence or 0) - (rate.sentence or 0)))
        return Bases((best,), where(best, rate))
    # 'Tiếp nhận 320 phản ánh …' then 'Đã xử lý xong 312 phản ánh (97,5%)': the one base of the
    # catalogue in the item just before, in the same section
    prev = [f for f in cands if f.section == rate.section and gap(f, rate) == 1 and f.role != "part"]
    if len(prev) == 1:
        return Bases((prev[0],), EARLIER)
    # 'Kinh phí thực hiện …: 3,45 tỷ đồng (bao gồm …).' then 'Đã giải ngân 2,1 tỷ đồng, đạt 60,87%.': the
    # one whole of the numerator's noun the catalogue does not name, in the item before
    unnamed = [f for f in facts if f.metric is None and f.section == rate.section and gap(f, rate) == 1
               and f.kind == num.kind and f.role not in ("part", "share") and f.value >= num.value
               and same_noun(f, num) and not is_target(f) and not unit_like(f) and own_scope(f) == num.scope]
    if len(unnamed) == 1:
        return Bases((unnamed[0],), EARLIER)
    if cues.named_base.search(rate.quote or "") or plan:
        # 'đạt 76,04% kế hoạch': the plan stated just before is the base
        before = [f for f in cands if gap(f, rate) is not None and 0 < gap(f, rate) <= 3]
        if before:
            return Bases((max(before, key=lambda f: f.block),), EARLIER)
    # the catalogue's base under a name it does not know ('Kinh phí … là 1,6 tỷ đồng; đã giải ngân 1,12 tỷ
    # đồng, đạt 70% kế hoạch'); a count the catalogue names as something else is not it
    earlier = earlier_base([f for f in facts if f.metric is None or f.metric in den_metrics], places, rate, num, plan)
    if earlier is not None:
        return Bases((earlier,), SENTENCE)
    whole = section_whole(cands, rate, num)
    if whole is not None:
        return Bases((whole,), EARLIER)
    return Bases(reason="mẫu số không được nêu cùng câu với tỷ lệ")


def section_whole(cands, rate, num):
    """'Tổng số hồ sơ tiếp nhận trong kỳ: 2.400 hồ sơ, trong đó: …' opening a section and, items later,
    'Đã giải quyết 2.352 hồ sơ, đạt tỷ lệ 98%': the section states before the rate one whole of the
    catalogue's base for its period and scope (a whole that is itself a part of another, new receipts
    within all received, is that other's part), at least the numerator. Only the catalogue and the
    section tie them: the base is an earlier item's, inferred. Two different wholes: none."""
    wholes = [f for f in cands if f.section == rate.section and _before(f, rate) and f.role != "part"
              and not getattr(f, "outer", None) and not is_compared(f)]
    if len({f.value for f in wholes}) != 1 or wholes[0].value < num.value:
        return None
    return wholes[0]


def _unnamed_base(facts, places, rate, num, plan, cues) -> Bases:
    """A rate the catalogue gives no base: the one earlier count of the numerator's noun in its sentence,
    else in the sentence before; the whole its words name; the wider scope it is a share of."""
    earlier = earlier_base(facts, places, rate, num, plan)
    if earlier is not None:
        return Bases((earlier,), SENTENCE)
    before = previous_sentence_base(facts, rate, num)
    if before is not None:
        return Bases((before,), PREVIOUS)
    named = base_named_by_noun(facts, places, rate, num) or base_of_scope(facts, places, rate, num, cues)
    if named is not None:
        return Bases((named,), where(named, rate))
    return Bases(reason="không rõ mẫu số của tỷ lệ")


def of_plan(rate) -> bool:
    """'đạt 115% kế hoạch', 'bằng 68% dự toán': a rate of a plan or an allotment."""
    m = extra_cues()["plan_base"].search(words_after(rate))
    return bool(m) and not words_after(rate)[:m.start()].strip(" ,")


def same_noun(a, b) -> bool:
    """Two counts of one thing: the same noun, money with money, or people in any of their nouns."""
    if a.kind == "money" or b.kind == "money":
        return a.kind == b.kind
    persons = extra_cues()["person_units"]
    return bool(a.unit) and (a.unit == b.unit
                             or (bool(persons.fullmatch(a.unit)) and bool(persons.fullmatch(b.unit or ""))))


def earlier_base(facts, places, rate, num, plan: bool):
    """'nhận 26 văn bản đến, đã xử lý 26 văn bản, đạt 100%', 'có 1.260 cán bộ; đã cấp chữ ký số cho 1.134
    người, tương đương 90%': with no base named, the one earlier count of the numerator's noun (else the
    only earlier count) in the rate's sentence is its base. A rate of a plan ('đạt 115% kế hoạch') may
    exceed it."""
    pool = [f for f in facts if same_sentence(f, rate) and f is not num and f.kind == num.kind
            and f.kind in ("count", "money") and f.scope == num.scope
            and (places.of(f).end or 0) < (places.of(num).end or 0)
            and (plan or f.value >= num.value) and f.role != "share" and (plan or not is_target(f))
            and not unit_like(f)]
    same = [f for f in pool if same_noun(f, num)]
    if len(same) == 1:
        return same[0]
    # another noun only when it is the one earlier count, and not for a plan (its figure may be unstated)
    return pool[0] if not same and len(pool) == 1 and not plan else None


def previous_sentence_base(facts, rate, num):
    """'Phường có 14 tổ dân phố. 12 tổ dân phố đã có wifi, đạt 85,7%': with no count of the numerator's
    noun before it in its own sentence, the one such count, at least as large, of the sentence before (its
    scope too, when the rate's sentence names none)."""
    if not rate.sentence or not same_sentence(num, rate):
        return None
    # a sentence naming no scope of its own continues the one before ('Toàn tỉnh có … Còn 138 thôn …')
    pool = [f for f in facts if same_block(f, rate) and f.sentence == rate.sentence - 1 and f.kind == num.kind
            and f.kind in ("count", "money") and (f.scope == num.scope or num.scope is None) and f.value >= num.value
            and f.role not in ("share", "part") and not is_target(f) and not unit_like(f) and same_noun(f, num)]
    return pool[0] if len(pool) == 1 else None


def scope_after(rate, cues) -> str | None:
    """The wider scope a share is of, named right after it ('chiếm 27,7% toàn tỉnh'), or None."""
    after = words_after(rate, 25)
    return next((name for name, rx in cues.scopes.items() if rx.match(after)), None)


def base_of_scope(facts, places, rate, num, cues):
    """'241.305 tài khoản, chiếm 27,7% toàn tỉnh': the words after a share name a wider scope; the one
    count of the numerator's metric stated for that scope before it, in the same section, is the base."""
    scope = scope_after(rate, cues)
    if scope is None or not num.metric:
        return None
    cands = [f for f in facts if f is not num and f.metric == num.metric and f.scope == scope and f.origin == "text"
             and f.kind == num.kind and f.section == rate.section and f.period == num.period and not is_target(f)
             and (f.block, places.of(f).end or 0) < (num.block, places.of(num).end or 0) and f.value >= num.value]
    return cands[0] if len(cands) == 1 else None


def base_named_by_noun(facts, places, rate, num):
    """'2.094 hộ, bằng 71,6% số hộ dùng cáp quang của phường': the words after the rate name the
    numerator's noun; the one whole count of that noun stated before it in the rate's outline item or
    the two before it, in the same section, is the base."""
    after = words_after(rate)
    if not num.unit or not re.match(r"(?:tổng )?số " + re.escape(num.unit) + r"\b", after):
        return None
    cands = [f for f in facts if f is not num and f.section == rate.section
             and gap(f, rate) is not None and 0 <= gap(f, rate) <= 2 and not unit_like(f)
             and f.kind == num.kind and f.unit == num.unit and f.role != "part" and f.value >= num.value
             and f.scope == num.scope and not is_target(f)
             and (f.block, places.of(f).end or 0) < (num.block, places.of(num).end or 0)]
    return cands[0] if len(cands) == 1 else None

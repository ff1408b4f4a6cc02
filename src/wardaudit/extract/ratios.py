"""Ratio relations: a stated rate with its numerator and denominator — tied by the sentence, found by
the catalogue nearby, read from a table's layout, or a rate of a compared period."""
from __future__ import annotations

import re
from typing import Any

from wardaudit.catalogue import load_catalogue, load_cues
from wardaudit.extract.proximity import (
    TOTAL_ROW,
    extra_cues,
    gap,
    index_of,
    is_compared,
    near,
    own_scope,
    same_block,
    same_sentence,
    words_after,
)
from wardaudit.model.facts import is_target
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength


def ratios(facts: list[Any]) -> list[Relation]:
    """A stated rate with its numerator and denominator.

    The numerator is the count the rate follows in its clause ('đã giải quyết 950 hồ sơ, đạt tỷ lệ
    95%'), or a count in brackets after it. The denominator is the numerator's own '/b', or the
    catalogue's denominator metric stated in the same sentence (explicit); stated elsewhere in the
    same paragraph, or named in words by the rate's sentence ('trên tổng số hồ sơ tiếp nhận') and
    stated in the paragraphs just before, or — for a rate that names its own metric ('Tỷ lệ hồ sơ
    trực tuyến đạt 95%') — with both counts in the two blocks before it (inferred). Anything else is
    not borrowed: the rate is ambiguous and left unchecked."""
    cat, cues = load_catalogue(), load_cues()
    idx = index_of(facts)  # looked up by sentence, group and metric: no scan of the report per rate
    by_id = idx.by_id
    out = []
    for rate in facts:
        if not _is_stated_rate(rate):
            continue
        metric = cat.get(rate.metric)
        nums = _numerators(idx, by_id, rate, metric)
        if nums is None:
            continue
        if not nums:
            out.append(Relation("ratio", (rate,), CATALOGUE_CUE, Strength.AMBIGUOUS, rate.scope,
                                reason="tỷ lệ không kèm số liệu để tính lại"))
            continue
        out.append(_ratio(idx, by_id, rate, nums[0], metric, cat, cues))
    return out


def _is_stated_rate(rate) -> bool:
    """A rate of the report's results; a share of a part stated outside any breakdown ('401 hồ sơ,
    chiếm 97,3%') is the part's rate."""
    if rate.kind != "percent" or is_target(rate):
        return False
    loose_share = rate.role == "share" and rate.base and not rate.group and not rate.over
    return rate.role in ("rate", None) or bool(loose_share)


def _numerators(idx, by_id, rate, metric) -> list[Any] | None:
    """The rate's numerator: the count the sentence tied to it, else the catalogue's numerator stated
    near it ([] when there is none); None for a rate tied to a count that is not to be found, or a
    cumulative rate with no count of its own."""
    nums = [by_id[rate.base]] if rate.base in by_id else \
        [f for f in idx.group(rate.group) if rate.group and f.group == rate.group and f.role == "numerator"]
    if nums:
        return nums
    if rate.role == "rate" or rate.qualifier == "cumulative":
        return None
    return [f for f in (idx.metric(metric.numerator) if metric else ()) if f.kind in ("count", "ratio")
            and f.period == rate.period and not is_target(f) and near(f, rate) and f.scope == rate.scope]


def _ratio(idx, by_id, rate, num, metric, cat, cues) -> Relation:
    """The rate, its numerator and the denominator found for it, with the strength of the weaker tie;
    ambiguous (with the reason) when no denominator is found, one is an estimate, or the scopes differ."""
    cue = rate.cue or ("tỷ lệ" if rate.role == "rate" else CATALOGUE_CUE)
    strength = Strength.EXPLICIT if same_sentence(num, rate) else Strength.INFERRED
    if rate.qualifier == "approx":
        strength = Strength.INFERRED  # 'khoảng 80%': checked within a point, as a review
    if num.denominator:
        return Relation("ratio", (rate, num), cue, strength, rate.scope)
    den_metrics = metric.denominators if metric else ()
    if not den_metrics:
        # a rate the text does not name ('quá hạn 0 nhiệm vụ (0%)'): its base is the whole the
        # numerator is a part of in the catalogue
        den_metrics = tuple(m.key for m, _ in cat.partitions_containing(num.metric or ""))
    den, den_strength, reason = _denominator(idx, by_id, rate, num, den_metrics, cues)
    if den is None:
        return Relation("ratio", (rate, num), cue, Strength.AMBIGUOUS, rate.scope, reason=reason)
    if (den.qualifier or num.qualifier or "") in ("lower_bound", "upper_bound", "approx", "at_least", "at_most"):
        return Relation("ratio", (rate, num, den), cue, Strength.AMBIGUOUS, rate.scope,
                        reason="tử số hoặc mẫu số là số ước lượng")
    if (own_scope(den) != num.scope or own_scope(den) != rate.scope) and den.scope != _scope_after(rate, cues):
        return Relation("ratio", (rate, num, den), cue, Strength.AMBIGUOUS, rate.scope,
                        reason="tử số và mẫu số thuộc phạm vi khác nhau")
    both = strength is Strength.EXPLICIT and den_strength is Strength.EXPLICIT
    s = Strength.EXPLICIT if both else Strength.INFERRED
    if rate.qualifier == "approx":
        s = Strength.INFERRED
    return Relation("ratio", (rate, num, den), cue, s, rate.scope)


def _denominator(idx, by_id, rate, num, den_metrics, cues):
    # 'Trong 5.320 hồ sơ …, 5.118 hồ sơ được thanh toán trực tuyến, đạt 96,2%': the base is introduced
    # as such in the rate's own sentence
    if rate.over in by_id:
        return by_id[rate.over], Strength.EXPLICIT, ""
    sentence = idx.sentence(rate)
    introduced = [f for f in sentence if same_sentence(f, rate) and f is not num and f.kind == num.kind
                  and f.unit == num.unit and f.value >= num.value and cues.ends_with(cues.introduces_base, f.lead)]
    if introduced:
        return introduced[0], Strength.EXPLICIT, ""
    # 'tiếp nhận 1.148 hồ sơ, trong đó 734 hồ sơ trực tuyến, đạt 63,9%': the part's own total
    whole = [f for f in sentence if num.role == "part" and f.group == num.group and f.role == "total"
             and same_sentence(f, rate)]
    if whole:
        return whole[0], Strength.EXPLICIT, ""
    plan = _of_plan(rate)
    if not den_metrics:
        earlier = _earlier_base(sentence, rate, num, plan)
        if earlier is not None:
            return earlier, Strength.INFERRED, ""
        named = _base_named_by_noun(idx.section(rate), rate, num) or _base_of_scope(idx.metric(num.metric), rate,
                                                                                      num, cues)
        if named is not None:
            return named, Strength.INFERRED, ""
        return None, None, "không rõ mẫu số của tỷ lệ"
    cands = [f for f in idx.metrics(den_metrics) if f.period == rate.period and not is_target(f)
             and f.origin == "text" and f is not num and own_scope(f) == num.scope]
    here = [f for f in cands if same_sentence(f, rate)]
    if here:
        return here[0], Strength.EXPLICIT, ""
    para = [f for f in cands if same_block(f, rate)] or \
        ([f for f in cands if near(f, rate)] if rate.role is None else [])
    if para:
        # of the bases nearby, the numerator's own total ('tiếp nhận mới 5.794, trong đó: + trực tuyến 4.915')
        own = [f for f in para if num.role == "part" and f.group == num.group and f.role == "total"]
        return (own or [min(para, key=lambda f: abs((f.sentence or 0) - (rate.sentence or 0)))])[0], \
            Strength.INFERRED, ""
    # 'Tiếp nhận 320 phản ánh …' then 'Đã xử lý xong 312 phản ánh (97,5%)': the one base of the
    # catalogue in the paragraph just before, in the same section (inferred)
    prev = [f for f in cands if f.section == rate.section and gap(f, rate) == 1 and f.role != "part"]
    if len(prev) == 1:
        return prev[0], Strength.INFERRED, ""
    if cues.named_base.search(rate.quote or "") or plan:
        # 'đạt 76,04% kế hoạch': the plan stated just before is the base
        before = [f for f in cands if gap(f, rate) is not None and 0 < gap(f, rate) <= 3]
        if before:
            return max(before, key=lambda f: f.block), Strength.INFERRED, ""
    # the catalogue's base under a name it does not know ('Kinh phí … là 1,6 tỷ đồng; đã giải ngân 1,12 tỷ
    # đồng, đạt 70% kế hoạch'); a count the catalogue names as something else is not it
    earlier = _earlier_base([f for f in sentence if f.metric is None or f.metric in den_metrics], rate, num, plan)
    if earlier is not None:
        return earlier, Strength.INFERRED, ""
    return None, None, "mẫu số không được nêu cùng câu với tỷ lệ"


def _of_plan(rate) -> bool:
    """'đạt 115% kế hoạch', 'bằng 68% dự toán': a rate of a plan or an allotment."""
    m = extra_cues()["plan_base"].search(words_after(rate))
    return bool(m) and not words_after(rate)[:m.start()].strip(" ,")


def _same_noun(a, b) -> bool:
    """Two counts of one thing: the same noun, money with money, or people in any of their nouns."""
    if a.kind == "money" or b.kind == "money":
        return a.kind == b.kind
    persons = extra_cues()["person_units"]
    return bool(a.unit) and (a.unit == b.unit
                             or (bool(persons.fullmatch(a.unit)) and bool(persons.fullmatch(b.unit or ""))))


def _earlier_base(facts, rate, num, plan: bool):
    """'nhận 26 văn bản đến, đã xử lý 26 văn bản, đạt 100%', 'có 1.260 cán bộ; đã cấp chữ ký số cho 1.134
    người, tương đương 90%': with no base named, the one earlier count of the numerator's noun (else the
    only earlier count) in the rate's sentence is its base — a reading, so inferred. A rate of a plan
    ('đạt 115% kế hoạch') may exceed it."""
    pool = [f for f in facts if same_sentence(f, rate) and f is not num and f.kind == num.kind
            and f.kind in ("count", "money") and f.scope == num.scope and (f.end or 0) < (num.end or 0)
            and (plan or f.value >= num.value) and f.role != "share" and (plan or not is_target(f))]
    same = [f for f in pool if _same_noun(f, num)]
    if len(same) == 1:
        return same[0]
    # another noun only when it is the one earlier count, and not for a plan (its figure may be unstated)
    return pool[0] if not same and len(pool) == 1 and not plan else None


def _scope_after(rate, cues) -> str | None:
    """The wider scope a share is of, named right after it ('chiếm 27,7% toàn tỉnh'), or None."""
    after = words_after(rate, 25)
    return next((name for name, rx in cues.scopes.items() if rx.match(after)), None)


def _base_of_scope(facts, rate, num, cues):
    """'241.305 tài khoản, chiếm 27,7% toàn tỉnh': the words after a share name a wider scope; the one
    count of the numerator's metric stated for that scope before it, in the same section, is the base
    (inferred)."""
    scope = _scope_after(rate, cues)
    if scope is None or not num.metric:
        return None
    cands = [f for f in facts if f is not num and f.metric == num.metric and f.scope == scope and f.origin == "text"
             and f.kind == num.kind and f.section == rate.section and f.period == num.period and not is_target(f)
             and (f.block, f.end or 0) < (num.block, num.end or 0) and f.value >= num.value]
    return cands[0] if len(cands) == 1 else None


def _base_named_by_noun(facts, rate, num):
    """'2.094 hộ, bằng 71,6% số hộ dùng cáp quang của phường': the words after the rate name the
    numerator's noun; the one whole count of that noun stated before it in the rate's outline item or
    the two before it, in the same section, is the base (inferred)."""
    after = words_after(rate)
    if not num.unit or not re.match(r"(?:tổng )?số " + re.escape(num.unit) + r"\b", after):
        return None
    cands = [f for f in facts if f is not num and f.section == rate.section
             and gap(f, rate) is not None and 0 <= gap(f, rate) <= 2
             and f.kind == num.kind and f.unit == num.unit and f.role != "part" and f.value >= num.value
             and f.scope == num.scope and not is_target(f) and (f.block, f.end or 0) < (num.block, num.end or 0)]
    return cands[0] if len(cands) == 1 else None


def compared_ratios(facts: list[Any]) -> list[Relation]:
    """'tiếp nhận 560 hồ sơ, bằng 112% so với tháng 9/2026 (500 hồ sơ)': the count before the rate over
    the count in brackets of the 'so với' clause. The words state it, but which counts is a reading of
    the layout: inferred."""
    idx = index_of(facts)
    out = []
    for rate in facts:
        if rate.kind != "percent" or rate.role != "change" \
                or not re.search(r"\b(?:bằng|tương đương)\s*$", rate.lead or ""):
            continue
        sent = sorted((f for f in idx.sentence(rate) if f.kind == "count"), key=lambda f: f.end or 0)
        before = [f for f in sent if (f.end or 0) < (rate.end or 0)]
        later = [f for f in sent if (f.end or 0) > (rate.end or 0)]
        if not before or not later or not later[0].value or before[-1].unit != later[0].unit:
            continue
        if re.match(r"so với [^,;.()]{0,40}\(\s*" + re.escape(later[0].raw.lower()) + r"\b", words_after(rate, 80)):
            out.append(Relation("ratio", (rate, before[-1], later[0]), "bằng … so với", Strength.INFERRED, rate.scope))
    return out


def named_shares(facts: list[Any]) -> list[Relation]:
    """'Số hồ sơ trực tuyến chiếm 80% tổng số 700 hồ sơ tiếp nhận': a share whose part is named in words
    (the rate's metric) and whose whole follows it. The part is the one count of the catalogue's
    numerator stated earlier in the paragraph, not in a 'so với' clause: inferred."""
    cat = load_catalogue()
    idx = index_of(facts)
    out = []
    for rate in facts:
        m = cat.get(rate.metric)
        if rate.kind != "percent" or rate.role != "share" or rate.base or rate.group or is_target(rate) \
                or m is None or not m.numerator:
            continue
        later = sorted((f for f in idx.sentence(rate) if f.kind == "count"
                        and (f.end or 0) > (rate.end or 0)), key=lambda f: f.end or 0)
        if not later or later[0].metric not in (None, *m.denominators) or not re.match(
                r"(?:của\s+)?(?:trong\s+|trên\s+)?tổng(?:\s+số)?\s+" + re.escape(later[0].raw.lower()) + r"\b",
                words_after(rate, 40)):
            continue
        nums = [f for f in idx.block(rate) if f.metric == m.numerator and f.kind == "count"
                and (f.sentence or 0) < (rate.sentence or 0) and f.period == rate.period and f.scope == rate.scope
                and not is_target(f) and not is_compared(f)]
        if len(nums) == 1 and nums[0].value <= later[0].value:
            out.append(Relation("ratio", (rate, nums[0], later[0]), "chiếm", Strength.INFERRED, rate.scope))
    return out


def table_ratios(facts: list[Any]) -> list[Relation]:
    """A table row with two counts and a 'Tỷ lệ' cell: the rate is the smaller count over the larger.
    Only the layout relates them (which column is the base is not said): inferred."""
    rows: dict[tuple, list[Any]] = {}
    for f in facts:
        if f.origin == "table" and not is_target(f) and f.role is None:
            rows.setdefault((f.file, f.block, f.page, f.line), []).append(f)
    out = []
    for cells in rows.values():
        rates = [f for f in cells if f.kind == "percent" and "tỷ lệ" in (f.label or "").lower().split("|")[0]]
        # two counts, or two amounts of a table in 'triệu đồng' (kinh phí bố trí, đã giải ngân)
        counts = [f for f in cells if f.kind == "count"] or [f for f in cells if f.kind == "money"]
        if len(rates) != 1 or len(counts) != 2 or not max(c.value for c in counts):
            continue
        num, den = sorted(counts, key=lambda f: f.value)
        out.append(Relation("ratio", (rates[0], num, den), "cột tỷ lệ của bảng", Strength.INFERRED, rates[0].scope))
    return out + _rates_of_total_row(rows)


_SHARE_COLUMN = re.compile(r"(?:tỷ lệ|tỉ lệ|tỷ trọng|tỉ trọng|cơ cấu)\s*(?:\(%\))?", re.IGNORECASE)


def _rates_of_total_row(rows: dict[tuple, list[Any]]) -> list[Relation]:
    """'| Quá hạn | 128 | 1,3% |' above '| Tổng | 9.846 | 100% |': a row's 'Tỷ lệ' cell is its count over
    the total row's count in the same column. Only the layout relates them: inferred."""
    def split(f) -> tuple[str, str]:
        head, _, row = (f.label or "").partition(" | ")
        return head.strip().lower(), row.strip()

    totals: dict[tuple, Any] = {}
    whole: set[tuple] = set()  # share columns: their total row says 100%
    for cells in rows.values():
        for f in cells:
            if f.kind == "count" and TOTAL_ROW.match(split(f)[1]):
                totals[(f.file, f.block, split(f)[0])] = f
            if f.kind == "percent" and TOTAL_ROW.match(split(f)[1]) and abs(f.value - 100) < 1e-9:
                whole.add((f.file, f.block, split(f)[0]))
    out = []
    for cells in rows.values():
        # a bare 'Tỷ lệ' / 'Tỷ trọng' column, or one whose total row is 100%, is each row's share of the
        # total; 'Tỷ lệ đúng hạn' is a rate within the row
        rates = [f for f in cells if f.kind == "percent" and (_SHARE_COLUMN.fullmatch(split(f)[0])
                                                              or (f.file, f.block, split(f)[0]) in whole)]
        counts = [f for f in cells if f.kind == "count"]
        if len(rates) != 1 or len(counts) != 1 or TOTAL_ROW.match(split(counts[0])[1]):
            continue
        total = totals.get((counts[0].file, counts[0].block, split(counts[0])[0]))
        if total is not None and total.value >= counts[0].value and total.value > 0:
            out.append(Relation("ratio", (rates[0], counts[0], total), "cột tỷ lệ của bảng", Strength.INFERRED,
                                rates[0].scope))
    return out


def checked_first(ratios: list[Relation]) -> list[Relation]:
    """The ratio relations without an ambiguous one for a rate another relation checks (a table's rate
    cell read by its layout is not also 'unchecked')."""
    checked = {r.members[0].id for r in ratios if r.strength is not Strength.AMBIGUOUS}
    return [r for r in ratios if r.strength is not Strength.AMBIGUOUS or r.members[0].id not in checked]

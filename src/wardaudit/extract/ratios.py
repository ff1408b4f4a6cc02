"""Ratio relations: a stated rate with its numerator and denominator — tied by the sentence, found by
the catalogue nearby (:mod:`~wardaudit.extract.rate_bases` says where a base comes from), read from a
table's layout, or a rate of a compared period."""
from __future__ import annotations

import re
from typing import Any

from wardaudit.catalogue import load_catalogue, load_cues
from wardaudit.extract.proximity import (
    TOTAL_ROW,
    index_of,
    is_compared,
    near,
    own_scope,
    same_block,
    same_sentence,
    words_after,
)
from wardaudit.extract.rate_bases import PREVIOUS, STATED, find_bases, scope_after, unit_like
from wardaudit.model.facts import LOOSE, Places, is_target
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength


def ratios(facts: list[Any], places: Places) -> list[Relation]:
    """A stated rate with its numerator and its base.

    The numerator is the count the rate follows in its clause ('đã giải quyết 950 hồ sơ, đạt tỷ lệ
    95%'), or a count in brackets after it. The base is found as :mod:`~wardaudit.extract.rate_bases`
    says: explicit only when the text states it with the rate (the numerator's own '/M', 'trên tổng
    số N', a bracketed base the words name) or it is the whole of the numerator's breakdown; found
    anywhere else it is inferred, and the relation says where it came from. A count that is a part of
    a part (the catalogue gives its rate several bases) is tried against each base found. A rank or a
    count of units meeting a condition is never a numerator or a base. No base found: ambiguous."""
    cat, cues = load_catalogue(), load_cues()
    idx = index_of(facts)  # each rate looks only at the facts around it (issue 26: time linear in length)
    by_id = idx.by_id
    out = []
    for rate in facts:
        if not _is_stated_rate(rate):
            continue
        metric = cat.get(rate.metric)
        nums = _numerators(idx.around(rate, metrics=(metric.numerator,) if metric else ()), by_id, rate, metric)
        if nums is None:
            continue
        if not nums:
            out.append(Relation("ratio", (rate,), CATALOGUE_CUE, Strength.AMBIGUOUS, rate.scope,
                                reason="tỷ lệ không kèm số liệu để tính lại"))
            continue
        num = nums[0]
        bases = (metric.denominators if metric else ()) or \
            tuple(m.key for m, _ in cat.partitions_containing(num.metric or ""))
        out.append(_ratio(idx.around(rate, num, metrics=(*bases, num.metric)), places, by_id, rate, num, metric, cat,
                          cues))
    return out


def _is_stated_rate(rate) -> bool:
    """A rate of the report's results; a share of a part stated outside any breakdown ('401 hồ sơ,
    chiếm 97,3%') is the part's rate. A threshold ('4/7 huyện đạt tỷ lệ này dưới 2%') is not a rate."""
    if rate.kind != "percent" or is_target(rate):
        return False
    loose_share = rate.role == "share" and rate.base and not rate.group and not rate.over
    return rate.role in ("rate", None) or bool(loose_share)


def _numerators(facts, by_id, rate, metric) -> list[Any] | None:
    """The rate's numerator: the count the sentence tied to it, else the catalogue's numerator stated
    near it ([] when there is none); None for a rate tied to a count that is not to be found, or a
    cumulative rate with no count of its own."""
    nums = [by_id[rate.base]] if rate.base in by_id else \
        [f for f in facts if rate.group and f.group == rate.group and f.role == "numerator"]
    nums = [f for f in nums if not unit_like(f)]
    if nums:
        return nums
    if rate.role == "rate" or rate.qualifier == "cumulative":
        return None
    return [f for f in facts if metric and f.metric == metric.numerator and f.kind in ("count", "ratio")
            and f.period == rate.period and not is_target(f) and near(f, rate) and f.scope == rate.scope
            and not unit_like(f)]


def _ratio(facts, places, by_id, rate, num, metric, cat, cues) -> Relation:
    """The rate, its numerator and the base(s) found for it, with the strength of the weaker tie (the
    numerator's: its sentence; the base's: see :mod:`~wardaudit.extract.rate_bases`); ambiguous (with
    the reason) when no base is found, one is an estimate, or the scopes differ."""
    cue = rate.cue or ("tỷ lệ" if rate.role == "rate" else CATALOGUE_CUE)
    tied = same_sentence(num, rate) and rate.qualifier != "approx"  # 'khoảng 80%': checked as a review
    if num.denominator:
        return Relation("ratio", (rate, num), cue, Strength.EXPLICIT if tied else Strength.INFERRED, rate.scope,
                        base_source=STATED, bases=(_as_written(num, num.denominator),))
    den_metrics = metric.denominators if metric else ()
    if not den_metrics:
        # a rate the text does not name ('quá hạn 0 nhiệm vụ (0%)'): its base is the whole the
        # numerator is a part of in the catalogue
        den_metrics = tuple(m.key for m, _ in cat.partitions_containing(num.metric or ""))
    found = find_bases(facts, places, by_id, rate, num, den_metrics, cues)
    if not found.facts:
        return Relation("ratio", (rate, num), cue, Strength.AMBIGUOUS, rate.scope, reason=found.reason)
    members = (rate, num, *found.facts)
    if any((f.qualifier or "") in LOOSE for f in (num, *found.facts)):
        return Relation("ratio", members, cue, Strength.AMBIGUOUS, rate.scope,
                        reason="tử số hoặc mẫu số là số ước lượng")
    inherits = found.source == PREVIOUS and num.scope is None and rate.scope is None
    if any(own_scope(d) != num.scope or own_scope(d) != rate.scope for d in found.facts) and not inherits \
            and found.facts[0].scope != scope_after(rate, cues):
        return Relation("ratio", members, cue, Strength.AMBIGUOUS, rate.scope,
                        reason="tử số và mẫu số thuộc phạm vi khác nhau")
    strength = found.strength if tied else Strength.INFERRED
    return Relation("ratio", members, cue, strength, rate.scope, base_source=found.source,
                    bases=tuple(_as_written(f) for f in found.facts))


def _as_written(f, value: float | None = None) -> str:
    """A base as the auditor reads it: '2.140 hồ sơ' (the '/M' of a done/total figure when ``value``)."""
    raw = f.raw.split("/")[-1].strip() if value is not None else f.raw
    return f"{raw} {f.unit}".strip() if f.unit and f.kind != "money" else raw


def compared_ratios(facts: list[Any], places: Places) -> list[Relation]:
    """'tiếp nhận 560 hồ sơ, bằng 112% so với tháng 9/2026 (500 hồ sơ)': the count before the rate over
    the count in brackets of the 'so với' clause: the words name the base ('so với N'), explicit."""
    out = []
    for rate in facts:
        if rate.kind != "percent" or rate.role != "change" \
                or not re.search(r"\b(?:bằng|tương đương)\s*$", places.of(rate).lead):
            continue
        sent = sorted((f for f in facts if same_sentence(f, rate) and f.kind == "count"),
                      key=lambda f: places.of(f).end or 0)
        before = [f for f in sent if (places.of(f).end or 0) < (places.of(rate).end or 0)]
        later = [f for f in sent if (places.of(f).end or 0) > (places.of(rate).end or 0)]
        if not before or not later or not later[0].value or before[-1].unit != later[0].unit:
            continue
        if re.match(r"so với [^,;.()]{0,40}\(\s*" + re.escape(later[0].raw.lower()) + r"\b", words_after(rate, 80)):
            out.append(Relation("ratio", (rate, before[-1], later[0]), "bằng … so với", Strength.EXPLICIT, rate.scope,
                                base_source="compared", bases=(f"{later[0].raw} {later[0].unit or ''}".strip(),)))
    return out


def named_shares(facts: list[Any], places: Places) -> list[Relation]:
    """'Số hồ sơ trực tuyến chiếm 80% tổng số 700 hồ sơ tiếp nhận': a share whose part is named in words
    (the rate's metric) and whose whole follows it. The part is the one count of the catalogue's
    numerator stated earlier in the paragraph, not in a 'so với' clause: inferred."""
    cat = load_catalogue()
    out = []
    for rate in facts:
        m = cat.get(rate.metric)
        if rate.kind != "percent" or rate.role != "share" or rate.base or rate.group or is_target(rate) \
                or m is None or not m.numerator:
            continue
        later = sorted((f for f in facts if same_sentence(f, rate) and f.kind == "count"
                        and (places.of(f).end or 0) > (places.of(rate).end or 0)), key=lambda f: places.of(f).end or 0)
        if not later or later[0].metric not in (None, *m.denominators) or not re.match(
                r"(?:của\s+)?(?:trong\s+|trên\s+)?tổng(?:\s+số)?\s+" + re.escape(later[0].raw.lower()) + r"\b",
                words_after(rate, 40)):
            continue
        nums = [f for f in facts if f.metric == m.numerator and same_block(f, rate) and f.kind == "count"
                and (f.sentence or 0) < (rate.sentence or 0) and f.period == rate.period and f.scope == rate.scope
                and not is_target(f) and not is_compared(f)]
        if len(nums) == 1 and nums[0].value <= later[0].value:
            out.append(Relation("ratio", (rate, nums[0], later[0]), "chiếm", Strength.INFERRED, rate.scope,
                                base_source=STATED, bases=(f"{later[0].raw} {later[0].unit or ''}".strip(),)))
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
        out.append(Relation("ratio", (rates[0], num, den), "cột tỷ lệ của bảng", Strength.INFERRED, rates[0].scope,
                            base_source="table", bases=(den.raw,)))
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
                                rates[0].scope, base_source="table", bases=(total.raw,)))
    return out


def checked_first(ratios: list[Relation]) -> list[Relation]:
    """The ratio relations without an ambiguous one for a rate another relation checks (a table's rate
    cell read by its layout is not also 'unchecked')."""
    checked = {r.members[0].id for r in ratios if r.strength is not Strength.AMBIGUOUS}
    return [r for r in ratios if r.strength is not Strength.AMBIGUOUS or r.members[0].id not in checked]

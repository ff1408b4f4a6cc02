"""Relations between facts: what the reconciliation rules check.

A relation ties figures the report relates: a total and its parts (partition), a rate and its
numerator and denominator (ratio), a part and its share of the whole (share), the same quantity
stated twice (recurrence), received = resolved + pending (flow), a period and its sub-periods
(period split), money allocated and disbursed (budget). Each relation carries

- its **scope**: whom the figures are about (None: the reporting unit; 'toàn tỉnh', 'cấp xã',
  'thôn Đông', … when the text names another unit or level);
- its **cue**: the words or layout that make it a relation ('trong đó', '(gồm)', 'đạt tỷ lệ',
  'chiếm', a bullet list, a table under a titled total, or 'danh mục' when only the metric
  catalogue relates them);
- its **strength**: *explicit* when the text itself states the relation (a cue word, the same
  sentence); *inferred* when the catalogue relates figures across sentences; *ambiguous* when the
  relation cannot be pinned down (a rate whose base is not tied to it, figures of different
  scopes) — an ambiguous relation is not checked, only counted.

Severity follows strength (:meth:`Relation.severity`): an error only for an explicit relation
within one scope; an inferred relation gives at most a warning ("cần rà soát / needs review").

"Near" counts outline items (:func:`gap`): the bullets a lead-in hands its parts to are one item
with it. Besides the cue-word relations, these layouts and wordings give inferred relations: a whole
and its levels ('toàn tỉnh' = cấp tỉnh + cấp huyện + cấp xã), a stock raised by additions ('nâng tổng
số … lên'), a sentence stating a next-door table column's sum, a table row's rate over the total
row, a rate of a compared period ('bằng 112% so với …'), a share whose part is named in words, a
sentence restating a table cell by its row and column, and the '/b' of a done/total figure
restating a declared count. Extra cue lists (plan_base, person_units, stock_raise, stock_added,
scope_levels) are in catalogue/cues.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

from wardaudit.catalogue import _words, load_catalogue, load_cues


class Strength(str, Enum):
    EXPLICIT = "explicit"
    INFERRED = "inferred"
    AMBIGUOUS = "ambiguous"


STRENGTH_VI = {Strength.EXPLICIT: "nêu rõ trong văn bản", Strength.INFERRED: "suy ra theo danh mục",
               Strength.AMBIGUOUS: "không xác định được"}
CATALOGUE_CUE = "danh mục chỉ tiêu"


@dataclass(frozen=True)
class Relation:
    """Figures the report relates, with the scope, cue and strength of that relation."""

    kind: str
    members: tuple[Any, ...]
    cue: str
    strength: Strength
    scope: str | None = None
    exhaustive: bool = True
    reason: str = ""

    @property
    def key(self) -> str:
        """Stable across re-runs and re-submissions: kind, metric, scope, period and the figures as
        written — never fact ids or line numbers."""
        head = self.members[0] if self.members else None
        metric = getattr(head, "metric", "") or ""
        period = getattr(head, "period", "") or ""
        figures = "+".join(str(getattr(f, "raw", "")) for f in self.members)
        return f"{self.kind}:{metric}:{self.scope or ''}:{period}:{figures}"

    def severity(self, base: str) -> str | None:
        """The severity a failure of this relation gets from a rule whose own severity is ``base``;
        None when the relation is not to be checked."""
        if self.strength is Strength.AMBIGUOUS:
            return None
        if self.strength is Strength.INFERRED and base == "error":
            return "warning"
        return base

    def weaker(self) -> "Relation":
        """The same relation at most inferred (an approximate figure makes any check a review)."""
        if self.strength is not Strength.EXPLICIT:
            return self
        return Relation(self.kind, self.members, self.cue, Strength.INFERRED, self.scope, self.exhaustive, self.reason)

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "cue": self.cue, "strength": self.strength.value, "scope": self.scope}
        if self.reason:
            d["reason"] = self.reason
        return d


def same_sentence(a, b) -> bool:
    return a.file == b.file and a.block is not None and a.block == b.block and a.sentence == b.sentence


def same_block(a, b) -> bool:
    return a.file == b.file and a.block is not None and a.block == b.block


def own_scope(f) -> str | None:
    """A fact's scope, with a table's titled total ('all': the whole the table breaks down) as the report's own."""
    return None if f.scope == "all" else f.scope


def is_target(f) -> bool:
    return (f.qualifier or "").startswith("target") or f.role == "target"


# --- partitions -------------------------------------------------------------------------------

def partitions(facts: list[Any]) -> list[Relation]:
    """Totals with the parts their text hands them ('trong đó', 'gồm', brackets, bullets, a table
    under a titled total): explicit. Exhaustive when the cue means "consists of", the parts come
    from a table under the total, or they fill one of the catalogue's partitions; otherwise the
    parts may name only some of the whole and can only be checked for exceeding it."""
    cat, cues = load_catalogue(), load_cues()
    groups: dict[str, list[Any]] = {}
    for f in facts:
        if f.group and f.role in ("total", "part"):
            groups.setdefault(f.group, []).append(f)
    nested = {f.id: f.outer for f in facts if getattr(f, "outer", None)}  # totals that are parts of another
    out = []
    for members in groups.values():
        totals = [f for f in members if f.role == "total"]
        parts = [f for f in members if f.role == "part"]
        inner = [f for f in facts if nested.get(f.id) == members[0].group]
        if inner:  # in reading order with the other parts
            parts = sorted(parts + inner, key=lambda f: (f.block or 0, f.end or 0))
        if len(totals) != 1 or not parts:
            continue
        total = totals[0]
        metric = cat.get(total.metric)
        cue = total.cue or "trong đó"
        fills = any(all(p.metric in part for p in parts) and len(parts) >= 2 for part in (metric.parts if metric else ()))
        # one part after 'gồm' is an inclusion ('4.838 hồ sơ (gồm 98 hồ sơ chuyển sang)'), not a breakdown
        # a bracket listing parts with no cue word ('604 hồ sơ (trực tuyến 531, trực tiếp 73)') lists them all
        periods = all(_PERIOD_NAME.match(p.label or "") for p in parts)  # 'quý I …, quý II …, quý III …'
        exhaustive = len(parts) >= 2 and (bool(cues.exhaustive.fullmatch(cue.strip("()"))) or total.origin == "table"
                                          or cue in ("bảng dưới tiêu đề", "( )") or fills or periods)
        out.append(Relation("partition", (total, *parts), cue, Strength.EXPLICIT, total.scope
                            if total.scope != "all" else None, exhaustive))
    return out


def gap(a, b) -> int | None:
    """How many outline items ``b`` comes after ``a`` (negative: before), None across files. Bullets a
    lead-in hands its parts to are one item with it ('tiếp nhận 318 hồ sơ, trong đó:' and its
    '+ Trực tuyến: …' lines), so the next item of the outer list is near."""
    if a.file != b.file:
        return None
    if getattr(a, "item", None) is not None and getattr(b, "item", None) is not None:
        return b.item - a.item
    if a.block is None or b.block is None:
        return None
    return b.block - a.block


def near_after(total, f) -> bool:
    """``f`` is in the total's paragraph or one of the two outline items after it, in the same section."""
    g = gap(total, f)
    return f.section == total.section and g is not None and 0 <= g <= 2


_PERIOD_NAME = re.compile(r"^\W*(?:quý|tháng|năm|tuần|đợt|6 tháng|9 tháng)\s+\S", re.IGNORECASE)


def stated_shares(facts: list[Any]) -> list[Relation]:
    """'3.412 giao dịch, chiếm 43,1% tổng số giao dịch (8.262 giao dịch)': a share with its part
    before it and its whole stated with it: explicit."""
    by_id = {f.id: f for f in facts}
    return [Relation("share", (f, by_id[f.base], by_id[f.over]), f.cue or "chiếm", Strength.EXPLICIT, f.scope)
            for f in facts if f.role == "share" and f.base in by_id and f.over in by_id and by_id[f.over].value]


def share_sets(facts: list[Any]) -> list[Relation]:
    """Shares stated with 'chiếm' side by side — in one sentence, or one per bullet of a list — are
    shares of one whole: together they cannot exceed 100%. No count ties them, so the relation is
    inferred; only a sum above 100% is a finding (the list may leave parts out)."""
    runs: list[list[Any]] = []
    for f in facts:
        if f.kind != "percent" or f.role != "share" or f.cue != "chiếm" or f.base:
            continue
        last = runs[-1][-1] if runs else None
        if last is not None and last.file == f.file and last.section == f.section and f.block is not None \
                and last.block is not None and f.block - last.block <= 1 and f.scope == last.scope:
            runs[-1].append(f)
        else:
            runs.append([f])
    return [Relation("share", tuple(run), "chiếm", Strength.INFERRED, run[0].scope) for run in runs if len(run) >= 2]


def catalogue_partitions(facts: list[Any], explicit: list[Relation]) -> list[Relation]:
    """A total and the parts of one catalogue partition stated apart — in its paragraph or the two
    blocks after it, in the same section — with no cue word tying them: inferred."""
    cat = load_catalogue()
    # a total broken down by named parts (villages, fields) may also be split by the catalogue's kinds
    done = {r.members[0].id for r in explicit if any(p.metric for p in r.members[1:])}
    # a count in a 'so với' clause is another period's
    pool = [f for f in facts if f.metric and not is_target(f) and f.origin == "text" and f.kind != "percent"
            and not _compared(f)]
    out = []
    for total in pool:
        metric = cat.get(total.metric)
        if total.id in done or metric is None or not metric.parts:
            continue
        for partition in metric.parts:
            chosen = []
            for key in partition:
                # a part of a stated breakdown is accounted for there ('- Đã giải quyết 470 hồ sơ, trong đó: + …')
                cands = [f for f in pool if f.metric == key and f.period == total.period and f.scope == total.scope
                         and f.role not in ("total", "part") and near_after(total, f)]
                if cands:
                    first = min(cands, key=lambda f: (f.block - total.block, abs((f.sentence or 0)
                                                                                   - (total.sentence or 0))))
                    # 'trước hạn 302 hồ sơ, đúng hạn 149 hồ sơ': both are on time, both count
                    chosen += [f for f in cands if f.block == first.block and f.sentence == first.sentence]
            together = all(same_sentence(f, total) for f in chosen)
            # 'đã hoàn thành 22 nhiệm vụ, đang triển khai 5 nhiệm vụ': parts stated together, as a breakdown
            listed = len({f.metric for f in chosen}) >= 2 and all(same_sentence(f, chosen[0]) for f in chosen)
            if len(chosen) < 2 or (len(chosen) < len(partition) - 1 and not together and not listed):
                continue  # two parts in the total's own sentence, or side by side in one, are enough; apart, most
            out.append(Relation("partition", (total, *chosen), CATALOGUE_CUE, Strength.INFERRED, total.scope))
            break
    return out


def column_totals(facts: list[Any]) -> list[Relation]:
    """'Phường đã giải ngân 1.825 triệu đồng' next to a table with no total row whose 'Đã giải ngân' column
    lists 1.120, 410 and 295: the sentence states the column's sum. Only the catalogue (one metric) and
    the layout relate them: inferred. Not for a table's titled total, which has its own relation."""
    columns: dict[tuple, list[Any]] = {}
    for f in facts:
        if f.origin == "table" and f.label and " | " in f.label and f.kind in ("count", "money"):
            columns.setdefault((f.file, f.block, f.label.split(" | ")[0]), []).append(f)
    out = []
    for cells in columns.values():
        metric = cells[0].metric
        if metric is None or len(cells) < 2 or any(c.metric != metric or is_target(c) or c.role or c.group
                                                   or _TOTAL_ROW.match(c.label.split(" | ", 1)[1]) for c in cells):
            continue
        near = [f for f in facts if f.origin == "text" and f.metric == metric and f.kind == cells[0].kind
                and not is_target(f) and f.role != "total" and f.scope is None and f.section == cells[0].section
                and gap(cells[0], f) is not None and abs(gap(cells[0], f)) <= 1]
        if len(near) == 1:
            out.append(Relation("partition", (near[0], *cells), "cột bảng", Strength.INFERRED, None))
    return out


def level_partitions(facts: list[Any]) -> list[Relation]:
    """'Toàn tỉnh tiếp nhận 186.420 hồ sơ' and, in one sentence of the next items, the same count for
    'cấp tỉnh', 'cấp huyện' and 'cấp xã': the whole is the sum of its levels (cues.yaml scope_levels).
    Only the scopes relate them: inferred. Not when the levels stated are not a full set."""
    levels = _cue_data().get("scope_levels") or {}
    out = []
    for whole in facts:
        sets = levels.get(whole.scope or "")
        if not sets or whole.origin != "text" or whole.kind not in ("count", "money") or not whole.metric \
                or is_target(whole) or whole.role == "part":
            continue
        parts = [f for f in facts if f is not whole and f.origin == "text" and f.metric == whole.metric
                 and f.period == whole.period and f.kind == whole.kind and not is_target(f)
                 and f.section == whole.section and gap(whole, f) is not None and 0 <= gap(whole, f) <= 2
                 and any(f.scope in lv for lv in sets) and (f.block, f.end or 0) > (whole.block, whole.end or 0)]
        first = parts[0] if parts else None
        parts = [f for f in parts if first is not None and same_sentence(f, first)]
        scopes = sorted(f.scope for f in parts)
        if any(scopes == sorted(lv) for lv in sets):
            out.append(Relation("partition", (whole, *parts), "các cấp", Strength.INFERRED, whole.scope))
    return out


def _before(f, n: int = 90) -> str:
    """The words of a figure's sentence right before it, lower case."""
    quote = (f.quote or "").lower()
    at = _pos(f)
    return " ".join(quote[max(0, at - n):at].split()) if at >= 0 else ""


def stock_flows(facts: list[Any]) -> list[Relation]:
    """'lắp mới 24 camera, nâng tổng số camera đang hoạt động lên 186 camera (cuối quý III: 162 camera)':
    the new stock is the earlier stock plus what was added, all three counts of one noun in one
    sentence. The sentence says so only in words of change: inferred."""
    cues = extra_cues()
    out = []
    for new in facts:
        before = _before(new)
        if new.origin != "text" or new.kind != "count" or not cues["stock_raise"].search(before) \
                or not re.search(r"\blên\s*$", before) or is_target(new):
            continue
        same = [f for f in facts if f is not new and same_sentence(f, new) and f.kind == "count" and f.unit == new.unit]
        added = [f for f in same if (f.end or 0) < (new.end or 0)
                 and cues["stock_added"].search(re.split(r"[,;]", _before(f, 40))[-1] + " " + _after(f, 25))]
        earlier = [f for f in same if f not in added]
        if len(added) == 1 and len(earlier) == 1 and earlier[0].value <= new.value:
            out.append(Relation("partition", (new, earlier[0], added[0]), "nâng tổng số lên", Strength.INFERRED,
                                new.scope))
    return out


# --- rates ------------------------------------------------------------------------------------

def ratios(facts: list[Any]) -> list[Relation]:
    """A stated rate with its numerator and denominator.

    The numerator is the count the rate follows in its clause ('đã giải quyết 950 hồ sơ, đạt tỷ lệ
    95%'), or a count in brackets after it. The denominator is the numerator's own '/b', or the
    catalogue's denominator metric stated in the same sentence (explicit); stated elsewhere in the
    same paragraph, or named in words by the rate's sentence ('trên tổng số hồ sơ tiếp nhận') and
    stated in the paragraphs just before, or — for a rate that names its own metric ('Tỷ lệ hồ sơ
    trực tuyến đạt 95%') — with both counts in the two blocks before it (inferred). Anything else is not borrowed: the rate is
    ambiguous and left unchecked."""
    cat, cues = load_catalogue(), load_cues()
    by_id = {f.id: f for f in facts}
    out = []
    for rate in facts:
        if rate.kind != "percent" or is_target(rate):
            continue
        # a share of a part stated outside any breakdown ('401 hồ sơ, chiếm 97,3%') is the part's rate
        loose_share = rate.role == "share" and rate.base and not rate.group and not rate.over
        if rate.role not in ("rate", None) and not loose_share:
            continue
        metric = cat.get(rate.metric)
        nums = [by_id[rate.base]] if rate.base in by_id else \
            [f for f in facts if rate.group and f.group == rate.group and f.role == "numerator"]
        if not nums:
            if rate.role == "rate" or rate.qualifier == "cumulative":
                continue
            nums = [f for f in facts if metric and f.metric == metric.numerator and f.kind in ("count", "ratio")
                    and f.period == rate.period and not is_target(f) and near(f, rate) and f.scope == rate.scope]
            if not nums:
                out.append(Relation("ratio", (rate,), CATALOGUE_CUE, Strength.AMBIGUOUS, rate.scope,
                                    reason="tỷ lệ không kèm số liệu để tính lại"))
                continue
        num = nums[0]
        cue = rate.cue or ("tỷ lệ" if rate.role == "rate" else CATALOGUE_CUE)
        strength = Strength.EXPLICIT if same_sentence(num, rate) else Strength.INFERRED
        if rate.qualifier == "approx":
            strength = Strength.INFERRED  # 'khoảng 80%': checked within a point, as a review
        if num.denominator:
            out.append(Relation("ratio", (rate, num), cue, strength, rate.scope))
            continue
        den_metrics = metric.denominators if metric else ()
        if not den_metrics:
            # a rate the text does not name ('quá hạn 0 nhiệm vụ (0%)'): its base is the whole the
            # numerator is a part of in the catalogue
            den_metrics = tuple(m.key for m, _ in cat.partitions_containing(num.metric or ""))
        den, den_strength, reason = _denominator(facts, by_id, rate, num, den_metrics, cues)
        if den is None:
            out.append(Relation("ratio", (rate, num), cue, Strength.AMBIGUOUS, rate.scope, reason=reason))
            continue
        if (den.qualifier or num.qualifier or "") in ("lower_bound", "upper_bound", "approx", "at_least", "at_most"):
            out.append(Relation("ratio", (rate, num, den), cue, Strength.AMBIGUOUS, rate.scope,
                                reason="tử số hoặc mẫu số là số ước lượng"))
            continue
        if (own_scope(den) != num.scope or own_scope(den) != rate.scope) and den.scope != _scope_after(rate, cues):
            out.append(Relation("ratio", (rate, num, den), cue, Strength.AMBIGUOUS, rate.scope,
                                reason="tử số và mẫu số thuộc phạm vi khác nhau"))
            continue
        s = Strength.EXPLICIT if strength is Strength.EXPLICIT and den_strength is Strength.EXPLICIT else Strength.INFERRED
        if rate.qualifier == "approx":
            s = Strength.INFERRED
        out.append(Relation("ratio", (rate, num, den), cue, s, rate.scope))
    return out


def near(a, b) -> bool:
    """A rate that names its own metric ('Tỷ lệ hồ sơ trực tuyến đạt 95%') and its counts stated
    in the same paragraph or in the two blocks before it, in the same section."""
    if same_block(a, b):
        return True
    g = gap(a, b)
    return bool(b.phrase) and a.section == b.section and g is not None and 0 < g <= 2


def _denominator(facts, by_id, rate, num, den_metrics, cues):
    # 'Trong 5.320 hồ sơ …, 5.118 hồ sơ được thanh toán trực tuyến, đạt 96,2%': the base is introduced
    # as such in the rate's own sentence
    if rate.over in by_id:
        return by_id[rate.over], Strength.EXPLICIT, ""
    introduced = [f for f in facts if same_sentence(f, rate) and f is not num and f.kind == num.kind
                  and f.unit == num.unit and f.value >= num.value and cues.ends_with(cues.introduces_base, f.lead)]
    if introduced:
        return introduced[0], Strength.EXPLICIT, ""
    # 'tiếp nhận 1.148 hồ sơ, trong đó 734 hồ sơ trực tuyến, đạt 63,9%': the part's own total
    whole = [f for f in facts if num.role == "part" and f.group == num.group and f.role == "total"
             and same_sentence(f, rate)]
    if whole:
        return whole[0], Strength.EXPLICIT, ""
    plan = _of_plan(rate)
    if not den_metrics:
        earlier = _earlier_base(facts, rate, num, plan)
        if earlier is not None:
            return earlier, Strength.INFERRED, ""
        named = _base_named_by_noun(facts, rate, num) or _base_of_scope(facts, rate, num, cues)
        if named is not None:
            return named, Strength.INFERRED, ""
        return None, None, "không rõ mẫu số của tỷ lệ"
    cands = [f for f in facts if f.metric in den_metrics and f.period == rate.period and not is_target(f)
             and f.origin == "text" and f is not num and own_scope(f) == num.scope]
    here = [f for f in cands if same_sentence(f, rate)]
    if here:
        return here[0], Strength.EXPLICIT, ""
    para = [f for f in cands if same_block(f, rate)] or \
        ([f for f in cands if near(f, rate)] if rate.role is None else [])
    if para:
        return min(para, key=lambda f: abs((f.sentence or 0) - (rate.sentence or 0))), Strength.INFERRED, ""
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
    earlier = _earlier_base([f for f in facts if f.metric is None or f.metric in den_metrics], rate, num, plan)
    if earlier is not None:
        return earlier, Strength.INFERRED, ""
    return None, None, "mẫu số không được nêu cùng câu với tỷ lệ"


@lru_cache(maxsize=1)
def _cue_data() -> dict[str, Any]:
    return yaml.safe_load(resources.files("wardaudit.catalogue").joinpath("cues.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def extra_cues() -> dict[str, re.Pattern[str]]:
    """The cue lists of cues.yaml that only this module reads (plan_base, person_units, stock_raise,
    stock_added), compiled once. (scope_levels is read by :func:`level_partitions`.)"""
    return {k: _words(_cue_data().get(k) or ["\x00"]) for k in ("plan_base", "person_units", "stock_raise", "stock_added")}


def _pos(f) -> int:
    """Where a figure starts in its quote (its own occurrence, not an earlier equal one), -1 if unknown."""
    quote = f.quote or ""
    at = getattr(f, "at", None)
    if at is not None and quote[at:at + len(f.raw)] == f.raw:
        return at
    return quote.find(f.raw)


def _after(f, n: int = 40) -> str:
    """The words right after a figure in its sentence, lower case."""
    quote = (f.quote or "").lower()
    at = _pos(f)
    return " ".join(quote[at + len(f.raw):at + len(f.raw) + n].split()) if at >= 0 else ""


def _of_plan(rate) -> bool:
    """'đạt 115% kế hoạch', 'bằng 68% dự toán': a rate of a plan or an allotment."""
    m = extra_cues()["plan_base"].search(_after(rate))
    return bool(m) and not _after(rate)[:m.start()].strip(" ,")


def _same_noun(a, b) -> bool:
    """Two counts of one thing: the same noun, money with money, or people in any of their nouns."""
    if a.kind == "money" or b.kind == "money":
        return a.kind == b.kind
    persons = extra_cues()["person_units"]
    return bool(a.unit) and (a.unit == b.unit or (bool(persons.fullmatch(a.unit)) and bool(persons.fullmatch(b.unit or ""))))


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
    after = _after(rate, 25)
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
    after = _after(rate)
    if not num.unit or not re.match(r"(?:tổng )?số " + re.escape(num.unit) + r"\b", after):
        return None
    cands = [f for f in facts if f is not num and f.section == rate.section
             and gap(f, rate) is not None and 0 <= gap(f, rate) <= 2
             and f.kind == num.kind and f.unit == num.unit and f.role != "part" and f.value >= num.value
             and f.scope == num.scope and not is_target(f) and (f.block, f.end or 0) < (num.block, num.end or 0)]
    return cands[0] if len(cands) == 1 else None


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
        counts = [f for f in cells if f.kind == "count"]
        if len(rates) != 1 or len(counts) != 2 or not max(c.value for c in counts):
            continue
        num, den = sorted(counts, key=lambda f: f.value)
        out.append(Relation("ratio", (rates[0], num, den), "cột tỷ lệ của bảng", Strength.INFERRED, rates[0].scope))
    return out + _rates_of_total_row(rows)


_TOTAL_ROW = re.compile(r"^(?:tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)
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
            if f.kind == "count" and _TOTAL_ROW.match(split(f)[1]):
                totals[(f.file, f.block, split(f)[0])] = f
            if f.kind == "percent" and _TOTAL_ROW.match(split(f)[1]) and abs(f.value - 100) < 1e-9:
                whole.add((f.file, f.block, split(f)[0]))
    out = []
    for cells in rows.values():
        # a bare 'Tỷ lệ' / 'Tỷ trọng' column, or one whose total row is 100%, is each row's share of the
        # total; 'Tỷ lệ đúng hạn' is a rate within the row
        rates = [f for f in cells if f.kind == "percent" and (_SHARE_COLUMN.fullmatch(split(f)[0])
                                                              or (f.file, f.block, split(f)[0]) in whole)]
        counts = [f for f in cells if f.kind == "count"]
        if len(rates) != 1 or len(counts) != 1 or _TOTAL_ROW.match(split(counts[0])[1]):
            continue
        total = totals.get((counts[0].file, counts[0].block, split(counts[0])[0]))
        if total is not None and total.value >= counts[0].value and total.value > 0:
            out.append(Relation("ratio", (rates[0], counts[0], total), "cột tỷ lệ của bảng", Strength.INFERRED,
                                rates[0].scope))
    return out


def _compared(f) -> bool:
    """A count in a 'so với …' clause ('so với tháng 9/2026 (500 hồ sơ)') is the figure of another period."""
    return bool(re.search(r"\bso với\b[^,;]*$", _before(f, 60)))


def compared_ratios(facts: list[Any]) -> list[Relation]:
    """'tiếp nhận 560 hồ sơ, bằng 112% so với tháng 9/2026 (500 hồ sơ)': the count before the rate over
    the count in brackets of the 'so với' clause. The words state it, but which counts is a reading of
    the layout: inferred."""
    out = []
    for rate in facts:
        if rate.kind != "percent" or rate.role != "change" or not re.search(r"\b(?:bằng|tương đương)\s*$", rate.lead or ""):
            continue
        sent = sorted((f for f in facts if same_sentence(f, rate) and f.kind == "count"), key=lambda f: f.end or 0)
        before = [f for f in sent if (f.end or 0) < (rate.end or 0)]
        later = [f for f in sent if (f.end or 0) > (rate.end or 0)]
        if not before or not later or not later[0].value or before[-1].unit != later[0].unit:
            continue
        if re.match(r"so với [^,;.()]{0,40}\(\s*" + re.escape(later[0].raw.lower()) + r"\b", _after(rate, 80)):
            out.append(Relation("ratio", (rate, before[-1], later[0]), "bằng … so với", Strength.INFERRED, rate.scope))
    return out


def named_shares(facts: list[Any]) -> list[Relation]:
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
        later = sorted((f for f in facts if same_sentence(f, rate) and f.kind == "count" and (f.end or 0) > (rate.end or 0)),
                       key=lambda f: f.end or 0)
        if not later or later[0].metric not in (None, *m.denominators) or not re.match(
                r"(?:của\s+)?(?:trong\s+|trên\s+)?tổng(?:\s+số)?\s+" + re.escape(later[0].raw.lower()) + r"\b",
                _after(rate, 40)):
            continue
        nums = [f for f in facts if f.metric == m.numerator and same_block(f, rate) and f.kind == "count"
                and (f.sentence or 0) < (rate.sentence or 0) and f.period == rate.period and f.scope == rate.scope
                and not is_target(f) and not _compared(f)]
        if len(nums) == 1 and nums[0].value <= later[0].value:
            out.append(Relation("ratio", (rate, nums[0], later[0]), "chiếm", Strength.INFERRED, rate.scope))
    return out


def checked_first(ratios: list[Relation]) -> list[Relation]:
    """The ratio relations without an ambiguous one for a rate another relation checks (a table's rate
    cell read by its layout is not also 'unchecked')."""
    checked = {r.members[0].id for r in ratios if r.strength is not Strength.AMBIGUOUS}
    return [r for r in ratios if r.strength is not Strength.AMBIGUOUS or r.members[0].id not in checked]


def shares(facts: list[Any]) -> list[Relation]:
    """A part's share of its total ('trong đó toàn trình 196 thủ tục (54,7%)', 'chiếm 86,5%'):
    explicit, within an explicit partition."""
    out = []
    groups: dict[str, list[Any]] = {}
    for f in facts:
        if f.group:
            groups.setdefault(f.group, []).append(f)
    for members in groups.values():
        totals = [f for f in members if f.role == "total" and f.kind in ("count", "money")]
        if len(totals) != 1 or not totals[0].value:
            continue
        by_id = {f.id: f for f in members}
        for f in members:
            if f.over:
                continue  # its whole is stated with it: see below
            part = by_id.get(f.base)
            if f.role == "share" and part is not None and part.role == "part":
                out.append(Relation("share", (f, part, totals[0]), f.cue or "(%)",
                                    Strength.EXPLICIT, totals[0].scope if totals[0].scope != "all" else None))
    return out


# --- recurrences ------------------------------------------------------------------------------

LOOSE = ("lower_bound", "upper_bound", "approx", "at_least", "at_most")


def _qual_class(f) -> str:
    """Statements compared with each other: results with results (bounds and approximations
    included, compared as what they say), cumulative with cumulative."""
    q = (f.qualifier or "").split(":")[0]
    return "" if q in LOOSE or q == "result" else q


def recurrences(facts: list[Any]) -> list[Relation]:
    """The same metric, period and scope stated in more than one place. Explicit when every
    statement names its period (or date) itself and its metric in words specific enough (a catalogue
    phrase of three words or more, e.g. 'đang giải quyết'); otherwise inferred (the catalogue says
    they are one quantity). Shares, bounds, approximations and targets are not
    recurrences of a value."""
    cat = load_catalogue()
    # a change ('tăng 1,5% so với năm 2025') is not a value of the rate; 'riêng …' states a subset
    pool = [f for f in facts if f.metric and f.metric != "tasks.row" and not is_target(f)
            and f.role not in ("share", "change") and (cat.get(f.metric) is None or cat.get(f.metric).xref)
            and not _ONLY_PART.search(_before(f, 60))]
    groups: dict[tuple, list[Any]] = {}
    for f in pool:
        groups.setdefault((f.metric, f.period, f.scope or "", _qual_class(f)), []).append(f)
    out = []
    for (_metric, _period, scope, _q), fs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        # parts of one breakdown that share a metric are parts by another dimension, not restatements
        siblings = {g for g in (f.group for f in fs if f.role == "part") if g
                    and sum(1 for x in fs if x.group == g and x.role == "part") >= 2}
        fs = [f for f in fs if not (f.role == "part" and f.group in siblings)]
        # 'khoảng 2.500 lượt; số lượt ghi nhận là 2.486 lượt': a rounded figure and its exact value in
        # two clauses of one sentence are one quantity stated twice
        loose = any(f.qualifier == "approx" for f in fs) and not any(_SUBSET_BEFORE.search(_before(f, 40)) for f in fs)
        places = {(f.file, f.page, f.line, f.quote, _clause(f) if loose else 0) for f in fs}
        if len(fs) < 2 or len(places) < 2:
            continue
        explicit = all(f.period_source == "sentence" and f.origin == "text" and f.phrase
                       and len(f.phrase.split()) >= 3 and f.qualifier not in LOOSE for f in fs)
        out.append(Relation("recurrence", tuple(fs), "cùng chỉ tiêu, cùng kỳ" if explicit else CATALOGUE_CUE,
                            Strength.EXPLICIT if explicit else Strength.INFERRED, scope or None))
    return out


_ONLY_PART = re.compile(r"\briêng\b[^,;.]*$", re.IGNORECASE)
_SUBSET_BEFORE = re.compile(r"\b(?:riêng|trong đó|trong số|trong (?:tháng|quý|tuần)|tháng|quý)\b[^,;]*$", re.IGNORECASE)


def _clause(f) -> int:
    """Which ';'-separated clause of its sentence a figure is in."""
    return (f.quote or "")[:max(_pos(f), 0)].count(";")


def _bare(label: str) -> str:
    """A table's row or column name as a sentence would say it: lower case, without 'các'/'khối'."""
    return re.sub(r"^(?:các|khối|số)\s+", "", " ".join(label.lower().split()))


def _own_words(f, facts: list[Any]) -> str:
    """The words of a figure's sentence from the count before it (or the sentence's start) to the
    figure itself, lower case: what the figure is said about."""
    quote = (f.quote or "").lower()
    at = _pos(f)
    if at < 0:
        return ""
    start = 0
    for g in facts:
        if g is not f and same_sentence(g, f) and g.kind in ("count", "ratio", "money") and (g.end or 0) < (f.end or 0) \
                and g.quote == f.quote and 0 <= _pos(g) < at:
            start = max(start, _pos(g) + len(g.raw))
    return " ".join(quote[start:at].split())


def _names_column(header: str, own: str, f) -> bool:
    return header in own or bool(re.match(re.escape(header) + r"\s*(?:[,;.)]|$)", _after(f)))


def row_restatements(facts: list[Any]) -> list[Relation]:
    """A sentence that names a table's row and one of its columns ('tổ dân phố Bãi Dương có số người
    được hướng dẫn cao nhất (263 người)') restates that cell, whatever metric each was given: the
    words, not the catalogue, tie them, so inferred. A done/total figure ('761/2.306') restates the
    column named first. Skipped when the sentence names the row but no single column."""
    rows: dict[tuple, list[Any]] = {}
    for f in facts:
        if f.origin == "table" and f.label and " | " in f.label and f.kind in ("count", "money") and not is_target(f):
            rows.setdefault((f.file, f.block, f.line), []).append(f)
    out = []
    for f in facts:
        if f.origin != "text" or f.kind not in ("count", "ratio", "money") or is_target(f) or f.role == "share":
            continue
        own = _own_words(f, facts)
        for cells in rows.values():
            row = _bare(cells[0].label.split(" | ", 1)[1])
            if cells[0].file != f.file or len(row) < 5 or row not in own:
                continue
            # the column is named before the figure too ('… có số người được hướng dẫn cao nhất (263 người)');
            # '294 hộ dân dùng cáp quang' after a row's name is another count of that row
            # or is the figure's whole noun ('1.280 giao dịch,' under 'Giao dịch')
            named = sorted(((own.find(_bare(c.label.split(" | ")[0])), c) for c in cells
                            if len(_bare(c.label.split(" | ")[0])) >= 4 and _names_column(_bare(c.label.split(" | ")[0]),
                                                                                          own, f)),
                           key=lambda x: x[0])
            if not named or (len(named) > 1 and f.denominator is None):
                continue
            cell = named[0][1]
            m = load_catalogue().get(cell.metric)
            if cell.metric == f.metric and cell.scope == f.scope and m is not None and m.xref:
                continue  # already a recurrence of the catalogue's metric
            out.append(Relation("recurrence", (cell, f), "dòng bảng nêu lại", Strength.INFERRED, cell.scope))
    return out


def done_of_declared(facts: list[Any]) -> list[Relation]:
    """'xác định 03 nhiệm vụ trọng tâm, gồm: (1) …' then 'Kết quả: 3/3 nhiệm vụ đã triển khai': the total
    of a done/total figure restates the count the section declared for its noun (one declared total of
    that noun before it in the section, the first such figure after it). Inferred."""
    out = []
    seen: set[str] = set()
    for r in facts:
        if r.kind != "ratio" or r.denominator is None or r.origin != "text" or is_target(r) or not r.unit \
                or re.match(r"\S+(?:\s+\S+)?\s+(?:của|theo|thuộc)\b", _after(r, 40)):
            continue  # '12/15 nhiệm vụ của Kế hoạch số 45': the tasks of another list
        declared = [f for f in facts if f.origin == "text" and f.kind == "count" and f.unit == r.unit
                    and f.section == r.section and (f.role == "total" or f.listed) and f.scope == r.scope
                    and not is_target(f) and gap(f, r) is not None and gap(f, r) > 0]
        if len(declared) != 1 or declared[0].id in seen:
            continue
        seen.add(declared[0].id)
        total = replace(r, id=f"{r.id}b", value=r.denominator, decimals=0)  # the figure's '/b', as a statement of its own
        out.append(Relation("recurrence", (declared[0], total), "tổng của a/b", Strength.INFERRED, r.scope))
    return out


def back_references(facts: list[Any]) -> list[Relation]:
    """'Sở đề nghị 6 đơn vị nêu trên …': the text itself says the figure is one stated before: explicit."""
    by_id = {f.id: f for f in facts}
    return [Relation("recurrence", (by_id[f.base], f), "nêu trên", Strength.EXPLICIT, f.scope)
            for f in facts if f.cue == "nêu trên" and f.base in by_id]


def agree(a, b) -> bool:
    """Two statements of one quantity agree: equal when written to the same precision; a coarser
    headline ('99%') agrees with a finer one ('99,9%') within one unit of its last place; a bound
    ('trên 99%') agrees with what satisfies it; an approximation ('khoảng 2.500') with what is
    within one percentage point (a rate) or 2% (a count) of it."""
    for x, y in ((a, b), (b, a)):
        if x.qualifier in LOOSE:
            return True if y.qualifier in LOOSE else meets(y.value, x)
    if a.decimals == b.decimals:
        return abs(a.value - b.value) < 1e-9
    coarse = min(a.decimals, b.decimals)
    return abs(a.value - b.value) < 10 ** (-coarse) - 1e-12


def meets(v: float, bound) -> bool:
    """Does ``v`` satisfy the figure ``bound`` states: a threshold for 'trên'/'dưới'/'tối thiểu', within a
    point (a rate) or 2% (a count) for 'khoảng'/'gần'."""
    q = bound.qualifier
    if q in ("lower_bound", "at_least"):
        return v >= bound.value - 1e-9
    if q in ("upper_bound", "at_most"):
        return v <= bound.value + 1e-9
    slack = 1.0 if bound.kind == "percent" else 0.02 * abs(bound.value)
    return abs(v - bound.value) <= slack + 1e-9


def relation_facts(relations: Iterable[Relation]) -> set[str]:
    return {f.id for r in relations for f in r.members}

"""Totals and their parts: a sentence's breakdown ('trong đó', 'gồm', brackets, a colon), the bullets
after a lead-in ending in 'trong đó:', a total named after its parts ('tổng cộng'), and the items
a count lists after a colon.

A breakdown is one level of an outline: a part with its own bracket ('đúng và trước hạn 940 hồ sơ
(trước hạn 610; đúng hạn 330), quá hạn 10 hồ sơ') is the total of that bracket and still a part of the
outer total once the bracket closes. A count of kinds before a bracket ('300 hồ sơ của 02 nhóm thủ tục
(khai sinh 210 hồ sơ; khai tử 90 hồ sơ)') declares how many items the bracket lists; the bracket's
figures are parts of the figure counted in their own noun."""
from __future__ import annotations

import re

from wardaudit.extract.figure_context import unit_text
from wardaudit.extract.state import Extraction, Resolved
from wardaudit.model.document import Block
from wardaudit.model.facts import Fact
from wardaudit.vi.numbers import Figure, find_figures

_INLINE_LIST = re.compile(r"^\s*[^\W\d][^:;.\d]{0,60}?(?:,?\s*(?:bao gồm|gồm|là))?\s*:\s*(?P<items>[^.]+)")
_TOTAL_AFTER = re.compile(r"\b(tổng cộng|tổng số|cộng)\b[^,;.:()\d]{0,25}$", re.IGNORECASE)


_ELIDED = (None, "về", "của", "tại", "ở", "thuộc", "là", "đối", "cho", "do", "trên")
_GENERIC_COUNTERS = ("lượt", "trường hợp")


class Breakdowns:
    """Which total a figure is a part of, in its sentence or in the bullets after a lead-in; reads and
    changes the extraction state ``x``."""

    def __init__(self, x: Extraction):
        self.x = x

    def resolve_in_group(self, state: OpenTotal, fig: Figure, text: str, s: int, left_clause: str,
                         left_sentence: str, right: str, left_window: str) -> tuple[Resolved | None, str | None]:
        """The figure's metric (with the phrase that named it), and 'part' when it is a part of the
        sentence's open total.

        Within an open partition a figure counting the same thing as the total is a part even when
        the catalogue does not name it ('Bộ Công an: 120 hồ sơ'): a named part, metric unknown."""
        found, role = self._in_group(state, fig, text, s, left_clause, left_sentence, right, left_window)
        if role == "part":
            state.parts += 1
        return found, role

    def _in_group(self, state: OpenTotal, fig: Figure, text: str, s: int, left_clause: str,
                  left_sentence: str, right: str, left_window: str) -> tuple[Resolved | None, str | None]:
        total = state.total
        if total is None or fig.kind not in ("count", "money", "ratio") or not _compatible(fig, total):
            return self.x.resolve(fig, left_clause, left_sentence, right), None
        if group_closed(text, total, self.x.place(total).end, fig, s):
            if state.pop():  # a part's own bracket is over: back to the total it is a part of
                return self._in_group(state, fig, text, s, left_clause, left_sentence, right, left_window)
            state.close()
            return self.x.resolve(fig, left_clause, left_window, right), None
        if self.breakdown_over(state, total, left_window):
            state.close()
            return self.x.resolve(fig, left_clause, left_window, right), None
        own = self.x.cat.get(total.metric)
        parts = [p for ps in (own.parts if own else ()) for p in ps]
        direct = [self.x.cat.get(p) for p in parts if self.x.cat.get(p)]
        nested = [self.x.cat.get(q) for m in direct for ps in m.parts for q in ps if self.x.cat.get(q)]
        candidates = (direct + nested) or None
        # a part is named between the previous figure and itself, not by earlier parts of the sentence
        found = self.x.resolve(fig, left_clause, left_window, right, candidates) if candidates else None
        if found is not None:
            # a part of a part ('hoàn thành đúng hạn' under 'hoàn thành') is not in this sum
            return found, ("part" if found.metric.key in parts else None)
        resolved = self.x.resolve(fig, left_clause, left_window, right)
        plain = resolved.metric if resolved else None
        counted = unit_text(fig, right)
        if counted in _GENERIC_COUNTERS and total.cue and total.unit != counted:
            return None, "part"  # '320 phản ánh, gồm: qua Zalo 96 lượt, …': occurrences of the total's items
        elided = counted in _ELIDED
        named_by_place = plain is not None and (counted == total.unit or (elided and total.cue)) \
            and counted not in self.x.cat.families.get(plain.family, ())
        own_family = self.x.cat.get(total.metric).family if self.x.cat.get(total.metric) else None
        if counted and own_family and counted in self.x.cat.families.get(own_family, ()) and counted != total.unit:
            # '126 văn bản, trong đó: 14 kế hoạch, 37 quyết định, 69 công văn': kinds of what the total counts
            return None, "part"
        if total.metric is None and counted and counted == total.unit:
            # '1.148 hồ sơ phát sinh nghĩa vụ tài chính, trong đó 734 hồ sơ thanh toán trực tuyến'
            return resolved, "part"
        if (total.cue or "").startswith("(") and _same_unit(fig, right, total):
            # inside the total's own bracket every figure of its noun is a part, whatever words name it
            # ('(qua Cổng … 612 hồ sơ, qua Hệ thống thông tin giải quyết TTHC của tỉnh 468 hồ sơ)')
            return None, "part"
        if plain is not None and plain.key != total.metric and plain.family != "rate" and not named_by_place:
            state.close()  # another quantity: the breakdown is over
            return resolved, None
        if _same_unit(fig, right, total):
            return None, "part"
        state.close()
        return resolved, None

    def breakdown_over(self, state: OpenTotal, total: Fact, left_window: str) -> bool:
        """The words since the last figure end the breakdown: a ';' after parts joined by commas ('gồm 03 …
        và 01 …; tổng số … là 09'), a total word ('tổng số', 'lũy kế'), or another whole ('toàn tỉnh')."""
        semicolon = ";" in left_window
        if state.parts == 1:
            state.semicolons = semicolon
        elif state.parts > 1 and semicolon and not state.semicolons:
            return True
        return bool(_TOTAL_WORDS.search(left_window)) or bool(_WHOLE_AFTER_BREAK.search(left_window))

    def open_group(self, state: OpenTotal, fact: Fact, sentence_facts: list[Fact], right_full: str,
                   rest: str) -> Fact:
        """``fact`` (or the sentence's earlier total that has a partition) becomes the open total. A part
        with a bracket of its own opens a nested breakdown; a count of kinds hands its bracket to the
        figure counted in the bracket's noun."""
        cue = partition_cue(right_full, self.x.cues, rest)
        word = self.x.cues.partition.search(right_full)
        if word and right_full[:word.start()].count(")") > right_full[:word.start()].count("("):
            return fact  # '146 hồ sơ (cấp mới 98, cấp đổi 46), trong đó …': the cue is the bracket owner's, not 46's
        bracket = bool(cue) and cue.startswith("(")
        kinds, counted = self.kinds_counted(fact, sentence_facts, rest) if bracket else (False, None)
        if kinds and counted is None:
            return fact  # the bracket lists the kinds this count counts, and no figure here is their total
        owner = counted or fact
        if bracket and state.total is not None and owner.role == "part" and owner.group == state.group_id:
            state.push()
            owner.outer, owner.group, owner.role, owner.cue = owner.group, self.x.new_group(), "total", cue
            state.total, state.group_id = owner, owner.group
            return owner
        own = self.x.cat.get(fact.metric)
        if counted is None and not (own and own.parts):
            owner = next((f for f in reversed(sentence_facts) if f.kind == fact.kind
                          and self.x.cat.get(f.metric) and self.x.cat.get(f.metric).parts), fact)
        if owner.group is None or owner.role != "total":
            owner.group = self.x.new_group()
        owner.role = "total"
        owner.cue = cue
        state.total, state.group_id = owner, owner.group
        return owner

    def kinds_counted(self, fact: Fact, sentence_facts: list[Fact], rest: str) -> tuple[bool, Fact | None]:
        """'300 hồ sơ của 02 nhóm thủ tục (khai sinh 186 hồ sơ; khai tử 114 hồ sơ)': ``fact`` counts kinds
        (its noun is not the bracket's); the bracket lists that many items, each counted in the noun of an
        earlier figure of the sentence, which is the total. Returns (whether ``fact`` counts kinds, that
        total or None); ``fact`` gets ``listed``."""
        inside = _bracket(rest)
        if inside is None or fact.kind != "count" or not fact.unit:
            return False, None
        figs = [f for f in find_figures(inside) if f.kind == "count"]
        nouns = {unit_text(f, inside[f.end:]) for f in figs}
        if len(figs) < 2 or len(nouns) != 1 or None in nouns or fact.unit in nouns or nouns & set(_GENERIC_COUNTERS):
            return False, None  # '23 phản ánh (qua Zalo 14 lượt, …)': occurrences of the total's items
        noun = nouns.pop()
        total = next((f for f in reversed(sentence_facts) if f is not fact and f.kind == "count" and f.unit == noun
                      and (e := self.x.place(f).end) is not None and e < (self.x.place(fact).end or 0)), None)
        items = [x for x in re.split(r"\s*;\s*", inside) if x.strip()]
        if len(items) == len(figs) and float(fact.value).is_integer():
            fact.listed, fact.cue = len(items), "liệt kê trong ngoặc"
        fact.metric = None  # a count of kinds is no figure of the catalogue's metric
        return True, total

    def attach_part(self, total: Fact, block: Block, attached: list[Fact]) -> bool:
        """The first figure of a bullet after 'trong đó:' is a part of ``total``. Returns False when
        the bullet restates a part already listed (a recurrence, not one more part)."""
        first = next((f for f in self.x.facts if f.file == block.location.file and f.line == block.location.line
                      and f.page == block.location.page and f.kind in ("count", "ratio", "money")), None)
        if first is None:
            return True
        metric = self.x.cat.get(total.metric)
        if metric and metric.parts:
            cands = [self.x.cat.get(p) for ps in metric.parts for p in ps if self.x.cat.get(p)]
            low = block.text.lower()
            m, n = self.x.cat.best(low[: low.find(first.raw) if first.raw in block.text else len(low)], cands)
            if m:
                first.metric = m.key
        own = {p for ps in (metric.parts if metric else ()) for p in ps}
        other = self.x.cat.get(first.metric)
        if other and first.metric != total.metric and first.metric not in own and not other.part_only \
                and first.unit in self.x.cat.families.get(other.family, ()):
            # '- Đã giải quyết 480 hồ sơ': another quantity of the same noun, the report's next item
            # ('+ Tại nhà văn hóa thôn: 15 điểm' names a place, and stays a part)
            return False
        nested = first.role == "total" and first.group and first.group != total.group
        if (first.metric == total.metric or first.metric not in own) and not nested:
            # a named part ('- Xã Phú Lộc: 18.906 tài khoản'): what it counts is the total's, for one unit
            first.metric = None
            first.label = block.text[:block.text.find(first.raw)].strip(" -+•*:;,").strip()[:80] or None
        # a restatement of a part already listed: its value again, or its metric in the same words
        # ('+ Trước hạn: 244; + Đúng hạn: 58' are two parts, both on time)
        if any((a.metric, a.value) == (first.metric, first.value)
               or (a.metric and a.metric == first.metric and a.phrase == first.phrase) for a in attached):
            return False
        if nested:
            first.outer = total.group  # a part with its own breakdown: a total there, a part here
        else:
            first.group, first.role = total.group, "part"
        attached.append(first)
        return True

    def total_after_parts(self, facts: list[Fact]) -> None:
        """'tháng 7 có 1.204 hồ sơ, tháng 8 có 1.318 hồ sơ, tháng 9 có 1.277 hồ sơ, tổng cộng 3.799 hồ sơ':
        a total named as such after the figures of its noun in the same sentence ('… 615 người), tổng
        cộng 745 lượt người': occurrences of that noun)."""
        for k, total in enumerate(facts):
            named = _TOTAL_AFTER.search(self.x.place(total).lead)
            if total.group or total.kind not in ("count", "money") or not named:
                continue
            units = {total.unit}
            counter, _, noun = (total.unit or "").partition(" ")
            if counter in _GENERIC_COUNTERS and noun:
                units.add(noun)  # 'lượt người': occurrences of people
            elif total.unit in _GENERIC_COUNTERS and total.quote and total.at is not None:
                after = total.quote[total.at + len(total.raw):].split()
                units.add(" ".join(after[1:3]) if " ".join(after[1:3]) in _TWO_WORD_NOUNS else (after[1:2] or [""])[0])
            parts = [f for f in facts[:k] if f.kind == total.kind and f.unit in units and not f.group
                     and f.role is None and f.qualifier == total.qualifier]
            if len(parts) < 2:
                continue
            total.group, total.role, total.cue = self.x.new_group(), "total", named.group(1)
            for p in parts:
                p.group, p.role = total.group, "part"

    def inline_items(self, text: str, e: int, facts: list[Fact]) -> None:
        """'02 mô hình: "Thôn số" và "Chợ 4.0"', '05 xã: xã A, xã B, …': a count followed by a colon and
        the items it counts, with no figure among them, declares how many are listed."""
        for f in facts:
            # a colon after the count opened a breakdown that got no figure: the items are names
            alone = f.group is not None and not any(g is not f and g.group == f.group for g in facts)
            end = self.x.place(f).end
            if f.kind != "count" or end is None or (f.group and not alone) or not float(f.value).is_integer():
                continue
            m = _INLINE_LIST.match(text[end:e])
            if not m or find_figures(m.group("items")):
                continue
            items = [x for x in re.split(r"\s*[;,]\s*|\s+và\s+", m.group("items").strip(" .")) if x.strip()]
            if len(items) >= 2 and f.listed is None:
                f.listed, f.cue = len(items), "liệt kê sau dấu hai chấm"


class BulletList:
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


class OpenTotal:
    """The total a sentence is breaking down, while its breakdown lasts; the totals it is nested in
    (a part's own bracket); how many parts it has and whether they are joined by ';'."""

    def __init__(self) -> None:
        self.total: Fact | None = None
        self.group_id: str | None = None
        self.stack: list[tuple[Fact, str, int, bool | None]] = []
        self.parts = 0
        self.semicolons: bool | None = None

    def push(self) -> None:
        """Keep the open total while a part's own bracket is read."""
        self.stack.append((self.total, self.group_id, self.parts, self.semicolons))
        self.parts, self.semicolons = 0, None

    def pop(self) -> bool:
        """Back to the total the closed bracket's owner is a part of; False when there is none."""
        if not self.stack:
            return False
        self.total, self.group_id, self.parts, self.semicolons = self.stack.pop()
        return True

    def close(self) -> None:
        self.total, self.group_id, self.stack, self.parts, self.semicolons = None, None, [], 0, None


def partition_cue(right: str, cues, rest: str = "") -> str | None:
    """The cue right after a figure that opens its breakdown ('trong đó', 'gồm', '(gồm: …'), or None.
    Bracketed breakdowns are named '(gồm)' / '(trong đó)'."""
    m = cues.partition.search(right)
    inside = re.match(r"^[^().;]{0,80}\(\s*([^()\d][^()]*)\)", rest) if not m and "(" in right else None
    if inside and sum(f.kind != "percent" for f in find_figures(inside.group(1))) >= 2:
        return "( )"  # '604 hồ sơ (trực tuyến 531 hồ sơ, trực tiếp 73 hồ sơ)': a breakdown in brackets
    if not m:
        # '8.746 hồ sơ: trước hạn 6.912 hồ sơ, …' — a colon right after the figure and its noun
        return ":" if re.match(r"^\s*[^\W\d][\w ]{0,20}:\s*\S", right) else None
    word = m.group(0).lower()
    before = right[:m.start()]
    return f"({word})" if before.count("(") > before.count(")") else word  # '(gồm …': inside an open bracket


def _same_unit(fig: Figure, right: str, total: Fact) -> bool:
    """A figure counting the same noun (or money) as the total."""
    if fig.kind == "money" or total.kind == "money":
        return fig.kind == total.kind
    unit = unit_text(fig, right)
    if (unit in _ELIDED or unit in _GENERIC_COUNTERS) and total.cue:
        # the noun is left out after the first part ('3 nhiệm vụ về thể chế; 5 về hạ tầng số'), or
        # the parts are counted as occurrences ('320 phản ánh, gồm: qua Zalo 96 lượt, …')
        return True
    return bool(unit) and bool(total.unit) and unit == total.unit


_TOTAL_WORDS = re.compile(r"\b(?:tổng số|tổng cộng|lũy kế|luỹ kế|cộng dồn)\b", re.IGNORECASE)
# '…; toàn tỉnh hiện có 6.420 camera': a clause about a whole the reporting unit is part of
_WHOLE_AFTER_BREAK = re.compile(r"[,;]\s*(?:toàn (?:tỉnh|huyện|thành phố|quốc)|cả nước|bình quân)\b", re.IGNORECASE)
_TWO_WORD_NOUNS = ("hồ sơ", "người dân", "cán bộ", "công chức", "học viên", "đối tượng", "hộ dân")


def _bracket(rest: str) -> str | None:
    """What the first bracket of ``rest`` holds (right after the figure and a few words), or None."""
    m = re.match(r"^[^().;]{0,80}\(", rest)
    if not m:
        return None
    depth, i = 1, m.end()
    for j in range(i, min(len(rest), i + 600)):
        depth += rest[j] == "("
        depth -= rest[j] == ")"
        if depth == 0:
            return rest[i:j]
    return None


def group_closed(text: str, total: Fact, end: int | None, fig: Figure, start: int) -> bool:
    """A '(gồm …)' breakdown ends at its closing bracket (brackets inside it, '(chiếm 62,5%)', do not)."""
    if not (total.cue or "").startswith("("):
        return False
    i = (end - len(total.raw)) if end is not None else text.find(total.raw, start)
    between = text[i + len(total.raw):fig.start] if i >= 0 else ""
    depth = 0
    for ch in between:
        depth += ch == "("
        depth -= ch == ")"
    return depth <= 0 and "(" in between


def _compatible(fig: Figure, total: Fact) -> bool:
    kinds = {"count", "ratio"}
    return (fig.kind in kinds and total.kind in kinds) or fig.kind == total.kind

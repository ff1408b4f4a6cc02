"""Recurrence relations: one quantity stated more than once — the same metric, period and scope, and the
same kind of statement; a figure said to be one stated before ('nêu trên'); a sentence restating a table
cell; the total of a done/total figure restating a declared count.

Figures of one metric are the same figure only when they are the same kind of statement: a cumulative
figure ('lũy kế từ đầu năm', 'nâng tổng số … lên') is not the period's; a channel's figure ('trực tiếp tại
nhà 1.204 lượt') is not the whole's; a sub-group's ('riêng lĩnh vực hộ tịch', 'trong số đó'), a figure of
what was not done ('54 hồ sơ chưa thanh toán trực tuyến') and another period's ('so với cùng kỳ (1.018
hồ sơ)', '(tuần 45: 8.528)') are not restatements. Only figures equal on all of these are compared.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from wardaudit.catalogue import load_catalogue
from wardaudit.extract.proximity import (
    clause_index,
    figure_at,
    gap,
    index_of,
    is_compared,
    own_scope,
    words_after,
    words_before,
)
from wardaudit.model.facts import LOOSE, Places, is_target
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength

MAX_VALUES = 3  # more distinct values than this in one group is not one quantity mis-stated: not checked


def _qual_class(f) -> str:
    """Statements compared with each other: results with results (bounds and approximations
    included, compared as what they say), cumulative with cumulative."""
    q = (f.qualifier or "").split(":")[0]
    return "" if q in LOOSE or q == "result" else q


_CUMULATIVE = re.compile(r"\b(?:lũy kế|luỹ kế|cộng dồn|nâng tổng số|nâng tổng|đưa tổng số)\b",
                         re.IGNORECASE)
_PERIOD_AGAIN = re.compile(r"\btrong (?:tháng|tuần|quý|kỳ|năm)\b", re.IGNORECASE)
SUBGROUP = re.compile(r"\b(?:riêng|trong số|trong số đó|chỉ riêng)\b[^,;.]*$", re.IGNORECASE)
_SUBGROUP_SENTENCE = re.compile(r"^\W*(?:riêng|chỉ riêng|trong số đó|trong số)\b")
_OTHER_PERIOD = re.compile(r"\(\s*(?:tuần|tháng|quý|năm|kỳ|cùng kỳ|kỳ trước)\b[^()]*$", re.IGNORECASE)
# 'kích hoạt mới 386 tài khoản', 'lắp thêm 04 camera': what was added in the period, not the stock
# right before the figure: 'kích hoạt mới 386', not 'mới đạt 41,4%' (only reached)
_ADDED = re.compile(r"\b(?:mới|thêm|bổ sung|tăng thêm)\s*$", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:chưa|không)\b", re.IGNORECASE)
_CHANNELS = ("trực tuyến", "trực tiếp", "tại nhà", "tại quầy", "qua bưu chính", "bưu chính công ích", "lưu động",
             "qua ứng dụng", "qua cổng")


def clause_before(f) -> str:
    """The words of a figure's own clause before it ('và', 'trong đó' and punctuation start a clause)."""
    return re.split(r"[,;(]|\bvà\b|\btrong đó\b", words_before(f, 120))[-1]


def clause_after(f) -> str:
    return re.split(r"[,;.()]", words_after(f, 80))[0]


def statement_kind(f) -> tuple:
    """What kind of statement a figure is, beyond its metric, period and scope: cumulative, added in the
    period ('kích hoạt mới') or for the period; negated; and the channel named in its own clause (a
    channel the metric itself names, as 'trực tuyến' does for online dossiers, is no channel of its own)."""
    before = words_before(f, 600)  # the whole sentence before it: 'Lũy kế đến …, …' governs it all
    cue = _CUMULATIVE.search(before)
    cumulative = "cumulative" in (f.qualifier or "") \
        or (f.origin == "table" and "lũy kế" in (f.label or "").lower()) \
        or (cue is not None and not _PERIOD_AGAIN.search(before[cue.end():]))
    added = f.origin == "text" and bool(_ADDED.search(clause_before(f)))
    own = f"{clause_before(f)} {clause_after(f)}"
    phrase = (f.phrase or "").lower()
    # a channel is named before the figure ('hướng dẫn trực tiếp tại nhà 1.204 lượt'); after it, the same
    # words name what the figure counts ('lượt người dân sử dụng dịch vụ công trực tuyến')
    channel = tuple(c for c in _CHANNELS if c in clause_before(f) and c not in phrase) if f.origin == "text" else ()
    return ("cumulative" if cumulative else "added" if added else "", bool(_NEGATED.search(own)), channel)


def _is_restatement(f, cat) -> bool:
    """A figure that can be a restatement of its metric's value: not a target, a share, a change, a
    sub-group's figure or another period's."""
    m = cat.get(f.metric)
    return bool(f.metric) and f.metric != "tasks.row" and not is_target(f) and f.role not in ("share", "change") \
        and (m is None or m.xref) and not in_subgroup(f) and not is_compared(f) \
        and not _OTHER_PERIOD.search(words_before(f, 40))


def in_subgroup(f) -> bool:
    """A figure about a sub-group: 'riêng …' or 'trong số …' before it in its clause, or opening its
    sentence ('Riêng lĩnh vực hộ tịch tiếp nhận 412 hồ sơ, đã trả kết quả 409 hồ sơ')."""
    return bool(SUBGROUP.search(words_before(f, 60)) or _SUBGROUP_SENTENCE.match((f.quote or "").lower()))


def recurrences(facts: list[Any], skip: set[str] | frozenset = frozenset()) -> list[Relation]:
    """The same metric, period and scope stated in more than one place, as the same kind of statement
    (see the module). Explicit when every statement names its period (or date) itself and its metric in
    words specific enough (a catalogue phrase of three words or more, e.g. 'đang giải quyết'); otherwise
    inferred (the catalogue says they are one quantity). A group holding more than ``MAX_VALUES`` different
    values is not one quantity mis-stated but several quantities the catalogue names alike: ambiguous,
    not checked. ``skip``: ids of facts tied elsewhere (an appendix row tied to its body figure)."""
    cat = load_catalogue()
    # a part counted in its total's metric ('tiếp nhận mới 5.794' within 'tiếp nhận 5.836') is a sub-group
    whole = {f.group: (f.metric, own_scope(f)) for f in facts if f.role == "total" and f.group}
    groups: dict[tuple, list[Any]] = {}
    for f in facts:
        within = (f.role == "part" and whole.get(f.group) == (f.metric, own_scope(f))) or \
            (getattr(f, "outer", None) and whole.get(f.outer) == (f.metric, own_scope(f)))
        if f.id not in skip and not within and _is_restatement(f, cat):
            key = (f.metric, f.period, f.scope or "", _qual_class(f), statement_kind(f))
            groups.setdefault(key, []).append(f)
    out = []
    for (_metric, _period, scope, _q, _kind), fs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        # parts of one breakdown that share a metric are parts by another dimension, not restatements
        siblings = {g for g in (f.group for f in fs if f.role == "part") if g
                    and sum(1 for x in fs if x.group == g and x.role == "part") >= 2}
        fs = [f for f in fs if not (f.role == "part" and f.group in siblings)]
        # cells of one numeric table that share a metric are its rows (a row and the total row), not
        # restatements of each other
        tables = Counter((f.file, f.block) for f in fs if f.origin == "table" and " | " in (f.label or ""))
        fs = [f for f in fs if tables[(f.file, f.block)] < 2 or f.origin != "table" or " | " not in (f.label or "")]
        # 'khoảng 2.500 lượt; số lượt ghi nhận là 2.486 lượt': a rounded figure and its exact value in
        # two clauses of one sentence are one quantity stated twice
        loose = any(f.qualifier == "approx" for f in fs) \
            and not any(_SUBSET_BEFORE.search(words_before(f, 40)) for f in fs)
        places = {(f.file, f.page, f.line, f.quote, clause_index(f) if loose else 0) for f in fs}
        if len(fs) < 2 or len(places) < 2:
            continue
        if len({(f.value, f.qualifier) for f in fs}) > MAX_VALUES:
            out.append(Relation("recurrence", tuple(fs), CATALOGUE_CUE, Strength.AMBIGUOUS, scope or None,
                                reason="nhiều giá trị khác nhau: không phải cùng một số liệu"))
            continue
        explicit = all(f.period_source == "sentence" and f.origin == "text" and f.phrase
                       and len(f.phrase.split()) >= 3 and f.qualifier not in LOOSE for f in fs)
        out.append(Relation("recurrence", tuple(fs), "cùng chỉ tiêu, cùng kỳ" if explicit else CATALOGUE_CUE,
                            Strength.EXPLICIT if explicit else Strength.INFERRED, scope or None))
    return out


_SUBSET_BEFORE = re.compile(r"\b(?:riêng|trong đó|trong số|trong (?:tháng|quý|tuần)|tháng|quý)\b[^,;]*$", re.IGNORECASE)


def _bare(label: str) -> str:
    """A table's row or column name as a sentence would say it: lower case, without 'các'/'khối'."""
    return re.sub(r"^(?:các|khối|số)\s+", "", " ".join(label.lower().split()))


def _own_words(f, index, places: Places) -> str:
    """The words of a figure's sentence from the count before it (or the sentence's start) to the
    figure itself, lower case: what the figure is said about."""
    quote = (f.quote or "").lower()
    at = figure_at(f)
    if at < 0:
        return ""
    start = 0
    for g in index.sentence(f):
        if g is not f and g.kind in ("count", "ratio", "money") and (places.of(g).end or 0) < (places.of(f).end or 0) \
                and g.quote == f.quote and 0 <= figure_at(g) < at:
            start = max(start, figure_at(g) + len(g.raw))
    return " ".join(quote[start:at].split())


def _names_column(header: str, own: str, f) -> bool:
    return header in own or bool(re.match(re.escape(header) + r"\s*(?:[,;.)]|$)", words_after(f)))


def row_restatements(facts: list[Any], places: Places) -> list[Relation]:
    """A sentence that names a table's row and one of its columns ('tổ dân phố Bãi Dương có số người
    được hướng dẫn cao nhất (263 người)') restates that cell, whatever metric each was given: the
    words, not the catalogue, tie them, so inferred. A done/total figure ('761/2.306') restates the
    column named first. Skipped when the sentence names the row but no single column. Rows are looked
    up by the first word of their name, so a report is read once, not once per row."""
    index = index_of(facts)
    rows: dict[tuple, list[Any]] = {}
    for f in facts:
        if f.origin == "table" and f.label and " | " in f.label and f.kind in ("count", "money") and not is_target(f):
            rows.setdefault((f.file, f.block, f.line), []).append(f)
    by_word: dict[str, list[tuple[str, list[Any]]]] = {}
    for cells in rows.values():
        row = _bare(cells[0].label.split(" | ", 1)[1])
        if len(row) >= 5:
            by_word.setdefault(re.findall(r"\w+", row)[0], []).append((row, cells))
    out = []
    for f in facts:
        if f.origin != "text" or f.kind not in ("count", "ratio", "money") or is_target(f) or f.role == "share":
            continue
        own = _own_words(f, index, places)
        for row, cells in {id(c): (r, c) for w in set(re.findall(r"\w+", own)) for r, c in by_word.get(w, [])}.values():
            if cells[0].file != f.file or row not in own:
                continue
            # the column is named before the figure too ('… có số người được hướng dẫn cao nhất (263 người)');
            # '294 hộ dân dùng cáp quang' after a row's name is another count of that row
            # or is the figure's whole noun ('1.280 giao dịch,' under 'Giao dịch')
            named = sorted(((own.find(_bare(c.label.split(" | ")[0])), c) for c in cells
                            if len(_bare(c.label.split(" | ")[0])) >= 4
                            and _names_column(_bare(c.label.split(" | ")[0]), own, f)),
                           key=lambda x: x[0])
            if not named and len(cells) == 1 and cells[0].unit is None and f.unit and f.kind == "count" \
                    and f.unit in cells[0].label.split(" | ")[0].lower() and clause_after(f) == f.unit:
                # the table's one count column, counted in the figure's noun and nothing more ('642 lượt,'; not
                # '294 hộ dân dùng cáp quang': another count of that row)
                named = [(0, cells[0])]
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
    index = index_of(facts)
    out = []
    seen: set[str] = set()
    for r in facts:
        if r.kind != "ratio" or r.denominator is None or r.origin != "text" or is_target(r) or not r.unit \
                or re.match(r"\S+(?:\s+\S+)?\s+(?:của|theo|thuộc)\b", words_after(r, 40)):
            continue  # '12/15 nhiệm vụ của Kế hoạch số 45': the tasks of another list
        declared = [f for f in index.section(r) if f.origin == "text" and f.kind == "count" and f.unit == r.unit
                    and (f.role == "total" or f.listed) and f.scope == r.scope
                    and not is_target(f) and gap(f, r) is not None and gap(f, r) > 0]
        if len(declared) != 1 or declared[0].id in seen:
            continue
        seen.add(declared[0].id)
        # the figure's '/b', as a statement of its own
        total = replace(r, id=f"{r.id}b", value=r.denominator, decimals=0)
        out.append(Relation("recurrence", (declared[0], total), "tổng của a/b", Strength.INFERRED, r.scope))
    return out


def back_references(facts: list[Any]) -> list[Relation]:
    """'Sở đề nghị 6 đơn vị nêu trên …': the text itself says the figure is one stated before: explicit."""
    by_id = index_of(facts).by_id
    return [Relation("recurrence", (by_id[f.base], f), "nêu trên", Strength.EXPLICIT, f.scope)
            for f in facts if f.cue == "nêu trên" and f.base in by_id]

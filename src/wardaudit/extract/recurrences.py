"""Recurrence relations: one quantity stated more than once — the same metric, period and scope; a
figure said to be one stated before ('nêu trên'); a sentence restating a table cell; the total of a
done/total figure restating a declared count."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from wardaudit.catalogue import load_catalogue
from wardaudit.extract.proximity import clause_index, figure_at, gap, same_sentence, words_after, words_before
from wardaudit.model.facts import LOOSE, is_target
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength


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
            and not _ONLY_PART.search(words_before(f, 60))]
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
        loose = any(f.qualifier == "approx" for f in fs) \
            and not any(_SUBSET_BEFORE.search(words_before(f, 40)) for f in fs)
        places = {(f.file, f.page, f.line, f.quote, clause_index(f) if loose else 0) for f in fs}
        if len(fs) < 2 or len(places) < 2:
            continue
        explicit = all(f.period_source == "sentence" and f.origin == "text" and f.phrase
                       and len(f.phrase.split()) >= 3 and f.qualifier not in LOOSE for f in fs)
        out.append(Relation("recurrence", tuple(fs), "cùng chỉ tiêu, cùng kỳ" if explicit else CATALOGUE_CUE,
                            Strength.EXPLICIT if explicit else Strength.INFERRED, scope or None))
    return out


_ONLY_PART = re.compile(r"\briêng\b[^,;.]*$", re.IGNORECASE)
_SUBSET_BEFORE = re.compile(r"\b(?:riêng|trong đó|trong số|trong (?:tháng|quý|tuần)|tháng|quý)\b[^,;]*$", re.IGNORECASE)


def _bare(label: str) -> str:
    """A table's row or column name as a sentence would say it: lower case, without 'các'/'khối'."""
    return re.sub(r"^(?:các|khối|số)\s+", "", " ".join(label.lower().split()))


def _own_words(f, facts: list[Any]) -> str:
    """The words of a figure's sentence from the count before it (or the sentence's start) to the
    figure itself, lower case: what the figure is said about."""
    quote = (f.quote or "").lower()
    at = figure_at(f)
    if at < 0:
        return ""
    start = 0
    for g in facts:
        if g is not f and same_sentence(g, f) and g.kind in ("count", "ratio", "money") \
                and (g.end or 0) < (f.end or 0) and g.quote == f.quote and 0 <= figure_at(g) < at:
            start = max(start, figure_at(g) + len(g.raw))
    return " ".join(quote[start:at].split())


def _names_column(header: str, own: str, f) -> bool:
    return header in own or bool(re.match(re.escape(header) + r"\s*(?:[,;.)]|$)", words_after(f)))


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
                            if len(_bare(c.label.split(" | ")[0])) >= 4
                            and _names_column(_bare(c.label.split(" | ")[0]), own, f)),
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
                or re.match(r"\S+(?:\s+\S+)?\s+(?:của|theo|thuộc)\b", words_after(r, 40)):
            continue  # '12/15 nhiệm vụ của Kế hoạch số 45': the tasks of another list
        declared = [f for f in facts if f.origin == "text" and f.kind == "count" and f.unit == r.unit
                    and f.section == r.section and (f.role == "total" or f.listed) and f.scope == r.scope
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
    by_id = {f.id: f for f in facts}
    return [Relation("recurrence", (by_id[f.base], f), "nêu trên", Strength.EXPLICIT, f.scope)
            for f in facts if f.cue == "nêu trên" and f.base in by_id]

"""Figures the metric catalogue does not name, and the totals of done/total figures.

'12.300/45.000 tài khoản' states two facts: the done count and the total of that unit; the total becomes
a fact of its own (role ``denominator``) right after its figure. A count whose noun the catalogue does
not know ('9 nhà văn hóa', '24 camera', '35 điểm') is a fact of an unnamed metric: it is checked in the
partitions its text states like any other, and against its own restatements by
:func:`unnamed_recurrences`. A lead-in total the catalogue does not name ('250 thủ tục hành chính,
trong đó:') is named by its first bullet's whole (:func:`name_total_by_part`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from wardaudit.catalogue import Catalogue
from wardaudit.extract.proximity import clause_index, figure_at, is_compared, words_after, words_before
from wardaudit.extract.recurrences import in_subgroup, statement_kind
from wardaudit.model.facts import LOOSE, Places, is_target
from wardaudit.model.relations import Relation, Strength

UNNAMED_CUE = "cùng danh từ, cùng cách nói"
GUESSED_BACK_REFERENCE = "nêu trên (số gần nhất)"  # the cue rate_links.back_reference leaves on a guessed restatement
# words that end a figure's noun phrase ('24 camera giám sát tại 9 nhà văn hóa': 'camera giám sát')
_NOUN_END = re.compile(r"[,;.:()\d%/]|\s(?:tại|ở|của|cho|trên|với|được|đã|và|đạt|chiếm|trong|thuộc|so|là|"
                       r"nâng|tăng|giảm|gồm|bao|để|phục|đang|chưa|có)\b", re.IGNORECASE)
_STOP = {"đã", "được", "là", "có", "thêm", "mới", "với", "tổng", "số", "cộng", "khoảng"}


def name_total_by_part(cat: Catalogue, total, first) -> None:
    """'250 thủ tục hành chính, trong đó:' then '+ Thủ tục toàn trình: 140 thủ tục': a lead-in total of no
    metric takes the metric of the one catalogue whole its first bullet is a part of, when it counts that
    whole's noun — so the bullets are its parts, not another quantity."""
    if total is None or first is None or total.metric is not None or not first.metric or not total.unit:
        return
    wholes = [m for m, _ in cat.partitions_containing(first.metric)
              if any(total.unit == n or total.unit.startswith(n) or n.startswith(total.unit)
                     for n in cat.families.get(m.family, ()))]
    if len(wholes) == 1:
        total.metric = wholes[0].key


def with_totals(facts: list[Any], places: Places) -> list[Any]:
    """The facts with the total of each done/total figure ('12.300/45.000 tài khoản': 45.000) as a fact of
    its own right after it: role ``denominator``, no metric (what it counts is the figure's whole, which
    the catalogue rarely names), ``base`` the done figure; it ends where the figure ends (its place in
    ``places``, added here), with no words of its own before it."""
    out = []
    for f in facts:
        out.append(f)
        if f.kind != "ratio" or f.denominator is None or f.origin != "text":
            continue  # a table's 'a/b' cell stays one cell
        den_raw = f.raw.split("/", 1)[1].strip()
        at = None if f.at is None else f.at + len(f.raw) - len(den_raw)
        out.append(replace(f, id=f"{f.id}t", value=f.denominator, denominator=None, kind="count", raw=den_raw,
                           decimals=0, role="denominator", group=None, base=f.id, metric=None, phrase=None,
                           cue=None, over=None, qualifier=None, at=at, outer=None, listed=None, label=None))
        if f.id in places:
            places[out[-1].id] = replace(places[f.id], lead="")
    return out


def noun_phrase(f) -> str:
    """What a count counts, as written right after it: up to three words, to the first clause break or
    preposition ('24 camera giám sát tại …' → 'camera giám sát'); '' when none."""
    after = words_after(f, 60)
    cut = _NOUN_END.search(" " + after)
    words = (" " + after)[:cut.start()].split() if cut else after.split()
    return " ".join(words[:3])


def _lead(f) -> str:
    """The last content words before a count in its clause ('Xã lắp đặt 24 camera' → 'lắp đặt')."""
    before = re.split(r"[,;:()]", words_before(f, 60))[-1]
    words = [w for w in before.split() if w not in _STOP]
    return " ".join(words[-2:])


def unnamed_recurrences(facts: list[Any]) -> list[Relation]:
    """The same count of a noun the catalogue does not know, said the same way ('Xã lắp đặt 24 camera
    giám sát' … 'xã lắp đặt 26 camera giám sát'), for the same period and scope, in different sentences:
    one quantity stated twice. Only the words relate them: inferred. A noun phrase of one generic word
    ('lượt', 'người') is not enough."""
    groups: dict[tuple, list[Any]] = {}
    for f in facts:
        if f.metric is not None or f.origin != "text" or f.kind != "count" or is_target(f) \
                or f.qualifier in LOOSE or f.role not in (None, "total") or f.cue == "nêu trên":
            continue
        noun, lead = noun_phrase(f), _lead(f)
        if not lead or not noun or (len(noun.split()) < 2 and noun in _GENERIC):
            continue
        if in_subgroup(f) or is_compared(f):
            continue  # a sub-group's figure or another period's is no restatement
        # the same kind of statement only: cumulative or for the period, added, negated, a channel's (issue 28)
        groups.setdefault((noun, lead, f.period, f.scope or "", f.file, statement_kind(f)), []).append(f)
    out = []
    for (_noun, _lead_words, _period, scope, _file, _kind), fs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        places = {(f.block, f.sentence, clause_index(f)) for f in fs}
        if len(fs) >= 2 and len(places) == len(fs) and figure_at(fs[0]) >= 0:
            out.append(Relation("recurrence", tuple(fs), UNNAMED_CUE, Strength.INFERRED, scope or None))
    return out


_GENERIC = {"lượt", "người", "hộ", "trường", "cái", "chiếc", "bộ", "lần", "trường hợp", "đơn", "đơn vị", "điểm",
            "buổi", "tin", "bài"}


def guessed_back_references(facts: list[Any]) -> list[Relation]:
    """'Sở đề nghị 7 đơn vị nêu trên' when no figure above is 7: the text says it restates one, the nearest
    in value is the likeliest (:meth:`~wardaudit.extract.rate_links.RateLinks.back_reference`). Which one
    is a guess: inferred, so a review."""
    by_id = {f.id: f for f in facts}
    return [Relation("recurrence", (by_id[f.base], f), GUESSED_BACK_REFERENCE, Strength.INFERRED, f.scope)
            for f in facts if f.cue == GUESSED_BACK_REFERENCE and f.base in by_id]

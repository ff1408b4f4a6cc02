"""Splits of a whole stated across sentences, one level or one named unit at a time.

'Toàn tỉnh tiếp nhận 659.245 hồ sơ. Nếu tính riêng từng cấp, với cấp tỉnh … tiếp nhận 54.575 hồ sơ …
Với cấp huyện … 340.060 hồ sơ … Với cấp xã … 264.610 hồ sơ': the same count, one sentence (or item) per
level, after the whole. The levels a whole is made of are cues.yaml ``scope_levels``; a full set of them
is a partition of the whole. It is explicit when the lead-in says the split follows ('trong đó', 'cụ
thể', 'tính riêng từng cấp': cues.yaml ``split_lead``), inferred otherwise. Named units ('thôn Đông',
'tổ dân phố số 3') are parts only after such a lead-in, and then may name only some of the whole
(unless it says 'gồm'). Levels stated in one sentence are :func:`~wardaudit.extract.partitions.level_partitions`'.
Units grouped by a threshold ('Trong 32 xã, phường: 20 đơn vị có tỷ lệ … trên 85%, 9 đơn vị …, 4 đơn vị
dưới 60%') are :func:`threshold_bands`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from wardaudit.catalogue import _words
from wardaudit.extract.proximity import cue_data, gap, index_of, same_sentence, words_after, words_before
from wardaudit.extract.rate_bases import same_noun
from wardaudit.model.facts import LOOSE, Places, is_target
from wardaudit.model.relations import Relation, Strength

CUE = "các cấp, nêu từng câu"
UNIT_CUE = "từng đơn vị, nêu từng câu"
MAX_ITEMS = 3  # a split's last part is at most this many outline items after its whole


@lru_cache(maxsize=1)
def _lead() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The lead-in words (cues.yaml ``split_lead``) and, of them, those meaning "consists of"."""
    data = cue_data()
    lead = data.get("split_lead") or ["\x00"]
    return _words(lead), _words(data["partition"]["exhaustive"])


def _comparable(places: Places, whole, f) -> bool:
    """``f`` counts what ``whole`` counts, for the same period, stated after it and not too far."""
    if f is whole or f.origin != "text" or f.kind != whole.kind or f.period != whole.period or is_target(f):
        return False
    if whole.metric is None and not same_noun(whole, f):
        return False  # a count the catalogue does not name: the same noun (people in any of theirs)
    if whole.metric is not None and f.metric != whole.metric:
        return False
    g = gap(whole, f)
    return f.section == whole.section and g is not None and 0 <= g <= MAX_ITEMS \
        and (f.block, places.of(f).end or 0) > (whole.block, places.of(whole).end or 0) and f.qualifier not in LOOSE


def _led_in(whole, first) -> tuple[bool, bool]:
    """(the text says a split follows, and that it is exhaustive): the words after the whole in its
    sentence, or the first part's sentence start ('Cụ thể, cấp tỉnh …', 'Nếu tính riêng từng cấp, …')."""
    lead, exhaustive = _lead()
    after = re.split(r"[.;]", words_after(whole, 80), maxsplit=1)[0]
    opening = re.split(r"\d", (first.quote or "").lower(), maxsplit=1)[0][:60]
    opening = re.sub(r"^[\s\-+•:]*(?:nếu|và|còn)?\s*", "", opening)
    found = [m for m in (lead.search(after), lead.match(opening)) if m]
    if not found and re.search(r"\b(?:trong đó|cụ thể|gồm)\s*:?\s*$", words_before(first, 200)) is None:
        return False, False
    return True, any(exhaustive.fullmatch(m.group(0)) for m in found)


def _levels(places: Places, whole, facts: list[Any]) -> list[Any] | None:
    """The first statement after ``whole`` for each level of one full set of its levels, or None."""
    sets = (cue_data().get("scope_levels") or {}).get(whole.scope or "toàn tỉnh") or []
    wanted = {s for lv in sets for s in lv}
    parts: dict[str, Any] = {}
    for f in facts:
        if not _comparable(places, whole, f):
            continue
        if f.scope == whole.scope:
            break  # the whole stated again: another split, if any, is its own
        if f.scope in wanted and f.scope not in parts:
            parts[f.scope] = f
    if not any(sorted(parts) == sorted(lv) for lv in sets):
        return None
    chosen = sorted(parts.values(), key=lambda f: (f.block, places.of(f).end or 0))
    if all(same_sentence(f, chosen[0]) for f in chosen):
        return None  # one sentence: partitions.level_partitions reads it
    return chosen


def _named_units(places: Places, whole, facts: list[Any]) -> list[Any] | None:
    """The parts named by unit ('thôn Đông', 'tổ dân phố số 3') in the sentences after ``whole``, one each,
    consecutive: the run ends at the first comparable figure of no named unit. Parts its own sentence
    hands it ('…, cụ thể: thôn Đông có 420 hộ. Thôn Tây có 380 hộ.') start the run."""
    named = cue_data().get("named_scope") or []
    parts: list[Any] = [f for f in facts if whole.group and f.group == whole.group and f.role == "part"]
    if parts and not all(p.scope and any(p.scope.startswith(n + " ") for n in named) for p in parts):
        return None
    for f in facts:
        if not _comparable(places, whole, f) or same_sentence(f, whole):
            continue
        if not f.scope or not any(f.scope.startswith(n + " ") for n in named) or f.role == "part":
            break
        if any(same_sentence(f, p) for p in parts) or any(p.scope == f.scope for p in parts):
            break
        parts.append(f)
    return parts if len(parts) >= 2 else None


def level_splits(facts: list[Any], places: Places) -> list[Relation]:
    """A whole and its parts stated one sentence (or item) each, by level or by named unit (see the
    module). Explicit when the lead-in says a split follows, else inferred; a split by named units only
    with a lead-in. Not for a whole already given parts by a cue in its own sentence."""
    out = []
    pool = [f for f in facts if f.origin == "text" and f.kind in ("count", "money") and not is_target(f)
            and f.role not in ("share", "threshold", "unit_count", "rank_total") and f.qualifier not in LOOSE]
    idx, in_pool = index_of(facts), {f.id for f in pool}
    for whole in pool:
        if whole.role == "part":
            continue
        handed = whole.role == "total" and whole.group and any(f.role == "part" for f in idx.group(whole.group))
        # a part is at most MAX_ITEMS items after its whole in its section: look there, not at the report
        after = [f for f in idx.near_items(whole, 0, MAX_ITEMS) if f.id in in_pool]
        parts = _levels(places, whole, after) if not handed and (whole.scope is None or whole.scope in
                                                          (cue_data().get("scope_levels") or {})) else None
        cue = CUE
        if parts is None:
            parts, cue = _named_units(places, whole, after), UNIT_CUE
        if not parts or (handed and all(same_sentence(p, whole) for p in parts)):
            continue  # parts handed to it in its own sentence or bullets: partitions.partitions reads them
        led, exhaustive = _led_in(whole, parts[0])
        if cue == UNIT_CUE and not led:
            continue  # named units need a lead-in: a report names some villages, not all
        if whole.scope is None and cue == CUE and not led:
            continue  # the reporting unit's own figure split by levels only when the text says so
        if sum(f.value for f in parts) > whole.value * 10:
            continue  # not its parts: another order of magnitude
        out.append(Relation("partition", (whole, *parts), cue, Strength.EXPLICIT if led else Strength.INFERRED,
                            whole.scope, exhaustive=cue == CUE or exhaustive))
    return out


BANDS_CUE = "các nhóm theo ngưỡng"
_AMONG = re.compile(r"\btrong(?: tổng)?(?: số)?\s*$", re.IGNORECASE)


def threshold_bands(facts: list[Any], places: Places) -> list[Relation]:
    """'Trong 32 xã, phường của tỉnh: 20 đơn vị có tỷ lệ … trên 85%, 9 đơn vị đạt từ 60% đến 85%, 4 đơn vị
    dưới 60%': counts of units meeting thresholds (``unit_count``, see
    :meth:`~wardaudit.extract.rate_links.RateLinks.threshold_of_units`) after a count of those units
    introduced by 'trong' are groups of it. The sentence states it (explicit); whether the groups cover
    every unit it does not say, so they are checked only for exceeding it."""
    out = []
    for whole in facts:
        if whole.origin != "text" or whole.kind != "count" or whole.role not in (None, "total") \
                or not _AMONG.search(places.of(whole).lead) or is_target(whole) \
                or (whole.group and any(f.group == whole.group and f.role == "part" for f in facts)):
            continue  # a total its own sentence hands parts to: partitions.partitions reads it
        bands = [f for f in facts if f.role == "unit_count" and f.kind == "count" and same_sentence(f, whole)
                 and (places.of(f).end or 0) > (places.of(whole).end or 0) and f.value <= whole.value]
        if len(bands) >= 2:
            out.append(Relation("partition", (whole, *bands), BANDS_CUE, Strength.EXPLICIT, whole.scope,
                                exhaustive=False))
    return out

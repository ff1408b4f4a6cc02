"""Partition relations: a total and its parts, stated with a cue ('trong đó', 'gồm', brackets,
bullets, a table under a titled total) or related by the catalogue, the scopes, a table column or
words of change."""
from __future__ import annotations

import re
from typing import Any

from wardaudit.catalogue import load_catalogue, load_cues
from wardaudit.extract.proximity import (
    TOTAL_ROW,
    cue_data,
    extra_cues,
    gap,
    index_of,
    is_compared,
    near_after,
    same_sentence,
    words_after,
    words_before,
)
from wardaudit.model.facts import Places, is_target
from wardaudit.model.relations import CATALOGUE_CUE, Relation, Strength


def partitions(facts: list[Any], places: Places) -> list[Relation]:
    """Totals with the parts their text hands them ('trong đó', 'gồm', brackets, bullets, a table
    under a titled total): explicit. Exhaustive when the cue means "consists of", the parts come
    from a table under the total, or they fill one of the catalogue's partitions; otherwise the
    parts may name only some of the whole and can only be checked for exceeding it."""
    cat, cues = load_catalogue(), load_cues()
    groups: dict[str, list[Any]] = {}
    for f in facts:
        if f.group and f.role in ("total", "part"):
            groups.setdefault(f.group, []).append(f)
    idx = index_of(facts)
    out = []
    for members in groups.values():
        totals = [f for f in members if f.role == "total"]
        parts = [f for f in members if f.role == "part"]
        inner = idx.nested_in(members[0].group)  # totals that are parts of this one
        if inner:  # in reading order with the other parts
            parts = sorted(parts + inner, key=lambda f: (f.block or 0, places.of(f).end or 0))
        if len(totals) != 1 or not parts:
            continue
        total = totals[0]
        metric = cat.get(total.metric)
        cue = total.cue or "trong đó"
        fills = any(all(p.metric in part for p in parts) and len(parts) >= 2
                    for part in (metric.parts if metric else ()))
        # one part after 'gồm' is an inclusion ('520 hồ sơ (gồm 40 hồ sơ chuyển sang)'), not a breakdown
        # a bracket listing parts with no cue word ('604 hồ sơ (trực tuyến 531, trực tiếp 73)') lists them all
        periods = all(_PERIOD_NAME.match(p.label or "") for p in parts)  # 'quý I …, quý II …, quý III …'
        exhaustive = len(parts) >= 2 and (bool(cues.exhaustive.fullmatch(cue.strip("()"))) or total.origin == "table"
                                          or cue in ("bảng dưới tiêu đề", "( )") or fills or periods)
        out.append(Relation("partition", (total, *parts), cue, Strength.EXPLICIT, total.scope
                            if total.scope != "all" else None, exhaustive))
    return out


_PERIOD_NAME = re.compile(r"^\W*(?:quý|tháng|năm|tuần|đợt|6 tháng|9 tháng)\s+\S", re.IGNORECASE)


def catalogue_partitions(facts: list[Any], explicit: list[Relation]) -> list[Relation]:
    """A total and the parts of one catalogue partition stated apart — in its paragraph or the two
    blocks after it, in the same section — with no cue word tying them: inferred."""
    cat = load_catalogue()
    # a total broken down by named parts (villages, fields) may also be split by the catalogue's kinds
    done = {r.members[0].id for r in explicit if any(p.metric for p in r.members[1:])}
    # a count in a 'so với' clause is another period's
    pool = [f for f in facts if f.metric and not is_target(f) and f.origin == "text" and f.kind != "percent"
            and not is_compared(f)]
    by_key: dict[tuple, list[Any]] = {}  # the pool by metric, period and scope: a look-up per part, not a scan
    for f in pool:
        by_key.setdefault((f.metric, f.period, f.scope), []).append(f)
    out = []
    for total in pool:
        metric = cat.get(total.metric)
        if total.id in done or metric is None or not metric.parts:
            continue
        for partition in metric.parts:
            chosen = []
            for key in partition:
                # a part of a stated breakdown is accounted for there ('- Đã giải quyết 470 hồ sơ, trong đó: + …')
                # a part with its own bracket ('hoàn thành 9 nhiệm vụ (đúng hạn 8, quá hạn 1)') is still a part
                cands = [f for f in by_key.get((key, total.period, total.scope), ())
                         if (f.role not in ("total", "part") or (f.role == "total" and (f.cue or "").startswith("(")
                                                 and not f.outer)) and near_after(total, f)]
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
                                                   or TOTAL_ROW.match(c.label.split(" | ", 1)[1]) for c in cells):
            continue
        near = [f for f in index_of(facts).metric(metric) if f.origin == "text" and f.kind == cells[0].kind
                and not is_target(f) and f.role != "total" and f.scope is None and f.section == cells[0].section
                and gap(cells[0], f) is not None and abs(gap(cells[0], f)) <= 1]
        if len(near) == 1:
            out.append(Relation("partition", (near[0], *cells), "cột bảng", Strength.INFERRED, None))
    return out


def level_partitions(facts: list[Any], places: Places) -> list[Relation]:
    """'Toàn tỉnh tiếp nhận 186.420 hồ sơ' and, in one sentence of the next items, the same count for
    'cấp tỉnh', 'cấp huyện' and 'cấp xã': the whole is the sum of its levels (cues.yaml scope_levels).
    Only the scopes relate them: inferred. Not when the levels stated are not a full set."""
    levels = cue_data().get("scope_levels") or {}
    out = []
    for whole in facts:
        sets = levels.get(whole.scope or "")
        if not sets or whole.origin != "text" or whole.kind not in ("count", "money") or not whole.metric \
                or is_target(whole) or whole.role == "part":
            continue
        parts = [f for f in index_of(facts).metric(whole.metric) if f is not whole and f.origin == "text"
                 and f.period == whole.period and f.kind == whole.kind and not is_target(f)
                 and f.section == whole.section and gap(whole, f) is not None and 0 <= gap(whole, f) <= 2
                 and any(f.scope in lv for lv in sets)
                 and (f.block, places.of(f).end or 0) > (whole.block, places.of(whole).end or 0)]
        first = parts[0] if parts else None
        parts = [f for f in parts if first is not None and same_sentence(f, first)]
        scopes = sorted(f.scope for f in parts)
        if any(scopes == sorted(lv) for lv in sets):
            out.append(Relation("partition", (whole, *parts), "các cấp", Strength.INFERRED, whole.scope))
    return out


def stock_flows(facts: list[Any], places: Places) -> list[Relation]:
    """'lắp mới 24 camera, nâng tổng số camera đang hoạt động lên 186 camera (cuối quý III: 162 camera)':
    the new stock is the earlier stock plus what was added, all three counts of one noun in one
    sentence. The sentence says so only in words of change: inferred."""
    cues = extra_cues()
    out = []
    for new in facts:
        before = words_before(new)
        if new.origin != "text" or new.kind != "count" or not cues["stock_raise"].search(before) \
                or not re.search(r"\blên\s*$", before) or is_target(new):
            continue
        same = [f for f in index_of(facts).sentence(new) if f is not new and f.kind == "count" and f.unit == new.unit]
        added = [f for f in same if (places.of(f).end or 0) < (places.of(new).end or 0)
                 and cues["stock_added"].search(re.split(r"[,;]", words_before(f, 40))[-1] + " " + words_after(f, 25))]
        earlier = [f for f in same if f not in added]
        if len(added) == 1 and len(earlier) == 1 and earlier[0].value <= new.value:
            out.append(Relation("partition", (new, earlier[0], added[0]), "nâng tổng số lên", Strength.INFERRED,
                                new.scope))
    return out

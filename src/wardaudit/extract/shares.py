"""Share relations: a part's share of its whole ('chiếm 43,1%', '(54,7%)'), and shares side by side
that cannot exceed 100% together."""
from __future__ import annotations

from typing import Any

from wardaudit.model.relations import Relation, Strength


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

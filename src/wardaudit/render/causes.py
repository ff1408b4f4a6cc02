"""Which failing check follows from which: the page lists a consequence under its cause (in a figure's
tooltip) and says on its finding card which finding it follows from. Nothing here builds markup."""
from __future__ import annotations

from collections.abc import Collection, Sequence

from wardaudit.model.findings import CheckResult, Evidence

__all__ = ["causes", "disputing_rules"]


def disputing_rules() -> frozenset[str]:
    """The rules whose failure disputes one of their figures (``disputes: true`` in catalogue/rules.yaml)."""
    from wardaudit.catalogue import rule_table

    return frozenset(code for code, info in rule_table().items() if info.disputes)


def _figure(ev: Evidence) -> tuple | None:
    """What names one figure of the report: the id of the fact quoted; for evidence that carries none
    (read back from an older store), where the figure is written and how."""
    if ev.fact:
        return ("fact", ev.fact)
    if not ev.figure or (ev.line is None and ev.cell is None):
        return None
    return ("at", ev.file, ev.sheet, ev.cell, ev.page, ev.line, ev.figure.strip())


def causes(checks: Sequence[CheckResult], disputing: Collection[str] | None = None) -> dict[int, int]:
    """For each failing check that is a consequence of another, its index in ``checks`` → its cause's index.

    A cause is a failing check of a disputing rule (``disputing``, by default :func:`disputing_rules`: the
    same figure stated with different values, a period total its parts do not make): one of the figures
    of its evidence is stated wrongly somewhere. A failing check of another rule whose evidence uses one
    of those very figures (the same fact, by its id) follows from it: correcting the figure may make it
    pass. The first such cause in ``checks``' order is kept. A cause is never itself a consequence
    (two disputes on one figure stay peers), and passed or skipped checks are neither.
    """
    rules = disputing_rules() if disputing is None else frozenset(disputing)
    disputed: dict[tuple, int] = {}
    for i, c in enumerate(checks):
        if c.status == "fail" and c.rule in rules:
            for ev in c.evidence:
                key = _figure(ev)
                if key is not None:
                    disputed.setdefault(key, i)
    out: dict[int, int] = {}
    for i, c in enumerate(checks):
        if c.status != "fail" or c.rule in rules:
            continue
        found = [disputed[k] for k in map(_figure, c.evidence) if k is not None and k in disputed]
        if found:
            out[i] = min(found)
    return out

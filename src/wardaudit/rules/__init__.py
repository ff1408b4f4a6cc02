"""The rule catalogue. Each rule is a small documented function registered with its code::

    @rule("FOOT001", "Tổng khác tổng các phần", "Total differs from the sum of its parts", "error")
    def total_equals_parts(ctx: AuditContext) -> Iterable[CheckResult]:
        '''What it proves. What it cannot.

        Okay: Tổng số hồ sơ là 10, trong đó 4 trực tiếp, 6 trực tuyến.
        Fail: Tổng số hồ sơ là 10, trong đó 4 trực tiếp, 7 trực tuyến.
        '''

The ``Okay:``/``Fail:`` lines are report snippets; one test runs every registered rule on them, so
a rule without examples, or whose examples do not behave, fails the build. Codes are stable.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable

from ..document import Document
from ..findings import CheckResult, Evidence
from ..registry import Registry

FAMILIES = ("META", "STRUCT", "FOOT", "RATE", "XREF", "BUDG", "TGT", "COMPL", "TREND", "PORT")


@dataclass(frozen=True)
class Rule:
    code: str
    title_vi: str
    title_en: str
    severity: str
    func: Callable[["AuditContext"], Iterable[CheckResult]]

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    @property
    def family(self) -> str:
        return re.sub(r"\d+$", "", self.code)

    def examples(self, kind: str) -> list[str]:
        """The ``Okay:`` or ``Fail:`` snippets of the docstring (continuation lines indented)."""
        out: list[str] = []
        current: list[str] | None = None
        for line in self.doc.splitlines():
            if line.startswith(f"{kind}:"):
                current = [line[len(kind) + 1:].strip()]
                out.append("")
            elif current is not None and line.startswith("    "):
                current.append(line.strip())
            else:
                current = None
            if current is not None:
                out[-1] = "\n".join(current)
        return [e.replace("\\n", "\n") for e in out]


rules: Registry[Rule] = Registry("rule")


def rule(code: str, title_vi: str, title_en: str, severity: str):
    if severity not in ("error", "warning", "info"):
        raise ValueError(severity)

    def wrap(fn):
        rules.register(code, Rule(code, title_vi, title_en, severity, fn))
        return fn
    return wrap


@dataclass
class AuditContext:
    """What a rule may look at: the document, its facts, the report's metadata and parameters."""

    document: Document
    facts: list[Any]
    meta: dict[str, Any]
    ward: str | None = None
    carried_over_in_denominator: bool = True
    outline_profile: str = "auto"
    history: list[Any] = field(default_factory=list)  # earlier AuditResults of the same ward

    @cached_property
    def relations(self) -> dict[str, list[Any]]:
        """The report's relations by kind, built once (see :mod:`wardaudit.relations`)."""
        from .. import relations as rel

        explicit = rel.partitions(self.facts)
        return {"partition": explicit + rel.catalogue_partitions(self.facts, explicit) + rel.column_totals(self.facts)
                + rel.level_partitions(self.facts) + rel.stock_flows(self.facts),
                "ratio": rel.checked_first(rel.ratios(self.facts) + rel.table_ratios(self.facts)
                                           + rel.compared_ratios(self.facts) + rel.named_shares(self.facts)),
                "share": rel.shares(self.facts) + rel.stated_shares(self.facts),
                "share_set": rel.share_sets(self.facts),
                "recurrence": rel.recurrences(self.facts) + rel.back_references(self.facts)
                + rel.row_restatements(self.facts) + rel.done_of_declared(self.facts)}

    def evidence(self, fact) -> Evidence:
        return Evidence(section=fact.section, quote=fact.quote, page=fact.page, line=fact.line)


def load_rules() -> Registry[Rule]:
    """Import every rule module (each registers its rules once) and return the registry.

    Always imports all of them: a caller that imported one rule module first must not be left
    with a partial catalogue.
    """
    from . import budget, completeness, crossref, footing, meta, rates, structure_rules, targets, trend  # noqa: F401
    return rules


def run_rules(ctx: AuditContext, rules_off: Iterable[str] = ()) -> list[CheckResult]:
    off = {r.upper() for r in rules_off}
    results: list[CheckResult] = []
    for code, r in load_rules().items():
        if code in off or r.family in off:
            continue
        results.extend(r.func(ctx))
    return dedupe(results)


def dedupe(results: list[CheckResult]) -> list[CheckResult]:
    """Never report the same contradiction twice: a failing check whose key was already failed by
    an earlier (more specific) rule is dropped; identical checks are kept once."""
    seen_fail: set[str] = set()
    seen: set[tuple] = set()
    out = []
    for c in results:
        ident = (c.rule, c.status, c.message)
        if ident in seen:
            continue
        seen.add(ident)
        if c.status == "fail" and c.key:
            if c.key in seen_fail:
                continue
            seen_fail.add(c.key)
        out.append(c)
    return out

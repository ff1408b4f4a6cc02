"""The rule catalogue. Each rule is a small documented function registered with its code::

    @rule("FOOT001")
    def total_equals_parts(rule: Rule, ctx: AuditContext) -> Iterable[CheckResult]:
        '''What it proves. What it cannot.

        Okay: Tổng số hồ sơ là 10, trong đó 4 trực tiếp, 6 trực tuyến.
        Fail: Tổng số hồ sơ là 10, trong đó 4 trực tiếp, 7 trực tuyến.
        '''
        yield rule.check(total == sum(parts), "message", values, evidence)

The code's row in the rule table (catalogue/rules.yaml) states its titles, severity, status and what
it runs over (one report, a ward's history, the portfolio), once; the function receives its own
:class:`Rule`, bound: ``rule.passed()``, ``rule.failed()``, ``rule.check(ok, ...)``, ``rule.skipped()``
and ``rule.judge(relation, ...)`` build its results (``rule.at("info")`` for a result at another
severity). The page, the letter and the index read titles from the table and import no rule.

The ``Okay:``/``Fail:`` lines are report snippets; one test runs every registered rule on them, so
a rule without examples, or whose examples do not behave, fails the build. Codes are stable.
"""
from __future__ import annotations

from collections.abc import Iterable

from wardaudit.model.findings import CheckResult
from wardaudit.registry import Registry
from wardaudit.rules.base import FAMILIES, AuditContext, Rule, rule, rules

__all__ = ["FAMILIES", "AuditContext", "Rule", "dedupe", "load_rules", "rule", "rules", "run_rules"]


def load_rules() -> Registry[Rule]:
    """Import every rule module (each registers its rules once) and return the registry.

    Always imports all of them: a caller that imported one rule module first must not be left
    with a partial catalogue.
    """
    from wardaudit.rules import (  # noqa: F401
        budget,
        completeness,
        crossref,
        footing,
        meta,
        portfolio,
        rates,
        structure_rules,
        targets,
        trend,
    )
    return rules


def run_rules(ctx: AuditContext, rules_off: Iterable[str] = ()) -> list[CheckResult]:
    off = {r.upper() for r in rules_off}
    results: list[CheckResult] = []
    for code, r in load_rules().items():
        if code in off or r.family in off or r.over == "portfolio":  # units compared: run_port_checks
            continue
        results.extend(r(ctx))
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

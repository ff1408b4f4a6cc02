"""What a rule is: the :class:`Rule` type, the ``@rule`` decorator that registers one, and the
:class:`AuditContext` a rule looks at. See :mod:`wardaudit.rules` for how to write one."""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from wardaudit.catalogue import rule_table
from wardaudit.errors import RegistryError
from wardaudit.model.document import Document
from wardaudit.model.facts import Places
from wardaudit.model.findings import CheckResult, Evidence, rule_family
from wardaudit.model.report import ReportMeta
from wardaudit.registry import Registry

FAMILIES = ("META", "STRUCT", "FOOT", "RATE", "XREF", "BUDG", "TGT", "COMPL", "TREND", "PORT")


@dataclass(frozen=True)
class Rule:
    """A registered rule: its row of the rule table (code, titles, severity, what it runs over), its
    function, and the results it builds."""

    code: str
    title_vi: str
    title_en: str
    severity: str
    func: Callable[..., Iterable[CheckResult]]
    over: str = "report"

    def __call__(self, ctx: Any) -> Iterable[CheckResult]:
        """Run the rule on ``ctx`` (an :class:`AuditContext`, or the portfolio for PORT rules)."""
        return self.func(self, ctx)

    def at(self, severity: str) -> Rule:
        """The same rule, building its results at ``severity``."""
        return replace(self, severity=severity)

    def check(self, ok: bool, message: str, values: dict | None = None, evidence: Iterable[Evidence] = (),
              key: str = "", relation: dict | None = None) -> CheckResult:
        """A pass when ``ok``, else a failure at the rule's severity."""
        return CheckResult(rule=self.code, status="pass" if ok else "fail", severity=self.severity,
                           message=message, values=values or {}, evidence=tuple(evidence), key=key,
                           relation=relation)

    def passed(self, message: str, values: dict | None = None, evidence: Iterable[Evidence] = (),
               key: str = "", relation: dict | None = None) -> CheckResult:
        return self.check(True, message, values, evidence, key, relation)

    def failed(self, message: str, values: dict | None = None, evidence: Iterable[Evidence] = (),
               key: str = "", relation: dict | None = None) -> CheckResult:
        return self.check(False, message, values, evidence, key, relation)

    def skipped(self, message: str, values: dict | None = None, evidence: Iterable[Evidence] = (),
                key: str = "") -> CheckResult:
        """Not checked, with the reason in ``message``."""
        return CheckResult(rule=self.code, status="skip", severity=self.severity, message=message,
                           values=values or {}, evidence=tuple(evidence), key=key)

    def judge(self, relation: Any, ok: bool, message: str, values: dict, evidence: Iterable[Evidence]) -> CheckResult:
        """The result of checking ``relation``: severity follows its strength (an inferred relation
        fails at most as a warning, worded "cần rà soát"); an ambiguous one is skipped, with its reason."""
        severity = relation.severity(self.severity)
        rel = relation.to_dict()
        if severity is None:
            return CheckResult(rule=self.code, status="skip", severity=self.severity,
                               message=f"Không kiểm tra: {relation.reason or 'quan hệ không rõ'}",
                               values=values, evidence=tuple(evidence), key=relation.key, relation=rel)
        if not ok and severity != self.severity:
            message = f"Cần rà soát: {message}"
        return CheckResult(rule=self.code, status="pass" if ok else "fail", severity=severity, message=message,
                           values=values, evidence=tuple(evidence), key=relation.key, relation=rel)

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    @property
    def family(self) -> str:
        return rule_family(self.code)

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


def rule(code: str):
    """Register the decorated function as the rule ``code`` of the rule table (catalogue/rules.yaml),
    which states its titles, severity and what it runs over, once."""
    info = rule_table().get(code)
    if info is None or info.status != "stable":
        raise RegistryError(f"rule {code!r} is not a stable rule of catalogue/rules.yaml")

    def wrap(fn) -> Rule:
        bound = Rule(code, info.title_vi, info.title_en, info.severity, fn, info.over)
        rules.register(code, bound)
        return bound  # calling it with a context runs the function with the rule bound
    return wrap


@dataclass
class AuditContext:
    """What a rule may look at: the document, its facts, the report's metadata and parameters."""

    document: Document
    facts: list[Any]
    meta: ReportMeta
    ward: str | None = None
    carried_over_in_denominator: bool = True
    outline_profile: str = "auto"
    history: list[Any] = field(default_factory=list)  # earlier AuditResults of the same ward
    places: Places = field(default_factory=Places)  # where each figure of the text stands (relations read it)

    @cached_property
    def relations(self) -> dict[str, list[Any]]:
        """The report's relations by kind, built once (:func:`wardaudit.extract.relations.build_relations`);
        the audit keeps them with its result."""
        from wardaudit.extract.relations import build_relations

        return build_relations(self.facts, self.places)

"""Check results are data: frozen records, a findings document (schema wardaudit.findings/1),
and a DataFrame with one row per check."""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "wardaudit.findings/1"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STATUS_ORDER = {"fail": 0, "pass": 1, "skip": 2}


@dataclass(frozen=True)
class Evidence:
    section: str
    quote: str
    page: int | None = None
    line: int | None = None
    file: str | None = None
    figure: str | None = None  # the figure as written in the quote ("1.234"), for tick marks
    sheet: str | None = None  # read from a workbook: the sheet and the cell ('C12')
    cell: str | None = None
    # the id of the fact quoted (facts.csv's ``id``), when the evidence is a fact: which checks used the very
    # same figure (wardaudit.render.causes). Kept in the ward's store, not written to findings.json.
    fact: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"section": self.section, "quote": self.quote, "page": self.page, "line": self.line}
        if self.figure:
            d["figure"] = self.figure
        if self.file:
            d["file"] = self.file
        if self.sheet is not None:
            d["sheet"], d["cell"] = self.sheet, self.cell
        return d


@dataclass(frozen=True)
class Unread:
    """A file of the ward's folder that was not read, and why (one line, Vietnamese / English)."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "reason": self.reason}


@dataclass(frozen=True)
class CheckResult:
    rule: str
    status: str  # pass | fail | skip
    severity: str  # error | warning | info
    message: str
    values: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    key: str = ""  # what the check is about; used to avoid reporting one contradiction twice
    relation: dict[str, Any] | None = None  # the relation checked: kind, cue, strength, scope
    report: str = ""  # the report it was found in: its period, else its date, else its file's name

    @property
    def id(self) -> str:
        """A stable name for what this check is about: the rule, the report and its relation key.

        The key names the relation (metric, scope, period, figures), never a fact number or a
        line, so the same contradiction keeps its id across re-runs and a corrected
        re-submission of the same period; the report's period (:attr:`report`) keeps two
        reports of one ward apart. A check without a key falls back to its message.
        """
        basis = self.key or self.message
        return finding_id(self.rule, f"{self.report}\n{basis}" if self.report else basis)

    @property
    def legacy_id(self) -> str:
        """The id before it named the report (rule and key only): decisions recorded on it still attach."""
        return finding_id(self.rule, self.key or self.message)

    def to_dict(self, review: dict[str, Any] | None = None) -> dict[str, Any]:
        d = {"id": self.id, "rule": self.rule, "status": self.status, "severity": self.severity,
             "message": self.message, "values": _clean_values(self.values),
             "evidence": [e.to_dict() for e in self.evidence]}
        if self.report:
            d["legacy_id"] = self.legacy_id
        if self.relation:
            d["relation"] = dict(self.relation)
        if review is not None:
            d["review"] = review
        return d

    @property
    def family(self) -> str:
        return rule_family(self.rule)


def rule_family(code: str) -> str:
    """A rule's family: its code without the number ('FOOT001' -> 'FOOT')."""
    return code.rstrip("0123456789")


def finding_id(rule: str, basis: str) -> str:
    """``RULE-<10 hex digits>``: the rule and a 40-bit BLAKE2b hash of ``basis``."""
    digest = hashlib.blake2b(f"{rule}\n{basis}".encode(), digest_size=5).hexdigest()
    return f"{rule}-{digest}"


def review_of(reviews: Mapping[str, Any] | None, check: CheckResult | Mapping[str, Any]) -> Any:
    """The decision on ``check`` in ``reviews`` (finding id → decision): by its id, else by its
    legacy id (a decision recorded before ids named the report attaches as it did then: to every
    report's finding of that legacy id that has no decision of its own)."""
    if not reviews:
        return None
    if isinstance(check, CheckResult):
        cid, legacy = check.id, (check.legacy_id if check.report else None)
    else:
        cid, legacy = check.get("id"), check.get("legacy_id")
    found = reviews.get(cid)
    return found if found is not None or not legacy else reviews.get(legacy)


def _clean_number(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        if v.is_integer() and abs(v) < 1e15:
            return int(v)
        return round(v, 6)
    return v


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in values.items():
        if isinstance(v, (list, tuple)):
            out[k] = [_clean_number(x) for x in v]
        else:
            out[k] = _clean_number(v)
    return out


def sort_checks(checks: Iterable[CheckResult]) -> list[CheckResult]:
    """Worst first: failures by severity, then passes, then skips; stable by rule code."""
    return sorted(checks, key=lambda c: (STATUS_ORDER[c.status], SEVERITY_ORDER[c.severity], c.rule))


def findings_document(*, source: str, ward: str | None, report: dict[str, Any], checks: list[CheckResult],
                      facts: list[dict[str, Any]], notes: list[str] | None = None,
                      reviews: dict[str, dict[str, Any]] | None = None,
                      unread: Iterable[Unread] = ()) -> dict[str, Any]:
    """The findings document; ``reviews`` (finding id → decision) annotates the failing checks;
    ``unread`` (the ward's files not read, with their reasons) is listed when there is any."""
    reviews = reviews or {}
    doc = {"schema": SCHEMA, "source": source, "ward": ward, "report": report,
           "checks": [c.to_dict(review_of(reviews, c) if c.status == "fail" else None) for c in sort_checks(checks)],
           "facts": facts, "unchecked": unchecked(checks)}
    if notes:
        doc["notes"] = notes
    unread = [u.to_dict() for u in unread]
    if unread:
        doc["unread"] = unread
    return doc


def unread_files(blob: Any) -> list[dict[str, str]]:
    """The ``unread`` list of a findings.json (one document, or ``{"reports": [...], "unread": [...]}``)."""
    items = blob.get("unread") if isinstance(blob, dict) else None
    return [u for u in items or [] if isinstance(u, dict) and u.get("file")]


def unchecked(checks: Iterable[CheckResult]) -> dict[str, Any]:
    """How many related figures could not be checked, and why (relations of ambiguous strength)."""
    reasons: dict[str, int] = {}
    for c in checks:
        rel = c.relation or {}
        if c.status == "skip" and rel.get("strength") == "ambiguous":
            why = rel.get("reason") or "không xác định được quan hệ"
            reasons[why] = reasons.get(why, 0) + 1
    return {"count": sum(reasons.values()), "reasons": dict(sorted(reasons.items()))}


def dumps(doc: dict[str, Any]) -> str:
    """UTF-8 JSON with Vietnamese unescaped, keys in a fixed order, stable across runs."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def checks_frame(checks: Iterable[CheckResult | dict[str, Any]]):
    import pandas as pd

    rows = []
    for c in checks:
        d = c.to_dict() if isinstance(c, CheckResult) else c
        ev = d.get("evidence") or []
        first = ev[0] if ev else {}
        rows.append({"rule": d["rule"], "family": rule_family(d["rule"]),
                     "status": d["status"], "severity": d["severity"], "message": d["message"],
                     "expected": d["values"].get("expected", d["values"].get("computed")),
                     "actual": d["values"].get("actual", d["values"].get("stated")),
                     "section": first.get("section"), "page": first.get("page"), "line": first.get("line"),
                     "quote": first.get("quote")})
    return pd.DataFrame(rows, columns=["rule", "family", "status", "severity", "message", "expected", "actual",
                                       "section", "page", "line", "quote"])


def summary(checks: Iterable[CheckResult | dict[str, Any]]) -> dict[str, int]:
    counts = {"checks": 0, "pass": 0, "fail": 0, "skip": 0, "error": 0, "warning": 0, "info": 0}
    for c in checks:
        d = c.to_dict() if isinstance(c, CheckResult) else c
        counts["checks"] += 1
        counts[d["status"]] += 1
        if d["status"] == "fail":
            counts[d["severity"]] += 1
    return counts

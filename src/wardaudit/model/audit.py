"""One report's audit as a value: its document, metadata, facts, relations and checks.

:class:`AuditResult` is what :mod:`wardaudit.audit` produces, what the ward store keeps as JSON
(:meth:`AuditResult.to_record` / :meth:`AuditResult.from_record`, no pickle) and what the render
layer, the letter and the summary read. The findings document (schema wardaudit.findings/1) is one
view of it (:meth:`AuditResult.findings`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wardaudit.model.document import Document
from wardaudit.model.facts import Fact, Place, Places
from wardaudit.model.findings import CheckResult, Evidence, Unread, findings_document, summary
from wardaudit.model.plain import plain
from wardaudit.model.relations import Relation, Strength
from wardaudit.model.report import ReportMeta

#: the relation kinds an audit builds, in the order the rules read them
RELATION_KINDS = ("partition", "ratio", "share", "share_set", "recurrence")


@dataclass
class AuditResult:
    """One report's audit: what was read, what it says, how its figures relate and what was checked."""

    document: Document
    meta: ReportMeta
    facts: list[Fact]
    checks: list[CheckResult]
    relations: dict[str, list[Relation]] = field(default_factory=dict)
    places: Places = field(default_factory=Places)  # where each figure of the text stands, by fact id
    ward: str | None = None
    notes: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)  # the ward's files not read (each report of the ward)

    def findings(self, reviews: dict[str, dict[str, Any]] | None = None, *, with_unread: bool = True) -> dict[str, Any]:
        """The findings document; ``reviews`` (finding id → review) annotates failing checks; the ward's
        unread files are listed unless ``with_unread`` is False (a ward of several reports lists them once)."""
        return findings_document(source=self.document.source, ward=self.ward or self.meta.ward_name,
                                 report=self.meta.report_dict(), checks=self.checks,
                                 facts=[f.to_public() for f in self.facts],
                                 notes=self.document.notes + self.notes, reviews=reviews,
                                 unread=self.unread if with_unread else ())

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.checks)

    @property
    def exit_code(self) -> int:
        return 1 if any(c.status == "fail" and c.severity == "error" for c in self.checks) else 0

    # --- the store's JSON form ------------------------------------------------------------------
    def to_record(self) -> dict[str, Any]:
        """Everything, as plain JSON values: facts whole (working fields too), their places and relations
        by fact id."""
        ids = {f.id for f in self.facts}
        return {"document": self.document.to_dict(), "meta": self.meta.to_dict(),
                "facts": [plain(f) for f in self.facts], "places": {k: plain(p) for k, p in self.places.items()},
                "checks": [_check_record(c) for c in self.checks],
                "relations": {kind: [_relation_record(r, ids) for r in rels] for kind, rels in self.relations.items()},
                "ward": self.ward, "notes": list(self.notes), "unread": [u.to_dict() for u in self.unread]}

    @classmethod
    def from_record(cls, d: dict[str, Any]) -> AuditResult:
        """The inverse of :meth:`to_record`."""
        facts = [Fact(**f) for f in d["facts"]]
        by_id = {f.id: f for f in facts}
        places = Places({k: Place(**p) for k, p in (d.get("places") or {}).items()})
        return cls(document=Document.from_dict(d["document"]), meta=ReportMeta.from_dict(d["meta"]), facts=facts,
                   places=places,
                   checks=[_check_from(c) for c in d["checks"]],
                   relations={kind: [_relation_from(r, by_id) for r in rels]
                              for kind, rels in (d.get("relations") or {}).items()},
                   ward=d.get("ward"), notes=list(d.get("notes") or []),
                   unread=[Unread(**u) for u in d.get("unread") or []])


def _check_record(c: CheckResult) -> dict[str, Any]:
    return {"rule": c.rule, "status": c.status, "severity": c.severity, "message": c.message,
            "values": c.values, "evidence": [plain(e) for e in c.evidence], "key": c.key, "relation": c.relation,
            "report": c.report}


def _check_from(d: dict[str, Any]) -> CheckResult:
    return CheckResult(rule=d["rule"], status=d["status"], severity=d["severity"], message=d["message"],
                       values=d.get("values") or {}, evidence=tuple(Evidence(**e) for e in d.get("evidence") or ()),
                       key=d.get("key") or "", relation=d.get("relation"), report=d.get("report") or "")


def _relation_record(r: Relation, ids: set[str]) -> dict[str, Any]:
    # a member outside the report's facts (a derived figure, e.g. the total of an 'a/b') travels whole
    members = [m.id if m.id in ids else {"fact": plain(m)} for m in r.members]
    return {"kind": r.kind, "members": members, "cue": r.cue, "strength": r.strength.value, "scope": r.scope,
            "exhaustive": r.exhaustive, "reason": r.reason, "base_source": r.base_source, "bases": list(r.bases)}


def _relation_from(d: dict[str, Any], by_id: dict[str, Fact]) -> Relation:
    members = tuple(by_id[m] if isinstance(m, str) else Fact(**m["fact"]) for m in d["members"])
    return Relation(d["kind"], members, d["cue"], Strength(d["strength"]), d.get("scope"),
                    bool(d.get("exhaustive", True)), d.get("reason") or "", d.get("base_source"),
                    tuple(d.get("bases") or ()))

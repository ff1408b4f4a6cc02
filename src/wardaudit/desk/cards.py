"""What the desk shows, as plain data: the wards to review in triage order, and one ward's findings as
cards (worst first), each with its evidence quoted where the ward would find it and the auditor's
latest decision. No widget here: :mod:`wardaudit.desk.panel` and :mod:`wardaudit.desk.app` draw them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wardaudit.model.audit import AuditResult
from wardaudit.model.findings import SEVERITY_ORDER
from wardaudit.project.config import Paths, WardParams, load_params
from wardaudit.render.evidence import quote_text, rule_titles
from wardaudit.render.messages import t
from wardaudit.render.office import place
from wardaudit.render.wording import display_stamp, message, value_rows
from wardaudit.review.statuses import STATE_WORDS
from wardaudit.store import WardStore

QUOTE_MAX = 400


@dataclass
class Card:
    """One failing check of the ward, as the desk shows it."""

    id: str
    rule: str
    severity: str
    title: str
    message: str
    quotes: list[dict[str, str]]
    values: list[tuple[str, str]]
    source: str | None = None
    legacy_id: str | None = None  # the id before ids named the report: decisions made on it still attach

    def decision(self, reviews: Mapping[str, Any]) -> Any:
        """The latest decision on this finding in ``reviews`` (finding id → Decision), or None."""
        from wardaudit.model.findings import review_of

        return review_of(reviews, {"id": self.id, "legacy_id": self.legacy_id})

    def data(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "severity_text": t("sev_" + self.severity, "vi")
                if self.severity in SEVERITY_ORDER else self.severity, "title": self.title,
                "message": self.message, "quotes": self.quotes, "value_rows": self.values, "source": self.source}


@dataclass
class WardRow:
    """One ward of the desk's list: its name, province and what is left to review."""

    slug: str
    ward: str
    province: str | None
    open_errors: int = 0
    open_warnings: int = 0
    query: int = 0
    open: int = 0
    last_run: str | None = None
    status: str = "missing"
    unchecked_share: float = 0.0


def _short(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX].rsplit(" ", 1)[0] + " …"


def cards(results: list[AuditResult]) -> list[Card]:
    """The failing checks of the ward's reports (each id once), worst first: severity, rule, newest report."""
    titles = rule_titles("vi")
    found, seen = [], set()
    for ri, r in enumerate(results):
        for ci, c in enumerate(r.checks):
            if c.status != "fail" or c.id in seen:
                continue
            seen.add(c.id)
            quotes = []
            for ev in c.evidence:
                q = {"quote": _short(quote_text(r.document, ev)), "where": place(ev, r.document)}
                if q not in quotes:
                    quotes.append(q)
            card = Card(id=c.id, rule=c.rule, severity=c.severity, title=titles.get(c.rule, c.rule),
                        message=message(c.message, "vi"), quotes=quotes, values=value_rows(c.values, c.rule, "vi"),
                        source=r.document.source if len(results) > 1 else None,
                        legacy_id=c.legacy_id if c.report else None)
            found.append(((SEVERITY_ORDER.get(c.severity, 9), c.rule, -ri, ci), card))
    return [c for _, c in sorted(found, key=lambda x: x[0])]


def state(decision: Any) -> dict[str, Any]:
    """A card's state line: the status in words, the note, who and when (Vietnam time)."""
    if decision is None:
        return {"status": "open", "label": STATE_WORDS["open"], "note": None, "who": None}
    who = " · ".join(x for x in (decision.by or "", display_stamp(decision.at) or "") if x)
    return {"status": decision.status, "label": STATE_WORDS.get(decision.status, decision.status),
            "note": decision.note or None, "who": who or None}


def ward_rows(paths: Paths) -> list[WardRow]:
    """Every ward of parameters/, in triage order: failed runs first, then wards not audited yet, then by
    open errors, open warnings and the share of figures that could not be checked (as the index ranks)."""
    from wardaudit.run.portfolio.triage import triage_key

    rows = []
    for file in sorted(paths.parameters.glob("*.yaml")):
        rows.append(_row(file.stem, paths))
    keyed = [(triage_key({"status": r.status, "open_errors": r.open_errors, "open_warnings": r.open_warnings,
                          "unchecked_share": r.unchecked_share, "ward": r.ward, "slug": r.slug}), r) for r in rows]
    return [r for _, r in sorted(keyed, key=lambda x: x[0])]


def _row(slug: str, paths: Paths) -> WardRow:
    store = WardStore(paths, slug)
    try:
        params = load_params(paths.ward_params(slug), paths)
        name, province = params.ward, params.province
    except Exception:  # noqa: BLE001 - a broken parameters file is listed by its slug, as a failed ward
        name, province = slug, None
    summary = store.read_summary() or {}
    counts = summary.get("counts") or {}
    run = store.last_run()
    status = run.status if run is not None else ("ok" if summary else "missing")
    return WardRow(slug=slug, ward=summary.get("ward") or name, province=summary.get("province") or province,
                   open_errors=counts.get("open_errors", 0), open_warnings=counts.get("open_warnings", 0),
                   query=counts.get("query", 0), open=counts.get("open", 0),
                   last_run=display_stamp(run.at) if run is not None else None, status=status,
                   unchecked_share=counts.get("unchecked_share", 0.0))


def ward_audit(slug: str, paths: Paths) -> tuple[WardParams, list[AuditResult] | None]:
    """The ward's parameters and its last stored audit (None when it was never audited)."""
    return load_params(paths.ward_params(slug), paths), WardStore(paths, slug).load_audit()


def latest_decisions(slug: str, paths: Paths) -> Mapping[str, Any]:
    from wardaudit.review.decisions import latest, load_decisions

    return latest(load_decisions(slug, paths))

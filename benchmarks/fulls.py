"""What `make eval` measures on the full reports (tests/fixtures/full), besides the corpus measures.

A full report is a whole ward report (15,000 characters or more, body and appendices) labelled like a
corpus passage. On top of the corpus measures (faults found, precision of error findings, correct
relations disputed, planted recall) it is scored for what an auditor reading a whole report meets:

- **warnings per 20 facts**: failing checks at warning severity against the facts the tool extracted
  (the target is at most 1 warning per 20 facts: a report that cries wolf is not read);
- **traps flagged**: a label's ``lookalikes`` are figures a careful auditor would not relate (a month's
  count and the year's cumulative one, a province's rate and the ward's, a count of kinds and the
  figures it groups). A trap is flagged when a failing check holds min(2, n) of its figures and no
  labelled relation explains the check (a check about a labelled relation is scored there already).

Run through `make eval` (benchmarks/eval.py), which renders these figures in their own table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from plant import Passage, parse

WARNINGS_PER = 20  # one warning per this many facts at most


@dataclass
class ReportScore:
    """One full report: its facts, its failing warnings and errors, and the traps it fell into."""

    id: str
    facts: int = 0
    warnings: int = 0
    errors: int = 0
    traps: int = 0
    flagged: list[str] = field(default_factory=list)

    @property
    def warnings_per_20(self) -> float:
        return WARNINGS_PER * self.warnings / self.facts if self.facts else 0.0


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def trap_values(trap: dict) -> list[float]:
    """The distinct values of a lookalike's figures (label strings, '#n' and '@unit' as for relations)."""
    out: list[float] = []
    for ref in trap.get("figures") or []:
        v = parse(str(ref)).value
        if not any(_close(v, w) for w in out):
            out.append(v)
    return out


def score_report(p: Passage, findings: dict, checks: list, attributed) -> ReportScore:
    """Count one audited full report. ``checks`` are eval's Check objects for ``findings``;
    ``attributed(check, relations)`` is eval's tie of a check to the labelled relations."""
    s = ReportScore(p.id, facts=len(findings.get("facts") or []))
    fails = [c for c in checks if c.status == "fail"]
    s.warnings = sum(c.severity == "warning" for c in fails)
    s.errors = sum(c.severity == "error" for c in fails)
    loose = [c for c in fails if not attributed(c, p.relations)]
    for trap in p.lookalikes:
        vals = trap_values(trap)
        need = min(2, len(vals))
        hit = next((c for c in loose if sum(any(_close(v, x) for x in c.figures) for v in vals) >= need), None)
        s.traps += 1
        if hit is not None:
            s.flagged.append(f"{p.id}: {trap.get('why')} — [{hit.severity}] {hit.rule}: {hit.message}")
    return s


def rows(scores: list[ReportScore]) -> list[tuple[str, str]]:
    """The full-report measures: warnings per 20 facts (worst report), traps flagged."""
    worst = max(scores, key=lambda s: s.warnings_per_20, default=None)
    traps = sum(s.traps for s in scores)
    flagged = sum(len(s.flagged) for s in scores)
    return [("failing warnings per 20 facts (worst report)",
             f"{worst.warnings_per_20:.2f} ({worst.id}: {worst.warnings} / {worst.facts} facts)" if worst else "–"),
            ("traps flagged (lookalike figures in a failing check)",
             f"{flagged}/{traps} ({100 * flagged / traps:.1f}%)" if traps else "0/0 (–)")]


def per_report_lines(scores: list[ReportScore]) -> list[str]:
    lines = ["| report | facts | failing errors | failing warnings | warnings per 20 facts | traps flagged |",
             "|---|---|---|---|---|---|"]
    for s in scores:
        lines.append(f"| {s.id} | {s.facts} | {s.errors} | {s.warnings} | {s.warnings_per_20:.2f} | "
                     f"{len(s.flagged)}/{s.traps} |")
    return lines + [""]

"""`make eval`: how well `wardaudit check` reads relations, measured on labelled text.

Audits every passage of the development corpus (tests/fixtures/corpus), every labelled seed
(tests/fixtures/labels/seeds) and every passage of the held-out set (tests/fixtures/heldout, written
apart and never used for tuning: its column is a measurement, not a target), then plants one
fault at a time into each relation that holds (benchmarks/plant.py) and audits again. A check
matches a labelled relation when at least min(2, n) of the relation's n figure values are among
the check's figures (the values of its evidence ``figure`` strings and the numbers in its
``values``); a name relation is matched by a failing META check that mentions the variant.
It prints and writes benchmarks/EVAL.md:

- fault recall: labelled faults found by a failing check (at error level / at any level);
- correct relations disputed: a failing check matches a relation that holds, per severity;
- precision of error findings: an error is justified when it matches a labelled fault;
- planted-fault recall per kind (sum_part, bracketed_part, rate, recurrence, name);
- the share of correct explicit relations ticked (a passing check matches them);
- the checks the tool skipped (figures it could not check), by rule.

A target that is not met (kind ``target``, holds false) is not a fault and a target that is met
is not a "correct relation": both are left out of these figures.

Run: `.venv/bin/python benchmarks/eval.py` (or `make eval`).
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plant import (  # noqa: E402
    CORPUS,
    HELDOUT,
    KINDS,
    PATTERNS,
    ROOT,
    SEED_LABELS,
    LabelError,
    Passage,
    Relation,
    applicable,
    broken_by,
    label_problems,
    load_corpus,
    load_passage,
    parse,
    plant,
    unit_name,
    values,
)

from wardaudit.audit import audit_file  # noqa: E402
from wardaudit.errors import AuditError  # noqa: E402
from wardaudit.project.config import WardParams, load_params  # noqa: E402
from wardaudit.vi.numbers import find_figures  # noqa: E402

RANK = {"info": 1, "warning": 2, "error": 3}
STATED_BASES = ("stated", "partition", "compared")  # relation.base_source of a base the text ties to its rate
OUT = ROOT / "benchmarks" / "EVAL.md"


@dataclass
class Check:
    rule: str
    status: str
    severity: str
    message: str
    figures: list[float]
    text: str  # message + evidence quotes and figures, for name matching
    relation: dict | None = None


def _numbers(obj) -> list[float]:
    if isinstance(obj, bool) or obj is None:
        return []
    if isinstance(obj, (int, float)):
        return [float(obj)]
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _numbers(v)]
    if isinstance(obj, (list, tuple)):
        return [x for v in obj for x in _numbers(v)]
    return []


def read_checks(findings: dict) -> list[Check]:
    """The checks of a findings dict, each with the figures it speaks about."""
    out = []
    for c in findings.get("checks") or []:
        figs, text = [], [str(c.get("message") or "")]
        for e in c.get("evidence") or []:
            raw = e.get("figure")
            text += [str(e.get("quote") or ""), str(raw or "")]
            for f in find_figures(str(raw)) if raw else []:
                figs.append(f.value)
                if f.denominator is not None:
                    figs.append(f.denominator)
        figs += _numbers(c.get("values"))
        out.append(Check(c.get("rule", "?"), c.get("status", "?"), c.get("severity", "info"),
                         str(c.get("message") or ""), figs, "\n".join(text), c.get("relation")))
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _distinct(vals: list[float]) -> list[float]:
    out: list[float] = []
    for v in vals:
        if not any(_close(v, w) for w in out):
            out.append(v)
    return out


def score(rel: Relation, check: Check) -> tuple[float, int]:
    """How well ``check`` covers ``rel``: (share of the relation's distinct figure values among the
    check's figures, how many), (0, 0) when fewer than min(2, n) are there. A name relation scores
    (1, 1) when the check is a failing META check naming the variant."""
    if rel.kind == "name":
        variant = str(rel.figures.get("variant") or "")
        ok = check.rule.startswith("META") and check.status == "fail" and bool(variant) and variant in check.text
        return (1.0, 1) if ok else (0.0, 0)
    vals = _distinct(values(rel))
    hits = sum(1 for v in vals if any(_close(v, c) for c in check.figures))
    if not vals or hits < min(2, len(vals)):
        return (0.0, 0)
    return (hits / len(vals), hits)


def matches(rel: Relation, check: Check, must: float | None = None) -> bool:
    """Does ``check`` speak about ``rel``? ``must``: a value the check has to contain as well."""
    if must is not None and not any(_close(must, c) for c in check.figures):
        return False
    return score(rel, check)[1] > 0


def attributed(check: Check, relations: list[Relation]) -> list[Relation]:
    """The relations a check speaks about: those it covers best, then with most figures (a check
    about 12.456 = 12.294 + 160 is not about the rate 12.294/12.456 that shares two of them)."""
    scores = [(score(r, check), r) for r in relations]
    best = max((sc for sc, _ in scores), default=(0.0, 0))
    return [r for sc, r in scores if sc[1] > 0 and sc == best]


def worst(checks: list[Check]) -> str | None:
    return max((c.severity for c in checks), key=lambda s: RANK.get(s, 0), default=None)


def params_for(p: Passage) -> WardParams:
    """Parameters to audit a passage: the seed's own file, else the label's unit name."""
    seed = ROOT / "parameters" / f"{p.id}.yaml"
    if p.text_path.is_relative_to(ROOT / "data" / "raw") and seed.exists():
        return load_params(seed)
    level = p.level if p.level in ("xã", "phường") else "xã"
    return WardParams(ward=unit_name(p) or "Không rõ", slug="eval-corpus", level=level)


def audit_text(p: Passage, text: str | None, workdir: Path) -> list[Check]:
    """Audit the passage (or a planted copy of its text) and return its checks."""
    if text is None:
        path = p.text_path
    else:
        path = workdir / f"{p.id}{p.text_path.suffix}"
        path.write_text(text, encoding="utf-8")
    return read_checks(audit_file(path, params_for(p)).findings())


@dataclass
class Tally:
    """Everything counted over one set of passages."""
    faults: int = 0
    faults_error: int = 0
    faults_any: int = 0
    correct: int = 0
    disputed: Counter = field(default_factory=Counter)
    explicit: int = 0
    ticked: int = 0
    errors: int = 0
    justified: int = 0
    planted: Counter = field(default_factory=Counter)
    planted_error: Counter = field(default_factory=Counter)
    planted_any: Counter = field(default_factory=Counter)
    skips: Counter = field(default_factory=Counter)
    relation_cues: Counter = field(default_factory=Counter)
    unjustified: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    disputes: list[str] = field(default_factory=list)
    planted_missed: list[str] = field(default_factory=list)
    ticked_ids: set[str] = field(default_factory=set)
    unticked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    targets_unmet: int = 0
    targets_flagged: int = 0
    by_pattern: dict[str, Counter] = field(default_factory=dict)
    rate_errors: Counter = field(default_factory=Counter)  # failing RATE001 errors by where their base came from

    @property
    def precision(self) -> float:
        return self.justified / self.errors if self.errors else 1.0

    def recall(self, kind: str, level: str = "any") -> float:
        n = self.planted[kind]
        found = (self.planted_error if level == "error" else self.planted_any)[kind]
        return found / n if n else 1.0


def _score_passage(p: Passage, checks: list[Check], t: Tally) -> None:
    fails = [c for c in checks if c.status == "fail"]
    passes = [c for c in checks if c.status == "pass"]
    for c in checks:
        if c.status == "skip" and not c.rule.startswith("TREND"):
            t.skips[c.rule] += 1
        if c.rule == "RATE001" and c.status == "fail" and c.severity == "error":
            t.rate_errors[(c.relation or {}).get("base_source") or "none"] += 1
        if c.relation and c.status == "fail":
            t.relation_cues[f"{c.relation.get('kind')}/{c.relation.get('cue')}/{c.relation.get('strength')}"] += 1
    about = {id(c): attributed(c, p.relations) for c in fails + passes}
    for rel in p.relations:
        hit = [c for c in fails if any(r is rel for r in about[id(c)])]
        if rel.kind == "target":  # a target not met is worth a warning, not an arithmetic fault
            t.targets_unmet += not rel.holds
            t.targets_flagged += (not rel.holds) and bool(hit)
            continue
        if not rel.holds:
            t.faults += 1
            t.faults_any += bool(hit)
            t.faults_error += worst(hit) == "error"
            if worst(hit) != "error":
                t.missed.append(f"{p.id}/{rel.id} ({rel.kind}, {rel.cue}, {rel.strength}): {rel.fault} — "
                                f"{'tìm thấy ở mức ' + worst(hit) if hit else 'không tìm thấy'}")
            continue
        t.correct += 1
        if hit:
            t.disputed[worst(hit)] += 1
            c = max(hit, key=lambda c: RANK.get(c.severity, 0))
            t.disputes.append(f"{p.id}/{rel.id} ({rel.kind}) [{c.severity}] {c.rule}: {c.message}")
        if rel.strength == "explicit" and rel.kind != "name":
            t.explicit += 1
            if any(any(r is rel for r in about[id(c)]) for c in passes):
                t.ticked += 1
                t.ticked_ids.add(f"{p.id}/{rel.id}")
            elif not hit:
                t.unticked.append(f"{p.id}/{rel.id} ({rel.kind}, {rel.cue}): {rel.figures}")
    for c in fails:
        if c.severity != "error":
            continue
        t.errors += 1
        if any(not r.holds and r.kind != "target" for r in about[id(c)]):
            t.justified += 1
        else:
            rel = c.relation or {}
            how = f" [{rel.get('kind')}, {rel.get('cue')}, {rel.get('strength')}]" if rel else ""
            t.unjustified.append(f"{p.id} {c.rule}{how}: {c.message}")


def _counts(t: Tally) -> tuple:
    """What a passage adds to the per-pattern table (see :func:`_score_patterns`)."""
    return (t.faults, t.faults_any, t.faults_error, t.correct, t.disputed["error"], t.errors - t.justified)


PATTERN_KEYS = ("faults", "found", "found_error", "correct", "disputed_error", "unjustified")


def _score_patterns(p: Passage, before: tuple, t: Tally) -> None:
    """Add what one passage contributed to the counts of each pattern it exercises."""
    delta = [a - b for a, b in zip(_counts(t), before, strict=False)]
    for pattern in p.patterns:
        c = t.by_pattern.setdefault(pattern, Counter())
        c["passages"] += 1
        for key, d in zip(PATTERN_KEYS, delta, strict=False):
            c[key] += d


def _score_plants(p: Passage, t: Tally, workdir: Path) -> None:
    for kind, rel in applicable(p):
        got = plant(p, rel, kind)
        if got is None:
            continue
        text, planted = got
        must = parse(planted.planted_to).value if planted.planted_to else None
        broken = broken_by(p, rel, planted)  # a changed figure may break more than the one relation
        hit = [c for c in audit_text(p, text, workdir)
               if c.status == "fail" and any(matches(b, c, must) for b in broken)]
        t.planted[kind] += 1
        t.planted_any[kind] += bool(hit)
        t.planted_error[kind] += worst(hit) == "error"
        if not hit:
            t.planted_missed.append(f"{p.id}/{planted.id} {kind}: {planted.fault}")


def evaluate(passages: list[Passage], with_plants: bool = True) -> Tally:
    """Audit every passage (and its planted copies) and count."""
    t = Tally()
    with tempfile.TemporaryDirectory(prefix="wardaudit-eval-") as tmp:
        for p in passages:
            before = _counts(t)
            try:
                _score_passage(p, audit_text(p, None, Path(tmp)), t)
                _score_patterns(p, before, t)
                if with_plants:
                    _score_plants(p, t, Path(tmp))
            except AuditError as e:  # the tool refused the passage: count it, carry on with the rest
                t.failed.append(f"{p.id}: {' '.join(str(e).split())[:200]}")
    return t


def load_seeds() -> list[Passage]:
    return [load_passage(p) for p in sorted(SEED_LABELS.glob("*.yaml"))]


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "0/0 (–)"


def summary(t: Tally) -> list[tuple[str, str]]:
    rows = [("fault recall at error", _pct(t.faults_error, t.faults)),
            ("fault recall at any severity", _pct(t.faults_any, t.faults)),
            ("precision of error findings", _pct(t.justified, t.errors)),
            ("correct relations disputed at error", _pct(t.disputed["error"], t.correct)),
            ("correct relations disputed at warning", _pct(t.disputed["warning"], t.correct)),
            ("correct relations disputed at info", _pct(t.disputed["info"], t.correct)),
            ("correct explicit relations ticked", _pct(t.ticked, t.explicit)),
            ("rate errors whose base the text does not state with the rate",
             f"{sum(n for k, n in t.rate_errors.items() if k not in STATED_BASES)}/{sum(t.rate_errors.values())}")]
    for kind in KINDS:
        rows.append((f"planted {kind}: found at error / any",
                     f"{_pct(t.planted_error[kind], t.planted[kind])} / {_pct(t.planted_any[kind], t.planted[kind])}"))
    rows.append(("targets not met, flagged at any severity", _pct(t.targets_flagged, t.targets_unmet)))
    rows.append(("checks skipped (figures not checked)", str(sum(t.skips.values()))))
    rows.append(("passages the tool could not audit", str(len(t.failed))))
    return rows


def _section(title: str, items: list[str]) -> list[str]:
    return [f"### {title} ({len(items)})", ""] + ([f"- {x}" for x in items] or ["- (không có)"]) + [""]


HELDOUT_NOTE = ("The held-out set (tests/fixtures/heldout) was written apart from the corpus and is not used "
                "for tuning: do not read its passages, labels or the tool's findings on them when changing "
                "rules. Its column is a measurement, not a target, and only its totals are reported here.")


PATTERN_HEAD = ["| pattern | passages | faults found (error / any severity) | correct relations disputed at error "
                "| unjustified errors |", "|---|---|---|---|---|"]


def _pattern_row(pattern: str, c: Counter) -> str:
    return (f"| {pattern} | {c['passages']} | {c['found_error']} / {c['found']} of {c['faults']} | "
            f"{c['disputed_error']}/{c['correct']} | {c['unjustified']} |")


def _heldout_lines(heldout: Tally) -> list[str]:
    """Per-pattern totals of the held-out set (no passage, figure or message: nothing to tune on)."""
    lines = ["Per pattern (held-out, totals only):", ""] + PATTERN_HEAD
    lines += [_pattern_row(pattern, c) for pattern, c in sorted(heldout.by_pattern.items())]
    return lines + [""]


def _pattern_lines(corpus: Tally) -> list[str]:
    """Every known pattern (plant.PATTERNS) with what the corpus says of it, then what each means."""
    lines = ["Per pattern (corpus; a passage may exercise several):", ""] + PATTERN_HEAD
    lines += [_pattern_row(pattern, corpus.by_pattern.get(pattern, Counter())) for pattern in sorted(PATTERNS)]
    lines += ["", "Patterns: " + "; ".join(f"**{k}**: {v}" for k, v in sorted(PATTERNS.items())) + ".", ""]
    if corpus.rate_errors:
        lines += ["RATE001 errors by where their base came from (relation.base_source): "
                  + ", ".join(f"{k} {n}" for k, n in sorted(corpus.rate_errors.items())) + ".", ""]
    return lines


def render(corpus: Tally, seeds: Tally, n_corpus: int, n_seeds: int, seconds: float,
           heldout: Tally | None = None, n_heldout: int = 0) -> str:
    heldout = heldout if heldout is not None else Tally()
    lines = ["# Đánh giá trên bộ đoạn văn phát triển và báo cáo mẫu / Evaluation", "",
             "Generated by `make eval` (benchmarks/eval.py); do not edit by hand.", "",
             f"Corpus: {n_corpus} passages (tests/fixtures/corpus); seeds: {n_seeds} labelled reports "
             f"(tests/fixtures/labels/seeds); held-out: {n_heldout} passages (tests/fixtures/heldout). "
             f"Time: {seconds:.1f} s.", "", HELDOUT_NOTE, "",
             "A check matches a labelled relation when it holds at least min(2, n) of the relation's n "
             "figures (evidence figures and numbers in `values`) and no other relation of the passage is "
             "covered better; a name relation needs a failing META check naming the variant. Faults are "
             "relations that do not hold (a target not met is not a fault). Planted faults: one figure "
             "(or one spelling of the unit's name) changed per audit, found when a failing check matches "
             "the changed relation and holds the new figure.", "",
             "| measure | corpus | seeds | held-out |", "|---|---|---|---|"]
    for (name, a), (_, b), (_, h) in zip(summary(corpus), summary(seeds), summary(heldout), strict=False):
        lines.append(f"| {name} | {a} | {b} | {h} |")
    lines += [""] + _pattern_lines(corpus)
    lines += _heldout_lines(heldout)
    for label, t in (("Corpus", corpus), ("Seeds", seeds)):
        lines += [f"## {label}", ""]
        lines += _section("Passages the tool could not audit", t.failed) if t.failed else []
        lines += _section("Unjustified error findings", t.unjustified)
        lines += _section("Labelled faults not found at error level", t.missed)
        lines += _section("Correct relations disputed", t.disputes)
        lines += _section("Planted faults not found", t.planted_missed)
        lines += _section("Correct explicit relations not ticked (no passing check names them)", t.unticked)
        lines += _section("Skipped checks by rule", [f"{k}: {v}" for k, v in sorted(t.skips.items())])
        if t.relation_cues:
            lines += _section("Failing checks by relation kind/cue/strength",
                              [f"{k}: {v}" for k, v in sorted(t.relation_cues.items())])
    return "\n".join(lines) + "\n"


def main() -> int:
    start = time.perf_counter()
    try:
        corpus_passages, seed_passages, heldout_passages = load_corpus(CORPUS), load_seeds(), load_corpus(HELDOUT)
    except LabelError as e:
        print(e, file=sys.stderr)
        return 2
    problems = [x for p in corpus_passages + seed_passages + heldout_passages for x in label_problems(p)]
    if problems:  # a wrong label would make every figure below wrong
        print(f"{len(problems)} nhãn sai / wrong labels, first: {problems[0]}", file=sys.stderr)
        return 2
    corpus, seeds, heldout = evaluate(corpus_passages), evaluate(seed_passages), evaluate(heldout_passages)
    seconds = time.perf_counter() - start
    OUT.write_text(render(corpus, seeds, len(corpus_passages), len(seed_passages), seconds,
                          heldout, len(heldout_passages)), encoding="utf-8")
    width = max(len(n) for n, _ in summary(corpus))
    print(f"{'measure':<{width}}  corpus{'':<27}seeds{'':<28}held-out")
    for (name, a), (_, b), (_, h) in zip(summary(corpus), summary(seeds), summary(heldout), strict=False):
        print(f"{name:<{width}}  {a:<33}{b:<33}{h}")
    print(f"{len(corpus_passages)} passages, {len(seed_passages)} seeds, {len(heldout_passages)} held-out passages "
          f"in {seconds:.1f} s; wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

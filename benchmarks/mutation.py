"""Mutation harness: plant known faults in the seed reports and measure how many `check` finds.

For every seed (text form) it rewrites one figure or name at a time — one part of a sum, one
stated rate, one recurrence of a figure, one spelling of the ward, one appendix row dropped, one
section number shifted — audits the mutated text, and counts the fault as found when a failing
check that the unmutated report does not have points at the mutated line (or, for a dropped row,
at the appendix). Only checkable places are mutated: a rate with its counts, a part of a stated
total, a figure stated in more than one place. Mutated texts live in a temporary folder; nothing
is written to data/raw.

Run: `.venv/bin/python benchmarks/mutation.py` (writes benchmarks/MUTATION.md).
"""
from __future__ import annotations

import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from wardaudit.audit import audit_file  # noqa: E402
from wardaudit.project.config import load_params  # noqa: E402
from wardaudit.vi.numbers import format_number  # noqa: E402

KINDS = ("sum_part", "rate", "recurrence", "ward_name", "appendix_row", "section_number")


@dataclass
class Mutation:
    kind: str
    line: int  # 1-based line of the mutated text
    before: str
    after: str
    text: str  # the whole mutated report


def _fmt_like(raw: str, value: float, decimals: int) -> str:
    core = re.sub(r"[^\d.,]", "", raw.split("/")[0])
    text = format_number(value, decimals)
    if "." not in core and value >= 1000:
        text = text.replace(".", "")  # written without thousands separators ('2110')
    if core.startswith("0") and len(core) == 2 and value < 10:
        text = f"{int(value):02d}"
    return raw.replace(core, text, 1)


def _replace_once(line: str, old: str, new: str) -> str | None:
    pattern = r"(?<![\d.,/])" + re.escape(old) + r"(?![\d,/]|\.\d)"
    if len(re.findall(pattern, line)) != 1:
        return None
    return re.sub(pattern, new.replace("\\", r"\\"), line, count=1)


def _mutate_line(lines: list[str], lineno: int, old: str, new: str) -> str | None:
    out = _replace_once(lines[lineno - 1], old, new)
    if out is None:
        return None
    mutated = list(lines)
    mutated[lineno - 1] = out
    return "\n".join(mutated) + "\n"


def mutations(path: Path, params) -> list[Mutation]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    base = audit_file(path, params)
    facts = base.facts
    out: list[Mutation] = []

    def figure(kind, f, value):
        new = _fmt_like(f.raw, value, f.decimals)
        m = _mutate_line(lines, f.line, f.raw, new)
        if m:
            out.append(Mutation(kind, f.line, f.raw, new, m))

    # one part of a sum: parts of a stated total (a total with at least two parts)
    groups = defaultdict(list)
    for f in facts:
        if f.group and f.role in ("total", "part"):
            groups[f.group].append(f)
    for members in groups.values():
        parts = [f for f in members if f.role == "part" and f.kind == "count"]
        if any(f.role == "total" for f in members) and len(parts) >= 2:
            for part in parts:
                figure("sum_part", part, part.value + 7)
    # one stated rate that has its counts
    for f in facts:
        has_counts = any(g.group == f.group and g.role == "numerator" for g in facts)
        if f.kind == "percent" and f.role == "rate" and has_counts:
            figure("rate", f, f.value - 3 if f.value >= 50 else f.value + 3)
    # one recurrence of a figure stated in more than one place (text facts of one quantity, of a
    # metric the catalogue treats as one quantity wherever it recurs)
    from wardaudit.catalogue import load_catalogue
    cat = load_catalogue()
    recurring = [f for f in facts if f.metric and f.origin == "text" and f.qualifier is None and f.kind != "percent"
                 and cat.get(f.metric) is not None and cat.get(f.metric).xref]
    by_quantity = defaultdict(list)
    for f in recurring:
        by_quantity[(f.metric, f.period, f.scope)].append(f)
    for fs in by_quantity.values():
        if len({g.line for g in fs}) >= 2:
            for g in fs:
                figure("recurrence", g, g.value + 11)
    # one spelling of the ward: drop a diacritic from one occurrence
    name = base.meta.ward_name
    if name:
        variant = _diacritic_variant(name)
        occ = [i for i, ln in enumerate(lines, 1) if name in ln]
        for i in occ[1::max(1, len(occ) // 4)][:4]:
            mutated = list(lines)
            mutated[i - 1] = mutated[i - 1].replace(name, variant, 1)
            out.append(Mutation("ward_name", i, name, variant, "\n".join(mutated) + "\n"))
    # one appendix row dropped: a numbered row of an appendix table whose count is declared or stated
    doc = base.document
    tables = doc.tables()
    task_lines = {f.line for f in facts if f.metric == "tasks.row"}
    tasks_stated = any(f.metric == "tasks.assigned" for f in facts)
    for a in doc.appendices:
        for ti in a.tables:
            t = tables[ti]
            rows = [i for i, r in enumerate(t.rows) if r and re.fullmatch(r"\d{1,3}\.?", r[0].strip())]
            is_task_table = any(t.row_location(i).line in task_lines for i in rows)
            if a.declared_count is None and not (tasks_stated and is_task_table):
                continue
            for r in rows:
                loc = t.row_location(r)
                mutated = [ln for k, ln in enumerate(lines, 1) if k != loc.line]
                out.append(Mutation("appendix_row", loc.line, lines[loc.line - 1][:60], "", "\n".join(mutated) + "\n"))
    # one section number shifted (up to five headings per report, each on its own)
    shifted = 0
    for s in list(doc.walk_sections()):
        if shifted >= 5:
            break
        if s.number.isdigit() and int(s.number) >= 2:
            ln = lines[s.location.line - 1]
            bumped = str(int(s.number) + 1)
            new = re.sub(r"(^\W*)" + s.number + r"\.", lambda m, bumped=bumped: m.group(1) + bumped + ".", ln,
                         count=1)
            if new != ln:
                mutated = list(lines)
                mutated[s.location.line - 1] = new
                out.append(Mutation("section_number", s.location.line, s.number, str(int(s.number) + 1),
                                    "\n".join(mutated) + "\n"))
                shifted += 1
    return out


def _diacritic_variant(name: str) -> str:
    """The name with one diacritic removed (a real spelling slip: 'Trường' → 'Trương')."""
    import unicodedata
    for i in range(len(name) - 1, -1, -1):
        ch = name[i]
        d = unicodedata.normalize("NFD", ch)
        if len(d) > 1:
            return name[:i] + unicodedata.normalize("NFC", d[:-1]) + name[i + 1:]
    return name + "h"


def _failures(result):
    return {(c.rule, c.message) for c in result.checks if c.status == "fail"}


def detected(mutation: Mutation, result, baseline) -> bool:
    new = [c for c in result.checks if c.status == "fail" and (c.rule, c.message) not in baseline]
    if mutation.kind in ("ward_name", "section_number", "appendix_row"):
        return bool(new)
    return any(e.line == mutation.line for c in new for e in c.evidence)


def run(wards=None, verbose: bool = False) -> dict[str, list[int]]:
    """{kind: [found, planted]} over the seeds."""
    totals = {k: [0, 0] for k in KINDS}
    misses = []
    for params_file in sorted((ROOT / "parameters").glob("*.yaml")):
        params = load_params(params_file)
        if wards and params.slug not in wards:
            continue
        folder = ROOT / "data" / "raw" / params.slug
        for src in sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md")):
            baseline = _failures(audit_file(src, params))
            with tempfile.TemporaryDirectory() as tmp:
                for m in mutations(src, params):
                    target = Path(tmp) / src.name
                    target.write_text(m.text, encoding="utf-8")
                    ok = detected(m, audit_file(target, params), baseline)
                    totals[m.kind][1] += 1
                    totals[m.kind][0] += ok
                    if not ok:
                        misses.append((params.slug, m.kind, m.line, m.before, m.after))
    if verbose:
        for miss in misses:
            print("  missed:", miss)
    return totals


def table(totals) -> str:
    rows = ["| fault planted | planted | found | recall |", "|---|---:|---:|---:|"]
    for k in KINDS:
        found, planted = totals[k]
        rows.append(f"| {k} | {planted} | {found} | {found / planted:.0%} |" if planted else f"| {k} | 0 | 0 | – |")
    return "\n".join(rows)


if __name__ == "__main__":
    totals = run(verbose=True)
    out = table(totals)
    print(out)
    (ROOT / "benchmarks" / "MUTATION.md").write_text(
        "# Mutation harness (benchmarks/mutation.py)\n\nFaults planted one at a time in the text form of each seed; "
        "found = a new failing check points at the mutated place (at any severity).\n\n"
        "These are the four reports the rules were first written from, so this recall flatters the tool: "
        "benchmarks/EVAL.md (`make eval`) measures it on a development corpus and a held-out set "
        "written by the team.\n\n" + out + "\n", encoding="utf-8")
    sys.exit(0 if all(f >= 0.9 * p for f, p in totals.values() if p) else 1)

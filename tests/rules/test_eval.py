"""Issue 10 targets, measured by benchmarks/eval.py on the labelled corpus and seeds; issue 28 targets on
the full reports (tests/fixtures/full).

The corpus targets (precision, disputes, planted recall, ticks) are what the relations work has
to reach; they fail until it does. The matching tests pin how a check is tied to a relation. The
held-out set (tests/fixtures/heldout) is measured, never targeted: only that its column is computed.
The full reports are whole ward reports written for issue 28 in other hands and layouts (outlines
Phần/I./1./a), bullets -, +, •, pipe and tab appendices, budget tables in triệu đồng, task lists, declared
lists), each with about eight labelled faults and a score of traps (lookalikes) a careful auditor leaves
alone.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from eval import FULL, Check, attributed, evaluate, load_seeds, matches, read_checks, render  # noqa: E402
from plant import HELDOUT, KINDS, Relation, label_problems, load_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return evaluate(load_corpus())


@pytest.fixture(scope="module")
def seeds():
    return evaluate(load_seeds())


@pytest.fixture(scope="module")
def full_passages():
    return load_corpus(FULL)


@pytest.fixture(scope="module")
def full(full_passages):
    return evaluate(full_passages, full=True)


@pytest.fixture(scope="module")
def heldout():
    passages = load_corpus(HELDOUT)
    return passages, evaluate(passages)


def _check(status: str, figures: list[float], rule: str = "FOOT002", severity: str = "error") -> Check:
    return Check(rule, status, severity, "", figures, "")


def test_read_checks_takes_figures_from_evidence_and_values():
    findings = {"checks": [{"rule": "RATE001", "status": "fail", "severity": "error", "message": "m",
                            "values": {"expected": 98.7, "parts": [1, [2, 3]], "flag": True},
                            "evidence": [{"figure": "12.294", "quote": "q"}, {"figure": "34/34"},
                                         {"figure": "1,2 tỷ đồng"}, {"figure": None}]}]}
    (c,) = read_checks(findings)
    assert sorted(c.figures) == sorted([12294.0, 34.0, 34.0, 1.2e9, 98.7, 1.0, 2.0, 3.0])
    assert c.rule == "RATE001" and c.severity == "error" and "q" in c.text


def test_a_check_is_tied_to_the_relation_it_covers_best():
    flow = Relation("f", "partition", {"total": "12.456", "parts": ["12.294", "160"]}, False, fault="x")
    rate = Relation("r", "ratio", {"rate": "98,70%", "numerator": "12.294", "denominator": "12.456"}, True)
    check = _check("fail", [12456, 12294, 160, 12454])
    assert matches(rate, check) and matches(flow, check)  # two shared figures are enough to match
    assert attributed(check, [flow, rate]) == [flow]  # but the check is about the flow
    assert attributed(_check("fail", [12294]), [flow, rate]) == []  # one figure of three is not enough
    assert matches(rate, check, must=160) and not matches(rate, check, must=98.7)


def test_a_figure_repeated_in_a_relation_counts_once():
    tasks = Relation("t", "partition", {"total": "27", "parts": ["3", "5", "4", "6", "3#2", "4#2", "2"]}, True)
    assert not matches(tasks, _check("fail", [3.0], rule="STRUCT001", severity="warning"))
    split = Relation("s", "partition", {"total": "512", "parts": ["512#2", "0"]}, True)
    rate = Relation("r", "ratio", {"rate": "1,2%", "numerator": "0", "denominator": "512"}, False, fault="x")
    assert attributed(_check("fail", [1.2, 0.0, 512.0]), [split, rate]) == [rate]


def test_a_name_relation_needs_a_failing_meta_check_naming_the_variant():
    name = Relation("n", "name", {"expected": "Hòa Bình", "variant": "Hoà Bình"}, False, fault="x")
    said = Check("META003", "fail", "warning", "", [], "Tên đơn vị viết khác nhau: 'Hoà Bình'")
    assert matches(name, said)
    assert not matches(name, Check("XREF001", "fail", "error", "", [], "Hoà Bình"))
    assert not matches(name, Check("META003", "pass", "warning", "", [], "Hòa Bình"))


def test_report_lists_every_unjustified_error(corpus, seeds):
    text = render(corpus, seeds, 1, 1, 0.0)
    assert "| precision of error findings |" in text
    for line in corpus.unjustified + seeds.unjustified:
        assert line in text


def test_heldout_column_is_computed_and_shows_totals_only(corpus, seeds, heldout):
    passages, t = heldout
    assert len(passages) >= 36
    refused = {line.partition(":")[0] for line in t.failed}  # passages the tool could not audit
    labelled = sum(not r.holds and r.kind != "target" for p in passages if p.id not in refused for r in p.relations)
    assert t.faults == labelled >= 18, "every labelled fault of an audited passage is counted, found or not"
    assert sum(t.planted.values()) > 0, "the planter found nothing to plant in the held-out set"
    text = render(corpus, seeds, 1, 1, 0.0, t, len(passages))
    assert "| measure | corpus | seeds | held-out |" in text and f"held-out: {len(passages)} passages" in text
    assert "not used for tuning" in text
    assert not [p.id for p in passages if p.id in text], "EVAL.md must not name held-out passages"


def test_every_passage_is_audited(corpus, seeds):
    assert corpus.failed == [] and seeds.failed == []


# --- seeds: nothing the issue #4 note lists is lost, nothing new ------------------------------------

def test_seeds_every_labelled_fault_found(seeds):
    assert seeds.faults >= 8
    assert seeds.faults_any == seeds.faults, seeds.missed


def test_seeds_no_unjustified_error(seeds):
    assert seeds.unjustified == []


def test_seeds_procedures_partition_ticked(seeds):
    assert "trung-thanh/procedures" in seeds.ticked_ids, "2.110 = 1.752 + 358 is not ticked"


# --- corpus: the issue 10 targets -----------------------------------------------------------------

def test_corpus_precision_of_error_findings(corpus):
    assert corpus.errors > 0, "no error finding at all: the corpus has real faults"
    assert corpus.precision >= 0.95, "\n".join(corpus.unjustified)


def test_corpus_no_correct_relation_disputed_at_error(corpus):
    assert corpus.disputed["error"] == 0, "\n".join(d for d in corpus.disputes if "[error]" in d)


# The target is 90% for every kind (issue 23: rates at least 95%). Reached on the whole corpus
# (benchmarks/EVAL.md, 178 passages): sum_part 91/93 (97.8%), bracketed_part 8/8, rate 99/100 (99.0%), inferred_rate
# (a rate whose base is stated apart from it, checked as a review) 12/13 (92.3%), recurrence 23/23, name 51/52
# (98.1%). These floors are the levels reached, so that nothing regresses.
PLANTED_FLOOR = {"sum_part": 0.97, "bracketed_part": 1.0, "rate": 0.99, "inferred_rate": 0.92, "recurrence": 1.0,
                 "name": 0.98}


@pytest.mark.parametrize("kind", KINDS)
def test_corpus_planted_recall(corpus, kind):
    assert corpus.planted[kind] >= 5
    assert corpus.recall(kind) >= PLANTED_FLOOR[kind], \
        f"{corpus.planted_any[kind]}/{corpus.planted[kind]} found\n" + \
        "\n".join(m for m in corpus.planted_missed if f" {kind}:" in m)


def test_corpus_correct_explicit_relations_ticked(corpus):
    assert corpus.ticked / corpus.explicit >= 0.8, f"{corpus.ticked}/{corpus.explicit}"


# --- issue 23: rates and their bases -----------------------------------------------------------------

def test_corpus_rate_errors_have_a_stated_base(corpus):
    """Every RATE001 error rests on a base the text ties to the rate (relation.base_source)."""
    from eval import STATED_BASES

    assert sum(corpus.rate_errors.values()) >= 10, corpus.rate_errors
    assert set(corpus.rate_errors) <= set(STATED_BASES), corpus.rate_errors


def test_corpus_planted_inferred_rates_are_never_errors(corpus):
    assert corpus.planted["inferred_rate"] >= 10
    assert corpus.planted_error["inferred_rate"] == 0, "a rate whose base is stated apart is a review at most"


@pytest.mark.parametrize("pattern", ["stated_base", "inferred_base", "rank", "unit_count", "level_split",
                                     "unnamed_count"])
def test_corpus_new_patterns_are_measured(corpus, seeds, pattern):
    c = corpus.by_pattern.get(pattern)
    assert c is not None and c["passages"] >= 6, f"{pattern}: too few passages"
    assert c["disputed_error"] == 0 and c["unjustified"] == 0
    assert c["faults"] >= 3 and c["found"] / c["faults"] >= 0.6, dict(c)
    assert f"| {pattern} | {c['passages']} |" in render(corpus, seeds, 1, 1, 0.0)


# --- full reports: the issue 28 targets --------------------------------------------------------------

def test_full_reports_are_whole_reports_with_faults_and_traps(full_passages):
    assert len(full_passages) >= 3
    for p in full_passages:
        assert len(p.text) >= 15_000, p.id
        assert not label_problems(p), label_problems(p)
        faults = [r for r in p.relations if not r.holds and r.kind != "target"]
        assert 7 <= len(faults) <= 10, (p.id, len(faults))
        assert len(p.lookalikes) >= 12, p.id
        assert p.text.count("\t") > 20 or p.text.count("|") > 40, p.id  # appendices as tables
    assert {"\t" in p.text for p in full_passages} == {True, False}  # tab tables in some, pipe tables in others


def test_full_reports_are_scored_apart_in_eval_md(corpus, seeds, full):
    text = render(corpus, seeds, 1, 1, 0.0, full=full)
    assert "## Full reports" in text and "| measure | full reports |" in text
    assert "failing warnings per 20 facts" in text
    assert all(f"| {r.id} |" in text for r in full.reports)


def test_full_reports_no_correct_relation_disputed_at_error(full):
    assert full.disputed["error"] == 0, "\n".join(d for d in full.disputes if "[error]" in d)


def test_full_reports_error_findings_are_justified(full):
    assert full.errors >= 15, "the full reports' explicit faults are errors"
    assert full.precision >= 0.95, "\n".join(full.unjustified)


def test_full_reports_every_labelled_fault_found(full):
    assert full.faults >= 20
    assert full.faults_any / full.faults >= 0.9, "\n".join(full.missed)


# name: two of the three full reports label a misspelt name already, so one is planted. inferred_rate (a
# rate whose base is stated apart from it; the kind issue 23 added after these reports were written): four
# plants; a base stated once in the rate's section, items before it, is found too (rate_bases: section_whole).
FULL_FLOOR = {"name": (1, 0.9), "inferred_rate": (4, 0.9)}


@pytest.mark.parametrize("kind", KINDS)
def test_full_reports_planted_recall(full, kind):
    plants, floor = FULL_FLOOR.get(kind, (5, 0.9))
    assert full.planted[kind] >= plants, f"{full.planted[kind]} {kind} plants"
    assert full.recall(kind) >= floor, f"{full.planted_any[kind]}/{full.planted[kind]} found\n" + \
        "\n".join(m for m in full.planted_missed if f" {kind}:" in m)


def test_full_reports_at_most_one_warning_per_20_facts(full):
    for r in full.reports:
        assert r.facts >= 150, (r.id, r.facts)
        assert r.warnings * 20 <= r.facts, f"{r.id}: {r.warnings} failing warnings for {r.facts} facts"


def test_full_reports_traps_left_alone(full):
    flagged = [x for r in full.reports for x in r.flagged]
    assert sum(r.traps for r in full.reports) >= 40
    assert not [x for x in flagged if "[error]" in x], flagged
    assert len(flagged) <= 2, flagged

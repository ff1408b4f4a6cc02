"""Issue 10 targets, measured by benchmarks/eval.py on the labelled corpus and seeds.

The corpus targets (precision, disputes, planted recall, ticks) are what the relations work has
to reach; they fail until it does. The matching tests pin how a check is tied to a relation. The
held-out set (tests/fixtures/heldout) is measured, never targeted: only that its column is computed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from eval import Check, attributed, evaluate, load_seeds, matches, read_checks, render  # noqa: E402
from plant import HELDOUT, KINDS, Relation, load_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return evaluate(load_corpus())


@pytest.fixture(scope="module")
def seeds():
    return evaluate(load_seeds())


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

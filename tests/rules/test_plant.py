"""The development corpus and its labels, and the fault planter (benchmarks/plant.py)."""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from plant import (  # noqa: E402
    CORPUS,
    HELDOUT,
    SEED_LABELS,
    LabelError,
    Relation,
    applicable,
    broken_by,
    figure_refs,
    label_problems,
    load_corpus,
    load_passage,
    locate,
    misspell,
    parse,
    plant,
    recompute,
    rewrite,
)

PATTERNS = ("scope", "shares", "bounds", "base_of_rate", "list_boundaries", "brackets", "implicit_partition",
            "headline_rounding", "zeros", "title_table")
NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d])|(?<![\d.,])\d+(?:,\d+)?(?![\d])")

CORPUS_PASSAGES = load_corpus()
HELDOUT_PASSAGES = load_corpus(HELDOUT)  # the held-out set: same label checks, never tuned against
SEEDS = [load_passage(p) for p in sorted(SEED_LABELS.glob("*.yaml"))]
PLANTS = [(p, kind, rel) for p in CORPUS_PASSAGES + HELDOUT_PASSAGES for kind, rel in applicable(p)]
# folder, its passages, fewest passages, fewest passages per pattern
SETS = [(CORPUS, CORPUS_PASSAGES, 80, 6), (HELDOUT, HELDOUT_PASSAGES, 36, 3)]
SET_IDS = ["corpus", "heldout"]


@pytest.mark.parametrize("folder,passages,least,per_pattern_least", SETS, ids=SET_IDS)
def test_corpus_size_and_coverage(folder, passages, least, per_pattern_least):
    assert len(passages) >= least
    assert {p.text_path.name for p in passages} == {t.name for t in folder.glob("*.txt")}, \
        "every passage has a label and every label a passage"
    per_pattern = Counter(x for p in passages for x in p.patterns)
    thin = {k: per_pattern[k] for k in PATTERNS if per_pattern[k] < per_pattern_least}
    assert not thin, f"patterns with fewer than {per_pattern_least} passages: {thin}"
    assert {p.level for p in passages} == {"xã", "phường", "huyện", "tỉnh"}


def test_the_corpus_covers_the_patterns_of_issue_23():
    per_pattern = Counter(x for p in CORPUS_PASSAGES for x in p.patterns)
    new = ("stated_base", "inferred_base", "rank", "unit_count", "level_split", "unnamed_count")
    assert all(per_pattern[k] >= 6 for k in new), {k: per_pattern[k] for k in new}


def test_a_label_naming_an_unknown_pattern_is_refused():
    p = CORPUS_PASSAGES[0]
    odd = type(p)(p.id, p.text_path, p.text, p.unit, p.level, ["ranks"], [])
    assert label_problems(odd) == [f"{p.id}: mẫu 'ranks' không có trong danh sách PATTERNS"]


@pytest.mark.parametrize("passages", [s[1] for s in SETS], ids=SET_IDS)
def test_about_half_the_passages_carry_a_fault(passages):
    faulty = sum(any(not r.holds and r.kind != "target" for r in p.relations) for p in passages)
    assert 0.4 <= faulty / len(passages) <= 0.6, f"{faulty}/{len(passages)} passages carry a fault"


@pytest.mark.parametrize("passages", [s[1] for s in SETS], ids=SET_IDS)
def test_passages_are_short(passages):
    for p in passages:
        n = len([line for line in p.text.splitlines() if line.strip()])
        assert 3 <= n <= 25, f"{p.id}: {n} lines"


def _sentences(passages) -> set[str]:
    """Sentences long enough to be someone's writing (headings and table rows are too short)."""
    return {s.strip() for p in passages for s in re.split(r"(?<=[.;:])\s+|\n", p.text) if len(s.strip()) >= 50}


def test_heldout_passages_are_not_taken_from_the_corpus():
    assert not {p.id for p in HELDOUT_PASSAGES} & {p.id for p in CORPUS_PASSAGES}
    shared = _sentences(HELDOUT_PASSAGES) & _sentences(CORPUS_PASSAGES)
    assert not shared, f"held-out sentences also in the corpus: {sorted(shared)[:3]}"


@pytest.mark.parametrize("p", CORPUS_PASSAGES + HELDOUT_PASSAGES + SEEDS, ids=lambda p: p.id)
def test_labels_agree_with_their_text(p):
    """Every figure occurs in the text as written, and 'holds' is what the figures give."""
    assert label_problems(p) == []


def test_recompute_knows_bounds_rounding_and_overlap():
    rate = Relation("r", "ratio", {"rate": "trên 99%", "numerator": "2.041", "denominator": "2.051"}, True)
    assert recompute(rate) is True
    rate.figures["rate"] = "trên 99,6%"
    assert recompute(rate) is False
    assert recompute(Relation("r", "recurrence", {"values": ["99%", "99,9%"]}, True)) is True
    assert recompute(Relation("r", "recurrence", {"values": ["98%", "96,2%"]}, True)) is False
    split = {"total": "12.456", "parts": ["7.618", "4.838"]}
    assert recompute(Relation("r", "period_split", split, True)) is True
    assert recompute(Relation("r", "period_split", {**split, "overlap": ["98"]}, True)) is False
    assert recompute(Relation("r", "share", {"parts": ["86,5%", "12,5%", "1%"]}, True)) is True


def test_rewrite_keeps_the_written_format():
    assert rewrite("1.250", 1350, 0) == "1.350"
    assert rewrite("98,70%", 96.7, 2) == "96,70%"
    assert rewrite("02", 3, 0) == "03"
    assert rewrite("2110", 2210, 0) == "2210"
    assert rewrite("trên 99%", 100, 0) == "trên 100%"
    assert rewrite("1,2 tỷ đồng", 1.3, 1) == "1,3 tỷ đồng"


def test_misspell_changes_one_mark():
    assert misspell("Hòa Bình") == "Hoa Bình"
    assert misspell("Trường Thi") == "Trương Thi"
    assert misspell("Đông") == "Đong"


def test_a_planted_figure_breaks_every_relation_that_uses_it():
    p = next(x for x in CORPUS_PASSAGES if x.id == "c045-headline-truncate")
    rel = next(r for r in p.relations if r.kind == "recurrence")
    _, planted = plant(p, rel, "recurrence")  # the body's 99,9% is also the rate of 2.517/2.520
    assert sorted(r.kind for r in broken_by(p, rel, planted)) == ["ratio", "recurrence"]
    rate = next(r for r in p.relations if r.kind == "ratio")
    _, planted = plant(p, rate, "rate")  # 99,9% -> 97,9%: the lead's 99% no longer agrees either
    assert [r.kind for r in broken_by(p, rate, planted)] == ["ratio", "recurrence"]
    assert broken_by(p, None, plant(p, None, "name")[1])[0].kind == "name"


@pytest.mark.parametrize("passages", [s[1] for s in SETS], ids=SET_IDS)
def test_every_kind_can_be_planted(passages):
    kinds = Counter(kind for p in passages for kind, _ in applicable(p))
    assert all(kinds[k] >= 5 for k in ("sum_part", "bracketed_part", "rate", "recurrence", "name")), kinds


def _numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


@pytest.mark.parametrize("p,kind,rel", PLANTS, ids=lambda x: getattr(x, "id", str(x)))
def test_planted_text_differs_in_one_figure_and_breaks_the_relation(p, kind, rel):
    got = plant(p, rel, kind)
    assert got is not None, f"nothing planted in {p.id} ({kind})"
    text, planted = got
    assert planted.holds is False and recompute(planted) is False
    for _, ref in figure_refs(planted):
        assert locate(text, ref) is not None, f"{ref!r} is not in the planted text"
    before, after = _numbers(p.text), _numbers(text)
    if kind == "name":
        assert before == after
        words = [(a, b) for a, b in zip(p.text.split(), text.split(), strict=False) if a != b]
        assert len(words) == 1 and planted.figures["variant"] in text
        return
    assert len(before) == len(after)
    diff = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(diff) == 1, diff
    old, new = diff[0]
    assert ("," in old) == ("," in new) and len(old.partition(",")[2]) == len(new.partition(",")[2])
    assert ("." in old) == ("." in new) or parse(new).value < 1000 or parse(old).value < 1000


def test_an_unreadable_label_is_one_line_naming_the_file(tmp_path):
    (tmp_path / "x1.yaml").write_text("relations: [\n", encoding="utf-8")
    with pytest.raises(LabelError) as e:
        load_corpus(tmp_path)
    assert str(tmp_path / "x1.yaml") in str(e.value) and "\n" not in str(e.value)
    (tmp_path / "x1.yaml").write_text("relations: []\n", encoding="utf-8")  # its text is missing
    with pytest.raises(LabelError, match="x1.yaml"):
        load_corpus(tmp_path)

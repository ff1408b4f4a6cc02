"""A failing check on a figure another check disputes is that check's consequence: the derivation
(render.causes.causes) on constructed checks, then a seed ward's tick tooltip and finding card."""
from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.render.causes import causes, disputing_rules
from wardaudit.render.placement import Mark, Segment

ROOT = Path(__file__).resolve().parents[2]


def ev(fact: str | None, figure: str, line: int) -> Evidence:
    return Evidence(section="Phần 1", quote=f"câu có số {figure}", page=1, line=line, figure=figure, fact=fact)


def check(rule: str, status: str, *evidence: Evidence) -> CheckResult:
    return CheckResult(rule, status, "error", f"{rule} {status}", evidence=evidence, key=f"{rule}-{len(evidence)}")


DISPUTING = {"XREF001", "XREF002"}


def test_a_failure_on_a_disputed_fact_follows_from_the_dispute():
    checks = [check("XREF001", "fail", ev("f1", "162", 3), ev("f2", "160", 9)),
              check("FOOT002", "fail", ev("f7", "12.456", 7), ev("f8", "12.294", 8), ev("f2", "160", 9)),
              check("RATE001", "fail", ev("f9", "98%", 4))]
    assert causes(checks, DISPUTING) == {1: 0}


def test_a_passing_check_and_a_second_dispute_are_no_consequences():
    checks = [check("XREF001", "fail", ev("f1", "5", 1), ev("f2", "6", 2)),
              check("FOOT002", "pass", ev("f2", "6", 2)),
              check("XREF002", "fail", ev("f2", "6", 2), ev("f3", "11", 3))]
    assert causes(checks, DISPUTING) == {}


def test_the_same_figure_written_elsewhere_is_another_fact():
    # the same digits on the same line, but another fact (a second '160' in the sentence): not linked
    checks = [check("XREF001", "fail", ev("f1", "160", 9), ev("f4", "162", 3)),
              check("FOOT002", "fail", ev("f5", "160", 9), ev("f6", "12", 10))]
    assert causes(checks, DISPUTING) == {}


def test_the_first_dispute_is_the_cause_whichever_order_the_consequence_comes_in():
    checks = [check("RATE002", "fail", ev("f3", "40", 5), ev("f2", "6", 2)),
              check("XREF002", "fail", ev("f3", "40", 5)),
              check("XREF001", "fail", ev("f2", "6", 2))]
    assert causes(checks, DISPUTING) == {0: 1}


def test_evidence_without_fact_ids_is_matched_by_where_the_figure_is_written():
    checks = [check("XREF001", "fail", ev(None, "160", 9)),
              check("FOOT002", "fail", ev(None, "160", 9)),
              check("FOOT001", "fail", ev(None, "160", 10))]
    assert causes(checks, DISPUTING) == {1: 0}


def test_the_rule_table_names_the_disputing_rules():
    rules = disputing_rules()
    assert {"XREF001", "XREF002"} <= rules and "FOOT002" not in rules and "RATE001" not in rules


def test_the_tooltip_lists_a_consequence_under_its_cause_and_names_an_absent_cause():
    cause, conseq, passed = "✗ XREF001: nêu khác nhau", "✗ FOOT002: không khớp", "✓ FOOT001: khớp"
    mark = Mark(0, 3, "fail", [passed, conseq, cause], ["FOOT001", "FOOT002", "XREF001"],
                {conseq: (cause, "hệ quả của XREF001", "hệ quả")})
    assert Segment("160", mark).title.split("\n") == [cause, "   ↳ ✗ FOOT002: không khớp (hệ quả)", passed]
    alone = Mark(0, 3, "fail", [conseq], ["FOOT002"], {conseq: (cause, "hệ quả của XREF001", "hệ quả")})
    assert Segment("12", alone).title == "✗ FOOT002: không khớp (hệ quả của XREF001)"


# --- a seed ward whose failing footing uses a figure its cross-check disputes -------------------------

@pytest.fixture(scope="module")
def audited():
    from wardaudit.audit import audit_reports
    from wardaudit.project.config import WardParams

    for folder in sorted((ROOT / "data" / "raw").iterdir()):
        files = sorted(f for f in folder.iterdir() if f.suffix == ".txt")
        if not files:
            continue
        results = audit_reports([(f, f.name) for f in files], WardParams(ward=folder.name, slug=folder.name))
        checks = list(results[-1].checks)
        if causes(checks):
            return results
    raise AssertionError("no seed ward has a failure following from a disputed figure")


def test_the_page_groups_the_consequence_under_its_cause(audited):
    from wardaudit.render.evidence import findings, source_view

    checks = list(audited[-1].checks)
    (ci, cj), = list(causes(checks).items())[:1]
    conseq, cause = checks[ci], checks[cj]
    titles = [htmllib.unescape(t) for t in re.findall(r'<span class="mark-fail" title="([^"]*)"', source_view(audited))]
    grouped = [t.split("\n") for t in titles if f"↳ ✗ {conseq.rule}:" in t]
    assert grouped, "no tooltip lists the consequence under its cause"
    for lines in grouped:
        k = next(i for i, x in enumerate(lines) if x.startswith(f"   ↳ ✗ {conseq.rule}:"))
        assert k > 0 and lines[k - 1].startswith(f"✗ {cause.rule}:") and lines[k].endswith("(hệ quả)"), lines
        assert not any(x.startswith(f"✗ {conseq.rule}:") for x in lines), lines  # not also a peer line
    page = findings(audited)
    card = page[page.index(f'id="f-{conseq.id}"'):]
    card = card[:card.index('<div class="finding', 1) if '<div class="finding' in card[1:] else len(card)]
    assert f'href="#f-{cause.id}"' in card and "Hệ quả của phát hiện" in card
    assert f'id="f-{cause.id}"' in page
    # the cause's own card does not say it follows from anything
    cause_card = page[page.index(f'id="f-{cause.id}"'):]
    cause_card = cause_card[:cause_card.index('<div class="finding', 1)] if '<div class="finding' in cause_card[1:] \
        else cause_card
    assert 'class="follows"' not in cause_card

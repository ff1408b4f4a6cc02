"""Every registered rule's docstring examples behave; the seeds give the findings a careful reader
finds, and no error a careful human would reject; findings JSON conforms to the schema."""
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from wardaudit.audit import audit_file
from wardaudit.project.config import WardParams
from wardaudit.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules()
HISTORY_FAMILIES = {"TREND", "PORT"}  # need several reports; tested in test_trend.py / test_portfolio.py


def _audit_snippet(tmp_path, text, name="x.md"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return audit_file(p, WardParams(ward="Hòa An", slug="hoa-an"))


@pytest.mark.parametrize("code", [c for c, r in RULES.items() if r.family not in HISTORY_FAMILIES])
def test_rule_is_documented_with_examples(code):
    r = RULES.get(code)
    assert r.title_vi and r.title_en and len(r.doc) > 80, f"{code} needs a docstring saying what it proves"
    assert r.examples("Okay"), f"{code} has no Okay: example"


@pytest.mark.parametrize("code", [c for c, r in RULES.items() if r.family not in HISTORY_FAMILIES])
def test_rule_examples(code, tmp_path):
    r = RULES.get(code)
    for text in r.examples("Okay"):
        checks = [c for c in _audit_snippet(tmp_path, text).checks if c.rule == code]
        assert checks and all(c.status != "fail" for c in checks), (code, "Okay", text, checks)
        assert any(c.status == "pass" for c in checks), (code, "Okay passes nothing", text)
    for text in r.examples("Fail"):
        checks = [c for c in _audit_snippet(tmp_path, text).checks if c.rule == code]
        assert any(c.status == "fail" for c in checks), (code, "Fail", text, checks)


SEED_EXPECTED = {
    # what a careful reading of each seed finds (see the issue note); error-severity failures exactly
    # errors only for relations the text states; the flow, the period split and the budget are
    # related across sentences by the catalogue (inferred) and are warnings "cần rà soát"
    "trung-thanh": {"errors": {"XREF001"},
                    "warnings": {"META001", "META002", "META003", "STRUCT005", "TGT003", "BUDG001", "FOOT002",
                                 "XREF002"}},
    "phu-thinh": {"errors": set(), "warnings": {"META001", "META002"}},
    "nam-thanh-mien": {"errors": set(), "warnings": {"META001", "META002", "COMPL001"}},
    "vinh-thong": {"errors": set(), "warnings": {"META001", "META002", "TGT001", "TGT002", "TGT003", "STRUCT006",
                                                 "COMPL003"}},
}


def _seed(slug):
    return next(p for p in (ROOT / "data" / "raw" / slug).iterdir() if p.is_file())


@pytest.mark.parametrize("slug", sorted(SEED_EXPECTED))
def test_seed_findings(slug):
    from wardaudit.project.config import load_params

    params = load_params(ROOT / "parameters" / f"{slug}.yaml")
    result = audit_file(_seed(slug), params)
    errors = {c.rule for c in result.checks if c.status == "fail" and c.severity == "error"}
    warnings = {c.rule for c in result.checks if c.status == "fail" and c.severity == "warning"}
    assert errors == SEED_EXPECTED[slug]["errors"]
    assert warnings == SEED_EXPECTED[slug]["warnings"]
    assert sum(c.status == "pass" for c in result.checks) >= 10  # tick marks: what reconciles is shown


def test_trung_thanh_contradictions_carry_their_figures():
    from wardaudit.project.config import load_params

    result = audit_file(_seed("trung-thanh"), load_params(ROOT / "parameters" / "trung-thanh.yaml"))
    by_rule = {c.rule: c for c in result.checks if c.status == "fail"}
    assert sorted(by_rule["XREF001"].values["actual"]) == [64, 160, 162]
    assert by_rule["XREF002"].values["carried_over"] == 98
    assert by_rule["BUDG001"].values["disbursed"] > by_rule["BUDG001"].values["allocated"]
    rate = next(c for c in result.checks if c.rule == "RATE001" and c.values.get("stated") == 98.7)
    assert rate.status == "pass" and rate.values["numerator"] == 12294 and rate.values["denominator"] == 12456


def test_carried_over_convention_changes_the_denominator():
    from wardaudit.project.config import load_params

    params = load_params(ROOT / "parameters" / "trung-thanh.yaml").model_copy(
        update={"carried_over_in_denominator": False})
    result = audit_file(_seed("trung-thanh"), params)
    rate = next(c for c in result.checks if c.rule == "RATE001" and c.values.get("stated") == 98.7)
    assert rate.values["denominator"] == 12456 - 98 and rate.status == "fail"


@pytest.mark.parametrize("slug", sorted(SEED_EXPECTED))
def test_findings_json_conforms_to_schema(slug, capsys):
    from wardaudit.cli import main

    code = main(["check", str(_seed(slug)), "--format", "json"])
    out = capsys.readouterr().out
    doc = json.loads(out)
    schema_file = resources.files("wardaudit").joinpath("schema/findings.schema.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert code == (1 if SEED_EXPECTED[slug]["errors"] else 0)
    assert "\\u" not in out  # Vietnamese unescaped


def test_rules_can_be_switched_off():
    from wardaudit.project.config import load_params

    params = load_params(ROOT / "parameters" / "trung-thanh.yaml").model_copy(update={"rules_off": ["XREF", "BUDG001"]})
    rules = {c.rule for c in audit_file(_seed("trung-thanh"), params).checks}
    assert not any(r.startswith("XREF") for r in rules) and "BUDG001" not in rules and "FOOT002" in rules


def test_docs_rules_md_is_generated_from_the_docstrings(capsys):
    from wardaudit.cli import main

    main(["rules", "--format", "markdown"])
    assert capsys.readouterr().out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), \
        "docs/rules.md is stale: run `make docs`"


def test_a_synthetic_monthly_report_with_planted_faults():
    """A report written for this test (not a seed, not fitted): each planted fault is found, each
    consistent figure is ticked."""
    result = audit_file(ROOT / "tests" / "fixtures" / "reports" / "synthetic-monthly.txt")
    fails = {(c.rule, c.message.split(" / ")[0]) for c in result.checks if c.status == "fail"}
    rules = {r for r, _ in fails}
    assert {"FOOT001", "RATE001", "BUDG001", "STRUCT001"} <= rules
    assert any("520 ≠ 480 + 45" in m for r, m in fails if r == "FOOT001")      # channels don't add up
    assert any("12 ≠ 7 + 4 + 2" in m for r, m in fails if r == "FOOT001")      # task statuses don't add up
    assert any("95,2%" in m for r, m in fails if r == "RATE001")               # 480/520 is 92,31%
    passes = {c.rule for c in result.checks if c.status == "pass"}
    assert {"FOOT002", "META001", "META002", "META003", "META004"} <= passes
    assert result.meta.period.to_dict() == {"start": "2026-05-01", "end": "2026-05-31"}


def test_a_total_in_a_title_is_ticked_against_the_table_below():
    """'Số thủ tục hành chính hiện nay: 2110, trong đó:' with the parts in the table under it."""
    from wardaudit.project.config import load_params

    result = audit_file(_seed("trung-thanh"), load_params(ROOT / "parameters" / "trung-thanh.yaml"))
    tick = [c for c in result.checks if c.rule == "FOOT001" and c.status == "pass" and c.values["expected"] == 2110]
    assert tick and sorted(tick[0].values["parts"]) == [358, 1752]
    assert tick[0].relation["strength"] == "explicit" and tick[0].severity == "error"


@pytest.mark.parametrize("slug", sorted(SEED_EXPECTED))
def test_every_relation_check_says_its_cue_and_strength(slug):
    from wardaudit.project.config import load_params

    result = audit_file(_seed(slug), load_params(ROOT / "parameters" / f"{slug}.yaml"))
    for c in result.checks:
        if c.rule in ("FOOT001", "FOOT002", "RATE001", "RATE003", "XREF001", "XREF002", "BUDG001"):
            assert c.relation and c.relation["cue"] and c.relation["strength"] in ("explicit", "inferred", "ambiguous")
            # severity follows strength: an inferred relation never fails as an error
            if c.relation["strength"] == "inferred":
                assert c.severity != "error"
            if c.relation["strength"] == "ambiguous":
                assert c.status == "skip"
    doc = result.findings()
    assert doc["unchecked"]["count"] == sum(doc["unchecked"]["reasons"].values())


def test_rates_without_counts_are_not_checked_but_counted():
    """phu-thinh states its rates with no counts: nothing to recompute, so RATE001 never passes
    them (a 'no denominator' is a skip, not a tick) and the report says how many it could not check."""
    from wardaudit.project.config import load_params

    result = audit_file(_seed("phu-thinh"), load_params(ROOT / "parameters" / "phu-thinh.yaml"))
    rate = [c for c in result.checks if c.rule == "RATE001"]
    assert rate and all(c.status == "skip" for c in rate)
    assert result.findings()["unchecked"]["count"] == len(rate)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_says_what_strength_of_relation_it_needs(code):
    assert "Strength:" in RULES.get(code).doc, f"{code}: say which strength of relation it checks"

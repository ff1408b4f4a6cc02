"""The rule API: a rule's titles, severity and what it runs over are stated once, in the rule table
(catalogue/rules.yaml); its decorator names its code; the function gets the rule bound and builds every
result through it."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import REPO
from wardaudit.catalogue import rule_table
from wardaudit.errors import RegistryError
from wardaudit.model.relations import Relation, Strength
from wardaudit.rules import Rule, load_rules, rule


def test_results_carry_the_decorators_code_and_severity():
    seen = []

    def fn(rule, ctx):
        seen.append(ctx)
        yield rule.check(False, "sai", {"a": 1})
        yield rule.passed("đúng")
        yield rule.at("info").failed("ghi chú")
        yield rule.skipped("không kiểm tra được")

    r = Rule("TEST001", "Thử", "Test", "error", fn)
    out = list(r("ctx"))
    assert seen == ["ctx"]
    assert [(c.rule, c.status, c.severity) for c in out] == [
        ("TEST001", "fail", "error"), ("TEST001", "pass", "error"), ("TEST001", "fail", "info"),
        ("TEST001", "skip", "error")]
    assert out[0].values == {"a": 1} and r.severity == "error"  # at() made a copy


def test_judge_lowers_an_inferred_failure_to_a_warning_worded_for_review():
    class F:
        id, value, raw, metric, scope, period = 1, 5.0, "5", "m", None, None

    inferred = Relation("partition", (F(),), None, Strength.INFERRED, None)
    r = Rule("TEST002", "Thử", "Test", "error", lambda rule, ctx: ())
    c = r.judge(inferred, False, "5 ≠ 6", {}, [])
    assert (c.status, c.severity) == ("fail", "warning") and c.message.startswith("Cần rà soát:")
    assert r.judge(inferred, True, "5 = 5", {}, []).severity == "warning"


def test_no_rule_module_states_a_code_outside_its_decorator():
    """Codes appear in `@rule(...)` only: no result is built from a code string by hand."""
    for path in (REPO / "src" / "wardaudit" / "rules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        decorators = {id(d.args[0]) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                      for d in n.decorator_list if isinstance(d, ast.Call) and d.args}
        stray = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and id(n) not in decorators and len(n.value) in (7, 8) and n.value[:-3].isalpha()
                 and n.value[:-3].isupper() and n.value[-3:].isdigit()]
        assert stray == [], f"{path.name}: code strings at lines {stray}"


def test_every_rule_in_the_catalogue_is_a_bound_rule():
    for code, r in load_rules().items():
        assert isinstance(r, Rule) and r.code == code


def test_the_rule_table_and_the_implementations_agree():
    table, registered = rule_table(), load_rules()
    stable = {code for code, info in table.items() if info.status == "stable"}
    assert stable == set(registered)  # every stable row has a function; every function a row
    for code, r in registered.items():
        info = table[code]
        assert (r.title_vi, r.title_en, r.severity, r.over) == (info.title_vi, info.title_en, info.severity, info.over)
        assert info.over == {"TREND": "history", "PORT": "portfolio"}.get(info.family, "report")
    with pytest.raises(RegistryError, match="NOPE999"):
        rule("NOPE999")  # a code the table does not have cannot be registered


def test_the_page_the_letter_and_the_index_name_rules_without_importing_them():
    """Titles come from the table: a process that renders titles has not imported a rule module."""
    code = ("import sys\n"
            "from wardaudit.render.evidence import rule_titles\n"
            "from wardaudit.review.letter import _rule_titles\n"
            "t = rule_titles('vi'); assert t['FOOT001'] and _rule_titles()['FOOT001'] == t['FOOT001']\n"
            "print(sorted(m for m in sys.modules if m.startswith('wardaudit.rules')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_port_rules_are_rules_of_the_catalogue_run_over_units_not_over_one_report():
    from wardaudit.audit import audit_file
    from wardaudit.rules.portfolio import PortUnit, run_port_checks

    port = {code: r for code, r in load_rules().items() if r.family == "PORT"}
    assert set(port) == {"PORT001", "PORT002", "PORT003"} and all(isinstance(r, Rule) for r in port.values())
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"## {code}" in docs for code in port)
    # a report's audit leaves them out
    checks = audit_file(REPO / "tests" / "fixtures" / "reports" / "synthetic-monthly.txt").checks
    assert checks and not any(c.rule.startswith("PORT") for c in checks)
    # over units, each result carries its rule's code and severity
    units = [PortUnit(slug=f"u{i}", ward=f"U{i}", indicators=[
        {"indicator": "rate.online", "label": "Tỷ lệ", "value": v}]) for i, v in enumerate([90, 91, 92, 90, 20])]
    fails = [c for c in run_port_checks(units) if c.status == "fail"]
    assert [(c.rule, c.severity, c.values["slug"]) for c in fails] == [("PORT002", "info", "u4")]
    assert run_port_checks(units, off=["PORT002"]) == []

"""The rule API: a rule states its code and severity once, in its decorator; the function gets the
rule bound and builds every result through it."""
from __future__ import annotations

import ast

from conftest import REPO
from wardaudit.model.relations import Relation, Strength
from wardaudit.rules import Rule, load_rules


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

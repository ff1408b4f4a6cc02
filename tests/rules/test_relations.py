"""The relations layer on the ten patterns of the accuracy issue: one short text each, written for
this test. Each case says which checks fail at which severity, which pass, and what is skipped."""
from __future__ import annotations

import pytest

from wardaudit.audit import audit_file
from wardaudit.project.config import WardParams

RELATION_RULES = ("FOOT001", "FOOT002", "RATE001", "RATE003", "XREF001", "XREF002", "BUDG001", "STRUCT004")


def _checks(tmp_path, text: str):
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    result = audit_file(p, WardParams(ward="Đông Hải", slug="dong-hai"))
    return [c for c in result.checks if c.rule in RELATION_RULES], result


def _fails(checks, severity):
    return sorted(c.rule for c in checks if c.status == "fail" and c.severity == severity)


CASES = {
    # 1. scope: the province's figure and the commune's are different quantities
    "scope": ("Toàn tỉnh tiếp nhận 48.210 hồ sơ trực tuyến. Xã Đông Hải tiếp nhận 1.204 hồ sơ trực tuyến.",
              [], [], []),
    # 2. shares of a whole are not values of one rate
    "shares": ("Xã Đông Hải tiếp nhận 800 hồ sơ, trong đó trực tuyến 600 hồ sơ (75%), trực tiếp 200 hồ sơ (25%).",
               [], [], ["FOOT001", "RATE003"]),
    # 3. a bound: 'trên 99%' with 2.041/2.051 = 99,51% holds
    "bound": ("Xã Đông Hải giải quyết 2.051 hồ sơ, trong đó 2.041 hồ sơ đúng hạn, đạt trên 99%.",
              [], [], ["RATE001"]),
    "bound-broken": ("Xã Đông Hải giải quyết 2.051 hồ sơ, trong đó 2.001 hồ sơ đúng hạn, đạt trên 99%.",
                     ["RATE001"], [], []),
    # 4. a rate whose base the text does not tie to it is not checked
    "no-base": ("Xã Đông Hải tiếp nhận 950 hồ sơ.\n\nII. NHIỆM VỤ\n\nTỷ lệ hồ sơ trực tuyến đạt 91%.",
                [], [], []),
    # 5. a later sentence restating the parts is not more parts
    "restated": ("Xã Đông Hải tiếp nhận 500 hồ sơ, trong đó:\n\n- Trực tuyến: 420 hồ sơ;\n\n- Trực tiếp: 80 hồ sơ.\n\n"
                 "Như vậy trong kỳ có 420 hồ sơ trực tuyến và 80 hồ sơ trực tiếp.",
                 [], [], ["FOOT001"]),
    # 6. parts in brackets, named by ministry, that do not add up
    "brackets": ("Tổng số hồ sơ tiếp nhận: 620 hồ sơ (gồm: Bộ Công an: 310 hồ sơ; Bộ Tư pháp: 190 hồ sơ; "
                 "Bộ Y tế: 90 hồ sơ; Bộ Tài chính: 40 hồ sơ).",
                 ["FOOT001"], [], []),
    # 7. an implicit partition (no cue word): a warning at most
    "implicit": ("Năm 2026, xã Đông Hải tiếp nhận 700 hồ sơ, đã giải quyết 650 hồ sơ, còn 60 hồ sơ đang giải quyết.",
                 [], ["FOOT002"], []),
    # 8. a headline rounded down agrees with the detail
    "headline": ("Năm 2026, tỷ lệ hồ sơ trực tuyến của xã Đông Hải đạt 99%.\n\nI. CHI TIẾT\n\n"
                 "Năm 2026, tỷ lệ hồ sơ trực tuyến của xã Đông Hải đạt 99,6% (1.992/2.000 hồ sơ).",
                 [], [], ["RATE001"]),
    # 9. zeros hold
    "zeros": ("Xã Đông Hải giải quyết 318 hồ sơ, không có hồ sơ quá hạn (0 hồ sơ), tỷ lệ quá hạn 0%.",
              [], [], ["RATE001"]),
    # 10. a total in a title, its parts in the table below
    "title-table": ("Số thủ tục hành chính hiện nay: 1640, trong đó:\n\n| STT | Cấp tỉnh | Cấp xã |\n|---|---|---|\n"
                    "| 1 | 1.300 | 330 |",
                    ["FOOT001"], [], []),
    # a rate tied to a count of another scope is not checked against it
    "other-scope-rate": ("Cấp huyện giải quyết đúng hạn 4.155/4.210 hồ sơ, đạt 98,69%; cấp xã đạt 99,2%.",
                         [], [], ["RATE001"]),
    # a growth rate is not a rate of the counts before it
    "growth": ("Tháng 7/2026, xã Đông Hải tiếp nhận 2.236 hồ sơ, tăng 8% so với tháng trước.", [], [], []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pattern(name, tmp_path):
    text, errors, warnings, passes = CASES[name]
    checks, _ = _checks(tmp_path, text)
    assert _fails(checks, "error") == sorted(errors), [c.message for c in checks]
    assert _fails(checks, "warning") == sorted(warnings), [c.message for c in checks]
    passed = {c.rule for c in checks if c.status == "pass"}
    assert set(passes) <= passed, [c.message for c in checks]


def test_an_inferred_failure_is_worded_as_a_review(tmp_path):
    checks, _ = _checks(tmp_path, CASES["implicit"][0])
    flow = next(c for c in checks if c.rule == "FOOT002")
    assert flow.relation["strength"] == "inferred" and flow.message.startswith("Cần rà soát")


def test_a_rate_with_no_base_is_counted_as_unchecked(tmp_path):
    checks, result = _checks(tmp_path, CASES["no-base"][0])
    assert [c.status for c in checks if c.rule == "RATE001"] == ["skip"]
    assert result.findings()["unchecked"]["count"] == 1


def test_bracketed_parts_carry_their_cue(tmp_path):
    checks, _ = _checks(tmp_path, CASES["brackets"][0])
    foot = next(c for c in checks if c.rule == "FOOT001")
    assert foot.relation == {"kind": "partition", "cue": "(gồm)", "strength": "explicit", "scope": None}
    assert foot.values["parts"] == [310, 190, 90, 40]


def test_finding_keys_do_not_depend_on_line_numbers(tmp_path):
    """The same contradiction a few paragraphs lower keeps its key (the review's stable id)."""
    a, _ = _checks(tmp_path, CASES["brackets"][0])
    b, _ = _checks(tmp_path, "I. KẾT QUẢ\n\nMở đầu báo cáo.\n\n" + CASES["brackets"][0])
    assert [c.key for c in a if c.status == "fail"] == [c.key for c in b if c.status == "fail"]


def test_a_bullet_about_another_quantity_ends_the_breakdown(tmp_path):
    text = ("Xã Đông Hải tiếp nhận 500 hồ sơ, trong đó:\n\n- Trực tuyến: 400 hồ sơ;\n\n- Trực tiếp: 100 hồ sơ.\n\n"
            "- Đã giải quyết 480 hồ sơ, đạt 96%.")
    checks, _ = _checks(tmp_path, text)
    foot = [c for c in checks if c.rule == "FOOT001"]
    assert [c.status for c in foot] == ["pass"] and foot[0].values["parts"] == [400, 100]


def test_a_declared_count_against_the_bulleted_items(tmp_path):
    ok = "UBND xã Đông Hải ban hành 03 văn bản, gồm:\n\n- Kế hoạch chuyển đổi số;\n\n- Quyết định kiện toàn Ban chỉ đạo;\n\n- Công văn hướng dẫn."
    checks, _ = _checks(tmp_path, ok)
    assert [c.status for c in checks if c.rule == "STRUCT004"] == ["pass"]
    checks, _ = _checks(tmp_path, ok.replace("03 văn bản", "04 văn bản"))
    assert [(c.status, c.severity) for c in checks if c.rule == "STRUCT004"] == [("fail", "error")]

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
    # an on-time count is a part of a part (on time ⊂ resolved ⊂ received): with no base stated, a review
    "bound-broken": ("Xã Đông Hải giải quyết 2.051 hồ sơ, trong đó 2.001 hồ sơ đúng hạn, đạt trên 99%.",
                     [], ["RATE001"], []),
    # 'bằng 115% so với quý II (250 hồ sơ)': the words name the base of the compared period
    "compared-period": ("Quý III/2026, xã Đông Hải tiếp nhận 300 hồ sơ trực tuyến, bằng 115% so với quý II/2026 "
                        "(250 hồ sơ).", ["RATE001"], [], []),
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
    ok = ("UBND xã Đông Hải ban hành 03 văn bản, gồm:\n\n- Kế hoạch chuyển đổi số;\n\n"
          "- Quyết định kiện toàn Ban chỉ đạo;\n\n- Công văn hướng dẫn.")
    checks, _ = _checks(tmp_path, ok)
    assert [c.status for c in checks if c.rule == "STRUCT004"] == ["pass"]
    checks, _ = _checks(tmp_path, ok.replace("03 văn bản", "04 văn bản"))
    assert [(c.status, c.severity) for c in checks if c.rule == "STRUCT004"] == [("fail", "error")]


# --- issue 10, planted-fault recall: one case per mechanism, with a clean variant that must not fail ----
# (text, failing rules at error, failing rules at warning, rules that must pass, rules that must not fail)
MECHANISMS = {
    # a rounded figure and its exact value in two clauses of one sentence are one quantity
    "approx-restated": ("Năm 2026, xã Đông Hải tổ chức 12 lớp tập huấn cho khoảng 1.800 lượt người; hệ thống "
                        "ghi nhận {} lượt tham gia.", "1.790", "1.950", "XREF001"),
    # a sentence naming a table's row and its column restates that cell
    "row-restated": ("PHỤ LỤC\n\n| Thôn | Số hộ được hỗ trợ |\n|---|---|\n| Thôn Bắc Sơn | 118 |\n"
                     "| Thôn Nam Sơn | 96 |\n\nThôn Bắc Sơn có số hộ được hỗ trợ nhiều nhất ({} hộ).",
                     "118", "128", "XREF001"),
    # 'đạt 110% kế hoạch': the planned figure earlier in the sentence is the base, and may be exceeded
    "plan-base": ("Năm 2026, xã Đông Hải được giao lắp đặt 50 điểm phát wifi công cộng; đã lắp đặt 55 điểm, "
                  "đạt {} kế hoạch.", "110%", "105%", "RATE001"),
    # the base stated in another paragraph as the plan ('đạt … kế hoạch'), with a table between
    "plan-base-before": ("Kinh phí được bố trí năm 2026 cho xã Đông Hải: 800 triệu đồng.\n\n| Nội dung | Kinh phí |\n"
                         "|---|---|\n| Hạ tầng | 500 |\n| Đào tạo | 300 |\n\nXã đã giải ngân 600 triệu đồng, "
                         "đạt {} kế hoạch.", "75%", "72%", "RATE001"),
    # people counted as 'cán bộ' and as 'người' in one sentence: one base
    "person-nouns": ("Xã Đông Hải có 40 cán bộ, công chức; đã cấp chứng thư số cho 36 người, tương đương {}.",
                     "90%", "85%", "RATE001"),
    # 'bằng 60% số hộ …': the numerator's noun names the base stated above, beyond its bullets
    "noun-base": ("Xã Đông Hải có 1.500 hộ dùng internet cáp quang, trong đó:\n- Khu trung tâm: 900 hộ;\n"
                  "- Khu ven biển: 600 hộ.\n\nRiêng khu trung tâm có 900 hộ, bằng {} số hộ dùng cáp quang của xã.",
                  "60%", "64%", "RATE001"),
    # the catalogue's base alone in the paragraph just before the rate
    "base-previous-paragraph": ("Quý III/2026, xã Đông Hải tiếp nhận 250 phản ánh của người dân.\n\n"
                                "Đã xử lý xong 240 phản ánh ({}); 10 phản ánh đang xác minh.",
                                "96%", "92%", "RATE001"),
    # received = resolved + pending across the bullets of two lead-ins (one outline item each)
    "flow-across-bullets": ("- Xã Đông Hải tiếp nhận 400 hồ sơ, trong đó:\n+ Trực tuyến: 300 hồ sơ;\n"
                            "+ Trực tiếp: 100 hồ sơ.\n- Đã giải quyết 380 hồ sơ:\n+ Trước hạn: 200 hồ sơ;\n"
                            "+ Đúng hạn: 180 hồ sơ.\n- Đang giải quyết: {} hồ sơ.", "20", "30", "FOOT002"),
    # a table row's 'Tỷ lệ' cell is its count over the total row's count
    "table-rate-total-row": ("PHỤ LỤC. Kết quả giải quyết hồ sơ\n\n| Kết quả | Số hồ sơ | Tỷ lệ |\n|---|---|---|\n"
                             "| Trước và đúng hạn | 480 | 96% |\n| Quá hạn | 20 | {} |\n| Tổng cộng | 500 | 100% |",
                             "4%", "6%", "RATE001"),
    # a sentence beside a table with no total row states the sum of its column
    "column-total": ("| STT | Hạng mục | Đã giải ngân (triệu đồng) |\n|---|---|---|\n| 1 | Hạ tầng | 420 |\n"
                     "| 2 | Phần mềm | {} |\n\nXã Đông Hải đã giải ngân 600 triệu đồng.", "180", "190", "FOOT001"),
    # the province's count and the same count for each level in the next item
    "levels": ("Toàn tỉnh tiếp nhận 52.000 hồ sơ trong quý III/2026.\n\nCấp tỉnh tiếp nhận 12.000 hồ sơ; cấp xã "
               "tiếp nhận {} hồ sơ.", "40.000", "41.000", "FOOT001"),
    # a stock raised by additions: new stock = old stock + added
    "stock-raised": ("Trong quý, xã Đông Hải lắp mới 12 điểm wifi, nâng tổng số điểm wifi công cộng lên {} điểm "
                     "(cuối quý trước: 30 điểm).", "42", "44", "FOOT001"),
    # 'chiếm 22,5% toàn tỉnh': the province's count of the same metric stated before is the base
    "scope-base": ("Toàn tỉnh có 40.000 tài khoản định danh điện tử mức 2 được kích hoạt.\n\n"
                   "Xã Đông Hải có 9.000 tài khoản định danh điện tử mức 2, chiếm {} toàn tỉnh.",
                   "22,5%", "24,5%", "RATE001"),
    # a share whose part is named in words and stated in the sentence before
    "named-share": ("Tháng 10/2026, xã Đông Hải tiếp nhận 450 hồ sơ trực tuyến. Số hồ sơ trực tuyến chiếm {} "
                    "tổng số 600 hồ sơ tiếp nhận của xã.", "75%", "78%", "RATE001"),
    # the total of a done/total figure restates the count the section declared for its noun
    "declared-done": ("Tháng 9/2026, xã Đông Hải đề ra 04 nhiệm vụ trọng tâm, gồm: (1) số hóa hồ sơ; (2) tập huấn "
                      "kỹ năng số; (3) lắp camera; (4) rà soát dữ liệu.\n\nKết quả: {} nhiệm vụ đã hoàn thành.",
                      "4/4", "4/5", "XREF001"),
    # a status breakdown stated side by side in the next paragraph
    "status-together": ("Năm 2026, UBND xã Đông Hải được giao 18 nhiệm vụ chuyển đổi số.\n\nĐến hết năm, xã đã hoàn "
                        "thành {} nhiệm vụ, đang triển khai 3 nhiệm vụ.", "15", "16", "FOOT001"),
    # received in one section, resolved and pending in one sentence of the next
    "flow-across-sections": ("1. Tiếp nhận hồ sơ\n\nNăm 2026, xã Đông Hải tiếp nhận 820 hồ sơ.\n\n"
                             "2. Giải quyết hồ sơ\n\nNăm 2026, xã đã giải quyết {} hồ sơ, "
                             "còn 20 hồ sơ đang giải quyết.",
                             "800", "790", "FOOT002"),
    # the section opens with the one whole of the rate's base (new receipts within it are its part); the rate
    # stands items later, its base named nowhere near it
    "section-base": ("1. Tiếp nhận và giải quyết thủ tục hành chính\n\nTổng số hồ sơ tiếp nhận tại Bộ phận một cửa: "
                     "1.250 hồ sơ, trong đó:\n- Hồ sơ kỳ trước chuyển sang: 30 hồ sơ;\n- Hồ sơ tiếp nhận mới: 1.220 hồ "
                     "sơ, trong đó trực tuyến 1.000 hồ sơ, trực tiếp 220 hồ sơ.\n\nHồ sơ tập trung chủ yếu ở lĩnh vực "
                     "hộ tịch và chứng thực.\n\nSố hồ sơ đã giải quyết: 1.200 hồ sơ (trước hạn 700 hồ sơ, đúng hạn 500 "
                     "hồ sơ), đạt tỷ lệ {}.", "96%", "94%", "RATE001"),
    # the column's name is the figure's whole noun
    "row-noun": ("PHỤ LỤC\n\n| TT | Đơn vị | Lượt truy cập |\n|---|---|---|\n"
                 "| 1 | Trung tâm học tập cộng đồng | 1.240 |\n"
                 "| 2 | Nhà văn hóa thôn Bắc | 415 |\n\nTrung tâm học tập cộng đồng dẫn đầu với {} lượt truy cập, "
                 "gấp ba nơi khác.", "1.240", "1.420", "XREF001"),
}


@pytest.mark.parametrize("name", sorted(MECHANISMS))
def test_mechanism_checks_the_clean_text_and_flags_the_fault(name, tmp_path):
    text, good, bad, rule = MECHANISMS[name]
    checks, _ = _checks(tmp_path, text.format(good))
    mine = [c for c in checks if c.rule == rule]
    judged = [c.status for c in mine if c.status != "skip"]
    assert judged and all(s == "pass" for s in judged), [c.message for c in checks]
    assert not [c for c in checks if c.status == "fail"], [c.message for c in checks if c.status == "fail"]
    checks, _ = _checks(tmp_path, text.format(bad))
    failed = [c for c in checks if c.rule == rule and c.status == "fail"]
    assert failed, [c.message for c in checks]
    # none of these relations is stated by a cue word: a review, never an error
    assert all(c.severity == "warning" and c.message.startswith("Cần rà soát") for c in failed)


def test_two_bulleted_parts_of_one_metric_in_different_words_are_both_parts(tmp_path):
    text = ("- Đã giải quyết {} hồ sơ:\n+ Trước hạn: 150 hồ sơ;\n+ Đúng hạn: 40 hồ sơ;\n+ Quá hạn: 0 hồ sơ.")
    checks, _ = _checks(tmp_path, text.format("190"))
    foot = [c for c in checks if c.rule == "FOOT001"]
    assert [c.status for c in foot] == ["pass"] and foot[0].values["parts"] == [150, 40, 0]
    assert not [c for c in checks if c.rule == "XREF001" and c.status == "fail"]  # not one value stated twice
    checks, _ = _checks(tmp_path, text.format("200"))
    assert [(c.status, c.severity) for c in checks if c.rule == "FOOT001"] == [("fail", "error")]


def test_a_bulleted_part_with_its_own_breakdown_is_checked_at_both_levels(tmp_path):
    text = ("- Xã Đông Hải tiếp nhận 900 hồ sơ trực tuyến, trong đó:\n+ Dịch vụ hộ tịch: 500 hồ sơ;\n"
            "+ Dịch vụ khác: 400 hồ sơ, trong đó chứng thực 250 hồ sơ, đất đai {} hồ sơ.")
    checks, _ = _checks(tmp_path, text.format("150"))
    foot = sorted((c.status, tuple(c.values["parts"])) for c in checks if c.rule == "FOOT001")
    assert foot == [("pass", (250, 150)), ("pass", (500, 400))], [c.message for c in checks]
    checks, _ = _checks(tmp_path, text.format("170"))
    failed = [c for c in checks if c.rule == "FOOT001" and c.status == "fail"]
    assert [(c.severity, tuple(c.values["parts"])) for c in failed] == [("error", (250, 170))]


def test_a_money_column_is_read_in_the_unit_of_its_header(tmp_path):
    """'(triệu đồng)' in a column header: its plain numbers are money, summed with a total in money."""
    text = ("Tổng kinh phí được giao: 900 triệu đồng\n\n| STT | Hạng mục | Kinh phí (triệu đồng) |\n|---|---|---|\n"
            "| 1 | Hạ tầng | 600 |\n| 2 | Đào tạo | {} |")
    checks, result = _checks(tmp_path, text.format("300"))
    cells = [f for f in result.facts if f.origin == "table" and f.kind == "money"]
    assert sorted(f.value for f in cells) == [300e6, 600e6]
    assert [c.status for c in checks if c.rule == "FOOT001"] == ["pass"], [c.message for c in checks]
    checks, _ = _checks(tmp_path, text.format("350"))
    assert [(c.status, c.severity) for c in checks if c.rule == "FOOT001"] == [("fail", "error")]


def test_levels_that_are_not_a_full_set_are_not_a_breakdown(tmp_path):
    text = "Toàn tỉnh tiếp nhận 52.000 hồ sơ.\n\nCấp tỉnh tiếp nhận 12.000 hồ sơ; cấp huyện tiếp nhận 9.000 hồ sơ."
    checks, _ = _checks(tmp_path, text)
    assert not [c for c in checks if c.rule == "FOOT001"], [c.message for c in checks]


def test_a_table_rate_read_by_its_layout_is_not_also_unchecked(tmp_path):
    checks, _ = _checks(tmp_path, MECHANISMS["table-rate-total-row"][0].format("4%"))
    assert [c.status for c in checks if c.rule == "RATE001" and "4%" in c.message] == ["pass"]
    skipped = {e.figure for c in checks if c.rule == "RATE001" and c.status == "skip" for e in c.evidence}
    assert not skipped & {"96%", "4%"}, skipped


def test_a_rate_within_a_row_is_not_read_as_its_share_of_the_total_row(tmp_path):
    text = ("PHỤ LỤC\n\n| Lĩnh vực | Số hồ sơ | Tỷ lệ đúng hạn |\n|---|---|---|\n| Hộ tịch | 400 | 98% |\n"
            "| Đất đai | 100 | 90% |\n| Tổng cộng | 500 | 96,4% |")
    checks, _ = _checks(tmp_path, text)
    assert not [c for c in checks if c.rule == "RATE001" and c.status != "skip"], [c.message for c in checks]


def test_a_part_of_a_rounded_figure_in_its_sentence_is_not_a_restatement(tmp_path):
    text = "Năm 2026, xã Đông Hải tiếp nhận khoảng 5.000 hồ sơ; riêng quý IV tiếp nhận 1.300 hồ sơ."
    checks, _ = _checks(tmp_path, text)
    assert not [c for c in checks if c.rule == "XREF001"], [c.message for c in checks]


def test_a_plan_rate_does_not_borrow_a_count_of_another_noun(tmp_path):
    text = "Trong năm, xã Đông Hải tổ chức 12 hội nghị với 1.500 lượt người tham gia, đạt 100% kế hoạch."
    checks, _ = _checks(tmp_path, text)
    assert [c.status for c in checks if c.rule == "RATE001"] == ["skip"], [c.message for c in checks]


def test_a_count_of_a_compared_period_is_not_a_part(tmp_path):
    text = ("Trong tháng, xã Đông Hải tiếp nhận 300 hồ sơ trực tuyến, bằng 120% so với tháng trước (250 hồ sơ). "
            "Số hồ sơ trực tuyến chiếm 75% tổng số 400 hồ sơ tiếp nhận của xã.")
    checks, _ = _checks(tmp_path, text)
    assert not [c for c in checks if c.status == "fail"], [c.message for c in checks if c.status == "fail"]
    assert sorted(c.values["denominator"] for c in checks if c.rule == "RATE001" and c.status == "pass") == [250, 400]


@pytest.mark.parametrize("text", [
    # another count of a table's row, its column not named before it
    "PHỤ LỤC\n\n| Thôn | Số hộ dân |\n|---|---|\n| Thôn Đông | 320 |\n| Thôn Tây | 280 |\n\n"
    "Thôn Đông có 294 hộ dân dùng cáp quang.",
    # the tasks of another plan are not the declared ones
    "I. NHIỆM VỤ\n\nUBND xã được giao 20 nhiệm vụ, gồm: 8 nhiệm vụ về hạ tầng, 7 nhiệm vụ về dữ liệu, 5 nhiệm vụ "
    "về đào tạo.\n\nĐến nay đã hoàn thành 12/15 nhiệm vụ của Kế hoạch số 45/KH-UBND.",
    # a change is not a value of the rate; 'riêng' states a subset; a rounded total with some of its parts
    "Năm 2026, tỷ lệ hồ sơ giải quyết đúng hạn của xã Đông Hải đạt 99,2%.\n\nTỷ lệ hồ sơ giải quyết đúng hạn "
    "đạt 99,2%, tăng 1,5% so với năm 2025.",
    "Năm 2026, xã Đông Hải đã giải ngân 950 triệu đồng. Riêng cho hạ tầng đã giải ngân 600 triệu đồng.",
    "Xã Đông Hải tổ chức 6 lớp tập huấn cho khoảng 600 lượt người; trong đó có 350 lượt người cao tuổi.",
    # the parts of a bulleted breakdown are not also parts of the same total stated just before
    "Trong tháng 10/2026, xã Đông Hải tiếp nhận 480 hồ sơ; đã giải quyết 470 hồ sơ.\n\n- Tiếp nhận: 480 hồ sơ.\n"
    "- Đã giải quyết: 470 hồ sơ, trong đó:\n+ Trước hạn: 300 hồ sơ;\n+ Đúng hạn: 165 hồ sơ;\n+ Quá hạn: 5 hồ sơ.\n"
    "- Đang giải quyết: 10 hồ sơ.",
    # the second of two equal figures in a sentence is read at its own place
    "PHỤ LỤC\n\n| STT | Thôn | Số camera |\n|---|---|---|\n| 1 | Thôn Đông | 12 |\n| 2 | Thôn Tây | 8 |\n\n"
    "Thôn Đông có 12 camera, trong đó 12 camera đã kết nối về trung tâm.",
])
def test_clean_texts_near_the_new_mechanisms_raise_nothing(text, tmp_path):
    checks, _ = _checks(tmp_path, text)
    assert not [c for c in checks if c.status == "fail"], [c.message for c in checks if c.status == "fail"]


def test_a_rate_is_not_given_a_section_base_when_the_section_states_two_wholes(tmp_path):
    """Two different counts of the base in the section before the rate: which one it is over is not said."""
    text = ("1. Tiếp nhận hồ sơ\n\nTháng 10, Bộ phận một cửa tiếp nhận 640 hồ sơ.\n\nCác lĩnh vực hộ tịch, chứng "
            "thực chiếm phần lớn.\n\nTháng 11, Bộ phận một cửa tiếp nhận 710 hồ sơ.\n\nTrong đó đáng chú ý là "
            "lĩnh vực đất đai.\n\nĐã giải quyết 600 hồ sơ, đạt tỷ lệ 91%.")
    checks, _ = _checks(tmp_path, text)
    assert [c.status for c in checks if c.rule == "RATE001"] == ["skip"], [c.message for c in checks]


@pytest.mark.parametrize(("part", "status"), [("900", "pass"), ("1.000", "fail"), ("700", None)])
def test_money_parts_after_among_which_may_not_exceed_their_total(part, status, tmp_path):
    """'trong đó' names some of the sources of a budget: their sum equal to it is ticked, above it is an error
    (in đồng, whatever unit each amount is written in), below it says nothing."""
    text = ("Năm 2026, tổng kinh phí bố trí cho chuyển đổi số của xã Đông Hải là 2,4 tỷ đồng, trong đó vốn ngân sách "
            f"huyện 1.500 triệu đồng, vốn ngân sách xã {part} triệu đồng.")
    checks, _ = _checks(tmp_path, text)
    foot = [(c.status, c.severity) for c in checks if c.rule == "FOOT001"]
    assert foot == ([] if status is None else [(status, "error")]), [c.message for c in checks]

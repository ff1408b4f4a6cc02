"""Rates and their bases (issue 23): an error only when the text ties the base to the rate; ranks, counts of
units meeting a threshold and sub-totals are not a rate's fraction; splits by level across sentences;
fractions and counts of any unit. Every text here was written for this test."""
from __future__ import annotations

import pytest

from wardaudit.audit import audit_file
from wardaudit.project.config import WardParams
from wardaudit.render.text import render_text
from wardaudit.render.wording import base_text, relation_text

WARD = WardParams(ward="Đông Hải", slug="dong-hai")


def _audit(tmp_path, text: str):
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    return audit_file(p, WARD)


def _rule(result, code: str, status: str | None = None):
    return [c for c in result.checks if c.rule == code and (status is None or c.status == status)]


# --- an error only for a base the text states with the rate ------------------------------------------

STATED_FAULTS = {
    "tren-tong-so": "Xã Đông Hải đã giải quyết 1.142 hồ sơ trên tổng số 1.180 hồ sơ tiếp nhận, đạt 98,78%.",
    "trong-so": "Trong số 2.450 hồ sơ tiếp nhận, xã Đông Hải có 1.980 hồ sơ nộp trực tuyến, đạt tỷ lệ 82,4%.",
    "slash": "Xã Đông Hải đã kích hoạt 12.300/45.000 tài khoản định danh điện tử, đạt 29,3%.",
    "named-bracket": "Xã Đông Hải có 3.105 người được cấp tài khoản, đạt 83,4% số người thuộc diện cấp (3.812 người).",
    "so-voi": "Tháng 10/2026, xã Đông Hải tiếp nhận 612 hồ sơ trực tuyến, bằng 118% so với tháng 9/2026 (540 hồ sơ).",
    "trong-so-nay": "Xã Đông Hải có 486 cán bộ, công chức, trong số này 472 người đã có chữ ký số, chiếm 95,1%.",
    "partition": "Xã Đông Hải tiếp nhận 1.148 hồ sơ, trong đó 734 hồ sơ trực tuyến, đạt 68,9%.",
}


@pytest.mark.parametrize("name", sorted(STATED_FAULTS))
def test_a_wrong_rate_over_a_stated_base_is_an_error(name, tmp_path):
    fails = _rule(_audit(tmp_path, STATED_FAULTS[name]), "RATE001", "fail")
    assert [c.severity for c in fails] == ["error"], [c.message for c in fails]
    assert fails[0].relation["base_source"] in ("stated", "partition", "compared")
    assert fails[0].relation["bases"], "the finding says which base it used"


INFERRED_FAULTS = {
    # the base in the rate's sentence, not named as its base
    "same-sentence": ("Xã Đông Hải tiếp nhận 500 hồ sơ, đã giải quyết 450 hồ sơ, đạt 95%.", "same_sentence"),
    # the base in the sentence before
    "previous-sentence": ("Xã Đông Hải có 18 thôn. 15 thôn đã thành lập nhóm Zalo cộng đồng, đạt 88,9%.",
                          "previous_sentence"),
    # a part of a part: on time ⊂ resolved ⊂ received, no base stated — each is tried, none gives 95,1%
    "part-of-part": ("Năm 2026, xã Đông Hải tiếp nhận 3.420 hồ sơ, đã giải quyết 3.318 hồ sơ, trong đó giải quyết "
                     "đúng hạn 3.205 hồ sơ, đạt 95,1%.", "one_of"),
}


@pytest.mark.parametrize("name", sorted(INFERRED_FAULTS))
def test_a_wrong_rate_over_an_inferred_base_is_a_review_naming_its_source(name, tmp_path):
    text, source = INFERRED_FAULTS[name]
    fails = _rule(_audit(tmp_path, text), "RATE001", "fail")
    assert [c.severity for c in fails] == ["warning"], [c.message for c in fails]
    assert fails[0].message.startswith("Cần rà soát")
    assert fails[0].relation["strength"] == "inferred" and fails[0].relation["base_source"] == source


def test_the_finding_words_where_the_base_came_from(tmp_path):
    result = _audit(tmp_path, INFERRED_FAULTS["previous-sentence"][0])
    (fail,) = _rule(result, "RATE001", "fail")
    assert base_text(fail.relation) == "mẫu số lấy từ câu trước: 18 thôn"
    assert "mẫu số lấy từ câu trước: 18 thôn" in relation_text(fail.relation)
    assert base_text(fail.relation, "en") == "base taken from the sentence before: 18 thôn"
    assert "mẫu số lấy từ câu trước: 18 thôn" in render_text(result)


def test_a_part_of_a_part_is_tried_against_each_base_and_names_them(tmp_path):
    (fail,) = _rule(_audit(tmp_path, INFERRED_FAULTS["part-of-part"][0]), "RATE001", "fail")
    assert fail.values["bases"] == [3318, 3420]
    assert fail.values["implied_base"] == pytest.approx(3205 / 0.951, abs=0.01)
    assert "3.318" in fail.message and "3.420" in fail.message


def test_the_base_that_makes_a_part_of_a_part_hold_is_the_one_ticked(tmp_path):
    # issue 23's fourth case: the bracket's parent is not the base; the rate holds over the dossiers received
    text = ("Tháng 9/2026, xã Đông Hải tiếp nhận 1.268 hồ sơ. Đã giải quyết 1.241 hồ sơ, đạt tỷ lệ 97,87% (số hồ sơ "
            "đúng hạn là 1.241 hồ sơ, đạt tỷ lệ 97,87%).")
    result = _audit(tmp_path, text)
    assert not _rule(result, "RATE001", "fail"), [c.message for c in result.checks if c.status == "fail"]
    passed = _rule(result, "RATE001", "pass")
    assert passed and all(c.values["denominator"] == 1268 for c in passed)


def test_a_rate_of_dossiers_due_is_checked_over_them(tmp_path):
    # issue 23's first case: the share of dossiers due is not divided by the dossiers received
    text = ("Trong tháng 11/2026, xã Đông Hải tiếp nhận mới 1.964 hồ sơ; số hồ sơ đến hạn giải quyết là 1.902 hồ sơ. "
            "Đã trả kết quả trước và đúng hạn 1.875 hồ sơ, đạt 98,58%.")
    result = _audit(tmp_path, text)
    assert not _rule(result, "RATE001", "fail")
    (tick,) = _rule(result, "RATE001", "pass")
    assert tick.values["denominator"] == 1902


def test_a_rate_with_no_base_in_reach_is_not_checked(tmp_path):
    text = "I. TIẾP NHẬN\n\nXã Đông Hải tiếp nhận 960 hồ sơ.\n\nII. ĐÁNH GIÁ\n\nTỷ lệ hồ sơ trực tuyến đạt 87%."
    result = _audit(tmp_path, text)
    assert not _rule(result, "RATE001", "fail") and _rule(result, "RATE001", "skip")


# --- ranks and counts of units are not a rate's fraction ---------------------------------------------

def test_a_rank_is_a_fact_of_its_own_and_never_a_fraction(tmp_path):
    text = ("Năm 2026, chỉ số chuyển đổi số của tỉnh Nam Sơn xếp thứ 31/63 tỉnh, thành phố; tỷ lệ 68,2%.\n\n"
            "Huyện Đông Hải đứng thứ 5 trên 14 huyện về cải cách hành chính.")
    result = _audit(tmp_path, text)
    assert not _rule(result, "RATE001", "fail")
    ranks = [f for f in result.facts if f.kind == "rank"]
    assert [(f.value, f.denominator) for f in ranks] == [(31, 63), (5, 14)]
    field = next(f for f in result.facts if f.role == "rank_total")
    assert field.value == 14 and field.qualifier is None  # 'trên 14': the field ranked, not a bound


def test_units_meeting_a_threshold_are_counted_not_divided(tmp_path):
    # issue 23's second case
    text = ("Tháng 8/2026, tỷ lệ hồ sơ quá hạn của tỉnh là 2,6% (412/15.846 hồ sơ). Có 4/7 huyện đạt tỷ lệ này "
            "dưới 2% và cả 7/7 huyện đạt tỷ lệ dưới 10%. Có 8/8 xã đạt 100% hồ sơ trực tuyến.")
    result = _audit(tmp_path, text)
    assert not [c for c in result.checks if c.status == "fail" and c.rule.startswith("RATE")]
    assert sorted(f.raw for f in result.facts if f.role == "unit_count") == ["4/7", "7/7", "8/8"]
    thresholds = {f.raw: f for f in result.facts if f.role == "threshold"}
    assert set(thresholds) == {"dưới 2%", "dưới 10%", "100%"} and all(f.metric is None for f in thresholds.values())
    assert _rule(result, "RATE001", "pass")  # 2,6% = 412/15.846 is still ticked


def test_a_count_of_units_with_its_own_rate_is_still_checked(tmp_path):
    text = "Đến hết quý III/2026, 21/26 xã, thị trấn đã có điểm bưu chính kết nối internet, đạt tỷ lệ 84,6%."
    fails = _rule(_audit(tmp_path, text), "RATE001", "fail")
    assert [c.severity for c in fails] == ["error"] and "21 / 26" in fails[0].message


def test_units_grouped_by_thresholds_may_not_exceed_their_count(tmp_path):
    text = ("Trong 32 xã, phường của tỉnh: 20 đơn vị có tỷ lệ hồ sơ trực tuyến trên 85%, 9 đơn vị đạt từ 60% "
            "đến 85%, 4 đơn vị dưới 60%.")
    fails = _rule(_audit(tmp_path, text), "FOOT001", "fail")
    assert [c.severity for c in fails] == ["error"] and fails[0].values["actual"] == 33


# --- splits by level or unit, one sentence each -------------------------------------------------------

LEVELS = ("Quý III/2026, toàn tỉnh tiếp nhận {} hồ sơ{}\n\nVới cấp tỉnh, trong quý tiếp nhận 54.575 hồ sơ.\n\n"
          "Với cấp huyện, trong quý tiếp nhận 340.060 hồ sơ.\n\nVới cấp xã, trong quý tiếp nhận 264.610 hồ sơ.")


@pytest.mark.parametrize("lead,severity", [(", cụ thể như sau:", "error"), (".", "warning")])
def test_a_split_by_level_across_sentences(lead, severity, tmp_path):
    assert not _rule(_audit(tmp_path, LEVELS.format("659.245", lead)), "FOOT001", "fail")
    assert _rule(_audit(tmp_path, LEVELS.format("659.245", lead)), "FOOT001", "pass")
    fails = _rule(_audit(tmp_path, LEVELS.format("659.345", lead)), "FOOT001", "fail")
    assert [c.severity for c in fails] == [severity]
    assert fails[0].relation["strength"] == ("explicit" if severity == "error" else "inferred")


def test_a_split_by_named_unit_needs_a_lead_in(tmp_path):
    led = ("Toàn xã Đông Hải có 1.250 hộ dùng cáp quang, cụ thể: thôn Đông Sơn có 420 hộ. Thôn Tây Sơn có 380 hộ. "
           "Thôn Nam Sơn có 460 hộ.")
    fails = _rule(_audit(tmp_path, led), "FOOT001", "fail")
    assert [c.severity for c in fails] == ["error"] and fails[0].values["actual"] == 1260
    unled = led.replace(", cụ thể:", ".").replace(". thôn Đông", ". Thôn Đông")
    assert not _rule(_audit(tmp_path, unled), "FOOT001", "fail")


# --- fractions and counts of any unit -----------------------------------------------------------------

def test_a_done_total_figure_states_its_total(tmp_path):
    result = _audit(tmp_path, "Xã Đông Hải đã kích hoạt 12.300/45.000 tài khoản định danh điện tử.")
    done = next(f for f in result.facts if f.raw == "12.300/45.000")
    total = next(f for f in result.facts if f.role == "denominator")
    assert (total.value, total.raw, total.base, total.unit) == (45000, "45.000", done.id, "tài khoản")
    assert result.facts.index(total) == result.facts.index(done) + 1


def test_counts_of_nouns_the_catalogue_does_not_know(tmp_path):
    text = ("I. HẠ TẦNG\n\nTrong quý III/2026, xã lắp đặt wifi miễn phí tại 9 nhà văn hóa thôn.\n\nII. ĐÁNH GIÁ\n\n"
            "Trong quý III/2026, xã lắp đặt wifi miễn phí tại {} nhà văn hóa thôn, bảo đảm người dân truy cập.")
    good = _audit(tmp_path, text.format(9))
    assert [f.value for f in good.facts if f.unit == "nhà"] == [9, 9]
    assert not _rule(good, "XREF001", "fail") and _rule(good, "XREF001", "pass")
    fails = _rule(_audit(tmp_path, text.format(8)), "XREF001", "fail")
    assert [c.severity for c in fails] == ["warning"]
    other = text.format(8).replace("xã lắp đặt wifi miễn phí tại 8", "xã có 8")  # said another way: not the same
    assert not _rule(_audit(tmp_path, other), "XREF001")


def test_bullets_after_a_total_the_catalogue_does_not_name_are_its_parts(tmp_path):
    text = ("Hiện nay, xã Đông Hải đang thực hiện 250 thủ tục hành chính, trong đó:\n+ Thủ tục toàn trình: {} thủ "
            "tục.\n+ Thủ tục một phần: 110 thủ tục.")
    assert [c.status for c in _rule(_audit(tmp_path, text.format(140)), "FOOT001")] == ["pass"]
    assert [c.severity for c in _rule(_audit(tmp_path, text.format(130)), "FOOT001", "fail")] == ["error"]


def test_a_restatement_of_no_figure_above_is_read_as_the_nearest(tmp_path):
    text = ("Trong 24 xã, phường: 18 đơn vị có tỷ lệ hồ sơ trực tuyến trên 90%, 6 đơn vị đạt từ 70% đến 90%.\n\n"
            "Sở đề nghị {} đơn vị nêu trên rà soát nguyên nhân.")
    assert [c.status for c in _rule(_audit(tmp_path, text.format(6)), "XREF001")] == ["pass"]
    fails = _rule(_audit(tmp_path, text.format(7)), "XREF001", "fail")
    assert [c.severity for c in fails] == ["warning"] and sorted(fails[0].values["actual"]) == [6, 7]

"""Copies (PORT003): word shingles with dates masked, bottom-k sketches, and the check across units."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wardaudit.extract.shingles import COPY_JACCARD, similarity, sketch, words
from wardaudit.rules.portfolio import MAX_POSTING, PortUnit, run_port_checks

REPO = Path(__file__).resolve().parents[2]

# a provincial template: what every unit's report repeats (written for this test)
TEMPLATE = [
    "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NHIỆM VỤ TRONG KỲ",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về đẩy mạnh chuyển đổi số và cải cách hành chính trên địa bàn,",
    "Ủy ban nhân dân cấp xã báo cáo kết quả thực hiện các nhiệm vụ trọng tâm trong kỳ như sau:",
    "1. Công tác lãnh đạo, chỉ đạo, quán triệt và tuyên truyền",
    "2. Kết quả giải quyết thủ tục hành chính trên môi trường điện tử",
    "3. Phát triển hạ tầng số, nền tảng số và dữ liệu dùng chung",
    "4. Kinh phí bảo đảm cho nhiệm vụ khoa học, công nghệ và chuyển đổi số",
    "II. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ",
    "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
    "Trên đây là báo cáo kết quả thực hiện nhiệm vụ trong kỳ, kính gửi cơ quan thường trực tổng hợp theo dõi.",
]
SUBJECTS = ["Tổ công nghệ số cộng đồng", "Bộ phận một cửa", "Công an xã", "Trường tiểu học", "Trạm y tế",
            "Hội nông dân", "Đoàn thanh niên", "Hợp tác xã chè", "Ban quản lý chợ", "Các thôn, tổ dân phố"]
VERBS = ["đã hướng dẫn", "tổ chức tập huấn cho", "rà soát và cập nhật", "phối hợp hỗ trợ", "vận động",
         "kiểm tra, đôn đốc", "tiếp nhận và xử lý", "số hóa hồ sơ của"]
OBJECTS = ["hộ gia đình cài đặt ứng dụng định danh điện tử", "người dân nộp hồ sơ trực tuyến toàn trình",
           "tiểu thương mở tài khoản thanh toán không dùng tiền mặt", "học sinh khai thác học liệu số",
           "người cao tuổi sử dụng dịch vụ khám chữa bệnh từ xa", "hộ sản xuất đưa sản phẩm lên sàn thương mại điện tử"]


def own_text(seed: int, sentences: int = 40) -> str:
    """A unit's own sentences, different in words and figures from another seed's."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        out.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.randint(12, 4800)} {rng.choice(OBJECTS)}, "
                   f"đạt {rng.randint(40, 99)},{rng.randint(0, 9)}% kế hoạch năm, tăng {rng.randint(2, 60)} "
                   f"so với kỳ trước tại thôn số {rng.randint(1, 30)}.")
    return "\n".join(out)


def report(seed: int, template_every: int = 4) -> str:
    """The template's lines interleaved with the unit's own (template text is about a quarter of it)."""
    own = own_text(seed).split("\n")
    lines = []
    for i, line in enumerate(own):
        if i % template_every == 0:
            lines.append(TEMPLATE[(i // template_every) % len(TEMPLATE)])
        lines.append(line)
    return "\n".join(lines)


def test_dates_are_masked_and_figures_are_kept():
    assert words("ngày 12 tháng 5 năm 2026, tuần 19, 07/5/2026 và 5/2026: 12.456 hồ sơ đạt 98,70%") == \
        ["ngàyx", "ngàyx", "ngàyx", "và", "ngàyx", "12.456", "hồ", "sơ", "đạt", "98,70"]
    seed = next((REPO / "data" / "raw" / "phu-thinh").iterdir()).read_text(encoding="utf-8")
    redated = seed.replace("07/5/2026", "14/5/2026").replace("09/4/2026", "16/4/2026")
    assert seed != redated and similarity(sketch(seed), sketch(redated)) == 1.0


def test_a_copy_with_the_name_replaced_stays_above_the_threshold():
    seed = next((REPO / "data" / "raw" / "phu-thinh").iterdir()).read_text(encoding="utf-8")
    renamed = seed.replace("Phú Thịnh", "Tân Lập").replace("PHÚ THỊNH", "TÂN LẬP")
    assert similarity(sketch(seed), sketch(renamed)) >= 0.9


def test_a_shared_template_alone_stays_well_below_the_threshold():
    a, b = report(1), report(2)
    j = similarity(sketch(a), sketch(b))
    assert 0.0 < j < COPY_JACCARD / 2, j  # template lines are shared, so not 0; the units' own text keeps it low
    assert similarity(sketch(a), sketch(report(1))) == 1.0


def _unit(slug: str, text: str, source: str | None = None, period: str = "2026-05-07") -> PortUnit:
    return PortUnit(slug=slug, ward=slug.replace("-", " ").title(), province="Thái Nguyên",
                    reports=[{"source": source or f"data/raw/{slug}/bao-cao.txt", "period": period,
                              "sketch": sketch(text).to_dict()}])


def test_a_planted_copy_is_flagged_on_both_units_naming_the_other():
    units = [_unit(f"xa-{i}", report(i)) for i in range(6)]
    units.append(_unit("xa-sao-chep", report(3).replace("Công an xã", "Công an phường")))  # one name replaced
    fails = [c for c in run_port_checks(units) if c.rule == "PORT003" and c.status == "fail"]
    assert {(c.values["slug"], c.values["other_slug"]) for c in fails} == \
        {("xa-sao-chep", "xa-3"), ("xa-3", "xa-sao-chep")}
    copy = next(c for c in fails if c.values["slug"] == "xa-sao-chep")
    assert "data/raw/xa-3/bao-cao.txt" in copy.message and copy.severity == "warning"
    assert copy.values["similarity"] >= COPY_JACCARD


def test_no_copy_gives_one_pass_and_template_hashes_do_not_make_pairs():
    units = [_unit(f"xa-{i}", report(i)) for i in range(MAX_POSTING + 10)]  # template hashes in every sketch
    results = [c for c in run_port_checks(units) if c.rule == "PORT003"]
    assert [c.status for c in results] == ["pass"]


def test_the_units_own_previous_report_with_only_dates_changed():
    text = report(7).replace("thôn số", "thôn số") + "\nSố liệu tính đến ngày 30/4/2026."
    unit = PortUnit(slug="xa-7", ward="Xã Bảy", province="Thái Nguyên", reports=[
        {"source": "data/raw/xa-7/thang-4.txt", "period": "2026-04-30", "sketch": sketch(text).to_dict()},
        {"source": "data/raw/xa-7/thang-5.txt", "period": "2026-05-31",
         "sketch": sketch(text.replace("30/4/2026", "31/5/2026")).to_dict()}])
    other = _unit("xa-8", report(8))
    fails = [c for c in run_port_checks([unit, other]) if c.rule == "PORT003" and c.status == "fail"]
    assert len(fails) == 1 and "kỳ trước" in fails[0].message and "thang-4.txt" in fails[0].message
    assert fails[0].values["other_source"] == "data/raw/xa-7/thang-4.txt"
    # a new month with new figures is not a copy
    unit.reports[1]["sketch"] = sketch(report(9)).to_dict()
    assert not [c for c in run_port_checks([unit, other]) if c.rule == "PORT003" and c.status == "fail"]


@pytest.mark.parametrize("n", [1, 3])
def test_too_few_reports_or_too_short_ones_are_not_compared(n):
    units = [_unit(f"xa-{i}", "Báo cáo ngắn.") for i in range(n)]
    assert [c for c in run_port_checks(units) if c.rule == "PORT003"] == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["xã", "phường", "hồ sơ", "12/5/2026", "1.234", "trực tuyến", "đạt", "95,5%", "năm",
                                 "chỉ tiêu", "Đề án 06", "tháng 5/2026"]), min_size=0, max_size=400))
def test_the_sketch_is_the_bottom_k_of_every_shingles_blake2b_hash(tokens):
    """The sketch as first written: each shingle hashed with a new blake2b of 48 bits, every distinct hash
    counted, the smallest kept; the faster hashing gives exactly that (summaries of earlier runs compare)."""
    import hashlib
    import heapq

    from wardaudit.extract.shingles import HASH_BITS, SHINGLE_WORDS, SKETCH_SIZE

    w = words(" ".join(tokens))
    plain = {int.from_bytes(hashlib.blake2b(" ".join(w[i:i + SHINGLE_WORDS]).encode("utf-8"),
                                            digest_size=HASH_BITS // 8).digest(), "big")
             for i in range(max(0, len(w) - SHINGLE_WORDS + 1))}
    got = sketch(" ".join(tokens))
    assert got.size == len(plain) and got.hashes == tuple(heapq.nsmallest(SKETCH_SIZE, plain))

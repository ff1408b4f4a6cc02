"""The Vietnamese number reader: formats, qualifiers, and what is not a measurement."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wardaudit.vi.numbers import find_figures, format_number, parse_number, tolerance


@pytest.mark.parametrize("token,value", [("12.456", 12456), ("98,70", 98.7), ("99,9", 99.9), ("0,316", 0.316),
                                          ("1.056.000", 1056000), ("02", 2), ("404", 404)])
def test_parse_number(token, value):
    assert parse_number(token) == pytest.approx(value)


@pytest.mark.parametrize("text,expected", [
    ("đạt tỷ lệ 98,70%", [("percent", 98.7, None, 2)]),
    ("0,316 tỷ đồng", [("money", 316_000_000, None, 3)]),
    ("316 triệu đồng", [("money", 316_000_000, None, 0)]),
    ("1.056.000 đồng", [("money", 1_056_000, None, 0)]),
    ("34/34 nhiệm vụ", [("ratio", 34, None, 0)]),
    ("22.581/57.566 tài khoản (đạt 39%)", [("ratio", 22581, None, 0), ("percent", 39, None, 0)]),
    ("trên 94%", [("percent", 94, "lower_bound", 0)]),
    ("khoảng 300 người", [("count", 300, "approx", 0)]),
    ("≥98", [("count", 98, "at_least", 0)]),
    ("triển khai hai mô hình", [("count", 2, None, 0)]),
    ("02 hồ sơ quá hạn", [("count", 2, None, 0)]),
])
def test_find_figures(text, expected):
    got = [(f.kind, f.value, f.qualifier, f.decimals) for f in find_figures(text)]
    assert got == [(k, pytest.approx(v), q, d) for k, v, q, d in expected]


@pytest.mark.parametrize("text", [
    "Kế hoạch số 13/KH-UBND ngày 10/3/2026", "Nghị quyết số 57-NQ/TW ngày 22/12/2024", "ngày 06 tháng 6 năm 2026",
    "tháng 5 và tháng 6/2026", "Quý II năm 2026", "Chợ 4.0", "mạng 5G", "mô hình hợp tác 3 Nhà", "Đề án 06",
    "1. Chuyển biến quan trọng", "Sơ kết 01 năm 06 tháng", "điện thoại 0912.345.678", "một số nhiệm vụ",
    "tăng trưởng hai con số", "mức độ 1, mức độ 2", "giai đoạn 2025-2030",
])
def test_not_measurements(text):
    assert find_figures(text) == []


def test_tolerance_follows_written_precision():
    assert tolerance(2) == pytest.approx(0.005)
    assert tolerance(0) == pytest.approx(0.5)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_integers_round_trip(n):
    text = format_number(n)
    assert parse_number(text) == n
    figs = find_figures(f"tiếp nhận {text} hồ sơ")
    assert [f.value for f in figs] == [n] or (1900 <= n <= 2100)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10000), st.integers(min_value=0, max_value=2))
def test_percent_round_trip(cents, decimals):
    value = round(cents / 100, decimals)
    text = format_number(value, decimals) + "%"
    figs = find_figures(f"đạt {text}")
    assert len(figs) == 1 and figs[0].kind == "percent"
    assert figs[0].value == pytest.approx(value) and figs[0].decimals == decimals


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text):
    for f in find_figures(text):
        assert 0 <= f.start < f.end <= len(text)

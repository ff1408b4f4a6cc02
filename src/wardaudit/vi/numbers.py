"""Vietnamese figures: '12.345' is twelve thousand, '97,50%' a rate, '0,25 tỷ đồng' = 250.000.000
đồng, '02' a count with a leading zero, '34/34' done/total, 'trên 94%' a lower bound.

Dates, years, document numbers ('Kế hoạch số 13/KH-UBND ngày 10/3/2026', '57-NQ/TW'), phone
numbers, section numbers and names with digits ('Chợ 4.0', '5G') are found and marked as not
measurements, so that no fact is ever taken from them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MONEY_SCALE = {"đồng": 1, "nghìn đồng": 1_000, "ngàn đồng": 1_000, "triệu đồng": 1_000_000,
               "tỷ đồng": 1_000_000_000, "tỉ đồng": 1_000_000_000}
SPELLED = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8,
           "chín": 9, "mười": 10}
# nouns a spelt-out number may count (anything else: 'một số', 'hai con số' are not figures)
COUNT_NOUNS = ("hồ sơ", "nhiệm vụ", "mô hình", "hội nghị", "lớp", "thôn", "xóm", "tổ dân phố", "cán bộ",
               "công chức", "văn bản", "thủ tục", "cuộc họp", "phiên họp", "đợt", "sáng kiến", "kiến nghị")

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_FIGURE = re.compile(
    r"(?P<qual>(?:trên|hơn|gần|khoảng|dưới|tối thiểu|tối đa|ít nhất)\s+|[≥≤<>]\s*)?"
    r"(?P<num>" + _NUM + r")"
    r"(?:\s*/\s*(?P<den>" + _NUM + r"))?"
    r"(?P<pct>\s*%)?"
    r"(?P<money>\s+(?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*đồng)?",
    re.IGNORECASE)
_SPELLED = re.compile(r"\b(?P<word>" + "|".join(SPELLED) + r")\s+(?P<noun>" + "|".join(COUNT_NOUNS) + r")\b",
                      re.IGNORECASE)

# spans that are not measurements
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}/\d{4}\b|\b\d{1,2}-\d{1,2}-\d{4}\b")
_DATE_WORDS = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?|tháng\s+\d{1,2}(?:\s*(?:năm\s+)?\d{4})?"
                         r"|năm\s+\d{4}|quý\s+[IV]+|\b(?:19|20)\d{2}\s*-\s*(?:19|20)\d{2}\b"
                         r"|giai đoạn\s+\d{4}", re.IGNORECASE)
_DOC_NUMBER = re.compile(r"\b\d+[A-Za-zĐđ]*(?:[-/][A-ZĐa-zđ][\wĐđ&.]*)+|số\s*:?\s*\d+(?:/\d+)?|"
                         r"(?:Nghị quyết|Kế hoạch|Đề án|"
                         r"Chỉ thị|Quyết định|Công văn|Thông báo|Chương trình|Báo cáo|Kết luận|Nghị định|Luật|"
                         r"Thông tư|Văn bản|Mục|Phụ lục|Vấn đề|Bước|Giai đoạn|Điều|Khoản|Phần|TDP|Tổ|Khu|Xóm|Thôn|"
                         r"Nhóm|tổ dân phố số|mức độ|mức|cấp độ|loại|hạng|Bảng|Biểu|Hình)\s+(?:số\s+)?\d+\b",
                         re.IGNORECASE)
_PHONE = re.compile(r"(?<![\d.])0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?![\d.])")
# '3 Nhà' is a name (mô hình 3 nhà); '9 nhà văn hóa', '4 nhà sinh hoạt cộng đồng' are counts of buildings
_BUILDINGS = r"(?!\s+(?:văn\s+h|sinh hoạt|đa năng|ở\b|máy|trường|học|xưởng|kho|chờ|vệ sinh|thi đấu|tạm|dân))"
_NAMES = re.compile(r"\b\d+\s*cấp độ\b|\b\d\.0\b|\b\d+\s*G\b|\b\d+\s*Nhà\b" + _BUILDINGS
                    + r"|\bhai con số\b|\b\d+\s*con số\b|https?://\S+|\b[\w.]+@[\w.]+|"
                    r"\b\w+\.(?:vn|gov|com)\S*|\b\d+\s*Gbps\b|\b\d+\s*Gb/s\b|\b\d+\s*Mbps\b", re.IGNORECASE)
_LIST_MARK = re.compile(r"(?:^|\n)\s*(?:[-+•]\s*)?(?:\(\d+\)|\d+(?:\.\d+)*\.(?!\d)|[a-zđ]\)|[IVX]+\.)\s"
                        r"|\(\d{1,2}\)(?=\s+[^\W\d])")  # '(1) làm sạch dữ liệu; (2) …' inside a sentence
_DURATION = re.compile(r"^\s*(?:năm|tháng|tuần|ngày|giờ|phút|tuổi)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A figure found in text. ``value`` is normalised (money in đồng); ``decimals`` is the number
    of decimals as written, which sets the tolerance a stated rate is checked with."""

    start: int
    end: int
    raw: str
    value: float
    kind: str  # count | percent | money | ratio
    decimals: int = 0
    denominator: float | None = None
    qualifier: str | None = None  # lower_bound | upper_bound | approx | at_least | at_most
    scale: int = 1
    unit_text: str | None = None


def parse_number(token: str) -> float:
    """'12.345' -> 12345; '97,50' -> 97.5; '2.500.000' -> 2500000; '02' -> 2; '0,25' -> 0.25."""
    token = token.strip()
    if not re.fullmatch(_NUM, token):
        raise ValueError(f"not a Vietnamese number: {token!r}")
    integer, _, frac = token.partition(",")
    integer = integer.replace(".", "")
    return float(f"{int(integer)}.{frac}") if frac else float(int(integer))


def decimals_of(token: str) -> int:
    return len(token.partition(",")[2])


def format_number(value: float, decimals: int | None = None) -> str:
    """Format in Vietnamese: 12345 -> '12.345'; 97.5 -> '97,50' with decimals=2."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else min(6, len(repr(float(value)).split(".")[1]))
    return ("-" if value < 0 else "") + _vi_separators(f"{abs(value):,.{decimals}f}")


def display_number(value: Any, lang: str = "vi", max_decimals: int = 6) -> str:
    """A number as the pages and charts show it: at most ``max_decimals`` decimals, trailing zeros
    dropped, separators of the language (``1.234,5`` in Vietnamese, ``1,234.5`` in English).

    Anything that is not a number is shown as it is (None as nothing); NaN and infinity as ``—``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "—"
    if isinstance(value, float) and not value.is_integer():
        value = round(value, max_decimals)  # what rounds to a whole number is written as one ("0", not "-0")
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.{max_decimals}f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return _vi_separators(text) if lang == "vi" else text


def finite(value: Any) -> float | None:
    """``value`` as a finite float (a number, or text such as a CSV cell), else None."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def _vi_separators(text: str) -> str:
    """``1,234.5`` (English) → ``1.234,5`` (Vietnamese)."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for rx in (_DATE, _DATE_WORDS, _DOC_NUMBER, _PHONE, _NAMES, _LIST_MARK):
        for m in rx.finditer(text):
            # 'các thôn 10 hội nghị': a count of something after a place word is not the place's number
            rest = re.sub(r"^(?:[.,]\d+)*", "", text[m.end():])  # the rest of the number token
            if rx is _DOC_NUMBER and (_COUNTED.match(rest)
                                      or re.search(r"tổng\s+$", text[max(0, m.start() - 8):m.start()], re.IGNORECASE)):
                continue
            spans.append(m.span())
    return spans


_COUNTED = re.compile(r"\s+(?:" + "|".join(COUNT_NOUNS) + r"|thành viên|người|lượt|tài khoản|camera|hộ)\b",
                      re.IGNORECASE)


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


_QUALIFIERS = {"trên": "lower_bound", "hơn": "lower_bound", "đạt trên": "lower_bound", "gần": "approx",
               "khoảng": "approx", "dưới": "upper_bound", "tối thiểu": "at_least", "ít nhất": "at_least",
               "tối đa": "at_most", "≥": "at_least", ">": "lower_bound", "≤": "at_most", "<": "upper_bound"}


def find_figures(text: str) -> list[Figure]:
    """Every measurement in ``text``, in order; dates, years, document and section numbers skipped."""
    excluded = _excluded_spans(text)
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        num_span = m.span("num")
        if _overlaps(num_span, excluded):
            continue
        # a number glued to letters (e.g. 'KHCN2') or part of a longer token
        before = text[num_span[0] - 1] if num_span[0] > 0 else " "
        after = text[m.end("num")] if m.end("num") < len(text) else " "
        if before.isalpha() or (after.isalpha() and not m.group("pct")):
            continue
        if before in "-/" or (after in "-/" and not m.group("den")):
            continue
        num_token = m.group("num")
        value = parse_number(num_token)
        qual = _QUALIFIERS.get(" ".join((m.group("qual") or "").lower().split()))
        decimals = decimals_of(num_token)
        den = m.group("den")
        start = m.start("qual") if m.group("qual") else num_span[0]
        if den is not None:
            d = parse_number(den)
            out.append(Figure(start, m.end("den"), text[start:m.end("den")], value, "ratio", decimals, d, qual))
            continue
        if m.group("pct"):
            out.append(Figure(start, m.end("pct"), text[start:m.end("pct")], value, "percent", decimals, None, qual))
            continue
        if m.group("money"):
            unit = " ".join(m.group("money").lower().split()).replace("tỉ", "tỷ").replace("ngàn", "nghìn")
            scale = MONEY_SCALE.get(unit, 1)
            out.append(Figure(start, m.end("money"), text[start:m.end("money")], round(value * scale, 6), "money",
                              decimals, None, qual, scale, unit))
            continue
        if _DURATION.match(text[m.end("num"):m.end("num") + 8]):
            continue  # '01 năm 06 tháng', '1,5 năm' are durations, not measurements
        if 1900 <= value <= 2100 and decimals == 0 and "." not in num_token and not re.match(
                r"\s*(hồ sơ|thủ tục|nhiệm vụ|văn bản|TTHC|DVC|,?\s*(?:trong đó|gồm|bao gồm)\b)", text[m.end("num"):],
                re.IGNORECASE):
            continue  # a bare year
        out.append(Figure(start, m.end("num"), text[start:m.end("num")], value, "count", decimals, None, qual))
    for m in _SPELLED.finditer(text):
        if _overlaps(m.span(), excluded) or any(f.start <= m.start() < f.end for f in out):
            continue
        out.append(Figure(m.start(), m.end("word"), m.group("word"), float(SPELLED[m.group("word").lower()]),
                          "count"))
    out.sort(key=lambda f: f.start)
    return out


def tolerance(decimals: int) -> float:
    """Half a unit of the last written decimal: 97,50% is checked to 0,005; 39% to 0,5."""
    return 0.5 * 10 ** (-decimals)

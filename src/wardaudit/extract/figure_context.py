"""The words around a figure: its sentence, its quote, what it counts (family and unit), and the
list marker of its block."""
from __future__ import annotations

import re

from wardaudit.catalogue import Catalogue, load_catalogue
from wardaudit.vi.numbers import Figure, find_figures

# a stop before a capital, a bullet or a figure ('… có 18 thôn. 15 thôn đã …'), or a line break
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9\-+•(])|\n+")
CLAUSE_BREAK = re.compile(r"[,;()]|\btrong đó\b|\bgồm\b|\bvà\b", re.IGNORECASE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a block's text: a stop before a capital, a bullet or a figure, or a line
    break."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def figure_quote(text: str, span: tuple[int, int], fig: Figure, limit: int = 320) -> str:
    """The figure's sentence, cut to ``limit`` characters around the figure when longer."""
    a, b = _quote_span(span, fig, limit)
    return text[a:b].strip()


def _quote_span(span: tuple[int, int], fig: Figure, limit: int = 320) -> tuple[int, int]:
    s, e = span
    if e - s <= limit:
        return s, e
    return max(s, fig.start - limit // 2), min(e, fig.end + limit // 2)


def quote_start(text: str, span: tuple[int, int], fig: Figure) -> int:
    """Where the figure starts in its quote."""
    a, b = _quote_span(span, fig)
    return fig.start - a - (len(text[a:b]) - len(text[a:b].lstrip()))


def family_of(fig: Figure, left: str, right: str, cat: Catalogue) -> str | None:
    """The catalogue family of what a figure counts: from its kind (%, money), else the noun right
    after it, else the last family noun in the words before it."""
    if fig.kind == "percent":
        return "rate"
    if fig.kind == "money":
        return "budget"
    r = right.lower().lstrip(" :)")
    for fam, nouns in cat.families.items():
        if any(r.startswith(n) for n in nouns):
            return fam
    best, pos = None, -1
    # a bracketed aside ('(theo Kế hoạch số …)') does not name what the figure counts
    low = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), left.lower())
    for fam, nouns in cat.families.items():
        for n in nouns:
            i = low.rfind(n)
            if i > pos:
                best, pos = fam, i
    return best


def unit_text(fig: Figure, right: str) -> str | None:
    """The unit as written after the figure ('hồ sơ', '%', 'triệu đồng'): a two-word noun when the
    catalogue knows it, else the first word."""
    if fig.kind == "percent":
        return "%"
    if fig.kind == "money":
        return fig.unit_text
    words = right.strip(" :").split()
    if not words:
        return None
    two = " ".join(words[:2]).lower().strip(".,;:”\"’)")
    nouns = {n for ns in load_catalogue().families.values() for n in ns if " " in n}
    if two in nouns or two in ("hồ sơ", "thủ tục", "nhiệm vụ", "mô hình", "hội nghị", "tài khoản", "cán bộ",
                               "văn bản", "cuộc họp", "kế hoạch", "quyết định", "công văn", "thành viên"):
        return two
    return words[0].lower().strip(".,;:”\"’)") or None


def heading_with_figures(text: str) -> bool:
    """A numbered item that is a sentence with figures ('1. Tiếp nhận hồ sơ: UBND phường tiếp nhận
    3.805 hồ sơ, trong đó …', '2. Tỷ lệ hồ sơ trực tuyến đạt 90,85%.'), not a bare title."""
    if not find_figures(text):
        return False
    # '2. Tỷ lệ hồ sơ trực tuyến trong tuần đạt 90,85%.': a full stop ends a sentence, not a title
    return (len(text) >= 60 and bool(re.search(r"[:,]", text))) or (len(text) >= 30 and text.rstrip().endswith("."))


_BULLET = re.compile(r"^\s*([-+•*]|\(\d+\)|\d+\)|[a-zđ]\))\s*")


def bullet_marker(text: str) -> str | None:
    """The list marker a block starts with ('-', '+', '•', '(1)' → '(n)', 'a)' → 'a)'), or None."""
    m = _BULLET.match(text)
    if not m:
        return None
    mk = m.group(1)
    return "(n)" if mk.startswith("(") else ("n)" if mk[0].isdigit() else ("a)" if mk.endswith(")") else mk))

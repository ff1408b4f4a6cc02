"""What the audit found, written as an office writes to a ward: places and sentences a person reads.

A finding's evidence carries the section's path of numbers (``I > 1 > 1.3``) and the line of our text
extraction; neither is how the ward finds a passage in its own Word or PDF file. :func:`place` names
the section by its number and title (and the section it belongs to), the appendix by its title, and
the page when the report has pages: ``mục 1.3 “Thống kê các nhiệm vụ thực hiện”, thuộc mục 1 “Về
công tác chỉ đạo”, trang 4``. :func:`plain` words a check's message without the symbols an office
does not write (≠, ×, →, a ``>`` between section numbers) and without the "Cần rà soát:" prefix.
Used by the letter (:mod:`wardaudit.review.letter`) and the desk.
"""
from __future__ import annotations

import re
from typing import Any

from wardaudit.render.wording import message, review_prefix

__all__ = ["place", "plain", "section_words", "title_words"]

TITLE_MAX = 90
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_APPENDIX = re.compile(r"^Phụ lục\s+(\S+)$")
# a section path as a message writes it: "Phần 1 > IV > 1", "I > 5 > 5.1 > a)"; it opens with a part, an
# appendix or a Roman numeral, so "1.5 > 1" between two figures is never taken for one
_STEP = r"(?:Phần\s+\w+|Phụ lục\s+\w+|[IVXLCDM]+|\d+(?:\.\d+)*|[a-zđ]\))"
_PATH = re.compile(rf"(?<![\w.])(?:Phần\s+\w+|Phụ lục\s+\w+|[IVXLCDM]+)(?:\s+>\s+{_STEP})+")
# symbols an office writes in words (spaces kept around operators, so a figure and "a)" are left alone)
_WORDS = ((" ≠ ", " không khớp với "), ("≠", " không khớp với "), (" ≤ ", " không vượt quá "),
          (" ≥ ", " không thấp hơn "), (" > ", " lớn hơn "), (" < ", " nhỏ hơn "), (" → ", " chuyển thành "),
          ("→", " chuyển thành "), (" + ", " cộng "), (" − ", " trừ "), (" = ", " bằng "))
_TIMES = re.compile(r"(\(?)×\s*([\d.,]+)(\)?)")
# "(dòng 640 và dòng 647)": lines of our text extraction, which the ward's file does not have
_LINES = re.compile(r"\s*\(\s*dòng \d+(?:\s*(?:,|và)\s*(?:dòng )?\d+)*\s*\)|\s*\bdòng \d+")


def title_words(title: str, limit: int = TITLE_MAX) -> str:
    """A heading's title as quoted in a letter: one line, cut at a word with "…" past ``limit``."""
    text = " ".join(str(title or "").split()).rstrip(" .:;")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def section_words(number: str) -> str:
    """A section number as the text names it: ``Phần 1``, ``mục I``, ``mục 1.3``, ``điểm a)``."""
    number = str(number).strip()
    if number.lower().startswith(("phần", "phụ lục")):
        return number
    if number.endswith(")"):
        return f"điểm {number}"
    return f"mục {number.rstrip('.')}"


def _sections(document: Any) -> dict[str, Any]:
    return {" > ".join(s.path): s for s in document.walk_sections()} if document is not None else {}


def _named(section: Any) -> str:
    title = title_words(section.title)
    return f"{section_words(section.number)} “{title}”" if title else section_words(section.number)


def _section_place(path: str, document: Any) -> str:
    """The innermost section of ``path`` by number and title, and the section it belongs to."""
    found = _sections(document)
    section = found.get(path)
    if section is None:
        m = _APPENDIX.match(path)
        appendix = next((a for a in getattr(document, "appendices", []) if m and a.id == m.group(1)), None)
        if appendix is not None:
            title = title_words(appendix.title)
            return f"Phụ lục {appendix.id}" + (f" “{title}”" if title else "")
        return path_words(path)
    parent = found.get(" > ".join(section.path[:-1])) if len(section.path) > 1 else None
    return _named(section) + (f", thuộc {_named(parent)}" if parent is not None else "")


def _before_sections(ev: Any, document: Any) -> bool:
    """Whether the evidence sits above the first numbered section (the letterhead, the title)."""
    first = next(iter(document.walk_sections()), None) if document is not None else None
    if first is None or ev.line is None or first.location.line is None:
        return False
    return ((ev.page or 0), ev.line) < ((first.location.page or 0), first.location.line)


def place(ev: Any, document: Any = None) -> str:
    """Where the ward finds the evidence ``ev`` in its report (see the module's docstring); never a line."""
    parts = []
    if ev.section:
        parts.append(_section_place(ev.section, document))
    elif _before_sections(ev, document):
        parts.append("phần đầu văn bản")
    if ev.page is not None:
        parts.append(f"trang {ev.page}")
    return ", ".join(parts)


def path_words(path: str) -> str:
    """``Phần 1 > IV > 1`` → ``Phần 1, mục IV, mục 1`` (when no section of the report matches)."""
    return ", ".join(section_words(step) for step in re.split(r"\s+>\s+", path.strip()))


def plain(text: str) -> str:
    """A check's message in plain Vietnamese: the Vietnamese part, metric labels, no "Cần rà soát:",
    section paths in words and no symbol an office would not write."""
    _, text = review_prefix(message(text or "", "vi"))
    text = _PATH.sub(lambda m: path_words(m.group(0)), text)
    text = _LINES.sub("", text)
    text = _TIMES.sub(lambda m: f"{m.group(1)}gấp {m.group(2)} lần{m.group(3)}", text)
    for symbol, words in _WORDS:
        text = text.replace(symbol, words)
    return " ".join(text.split())

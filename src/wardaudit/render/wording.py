"""What an auditor reads, in the page's language: messages, values, dates, quotes and relations.

The rules write one message per check, Vietnamese first, often with an English tail
(``"… / report number is blank"``), and name metrics by their catalogue key. The page shows
one language: :func:`message` keeps the Vietnamese part (or the English tail, for ``lang="en"``)
and puts the catalogue's label in place of every metric key. The rules are not changed: the
findings document keeps both languages for the tools that read it.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from wardaudit.render.messages import has, t
from wardaudit.vi.numbers import display_number

__all__ = ["message", "review_prefix", "value_rows", "format_value", "display_date", "local_stamp",
           "quote_at_words", "relation_text", "base_text", "REVIEW_PREFIX"]

REVIEW_PREFIX = "Cần rà soát:"
LOCAL_TZ = "Asia/Ho_Chi_Minh"

# " / english words" at the end of a message: a tail with no Vietnamese letter in it
_VI_LETTERS = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_EN_TAIL = re.compile(r"\s+/\s+(?P<en>[A-Za-z][^/" + _VI_LETTERS + _VI_LETTERS.upper() + r"]*)$")
_KEY = re.compile(r"(?<![\w.])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?![\w])")


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    from wardaudit.catalogue import load_catalogue

    cat = load_catalogue()
    # a metric without a label is named by the first phrase the catalogue recognises it by
    return {m.key: (m.label or (m.phrases[0] if m.phrases else "số liệu")) for m in cat.metrics}


def metric_label(key: str) -> str:
    """The catalogue's Vietnamese name for a metric key (lower-cased first letter inside a sentence)."""
    label = _labels().get(key)
    if label is None:
        return key
    return label[:1].lower() + label[1:] if label[1:2].islower() or label[1:2] == " " else label


def message(text: str, lang: str = "vi") -> str:
    """A check's message in one language, with metric keys replaced by their labels."""
    text = text or ""
    m = _EN_TAIL.search(text)
    if m:
        text = m.group("en").strip() if lang == "en" else text[:m.start()].rstrip()
    return _KEY.sub(lambda k: metric_label(k.group(0)) if k.group(0) in _labels() else k.group(0), text)


def review_prefix(text: str) -> tuple[bool, str]:
    """(True, the rest) when a message is an inferred-relation warning ("Cần rà soát: …")."""
    if text.startswith(REVIEW_PREFIX):
        rest = text[len(REVIEW_PREFIX):].strip()
        return True, rest[:1].upper() + rest[1:]
    return False, text


# --- values -------------------------------------------------------------------------------------

# the value names rules use, in the order a reader wants them; anything else is not shown
VALUE_ORDER = ("stated", "computed", "numerator", "denominator", "bases", "computed_by_base", "implied_base",
               "expected", "actual", "allocated", "disbursed", "received", "resolved", "pending", "carried_over",
               "parts")


# what "expected" and "actual" mean for a rule where they are not a cross-check against a statement
RULE_VALUE_NAMES = {"STRUCT005": {"expected": "val_rows_first", "actual": "val_rows_copy"}}


def _decimals(v: float) -> int:
    s = f"{v:.6f}".rstrip("0")
    return len(s.split(".")[1]) if "." in s else 0


def format_value(v: Any, lang: str = "vi", decimals: int | None = None) -> str:
    """A value as an auditor writes it: thousands and decimal separators of the language, at most
    ``decimals`` decimals (default 2), a partial date as dd/mm/yyyy with dots for what is missing."""
    if isinstance(v, Mapping) and {"day", "month", "year"} & set(v):
        parts = [v.get("day"), v.get("month"), v.get("year")]
        return "/".join("…" if p is None else (f"{p:02d}" if i < 2 else str(p)) for i, p in enumerate(parts))
    if isinstance(v, (list, tuple)):
        return "; ".join(format_value(x, lang, decimals) for x in v)
    if isinstance(v, Mapping):
        return ""
    return display_number(v, lang, 2 if decimals is None else decimals)


def value_rows(values: Mapping[str, Any], rule: str, lang: str = "vi") -> list[tuple[str, str]]:
    """Labelled rows of a check's values: known names only, computed to the stated precision.

    A recurrence (XREF001) lists what the report states, none of it named as expected.
    """
    stated = values.get("stated")
    # a recomputed rate to the stated precision (a float has lost trailing zeros: at least 2)
    decimals = max(_decimals(stated), 2) if isinstance(stated, float) else None
    # named figures say more than "expected"/"actual", which then only repeat them
    named = any(values.get(k) is not None for k in VALUE_ORDER if k not in ("expected", "actual"))
    rows = []
    for k in VALUE_ORDER:
        if k not in values or values[k] is None or (named and k in ("expected", "actual")):
            continue
        name = "val_values_stated" if (k == "actual" and rule.startswith("XREF")) else \
            RULE_VALUE_NAMES.get(rule, {}).get(k, f"val_{k}")
        if rule.startswith("XREF") and k == "expected":
            continue
        text = format_value(values[k], lang, decimals if k == "computed" else None)
        if text:
            rows.append((t(name, lang), text))
    return rows


# --- dates and times ----------------------------------------------------------------------------

def display_date(value: Any) -> str | None:
    """``2026-06-06`` → ``06/06/2026``; anything that is not an ISO date is returned as it is."""
    if value is None:
        return None
    s = str(value)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else s


def local_stamp(now: _dt.datetime | None = None) -> str:
    """The run's time as an auditor in Vietnam reads it: ``dd/mm/yyyy HH:MM (giờ Việt Nam)``."""
    from zoneinfo import ZoneInfo

    now = now or _dt.datetime.now(_dt.UTC)
    return now.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%d/%m/%Y %H:%M:%S") + " (UTC+7)"


def display_stamp(iso: str | None) -> str | None:
    """An ISO 8601 time (as the store records it) as :func:`local_stamp` writes one."""
    if not iso:
        return None
    try:
        return local_stamp(_dt.datetime.fromisoformat(iso))
    except ValueError:
        return iso


# --- quotes and relations -----------------------------------------------------------------------

def quote_at_words(quote: str, text: str | None) -> str:
    """``quote`` widened to whole words of ``text`` when it starts or ends inside a word."""
    q = (quote or "").strip()
    core = q.strip("…").strip()
    if not text or not core:
        return q
    i = text.find(core)
    if i < 0:
        return q
    start, end = i, i + len(core)
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    out = text[start:end]
    return ("…" if start > 0 else "") + out + ("…" if end < len(text) else "")


def relation_text(relation: Mapping[str, Any] | None, lang: str = "vi") -> str:
    """``căn cứ: «trong đó» · nêu rõ trong văn bản`` (the relation's cue and strength in words)."""
    if not relation:
        return ""
    strength = relation.get("strength") or ""
    how = t(f"strength_{strength}", lang) if strength in ("explicit", "inferred", "ambiguous") else ""
    cue = relation.get("cue")
    # an inferred relation's cue is usually the catalogue itself, which the strength already says
    said = cue and not (strength == "inferred" and "danh mục" in str(cue))
    parts = [t("relation_cue", lang, cue=cue)] if said else []
    if how:
        parts.append(how)
    reason = relation.get("reason")
    if reason and strength == "ambiguous":
        parts.append(str(reason))
    base = base_text(relation, lang)
    if base:
        parts.append(base)
    return " · ".join(parts)


def base_text(relation: Mapping[str, Any] | None, lang: str = "vi") -> str:
    """Where a rate's base came from, in words: ``mẫu số lấy từ câu trước: 2.140 hồ sơ`` ('' for a relation
    that is not a rate's, or one whose base the tool did not look for)."""
    source = (relation or {}).get("base_source")
    key = f"base_{source}"
    if not source or not has(key):
        return ""
    return t(key, lang, bases=", ".join(str(b) for b in relation.get("bases") or ()) or "?")

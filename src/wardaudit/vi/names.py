"""Vietnamese names without their diacritics: a file name (:func:`slugify`) and a form to compare
(:func:`fold`), so that 'Hưng Long', 'Hung Long' and 'HƯNG LONG' are found to be one name."""
from __future__ import annotations

import re
import unicodedata


def slugify(name: str) -> str:
    """'Phú Thọ' → 'phu-tho': lowercase ASCII letters and digits joined by '-' ('ward' when empty)."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "ward"


def fold(name: str) -> str:
    """The name without diacritics, lowercase: 'Hưng Long' and 'Hung Long' fold to the same."""
    return slugify(name).replace("-", " ")

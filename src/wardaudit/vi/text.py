"""Vietnamese text as the pages show it: cut at a word, and where two spellings of a name differ."""
from __future__ import annotations

import difflib
import unicodedata

__all__ = ["shorten", "letter_diff"]


def shorten(text: str, n: int = 60) -> str:
    """One line of at most ``n`` characters, cut at a word and ending in a single ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= n:
        return text
    cut = text[: n - 1].rstrip(" .…")
    if " " in cut[n // 2:]:
        cut = cut[: cut.rindex(" ")].rstrip(" ,;:.…")
    return cut + "…"


def letter_diff(reference: str, variant: str) -> list[tuple[str, bool]]:
    """``variant`` cut into pieces, each True where its letters differ from ``reference``.

    Both are compared in Unicode NFC, letter by letter, so "ư" against "u" is one differing letter
    whether the text wrote it precomposed or as "u" plus a combining horn.
    """
    a, b = unicodedata.normalize("NFC", reference), unicodedata.normalize("NFC", variant)
    pieces: list[tuple[str, bool]] = []
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if j1 == j2:
            continue
        differs = op != "equal"
        if pieces and pieces[-1][1] == differs:
            pieces[-1] = (pieces[-1][0] + b[j1:j2], differs)
        else:
            pieces.append((b[j1:j2], differs))
    return pieces

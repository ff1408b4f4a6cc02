"""Text from reports and notes, made safe where it leaves the program.

A report or an auditor's note may carry control characters: Word's vertical tab, a converter's form
feed, or an escape sequence put there on purpose. Files that cannot hold them (an .xlsx, a .docx)
get them removed and counted (:func:`remove_controls`, :func:`scrub`); a terminal, which would
obey an escape sequence (clear the screen, rewrite the title, hide text), gets whole sequences
removed (:func:`for_terminal`).
"""
from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and line ends, DEL, C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# ECMA-48 sequences: CSI (ESC [ or 0x9B ... final byte), OSC/DCS/APC/PM strings (to BEL or ST),
# and two-character escapes
_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
                     r"|(?:\x1b[\]PX^_]|[\x90\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                     r"|\x1b[ -/]*[0-~]")
# bidirectional embeddings, overrides and isolates: they reorder what a terminal shows
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def remove_controls(text: str) -> tuple[str, int]:
    """``text`` without control characters (tab and line ends kept), and how many were removed."""
    return _CONTROL.subn("", text)


def scrub(value: Any) -> tuple[Any, int]:
    """Every string in ``value`` (nested dicts, lists, tuples) without control characters; the count."""
    if isinstance(value, str):
        return remove_controls(value)
    if isinstance(value, dict):
        pairs = [(k, scrub(v)) for k, v in value.items()]
        return {k: v for k, (v, _) in pairs}, sum(n for _, (_, n) in pairs)
    if isinstance(value, (list, tuple)):
        items = [scrub(v) for v in value]
        return type(value)(v for v, _ in items), sum(n for _, n in items)
    return value, 0


def for_terminal(text: str) -> str:
    """``text`` as a terminal may show it: escape sequences, control characters (but tab and newline)
    and bidirectional overrides removed."""
    text = _ESCAPE.sub("", str(text))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BIDI.sub("", text)

"""A decision's status in the auditor's words: Vietnamese first, with or without diacritics; English kept.

The decisions file stores the four English codes (``confirmed``, ``dismissed``, ``query``, ``open``);
an auditor types or clicks the Vietnamese ones. :func:`parse_status` accepts either, in any case,
with spaces, hyphens or underscores between words: ``xac-nhan``, ``"xác nhận"``, ``loai-tru``,
``"loại trừ"``, ``giai-trinh``, ``"đề nghị giải trình"``, ``mo-lai``, ``"mở lại"``, ``dismissed`` …
"""
from __future__ import annotations

import re
import unicodedata

from wardaudit.errors import ReviewError

#: what the desk's buttons and the CLI's help call each status (the verb), and the state it leaves
ACTIONS = {"confirmed": "Xác nhận", "dismissed": "Loại trừ", "query": "Đề nghị giải trình", "open": "Mở lại"}
STATE_WORDS = {"open": "Chưa xem xét", "confirmed": "Đã xác nhận sai sót", "dismissed": "Đã loại trừ",
               "query": "Đã đề nghị giải trình"}
#: the forms typed on the command line (without diacritics), as the help lists them
CLI_WORDS = {"confirmed": "xac-nhan", "dismissed": "loai-tru", "query": "giai-trinh", "open": "mo-lai"}

_ALIASES = {
    "confirmed": ("xac nhan", "xac nhan sai sot", "confirm", "confirmed"),
    "dismissed": ("loai tru", "bo qua", "dismiss", "dismissed"),
    "query": ("giai trinh", "de nghi giai trinh", "yeu cau giai trinh", "query", "queried"),
    "open": ("mo lai", "chua xem xet", "open", "reopen"),
}
_LOOKUP = {alias: status for status, aliases in _ALIASES.items() for alias in aliases}


def fold(text: str) -> str:
    """Lower case, no diacritics (``đ`` → ``d``), words separated by one space."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.split(r"[\s_\-]+", text)).strip()


def parse_status(text: str) -> str:
    """The stored status (``confirmed`` | ``dismissed`` | ``query`` | ``open``) for what was typed.

    Raises :class:`~wardaudit.errors.ReviewError` naming the accepted words otherwise.
    """
    status = _LOOKUP.get(fold(text))
    if status is None:
        accepted = ", ".join(f"{CLI_WORDS[s]} ({ACTIONS[s].lower()})" for s in ("confirmed", "dismissed", "query",
                                                                               "open"))
        raise ReviewError(f"trạng thái '{text}' không hợp lệ; dùng một trong: {accepted} / invalid status "
                          "(English: confirmed, dismissed, query, open)")
    return status

"""Dataclasses as plain values, as :func:`dataclasses.asdict` gives them, in a fraction of its time.

``asdict`` looks up a class's fields and deep-copies every leaf value on every call; the store writes a
ward's audit (its document, facts, places and evidence: thousands of small dataclasses) once a ward, and
``asdict`` was most of that. :func:`plain` keeps each class's field names and passes strings, numbers,
booleans and None through as they are (they are immutable: a copy of one is itself). Containers keep their
type (a tuple stays a tuple), as in ``asdict``; anything else is deep-copied, as in ``asdict``.
tests/unit/test_plain.py holds it to ``asdict``.
"""
from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass
from typing import Any

__all__ = ["plain"]

_LEAVES = frozenset({str, int, float, bool, type(None)})
_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...] | None:
    names = _NAMES.get(cls)
    if names is None and is_dataclass(cls):
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def plain(obj: Any) -> Any:
    """``dataclasses.asdict(obj)`` for a dataclass instance; the same conversion for any other value."""
    cls = type(obj)
    if cls in _LEAVES:
        return obj
    names = _names(cls)
    if names is not None:
        return {name: plain(getattr(obj, name)) for name in names}
    if cls is list:
        return [plain(v) for v in obj]
    if cls is dict:
        return {plain(k): plain(v) for k, v in obj.items()}
    if cls is tuple:
        return tuple(plain(v) for v in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple, field by field
        return cls(*[plain(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return cls(plain(v) for v in obj)
    if isinstance(obj, dict):
        return cls((plain(k), plain(v)) for k, v in obj.items())
    return copy.deepcopy(obj)

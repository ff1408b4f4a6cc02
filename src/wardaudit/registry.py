"""One registry shape for everything that is looked up by name: readers by suffix, rules by code."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from wardaudit.errors import RegistryError

T = TypeVar("T")


class Registry(Generic[T]):
    """A named holder with ``register(name, obj)`` and a lookup that raises :class:`RegistryError`."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, obj: T) -> T:
        if name in self._items:
            raise RegistryError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = obj
        return obj

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise RegistryError(f"no {self.kind} named {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())

    def __len__(self) -> int:
        return len(self._items)

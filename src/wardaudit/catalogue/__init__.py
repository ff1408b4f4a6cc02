"""The metric catalogue (metrics.yaml): what a figure measures, and how parts relate to totals."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Metric:
    key: str
    family: str
    kind: str
    unit: str | None
    phrases: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    stock: bool = False
    part_only: bool = False  # recognised only as a part of a total (e.g. budget by field)
    xref: bool = True  # False for catch-all metrics whose recurrences need not be the same quantity


@dataclass
class Catalogue:
    families: dict[str, tuple[str, ...]]
    metrics: list[Metric]
    by_key: dict[str, Metric] = field(default_factory=dict)

    def __post_init__(self):
        self.by_key = {m.key: m for m in self.metrics}

    def get(self, key: str | None) -> Metric | None:
        return self.by_key.get(key) if key else None

    def in_family(self, family: str) -> list[Metric]:
        return [m for m in self.metrics if m.family == family]

    def partitions_containing(self, part_key: str) -> list[tuple[Metric, tuple[str, ...]]]:
        return [(m, p) for m in self.metrics for p in m.parts if part_key in p]

    def best(self, text: str, candidates: list[Metric]) -> tuple[Metric | None, int]:
        """The candidate whose longest phrase occurs in ``text`` (lowercase), and that length."""
        best, best_len = None, 0
        for m in candidates:
            for ph in m.phrases:
                if len(ph) > best_len and ph in text:
                    best, best_len = m, len(ph)
        return best, best_len


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    data = yaml.safe_load(resources.files(__package__).joinpath("metrics.yaml").read_text(encoding="utf-8"))
    families = {k: tuple(v.get("nouns", ())) for k, v in data["families"].items()}
    metrics = [Metric(key=m["key"], family=m["family"], kind=m["kind"], unit=m.get("unit"),
                      phrases=tuple(p.lower() for p in m.get("phrases", ())),
                      parts=tuple(tuple(p) for p in m.get("parts", ())),
                      numerator=m.get("numerator"), denominator=m.get("denominator"), stock=bool(m.get("stock")), part_only=bool(m.get("part_only")), xref=m.get("xref", True))
               for m in data["metrics"]]
    return Catalogue(families=families, metrics=metrics)

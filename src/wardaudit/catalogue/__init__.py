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
    label: str | None = None  # Vietnamese name shown to auditors
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

    def label(self, key: str | None) -> str:
        """The Vietnamese name of a metric, or its key when it has none."""
        m = self.by_key.get(key) if key else None
        return (m.label or m.key) if m else (key or "số liệu")

    def in_family(self, family: str) -> list[Metric]:
        return [m for m in self.metrics if m.family == family]

    def partitions_containing(self, part_key: str) -> list[tuple[Metric, tuple[str, ...]]]:
        return [(m, p) for m in self.metrics for p in m.parts if part_key in p]

    def best(self, text: str, candidates: list[Metric], prefer: str = "longest") -> tuple[Metric | None, int]:
        """The candidate named in ``text`` (lowercase) and its phrase length.

        ``prefer``: "longest" phrase anywhere; "first" the phrase starting nearest the start (words
        right after a figure); "last" the phrase ending nearest the end (words right before it).
        Ties go to the longer phrase.
        """
        best, best_key, best_len = None, None, 0
        for m in candidates:
            for ph in m.phrases:
                i = text.rfind(ph) if prefer == "last" else text.find(ph)
                if i < 0:
                    continue
                if prefer == "first":
                    key = (-i, len(ph))
                elif prefer == "last":
                    key = (i + len(ph), len(ph))
                else:
                    key = (len(ph),)
                if best_key is None or key > best_key:
                    best, best_key, best_len = m, key, len(ph)
        return best, best_len


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    data = yaml.safe_load(resources.files(__package__).joinpath("metrics.yaml").read_text(encoding="utf-8"))
    families = {k: tuple(v.get("nouns", ())) for k, v in data["families"].items()}
    metrics = [Metric(key=m["key"], family=m["family"], kind=m["kind"], unit=m.get("unit"),
                      phrases=tuple(p.lower() for p in m.get("phrases", ())),
                      parts=tuple(tuple(p) for p in m.get("parts", ())),
                      numerator=m.get("numerator"), denominator=m.get("denominator"), stock=bool(m.get("stock")), part_only=bool(m.get("part_only")), xref=m.get("xref", True), label=m.get("label"))
               for m in data["metrics"]]
    return Catalogue(families=families, metrics=metrics)

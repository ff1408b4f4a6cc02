"""A relation: figures the report relates (a total and its parts, a rate and its counts, one quantity
stated twice, …) with the scope, cue and strength of that relation. Built by
:mod:`wardaudit.extract.relations`; a failing relation's severity follows its strength."""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any


class Strength(str, Enum):
    """How the relation is known: stated by the text, inferred from the catalogue, or not pinned down."""

    EXPLICIT = "explicit"
    INFERRED = "inferred"
    AMBIGUOUS = "ambiguous"


STRENGTH_VI = {Strength.EXPLICIT: "nêu rõ trong văn bản", Strength.INFERRED: "suy ra theo danh mục",
               Strength.AMBIGUOUS: "không xác định được"}
CATALOGUE_CUE = "danh mục chỉ tiêu"


@dataclass(frozen=True)
class Relation:
    """Figures the report relates, with the scope, cue and strength of that relation."""

    kind: str
    members: tuple[Any, ...]
    cue: str
    strength: Strength
    scope: str | None = None
    exhaustive: bool = True
    reason: str = ""
    # for a rate: where its base came from (stated, partition, same_sentence, previous_sentence, paragraph,
    # earlier, one_of, table, compared) and the base(s) as written ('2.140 hồ sơ'); the render layer words it
    base_source: str | None = None
    bases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable across re-runs and re-submissions: kind, metric, scope, period and the figures as
        written — never fact ids or line numbers."""
        head = self.members[0] if self.members else None
        metric = getattr(head, "metric", "") or ""
        period = getattr(head, "period", "") or ""
        figures = "+".join(str(getattr(f, "raw", "")) for f in self.members)
        return f"{self.kind}:{metric}:{self.scope or ''}:{period}:{figures}"

    def severity(self, base: str) -> str | None:
        """The severity a failure of this relation gets from a rule whose own severity is ``base``;
        None when the relation is not to be checked."""
        if self.strength is Strength.AMBIGUOUS:
            return None
        if self.strength is Strength.INFERRED and base == "error":
            return "warning"
        return base

    def weaker(self) -> Relation:
        """The same relation at most inferred (an approximate figure makes any check a review)."""
        if self.strength is not Strength.EXPLICIT:
            return self
        return replace(self, strength=Strength.INFERRED)

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "cue": self.cue, "strength": self.strength.value, "scope": self.scope}
        if self.reason:
            d["reason"] = self.reason
        if self.base_source:
            d["base_source"] = self.base_source
            d["bases"] = list(self.bases)
        return d

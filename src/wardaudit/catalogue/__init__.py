"""The catalogues as typed data: metrics (metrics.yaml: what a figure measures, how parts relate to totals),
cue words (cues.yaml), outlines, targets, and the rule table (rules.yaml: every rule's code, titles,
severity, status and what it runs over, read without importing a rule)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Tolerance:
    """How far a figure may move from a ward's report to the next before the change is flagged
    (TREND002 and the page's "So với kỳ trước" table read the same one): ``points``, percentage points
    either way, for a rate; ``factor``, growing to ``factor`` times or shrinking to its inverse, for a
    count or a sum (zero on either side is not judged: no factor leads from or to nothing)."""

    points: float | None = None
    factor: float | None = None

    def beyond(self, previous: float, current: float) -> bool | None:
        """True beyond the tolerance, False within it, None when it cannot judge the pair."""
        if self.points is not None:
            # rounded: the difference of two stated rates carries float noise (2,0000000000000057 for 2 points)
            return round(abs(current - previous), 6) > self.points
        if self.factor is not None:
            if previous <= 0 or current <= 0:
                return None
            ratio = current / previous
            return ratio >= self.factor or ratio <= 1 / self.factor
        return None

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Tolerance | None:
        if not d:
            return None
        return cls(points=d.get("points"), factor=d.get("factor"))


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
    denominators: tuple[str, ...] = ()  # every base the rate may be stated against (the first is usual)
    trend: Tolerance | None = None  # its own tolerance between successive reports (else its kind's)


@dataclass
class Catalogue:
    families: dict[str, tuple[str, ...]]
    metrics: list[Metric]
    by_key: dict[str, Metric] = field(default_factory=dict)
    # the kinds' tolerances between successive reports ("percent", "default"), from metrics.yaml
    trend_tolerance: dict[str, Tolerance] = field(default_factory=dict)

    def __post_init__(self):
        self.by_key = {m.key: m for m in self.metrics}

    def get(self, key: str | None) -> Metric | None:
        return self.by_key.get(key) if key else None

    def label(self, key: str | None) -> str:
        """The Vietnamese name of a metric, or its key when it has none."""
        m = self.by_key.get(key) if key else None
        return (m.label or m.key) if m else (key or "số liệu")

    def tolerance(self, key: str | None, kind: str | None = None, unit: str | None = None) -> Tolerance:
        """How far the metric ``key`` may move between two reports: its own ``trend`` in metrics.yaml, else
        its kind's (a rate: ``percent``), else the default."""
        m = self.get(key)
        if m is not None and m.trend is not None:
            return m.trend
        share = (kind or (m.kind if m else None)) in ("percent", "rate") or (unit or "").startswith("%")
        return self.trend_tolerance.get("percent" if share else "default") or Tolerance(factor=10.0)

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


def _first(v) -> str | None:
    return v[0] if isinstance(v, list) else v


def _all(v) -> tuple[str, ...]:
    return tuple(v) if isinstance(v, list) else ((v,) if v else ())


@cache
def read_yaml(name: str) -> Any:
    """A catalogue file (``metrics.yaml``, ``cues.yaml``, ``outlines.yaml``, ``targets.yaml``) as written,
    read once per process. Callers must not change what it returns."""
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    data = read_yaml("metrics.yaml")
    families = {k: tuple(v.get("nouns", ())) for k, v in data["families"].items()}
    metrics = [Metric(key=m["key"], family=m["family"], kind=m["kind"], unit=m.get("unit"),
                      phrases=tuple(p.lower() for p in m.get("phrases", ())),
                      parts=tuple(tuple(p) for p in m.get("parts", ())),
                      numerator=m.get("numerator"), denominator=_first(m.get("denominator")),
                      denominators=_all(m.get("denominator")), stock=bool(m.get("stock")),
                      part_only=bool(m.get("part_only")), xref=m.get("xref", True), label=m.get("label"),
                      trend=Tolerance.from_dict(m.get("trend")))
               for m in data["metrics"]]
    tolerances = {k: Tolerance.from_dict(v) for k, v in (data.get("trend_tolerance") or {}).items()}
    return Catalogue(families=families, metrics=metrics, trend_tolerance={k: v for k, v in tolerances.items() if v})


def _words(phrases) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``phrases`` as whole words, longest first."""
    alts = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    """The cue vocabularies of cues.yaml, compiled once (see :func:`load_cues`)."""

    exhaustive: re.Pattern[str]
    subset: re.Pattern[str]
    partition: re.Pattern[str]
    share: re.Pattern[str]
    rate: re.Pattern[str]
    named_base: re.Pattern[str]
    bounds: dict[str, re.Pattern[str]]
    scopes: dict[str, re.Pattern[str]]
    named_scope: re.Pattern[str]
    named_unit: re.Pattern[str]
    target: re.Pattern[str]
    cumulative: re.Pattern[str]
    negation: re.Pattern[str]
    change_before: re.Pattern[str]
    change_after: re.Pattern[str]
    introduces_base: re.Pattern[str]

    def ends_with(self, rx: re.Pattern[str], text: str) -> bool:
        """Does ``text`` end with one of the words of ``rx``?"""
        return any(m.end() == len(text.rstrip()) for m in rx.finditer(text.rstrip()))

    def starts_with(self, rx: re.Pattern[str], text: str) -> bool:
        m = rx.search(text)
        return bool(m) and not text[:m.start()].strip()

    def scope_in(self, text: str) -> tuple[str, int] | None:
        """The scope named last in ``text`` (its name and end position), or None."""
        best: tuple[str, int] | None = None
        for name, rx in self.scopes.items():
            for m in rx.finditer(text):
                if best is None or m.end() > best[1]:
                    best = (name, m.end())
        for m in self.named_scope.finditer(text):
            name = re.match(r"\s*((?:số\s+)?[\wÀ-ỹĐđ]+(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹđ]*)?)", text[m.end():])
            # a name ('thôn Đông', 'tổ dân phố số 3', 'thôn 5'), not a word ('thôn, tổ dân phố có …')
            named = name and (name.group(1)[:1].isupper() or name.group(1)[:1].isdigit()
                              or name.group(1).startswith("số "))
            if named and (best is None or m.end() > best[1]):
                best = (f"{m.group(0).lower()} {name.group(1)}", m.end())
        for m in self.named_unit.finditer(text):
            words = []
            for w in re.findall(r"\S+", text[m.end():m.end() + 60])[:4]:
                w = w.strip(".,;:()")
                if not w or not w[0].isupper():
                    break
                words.append(w)
            if words and (best is None or m.end() >= best[1]):  # 'trên địa bàn huyện Sông Mai': the name wins
                best = (f"{m.group(0).lower()} {' '.join(words)}", m.end())
        return best


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    data = read_yaml("cues.yaml")
    part = data["partition"]
    return Cues(exhaustive=_words(part["exhaustive"]), subset=_words(part["subset"]),
                partition=_words(part["exhaustive"] + part["subset"]), share=_words(data["share"]),
                rate=_words(data["rate"]), named_base=_words(data["named_base"]),
                bounds={k: _words(v) for k, v in data["bound"].items()},
                scopes={k: _words(v) for k, v in data["scope"].items()},
                named_scope=_words(data["named_scope"]), named_unit=_words(data["named_unit"]),
                target=_words(data["target"]),
                cumulative=_words(data["cumulative"]), negation=_words(data["negation"]),
                change_before=_words(data["change_before"]), change_after=_words(data["change_after"]),
                introduces_base=_words(data["introduces_base"]))


@dataclass(frozen=True)
class RuleInfo:
    """One row of the rule table (catalogue/rules.yaml)."""

    code: str
    title_vi: str
    title_en: str
    severity: str
    over: str  # report | history | portfolio
    status: str  # stable | retired
    # its failure says one of its figures is stated wrongly (the same figure given two values): another failing
    # check on one of those very figures follows from it (wardaudit.render.causes)
    disputes: bool = False

    @property
    def family(self) -> str:
        """The code without its number ('FOOT001' -> 'FOOT')."""
        return self.code.rstrip("0123456789")

    def title(self, lang: str = "vi") -> str:
        return self.title_en if lang == "en" else self.title_vi


RULE_SEVERITIES = ("error", "warning", "info")
RULE_OVER = ("report", "history", "portfolio")
RULE_STATUS = ("stable", "retired")


@cache
def rule_table() -> dict[str, RuleInfo]:
    """Every rule of the table by code, in code order (retired ones included)."""
    out = {}
    for code, row in sorted(read_yaml("rules.yaml")["rules"].items()):
        info = RuleInfo(code=code, title_vi=row["vi"], title_en=row["en"], severity=row["severity"],
                        over=row["over"], status=row.get("status", "stable"), disputes=bool(row.get("disputes")))
        if info.severity not in RULE_SEVERITIES or info.over not in RULE_OVER or info.status not in RULE_STATUS:
            raise ValueError(f"catalogue/rules.yaml: {code}: severity, over or status not one of the known values")
        out[code] = info
    return out


def rule_titles(lang: str = "vi") -> dict[str, str]:
    """Each rule's title in ``lang``, by code."""
    return {code: r.title(lang) for code, r in rule_table().items()}

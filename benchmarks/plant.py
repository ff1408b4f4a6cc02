"""Labelled passages and a fault planter for the development corpus (issue 10).

A passage is ``tests/fixtures/corpus/<id>.txt`` with its label ``<id>.yaml``; a seed label is
``tests/fixtures/labels/seeds/<slug>.yaml`` whose ``source`` names the seed text. A label lists
the relations the text states, each with the figures exactly as written (``"450#2"`` is the
2nd occurrence of ``450`` in the text) and whether it holds. Figure keys by kind:

- partition, period_split: ``total``, ``parts`` (sum of parts = total), optional ``overlap``:
  figures counted in two parts (sum of parts - overlap = total);
- ratio: ``rate``, ``numerator``, ``denominator`` (the rate may carry a bound: ``trên 99%``);
- share: ``parts`` (percentages of one whole, summing to 100%);
- recurrence: ``values`` (one quantity stated more than once; a coarser headline agrees with
  a finer body figure when it is the body figure rounded or truncated);
- target: ``target``, ``result`` (holds = the target is met);
- flow: ``allocated``, ``disbursed`` (holds = disbursed does not exceed allocated);
- declared_count: ``declared``, ``rows`` (holds = as many rows as declared; rows are names);
- claim: ``values`` (figures that contradict a sentence of the text; not recomputed);
- name: ``expected``, ``variant`` (the unit's name and a misspelling of it).

``plant(passage, relation, kind)`` writes a copy of the text with exactly one figure (or one
name) changed so that the relation no longer holds, checked by recomputing it.

Run: ``.venv/bin/python benchmarks/plant.py`` lists what can be planted in each passage.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from wardaudit.vi.numbers import Figure, decimals_of, find_figures, format_number, parse_number, tolerance

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
HELDOUT = ROOT / "tests" / "fixtures" / "heldout"  # measured, never tuned against (see EVAL.md)
SEED_LABELS = ROOT / "tests" / "fixtures" / "labels" / "seeds"
KINDS = ("sum_part", "bracketed_part", "rate", "inferred_rate", "recurrence", "name")
# the patterns a passage's label may name (``patterns:``), each with what it exercises; make eval has a row for each
PATTERNS = {
    "scope": "figures of another unit, level or ministry beside the reporting unit's",
    "shares": "shares of one whole ('chiếm', '(54,7%)')",
    "bounds": "bounds and approximations ('trên 99%', 'khoảng', 'gần')",
    "base_of_rate": "which count a rate is over",
    "stated_base": "a rate whose base the text names with it ('trên tổng số N', 'N/M', '(N người)')",
    "inferred_base": "a rate whose base is stated apart from it (the sentence before, the paragraph, a part of a part)",
    "rank": "a rank ('xếp thứ 12/34', 'đứng thứ 5 trên 63') beside rates and counts",
    "unit_count": "a count of units meeting a condition ('4/7 huyện đạt tỷ lệ này dưới 2%', '8/8 xã')",
    "level_split": "a whole split one sentence per level (cấp tỉnh/huyện/xã) or per named unit",
    "unnamed_count": "counts of a noun the catalogue does not know ('9 nhà văn hóa', '24 camera'), 'N/M <unit>'",
    "list_boundaries": "where a list of parts starts and ends",
    "brackets": "parts or counts in brackets",
    "implicit_partition": "a total and parts related with no cue word",
    "headline_rounding": "a headline figure and the finer one it rounds",
    "zeros": "zero counts and 0%/100% rates",
    "title_table": "a total in a title or sentence, its parts in a table",
    "budget": "money allocated, disbursed, and its parts",
    "declared_count": "a declared count against the items listed",
    "period_split": "a period total and its sub-periods",
    "recurrence": "one quantity stated in several places",
    "target": "results against targets",
    "name": "the unit's name spelt two ways",
}
TEXT_KEYS = ("rows", "expected", "variant")  # label entries that are names, not figures
_NUM_CORE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
APPROX_POINTS = 1.0  # 'khoảng 80%', 'gần 99%': within one percentage point (2% of a count)


@dataclass
class Relation:
    id: str
    kind: str
    figures: dict
    holds: bool
    cue: str = "none"
    strength: str = "explicit"
    fault: str | None = None
    planted_from: str | None = None  # for a planted relation: the label figure changed ...
    planted_to: str | None = None  # ... and what it now reads


@dataclass
class Passage:
    id: str
    text_path: Path
    text: str
    unit: str | None
    level: str | None
    patterns: list[str]
    relations: list[Relation]
    lookalikes: list[dict] = field(default_factory=list)


class LabelError(ValueError):
    """A label that cannot be read; the message is one line naming the file."""


def load_passage(label_path: Path) -> Passage:
    """Read one label and the text it describes (``source`` for a seed, else ``<id>.txt``)."""
    try:
        data = yaml.safe_load(label_path.read_text(encoding="utf-8")) or {}
        text_path = ROOT / data["source"] if data.get("source") else label_path.with_suffix(".txt")
        rels = [Relation(id=str(r["id"]), kind=r["kind"], figures=r.get("figures") or {}, holds=bool(r["holds"]),
                         cue=str(r.get("cue", "none")), strength=r.get("strength", "explicit"),
                         fault=r.get("fault"))
                for r in data.get("relations") or []]
        text = text_path.read_text(encoding="utf-8")
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as e:
        reason = " ".join(str(e).split())[:160] or type(e).__name__
        raise LabelError(f"{label_path}: nhãn không đọc được / unreadable label: {reason}") from None
    return Passage(label_path.stem, text_path, text, data.get("unit"), data.get("level"),
                   list(data.get("patterns") or []), rels, list(data.get("lookalikes") or []))


def load_corpus(folder: Path = CORPUS) -> list[Passage]:
    return [load_passage(p) for p in sorted(folder.glob("*.yaml"))]


# --- figures of a label --------------------------------------------------------------------------

def split_ref(ref: str) -> tuple[str, int]:
    """'450#2' -> ('450', 2); '450' -> ('450', 1)."""
    raw, _, nth = str(ref).partition("#")
    return raw, int(nth) if nth else 1


def _pattern(raw: str) -> str:
    return r"(?<![\d.,])" + re.escape(raw) + r"(?!\d|[.,]\d)"


def locate(text: str, ref: str) -> tuple[int, int] | None:
    """Span of the n-th standalone occurrence of a label figure in ``text``, or None."""
    raw, nth = split_ref(ref)
    hits = list(re.finditer(_pattern(raw), text))
    return hits[nth - 1].span() if len(hits) >= nth else None


def parse(ref: str) -> Figure:
    """The figure a label string denotes ('trên 99%' keeps its bound, '1,2 tỷ đồng' is in đồng)."""
    raw, _ = split_ref(ref)
    figs = find_figures(raw)
    if figs:
        return figs[0]
    core = _NUM_CORE.search(raw)  # a bare count the reader takes for a year ('2100' procedures)
    if not core:
        raise ValueError(f"không đọc được số liệu {raw!r}")
    return Figure(core.start(), core.end(), core.group(0), parse_number(core.group(0)), "count",
                  decimals_of(core.group(0)))


def figure_refs(rel: Relation) -> list[tuple[str, str]]:
    """(key, label string) for every figure of a relation, names and rows left out."""
    out = []
    for key, val in rel.figures.items():
        if key in TEXT_KEYS:
            continue
        for v in val if isinstance(val, list) else [val]:
            out.append((key, str(v)))
    return out


def values(rel: Relation) -> list[float]:
    """Numeric values of a relation's figures (a ratio figure '34/34' gives both numbers)."""
    out = []
    for _, ref in figure_refs(rel):
        f = parse(ref)
        out.append(f.value)
    return out


# --- recomputing a relation -----------------------------------------------------------------------

def _tol(f: Figure) -> float:
    return tolerance(f.decimals) * (f.scale or 1)


def _agree(a: Figure, b: Figure) -> bool:
    """Two statements of one quantity agree (bounds respected, headline rounding allowed)."""
    for x, y in ((a, b), (b, a)):
        if x.qualifier and not y.qualifier:
            return _meets(y.value, x)
    coarse, fine = (a, b) if a.decimals <= b.decimals else (b, a)
    if abs(coarse.value - fine.value) <= _tol(coarse) + 1e-9:
        return True
    step = 10 ** (-coarse.decimals) * (coarse.scale or 1)
    return 0 <= fine.value - coarse.value < step  # a headline that truncates ('99%' for 99,9%)


def _meets(x: float, bound: Figure) -> bool:
    """Does the computed value ``x`` satisfy the stated figure ``bound`` (with its qualifier)?"""
    q, v = bound.qualifier, bound.value
    if q == "lower_bound":
        return x > v
    if q == "at_least":
        return x >= v - 1e-9
    if q == "upper_bound":
        return x < v
    if q == "at_most":
        return x <= v + 1e-9
    if q == "approx":
        slack = APPROX_POINTS if bound.kind == "percent" else 0.02 * abs(v)
        return abs(x - v) <= slack
    return abs(x - v) <= _tol(bound) + 1e-9


def _fig(rel: Relation, key: str) -> Figure:
    return parse(rel.figures[key])


def _figs(rel: Relation, key: str) -> list[Figure]:
    return [parse(v) for v in rel.figures[key]]


def recompute(rel: Relation) -> bool | None:
    """Whether the relation holds, from its figures alone; None when it cannot be computed."""
    k = rel.kind
    if k in ("partition", "period_split"):
        total, parts = _fig(rel, "total"), _figs(rel, "parts")
        overlap = [parse(v) for v in rel.figures.get("overlap") or []]
        got = sum(p.value for p in parts) - sum(o.value for o in overlap)
        tol = max([_tol(total)] + [_tol(p) for p in parts])
        if total.qualifier:
            return _meets(got, total)
        return abs(total.value - got) <= tol + 1e-9
    if k == "ratio":
        num, den = _fig(rel, "numerator"), _fig(rel, "denominator")
        if den.value == 0:
            return None
        return _meets(num.value / den.value * 100, _fig(rel, "rate"))
    if k == "share":
        parts = _figs(rel, "parts")
        return abs(sum(p.value for p in parts) - 100) <= sum(_tol(p) for p in parts) + 1e-9
    if k == "recurrence":
        vals = _figs(rel, "values")
        return all(_agree(vals[0], v) for v in vals[1:])
    if k == "target":
        t, r = _fig(rel, "target"), _fig(rel, "result")
        if t.qualifier in ("upper_bound", "at_most"):
            return r.value <= t.value
        return r.value >= t.value - 1e-9
    if k == "flow":
        return _fig(rel, "disbursed").value <= _fig(rel, "allocated").value
    if k == "declared_count":
        return int(_fig(rel, "declared").value) == len(rel.figures.get("rows") or [])
    if k == "name":
        return rel.figures.get("expected") == rel.figures.get("variant")
    return None


def label_problems(p: Passage) -> list[str]:
    """Everything wrong with a label: a pattern eval does not know, a figure not in the text, 'holds' not
    what the figures say."""
    out = [f"{p.id}: mẫu '{x}' không có trong danh sách PATTERNS" for x in p.patterns if x not in PATTERNS]
    for rel in p.relations:
        for _, ref in figure_refs(rel):
            if locate(p.text, ref) is None:
                out.append(f"{p.id}/{rel.id}: {ref!r} không có trong văn bản")
        for key in TEXT_KEYS:
            for name in (rel.figures.get(key) or []) if key == "rows" else [rel.figures.get(key)]:
                if name and name not in p.text:
                    out.append(f"{p.id}/{rel.id}: {name!r} không có trong văn bản")
        if out:
            continue
        try:
            got = recompute(rel)
        except (KeyError, ValueError, TypeError) as e:
            out.append(f"{p.id}/{rel.id}: nhãn không đọc được ({e})")
            continue
        if got is not None and got != rel.holds:
            out.append(f"{p.id}/{rel.id}: holds={rel.holds} nhưng tính lại được {got}")
        if not rel.holds and rel.kind != "target" and not rel.fault:
            out.append(f"{p.id}/{rel.id}: thiếu mô tả lỗi (fault)")
    return out


# --- planting one fault ---------------------------------------------------------------------------

_LEVEL_WORDS = re.compile(r"^(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh|đặc khu)\s+", re.IGNORECASE)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_MARKS = "\u0302\u0306\u031b"


def rewrite(raw: str, unscaled: float, decimals: int) -> str:
    """``raw`` with its number replaced by ``unscaled``, written the same way (dots, comma, '02')."""
    core = _NUM_CORE.search(raw).group(0)
    new = format_number(unscaled, decimals)
    if "." not in core and unscaled >= 1000:
        new = new.replace(".", "")  # written without thousand dots ('2110')
    if len(core) == 2 and core.startswith("0") and unscaled < 10 and decimals == 0:
        new = f"{int(unscaled):02d}"
    return raw.replace(core, new, 1)


def _step(value: float) -> float:
    """A visible change for a count: 1 for small counts, 10 for hundreds, 100 for thousands."""
    return float(10 ** max(0, len(str(int(abs(value)))) - 2))


def _candidates(fig: Figure, rel: Relation, key: str) -> list[float]:
    """Unscaled values to try for one figure, nearest plausible change first."""
    unscaled = fig.value / (fig.scale or 1)
    if rel.kind == "ratio" and key == "rate":
        num, den = _fig(rel, "numerator"), _fig(rel, "denominator")
        got = num.value / den.value * 100
        unit = 10 ** (-fig.decimals)
        if fig.qualifier in ("lower_bound", "at_least"):
            return [math.floor(got / unit + 1) * unit]
        if fig.qualifier in ("upper_bound", "at_most"):
            return [math.ceil(got / unit - 1) * unit]
        return [unscaled - 2, unscaled + 2] if unscaled >= 2 else [unscaled + 2]
    if fig.kind == "percent":
        return [unscaled - 2, unscaled + 2] if unscaled >= 2 else [unscaled + 2]
    step = _step(unscaled) if fig.decimals == 0 else 10 ** (-fig.decimals) * 10
    return [unscaled + step, unscaled - step, unscaled + 10 * step, unscaled - 10 * step]  # wider for bounds


def _change(p: Passage, rel: Relation, key: str, index: int | None) -> tuple[str, Relation] | None:
    refs = rel.figures[key]
    ref = refs[index] if index is not None else refs
    raw, _ = split_ref(ref)
    span = locate(p.text, ref)
    fig = parse(ref)
    for unscaled in _candidates(fig, rel, key):
        if unscaled < 0:
            continue
        new_raw = rewrite(raw, round(unscaled, 6), fig.decimals)
        text = p.text[:span[0]] + new_raw + p.text[span[1]:]
        nth = sum(1 for m in re.finditer(_pattern(new_raw), text) if m.start() <= span[0])
        new_ref = new_raw if nth == 1 else f"{new_raw}#{nth}"
        figures = dict(rel.figures)
        if index is None:
            figures[key] = new_ref
        else:
            figures[key] = [new_ref if i == index else r for i, r in enumerate(refs)]
        planted = Relation(rel.id, rel.kind, figures, False, rel.cue, rel.strength, f"cài lỗi: {raw} → {new_raw}",
                           planted_from=ref, planted_to=new_ref)
        if recompute(planted) is False:
            return text, planted
    return None


def unit_name(p: Passage) -> str | None:
    """The unit's proper name without its level word: 'phường Hòa Bình' -> 'Hòa Bình'."""
    return _LEVEL_WORDS.sub("", p.unit.strip()) if p.unit else None


def misspell(name: str) -> str | None:
    """A near-variant of a name: its first tone mark dropped (else a vowel mark, else Đ -> D);
    None for a name written without diacritics."""
    nfd = unicodedata.normalize("NFD", name)
    for marks in (_TONES, _MARKS):
        i = next((i for i, ch in enumerate(nfd) if ch in marks), None)
        if i is not None:
            return unicodedata.normalize("NFC", nfd[:i] + nfd[i + 1:])
    if "đ" in name.lower():
        return name.replace("Đ", "D", 1) if "Đ" in name else name.replace("đ", "d", 1)
    return None


def _plant_name(p: Passage) -> tuple[str, Relation] | None:
    name = unit_name(p)
    hits = list(re.finditer(re.escape(name), p.text)) if name else []
    variant = misspell(name) if name else None
    if len(hits) < 2 or variant is None:  # a variant needs the right spelling elsewhere in the text
        return None
    s, e = hits[-1].span()  # the last mention: in the body, not the heading
    text = p.text[:s] + variant + p.text[e:]
    return text, Relation("planted-name", "name", {"expected": name, "variant": variant}, False, "none",
                          "explicit", f"cài lỗi: {name} → {variant}")


def applicable(p: Passage) -> list[tuple[str, Relation | None]]:
    """Every (kind, relation) a fault can be planted into: relations that hold, and the name.

    An inferred partition is planted (the tool should warn); so is an inferred rate, as its own kind
    (issue 23: a rate whose base is stated apart from it is checked, as a review)."""
    out: list[tuple[str, Relation | None]] = []
    for rel in p.relations:
        if not rel.holds:
            continue
        if rel.kind in ("partition", "period_split"):
            out.append(("bracketed_part" if rel.cue == "brackets" else "sum_part", rel))
        elif rel.kind == "ratio":
            out.append(("rate" if rel.strength == "explicit" else "inferred_rate", rel))
        elif rel.kind == "recurrence":
            out.append(("recurrence", rel))
    ward_level = (p.level or "") in ("xã", "phường")  # the tool audits communes and wards
    name = unit_name(p)
    if ward_level and name and p.text.count(name) >= 2 and misspell(name) \
            and not any(r.kind == "name" for r in p.relations):
        out.append(("name", None))
    return out


def plant(p: Passage, rel: Relation | None, kind: str) -> tuple[str, Relation] | None:
    """A copy of the passage's text with one fault of ``kind`` in ``rel``; None when none fits.

    Returns the new text and the relation as it now stands (``holds`` false, recomputed)."""
    if kind == "name":
        return _plant_name(p)
    if kind in ("sum_part", "bracketed_part"):
        parts = rel.figures["parts"]
        order = sorted(range(len(parts)), key=lambda i: -parse(parts[i]).value)
        for i in order:  # the largest part first: a typo in the biggest figure
            got = _change(p, rel, "parts", i)
            if got:
                return got
        return None
    if kind in ("rate", "inferred_rate"):
        return _change(p, rel, "rate", None)
    if kind == "recurrence":
        return _change(p, rel, "values", len(rel.figures["values"]) - 1)
    raise ValueError(f"unknown kind {kind!r}")


def broken_by(p: Passage, rel: Relation | None, planted: Relation) -> list[Relation]:
    """The planted relation and every other relation of the passage that used the changed figure
    (the same occurrence) and no longer holds: a check on any of them points at the fault."""
    out = [planted]
    if rel is None or planted.planted_from is None:
        return out
    span, new_raw = locate(p.text, planted.planted_from), split_ref(planted.planted_to)[0]
    for other in p.relations:
        if other is rel or not other.holds:
            continue
        figures, touched = {}, False
        for key, val in other.figures.items():
            items = val if isinstance(val, list) else [val]
            if key not in TEXT_KEYS:
                hit = [locate(p.text, str(r)) == span for r in items]
                touched = touched or any(hit)
                items = [new_raw if h else r for h, r in zip(hit, items, strict=False)]
            figures[key] = items if isinstance(val, list) else items[0]
        changed = Relation(other.id, other.kind, figures, False, other.cue, other.strength, planted.fault,
                           planted.planted_from, planted.planted_to)
        if touched and recompute(changed) is False:
            out.append(changed)
    return out


def main() -> None:
    for p in load_corpus():
        kinds = [k for k, _ in applicable(p)]
        print(f"{p.id}: {', '.join(kinds) or '-'}")


if __name__ == "__main__":
    main()

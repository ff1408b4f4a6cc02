"""Tick-and-tie: where each check's evidence sits in the report's text.

:func:`place_evidence` finds, for every check's evidence, the block (or table row) at the
evidence's location, the quote inside it and the figure inside the quote. The source view then
marks each figure a passing check used as a tick and each figure of a failing check in red
(:func:`segments` cuts a text into plain and marked pieces for the template). A figure that
cannot be found is counted, not guessed. Nothing here builds markup.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from wardaudit.model.document import Document, Location
from wardaudit.model.findings import CheckResult, Evidence
from wardaudit.render.candidates import Lines, by_line, candidates
from wardaudit.render.causes import causes
from wardaudit.render.messages import t
from wardaudit.render.wording import message, relation_text

__all__ = ["Placement", "Mark", "Segment", "place_evidence", "segments", "anchor_prefix"]


def anchor_prefix(i: int, n: int) -> str:
    """Anchor prefix of the i-th report: none when a ward has one report, ``r2-`` style otherwise."""
    return "" if n <= 1 else f"r{i + 1}-"


# a heading's own number ("Phần 1", "II.", "1.2.", "a)") is not a figure of the report
_HEADING_NUMBER = re.compile(r"\s*(?:#+\s*)?(?:(?:Phần|PHẦN|Mục|MỤC|Chương|CHƯƠNG|Phụ lục|PHỤ LỤC)\s+)?"
                             r"(?:[IVXLC]+|\d+|[a-zđ])(?:[.)]\d+)*[.):]?(?=\s|$)")



@dataclass
class Mark:
    start: int
    end: int
    status: str
    notes: list[str]
    rules: list[str]
    # a consequence's note → (its cause's note, the words naming the cause when the cause is not on this
    # figure, the word marking it when it is listed under its cause)
    follows: dict[str, tuple[str, str, str]] = field(default_factory=dict)


@dataclass
class Placement:
    """Where each check's evidence sits in one document.

    ``ids`` maps a target (``("b", block)`` or ``("c", block, row, col)``, row -1 = header) to its
    element id; ``marks`` maps text targets to figure spans; ``links[(check, evidence)]`` is the
    element id an evidence links to (None when nothing at that location exists).
    """

    ids: dict[tuple, str] = field(default_factory=dict)
    marks: dict[tuple, list[Mark]] = field(default_factory=dict)
    links: dict[tuple[int, int], str | None] = field(default_factory=dict)
    placed: dict[tuple[int, int], bool] = field(default_factory=dict)
    unplaced: int = 0
    # the document's blocks and table rows by line (render/candidates.py), made at the first evidence with a line
    lines: Lines | None = field(default=None, repr=False, compare=False)


def _figure_pattern(figure: str) -> re.Pattern[str]:
    # a figure is not part of a longer number or word: "4" must not match in "40", "5G" or "4,5"
    return re.compile(r"(?<!\w)(?<!\d[.,])" + re.escape(figure) + r"(?!\w)(?![.,]\d)")


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    quote = (quote or "").strip().rstrip("…").rstrip(".").strip()
    if not quote:
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    words = quote.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def _anchor_ids(doc: Document, prefix: str) -> dict[tuple, str]:
    """One id per block and per table row; the first element at a location owns its anchor."""
    ids: dict[tuple, str] = {}
    used: set[str] = set()

    def take(key: tuple, loc: Location) -> None:
        a = prefix + loc.anchor()
        if a not in used:
            used.add(a)
            ids[key] = a

    for bi, b in enumerate(doc.blocks):
        if b.kind == "table" and b.table is not None:
            take(("b", bi), b.location)
            for ri in range(len(b.table.rows)):
                take(("r", bi, ri), b.table.row_location(ri))
        else:
            take(("b", bi), b.location)
    return ids


def _heading_number(doc: Document, target: tuple, span: tuple[int, int] | None) -> bool:
    """The span is a heading's own number ("Phần 1", "II.", "1.2."), not a figure of the report."""
    if target[0] != "b" or span is None:
        return False
    b = doc.blocks[target[1]]
    number = _HEADING_NUMBER.match(b.text) if b.kind == "heading" else None
    return bool(number) and span[1] <= number.end()


def _names_the_expected(c: CheckResult, ev: Evidence) -> bool:
    """The evidence of a failed check that shows the form it should take (the right spelling of a
    name beside its variants): linked, never marked red."""
    expected, actual = c.values.get("expected"), c.values.get("actual")
    return (c.status == "fail" and isinstance(expected, str) and isinstance(actual, (list, tuple))
            and ev.figure == expected and expected not in actual)


def place_evidence(doc: Document, checks: Sequence[CheckResult], prefix: str = "", lang: str = "vi") -> Placement:
    """Locate every evidence of ``checks`` in ``doc`` (see the module docstring)."""
    pl = Placement(ids=_anchor_ids(doc, prefix))
    cause_of = causes(checks)
    for ci, c in enumerate(checks):
        if c.status in ("pass", "fail"):
            cause = checks[cause_of[ci]] if ci in cause_of else None
            _mark_check(doc, ci, c, pl, lang, cause)
        else:
            _link_check(doc, ci, c, pl)
    return pl


def _link_check(doc: Document, ci: int, c: CheckResult, pl: Placement) -> None:
    """A skipped check's evidence is linked to, never marked."""
    for ei, ev in enumerate(c.evidence):
        pl.links[(ci, ei)] = _link_only(doc, ev, pl)


def _mark_check(doc: Document, ci: int, c: CheckResult, pl: Placement, lang: str,
                cause: CheckResult | None = None) -> None:
    """Link each evidence of a passed or failed check and mark its figure (each figure once); a consequence's
    note remembers its cause's (:func:`wardaudit.render.causes.causes`)."""
    claimed: set[tuple] = set()
    note = _note(c, lang)
    follows = {note: (_note(cause, lang), t("consequence_of", lang, rule=cause.rule), t("consequence", lang))
               } if cause else {}
    for ei, ev in enumerate(c.evidence):
        target, span, link = _locate(doc, ev, pl, claimed)
        pl.links[(ci, ei)] = link
        if target is not None and _heading_number(doc, target, span):
            pl.placed[(ci, ei)] = False  # found, but a heading's own number takes no tick
            continue
        if not ev.figure or _names_the_expected(c, ev):
            continue
        pl.placed[(ci, ei)] = target is not None
        if target is None:
            pl.unplaced += 1
            continue
        claimed.add((target, span))
        pl.marks.setdefault(target, []).append(Mark(span[0], span[1], c.status, [note], [c.rule], dict(follows)))


def _note(c: CheckResult, lang: str) -> str:
    """What a mark's tooltip says: ✓ or ✗, the rule, its message and the relation it checked."""
    rel = relation_text(c.relation, lang)
    sign = STATUS_SIGNS.get(c.status, "·")
    return f"{sign} {c.rule}: {message(c.message, lang)}" + (f" ({rel})" if rel else "")


# each line of a tooltip says whether its check passed
STATUS_SIGNS = {"pass": "✓", "fail": "✗"}
# a consequence's line under its cause's
CONSEQUENCE_INDENT = "   ↳ "


def _candidates(doc: Document, ev: Evidence, pl: Placement | None = None) -> list[tuple]:
    """Blocks/rows at the evidence's location, in reading order (:func:`wardaudit.render.candidates.candidates`),
    through ``pl``'s index of the document, made at the first evidence with a line."""
    if pl is not None and ev.line is not None and pl.lines is None:
        pl.lines = by_line(doc)
    return candidates(doc, ev, pl.lines if pl is not None else None)


def _link_for(key: tuple, pl: Placement) -> str | None:
    if key[0] == "r":
        return pl.ids.get(("r", key[1], key[2])) or pl.ids.get(("b", key[1]))
    return pl.ids.get(("b", key[1]))


def _link_only(doc: Document, ev: Evidence, pl: Placement) -> str | None:
    cands = _candidates(doc, ev, pl)
    if cands:
        return _link_for(cands[0], pl)
    hit = _search_quote(doc, ev)
    return _link_for(hit, pl) if hit else _nearest(doc, ev, pl)


def _search_quote(doc: Document, ev: Evidence) -> tuple | None:
    if not ev.quote:
        return None
    for bi, b in enumerate(doc.blocks):
        if b.kind != "table" and _quote_span(b.text, ev.quote):
            return ("b", bi)
    return None


def _nearest(doc: Document, ev: Evidence, pl: Placement) -> str | None:
    """The last block at or before the evidence's page/line (for a link when nothing matches)."""
    if ev.line is None and ev.page is None:
        return None
    best = None
    for bi, b in enumerate(doc.blocks):
        key = ((b.location.page or 0), (b.location.line or 0))
        if key <= ((ev.page or b.location.page or 0), (ev.line or 10 ** 9)):
            best = bi
    return pl.ids.get(("b", best)) if best is not None else None


def _cells(doc: Document, key: tuple) -> list[tuple[tuple, str]]:
    b = doc.blocks[key[1]]
    tbl = b.table
    if key[0] == "r":
        return [(("c", key[1], key[2], ci), cell) for ci, cell in enumerate(tbl.rows[key[2]])]
    out = [(("c", key[1], -1, ci), cell) for ci, cell in enumerate(tbl.header)]
    for ri, row in enumerate(tbl.rows):
        out.extend((("c", key[1], ri, ci), cell) for ci, cell in enumerate(row))
    return out


def _locate(doc: Document, ev: Evidence, pl: Placement, claimed: set) -> tuple[tuple | None, tuple | None, str | None]:
    """(target, span, link): where the evidence's figure sits, not yet claimed by the same check."""
    cands = _candidates(doc, ev, pl)
    if not cands:
        hit = _search_quote(doc, ev)
        cands = [hit] if hit else []
    link = _link_for(cands[0], pl) if cands else _nearest(doc, ev, pl)
    if not ev.figure:
        return None, None, link
    for key in cands:
        if key[0] == "b":
            found = _locate_in_block(doc, key[1], ev, claimed)
            if found:
                return found[0], found[1], link
            continue
        found = _locate_in_table(doc, key, ev, claimed)
        if found:
            return found[0], found[1], _row_link(key, found[0], pl) or link
    return None, None, link


def _locate_in_block(doc: Document, bi: int, ev: Evidence, claimed: set) -> tuple[tuple, tuple[int, int]] | None:
    """The figure inside the quote, else anywhere in the block."""
    text = doc.blocks[bi].text
    target = ("b", bi)
    pat = _figure_pattern(ev.figure.strip())
    qs = _quote_span(text, ev.quote)
    ranges = [qs, (0, len(text))] if qs else [(0, len(text))]
    for lo, hi in ranges:
        for m in pat.finditer(text, lo, hi):
            if (target, (m.start(), m.end())) not in claimed:
                return target, (m.start(), m.end())
    return None


def _locate_in_table(doc: Document, key: tuple, ev: Evidence, claimed: set) -> tuple[tuple, tuple[int, int]] | None:
    """A table row (or a whole table): a cell that is exactly the figure first, then a figure inside a cell."""
    cells = _cells(doc, key)
    fig = ev.figure.strip()
    for target, cell in cells:
        if cell.strip() == fig:
            s = cell.index(fig)
            if (target, (s, s + len(fig))) not in claimed:
                return target, (s, s + len(fig))
    pat = _figure_pattern(fig)
    for target, cell in cells:
        for m in pat.finditer(cell):
            if (target, (m.start(), m.end())) not in claimed:
                return target, (m.start(), m.end())
    return None


def _row_link(key: tuple, target: tuple, pl: Placement) -> str | None:
    if target[2] >= 0:
        return pl.ids.get(("r", target[1], target[2]))
    return pl.ids.get(("b", target[1]))


def _merge(marks: list[Mark]) -> list[Mark]:
    """Overlapping figure spans become one span; a failure anywhere in it makes it red."""
    out: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            last = out[-1]
            last.end = max(last.end, m.end)
            last.status = "fail" if "fail" in (last.status, m.status) else last.status
            last.notes = last.notes + [n for n in m.notes if n not in last.notes]
            last.rules = last.rules + [r for r in m.rules if r not in last.rules]
            last.follows = {**last.follows, **m.follows}
        else:
            out.append(Mark(m.start, m.end, m.status, list(m.notes), list(m.rules), dict(m.follows)))
    return out


@dataclass(frozen=True)
class Segment:
    """A piece of a block's or cell's text: plain (``mark`` None) or one merged figure mark."""

    text: str
    mark: Mark | None = None

    @property
    def failed(self) -> bool:
        return self.mark is not None and self.mark.status == "fail"

    @property
    def title(self) -> str:
        """The checks on this figure, one a line, the failed ones first; a consequence whose cause is on
        this figure too is indented under it ("   ↳ ✗ …"), else its line names the cause."""
        if not self.mark:
            return ""
        notes = sorted(self.mark.notes, key=lambda n: not n.startswith(STATUS_SIGNS["fail"]))
        follows = self.mark.follows
        under: dict[str, list[str]] = {}
        for n in notes:
            if n in follows and follows[n][0] in notes:
                under.setdefault(follows[n][0], []).append(n)
        lines = []
        for n in notes:
            if n in follows and follows[n][0] in notes:
                continue
            lines.append(f"{n} ({follows[n][1]})" if n in follows else n)
            lines.extend(f"{CONSEQUENCE_INDENT}{k} ({follows[k][2]})" for k in under.get(n, []))
        return "\n".join(lines)

    @property
    def rules(self) -> str:
        return " ".join(self.mark.rules) if self.mark else ""


def segments(text: str, marks: list[Mark] | None) -> list[Segment]:
    """``text`` cut at its merged marks, in order (one plain segment when nothing is marked)."""
    if not marks:
        return [Segment(text)]
    out: list[Segment] = []
    pos = 0
    for m in _merge(marks):
        out.append(Segment(text[pos:m.start]))
        out.append(Segment(text[m.start:m.end], m))
        pos = m.end
    out.append(Segment(text[pos:]))
    return out

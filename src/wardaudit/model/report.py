"""What a report says about itself: its period (:class:`Period`) and metadata (:class:`ReportMeta`).

Both are frozen values, parsed once at the edge (:mod:`wardaudit.extract.metadata` builds them from the
text; :meth:`ReportMeta.from_dict` reads them back from the store) and read by attribute everywhere
else. Dates are :class:`datetime.date`; they become ISO text only where they leave the package (JSON,
CSV, a fact's period string).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, fields
from typing import Any


def _date(v: Any) -> _dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        return None


def _iso(d: _dt.date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass(frozen=True)
class Period:
    """A span of days (``start``–``end``, either may be unknown) or, when ``instant``, a cut-off:
    figures 'as of' ``end`` ('tính đến ngày …').

    Its text form is the one facts.csv has always used: ``'2025-07-01/2026-06-06'``, ``'/2026-06-06'``
    (start unknown) or ``'@2026-06-06'`` (a cut-off).
    """

    start: _dt.date | None = None
    end: _dt.date | None = None
    instant: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _date(self.start))
        object.__setattr__(self, "end", _date(self.end))

    @classmethod
    def parse(cls, text: Any) -> Period | None:
        """A period from its text form or from a ``{start, end}`` mapping; None when there is none."""
        if text is None or isinstance(text, Period):
            return text
        if isinstance(text, dict):
            p = cls(text.get("start"), text.get("end"))
            return p if p else None
        text = str(text).strip()
        if not text or text.lower() == "nan":
            return None
        if text.startswith("@"):
            p = cls(None, text[1:], instant=True)
        else:
            start, _, end = text.partition("/")
            p = cls(start or None, end or None)
        return p if p else None

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def __str__(self) -> str:
        if self.instant:
            return f"@{_iso(self.end) or ''}"
        return f"{_iso(self.start) or ''}/{_iso(self.end) or ''}"

    def to_dict(self) -> dict[str, str | None]:
        """``{start, end}`` as ISO dates: the findings document's ``report.period``."""
        return {"start": _iso(self.start), "end": _iso(self.end)}

    @property
    def days(self) -> int | None:
        """Its length in days, both ends counted; None when an end is unknown."""
        if self.start is None or self.end is None or self.instant:
            return None
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class SourceLine:
    """A line of the report's head as written, and where it is (the number line, the date line)."""

    text: str
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class DateParts:
    """The parts of the date line the report filled in ('ngày … tháng 6 năm 2026' leaves the day blank)."""

    day: int | None = None
    month: int | None = None
    year: int | None = None

    @property
    def missing(self) -> list[str]:
        return [k for k in ("day", "month", "year") if getattr(self, k) is None]


@dataclass(frozen=True)
class NameVariant:
    """One spelling of the unit's name, how often and where (page, line) the report writes it."""

    name: str
    count: int
    locations: tuple[tuple[int | None, int | None], ...] = ()


@dataclass(frozen=True)
class ReportMeta:
    """The report's number, date, kind, title, period, the unit's name with every spelling, the signer.

    Every field is None (or empty) when the report does not say. ``expected_ward`` is the unit's name
    as the parameters spell it, when known.
    """

    number: str | None = None
    number_line: SourceLine | None = None
    date: _dt.date | None = None
    date_parts: DateParts | None = None
    date_line: SourceLine | None = None
    place: str | None = None
    kind: str | None = None
    title: str | None = None
    period: Period | None = None
    ward_name: str | None = None
    level: str | None = None
    name_variants: tuple[NameVariant, ...] = field(default_factory=tuple)
    signer: str | None = None
    signer_title: str | None = None
    authority: str | None = None
    expected_ward: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", _date(self.date))

    @property
    def end(self) -> _dt.date | None:
        """Where the report's period ends, else its date: what orders a ward's reports."""
        return (self.period.end if self.period else None) or self.date

    def report_dict(self) -> dict[str, Any]:
        """The findings document's ``report`` object (schema wardaudit.findings/1)."""
        out: dict[str, Any] = {"number": self.number, "date": _iso(self.date),
                               "period": self.period.to_dict() if self.period else None}
        for k in ("kind", "level", "signer", "ward_name"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON values (the store's copy)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Period):
                v = {**v.to_dict(), "instant": v.instant}
            elif isinstance(v, _dt.date):
                v = v.isoformat()
            elif isinstance(v, (SourceLine, DateParts)):
                v = {k.name: getattr(v, k.name) for k in fields(v)}
            elif f.name == "name_variants":
                v = [{"name": n.name, "count": n.count, "locations": [list(x) for x in n.locations]} for n in v]
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportMeta:
        """The inverse of :meth:`to_dict`; unknown keys are ignored."""
        def line(x: Any) -> SourceLine | None:
            return SourceLine(**x) if isinstance(x, dict) else None

        p = d.get("period")
        period = Period(p.get("start"), p.get("end"), bool(p.get("instant"))) if isinstance(p, dict) else None
        parts = d.get("date_parts")
        return cls(number=d.get("number"), number_line=line(d.get("number_line")), date=d.get("date"),
                   date_parts=DateParts(**parts) if isinstance(parts, dict) else None,
                   date_line=line(d.get("date_line")), place=d.get("place"), kind=d.get("kind"),
                   title=d.get("title"), period=period or None, ward_name=d.get("ward_name"), level=d.get("level"),
                   name_variants=tuple(NameVariant(v["name"], int(v["count"]),
                                                   tuple(tuple(x) for x in v.get("locations") or ()))
                                       for v in d.get("name_variants") or ()),
                   signer=d.get("signer"), signer_title=d.get("signer_title"), authority=d.get("authority"),
                   expected_ward=d.get("expected_ward"))

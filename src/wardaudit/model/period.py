"""The project's reporting :class:`Calendar`, and where a report falls in it.

A report states the period it covers (:class:`wardaudit.model.report.Period`: 'từ 01/4/2026 đến
30/6/2026', 'tính đến hết ngày 13/5/2026'); the province asks for one report per calendar period
(a week, a month that may run from the 15th to the 14th, a quarter, six months, a year) by a due
date. :meth:`Calendar.map_report` maps a report onto the calendar by the last day it covers (or,
when it states no period, its date).
"""
from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta

from wardaudit.model.report import Period

FREQUENCIES = ("weekly", "monthly", "quarterly", "half-yearly", "yearly")
#: months in one period of each frequency above a week
_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _month_end(y: int, m: int, cutoff: int | None) -> date:
    last = _cal.monthrange(y, m)[1]
    return date(y, m, min(cutoff, last) if cutoff else last)


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


@dataclass(frozen=True)
class Calendar:
    """The project's reporting calendar.

    ``frequency`` is one of :data:`FREQUENCIES`. A period above a week ends in a month that is a
    multiple of its length (March, June, September, December for quarters) on ``cutoff_day``, or
    on the month's last day when it is None: with ``cutoff_day=14`` a month runs from the 15th to
    the 14th and takes the name of the month it ends in. A week ends on ``week_ends_on``. A report
    is due ``due_days`` days after its period ends.
    """

    frequency: str = "monthly"
    cutoff_day: int | None = None
    week_ends_on: str = "sunday"
    due_days: int = 5

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
        if self.week_ends_on not in WEEKDAYS:
            raise ValueError(f"week_ends_on must be one of {', '.join(WEEKDAYS)}")

    def period_of(self, d: date) -> Period:
        """The calendar period holding the day ``d``."""
        if self.frequency == "weekly":
            end = d + timedelta(days=(WEEKDAYS.index(self.week_ends_on) - d.weekday()) % 7)
            return Period(end - timedelta(days=6), end)
        n = _MONTHS[self.frequency]
        y, m = d.year, d.month + (-d.month) % n  # the first period-ending month at or after d's
        end = _month_end(y, m, self.cutoff_day)
        if end < d:
            y, m = _add_months(y, m, n)
            end = _month_end(y, m, self.cutoff_day)
        py, pm = _add_months(y, m, -n)
        return Period(_month_end(py, pm, self.cutoff_day) + timedelta(days=1), end)

    def map_report(self, period: Period | None, report_date: date | None) -> Period | None:
        """The calendar period a report belongs to: the one holding the last day it covers, else
        the one holding its date; None when it states neither."""
        day = (period.end if period else None) or report_date
        return self.period_of(day) if day else None

    def due(self, p: Period) -> date:
        """The last day a report of ``p`` is on time."""
        return p.end + timedelta(days=self.due_days)

    def label(self, p: Period, lang: str = "vi") -> str:
        """'Quý 2/2026', 'Tháng 5/2026', 'Tuần đến 07/05/2026' … named by the month the period ends in."""
        e, en = p.end, lang == "en"
        half = ("Second half" if en else "cuối năm") if e.month > 6 else ("First half" if en else "đầu năm")
        words = {"weekly": ("Tuần đến {d:%d/%m/%Y}", "Week to {d:%d/%m/%Y}"),
                 "monthly": ("Tháng {d.month}/{d.year}", "Month {d.month}/{d.year}"),
                 "quarterly": ("Quý {q}/{d.year}", "Quarter {q}/{d.year}"),
                 "half-yearly": ("6 tháng {h} {d.year}", "{h} {d.year}"),
                 "yearly": ("Năm {d.year}", "Year {d.year}")}[self.frequency]
        return words[en].format(d=e, q=(e.month - 1) // 3 + 1, h=half)

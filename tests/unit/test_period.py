"""Reporting periods: the calendar (model/period.py) and project.yaml (project/settings.py)."""
from __future__ import annotations

from datetime import date

import pytest

from wardaudit.errors import ParametersError
from wardaudit.model.period import Calendar
from wardaudit.model.report import Period
from wardaudit.project.config import Paths
from wardaudit.project.settings import ProjectSettings, load_settings


@pytest.mark.parametrize("cal, day, start, end, label", [
    (Calendar("monthly"), "2026-05-13", "2026-05-01", "2026-05-31", "Tháng 5/2026"),
    (Calendar("monthly", cutoff_day=14), "2026-05-14", "2026-04-15", "2026-05-14", "Tháng 5/2026"),
    (Calendar("monthly", cutoff_day=14), "2026-05-15", "2026-05-15", "2026-06-14", "Tháng 6/2026"),
    (Calendar("monthly", cutoff_day=14), "2026-12-20", "2026-12-15", "2027-01-14", "Tháng 1/2027"),
    (Calendar("monthly", cutoff_day=31), "2026-02-10", "2026-02-01", "2026-02-28", "Tháng 2/2026"),
    (Calendar("quarterly"), "2026-06-06", "2026-04-01", "2026-06-30", "Quý 2/2026"),
    (Calendar("quarterly", cutoff_day=14), "2026-06-20", "2026-06-15", "2026-09-14", "Quý 3/2026"),
    (Calendar("half-yearly"), "2026-05-07", "2026-01-01", "2026-06-30", "6 tháng đầu năm 2026"),
    (Calendar("yearly"), "2026-11-30", "2026-01-01", "2026-12-31", "Năm 2026"),
    (Calendar("weekly", week_ends_on="thursday"), "2026-05-07", "2026-05-01", "2026-05-07",
     "Tuần đến 07/05/2026"),
    (Calendar("weekly"), "2026-05-07", "2026-05-04", "2026-05-10", "Tuần đến 10/05/2026"),
])
def test_a_day_falls_in_one_calendar_period(cal, day, start, end, label):
    p = cal.period_of(date.fromisoformat(day))
    assert p == Period(date.fromisoformat(start), date.fromisoformat(end))
    assert cal.label(p) == label
    assert p.start <= date.fromisoformat(day) <= p.end


def test_a_report_is_mapped_by_the_last_day_it_covers_else_its_date():
    cal = Calendar("monthly", cutoff_day=14, due_days=3)
    stated = Period.parse({"start": "2025-07-01", "end": "2026-05-13"})
    assert str(cal.map_report(stated, date(2026, 6, 2))) == "2026-04-15/2026-05-14"
    assert str(cal.map_report(None, date(2026, 6, 2))) == "2026-05-15/2026-06-14"
    assert cal.map_report(Period.parse({"start": None, "end": None}), None) is None
    cut_off = Period.parse("@2026-05-13")  # 'tính đến ngày 13/5/2026': the day it runs to
    assert str(cal.map_report(cut_off, None)) == "2026-04-15/2026-05-14"
    assert cal.due(cal.period_of(date(2026, 5, 1))) == date(2026, 5, 17)


def test_project_yaml_defaults_and_vietnamese_words(tmp_path):
    paths = Paths(tmp_path)
    assert load_settings(paths) == ProjectSettings()
    paths.project_file.write_text("provinces: [Thái Nguyên]\ncalendar:\n  frequency: 6 tháng\n  cutoff_day: 14\n"
                                  "current: 2026-06-30\n", encoding="utf-8")
    s = load_settings(paths)
    assert (s.provinces, s.calendar.frequency, s.calendar.cutoff_day, s.current) == \
        (["Thái Nguyên"], "half-yearly", 14, date(2026, 6, 30))


@pytest.mark.parametrize("text, field", [
    ("calendar:\n  frequency: fortnightly\n", "calendar.frequency"),
    ("calendar:\n  cutoff_day: 32\n", "calendar.cutoff_day"),
    ("calendar:\n  due_days: yes\n", "calendar.due_days"),
    ("province: [Thái Nguyên]\n", "province"),
    ("current: someday\n", "current"),
])
def test_an_invalid_project_yaml_is_one_line_naming_the_field(tmp_path, text, field):
    paths = Paths(tmp_path)
    paths.project_file.write_text(text, encoding="utf-8")
    with pytest.raises(ParametersError, match=rf"project\.yaml: trường '{field}' không hợp lệ"):
        load_settings(paths)

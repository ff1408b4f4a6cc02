"""Who has reported this period (run/portfolio/coverage.py): official units against ward summaries."""
from __future__ import annotations

from datetime import date

import pytest

from wardaudit.errors import ParametersError
from wardaudit.project.settings import CalendarSettings, ProjectSettings
from wardaudit.run.portfolio.coverage import build_coverage

MONTHLY = ProjectSettings(calendar=CalendarSettings(frequency="monthly", cutoff_day=14, due_days=3))


def summary(slug: str, code: str | None, reports: list[tuple[str | None, str | None]], **kw) -> dict:
    """A ward summary as the batch writes it: ``reports`` are (period end, report date) pairs."""
    return {"slug": slug, "ward": kw.get("ward", slug), "level": kw.get("level", "xã"),
            "province": kw.get("province", "Thái Nguyên"), "code": code,
            "report_list": [{"source": f"data/raw/{slug}/{i}.txt", "period": {"start": None, "end": end},
                             "date": day, "kind": "tháng"} for i, (end, day) in enumerate(reports)]}


def test_each_unit_of_the_province_is_counted_once_with_its_state():
    summaries = {
        "dung-han": summary("dung-han", "05800", [("2026-05-13", "2026-05-16")]),  # due 17/05
        "tre-han": summary("tre-han", "05899", [("2026-05-10", "2026-05-20")]),
        "khong-ngay": summary("khong-ngay", "01981", [("2026-05-12", None)]),
        "ky-cu": summary("ky-cu", "05908", [("2026-04-10", "2026-04-12")]),
        "loi": summary("loi", "05602", [("2026-05-12", "2026-05-13")]),
        "khong-ro": summary("khong-ro", "05809", [(None, None)]),
    }
    statuses = {"loi": "failed"}
    cov = build_coverage(summaries, statuses, MONTHLY)
    assert (cov["start"], cov["end"], cov["due"]) == ("2026-04-15", "2026-05-14", "2026-05-17")
    assert cov["labels"]["vi"] == "Tháng 5/2026"
    assert cov["states"] == {"dung-han": "on_time", "tre-han": "late", "khong-ngay": "undated",
                             "ky-cu": "not_submitted", "loi": "failed", "khong-ro": "unknown_period"}
    p = cov["provinces"]["Thái Nguyên"]
    assert p["units"] == 92 and p["reported"] == 3 and p["failed"] == 1 and p["unknown_period"] == 1
    assert p["not_submitted"] == 92 - 3 - 1 - 1 == len(p["missing"])
    old = next(m for m in p["missing"] if m["code"] == "05908")
    assert old["slug"] == "ky-cu" and old["old_period"]["vi"] == "Tháng 4/2026"
    assert {m["code"] for m in p["missing"]}.isdisjoint({"05800", "05899", "01981", "05602", "05809"})
    assert cov["national"]["units"] == 92


def test_a_folder_with_no_report_is_not_submitted_never_failed():
    summaries = {"a": summary("a", "05800", [("2026-05-13", None)]), "b": summary("b", "05899", [("2026-05-13", None)])}
    cov = build_coverage(summaries, {"b": "not_submitted"}, MONTHLY)
    assert cov["states"] == {"a": "undated", "b": "not_submitted"}
    assert cov["provinces"]["Thái Nguyên"]["failed"] == 0


def test_the_current_period_can_be_named_and_the_scope_widened():
    settings = ProjectSettings(provinces=["Thái Nguyên", "TP. Hải Phòng"], current=date(2026, 6, 1),
                               calendar=MONTHLY.calendar)
    cov = build_coverage({"a": summary("a", "05800", [("2026-05-13", None)])}, {}, settings)
    assert cov["labels"]["vi"] == "Tháng 6/2026" and cov["states"] == {"a": "not_submitted"}
    assert set(cov["provinces"]) == {"Thái Nguyên", "Hải Phòng"}
    assert cov["national"]["units"] == 92 + 114 and cov["national"]["not_submitted"] == 206


def test_a_ward_without_a_code_is_found_by_name_or_listed_apart():
    summaries = {"by-name": summary("by-name", None, [("2026-05-13", None)], ward="Phú Thịnh"),
                 "unknown": summary("unknown", None, [("2026-05-13", None)], ward="Không Có Tên Này")}
    cov = build_coverage(summaries, {}, MONTHLY)
    assert cov["units"] == {"by-name": "05800"} and cov["unlisted"] == ["unknown"]


def test_a_province_not_in_the_list_is_one_line():
    with pytest.raises(ParametersError, match="project.yaml: tỉnh 'Bắc Kạn' không có trong danh mục"):
        build_coverage({}, {}, ProjectSettings(provinces=["Bắc Kạn"]))

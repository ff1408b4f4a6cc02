"""project.yaml, at the project's root: the provinces in scope and the reporting calendar.

One file for the whole project (the per-ward settings are parameters/<ward>.yaml). Every key is
optional; without the file the scope is the provinces of the wards in parameters/ and the
calendar is monthly (calendar months), due 5 days after the month ends::

    # Tỉnh/thành phố trong phạm vi kiểm tra; để trống: các tỉnh có đơn vị trong parameters/
    provinces: [Thái Nguyên]
    calendar:
      frequency: tháng        # tuần | tháng | quý | 6 tháng | năm (or weekly, monthly, ...)
      cutoff_day: 14          # kỳ tháng chạy từ ngày 15 đến ngày 14 tháng sau; trống: hết tháng
      week_ends_on: thursday  # kỳ tuần kết thúc vào thứ mấy (monday … sunday)
      due_days: 3             # hạn nộp: số ngày sau khi hết kỳ
    # Kỳ đang xét: một ngày bất kỳ trong kỳ; trống: kỳ mới nhất có báo cáo
    current: 2026-06-30

Validated by :class:`ProjectSettings` (unknown keys refused); an invalid file is one line naming
it and the field.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wardaudit.project.config import Paths, composed, read_mapping, validated

#: the calendar's frequencies as an auditor may write them
FREQUENCY_WORDS = {"tuần": "weekly", "tháng": "monthly", "quý": "quarterly", "6 tháng": "half-yearly",
                   "sáu tháng": "half-yearly", "năm": "yearly"}


class CalendarSettings(BaseModel):
    """The reporting calendar (:class:`wardaudit.model.period.Calendar` takes these fields)."""

    model_config = ConfigDict(extra="forbid")

    frequency: Literal["weekly", "monthly", "quarterly", "half-yearly", "yearly"] = "monthly"
    cutoff_day: int | None = Field(default=None, ge=1, le=31, strict=True)
    week_ends_on: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "sunday"
    due_days: int = Field(default=5, ge=0, le=366, strict=True)

    @field_validator("frequency", mode="before")
    @classmethod
    def _vietnamese_frequency(cls, v):
        return FREQUENCY_WORDS.get(" ".join(str(v).lower().split()), v) if isinstance(v, str) else v


class ProjectSettings(BaseModel):
    """project.yaml (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid")

    provinces: list[str] = Field(default_factory=list, description="Provinces in scope; empty: the wards'")
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    current: date | None = Field(default=None, description="A day of the period the pages report on")

    @model_validator(mode="before")
    @classmethod
    def _composed(cls, data):
        return composed(data)  # province names typed in NFD are the same provinces

    @field_validator("provinces")
    @classmethod
    def _named(cls, v: list[str]) -> list[str]:
        if any(not str(p).strip() for p in v):
            raise ValueError("a province's name is empty")
        return [" ".join(str(p).split()) for p in v]


def load_settings(paths: Paths) -> ProjectSettings:
    """The project's settings; the defaults when project.yaml does not exist."""
    path = paths.project_file
    if not path.exists():
        return ProjectSettings()
    return validated(ProjectSettings, read_mapping(path), path)

"""A table column headed 'N tháng đầu năm' covers the report year's first N months: its last day comes
from the calendar (February has 29 days in a leap year), not from a fixed table of month lengths."""
from __future__ import annotations

import pytest

from wardaudit.audit import audit_file

REPORT = """ỦY BAN NHÂN DÂN XÃ ĐÔNG HẢI

BÁO CÁO
Kết quả thực hiện Đề án 06 từ ngày 01/01/{year} đến ngày {end}/{year}

Kết quả giải quyết hồ sơ trong kỳ như sau:

| STT | Chỉ tiêu | {months} tháng đầu năm |
|---|---|---|
| 1 | Số hồ sơ tiếp nhận | 120 |
| 2 | Số hồ sơ đã giải quyết | 110 |
"""


@pytest.mark.parametrize(("year", "months", "end", "period"), [
    (2028, 2, "29/02", "2028-01-01/2028-02-29"),  # leap year
    (2027, 2, "28/02", "2027-01-01/2027-02-28"),
    (2100, 2, "28/02", "2100-01-01/2100-02-28"),  # a century is a leap year only every 400 years
    (2000, 2, "29/02", "2000-01-01/2000-02-29"),
    (2028, 6, "30/06", "2028-01-01/2028-06-30"),
    (2028, 9, "30/09", "2028-01-01/2028-09-30"),
])
def test_first_months_of_the_year_end_on_the_calendar_day(tmp_path, year, months, end, period):
    path = tmp_path / "r.txt"
    path.write_text(REPORT.format(year=year, months=months, end=end), encoding="utf-8")
    facts = audit_file(path).facts
    cells = [f for f in facts if f.origin == "table"]
    assert [f.value for f in cells] == [120, 110]
    assert {f.period for f in cells} == {period}

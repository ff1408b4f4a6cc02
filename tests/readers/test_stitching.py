"""Which table parts are one table (ingest/pdf/tables.py: mark_continuations) and which row opening a
part is the rest of the row before it (ingest/stitching.py: stitch), on hand-made grids. The real
PDFs are in test_reportlab_pdf.py and test_office_pdf.py."""
from __future__ import annotations

import pytest

from wardaudit.ingest.pdf.tables import PageTable, mark_continuations
from wardaudit.ingest.stitching import RawTable, build_table, stitch
from wardaudit.model.document import Location, Table

HEADER = ["STT", "Nội dung", "Đơn vị tính", "Kết quả"]
COLS = [(50.0, 90.0), (90.0, 300.0), (300.0, 400.0), (400.0, 540.0)]


def _part(rows: list[list[str]], page: int = 1, cols=COLS) -> PageTable:
    loc = Location("f.pdf", page, 1)
    raw = RawTable(cells=[list(r) for r in rows], location=loc, row_locations=[loc] * len(rows),
                   quality={"engine": "vector"})
    return PageTable(raw=raw, top=700.0, page=page, cols=list(cols))


class _Paragraph:  # a heading or paragraph standing between two tables
    page = 1


def test_a_part_repeating_the_header_on_the_same_page_continues():
    a = _part([HEADER, ["1.", "Số điểm phát wifi công cộng", "điểm", "9"]])
    b = _part([HEADER, ["2.", "Số trạm thu phát sóng", "trạm", "3"]])
    mark_continuations([a, b])
    assert b.header_repeated and b.raw.header_rows == 1 and a.raw.header_rows == 1


@pytest.mark.parametrize("header_rows", [[HEADER], [HEADER, ["1", "2", "3", "4"]]])
def test_a_pasted_copy_repeats_only_its_header_rows(header_rows):
    """A copy pasted right below repeats the first data rows too; they are not header rows (a row
    of column numbers under the header is). Its numbering restarts: is_continuation refuses it."""
    rows = [["I", "Nhóm chỉ tiêu về hạ tầng", "", ""], ["1.", "Số điểm phát wifi công cộng", "điểm", "9"]]
    a, b = _part(header_rows + rows), _part(header_rows + rows)
    mark_continuations([a, b])
    assert b.header_repeated and b.raw.header_rows == len(header_rows)


def test_a_heading_between_two_parts_keeps_them_apart():
    a = _part([HEADER, ["1.", "Số điểm phát wifi công cộng", "điểm", "9"]])
    b = _part([HEADER, ["I", "Nhóm chỉ tiêu khác", "", ""]])
    mark_continuations([a, _Paragraph(), b])
    assert not b.header_repeated and b.raw.header_rows is None


@pytest.mark.parametrize("first_row,cols,joined", [
    (["4.", "Số cán bộ được cấp chữ ký số", "người", "27"], COLS, True),  # a numbered row
    (["", "điện tử của cơ quan", "", ""], COLS, True),  # the rest of a row
    (["II", "Nhóm chỉ tiêu về dữ liệu", "", ""], COLS, True),  # a group title
    (["4.", "Số cán bộ được cấp chữ ký số", "người", "27"], [(50.0, 140.0)] + COLS[1:], False),  # other columns
    (["Mã", "Tên thôn", "Số hộ", "Tỷ lệ (%)"], COLS, False),  # a header of its own: another table
])
@pytest.mark.parametrize("page", [1, 2])  # on the same page, or opening the next
def test_a_part_without_header_continues_on_the_same_columns(first_row, cols, joined, page):
    a = _part([HEADER, ["3.", "Cuộc họp trực tuyến", "cuộc", "11"]])
    b = _part([first_row, ["5.", "Số thủ tục có hồ sơ trực tuyến", "thủ tục", "64"]], page=page, cols=cols)
    mark_continuations([a, b])
    assert b.header_repeated is joined
    assert b.raw.header_rows == (0 if joined else None)


def test_a_header_repeated_after_a_part_without_header_is_the_first_part_s_header():
    a = _part([HEADER, ["1.", "Số văn bản đi được ký số", "văn bản", "2.315"]])
    b = _part([["2.", "Số hồ sơ lưu trữ điện tử", "hồ sơ", "40"]])
    c = _part([HEADER, ["3.", "Số cuộc họp trực tuyến", "cuộc", "11"]], page=2)
    mark_continuations([a, b, c])
    assert b.header_repeated and b.raw.header_rows == 0
    assert c.header_repeated and c.raw.header_rows == 1


def test_parts_two_pages_apart_are_not_joined():
    a = _part([HEADER, ["1.", "Số điểm phát wifi công cộng", "điểm", "9"]], page=1)
    b = _part([HEADER, ["2.", "Số trạm thu phát sóng", "trạm", "3"]], page=3)
    mark_continuations([a, b])
    assert not b.header_repeated


def _table(rows: list[list[str]]) -> Table:
    loc = Location("f.pdf", 1, 1)
    return build_table(RawTable(cells=[HEADER] + rows, location=loc, row_locations=[loc] * (len(rows) + 1)))


@pytest.mark.parametrize("last,rest,merged", [
    # cut mid-sentence: the rest may start in upper case (a name)
    (["3.", "Triển khai phòng họp không giấy cho", "%", "100"], ["", "Ủy ban nhân dân xã", "", ""],
     ["3.", "Triển khai phòng họp không giấy cho Ủy ban nhân dân xã", "%", "100"]),
    # a full stop, then lower case: still the same sentence's run
    (["3.", "Triển khai theo Kế hoạch số 12/KH-UBND.", "%", "100"], ["", "trong đó có hai thôn", "", ""],
     ["3.", "Triển khai theo Kế hoạch số 12/KH-UBND. trong đó có hai thôn", "%", "100"]),
    # one cell finished, another open: the row goes on
    (["3.", "Đã hoàn thành.", "", "Đang chờ"], ["", "Đề nghị bổ sung", "", "phê duyệt"],
     ["3.", "Đã hoàn thành. Đề nghị bổ sung", "", "Đang chờ phê duyệt"]),
    # a full stop, then a capital: a row of its own
    (["3.", "Hệ thống vận hành ổn định.", "%", "100"], ["", "Đề nghị cấp thêm thiết bị", "", ""], None),
    # figures of its own: a row of its own
    (["3.", "Số cán bộ được cấp chữ ký số", "người", "27"], ["", "trong đó nữ", "người", "12"], None),
    # the row above has no number: a capital after its open text proves nothing (compare the first case)
    (["", "Nhóm chỉ tiêu về hạ tầng cho", "", ""], ["", "Ủy ban nhân dân xã", "", ""], None),
])
def test_the_rest_of_a_row_opening_a_part_is_merged(last, rest, merged):
    whole = stitch(_table([["1.", "Số điểm phát wifi", "điểm", "9"], last]), _table([rest]))
    if merged is None:
        assert whole.rows[-2:] == [last, rest]
    else:
        assert whole.rows[-1] == merged and len(whole.rows) == 2

"""What the index and province pages say, in Vietnamese and English.

The page wording shared with the ward pages lives in :mod:`wardaudit.render.messages`
(``portfolio.*`` keys); the triage and roll-up wording below is the portfolio's own.
"""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "national_title": ("Tổng hợp kiểm tra báo cáo: toàn quốc", "Audit of all units' reports: national"),
    "province_title": ("Tổng hợp kiểm tra báo cáo: {province}", "Audit of the units' reports: {province}"),
    "summary": ("Tóm tắt", "Summary"),
    "wards_total": ("Số đơn vị", "Units"),
    "unread_files": ("{n} tệp không đọc được: {names}", "{n} files not read: {names}"),
    "wards_failed": ("Đơn vị chạy lỗi", "Units whose run failed"),
    "wards_with_errors": ("Đơn vị có sai sót chưa xử lý", "Units with open errors"),
    "wards_no_report": ("Đơn vị chưa nộp báo cáo kỳ này", "Units with no report this period"),
    "coverage_title": ("Tình hình nộp báo cáo", "Who has reported"),
    "cov_period": ("Kỳ báo cáo: {label} ({start} – {end}), hạn nộp {due}.",
                   "Reporting period: {label} ({start} – {end}), due {due}."),
    "cov_no_period": ("Chưa xác định được kỳ báo cáo: chưa báo cáo nào trong phạm vi nêu kỳ hoặc ngày.",
                      "No reporting period yet: no report in scope states its period or date."),
    "cov_calendar": ("Lịch báo cáo và phạm vi: project.yaml.", "Calendar and scope: project.yaml."),
    "cov_units": ("Đơn vị trong phạm vi (theo danh mục)", "Units in scope (official list)"),
    "cov_reported": ("Đã nộp", "Reported"),
    "cov_on_time": ("đúng hạn", "on time"),
    "cov_late": ("trễ hạn", "late"),
    "cov_undated": ("không ghi đủ ngày", "date not stated"),
    "cov_failed": ("Chạy lỗi", "Run failed"),
    "cov_not_submitted": ("Chưa nộp", "Not submitted"),
    "cov_unknown_period": ("Chưa xác định kỳ", "Period unknown"),
    "cov_missing_title": ("Đơn vị chưa nộp báo cáo kỳ này: {n}", "Units that have not reported this period: {n}"),
    "cov_old_page": ("trang cũ, {period}", "old page, {period}"),
    "cov_more": ("… và {n} đơn vị khác, ở trang của tỉnh.", "… and {n} more, on the province pages."),
    "cov_unlisted": ("Không tính vào tình hình nộp (chưa xác định được mã đơn vị, xem `wardaudit discover`): {slugs}",
                     "Not counted (no unit code settled, see `wardaudit discover`): {slugs}"),
    "cov_out_of_scope": ("Ngoài phạm vi", "Out of scope"),
    "top_rules": ("Quy tắc không đạt nhiều nhất", "Most frequent failing rules"),
    "triage": ("Đơn vị cần xem trước", "Units that need attention first"),
    "triage_note": ("Xếp theo: chạy lỗi trước, rồi chưa kiểm tra, chưa nộp, rồi số lỗi chưa xử lý, số cảnh báo "
                    "chưa xem, tỷ lệ chưa kiểm tra được.",
                    "Ranked: failed runs first, then not audited, not submitted, then open errors, open warnings, "
                    "the share not checked."),
    # how to use the page's controls: on screen only (the printed page has none)
    "triage_hint": ("Bấm tiêu đề cột để sắp xếp; gõ tên để tìm; chọn bộ lọc để thu hẹp.",
                    "Click a column header to sort; type a name to search; use the filters to narrow down."),
    "counts_note": ("Sai sót chưa xử lý: phát hiện mức lỗi mà kiểm toán viên chưa xác nhận hay loại trừ (kể cả đang đề "
                    "nghị giải trình). Cảnh báo chưa xem: như vậy, mức cảnh báo. Chưa kiểm tra được: phần các mối "
                    "liên hệ giữa số liệu không kiểm tra được (thiếu mẫu số, khác phạm vi…). Di chuột lên một số "
                    "để xem chi tiết.",
                    "Open errors: error findings the auditor has neither confirmed nor dismissed (queried ones "
                    "included). Open warnings: the same, for warnings. Not checked: the share of relations between "
                    "figures that could not be checked (no base, another scope…). Hover a number for its detail."),
    "search": ("Tìm đơn vị", "Find a unit"),
    "search_hint": ("tên, tỉnh, vấn đề… (có dấu hay không)", "name, province, problem…"),
    "noscript": ("Trang cần JavaScript để hiện thêm {n} đơn vị; danh sách đầy đủ ở trang Đơn vị của findings.xlsx.",
                 "This page needs JavaScript to show {n} more units; the full list is on the Units sheet of "
                 "findings.xlsx."),
    "col_state": ("Tình trạng", "State"),
    "col_main": ("Vấn đề chính", "Main problem"),
    "col_open_warnings": ("Cảnh báo chưa xem", "Open warnings"),
    "main_more": ("+{n} khác", "+{n} more"),
    "state_failed": ("chạy lỗi", "run failed"),
    "state_missing": ("chưa kiểm tra", "not audited yet"),
    "state_not_submitted": ("chưa nộp", "not submitted"),
    "state_errors": ("có sai sót chưa xử lý", "open errors"),
    "state_warnings": ("có cảnh báo chưa xem", "open warnings"),
    "state_confirmed": ("sai sót đã xác nhận, chờ đơn vị sửa", "errors confirmed, awaiting the unit's correction"),
    "state_clean": ("đã kiểm tra, không có sai sót", "audited, no error"),
    "tip_errors": ("{open} lỗi chưa xử lý trong {total} lỗi; {confirmed} đã xác nhận, {query} đề nghị giải trình, "
                   "{dismissed} đã loại trừ (mọi mức)",
                   "{open} open of {total} errors; {confirmed} confirmed, {query} queried, {dismissed} dismissed "
                   "(all severities)"),
    "tip_warnings": ("{open} cảnh báo chưa xem trong {total} cảnh báo; {info} thông tin",
                     "{open} open of {total} warnings; {info} info"),
    "tip_unchecked": ("{n} mối liên hệ không kiểm tra được trong {ran} ({pct})",
                      "{n} relations not checked of {ran} ({pct})"),
    "tip_indicator": ("Trung vị {median} · {stated} đơn vị nêu", "Median {median} · {stated} units state it"),
    "tip_meets": (" · {meets}/{stated} đơn vị đạt chỉ tiêu {target}", " · {meets}/{stated} meet the target {target}"),
    "running_head": ("{title} · {period}", "{title} · {period}"),
    "below_target": ("dưới chỉ tiêu", "below target"),
    "provinces": ("Theo tỉnh/thành phố", "By province"),
    "province_page": ("trang tỉnh", "province page"),
    "back_national": ("← Tổng hợp toàn quốc", "← National summary"),
    "filter_all": ("tất cả", "all"),
    "filter_state_n": ("{text} ({n})", "{text} ({n})"),
    "shown": ("Đang hiện", "Showing"),
    "col_open_errors": ("Sai sót chưa xử lý", "Open errors"),
    "col_unchecked": ("Chưa kiểm tra được", "Not checked"),
    "col_rank": ("Thứ tự", "Rank"),
    "col_wards": ("Số đơn vị", "Units"),
    "col_failed_runs": ("Chạy lỗi", "Failed runs"),
    "col_with_errors": ("Có sai sót", "With errors"),
    "col_no_report": ("Chưa nộp kỳ này", "Not submitted this period"),
    "col_units_official": ("Số đơn vị (danh mục)", "Units (official list)"),
    "col_reported": ("Đã nộp", "Reported"),
    "col_code": ("Mã", "Code"),
    "col_median": ("Trung vị", "Median"),
    "col_indicator": ("Chỉ số", "Indicator"),
    "col_target": ("Chỉ tiêu", "Target"),
    "col_fails_trend": ("Số phép không đạt qua các kỳ", "Failed checks over the reports"),
    "heatmap_html_title": ("Phát hiện theo đơn vị và nhóm quy tắc (màu đậm hơn: nặng hơn)",
                           "Findings by unit and rule family (darker: graver)"),
    "indicators_agg_title": ("Chỉ số chuẩn theo tỉnh", "Standard indicators by province"),
    "port_title": ("Kiểm tra chéo giữa các đơn vị", "Checks across units"),
    "port_more": ("… và {n} kết quả khác trong findings.xlsx", "… and {n} more in findings.xlsx"),
    "precision_title": ("Độ chính xác của quy tắc theo quyết định của kiểm toán viên",
                        "Rule precision by the auditors' decisions"),
    "stale_note": ("Không đưa vào tổng hợp (không còn trong parameters/, dữ liệu cũ ở data/processed): {slugs}",
                   "Left out (no longer in parameters/, old data in data/processed): {slugs}"),
    "no_province": ("Chưa rõ tỉnh", "Province not set"),
    "run_stamp": ("Lập lúc {stamp}", "Made at {stamp}"),
    "letter": ("công văn", "letter"),
    "export_sheet_wards": ("Đơn vị", "Units"),
    "export_file": ("Tệp", "File"),
    "export_title": ("Tên quy tắc", "Rule title"),
    "export_level": ("Cấp", "Level"),
    "export_code": ("Mã đơn vị", "Unit code"),
    "export_period": ("Kỳ báo cáo", "Period"),
    "export_state": ("Tình trạng", "State"),
    "export_main": ("Vấn đề chính", "Main problem"),
    "export_main_message": ("Nội dung vấn đề chính", "Main problem in detail"),
    "export_open_errors": ("Sai sót chưa xử lý", "Open errors"),
    "export_open_warnings": ("Cảnh báo chưa xem", "Open warnings"),
    "export_error": ("Tổng số lỗi", "Errors"),
    "export_warning": ("Tổng số cảnh báo", "Warnings"),
    "export_confirmed": ("Đã xác nhận", "Confirmed"),
    "export_query": ("Đề nghị giải trình", "Queried"),
    "export_dismissed": ("Đã loại trừ", "Dismissed"),
    "export_unchecked": ("Chưa kiểm tra được", "Not checked"),
    "export_audit_page": ("Trang kiểm tra", "Audit page"),
}


def word(key: str, lang: str = "vi", **fmt: object) -> str:
    """The wording ``key`` in ``lang``: the portfolio's own, else ``portfolio.<key>`` of the messages."""
    if key in WORDS:
        vi, en = WORDS[key]
        text = en if lang == "en" else vi
        return text.format(**fmt) if fmt else text
    from wardaudit.render.messages import t
    return t(f"portfolio.{key}", lang, **fmt)


def shared(key: str, lang: str, default: str) -> str:
    """A message shared with the ward pages (``key`` of the messages), or ``default``."""
    from wardaudit.render.messages import has, t
    return t(key, lang) if has(key) else default

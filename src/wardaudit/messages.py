"""The wording of the ward report, in one catalogue: Vietnamese (the default) and English.

Every label the HTML report and the charts show comes from here, so a translation or a change of
wording is one edit. ``t("key")`` looks a message up; ``t("key", lang="en", n=3)`` formats it.
An unknown key raises :class:`~wardaudit.exceptions.RegistryError` rather than showing the key.
"""
from __future__ import annotations

from .exceptions import RegistryError

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

# key: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # header
    "title": ("Kiểm tra báo cáo của {ward}", "Audit of the report of {ward}"),
    "header": ("Thông tin báo cáo", "Report"),
    "ward": ("Đơn vị", "Unit"),
    "ward_in_report": ("Tên đơn vị trong báo cáo", "Unit name in the report"),
    "level": ("Cấp", "Level"),
    "province": ("Tỉnh/thành phố", "Province"),
    "kind": ("Loại báo cáo", "Report kind"),
    "period": ("Kỳ báo cáo", "Reporting period"),
    "period_range": ("từ {start} đến {end}", "from {start} to {end}"),
    "period_override": ("Kỳ theo tham số", "Period set by parameters"),
    "number": ("Số văn bản", "Document number"),
    "date": ("Ngày ban hành", "Date"),
    "signer": ("Người ký", "Signed by"),
    "blank": ("(trống)", "(missing)"),
    "sources": ("Tệp nguồn", "Source files"),
    "sha256": ("SHA-256", "SHA-256"),
    "format": ("Định dạng", "Format"),
    "pages": ("Số trang", "Pages"),
    "notes": ("Ghi chú khi đọc tệp", "Notes from reading the file"),
    "params_note": ("Quy ước: mẫu số của tỷ lệ {carried} hồ sơ kỳ trước chuyển sang; khung đề mục: {profile}; "
                    "quy tắc tắt: {off}.",
                    "Conventions: rate denominators {carried} dossiers carried over; outline profile: {profile}; "
                    "rules switched off: {off}."),
    "carried_in": ("có tính", "include"),
    "carried_out": ("không tính", "exclude"),
    "none": ("không có", "none"),
    "no_reports": ("Không có báo cáo nào để kiểm tra.", "There is no report to audit."),
    "report_n": ("Báo cáo {i}/{n}: {source}", "Report {i}/{n}: {source}"),
    # scorecard
    "scorecard": ("Bảng điểm kiểm tra", "Scorecard"),
    "checks_run": ("Số phép kiểm tra", "Checks run"),
    "passed": ("Đạt", "Passed"),
    "failed": ("Không đạt", "Failed"),
    "skipped": ("Bỏ qua", "Skipped"),
    "by_severity": ("Lỗi không đạt theo mức độ", "Failures by severity"),
    "by_family": ("Theo nhóm quy tắc", "By rule family"),
    "family": ("Nhóm", "Family"),
    "total": ("Tổng", "Total"),
    "sev_error": ("Lỗi", "Error"),
    "sev_warning": ("Cảnh báo", "Warning"),
    "sev_info": ("Thông tin", "Info"),
    "status_pass": ("Đạt", "Pass"),
    "status_fail": ("Không đạt", "Fail"),
    "status_skip": ("Bỏ qua", "Skip"),
    # the auditor's review
    "review_open": ("Chưa xem xét", "Not reviewed"),
    "review_confirmed": ("Đã xác nhận", "Confirmed"),
    "review_dismissed": ("Đã loại trừ", "Dismissed"),
    "review_query": ("Đề nghị giải trình", "Queried"),
    "review_note": ("Ghi chú", "Note"),
    "review_by": ("Người quyết định", "By"),
    "review_at": ("Thời điểm", "At"),
    "finding_id": ("Mã phát hiện", "Finding id"),
    "dismissed_section": ("Đã loại trừ / dismissed", "Dismissed / đã loại trừ"),
    "dismissed_not_counted": ("{n} phát hiện đã loại trừ không tính vào bảng điểm.",
                              "{n} dismissed findings are not counted."),
    "no_longer_found": ("Quyết định không còn phát hiện / no longer found",
                        "Decisions no longer found / không còn phát hiện"),
    "no_longer_found_note": ("Các quyết định dưới đây vẫn được lưu, nhưng phát hiện tương ứng không còn xuất hiện "
                             "trong báo cáo hiện tại.",
                             "These decisions are kept, but their findings no longer appear in the current report."),
    "fam_META": ("Thông tin văn bản", "Document details"),
    "fam_STRUCT": ("Cấu trúc, đánh số", "Structure and numbering"),
    "fam_FOOT": ("Tổng và các phần", "Totals and parts"),
    "fam_RATE": ("Tỷ lệ", "Rates"),
    "fam_XREF": ("Số liệu lặp lại", "Recurring figures"),
    "fam_BUDG": ("Kinh phí", "Budget"),
    "fam_TGT": ("Chỉ tiêu và kết quả", "Targets and results"),
    "fam_COMPL": ("Đầy đủ", "Completeness"),
    "fam_TREND": ("Xu hướng giữa các kỳ", "Trends across reports"),
    "fam_PORT": ("So sánh giữa các đơn vị", "Across units"),
    # findings
    "findings": ("Phát hiện (nặng nhất trước)", "Findings (worst first)"),
    "no_findings": ("Không có phát hiện nào: mọi phép kiểm tra đã chạy đều đạt hoặc được bỏ qua.",
                    "No findings: every check that ran passed or was skipped."),
    "rule": ("Quy tắc", "Rule"),
    "severity": ("Mức độ", "Severity"),
    "status": ("Kết quả", "Status"),
    "message": ("Nội dung", "Message"),
    "expected": ("Kỳ vọng", "Expected"),
    "actual": ("Thực tế", "Actual"),
    "values": ("Giá trị", "Values"),
    "evidence": ("Bằng chứng", "Evidence"),
    "location": ("Vị trí", "Location"),
    "section": ("Mục", "Section"),
    "go_to_source": ("xem trong văn bản", "show in the text"),
    "not_located": ("không định vị được trong văn bản", "not located in the text"),
    "page_line": ("tr. {page}, dòng {line}", "p. {page}, line {line}"),
    "page_only": ("tr. {page}", "p. {page}"),
    "line_only": ("dòng {line}", "line {line}"),
    "unplaced": ("{n} số liệu của các phép kiểm tra không định vị được trong văn bản.",
                 "{n} figures used by checks could not be located in the text."),
    # source view
    "source_view": ("Văn bản báo cáo (đánh dấu kiểm tra)", "Report text (tick-marked)"),
    "legend": ("✓ xanh: số liệu đã đối chiếu và khớp; đỏ: số liệu có sai lệch. Di chuột hoặc chọn "
               "số liệu để xem phép kiểm tra.",
               "green ✓: figure checked and agrees; red: figure in a failed check. Hover or focus a "
               "figure to see the check."),
    "table": ("Bảng", "Table"),
    "appendix": ("Phụ lục {id}", "Appendix {id}"),
    # appendix tables
    "appendix_tables": ("Bảng phụ lục (như trích xuất)", "Appendix tables (as extracted)"),
    "no_appendix_tables": ("Báo cáo không có bảng phụ lục.", "The report has no appendix tables."),
    "rows_n": ("{n} dòng", "{n} rows"),
    "parts_n": ("ghép từ {n} phần (qua nhiều trang)", "stitched from {n} parts (across pages)"),
    "quality": ("Độ tin cậy trích xuất", "Extraction quality"),
    "low_confidence": ("ĐỘ TIN CẬY THẤP: kiểm tra lại bảng này với văn bản gốc",
                       "LOW CONFIDENCE: check this table against the original"),
    # charts
    "charts": ("Biểu đồ", "Charts"),
    "chart_targets": ("Chỉ tiêu và kết quả", "Targets and results"),
    "chart_dossiers": ("Luồng hồ sơ", "Dossier flow"),
    "chart_budget": ("Kinh phí: bố trí và giải ngân", "Budget: allocated and disbursed"),
    "chart_tasks": ("Tình hình thực hiện nhiệm vụ", "Task status"),
    "nothing_to_draw": ("{chart}: báo cáo không có số liệu để vẽ.", "{chart}: the report has no figures to draw."),
    "target": ("Chỉ tiêu", "Target"),
    "result": ("Kết quả", "Result"),
    "allocated": ("Bố trí", "Allocated"),
    "disbursed": ("Giải ngân", "Disbursed"),
    "value": ("Giá trị", "Value"),
    "listed_tasks": ("Nhiệm vụ trong phụ lục", "Tasks listed in appendices"),
    "task_status_completed": ("hoàn thành", "completed"),
    "task_status_completed_late": ("hoàn thành quá hạn", "completed late"),
    "task_status_in_progress": ("đang triển khai", "in progress"),
    "task_status_overdue": ("quá hạn", "overdue"),
    "task_status_not_started": ("chưa triển khai", "not started"),
    "task_status_unknown": ("không rõ", "unknown"),
    "count": ("Số lượng", "Count"),
    "dong": ("đồng", "đồng"),
    "million_dong": ("triệu đồng", "million đồng"),
    # all checks
    "all_checks": ("Tất cả phép kiểm tra ({n})", "All checks ({n})"),
    "no_checks": ("Chưa có phép kiểm tra nào chạy.", "No check ran."),
    # run / failure
    "generated": ("Tạo lúc {stamp} · wardaudit {version}", "Generated {stamp} · wardaudit {version}"),
    "run_failed": ("Sổ tay kiểm tra chạy lỗi, báo cáo dưới đây chưa đầy đủ: {reason}",
                   "The audit notebook failed; the report below is incomplete: {reason}"),
    # the index page (portfolio)
    "portfolio.title": ("Tổng hợp kiểm tra báo cáo các đơn vị", "Audit of all units' reports"),
    "portfolio.col_ward": ("Đơn vị", "Unit"),
    "portfolio.col_level": ("Cấp", "Level"),
    "portfolio.col_province": ("Tỉnh/thành phố", "Province"),
    "portfolio.col_kind": ("Loại báo cáo", "Report kind"),
    "portfolio.col_period": ("Kỳ báo cáo", "Period"),
    "portfolio.col_reports": ("Số báo cáo", "Reports"),
    "portfolio.col_checks": ("Số phép kiểm tra", "Checks"),
    "portfolio.col_passed": ("Đạt", "Passed"),
    "portfolio.col_failed": ("Không đạt", "Failed"),
    "portfolio.col_error": ("Lỗi", "Errors"),
    "portfolio.col_warning": ("Cảnh báo", "Warnings"),
    "portfolio.col_info": ("Thông tin", "Info"),
    "portfolio.col_score": ("Điểm", "Score"),
    "portfolio.col_open": ("Chưa xem xét", "Open"),
    "portfolio.col_confirmed": ("Xác nhận", "Confirmed"),
    "portfolio.col_query": ("Đề nghị giải trình", "Queried"),
    "portfolio.col_dismissed": ("Loại trừ", "Dismissed"),
    "portfolio.prec_rule": ("Quy tắc", "Rule"),
    "portfolio.prec_title": ("Tên quy tắc", "Title"),
    "portfolio.prec_wards": ("Số đơn vị", "Units"),
    "portfolio.prec_findings": ("Phát hiện", "Findings"),
    "portfolio.prec_decided": ("Đã quyết định", "Decided"),
    "portfolio.prec_confirmed": ("Xác nhận", "Confirmed"),
    "portfolio.prec_query": ("Đề nghị giải trình", "Queried"),
    "portfolio.prec_dismissed": ("Loại trừ", "Dismissed"),
    "portfolio.prec_dismissal_rate": ("Tỷ lệ loại trừ", "Dismissal rate"),
    "portfolio.prec_note": ("Tỷ lệ loại trừ = số phát hiện kiểm toán viên loại trừ / số phát hiện đã có quyết định, "
                            "trên mọi đơn vị; trên 20% được tô đậm: quy tắc đó báo sai nhiều, cần xem lại.",
                            "Dismissal rate = findings the auditors dismissed / findings decided, across all units; "
                            "above 20% is highlighted: the rule raises many false alarms."),
    "portfolio.col_report": ("Báo cáo kiểm tra", "Audit report"),
    "portfolio.col_status": ("Trạng thái", "Status"),
    "portfolio.open_report": ("xem", "open"),
    "portfolio.no_report": ("chưa có", "none yet"),
    "portfolio.status_ok": ("đã xử lý", "processed"),
    "portfolio.status_failed": ("lỗi", "failed"),
    "portfolio.status_missing": ("chưa xử lý", "not processed"),
    "portfolio.no_wards": ("Chưa có đơn vị nào được xử lý.", "No unit has been processed yet."),
    "portfolio.no_failures": ("Không có phép kiểm tra nào không đạt.", "No check failed."),
    "portfolio.no_indicators": ("Các báo cáo không nêu chỉ số chuẩn nào.", "No report states a standard indicator."),
    "portfolio.no_trends": ("Chưa có đơn vị nào có từ hai báo cáo trở lên.", "No unit has two or more reports yet."),
    "portfolio.no_port": ("Chưa có phép kiểm tra liên đơn vị nào chạy được.", "No cross-unit check could run."),
    "portfolio.heatmap_title": ("Số phép kiểm tra không đạt theo đơn vị và nhóm quy tắc",
                      "Failed checks by unit and rule family"),
    "portfolio.target_national": ("Chỉ tiêu quốc gia", "National target"),
    "portfolio.target_provincial": ("Chỉ tiêu của tỉnh", "Provincial target"),
    "portfolio.not_stated": ("không nêu", "not stated"),
    "portfolio.indicators_title": ("Chỉ số chuẩn so với chỉ tiêu", "Standard indicators against targets"),
    "portfolio.trends_title": ("Xu hướng qua các kỳ báo cáo", "Trends over the reports"),
    "portfolio.fails_per_report": ("Số phép kiểm tra không đạt", "Failed checks"),
    "portfolio.report_end": ("Kỳ kết thúc", "Period end"),

}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The message ``key`` in ``lang`` ("vi" or "en"), formatted with ``fmt``."""
    try:
        vi, en = MESSAGES[key]
    except KeyError:
        raise RegistryError(f"thông điệp không có trong danh mục / unknown message: {key!r}") from None
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    return key in MESSAGES

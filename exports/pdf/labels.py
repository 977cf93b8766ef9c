"""The fixed wording of generated documents (PDFs and spreadsheets).

These are official Vietnamese papers in the national format (Nghị định 30/2020) and the
standard wording of Vietnamese task reports (QĐ 42/2014/QĐ-TTg): their labels are document data,
like "Kính gửi" and "Nơi nhận", and stay Vietnamese whatever the screen's language. Messages to
the person using the product (errors, help) go through gettext as usual.
"""

from __future__ import annotations

# ---- the national format
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER_PREFIX = "Số: "
SUBJECT_PREFIX = "V/v "
ADDRESSEE = "Kính gửi"
RECIPIENTS = "Nơi nhận:"
AS_ABOVE = "- Như trên;"
FILED = "- Lưu: VT, VP."
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")

# ---- what every generated document says about itself
GENERATED_ON = "Đôn đốc 389 – tạo lúc %(when)s"
FILTERS_USED = "Điều kiện lọc: %(filters)s"
NO_FILTERS = "không (tất cả)"
NOTHING_TO_SHOW = "Không có dữ liệu phù hợp với điều kiện lọc."
NO_TASKS = "Không có nhiệm vụ nào phù hợp với điều kiện lọc."
NO_OVERDUE = "Không có nhiệm vụ nào quá hạn."
NO_PERIODIC_REPORTS = "Chưa có chế độ báo cáo định kỳ nào được thiết lập."

FILTER_COMMITTEE = "Ban Chỉ đạo: %s"
FILTER_DIRECTIVE = "Văn bản: %s"
FILTER_AGENCY = "Đơn vị: %s"
FILTER_FROM = "từ ngày %s"
FILTER_TO = "đến ngày %s"
FILTER_STATE = "trạng thái: %s"
FILTER_TIMELINESS = "tiến độ: %s"
FILTER_DOC_TYPE = "loại văn bản: %s"
FILTER_YEAR = "năm: %s"
FILTER_AS_OF = "tính đến %s"

# ---- column headers
COL_NO = "TT"
COL_REF = "Số TT"
COL_TASK = "Nội dung nhiệm vụ"
COL_LEAD = "Đơn vị chủ trì"
COL_LEAD_PARTS = "Tình hình của từng đơn vị chủ trì"
COL_OWN_DEADLINE = "Hạn của đơn vị"
COL_ORIGINAL_DEADLINE = "Hạn ban đầu"
COL_OFFICER = "Cán bộ đầu mối"
COL_COORDINATING = "Đơn vị phối hợp"
COL_DEADLINE = "Thời hạn"
COL_DEADLINE_TEXT = "Thời hạn ghi trong văn bản"
COL_STATE = "Trạng thái"
COL_TIMELINESS = "Tiến độ"
COL_DAYS_OVERDUE = "Số ngày quá hạn"
COL_DAYS_LATE = "Số ngày chậm"
COL_COMPLETED = "Ngày hoàn thành"
COL_DIRECTIVE = "Văn bản chỉ đạo"
COL_NUMBER = "Số, ký hiệu"
COL_DOC_TYPE = "Loại văn bản"
COL_ISSUED_ON = "Ngày ban hành"
COL_SUBJECT = "Trích yếu"
COL_ISSUER = "Cơ quan ban hành"
COL_TASK_COUNT = "Số nhiệm vụ"
COL_AGENCY = "Đơn vị"
COL_TOTAL = "Tổng số"
COL_DONE_ON_TIME = "Hoàn thành đúng hạn"
COL_DONE_LATE = "Hoàn thành quá hạn"
COL_OPEN_ON_TIME = "Đang thực hiện trong hạn"
COL_OPEN_OVERDUE = "Đang thực hiện quá hạn"
COL_ON_TIME_RATE = "Tỷ lệ đúng hạn (%)"
COL_TOTAL_DAYS_LATE = "Tổng số ngày chậm"
COL_REPORTS_ON_TIME = "Báo cáo định kỳ đúng hạn"
TOTAL = "Tổng cộng"

# ---- states and timeliness, as Vietnamese reports word them
# A task's own state: it is under way until every lead agency's part is accepted.
TASK_STATES = {
    "draft": "Dự thảo",
    "assigned": "Đang thực hiện",
    "completed": "Hoàn thành",
    "cancelled": "Đã hủy",
}
# Each lead agency's part of a task.
ASSIGNMENT_STATES = {
    "draft": "Dự thảo",
    "assigned": "Đã giao, chưa tiếp nhận",
    "in_progress": "Đang thực hiện",
    "awaiting_head": "Chờ lãnh đạo đơn vị duyệt",
    "reported": "Đã báo cáo, chờ đánh giá",
    "returned": "Trả lại, bổ sung",
    "accepted": "Hoàn thành",
    "cancelled": "Đã hủy",
}
OWN_DEADLINE = "hạn riêng %s"
# A task given to every member of the committee: named as the directive names them, not as a
# list of every member's full name (eight of them filled a page of the appendix).
ALL_MEMBERS = "Các thành viên Ban Chỉ đạo"
OVERDUE_MEMBERS = "quá hạn: %s"
ALL_OVERDUE = "tất cả đều quá hạn"
EXTENDED_FROM = "gia hạn từ %s"
TIMELINESS = {
    "due_soon": "Sắp đến hạn",
    "open_on_time": "Đang thực hiện trong hạn",
    "open_overdue": "Đang thực hiện quá hạn",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "no_deadline": "Thường xuyên",
    "not_started": "Chưa giao",
    "cancelled": "Đã hủy",
}
DIRECTIVE_STATES = {
    "draft": "Dự thảo",
    "awaiting_approval": "Chờ phê duyệt",
    "issued": "Đã ban hành",
    "closed": "Đã kết thúc",
    "expired": "Hết hiệu lực",
    "superseded": "Đã được thay thế",
}
DOC_TYPES = {
    "TB": "Thông báo",
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "CV": "Công văn",
    "NQ": "Nghị quyết",
    "BC": "Báo cáo",
    "CĐ": "Công điện",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
}
SUBMISSIONS = {
    "not_yet_due": "Chưa đến hạn",
    "on_time": "Đúng hạn",
    "late": "Muộn",
    "missing": "Chưa nộp",
}
ROLES = {
    "lead": "chủ trì",
    "coordinating": "phối hợp",
    "support": "phối hợp",  # the task screens' query strings still say "support"
    "any": "chủ trì hoặc phối hợp",
}
FILTER_STATUS = "nhóm: %s"
STATUS_TABS = {
    "open": "đang thực hiện",
    "overdue": "quá hạn",
    "due_soon": "sắp đến hạn",
    "done": "đã hoàn thành",
    "all": "tất cả",
}
# The per-agency rows count each agency's own part of a task, against its own deadline; the
# total counts a task once, done on time only when every lead finished on time.
SHARED_LEAD_NOTE = (
    "Ghi chú: nhiệm vụ có nhiều đơn vị chủ trì được tính cho từng đơn vị theo phần việc và "
    "thời hạn của chính đơn vị đó; dòng Tổng cộng tính mỗi nhiệm vụ một lần (hoàn thành đúng "
    "hạn khi mọi đơn vị chủ trì đều hoàn thành đúng hạn)."
)

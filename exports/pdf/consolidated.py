"""5. The consolidated periodic report: the committee's totals for a period with the change
against the same period last year, and a table per agency (from reporting.services.consolidate)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from reporting.models import FIGURE_FIELDS, ReportingPeriod
from reporting.services import consolidate, format_vnd_billions

from . import labels
from .layout import (
    DocumentMeta,
    build_pdf,
    columns,
    data_table,
    empty_notice,
    para,
    report_heading,
    vn_date,
)
from .periodic import latest_period
from .queries import ReportFilters

FIGURE_NAMES = {
    "cases_detected": "Số vụ vi phạm phát hiện (vụ)",
    "admin_cases": "Xử lý vi phạm hành chính (vụ)",
    "goods_value": "Trị giá hàng hóa vi phạm (tỷ đồng)",
    "budget_collected": "Thu nộp ngân sách (tỷ đồng)",
    "criminal_cases": "Khởi tố hình sự (vụ)",
    "defendants": "Khởi tố hình sự (đối tượng)",
}
MONEY = {"goods_value", "budget_collected"}
SHORT_NAMES = {
    "cases_detected": "Vụ phát hiện",
    "admin_cases": "Vụ xử lý HC",
    "goods_value": "Trị giá (tỷ đồng)",
    "budget_collected": "Thu NS (tỷ đồng)",
    "criminal_cases": "Khởi tố (vụ)",
    "defendants": "Khởi tố (đối tượng)",
}
TITLE = "BÁO CÁO TỔNG HỢP KẾT QUẢ CÔNG TÁC CHỐNG BUÔN LẬU, GIAN LẬN THƯƠNG MẠI VÀ HÀNG GIẢ"


def figure_text(name: str, value: int | None) -> str:
    if value is None:
        return "–"
    if name in MONEY:
        return format_vnd_billions(value)
    return f"{value:,}".replace(",", ".")


def change_text(name: str, change: int | None, pct: float | None) -> tuple[str, str]:
    if change is None:
        return "–", "–"
    sign = "+" if change > 0 else ("-" if change < 0 else "")
    amount = sign + figure_text(name, abs(change))
    percent = "–" if pct is None else (f"{pct:+.1f}".replace(".", ","))
    return amount, percent


@labels.in_vietnamese
def build_consolidated(filters: ReportFilters, period: ReportingPeriod | None = None) -> bytes:
    """The period given (the consolidation page's), else the latest in the filters' range."""
    meta = DocumentMeta(title=TITLE, filters=filters.describe(), generated_at=filters.now)
    period = period or latest_period(filters)
    if period is None:
        story = report_heading(filters.committee.name, TITLE, "", meta)
        story.append(empty_notice(labels.NO_PERIODIC_REPORTS))
        return build_pdf(story, meta)
    result = consolidate(period, now=filters.now)
    subtitle = (
        f"{period.obligation.name} – {period.label} "
        f"(số liệu từ ngày {vn_date(period.starts_on)} đến ngày {vn_date(period.ends_on)})"
    )
    story = report_heading(filters.committee.name, TITLE, subtitle, meta)

    story.append(para("I. SỐ LIỆU TỔNG HỢP VÀ SO SÁNH VỚI CÙNG KỲ NĂM TRƯỚC", "heading"))
    rows = []
    for name in FIGURE_FIELDS:
        figure = result.totals[name]
        amount, percent = change_text(name, figure.change, figure.change_pct)
        rows.append(
            [
                FIGURE_NAMES.get(name, name),
                figure_text(name, figure.value),
                figure_text(name, figure.previous),
                amount,
                percent,
            ]
        )
    story.append(
        data_table(
            ["Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước", "Tăng (+), giảm (-)", "Tỷ lệ (%)"],
            rows,
            columns(meta, [40, 15, 15, 16, 14]),
            align=["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],
        )
    )
    counts = result.counts
    story.append(Spacer(1, 3 * mm))
    story.append(
        para(
            f"Tình hình nộp báo cáo: {counts.get('on_time', 0)} đơn vị đúng hạn, "
            f"{counts.get('late', 0)} đơn vị muộn, {counts.get('missing', 0)} đơn vị chưa nộp, "
            f"{counts.get('not_yet_due', 0)} đơn vị chưa đến hạn.",
            "body",
        )
    )

    story.append(para("II. SỐ LIỆU THEO ĐƠN VỊ", "heading"))
    agency_rows = [
        [
            n,
            row.agency.name,
            labels.SUBMISSIONS.get(row.timeliness, row.timeliness),
            *[
                figure_text(name, row.figures[name]) if row.counted else "–"
                for name in FIGURE_FIELDS
            ],
        ]
        for n, row in enumerate(result.rows, start=1)
    ]
    if agency_rows:
        story.append(
            data_table(
                [labels.COL_NO, labels.COL_AGENCY, "Tình trạng nộp"]
                + [SHORT_NAMES.get(name, name) for name in FIGURE_FIELDS],
                agency_rows,
                columns(meta, [5, 33, 11] + [9] * len(FIGURE_FIELDS)),
                align=["CENTER", "LEFT", "CENTER"] + ["RIGHT"] * len(FIGURE_FIELDS),
            )
        )
    else:
        story.append(empty_notice())
    return build_pdf(story, meta)

"""3. An agency's scorecard for a period: its own parts of the tasks it leads (each against its
own deadline: a task with several leads credits only the leads that finished), on-time rate,
days late, and its periodic reports on time."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from agencies.models import User
from tasks.querysets import TimelinessFigures

from . import labels
from .appendix import part_deadline_text, ref_and_text, timeliness_text
from .layout import (
    DocumentMeta,
    build_pdf,
    columns,
    data_table,
    empty_notice,
    fit_column,
    para,
    report_heading,
    vn_date,
)
from .overdue import rate_text
from .periodic import periodic_on_time
from .queries import AgencyFigures, ReportFilters, agency_part_rows, figures_by_agency

TASK_HEADER = [
    labels.COL_NO,
    labels.COL_DIRECTIVE,
    labels.COL_TASK,
    labels.COL_OWN_DEADLINE,
    labels.COL_STATE,
    labels.COL_TIMELINESS,
    labels.COL_DAYS_LATE,
]
TASK_ALIGN = ["CENTER", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER", "RIGHT"]
TASK_WIDTHS = [5, 20, 27, 15, 12, 13, 8]


def agency_figures(filters: ReportFilters, user: User | None = None) -> AgencyFigures:
    """The agency's figures as lead, from the same grouped query as the audit and dashboard."""
    assert filters.agency is not None
    _total, rows = figures_by_agency(filters, user, with_days_late=True)
    for row in rows:
        if row.agency.pk == filters.agency.pk:
            return row
    return AgencyFigures(filters.agency, TimelinessFigures(), 0)


def period_text(filters: ReportFilters) -> str:
    if filters.date_from and filters.date_to:
        return (
            f"Kỳ đánh giá: từ ngày {vn_date(filters.date_from)} đến ngày {vn_date(filters.date_to)}"
        )
    if filters.date_from:
        return f"Kỳ đánh giá: từ ngày {vn_date(filters.date_from)}"
    if filters.date_to:
        return f"Kỳ đánh giá: đến ngày {vn_date(filters.date_to)}"
    return "Kỳ đánh giá: toàn bộ thời gian"


@labels.in_vietnamese
def build_scorecard(
    filters: ReportFilters,
    user: User | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """`progress` is told how many task rows have been read (a background export's bar)."""
    agency = filters.agency
    assert agency is not None, "a scorecard is of one agency"
    meta = DocumentMeta(
        title=f"Phiếu đánh giá – {agency.name}",
        filters=filters.describe(),
        generated_at=filters.now,
    )
    story = report_heading(
        filters.committee.name,
        f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA {agency.name.upper()}",
        period_text(filters),
        meta,
    )
    row = agency_figures(filters, user)
    figures = row.figures
    story.append(para("I. SỐ LIỆU TỔNG HỢP (phần việc do đơn vị chủ trì)", "heading"))
    summary = [
        [labels.COL_TOTAL, figures.total],
        [labels.COL_DONE_ON_TIME, figures.done_on_time],
        [labels.COL_DONE_LATE, figures.done_late],
        [labels.COL_OPEN_ON_TIME, figures.open_on_time],
        [labels.COL_OPEN_OVERDUE, figures.open_overdue],
        [labels.COL_ON_TIME_RATE, rate_text(figures)],
        [labels.COL_TOTAL_DAYS_LATE, row.days_late],
    ]
    story.append(
        data_table(
            ["Chỉ tiêu", "Số liệu"], summary, columns(meta, [70, 30]), align=["LEFT", "RIGHT"]
        )
    )

    story.append(Spacer(1, 4 * mm))
    story.append(para("II. DANH SÁCH NHIỆM VỤ", "heading"))
    states = labels.ASSIGNMENT_STATES
    read = 0

    def rows() -> Iterator[list[object]]:
        # Streamed in chunks of plain values: each part becomes its row of text, which the
        # table wraps to its columns as it comes, and is let go (50,000 parts as model
        # instances, then their rows of text twice, unwrapped and wrapped, were most of the
        # document's memory).
        nonlocal read
        for part in agency_part_rows(filters, user):
            read += 1
            yield [
                read,
                part.directive_label,
                ref_and_text(part),
                part_deadline_text(part),
                states.get(part.state, part.state),
                timeliness_text(part),
                part.days_overdue,
            ]
            if progress is not None:
                progress(read)

    # the rows are numbered up to the agency's parts: the numbers column holds the last
    widths = fit_column(columns(meta, TASK_WIDTHS), 0, str(figures.total), room_from=2)
    table = data_table(TASK_HEADER, rows(), widths, align=TASK_ALIGN)
    story.append(table if read else empty_notice(labels.NO_TASKS))

    story.append(Spacer(1, 4 * mm))
    story.append(para("III. BÁO CÁO ĐỊNH KỲ", "heading"))
    reports = periodic_on_time(filters, user)
    if reports is None:
        story.append(empty_notice(labels.NO_PERIODIC_REPORTS))
    else:
        story.append(
            data_table(
                ["Chỉ tiêu", "Số liệu"],
                [
                    ["Số kỳ báo cáo phải nộp", reports.due],
                    [labels.COL_REPORTS_ON_TIME, reports.on_time],
                    ["Nộp muộn", reports.late],
                    ["Chưa nộp (quá hạn)", reports.missing],
                ],
                columns(meta, [70, 30]),
                align=["LEFT", "RIGHT"],
            )
        )
    return build_pdf(story, meta)

"""2. The chair's overdue audit: the four standard figures per agency (its own parts) and in
total (tasks), then every lead agency's overdue part, grouped by agency, most overdue first:
the agency's own deadline (and the original one, if extended), its state and days overdue."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer

from agencies.models import User
from tasks.querysets import TimelinessFigures

from . import labels
from .appendix import part_deadline_text, ref_and_text
from .layout import (
    DocumentMeta,
    build_pdf,
    columns,
    data_table,
    empty_notice,
    para,
    report_heading,
)
from .queries import (
    OverduePartRow,
    ReportFilters,
    figures_by_agency,
    overdue_by_agency,
)

FIGURES_HEADER = [
    labels.COL_NO,
    labels.COL_AGENCY,
    labels.COL_TOTAL,
    labels.COL_DONE_ON_TIME,
    labels.COL_DONE_LATE,
    labels.COL_OPEN_ON_TIME,
    labels.COL_OPEN_OVERDUE,
    labels.COL_ON_TIME_RATE,
]
FIGURES_ALIGN = ["CENTER", "LEFT"] + ["RIGHT"] * 6
FIGURES_WIDTHS = [5, 35, 9, 11, 11, 11, 11, 10]

OVERDUE_HEADER = [
    labels.COL_NO,
    labels.COL_DIRECTIVE,
    labels.COL_TASK,
    labels.COL_OWN_DEADLINE,
    labels.COL_STATE,
    labels.COL_OFFICER,
    labels.COL_DAYS_OVERDUE,
]
OVERDUE_ALIGN = ["CENTER", "LEFT", "LEFT", "CENTER", "CENTER", "LEFT", "RIGHT"]
OVERDUE_WIDTHS = [5, 15, 40, 13, 12, 12, 8]


def rate_text(figures: TimelinessFigures) -> str:
    rate = figures.on_time_rate
    return "–" if rate is None else f"{rate:.1f}".replace(".", ",")


def figures_cells(figures: TimelinessFigures) -> list[object]:
    return [
        figures.total,
        figures.done_on_time,
        figures.done_late,
        figures.open_on_time,
        figures.open_overdue,
        rate_text(figures),
    ]


@labels.in_vietnamese
def build_overdue_audit(
    filters: ReportFilters,
    user: User | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """`progress` is told how many overdue parts have been read (a background export's bar)."""
    meta = DocumentMeta(
        title="Báo cáo kiểm tra nhiệm vụ quá hạn",
        filters=filters.describe(),
        generated_at=filters.now,
        landscape=True,
    )
    story = report_heading(
        filters.committee.name,
        "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ VÀ CÁC NHIỆM VỤ QUÁ HẠN",
        "",
        meta,
    )
    total, per_agency = figures_by_agency(filters, user)
    story.append(para("I. SỐ LIỆU TỔNG HỢP THEO ĐƠN VỊ CHỦ TRÌ", "heading"))
    if per_agency:
        rows = [
            [n, row.agency.name, *figures_cells(row.figures)]
            for n, row in enumerate(per_agency, start=1)
        ]
        story.append(
            data_table(
                FIGURES_HEADER,
                rows,
                columns(meta, FIGURES_WIDTHS),
                align=FIGURES_ALIGN,
                total_row=["", labels.TOTAL, *figures_cells(total)],
            )
        )
        story.append(para(labels.SHARED_LEAD_NOTE, "body_left"))
    else:
        story.append(empty_notice(labels.NO_TASKS))

    story.append(Spacer(1, 4 * mm))
    # Room for the section's heading, its first agency and a row, or start on a new page.
    story.append(CondPageBreak(50 * mm))
    story.append(para("II. DANH SÁCH NHIỆM VỤ QUÁ HẠN THEO ĐƠN VỊ CHỦ TRÌ", "heading"))
    states = labels.ASSIGNMENT_STATES
    read = 0

    def row(part: OverduePartRow) -> list[object]:
        nonlocal read
        read += 1
        if progress is not None:
            progress(read)
        return [
            part.directive_label,
            ref_and_text(part),
            part_deadline_text(part),
            states.get(part.state, part.state),
            part.officer,
            part.days_overdue,
        ]

    groups = overdue_by_agency(filters, user, row=row)
    if not groups:
        story.append(empty_notice(labels.NO_OVERDUE))
    for index, (agency_name, parts) in enumerate(groups, start=1):
        story.append(CondPageBreak(40 * mm))
        story.append(para(f"{index}. {agency_name} ({len(parts)} nhiệm vụ quá hạn)", "heading"))
        rows = [[n, *cells] for n, cells in enumerate(parts, start=1)]
        story.append(
            data_table(OVERDUE_HEADER, rows, columns(meta, OVERDUE_WIDTHS), align=OVERDUE_ALIGN)
        )
    return build_pdf(story, meta)

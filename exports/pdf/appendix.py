"""1. A directive's task appendix: "Phụ lục: Danh mục nhiệm vụ"."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from agencies.models import User
from tasks.models import Task, TaskAssignment

from . import labels
from .layout import DocumentMeta, build_pdf, columns, data_table, empty_notice, nfc, para, vn_date
from .queries import (
    AgencyPartRow,
    PartWords,
    PrintedPart,
    ReportFilters,
    coordinating_names,
    directive_label,
    is_for_all_members,
    lead_parts,
    leads,
    part_words,
    task_list,
)

# What the parts' texts below read: a Task (TaskAssignment) instance, or a part's row of plain
# values (exports/pdf/queries.py) with the same attributes.
TaskWords = Task | PrintedPart
OwnDeadline = TaskAssignment | PrintedPart


def task_text(task: TaskWords) -> str:
    """The task's words once. Its title is most often the first sentence of its content: then
    the content alone says everything; a content that does not start with the title follows
    it."""
    title = nfc(task.title).strip()
    content = nfc(task.content).strip()
    flat_title, flat_content = " ".join(title.split()), " ".join(content.split())
    if not flat_content or flat_content == flat_title:
        return title
    if flat_content.startswith(flat_title.rstrip("…").rstrip(" .;:")):
        return content
    return f"{title}\n{content}"


def ref_and_text(task: TaskWords) -> str:
    return f"{task.ref}. {task_text(task)}" if task.ref else task_text(task)


def deadline_text(task: Task) -> str:
    """The deadline the directive set (each lead's own, if extended, is in its part)."""
    parts = [vn_date(task.deadline)] if task.deadline else []
    if task.deadline_text:
        parts.append(f"({task.deadline_text})")
    return "\n".join(parts) or labels.TIMELINESS["no_deadline"]


def part_deadline_text(part: OwnDeadline) -> str:
    """A lead agency's own deadline, and the original one when it was extended."""
    if part.deadline is None:
        return labels.TIMELINESS["no_deadline"]
    text = vn_date(part.deadline)
    if part.original_deadline and part.original_deadline != part.deadline:
        text = f"{text}\n({labels.EXTENDED_FROM % vn_date(part.original_deadline)})"
    return text


def timeliness_text(task: Task | TaskAssignment | AgencyPartRow) -> str:
    # with_timeliness() annotates both (tasks/querysets.py); the models do not declare them
    timeliness, days = task.timeliness, task.days_overdue  # type: ignore[union-attr]
    text = labels.TIMELINESS.get(timeliness, timeliness)
    if days:
        text = f"{text} ({days} ngày)"
    return text


def _leads_cell(task: Task, words: PartWords) -> str:
    """A dispatched task: each lead's part; a draft: the lead agencies (either way, a task of
    every member says so in a line)."""
    if task.state != "draft":
        return lead_parts(task, words=words)
    if is_for_all_members(task):
        return words.all_members
    return "; ".join(a.agency.name for a in leads(task))


def task_rows(tasks: Iterable[Task]) -> list[list[object]]:
    words = part_words()  # read once, not once a task
    return [
        [
            task.ref or str(number),
            task_text(task),
            _leads_cell(task, words),
            coordinating_names(task),
            deadline_text(task),
            labels.TASK_STATES.get(task.state, task.state),
            timeliness_text(task),
        ]
        for number, task in enumerate(tasks, start=1)
    ]


HEADER = [
    labels.COL_REF,
    labels.COL_TASK,
    labels.COL_LEAD,
    labels.COL_COORDINATING,
    labels.COL_DEADLINE,
    labels.COL_STATE,
    labels.COL_TIMELINESS,
]
ALIGN = ["CENTER", "LEFT", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER"]
WIDTHS = [5, 30, 23, 13, 11, 8, 15]


@labels.in_vietnamese
def build_appendix(filters: ReportFilters, user: User | None = None) -> bytes:
    """The directive's tasks with their agencies, deadline, state and timeliness."""
    directive = filters.directive
    assert directive is not None, "the appendix is of one directive"
    meta = DocumentMeta(
        title="Phụ lục: Danh mục nhiệm vụ",
        filters=filters.describe(),
        generated_at=filters.now,
        landscape=True,
    )
    kind = labels.DOC_TYPES.get(directive.doc_type, "văn bản")
    issuer = f" của {directive.issuer_name}" if directive.issuer_name else ""
    story = [
        para(directive.committee.name.upper(), "org"),
        para("Phụ lục", "title"),
        para("DANH MỤC NHIỆM VỤ", "title"),
        para(f"(Kèm theo {kind} số {directive_label(directive)}{issuer})", "subtitle"),
        para(directive.subject, "note"),
        para(meta.filters_line(), "note"),
        para(meta.generated_line(), "note"),
        Spacer(1, 5 * mm),
    ]
    rows = task_rows(task_list(filters, user))
    if rows:
        story.append(data_table(HEADER, rows, columns(meta, WIDTHS), align=ALIGN))
    else:
        story.append(empty_notice(labels.NO_TASKS))
    return build_pdf(story, meta)

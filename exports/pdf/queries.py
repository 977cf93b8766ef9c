"""The data every generated document prints, asked of the same queryset methods as the screens.

Timeliness always comes from the one definition: a lead agency's own part from
`TaskAssignment.objects.with_timeliness()` / `.overdue()` / `.timeliness_summary()`, a task's
(derived from its leads') from `Task.objects.with_timeliness()` / `.overdue()` /
`.timeliness_summary()`; visibility from `Task.objects.visible_to(user)`. So a PDF or a
spreadsheet never disagrees with the dashboard. `user=None` means an operator's command: the
whole committee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Committee, Membership, User
from documents.models import Directive
from project.db import AnyOf
from project.errors import ActionError
from tasks.filters import (
    BAD_CHOICE,
    DateField,
    TaskCriteria,
    TaskFilter,
    filter_tasks,
)
from tasks.filters import committee_agencies as committee_agencies  # for exports/views.py
from tasks.models import Task, TaskAssignment
from tasks.querysets import TaskQuerySet, TimelinessFigures

from . import labels
from .layout import vn_date

T = TypeVar("T")


@dataclass(frozen=True)
class ReportFilters:
    """The filters a screen (or the command line) applies; the documents state them."""

    committee: Committee
    directive: Directive | None = None
    agency: Agency | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: str = ""
    timeliness: str = ""
    doc_type: str = ""
    year: int | None = None
    # As the task screens read them: `role` of the agency (lead by default, "coordinating" —
    # the screens still say "support" —, "any"),
    # `status` one of the screens' tabs (open, overdue, due_soon, done, all).
    role: str = ""
    status: str = ""
    # The agency is the person's own (an agency's staff): its parts as lead and co-ordinator.
    own_agency: bool = False
    now: dt.datetime = field(default_factory=timezone.now)

    def describe(self) -> list[str]:
        parts = [labels.FILTER_COMMITTEE % self.committee.name]
        if self.directive is not None:
            parts.append(labels.FILTER_DIRECTIVE % directive_label(self.directive))
        if self.agency is not None:
            role = labels.ROLES.get(self.role or ("any" if self.own_agency else "lead"), "")
            parts.append(labels.FILTER_AGENCY % f"{self.agency.name} ({role})")
        if self.status:
            parts.append(labels.FILTER_STATUS % labels.STATUS_TABS.get(self.status, self.status))
        if self.date_from:
            parts.append(labels.FILTER_FROM % vn_date(self.date_from))
        if self.date_to:
            parts.append(labels.FILTER_TO % vn_date(self.date_to))
        if self.state:
            state = labels.TASK_STATES.get(self.state) or labels.DIRECTIVE_STATES.get(self.state)
            parts.append(labels.FILTER_STATE % (state or self.state))
        if self.timeliness:
            parts.append(
                labels.FILTER_TIMELINESS % labels.TIMELINESS.get(self.timeliness, self.timeliness)
            )
        if self.doc_type:
            parts.append(
                labels.FILTER_DOC_TYPE % labels.DOC_TYPES.get(self.doc_type, self.doc_type)
            )
        if self.year:
            parts.append(labels.FILTER_YEAR % self.year)
        parts.append(labels.FILTER_AS_OF % vn_date(self.now))
        return parts


def directive_label(directive: Directive) -> str:
    if directive.number:
        when = f" ngày {vn_date(directive.issued_on)}" if directive.issued_on else ""
        return f"{directive.number_symbol}{when}"
    return directive.subject  # whole: the table cell wraps it (a cut read "Ban Chỉ đạo 3")


# ---- tasks


def task_criteria(filters: ReportFilters) -> TaskCriteria:
    """The task list's filters (tasks/filters.py) out of a document's."""
    return TaskCriteria(
        directive=filters.directive,
        agency=filters.agency,
        own_agency=filters.own_agency,
        role=filters.role,
        status=filters.status,
        date_from=filters.date_from,
        date_to=filters.date_to,
        state=filters.state,
        timeliness=filters.timeliness,
    )


def _assignments_prefetch(now: dt.datetime) -> Prefetch:
    """Each task's agencies, each lead's part with its own timeliness (the one definition)."""
    return Prefetch(
        "assignments",
        queryset=TaskAssignment.objects.with_timeliness(now)
        .select_related("agency", "officer")
        .order_by("role", "agency__code"),
    )


def _scoped_tasks(filters: ReportFilters, user: User | None) -> TaskQuerySet:
    """The committee's tasks the user sees that the filters select: the task list's one query
    (tasks/filters.py), so a document lists what the list page shows for the same URL."""
    tasks = Task.objects.filter(directive__committee=filters.committee)
    if user is not None:
        tasks = tasks.visible_to(user)
    return filter_tasks(tasks, task_criteria(filters), filters.now)


def _with_member_count(tasks: QuerySet, committee: Committee) -> QuerySet:
    """How many members the tasks' committee (`committee`: a document's tasks are all of its
    committee) has, so a task given to all of them can say so (`lead_parts`) without a query
    per task. Counted once for the query (an uncorrelated subquery, PostgreSQL's InitPlan):
    counted for each task, it was 4 of the 1M national task list's 6 seconds in SQL."""
    members = (
        Membership.objects.filter(committee_id=committee.pk)
        .order_by()
        .values("committee_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return tasks.annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0))


def _task_list_tasks(filters: ReportFilters, user: User | None) -> QuerySet:
    return _with_member_count(_scoped_tasks(filters, user), filters.committee).order_by(
        "directive__issued_on", "directive_id", "position", "id"
    )


def task_list(filters: ReportFilters, user: User | None = None) -> QuerySet:
    """The task list screen: tasks with their derived timeliness, agencies and each lead's
    part (state, own deadline, own timeliness)."""
    return (
        _task_list_tasks(filters, user)
        .select_related("directive")
        .prefetch_related(_assignments_prefetch(filters.now))
    )


class AgencyName(NamedTuple):
    name: str
    short_name: str


class PartRow(NamedTuple):
    """An agency's part as `task_list_rows` reads it: what the texts below print of a
    TaskAssignment, without the model instance."""

    agency_id: int
    agency: AgencyName
    role: str
    state: str
    deadline: dt.date | None
    timeliness: str


@dataclass(slots=True)
class TaskRow:
    """A row of `task_list`, read as plain values: the attributes the columns print of a Task
    and its parts (`parts`, what `task.assignments.all()` gives a prefetched Task)."""

    directive_label: str
    ref: str
    title: str
    deadline: dt.date | None
    deadline_text: str
    state: str
    timeliness: str
    days_overdue: int | None
    completed_at: dt.datetime | None
    member_count: int
    parts: list[PartRow]


TASK_ROW_FIELDS = (
    "id",
    "directive_id",
    "ref",
    "title",
    "deadline",
    "deadline_text",
    "state",
    "timeliness",
    "days_overdue",
    "completed_at",
    "member_count",
)


def task_list_rows(
    filters: ReportFilters, user: User | None = None, *, chunk: int = 2000
) -> Iterator[TaskRow]:
    """`task_list` as TaskRows, read with `values_list()` `chunk` tasks at a time, each chunk's
    parts in one more query: a long export builds no model instances (issue 11: the ORM and
    django-fsm's per-instance set-up were half of the xlsx's time). Each directive's label is
    made once."""
    tasks = _task_list_tasks(filters, user).values_list(*TASK_ROW_FIELDS)
    for batch, directive_labels in _labelled_batches(tasks, 1, chunk):
        parts: dict[int, list[PartRow]] = {}
        for task_id, agency_id, name, short_name, *rest in (
            TaskAssignment.objects.filter(AnyOf(F("task_id"), [row[0] for row in batch]))
            .with_timeliness(filters.now)
            .order_by("task_id", "role", "agency__code")
            .values_list(
                "task_id",
                "agency_id",
                "agency__name",
                "agency__short_name",
                "role",
                "state",
                "deadline",
                "timeliness",
            )
        ):
            parts.setdefault(task_id, []).append(
                PartRow(agency_id, AgencyName(name, short_name), *rest)
            )
        for task_id, directive_id, *values in batch:
            # one tuple, so that mypy counts its fields (a starred list beside more arguments
            # reads to it as too many)
            fields = (directive_labels[directive_id], *values, parts.get(task_id, []))
            yield TaskRow(*fields)


def overdue_list(filters: ReportFilters, user: User | None = None) -> QuerySet:
    """Open tasks with a lead past its own deadline, most overdue first
    (`Task.objects.overdue()`)."""
    return (
        _with_member_count(_scoped_tasks(filters, user).overdue(filters.now), filters.committee)
        .select_related("directive")
        .prefetch_related(_assignments_prefetch(filters.now))
    )


def overdue_parts(filters: ReportFilters, user: User | None = None) -> QuerySet:
    """Every lead agency's part past its own deadline and still owed, most overdue first
    (`TaskAssignment.objects.overdue()`), over the tasks the filters select; with a filtered
    agency, that agency's parts only."""
    parts = TaskAssignment.objects.filter(task__in=_scoped_tasks(filters, user).values("pk"))
    if filters.agency is not None:
        parts = parts.filter(agency=filters.agency)
    return (
        parts.overdue(filters.now)
        .select_related("agency", "officer", "task__directive")
        .order_by("-days_overdue", "due_at", "task__directive_id", "task__position", "id")
    )


def _labelled_batches(
    queryset: QuerySet, directive_at: int, chunk: int
) -> Iterator[tuple[list[tuple], dict[int, str]]]:
    """The rows of a `values_list()` queryset, `chunk` at a time, each batch with the labels
    of its directives (the id at `directive_at` in a row): a directive's label is made once,
    and its directives read in one query per batch."""
    labels_by_id: dict[int, str] = {}
    rows = queryset.iterator(chunk_size=chunk)
    while batch := list(islice(rows, chunk)):
        missing = {row[directive_at] for row in batch} - labels_by_id.keys()
        for directive in Directive.objects.filter(pk__in=missing).only_with_state(
            "number", "symbol", "issued_on", "subject"
        ):
            labels_by_id[directive.pk] = directive_label(directive)
        yield batch, labels_by_id


@dataclass(slots=True, kw_only=True)
class PrintedPart:
    """A lead agency's part as the documents print it, read as plain values (no model instance
    per part): what `appendix`'s texts read of it."""

    directive_label: str
    ref: str
    title: str
    content: str  # the task's content ("" where the document does not print it)
    deadline: dt.date | None
    original_deadline: dt.date | None
    state: str
    days_overdue: int | None


@dataclass(slots=True, kw_only=True)
class OverduePartRow(PrintedPart):
    """A row of `overdue_parts`: what the overdue list and the audit print."""

    agency_id: int
    agency_name: str
    officer: str


def overdue_part_rows(
    filters: ReportFilters,
    user: User | None = None,
    *,
    chunk: int = 2000,
    content: bool = False,
) -> Iterator[OverduePartRow]:
    """`overdue_parts` as OverduePartRows, read with `values_list()` `chunk` parts at a time:
    no model instance per part, its agency, officer or task; `content=True` reads each task's
    content too."""
    columns = [
        "agency_id",
        "agency__name",
        "task__directive_id",
        "task__ref",
        "task__title",
        "deadline",
        "original_deadline",
        "state",
        "officer__full_name",
        "officer__first_name",
        "officer__last_name",
        "officer__username",
        "days_overdue",
    ]
    if content:
        columns.append("task__content")
    rows = overdue_parts(filters, user).values_list(*columns)
    for batch, directive_labels in _labelled_batches(rows, 2, chunk):
        for agency_id, agency, directive_id, ref, title, *values in batch:
            deadline, original, state, full, first, last, username, days, *text = values
            yield OverduePartRow(
                agency_id=agency_id,
                agency_name=agency,
                directive_label=directive_labels[directive_id],
                ref=ref,
                title=title,
                content=text[0] if text else "",
                deadline=deadline,
                original_deadline=original,
                state=state,
                officer=_person_name(full, first, last, username),
                days_overdue=days,
            )


@dataclass(slots=True, kw_only=True)
class AgencyPartRow(PrintedPart):
    """A row of `agency_parts`: what the scorecard prints of a part."""

    timeliness: str


def agency_part_rows(
    filters: ReportFilters, user: User | None = None, *, chunk: int = 2000
) -> Iterator[AgencyPartRow]:
    """`agency_parts` as AgencyPartRows, read with `values_list()` `chunk` parts at a time: a
    scorecard of 50,000 parts builds no model instance (nor django-fsm's set-up of each)."""
    parts = agency_parts(filters, user).values_list(
        "task__directive_id",
        "task__ref",
        "task__title",
        "task__content",
        "deadline",
        "original_deadline",
        "state",
        "timeliness",
        "days_overdue",
    )
    for batch, directive_labels in _labelled_batches(parts, 0, chunk):
        for directive_id, ref, title, content, deadline, original, state, timeliness, days in batch:
            yield AgencyPartRow(
                directive_label=directive_labels[directive_id],
                ref=ref,
                title=title,
                content=content,
                deadline=deadline,
                original_deadline=original,
                state=state,
                timeliness=timeliness,
                days_overdue=days,
            )


def _parts(task: Task | TaskRow) -> Iterable[Any]:
    """A task's parts: a Task's prefetched assignments, or a TaskRow's PartRows."""
    return task.parts if isinstance(task, TaskRow) else task.assignments.all()


def leads(task: Task | TaskRow) -> list[Any]:
    return [a for a in _parts(task) if a.role == "lead" and a.state != "cancelled"]


def lead_names(task: Task | TaskRow) -> str:
    return "; ".join(a.agency.name for a in leads(task))


def coordinating_names(task: Task | TaskRow) -> str:
    return "; ".join(
        a.agency.name for a in _parts(task) if a.role == "coordinating" and a.state != "cancelled"
    )


@dataclass(frozen=True, slots=True)
class PartWords:
    """The words a lead's part is told in, read from the catalogue once (`part_words()`): a
    long export tells 400,000 parts, and each read of `labels.X` asks Django for the active
    language."""

    states: Mapping[str, str]
    own_deadline: str
    # "open_overdue" and "done_late", as they follow a part's state
    late: Mapping[str, str]
    all_members: str
    overdue_members: str
    all_overdue: str


def part_words() -> PartWords:
    """PartWords in the active language."""
    timeliness = labels.TIMELINESS
    return PartWords(
        states=labels.ASSIGNMENT_STATES,
        own_deadline=labels.OWN_DEADLINE,
        late={key: timeliness[key].lower() for key in ("open_overdue", "done_late")},
        all_members=labels.ALL_MEMBERS,
        overdue_members=labels.OVERDUE_MEMBERS,
        all_overdue=labels.ALL_OVERDUE,
    )


def part_text(
    part: TaskAssignment | PartRow,
    task: Task | TaskRow | None = None,
    words: PartWords | None = None,
) -> str:
    """One lead's part as the documents print it: its state and, when it differs from the
    task's, its own deadline ("Đang thực hiện, hạn 28/02/2021 (gia hạn)")."""
    if words is None:
        words = part_words()
    text = words.states.get(part.state, part.state)
    task = task or part.task  # type: ignore[union-attr]  # a PartRow comes with its task
    if part.deadline and part.deadline != task.deadline:
        text = f"{text}, {words.own_deadline % vn_date(part.deadline)}"
    late = words.late.get(getattr(part, "timeliness", ""))
    if late:
        text = f"{text} – {late}"
    return text


def _person_name(
    full_name: str | None, first: str | None, last: str | None, username: str | None
) -> str:
    """How a person is named in the documents (as User.get_full_name joins first and last)."""
    return full_name or f"{first or ''} {last or ''}".strip() or username or ""


def officer_name(part: TaskAssignment) -> str:
    officer = part.officer
    if officer is None:
        return ""
    return _person_name(officer.full_name, officer.first_name, officer.last_name, officer.username)


def is_for_all_members(task: Task | TaskRow, parts: list[Any] | None = None) -> bool:
    """A task every member of the committee leads (e.g. "các thành viên Ban Chỉ đạo báo
    cáo…"): known from the list queries' `member_count`."""
    parts = leads(task) if parts is None else parts
    members = getattr(task, "member_count", None)
    return members is not None and members >= 3 and len({a.agency_id for a in parts}) >= members


def all_members_text(task: Task | TaskRow, words: PartWords | None = None) -> str:
    """ "Các thành viên Ban Chỉ đạo", how their parts stand, and who is overdue by name."""
    if words is None:
        words = part_words()
    parts = leads(task)
    counts: dict[str, int] = {}
    for part in parts:
        label = words.states.get(part.state, part.state)
        counts[label] = counts.get(label, 0) + 1
    lines = [words.all_members, "; ".join(f"{label}: {n}" for label, n in counts.items())]
    late = [
        a.agency.short_name or a.agency.name
        for a in parts
        if getattr(a, "timeliness", "") == "open_overdue"
    ]
    if late and len(late) == len(parts):
        lines.append(words.all_overdue)
    elif late:
        lines.append(words.overdue_members % ", ".join(late))
    return "\n".join(lines)


def lead_parts(task: Task | TaskRow, *, names: bool = True, words: PartWords | None = None) -> str:
    """Each lead's part, one per line: "Công an tỉnh Kiên Giang: Đã hoàn thành"; a task of
    every member: "Các thành viên Ban Chỉ đạo" and how their parts stand. `words`: read once
    by a caller that tells many tasks."""
    if words is None:
        words = part_words()
    parts = leads(task)
    if names and is_for_all_members(task, parts):
        return all_members_text(task, words)
    if names:
        return "\n".join(f"{a.agency.name}: {part_text(a, task, words)}" for a in parts)
    return "\n".join(part_text(a, task, words) for a in parts)


# ---- figures


@dataclass
class AgencyFigures:
    agency: Agency
    figures: TimelinessFigures
    days_late: int = 0


def figures_by_agency(
    filters: ReportFilters, user: User | None = None, *, with_days_late: bool = False
) -> tuple[TimelinessFigures, list[AgencyFigures]]:
    """The four standard figures in total (a task counted once, from its leads) and per lead
    agency (each agency's own parts against its own deadline); agencies with no part omitted."""
    scoped = _scoped_tasks(filters, user)
    total = scoped.timeliness_summary(now=filters.now)
    per_agency = scoped.timeliness_summary(by="agency", now=filters.now)
    days_late: dict[int, int] = {}
    if with_days_late:
        rows = (
            TaskAssignment.objects.filter(task__in=scoped.values("pk"))
            .leads()
            .with_timeliness(filters.now)
            .filter(days_overdue__gt=0)
            .order_by()
            .values("agency")
            .annotate(days=Sum("days_overdue"))
            .values_list("agency", "days")
        )
        days_late = dict(rows)
    agencies = Agency.objects.in_bulk(list(per_agency))
    rows_out = [
        AgencyFigures(agencies[pk], figures, days_late.get(pk, 0))
        for pk, figures in per_agency.items()
        if pk in agencies
    ]
    rows_out.sort(key=lambda r: (-r.figures.open_overdue, r.agency.name))
    return total, rows_out


def overdue_by_agency(
    filters: ReportFilters,
    user: User | None,
    *,
    row: Callable[[OverduePartRow], T],
) -> list[tuple[str, list[T]]]:
    """Every overdue lead part grouped by its agency (named), each group most overdue first;
    `row` turns each part into what the caller keeps (a row of text), as the parts stream in
    chunks as plain values (`overdue_part_rows`), so a national audit holds no model instance."""
    groups: dict[int, tuple[str, list[T]]] = {}
    for part in overdue_part_rows(filters, user, content=True):
        groups.setdefault(part.agency_id, (part.agency_name, []))[1].append(row(part))
    return sorted(groups.values(), key=lambda g: (-len(g[1]), g[0]))


def agency_parts(filters: ReportFilters, user: User | None = None) -> QuerySet:
    """The scorecard's rows: the agency's own parts as lead of the tasks within the period,
    each with its own deadline and timeliness."""
    assert filters.agency is not None
    scoped = _scoped_tasks(replace(filters, agency=None), user)
    return (
        TaskAssignment.objects.filter(task__in=scoped.values("pk"), agency=filters.agency)
        .leads()
        .exclude(state__in=["draft", "cancelled"])
        .with_timeliness(filters.now)
        .select_related("task__directive", "agency")
        .order_by("deadline", "task__directive_id", "task__position", "id")
    )


# ---- directives


def directive_list(filters: ReportFilters, user: User | None = None) -> QuerySet:
    directives = Directive.objects.filter(committee=filters.committee)
    if user is not None:
        directives = directives.visible_to(user)
    if filters.doc_type:
        directives = directives.filter(doc_type=filters.doc_type)
    if filters.year:
        directives = directives.filter(year=filters.year)
    if filters.date_from:
        directives = directives.filter(issued_on__gte=filters.date_from)
    if filters.date_to:
        directives = directives.filter(issued_on__lte=filters.date_to)
    if filters.state:
        directives = directives.filter(state=filters.state)
    return directives.annotate(task_count=Count("tasks")).order_by("-issued_on", "-id")


# ---- reading filters from a screen's query string or the command line

BAD_YEAR = _("“%(value)s” is not a year.")


def parse_date(value: str) -> dt.date | None:
    """dd/mm/yyyy as the screens show it, or yyyy-mm-dd as date inputs send it: read by the
    task list's date field, so a letter's dates and a list's filters accept the same."""
    try:
        return DateField(required=False).clean((value or "").strip())
    except ValidationError as exc:
        raise ActionError(exc.messages[0]) from None


def parse_filters(
    committee: Committee,
    params: Mapping[str, str],
    *,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> ReportFilters:
    """The filters of a list screen's query string, read by the task list's FilterSet (so the
    documents select what the list page shows), plus the directive list's doc_type and year;
    raise ActionError with a message for the person."""
    now = now or timezone.now()
    params = {name: (value or "").strip() for name, value in params.items()}
    task_filter = TaskFilter(params, user=user, committee=committee, now=now)
    errors = task_filter.error_messages()
    if errors:
        raise ActionError(errors[0])
    criteria = task_filter.criteria
    year = None
    if params.get("year"):
        if not params["year"].isdigit():
            raise ActionError(BAD_YEAR % {"value": params["year"]})
        year = int(params["year"])
    doc_type = params.get("doc_type", "")
    if doc_type and doc_type not in labels.DOC_TYPES:
        raise ActionError(BAD_CHOICE % {"value": doc_type, "name": _("document type")})
    return ReportFilters(
        committee=committee,
        directive=criteria.directive,
        agency=criteria.agency,
        own_agency=criteria.own_agency,
        role=criteria.role,
        status=criteria.status,
        date_from=criteria.date_from,
        date_to=criteria.date_to,
        state=criteria.state,
        timeliness=criteria.timeliness,
        doc_type=doc_type,
        year=year if criteria.directive is None else None,
        now=now,
    )

"""Questions asked of tasks and assignments. Timeliness is defined once, per assignment, in
`AssignmentQuerySet.with_timeliness`; a task's is derived from its lead assignments' in SQL:
stored as the summary of its leads (`lead_summary`, built from the same terms, REPORTED_IN_TIME
and DONE_LATE) and turned into the timeliness of any moment by `TaskQuerySet.with_timeliness`.

Every list, dashboard, export and PDF asks these, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from django.apps import apps
from django.conf import settings
from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import calendar as workdays
from agencies import permissions as perms

from .deadlines import VIETNAM, deadline_end, today_in_vietnam

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from agencies.models import Agency
    from agencies.permissions import AnyUser

    from .models import Task

# An assignment's open states (tasks.models.OPEN_ASSIGNMENT_STATES; repeated as plain strings
# because the models import this module).
OPEN = ("assigned", "in_progress", "awaiting_head", "reported", "returned")
OWING = ("assigned", "in_progress", "awaiting_head", "returned")


class Timeliness(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OPEN_ON_TIME = "open_on_time", _("Open, within deadline")
    OPEN_OVERDUE = "open_overdue", _("Open, overdue")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    NO_DEADLINE = "no_deadline", _("Ongoing, no deadline")
    NOT_STARTED = "not_started", _("Not yet assigned")
    CANCELLED = "cancelled", _("Cancelled")


class DaysBetween(models.Func):
    """Whole days from `start` to `end` (both dates), in SQL on every backend."""

    output_field = models.IntegerField()
    arity = 2

    def __init__(self, end: Any, start: Any, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        # PostgreSQL: date - date is an integer number of days. The template is always this
        # one: a caller's function, template or joiner would not be a difference in days.
        return self.as_sql_template(compiler, connection, "((%(expressions)s))", " - ")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return self.as_sql_template(
            compiler, connection, "CAST(julianday(%(expressions)s) AS INTEGER)", ") - julianday("
        )

    def as_sql_template(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, template: str, joiner: str
    ) -> _AsSqlType:
        return super().as_sql(compiler, connection, template=template, arg_joiner=joiner)


def _local_date(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=VIETNAM)


@dataclass(frozen=True)
class TimelinessFigures:
    """The four figures every Vietnamese task report uses, plus due soon and ongoing."""

    done_on_time: int = 0
    done_late: int = 0
    open_on_time: int = 0
    open_overdue: int = 0
    due_soon: int = 0
    no_deadline: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        return self.open_on_time + self.open_overdue

    @property
    def total(self) -> int:
        return self.done + self.open

    @property
    def on_time_rate(self) -> float | None:
        """Share done on time among those done or past their deadline."""
        base = self.done + self.open_overdue
        return round(100 * self.done_on_time / base, 1) if base else None

    @classmethod
    def sum(cls, many: Iterable[TimelinessFigures]) -> TimelinessFigures:
        """The figures of several groups together (a committee's, from its directives')."""
        names = [name for name in cls.__dataclass_fields__]
        totals = dict.fromkeys(names, 0)
        for figures in many:
            for name in names:
                totals[name] += getattr(figures, name)
        return cls(**totals)


# The timeliness values each figure counts: "Đang thực hiện trong hạn" counts everything open
# and not yet overdue. The list filters and the grouped counts both read it.
FIGURE_VALUES: dict[str, tuple[str, ...]] = {
    "done_on_time": (Timeliness.DONE_ON_TIME,),
    "done_late": (Timeliness.DONE_LATE,),
    "open_on_time": (Timeliness.OPEN_ON_TIME, Timeliness.DUE_SOON, Timeliness.NO_DEADLINE),
    "open_overdue": (Timeliness.OPEN_OVERDUE,),
    "due_soon": (Timeliness.DUE_SOON,),
    "no_deadline": (Timeliness.NO_DEADLINE,),
}
FIGURE_FILTERS = {name: Q(timeliness__in=values) for name, values in FIGURE_VALUES.items()}

# What a lead's part says whatever the moment, in with_timeliness's terms and in the stored
# summary of a task's leads (lead_summary), so the two cannot drift apart:
# its report came in by its deadline and awaits review: on time, however long the review takes;
REPORTED_IN_TIME = Q(state="reported", reported_at__lte=F("due_at"))
# accepted, its result having come in after its deadline (or with no time recorded): done late;
DONE_LATE = Q(state="accepted", due_at__isnull=False) & ~Q(result_reported_at__lte=F("due_at"))
# by this many days (the result's day after the deadline's, in Vietnam).
DAYS_LATE = DaysBetween(_local_date("result_reported_at"), _local_date("due_at"))

# The lead parts the figures count, split by whether the moment of asking can still change
# their timeliness. SETTLED: accepted (done on time or late), open with no deadline, or
# REPORTED_IN_TIME: with_timeliness gives them the same value at every moment, so their counts
# are kept per committee and agency (LeadTally). LIVE: open with a deadline they can still
# miss (or have missed): counted at the moment of asking. Draft and cancelled parts are in
# neither, and no figure counts them.
SETTLED = Q(role="lead") & (
    Q(state="accepted") | Q(state__in=OPEN, due_at__isnull=True) | REPORTED_IN_TIME
)
# The partial index that finds LIVE parts (with the few reported in time); LIVE repeats its
# terms as written, which is how the planner knows the index holds every LIVE part.
LIVE_INDEX = Q(role="lead", state__in=OPEN, due_at__isnull=False)
LIVE = LIVE_INDEX & (
    Q(state__in=OWING)
    | Q(state="reported", reported_at__isnull=True)
    | Q(state="reported", reported_at__gt=F("due_at"))
)

# How urgent an open lead's part is: a task is as urgent as its most urgent open lead.
_OPEN_RANK = {
    Timeliness.NO_DEADLINE: 1,
    Timeliness.OPEN_ON_TIME: 2,
    Timeliness.DUE_SOON: 3,
    Timeliness.OPEN_OVERDUE: 4,
}


class LeadStatus(models.TextChoices):
    """What a task's leads say about it, whatever the time: its stored summary (Task.lead_status).
    With `lead_due_at` (the earliest deadline an open lead can still miss) the time of asking
    turns OPEN into overdue, due soon or on time."""

    NOT_STARTED = "not_started", _("Not yet assigned")
    CANCELLED = "cancelled", _("Cancelled")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    OPEN = "open", _("Open, with a deadline")
    NO_DEADLINE = "no_deadline", _("Ongoing, no deadline")
    NONE = "", _("Under way, no lead working")


def lead_summary(assignment_model: type[models.Model]) -> dict[str, models.Expression]:
    """The stored summary of each task's leads as SQL expressions over its assignments (for
    UPDATE … SET), in AssignmentQuerySet.with_timeliness's terms: a lead's part is DONE_LATE,
    by DAYS_LATE; an open part can still be missed unless REPORTED_IN_TIME. Takes the model so
    a migration can pass its historical one (no calendar is read: nothing here depends on the
    moment)."""
    leads = assignment_model._default_manager.filter(task=OuterRef("pk"), role="lead").exclude(
        state="cancelled"
    )
    open_leads = leads.filter(state__in=OPEN)
    missable = open_leads.filter(due_at__isnull=False).exclude(REPORTED_IN_TIME)
    late = leads.filter(DONE_LATE)
    days_late = (
        late.filter(result_reported_at__isnull=False)
        .order_by()
        .values("task")
        .annotate(most=Max(DAYS_LATE))
        .values("most")[:1]
    )
    earliest = missable.order_by().values("task").annotate(first=Min("due_at")).values("first")
    status = Case(
        When(state="draft", then=Value(LeadStatus.NOT_STARTED)),
        When(state="cancelled", then=Value(LeadStatus.CANCELLED)),
        When(Q(state="completed") & Exists(late), then=Value(LeadStatus.DONE_LATE)),
        When(state="completed", then=Value(LeadStatus.DONE_ON_TIME)),
        When(Exists(open_leads.filter(due_at__isnull=False)), then=Value(LeadStatus.OPEN)),
        When(Exists(open_leads), then=Value(LeadStatus.NO_DEADLINE)),
        default=Value(LeadStatus.NONE),
        output_field=models.CharField(),
    )
    return {
        "lead_status": status,
        "lead_due_at": Case(
            When(state="assigned", then=Subquery(earliest[:1])),
            default=Value(None),
            output_field=models.DateTimeField(),
        ),
        "lead_days_late": Case(
            When(state="completed", then=Coalesce(Subquery(days_late), Value(0))),
            default=Value(0),
            output_field=models.IntegerField(),
        ),
    }


def _summarise(
    queryset: models.QuerySet, key: str | None
) -> TimelinessFigures | dict[int, TimelinessFigures]:
    """Count rows annotated with `timeliness`, grouped by (key, timeliness): the CASE is
    computed once per row and the database returns a handful of (key, value, count) rows, which
    fold into the figures here."""
    if key is None:
        rows = queryset.order_by().values_list("timeliness").annotate(rows=Count("*"))
        return _fold(((None, value, n) for value, n in rows), None)
    return _fold(queryset.order_by().values_list(key, "timeliness").annotate(rows=Count("*")), key)


# Which figures each timeliness value counts in (FIGURE_VALUES turned round).
_VALUE_FIGURES: dict[str, list[str]] = {
    value: [name for name, values in FIGURE_VALUES.items() if value in values]
    for value in {value for values in FIGURE_VALUES.values() for value in values}
}


def _fold(
    rows: Iterable[tuple[int | None, str, int]], key: str | None
) -> TimelinessFigures | dict[int, TimelinessFigures]:
    """(key, timeliness, rows) tuples, folded into each key's figures (an administrator's
    dashboard folds some 100,000: tuples, and each value's figures looked up once)."""
    counts: dict[int | None, dict[str, int]] = {}
    for group, value, number in rows:
        if key and group is None:
            continue
        figures_of = counts.get(group)
        if figures_of is None:
            figures_of = counts[group] = dict.fromkeys(FIGURE_VALUES, 0)
        for name in _VALUE_FIGURES.get(value, ()):
            figures_of[name] += number
    figures = {group: TimelinessFigures(**named) for group, named in counts.items()}
    if key is None:
        return figures.get(None, TimelinessFigures())
    # Grouped, no group is None (skipped above).
    return {group: figures[group] for group in sorted(g for g in figures if g is not None)}


def _due_soon_until(now: dt.datetime, due_soon_days: int | None) -> dt.datetime:
    if due_soon_days is None:
        due_soon_days = settings.DUE_SOON_WORKING_DAYS
    return deadline_end(workdays.add_working_days(today_in_vietnam(now), due_soon_days))


class AssignmentQuerySet(models.QuerySet):
    def leads(self) -> AssignmentQuerySet:
        return self.filter(role="lead")

    def open(self) -> AssignmentQuerySet:
        """Lead parts still owed: assigned, under way, with the head, reported or returned."""
        return self.filter(role="lead", state__in=OPEN)

    def owing(self) -> AssignmentQuerySet:
        """Lead parts on which the agency still has to act: what urging chases."""
        return self.filter(role="lead", state__in=OWING)

    def of_agency(self, agency: Agency | int) -> AssignmentQuerySet:
        return self.filter(agency=agency)

    def with_timeliness(
        self, now: dt.datetime | None = None, due_soon_days: int | None = None
    ) -> AssignmentQuerySet:
        """Annotate `timeliness` (a Timeliness value) and `days_overdue`, in SQL: the one
        definition every figure of the product comes from.

        An agency is late when its own deadline's last instant (23:59:59 in Vietnam, moved past
        days off) has passed. A done part is measured by when its accepted report came in; a
        report that came in on time and awaits review is still on time. An extension moves only
        the deadline ahead: it can only be asked for before the deadline, so it never turns a
        late part into an on-time one.
        """
        now = now or timezone.now()
        today = today_in_vietnam(now)
        due_soon_until = _due_soon_until(now, due_soon_days)
        is_open = Q(state__in=OPEN)
        reported_in_time = REPORTED_IN_TIME
        timeliness = Case(
            When(state="cancelled", then=Value(Timeliness.CANCELLED)),
            When(state="draft", then=Value(Timeliness.NOT_STARTED)),
            When(DONE_LATE, then=Value(Timeliness.DONE_LATE)),
            When(state="accepted", then=Value(Timeliness.DONE_ON_TIME)),
            When(is_open & Q(due_at__isnull=True), then=Value(Timeliness.NO_DEADLINE)),
            When(reported_in_time, then=Value(Timeliness.OPEN_ON_TIME)),
            When(is_open & Q(due_at__lt=now), then=Value(Timeliness.OPEN_OVERDUE)),
            When(is_open & Q(due_at__lte=due_soon_until), then=Value(Timeliness.DUE_SOON)),
            default=Value(Timeliness.OPEN_ON_TIME),
            output_field=models.CharField(),
        )
        days_overdue = Case(
            When(
                is_open & Q(due_at__lt=now) & ~reported_in_time,
                then=DaysBetween(
                    Value(today, output_field=models.DateField()), _local_date("due_at")
                ),
            ),
            When(state="accepted", result_reported_at__gt=F("due_at"), then=DAYS_LATE),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        return self.annotate(timeliness=timeliness, days_overdue=days_overdue)

    def overdue(self, now: dt.datetime | None = None) -> AssignmentQuerySet:
        """Lead parts past their own deadline on which the agency still has to act, most overdue
        first (a part reported late counts as open overdue in the figures, but it waits for the
        standing office, so it is not chased)."""
        now = now or timezone.now()
        # Days overdue fall as the deadline gets later, so (due_at, id) is the same order as
        # (-days_overdue, due_at, id), and an index gives it without computing every row.
        # An owed part past its deadline is exactly what with_timeliness calls OPEN_OVERDUE
        # (only a *reported* part can be on time after its deadline; tests hold the two
        # together): the CASE is not repeated as a filter, for the planner cannot estimate it,
        # expects almost no rows and then sorts every overdue part instead of reading the
        # index in order.
        return self.owing().filter(due_at__lt=now).with_timeliness(now).order_by("due_at", "id")

    @overload
    def timeliness_summary(
        self, by: None = None, now: dt.datetime | None = None
    ) -> TimelinessFigures: ...

    @overload
    def timeliness_summary(
        self, by: str, now: dt.datetime | None = None
    ) -> dict[int, TimelinessFigures]: ...

    def timeliness_summary(
        self, by: str | None = None, now: dt.datetime | None = None
    ) -> TimelinessFigures | dict[int, TimelinessFigures]:
        """Each lead agency's four figures, counted over its own parts: in total, or per
        agency, directive or committee, with one grouped query."""
        queryset = self.leads().with_timeliness(now)
        if by is None:
            return _summarise(queryset, None)
        keys = {
            "agency": "agency",
            "directive": "task__directive",
            "committee": "task__directive__committee",
        }
        if by not in keys:
            raise ValueError(f"cannot summarise by {by!r}")
        return _summarise(queryset, keys[by])


_NOBODY = -1  # no committee's figures (None means every committee's)


def _tally_scope(user: AnyUser) -> int | None:
    """Whose committee figures this person may see from a tally, by TaskQuerySet.visible_to's
    rule for committee staff: every committee's (None) for the administrator, their
    committee's for its standing office and chairs, none (_NOBODY) for anyone else, a
    committee role not yet given its committee included."""
    if perms.is_admin(user):
        return None
    if perms.is_active(user) and user.role in ("secretariat", "chair") and user.committee_id:
        return int(user.committee_id)
    return _NOBODY


class _TallyQuerySet(models.QuerySet):
    """A stored count of settled rows per (group, timeliness), read beside the live rows
    counted at the moment of asking. Subclasses say which rows are live, how both narrow to
    a committee, and what the group is and what the count is called."""

    group: str  # the key of the figures, a column of both the tally and the live rows
    counted: str  # the tally's count column

    def _live(self) -> AssignmentQuerySet | TaskQuerySet:
        raise NotImplementedError

    def _in_committee(
        self, stored: models.QuerySet, live: AssignmentQuerySet | TaskQuerySet, committee: int
    ) -> tuple[models.QuerySet, AssignmentQuerySet | TaskQuerySet]:
        raise NotImplementedError

    def summary_for(
        self, user: AnyUser, now: dt.datetime | None = None, *, by: str = ""
    ) -> dict[int, TimelinessFigures]:
        """The figures this person may see (_tally_scope), grouped `by` (timeliness_summary)."""
        scope = _tally_scope(user)
        return {} if scope == _NOBODY else self.timeliness_summary(scope, now, by=by)

    def timeliness_summary(
        self, committee: int | None = None, now: dt.datetime | None = None, *, by: str = ""
    ) -> dict[int, TimelinessFigures]:
        """Each group's figures over a committee's rows (every committee's with None): the
        settled rows' stored counts and the live rows counted now, in one statement (both read
        the same snapshot, so a row that settles meanwhile is counted once). `by` groups them
        coarser, by a lookup both the tally and the live rows reach (the committee, for the
        administrator: the database folds 20,000 directives into 64 committees, not Python)."""
        group = by or self.group
        stored: models.QuerySet = self.all()
        live = self._live()
        if committee is not None:
            stored, live = self._in_committee(stored, live, committee)
        stored_rows = (
            stored.order_by().values_list(group, "timeliness").annotate(rows=Sum(self.counted))
        )
        live_rows = (
            live.with_timeliness(now)
            .order_by()
            .values_list(group, "timeliness")
            .annotate(rows=Count("*"))
        )
        figures = _fold(stored_rows.union(live_rows, all=True), group)
        assert isinstance(figures, dict)
        return figures


class LeadTallyQuerySet(_TallyQuerySet):
    """Each lead agency's figures over its parts of a committee's tasks, as
    `AssignmentQuerySet.timeliness_summary(by="agency")` counts them."""

    group, counted = "agency_id", "parts"

    def _live(self) -> AssignmentQuerySet:
        return AssignmentQuerySet(apps.get_model("tasks", "TaskAssignment")).filter(LIVE)

    def _in_committee(
        self, stored: models.QuerySet, live: AssignmentQuerySet | TaskQuerySet, committee: int
    ) -> tuple[models.QuerySet, AssignmentQuerySet | TaskQuerySet]:
        # The live parts: one range of an index.
        return stored.filter(committee_id=committee), live.filter(committee_id=committee)


def _lock_in_order(tally_model: type[models.Model], keys: list[tuple[int, ...]]) -> None:
    """On PostgreSQL, a transaction-level advisory lock on each key, in the order given (sorted
    by the callers, so two actions never wait for each other in a circle). SQLite runs one
    writer at a time."""
    connection = connections[tally_model._default_manager.db]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(f"SELECT pg_advisory_xact_lock({', '.join(['%s'] * len(key))})", key)


def refresh_lead_tallies(
    assignment_model: type[models.Model],
    tally_model: type[models.Model],
    tasks: models.QuerySet | None = None,
) -> None:
    """Recount the settled lead parts (SETTLED) of every (committee, lead agency) that has a
    lead part in `tasks`, from the parts themselves, with `with_timeliness` (their value is the
    same at every moment); every pair when `tasks` is None. The one writer of LeadTally:
    called by `TaskQuerySet.refresh_lead_summary` in each action's transaction, by the
    migration that fills it and by the scale bench's loader. Takes the models so a migration
    can pass its historical ones.

    Two actions recounting the same pair one after the other must not each miss the other's
    change: on PostgreSQL each pair is locked (a transaction-level advisory lock, in a fixed
    order) before it is recounted, and the recount, a later statement, sees every change
    committed before the lock was granted (READ COMMITTED). SQLite runs one writer at a time."""
    settled: AssignmentQuerySet = AssignmentQuerySet(assignment_model).filter(SETTLED)
    tallies = tally_model._default_manager.all()
    if tasks is not None:
        pairs = sorted(
            set(
                assignment_model._default_manager.filter(task__in=tasks.values("pk"), role="lead")
                # Draft parts are never counted and no part goes back to draft: a draft task's
                # edits (the breakdown editor makes several in one transaction) lock nothing.
                .exclude(state="draft")
                .order_by()
                .values_list("committee_id", "agency_id")
                .distinct()
            )
        )
        if not pairs:
            return
        _lock_in_order(tally_model, pairs)
        agencies: dict[int, list[int]] = {}
        for committee, agency in pairs:
            agencies.setdefault(committee, []).append(agency)
        scope = Q()  # the same columns on the parts and on the tally
        for committee, members in agencies.items():
            scope |= Q(committee_id=committee, agency_id__in=members)
        settled = settled.filter(scope)
        tallies = tallies.filter(scope)
    counts = (
        settled.with_timeliness()
        .order_by()
        .values_list("committee_id", "agency_id", "timeliness")
        .annotate(parts=Count("*"))
    )
    fresh = [
        tally_model(committee_id=committee, agency_id=agency, timeliness=value, parts=parts)
        for committee, agency, value, parts in counts
    ]
    tallies.delete()
    tally_model._default_manager.bulk_create(fresh, batch_size=5000)


# The task summaries whose figures the moment of asking cannot change: counted ahead per
# directive (DirectiveTally). An OPEN task is counted when asked; the rest count in no figure.
SETTLED_TASKS = (LeadStatus.DONE_ON_TIME, LeadStatus.DONE_LATE, LeadStatus.NO_DEADLINE)


class DirectiveTallyQuerySet(_TallyQuerySet):
    """Each directive's task figures, as `TaskQuerySet.timeliness_summary(by="directive")`
    counts them; the open tasks counted along the index on (directive, lead_status)."""

    group, counted = "directive_id", "tasks"

    def _live(self) -> TaskQuerySet:
        return TaskQuerySet(apps.get_model("tasks", "Task")).filter(lead_status=LeadStatus.OPEN)

    def _in_committee(
        self, stored: models.QuerySet, live: AssignmentQuerySet | TaskQuerySet, committee: int
    ) -> tuple[models.QuerySet, AssignmentQuerySet | TaskQuerySet]:
        return (
            stored.filter(directive__committee_id=committee),
            live.filter(directive__committee_id=committee),
        )


def refresh_directive_tallies(
    task_model: type[models.Model],
    tally_model: type[models.Model],
    tasks: models.QuerySet | None = None,
) -> None:
    """Recount the settled tasks (SETTLED_TASKS) of every directive with a task in `tasks`,
    from their stored summaries (every directive when `tasks` is None). The one writer of
    DirectiveTally, called as refresh_lead_tallies is and locking the same way (one advisory
    lock per directive, after the lead tallies' and in order, so two actions never wait for
    each other in a circle); a draft task counts in no figure, so its edits lock nothing."""
    counted: TaskQuerySet = TaskQuerySet(task_model).filter(lead_status__in=SETTLED_TASKS)
    tallies = tally_model._default_manager.all()
    if tasks is not None:
        directives = sorted(
            set(
                tasks.exclude(state="draft")
                .order_by()
                .values_list("directive_id", flat=True)
                .distinct()
            )
        )
        if not directives:
            return
        # One-number keys: a key space apart from the lead tallies' (committee, agency) pairs.
        _lock_in_order(tally_model, [(directive,) for directive in directives])
        counted = counted.filter(directive_id__in=directives)
        tallies = tallies.filter(directive_id__in=directives)
    counts = (
        counted.with_timeliness()
        .order_by()
        .values_list("directive_id", "timeliness")
        .annotate(tasks=Count("*"))
    )
    fresh = [
        tally_model(directive_id=directive, timeliness=value, tasks=number)
        for directive, value, number in counts
    ]
    tallies.delete()
    tally_model._default_manager.bulk_create(fresh, batch_size=5000)


def _assignment_model(tasks: models.QuerySet) -> type[models.Model]:
    """TaskAssignment, reached through the relation (the models module imports this one)."""
    return tasks.model._meta.get_field("assignments").related_model


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> TaskQuerySet:
        """What this person may see: the committee's tasks for its staff, an agency's tasks
        (lead or co-ordinating, once dispatched) for the agency's staff; one EXISTS query."""
        if not perms.is_active(user):
            return self.none()
        if perms.is_admin(user):
            return self
        if user.role in ("secretariat", "chair"):
            return self.filter(directive__committee_id=user.committee_id)
        if perms.is_agency_staff(user):
            # A part taken away (cancelled) gives no sight, unless the whole task was cancelled.
            # One EXISTS, the task's own state inside it: PostgreSQL joins it to the agency's
            # parts along an index and stops at a page's rows. Two EXISTS joined by OR cannot
            # be a join, so it hashed every part of the agency first (56,000 at 1M tasks).
            mine = _assignment_model(self)._default_manager.filter(
                task=OuterRef("pk"), agency_id=user.agency_id
            )
            cancelled_task = Exact(OuterRef("state"), Value("cancelled"))
            active = mine.filter(~Q(state="cancelled") | Q(cancelled_task))
            return self.exclude(state="draft").filter(Exists(active))
        return self.none()

    def open(self) -> TaskQuerySet:
        return self.filter(state="assigned")

    def parts(self) -> AssignmentQuerySet:
        """The agencies' parts of these tasks: every part, with no semi-join over every task,
        when these are all the tasks (the administrator's)."""
        assignments: AssignmentQuerySet = AssignmentQuerySet(_assignment_model(self))
        if not self.query.has_filters():
            return assignments
        return assignments.filter(task__in=self.values("pk"))

    def led_by(self, agency: Agency | int) -> TaskQuerySet:
        return self.filter(assignments__agency=agency, assignments__role="lead")

    def with_timeliness(
        self, now: dt.datetime | None = None, due_soon_days: int | None = None
    ) -> TaskQuerySet:
        """Annotate each task's `timeliness` and `days_overdue` from the summary of its leads
        it carries (`lead_status`, `lead_due_at`, `lead_days_late`, kept by tasks/actions.py in
        the transaction that changes a part): no subquery per task, so a dashboard reads each
        task once. Always equal to `with_timeliness_from_leads` (a test holds them together)."""
        now = now or timezone.now()
        today = today_in_vietnam(now)
        due_soon_until = _due_soon_until(now, due_soon_days)
        is_open = Q(lead_status=LeadStatus.OPEN)
        overdue = is_open & Q(lead_due_at__lt=now)
        timeliness = Case(
            When(overdue, then=Value(Timeliness.OPEN_OVERDUE)),
            When(is_open & Q(lead_due_at__lte=due_soon_until), then=Value(Timeliness.DUE_SOON)),
            When(is_open, then=Value(Timeliness.OPEN_ON_TIME)),
            When(lead_status=LeadStatus.NONE, then=Value(None)),
            default=F("lead_status"),
            output_field=models.CharField(),
        )
        days_overdue = Case(
            When(
                overdue,
                then=DaysBetween(
                    Value(today, output_field=models.DateField()), _local_date("lead_due_at")
                ),
            ),
            When(state="completed", then=F("lead_days_late")),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        return self.annotate(timeliness=timeliness, days_overdue=days_overdue)

    def with_timeliness_from_leads(
        self, now: dt.datetime | None = None, due_soon_days: int | None = None
    ) -> TaskQuerySet:
        """The same two figures derived from the leads' parts in SQL, per task: the reference
        the stored summary is checked against (a task is done on time only when every lead
        finished on time; an open task is as urgent as its most urgent open lead)."""
        now = now or timezone.now()
        leads = (
            AssignmentQuerySet(_assignment_model(self))
            .filter(task=OuterRef("pk"), role="lead")
            .exclude(state="cancelled")
            .with_timeliness(now, due_soon_days)
        )
        rank = Case(
            *(When(timeliness=value, then=Value(r)) for value, r in _OPEN_RANK.items()),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        worst_open = (
            leads.filter(state__in=OPEN)
            .annotate(rank=rank)
            .order_by("-rank", "-days_overdue")
            .values("timeliness")[:1]
        )
        any_late = leads.filter(timeliness=Timeliness.DONE_LATE)

        def most_days(parts: models.QuerySet) -> Subquery:
            maximum = parts.order_by().values("task").annotate(most=Max("days_overdue"))
            return Subquery(maximum.values("most")[:1], output_field=models.IntegerField())

        timeliness = Case(
            When(state="cancelled", then=Value(Timeliness.CANCELLED)),
            When(state="draft", then=Value(Timeliness.NOT_STARTED)),
            When(Q(state="completed") & Exists(any_late), then=Value(Timeliness.DONE_LATE)),
            When(state="completed", then=Value(Timeliness.DONE_ON_TIME)),
            default=Subquery(worst_open, output_field=models.CharField()),
            output_field=models.CharField(),
        )
        # A finished task is as late as its latest lead; an open one as its most overdue open lead.
        days_overdue = Case(
            When(state__in=["draft", "cancelled"], then=Value(0)),
            When(state="completed", then=most_days(leads)),
            default=Coalesce(most_days(leads.filter(state__in=OPEN)), Value(0)),
            output_field=models.IntegerField(),
        )
        return self.annotate(timeliness=timeliness, days_overdue=days_overdue)

    def refresh_lead_summary(self, tallies: bool = True) -> int:
        """Recompute the stored summary of these tasks' leads, set-wise (one UPDATE), the
        settled-part counts of their lead agencies in their committees (refresh_lead_tallies)
        and the settled-task counts of their directives (refresh_directive_tallies).
        Called by tasks/actions.py in every action's transaction, by the migration that added
        it, and by loaders after writing behind the actions (`tallies=False` only for a loader
        that recounts every tally itself afterwards). Returns the number of tasks updated."""
        assignment_model = _assignment_model(self)
        updated = self.update(**lead_summary(assignment_model))
        if tallies:
            scope = self if self.query.has_filters() else None
            refresh_lead_tallies(assignment_model, apps.get_model("tasks", "LeadTally"), scope)
            refresh_directive_tallies(self.model, apps.get_model("tasks", "DirectiveTally"), scope)
        return updated

    def implementing(self, task: Task | int) -> TaskQuerySet:
        """The tasks of the published directives that carry `task` out (a child committee's
        plan for a parent committee's task): how the parent task's progress rolls up."""
        return self.filter(
            directive__implements_task=task,
            directive__state__in=["issued", "closed", "expired", "superseded"],
        )

    def overdue(self, now: dt.datetime | None = None) -> TaskQuerySet:
        """Open tasks with a lead past its deadline, most overdue first."""
        now = now or timezone.now()
        return (
            self.filter(lead_status=LeadStatus.OPEN, lead_due_at__lt=now)  # the index narrows
            .with_timeliness(now)
            .filter(timeliness=Timeliness.OPEN_OVERDUE)
            .order_by("-days_overdue", "due_at", "id")
        )

    @overload
    def timeliness_summary(
        self, by: None = None, now: dt.datetime | None = None
    ) -> TimelinessFigures: ...

    @overload
    def timeliness_summary(
        self, by: str, now: dt.datetime | None = None
    ) -> dict[int, TimelinessFigures]: ...

    def timeliness_summary(
        self, by: str | None = None, now: dt.datetime | None = None
    ) -> TimelinessFigures | dict[int, TimelinessFigures]:
        """The four standard figures over tasks, in total or per directive or committee, with
        one grouped query. Per agency, ask the agencies' own parts:
        `TaskAssignment.objects.filter(task__in=...).timeliness_summary(by="agency")`."""
        queryset = self.with_timeliness(now)
        if by is None:
            return _summarise(queryset, None)
        keys = {"directive": "directive", "committee": "directive__committee"}
        if by == "agency":
            return self.parts().timeliness_summary(by="agency", now=now)
        if by not in keys:
            raise ValueError(f"cannot summarise by {by!r}")
        return _summarise(queryset, keys[by])

"""Questions asked of tasks. Timeliness has exactly one method: `with_timeliness`.

Every list, dashboard, export and PDF asks these, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import calendar as workdays

from .deadlines import VIETNAM, deadline_end, today_in_vietnam

OPEN = ("assigned", "in_progress", "reported", "returned")


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

    def __init__(self, end, start, **extra):  # noqa: ANN001, ANN003
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN003
        # PostgreSQL: date - date is an integer number of days.
        return self.as_sql_template(compiler, connection, "((%(expressions)s))", " - ")

    def as_sqlite(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN003
        return self.as_sql_template(
            compiler, connection, "CAST(julianday(%(expressions)s) AS INTEGER)", ") - julianday("
        )

    def as_sql_template(self, compiler, connection, template, joiner):  # noqa: ANN001
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
        """Share done on time among tasks that are done or past their deadline."""
        base = self.done + self.open_overdue
        return round(100 * self.done_on_time / base, 1) if base else None


FIGURE_FILTERS = {
    "done_on_time": Q(timeliness=Timeliness.DONE_ON_TIME),
    "done_late": Q(timeliness=Timeliness.DONE_LATE),
    # "Đang thực hiện trong hạn" counts every open task not yet overdue.
    "open_on_time": Q(
        timeliness__in=[Timeliness.OPEN_ON_TIME, Timeliness.DUE_SOON, Timeliness.NO_DEADLINE]
    ),
    "open_overdue": Q(timeliness=Timeliness.OPEN_OVERDUE),
    "due_soon": Q(timeliness=Timeliness.DUE_SOON),
    "no_deadline": Q(timeliness=Timeliness.NO_DEADLINE),
}

SUMMARY_KEYS = {
    "agency": "assignments__agency",
    "directive": "directive",
    "committee": "directive__committee",
}


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> TaskQuerySet:  # noqa: ANN001
        from agencies import permissions

        return permissions.visible_tasks(self, user)

    def open(self) -> TaskQuerySet:
        return self.filter(state__in=OPEN)

    def led_by(self, agency) -> TaskQuerySet:  # noqa: ANN001
        return self.filter(assignments__agency=agency, assignments__role="lead")

    def with_timeliness(
        self, now: dt.datetime | None = None, due_soon_days: int | None = None
    ) -> TaskQuerySet:
        """Annotate `timeliness` (a Timeliness value) and `days_overdue`, in SQL.

        A task is late when its deadline's last instant (23:59:59 in Vietnam, moved past days
        off) has passed. A done task is measured by when its accepted report came in; a task
        whose report came in on time and awaits review is still on time.
        """
        now = now or timezone.now()
        today = today_in_vietnam(now)
        if due_soon_days is None:
            due_soon_days = settings.DUE_SOON_WORKING_DAYS
        due_soon_until = deadline_end(workdays.add_working_days(today, due_soon_days))
        is_open = Q(state__in=OPEN)
        timeliness = Case(
            When(state="cancelled", then=Value(Timeliness.CANCELLED)),
            When(state="draft", then=Value(Timeliness.NOT_STARTED)),
            When(state="completed", due_at__isnull=True, then=Value(Timeliness.DONE_ON_TIME)),
            When(
                state="completed",
                result_reported_at__lte=F("due_at"),
                then=Value(Timeliness.DONE_ON_TIME),
            ),
            When(state="completed", then=Value(Timeliness.DONE_LATE)),
            When(is_open & Q(due_at__isnull=True), then=Value(Timeliness.NO_DEADLINE)),
            When(
                state="reported", reported_at__lte=F("due_at"), then=Value(Timeliness.OPEN_ON_TIME)
            ),
            When(is_open & Q(due_at__lt=now), then=Value(Timeliness.OPEN_OVERDUE)),
            When(is_open & Q(due_at__lte=due_soon_until), then=Value(Timeliness.DUE_SOON)),
            default=Value(Timeliness.OPEN_ON_TIME),
            output_field=models.CharField(),
        )
        days_overdue = Case(
            When(
                is_open & Q(due_at__lt=now) & ~Q(state="reported", reported_at__lte=F("due_at")),
                then=DaysBetween(
                    Value(today, output_field=models.DateField()), _local_date("due_at")
                ),
            ),
            When(
                state="completed",
                result_reported_at__gt=F("due_at"),
                then=DaysBetween(_local_date("result_reported_at"), _local_date("due_at")),
            ),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        return self.annotate(timeliness=timeliness, days_overdue=days_overdue)

    def implementing(self, task) -> TaskQuerySet:  # noqa: ANN001
        """The tasks of the published directives that carry `task` out (a child committee's
        plan for a parent committee's task): how the parent task's progress rolls up."""
        return self.filter(
            directive__implements_task=task,
            directive__state__in=["issued", "closed", "expired", "superseded"],
        )

    def overdue(self, now: dt.datetime | None = None) -> TaskQuerySet:
        """Open tasks past their deadline, most overdue first."""
        return (
            self.with_timeliness(now)
            .filter(timeliness=Timeliness.OPEN_OVERDUE)
            .order_by("-days_overdue", "due_at", "id")
        )

    def timeliness_summary(
        self, by: str | None = None, now: dt.datetime | None = None
    ) -> TimelinessFigures | dict[int, TimelinessFigures]:
        """The four standard figures in total, or per agency (as lead), directive or committee.

        Counted in SQL with one grouped query.
        """
        counts = {name: Count("pk", filter=condition) for name, condition in FIGURE_FILTERS.items()}
        queryset = self.with_timeliness(now)
        if by is None:
            return TimelinessFigures(**queryset.aggregate(**counts))
        if by not in SUMMARY_KEYS:
            raise ValueError(f"cannot summarise by {by!r}")
        key = SUMMARY_KEYS[by]
        if by == "agency":
            queryset = queryset.filter(assignments__role="lead")
        rows = queryset.values(key).annotate(**counts).order_by(key)
        return {row.pop(key): TimelinessFigures(**row) for row in rows if row[key] is not None}

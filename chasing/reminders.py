"""Chasing: reminders before and on the deadline, daily overdue notices, and escalation.

Each lead agency's part of a task is chased on its own, against its own deadline (the task's,
or the one its own extension moved), and so is each periodic report:
- N working days before the deadline (the committee's `reminder_working_days`, 3 and 1 by
  default) and on the day: that agency's officer in charge (else all its officers) and its head;
- after the deadline, every working day: that agency's head;
- once the deadline is M working days past (`escalate_after_working_days`, 5 by default): the
  committee's chair and standing office, once per agency and deadline.
A part whose report awaits the standing office's review is not chased (the move is not the
agency's); another lead's extension changes nothing here, as each part has its own key
("assignment:<id>") and deadline. The first time a part is seen past its deadline, the typed
"deadline passed" entry goes in the task's history (`tasks.actions.record_overdue`).

Candidates come from bounded SQL queries (open items due within the reminder horizon, or
overdue and not yet chased today); stages are worked out in Python from a working-day index;
every message is claimed through `notifications.notify`, so nothing goes out twice. After
downtime only the stage due *now* is sent (the latest threshold passed), never the missed ones.
Nothing is sent on days off or before REMINDER_HOUR.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from agencies import calendar as workdays
from agencies.models import Committee, Role, User
from documents.numbers import format_number
from reporting.models import ReportSubmission
from tasks.actions import record_overdue
from tasks.deadlines import VIETNAM, deadline_end, today_in_vietnam
from tasks.models import TaskAssignment, TaskEvent, TaskEventKind

from .models import Notification, NotificationKind
from .notifications import Message, Text, notify

CHUNK = 1000

# Written in each recipient's language when sent (notifications.Text); counts with ngettext.
DUE_TODAY_TITLE = _("Due today: %(item)s")
DUE_TODAY_BODY = _("“%(item)s” is due today, %(date)s. Lead agency: %(agencies)s.")
REMINDER_TITLE = ngettext_lazy(
    "Due in %(days)s working day: %(item)s", "Due in %(days)s working days: %(item)s", "days"
)
REMINDER_BODY = ngettext_lazy(
    "“%(item)s” is due on %(date)s, in %(days)s working day. Lead agency: %(agencies)s.",
    "“%(item)s” is due on %(date)s, in %(days)s working days. Lead agency: %(agencies)s.",
    "days",
)
OVERDUE_TITLE = ngettext_lazy(
    "Overdue by %(days)s working day: %(item)s",
    "Overdue by %(days)s working days: %(item)s",
    "days",
)
OVERDUE_BODY = ngettext_lazy(
    "“%(item)s” was due on %(date)s and is %(days)s working day overdue. "
    "Lead agency: %(agencies)s.",
    "“%(item)s” was due on %(date)s and is %(days)s working days overdue. "
    "Lead agency: %(agencies)s.",
    "days",
)
ESCALATION_TITLE = ngettext_lazy(
    "Long overdue (%(days)s working day): %(item)s",
    "Long overdue (%(days)s working days): %(item)s",
    "days",
)
ESCALATION_BODY = ngettext_lazy(
    "“%(item)s” was due on %(date)s and is still not done after %(days)s working day. "
    "Lead agency: %(agencies)s.",
    "“%(item)s” was due on %(date)s and is still not done after %(days)s working days. "
    "Lead agency: %(agencies)s.",
    "days",
)
AGENCY_STAFF = (Role.AGENCY_OFFICER, Role.AGENCY_HEAD)
COMMITTEE_STAFF = (Role.CHAIR, Role.SECRETARIAT)


@dataclass(frozen=True)
class Chased:
    """Something with a deadline that an agency owes: a task or a periodic report."""

    key: str
    committee_id: int
    due_at: dt.datetime
    title: str
    agency_ids: tuple[int, ...]
    agency_names: str
    officer_id: int | None = None
    task_id: int | None = None
    submission_id: int | None = None
    url: str = ""

    @property
    def due_date(self) -> dt.date:
        return self.due_at.astimezone(VIETNAM).date()


class WorkdayIndex:
    """Working days counted once over a range, so each item's count is a subtraction."""

    def __init__(self) -> None:
        self._start: dt.date | None = None
        self._cumulative: list[int] = []

    def _ensure(self, first: dt.date, last: dt.date) -> None:
        if self._start is not None and first >= self._start and last < self._end:
            return
        start = min(first, self._start) if self._start else first
        end = max(last, self._end - dt.timedelta(days=1)) if self._start else last
        total, cumulative, day = 0, [], start
        while day <= end:
            total += workdays.is_working_day(day)
            cumulative.append(total)
            day += dt.timedelta(days=1)
        self._start, self._end, self._cumulative = start, end + dt.timedelta(days=1), cumulative

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`, as working_days_between."""
        if end < start:
            return -self.between(end, start)
        self._ensure(start, end)
        return (
            self._cumulative[(end - self._start).days]
            - self._cumulative[(start - self._start).days]
        )


def reminder_stage(working_days_left: int, thresholds: Iterable[int]) -> int | None:
    """The reminder due now: the smallest threshold not below the working days left.

    With thresholds 3 and 1: 3 days left → 3; 2 left (the 3-day one was missed) → 3;
    1 left → 1; more than 3 → none. The claim makes each stage go out once.
    """
    if working_days_left <= 0:
        return None  # on the day, or late: other notices
    passed = [n for n in thresholds if n >= working_days_left]
    return min(passed) if passed else None


def is_chasing_time(now: dt.datetime) -> bool:
    local = now.astimezone(VIETNAM)
    return workdays.is_working_day(local.date()) and local.hour >= settings.REMINDER_HOUR


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---- what is chased


def _part_items(parts: QuerySet) -> list[Chased]:
    """Lead agencies' parts (at most a bounded set) → Chased, in one query."""
    # Plain rows, not model instances: the first tick of a day may chase thousands.
    rows = parts.values(
        "id",
        "task_id",
        "agency_id",
        "agency__name",
        "agency__short_name",
        "officer_id",
        "due_at",
        "task__ref",
        "task__title",
        "task__directive__committee_id",
        "task__directive__number",
        "task__directive__symbol",
        "task__directive__subject",
    )
    items = []
    for row in rows:
        if row["task__directive__number"] is not None:
            directive = format_number(
                row["task__directive__number"], row["task__directive__symbol"]
            )
        else:
            directive = row["task__directive__subject"][:60]
        prefix = f"{row['task__ref']}. " if row["task__ref"] else ""
        items.append(
            Chased(
                key=part_key(row["id"]),
                committee_id=row["task__directive__committee_id"],
                due_at=row["due_at"],
                title=f"{prefix}{row['task__title'][:100]} ({directive})",
                agency_ids=(row["agency_id"],),
                agency_names=row["agency__short_name"] or row["agency__name"],
                officer_id=row["officer_id"],
                task_id=row["task_id"],
                url=task_url(row["task_id"]),
            )
        )
    return items


PART_KEY = "assignment:"


def part_key(assignment_id: int) -> str:
    """The notifications' `object_key` of one lead agency's part of a task."""
    return f"{PART_KEY}{assignment_id}"


def task_url(task_id: int) -> str:
    """The task's page in the web UI."""
    return _task_url_template().replace(str(_PLACEHOLDER), str(task_id))


_PLACEHOLDER = 987654321


@lru_cache(maxsize=1)
def _task_url_template() -> str:
    # Resolved once: the first tick of a day builds tens of thousands of these links.
    return reverse("work:task", args=[_PLACEHOLDER])


def _submission_items(submissions: QuerySet) -> list[Chased]:
    rows = submissions.select_related("agency", "period__obligation")
    return [
        Chased(
            key=f"submission:{s.pk}",
            committee_id=s.period.obligation.committee_id,
            due_at=s.period.due_at,
            title=f"{s.period.obligation} – {s.period.label}",
            agency_ids=(s.agency_id,),
            agency_names=str(s.agency),
            submission_id=s.pk,
            url=reverse("reporting:submission", args=[s.pk]),
        )
        for s in rows
    ]


def _not_yet(kind: str, period: str | None = None, same_deadline: bool = False) -> dict:
    """Filters excluding items already chased for this kind (today / for this deadline)."""
    filters = {"kind": kind}
    if period is not None:
        filters["period"] = period
    if same_deadline:
        filters["due_at"] = OuterRef("due_at")
    return filters


def _chased_parts() -> QuerySet:
    """Lead parts the agency still owes, with a deadline. A part whose report awaits review is
    the standing office's move, not the agency's."""
    return (
        TaskAssignment.objects.open()
        .exclude(state="reported")
        .filter(task__state="assigned", due_at__isnull=False)
    )


def _upcoming(now: dt.datetime, horizon: dt.datetime) -> list[Chased]:
    parts = _chased_parts().filter(due_at__gte=now, due_at__lte=horizon)
    submissions = ReportSubmission.objects.awaiting_agency().filter(
        period__due_at__gte=now, period__due_at__lte=horizon
    )
    return _part_items(parts) + _submission_items(submissions)


def _overdue_parts(now: dt.datetime) -> QuerySet:
    """Parts past their own deadline and still owed (`TaskAssignment.objects.overdue()`, the
    one definition), minus those awaiting review; `due_at__lt` lets the index narrow them."""
    return _chased_parts().filter(due_at__lt=now).overdue(now)


def _overdue(
    now: dt.datetime, kind: str, due_before: dt.datetime | None = None, **not_yet
) -> list[Chased]:
    """Overdue items (due before `due_before`, if given) with no `kind` notification matching
    `not_yet` yet."""
    due_before = min(now, due_before) if due_before else now
    filters = _not_yet(kind, **not_yet)
    part_sent = Notification.objects.filter(
        task=OuterRef("task_id"),
        object_key=Concat(Value(PART_KEY), Cast(OuterRef("pk"), CharField())),
        **filters,
    )
    parts = _overdue_parts(now).filter(due_at__lte=due_before).filter(~Exists(part_sent))
    sub_filters = dict(filters)
    if "due_at" in sub_filters:
        sub_filters["due_at"] = OuterRef("period__due_at")
    submission_sent = Notification.objects.filter(submission=OuterRef("pk"), **sub_filters)
    submissions = (
        ReportSubmission.objects.awaiting_agency()
        .filter(period__due_at__lt=now, period__due_at__lte=due_before)
        .filter(~Exists(submission_sent))
    )
    return _part_items(parts) + _submission_items(submissions)


# ---- who is told


class Recipients:
    """Agency staff and committee staff for a set of items, in two queries."""

    def __init__(self, items: list[Chased]) -> None:
        agency_ids = {a for item in items for a in item.agency_ids}
        self.officers: dict[int, list[int]] = defaultdict(list)
        self.heads: dict[int, list[int]] = defaultdict(list)
        self.staff_ids: set[int] = set()
        for chunk in _chunks(sorted(agency_ids)):
            for pk, agency_id, role in User.objects.filter(
                is_active=True, agency_id__in=chunk, role__in=AGENCY_STAFF
            ).values_list("pk", "agency_id", "role"):
                target = self.heads if role == Role.AGENCY_HEAD else self.officers
                target[agency_id].append(pk)
                self.staff_ids.add(pk)
        self.committee_staff: dict[int, list[int]] = defaultdict(list)
        committee_ids = {item.committee_id for item in items}
        for pk, committee_id in User.objects.filter(
            is_active=True, committee_id__in=committee_ids, role__in=COMMITTEE_STAFF
        ).values_list("pk", "committee_id"):
            self.committee_staff[committee_id].append(pk)

    def officer_and_head(self, item: Chased) -> set[int]:
        people: set[int] = set()
        for agency_id in item.agency_ids:
            people.update(self.heads[agency_id])
            if not (item.officer_id and item.officer_id in self.staff_ids):
                people.update(self.officers[agency_id])
        if item.officer_id and item.officer_id in self.staff_ids:
            people.add(item.officer_id)
        return people

    def head(self, item: Chased) -> set[int]:
        """The agency heads; an agency with no head on the system: its officers."""
        people: set[int] = set()
        for agency_id in item.agency_ids:
            people.update(self.heads[agency_id] or self.officers[agency_id])
        return people

    def chair_and_secretariat(self, item: Chased) -> set[int]:
        return set(self.committee_staff[item.committee_id])


def _messages(
    item: Chased, people: Iterable[int], kind: str, period: str, title: Text, body: Text
) -> list[Message]:
    return [
        Message(
            recipient_id=person,
            kind=kind,
            object_key=item.key,
            period=period,
            title=title,
            body=body,
            url=item.url,
            task_id=item.task_id,
            submission_id=item.submission_id,
            due_at=item.due_at,
        )
        for person in people
    ]


def _params(item: Chased, days: int) -> dict:
    return {
        "item": item.title,
        "date": date_format(item.due_date, "d/m/Y"),
        "days": days,
        "agencies": item.agency_names or "—",
    }


# ---- the jobs


def send_reminders(now: dt.datetime | None = None) -> int:
    """Before the deadline, on the day, and daily after it. Returns how many were sent."""
    now = now or timezone.now()
    if not is_chasing_time(now):
        return 0
    today = today_in_vietnam(now)
    thresholds = {
        pk: Committee(reminder_working_days=value).reminder_days
        for pk, value in Committee.objects.values_list("pk", "reminder_working_days")
    }
    furthest = max((max(days, default=0) for days in thresholds.values()), default=0)
    horizon = deadline_end(workdays.add_working_days(today, furthest))
    upcoming = _upcoming(now, horizon)
    overdue = _overdue(now, NotificationKind.OVERDUE, period=today.isoformat())
    recipients = Recipients(upcoming + overdue)
    index = WorkdayIndex()
    messages: list[Message] = []
    for item in upcoming:
        left = index.between(today, item.due_date)
        params = _params(item, left)
        if left == 0:
            messages += _messages(
                item,
                recipients.officer_and_head(item),
                NotificationKind.DUE_TODAY,
                item.due_date.isoformat(),
                Text(DUE_TODAY_TITLE, params),
                Text(DUE_TODAY_BODY, params),
            )
            continue
        stage = reminder_stage(left, thresholds.get(item.committee_id, ()))
        if stage is None:
            continue
        messages += _messages(
            item,
            recipients.officer_and_head(item),
            NotificationKind.REMINDER,
            f"{item.due_date.isoformat()}/{stage}",
            Text(REMINDER_TITLE, params),
            Text(REMINDER_BODY, params),
        )
    for item in overdue:
        params = _params(item, index.between(item.due_date, today))
        messages += _messages(
            item,
            recipients.head(item),
            NotificationKind.OVERDUE,
            today.isoformat(),
            Text(OVERDUE_TITLE, params),
            Text(OVERDUE_BODY, params),
        )
    return len(notify(messages, now=now))


def send_escalations(now: dt.datetime | None = None) -> int:
    """Once a deadline is M working days past: to the chair and the standing office, once."""
    now = now or timezone.now()
    if not is_chasing_time(now):
        return 0
    today = today_in_vietnam(now)
    limits = {
        pk: days for pk, days in Committee.objects.values_list("pk", "escalate_after_working_days")
    }
    if not limits:
        return 0
    # Candidates: overdue at least the smallest M of any committee, not escalated for this
    # deadline yet; each committee's own M is applied below.
    earliest = deadline_end(workdays.add_working_days(today, -min(limits.values())))
    candidates = _overdue(now, NotificationKind.ESCALATION, due_before=earliest, same_deadline=True)
    recipients = Recipients(candidates)
    index = WorkdayIndex()
    messages: list[Message] = []
    for item in candidates:
        late = index.between(item.due_date, today)
        if late < limits.get(item.committee_id, 0):
            continue
        params = _params(item, late)
        title_params = params
        if item.task_id is not None:
            # The chair may hear of several leads of one task: the title says whose part it
            # is (the body already ends with "Lead agency: …", so it keeps the bare item).
            title_params = {**params, "item": f"{item.title} – {item.agency_names}"}
        messages += _messages(
            item,
            recipients.chair_and_secretariat(item),
            NotificationKind.ESCALATION,
            item.due_date.isoformat(),
            Text(ESCALATION_TITLE, title_params),
            Text(ESCALATION_BODY, params),
        )
    return len(notify(messages, now=now))


OVERDUE_BATCH = 500  # newly overdue parts logged a tick: a backlog spreads over a few ticks


def record_new_overdue(now: dt.datetime | None = None, limit: int = OVERDUE_BATCH) -> int:
    """Log "deadline passed" in the task's history the first time a lead's part is seen past
    its own deadline (tasks.actions.record_overdue, once per deadline). Any time of day, days
    off included: it is a record, not a message. At most `limit` parts a run; the rest next run.
    Returns how many were recorded."""
    now = now or timezone.now()
    # An entry made after the current deadline ended is this deadline's (an extension can only
    # be asked for before the deadline, so a later deadline has no entry yet).
    recorded = TaskEvent.objects.filter(
        task=OuterRef("task_id"),
        agency=OuterRef("agency_id"),
        kind=TaskEventKind.OVERDUE,
        created_at__gte=OuterRef("due_at"),
    )
    with transaction.atomic():
        # Two ticks at once: each locks the parts it records, the other skips them.
        parts = list(
            TaskAssignment.objects.overdue(now)
            .filter(due_at__lt=now)
            .filter(~Exists(recorded))
            .select_related("task", "agency")
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )
        return sum(record_overdue(part) is not None for part in parts)

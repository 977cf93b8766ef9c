"""Chasing: reminders before and on the deadline, daily overdue notices, and escalation.

For tasks and for periodic reports alike:
- N working days before the deadline (the committee's `reminder_working_days`, 3 and 1 by
  default) and on the day: the lead agency's officer (the officer in charge, else all its
  officers) and its head;
- after the deadline, every working day: the agency head;
- once the deadline is M working days past (`escalate_after_working_days`, 5 by default): the
  committee's chair and standing office, once per deadline.

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
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import ngettext

from agencies import calendar as workdays
from agencies.models import Committee, Role, User
from documents.numbers import format_number

from .deadlines import VIETNAM, deadline_end, today_in_vietnam
from .models import AssignmentRole, Notification, NotificationKind, Task, TaskAssignment
from .models_reporting import ReportSubmission
from .notifications import Message, in_site_language, notify

CHUNK = 1000
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


def _is_chasing_time(now: dt.datetime) -> bool:
    local = now.astimezone(VIETNAM)
    return workdays.is_working_day(local.date()) and local.hour >= settings.REMINDER_HOUR


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---- what is chased


def _task_items(tasks: QuerySet) -> list[Chased]:
    """Tasks (at most a bounded set) → Chased, with their lead agencies, in two queries."""
    # Plain rows, not model instances: the first tick of a day may chase thousands.
    rows = list(
        tasks.values(
            "id",
            "ref",
            "title",
            "due_at",
            "officer_id",
            "directive__committee_id",
            "directive__number",
            "directive__symbol",
            "directive__subject",
        )
    )
    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for chunk in _chunks([row["id"] for row in rows]):
        for task_id, agency_id, name, short_name in (
            TaskAssignment.objects.filter(task_id__in=chunk, role=AssignmentRole.LEAD)
            .order_by("task_id", "agency__code")
            .values_list("task_id", "agency_id", "agency__name", "agency__short_name")
        ):
            leads[task_id].append((agency_id, short_name or name))
    items = []
    for row in rows:
        if row["directive__number"] is not None:
            directive = format_number(row["directive__number"], row["directive__symbol"])
        else:
            directive = row["directive__subject"][:60]
        prefix = f"{row['ref']}. " if row["ref"] else ""
        agencies = leads[row["id"]]
        items.append(
            Chased(
                key=f"task:{row['id']}",
                committee_id=row["directive__committee_id"],
                due_at=row["due_at"],
                title=f"{prefix}{row['title'][:100]} ({directive})",
                agency_ids=tuple(pk for pk, _name in agencies),
                agency_names=", ".join(name for _pk, name in agencies),
                officer_id=row["officer_id"],
                task_id=row["id"],
                url=task_url(row["id"]),
            )
        )
    return items


def task_url(task_id: int) -> str:
    """The task's page in the web UI, if the UI names one."""
    template = _task_url_template()
    return template.replace(str(_PLACEHOLDER), str(task_id)) if template else ""


_PLACEHOLDER = 987654321


@lru_cache(maxsize=1)
def _task_url_template() -> str:
    from django.urls import NoReverseMatch, reverse

    for name in ("work:task", "tasks:detail"):
        try:
            return reverse(name, args=[_PLACEHOLDER])
        except NoReverseMatch:
            continue
    return ""


def _submission_items(submissions: QuerySet) -> list[Chased]:
    from django.urls import reverse

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


def _open_tasks() -> QuerySet:
    # A task whose report awaits review is the standing office's move, not the agency's.
    return Task.objects.open().exclude(state="reported").filter(due_at__isnull=False)


def _upcoming(now: dt.datetime, horizon: dt.datetime) -> list[Chased]:
    tasks = _open_tasks().filter(due_at__gte=now, due_at__lte=horizon)
    submissions = ReportSubmission.objects.awaiting_agency().filter(
        period__due_at__gte=now, period__due_at__lte=horizon
    )
    return _task_items(tasks) + _submission_items(submissions)


def _overdue(
    now: dt.datetime, kind: str, due_before: dt.datetime | None = None, **not_yet
) -> list[Chased]:
    """Overdue items (due before `due_before`, if given) with no `kind` notification matching
    `not_yet` yet."""
    due_before = min(now, due_before) if due_before else now
    filters = _not_yet(kind, **not_yet)
    task_sent = Notification.objects.filter(task=OuterRef("pk"), **filters)
    tasks = (
        Task.objects.overdue(now)
        .exclude(state="reported")
        .filter(due_at__lte=due_before)
        .filter(~Exists(task_sent))
    )
    sub_filters = dict(filters)
    if "due_at" in sub_filters:
        sub_filters["due_at"] = OuterRef("period__due_at")
    submission_sent = Notification.objects.filter(submission=OuterRef("pk"), **sub_filters)
    submissions = (
        ReportSubmission.objects.awaiting_agency()
        .filter(period__due_at__lt=now, period__due_at__lte=due_before)
        .filter(~Exists(submission_sent))
    )
    return _task_items(tasks) + _submission_items(submissions)


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
    item: Chased, people: Iterable[int], kind: str, period: str, title: str, body: str
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
    if not _is_chasing_time(now):
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
    with in_site_language():
        for item in upcoming:
            left = index.between(today, item.due_date)
            params = _params(item, left)
            if left == 0:
                messages += _messages(
                    item,
                    recipients.officer_and_head(item),
                    NotificationKind.DUE_TODAY,
                    item.due_date.isoformat(),
                    _gettext("Due today: %(item)s") % params,
                    _gettext("“%(item)s” is due today, %(date)s. Lead agency: %(agencies)s.")
                    % params,
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
                ngettext(
                    "Due in %(days)s working day: %(item)s",
                    "Due in %(days)s working days: %(item)s",
                    params["days"],
                )
                % params,
                _gettext(
                    "“%(item)s” is due on %(date)s, in %(days)s working days. "
                    "Lead agency: %(agencies)s."
                )
                % params,
            )
        for item in overdue:
            params = _params(item, index.between(item.due_date, today))
            messages += _messages(
                item,
                recipients.head(item),
                NotificationKind.OVERDUE,
                today.isoformat(),
                ngettext(
                    "Overdue by %(days)s working day: %(item)s",
                    "Overdue by %(days)s working days: %(item)s",
                    params["days"],
                )
                % params,
                _gettext(
                    "“%(item)s” was due on %(date)s and is %(days)s working days overdue. "
                    "Lead agency: %(agencies)s."
                )
                % params,
            )
    return len(notify(messages, now=now))


def send_escalations(now: dt.datetime | None = None) -> int:
    """Once a deadline is M working days past: to the chair and the standing office, once."""
    now = now or timezone.now()
    if not _is_chasing_time(now):
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
    with in_site_language():
        for item in candidates:
            late = index.between(item.due_date, today)
            if late < limits.get(item.committee_id, 0):
                continue
            params = _params(item, late)
            messages += _messages(
                item,
                recipients.chair_and_secretariat(item),
                NotificationKind.ESCALATION,
                item.due_date.isoformat(),
                _gettext("Long overdue (%(days)s working days): %(item)s") % params,
                _gettext(
                    "“%(item)s” was due on %(date)s and is still not done after %(days)s "
                    "working days. Lead agency: %(agencies)s."
                )
                % params,
            )
    return len(notify(messages, now=now))

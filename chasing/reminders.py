"""Chasing: one notice a day per person, listing what they owe, and escalation.

Each lead agency's part of a task is chased on its own, against its own deadline (the task's,
or the one its own extension moved), and so is each periodic report. On a working day from
REMINDER_HOUR, each person gets at most one reminder notice (kind `reminder`, period the day),
listing by group, with counts:
- overdue: every part past its deadline, every working day — to the agency's head (an agency
  with no head on the system: its officers);
- due today, and due soon (N working days before the deadline: the committee's
  `reminder_working_days`, 3 and 1 by default) — to the part's officer in charge (else all of
  the agency's officers) and its head.
Once a deadline is M working days past (`escalate_after_working_days`, 5 by default) the
committee's chair and standing office are told, once per deadline, in one notice a day (kind
`escalation`) listing every part that crossed it that day. A part whose report awaits the
standing office's review is not chased (the move is not the agency's). The first time a part is
seen past its deadline, the typed "deadline passed" entry goes in the task's history
(`tasks.actions.record_overdue_parts`).

A notice lists the LIST_LIMIT most urgent items of each group and counts the rest, with a link
to the full list. Who gets what comes from SQL in a bounded number of queries, however many
tasks there are: a window function ranks and counts the parts of each (agency, officer in
charge, group), and only the first LIST_LIMIT of each come back; notices are claimed in bulk
through `notifications.notify`, so none goes out twice.

"Once per stage" and "once per deadline" follow from `since`, when the job last ran (the
tick's daily record, chasing/tick.py): a reminder stage is due today if the part's stage today
differs from its stage on that day, or the part got its deadline since (dispatched, or moved by
an extension: it had no stage then on a deadline it did not have); an escalation, if the
deadline became M working days past since then. After downtime only the stage due *now* is
sent, never the missed ones. Nothing is sent on days off or before REMINDER_HOUR.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Exists, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from agencies import calendar as workdays
from agencies.models import Committee, Role, User
from documents.numbers import format_number
from reporting.models import ReportSubmission
from tasks.actions import record_overdue_parts
from tasks.deadlines import VIETNAM, today_in_vietnam, vn_date
from tasks.models import TaskAssignment, TaskEvent, TaskEventKind
from tasks.querysets import AssignmentQuerySet

from .models import NotificationKind
from .notifications import Message, Text, notify

CHUNK = 1000
LIST_LIMIT = 10  # items listed per group in a notice; the rest are counted, with a link
DAILY_KEY = "daily"  # the `object_key` of a day's notice (its period: the day)

# The groups of a notice, in the order it lists them.
OVERDUE, DUE_TODAY, DUE_SOON, LONG_OVERDUE = "overdue", "due_today", "due_soon", "long_overdue"
GROUPS = (OVERDUE, DUE_TODAY, DUE_SOON, LONG_OVERDUE)

# Written in the reader's language (notify() renders each notice under its recipient's; the
# notifications page under the reader's); counts with ngettext.
REMINDER_TITLE = _("Deadlines on %(date)s: %(summary)s")
ESCALATION_TITLE = ngettext_lazy(
    "Long overdue on %(date)s: %(count)s item", "Long overdue on %(date)s: %(count)s items", "count"
)
SUMMARY = {
    OVERDUE: ngettext_lazy("%(count)s overdue", "%(count)s overdue", "count"),
    DUE_TODAY: ngettext_lazy("%(count)s due today", "%(count)s due today", "count"),
    DUE_SOON: ngettext_lazy("%(count)s due soon", "%(count)s due soon", "count"),
}
HEADINGS = {
    OVERDUE: ngettext_lazy("Overdue: %(count)s item", "Overdue: %(count)s items", "count"),
    DUE_TODAY: ngettext_lazy("Due today: %(count)s item", "Due today: %(count)s items", "count"),
    DUE_SOON: ngettext_lazy("Due soon: %(count)s item", "Due soon: %(count)s items", "count"),
    LONG_OVERDUE: ngettext_lazy(
        "Long overdue: %(count)s item", "Long overdue: %(count)s items", "count"
    ),
}
LINES = {
    OVERDUE: ngettext_lazy(
        "%(item)s – due %(date)s, %(days)s working day overdue",
        "%(item)s – due %(date)s, %(days)s working days overdue",
        "days",
    ),
    DUE_TODAY: _("%(item)s – due today, %(date)s"),
    DUE_SOON: ngettext_lazy(
        "%(item)s – due %(date)s, in %(days)s working day",
        "%(item)s – due %(date)s, in %(days)s working days",
        "days",
    ),
    LONG_OVERDUE: ngettext_lazy(
        "%(item)s – %(agencies)s, due %(date)s, %(days)s working day overdue",
        "%(item)s – %(agencies)s, due %(date)s, %(days)s working days overdue",
        "days",
    ),
}
MORE = ngettext_lazy("… and %(count)s more", "… and %(count)s more", "count")
AGENCY_STAFF = (Role.AGENCY_OFFICER, Role.AGENCY_HEAD)
COMMITTEE_STAFF = (Role.CHAIR, Role.SECRETARIAT)


class WorkdayIndex:
    """Working days counted once over a range, so each item's count is a subtraction."""

    def __init__(self) -> None:
        self._counted: tuple[dt.date, dt.date] | None = None  # the first and last day counted
        self._cumulative: list[int] = []  # working days from the first day to each day

    def _counted_from(self, first: dt.date, last: dt.date) -> dt.date:
        """Count the days from `first` to `last`, unless counted already (the range only grows);
        return the first day counted."""
        if self._counted is not None:
            start, end = self._counted
            if start <= first and last <= end:
                return start
            first, last = min(first, start), max(last, end)
        total, cumulative, day = 0, [], first
        while day <= last:
            total += workdays.is_working_day(day)
            cumulative.append(total)
            day += dt.timedelta(days=1)
        self._counted, self._cumulative = (first, last), cumulative
        return first

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`, as working_days_between."""
        if end < start:
            return -self.between(end, start)
        origin = self._counted_from(start, end)
        return self._cumulative[(end - origin).days] - self._cumulative[(start - origin).days]


def reminder_stage(working_days_left: int, thresholds: Iterable[int]) -> int | None:
    """The reminder due now: the smallest threshold not below the working days left.

    With thresholds 3 and 1: 3 days left → 3; 2 left (the 3-day one was missed) → 3;
    1 left → 1; more than 3 → none.
    """
    if working_days_left <= 0:
        return None  # on the day, or late: other groups
    passed = [n for n in thresholds if n >= working_days_left]
    return min(passed) if passed else None


def is_chasing_time(now: dt.datetime) -> bool:
    local = now.astimezone(VIETNAM)
    return workdays.is_working_day(local.date()) and local.hour >= settings.REMINDER_HOUR


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VIETNAM)


def _on_days(days: Iterable[dt.date], field_name: str) -> Q:
    """Deadlines ending on any of these days: one range per run of consecutive days."""
    condition = Q(pk__in=[])  # none
    run: list[dt.date] = []
    for day in sorted(days):
        if run and day != run[-1] + dt.timedelta(days=1):
            condition |= _day_range(run[0], run[-1], field_name)
            run = []
        run.append(day)
    if run:
        condition |= _day_range(run[0], run[-1], field_name)
    return condition


def _day_range(first: dt.date, last: dt.date, field_name: str) -> Q:
    return Q(
        **{
            f"{field_name}__gte": _day_start(first),
            f"{field_name}__lt": _day_start(last + dt.timedelta(days=1)),
        }
    )


# ---- links


_PLACEHOLDER = 987654321


def task_url(task_id: int) -> str:
    """The task's page in the web UI."""
    return _task_url_template().replace(str(_PLACEHOLDER), str(task_id))


@lru_cache(maxsize=1)
def _task_url_template() -> str:
    # Resolved once: a day's notices link thousands of tasks.
    return reverse("work:task", args=[_PLACEHOLDER])


@lru_cache(maxsize=len(GROUPS))
def _more_url(group: str) -> str:
    """Where the whole of a group is listed (resolved once per group: the first tick at 1M
    tasks lists ~10,000 groups, and each reverse() costs ~0.1 ms)."""
    if group == LONG_OVERDUE:
        return reverse("work:overdue")
    status = "overdue" if group == OVERDUE else "due_soon"
    return f"{reverse('work:inbox')}?status={status}&role=lead"


# ---- what is chased: ranked and counted in SQL


@dataclass
class Partition:
    """The items of one (agency, officer in charge, group), or one committee's escalations:
    how many there are, and the first LIST_LIMIT of them, most urgent first."""

    total: int = 0
    entries: list[tuple[dt.datetime, str, dict]] = field(default_factory=list)


PartitionKey = tuple  # (agency_id, officer_id | None, group) or (committee_id, LONG_OVERDUE)


def _ranked(queryset: QuerySet, partition: list, due: str) -> QuerySet:
    """The first LIST_LIMIT rows of each partition, each with its partition's count."""
    order = [F(due).asc(), F("pk").asc()]
    return (
        queryset.order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=order),
            total=Window(Count("pk"), partition_by=partition),
        )
        .filter(rank__lte=LIST_LIMIT)
    )


def _in_charge() -> Case:
    """The part's officer in charge if still active agency staff; else none (all officers)."""
    return Case(
        When(officer__is_active=True, officer__role__in=AGENCY_STAFF, then=F("officer_id")),
        default=Value(None),
        output_field=IntegerField(),
    )


PART_FIELDS = (
    "id",
    "task_id",
    "agency_id",
    "agency__name",
    "agency__short_name",
    "due_at",
    "task__ref",
    "task__title",
    "task__directive__committee_id",
    "task__directive__number",
    "task__directive__symbol",
    "task__directive__subject",
    "total",
)


def _part_entry(row: dict) -> dict:
    if row["task__directive__number"] is not None:
        directive = format_number(row["task__directive__number"], row["task__directive__symbol"])
    else:
        directive = row["task__directive__subject"][:60]
    prefix = f"{row['task__ref']}. " if row["task__ref"] else ""
    return {
        "key": f"assignment:{row['id']}",
        "title": f"{prefix}{row['task__title'][:100]} ({directive})",
        "url": task_url(row["task_id"]),
        "agencies": row["agency__short_name"] or row["agency__name"],
    }


def _submission_entry(submission: ReportSubmission) -> dict:
    return {
        "key": f"submission:{submission.pk}",
        "title": f"{submission.period.obligation} – {submission.period.label}",
        "url": reverse("reporting:submission", args=[submission.pk]),
        "agencies": str(submission.agency),
    }


def _collect(
    partitions: dict[PartitionKey, Partition],
    key: PartitionKey,
    due_at: dt.datetime,
    total: int,
    entry: dict,
) -> None:
    partition = partitions.setdefault(key, Partition(total=total))
    partition.entries.append((due_at, entry["key"], entry))


def _chased_parts() -> AssignmentQuerySet:
    """Lead parts the agency still owes, with a deadline. A part whose report awaits review is
    the standing office's move, not the agency's."""
    return (
        TaskAssignment.objects.open()
        .exclude(state="reported")
        .filter(task__state="assigned", due_at__isnull=False)
    )


def _overdue_parts(now: dt.datetime) -> AssignmentQuerySet:
    """Parts past their own deadline and still owed (`TaskAssignment.objects.overdue()`, the
    one definition), minus those awaiting review; `due_at__lt` lets the index narrow them."""
    return _chased_parts().filter(due_at__lt=now).overdue(now)


def _agency_partitions(
    now: dt.datetime, soon_parts: Q, soon_submissions: Q
) -> dict[PartitionKey, Partition]:
    """What each agency owes today: overdue, due today, and due soon (at a reminder stage):
    four queries, whatever the number of tasks."""
    today = today_in_vietnam(now)
    tomorrow = _day_start(today + dt.timedelta(days=1))
    partitions: dict[PartitionKey, Partition] = {}
    overdue = _ranked(_overdue_parts(now), [F("agency_id")], "due_at")
    for row in overdue.values(*PART_FIELDS):
        entry = _part_entry(row)
        _collect(partitions, (row["agency_id"], None, OVERDUE), row["due_at"], row["total"], entry)
    upcoming = (
        _chased_parts()
        .filter(due_at__gte=now)
        .filter(Q(due_at__lt=tomorrow) | soon_parts)
        .annotate(
            group=Case(When(due_at__lt=tomorrow, then=Value(DUE_TODAY)), default=Value(DUE_SOON)),
            in_charge=_in_charge(),
        )
    )
    ranked = _ranked(upcoming, [F("agency_id"), F("in_charge"), F("group")], "due_at")
    for row in ranked.values(*PART_FIELDS, "group", "in_charge"):
        key = (row["agency_id"], row["in_charge"], row["group"])
        _collect(partitions, key, row["due_at"], row["total"], _part_entry(row))
    submissions = ReportSubmission.objects.awaiting_agency()
    late = submissions.filter(period__due_at__lt=now)
    due = (
        submissions.filter(period__due_at__gte=now)
        .filter(Q(period__due_at__lt=tomorrow) | soon_submissions)
        .annotate(
            group=Case(
                When(period__due_at__lt=tomorrow, then=Value(DUE_TODAY)),
                default=Value(DUE_SOON),
            )
        )
    )
    for queryset, partition in (
        (late.annotate(group=Value(OVERDUE)), [F("agency_id")]),
        (due, [F("agency_id"), F("group")]),
    ):
        ranked = _ranked(queryset, partition, "period__due_at")
        for submission in ranked.select_related("agency", "period__obligation"):
            key = (submission.agency_id, None, submission.group)
            entry = _submission_entry(submission)
            _collect(partitions, key, submission.period.due_at, submission.total, entry)
    return partitions


def _escalation_partitions(
    now: dt.datetime, parts: Q, submissions: Q
) -> dict[PartitionKey, Partition]:
    """Each committee's items newly long overdue: two queries."""
    partitions: dict[PartitionKey, Partition] = {}
    committee = F("task__directive__committee_id")
    ranked = _ranked(_overdue_parts(now).filter(parts), [committee], "due_at")
    for row in ranked.values(*PART_FIELDS):
        key = (row["task__directive__committee_id"], LONG_OVERDUE)
        _collect(partitions, key, row["due_at"], row["total"], _part_entry(row))
    late = ReportSubmission.objects.awaiting_agency().filter(period__due_at__lt=now)
    ranked = _ranked(
        late.filter(submissions), [F("period__obligation__committee_id")], "period__due_at"
    )
    for submission in ranked.select_related("agency", "period__obligation"):
        key = (submission.period.obligation.committee_id, LONG_OVERDUE)
        entry = _submission_entry(submission)
        _collect(partitions, key, submission.period.due_at, submission.total, entry)
    return partitions


# ---- when: the reminder stages and escalations due today, as ranges of deadlines


def _by_setting(values: dict[int, Any]) -> dict[Any, list[int]]:
    """Committees grouped by their setting (most share the default): one condition each."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for committee_id, value in values.items():
        groups[value].append(committee_id)
    return groups


def _stage_conditions(
    today: dt.date, since: dt.datetime | None, index: WorkdayIndex
) -> tuple[Q, Q]:
    """Parts and periodic reports whose reminder stage is due today (see the module's text)."""
    thresholds = {
        pk: tuple(Committee(reminder_working_days=value).reminder_days)
        for pk, value in Committee.objects.values_list("pk", "reminder_working_days")
    }
    previous = today_in_vietnam(since) if since else None
    parts, submissions = Q(pk__in=[]), Q(pk__in=[])
    for stages, committees in _by_setting(thresholds).items():
        if not stages:
            continue
        send, staged = [], []
        day, last = today, workdays.add_working_days(today, max(stages))
        while day < last:
            day += dt.timedelta(days=1)
            stage = reminder_stage(index.between(today, day), stages)
            if stage is None:
                continue
            staged.append(day)
            before = reminder_stage(index.between(previous, day), stages) if previous else None
            if stage != before:
                send.append(day)
        due_parts = _on_days(send, "due_at")
        due_submissions = _on_days(send, "period__due_at")
        if since:  # a deadline got since the last run: its stage due now, whatever it was
            due_parts |= _deadline_set_since(since) & _on_days(staged, "due_at")
            due_submissions |= Q(period__created_at__gt=since) & _on_days(staged, "period__due_at")
        parts |= Q(task__directive__committee_id__in=committees) & due_parts
        submissions |= Q(period__obligation__committee_id__in=committees) & due_submissions
    return parts, submissions


def _deadline_set_since(since: dt.datetime) -> Q:
    """Parts that got their deadline after `since`: dispatched, or moved (the history's
    "deadline changed" entry for the agency, as an approved extension writes it). Judged in
    the same query: no query per part."""
    return Q(assigned_at__gt=since) | Q(
        Exists(
            TaskEvent.objects.filter(
                task=OuterRef("task_id"),
                agency=OuterRef("agency_id"),
                kind=TaskEventKind.DEADLINE_CHANGED,
                created_at__gt=since,
            )
        )
    )


def _latest_deadline_late_by(day: dt.date, late: int, index: WorkdayIndex) -> dt.date:
    """The last day whose deadline is at least `late` working days past on `day`."""
    latest = workdays.add_working_days(day, -late)
    while index.between(latest + dt.timedelta(days=1), day) >= late:
        latest += dt.timedelta(days=1)
    return latest


def _escalation_conditions(
    today: dt.date, since: dt.datetime | None, index: WorkdayIndex
) -> tuple[Q, Q] | None:
    """Deadlines that became M working days past since the last run (each committee's M)."""
    limits = dict(Committee.objects.values_list("pk", "escalate_after_working_days"))
    if not limits:
        return None
    previous = today_in_vietnam(since) if since else None
    parts, submissions = Q(pk__in=[]), Q(pk__in=[])
    for late, committees in _by_setting(limits).items():
        end = _day_start(_latest_deadline_late_by(today, late, index) + dt.timedelta(days=1))
        part = Q(due_at__lt=end)
        submission = Q(period__due_at__lt=end)
        if previous:
            start = _latest_deadline_late_by(previous, late, index) + dt.timedelta(days=1)
            part &= Q(due_at__gte=_day_start(start)) | Q(assigned_at__gt=since)
            submission &= Q(period__due_at__gte=_day_start(start)) | Q(period__created_at__gt=since)
        parts |= Q(task__directive__committee_id__in=committees) & part
        submissions |= Q(period__obligation__committee_id__in=committees) & submission
    return parts, submissions


# ---- who is told


class Staff:
    """Active agency heads and officers of some agencies, or committee staff: one query."""

    def __init__(self, agency_ids: Iterable[int] = (), committee_ids: Iterable[int] = ()) -> None:
        self.heads: dict[int, list[int]] = defaultdict(list)
        self.officers: dict[int, list[int]] = defaultdict(list)
        self.committee: dict[int, list[int]] = defaultdict(list)
        for chunk in _chunks(sorted(set(agency_ids))):
            for pk, agency_id, role in User.objects.filter(
                is_active=True, agency_id__in=chunk, role__in=AGENCY_STAFF
            ).values_list("pk", "agency_id", "role"):
                (self.heads if role == Role.AGENCY_HEAD else self.officers)[agency_id].append(pk)
        for chunk in _chunks(sorted(set(committee_ids))):
            for pk, committee_id in User.objects.filter(
                is_active=True, committee_id__in=chunk, role__in=COMMITTEE_STAFF
            ).values_list("pk", "committee_id"):
                self.committee[committee_id].append(pk)

    def told_of(self, key: PartitionKey) -> set[int]:
        """Who hears of a partition's items, as the module's text says."""
        if key[-1] == LONG_OVERDUE:
            return set(self.committee[key[0]])
        agency_id, in_charge, group = key
        heads, officers = self.heads[agency_id], self.officers[agency_id]
        if group == OVERDUE:
            return set(heads or officers)
        return {*heads, *([in_charge] if in_charge else officers)}


# ---- the notices


def _sections(
    groups: dict[str, dict[PartitionKey, Partition]], today: dt.date, index: WorkdayIndex
) -> list[dict]:
    """A person's groups, merged from their partitions: language-free data (counts, items,
    deadlines, working days) that `describe()` puts into words for whoever reads it."""
    sections = []
    for group in GROUPS:
        partitions = groups.get(group)
        if not partitions:
            continue
        merged = heapq.merge(*(sorted(p.entries, key=_order) for p in partitions.values()))
        items = []
        for due_at, _key, entry in islice(merged, LIST_LIMIT):
            due = due_at.astimezone(VIETNAM).date()
            days = index.between(today, due) if group == DUE_SOON else index.between(due, today)
            items.append({**entry, "due": due.isoformat(), "days": days})
        sections.append(
            {
                "group": group,
                "count": sum(p.total for p in partitions.values()),
                "items": items,
                "more_url": _more_url(group),
            }
        )
    return sections


def _order(entry: tuple) -> tuple:
    return entry[0], entry[1]


@dataclass(frozen=True)
class Described:
    """One group of a notice in words: its heading, a line and a link per item, the rest."""

    heading: str
    lines: list[tuple[str, str]]
    more: str
    more_url: str


def describe(sections: list[dict]) -> list[Described]:
    """A notice's groups in the current language (for its e-mail, and its page)."""
    language = translation.get_language()
    described = []
    for section in sections:
        group = section["group"]
        lines = []
        for item in section["items"]:
            params = {
                "item": item["title"],
                "date": vn_date(dt.date.fromisoformat(item["due"])),
                "agencies": item.get("agencies") or "—",
            }
            lines.append((_line(group, item["days"], language) % params, item["url"]))
        rest = section["count"] - len(lines)
        described.append(
            Described(
                heading=str(HEADINGS[group] % {"count": section["count"]}),
                lines=lines,
                more=str(MORE % {"count": rest}) if rest > 0 else "",
                more_url=section["more_url"],
            )
        )
    return described


@lru_cache(maxsize=1024)
def _line(group: str, days: int, language: str | None) -> str:
    """LINES[group] in the active language (`language`, the cache's key) with `days` put in
    and the other values left as placeholders: a day's notices at 1M tasks write ~60,000
    lines from a few hundred of these (a translation looked up per line was ~1 s)."""
    keep = {"item": "%(item)s", "date": "%(date)s", "agencies": "%(agencies)s"}
    return str(LINES[group] % {**keep, "days": days})


class _Words:
    """Words put together only when turned into a string, in the language active then:
    notify() renders each notice under its recipient's language."""

    def __init__(self, render: Callable[[], str]) -> None:
        self.render = render

    def __str__(self) -> str:
        return self.render()


def _body(sections: list[dict]) -> str:
    """The notice as plain text, each item with its full link (what the e-mail says)."""
    site = settings.SITE_URL.rstrip("/")
    lines: list[str] = []
    for group in describe(sections):
        if lines:
            lines.append("")
        lines.append(group.heading)
        for text, url in group.lines:
            lines += [f"- {text}", f"  {site}{url}"]
        if group.more:
            lines.append(f"{group.more} {site}{group.more_url}")
    return "\n".join(lines)


def _title(sections: list[dict], day: dt.date) -> str:
    date = vn_date(day)
    if sections and sections[0]["group"] == LONG_OVERDUE:
        return str(ESCALATION_TITLE % {"date": date, "count": sections[0]["count"]})
    summary = ", ".join(str(SUMMARY[s["group"]] % {"count": s["count"]}) for s in sections)
    return str(REMINDER_TITLE % {"date": date, "summary": summary})


def _notices(
    partitions: dict[PartitionKey, Partition],
    staff: Staff,
    kind: str,
    url: str,
    today: dt.date,
    index: WorkdayIndex,
) -> list[Message]:
    """One message per person, listing every partition they are told of."""
    theirs: dict[int, dict[str, dict[PartitionKey, Partition]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for key, partition in partitions.items():
        for person in staff.told_of(key):
            theirs[person][key[-1]][key] = partition
    messages = []
    for person, groups in theirs.items():
        sections = _sections(groups, today, index)
        messages.append(
            Message(
                recipient_id=person,
                kind=kind,
                object_key=DAILY_KEY,
                period=today.isoformat(),
                title=Text(_Words(partial(_title, sections, today))),
                body=Text(_Words(partial(_body, sections))),
                url=url,
                sections=tuple(sections),
            )
        )
    return messages


# ---- the jobs


@dataclass(frozen=True)
class _Run:
    """A daily job's run at chasing time: when it runs, its day in Vietnam, when the job last
    ran (None: never, or the clock was set back), and the working-day index its counts share."""

    now: dt.datetime
    today: dt.date
    since: dt.datetime | None
    index: WorkdayIndex


def _chasing_run(now: dt.datetime | None, since: dt.datetime | None) -> _Run | None:
    """This run, or None outside chasing time (a day off, or before REMINDER_HOUR)."""
    now = now or timezone.now()
    if not is_chasing_time(now):
        return None
    return _Run(
        now=now,
        today=today_in_vietnam(now),
        since=since if since and since < now else None,  # a clock set back: as if never run
        index=WorkdayIndex(),
    )


def send_reminders(now: dt.datetime | None = None, *, since: dt.datetime | None = None) -> int:
    """Today's notice to each person who owes something (overdue, due today, a reminder stage
    reached since `since`, when the job last ran). Returns how many notices were sent."""
    run = _chasing_run(now, since)
    if run is None:
        return 0
    stages = _stage_conditions(run.today, run.since, run.index)
    partitions = _agency_partitions(run.now, *stages)
    staff = Staff(agency_ids=[key[0] for key in partitions])  # each agency's own people
    url = reverse("work:inbox")
    notices = _notices(partitions, staff, NotificationKind.REMINDER, url, run.today, run.index)
    return len(notify(notices))


def send_escalations(now: dt.datetime | None = None, *, since: dt.datetime | None = None) -> int:
    """Deadlines M working days past since `since`: one notice to each chair and standing
    office member listing them. Returns how many notices were sent."""
    run = _chasing_run(now, since)
    if run is None:
        return 0
    conditions = _escalation_conditions(run.today, run.since, run.index)
    if conditions is None:  # no committee
        return 0
    partitions = _escalation_partitions(run.now, *conditions)
    staff = Staff(committee_ids=[key[0] for key in partitions])  # chairs, standing office
    url = reverse("work:overdue")
    notices = _notices(partitions, staff, NotificationKind.ESCALATION, url, run.today, run.index)
    return len(notify(notices))


# Newly overdue parts logged a tick (one insert, tasks.actions.record_overdue_parts): more than
# a day brings at 1M tasks (about 2,300), so the day's scan runs once; a bigger backlog (the
# first day after an outage) spreads over a few ticks.
OVERDUE_BATCH = 5000


def record_new_overdue(now: dt.datetime | None = None, limit: int = OVERDUE_BATCH) -> int:
    """Log "deadline passed" in the task's history the first time a lead's part is seen past
    its own deadline (tasks.actions.record_overdue_parts: once per deadline, one insert a run).
    Any time of day, days off included: it is a record, not a message. At most `limit` parts a
    run; the rest next run. Returns how many were recorded."""
    now = now or timezone.now()
    # An entry made after the current deadline ended is this deadline's (an extension can only
    # be asked for before the deadline, so a later deadline has no entry yet).
    recorded = TaskEvent.objects.filter(
        task=OuterRef("task_id"),
        agency=OuterRef("agency_id"),
        kind=TaskEventKind.OVERDUE,
        created_at__gte=OuterRef("due_at"),
    )
    unrecorded = (
        TaskAssignment.objects.overdue(now).filter(due_at__lt=now).filter(~Exists(recorded))
    )
    with transaction.atomic():
        # Which parts, first: all of them, unordered and unlocked, which PostgreSQL reads as
        # one merge anti-join of the overdue parts and the entries (at 1M tasks 0.4 s). Asked
        # for the first `limit` in order, it probed the entries once per overdue part
        # instead, expecting most to be unrecorded (174k probes, 1.2–4 s, to find a day's few).
        candidates = sorted(unrecorded.order_by().values_list("due_at", "pk"))
        # Then the first `limit` of them, most overdue first, as before: two ticks at once
        # each lock the parts they record and skip the other's.
        parts: list[TaskAssignment] = []
        for chunk in _chunks(candidates, min(limit, connection.features.max_query_params or limit)):
            parts += unrecorded.filter(pk__in=[pk for _due, pk in chunk]).select_for_update(
                skip_locked=True, of=("self",)
            )[: limit - len(parts)]
            if len(parts) >= limit:
                break
        return len(record_overdue_parts(parts))

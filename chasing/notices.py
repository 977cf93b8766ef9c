"""Who acts next is told. Each event that hands the next move to someone else becomes an in-app
notice and an e-mail (through `notify`, so each is claimed and e-mailed once):

| event                                   | told                                            |
|-----------------------------------------|-------------------------------------------------|
| a task dispatched (or an agency added)  | each agency's officers and heads                |
| a task list submitted for approval      | the committee's chairs                          |
| a task list returned for revision       | the committee's standing office                 |
| a report sent to the head for sign-off  | the agency's heads                              |
| a report sent on to the standing office | the committee's standing office                 |
| a report sent back by the head          | the officer who wrote it                        |
| a report accepted or returned           | the agency's officer in charge (else officers)  |
| an extension asked for                  | who decides (the chair, or the standing office) |
| an extension decided                    | who asked, and the agency's heads               |
| a task urged by the standing office     | each urged agency's officers and heads          |
| a periodic report returned              | the agency's officers and heads                 |
| a long export ready, or failed          | who asked for it                                |

The person who acted is never told of their own act. Notices are collected while the action
runs and sent once it has committed (a rolled-back action tells nobody); several notices of one
kind for the same person and the same directive (a directive of 40 tasks dispatched) become one
notice listing them. Each is written in its recipient's language when it is sent (`Text`).

The actions of tasks, documents and reporting announce each event with a signal
(tasks/signals.py, documents/signals.py, reporting/signals.py); chasing/receivers.py answers
each with the function here of the same name, inside the action's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from agencies.models import Role, User
from exports.models import Export, ExportState
from reporting.models import ReportSubmission, SubmissionState, lazy_period_label
from tasks import permissions as perms
from tasks.actions import URGE_DEFAULT
from tasks.deadlines import vn_date
from tasks.models import Extension, Task, TaskAssignment
from tasks.signals import ReportMove

from .models import NotificationKind
from .notifications import Message, Text, notify

NO_DEADLINE = pgettext_lazy("task deadline", "no deadline")

DISPATCHED_ONE = _("New task for %(agency)s: %(task)s")
DISPATCHED_MANY = ngettext_lazy(
    "%(count)s new task for %(agency)s: %(directive)s",
    "%(count)s new tasks for %(agency)s: %(directive)s",
    "count",
)
DISPATCHED_LINE = _("%(task)s – %(role)s, deadline: %(deadline)s")
DISPATCHED_INTRO = _("%(directive)s assigns these tasks to %(agency)s:")
LIST_SUBMITTED = _("Task list awaiting your approval: %(directive)s")
LIST_RETURNED = _("Task list returned for revision: %(directive)s")
TO_SIGN_OFF = _("Report awaiting your sign-off: %(task)s")
TO_SIGN_OFF_BODY = _("%(person)s reported on the part of %(agency)s.")
TO_REVIEW = _("Report to review: %(task)s – %(agency)s")
SENT_BACK = _("Your report was sent back by the head: %(task)s")
ACCEPTED = _("Report accepted: %(task)s")
RETURNED = pgettext_lazy("a task's report", "Report returned for more work: %(task)s")
EXTENSION_ASKED = _("Extension requested: %(task)s – %(agency)s")
EXTENSION_ASKED_BODY = _("From %(current)s to %(requested)s. Reason: %(reason)s")
EXTENSION_APPROVED = _("Extension approved: %(task)s")
EXTENSION_APPROVED_BODY = _("The new deadline of %(agency)s is %(date)s.")
EXTENSION_REJECTED = _("Extension rejected: %(task)s")
URGED_TITLE = _("Urged: %(task)s")
PERIODIC_RETURNED = _("Periodic report returned: %(period)s")
PERIODIC_RETURNED_BODY = _("The standing office returned your report. Reason: %(reason)s")
EXPORT_READY = _("Your file %(name)s is ready to download")
EXPORT_FAILED = _("Your file %(name)s could not be made")


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pragma: no cover - the site's URLs not wired (a bare command)
        return ""


def _directive_name(directive: Any) -> str:
    return directive.number_symbol or directive.subject[:80]


@dataclass
class _Item:
    """One event for one person: its own title and body, and what it is about."""

    title: Text
    body: Text | str
    url: str
    line: Text | str  # how it reads in a list of several
    task_id: int | None
    due_at: dt.datetime | None
    submission_id: int | None = None  # about a periodic report, not a task


@dataclass
class Notices:
    """The notices one action (or a run of them) raises; `send_after_commit()` sends them."""

    by: User | None = None
    _items: dict[tuple[int, str, str], list[_Item]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _groups: dict[str, tuple[Text, Text, str]] = field(default_factory=dict)
    _staff: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    # ---- who

    def agency_staff(self, agency_id: int, roles: Iterable[str]) -> list[int]:
        return self.agencies_staff([agency_id], roles)[agency_id]

    def agencies_staff(
        self, agency_ids: Iterable[int], roles: Iterable[str]
    ) -> dict[int, list[int]]:
        """The active people of each agency with one of `roles`: one query for the agencies
        not looked up yet (an urge to every member of a committee is one query, not 30)."""
        agency_ids = list(agency_ids)
        tag = ",".join(sorted(roles))
        missing = [a for a in agency_ids if (tag, a) not in self._staff]
        for agency_id in missing:
            self._staff[(tag, agency_id)] = []
        if missing:
            for pk, agency_id in (
                User.objects.filter(is_active=True, agency_id__in=missing, role__in=tag.split(","))
                .order_by("pk")
                .values_list("pk", "agency_id")
            ):
                self._staff[(tag, agency_id)].append(pk)
        return {agency_id: self._staff[(tag, agency_id)] for agency_id in agency_ids}

    def committee_staff(self, committee_id: int, role: str) -> list[int]:
        key = (f"committee/{role}", committee_id)
        if key not in self._staff:
            self._staff[key] = list(
                User.objects.filter(is_active=True, committee_id=committee_id, role=role)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        return self._staff[key]

    def officer_of(self, assignment: TaskAssignment) -> list[int]:
        """The part's officer in charge; none named (or gone): the agency's officers."""
        officer = assignment.officer
        if officer is not None and officer.is_active and officer.agency_id == assignment.agency_id:
            return [officer.pk]
        return self.agency_staff(assignment.agency_id, [Role.AGENCY_OFFICER])

    # ---- what

    def add(
        self,
        people: Iterable[int],
        kind: str,
        item: _Item,
        *,
        group: str = "",
        group_text: tuple[Text, Text, str] | None = None,
    ) -> None:
        """`item` for each of `people` (the actor left out). Items sharing a `group` key are
        listed in one notice per person: `group_text` is its title (a Text with `count`), its
        opening line, and its link."""
        key_group = group or f"single:{len(self._items)}"
        if group_text is not None:
            self._groups[group] = group_text
        for person in people:
            if self.by is not None and person == self.by.pk:
                continue
            self._items[(person, kind, key_group)].append(item)

    def messages(self, occurrence: str) -> list[Message]:
        """One message per person, kind and group; `occurrence` makes this run's keys unique."""
        result = []
        for (person, kind, group), items in self._items.items():
            single = group.startswith("single:")
            object_key = _object_key(items[0]) if single else group
            submission_id = None
            if len(items) == 1:
                item = items[0]
                title, body, url, task_id = item.title, item.body, item.url, item.task_id
                submission_id = item.submission_id
            else:
                many_title, intro, url = self._groups[group]
                title = many_title.with_params(count=len(items))
                body = Text.listing(intro, [item.line for item in items])
                task_id = None
            result.append(
                Message(
                    recipient_id=person,
                    kind=kind,
                    object_key=object_key,
                    period=occurrence,
                    title=title,
                    body=body,
                    url=url,
                    task_id=task_id,
                    submission_id=submission_id,
                    due_at=min((i.due_at for i in items if i.due_at), default=None),
                )
            )
        return result

    def send_after_commit(self, occurrence: str) -> None:
        """Send once the surrounding transaction commits; `occurrence` names this event (a log
        entry), so a retried callback never sends twice."""
        messages = self.messages(occurrence)
        if messages:
            transaction.on_commit(lambda: notify(messages))


def _object_key(item: _Item) -> str:
    if item.submission_id is not None:
        return f"submission:{item.submission_id}"
    return f"task:{item.task_id}"


# ---- the events


def parts_dispatched(parts: Iterable[TaskAssignment], *, by: User, occurrence: str) -> None:
    """Agencies got their parts of tasks: each one's officers and heads, one notice per person
    and directive (a directive of 40 tasks dispatched is one notice listing them)."""
    notices = Notices(by=by)
    for assignment in parts:
        _part_dispatched(notices, assignment)
    notices.send_after_commit(occurrence)


def _part_dispatched(notices: Notices, assignment: TaskAssignment) -> None:
    task = assignment.task
    directive = task.directive
    params = {
        "agency": assignment.agency.short_name or assignment.agency.name,
        "task": str(task),
        "directive": _directive_name(directive),
        "role": assignment.get_role_display(),
        "deadline": vn_date(assignment.deadline or task.deadline) or NO_DEADLINE,
    }
    item = _Item(
        title=Text(DISPATCHED_ONE, params),
        body=Text(DISPATCHED_LINE, params),
        url=_url("work:task", task.pk),
        line=Text(DISPATCHED_LINE, params),
        task_id=task.pk,
        due_at=assignment.due_at if assignment.is_lead else task.due_at,
    )
    notices.add(
        notices.agency_staff(assignment.agency_id, [Role.AGENCY_OFFICER, Role.AGENCY_HEAD]),
        NotificationKind.TASK_DISPATCHED,
        item,
        group=f"directive:{directive.pk}:agency:{assignment.agency_id}",
        group_text=(
            Text(DISPATCHED_MANY, params),
            Text(DISPATCHED_INTRO, params),
            _url("work:inbox"),
        ),
    )


# A task list's move: who is told, the title, the page it opens on.
TASK_LIST_MOVES = {
    NotificationKind.LIST_SUBMITTED: (Role.CHAIR, LIST_SUBMITTED, "directives:detail"),
    NotificationKind.LIST_RETURNED: (Role.SECRETARIAT, LIST_RETURNED, "directives:breakdown"),
}


def task_list_submitted(directive: Any, *, by: User, note: str, occurrence: str) -> None:
    _task_list_moved(directive, NotificationKind.LIST_SUBMITTED, note, by, occurrence)


def task_list_returned(directive: Any, *, by: User, reason: str, occurrence: str) -> None:
    _task_list_moved(directive, NotificationKind.LIST_RETURNED, reason, by, occurrence)


def _task_list_moved(
    directive: Any, kind: NotificationKind, body: str, by: User, occurrence: str
) -> None:
    told, title, page = TASK_LIST_MOVES[kind]
    notices = Notices(by=by)
    params = {"directive": _directive_name(directive)}
    notices.add(
        notices.committee_staff(directive.committee_id, told),
        kind,
        _directive_item(Text(title, params), body, _url(page, directive.pk)),
        group=f"directive:{directive.pk}",
    )
    notices.send_after_commit(occurrence)


def _directive_item(title: Text, body: str, url: str) -> _Item:
    return _Item(title=title, body=body, url=url, line=body, task_id=None, due_at=None)


def _part_item(assignment: TaskAssignment, title: Text | Any, body: Text | str) -> _Item:
    task = assignment.task
    return _Item(
        title=title,
        body=body,
        url=_url("work:task", task.pk),
        line=body,
        task_id=task.pk,
        due_at=assignment.due_at,
    )


def _part_params(assignment: TaskAssignment) -> dict[str, Any]:
    return {
        "task": str(assignment.task),
        "agency": assignment.agency.short_name or assignment.agency.name,
    }


REPORT_KINDS = {
    ReportMove.TO_SIGN_OFF: NotificationKind.REPORT_TO_SIGN_OFF,
    ReportMove.TO_REVIEW: NotificationKind.REPORT_TO_REVIEW,
    ReportMove.SENT_BACK: NotificationKind.REPORT_SENT_BACK,
    ReportMove.ACCEPTED: NotificationKind.REPORT_ACCEPTED,
    ReportMove.RETURNED: NotificationKind.TASK_REPORT_RETURNED,
}


def report_moved(
    assignment: TaskAssignment,
    *,
    move: ReportMove,
    by: User,
    occurrence: str,
    note: str = "",
    author: User | None = None,
) -> None:
    """A report's move on one agency's part: tell whoever acts next (see the table above)."""
    kind = REPORT_KINDS[move]
    notices = Notices(by=by)
    params = _part_params(assignment)
    committee_id = assignment.task.directive.committee_id
    if kind == NotificationKind.REPORT_TO_SIGN_OFF:
        people = notices.agency_staff(assignment.agency_id, [Role.AGENCY_HEAD])
        body = Text(TO_SIGN_OFF_BODY, {**params, "person": str(by)})
        item = _part_item(assignment, Text(TO_SIGN_OFF, params), body)
    elif kind == NotificationKind.REPORT_TO_REVIEW:
        people = notices.committee_staff(committee_id, Role.SECRETARIAT)
        item = _part_item(assignment, Text(TO_REVIEW, params), note)
    elif kind == NotificationKind.REPORT_SENT_BACK:
        people = [author.pk] if author is not None else notices.officer_of(assignment)
        item = _part_item(assignment, Text(SENT_BACK, params), note)
    elif kind == NotificationKind.REPORT_ACCEPTED:
        people = _officers_and_author(notices, assignment, author)
        item = _part_item(assignment, Text(ACCEPTED, params), note)
    elif kind == NotificationKind.TASK_REPORT_RETURNED:
        people = _officers_and_author(notices, assignment, author)
        item = _part_item(assignment, Text(RETURNED, params), note)
    else:  # pragma: no cover - a caller's mistake
        raise ValueError(kind)
    notices.add(people, kind, item)
    notices.send_after_commit(occurrence)


def _officers_and_author(
    notices: Notices, assignment: TaskAssignment, author: User | None
) -> list[int]:
    people = list(notices.officer_of(assignment))
    if author is not None and author.is_active and author.pk not in people:
        people.append(author.pk)
    return people


def extension_requested(extension: Extension, *, by: User, occurrence: str) -> None:
    """Who decides: the chair, or the standing office where the committee says so; asked of
    `permissions.can_decide_extension`, the one place that rule is written."""
    notices = Notices(by=by)
    committee_id = extension.task.directive.committee_id
    deciders = [
        person.pk
        for person in User.objects.filter(
            is_active=True, committee_id=committee_id, role__in=[Role.CHAIR, Role.SECRETARIAT]
        ).order_by("pk")
        if perms.can_decide_extension(extension, person)
    ]
    assignment = extension.assignment
    params = {
        **_part_params(assignment),
        "current": vn_date(extension.current_deadline),
        "requested": vn_date(extension.requested_deadline),
        "reason": extension.reason,
    }
    notices.add(
        deciders,
        NotificationKind.EXTENSION_REQUESTED,
        _part_item(assignment, Text(EXTENSION_ASKED, params), Text(EXTENSION_ASKED_BODY, params)),
    )
    notices.send_after_commit(occurrence)


def extension_decided(extension: Extension, *, by: User, occurrence: str) -> None:
    """Who asked, and the agency's heads."""
    notices = Notices(by=by)
    assignment = extension.assignment
    params = {**_part_params(assignment), "date": vn_date(extension.requested_deadline)}
    if extension.state == "approved":
        item = _part_item(
            assignment,
            Text(EXTENSION_APPROVED, params),
            Text(EXTENSION_APPROVED_BODY, params),
        )
    else:
        item = _part_item(assignment, Text(EXTENSION_REJECTED, params), extension.decision_note)
    people = list(notices.agency_staff(assignment.agency_id, [Role.AGENCY_HEAD]))
    asker = extension.requested_by
    if asker is not None and asker.is_active and asker.pk not in people:
        people.append(asker.pk)
    notices.add(people, NotificationKind.EXTENSION_DECIDED, item)
    notices.send_after_commit(occurrence)


def task_urged(
    task: Task, owing: Iterable[TaskAssignment], *, by: User, note: str, occurrence: str
) -> None:
    """The standing office urged the leads that still owe their part: each one's officers and
    heads, with that agency's own deadline; no note, the default words in their language."""
    notices = Notices(by=by)
    owing = list(owing)
    staff = notices.agencies_staff(
        [a.agency_id for a in owing], [Role.AGENCY_OFFICER, Role.AGENCY_HEAD]
    )
    title = Text(URGED_TITLE, {"task": str(task)})
    body = note or Text(URGE_DEFAULT)
    for assignment in owing:
        item = _Item(
            title=title,
            body=body,
            url=_url("work:task", task.pk),
            line=body,
            task_id=task.pk,
            due_at=assignment.due_at,
        )
        notices.add(staff[assignment.agency_id], NotificationKind.URGED, item)
    notices.send_after_commit(occurrence)


def periodic_report_returned(submission: ReportSubmission, *, by: User, reason: str) -> None:
    """The standing office returned a periodic report: the agency's officers and heads (each
    return is its own occurrence, so a second return tells them again)."""
    notices = Notices(by=by)
    returns = submission.events.filter(to_state=SubmissionState.RETURNED).count()
    period = submission.period
    params = {
        "period": Text(
            "%(obligation)s – %(label)s",
            {
                "obligation": str(period.obligation),
                "label": lazy_period_label(period.obligation.frequency, period.year, period.index),
            },
        ),
        "reason": reason,
    }
    body = Text(PERIODIC_RETURNED_BODY, params)
    notices.add(
        notices.agency_staff(submission.agency_id, [Role.AGENCY_OFFICER, Role.AGENCY_HEAD]),
        NotificationKind.REPORT_RETURNED,
        _Item(
            title=Text(PERIODIC_RETURNED, params),
            body=body,
            url=_url("reporting:submission", submission.pk),
            line=body,
            task_id=None,
            due_at=None,
            submission_id=submission.pk,
        ),
    )
    notices.send_after_commit(str(returns))


def export_finished(export: Export) -> None:
    """A long export made in the background: its link when ready, the reason if it failed.
    Written in the transaction that sets the export's final state (exports/background.py), so
    the notice exists exactly when that state does; nobody acted but the machine."""
    ready = export.state == ExportState.DONE
    notify(
        [
            Message(
                recipient_id=export.user_id,
                kind=NotificationKind.EXPORT_READY if ready else NotificationKind.EXPORT_FAILED,
                object_key=f"export:{export.pk}",
                period=export.state,
                title=Text(EXPORT_READY if ready else EXPORT_FAILED, {"name": export.filename}),
                body="" if ready else export.error,
                url=_url("exports:export_file" if ready else "exports:export", export.pk),
            )
        ]
    )

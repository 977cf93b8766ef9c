"""The task list's filters, read once: the task list page, the tasks' .xlsx and the PDFs that list
tasks all read their query string through `TaskFilter`, so one URL gives the same tasks
everywhere (issue 10; HackSoft's one selector and one FilterSet per list).

The query string: `directive` (an id, or a number such as 381/TB-VPCP with `year`), `agency` (an
id or a code), `role` (lead, coordinating — the screens' older word "support" too — or any),
`status` (a tab of the list: open, overdue, due_soon, done, all; or a dashboard figure such as
done_late), `from` / `to` (the task's deadline, dd/mm/yyyy or yyyy-mm-dd), `state`, `timeliness`.

With an agency, `role`, `status` and `timeliness` are about that agency's own part (as the
dashboard counts an agency's figures); without one, about the task, whose timeliness is derived
from its leads'. An agency's staff look at their own agency's parts (as lead and as
co-ordinator unless `role` narrows it) unless `agency` names another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from agencies import permissions as roles
from agencies.models import Agency, Committee
from documents.models import Directive, DirectiveState
from documents.numbers import InvalidDocumentNumber, parse_document_number

from .deadlines import vn_date
from .models import (
    OPEN_ASSIGNMENT_STATES,
    AssignmentRole,
    AssignmentState,
    Task,
    TaskAssignment,
    TaskState,
)
from .querysets import FIGURE_FILTERS, AssignmentQuerySet, TaskQuerySet, Timeliness

if TYPE_CHECKING:
    from agencies.permissions import AnyUser

LEAD = AssignmentRole.LEAD
COORDINATING = AssignmentRole.COORDINATING

# The list's tabs, for rows that are agencies' parts. A co-ordinator's part is open while the
# task is under way, done when the task is completed.
PART_FILTERS = {
    "open": Q(role=LEAD, state__in=[str(s) for s in OPEN_ASSIGNMENT_STATES])
    | Q(role=COORDINATING, task__state=TaskState.ASSIGNED, state=AssignmentState.ASSIGNED),
    "overdue": Q(role=LEAD, timeliness=Timeliness.OPEN_OVERDUE),
    "due_soon": Q(role=LEAD, timeliness=Timeliness.DUE_SOON),
    "done": Q(role=LEAD, state=AssignmentState.ACCEPTED)
    | Q(role=COORDINATING, task__state=TaskState.COMPLETED),
    "all": ~Q(state__in=[AssignmentState.DRAFT, AssignmentState.CANCELLED]),
}
# The same tabs for rows that are tasks: a task's timeliness is its leads'.
TASK_FILTERS = {
    "open": Q(state=TaskState.ASSIGNED),
    "overdue": Q(timeliness=Timeliness.OPEN_OVERDUE),
    "due_soon": Q(timeliness=Timeliness.DUE_SOON),
    "done": Q(state=TaskState.COMPLETED),
    "all": ~Q(state__in=[TaskState.DRAFT, TaskState.CANCELLED]),
}
STATUS_TABS = [
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    ("due_soon", _("Due soon")),
    ("done", _("Completed")),
    ("all", _("All")),
]
FIGURE_CHOICES = [
    ("done_on_time", _("Done on time")),
    ("done_late", _("Done late")),
    ("open_on_time", _("Open, within deadline")),
    ("open_overdue", _("Open, overdue")),
    ("no_deadline", _("Ongoing, no deadline")),
]
ROLE_CHOICES = [
    (LEAD, _("As lead")),
    (COORDINATING, _("As co-ordinator")),
    ("support", _("As co-ordinator")),  # the screens' older word, still in saved links
    ("any", _("Lead and co-ordinating")),
]
ROLE_ALIASES = {"support": COORDINATING}
# `state` names a task's state; the directive list reads the same word for a directive's.
STATE_CHOICES = list(dict(TaskState.choices + DirectiveState.choices).items())
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

BAD_DATE = _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 31/12/2024.")
BAD_RANGE = _("The start date (%(start)s) is after the end date (%(end)s).")
UNKNOWN_AGENCY = _("No member agency of this committee has the code “%(value)s”.")
UNKNOWN_DIRECTIVE = _("No directive “%(value)s” that you can see in this committee.")
AMBIGUOUS_DIRECTIVE = _("Several directives are numbered “%(value)s”: give the year too.")
BAD_CHOICE = _("“%(value)s” is not a valid %(name)s.")


@dataclass(frozen=True)
class TaskCriteria:
    """What a task list is narrowed to, once read and checked."""

    directive: Directive | None = None
    agency: Agency | None = None
    # The agency is the user's own (its inbox): both roles unless `role` says one.
    own_agency: bool = False
    role: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: str = ""
    timeliness: str = ""

    @property
    def part_role(self) -> str:
        """lead, coordinating or any: the role of the agency's parts that count."""
        role = ROLE_ALIASES.get(self.role, self.role)
        return role or ("any" if self.own_agency else LEAD)


def _task_conditions(criteria: TaskCriteria, prefix: str = "") -> Q:
    """The conditions on the task itself, from a task (prefix "") or a part ("task__")."""
    condition = Q()
    if criteria.directive is not None:
        condition &= Q(**{f"{prefix}directive": criteria.directive})
    if criteria.date_from:
        condition &= Q(**{f"{prefix}deadline__gte": criteria.date_from})
    if criteria.date_to:
        condition &= Q(**{f"{prefix}deadline__lte": criteria.date_to})
    if criteria.state:
        condition &= Q(**{f"{prefix}state": criteria.state})
    return condition


def _status_condition(status: str, tabs: dict[str, Q], *, lead_only: bool) -> Q:
    if status in tabs:
        return tabs[status]
    if status in FIGURE_FILTERS:
        return (Q(role=LEAD) & FIGURE_FILTERS[status]) if lead_only else FIGURE_FILTERS[status]
    return Q()


def filter_parts(parts: AssignmentQuerySet, criteria: TaskCriteria) -> AssignmentQuerySet:
    """The agency's parts that match, from parts annotated `with_timeliness`."""
    assert criteria.agency is not None
    parts = parts.filter(agency=criteria.agency).filter(_task_conditions(criteria, "task__"))
    if criteria.own_agency:
        # A part taken away gives no sight, unless the whole task was cancelled (visible_to's
        # rule, asked of the part itself).
        parts = parts.exclude(task__state=TaskState.DRAFT).filter(
            ~Q(state=AssignmentState.CANCELLED) | Q(task__state=TaskState.CANCELLED)
        )
    if criteria.part_role != "any":
        parts = parts.filter(role=criteria.part_role)
    parts = parts.filter(_status_condition(criteria.status, PART_FILTERS, lead_only=True))
    if criteria.timeliness:
        parts = parts.filter(timeliness=criteria.timeliness)
    return parts


def filter_tasks(tasks: TaskQuerySet, criteria: TaskCriteria, now: dt.datetime) -> TaskQuerySet:
    """The tasks that match, annotated with their timeliness at `now`; with an agency, the tasks
    where that agency has a matching part (EXISTS, so a task appears once)."""
    tasks = tasks.filter(_task_conditions(criteria)).with_timeliness(now)
    if criteria.agency is not None:
        parts = filter_parts(
            TaskAssignment.objects.filter(task=OuterRef("pk")).with_timeliness(now), criteria
        )
        return tasks.filter(Exists(parts))
    tasks = tasks.filter(_status_condition(criteria.status, TASK_FILTERS, lead_only=False))
    if criteria.timeliness:
        tasks = tasks.filter(timeliness=criteria.timeliness)
    return tasks


def committee_agencies(committee: Committee) -> QuerySet[Agency]:
    """The committee's member agencies, by code: what a list or a document may name."""
    return Agency.objects.filter(memberships__committee=committee).order_by("code")


class DateField(forms.DateField):
    """A date as the screens write it (dd/mm/yyyy) or as date inputs send it; the message for
    anything else quotes it."""

    input_formats = DATE_FORMATS

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(BAD_DATE, code="invalid", params={"value": value}) from None


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class TaskFilterForm(forms.Form):
    """Checks what the FilterSet's fields cannot alone: a directive and an agency the person may
    name, and a date range that runs forwards."""

    def __init__(self, *args: Any, filterset: TaskFilter, **kwargs: Any) -> None:
        self.filterset = filterset
        super().__init__(*args, **kwargs)

    def clean_directive(self) -> Directive | None:
        value = (self.cleaned_data.get("directive") or "").strip()
        if not value:
            return None
        return self.filterset.find_directive(value, year=self.data.get("year", ""))

    def clean_agency(self) -> Agency | None:
        value = (self.cleaned_data.get("agency") or "").strip()
        return self.filterset.find_agency(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            raise forms.ValidationError(BAD_RANGE % {"start": vn_date(start), "end": vn_date(end)})
        return data


def _bad_choice(name: Any) -> str:
    # Formatted when shown, in the person's language; Django fills in the value.
    return str(BAD_CHOICE) % {"value": "%(value)s", "name": name}


def _choice(name: Any, choices: list) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        choices=choices,
        method="filter_nothing",
        error_messages={"invalid_choice": lazy(_bad_choice, str)(name)},
    )


class TaskFilter(django_filters.FilterSet):
    """The one reading of a task list's query string, over `Task.objects.visible_to(user)` (and
    one committee's tasks when given). `qs` gives the tasks, with their timeliness; `parts()`
    the agency's parts behind them, for the list page's rows of an agency. Values that do not
    check out are left out of the filtering and named in `errors` (in the person's language)."""

    directive = django_filters.CharFilter(method="filter_nothing")
    agency = django_filters.CharFilter(method="filter_nothing")
    role = _choice(_("role"), ROLE_CHOICES)
    status = _choice(_("status"), STATUS_TABS + FIGURE_CHOICES)
    state = _choice(_("state"), STATE_CHOICES)
    timeliness = _choice(_("timeliness"), list(Timeliness.choices))

    class Meta:
        model = Task
        fields: list[str] = []
        form = TaskFilterForm

    queryset: TaskQuerySet  # Task.objects.visible_to(user), given in __init__

    def __init__(
        self,
        data: Any = None,
        *,
        user: AnyUser,
        committee: Committee | None = None,
        now: dt.datetime | None = None,
        **kwargs: Any,
    ) -> None:
        self.user = user
        self.committee = committee
        self.now = now or timezone.now()
        tasks = Task.objects.all() if user is None else Task.objects.visible_to(user)
        if committee is not None:
            tasks = tasks.filter(directive__committee=committee)
        super().__init__(data, queryset=tasks, **kwargs)

    def get_form_class(self) -> type[TaskFilterForm]:
        form_class = super().get_form_class()
        assert issubclass(form_class, TaskFilterForm)  # Meta.form, with the filters' fields
        return form_class

    @property
    def form(self) -> TaskFilterForm:
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            data = self.data if self.is_bound else None
            self._form = form_class(data, prefix=self.form_prefix, filterset=self)
        return self._form

    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # the fields act together, in filter_queryset

    # ---- the values a person may name

    def find_directive(self, value: str, *, year: str = "") -> Directive:
        directives = Directive.objects.all()
        if self.committee is not None:
            directives = directives.filter(committee=self.committee)
        if self.user is not None:
            directives = directives.visible_to(self.user)
        if value.isdigit():
            found = directives.filter(pk=int(value))
        else:
            try:
                parsed = parse_document_number(value)
            except InvalidDocumentNumber as exc:
                raise forms.ValidationError(str(exc)) from exc
            found = directives.filter(number=parsed.number, symbol=parsed.symbol)
            if str(year).strip().isdigit():
                found = found.filter(year=int(year))
        matches = list(found[:2])
        if not matches:
            raise forms.ValidationError(UNKNOWN_DIRECTIVE % {"value": value})
        if len(matches) > 1:
            raise forms.ValidationError(AMBIGUOUS_DIRECTIVE % {"value": value})
        return matches[0]

    def find_agency(self, value: str) -> Agency:
        """A member agency by code (documents, commands) or by id (the list's links)."""
        agencies: QuerySet[Agency] = Agency.objects.all()
        if self.committee is not None:
            agencies = committee_agencies(self.committee)
        lookup = {"pk": int(value)} if value.isdigit() else {"code__iexact": value}
        agency = agencies.filter(**lookup).first()
        if agency is None:
            raise forms.ValidationError(UNKNOWN_AGENCY % {"value": value})
        return agency

    # ---- the result

    @cached_property
    def criteria(self) -> TaskCriteria:
        """The checked values; an unchecked one is left out. An agency's staff look at their
        own agency's parts unless `agency` names another (then the permission layer decides,
        and `qs` stays within what they may see)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.form.is_valid()
            data = dict(self.form.cleaned_data)
            if self.form.non_field_errors():  # a range that runs backwards
                data.pop("from", None), data.pop("to", None)
        agency, own = data.get("agency"), False
        if roles.is_agency_staff(self.user) and agency in (None, self.user.agency):
            agency, own = self.user.agency, True
        return TaskCriteria(
            directive=data.get("directive"),
            agency=agency,
            own_agency=own,
            role=data.get("role") or "",
            status=data.get("status") or "",
            date_from=data.get("from"),
            date_to=data.get("to"),
            state=data.get("state") or "",
            timeliness=data.get("timeliness") or "",
        )

    def filter_queryset(self, queryset: QuerySet) -> TaskQuerySet:
        assert isinstance(queryset, TaskQuerySet)  # qs passes self.queryset.all()
        return filter_tasks(queryset, self.criteria, self.now)

    def parts(self, parts: AssignmentQuerySet | None = None) -> AssignmentQuerySet:
        """The agency's matching parts (the list page's rows when it shows one agency), each
        with its own timeliness: the parts behind exactly the tasks of `qs`."""
        if parts is None:
            parts = TaskAssignment.objects.filter(task__in=self.queryset.values("pk"))
        return filter_parts(parts.with_timeliness(self.now), self.criteria)

    def error_messages(self) -> list[str]:
        """Every value that was left out, and why, in the person's language."""
        if not self.is_bound or self.form.is_valid():
            return []
        return [str(message) for errors in self.form.errors.values() for message in errors]


# "from" and "to" are Python keywords: declared under the names the URLs use.
TaskFilter.base_filters["from"] = DateFilter(method="filter_nothing")
TaskFilter.base_filters["to"] = DateFilter(method="filter_nothing")

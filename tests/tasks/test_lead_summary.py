"""The summary of its leads a task carries (Task.lead_status, lead_due_at, lead_days_late) is
a stored copy: after any sequence of actions, the timeliness read from it is exactly the one
derived from the leads' parts (`with_timeliness_from_leads`, itself built on the one definition,
AssignmentQuerySet.with_timeliness), at any moment one looks; and so are the dashboard's grouped
figures read from it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.models import User
from documents import actions as documents_actions
from project.errors import ActionError
from tasks import actions
from tasks.models import DirectiveTally, LeadTally, Task, TaskAssignment
from tasks.querysets import FIGURE_FILTERS, Timeliness
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from workflows import services as flows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.date(2021, 3, 31)
MOVES = [
    "acknowledge",
    "report",
    "accept",
    "return",
    "extend",
    "refuse_extension",
    "drop_lead",
    "add_lead",
    "cancel_task",
    "wait",
]


@pytest.fixture(autouse=True)
def _reports_go_straight_to_the_office(committee):
    committee.reports_need_head_approval = False
    committee.save()


def _apply(move: str, task: Task, part: TaskAssignment, people: dict) -> None:
    """One person's move on one lead's part, if it is possible now; refused moves are skipped
    (they change nothing, which is also what is being checked)."""
    officer = people[part.agency.code]
    try:
        if move == "acknowledge" and part.state == "assigned":
            actions.acknowledge(part, by=officer)
        elif move == "report" and part.state in ("in_progress", "returned"):
            actions.submit_report(part, by=officer, text="Báo cáo")
        elif move == "accept" and part.state == "reported":
            actions.accept_report(part, by=people["secretariat"])
        elif move == "return" and part.state == "reported":
            actions.return_report(part, by=people["secretariat"], reason="Bổ sung")
        elif move == "extend" and part.state in ("assigned", "in_progress", "returned"):
            extension = flows.request_extension(
                part,
                by=officer,
                new_deadline=(part.deadline or DEADLINE) + dt.timedelta(days=10),
                reason="Chờ số liệu",
            )
            flows.decide_extension(extension, by=people["chair"], approve=True)
        elif move == "refuse_extension" and part.state in ("assigned", "in_progress", "returned"):
            extension = flows.request_extension(
                part,
                by=officer,
                new_deadline=(part.deadline or DEADLINE) + dt.timedelta(days=10),
                reason="Chờ số liệu",
            )
            flows.decide_extension(extension, by=people["chair"], approve=False, note="Không")
        elif move in ("drop_lead", "add_lead") and task.state == "assigned":
            # The standing office takes this lead's part away, or gives the other agency one.
            leads = [
                a.agency for a in task.assignments.filter(role="lead").exclude(state="cancelled")
            ]
            if move == "add_lead":
                wanted = [*leads, people["customs"].agency]
            else:
                wanted = [a for a in leads if a.pk != part.agency_id]
            if wanted and len({a.pk for a in wanted}) == len(wanted):
                actions.set_assignments(task, by=people["secretariat"], lead=wanted)
        elif move == "cancel_task" and task.state == "assigned":
            actions.cancel_task(task, by=people["secretariat"], reason="Không còn phù hợp")
    except ActionError:  # a move refused at this moment (deadline passed, …)
        pass


def _both(ids: list[int], now: dt.datetime) -> tuple[dict, dict]:
    tasks = Task.objects.filter(pk__in=ids)
    stored = {
        pk: (t, d)
        for pk, t, d in tasks.with_timeliness(now).values_list("pk", "timeliness", "days_overdue")
    }
    derived = {
        pk: (t, d)
        for pk, t, d in tasks.with_timeliness_from_leads(now).values_list(
            "pk", "timeliness", "days_overdue"
        )
    }
    return stored, derived


@settings(max_examples=15, suppress_health_check=list(HealthCheck))
@given(
    plans=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=2),  # leads
            st.booleans(),  # a deadline
            st.lists(
                st.tuples(
                    st.sampled_from(MOVES),
                    st.integers(min_value=0, max_value=2),  # which lead
                    st.integers(min_value=-15, max_value=25),  # day, from the deadline
                ),
                max_size=7,
            ),
        ),
        min_size=1,
        max_size=3,
    ),
    looks=st.lists(st.integers(min_value=-20, max_value=60), min_size=1, max_size=3),
)
def test_the_stored_summary_always_gives_the_derived_timeliness(
    make_task, police, border_guard, officer, secretariat, chair, committee, plans, looks
):
    customs_officer = User.objects.filter(agency__code="KG-HQ").first()  # one per test run
    if customs_officer is None:
        customs = AgencyFactory(code="KG-HQ", name="Cục Hải quan tỉnh Kiên Giang")
        MembershipFactory(committee=committee, agency=customs)
        customs_officer = UserFactory(role="agency_officer", committee=committee, agency=customs)
    people = {
        "KG-CA": officer,
        "KG-BDBP": UserFactory(role="agency_officer", committee=committee, agency=border_guard),
        "KG-HQ": customs_officer,
        "customs": customs_officer,
        "secretariat": secretariat,
        "chair": chair,
    }
    ids = []
    start = dt.datetime.combine(DEADLINE, dt.time(10), tzinfo=VN) - dt.timedelta(days=30)
    with time_machine.travel(start, tick=False):
        tasks = [
            make_task(
                deadline=DEADLINE if dated else None,
                lead=[police, border_guard][:leads],
                coordinating=[],
            )
            for leads, dated, _moves in plans
        ]
    for task, (_leads, _dated, moves) in zip(tasks, plans, strict=True):
        ids.append(task.pk)
        for move, which, day in sorted(moves, key=lambda m: m[2]):
            when = dt.datetime.combine(DEADLINE, dt.time(10), tzinfo=VN) + dt.timedelta(days=day)
            with time_machine.travel(when, tick=False):
                task.refresh_from_db()
                parts = list(
                    TaskAssignment.objects.filter(task=task, role="lead")
                    .select_related("agency", "task")
                    .order_by("agency__code")
                )
                part = parts[min(which, len(parts) - 1)]
                _apply(move, task, part, people)
    for look in looks:
        now = dt.datetime.combine(DEADLINE, dt.time(12), tzinfo=VN) + dt.timedelta(days=look)
        stored, derived = _both(ids, now)
        assert stored == derived
        _assert_dashboard_figures_are_the_derived_ones(ids, now)


def _figures(figures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in FIGURE_FILTERS}


def _counted(queryset) -> dict[str, int]:
    return {name: queryset.filter(condition).count() for name, condition in FIGURE_FILTERS.items()}


def _assert_dashboard_figures_are_the_derived_ones(ids: list[int], now: dt.datetime) -> None:
    """The dashboard's grouped figures (read from the stored summary) are the derived
    timeliness counted task by task: in total, per directive, and per lead over its parts; its
    most overdue parts are the ones with_timeliness calls overdue."""
    tasks = Task.objects.filter(pk__in=ids)
    derived = tasks.with_timeliness_from_leads(now)
    assert _figures(tasks.timeliness_summary(now=now)) == _counted(derived)
    for directive, figures in tasks.timeliness_summary(by="directive", now=now).items():
        assert _figures(figures) == _counted(derived.filter(directive=directive))
    parts = TaskAssignment.objects.filter(task__in=ids, role="lead").with_timeliness(now)
    for agency, figures in tasks.timeliness_summary(by="agency", now=now).items():
        assert _figures(figures) == _counted(parts.filter(agency=agency))
    # Each lead's figures as the dashboards read them (settled parts' stored counts and the
    # live ones counted now) over every lead part of the committee and of all committees.
    every = TaskAssignment.objects.filter(role="lead").with_timeliness(now)
    committee = Task.objects.get(pk=ids[0]).directive.committee_id
    for scope, counted in (
        (committee, every.filter(task__directive__committee=committee)),
        (None, every),
    ):
        expected = {
            agency: _counted(counted.filter(agency=agency))
            for agency in set(counted.values_list("agency", flat=True))
        }
        tallied = LeadTally.objects.timeliness_summary(scope, now=now)
        assert {a: _figures(f) for a, f in tallied.items() if f.total} == {
            a: e
            for a, e in expected.items()
            if e["done_on_time"] + e["done_late"] + e["open_on_time"] + e["open_overdue"]
        }
    # Each directive's task figures as the dashboards read them (settled tasks' stored counts
    # and the open ones counted now), for the committee and for all committees.
    for scope in (committee, None):
        every_task = (
            Task.objects.all() if scope is None else Task.objects.filter(directive__committee=scope)
        )
        assert {
            d: _figures(f)
            for d, f in DirectiveTally.objects.timeliness_summary(scope, now=now).items()
            if f.total
        } == {
            d: _figures(f)
            for d, f in every_task.timeliness_summary(by="directive", now=now).items()
            if f.total
        }
    # The most overdue list: every owed part with_timeliness calls overdue, and only those.
    owed_overdue = parts.owing().filter(FIGURE_FILTERS["open_overdue"])
    assert set(parts.overdue(now).values_list("pk", flat=True)) == set(
        owed_overdue.values_list("pk", flat=True)
    )


def test_a_task_overdue_by_one_lead_is_overdue_until_that_lead_reports_in_time_or_is_extended(
    make_task, police, border_guard, officer, secretariat, chair, committee
):
    bg_officer = UserFactory(role="agency_officer", committee=committee, agency=border_guard)
    with time_machine.travel(dt.datetime(2021, 3, 1, 9, tzinfo=VN), tick=False):
        task = make_task(deadline=DEADLINE, lead=[police, border_guard], coordinating=[])
        police_part = TaskAssignment.objects.get(task=task, agency=police)
        actions.submit_report(actions.acknowledge(police_part, by=officer), by=officer, text="x")
    after = dt.datetime(2021, 4, 3, 9, tzinfo=VN)
    stored, derived = _both([task.pk], after)
    # The police reported in time; the border guard never did: the task is 3 days overdue.
    assert stored[task.pk] == derived[task.pk] == (Timeliness.OPEN_OVERDUE, 3)
    task.refresh_from_db()
    assert task.lead_status == "open"
    bg_part = TaskAssignment.objects.get(task=task, agency=border_guard)
    with time_machine.travel(dt.datetime(2021, 3, 20, 9, tzinfo=VN), tick=False):
        extension = flows.request_extension(
            bg_part, by=bg_officer, new_deadline=dt.date(2021, 4, 30), reason="Chờ giám định"
        )
        flows.decide_extension(extension, by=chair, approve=True)
    stored, derived = _both([task.pk], after)
    assert stored[task.pk] == derived[task.pk]
    assert stored[task.pk][0] in (Timeliness.OPEN_ON_TIME, Timeliness.DUE_SOON)


def test_editing_a_draft_task_recounts_no_tally_and_takes_no_lock(committee, secretariat):
    """Draft parts are never counted: the breakdown editor, which makes several tasks in one
    transaction, must not take the tallies' locks (two offices proposing at once could
    deadlock on them)."""
    police, guard = AgencyFactory(), AgencyFactory()
    for agency in (police, guard):
        MembershipFactory(committee=committee, agency=agency)
    directive = documents_actions.register_directive(
        committee,
        by=secretariat,
        number="07/KH-BCĐ389",
        subject="Kế hoạch cao điểm",
        issued_on=dt.date(2030, 1, 10),
    )
    with CaptureQueriesContext(connection) as captured:
        task = actions.create_task(
            directive, by=secretariat, title="Tuần tra", lead=[police, guard], deadline=None
        )
        actions.set_assignments(task, lead=[guard], coordinating=[police], by=secretariat)
    touched = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in touched if "tally" in sql.lower() or "advisory" in sql]
    assert LeadTally.objects.count() == DirectiveTally.objects.count() == 0

"""People act on the same agency's part at the same moment: exactly one wins, the others are
told someone else acted first, and the history has one entry. PostgreSQL only (real locks)."""

import datetime as dt

import pytest
import time_machine

from documents.actions import register_directive
from project.errors import ActionConflict
from tasks import actions
from tasks.actions import create_task
from tasks.deadlines import VIETNAM
from tasks.models import DirectiveTally, Extension, LeadTally, TaskAssignment, TaskEvent, TaskState
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.races import race
from workflows import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONFLICT = "Someone else acted on this first. Reload the page to see what changed."
NOVEMBER = dt.datetime(2020, 11, 2, 9, tzinfo=VIETNAM)


def race_on(part_pk, calls):
    """The part's contenders race in November 2020 (the clock is the whole process's)."""
    with time_machine.travel(NOVEMBER, tick=False):
        return race(lambda: TaskAssignment.objects.get(pk=part_pk), calls)


@pytest.fixture
def part(make_task, committee):
    committee.reports_need_head_approval = False
    committee.save()
    with time_machine.travel(NOVEMBER, tick=False):
        task = make_task()
    return TaskAssignment.objects.get(task=task, role="lead")


def test_twenty_officers_reporting_the_same_part_commit_once(part, officer, police, committee):
    officers = [officer] + [
        UserFactory(role="agency_officer", committee=committee, agency=police) for _ in range(19)
    ]
    with time_machine.travel(NOVEMBER, tick=False):
        actions.acknowledge(part, by=officer)
    outcomes = race_on(
        part.pk,
        [lambda p, o=o: actions.submit_report(p, by=o, text=f"Báo cáo của {o}") for o in officers],
    )
    assert outcomes.count("won") == 1
    assert outcomes.count(str(CONFLICT)) == 19, outcomes
    part.refresh_from_db()
    assert part.state == "reported"
    assert TaskEvent.objects.filter(task=part.task, to_value="reported").count() == 1
    assert part.reports.filter(kind="result").count() == 1


def test_two_officers_acknowledging_at_once(part, officer, police, committee):
    colleague = UserFactory(
        username="canbo.ca2", role="agency_officer", committee=committee, agency=police
    )
    outcomes = race_on(
        part.pk,
        [
            lambda p: actions.acknowledge(p, by=officer),
            lambda p: actions.acknowledge(p, by=colleague),
        ],
    )
    assert sorted(outcomes) == sorted(["won", str(CONFLICT)])
    part.refresh_from_db()
    assert part.state == "in_progress"
    assert TaskEvent.objects.filter(task=part.task, to_value="in_progress").count() == 1
    assert TaskEvent.objects.filter(task=part.task, kind="officer").count() == 1


def test_accept_and_return_at_once(part, officer, secretariat, committee):
    deputy_office = UserFactory(username="vanphong2", role="secretariat", committee=committee)
    with time_machine.travel(NOVEMBER, tick=False):
        reported = actions.acknowledge(part, by=officer)
        actions.submit_report(reported, by=officer, text="Kết quả")
    outcomes = race_on(
        part.pk,
        [
            lambda p: actions.accept_report(p, by=secretariat),
            lambda p: actions.return_report(p, by=deputy_office, reason="Thiếu số liệu"),
        ],
    )
    assert sorted(outcomes) == sorted(["won", str(CONFLICT)])
    part.refresh_from_db()
    assert part.state in ("accepted", "returned")
    assert TaskEvent.objects.filter(task=part.task, from_value="reported").count() == 1
    assert part.reports.exclude(outcome="pending").count() == 1


def test_two_leads_accepted_at_once_complete_the_task_once(
    make_task, committee, police, border_guard, officer, support_officer, secretariat
):
    committee.reports_need_head_approval = False
    committee.save()
    second_office = UserFactory(username="vanphong3", role="secretariat", committee=committee)
    with time_machine.travel(NOVEMBER, tick=False):
        task = make_task(lead=[police, border_guard], coordinating=[])
        ids = []
        for agency, by in ((police, officer), (border_guard, support_officer)):
            p = actions.acknowledge(task.assignments.get(agency=agency), by=by)
            ids.append(actions.submit_report(p, by=by, text="Xong").assignment.pk)
    with time_machine.travel(NOVEMBER, tick=False):
        outcomes = race(
            [lambda pk=pk: TaskAssignment.objects.get(pk=pk) for pk in ids],
            [
                lambda p: actions.accept_report(p, by=secretariat),
                lambda p: actions.accept_report(p, by=second_office),
            ],
        )
    assert outcomes == ["won", "won"]
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert TaskEvent.objects.filter(task=task, agency=None, to_value="completed").count() == 1


def test_twenty_extension_requests_at_once_make_one(part, officer, police, committee):
    officers = [officer] + [
        UserFactory(role="agency_officer", committee=committee, agency=police) for _ in range(19)
    ]
    outcomes = race_on(
        part.pk,
        [
            lambda p, o=o: services.request_extension(
                p, by=o, new_deadline=dt.date(2021, 2, 28), reason="Chờ giám định"
            )
            for o in officers
        ],
    )
    assert outcomes.count("won") == 1, outcomes
    assert all(
        o == "won" or "already has an extension request" in o or o == str(CONFLICT)
        for o in outcomes
    ), outcomes
    assert Extension.objects.filter(assignment=part).count() == 1
    assert TaskEvent.objects.filter(task=part.task, kind="extension_requested").count() == 1


def test_stale_page_gets_the_conflict_message(part, officer):
    stale = TaskAssignment.objects.get(pk=part.pk)
    with time_machine.travel(NOVEMBER, tick=False):
        actions.acknowledge(part, by=officer)
        with pytest.raises(ActionConflict):
            actions.acknowledge(stale, by=officer)


def _report_then_accept_at_once(tasks, officers, office) -> list[str]:
    """Each task's lead part reported by its officer, then all accepted at the same moment, one
    by each member of the standing office: the race's outcomes."""
    parts = []
    for task, officer in zip(tasks, officers, strict=True):
        part = TaskAssignment.objects.get(task=task, role="lead")
        actions.submit_report(actions.acknowledge(part, by=officer), by=officer, text="Xong")
        parts.append(part.pk)
    return race(
        [lambda pk=pk: TaskAssignment.objects.get(pk=pk) for pk in parts],
        [lambda p, o=o: actions.accept_report(p, by=o) for o in office],
    )


def test_accepting_many_parts_of_one_agency_at_once_counts_each_on_the_dashboard(
    make_task, officer, secretariat, committee, police
):
    """Each acceptance recounts the agency's settled parts in the committee (LeadTally):
    counted at once, none may miss another's, or the dashboard would show fewer done."""
    committee.reports_need_head_approval = False
    committee.save()
    office = [secretariat] + [
        UserFactory(role="secretariat", committee=committee) for _ in range(7)
    ]
    with time_machine.travel(NOVEMBER, tick=False):
        tasks = [make_task() for _ in office]
        outcomes = _report_then_accept_at_once(tasks, [officer] * len(office), office)
    assert outcomes == ["won"] * len(office)
    figures = LeadTally.objects.timeliness_summary(committee.pk)[police.pk]
    assert figures.done_on_time == len(office)
    assert figures.open == 0
    # And each recounts its directive's settled tasks (DirectiveTally), all of them here.
    by_directive = DirectiveTally.objects.timeliness_summary(committee.pk)
    assert sum(f.done_on_time for f in by_directive.values()) == len(office)
    assert sum(f.open for f in by_directive.values()) == 0


def test_accepting_the_parts_of_one_directive_at_once_counts_each_task(
    committee, secretariat, chair
):
    """Different agencies' tasks of one directive, accepted at the same moment: each
    acceptance recounts the directive's settled tasks (DirectiveTally), and none may miss
    another's, or the dashboard would show fewer tasks done than there are."""
    committee.reports_need_head_approval = False
    committee.save()
    agencies = [AgencyFactory() for _ in range(6)]
    officers = []
    for agency in agencies:
        MembershipFactory(committee=committee, agency=agency)
        officers.append(UserFactory(role="agency_officer", committee=committee, agency=agency))
    office = [secretariat] + [
        UserFactory(role="secretariat", committee=committee) for _ in agencies[1:]
    ]
    with time_machine.travel(NOVEMBER, tick=False):
        directive = register_directive(
            committee,
            by=secretariat,
            number="9/TB-BCĐ",
            subject="Kết luận",
            issued_on=NOVEMBER.date(),
        )
        tasks = [
            create_task(
                directive, by=secretariat, title=f"Việc {n}", lead=[agency], coordinating=[],
                deadline=dt.date(2020, 12, 31),
            )
            for n, agency in enumerate(agencies)
        ]  # fmt: skip
        services.start_directive_flow(directive)
        services.submit_breakdown(directive, by=secretariat)
        services.decide_task_list(directive, by=chair, approve=True)
        services.dispatch(directive, by=secretariat)
        outcomes = _report_then_accept_at_once(tasks, officers, office)
    assert outcomes == ["won"] * len(office)
    figures = DirectiveTally.objects.timeliness_summary(committee.pk)[directive.pk]
    assert figures.done_on_time == len(agencies)
    assert figures.open == 0

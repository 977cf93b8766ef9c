"""People act on the same agency's part at the same moment: exactly one wins, the others are
told someone else acted first, and the history has one entry. PostgreSQL only (real locks)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from project.errors import ActionConflict, ActionError
from tasks import actions
from tasks.deadlines import VIETNAM
from tasks.models import Extension, TaskAssignment, TaskEvent, TaskState
from tests.factories import UserFactory
from workflows import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONFLICT = "Someone else acted on this first. Reload the page to see what changed."
NOVEMBER = dt.datetime(2020, 11, 2, 9, tzinfo=VIETNAM)


def race(part_pk, calls):
    """Load the part in each thread, wait until all have it, then act at once. Returns "won",
    the refusal message, or the repr of anything unexpected (which fails the test)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            with time_machine.travel(NOVEMBER, tick=False):
                part = TaskAssignment.objects.get(pk=part_pk)
                barrier.wait(timeout=20)
                call(part)
            outcomes[index] = "won"
        except ActionError as exc:
            outcomes[index] = str(exc.message)
        except Exception as exc:  # noqa: BLE001 - reported as a failure below
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


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
    outcomes = race(
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
    outcomes = race(
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
    outcomes = race(
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
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def accept(index, pk, by):
        try:
            with time_machine.travel(NOVEMBER, tick=False):
                p = TaskAssignment.objects.get(pk=pk)
                barrier.wait(timeout=20)
                actions.accept_report(p, by=by)
            outcomes[index] = "won"
        except Exception as exc:  # noqa: BLE001
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=(0, ids[0], secretariat)),
        threading.Thread(target=accept, args=(1, ids[1], second_office)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["won", "won"]
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert TaskEvent.objects.filter(task=task, agency=None, to_value="completed").count() == 1


def test_twenty_extension_requests_at_once_make_one(part, officer, police, committee):
    officers = [officer] + [
        UserFactory(role="agency_officer", committee=committee, agency=police) for _ in range(19)
    ]
    outcomes = race(
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

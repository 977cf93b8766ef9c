"""Two people act on the same task at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from project.errors import ActionConflict
from tasks import actions
from tasks.models import Task, TaskEvent, TaskState
from tests.factories import UserFactory


def race(task_pk, *calls):
    """Load the task in each thread, wait until all have it, then act at once."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            task = Task.objects.get(pk=task_pk)
            barrier.wait(timeout=10)
            call(task)
            outcomes[index] = "won"
        except ActionConflict as exc:
            outcomes[index] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_acknowledging_at_once(make_task, officer, police, committee):
    colleague = UserFactory(
        username="canbo.ca2", role="agency_officer", committee=committee, agency=police
    )
    task = make_task()
    outcomes = race(
        task.pk,
        lambda t: actions.acknowledge_task(t, by=officer),
        lambda t: actions.acknowledge_task(t, by=colleague),
    )
    assert sorted(outcomes, key=str) == sorted(
        ["won", "Someone else acted on this first. Reload the page to see what changed."], key=str
    )
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    assert TaskEvent.objects.filter(task=task, to_value="in_progress").count() == 1
    assert TaskEvent.objects.filter(task=task, kind="officer").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_return_at_once(make_task, officer, secretariat, committee):
    deputy_office = UserFactory(username="vanphong2", role="secretariat", committee=committee)
    task = make_task()
    actions.acknowledge_task(task, by=officer)
    actions.submit_report(task, by=officer, text="Kết quả")
    outcomes = race(
        task.pk,
        lambda t: actions.accept_report(t, by=secretariat),
        lambda t: actions.return_report(t, by=deputy_office, reason="Thiếu số liệu"),
    )
    assert outcomes.count("won") == 1
    task.refresh_from_db()
    assert task.state in (TaskState.COMPLETED, TaskState.RETURNED)
    assert TaskEvent.objects.filter(task=task, from_value="reported").count() == 1
    assert task.reports.exclude(outcome="pending").count() == 1

"""Flow locks (select_for_update on the process row) under real concurrency: PostgreSQL only."""

import threading

import pytest
from django.db import connection
from viewflow.workflow.status import STATUS

from project.errors import ActionConflict
from tasks import actions as task_actions
from tasks.models import Task, TaskReport, TaskState
from workflows.flows import DirectiveFlow, TaskFlow
from workflows.services import complete_step

from .conftest import dispatch_flow, open_step

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run the calls in threads released together; return "won" or the refusal message."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "won"
        except ActionConflict as exc:
            outcomes[index] = str(exc.message)
        except Exception as exc:  # noqa: BLE001 - the test reports anything else as a failure
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_reviewers_on_the_same_report_one_wins(
    draft_directive, secretariat, second_secretary, chair, officer
):
    dispatch_flow(draft_directive, secretariat, chair)
    task = draft_directive.tasks.get(ref="II.2")
    process = task.process
    complete_step(
        open_step(process, TaskFlow.acknowledge),
        by=officer,
        perform=lambda: task_actions.acknowledge_task(task, by=officer),
    )
    complete_step(
        open_step(process, TaskFlow.report),
        by=officer,
        perform=lambda: task_actions.submit_report(task, by=officer, text="Xong"),
    )
    review = open_step(process, TaskFlow.review)

    def accept():
        fresh = Task.objects.get(pk=task.pk)
        complete_step(
            review,
            by=secretariat,
            perform=lambda: task_actions.accept_report(fresh, by=secretariat),
        )

    def give_back():
        fresh = Task.objects.get(pk=task.pk)
        complete_step(
            review,
            by=second_secretary,
            perform=lambda: task_actions.return_report(
                fresh, by=second_secretary, reason="Thiếu số liệu"
            ),
        )

    outcomes = at_once(accept, give_back)
    assert sorted(outcomes) == sorted(
        ["won", "This step has already been completed by someone else."]
    )
    task.refresh_from_db()
    assert task.state in (TaskState.COMPLETED, TaskState.RETURNED)
    assert TaskReport.objects.filter(task=task).exclude(outcome="pending").count() == 1
    assert process.task_set.filter(flow_task=TaskFlow.review, status=STATUS.DONE).count() == 1


def test_two_tasks_finishing_at_once_open_one_close_step(draft_directive, secretariat, chair):
    process = dispatch_flow(draft_directive, secretariat, chair)
    waiting = list(process.task_set.filter(flow_task=DirectiveFlow.wait_task, status=STATUS.NEW))
    assert len(waiting) == 2

    outcomes = at_once(*[lambda w=w: DirectiveFlow.wait_task.run(w) for w in waiting])
    assert outcomes == ["won", "won"]
    assert (
        process.task_set.filter(flow_task=DirectiveFlow.join_tasks, status=STATUS.DONE).count() == 1
    )
    assert process.task_set.filter(flow_task=DirectiveFlow.close).count() == 1

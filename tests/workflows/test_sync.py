"""Work done outside the flows (direct actions from the task page, the demo data): the flows
catch up instead of waiting forever."""

import datetime as dt

import pytest
from viewflow.workflow.status import PROCESS

from documents.actions import close_directive
from tasks import actions as task_actions
from tasks.models import TaskState
from workflows.flows import DirectiveFlow, ExtensionFlow, TaskFlow
from workflows.models import DirectiveProcess, TaskProcess
from workflows.queries import actions_for
from workflows.sync import sync_flows, sync_object

from .conftest import has_open_step, open_step

pytestmark = pytest.mark.django_db


def test_a_directive_dispatched_without_flows_is_adopted_where_it_stands(make_task, officer):
    task = make_task()  # registered, approved and dispatched by direct actions
    assert sync_object(task) > 0
    process = DirectiveProcess.objects.get(directive=task.directive)
    assert has_open_step(TaskProcess.objects.get(tracked_task=task), TaskFlow.acknowledge)
    assert not has_open_step(process, DirectiveFlow.break_down)
    assert [label for label, _ in actions_for(officer, task)][0] == (
        "Acknowledge and name the officer"
    )
    assert sync_object(task) == 0  # nothing left to move


def test_direct_actions_move_the_flow_to_the_matching_step(
    dispatched, draft_directive, officer, secretariat, chair
):
    task = draft_directive.tasks.get(ref="II.2")
    process = task.process
    task_actions.acknowledge_task(task, by=officer)
    task_actions.submit_report(task, by=officer, text="Báo cáo kết quả")
    sync_flows()
    assert has_open_step(process, TaskFlow.review)

    extension = task_actions.request_extension(
        task, by=officer, new_deadline=dt.date(2021, 1, 15), reason="Chờ giám định"
    )
    sync_object(task)
    assert has_open_step(extension.process, ExtensionFlow.decide)
    task_actions.approve_extension(extension, by=chair, note="")
    task_actions.accept_report(task, by=secretariat)
    sync_object(task)
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    extension.process.refresh_from_db()
    assert extension.process.status == PROCESS.DONE

    border_task = draft_directive.tasks.get(ref="II.1")
    task_actions.cancel_task(border_task, by=secretariat, reason="Không còn cần thiết")
    sync_flows()
    assert TaskProcess.objects.get(tracked_task=border_task).status == PROCESS.CANCELED
    directive_process = DirectiveProcess.objects.get(directive=draft_directive)
    close = open_step(directive_process, DirectiveFlow.close)
    close_directive(draft_directive, by=secretariat, summary="Đã xong")
    sync_flows()
    close.refresh_from_db()
    directive_process.refresh_from_db()
    assert directive_process.status == PROCESS.DONE
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED


def test_a_directive_whose_tasks_were_all_finished_outside_the_flows_is_adopted(
    make_task, officer, secretariat
):
    done = make_task()
    task_actions.acknowledge_task(done, by=officer)
    task_actions.submit_report(done, by=officer, text="Xong")
    task_actions.accept_report(done, by=secretariat)
    sync_object(done)  # must not stop at the split for want of open tasks
    process = DirectiveProcess.objects.get(directive=done.directive)
    assert TaskProcess.objects.get(tracked_task=done).status == PROCESS.DONE
    assert has_open_step(process, DirectiveFlow.close)

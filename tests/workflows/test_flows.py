"""The flows driven from code (no HTTP): DirectiveFlow.adopt.run(...), services.complete_step."""

import pytest
from viewflow.workflow import lock
from viewflow.workflow.status import PROCESS

from documents import actions as directive_actions
from project.errors import ActionConflict, ActionForbidden
from tasks import actions as task_actions
from tasks.models import TaskEvent, TaskState
from workflows import services
from workflows.flows import DirectiveFlow, ExtensionFlow, TaskFlow
from workflows.models import TaskProcess

from .conftest import has_open_step, open_step


def test_every_flow_locks_the_process_row():
    for flow_class in (DirectiveFlow, TaskFlow, ExtensionFlow):
        assert flow_class.lock_impl is lock.select_for_update_lock


def test_chair_returns_the_task_list_and_it_comes_back_for_revision(
    draft_directive, secretariat, chair
):
    process = DirectiveFlow.adopt.run(directive=draft_directive)
    services.complete_step(
        open_step(process, DirectiveFlow.break_down),
        by=secretariat,
        perform=lambda: directive_actions.submit_directive_for_approval(
            draft_directive, by=secretariat
        ),
    )
    services.complete_step(
        open_step(process, DirectiveFlow.approve),
        by=chair,
        perform=lambda: directive_actions.return_directive(
            draft_directive, by=chair, reason="Bổ sung thời hạn cho nhiệm vụ II.2"
        ),
    )
    draft_directive.refresh_from_db()
    assert draft_directive.state == "draft"
    assert has_open_step(process, DirectiveFlow.break_down)
    assert not has_open_step(process, DirectiveFlow.dispatch)


def test_only_the_chair_may_approve(draft_directive, secretariat):
    process = DirectiveFlow.adopt.run(directive=draft_directive)
    services.complete_step(
        open_step(process, DirectiveFlow.break_down),
        by=secretariat,
        perform=lambda: directive_actions.submit_directive_for_approval(
            draft_directive, by=secretariat
        ),
    )
    with pytest.raises(ActionForbidden):
        services.complete_step(
            open_step(process, DirectiveFlow.approve),
            by=secretariat,
            perform=lambda: directive_actions.approve_directive(draft_directive, by=secretariat),
        )
    draft_directive.refresh_from_db()
    assert draft_directive.state == "awaiting_approval"


def test_dispatch_starts_one_task_flow_per_task(dispatched, draft_directive):
    tasks = list(draft_directive.tasks.all())
    assert {t.state for t in tasks} == {TaskState.ASSIGNED}
    flows = TaskProcess.objects.filter(tracked_task__in=tasks)
    assert flows.count() == 2
    for task_process in flows:
        assert has_open_step(task_process, TaskFlow.acknowledge)


def test_failed_action_changes_nothing_and_leaves_the_step_open(
    dispatched, draft_directive, officer
):
    task = draft_directive.tasks.get(ref="II.2")
    task_process = task.process
    with pytest.raises(Exception) as caught:
        services.complete_step(
            open_step(task_process, TaskFlow.acknowledge),
            by=officer,
            perform=lambda: task_actions.submit_report(task, by=officer, text="Đã xong"),
        )
    assert "not possible now" in str(caught.value)
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED
    assert has_open_step(task_process, TaskFlow.acknowledge)


def _run_task_to_completion(task, officer, secretariat):
    process = task.process
    services.complete_step(
        open_step(process, TaskFlow.acknowledge),
        by=officer,
        perform=lambda: task_actions.acknowledge_task(task, by=officer),
    )
    services.complete_step(
        open_step(process, TaskFlow.report),
        by=officer,
        perform=lambda: task_actions.submit_report(task, by=officer, text="Đã triển khai"),
    )
    services.complete_step(
        open_step(process, TaskFlow.review),
        by=secretariat,
        perform=lambda: task_actions.accept_report(task, by=secretariat),
    )


def test_directive_waits_for_every_task_then_the_office_closes_it(
    dispatched, draft_directive, officer, support_officer, secretariat
):
    police_task = draft_directive.tasks.get(ref="II.2")
    border_task = draft_directive.tasks.get(ref="II.1")
    _run_task_to_completion(police_task, officer, secretariat)
    assert TaskProcess.objects.get(tracked_task=police_task).status == PROCESS.DONE
    assert not has_open_step(dispatched, DirectiveFlow.close)

    services.cancel_task(border_task, by=secretariat, reason="Đã giao cho Kế hoạch 92")
    border_task.refresh_from_db()
    assert border_task.state == TaskState.CANCELLED
    assert TaskProcess.objects.get(tracked_task=border_task).status == PROCESS.CANCELED

    close = open_step(dispatched, DirectiveFlow.close)
    services.complete_step(
        close,
        by=secretariat,
        perform=lambda: directive_actions.close_directive(
            draft_directive, by=secretariat, summary="Hoàn thành 1/2, 1 nhiệm vụ hủy"
        ),
    )
    draft_directive.refresh_from_db()
    dispatched.refresh_from_db()
    assert draft_directive.state == "closed"
    assert dispatched.status == PROCESS.DONE


def test_returned_report_goes_back_to_the_agency(dispatched, draft_directive, officer, secretariat):
    task = draft_directive.tasks.get(ref="II.2")
    process = task.process
    services.complete_step(
        open_step(process, TaskFlow.acknowledge),
        by=officer,
        perform=lambda: task_actions.acknowledge_task(task, by=officer),
    )
    services.complete_step(
        open_step(process, TaskFlow.report),
        by=officer,
        perform=lambda: task_actions.submit_report(task, by=officer, text="Báo cáo lần 1"),
    )
    services.complete_step(
        open_step(process, TaskFlow.review),
        by=secretariat,
        perform=lambda: task_actions.return_report(task, by=secretariat, reason="Thiếu số liệu"),
    )
    task.refresh_from_db()
    assert task.state == TaskState.RETURNED
    assert has_open_step(process, TaskFlow.report)


def test_a_step_done_twice_is_refused_with_a_message(dispatched, draft_directive, officer):
    task = draft_directive.tasks.get(ref="II.2")
    step = open_step(task.process, TaskFlow.acknowledge)
    services.complete_step(
        step, by=officer, perform=lambda: task_actions.acknowledge_task(task, by=officer)
    )
    with pytest.raises(ActionConflict, match="already been completed"):
        services.complete_step(step, by=officer)
    assert TaskEvent.objects.filter(task=task, kind="officer").count() == 1


def test_submitting_the_breakdown_completes_the_flow_step_even_for_an_adopted_directive(
    draft_directive, secretariat, chair
):
    """A directive registered outside the register page (an import, the demo data) has no flow
    yet: finishing its breakdown gives it one and completes the step, once."""
    from workflows.models import DirectiveProcess

    assert not DirectiveProcess.objects.filter(directive=draft_directive).exists()
    with pytest.raises(ActionForbidden):
        services.submit_breakdown(draft_directive, by=chair)
    assert not DirectiveProcess.objects.filter(directive=draft_directive).exists()
    services.submit_breakdown(draft_directive, by=secretariat, note="Kính trình")
    process = DirectiveProcess.objects.get(directive=draft_directive)
    assert draft_directive.state == "awaiting_approval"
    assert not has_open_step(process, DirectiveFlow.break_down)
    assert has_open_step(process, DirectiveFlow.approve)
    with pytest.raises(ActionConflict):
        services.submit_breakdown(draft_directive, by=secretariat)

"""The flows driven from code (no HTTP), through workflows.services: the directive's routing and
an extension's decision, each flow the one writer of what it routes."""

import datetime as dt

import pytest
import time_machine
from viewflow.workflow import lock
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from documents import actions as directive_actions
from project.errors import ActionConflict, ActionError, ActionForbidden
from tasks import actions as task_actions
from tasks.deadlines import VIETNAM
from tasks.models import TaskAssignment, TaskEvent, TaskEventKind, TaskState
from workflows import services
from workflows.flows import DirectiveFlow, ExtensionFlow
from workflows.models import DirectiveProcess, ExtensionProcess

from .conftest import has_open_step, open_step

OCTOBER = dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM)
NOVEMBER = dt.datetime(2020, 11, 20, 9, tzinfo=VIETNAM)


def test_every_flow_locks_the_process_row():
    for flow_class in (DirectiveFlow, ExtensionFlow):
        assert flow_class.lock_impl is lock.select_for_update_lock


def test_chair_returns_the_task_list_and_it_comes_back_for_revision(
    draft_directive, secretariat, chair
):
    process = DirectiveProcess.objects.get(directive=draft_directive)
    services.submit_breakdown(draft_directive, by=secretariat)
    services.decide_task_list(
        draft_directive, by=chair, approve=False, note="Bổ sung thời hạn cho nhiệm vụ II.2"
    )
    assert draft_directive.state == "draft"
    assert has_open_step(process, DirectiveFlow.break_down)
    assert not has_open_step(process, DirectiveFlow.dispatch)


def test_the_task_list_is_frozen_while_the_chair_reviews_it(
    draft_directive, secretariat, chair, police
):
    services.submit_breakdown(draft_directive, by=secretariat)
    task = draft_directive.tasks.get(ref="II.1")
    with pytest.raises(ActionError, match="frozen while the chair reviews it"):
        task_actions.create_task(
            draft_directive, by=secretariat, title="Thêm nhiệm vụ", lead=[police]
        )
    with pytest.raises(ActionError, match="frozen"):
        task_actions.update_draft_task(task, by=secretariat, title="Sửa", lead=[police])
    with pytest.raises(ActionError, match="frozen"):
        task_actions.delete_draft_task(task, by=secretariat)
    assert draft_directive.tasks.exclude(state="cancelled").count() == 2

    services.decide_task_list(draft_directive, by=chair, approve=False, note="Sửa II.1")
    task_actions.update_draft_task(task, by=secretariat, title="Đã sửa", lead=[police])
    task.refresh_from_db()
    assert task.title == "Đã sửa"


def test_only_the_chair_may_approve(draft_directive, secretariat):
    services.submit_breakdown(draft_directive, by=secretariat)
    with pytest.raises(ActionForbidden):
        services.decide_task_list(draft_directive, by=secretariat, approve=True)
    draft_directive.refresh_from_db()
    assert draft_directive.state == "awaiting_approval"


def test_dispatch_gives_each_lead_its_own_part_and_no_per_task_process(
    dispatched, draft_directive, police, border_guard
):
    tasks = list(draft_directive.tasks.all())
    assert {t.state for t in tasks} == {TaskState.ASSIGNED}
    parts = TaskAssignment.objects.filter(task__in=tasks, role="lead")
    assert {(p.agency_id, p.state, p.deadline) for p in parts} == {
        (border_guard.pk, "assigned", dt.date(2020, 12, 31)),
        (police.pk, "assigned", dt.date(2020, 12, 31)),
    }
    # One process for the directive: an agency's work is its assignment, not a process row.
    assert Process.objects.count() == 1
    assert has_open_step(dispatched, DirectiveFlow.close)


def test_dispatch_refuses_a_deadline_that_has_passed(draft_directive, secretariat, chair):
    services.submit_breakdown(draft_directive, by=secretariat)
    services.decide_task_list(draft_directive, by=chair, approve=True)
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=VIETNAM), tick=False):
        with pytest.raises(ActionError, match="has already passed"):
            services.dispatch(draft_directive, by=secretariat)
    assert not draft_directive.tasks.exclude(state="draft").exists()
    assert not TaskAssignment.objects.exclude(state="draft").exists()


def test_dispatch_can_move_past_deadlines_with_the_reason_logged(
    draft_directive, secretariat, chair
):
    services.submit_breakdown(draft_directive, by=secretariat)
    services.decide_task_list(draft_directive, by=chair, approve=True)
    tasks = list(draft_directive.tasks.order_by("position"))
    new = {t.pk: dt.date(2026, 3, 31) for t in tasks}
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=VIETNAM), tick=False):
        with pytest.raises(ActionError, match="reason"):
            services.dispatch(draft_directive, by=secretariat, new_deadlines=new)
        services.dispatch(
            draft_directive, by=secretariat, new_deadlines=new, reason="Văn bản đến chậm"
        )
    for task in tasks:
        task.refresh_from_db()
        assert task.state == "assigned" and task.deadline == dt.date(2026, 3, 31)
        moved = TaskEvent.objects.get(task=task, kind=TaskEventKind.DEADLINE_CHANGED)
        assert (moved.from_value, moved.to_value) == ("31/12/2020", "31/03/2026")
        assert moved.note == "Văn bản đến chậm"
        assert {p.deadline for p in task.assignments.filter(role="lead")} == {dt.date(2026, 3, 31)}


def test_directive_closes_only_when_every_task_is_done(
    dispatched, draft_directive, officer, support_officer, secretariat
):
    police_part = TaskAssignment.objects.get(task__ref="II.2", role="lead")
    border_task = draft_directive.tasks.get(ref="II.1")
    with pytest.raises(ActionError, match="still open"):
        services.close(draft_directive, by=secretariat, summary="Sớm quá")
    assert has_open_step(dispatched, DirectiveFlow.close)

    draft_directive.committee.reports_need_head_approval = False
    draft_directive.committee.save()
    with time_machine.travel(NOVEMBER, tick=False):
        part = task_actions.acknowledge(police_part, by=officer)
        part = task_actions.submit_report(part, by=officer, text="Đã triển khai").assignment
        task_actions.accept_report(part, by=secretariat)
        task_actions.cancel_task(border_task, by=secretariat, reason="Đã giao cho Kế hoạch 92")
    services.close(draft_directive, by=secretariat, summary="Hoàn thành 1/2, 1 nhiệm vụ hủy")
    draft_directive.refresh_from_db()
    dispatched.refresh_from_db()
    assert draft_directive.state == "closed"
    assert dispatched.status == PROCESS.DONE


def test_a_step_done_twice_is_refused_with_a_message(draft_directive, secretariat):
    process = DirectiveProcess.objects.get(directive=draft_directive)
    step = open_step(process, DirectiveFlow.break_down)
    services.complete_step(
        step,
        by=secretariat,
        perform=lambda: directive_actions.submit_directive_for_approval(
            draft_directive, by=secretariat
        ),
    )
    with pytest.raises(ActionConflict, match="already been completed"):
        services.complete_step(step, by=secretariat)
    assert draft_directive.events.filter(to_state="awaiting_approval").count() == 1


def test_a_refused_action_leaves_the_step_open(draft_directive, chair):
    with pytest.raises(ActionForbidden):
        services.submit_breakdown(draft_directive, by=chair)
    process = DirectiveProcess.objects.get(directive=draft_directive)
    assert has_open_step(process, DirectiveFlow.break_down)
    draft_directive.refresh_from_db()
    assert draft_directive.state == "draft"


# ---- one owner per state: no other path changes what a flow or an action owns


def test_routing_actions_refuse_to_run_outside_their_flow_step(draft_directive, secretariat, chair):
    with pytest.raises(ActionError, match="step of the workflow"):
        directive_actions.submit_directive_for_approval(draft_directive, by=secretariat)
    services.submit_breakdown(draft_directive, by=secretariat)
    with pytest.raises(ActionError, match="step of the workflow"):
        directive_actions.approve_directive(draft_directive, by=chair)
    draft_directive.refresh_from_db()
    assert draft_directive.state == "awaiting_approval"
    process = DirectiveProcess.objects.get(directive=draft_directive)
    assert has_open_step(process, DirectiveFlow.approve)


def test_states_cannot_be_written_by_hand(dispatched, draft_directive):
    task = draft_directive.tasks.first()
    part = task.assignments.filter(role="lead").first()
    with pytest.raises(AttributeError):
        task.state = "completed"
    with pytest.raises(AttributeError):
        part.state = "accepted"
    with pytest.raises(AttributeError):
        draft_directive.state = "closed"


def test_an_extension_is_decided_only_through_its_flow(dispatched, draft_directive, officer, chair):
    part = TaskAssignment.objects.get(task__ref="II.2", role="lead")
    with time_machine.travel(NOVEMBER, tick=False):
        with pytest.raises(ActionError, match="step of the workflow"):
            task_actions.request_extension(
                part, by=officer, new_deadline=dt.date(2021, 2, 28), reason="Chờ giám định"
            )
        extension = services.request_extension(
            part, by=officer, new_deadline=dt.date(2021, 2, 28), reason="Chờ giám định"
        )
        process = ExtensionProcess.objects.get(extension=extension)
        assert has_open_step(process, ExtensionFlow.decide)
        with pytest.raises(ActionError, match="step of the workflow"):
            task_actions.approve_extension(extension, by=chair)
        services.decide_extension(extension, by=chair, approve=True, note="Đồng ý")
    extension.refresh_from_db()
    process.refresh_from_db()
    assert extension.state == "approved"
    assert process.status == PROCESS.DONE

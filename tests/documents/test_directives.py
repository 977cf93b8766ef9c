import datetime as dt

import pytest

from documents import actions
from documents.models import DirectiveEvent
from project.audit import AppendOnlyError
from project.errors import ActionError, ActionForbidden
from tasks import actions as task_actions
from tasks.models import TaskEvent
from workflows import services as flows


def register(committee, by, number="92/KH-BCĐ389", issued_on=dt.date(2022, 9, 13)):
    return actions.register_directive(
        committee, by=by, number=number, subject="Kế hoạch cao điểm", issued_on=issued_on
    )


def test_register_parses_the_number(committee, secretariat):
    directive = register(committee, secretariat)
    assert (directive.number, directive.symbol, directive.doc_type, directive.issuer_code) == (
        92,
        "KH-BCĐ389",
        "KH",
        "BCĐ389",
    )
    assert directive.state == "draft"
    assert directive.events.get().kind == "registered"


def test_same_number_same_year_refused_other_year_allowed(committee, secretariat):
    register(committee, secretariat)
    with pytest.raises(ActionError, match="already registered"):
        register(committee, secretariat, issued_on=dt.date(2022, 12, 1))
    register(committee, secretariat, issued_on=dt.date(2023, 2, 1))


def test_bad_number_is_refused_with_a_message(committee, secretariat):
    with pytest.raises(ActionError, match="not a document number"):
        register(committee, secretariat, number="KH 92")


def test_only_the_committees_secretariat_registers(committee, chair, officer):
    for user in (chair, officer):
        with pytest.raises(ActionForbidden):
            register(committee, user)


def test_lifecycle_draft_approval_issued_closed(committee, secretariat, chair, police):
    directive = register(committee, secretariat)
    flows.start_directive_flow(directive)
    with pytest.raises(ActionError, match="at least one task"):
        flows.submit_breakdown(directive, by=secretariat)
    task = task_actions.create_task(
        directive, by=secretariat, title="Tuần tra biên giới", lead=[police]
    )
    flows.submit_breakdown(directive, by=secretariat)
    with pytest.raises(ActionForbidden):
        flows.decide_task_list(directive, by=secretariat, approve=True)
    flows.decide_task_list(directive, by=chair, approve=False, note="Bổ sung thời hạn")
    flows.submit_breakdown(directive, by=secretariat)
    flows.decide_task_list(directive, by=chair, approve=True)
    flows.dispatch(directive, by=secretariat)
    task.refresh_from_db()
    assert task.state == "assigned"
    with pytest.raises(ActionError, match="still open"):
        flows.close(directive, by=secretariat, summary="Xong")
    task_actions.cancel_task(task, by=secretariat, reason="Gộp vào kế hoạch mới")
    flows.close(directive, by=secretariat, summary="Đã hoàn thành kế hoạch")
    assert [e.to_state for e in directive.events.filter(kind="transition")] == [
        "awaiting_approval",
        "draft",
        "awaiting_approval",
        "issued",
        "closed",
    ]


def test_expired_plan_is_superseded_by_a_new_one(committee, secretariat, chair, police):
    old = register(committee, secretariat)
    flows.start_directive_flow(old)
    task_actions.create_task(old, by=secretariat, title="x", lead=[police])
    flows.submit_breakdown(old, by=secretariat)
    flows.decide_task_list(old, by=chair, approve=True)
    new = register(committee, secretariat, number="27/KH-BCĐ389", issued_on=dt.date(2023, 3, 1))
    actions.supersede_directive(old, by=secretariat, replacement=new)
    old.refresh_from_db()
    assert old.state == "superseded" and old.superseded_by == new


def test_history_cannot_be_edited_or_deleted(make_task):
    task = make_task()
    event = TaskEvent.objects.filter(task=task).first()
    event.note = "sửa lịch sử"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        TaskEvent.objects.filter(task=task).update(note="x")
    with pytest.raises(AppendOnlyError):
        DirectiveEvent.objects.all().delete()


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_rewrite_history(make_task):
    from django.db import DatabaseError, connection, transaction

    task = make_task()
    before = TaskEvent.objects.filter(task=task).count()
    for statement in (
        "UPDATE tasks_taskevent SET note = 'sửa' WHERE task_id = %s",
        "DELETE FROM tasks_taskevent WHERE task_id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [task.pk])
    assert TaskEvent.objects.filter(task=task).count() == before
    assert not TaskEvent.objects.filter(note="sửa").exists()

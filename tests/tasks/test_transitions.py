"""Every allowed transition, and every forbidden one refused with a clear message."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from project.errors import ActionError, ActionForbidden
from tasks import actions
from tasks.models import TaskEvent, TaskState


def states(task):
    return list(task.events.filter(kind="transition").values_list("from_value", "to_value"))


def test_full_life_of_a_task_is_logged(make_task, officer, secretariat):
    task = make_task()
    assert task.state == TaskState.ASSIGNED
    actions.acknowledge_task(task, by=officer)
    assert task.officer == officer
    report = actions.submit_report(
        task,
        by=officer,
        text="Đã kiểm tra 12 vụ",
        files=[SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test")],
    )
    assert report.attachments.get().name == "bao-cao.pdf"
    actions.return_report(task, by=secretariat, reason="Thiếu số liệu thu nộp ngân sách")
    actions.submit_report(task, by=officer, text="Bổ sung: thu nộp 1,2 tỷ đồng")
    actions.accept_report(task, by=secretariat)
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert states(task) == [
        ("draft", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "reported"),
        ("reported", "returned"),
        ("returned", "in_progress"),
        ("in_progress", "reported"),
        ("reported", "completed"),
    ]
    assert task.reports.filter(outcome="returned").count() == 1
    assert task.reports.filter(outcome="accepted").count() == 1


@pytest.mark.parametrize(
    "state_before", ["draft", "assigned", "in_progress", "reported", "returned"]
)
def test_any_open_state_can_be_cancelled_with_a_reason(
    make_task, officer, secretariat, state_before
):
    task = make_task(dispatch=state_before != "draft")
    if state_before in ("in_progress", "reported", "returned"):
        actions.acknowledge_task(task, by=officer)
    if state_before in ("reported", "returned"):
        actions.submit_report(task, by=officer, text="Kết quả")
    if state_before == "returned":
        actions.return_report(task, by=secretariat, reason="Chưa đạt")
    assert task.state == state_before
    with pytest.raises(ActionError, match="reason"):
        actions.cancel_task(task, by=secretariat, reason="  ")
    actions.cancel_task(task, by=secretariat, reason="Nhiệm vụ không còn phù hợp")
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert task.cancelled_reason == "Nhiệm vụ không còn phù hợp"


def test_completed_task_cannot_be_cancelled(make_task, officer, secretariat):
    task = make_task()
    actions.acknowledge_task(task, by=officer)
    actions.submit_report(task, by=officer, text="Xong")
    actions.accept_report(task, by=secretariat)
    with pytest.raises(ActionError, match="not possible now"):
        actions.cancel_task(task, by=secretariat, reason="Nhầm")


@pytest.mark.parametrize(
    "action, kwargs",
    [
        ("accept_report", {}),
        ("return_report", {"reason": "x"}),
        ("submit_report", {"text": "x"}),
    ],
)
def test_out_of_order_transitions_are_refused(make_task, officer, secretariat, action, kwargs):
    task = make_task()  # assigned, not acknowledged
    by = officer if action == "submit_report" else secretariat
    with pytest.raises(ActionError, match="not possible now"):
        getattr(actions, action)(task, by=by, **kwargs)
    assert TaskEvent.objects.filter(task=task, kind="transition").count() == 1


def test_agency_cannot_review_and_secretariat_cannot_report(make_task, officer, secretariat):
    task = make_task()
    with pytest.raises(ActionForbidden):
        actions.acknowledge_task(task, by=secretariat)
    actions.acknowledge_task(task, by=officer)
    actions.submit_report(task, by=officer, text="Xong")
    with pytest.raises(ActionForbidden):
        actions.accept_report(task, by=officer)


def test_co_ordinating_agency_cannot_report(make_task, support_officer):
    task = make_task()
    with pytest.raises(ActionForbidden):
        actions.acknowledge_task(task, by=support_officer)
    # …but it may comment.
    actions.comment_on_task(task, by=support_officer, text="BĐBP sẵn sàng phối hợp")


def test_other_agency_cannot_touch_the_task(make_task, committee):
    from tests.factories import AgencyFactory, UserFactory

    stranger = UserFactory(
        role="agency_officer", committee=committee, agency=AgencyFactory(code="KG-YT")
    )
    task = make_task()
    with pytest.raises(ActionForbidden):
        actions.acknowledge_task(task, by=stranger)
    with pytest.raises(ActionForbidden):
        actions.comment_on_task(task, by=stranger, text="?")


def test_extension_keeps_original_deadline_and_logs_change(make_task, officer, chair):
    task = make_task(deadline=dt.date(2020, 12, 31))
    actions.acknowledge_task(task, by=officer)
    with pytest.raises(ActionError, match="later than"):
        actions.request_extension(task, by=officer, new_deadline=dt.date(2020, 12, 1), reason="x")
    extension = actions.request_extension(
        task, by=officer, new_deadline=dt.date(2021, 1, 31), reason="Chờ kết quả giám định"
    )
    with pytest.raises(ActionError, match="already has an extension"):
        actions.request_extension(task, by=officer, new_deadline=dt.date(2021, 2, 28), reason="y")
    with pytest.raises(ActionForbidden):
        actions.approve_extension(extension, by=officer)
    actions.approve_extension(extension, by=chair, note="Đồng ý")
    task.refresh_from_db()
    assert task.deadline == dt.date(2021, 1, 31)
    assert task.original_deadline == dt.date(2020, 12, 31)
    change = task.events.get(kind="deadline_changed")
    assert (change.from_value, change.to_value) == ("31/12/2020", "31/01/2021")
    with pytest.raises(ActionError, match="already been decided"):
        actions.reject_extension(extension, by=chair, note="Không")


def test_committee_can_let_the_secretariat_decide_extensions(
    make_task, officer, secretariat, chair, committee
):
    committee.extension_approver = "secretariat"
    committee.save()
    task = make_task()
    extension = actions.request_extension(
        task, by=officer, new_deadline=dt.date(2021, 3, 1), reason="Thiếu nhân lực"
    )
    with pytest.raises(ActionForbidden):
        actions.reject_extension(extension, by=chair, note="Không")
    actions.reject_extension(extension, by=secretariat, note="Không đủ căn cứ")
    task.refresh_from_db()
    assert task.deadline == dt.date(2020, 12, 31)
    assert task.events.filter(kind="extension_rejected").exists()


def test_state_cannot_be_written_by_hand(make_task):
    task = make_task()
    with pytest.raises(AttributeError):
        task.state = "completed"

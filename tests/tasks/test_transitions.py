"""Every allowed transition of an agency's part, and every forbidden one refused with a clear
message; the head's sign-off; extensions per agency."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from project.errors import ActionConflict, ActionError, ActionForbidden
from tasks import actions
from tasks.deadlines import VIETNAM
from tasks.models import TaskAssignment, TaskEvent, TaskEventKind, TaskState
from workflows import services

from ..factories import UserFactory


@pytest.fixture(autouse=True)
def _november_2020():
    """Every task here is due 31/12/2020; the agencies act in November."""
    with time_machine.travel(dt.datetime(2020, 11, 2, 9, tzinfo=VIETNAM), tick=False):
        yield


@pytest.fixture
def head(committee, police):
    return UserFactory(
        username="lanhdao.ca", role="agency_head", committee=committee, agency=police
    )


@pytest.fixture
def no_sign_off(committee):
    committee.reports_need_head_approval = False
    committee.save()


def lead(task, code="KG-CA"):
    return TaskAssignment.objects.get(task=task, agency__code=code)


def states(task, code="KG-CA"):
    return list(
        task.events.filter(kind="transition", agency__code=code).values_list(
            "from_value", "to_value"
        )
    )


def test_full_life_of_a_part_is_logged(make_task, officer, head, secretariat):
    task = make_task()
    part = lead(task)
    assert (part.state, part.deadline) == ("assigned", dt.date(2020, 12, 31))
    part = actions.acknowledge(part, by=officer)
    assert part.officer == officer
    report = actions.submit_report(
        part,
        by=officer,
        text="Đã kiểm tra 12 vụ",
        files=[SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test")],
    )
    assert report.attachments.get().name == "bao-cao.pdf"
    assert lead(task).state == "awaiting_head"  # the committee's default: the head signs off
    part = actions.sign_off_report(lead(task), by=head, note="Đồng ý gửi")
    part = actions.return_report(part, by=secretariat, reason="Thiếu số liệu thu nộp ngân sách")
    part = actions.submit_report(part, by=head, text="Bổ sung: thu nộp 1,2 tỷ đồng").assignment
    actions.accept_report(part, by=secretariat)
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert states(task) == [
        ("draft", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "awaiting_head"),
        ("awaiting_head", "reported"),
        ("reported", "returned"),
        ("returned", "reported"),  # the head's own report goes straight on
        ("reported", "accepted"),
    ]
    assert task.events.filter(kind=TaskEventKind.HEAD_APPROVED, agency__code="KG-CA").exists()
    assert task.reports.filter(outcome="returned").count() == 1
    accepted = task.reports.get(outcome="accepted")
    assert accepted.signed_off_by == head


def test_the_head_can_send_a_report_back_with_a_note(make_task, officer, head, secretariat):
    task = make_task()
    part = actions.acknowledge(lead(task), by=officer)
    actions.submit_report(part, by=officer, text="Dự thảo báo cáo")
    with pytest.raises(ActionForbidden):
        actions.sign_off_report(lead(task), by=officer)
    with pytest.raises(ActionForbidden):
        actions.sign_off_report(lead(task), by=secretariat)
    with pytest.raises(ActionError, match="reason"):
        actions.send_back_report(lead(task), by=head, reason=" ")
    part = actions.send_back_report(lead(task), by=head, reason="Bổ sung số vụ")
    assert part.state == "in_progress"
    assert task.reports.get(kind="result").outcome == "sent_back"
    event = task.events.get(kind=TaskEventKind.HEAD_SENT_BACK)
    assert (event.agency.code, event.note) == ("KG-CA", "Bổ sung số vụ")
    # The standing office has nothing to review yet.
    with pytest.raises(ActionError, match="not possible now"):
        actions.accept_report(lead(task), by=secretariat)


def test_without_the_sign_off_setting_the_officers_report_goes_straight_on(
    make_task, officer, secretariat, no_sign_off
):
    task = make_task()
    part = actions.acknowledge(lead(task), by=officer)
    part = actions.submit_report(part, by=officer, text="Xong").assignment
    assert part.state == "reported" and part.reported_at is not None
    actions.accept_report(part, by=secretariat)


@pytest.mark.parametrize("state_before", ["draft", "assigned", "in_progress", "reported"])
def test_a_task_can_be_cancelled_with_a_reason_in_any_open_state(
    make_task, officer, secretariat, state_before, no_sign_off
):
    task = make_task(dispatch=state_before != "draft")
    if state_before in ("in_progress", "reported"):
        part = actions.acknowledge(lead(task), by=officer)
    if state_before == "reported":
        actions.submit_report(part, by=officer, text="Kết quả")
    with pytest.raises(ActionError, match="reason"):
        actions.cancel_task(task, by=secretariat, reason="  ")
    actions.cancel_task(task, by=secretariat, reason="Nhiệm vụ không còn phù hợp")
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert task.cancelled_reason == "Nhiệm vụ không còn phù hợp"
    assert set(task.assignments.values_list("state", flat=True)) == {"cancelled"}


def test_completed_task_cannot_be_cancelled(make_task, officer, secretariat, no_sign_off):
    task = make_task()
    part = actions.acknowledge(lead(task), by=officer)
    part = actions.submit_report(part, by=officer, text="Xong").assignment
    actions.accept_report(part, by=secretariat)
    task.refresh_from_db()
    with pytest.raises(ActionError, match="not possible now"):
        actions.cancel_task(task, by=secretariat, reason="Nhầm")


@pytest.mark.parametrize(
    "action, kwargs",
    [("accept_report", {}), ("return_report", {"reason": "x"}), ("submit_report", {"text": "x"})],
)
def test_out_of_order_transitions_are_refused(make_task, officer, secretariat, action, kwargs):
    task = make_task()  # assigned, not acknowledged
    by = officer if action == "submit_report" else secretariat
    with pytest.raises(ActionError, match="not possible now"):
        getattr(actions, action)(lead(task), by=by, **kwargs)
    assert lead(task).state == "assigned"


def test_agency_cannot_review_and_secretariat_cannot_report(
    make_task, officer, secretariat, no_sign_off
):
    task = make_task()
    with pytest.raises(ActionForbidden):
        actions.acknowledge(lead(task), by=secretariat)
    part = actions.acknowledge(lead(task), by=officer)
    part = actions.submit_report(part, by=officer, text="Xong").assignment
    with pytest.raises(ActionForbidden):
        actions.accept_report(part, by=officer)


def test_co_ordinating_agency_contributes_but_cannot_report(
    make_task, officer, support_officer, secretariat, no_sign_off
):
    task = make_task()
    with pytest.raises(ActionForbidden):
        actions.acknowledge(lead(task), by=support_officer)
    coordinating = lead(task, "KG-BDBP")
    with pytest.raises(ActionForbidden):
        actions.submit_report(coordinating, by=support_officer, text="?")
    contribution = actions.post_contribution(
        coordinating, by=support_officer, text="BĐBP đã tuần tra 20 lượt trên tuyến biên giới"
    )
    assert task.events.get(kind=TaskEventKind.CONTRIBUTION).agency.code == "KG-BDBP"
    with pytest.raises(ActionForbidden):
        actions.post_contribution(lead(task), by=officer, text="?")
    # The lead attaches the contribution to its report; the office sees who contributed.
    part = actions.acknowledge(lead(task), by=officer)
    report = actions.submit_report(
        part, by=officer, text="Kết quả chung", contributions=[contribution]
    )
    assert list(report.contributions.values_list("agency__code", flat=True)) == ["KG-BDBP"]
    # …and it may comment.
    actions.comment_on_task(task, by=support_officer, text="BĐBP sẵn sàng phối hợp")


def test_other_agency_cannot_touch_the_task(make_task, committee):
    from tests.factories import AgencyFactory

    stranger = UserFactory(
        role="agency_officer", committee=committee, agency=AgencyFactory(code="KG-YT")
    )
    task = make_task()
    with pytest.raises(ActionForbidden):
        actions.acknowledge(lead(task), by=stranger)
    with pytest.raises(ActionForbidden):
        actions.comment_on_task(task, by=stranger, text="?")


def test_the_head_hands_the_part_to_another_officer(make_task, officer, head, committee, police):
    second = UserFactory(
        username="canbo.ca2", role="agency_officer", committee=committee, agency=police
    )
    task = make_task()
    part = actions.acknowledge(lead(task), by=officer)
    with pytest.raises(ActionForbidden):
        actions.reassign_officer(part, by=officer, officer=second)
    part = actions.reassign_officer(part, by=head, officer=second)
    assert part.officer == second
    event = task.events.filter(kind=TaskEventKind.OFFICER).last()
    assert (event.from_value, event.to_value, event.agency.code) == (
        str(officer),
        str(second),
        "KG-CA",
    )


def test_a_stale_action_is_a_conflict_not_a_second_change(make_task, officer):
    task = make_task()
    stale = lead(task)
    actions.acknowledge(lead(task), by=officer)
    with pytest.raises(ActionConflict):
        actions.acknowledge(stale, by=officer)
    assert task.events.filter(kind="officer").count() == 1


def test_extension_keeps_original_deadline_and_logs_change(
    make_task, officer, chair, police, border_guard
):
    task = make_task(lead=[police, border_guard], coordinating=[])
    part = actions.acknowledge(lead(task), by=officer)
    with pytest.raises(ActionError, match="later than"):
        services.request_extension(part, by=officer, new_deadline=dt.date(2020, 12, 1), reason="x")
    extension = services.request_extension(
        part, by=officer, new_deadline=dt.date(2021, 1, 31), reason="Chờ kết quả giám định"
    )
    with pytest.raises(ActionError, match="already has an extension"):
        services.request_extension(part, by=officer, new_deadline=dt.date(2021, 2, 28), reason="y")
    with pytest.raises(ActionForbidden):
        services.decide_extension(extension, by=officer, approve=True)
    services.decide_extension(extension, by=chair, approve=True, note="Đồng ý")
    part = lead(task)
    assert part.deadline == dt.date(2021, 1, 31)
    assert part.original_deadline == dt.date(2020, 12, 31)
    assert lead(task, "KG-BDBP").deadline == dt.date(2020, 12, 31)
    task.refresh_from_db()
    assert task.deadline == dt.date(2020, 12, 31)  # the directive's deadline is unchanged
    change = task.events.get(kind="deadline_changed")
    assert (change.from_value, change.to_value, change.agency) == (
        "31/12/2020",
        "31/01/2021",
        police,
    )
    with pytest.raises(ActionConflict, match="already been decided"):
        services.decide_extension(extension, by=chair, approve=False, note="Không")


def test_committee_can_let_the_secretariat_decide_extensions(
    make_task, officer, secretariat, chair, committee
):
    committee.extension_approver = "secretariat"
    committee.save()
    task = make_task()
    extension = services.request_extension(
        lead(task), by=officer, new_deadline=dt.date(2021, 3, 1), reason="Thiếu nhân lực"
    )
    with pytest.raises(ActionForbidden):
        services.decide_extension(extension, by=chair, approve=False, note="Không")
    services.decide_extension(extension, by=secretariat, approve=False, note="Không đủ căn cứ")
    assert lead(task).deadline == dt.date(2020, 12, 31)
    assert task.events.filter(kind="extension_rejected", agency__code="KG-CA").exists()


def test_urging_logs_one_entry_per_owing_lead(
    make_task, officer, secretariat, police, border_guard, no_sign_off
):
    task = make_task(lead=[police, border_guard], coordinating=[])
    part = actions.acknowledge(lead(task), by=officer)
    part = actions.submit_report(part, by=officer, text="Xong").assignment
    actions.accept_report(part, by=secretariat)
    actions.urge_task(task, by=secretariat, note="Đề nghị báo cáo trước 15/12")
    urged = TaskEvent.objects.filter(task=task, kind=TaskEventKind.URGED)
    assert list(urged.values_list("agency__code", flat=True)) == ["KG-BDBP"]


def test_hand_over_keeps_accepted_parts_and_moves_open_ones(
    make_task, committee, police, border_guard, officer, support_officer, secretariat, no_sign_off
):
    from tests.factories import AgencyFactory, MembershipFactory

    successor = AgencyFactory(code="AG-BDBP", name="BĐBP tỉnh An Giang")
    MembershipFactory(committee=committee, agency=successor)
    task = make_task(lead=[police, border_guard], coordinating=[])
    part = actions.acknowledge(lead(task), by=officer)
    part = actions.submit_report(part, by=officer, text="Xong").assignment
    actions.accept_report(part, by=secretariat)
    # Công an is merged away after finishing its part; BĐBP's open part moves on.
    police.successor = successor
    police.save()
    border_guard.successor = successor
    border_guard.save()
    police.refresh_from_db()
    actions.hand_over_to_successors(task, by=secretariat)
    parts = dict(task.assignments.values_list("agency__code", "state"))
    assert parts == {"KG-CA": "accepted", "KG-BDBP": "cancelled", "AG-BDBP": "assigned"}

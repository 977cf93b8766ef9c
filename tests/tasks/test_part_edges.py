"""Edges of each agency's part found in review: what an extension, a removal, a hand-over or a
late report must not do."""

import datetime as dt

import pytest
import time_machine

from project.errors import ActionError
from tasks import actions
from tasks.deadlines import VIETNAM
from tasks.models import Task, TaskAssignment, TaskEventKind
from tasks.querysets import Timeliness
from workflows import services

from ..factories import (
    AgencyFactory,
    CommitteeFactory,
    MembershipFactory,
    TaskFactory,
    UserFactory,
)


def at(*args):
    return dt.datetime(*args, 9, tzinfo=VIETNAM)


def part(task, code="KG-CA"):
    return TaskAssignment.objects.get(task=task, agency__code=code)


@pytest.fixture(autouse=True)
def _no_sign_off(committee):
    committee.reports_need_head_approval = False
    committee.save()


@pytest.fixture
def two_leads(make_task, police, border_guard):
    with time_machine.travel(at(2020, 11, 2), tick=False):
        return make_task(lead=[police, border_guard], coordinating=[])


def report(task, by, code="KG-CA"):
    p = actions.acknowledge(part(task, code), by=by)
    return actions.submit_report(p, by=by, text="Kết quả").assignment


def test_an_extension_left_pending_cannot_make_a_late_part_on_time(
    two_leads, officer, secretariat, chair
):
    with time_machine.travel(at(2020, 11, 2), tick=False):
        extension = services.request_extension(
            part(two_leads), by=officer, new_deadline=dt.date(2021, 3, 31), reason="Chờ giám định"
        )
    with time_machine.travel(at(2021, 1, 15), tick=False):
        actions.accept_report(report(two_leads, officer), by=secretariat)
        with pytest.raises(ActionError, match="can no longer be moved"):
            services.decide_extension(extension, by=chair, approve=True)
    assert part(two_leads).deadline == dt.date(2020, 12, 31)
    late = TaskAssignment.objects.filter(pk=part(two_leads).pk).with_timeliness(at(2021, 2, 1))
    assert late.get().timeliness == Timeliness.DONE_LATE


def test_a_part_reported_late_is_not_chased_as_overdue(two_leads, officer):
    with time_machine.travel(at(2021, 1, 10), tick=False):
        report(two_leads, officer)
    now = at(2021, 1, 20)
    overdue = TaskAssignment.objects.filter(task=two_leads).overdue(now)
    assert list(overdue.values_list("agency__code", flat=True)) == ["KG-BDBP"]
    # …but it still counts as open and overdue in the figures until it is accepted.
    figures = TaskAssignment.objects.filter(task=two_leads).timeliness_summary(now=now)
    assert figures.open_overdue == 2


def test_an_open_tasks_days_overdue_ignore_leads_already_accepted(
    make_task, police, border_guard, officer, support_officer, secretariat
):
    with time_machine.travel(at(2020, 11, 2), tick=False):
        task = make_task(lead=[police, border_guard], coordinating=[])
        services.decide_extension(
            services.request_extension(
                part(task, "KG-BDBP"),
                by=support_officer,
                new_deadline=dt.date(2021, 6, 30),
                reason="Địa bàn rộng",
            ),
            by=UserFactory(role="chair", committee=task.directive.committee),
            approve=True,
        )
    with time_machine.travel(at(2021, 1, 20), tick=False):
        actions.accept_report(report(task, officer), by=secretariat)  # 20 days late
    row = Task.objects.filter(pk=task.pk).with_timeliness(at(2021, 2, 1)).get()
    assert (row.timeliness, row.days_overdue) in (
        (Timeliness.OPEN_ON_TIME, 0),
        (Timeliness.DUE_SOON, 0),
    )


def test_an_agency_taken_off_a_task_loses_sight_and_rights(
    make_task, police, border_guard, support_officer, secretariat
):
    with time_machine.travel(at(2020, 11, 2), tick=False):
        task = make_task(lead=[police], coordinating=[border_guard])
        assert Task.objects.visible_to(support_officer).filter(pk=task.pk).exists()
        actions.set_assignments(task, by=secretariat, lead=[police], coordinating=[])
    assert not Task.objects.visible_to(support_officer).filter(pk=task.pk).exists()
    with pytest.raises(Exception):  # noqa: B017 - forbidden, whatever the exact kind
        actions.post_contribution(part(task, "KG-BDBP"), by=support_officer, text="?")


def test_a_successor_takes_over_the_part_with_its_own_extended_deadline(
    two_leads, committee, border_guard, support_officer, chair, secretariat
):
    with time_machine.travel(at(2020, 11, 2), tick=False):
        services.decide_extension(
            services.request_extension(
                part(two_leads, "KG-BDBP"),
                by=support_officer,
                new_deadline=dt.date(2021, 3, 31),
                reason="Sáp nhập",
            ),
            by=chair,
            approve=True,
        )
    successor = AgencyFactory(code="AG-BDBP", name="BĐBP tỉnh An Giang")
    MembershipFactory(committee=committee, agency=successor)
    border_guard.successor = successor
    border_guard.save()
    with time_machine.travel(at(2021, 1, 15), tick=False):
        actions.hand_over_to_successors(two_leads, by=secretariat)
    new = part(two_leads, "AG-BDBP")
    assert (new.deadline, new.original_deadline) == (dt.date(2021, 3, 31), dt.date(2020, 12, 31))
    assert TaskAssignment.objects.filter(pk=new.pk).with_timeliness(at(2021, 1, 15)).get()
    assert not TaskAssignment.objects.filter(pk=new.pk).overdue(at(2021, 1, 15)).exists()


def test_the_heads_note_and_draft_stay_inside_the_agency(
    make_task, committee, police, officer, secretariat
):
    committee.reports_need_head_approval = True
    committee.save()
    head = UserFactory(username="lanhdao", role="agency_head", committee=committee, agency=police)
    with time_machine.travel(at(2020, 11, 2), tick=False):
        task = make_task()
        p = actions.acknowledge(part(task), by=officer)
        actions.submit_report(p, by=officer, text="Bản nháp nội bộ")
        # The head cannot report over an officer's draft waiting for them.
        with pytest.raises(ActionError, match="awaits the head's sign-off"):
            actions.submit_report(part(task), by=head, text="Báo cáo khác")
        actions.send_back_report(part(task), by=head, reason="Ghi chú nội bộ")
    shared = task.events.filter(kind=TaskEventKind.TRANSITION, agency__code="KG-CA")
    assert not shared.filter(note__contains="nội bộ").exists()


@pytest.mark.django_db
def test_a_part_takes_its_tasks_committee_and_no_other():
    task = TaskFactory()
    made = TaskAssignment.for_task(task, agency=AgencyFactory(), role="lead")
    assert made.committee_id == task.directive.committee_id
    with pytest.raises(TypeError, match="committee"):
        TaskAssignment.for_task(task, agency=AgencyFactory(), committee=CommitteeFactory())

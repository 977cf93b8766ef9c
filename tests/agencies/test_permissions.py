"""The permission layer: who sees which tasks and directives, and how reassignment moves rights."""

import datetime as dt

import pytest
from django.urls import reverse

from agencies import permissions as perms
from documents.actions import register_directive
from documents.models import Directive
from tasks import actions, permissions
from tasks.models import Task
from tests.factories import AgencyFactory, CommitteeFactory, UserFactory


def test_agency_sees_only_its_tasks_as_lead_or_co_ordinator(
    make_task, officer, support_officer, committee
):
    task = make_task()
    other_agency = AgencyFactory(code="KG-YT", name="Sở Y tế")
    stranger = UserFactory(role="agency_officer", committee=committee, agency=other_agency)
    assert list(Task.objects.visible_to(officer)) == [task]
    assert list(Task.objects.visible_to(support_officer)) == [task]
    assert not Task.objects.visible_to(stranger).exists()
    assert list(Directive.objects.visible_to(officer)) == [task.directive]
    assert not Directive.objects.visible_to(stranger).exists()


def test_a_cancelled_task_stays_in_sight_but_a_part_taken_away_does_not(
    make_task, officer, support_officer, secretariat, police, border_guard
):
    cancelled = make_task()
    actions.cancel_task(cancelled, by=secretariat, reason="Nhiệm vụ không còn phù hợp")
    moved = make_task(coordinating=[])
    actions.set_assignments(moved, by=secretariat, lead=[border_guard])
    # Every part of the cancelled task is cancelled too, yet both agencies still see it; the
    # police's part of the other task was taken away while the task goes on: out of sight.
    assert list(Task.objects.visible_to(officer)) == [cancelled]
    assert list(Task.objects.visible_to(support_officer).order_by("pk")) == [cancelled, moved]


def test_draft_tasks_are_not_visible_to_agencies(make_task, officer):
    make_task(dispatch=False)
    assert not Task.objects.visible_to(officer).exists()


def test_nobody_sees_another_committees_drafts(committee, secretariat, chair):
    other = CommitteeFactory(code="bcd389-tn", name="Ban Chỉ đạo 389 tỉnh Tây Ninh")
    other_office = UserFactory(username="vp.tn", role="secretariat", committee=other)
    draft = register_directive(
        committee,
        by=secretariat,
        number="5/KH-BCĐ389",
        subject="Dự thảo",
        issued_on=dt.date(2026, 1, 5),
    )
    assert list(Directive.objects.visible_to(secretariat)) == [draft]
    assert list(Directive.objects.visible_to(chair)) == [draft]
    assert not Directive.objects.visible_to(other_office).exists()


def test_reassignment_moves_rights_with_the_parts(
    make_task, officer, support_officer, secretariat, police, border_guard
):
    task = make_task(coordinating=[])
    actions.set_assignments(task, by=secretariat, lead=[border_guard])
    # The old lead's part is cancelled with its history kept; the new lead works on its own.
    bg = task.assignments.get(agency=border_guard)
    assert bg.role == "lead" and bg.state == "assigned"
    assert permissions.can_work_on(bg, support_officer)
    assert not permissions.can_work_on(bg, officer)
    assert permissions.own_assignment(task, support_officer) == bg
    assert task.assignments.get(agency=police).state == "cancelled"
    kinds = list(
        task.events.filter(kind__in=["assigned", "unassigned"]).values_list("kind", "agency")
    )
    assert ("unassigned", police.pk) in kinds
    assert ("assigned", border_guard.pk) in kinds


def test_open_task_of_a_dissolved_body_goes_to_its_successor(make_task, secretariat, committee):
    district = AgencyFactory(
        code="KG-UBND-PQ",
        name="UBND thành phố Phú Quốc",
        kind="district",
        valid_to=dt.date(2025, 6, 30),
    )
    special_zone = AgencyFactory(
        code="KG-DK-PQ",
        name="UBND đặc khu Phú Quốc",
        kind="commune",
        valid_from=dt.date(2025, 7, 1),
    )
    district.successor = special_zone
    district.save()
    task = make_task(lead=[district], coordinating=[])
    actions.hand_over_to_successors(task, by=secretariat)
    open_parts = task.assignments.exclude(state="cancelled")
    assert [a.agency for a in open_parts] == [special_zone]
    # The old directive still names the body it named, in its history.
    assert task.events.filter(kind="unassigned", agency=district).exists()
    staff = UserFactory(role="agency_officer", committee=committee, agency=special_zone)
    assert permissions.can_work_on(open_parts.get(), staff)


def test_inactive_or_anonymous_users_see_nothing(make_task, officer):
    from django.contrib.auth.models import AnonymousUser

    make_task()
    officer.is_active = False
    assert not Task.objects.visible_to(officer).exists()
    assert not Task.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("role", ["secretariat", "chair"])
def test_a_committee_role_without_its_committee_is_no_committees_staff(db, client, role):
    """The user table allows a standing-office or chair account with no committee yet: it must
    not count as the staff of whatever has no committee either (None == None)."""
    user = UserFactory(role=role, committee=None)
    assert not perms.is_committee_staff(user, None)
    assert not perms.is_secretariat_of(user, None)
    assert not perms.is_chair_of(user, None)
    client.force_login(user)
    assert client.get(reverse("egov:letters")).status_code == 403

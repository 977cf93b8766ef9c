"""The permission layer: who sees which tasks and directives, and how reassignment moves rights."""

import datetime as dt

from agencies import permissions
from documents.actions import register_directive
from documents.models import Directive
from tasks import actions
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


def test_reassignment_revokes_and_regrants(
    make_task, officer, support_officer, secretariat, police, border_guard
):
    task = make_task()
    actions.set_assignments(task, by=secretariat, lead=[border_guard], support=[police])
    assert permissions.can_report_task(task, support_officer)
    assert not permissions.can_report_task(task, officer)
    assert permissions.can_comment_task(task, officer)
    kinds = list(
        task.events.filter(kind__in=["assigned", "unassigned"]).values_list(
            "kind", "from_value", "to_value"
        )
    )
    assert ("unassigned", "KG-CA (lead)", "") in kinds
    assert ("assigned", "", "KG-BDBP (lead)") in kinds


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
    task = make_task(lead=[district], support=[])
    actions.hand_over_to_successors(task, by=secretariat)
    assert [a.agency for a in task.assignments.all()] == [special_zone]
    # The old directive still names the body it named, in its history.
    assert task.events.filter(kind="unassigned", from_value="KG-UBND-PQ (lead)").exists()
    staff = UserFactory(role="agency_officer", committee=committee, agency=special_zone)
    assert permissions.can_report_task(task, staff)


def test_inactive_or_anonymous_users_see_nothing(make_task, officer):
    from django.contrib.auth.models import AnonymousUser

    make_task()
    officer.is_active = False
    assert not Task.objects.visible_to(officer).exists()
    assert not Task.objects.visible_to(AnonymousUser()).exists()

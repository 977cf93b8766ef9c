"""A parent committee's task carried out by a child committee's plan: its progress rolls up."""

import datetime as dt

from documents import actions as directive_actions
from tasks import actions
from tasks.models import Task
from tests.factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory


def test_child_plan_tasks_roll_up_to_the_parent_task(make_task, committee, secretariat):
    parent_task = make_task(deadline=dt.date(2030, 12, 31))
    province = CommitteeFactory(code="bcd389-tn", name="Ban Chỉ đạo 389 tỉnh Tây Ninh")
    office = UserFactory(username="vp.tn", role="secretariat", committee=province)
    chair = UserFactory(username="tb.tn", role="chair", committee=province)
    customs = AgencyFactory(code="TN-HQ", name="Chi cục Hải quan Tây Ninh")
    MembershipFactory(committee=province, agency=customs)
    plan = directive_actions.register_directive(
        province,
        by=office,
        number="12/KH-BCĐ389",
        subject="Kế hoạch triển khai",
        issued_on=dt.date(2030, 1, 10),
        implements_task=parent_task,
    )
    for title in ("Tuần tra cửa khẩu", "Kiểm tra kho hàng"):
        actions.create_task(
            plan, by=office, title=title, lead=[customs], deadline=dt.date(2030, 6, 30)
        )
    # A draft plan is nobody's business outside its committee yet.
    assert not Task.objects.implementing(parent_task).exists()
    directive_actions.submit_directive_for_approval(plan, by=office)
    directive_actions.approve_directive(plan, by=chair)
    directive_actions.dispatch_directive(plan, by=office)
    figures = Task.objects.implementing(parent_task).timeliness_summary(
        by="directive", now=dt.datetime(2030, 7, 15, tzinfo=dt.UTC)
    )
    assert figures[plan.pk].open_overdue == 2


def test_parent_task_page_shows_the_child_plans_figures(client, make_task, secretariat, chair):
    from django.urls import reverse

    parent_task = make_task(deadline=dt.date(2030, 12, 31))
    province = CommitteeFactory(code="bcd389-hp", name="Ban Chỉ đạo 389 thành phố Hải Phòng")
    office = UserFactory(username="vp.hp", role="secretariat", committee=province)
    hp_chair = UserFactory(username="tb.hp", role="chair", committee=province)
    police = AgencyFactory(code="HP-CA", name="Công an thành phố Hải Phòng")
    MembershipFactory(committee=province, agency=police)
    plan = directive_actions.register_directive(
        province,
        by=office,
        number="3/KH-BCĐ389",
        subject="Kế hoạch thực hiện của Hải Phòng",
        issued_on=dt.date(2030, 1, 10),
        implements_task=parent_task,
    )
    actions.create_task(
        plan, by=office, title="Kiểm soát cảng biển", lead=[police], deadline=dt.date(2030, 6, 30)
    )
    directive_actions.submit_directive_for_approval(plan, by=office)
    directive_actions.approve_directive(plan, by=hp_chair)
    directive_actions.dispatch_directive(plan, by=office)
    client.force_login(chair)
    page = client.get(reverse("work:task", args=[parent_task.pk])).content.decode()
    assert "Carried out through" in page
    assert "03/KH-BCĐ389" in page and "Ban Chỉ đạo 389 thành phố Hải Phòng" in page

"""A parent committee's task carried out by a child committee's plan: its progress rolls up."""

import datetime as dt

import time_machine

from documents import actions as directive_actions
from tasks import actions
from tasks.deadlines import VIETNAM
from tasks.models import Task, TaskAssignment
from tests.factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory
from workflows import services as flows


def publish(plan, *, office, chair):
    """The plan's own flow: submitted, approved by its chair, dispatched."""
    flows.start_directive_flow(plan)
    flows.submit_breakdown(plan, by=office)
    flows.decide_task_list(plan, by=chair, approve=True)
    flows.dispatch(plan, by=office)


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
    publish(plan, office=office, chair=chair)
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
    publish(plan, office=office, chair=hp_chair)
    client.force_login(chair)
    page = client.get(reverse("work:task", args=[parent_task.pk])).content.decode()
    assert "Carried out through" in page
    assert "03/KH-BCĐ389" in page and "Ban Chỉ đạo 389 thành phố Hải Phòng" in page


def test_a_child_task_counts_done_only_when_every_lead_is_accepted(make_task, committee):
    parent_task = make_task(deadline=dt.date(2030, 12, 31))
    province = CommitteeFactory(code="bcd389-ag", name="Ban Chỉ đạo 389 tỉnh An Giang")
    province.reports_need_head_approval = False
    province.save()
    office = UserFactory(username="vp.ag", role="secretariat", committee=province)
    chair = UserFactory(username="tb.ag", role="chair", committee=province)
    customs = AgencyFactory(code="AG-HQ", name="Cục Hải quan An Giang")
    guard = AgencyFactory(code="AG-BDBP", name="BĐBP tỉnh An Giang")
    for agency in (customs, guard):
        MembershipFactory(committee=province, agency=agency)
    customs_officer = UserFactory(
        username="hq.ag", role="agency_officer", committee=province, agency=customs
    )
    plan = directive_actions.register_directive(
        province,
        by=office,
        number="7/KH-BCĐ389",
        subject="Kế hoạch của An Giang",
        issued_on=dt.date(2030, 1, 10),
        implements_task=parent_task,
    )
    actions.create_task(
        plan,
        by=office,
        title="Tuần tra chung",
        lead=[customs, guard],
        deadline=dt.date(2030, 6, 30),
    )
    with time_machine.travel(dt.datetime(2030, 1, 15, 9, tzinfo=VIETNAM), tick=False):
        publish(plan, office=office, chair=chair)
        part = TaskAssignment.objects.get(task__directive=plan, agency=customs)
        part = actions.acknowledge(part, by=customs_officer)
        part = actions.submit_report(part, by=customs_officer, text="Đã tuần tra").assignment
        actions.accept_report(part, by=office)
    # customs finished on time, the border guard has not: the child task is not done
    now = dt.datetime(2030, 7, 15, tzinfo=dt.UTC)
    figures = Task.objects.implementing(parent_task).timeliness_summary(by="directive", now=now)
    assert (figures[plan.pk].done_on_time, figures[plan.pk].open_overdue) == (0, 1)
    per_agency = Task.objects.implementing(parent_task).timeliness_summary(by="agency", now=now)
    assert per_agency[customs.pk].done_on_time == 1
    assert per_agency[guard.pk].open_overdue == 1

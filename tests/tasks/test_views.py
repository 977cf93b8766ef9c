"""The task pages as people use them: each agency's inbox and its own part of a task, the head's
sign-off and page, the standing office's review and queues, the dashboard."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import actions
from tasks.models import TaskAssignment, TaskEvent, TaskState
from tests.factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory
from tests.ui_helpers import make_bulk_tasks
from workflows import services as flows

NOW = dt.datetime(2021, 1, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def no_head_sign_off(committee):
    committee.reports_need_head_approval = False
    committee.save()
    return committee


@pytest.fixture
def head(committee, police):
    return UserFactory(
        username="lanhdao.ca",
        full_name="Trần Văn Lãnh Đạo",
        role="agency_head",
        committee=committee,
        agency=police,
    )


@pytest.fixture
def bg_officer(support_officer):
    return support_officer  # an officer of the border guard (BĐBP tỉnh)


def login(client, user):
    client.force_login(user)
    return client


def part_of(task, agency):
    return TaskAssignment.objects.get(task=task, agency=agency)


def report(part, by, text="Đã kiểm tra 12 vụ", **kwargs):
    """Acknowledge (if needed) and report, as the agency's officer."""
    part = TaskAssignment.objects.get(pk=part.pk)
    if part.state == "assigned":
        part = actions.acknowledge(part, by=by)
    return actions.submit_report(part, by=by, text=text, **kwargs)


def post_as(client, user, url, data=None, **kwargs):
    client.force_login(user)
    return client.post(url, data or {}, **kwargs)


# ---- the inbox


def test_root_sends_each_role_home(client, officer, secretariat, chair):
    assert client.get("/").status_code == 302  # to the login page
    assert login(client, officer).get("/").url == reverse("work:inbox")
    assert login(client, secretariat).get("/").url == reverse("directives:index")
    assert login(client, chair).get("/").url == reverse("dashboard:index")


def test_inbox_lists_the_agencys_own_parts_overdue_first(
    client, make_task, officer, police, border_guard
):
    make_task(title="Nhiệm vụ quá hạn", deadline=dt.date(2020, 12, 31))
    make_task(title="Nhiệm vụ còn hạn", deadline=dt.date(2021, 6, 30))
    make_task(
        title="Nhiệm vụ phối hợp",
        lead=[border_guard],
        coordinating=[police],
        deadline=dt.date(2021, 3, 31),
    )
    page = login(client, officer).get(reverse("work:inbox")).content.decode()
    assert page.index("Nhiệm vụ quá hạn") < page.index("Nhiệm vụ còn hạn")
    assert "Nhiệm vụ phối hợp" in page
    leads_only = client.get(reverse("work:inbox"), {"role": "lead"}).content.decode()
    assert "Nhiệm vụ phối hợp" not in leads_only and "Nhiệm vụ quá hạn" in leads_only
    coordinating = client.get(reverse("work:inbox"), {"role": "coordinating"}).content.decode()
    assert "Nhiệm vụ phối hợp" in coordinating and "Nhiệm vụ quá hạn" not in coordinating
    overdue = client.get(reverse("work:inbox"), {"status": "overdue"}).content.decode()
    assert "Nhiệm vụ quá hạn" in overdue and "Nhiệm vụ còn hạn" not in overdue


def test_inbox_shows_the_agencys_own_timeliness_not_the_other_leads(
    client, make_task, officer, bg_officer, secretariat, police, border_guard, no_head_sign_off
):
    with time_machine.travel(dt.datetime(2020, 12, 1, 9, tzinfo=NOW.tzinfo), tick=False):
        task = make_task(lead=[police, border_guard], coordinating=[])
        actions.accept_report(report(part_of(task, police), officer).assignment, by=secretariat)
    # Công an is done on time; BĐBP still owes its part, now 20 days late.
    mine = login(client, officer).get(reverse("work:inbox"), {"status": "all"})
    row = mine.context["rows"][0]
    assert row.agency == police and row.timeliness == "done_on_time"
    theirs = login(client, bg_officer).get(reverse("work:inbox"))
    row = theirs.context["rows"][0]
    assert row.agency == border_guard and row.timeliness == "open_overdue"
    assert row.days_overdue == 20


def test_committee_staff_see_tasks_with_timeliness_derived_from_their_leads(
    client, make_task, chair, officer, secretariat, police, border_guard, no_head_sign_off
):
    task = make_task(lead=[police, border_guard], coordinating=[], deadline=dt.date(2021, 6, 30))
    actions.accept_report(report(part_of(task, police), officer).assignment, by=secretariat)
    response = login(client, chair).get(reverse("work:inbox"))
    [row] = response.context["rows"]
    assert row.pk == task.pk and row.state == TaskState.ASSIGNED
    assert row.timeliness in ("open_on_time", "due_soon")
    page = response.content.decode()
    assert "Công an tỉnh" in page and "BĐBP tỉnh" in page


def test_committee_staff_filter_one_agencys_parts_by_role(
    client, make_task, chair, police, border_guard
):
    make_task(title="Công an chủ trì")
    make_task(title="Biên phòng chủ trì", lead=[border_guard], coordinating=[police])
    client.force_login(chair)
    url = reverse("work:inbox")
    lead = client.get(url, {"agency": police.pk}).content.decode()
    assert "Công an chủ trì" in lead and "Biên phòng chủ trì" not in lead
    coordinating = client.get(url, {"agency": police.pk, "role": "coordinating"})
    assert "Biên phòng chủ trì" in coordinating.content.decode()
    assert "Công an chủ trì" not in coordinating.content.decode()
    both = client.get(url, {"agency": police.pk, "role": "any"}).content.decode()
    assert "Biên phòng chủ trì" in both and "Công an chủ trì" in both


def test_an_old_link_with_role_support_lights_the_co_ordinating_tab(
    client, make_task, chair, police, border_guard
):
    """The tab lit is the filter applied: "support" is the old name of co-ordinating."""
    make_task(title="Biên phòng chủ trì", lead=[border_guard], coordinating=[police])
    client.force_login(chair)
    page = client.get(reverse("work:inbox"), {"agency": police.pk, "role": "support"})
    body = page.content.decode()
    assert "Biên phòng chủ trì" in body
    assert page.context["role"] == "coordinating"


def test_other_agencys_task_and_part_are_404(client, make_task, committee, police):
    other = AgencyFactory(code="KG-HQ", name="Cục Hải quan tỉnh Kiên Giang")
    MembershipFactory(committee=committee, agency=other)
    task = make_task()
    stranger = UserFactory(
        username="canbo.hq", role="agency_officer", committee=committee, agency=other
    )
    part = part_of(task, police)
    assert login(client, stranger).get(reverse("work:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("work:part_acknowledge", args=[part.pk])).status_code == 404
    assert client.get(reverse("work:part_report", args=[part.pk])).status_code == 404


# ---- one agency's part


def test_officer_acknowledges_naming_an_officer_and_reports_with_a_file(
    client, make_task, officer, police, committee, no_head_sign_off
):
    colleague = UserFactory(
        username="canbo2.ca",
        full_name="Lê Thị Hoa",
        role="agency_officer",
        agency=police,
        committee=committee,
    )
    task = make_task()
    part = part_of(task, police)
    login(client, officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert reverse("work:part_acknowledge", args=[part.pk]) in page
    assert "Lê Thị Hoa" in page  # can be named the officer in charge
    client.post(
        reverse("work:part_acknowledge", args=[part.pk]),
        {"officer": colleague.pk, "state": "assigned"},
    )
    part.refresh_from_db()
    assert part.state == "in_progress" and part.officer == colleague
    response = client.post(
        reverse("work:part_report", args=[part.pk]),
        {
            "kind": "result",
            "text": "Đã kiểm tra 12 vụ",
            "files": [SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test")],
        },
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.state == "reported"
    attachment = task.attachments.get()
    download = client.get(reverse("work:task_file", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "bao-cao.pdf" in page


def test_progress_update_keeps_the_part_open(client, make_task, officer, police):
    task = make_task()
    part = actions.acknowledge(part_of(task, police), by=officer)
    login(client, officer).post(
        reverse("work:part_report", args=[part.pk]), {"kind": "progress", "text": "Đã làm 50%"}
    )
    part.refresh_from_db()
    assert part.state == "in_progress"
    assert part.reports.get().kind == "progress"


def test_empty_report_shows_the_error_next_to_the_field_and_changes_nothing(
    client, make_task, officer, police
):
    task = make_task()
    part = actions.acknowledge(part_of(task, police), by=officer)
    response = login(client, officer).post(
        reverse("work:part_report", args=[part.pk]), {"kind": "result", "text": " "}
    )
    assert response.status_code == 200
    assert 'id="field-text"' in response.content.decode()
    assert "dd-field__error" in response.content.decode()
    part.refresh_from_db()
    assert part.state == "in_progress"


def test_coordinating_agency_cannot_report_but_contributes_and_the_lead_attaches_it(
    client,
    make_task,
    officer,
    support_officer,
    police,
    border_guard,
    secretariat,
    no_head_sign_off,
):
    task = make_task()
    lead, coordinating = part_of(task, police), part_of(task, border_guard)
    client.force_login(support_officer)
    assert client.get(reverse("work:part_report", args=[lead.pk])).status_code == 403
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert reverse("work:part_contribute", args=[coordinating.pk]) in page
    client.post(
        reverse("work:part_contribute", args=[coordinating.pk]),
        {
            "text": "BĐBP bắt giữ 3 vụ",
            "files": [SimpleUploadedFile("so-lieu.pdf", b"%PDF-1.4 so lieu")],
        },
    )
    contribution = coordinating.reports.get()
    assert contribution.kind == "contribution"

    lead = actions.acknowledge(lead, by=officer)
    client.force_login(officer)
    form = client.get(reverse("work:part_report", args=[lead.pk])).content.decode()
    assert "BĐBP bắt giữ 3 vụ" in form  # a checkbox to attach it
    client.post(
        reverse("work:part_report", args=[lead.pk]),
        {"kind": "result", "text": "Tổng hợp", "contributions": [contribution.pk]},
    )
    result = lead.reports.get(kind="result")
    assert list(result.contributions.all()) == [contribution]
    # The standing office sees who contributed.
    page = login(client, secretariat).get(reverse("work:task", args=[task.pk])).content.decode()
    assert "data-contributed" in page and "so-lieu.pdf" in page


def test_bdbp_still_sees_its_part_open_after_cong_an_is_accepted_and_reports_it(
    client,
    make_task,
    officer,
    bg_officer,
    secretariat,
    chair,
    police,
    border_guard,
    no_head_sign_off,
):
    task = make_task(lead=[police, border_guard], coordinating=[], deadline=dt.date(2021, 6, 30))
    ca, bg = part_of(task, police), part_of(task, border_guard)
    report(ca, officer)
    post_as(
        client,
        secretariat,
        reverse("work:part_review", args=[ca.pk]),
        {"decision": "accept", "state": "reported"},
    )
    ca.refresh_from_db()
    task.refresh_from_db()
    assert ca.state == "accepted" and task.state == TaskState.ASSIGNED

    # The dashboard credits Công an only.
    dashboard = login(client, chair).get(reverse("dashboard:index"))
    ranking = {row["agency"].pk: row["figures"] for row in dashboard.context["ranking"]}
    assert ranking[police.pk].done_on_time == 1
    assert ranking[border_guard.pk].done_on_time == 0
    assert ranking[border_guard.pk].open == 1
    # The committee's total counts the task itself: still open until every lead is accepted.
    figures = {c["key"]: c["value"] for c in dashboard.context["figure_cards"]}
    assert figures == {"done_on_time": 0, "done_late": 0, "open_on_time": 1, "open_overdue": 0}

    login(client, bg_officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert reverse("work:part_acknowledge", args=[bg.pk]) in page
    assert reverse("work:part_acknowledge", args=[ca.pk]) not in page
    client.post(reverse("work:part_acknowledge", args=[bg.pk]), {"state": "assigned"})
    client.post(reverse("work:part_report", args=[bg.pk]), {"kind": "result", "text": "BĐBP xong"})
    bg.refresh_from_db()
    assert bg.state == "reported"
    post_as(
        client,
        secretariat,
        reverse("work:part_review", args=[bg.pk]),
        {"decision": "accept", "state": "reported"},
    )
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED


def test_a_second_click_on_a_part_that_moved_says_someone_acted_first(
    client, make_task, officer, secretariat, police, no_head_sign_off
):
    task = make_task()
    part = report(part_of(task, police), officer).assignment
    url = reverse("work:part_review", args=[part.pk])
    post_as(client, secretariat, url, {"decision": "accept", "state": "reported"})
    response = post_as(
        client,
        secretariat,
        url,
        {"decision": "return", "note": "x", "state": "reported"},
        follow=True,
    )
    assert "Someone else acted on this first" in response.content.decode()
    part.refresh_from_db()
    assert part.state == "accepted"


def test_next_after_a_post_only_goes_to_our_own_pages(
    client, make_task, secretariat, officer, police
):
    task = make_task()
    part = part_of(task, police)
    url = reverse("work:task_urge", args=[task.pk])
    evil = post_as(client, secretariat, url, {"next": "https://evil.example/"})
    assert evil.url == reverse("work:task", args=[task.pk])
    ours = post_as(client, secretariat, url, {"next": reverse("work:overdue")})
    assert ours.url == reverse("work:overdue")
    assert part


# ---- the head's sign-off


def test_with_head_sign_off_the_report_goes_to_the_head_first(
    client, make_task, officer, head, secretariat, police
):
    task = make_task()
    part = actions.acknowledge(part_of(task, police), by=officer)
    login(client, officer)
    form = client.get(reverse("work:part_report", args=[part.pk])).content.decode()
    assert "data-to-head" in form
    client.post(reverse("work:part_report", args=[part.pk]), {"kind": "result", "text": "Xong"})
    part.refresh_from_db()
    assert part.state == "awaiting_head"
    # Not yet the standing office's to review.
    queue = login(client, secretariat).get(reverse("work:review_queue"))
    assert not queue.context["parts"]

    # The head sends it back without a note: refused, with the reason why.
    login(client, head)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "data-sign-off" in page
    url = reverse("work:part_sign_off", args=[part.pk])
    response = client.post(url, {"decision": "send_back", "state": "awaiting_head"}, follow=True)
    assert "Please say why you send the report back." in response.content.decode()
    client.post(url, {"decision": "send_back", "note": "Bổ sung số liệu", "state": "awaiting_head"})
    part.refresh_from_db()
    assert part.state == "in_progress"

    actions.submit_report(part, by=officer, text="Đã bổ sung")
    client.post(url, {"decision": "send_on", "note": "", "state": "awaiting_head"})
    part.refresh_from_db()
    assert part.state == "reported"
    queue = login(client, secretariat).get(reverse("work:review_queue"))
    assert [p.pk for p in queue.context["parts"]] == [part.pk]
    assert "signed off by Trần Văn Lãnh Đạo" in queue.content.decode()


def test_a_report_with_the_head_stays_inside_the_agency_until_sent_on(
    client, make_task, officer, head, secretariat, support_officer, police
):
    task = make_task()
    part = report(
        part_of(task, police),
        officer,
        text="Bản nháp nội bộ",
        files=[SimpleUploadedFile("nhap.pdf", b"%PDF-1.4")],
    ).assignment
    attachment = task.attachments.get()
    for outsider in (secretariat, support_officer):
        page = login(client, outsider).get(reverse("work:task", args=[task.pk])).content.decode()
        assert "Bản nháp nội bộ" not in page and "nhap.pdf" not in page
        assert client.get(reverse("work:task_file", args=[attachment.pk])).status_code == 404
    page = login(client, head).get(reverse("work:task", args=[task.pk])).content.decode()
    assert "Bản nháp nội bộ" in page
    assert client.get(reverse("work:task_file", args=[attachment.pk])).status_code == 200
    actions.sign_off_report(part, by=head)
    page = login(client, secretariat).get(reverse("work:task", args=[task.pk])).content.decode()
    assert "Bản nháp nội bộ" in page
    assert client.get(reverse("work:task_file", args=[attachment.pk])).status_code == 200


def test_without_head_sign_off_the_report_goes_straight_to_review(
    client, make_task, officer, head, secretariat, police, no_head_sign_off
):
    task = make_task()
    part = actions.acknowledge(part_of(task, police), by=officer)
    login(client, officer)
    form = client.get(reverse("work:part_report", args=[part.pk])).content.decode()
    assert "data-to-head" not in form
    client.post(reverse("work:part_report", args=[part.pk]), {"kind": "result", "text": "Xong"})
    part.refresh_from_db()
    assert part.state == "reported"
    queue = login(client, secretariat).get(reverse("work:review_queue"))
    assert [p.pk for p in queue.context["parts"]] == [part.pk]


def test_officer_cannot_sign_off(client, make_task, officer, police):
    task = make_task()
    part = report(part_of(task, police), officer).assignment
    response = post_as(
        client,
        officer,
        reverse("work:part_sign_off", args=[part.pk]),
        {"decision": "send_on", "state": "awaiting_head"},
    )
    assert response.status_code == 403
    part.refresh_from_db()
    assert part.state == "awaiting_head"


# ---- the head's page


def test_head_sees_the_agencys_figures_sign_offs_overdue_and_officers(
    client, make_task, officer, head, police, committee, secretariat
):
    colleague = UserFactory(
        username="canbo2.ca",
        full_name="Lê Thị Hoa",
        role="agency_officer",
        agency=police,
        committee=committee,
    )
    late = make_task(title="Nhiệm vụ trễ", deadline=dt.date(2020, 12, 31))
    waiting = make_task(title="Chờ ký", deadline=dt.date(2021, 6, 30))
    actions.acknowledge(part_of(late, police), by=officer)
    report(part_of(waiting, police), officer)
    response = login(client, head).get(reverse("work:agency"))
    assert response.status_code == 200
    figures = {c["key"]: c["value"] for c in response.context["figure_cards"]}
    assert figures == {"done_on_time": 0, "done_late": 0, "open_on_time": 1, "open_overdue": 1}
    assert [p.task.title for p in response.context["overdue"]] == ["Nhiệm vụ trễ"]
    assert [p.task.title for p in response.context["awaiting"]] == ["Chờ ký"]
    officers = {row["officer"].username: row for row in response.context["officer_rows"]}
    assert officers[officer.username]["open"] == 2 and officers[officer.username]["overdue"] == 1
    assert officers[colleague.username]["open"] == 0

    # The head hands the late part to another officer from the page.
    part = part_of(late, police)
    client.post(
        reverse("work:part_officer", args=[part.pk]),
        {"officer": colleague.pk, "next": reverse("work:agency")},
    )
    part.refresh_from_db()
    assert part.officer == colleague
    assert TaskEvent.objects.filter(task=late, kind="officer", to_value="Lê Thị Hoa").exists()
    # Signing off from the page.
    waiting_part = part_of(waiting, police)
    client.post(
        reverse("work:part_sign_off", args=[waiting_part.pk]),
        {"decision": "send_on", "state": "awaiting_head", "next": reverse("work:agency")},
    )
    waiting_part.refresh_from_db()
    assert waiting_part.state == "reported"


def test_only_the_head_opens_the_agency_page_and_its_menu_link(client, officer, head, chair):
    assert login(client, officer).get(reverse("work:agency")).status_code == 403
    assert login(client, chair).get(reverse("work:agency")).status_code == 403
    page = login(client, head).get(reverse("work:inbox")).content.decode()
    assert f'href="{reverse("work:agency")}"' in page


def test_officer_cannot_reassign(client, make_task, officer, committee, police):
    task = make_task()
    part = actions.acknowledge(part_of(task, police), by=officer)
    other = UserFactory(username="x.ca", role="agency_officer", agency=police, committee=committee)
    response = post_as(
        client, officer, reverse("work:part_officer", args=[part.pk]), {"officer": other.pk}
    )
    assert response.status_code == 403


# ---- the standing office


def test_secretariat_returns_with_a_reason_then_accepts(
    client, make_task, officer, secretariat, police, no_head_sign_off
):
    task = make_task()
    part = report(part_of(task, police), officer, text="Kết quả").assignment
    login(client, secretariat)
    queue = client.get(reverse("work:review_queue")).content.decode()
    assert task.title in queue
    url = reverse("work:part_review", args=[part.pk])
    response = client.post(
        url, {"decision": "return", "note": "", "state": "reported"}, follow=True
    )
    assert "Please give a reason" in response.content.decode()
    part.refresh_from_db()
    assert part.state == "reported"
    client.post(url, {"decision": "return", "note": "Thiếu số liệu", "state": "reported"})
    part.refresh_from_db()
    assert part.state == "returned"
    actions.submit_report(part, by=officer, text="Bổ sung")
    client.post(url, {"decision": "accept", "note": "", "state": "reported"})
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED


def test_extension_is_asked_through_the_flow_and_decided_from_the_link(
    client, make_task, officer, chair, police, border_guard, bg_officer
):
    task = make_task(lead=[police, border_guard], coordinating=[], deadline=dt.date(2021, 1, 29))
    part = actions.acknowledge(part_of(task, police), by=officer)
    page = login(client, officer).get(reverse("work:task", args=[task.pk])).content.decode()
    assert "data-ask-extension" in page
    extension = flows.request_extension(
        part, by=officer, new_deadline=dt.date(2021, 2, 26), reason="Chờ số liệu"
    )
    login(client, chair)
    approvals = client.get(reverse("work:approvals"))
    [(listed, decide_url)] = approvals.context["extension_rows"]
    assert listed == extension and decide_url
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "data-pending-extension" in page and decide_url in page
    client.post(decide_url, {"decision": "approve", "note": ""})
    part.refresh_from_db()
    assert part.deadline == dt.date(2021, 2, 26) and part.original_deadline == dt.date(2021, 1, 29)
    assert part_of(task, border_guard).deadline == dt.date(2021, 1, 29)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "(extended from 29/01/2021)" in page


def test_after_the_deadline_the_extension_page_says_why_it_cannot_be_asked(
    client, make_task, officer, police
):
    from workflows.queries import extension_request_url

    task = make_task(deadline=dt.date(2021, 1, 15))
    actions.acknowledge(part_of(task, police), by=officer)
    login(client, officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "Your deadline has passed" in page
    step = client.get(extension_request_url(task)).content.decode()
    assert "data-refusal" in step and "15/01/2021" in step


def test_overdue_list_is_per_agency_sorted_by_days_and_urge_one_agency(
    client, make_task, secretariat, police, border_guard
):
    a = make_task(title="Trễ ít", deadline=dt.date(2021, 1, 15))
    b = make_task(
        title="Trễ nhiều",
        lead=[police, border_guard],
        coordinating=[],
        deadline=dt.date(2020, 12, 1),
    )
    make_task(title="Còn hạn", deadline=dt.date(2021, 5, 1))
    response = login(client, secretariat).get(reverse("work:overdue"))
    rows = [(p.task.title, p.agency.code) for p in response.context["parts"]]
    assert rows[-1] == ("Trễ ít", "KG-CA")
    assert {r for r in rows[:2]} == {("Trễ nhiều", "KG-CA"), ("Trễ nhiều", "KG-BDBP")}
    assert "Còn hạn" not in response.content.decode()
    client.post(
        reverse("work:task_urge", args=[b.pk]),
        {"agency": border_guard.pk, "next": reverse("work:overdue")},
    )
    assert list(
        TaskEvent.objects.filter(task=b, kind="urged").values_list("agency", flat=True)
    ) == [border_guard.pk]
    client.post(reverse("work:task_urge", args=[b.pk]))
    assert TaskEvent.objects.filter(task=b, kind="urged").count() == 3
    assert a


def test_the_administrator_sees_every_committees_overdue_parts_and_reports_to_review(
    client, make_task, secretariat, police, officer, no_head_sign_off
):
    ours = make_task(title="Trễ của tỉnh", deadline=dt.date(2021, 1, 15))
    report(part_of(ours, police), officer)  # reported late: waits for review, not chased
    make_task(title="Trễ nhiều", deadline=dt.date(2020, 12, 1))
    other = CommitteeFactory()
    agency = AgencyFactory()
    MembershipFactory(committee=other, agency=agency)
    theirs = make_bulk_tasks(
        other,
        lead=agency,
        coordinating=AgencyFactory(),
        officer=UserFactory(role="agency_officer", committee=other, agency=agency),
        rows=12,
        directives=1,
    )
    admin = UserFactory(role="admin", committee=None)

    def shown(user, name):
        response = login(client, user).get(reverse(name))
        return {part.task.directive.committee_id for part in response.context["parts"]}

    assert shown(admin, "work:overdue") == {ours.directive.committee_id, other.pk}
    assert shown(admin, "work:review_queue") == {ours.directive.committee_id, other.pk}
    assert shown(secretariat, "work:overdue") == {ours.directive.committee_id}
    # Every part is the administrator's: read straight, not through a subquery over every task.
    with CaptureQueriesContext(connection) as captured:
        login(client, admin).get(reverse("work:overdue"))
    assert not [q for q in captured if '"task_id" IN (SELECT' in q["sql"]]
    assert theirs


def test_dashboard_shows_the_four_figures(
    client, make_task, chair, officer, secretariat, police, no_head_sign_off
):
    done = make_task(deadline=dt.date(2021, 2, 1))
    actions.accept_report(report(part_of(done, police), officer).assignment, by=secretariat)
    make_task(deadline=dt.date(2020, 12, 31))
    make_task(deadline=dt.date(2021, 6, 30))
    response = login(client, chair).get(reverse("dashboard:index"))
    figures = {c["key"]: c["value"] for c in response.context["figure_cards"]}
    assert figures == {"done_on_time": 1, "done_late": 0, "open_on_time": 1, "open_overdue": 1}
    assert "<svg" in response.content.decode()


def test_agency_officer_cannot_open_the_dashboard(client, officer):
    assert login(client, officer).get(reverse("dashboard:index")).status_code == 403


# ---- bounded queries


@pytest.fixture
def bulk_tasks(committee, police, border_guard, officer):
    from tests.ui_helpers import make_bulk_tasks

    def make(rows, **kwargs):
        return make_bulk_tasks(
            committee,
            lead=police,
            coordinating=border_guard,
            officer=officer,
            rows=rows,
            **kwargs,
        )

    return make


@pytest.mark.parametrize("rows", [10, 200])
def test_list_pages_query_count_is_bounded(
    client,
    django_assert_max_num_queries,
    officer,
    support_officer,
    head,
    secretariat,
    chair,
    rows,
    bulk_tasks,
    police,
):
    bulk_tasks(rows)
    pages = [
        (officer, "work:inbox", {}),
        (officer, "work:inbox", {"status": "all"}),
        (support_officer, "work:inbox", {"role": "coordinating"}),
        (head, "work:agency", {"status": "all"}),
        (secretariat, "work:inbox", {"status": "all"}),
        (secretariat, "work:inbox", {"agency": police.pk, "status": "all"}),
        (secretariat, "work:overdue", {}),
        (secretariat, "work:review_queue", {}),
        (chair, "dashboard:index", {}),
        (chair, "work:approvals", {}),
    ]
    for user, name, params in pages:
        login(client, user)
        with django_assert_max_num_queries(16):
            response = client.get(reverse(name), params)
            assert response.status_code == 200, name


@pytest.mark.parametrize("rows", [10, 200])
def test_task_page_query_count_is_bounded(
    client,
    django_assert_max_num_queries,
    officer,
    head,
    secretariat,
    chair,
    rows,
    bulk_tasks,
    police,
):
    tasks = bulk_tasks(rows, directives=1)
    task = tasks[1]  # the lead's part is in progress, with an extension request
    for i in range(rows // 10):
        actions.comment_on_task(task, by=officer, text=f"Ý kiến {i}")
    for user in (secretariat, officer, head, chair):
        client.force_login(user)
        with django_assert_max_num_queries(25):
            assert client.get(reverse("work:task", args=[task.pk])).status_code == 200


# ---- language


def test_pages_speak_vietnamese_first_and_english_on_request(client, chair, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(chair)
    page = client.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Hoàn thành đúng hạn" in page and "Đang thực hiện quá hạn" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    page = client.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Done on time" in page


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, chair, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(chair)
    page = client.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert "Hoàn thành đúng hạn" in page.decode()


def test_history_names_the_agencies(client, make_task, officer):
    task = make_task()
    client.force_login(officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "Công an tỉnh" in page
    assert "KG-CA (lead)" not in page


def test_coordinators_part_is_open_while_the_task_is_under_way_then_done(
    client, make_task, officer, support_officer, secretariat, police, no_head_sign_off
):
    task = make_task(title="Phối hợp kiểm tra")
    login(client, support_officer)
    assert "Phối hợp kiểm tra" in client.get(reverse("work:inbox")).content.decode()
    actions.accept_report(report(part_of(task, police), officer).assignment, by=secretariat)
    assert "Phối hợp kiểm tra" not in client.get(reverse("work:inbox")).content.decode()
    done = client.get(reverse("work:inbox"), {"status": "done"}).content.decode()
    assert "Phối hợp kiểm tra" in done


@pytest.mark.vietnamese
def test_the_heads_sign_off_speaks_vietnamese(client, make_task, officer, head, police, settings):
    settings.LANGUAGE_CODE = "vi"
    task = make_task()
    report(part_of(task, police), officer)
    client.force_login(head)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "Đơn vị chủ trì" in page and "Ký duyệt và gửi đi" in page
    assert "Chờ lãnh đạo đơn vị ký duyệt" in page
    agency = client.get(reverse("work:agency")).content.decode()
    assert "Báo cáo chờ lãnh đạo ký duyệt" in agency

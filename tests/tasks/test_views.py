"""The task pages as people use them: inbox, task page and its actions, queues, dashboard."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks import actions
from tasks.models import TaskEvent, TaskState
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

NOW = dt.datetime(2021, 1, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


def test_root_sends_each_role_home(client, officer, secretariat, chair):
    assert client.get("/").status_code == 302  # to the login page
    assert login(client, officer).get("/").url == reverse("work:inbox")
    assert login(client, secretariat).get("/").url == reverse("directives:index")
    assert login(client, chair).get("/").url == reverse("dashboard:index")


def test_inbox_shows_lead_and_coordinating_tasks_overdue_first(
    client, make_task, officer, police, border_guard
):
    late = make_task(title="Nhiệm vụ quá hạn", deadline=dt.date(2020, 12, 31))
    later = make_task(title="Nhiệm vụ còn hạn", deadline=dt.date(2021, 6, 30))
    coord = make_task(
        title="Nhiệm vụ phối hợp",
        lead=[border_guard],
        support=[police],
        deadline=dt.date(2021, 3, 31),
    )
    page = login(client, officer).get(reverse("work:inbox")).content.decode()
    assert (
        page.index("Nhiệm vụ quá hạn")
        < page.index("Nhiệm vụ phối hợp")
        < page.index("Nhiệm vụ còn hạn")
    )
    leads_only = client.get(reverse("work:inbox"), {"role": "lead"}).content.decode()
    assert "Nhiệm vụ phối hợp" not in leads_only and "Nhiệm vụ quá hạn" in leads_only
    support_only = client.get(reverse("work:inbox"), {"role": "support"}).content.decode()
    assert "Nhiệm vụ phối hợp" in support_only and "Nhiệm vụ quá hạn" not in support_only
    assert late and later and coord


def test_other_agencys_task_is_404(client, make_task, committee):
    other = AgencyFactory(code="KG-HQ", name="Cục Hải quan tỉnh Kiên Giang")
    MembershipFactory(committee=committee, agency=other)
    task = make_task()
    stranger = UserFactory(
        username="canbo.hq", role="agency_officer", committee=committee, agency=other
    )
    assert login(client, stranger).get(reverse("work:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("work:task_acknowledge", args=[task.pk])).status_code == 404


def test_officer_acknowledges_and_reports_with_a_file(client, make_task, officer):
    task = make_task()
    login(client, officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert reverse("work:task_acknowledge", args=[task.pk]) in page
    client.post(reverse("work:task_acknowledge", args=[task.pk]))
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.officer == officer
    response = client.post(
        reverse("work:task_report", args=[task.pk]),
        {
            "kind": "result",
            "text": "Đã kiểm tra 12 vụ",
            "files": [SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test")],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED
    attachment = task.attachments.get()
    download = client.get(reverse("work:task_file", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_empty_report_shows_the_error_next_to_the_field_and_changes_nothing(
    client, make_task, officer
):
    task = make_task()
    actions.acknowledge_task(task, by=officer)
    response = login(client, officer).post(
        reverse("work:task_report", args=[task.pk]), {"kind": "result", "text": " "}
    )
    assert response.status_code == 200
    assert 'id="field-text"' in response.content.decode()
    assert "dd-field__error" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS


def test_coordinating_agency_cannot_report(client, make_task, support_officer):
    task = make_task()
    response = login(client, support_officer).get(reverse("work:task_report", args=[task.pk]))
    assert response.status_code == 403


def test_secretariat_returns_with_a_reason_then_accepts(client, make_task, officer, secretariat):
    task = make_task()
    actions.acknowledge_task(task, by=officer)
    actions.submit_report(task, by=officer, text="Kết quả")
    login(client, secretariat)
    queue = client.get(reverse("work:review_queue")).content.decode()
    assert task.title in queue
    response = client.post(
        reverse("work:task_review", args=[task.pk]), {"decision": "return", "note": ""}
    )
    assert response.status_code == 200 and "Please give a reason" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED
    client.post(
        reverse("work:task_review", args=[task.pk]), {"decision": "return", "note": "Thiếu số liệu"}
    )
    task.refresh_from_db()
    assert task.state == TaskState.RETURNED
    actions.submit_report(task, by=officer, text="Bổ sung")
    client.post(reverse("work:task_review", args=[task.pk]), {"decision": "accept", "note": ""})
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED


def test_extension_request_and_decision(client, make_task, officer, chair):
    task = make_task(deadline=dt.date(2021, 1, 29))
    login(client, officer)
    bad = client.post(
        reverse("work:task_extension", args=[task.pk]),
        {"new_deadline": "31/13/2021", "reason": "x"},
    )
    assert "dd/mm/yyyy" in bad.content.decode()
    earlier = client.post(
        reverse("work:task_extension", args=[task.pk]),
        {"new_deadline": "01/01/2021", "reason": "x"},
    )
    assert "29/01/2021" in earlier.content.decode()
    client.post(
        reverse("work:task_extension", args=[task.pk]),
        {"new_deadline": "26/02/2021", "reason": "Chờ số liệu"},
    )
    extension = task.extensions.get()
    login(client, chair)
    assert "26/02/2021" in client.get(reverse("work:approvals")).content.decode()
    client.post(reverse("work:extension_decide", args=[extension.pk]), {"decision": "approve"})
    task.refresh_from_db()
    assert task.deadline == dt.date(2021, 2, 26) and task.original_deadline == dt.date(2021, 1, 29)


def test_overdue_list_sorted_by_days_and_urge_is_logged(client, make_task, secretariat):
    a = make_task(title="Trễ ít", deadline=dt.date(2021, 1, 15))
    b = make_task(title="Trễ nhiều", deadline=dt.date(2020, 12, 1))
    make_task(title="Còn hạn", deadline=dt.date(2021, 5, 1))
    page = login(client, secretariat).get(reverse("work:overdue")).content.decode()
    assert page.index("Trễ nhiều") < page.index("Trễ ít") and "Còn hạn" not in page
    client.post(reverse("work:task_urge", args=[a.pk]), {"next": reverse("work:overdue")})
    assert TaskEvent.objects.filter(task=a, kind="comment").exists()
    assert b


def test_dashboard_shows_the_four_figures(client, make_task, chair, officer, secretariat):
    done = make_task(deadline=dt.date(2021, 2, 1))
    actions.acknowledge_task(done, by=officer)
    actions.submit_report(done, by=officer, text="Xong")
    actions.accept_report(done, by=secretariat)
    make_task(deadline=dt.date(2020, 12, 31))
    make_task(deadline=dt.date(2021, 6, 30))
    response = login(client, chair).get(reverse("dashboard:index"))
    figures = {c["key"]: c["value"] for c in response.context["figure_cards"]}
    assert figures == {"done_on_time": 1, "done_late": 0, "open_on_time": 1, "open_overdue": 1}
    assert "<svg" in response.content.decode()


def test_agency_officer_cannot_open_the_dashboard(client, officer):
    assert login(client, officer).get(reverse("dashboard:index")).status_code == 403


@pytest.mark.parametrize("rows", [10, 200])
def test_task_lists_query_count_is_bounded(
    client, django_assert_max_num_queries, make_task, officer, secretariat, chair, rows, bulk_tasks
):
    bulk_tasks(rows)
    for user, name in [
        (officer, "work:inbox"),
        (secretariat, "work:inbox"),
        (secretariat, "work:overdue"),
        (secretariat, "work:review_queue"),
        (chair, "dashboard:index"),
        (chair, "work:approvals"),
    ]:
        login(client, user)
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200


@pytest.fixture
def bulk_tasks(committee, police, border_guard, officer):
    from tests.ui_helpers import make_bulk_tasks

    return lambda rows: make_bulk_tasks(
        committee, lead=police, support=border_guard, officer=officer, rows=rows
    )


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


@pytest.mark.parametrize("rows", [10, 200])
def test_directive_and_task_pages_query_count_is_bounded(
    client,
    django_assert_max_num_queries,
    committee,
    police,
    border_guard,
    officer,
    secretariat,
    rows,
):
    from tests.ui_helpers import make_bulk_tasks

    tasks = make_bulk_tasks(
        committee, lead=police, support=border_guard, officer=officer, rows=rows, directives=1
    )
    task = tasks[1]  # in progress
    for i in range(rows // 10):
        actions.comment_on_task(task, by=officer, text=f"Ý kiến {i}")
    for user in (secretariat, officer):
        client.force_login(user)
        with django_assert_max_num_queries(25):
            assert (
                client.get(reverse("directives:detail", args=[task.directive_id])).status_code
                == 200
            )
        with django_assert_max_num_queries(25):
            assert client.get(reverse("work:task", args=[task.pk])).status_code == 200


def test_committee_staff_filter_one_agencys_tasks_by_role(
    client, make_task, chair, police, border_guard
):
    make_task(title="Công an chủ trì")
    make_task(title="Biên phòng chủ trì", lead=[border_guard], support=[police])
    client.force_login(chair)
    url = reverse("work:inbox")
    lead = client.get(url, {"agency": police.pk}).content.decode()
    assert "Công an chủ trì" in lead and "Biên phòng chủ trì" not in lead
    support = client.get(url, {"agency": police.pk, "role": "support"}).content.decode()
    assert "Biên phòng chủ trì" in support and "Công an chủ trì" not in support
    both = client.get(url, {"agency": police.pk, "role": "any"}).content.decode()
    assert "Biên phòng chủ trì" in both and "Công an chủ trì" in both


def test_history_names_the_agencies_not_their_codes(client, make_task, officer):
    task = make_task()
    client.force_login(officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "Công an tỉnh – Lead (chủ trì)" in page
    assert "KG-CA (lead)" not in page

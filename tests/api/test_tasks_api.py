"""The API answers through the same permission layer and actions as the pages: each lead agency
acts on its own part, the standing office on a named agency's part."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from tasks.deadlines import VIETNAM
from tasks.models import TaskAssignment, TaskEvent
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def no_head_sign_off(committee):
    committee.reports_need_head_approval = False
    committee.save()


@pytest.fixture
def head(committee, police):
    return UserFactory(
        username="lanhdao.ca", role="agency_head", committee=committee, agency=police
    )


def part(task, agency):
    return TaskAssignment.objects.get(task=task, agency=agency)


def leads_of(body):
    return {p["agency"]: p for p in body["leads"]}


def test_agency_lists_its_tasks_with_each_leads_part(api, make_task, officer):
    task = make_task(deadline=dt.date(2020, 12, 31))
    response = api(officer).get("/api/tasks/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == task.pk and row["state"] == "assigned"
    assert row["timeliness"] == "open_overdue" and row["days_overdue"] > 0
    assert row["coordinating"] == ["KG-BDBP"]
    [lead] = row["leads"]
    assert lead["agency"] == "KG-CA" and lead["agency_name"] == "Công an tỉnh Kiên Giang"
    assert (lead["state"], lead["deadline"], lead["original_deadline"]) == (
        "assigned",
        "2020-12-31",
        "2020-12-31",
    )
    assert lead["timeliness"] == "open_overdue" and lead["officer"] is None
    assert row["my_part"] == {"agency": "KG-CA", "role": "lead", "state": "assigned"}


def test_other_agencys_task_and_malformed_ids_are_404(api, make_task, committee, secretariat):
    task = make_task()
    stranger = UserFactory(
        role="agency_officer", committee=committee, agency=AgencyFactory(code="KG-YT")
    )
    assert api(stranger).get(f"/api/tasks/{task.pk}/").status_code == 404
    assert api(stranger).post(f"/api/tasks/{task.pk}/acknowledge/").status_code == 404
    office = api(secretariat)
    for bad in ("abc", "1.5", "-1", "99999999999999999999999", "%20"):
        assert office.get(f"/api/tasks/{bad}/").status_code == 404, bad
        assert office.post(f"/api/tasks/{bad}/acknowledge/").status_code == 404, bad
        assert office.post(f"/api/extensions/{bad}/approve/").status_code == 404, bad
    assert office.post(f"/api/tasks/{task.pk}/assignments/KG-XX/accept/").status_code == 404
    # the co-ordinating agency has no result to accept
    assert office.post(f"/api/tasks/{task.pk}/assignments/KG-BDBP/accept/").status_code == 404


def test_actions_answer_400_403_and_409(api, make_task, officer, secretariat):
    task = make_task()
    refused = api(secretariat).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert refused.status_code == 403 and "no part in this task" in refused.json()["detail"]
    body = api(officer).post(f"/api/tasks/{task.pk}/acknowledge/").json()
    assert body["my_part"]["state"] == "in_progress"
    assert leads_of(body)["KG-CA"]["officer"] == str(officer)
    wrong = api(officer).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert wrong.status_code == 400 and "not possible now" in wrong.json()["detail"]
    empty = api(officer).post(f"/api/tasks/{task.pk}/report/", {"text": ""})
    assert empty.status_code == 400 and empty.json()["detail"] == "Please write the report."
    accept = api(officer).post(f"/api/tasks/{task.pk}/assignments/KG-CA/accept/")
    assert accept.status_code == 403


def test_conflict_is_409(api, make_task, officer, monkeypatch):
    from django_fsm import ConcurrentTransition

    task = make_task()

    def lose_the_race(*args, **kwargs):
        raise ConcurrentTransition("changed")

    monkeypatch.setattr("tasks.models.TaskAssignment.save", lose_the_race)
    response = api(officer).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert response.status_code == 409
    assert "Someone else acted on this first" in response.json()["detail"]


def test_two_leads_report_and_are_accepted_each_on_their_own(
    api, make_task, police, border_guard, officer, support_officer, secretariat, no_head_sign_off
):
    task = make_task(lead=[police, border_guard], coordinating=[], deadline=dt.date(2031, 6, 30))
    url = f"/api/tasks/{task.pk}"
    api(officer).post(f"{url}/acknowledge/")
    reported = api(officer).post(f"{url}/report/", {"text": "Đã kiểm tra 12 vụ"}).json()
    assert reported["my_part"]["state"] == "reported"
    body = api(secretariat).post(f"{url}/assignments/KG-CA/accept/", {"text": "Đạt"}).json()
    assert body["state"] == "assigned"  # the border guard has not finished
    parts = leads_of(body)
    assert parts["KG-CA"]["state"] == "accepted" and parts["KG-CA"]["timeliness"] == "done_on_time"
    assert parts["KG-BDBP"]["state"] == "assigned"
    # the border guard still sees its own part open, and reports it
    guard = api(support_officer)
    assert guard.get(f"{url}/").json()["my_part"]["state"] == "assigned"
    assert guard.post(f"{url}/report/", {"text": "x"}).status_code == 400  # acknowledge first
    guard.post(f"{url}/acknowledge/")
    assert guard.post(f"{url}/report/", {"text": "Đã tuần tra"}).json()["my_part"]["state"] == (
        "reported"
    )
    returned = api(secretariat).post(f"{url}/assignments/KG-BDBP/return/", {"text": ""})
    assert returned.status_code == 400  # a reason is needed
    done = api(secretariat).post(f"{url}/assignments/KG-BDBP/accept/").json()
    assert done["state"] == "completed" and done["timeliness"] == "done_on_time"


def test_the_head_signs_the_report_off_or_sends_it_back(api, make_task, officer, head, police):
    task = make_task(deadline=dt.date(2031, 6, 30))
    url = f"/api/tasks/{task.pk}"
    api(officer).post(f"{url}/acknowledge/")
    body = api(officer).post(f"{url}/report/", {"text": "Dự thảo báo cáo"}).json()
    assert body["my_part"]["state"] == "awaiting_head"
    assert api(officer).post(f"{url}/sign-off/").status_code == 403
    assert api(head).post(f"{url}/send-back/", {"text": ""}).status_code == 400
    back = api(head).post(f"{url}/send-back/", {"text": "Bổ sung số liệu"}).json()
    assert back["my_part"]["state"] == "in_progress"
    api(officer).post(f"{url}/report/", {"text": "Báo cáo đã bổ sung"})
    signed = api(head).post(f"{url}/sign-off/", {"text": "Đồng ý"}).json()
    assert signed["my_part"]["state"] == "reported"
    again = api(head).post(f"{url}/sign-off/")
    assert again.status_code == 400
    assert "not waiting for the head" in again.json()["detail"]
    kinds = list(
        TaskEvent.objects.filter(task=task, kind__in=["head_approved", "head_sent_back"])
        .order_by("id")
        .values_list("kind", "agency__code")
    )
    assert kinds == [("head_sent_back", "KG-CA"), ("head_approved", "KG-CA")]


def test_the_head_names_another_officer(api, make_task, officer, head, committee, police):
    other = UserFactory(
        username="canbo2.ca", role="agency_officer", committee=committee, agency=police
    )
    task = make_task(deadline=dt.date(2031, 6, 30))
    api(officer).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert (
        api(officer).post(f"/api/tasks/{task.pk}/officer/", {"officer": other.username}).status_code
        == 403
    )
    body = api(head).post(f"/api/tasks/{task.pk}/officer/", {"officer": other.username}).json()
    assert leads_of(body)["KG-CA"]["officer"] == str(other)
    missing = api(head).post(f"/api/tasks/{task.pk}/officer/", {"officer": "nobody"})
    assert missing.status_code == 400


def test_a_co_ordinator_contributes_but_does_not_report(api, make_task, support_officer):
    task = make_task(deadline=dt.date(2031, 6, 30))
    url = f"/api/tasks/{task.pk}"
    body = api(support_officer).get(f"{url}/").json()
    assert body["my_part"] == {"agency": "KG-BDBP", "role": "coordinating", "state": "assigned"}
    assert (
        api(support_officer).post(f"{url}/contribution/", {"text": "Đã cử 2 tổ"}).status_code == 200
    )
    assert api(support_officer).post(f"{url}/acknowledge/").status_code == 403
    assert api(support_officer).post(f"{url}/report/", {"text": "x"}).status_code == 403


def test_extension_round_trip_moves_only_that_agencys_deadline(
    api, make_task, police, border_guard, officer, chair
):
    with time_machine.travel(dt.datetime(2031, 1, 5, 9, tzinfo=VIETNAM), tick=False):
        task = make_task(
            lead=[police, border_guard], coordinating=[], deadline=dt.date(2031, 2, 28)
        )
        ask = {"new_deadline": "2031-03-31", "reason": "Chờ giám định"}
        response = api(officer).post(f"/api/tasks/{task.pk}/request-extension/", ask)
        assert response.status_code == 201, response.json()
        extension = response.json()
        assert (extension["agency"], extension["state"], extension["current_deadline"]) == (
            "KG-CA",
            "requested",
            "2031-02-28",
        )
        twice = api(officer).post(f"/api/tasks/{task.pk}/request-extension/", ask)
        assert twice.status_code == 400 and "already has an extension" in twice.json()["detail"]
        approve = f"/api/extensions/{extension['id']}/approve/"
        assert api(officer).post(approve).status_code == 403
        decided = api(chair).post(approve, {"text": "Đồng ý"})
        assert decided.status_code == 200 and decided.json()["state"] == "approved"
        assert api(chair).post(approve).status_code == 409  # already decided
        parts = leads_of(api(officer).get(f"/api/tasks/{task.pk}/").json())
    assert (parts["KG-CA"]["deadline"], parts["KG-CA"]["original_deadline"]) == (
        "2031-03-31",
        "2031-02-28",
    )
    assert parts["KG-BDBP"]["deadline"] == "2031-02-28"  # the other lead's is unchanged


def test_extension_asked_after_the_deadline_is_refused_with_the_reason(
    api, make_task, officer, chair
):
    task = make_task(deadline=dt.date(2020, 12, 31))
    response = api(officer).post(
        f"/api/tasks/{task.pk}/request-extension/",
        {"new_deadline": "2031-03-31", "reason": "Chờ giám định"},
    )
    assert response.status_code == 400
    assert "has passed: an extension can only be asked for before it" in response.json()["detail"]
    assert not task.extensions.exists()


def test_rejecting_needs_a_reason(api, make_task, officer, chair):
    with time_machine.travel(dt.datetime(2031, 1, 5, 9, tzinfo=VIETNAM), tick=False):
        task = make_task(deadline=dt.date(2031, 2, 28))
        ask = {"new_deadline": "2031-03-31", "reason": "Chờ giám định"}
        extension = api(officer).post(f"/api/tasks/{task.pk}/request-extension/", ask).json()
        reject = f"/api/extensions/{extension['id']}/reject/"
        assert api(chair).post(reject, {"text": ""}).status_code == 400
        body = api(chair).post(reject, {"text": "Không đủ căn cứ"}).json()
    assert body["state"] == "rejected" and body["decision_note"] == "Không đủ căn cứ"
    assert part(task, officer.agency).deadline == dt.date(2031, 2, 28)


def test_the_standing_office_urges_the_leads_still_owing(
    api, make_task, police, border_guard, officer, secretariat, no_head_sign_off
):
    task = make_task(lead=[police, border_guard], coordinating=[], deadline=dt.date(2031, 6, 30))
    api(officer).post(f"/api/tasks/{task.pk}/acknowledge/")
    api(officer).post(f"/api/tasks/{task.pk}/report/", {"text": "Xong"})
    api(secretariat).post(f"/api/tasks/{task.pk}/assignments/KG-CA/accept/")
    assert api(officer).post(f"/api/tasks/{task.pk}/urge/").status_code == 403
    assert api(secretariat).post(f"/api/tasks/{task.pk}/urge/", {"text": "Khẩn"}).status_code == 200
    urged = TaskEvent.objects.filter(task=task, kind="urged").values_list("agency__code", flat=True)
    assert list(urged) == ["KG-BDBP"]  # the police have finished


def test_schema_is_served(api, secretariat):
    assert api(secretariat).get("/api/schema/").status_code == 200


def test_list_queries_are_bounded(
    api, make_task, police, border_guard, secretariat, django_assert_max_num_queries
):
    for _ in range(12):
        make_task(lead=[police, border_guard], coordinating=[])
    with django_assert_max_num_queries(6):
        rows = api(secretariat).get("/api/tasks/").json()["results"]
    assert len(rows) == 12 and all(len(row["leads"]) == 2 for row in rows)


@pytest.mark.parametrize("tasks", [3, 60])
def test_an_agencys_last_page_costs_the_same_however_many_tasks(
    api, make_task, police, border_guard, officer, tasks, django_assert_max_num_queries
):
    made = [make_task(lead=[police, border_guard], coordinating=[]).pk for _ in range(tasks)]
    with django_assert_max_num_queries(4):
        body = api(officer).get("/api/tasks/?page=last").json()
    rows = body["results"]
    assert [row["id"] for row in rows] == made[-50:]  # the newest, oldest of them first
    assert all([p["agency"] for p in row["leads"]] == ["KG-CA", "KG-BDBP"] for row in rows)
    assert all(row["my_part"]["agency"] == "KG-CA" for row in rows)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_extension_requests_give_one_request_and_clear_refusals(api, make_task, officer):
    with time_machine.travel(dt.datetime(2031, 1, 5, 9, tzinfo=VIETNAM), tick=False):
        task = make_task(deadline=dt.date(2031, 2, 28))
    barrier = threading.Barrier(8)
    answers = []

    def ask():
        try:
            client = api(officer)
            barrier.wait()
            answers.append(
                client.post(
                    f"/api/tasks/{task.pk}/request-extension/",
                    {"new_deadline": "2031-03-31", "reason": "Chờ giám định"},
                )
            )
        finally:
            connection.close()

    with time_machine.travel(dt.datetime(2031, 1, 6, 9, tzinfo=VIETNAM)):
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    codes = sorted(answer.status_code for answer in answers)
    assert codes[0] == 201 and codes.count(201) == 1, codes
    assert all(code in (400, 409) for code in codes[1:]), codes
    assert all(answer.json()["detail"] for answer in answers if answer.status_code != 201)
    assert task.extensions.count() == 1


@pytest.mark.vietnamese
def test_refusals_speak_vietnamese(api, make_task, secretariat):
    task = make_task()
    response = api(secretariat).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Đơn vị của bạn không tham gia nhiệm vụ này")


def test_a_made_up_page_link_is_refused_with_a_reason_not_a_missing_page(api, make_task, officer):
    make_task(deadline=dt.date(2020, 12, 31))
    response = api(officer).get("/api/tasks/", {"cursor": "pending"})
    assert response.status_code == 400
    assert "cursor" in response.json()

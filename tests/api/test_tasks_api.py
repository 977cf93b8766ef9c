"""The API answers through the same permission layer and actions as the pages."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


def test_agency_lists_its_tasks_with_timeliness(api, make_task, officer):
    task = make_task(deadline=dt.date(2020, 12, 31))
    response = api(officer).get("/api/tasks/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == task.pk
    assert row["lead"] == ["KG-CA"] and row["support"] == ["KG-BDBP"]
    assert row["timeliness"] == "open_overdue" and row["days_overdue"] > 0


def test_other_agencys_task_is_404(api, make_task, committee):
    task = make_task()
    stranger = UserFactory(
        role="agency_officer", committee=committee, agency=AgencyFactory(code="KG-YT")
    )
    assert api(stranger).get(f"/api/tasks/{task.pk}/").status_code == 404
    assert api(stranger).post(f"/api/tasks/{task.pk}/acknowledge/").status_code == 404


def test_actions_answer_400_403_and_409(api, make_task, officer, secretariat):
    task = make_task()
    assert api(secretariat).post(f"/api/tasks/{task.pk}/acknowledge/").status_code == 403
    assert api(officer).post(f"/api/tasks/{task.pk}/acknowledge/").json()["state"] == "in_progress"
    wrong = api(officer).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert wrong.status_code == 400 and "not possible now" in wrong.json()["detail"]
    assert api(officer).post(f"/api/tasks/{task.pk}/report/", {"text": ""}).status_code == 400


def test_conflict_is_409(api, make_task, officer, monkeypatch):
    from django_fsm import ConcurrentTransition

    task = make_task()

    def lose_the_race(*args, **kwargs):
        raise ConcurrentTransition("changed")

    monkeypatch.setattr("tasks.models.Task.save", lose_the_race)
    response = api(officer).post(f"/api/tasks/{task.pk}/acknowledge/")
    assert response.status_code == 409
    assert "Someone else acted on this first" in response.json()["detail"]


def test_extension_round_trip(api, make_task, officer, chair):
    task = make_task()
    response = api(officer).post(
        f"/api/tasks/{task.pk}/request-extension/",
        {"new_deadline": "2021-02-28", "reason": "Chờ giám định"},
    )
    assert response.status_code == 200
    extension = task.extensions.get()
    assert api(officer).post(f"/api/extensions/{extension.pk}/approve/").status_code == 403
    assert (
        api(chair)
        .post(f"/api/extensions/{extension.pk}/approve/", {"text": "Đồng ý"})
        .json()["state"]
        == "approved"
    )
    task.refresh_from_db()
    assert task.deadline == dt.date(2021, 2, 28)


def test_schema_is_served(api, secretariat):
    assert api(secretariat).get("/api/schema/").status_code == 200


def test_list_queries_are_bounded(api, make_task, secretariat, django_assert_max_num_queries):
    for _ in range(12):
        make_task()
    with django_assert_max_num_queries(6):
        assert len(api(secretariat).get("/api/tasks/").json()["results"]) == 12

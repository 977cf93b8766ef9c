"""No open redirect: the `next` a form posts (or a link carries) after review, urge, the head's
sign-off and the extension decision only ever leads to one of our own pages."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tasks import actions
from tasks.deadlines import VIETNAM
from tasks.models import Extension
from tests.factories import UserFactory
from workflows import services
from workflows.flows import ExtensionFlow
from workflows.views import step_url

from ..workflows.conftest import open_step

pytestmark = pytest.mark.django_db

NOVEMBER = dt.datetime(2020, 11, 2, 9, tzinfo=VIETNAM)
ELSEWHERE = [
    "https://evil.example/dang-nhap",
    "//evil.example/",
    "/\\evil.example",
    "http:evil.example",
    " https://evil.example",
]


def assert_stays_home(response, host="testserver"):
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location


@pytest.fixture
def part(make_task, police):
    with time_machine.travel(NOVEMBER, tick=False):
        task = make_task()
    return task.assignments.get(agency=police)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_review_urge_and_sign_off_stay_on_our_pages(
    client, part, officer, secretariat, committee, police, target
):
    head = UserFactory(role="agency_head", committee=committee, agency=police)
    with time_machine.travel(NOVEMBER, tick=False):
        part = actions.acknowledge(part, by=officer)
        actions.submit_report(part, by=officer, text="Dự thảo")  # to the head first
        client.force_login(head)
        response = client.post(
            reverse("work:part_sign_off", args=[part.pk]),
            {"decision": "send_on", "state": "awaiting_head", "next": target},
        )
        assert_stays_home(response)
        client.force_login(secretariat)
        response = client.post(
            reverse("work:part_review", args=[part.pk]),
            {"decision": "accept", "note": "", "state": "reported", "next": target},
        )
        assert_stays_home(response)
        part.refresh_from_db()
        assert part.state == "accepted"  # the action itself went through
        # a refused action goes back too, never elsewhere
        response = client.post(
            reverse("work:task_urge", args=[part.task_id]) + f"?next={target}", {"note": ""}
        )
        assert_stays_home(response)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_urging_stays_on_our_pages(client, part, secretariat, target):
    client.force_login(secretariat)
    with time_machine.travel(NOVEMBER, tick=False):
        response = client.post(reverse("work:task_urge", args=[part.task_id]), {"next": target})
    assert_stays_home(response)
    assert part.task.events.filter(kind="urged").count() == 1


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_extension_decision_stays_on_our_pages(client, part, officer, chair, target):
    with time_machine.travel(NOVEMBER, tick=False):
        part = actions.acknowledge(part, by=officer)
        services.request_extension(
            part, by=officer, new_deadline=dt.date(2021, 1, 31), reason="Chờ giám định"
        )
        extension = Extension.objects.get(assignment=part)
        decide = open_step(extension.process, ExtensionFlow.decide)
        client.force_login(chair)
        url = step_url(decide)
        response = client.post(
            url + f"?next={target}", {"decision": "approve", "note": "Đồng ý", "next": target}
        )
    assert_stays_home(response)
    extension.refresh_from_db()
    assert extension.state == "approved"

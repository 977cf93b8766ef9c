"""The inbox pages along an index (project/keyset.py): following "next" from the first page
shows every part once, earliest deadline first (the overdue on top, no deadline last); "last"
and "previous" walk back the same way; a hand-edited cursor shows the first page; no page
counts the whole list, and a deep page costs what the first costs."""

import re

import pytest
from django.urls import reverse

from project import keyset
from tasks.models import TaskAssignment
from tests.ui_helpers import make_bulk_tasks


@pytest.fixture
def parts(committee, police, border_guard, officer):
    make_bulk_tasks(committee, lead=police, coordinating=border_guard, officer=officer, rows=60)
    # A few parts with no deadline go last.
    undated = list(TaskAssignment.objects.filter(agency=police, role="lead")[:3])
    TaskAssignment.objects.filter(pk__in=[p.pk for p in undated]).update(deadline=None, due_at=None)
    return TaskAssignment.objects.filter(agency=police).exclude(state="cancelled")


def _ids(response):
    return [int(n) for n in re.findall(r'data-part="(\d+)"', response.content.decode())]


def _link(response, rel):
    match = re.search(rf'href="([^"]+)" rel="{rel}"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def test_next_pages_show_every_part_once_in_deadline_order(client, officer, parts):
    client.force_login(officer)
    inbox = reverse("work:inbox")
    seen, url = [], f"{inbox}?status=all"
    while url:
        response = client.get(url if url.startswith("/") else inbox + url)
        assert response.status_code == 200
        seen += _ids(response)
        url = _link(response, "next")
    expected = [p.pk for p in parts.order_by("due_at", "id")]  # nulls last on both backends
    dated = [p.pk for p in parts.filter(due_at__isnull=False).order_by("due_at", "id")]
    undated = [p.pk for p in parts.filter(due_at__isnull=True).order_by("id")]
    assert seen == dated + undated
    assert sorted(seen) == sorted(expected)
    assert len(seen) > keyset.PAGE_SIZE * 2  # three pages at least


def test_last_and_previous_walk_back(client, officer, parts):
    client.force_login(officer)
    inbox = reverse("work:inbox")
    last = client.get(f"{inbox}?status=all&page=last")
    everything = [p.pk for p in parts.filter(due_at__isnull=False).order_by("due_at", "id")] + [
        p.pk for p in parts.filter(due_at__isnull=True).order_by("id")
    ]
    tail = _ids(last)
    assert tail == everything[-len(tail) :] and len(tail) == keyset.PAGE_SIZE
    assert _link(last, "next") is None
    before = client.get(inbox + _link(last, "prev"))
    assert _ids(before) == everything[-2 * keyset.PAGE_SIZE : -keyset.PAGE_SIZE]
    assert _link(before, "next")  # back to the last page


def test_a_broken_cursor_shows_the_first_page(client, officer, parts):
    client.force_login(officer)
    inbox = reverse("work:inbox")
    first = _ids(client.get(f"{inbox}?status=all"))
    for cursor in ("nonsense", "W10", "bnVsbA", "eyJ4IjogMX0", "WyJ4IiwgMV0"):
        response = client.get(f"{inbox}?status=all&after={cursor}")
        assert response.status_code == 200
        assert _ids(response) == first


def test_a_deep_page_costs_what_the_first_costs(
    client, officer, parts, django_assert_max_num_queries
):
    client.force_login(officer)
    inbox = reverse("work:inbox")
    middle = parts.order_by("due_at", "id")[30]
    cursor = keyset.encode(middle.due_at, middle.pk)
    for url in (f"{inbox}?status=all", f"{inbox}?status=all&after={cursor}", f"{inbox}?page=last"):
        with django_assert_max_num_queries(8) as captured:
            assert client.get(url).status_code == 200
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
        assert not any("taskassignment" in sql for sql in counts), url  # the bell's count only


def test_the_api_pages_by_cursor_with_a_last_page(officer, parts):
    from rest_framework.test import APIClient

    from tasks.models import Task

    api = APIClient()
    api.force_authenticate(officer)
    mine = list(Task.objects.visible_to(officer).order_by("id").values_list("pk", flat=True))
    seen, url = [], "/api/tasks/"
    while url:
        body = api.get(url).json()
        assert "count" not in body  # nothing counts the whole list
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == mine
    last = api.get("/api/tasks/?page=last").json()
    assert [row["id"] for row in last["results"]] == mine[-len(last["results"]) :]
    assert last["next"] is None and last["previous"]

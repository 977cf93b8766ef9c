"""The dashboard: its figures are exactly what `with_timeliness` says of each task and each lead's
part, and it asks the database the same few questions however many committees, agencies,
directives and tasks there are."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.deadlines import VIETNAM
from tasks.models import LeadTally, Task, TaskAssignment
from tasks.querysets import FIGURE_FILTERS, TimelinessFigures
from tests.factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory
from tests.ui_helpers import make_bulk_tasks

NOW = dt.datetime(2021, 1, 20, 9, 0, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def _frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield


def _committee_with_tasks(rows: int, *, second_lead: bool = False):
    committee = CommitteeFactory()
    lead, coordinating, other_lead = AgencyFactory(), AgencyFactory(), AgencyFactory()
    for agency in (lead, coordinating, other_lead):
        MembershipFactory(committee=committee, agency=agency)
    officer = UserFactory(role="agency_officer", committee=committee, agency=lead)
    make_bulk_tasks(
        committee,
        lead=lead,
        coordinating=coordinating,
        officer=officer,
        rows=rows,
        directives=3,
        second_lead=other_lead if second_lead else None,
    )
    return committee


def _dashboard_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboard:index")).status_code == 200
    return len(captured.captured_queries)


def test_the_dashboard_asks_as_many_questions_for_ten_committees_as_for_two(client):
    admin = UserFactory(role="admin", committee=None)
    first = _committee_with_tasks(6)
    _committee_with_tasks(6, second_lead=True)
    chair = UserFactory(role="chair", committee=first)
    few = _dashboard_queries(client, admin), _dashboard_queries(client, chair)
    for n in range(8):
        _committee_with_tasks(20, second_lead=n % 2 == 0)
    _committee_with_tasks(40, second_lead=True)  # more tasks, directives and agencies in `first`
    many = _dashboard_queries(client, admin), _dashboard_queries(client, chair)
    assert few == many
    assert max(many) <= 14, many


def _expected(queryset, **group) -> dict[str, int]:
    """Each figure counted row by row over `with_timeliness` (the one definition)."""
    rows = queryset.filter(**group)
    return {name: rows.filter(condition).count() for name, condition in FIGURE_FILTERS.items()}


def _shown(figures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in FIGURE_FILTERS}


@pytest.mark.parametrize("role", ["chair", "admin"])
def test_the_dashboard_figures_are_what_with_timeliness_says(client, role):
    committee = _committee_with_tasks(30, second_lead=True)
    _committee_with_tasks(12)  # another committee's tasks count for the administrator only
    user = UserFactory(role=role, committee=committee if role == "chair" else None)
    tasks = Task.objects.all()
    if role == "chair":
        tasks = tasks.filter(directive__committee=committee)
    parts = TaskAssignment.objects.filter(task__in=tasks, role="lead")

    client.force_login(user)
    response = client.get(reverse("dashboard:index"))
    page = response.context

    timed_tasks = tasks.with_timeliness(NOW)
    total = _expected(timed_tasks)
    assert _shown(page["total"]) == total
    cards = {card["key"]: card["value"] for card in page["figure_cards"]}
    assert cards == {key: total[key] for key in cards}
    assert set(cards) == {"done_on_time", "done_late", "open_on_time", "open_overdue"}
    timed_parts = parts.with_timeliness(NOW)
    ranking = {row["agency"].pk: _shown(row["figures"]) for row in page["ranking"]}
    assert ranking == {
        agency: _expected(timed_parts, agency=agency)
        for agency in parts.values_list("agency", flat=True).distinct()
    }
    for row in page["ranking"]:  # each agency's results, as a PDF, named for it
        assert f'aria-label="Results of {row["agency"]} (PDF)"' in response.content.decode()
    for row in page["directive_rows"]:
        assert _shown(row["figures"]) == _expected(timed_tasks, directive=row["directive"])
    # The administrator sees every committee's figures where a committee's staff see its
    # directives'.
    if role == "admin":
        assert not page["directive_rows"]
        shown = {row["committee"]: _shown(row["figures"]) for row in page["committee_rows"]}
        assert len(shown) == 2
        assert shown == {each: _expected(timed_tasks, directive__committee=each) for each in shown}
        assert "By steering committee" in response.content.decode()
    else:
        assert page["directive_rows"]
        assert page["committee_rows"] == []
        assert "By steering committee" not in response.content.decode()
    # The most overdue parts first, each as overdue as with_timeliness counts it.
    overdue = [(part.pk, part.days_overdue) for part in page["overdue"]]
    assert overdue
    expected = (
        parts.owing()
        .with_timeliness(NOW)
        .filter(FIGURE_FILTERS["open_overdue"])
        .order_by("-days_overdue", "id")
        .values_list("pk", "days_overdue")
    )
    assert [days for _pk, days in overdue] == [days for _pk, days in expected[: len(overdue)]]
    # Every overdue part, not only the first ten, is one with_timeliness calls overdue.
    assert set(parts.overdue(NOW).values_list("pk", "days_overdue")) == set(expected)


@pytest.mark.parametrize("role", ["secretariat", "chair"])
def test_a_committee_role_without_its_committee_sees_no_committees_figures(client, role):
    """Such accounts exist (the user table allows them); LeadTally's summary over committee
    None means every committee, which only the administrator may see."""
    committee = _committee_with_tasks(6)
    names = list(committee.agencies.values_list("name", flat=True))
    client.force_login(UserFactory(role=role, committee=None))
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert response.context["ranking"] == []
    page = response.content.decode()
    assert not any(name in page for name in names)
    assert response.context["directive_rows"] == []
    assert response.context["total"].total == 0


def test_the_ranking_goes_a_page_at_a_time(client, monkeypatch):
    """The administrator ranks every agency of every committee: a page at a time, numbered on
    from the page before; a page that does not exist shows the last, and a bad one the first."""
    monkeypatch.setattr("tasks.views.RANKING_PAGE_SIZE", 2)
    for _ in range(2):
        _committee_with_tasks(6, second_lead=True)
    client.force_login(UserFactory(role="admin", committee=None))
    url = reverse("dashboard:index")
    first = client.get(url)
    ranked = [row["agency"] for row in first.context["ranking"]]
    assert len(ranked) == 2
    # The next page opens at the ranking, not at the top of the dashboard.
    assert 'href="?page=2#ranking" rel="next"' in first.content.decode()
    assert 'id="ranking"' in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [row["agency"] for row in second.context["ranking"]] != ranked
    assert "<tr><td>3</td>" in second.content.decode()
    assert 'href="?page=1#ranking" rel="prev"' in second.content.decode()
    every = sum(
        (client.get(url, {"page": n}).context["ranking"] for n in (1, 2)), []
    )  # two committees, two leads each: every lead agency once over the two pages
    assert len({row["agency"].pk for row in every}) == 4
    assert client.get(url, {"page": "x"}).context["ranking"] == first.context["ranking"]
    assert client.get(url, {"page": 99}).context["page_obj"].number == 2


def test_the_ranking_puts_the_best_on_time_rate_first_and_breaks_ties_by_name(client, monkeypatch):
    """Best rate first; on a tie, fewer overdue first, then by name as shown; an agency with
    nothing done or overdue yet last; one with no part at all not listed."""
    committee = CommitteeFactory()
    named = {}
    for name in ("Sở Tư pháp", "Công an tỉnh", "Cục Hải quan", "Bộ đội Biên phòng", "Sở Y tế"):
        named[name] = AgencyFactory(name=name, short_name="")
        MembershipFactory(committee=committee, agency=named[name])
    figures = {
        "Sở Tư pháp": TimelinessFigures(done_on_time=1, done_late=1),  # 50 %
        "Công an tỉnh": TimelinessFigures(done_on_time=3, done_late=1),  # 75 %
        "Cục Hải quan": TimelinessFigures(done_on_time=1, open_overdue=1),  # 50 %, 1 overdue
        "Bộ đội Biên phòng": TimelinessFigures(done_on_time=2, done_late=2),  # 50 %
        "Sở Y tế": TimelinessFigures(open_on_time=4),  # nothing to rate yet
    }
    by_agency = {named[name].pk: f for name, f in figures.items()}
    by_agency[AgencyFactory(name="Chưa có phần việc").pk] = TimelinessFigures()
    monkeypatch.setattr(LeadTally.objects, "summary_for", lambda user: by_agency)
    client.force_login(UserFactory(role="chair", committee=committee))
    ranking = client.get(reverse("dashboard:index")).context["ranking"]
    assert [str(row["agency"]) for row in ranking] == [
        "Công an tỉnh",
        "Bộ đội Biên phòng",
        "Sở Tư pháp",
        "Cục Hải quan",
        "Sở Y tế",
    ]

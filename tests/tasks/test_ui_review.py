"""Links and frames a user follows between pages: dashboard figures to the filtered list,
the menu on pages served outside the viewflow site, our own 403 page, empty co-ordinators."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tasks import actions

NOW = dt.datetime(2021, 1, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_dashboard_figures_open_the_task_list_filtered_to_that_figure(
    client, make_task, chair, officer, secretariat, police, committee
):
    committee.reports_need_head_approval = False
    committee.save()
    done = make_task(title="Đã xong đúng hạn", deadline=dt.date(2021, 2, 1))
    part = actions.acknowledge(done.assignments.get(agency=police), by=officer)
    part = actions.submit_report(part, by=officer, text="Xong").assignment
    actions.accept_report(part, by=secretariat)
    make_task(title="Đang quá hạn", deadline=dt.date(2020, 12, 31))
    make_task(title="Còn trong hạn", deadline=dt.date(2021, 6, 30))
    client.force_login(chair)
    page = client.get(reverse("dashboard:index")).content.decode()
    link = f'href="{reverse("work:inbox")}?status=open_overdue"'
    assert link in page

    listed = client.get(reverse("work:inbox"), {"status": "open_overdue"}).content.decode()
    assert "Đang quá hạn" in listed and "Còn trong hạn" not in listed
    assert "data-active-filters" in listed  # the page says it is a narrower list
    done_list = client.get(reverse("work:inbox"), {"status": "done_on_time"}).content.decode()
    assert "Đã xong đúng hạn" in done_list and "Đang quá hạn" not in done_list


def test_ranking_opens_that_agencys_own_parts(client, make_task, chair, police):
    make_task(title="Đang quá hạn", deadline=dt.date(2020, 12, 31))
    client.force_login(chair)
    page = client.get(reverse("dashboard:index")).content.decode()
    link = f"{reverse('work:inbox')}?agency={police.pk}&amp;status=open_overdue"
    assert link in page
    listed = client.get(reverse("work:inbox"), {"agency": police.pk, "status": "open_overdue"})
    assert [row.agency for row in listed.context["rows"]] == [police]
    assert "Công an tỉnh" in listed.content.decode()  # the banner names the agency


def test_plain_task_list_has_no_filter_banner(client, make_task, officer):
    make_task()
    client.force_login(officer)
    assert "data-active-filters" not in client.get(reverse("work:inbox")).content.decode()


def test_task_without_coordinating_agency_shows_a_dash(client, make_task, officer):
    task = make_task(coordinating=[])
    client.force_login(officer)
    response = client.get(reverse("work:task", args=[task.pk]))
    with translation.override(response["Content-Language"]):
        label = translation.gettext("Co-ordinating")
    assert f"<dt>{label}</dt><dd>–</dd>" in response.content.decode()


def test_notifications_page_keeps_the_site_menu(client, officer):
    client.force_login(officer)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "vf-page__menu" in page
    assert f'href="{reverse("work:inbox")}"' in page
    assert f'href="{reverse("reporting:list")}"' in page


def test_forbidden_page_keeps_the_menu_and_a_way_back(client, officer):
    client.force_login(officer)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "vf-page__menu" in page and 'href="/"' in page

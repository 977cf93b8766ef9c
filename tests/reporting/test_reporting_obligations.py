"""The standing office defines periodic-reporting obligations in the product (issue 5)."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from project.errors import ActionForbidden
from reporting import services as reporting
from reporting.models import ReportingObligation, ReportingPeriod, ReportSubmission
from tests.factories import (
    AgencyFactory,
    CommitteeFactory,
    MembershipFactory,
    ReportingObligationFactory,
    UserFactory,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# A Friday in the middle of a monthly period (15/05 to 14/06 with the default cut-off).
MID_PERIOD = dt.datetime(2026, 5, 22, 9, 0, tzinfo=VN)
CREATE_URL = reverse("reporting:obligation_create")
LIST_URL = reverse("reporting:obligations")


def form_data(**overrides):
    data = {
        "name": "Báo cáo tháng về công tác chống buôn lậu",
        "frequency": "month",
        "cutoff_day": "15",
        "due_rule": "working_days",
        "due_working_days": "3",
        "due_fixed_day": "",
        "form": "figures_389",
        "starts_on": "22/05/2026",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def tick():
    call_command("tick", stdout=StringIO())


@pytest.fixture
def clock():
    with time_machine.travel(MID_PERIOD, tick=False) as traveller:
        yield traveller


# ---- the form


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"due_rule": "fixed_day", "due_fixed_day": "31"},
            "due_fixed_day",
            "The fixed day of the month must be between 1 and 28.",
        ),
        (
            {"due_rule": "fixed_day", "due_fixed_day": ""},
            "due_fixed_day",
            "The fixed day of the month must be between 1 and 28.",
        ),
        (
            {"due_working_days": "61"},
            "due_working_days",
            "The number of working days must be between 1 and 60.",
        ),
        ({"due_working_days": "0"}, "due_working_days", "between 1 and 60"),
        ({"cutoff_day": "29"}, "cutoff_day", "The data cut-off day must be between 1 and 28."),
        ({"name": "   "}, "name", ""),
        ({"starts_on": "31/02/2026"}, "starts_on", "Please enter a date (dd/mm/yyyy)."),
        ({"starts_on": "01/01/2026"}, "starts_on", "The first period cannot end before today."),
    ],
)
def test_form_errors_are_shown_next_to_the_field(
    client, clock, secretariat, overrides, field, message
):
    client.force_login(secretariat)
    response = client.post(CREATE_URL, form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    # Rendered inside the field's own block, right after its input.
    html = response.content.decode()
    block = html[html.index(f'id="id_{field}"') :]
    block = block[: block.index('id="field-')] if 'id="field-' in block else block  # next field
    assert "dd-field__error" in block
    assert not ReportingObligation.objects.exists()


def test_members_outside_the_committee_are_refused(secretariat, committee, police):
    stranger = AgencyFactory(code="AG-CA", name="Công an tỉnh An Giang", kind="police")
    MembershipFactory(committee=CommitteeFactory(code="bcd389-ag"), agency=stranger)
    with pytest.raises(reporting.ObligationInvalid) as caught:
        reporting.define_obligation(
            committee, by=secretariat, name="Báo cáo quý", frequency="quarter", members=[stranger]
        )
    assert "members" in caught.value.errors
    assert not ReportingObligation.objects.exists()


def test_the_form_offers_only_the_committees_member_agencies(
    client, secretariat, police, border_guard
):
    AgencyFactory(code="AG-CA", name="Công an tỉnh An Giang", kind="police")
    client.force_login(secretariat)
    response = client.get(CREATE_URL)
    choices = {agency.code for agency in response.context["form"].fields["members"].queryset}
    assert choices == {police.code, border_guard.code}


# ---- who may define


def test_only_the_standing_office_may_define(committee, secretariat, chair, officer, police, clock):
    other_office = UserFactory(
        username="vanphong.ag", role="secretariat", committee=CommitteeFactory(code="bcd389-ag")
    )
    admin = UserFactory(username="quantri", role="admin", committee=None)
    for user in (chair, officer, other_office):
        with pytest.raises(ActionForbidden):
            reporting.define_obligation(committee, by=user, name="Báo cáo", frequency="month")
    assert not ReportingObligation.objects.exists()
    reporting.define_obligation(committee, by=secretariat, name="Báo cáo tháng", frequency="month")
    reporting.define_obligation(committee, by=admin, name="Báo cáo năm", frequency="year")
    assert ReportingObligation.objects.filter(committee=committee).count() == 2


def test_the_chair_sees_the_obligations_but_cannot_change_them(client, committee, chair):
    obligation = ReportingObligationFactory(committee=committee)
    client.force_login(chair)
    page = client.get(LIST_URL)
    assert page.status_code == 200
    assert obligation.name in page.content.decode()
    assert reverse("reporting:obligation_edit", args=[obligation.pk]) not in page.content.decode()
    assert client.post(CREATE_URL, form_data()).status_code == 403
    edit = reverse("reporting:obligation_edit", args=[obligation.pk])
    assert client.post(edit, form_data(name="Đổi tên")).status_code == 403
    obligation.refresh_from_db()
    assert obligation.name != "Đổi tên"
    assert ReportingObligation.objects.count() == 1


def test_an_agency_cannot_reach_the_obligations(client, committee, officer):
    obligation = ReportingObligationFactory(committee=committee)
    client.force_login(officer)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(reverse("reporting:obligation_edit", args=[obligation.pk])).status_code == 404
    assert "obligations" not in client.get(reverse("reporting:list")).content.decode()


def test_the_reporting_list_links_to_the_obligations(client, secretariat):
    client.force_login(secretariat)
    assert LIST_URL in client.get(reverse("reporting:list")).content.decode()


# ---- the tick opens what was defined


def test_an_obligation_defined_mid_period_gets_its_current_period_from_the_tick(
    client, clock, committee, secretariat, police, border_guard
):
    client.force_login(secretariat)
    response = client.post(CREATE_URL, form_data(members=[police.pk]))
    assert response.status_code == 302
    obligation = ReportingObligation.objects.get()
    assert list(obligation.members.all()) == [police]
    assert not obligation.periods.exists()  # nothing until the tick runs

    tick()
    period = obligation.periods.get()  # the period running today, not the ones before
    assert (period.starts_on, period.ends_on) == (dt.date(2026, 5, 15), dt.date(2026, 6, 14))
    assert period.label == "Month 06/2026"
    assert period.due_on == dt.date(2026, 6, 17)  # 3 working days after Sunday 14/06
    submission = ReportSubmission.objects.get(period=period)
    assert submission.agency == police and submission.state == "due"

    tick()  # again: nothing twice
    assert ReportingPeriod.objects.count() == 1 and ReportSubmission.objects.count() == 1

    clock.move_to(dt.datetime(2026, 6, 16, 9, 0, tzinfo=VN))
    tick()  # the next period opens when it starts
    assert obligation.periods.count() == 2


def test_a_fixed_day_deadline_and_every_member_when_none_is_ticked(
    client, clock, secretariat, police, border_guard
):
    client.force_login(secretariat)
    data = form_data(frequency="quarter", due_rule="fixed_day", due_fixed_day="20")
    assert client.post(CREATE_URL, data).status_code == 302
    tick()
    period = ReportingPeriod.objects.get()
    assert (period.starts_on, period.ends_on) == (dt.date(2026, 3, 15), dt.date(2026, 6, 14))
    assert period.due_on == dt.date(2026, 6, 20)
    agencies = set(ReportSubmission.objects.values_list("agency__code", flat=True))
    assert agencies == {police.code, border_guard.code}


# ---- editing, deactivating


def test_editing_changes_future_periods_only(client, clock, committee, secretariat, police):
    obligation = reporting.define_obligation(
        committee, by=secretariat, name="Báo cáo tháng", frequency="month"
    )
    tick()
    opened = obligation.periods.get()
    client.force_login(secretariat)
    edit = reverse("reporting:obligation_edit", args=[obligation.pk])
    data = form_data(due_working_days="5", starts_on=obligation.starts_on.strftime("%d/%m/%Y"))
    response = client.post(edit, data | {"active": "on"})
    assert response.status_code == 302, response.context["form"].errors
    obligation.refresh_from_db()
    assert obligation.due_working_days == 5
    assert ReportingPeriod.objects.get(pk=opened.pk).due_on == opened.due_on


def test_an_edit_error_keeps_the_saved_obligation(client, committee, secretariat):
    obligation = ReportingObligationFactory(committee=committee)
    client.force_login(secretariat)
    edit = reverse("reporting:obligation_edit", args=[obligation.pk])
    response = client.post(edit, form_data(due_working_days="99", starts_on="01/01/2020"))
    assert response.status_code == 200
    assert "due_working_days" in response.context["form"].errors
    obligation.refresh_from_db()
    assert obligation.due_working_days == 3


def test_an_obligation_with_submissions_is_deactivated_not_deleted(
    client, clock, committee, secretariat, police
):
    owed = reporting.define_obligation(committee, by=secretariat, name="Tháng", frequency="month")
    tick()
    unused = reporting.define_obligation(committee, by=secretariat, name="Năm", frequency="year")
    client.force_login(secretariat)
    client.post(reverse("reporting:obligation_remove", args=[owed.pk]))
    client.post(reverse("reporting:obligation_remove", args=[unused.pk]))
    owed.refresh_from_db()
    assert owed.active is False
    assert ReportSubmission.objects.filter(period__obligation=owed).exists()
    assert not ReportingObligation.objects.filter(pk=unused.pk).exists()

    clock.move_to(dt.datetime(2026, 6, 16, 9, 0, tzinfo=VN))
    tick()  # an inactive obligation opens no new period
    assert owed.periods.count() == 1


# ---- the list page


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_page_query_count_is_bounded(
    client, django_assert_max_num_queries, committee, secretariat, police, border_guard, count
):
    for i in range(count):
        obligation = ReportingObligationFactory(committee=committee, name=f"Báo cáo {i:03d}")
        obligation.members.set([police, border_guard])
    client.force_login(secretariat)
    with django_assert_max_num_queries(7):  # measured: 6 at 10 and at 200
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.content.decode().count("Báo cáo ") >= count


def test_an_administrator_chooses_the_committee_first(client, clock, committee, police):
    client.force_login(UserFactory(username="quantri", role="admin", committee=None))
    assert client.get(CREATE_URL).status_code == 302  # back to the list, which offers each one
    assert f"?committee={committee.pk}" in client.get(LIST_URL).content.decode()
    response = client.post(CREATE_URL, form_data(committee=str(committee.pk)))
    assert response.status_code == 302
    assert ReportingObligation.objects.get().committee == committee


def test_a_standing_office_user_without_a_committee_is_refused_not_an_error(client, db):
    """Nothing in the user table ties a secretariat account to a committee: one without it
    has no obligations to define (the list refuses it too), not a server error."""
    client.force_login(UserFactory(username="vanphong", role="secretariat", committee=None))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, form_data()).status_code == 403
    assert ReportingObligation.objects.count() == 0

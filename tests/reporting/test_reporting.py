"""Periodic reporting: periods and deadlines, submissions, timeliness, and consolidation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from chasing.models import Notification
from project.errors import ActionError, ActionForbidden
from reporting import services as reporting
from reporting.models import ReportingPeriod, ReportSubmission
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    ReportingObligationFactory,
    UserFactory,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BILLION = 1_000_000_000


def at(day, hour=8, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


def open_periods(day, hour=8):
    with time_machine.travel(at(day, hour), tick=False):
        return reporting.create_due_submissions()


def figures(cases=0, admin=0, goods=0, budget=0, criminal=0, defendants=0):
    return {
        "cases_detected": cases,
        "admin_cases": admin,
        "goods_value": goods,
        "budget_collected": budget,
        "criminal_cases": criminal,
        "defendants": defendants,
    }


@pytest.fixture
def department(committee):
    agency = AgencyFactory(
        code="KG-SCT",
        name="Sở Công Thương tỉnh Kiên Giang",
        short_name="Sở Công Thương",
        kind="department",
    )
    MembershipFactory(committee=committee, agency=agency)
    return agency


@pytest.fixture
def department_officer(committee, department):
    return UserFactory(
        username="canbo.sct", role="agency_officer", committee=committee, agency=department
    )


@pytest.fixture
def monthly(committee, police, border_guard):
    return ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 1, 1))


def submission_of(agency, **period):
    return ReportSubmission.objects.select_related("period").get(
        agency=agency, **{f"period__{key}": value for key, value in period.items()}
    )


# ---- periods


@pytest.mark.parametrize(
    "frequency, index, start, end",
    [
        ("month", 1, dt.date(2023, 12, 15), dt.date(2024, 1, 14)),
        ("month", 3, dt.date(2024, 2, 15), dt.date(2024, 3, 14)),
        ("quarter", 1, dt.date(2023, 12, 15), dt.date(2024, 3, 14)),
        ("quarter", 3, dt.date(2024, 6, 15), dt.date(2024, 9, 14)),
        ("half", 1, dt.date(2023, 12, 15), dt.date(2024, 6, 14)),
        ("half", 2, dt.date(2024, 6, 15), dt.date(2024, 12, 14)),
        ("nine_months", 1, dt.date(2023, 12, 15), dt.date(2024, 9, 14)),
        ("year", 1, dt.date(2023, 12, 15), dt.date(2024, 12, 14)),
    ],
)
def test_periods_follow_the_decree_09_cut_off(frequency, index, start, end):
    assert reporting.period_bounds(frequency, 2024, index) == (start, end)


def test_cut_off_day_1_gives_calendar_periods():
    assert reporting.period_bounds("quarter", 2024, 1, cutoff_day=1) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
    )
    assert reporting.period_bounds("month", 2024, 2, cutoff_day=1) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )


def test_due_dates_count_working_days_past_tet_or_take_a_fixed_day(committee):
    obligation = ReportingObligationFactory.build(committee=committee)
    # cut-off Wednesday 14/02/2024, in Tết: three working days are 15, 16 and 19/02
    assert reporting.due_date(obligation, dt.date(2024, 2, 14)) == dt.date(2024, 2, 19)
    obligation.due_rule, obligation.due_fixed_day = "fixed_day", 20
    assert reporting.due_date(obligation, dt.date(2024, 2, 14)) == dt.date(2024, 2, 20)
    obligation.due_fixed_day = 10  # before the cut-off day: the next month's
    assert reporting.due_date(obligation, dt.date(2024, 12, 14)) == dt.date(2025, 1, 10)


def test_obligations_are_created_for_the_periods_that_have_started(committee, police, border_guard):
    quarterly = ReportingObligationFactory(
        committee=committee, frequency="quarter", starts_on=dt.date(2024, 1, 1)
    )
    assert open_periods(dt.date(2024, 3, 20)) == 4  # Q1 and Q2, two members each
    periods = list(quarterly.periods.order_by("index").values_list("year", "index", "ends_on"))
    assert periods == [(2024, 1, dt.date(2024, 3, 14)), (2024, 2, dt.date(2024, 6, 14))]
    assert open_periods(dt.date(2024, 3, 20), hour=9) == 0  # again: nothing new
    assert ReportSubmission.objects.filter(state="due").count() == 4
    # three days later, nothing has started
    assert open_periods(dt.date(2024, 3, 23)) == 0
    # the machine was off for the whole of June: Q3 is created on the first tick back
    assert open_periods(dt.date(2024, 7, 1)) == 2
    # cut-off Saturday 14/09; three working days: 16, 17 and 18/09
    assert quarterly.periods.get(index=3).due_on == dt.date(2024, 9, 18)


def test_listed_members_only_owe_the_report(committee, police, border_guard):
    obligation = ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 3, 1))
    obligation.members.add(police)
    open_periods(dt.date(2024, 3, 1))
    assert set(ReportSubmission.objects.values_list("agency__code", flat=True)) == {"KG-CA"}


# ---- submitting and reviewing


def test_a_report_is_submitted_returned_resubmitted_and_accepted(
    monthly, police, officer, secretariat, django_capture_on_commit_callbacks
):
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    with time_machine.travel(at(dt.date(2024, 3, 15)), tick=False):
        reporting.submit_periodic_report(
            submission, by=officer, narrative="Tháng 3", figures=figures(cases=12, admin=10)
        )
        with pytest.raises(ActionError, match="reason"):
            reporting.return_periodic_report(submission, by=secretariat, reason=" ")
        with django_capture_on_commit_callbacks(execute=True):
            reporting.return_periodic_report(
                submission, by=secretariat, reason="Thiếu số liệu thu nộp ngân sách"
            )
    notice = Notification.objects.get(recipient=officer, kind="report_returned")
    assert "Thiếu số liệu thu nộp ngân sách" in notice.body
    with time_machine.travel(at(dt.date(2024, 3, 18)), tick=False):
        reporting.submit_periodic_report(
            submission,
            by=officer,
            narrative="Bổ sung",
            figures=figures(cases=12, admin=10, budget=1_200_000_000),
        )
        reporting.accept_periodic_report(submission, by=secretariat)
    submission.refresh_from_db()
    assert submission.state == "accepted"
    assert submission.budget_collected == 1_200_000_000
    assert list(submission.events.values_list("from_state", "to_state")) == [
        ("due", "submitted"),
        ("submitted", "returned"),
        ("returned", "resubmitted"),
        ("resubmitted", "accepted"),
    ]
    with pytest.raises(ActionError, match="not possible now"):
        reporting.accept_periodic_report(submission, by=secretariat)


def test_whoever_returns_a_report_is_not_told_of_it(
    committee, monthly, police, officer, django_capture_on_commit_callbacks
):
    # An administrator who is also the agency's head returns the agency's own report.
    head = UserFactory(
        username="lanhdao.ca",
        role="agency_head",
        committee=committee,
        agency=police,
        is_superuser=True,
    )
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    reporting.submit_periodic_report(submission, by=officer, figures=figures())
    with django_capture_on_commit_callbacks(execute=True):
        reporting.return_periodic_report(submission, by=head, reason="Thiếu số liệu")
    assert Notification.objects.filter(recipient=officer, kind="report_returned").count() == 1
    assert not Notification.objects.filter(recipient=head).exists()


def test_a_return_is_told_once_it_commits_and_never_if_it_rolls_back(
    monthly, police, officer, secretariat, django_capture_on_commit_callbacks
):
    officer.email = "canbo.ca@kiengiang.gov.vn"
    officer.save()
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    reporting.submit_periodic_report(submission, by=officer, figures=figures())
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            reporting.return_periodic_report(submission, by=secretariat, reason="Thiếu số liệu")
            raise RuntimeError("a later step of the same request failed")
    submission.refresh_from_db()
    assert submission.state == "submitted"
    assert not Notification.objects.filter(kind="report_returned").exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks() as after_commit:
        reporting.return_periodic_report(submission, by=secretariat, reason="Thiếu số liệu")
        # nothing claimed while the return's transaction is still open
        assert not Notification.objects.filter(kind="report_returned").exists()
    with django_capture_on_commit_callbacks(execute=True):  # and the e-mail after its own
        for callback in after_commit:
            callback()
    [notice] = Notification.objects.filter(recipient=officer, kind="report_returned")
    assert "Thiếu số liệu" in notice.body
    assert [m.to for m in mail.outbox] == [["canbo.ca@kiengiang.gov.vn"]]


def test_only_the_agency_submits_and_only_the_standing_office_reviews(
    monthly, police, officer, support_officer, secretariat, chair
):
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    with pytest.raises(ActionForbidden):
        reporting.submit_periodic_report(submission, by=support_officer, figures=figures())
    reporting.submit_periodic_report(submission, by=officer, figures=figures())
    with pytest.raises(ActionForbidden):
        reporting.accept_periodic_report(submission, by=chair)
    with pytest.raises(ActionForbidden):
        reporting.accept_periodic_report(submission, by=officer)


@pytest.mark.parametrize(
    "bad, field, message",
    [
        ({"cases_detected": -1}, "cases_detected", "negative"),
        ({"goods_value": None}, "goods_value", "whole number"),
        ({"admin_cases": "12"}, "admin_cases", "whole number"),
    ],
)
def test_figures_must_be_non_negative_whole_numbers(monthly, police, officer, bad, field, message):
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    with pytest.raises(reporting.FiguresInvalid) as excinfo:
        reporting.submit_periodic_report(submission, by=officer, figures=figures() | bad)
    assert message in excinfo.value.errors[field][0]
    submission.refresh_from_db()
    assert submission.state == "due"


def test_totals_must_add_up_to_the_forces_figures(committee, department, department_officer):
    ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 3, 1))
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(department, index=3)
    lines = [
        {"force": "market_surveillance", **figures(cases=7, goods=2 * BILLION)},
        {"force": "customs", **figures(cases=4, goods=BILLION)},
    ]
    with pytest.raises(reporting.FiguresInvalid) as excinfo:
        reporting.submit_periodic_report(
            submission,
            by=department_officer,
            figures=figures(cases=10, goods=3 * BILLION),
            lines=lines,
        )
    assert excinfo.value.errors == {
        "cases_detected": ["The total (10) is not the sum of the forces' figures (11)."]
    }
    assert not submission.force_lines.exists()
    reporting.submit_periodic_report(
        submission,
        by=department_officer,
        figures=figures(cases=11, goods=3 * BILLION),
        lines=lines,
    )
    assert submission.force_lines.count() == 2


# ---- timeliness


def test_a_late_submission_is_counted_late_and_a_missing_one_missing(
    committee, police, border_guard, officer, support_officer, department
):
    ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 2, 1))
    open_periods(dt.date(2024, 2, 1))
    period = ReportingPeriod.objects.get(index=2)
    assert period.due_on == dt.date(2024, 2, 19)  # cut-off 14/02 + 3 working days after Tết

    def timeliness(now):
        rows = period.submissions.with_timeliness(now).values_list("agency__code", "timeliness")
        return dict(rows)

    assert timeliness(at(dt.date(2024, 2, 19), 12)) == {
        "KG-CA": "not_yet_due",
        "KG-BDBP": "not_yet_due",
        "KG-SCT": "not_yet_due",
    }
    with time_machine.travel(at(dt.date(2024, 2, 19), 23, 30), tick=False):
        reporting.submit_periodic_report(
            submission_of(police, index=2), by=officer, figures=figures()
        )
    with time_machine.travel(at(dt.date(2024, 2, 20), 0, 5), tick=False):
        reporting.submit_periodic_report(
            submission_of(border_guard, index=2), by=support_officer, figures=figures()
        )
    assert timeliness(at(dt.date(2024, 2, 21))) == {
        "KG-CA": "on_time",
        "KG-BDBP": "late",
        "KG-SCT": "missing",
    }


def test_overdue_reports_are_chased_like_tasks(committee, police, officer, chair, secretariat):
    from chasing.reminders import send_escalations, send_reminders

    obligation = ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 2, 1))
    obligation.members.add(police)
    open_periods(dt.date(2024, 2, 1))
    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        assert send_reminders() == 1  # 1 working day left; no head: the officer
    with time_machine.travel(at(dt.date(2024, 2, 26)), tick=False):
        assert send_reminders() == 1  # overdue notice
        assert send_escalations() == 2  # 5 working days overdue: chair and standing office
    groups = [
        (n.kind, [s["group"] for s in n.sections])
        for n in Notification.objects.order_by("created_at", "kind")
    ]
    assert groups == [
        ("reminder", ["due_soon"]),
        ("escalation", ["long_overdue"]),
        ("escalation", ["long_overdue"]),
        ("reminder", ["overdue"]),
    ]


# ---- consolidation: seed 003's section I, 9 months of 2020 against 2019


@pytest.fixture
def nine_months(
    committee,
    police,
    border_guard,
    department,
    officer,
    support_officer,
    department_officer,
    secretariat,
):
    obligation = ReportingObligationFactory(
        committee=committee,
        name="Báo cáo sơ kết 9 tháng",
        frequency="nine_months",
        starts_on=dt.date(2019, 1, 1),
    )
    open_periods(dt.date(2020, 9, 15))  # creates 2019's and 2020's periods

    def submit(agency, by, year, day, accept=True, **numbers):
        submission = submission_of(agency, year=year)
        with time_machine.travel(at(day), tick=False):
            reporting.submit_periodic_report(submission, by=by, figures=figures(**numbers))
            if accept:
                reporting.accept_periodic_report(submission, by=secretariat)

    # 2019: 1,069 cases, 1,182 administrative, 14.730 bn goods, 55.074 bn budget, 22 prosecuted
    submit(
        police,
        officer,
        2019,
        dt.date(2019, 9, 16),
        cases=640,
        admin=700,
        goods=9_000 * 10**6,
        budget=30_074 * 10**6,
        criminal=15,
        defendants=20,
    )
    submit(
        border_guard,
        support_officer,
        2019,
        dt.date(2019, 9, 16),
        cases=429,
        admin=482,
        goods=5_730 * 10**6,
        budget=25_000 * 10**6,
        criminal=7,
        defendants=10,
    )
    # 2020 (seed 003): 1,027 cases (−3.9%), 944 administrative (−20.1%), 48.167 bn goods
    # (+227%), 76.443 bn budget (+38.8%), 21 prosecuted (−4.5%) with 26 defendants
    submit(
        police,
        officer,
        2020,
        dt.date(2020, 9, 16),
        cases=600,
        admin=550,
        goods=30_000 * 10**6,
        budget=50_443 * 10**6,
        criminal=14,
        defendants=18,
    )
    submit(
        border_guard,
        support_officer,
        2020,
        dt.date(2020, 9, 22),
        accept=False,
        cases=427,
        admin=394,
        goods=18_167 * 10**6,
        budget=26_000 * 10**6,
        criminal=7,
        defendants=8,
    )
    return obligation.periods.get(year=2020)


def test_consolidation_matches_seed_003_year_on_year(nine_months):
    result = reporting.consolidate(nine_months, now=at(dt.date(2020, 10, 1)))
    values = {name: change.value for name, change in result.totals.items()}
    assert values == {
        "cases_detected": 1027,
        "admin_cases": 944,
        "goods_value": 48_167 * 10**6,
        "budget_collected": 76_443 * 10**6,
        "criminal_cases": 21,
        "defendants": 26,
    }
    changes = {name: change.change_pct for name, change in result.totals.items()}
    assert changes == {
        "cases_detected": -3.9,
        "admin_cases": -20.1,
        "goods_value": 227.0,
        "budget_collected": 38.8,
        "criminal_cases": -4.5,
        "defendants": -13.3,
    }
    assert result.totals["cases_detected"].change == -42
    assert result.by_force["police"]["cases_detected"] == 600
    assert result.by_force["border_guard"]["cases_detected"] == 427
    # police on time; border guard submitted on 22/09 after the 17/09 deadline; the
    # department sent nothing
    assert {row.agency.code: row.timeliness for row in result.rows} == {
        "KG-CA": "on_time",
        "KG-BDBP": "late",
        "KG-SCT": "missing",
    }
    assert [row.agency.code for row in result.late_or_missing] == ["KG-BDBP", "KG-SCT"]


def test_a_returned_report_is_left_out_of_the_totals(nine_months, border_guard, secretariat):
    submission = submission_of(border_guard, year=2020)
    reporting.return_periodic_report(submission, by=secretariat, reason="Số liệu chưa khớp")
    result = reporting.consolidate(nine_months)
    assert result.totals["cases_detected"].value == 600


def test_without_last_years_figures_the_change_is_blank(committee, police, officer):
    ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 3, 1))
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    reporting.submit_periodic_report(submission, by=officer, figures=figures(cases=5))
    result = reporting.consolidate(submission.period)
    assert result.totals["cases_detected"].change_pct is None


# ---- pages


def test_consolidation_page_shows_totals_changes_and_late_members(
    client, nine_months, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    url = reverse("reporting:consolidation", args=[nine_months.pk])
    with time_machine.travel(at(dt.date(2020, 10, 1)), tick=False):
        with django_assert_max_num_queries(12):
            response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1.027" in page and "-3,9%" in page and "48.167.000.000" in page and "+227,0%" in page
    assert "Sở Công Thương" in page.split('id="late-or-missing"')[1].split("</ul>")[0]
    # A member that has not sent shows a dash in every cell, not a bare label on a phone card.
    missing_row = next(
        row for row in page.split('id="agencies"')[1].split("<tr>") if "Sở Công Thương" in row
    )
    assert 'class="num" data-label="' in missing_row and '"></td>' not in missing_row


def test_consolidation_page_is_for_the_committee_staff_only(client, nine_months, officer):
    client.force_login(officer)
    response = client.get(reverse("reporting:consolidation", args=[nine_months.pk]))
    assert response.status_code == 404


def test_submission_form_shows_errors_next_to_the_fields(client, monthly, police, officer):
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    client.force_login(officer)
    url = reverse("reporting:submission", args=[submission.pk])
    data = {
        "narrative": "Tháng 3",
        "cases_detected": "-2",
        "admin_cases": "1",
        "goods_value": "0",
        "budget_collected": "0",
        "criminal_cases": "0",
        "defendants": "",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    field_row = page.split('name="cases_detected"')[1].split("</tr>")[0]
    assert "A figure cannot be negative." in field_row
    assert "Please enter a whole number" in page.split('name="defendants"')[1].split("</tr>")[0]
    submission.refresh_from_db()
    assert submission.state == "due"
    data |= {"cases_detected": "2", "defendants": "0"}
    response = client.post(url, data)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.state, submission.cases_detected) == ("submitted", 2)


def test_report_list_shows_only_the_agencys_own_reports(
    client, monthly, police, officer, django_assert_max_num_queries
):
    open_periods(dt.date(2024, 3, 1))
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting:list"))
    page = response.content.decode()
    assert page.count(reverse("reporting:submission", args=[0])[:-2]) == 3  # Jan, Feb, March
    assert "BĐBP tỉnh" not in page


def test_standing_office_accepts_or_returns_from_the_page(
    client, monthly, police, officer, secretariat
):
    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    reporting.submit_periodic_report(submission, by=officer, figures=figures())
    client.force_login(secretariat)
    url = reverse("reporting:review", args=[submission.pk])
    response = client.post(url, {"decision": "return", "reason": ""}, follow=True)
    assert "Please give a reason." in response.content.decode()
    client.post(url, {"decision": "return", "reason": "Thiếu phụ lục"})
    submission.refresh_from_db()
    assert submission.state == "returned"


def test_a_reports_files_are_served_only_to_those_who_may_see_the_report(
    client, monthly, police, officer, support_officer, secretariat
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    open_periods(dt.date(2024, 3, 1))
    submission = submission_of(police, index=3)
    with time_machine.travel(at(dt.date(2024, 3, 15)), tick=False):
        reporting.submit_periodic_report(
            submission,
            by=officer,
            narrative="Tháng 3",
            figures=figures(cases=1, admin=1),
            files=[SimpleUploadedFile("bao-cao-thang-3.pdf", b"%PDF-1.4 bao cao")],
        )
    attachment = submission.attachments.get()
    url = reverse("reporting:file", args=[attachment.pk])
    client.force_login(secretariat)
    page = client.get(reverse("reporting:submission", args=[submission.pk])).content.decode()
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(support_officer)  # another member agency: as if the file did not exist
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302

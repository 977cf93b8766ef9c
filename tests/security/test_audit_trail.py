"""The access log: logins, logouts and refused pages recorded (who, what, when, from where),
readable and exportable by the standing office (its own committee) and administrators."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessEvent, AccessEventKind
from audit.recording import record_access
from tests.factories import CommitteeFactory, UserFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_logout_are_recorded(client, officer, with_password):
    with_password(officer)
    client.post(
        reverse("login"),
        {"username": "canbo.ca", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="Firefox",
    )
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7")
    login, logout = AccessEvent.objects.order_by("id")
    assert (login.kind, login.user, login.agency, login.ip_address, login.user_agent) == (
        AccessEventKind.LOGIN,
        officer,
        officer.agency,
        "198.51.100.7",
        "Firefox",
    )
    assert (logout.kind, logout.user) == (AccessEventKind.LOGOUT, officer)


def test_a_refused_page_is_recorded_with_who_what_and_where(client, officer):
    client.force_login(officer)
    response = client.get(reverse("audit:access"), REMOTE_ADDR="198.51.100.8")
    assert response.status_code == 403
    event = AccessEvent.objects.get(kind=AccessEventKind.DENIED)
    assert event.user == officer and event.status == 403
    assert event.path == reverse("audit:access") and event.method == "GET"
    assert event.ip_address == "198.51.100.8"


def test_a_refused_api_call_by_someone_not_signed_in_is_recorded(client):
    assert client.get("/api/tasks/").status_code in (401, 403)
    event = AccessEvent.objects.get(kind=AccessEventKind.DENIED)
    assert event.user is None and event.path == "/api/tasks/"


@pytest.fixture
def events(officer, secretariat):
    other_committee = CommitteeFactory(code="bcd389-ag")
    stranger = UserFactory(username="vanphong.ag", role="secretariat", committee=other_committee)
    record_access(AccessEventKind.LOGIN, user=officer, ip_address="198.51.100.1")
    record_access(AccessEventKind.LOGIN_FAILED, username="canbo.ca", ip_address="198.51.100.2")
    record_access(AccessEventKind.LOGIN, user=stranger, ip_address="198.51.100.3")
    record_access(AccessEventKind.LOGIN_FAILED, username="khongco", ip_address="198.51.100.4")
    record_access(AccessEventKind.LOGIN_FAILED, username='=HYPERLINK("http://evil.example","x")')
    return stranger


def test_the_standing_office_reads_its_own_committees_events(client, secretariat, events):
    client.force_login(secretariat)
    page = client.get(reverse("audit:access")).content.decode()
    assert "198.51.100.1" in page and "198.51.100.2" in page
    assert "198.51.100.3" not in page  # another committee's user
    assert "198.51.100.4" not in page  # a username that is nobody's: administrators only


def test_an_administrator_reads_everything_and_filters(client, admin_user, events):
    client.force_login(admin_user)
    page = client.get(reverse("audit:access")).content.decode()
    assert all(f"198.51.100.{n}" in page for n in range(1, 5))
    failed = client.get(reverse("audit:access"), {"kind": "login_failed", "q": "canbo"})
    text = failed.content.decode()
    assert "198.51.100.2" in text and "198.51.100.1" not in text
    by_ip = client.get(reverse("audit:access"), {"ip": "198.51.100.3"}).content.decode()
    assert "198.51.100.3" in by_ip and "198.51.100.2" not in by_ip


def test_officers_and_chairs_cannot_read_the_log(client, officer, chair):
    for user in (officer, chair):
        client.force_login(user)
        assert client.get(reverse("audit:access")).status_code == 403


def test_the_log_exports_as_csv_and_xlsx_with_formulas_neutralised(client, admin_user, events):
    client.force_login(admin_user)
    response = client.get(reverse("audit:access"), {"export": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["time", "event", "username"]
    assert len(rows) == 1 + AccessEvent.objects.count()
    assert '\'=HYPERLINK("http://evil.example","x")' in [row[2] for row in rows]

    response = client.get(reverse("audit:access"), {"export": "xlsx", "kind": "login_failed"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == 3
    evil = next(c for c in cells if str(c.value).startswith("="))
    assert evil.data_type == "s"  # text, not a formula
    assert evil.quotePrefix


def test_the_log_cannot_be_changed_through_the_model(events):
    from project.audit import AppendOnlyError

    event = AccessEvent.objects.first()
    event.detail = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


# ---- changes to the directory and the reporting rules


def test_imports_aliases_and_obligations_are_in_the_change_log(
    client, tmp_path, committee, police, secretariat
):
    from django.core.management import call_command

    from agencies.actions import map_alias
    from audit.models import ChangeEvent, ChangeEventKind
    from reporting import services as reporting

    csv_file = tmp_path / "a.csv"
    csv_file.write_text(
        "code,name,short_name,aliases,kind,parent_code\nKG-SYT,Sở Y tế tỉnh Kiên Giang,,,department,\n",
        encoding="utf-8",
    )
    call_command("import_agencies", str(csv_file), "--committee", committee.code)
    map_alias(committee, "Công an Kiên Giang", police, by=secretariat)
    obligation = reporting.define_obligation(
        committee, by=secretariat, name="Báo cáo tháng", frequency="month"
    )
    reporting.update_obligation(obligation, by=secretariat, name="Báo cáo hằng tháng")
    events = {e.kind: e for e in ChangeEvent.objects.all()}
    assert events[ChangeEventKind.AGENCIES_IMPORTED].changes["created"] == ["KG-SYT"]
    alias = events[ChangeEventKind.ALIAS_MAPPED]
    assert (alias.actor, alias.subject, alias.changes) == (
        secretariat,
        "KG-CA",
        {"alias": [None, "Công an Kiên Giang"]},
    )
    changed = events[ChangeEventKind.OBLIGATION_CHANGED]
    assert changed.changes == {"name": ["Báo cáo tháng", "Báo cáo hằng tháng"]}
    assert ChangeEventKind.OBLIGATION_DEFINED in events

    client.force_login(secretariat)
    page = client.get(reverse("audit:access"), {"log": "changes"}).content.decode()
    assert "Báo cáo hằng tháng" in page and "Công an Kiên Giang" in page
    export = client.get(reverse("audit:access"), {"log": "changes", "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Báo cáo hằng tháng" in text

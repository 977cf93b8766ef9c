"""Web downloads go through the permission layer: what a user cannot see is a 404."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from documents.models import UrgingLetter
from exports.pdf.queries import parse_date
from project.errors import ActionError
from tests.factories import AgencyFactory, CommitteeFactory, DirectiveFactory, UserFactory

from .conftest import NOW, one_line, pdf_text


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_chair_downloads_the_appendix_of_a_directive(client, scene, chair):
    client.force_login(chair)
    response = client.get(reverse("exports:appendix_pdf", args=[scene["directive"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam" in one_line(
        pdf_text(response.content)
    )


def test_agency_sees_only_its_own_tasks_in_the_appendix(client, scene, officer):
    client.force_login(officer)
    response = client.get(reverse("exports:appendix_pdf", args=[scene["directive"].pk]))
    assert response.status_code == 200
    flat = one_line(pdf_text(response.content))
    assert "Kiểm tra hàng nhập lậu" in flat  # police leads
    assert "Xây dựng Kế hoạch phòng, chống" in flat  # police co-ordinates
    assert "Lắp đặt camera" not in flat  # border guard only


def test_another_committees_directive_is_a_404(client, scene, db):
    other = CommitteeFactory(code="bcd389-hp", name="Ban Chỉ đạo 389 thành phố Hải Phòng")
    stranger = UserFactory(username="vp.hp", role="secretariat", committee=other)
    client.force_login(stranger)
    response = client.get(reverse("exports:appendix_pdf", args=[scene["directive"].pk]))
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, scene):
    response = client.get(reverse("exports:overdue_pdf"))
    assert response.status_code == 302


def test_overdue_audit_download_applies_the_filters(client, scene, chair):
    client.force_login(chair)
    response = client.get(reverse("exports:overdue_pdf"), {"agency": "KG-CA"})
    assert response.status_code == 200
    flat = one_line(pdf_text(response.content))
    assert "Đơn vị: Công an tỉnh Kiên Giang" in flat


def test_bad_filters_get_a_clear_message(client, scene, chair):
    client.force_login(chair)
    response = client.get(reverse("exports:overdue_pdf"), {"from": "31/02/2021"})
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()
    response = client.get(reverse("exports:overdue_pdf"), {"agency": "KHONG-CO"})
    assert response.status_code == 400
    assert "KHONG-CO" in response.content.decode()


def test_a_letters_dates_read_as_the_list_filters_read_them():
    assert parse_date(" 31/12/2024 ") == parse_date("2024-12-31") == dt.date(2024, 12, 31)
    assert parse_date("") is None
    with pytest.raises(ActionError, match="“31/02/2021” is not a date"):
        parse_date("31/02/2021")


def test_scorecard_is_for_committee_staff_and_the_agency_itself(
    client, scene, chair, officer, support_officer
):
    url = reverse("exports:scorecard_pdf", args=["KG-CA"])
    client.force_login(officer)
    assert client.get(url).status_code == 200
    client.force_login(support_officer)
    assert client.get(url).status_code == 404
    client.force_login(chair)
    assert client.get(url, {"from": "01/10/2020", "to": "31/12/2020"}).status_code == 200


def test_secretariat_previews_then_issues_an_urging_letter(client, scene, secretariat, officer):
    client.force_login(secretariat)
    preview = client.get(reverse("exports:urging_preview_pdf", args=["KG-CA"]))
    assert preview.status_code == 200
    assert not UrgingLetter.objects.exists()
    response = client.post(reverse("exports:urging_issue", args=["KG-CA"]))
    letter = UrgingLetter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:urging_letter_pdf", args=[letter.pk])
    # the agency urged can read its letter; another agency cannot
    client.force_login(officer)
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert "Số: 01/BCĐ389-VP" in one_line(pdf_text(b"".join(download.streaming_content)))


def test_chair_cannot_issue_and_an_agency_cannot_preview(client, scene, chair, officer):
    client.force_login(chair)
    response = client.post(reverse("exports:urging_issue", args=["KG-CA"]))
    assert response.status_code == 403
    assert not UrgingLetter.objects.exists()
    client.force_login(officer)
    assert client.get(reverse("exports:urging_preview_pdf", args=["KG-CA"])).status_code == 404


def test_other_agency_cannot_download_a_letter(client, scene, secretariat, support_officer):
    client.force_login(secretariat)
    client.post(reverse("exports:urging_issue", args=["KG-CA"]))
    client.force_login(support_officer)
    letter = UrgingLetter.objects.get()
    assert client.get(reverse("exports:urging_letter_pdf", args=[letter.pk])).status_code == 404


def test_consolidated_report_without_periodic_reports_says_so(client, scene, chair):
    client.force_login(chair)
    response = client.get(reverse("exports:consolidated_pdf"))
    assert response.status_code == 200
    assert "Chưa có chế độ báo cáo định kỳ nào được thiết lập." in one_line(
        pdf_text(response.content)
    )


def test_unknown_directive_id_is_a_404(client, chair):
    client.force_login(chair)
    assert client.get(reverse("exports:appendix_pdf", args=[999999])).status_code == 404


def test_directive_of_same_committee_without_tasks_gives_an_empty_appendix(
    client, committee, chair
):
    directive = DirectiveFactory(committee=committee)
    AgencyFactory()
    client.force_login(chair)
    response = client.get(reverse("exports:appendix_pdf", args=[directive.pk]))
    assert response.status_code == 200
    assert "Không có nhiệm vụ nào phù hợp với điều kiện lọc." in one_line(
        pdf_text(response.content)
    )


def test_overdue_audit_takes_a_fixed_number_of_queries(
    client, scene, chair, make_task, django_assert_max_num_queries
):
    import datetime as dt

    for n in range(8):
        make_task(title=f"Nhiệm vụ quá hạn số {n}", deadline=dt.date(2020, 11, 1 + n))
    client.force_login(chair)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exports:overdue_pdf"))
    assert response.status_code == 200
    assert "(9 nhiệm vụ quá hạn)" in one_line(pdf_text(response.content))

"""The urging letter page: the office reads the draft, issues it from the screen, and the issued
letter (with its number) is there to download; the task's history records it (issue 15)."""

import pytest
import time_machine
from django.urls import reverse

from documents.models import UrgingLetter
from tasks.models import TaskEvent
from tests.exports.pdf import conftest as pdf_fixtures
from tests.exports.pdf.conftest import NOW, one_line, pdf_text

scene = pdf_fixtures.scene


@pytest.fixture(autouse=True)
def _on_the_scene_day():
    with time_machine.travel(NOW, tick=False):
        yield


def page_url(agency) -> str:
    return reverse("directives:urging_letter", args=[agency.code])


def issue(client, agency, **fields):
    data = {
        "issued_on": "15/01/2021",
        "symbol": "BCĐ389-VP",
        "subject": "đôn đốc thực hiện các nhiệm vụ quá hạn",
        "authority": "TM. BAN CHỈ ĐẠO",
        "signer_title": "TRƯỞNG BAN",
        "signer_name": "Nguyễn Đức Chín",
        "recipients": "- Như trên;\n- Lưu: VT, VP.",
        "issue": "",
        **fields,
    }
    return client.post(page_url(agency), data)


def test_the_page_shows_the_overdue_tasks_the_number_and_a_draft(
    client, scene, secretariat, police, django_assert_max_num_queries
):
    client.force_login(secretariat)
    with django_assert_max_num_queries(20):
        html = client.get(page_url(police)).content.decode()
    assert scene["tasks"][0].title[:40] in html
    assert "01/BCĐ389-VP" in html  # the number it will take
    assert 'formaction="/documents/urging/KG-CA/preview/"' in html
    assert "data-issue" in html
    # The overdue list links here for the agency chosen.
    overdue = client.get(reverse("work:overdue") + f"?agency={police.pk}").content.decode()
    assert f'href="{page_url(police)}"' in overdue


def test_issuing_from_the_page_numbers_stores_and_records_the_letter(
    client, scene, secretariat, police
):
    client.force_login(secretariat)
    response = issue(client, police, issued_on="16/01/2021")
    letter = UrgingLetter.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#letter-{letter.pk}")
    assert (letter.number_symbol, letter.issued_on.isoformat()) == ("01/BCĐ389-VP", "2021-01-16")
    html = client.get(page_url(police)).content.decode()
    download = reverse("exports:urging_letter_pdf", args=[letter.pk])
    assert f'href="{download}"' in html and 'data-letter="01/BCĐ389-VP"' in html
    assert "02/BCĐ389-VP" in html  # the next one
    pdf = client.get(download)
    assert pdf.status_code == 200
    assert "Số: 01/BCĐ389-VP" in one_line(pdf_text(b"".join(pdf.streaming_content)))
    event = TaskEvent.objects.get(task=scene["tasks"][0], kind="urging_letter")
    assert event.to_value == "01/BCĐ389-VP" and event.agency == police


def test_a_bad_value_is_a_message_and_nothing_is_issued(client, scene, secretariat, police):
    client.force_login(secretariat)
    response = issue(client, police, issued_on="32/01/2021", symbol="bcđ 389/vp")
    assert response.status_code == 400
    html = response.content.decode()
    assert "dd-field__error" in html
    assert not UrgingLetter.objects.exists()
    assert not TaskEvent.objects.filter(kind="urging_letter").exists()


def test_an_agency_with_nothing_overdue_has_nothing_to_issue(
    client, scene, secretariat, border_guard
):
    client.force_login(secretariat)
    html = client.get(page_url(border_guard)).content.decode()
    assert "nothing to urge" in html and "data-issue" not in html
    response = issue(client, border_guard)
    assert response.status_code == 400 and "no overdue task" in response.content.decode()
    assert not UrgingLetter.objects.exists()


def test_the_chair_reads_the_draft_but_only_the_office_issues(client, scene, chair, police):
    client.force_login(chair)
    html = client.get(page_url(police)).content.decode()
    assert "data-preview" in html and "data-issue" not in html
    assert issue(client, police).status_code == 403
    assert not UrgingLetter.objects.exists()


def test_agencies_and_other_committees_do_not_see_the_page(client, scene, officer, police):
    client.force_login(officer)
    assert client.get(page_url(police)).status_code == 404

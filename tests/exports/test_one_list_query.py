"""One list query: the same query string gives the same tasks on the task list page, in its
.xlsx and in the task list PDF (issue 10); a bad value is a message, never a 500."""

import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import Task, TaskAssignment

from .pdf import conftest as pdf_fixtures
from .pdf.conftest import NOW, one_line, pdf_text

scene = pdf_fixtures.scene


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def page_refs(client, params) -> list[str]:
    response = client.get(reverse("work:inbox"), params)
    assert response.status_code == 200
    html = response.content.decode()
    tasks = {int(pk) for pk in re.findall(r'data-task="(\d+)"', html)}
    parts = [int(pk) for pk in re.findall(r'data-part="(\d+)"', html)]
    tasks |= set(TaskAssignment.objects.filter(pk__in=parts).values_list("task_id", flat=True))
    return sorted(Task.objects.filter(pk__in=tasks).values_list("ref", flat=True))


def xlsx_refs(client, params) -> list[str]:
    response = client.get(reverse("exports:spreadsheet", args=["tasks"]), params)
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))


def pdf_refs(client, directive, params) -> list[str]:
    response = client.get(reverse("exports:appendix_pdf", args=[directive.pk]), params)
    assert response.status_code == 200, response.content
    text = one_line(pdf_text(response.content))
    return sorted(t.ref for t in Task.objects.filter(directive=directive) if t.title in text)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "open"},
        {"status": "overdue"},
        {"status": "done"},
        {"status": "done_late"},
        {"status": "all", "agency": "police"},
        {"status": "overdue", "agency": "police"},
        {"status": "all", "agency": "police", "role": "support"},
        {"status": "all", "agency": "police", "role": "any"},
        {"status": "all", "from": "01/12/2020", "to": "2021-01-31"},
        {"status": "all", "timeliness": "done_on_time"},
    ],
)
def test_page_xlsx_and_pdf_list_the_same_tasks(scene, at_now, client, chair, police, params):
    params = {k: police.pk if v == "police" else v for k, v in params.items()}
    params["directive"] = scene["directive"].pk
    client.force_login(chair)
    on_page = page_refs(client, params)
    assert on_page == xlsx_refs(client, params) == pdf_refs(client, scene["directive"], params)
    assert on_page  # each case selects something, so agreeing is not agreeing on nothing


def test_an_agencys_own_list_is_the_same_in_its_spreadsheet(scene, at_now, client, officer):
    client.force_login(officer)  # Công an tỉnh: lead of II.1, II.2, co-ordinating on II.3
    for params in ({"status": "all"}, {"status": "overdue"}, {"status": "all", "role": "lead"}):
        assert page_refs(client, params) == xlsx_refs(client, params)
    assert page_refs(client, {"status": "all"}) == ["II.1", "II.2", "II.3"]


def test_the_page_links_its_spreadsheet_with_its_own_filters(scene, at_now, client, chair):
    client.force_login(chair)
    response = client.get(reverse("work:inbox"), {"status": "done", "after": "x"})
    link = re.search(r'href="(/[^"]*xlsx/tasks/[^"]*)"', response.content.decode()).group(1)
    assert "status=done" in link and "after" not in link
    response = client.get(reverse("work:inbox"))  # the first tab, named in the link
    assert (
        "status=open" in re.search(r'href="([^"]*xlsx/tasks/[^"]*)"', response.content.decode())[1]
    )


@pytest.mark.vietnamese
@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "hôm qua"}, "“hôm qua” không phải là ngày hợp lệ"),
        ({"from": "31/12/2020", "to": "01/12/2020"}, "Ngày bắt đầu (31/12/2020) sau ngày kết thúc"),
        ({"timeliness": "soon"}, "“soon” không phải là"),
        ({"agency": "999999"}, "không có đơn vị thành viên nào có mã “999999”"),
        ({"directive": "abc"}, ""),
        ({"role": "boss"}, "“boss” không phải là"),
    ],
)
def test_bad_filter_values_are_explained_never_a_500(scene, client, chair, params, message):
    client.force_login(chair)
    page = client.get(reverse("work:inbox"), params)
    assert page.status_code == 200  # the page shows its list without the bad value
    download = client.get(reverse("exports:spreadsheet", args=["tasks"]), params)
    assert download.status_code == 400
    assert message in download.content.decode()
    assert message in page.content.decode()

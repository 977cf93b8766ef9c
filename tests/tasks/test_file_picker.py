"""File pickers speak the page's language: chromium writes its own button ("Choose Files") in
the browser's language, so the pages draw their own, labelled "Chọn tệp" (issue 15)."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.vietnamese]


def picker(page: str, name: str) -> str:
    match = re.search(r'<span class="dd-file">(.*?)</span>\s*</span>', page, re.S)
    assert match, "no file picker on the page"
    block = match.group(1)
    assert f'name="{name}"' in block
    return block


def test_the_register_page_has_a_vietnamese_file_picker(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("directives:create")).content.decode()
    block = picker(page, "files")
    input_id = re.search(r'<input type="file"[^>]*id="([^"]+)"', block).group(1)
    assert re.search(r'<input type="file"[^>]*class="dd-file__input"', block)
    assert re.search(rf'<label for="{input_id}"[^>]*>.*Chọn tệp</label>', block, re.S)
    assert "Chưa chọn tệp" in block
    assert "multiple" in block
    assert "tasks/file_input.js" in page
    assert "Choose" not in page


def test_the_report_form_has_the_same_picker(client, make_task, officer, police):
    task = make_task()
    client.force_login(officer)
    page = client.get(reverse("work:task", args=[task.pk])).content.decode()
    assert "dd-file__input" in page and "Chọn tệp" in page
    assert "Choose" not in page

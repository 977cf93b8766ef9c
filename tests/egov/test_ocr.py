"""Importing a scan: its text read by OCR (documents/extraction.py, tested in
tests/documents/test_ocr.py) and the breakdown editor saying so; where Tesseract (with its
Vietnamese data) is missing, the product says so and registers the scan."""

import io
import shutil

import pytest
from django.urls import reverse

from documents import ocr
from egov.intake import import_scan
from tests.documents.files import scan_of, seed_text

needs_tesseract = pytest.mark.skipif(
    bool(shutil.which("tesseract") is None),
    reason="OCR test skipped: Tesseract is not installed "
    "(apt-get install tesseract-ocr tesseract-ocr-vie; CI installs it)",
)


@pytest.fixture(scope="module")
def scan():
    return scan_of(seed_text())


@pytest.fixture(autouse=True)
def _time_enough(settings):
    """These tests measure what OCR reads, not how fast a loaded test machine reads it."""
    settings.OCR_BUDGET_SECONDS = 900


@needs_tesseract
def test_the_editor_says_the_text_came_from_ocr(client, committee, secretariat, scan):
    if ocr.unavailable():
        pytest.skip(ocr.unavailable())
    images, _pdf = scan
    first_page = io.BytesIO()
    images[0].save(first_page, format="PDF", resolution=300)
    directive = import_scan(
        committee,
        by=secretariat,
        name="thong-bao-quet.pdf",
        data=first_page.getvalue(),
        subject="Kết luận hội nghị sơ kết 9 tháng năm 2020",
        number="245/TB-VPUBND",
    )
    assert directive.intake.text_origin == "ocr"
    assert "Ban Chỉ đạo 389" in directive.text
    client.force_login(secretariat)
    body = client.get(reverse("directives:breakdown", args=[directive.pk])).content.decode()
    assert 'data-egov-intake="ocr"' in body
    assert "read by OCR: check it against the scan" in body


def test_without_tesseract_the_product_says_so_and_registers_the_scan(
    client, committee, secretariat, settings
):
    settings.TESSERACT_CMD = "tesseract-that-is-not-installed"
    _images, pdf = scan_of(seed_text(), dpi=60)
    message = ocr.unavailable()
    assert "Tesseract OCR is not installed" in message
    directive = import_scan(
        committee, by=secretariat, name="quet.pdf", data=pdf, subject="Thông báo kết luận"
    )
    assert directive.attachments.count() == 1
    assert directive.text == ""
    assert directive.intake.text_origin == "none"
    assert directive.intake.note == message
    client.force_login(secretariat)
    assert message in client.get(reverse("egov:import")).content.decode()
    body = client.get(reverse("directives:breakdown", args=[directive.pk])).content.decode()
    assert "Tesseract OCR is not installed" in body

"""Scans: a seed directive rendered to PDF, rasterised to page images (the scan), read back by
Tesseract; the breakdown engine finds at least 90 % of the seed's tasks in what OCR read.
Where Tesseract (with its Vietnamese data) is missing, the product says so and the rest works."""

import io
import json
import shutil

import pypdfium2
import pytest
from django.urls import reverse

from breakdown import propose_tasks
from breakdown.scoring import load_directory, score
from egov import ocr
from egov.intake import import_scan
from egov.textract import extract_text

from .conftest import SEED_003, pdf_of, seed_text

SAMPLES = SEED_003.parent


needs_tesseract = pytest.mark.skipif(
    bool(shutil.which("tesseract") is None),
    reason="OCR test skipped: Tesseract is not installed "
    "(apt-get install tesseract-ocr tesseract-ocr-vie; CI installs it)",
)


def _scan(dpi: int = 300) -> tuple[list, bytes]:
    """The seed as a scanner gives it: page images, and a PDF of those images (no text)."""
    document = pypdfium2.PdfDocument(pdf_of(seed_text()))
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    document.close()
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return images, out.getvalue()


@pytest.fixture(scope="module")
def scan():
    return _scan()


@pytest.fixture(autouse=True)
def _time_enough(settings):
    """These tests measure what OCR reads, not how fast a loaded test machine reads it."""
    settings.OCR_BUDGET_SECONDS = 900


@needs_tesseract
def test_a_scanned_seed_directive_is_read_and_its_tasks_found(scan):
    if ocr.unavailable():
        pytest.skip(ocr.unavailable())
    _images, pdf = scan
    extracted = extract_text("quet.pdf", pdf)
    assert extracted.origin == "ocr"
    assert extracted.ocr_pages >= 2
    spec = json.loads((SAMPLES / "seed_003_kg_tb_ket_luan.json").read_text(encoding="utf-8"))
    directory = load_directory(SAMPLES / "committees" / f"{spec['committee']}.json")
    proposed = propose_tasks(extracted.text, directory).to_dict()
    result = score(spec["expected"], proposed, name="seed_003 via OCR")
    metrics = result.metrics()
    assert metrics["items_found"] >= 0.90, (metrics, result.problems)


@needs_tesseract
def test_an_image_of_a_page_is_read(scan):
    if ocr.unavailable():
        pytest.skip(ocr.unavailable())
    images, _pdf = scan
    out = io.BytesIO()
    images[0].save(out, format="PNG")
    extracted = extract_text("trang-1.png", out.getvalue())
    assert extracted.origin == "ocr"
    assert "THÔNG BÁO" in extracted.text
    assert "Ban Chỉ đạo 389" in extracted.text


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
    _images, pdf = _scan(dpi=60)
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


def test_a_doc_file_without_a_reader_is_kept_with_a_message(committee, secretariat, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    extracted = extract_text("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert extracted.origin == "none"
    assert "cannot be read on this server (install antiword or LibreOffice)" in extracted.note


@pytest.mark.skipif(
    shutil.which("antiword") is None,
    reason="antiword is not installed (apt-get install antiword to run it; CI always does)",
)
def test_a_doc_file_is_read_with_antiword(tmp_path):
    # No Word 97 writer in Python: where LibreOffice is here, make one from the seed's .docx.
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("no LibreOffice here to make a .doc to read")
    import subprocess

    from .conftest import docx_of

    source = tmp_path / "seed.docx"
    source.write_bytes(docx_of(seed_text()))
    subprocess.run(
        [office, "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = extract_text("seed.doc", (tmp_path / "seed.doc").read_bytes())
    assert extracted.origin == "doc"
    assert "Cục Quản lý thị trường" in extracted.text


@needs_tesseract
def test_ocr_stops_at_its_time_budget_and_says_what_is_left(settings, scan):
    if ocr.unavailable():
        pytest.skip(ocr.unavailable())
    settings.OCR_BUDGET_SECONDS = 0  # the first page is always read, then time is up
    _images, pdf = scan
    extracted = extract_text("quet.pdf", pdf)
    assert extracted.origin == "ocr"
    assert extracted.ocr_pages == 1
    assert "Only 1 of the 5 scanned pages were read" in extracted.note
    assert "THÔNG BÁO" in extracted.text

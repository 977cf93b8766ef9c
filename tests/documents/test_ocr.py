"""Reading scans and old Word files (documents/extraction.py): a seed directive rendered to
PDF, rasterised to page images (the scan), read back by Tesseract; the breakdown engine finds
at least 90 % of the seed's tasks in what OCR read. Where a program is missing, the reader
says so and the rest works."""

import io
import json
import shutil
import subprocess

import pytest

from breakdown import propose_tasks
from breakdown.scoring import load_directory, score
from documents import ocr
from documents.extraction import read_file

from .files import SEED_003, docx_of, scan_of, seed_text

SAMPLES = SEED_003.parent


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
def test_a_scanned_seed_directive_is_read_and_its_tasks_found(scan):
    if ocr.unavailable():
        pytest.skip(ocr.unavailable())
    _images, pdf = scan
    extracted = read_file("quet.pdf", pdf)
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
    extracted = read_file("trang-1.png", out.getvalue())
    assert extracted.origin == "ocr"
    assert "THÔNG BÁO" in extracted.text
    assert "Ban Chỉ đạo 389" in extracted.text


def test_a_doc_file_without_a_reader_is_kept_with_a_message(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    extracted = read_file("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
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
    source = tmp_path / "seed.docx"
    source.write_bytes(docx_of(seed_text()))
    subprocess.run(
        [office, "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = read_file("seed.doc", (tmp_path / "seed.doc").read_bytes())
    assert extracted.origin == "doc"
    assert "Cục Quản lý thị trường" in extracted.text


@needs_tesseract
def test_ocr_stops_at_its_time_budget_and_says_what_is_left(settings, scan):
    if ocr.unavailable():
        pytest.skip(ocr.unavailable())
    settings.OCR_BUDGET_SECONDS = 0  # the first page is always read, then time is up
    _images, pdf = scan
    extracted = read_file("quet.pdf", pdf)
    assert extracted.origin == "ocr"
    assert extracted.ocr_pages == 1
    assert "Only 1 of the 5 scanned pages were read" in extracted.note
    assert "THÔNG BÁO" in extracted.text

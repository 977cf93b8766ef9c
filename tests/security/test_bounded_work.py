"""Bounded work and safe uploads: sizes capped, files checked by content, directive files in
the encodings offices use, the breakdown engine capped in size and time."""

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from breakdown.engine import MAX_TEXT_CHARS, propose_tasks
from breakdown.scoring import load_directory
from documents.models import Directive
from project.uploads import check_uploads, validate_document
from reporting.views import SubmissionForm
from tests.breakdown.conftest import SAMPLES
from tests.breakdown.test_readers import cp1258

TEXT = (
    "THÔNG BÁO\nKết luận của Trưởng ban\n\nII. NHIỆM VỤ\n"
    "1. Công an tỉnh chủ trì, phối hợp với Sở Y tế kiểm tra hàng nhập lậu.\n"
)


def docx_bytes(text: str = TEXT) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.mark.parametrize(
    "name, content",
    [
        ("bao-cao.pdf", PDF),
        ("ke-hoach.docx", docx_bytes()),
        ("anh-chup.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50),
        ("so-lieu.txt", "Số liệu tháng 3".encode()),
        ("so-lieu.csv", b"a,b\n1,2\n"),
    ],
)
def test_documents_of_the_allowed_types_pass(name, content):
    validate_document(upload(name, content))


@pytest.mark.parametrize(
    "name, content",
    [
        ("setup.exe", EXE),
        ("bao-cao.pdf", EXE),  # a program renamed
        ("bao-cao.docx", PDF),  # the content says PDF
        ("trang.html", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("anh.txt", b"<svg onload=alert(1)>"),
        ("nen.zip", b"PK\x03\x04" + b"\x00" * 30),
    ],
)
def test_anything_else_is_refused_by_content(name, content):
    with pytest.raises(ValidationError, match="not an accepted document"):
        validate_document(upload(name, content))


def test_the_refusal_names_the_accepted_types_in_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_document(upload("setup.exe", EXE))
    message = refused.value.messages[0]
    assert "văn bản thuần (.txt, .csv)" in message and ", text" not in message


def test_sizes_are_capped_per_file_and_per_request(settings):
    settings.UPLOAD_MAX_FILE_MB = 1
    settings.UPLOAD_MAX_REQUEST_MB = 2
    big = upload("lon.txt", b"a" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        check_uploads([big])
    parts = [upload(f"phan-{n}.txt", b"a" * (900 * 1024)) for n in range(3)]
    with pytest.raises(ValidationError, match="together are larger than 2 MB"):
        check_uploads(parts)


def test_a_request_larger_than_every_upload_together_is_refused_unread(client, settings):
    settings.UPLOAD_MAX_REQUEST_MB = 1
    response = client.post(
        reverse("login"), data=b"x" * 10, content_type="text/plain", CONTENT_LENGTH=3 * 1024 * 1024
    )
    assert response.status_code == 413


def test_a_periodic_report_refuses_a_program(settings):
    form = SubmissionForm(
        data={"narrative": "Tháng 3"},
        files={"file": upload("bao-cao.exe", EXE)},
        with_figures=False,
    )
    assert not form.is_valid() and "not an accepted document" in str(form.errors["file"])
    ok = SubmissionForm(
        data={"narrative": "Tháng 3"},
        files={"file": upload("bao-cao.pdf", PDF)},
        with_figures=False,
    )
    assert ok.is_valid(), ok.errors


@pytest.fixture
def office(client, secretariat):
    client.force_login(secretariat)
    return client


def register(office, **fields):
    data = {
        "number": "189/TB-VPUBND",
        "doc_type": "TB",
        "subject": "Kết luận sơ kết 9 tháng",
        "issued_on": "07/10/2020",
        "text": "",
        **fields,
    }
    return office.post(reverse("directives:create"), data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encode",
    [lambda t: t.encode("utf-16"), cp1258, lambda t: t.encode("utf-8"), docx_bytes],
    ids=["utf-16", "cp1258", "utf-8", "docx"],
)
def test_a_directive_file_in_an_office_encoding_gives_its_text(office, encode):
    name = "tb.docx" if encode is docx_bytes else "tb.txt"
    response = register(office, files=[upload(name, encode(TEXT))])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Directive.objects.get().text.strip() == TEXT.strip()


@pytest.mark.django_db
def test_an_undecodable_directive_file_is_refused_with_a_message(office):
    response = register(
        office,
        files=[
            upload("tb.txt", "Công an tỉnh".encode("koi8-r", "replace") + bytes(range(128, 200)))
        ],
    )
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    assert not Directive.objects.exists()


@pytest.mark.django_db
def test_directive_text_is_capped(office, settings):
    settings.DIRECTIVE_TEXT_MAX_CHARS = 1000
    response = register(office, text="Nhiệm vụ. " * 200)
    assert response.status_code == 200 and "at most 1,000" in response.content.decode()
    assert not Directive.objects.exists()


@pytest.fixture(scope="module")
def national():
    return load_directory(SAMPLES / "committees" / "NATIONAL.json")


def test_the_breakdown_reads_at_most_its_cap_and_says_so(national):
    sample = (SAMPLES / "103_vpcp_tb_ket_luan.txt").read_text(encoding="utf-8")
    huge = (sample * (5_000_000 // len(sample) + 1))[:5_000_000]
    started = time.monotonic()
    breakdown = propose_tasks(huge, national)
    assert time.monotonic() - started < 10
    assert breakdown.tasks
    assert (
        "quá giới hạn" in breakdown.stopped
        and f"{MAX_TEXT_CHARS:,}".replace(",", ".") in breakdown.stopped
    )
    assert breakdown.to_dict()["stopped"] == breakdown.stopped


def test_the_breakdown_stops_at_its_time_budget_and_says_where(national):
    sample = (SAMPLES / "103_vpcp_tb_ket_luan.txt").read_text(encoding="utf-8")
    breakdown = propose_tasks(sample, national, time_budget=0)
    assert breakdown.tasks == [] and breakdown.stopped.startswith("Dừng sau 0 giây")
    full = propose_tasks(sample, national)
    assert full.tasks and not full.stopped and "stopped" not in full.to_dict()

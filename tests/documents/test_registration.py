"""Registering a directive from its file, correcting it on its edit page, and the register
warning about a directive it may already hold (issue 15)."""

import datetime as dt
import io
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from documents import extraction, ocr
from documents.actions import register_directive, update_directive
from documents.duplicates import possible_duplicates
from documents.models import Directive, DirectiveEvent
from project.errors import ActionError
from tests.factories import UserFactory

from .files import docx_of

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "data" / "directives" / "texts"
KIEN_GIANG = (SEEDS / "kg-tb-2020-10-07.txt").read_text(encoding="utf-8")
QD_14 = (SEEDS / "qg-qd-14-news.txt").read_text(encoding="utf-8")
TB_381 = (SEEDS / "qg-tb-381-2024-news.txt").read_text(encoding="utf-8")
FONT = Path(settings.BASE_DIR) / "exports" / "fonts" / "LiberationSerif-Regular.ttf"


@pytest.fixture
def office(client, secretariat):
    client.force_login(secretariat)
    return client


def pdf_of(lines: list[str]) -> bytes:
    """A PDF with a text layer (Vietnamese glyphs from the shipped font); no lines: a 'scan'."""
    pdfmetrics.registerFont(TTFont("LiberationSerif", str(FONT)))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("LiberationSerif", 11)
    y = 800
    for line in lines:
        page.drawString(40, y, line)
        y -= 16
    if not lines:
        page.rect(40, 400, 300, 200, fill=1)  # an image-like page, no text
    page.showPage()
    page.save()
    return out.getvalue()


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


# ---- the text comes from the file


def test_a_docx_gives_the_directive_its_text_and_the_propose_button(office):
    response = register(
        office, files=[SimpleUploadedFile("tb-kien-giang.docx", docx_of(KIEN_GIANG))]
    )
    directive = Directive.objects.get()
    assert response.url == reverse("directives:breakdown", args=[directive.pk])
    assert "hoàn chỉnh báo cáo" in directive.text
    assert directive.attachments.get().name == "tb-kien-giang.docx"
    editor = office.get(response.url).content.decode()
    assert reverse("directives:propose", args=[directive.pk]) in editor
    assert "has not been entered" not in editor


def test_a_pdf_with_a_text_layer_gives_the_directive_its_text(office):
    lines = ["THÔNG BÁO", "1. Công an tỉnh chủ trì kiểm tra hàng nhập lậu qua biên giới."]
    register(office, files=[SimpleUploadedFile("tb.pdf", pdf_of(lines))])
    assert "Công an tỉnh chủ trì kiểm tra" in Directive.objects.get().text


def test_a_scan_is_registered_and_the_office_is_sent_to_add_the_text(office):
    response = register(office, files=[SimpleUploadedFile("ban-quet.pdf", pdf_of([]))])
    directive = Directive.objects.get()
    assert directive.text == "" and directive.attachments.count() == 1
    assert response.url == reverse("directives:edit", args=[directive.pk])
    page = office.get(response.url).content.decode()
    assert "No text could be read from “ban-quet.pdf”" in page
    assert "ban-quet.pdf" in page  # the file already attached is listed


def png_page() -> bytes:
    out = io.BytesIO()
    Image.new("L", (200, 100), 255).save(out, format="PNG")
    return out.getvalue()


OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # an OLE (Word 97) file


def test_a_scan_or_doc_this_server_cannot_read_is_kept_and_the_office_told_why(
    office, settings, monkeypatch
):
    # The same reader as the e-government import: without Tesseract or antiword/LibreOffice,
    # the same sentences say what to install, and the files are kept.
    settings.TESSERACT_CMD = "tesseract-that-is-not-installed"
    monkeypatch.setattr(extraction, "doc_reader", lambda: None)
    response = register(
        office,
        files=[
            SimpleUploadedFile("trang-1.png", png_page()),
            SimpleUploadedFile("cu.doc", OLD_WORD),
        ],
    )
    directive = Directive.objects.get()
    assert directive.text == "" and directive.attachments.count() == 2
    page = office.get(response.url).content.decode()
    assert "Tesseract OCR is not installed" in page
    assert "cannot be read on this server (install antiword or LibreOffice)" in page
    assert "No text could be read from “trang-1.png”" in page


def test_the_register_page_says_before_the_upload_what_this_server_cannot_read(
    office, settings, monkeypatch
):
    page = office.get(reverse("directives:create")).content.decode()
    assert page.count("data-cannot-read") == len(extraction.cannot_read_here())
    settings.TESSERACT_CMD = "tesseract-that-is-not-installed"
    monkeypatch.setattr(extraction, "doc_reader", lambda: None)
    page = office.get(reverse("directives:create")).content.decode()
    assert page.count("data-cannot-read") == 2
    assert "Tesseract OCR is not installed" in page
    assert "cannot be read on this server (install antiword or LibreOffice)" in page


def test_a_scan_is_read_by_ocr_where_it_can_be_and_the_office_asked_to_check_it(
    office, monkeypatch
):
    monkeypatch.setattr(ocr, "unavailable", lambda: "")
    monkeypatch.setattr(ocr, "read_image_bytes", lambda data, name: ["THÔNG BÁO", KIEN_GIANG])
    response = register(office, files=[SimpleUploadedFile("trang-1.png", png_page())])
    directive = Directive.objects.get()
    assert "hoàn chỉnh báo cáo" in directive.text
    assert response.url == reverse("directives:breakdown", args=[directive.pk])
    page = office.get(response.url).content.decode()
    assert "The text of “trang-1.png” was read by OCR: check it against the scan" in page


def test_a_word_file_is_read_before_an_image_chosen_first(office, monkeypatch):
    def no_ocr(data: bytes, name: str) -> list[str]:
        raise AssertionError("the image is not read when the Word file gives the text")

    monkeypatch.setattr(ocr, "unavailable", lambda: "")
    monkeypatch.setattr(ocr, "read_image_bytes", no_ocr)
    register(
        office,
        files=[
            SimpleUploadedFile("phu-luc.png", png_page()),
            SimpleUploadedFile("tb.docx", docx_of(KIEN_GIANG)),
        ],
    )
    assert "hoàn chỉnh báo cáo" in Directive.objects.get().text


def test_registering_the_same_draft_again_sends_to_its_edit_page_not_a_refusal(office):
    register(office, files=[SimpleUploadedFile("ban-quet.pdf", pdf_of([]))])
    first = Directive.objects.get()
    again = register(office, files=[SimpleUploadedFile("tb.docx", docx_of(KIEN_GIANG))])
    html = again.content.decode()
    assert again.status_code == 200
    assert Directive.objects.count() == 1
    edit = reverse("directives:edit", args=[first.pk])
    assert f'href="{edit}"' in html and "Open its edit page" in html
    # On the edit page the file gives the text; the history says what changed.
    saved = office.post(
        edit,
        {
            "number": "189/TB-VPUBND",
            "doc_type": "TB",
            "subject": "Kết luận sơ kết 9 tháng",
            "issued_on": "07/10/2020",
            "text": "",
            "files": [SimpleUploadedFile("tb.docx", docx_of(KIEN_GIANG))],
        },
    )
    first.refresh_from_db()
    assert saved.url == reverse("directives:breakdown", args=[first.pk])
    assert "hoàn chỉnh báo cáo" in first.text
    assert first.attachments.count() == 2
    entry = DirectiveEvent.objects.filter(directive=first, kind="edited").get()
    assert "full text" in entry.note and "tb.docx" in entry.note


def test_the_edit_page_changes_details_only_while_a_draft(office, committee, secretariat):
    directive = register_directive(
        committee, by=secretariat, subject="Kế hoạch", doc_type="KH", text="Nội dung."
    )
    edit = reverse("directives:edit", args=[directive.pk])
    office.post(
        edit,
        {
            "number": "15/KH-BCĐ389",
            "doc_type": "KH",
            "subject": "Kế hoạch cao điểm Tết",
            "issued_on": "02/01/2025",
            "text": "Nội dung đã sửa.",
        },
    )
    directive.refresh_from_db()
    assert (directive.number_symbol, directive.subject, directive.text) == (
        "15/KH-BCĐ389",
        "Kế hoạch cao điểm Tết",
        "Nội dung đã sửa.",
    )
    assert (
        "Edit details and text"
        in office.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    )
    Directive.objects.filter(pk=directive.pk).update(state="issued")
    assert office.get(edit).status_code == 403
    directive.refresh_from_db()
    with pytest.raises(ActionError, match="only while it is a draft"):
        update_directive(directive, by=secretariat, doc_type="KH", subject="Khác")
    directive.refresh_from_db()
    assert directive.subject == "Kế hoạch cao điểm Tết"


def test_an_agency_officer_cannot_edit_a_directive(client, committee, secretariat, officer):
    directive = register_directive(committee, by=secretariat, subject="Kế hoạch", doc_type="KH")
    client.force_login(officer)
    assert client.get(reverse("directives:edit", args=[directive.pk])).status_code in (403, 404)


# ---- duplicates: warned, with a link; refused only for the same number in the same year


def test_same_number_in_the_same_year_is_refused_with_a_link(office, committee, secretariat):
    existing = register_directive(
        committee,
        by=secretariat,
        number="189/TB-VPUBND",
        doc_type="TB",
        subject="Kết luận",
        issued_on=dt.date(2020, 10, 7),
    )
    other = UserFactory(username="vanphong2", role="secretariat", committee=committee)
    office.force_login(other)
    response = register(office)
    assert response.status_code == 200 and Directive.objects.count() == 1
    assert f"/directives/{existing.pk}/" in response.content.decode()


@pytest.mark.parametrize(
    "number, text, issued_on",
    [
        ("14/QĐ-BCĐ389", QD_14, ""),
        ("381/TB-VPCP", TB_381, ""),
    ],
    ids=["14/QĐ-BCĐ389", "381/TB-VPCP"],
)
def test_the_demo_directives_without_a_date_are_recognised_by_number(
    office, committee, secretariat, number, text, issued_on
):
    existing = register_directive(
        committee, by=secretariat, number=number, subject="Bản demo", text=text
    )
    response = register(
        office,
        number=number,
        doc_type=number.split("/")[1].split("-")[0],
        issued_on="15/07/2024",
        text="",
    )
    html = response.content.decode()
    assert response.status_code == 200 and Directive.objects.count() == 1
    assert 'id="duplicates"' in html and "same number and symbol" in html
    assert f'href="/directives/{existing.pk}/edit/"' in html
    confirmed = register(
        office,
        number=number,
        doc_type=number.split("/")[1].split("-")[0],
        issued_on="15/07/2024",
        not_a_duplicate="on",
    )
    assert confirmed.status_code == 302 and Directive.objects.count() == 2


def test_the_kien_giang_notice_without_a_number_is_recognised_by_its_text(
    office, committee, secretariat
):
    demo = register_directive(
        committee, by=secretariat, doc_type="TB", subject="Kết luận 9 tháng", text=KIEN_GIANG
    )
    # The same notice from the seed file, re-typed: other line breaks and spacing, a typo.
    retyped = KIEN_GIANG.replace("\n\n", "\n").replace("  ", " ").replace("Hà Tiên", "Hà  Tiên")
    retyped = retyped.replace("tiếp thu ý kiến", "tiếp thu các ý kiến")
    response = register(office, number="", text=retyped)
    html = response.content.decode()
    assert Directive.objects.count() == 1
    assert 'id="duplicates"' in html and f'href="/directives/{demo.pk}/edit/"' in html
    assert "alike" in html
    # The pasted text is still there for the second try.
    assert "hoàn chỉnh báo cáo" in html


def test_different_directives_are_not_flagged(committee, secretariat):
    register_directive(committee, by=secretariat, doc_type="TB", subject="KG", text=KIEN_GIANG)
    register_directive(committee, by=secretariat, doc_type="QĐ", subject="14", text=QD_14)
    assert possible_duplicates(committee, number="382/TB-VPCP", text=TB_381) == []
    # …and a directive is never its own duplicate on its edit page.
    kg = Directive.objects.get(subject="KG")
    assert possible_duplicates(committee, text=KIEN_GIANG, exclude_pk=kg.pk) == []


def test_the_text_comparison_reads_a_bounded_number_of_directives(
    committee, secretariat, django_assert_max_num_queries
):
    for n in range(30):
        register_directive(
            committee, by=secretariat, doc_type="TB", subject=f"KG {n}", text=KIEN_GIANG + str(n)
        )
    with django_assert_max_num_queries(2):
        found = possible_duplicates(committee, text=KIEN_GIANG)
    assert len(found) == 30


def test_unrelated_directives_of_the_same_length_are_told_apart_cheaply(
    committee, secretariat, monkeypatch
):
    # Two unrelated notices share nearly the same letters, so a character-level bound lets
    # them through and the full comparison (0.6 s per directive of 4,000 characters) would
    # run for every one of the 300 candidates: minutes for one registration. Word by word,
    # the cheap bound already tells them apart.
    size = min(len(KIEN_GIANG), len(TB_381), len(QD_14))
    for n, text in enumerate((TB_381[:size], QD_14[:size])):
        register_directive(committee, by=secretariat, doc_type="TB", subject=f"{n}", text=text)
    full_comparisons = []
    original = SequenceMatcher.ratio
    monkeypatch.setattr(
        SequenceMatcher, "ratio", lambda self: full_comparisons.append(1) or original(self)
    )
    assert possible_duplicates(committee, text=KIEN_GIANG[:size]) == []
    assert full_comparisons == []

"""Digital signatures out: an issued urging letter signed (PAdES, pyHanko) with certificates of
the test's own CA, verified as valid and unchanged; one changed byte fails verification."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from chasing.urging import issue_urging_letter
from egov import signing
from egov.edxml import parse_package
from egov.intake import import_package
from egov.models import AttachmentSignature, SignedLetter, SigningCredential, TrustedRoot
from egov.outgoing import consolidated_package, letter_package
from egov.verify import verify_pdf
from project.errors import ActionError, ActionForbidden
from tasks.deadlines import VIETNAM
from tests.factories import AgencyFactory, CommitteeFactory

from .conftest import PDF_TYPE, edxml_package
from .pki import make_authority

NOW = dt.datetime(2021, 1, 15, 9, 0, tzinfo=VIETNAM)
PASSWORD = "mật-khẩu-ký-số"


@pytest.fixture(scope="module")
def ca():
    return make_authority()


@pytest.fixture
def letter(make_task, committee, police, secretariat, chair):
    chair.full_name = "Nguyễn Đức Chín"
    chair.position = "Phó Chủ tịch UBND tỉnh, Trưởng ban"
    chair.save()
    make_task(deadline=dt.date(2020, 12, 31))
    return issue_urging_letter(committee, police, by=secretariat, now=NOW)


def _seal_png() -> bytes:
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    for x in range(200):
        for y in range(200):
            if 80**2 <= (x - 100) ** 2 + (y - 100) ** 2 <= 95**2:
                image.putpixel((x, y), (200, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def credentials(ca, committee):
    personal = signing.store_credential(
        SigningCredential(
            committee=committee,
            kind="personal",
            label="Chữ ký số Trưởng ban",
            holder_name="Nguyễn Đức Chín",
            holder_position="Trưởng ban",
        ),
        pkcs12_data=ca.issue_pkcs12("Nguyễn Đức Chín", "UBND tỉnh Kiên Giang", PASSWORD),
        password=PASSWORD,
        keep_password=False,
        seal_image=None,
        by=None,
    )
    organisation = signing.store_credential(
        SigningCredential(committee=committee, kind="organisation", label="Con dấu BCĐ 389"),
        pkcs12_data=ca.issue_pkcs12(
            "Ban Chỉ đạo 389 tỉnh Kiên Giang", "UBND tỉnh Kiên Giang", "dau"
        ),
        password="dau",
        keep_password=True,
        seal_image=_seal_png(),
        by=None,
    )
    return SimpleNamespace(personal=personal, organisation=organisation)


@pytest.fixture
def trusted(ca):
    return TrustedRoot.objects.create(
        name="CA thử nghiệm", certificate=ca.der, subject="CA", fingerprint="a" * 64
    )


def _sign(letter, secretariat, credentials, *, organisation=True):
    return signing.sign_urging_letter(
        letter,
        by=secretariat,
        personal=signing.SignAs(credentials.personal, PASSWORD),
        organisation=signing.SignAs(credentials.organisation) if organisation else None,
    )


def test_a_signed_letter_verifies_as_valid_unchanged_and_trusted(
    ca, letter, secretariat, credentials
):
    record = _sign(letter, secretariat, credentials)
    data = record.file.read()
    _review("urging_signed.pdf", data)
    reports = verify_pdf(data, roots=[signing_root(ca)])
    assert [r.signer for r in reports] == ["Nguyễn Đức Chín", "Ban Chỉ đạo 389 tỉnh Kiên Giang"]
    for report in reports:
        assert report.intact and report.unchanged and report.trusted, report.detail
        assert report.signed_at is not None
    assert reports[-1].covers_whole_file
    # The letter as issued is what was signed: its number and date are in it.
    text = " ".join((PdfReader(io.BytesIO(data)).pages[0].extract_text() or "").split())
    assert "Số: 01/BCĐ389-VP" in text
    assert record.signer == "Nguyễn Đức Chín"


def test_one_changed_byte_fails_verification(ca, letter, secretariat, credentials):
    data = _sign(letter, secretariat, credentials, organisation=False).file.read()
    index = data.index(b"ReportLab")
    changed = data[:index] + b"X" + data[index + 1 :]
    assert len(changed) == len(data) and changed != data
    reports = verify_pdf(changed, roots=[signing_root(ca)])
    assert len(reports) == 1
    assert not reports[0].intact
    assert not reports[0].ok


def test_a_certificate_from_an_unknown_root_is_not_trusted(letter, secretariat, credentials):
    data = _sign(letter, secretariat, credentials, organisation=False).file.read()
    other = make_authority("CA khác")
    (report,) = verify_pdf(data, roots=[signing_root(other)])
    assert report.intact and report.unchanged
    assert not report.trusted
    assert "does not chain to a trusted root" in report.detail


def test_the_visible_signature_sits_in_the_signature_block(letter, secretariat, credentials):
    data = _sign(letter, secretariat, credentials).file.read()
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[-1]
    boxes = {}
    for annotation in page.get("/Annots", []):
        annotation = annotation.get_object()
        if annotation.get("/FT") == "/Sig":
            boxes[annotation["/T"]] = [float(v) for v in annotation["/Rect"]]
    signer = boxes[signing.SIGNER_FIELD]
    width = float(page.mediabox.width)
    assert signer[0] > width / 2 - 20  # the right-hand column, where the signer's block is
    name_y = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, font, size: (
            name_y.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
            if text.strip() == "Nguyễn Đức Chín"
            else None
        )
    )
    # Between the signer's title and name: above the name, within the 28 mm left for it.
    assert name_y and min(name_y) < signer[1] < signer[3] < min(name_y) + 30 * 72 / 25.4
    seal = boxes[signing.ORGANISATION_FIELD]
    assert seal[0] < signer[0] < seal[2]  # the seal over the left part of the signature


def test_the_password_is_never_stored_in_plain_text(credentials, settings):
    personal, organisation = credentials.personal, credentials.organisation
    assert bytes(personal.password_token) == b""
    token = bytes(organisation.password_token)
    assert token and b"dau" not in token
    assert signing.open_password(token) == "dau"
    settings.SECRET_KEY = "another key"
    with pytest.raises(ActionError, match="can no longer be read"):
        signing.open_password(token)


def test_without_the_password_or_with_a_wrong_one_nothing_is_signed(
    letter, secretariat, credentials
):
    with pytest.raises(ActionError, match="Enter the password"):
        signing.sign_urging_letter(
            letter, by=secretariat, personal=signing.SignAs(credentials.personal, "")
        )
    with pytest.raises(ActionError, match="is not right"):
        signing.sign_urging_letter(
            letter, by=secretariat, personal=signing.SignAs(credentials.personal, "sai")
        )
    assert not SignedLetter.objects.exists()


def test_a_letter_is_signed_once_and_only_by_the_standing_office(
    letter, secretariat, officer, chair, credentials
):
    with pytest.raises(ActionForbidden):
        _sign(letter, officer, credentials)
    with pytest.raises(ActionForbidden):
        _sign(letter, chair, credentials)
    first = _sign(letter, secretariat, credentials)
    stored = first.file.read()
    with pytest.raises(ActionError, match="already signed"):
        _sign(letter, secretariat, credentials)
    first.refresh_from_db()
    assert first.file.read() == stored  # the letter of record is never made again


def test_an_expired_certificate_cannot_sign(ca, letter, secretariat, committee):
    expired = signing.store_credential(
        SigningCredential(committee=committee, kind="personal", label="Hết hạn"),
        pkcs12_data=ca.issue_pkcs12("Người ký", "UBND", PASSWORD, days=-1),
        password=PASSWORD,
        keep_password=False,
        seal_image=None,
        by=None,
    )
    with pytest.raises(ActionError, match="expired"):
        signing.sign_urging_letter(
            letter, by=secretariat, personal=signing.SignAs(expired, PASSWORD)
        )


def test_a_wrong_password_is_refused_at_upload(ca, committee):
    with pytest.raises(ActionError, match="cannot be opened"):
        signing.store_credential(
            SigningCredential(committee=committee, kind="personal", label="x"),
            pkcs12_data=ca.issue_pkcs12("A", "B", PASSWORD),
            password="sai",
            keep_password=False,
            seal_image=None,
            by=None,
        )


def test_signing_from_the_letter_page_shows_the_signature_panel(
    client, letter, secretariat, credentials, trusted
):
    client.force_login(secretariat)
    page = client.get(reverse("egov:letter", args=[letter.pk]))
    assert page.status_code == 200 and b"data-sign-letter" in page.content
    response = client.post(
        reverse("egov:sign_letter", args=[letter.pk]),
        {
            "personal": credentials.personal.pk,
            "personal_password": PASSWORD,
            "organisation": credentials.organisation.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = page.content.decode()
    assert 'data-signed="yes"' in body
    assert body.count('data-signature-ok="yes"') == 2
    assert "Valid: the document has not been changed since it was signed." in body
    assert "data-sign-letter" not in body  # signed once
    download = client.get(reverse("egov:signed_pdf", args=[letter.pk]))
    assert b"".join(download.streaming_content) == SignedLetter.objects.get().file.read()


def test_the_letter_page_puts_authority_title_and_name_on_their_own_lines(
    client, letter, secretariat
):
    """As in the letter's signature block; run together they read as one long name."""
    client.force_login(secretariat)
    body = client.get(reverse("egov:letter", args=[letter.pk])).content.decode()
    assert f"{letter.authority}<br>{letter.signer_title}<br>" in body


def test_the_letter_list_is_bounded(client, django_assert_max_num_queries, letter, secretariat):
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("egov:letters"))
    assert letter.number_symbol in page.content.decode()


def test_a_wrong_password_on_the_page_is_said_and_nothing_signed(
    client, letter, secretariat, credentials
):
    client.force_login(secretariat)
    response = client.post(
        reverse("egov:sign_letter", args=[letter.pk]),
        {"personal": credentials.personal.pk, "personal_password": "sai"},
    )
    assert response.status_code == 200
    assert "is not right" in response.content.decode()
    assert not SignedLetter.objects.exists()


# ---- edXML out, and signatures in


def test_the_signed_letter_goes_out_as_edxml_and_comes_back_in(
    ca, letter, secretariat, credentials, committee, police, trusted
):
    standing = AgencyFactory(code="KG-SCT", name="Sở Công Thương", organ_id="000.31.01.H33")
    committee.standing_agency = standing
    committee.save()
    with pytest.raises(ActionError, match="has no organisation identifier"):
        _sign(letter, secretariat, credentials) and letter_package(letter)
    police.organ_id = "000.31.05.H33"
    police.save()
    letter.refresh_from_db()
    package = letter_package(letter)
    parsed = parse_package(package, max_bytes=10**7, max_attachment_bytes=10**7)
    assert parsed.sender.organ_id == "000.31.01.H33"
    assert [r.organ_id for r in parsed.recipients] == ["000.31.05.H33"]
    assert parsed.attachments[0].data == SignedLetter.objects.get().file.read()

    # The police's own committee receives it through the importer.
    receiver = CommitteeFactory(code="bcd-ca")
    from tests.factories import UserFactory

    clerk = UserFactory(username="vanthu.ca", role="secretariat", committee=receiver)
    directive = import_package(package, receiver, by=clerk)
    assert directive.number_symbol == "01/BCĐ389-VP"
    assert directive.doc_type == "CV"
    assert directive.issued_on == dt.date(2021, 1, 15)
    assert directive.subject == "V/v đôn đốc thực hiện các nhiệm vụ quá hạn"
    assert directive.intake.sender_agency == standing
    assert "đôn đốc" in directive.text
    # Signatures in: the PDF's two signatures, verified on arrival.
    found = list(AttachmentSignature.objects.filter(attachment__directive=directive))
    assert [s.signer for s in found] == ["Nguyễn Đức Chín", "Ban Chỉ đạo 389 tỉnh Kiên Giang"]
    assert all(s.intact and s.unchanged and s.trusted for s in found)


def test_a_received_signed_pdf_shows_its_signatures_on_the_directive_page(
    client, ca, letter, secretariat, credentials, committee, trusted
):
    signed = _sign(letter, secretariat, credentials, organisation=False).file.read()
    index = signed.index(b"ReportLab")
    tampered = signed[:index] + b"X" + signed[index + 1 :]
    package = edxml_package(
        [("a-signed.pdf", PDF_TYPE, signed), ("b-tampered.pdf", PDF_TYPE, tampered)],
        document_id="x-1",
    )
    directive = import_package(package, committee, by=secretariat)
    client.force_login(secretariat)
    body = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert "Digital signatures" in body
    assert body.count('data-signature-ok="yes"') == 1
    assert body.count('data-signature-ok="no"') == 1
    assert "Nguyễn Đức Chín" in body
    assert "Invalid: the signed content does not match the signature." in body


def _review(name: str, data: bytes) -> None:
    """With PDF_REVIEW_DIR set, keep the signed PDF to look at by hand."""
    import os
    from pathlib import Path

    folder = os.environ.get("PDF_REVIEW_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


def signing_root(authority):
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(authority.der)


def test_who_sees_a_letters_signature_page(
    client, letter, secretariat, chair, officer, credentials
):
    from tests.factories import UserFactory

    stranger = UserFactory(username="vp.khac", role="secretariat", committee=CommitteeFactory())
    expected = {secretariat: (200, True), chair: (200, False), officer: (200, False)}
    for user, (status, can_sign) in expected.items():
        client.force_login(user)
        page = client.get(reverse("egov:letter", args=[letter.pk]))
        assert page.status_code == status, user
        assert (b"data-sign-letter" in page.content) is can_sign, user
    client.force_login(stranger)
    assert client.get(reverse("egov:letter", args=[letter.pk])).status_code == 404
    assert client.get(reverse("egov:signed_pdf", args=[letter.pk])).status_code == 404
    client.force_login(officer)
    response = client.post(
        reverse("egov:sign_letter", args=[letter.pk]),
        {"personal": credentials.personal.pk, "personal_password": PASSWORD},
    )
    assert response.status_code == 403
    assert not SignedLetter.objects.exists()


def test_the_urging_page_links_each_issued_letter_to_its_signature_page(
    client, letter, secretariat, police
):
    client.force_login(secretariat)
    page = client.get(reverse("directives:urging_letter", args=[police.code]))
    assert reverse("egov:letter", args=[letter.pk]) in page.content.decode()


def test_a_signed_pdf_uploaded_on_the_register_form_is_verified_too(
    client, letter, secretariat, credentials, trusted
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Directive

    signed = _sign(letter, secretariat, credentials, organisation=False).file.read()
    client.force_login(secretariat)
    client.post(
        reverse("directives:create"),
        {
            "number": "189/TB-VPUBND",
            "doc_type": "TB",
            "subject": "Thông báo kết luận (bản ký số)",
            "issued_on": "07/10/2020",
            "text": "Nội dung thông báo",
            "files": [SimpleUploadedFile("tb-189.pdf", signed, "application/pdf")],
        },
    )
    directive = Directive.objects.get(number=189)
    (found,) = AttachmentSignature.objects.filter(attachment__directive=directive)
    assert found.signer == "Nguyễn Đức Chín" and found.ok
    body = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert 'data-signature-ok="yes"' in body


def test_the_consolidated_report_goes_up_signed_as_edxml(
    client, ca, committee, secretariat, credentials, police
):
    national = CommitteeFactory(code="bcd389-qg", name="Ban Chỉ đạo 389 quốc gia", level="national")
    national.standing_agency = AgencyFactory(
        code="VPTT", name="Văn phòng Thường trực", organ_id="000.00.00.G22"
    )
    national.save()
    client.force_login(secretariat)
    url = reverse("egov:consolidated")
    assert b"data-send-report" in client.get(url).content
    body = {"personal": credentials.personal.pk, "personal_password": PASSWORD}
    refused = client.post(url, body)
    assert "has no organisation identifier" in refused.content.decode()
    committee.parent = national
    committee.standing_agency = AgencyFactory(code="KG-SCT", organ_id="000.31.01.H33")
    committee.save()
    response = client.post(url, body)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    package = parse_package(response.content, max_bytes=10**7, max_attachment_bytes=10**7)
    assert [r.organ_id for r in package.recipients] == ["000.00.00.G22"]
    assert package.sender.organ_id == "000.31.01.H33"
    assert package.doc_type == "BC"
    _review("consolidated_signed.pdf", package.attachments[0].data)
    (report,) = verify_pdf(package.attachments[0].data, roots=[signing_root(ca)])
    assert report.ok and report.signer == "Nguyễn Đức Chín"
    client.force_login(officer_of(police))
    assert client.get(url).status_code == 403


def test_an_expired_certificate_cannot_sign_the_consolidated_report(ca, committee, secretariat):
    # The report is checked as a letter is (signing.check_signers), not only for whose it is.
    national = CommitteeFactory(code="bcd389-qg", name="Ban Chỉ đạo 389 quốc gia", level="national")
    national.standing_agency = AgencyFactory(code="VPTT", organ_id="000.00.00.G22")
    national.save()
    committee.parent = national
    committee.standing_agency = AgencyFactory(code="KG-SCT", organ_id="000.31.01.H33")
    committee.save()
    expired = signing.store_credential(
        SigningCredential(committee=committee, kind="personal", label="Hết hạn"),
        pkcs12_data=ca.issue_pkcs12("Người ký", "UBND", PASSWORD, days=-1),
        password=PASSWORD,
        keep_password=False,
        seal_image=None,
        by=None,
    )
    with pytest.raises(ActionError, match="expired"):
        consolidated_package(committee, by=secretariat, personal=signing.SignAs(expired, PASSWORD))


def officer_of(agency):
    from tests.factories import UserFactory

    return UserFactory(username="cb.x", role="agency_officer", committee=None, agency=agency)

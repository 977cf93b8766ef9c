"""edXML in: a package from the exchange becomes a draft directive with its files, its text and
its proposed tasks; a broken package is refused with the reason and leaves nothing behind."""

import base64
import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents.models import Directive, DirectiveAttachment
from documents.views import proposals_for
from egov.edxml import EdxmlError, parse_package
from egov.intake import import_package
from egov.models import Intake
from project.errors import ActionError, ActionForbidden
from tests.factories import AgencyFactory, MembershipFactory

from .conftest import DOCX_TYPE, PDF_TYPE, docx_of, edxml_package, pdf_of, seed_text

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_attachment_bytes": 5 * 1024 * 1024}


@pytest.fixture
def kg_members(committee, police, border_guard):
    """Members the seed's tasks name, so the breakdown resolves them."""
    for code, name, short in [
        ("KG-SCT", "Sở Công Thương tỉnh Kiên Giang", "Sở Công Thương"),
        ("KG-HQ", "Cục Hải quan tỉnh Kiên Giang", "Cục Hải quan tỉnh"),
        ("KG-QLTT", "Cục Quản lý thị trường tỉnh Kiên Giang", "Cục QLTT"),
    ]:
        MembershipFactory(
            committee=committee, agency=AgencyFactory(code=code, name=name, short_name=short)
        )


def test_parser_reads_the_header_the_manifest_and_the_attachments(seed_package):
    package = parse_package(seed_package, **LIMITS)
    assert package.sender.organ_id == "000.00.31.H33"
    assert package.recipients[0].organ_id == "000.31.01.H33"
    assert package.number_symbol == "245/TB-VPUBND"
    assert package.promulgation_date == dt.date(2020, 10, 7)
    assert package.doc_type == "TB"
    assert package.signer_name == "Trần Văn Bình"
    assert package.due_date == dt.date(2020, 12, 31)
    assert [a.name for a in package.attachments] == ["245-TB-VPUBND.pdf", "245-TB-VPUBND.docx"]
    assert package.attachments[0].data.startswith(b"%PDF-")
    assert package.attachments[1].data.startswith(b"PK")


def test_import_registers_the_directive_with_files_text_and_proposed_tasks(
    committee, secretariat, kg_members, seed_package
):
    directive = import_package(seed_package, committee, by=secretariat)

    directive.refresh_from_db()
    assert directive.number_symbol == "245/TB-VPUBND"
    assert directive.doc_type == "TB"
    assert directive.issued_on == dt.date(2020, 10, 7)
    assert directive.issuer_name == "Ủy ban nhân dân tỉnh Kiên Giang"
    assert directive.signer_name == "Trần Văn Bình"
    assert directive.subject.startswith("Kết luận của Trưởng Ban Chỉ đạo 389")
    assert directive.state == "draft"
    names = sorted(directive.attachments.values_list("name", flat=True))
    assert names == ["245-TB-VPUBND.docx", "245-TB-VPUBND.pdf"]
    pdf = directive.attachments.get(name="245-TB-VPUBND.pdf")
    assert pdf.file.read().startswith(b"%PDF-")
    # The text comes from the main attachment (the PDF, first in the manifest).
    assert "Cục Quản lý thị trường" in directive.text
    intake = Intake.objects.get(directive=directive)
    assert intake.text_origin == "pdf"
    assert intake.text_attachment == pdf
    assert intake.sender_organ_id == "000.00.31.H33"

    rows, _unmatched, _stopped = proposals_for(directive)
    assert len(rows) >= 10  # seed 003 has 12 numbered tasks
    assert any("hàng giả" in row["content"] for row in rows)


def test_the_upload_on_the_register_page_opens_the_breakdown_editor(
    client, committee, secretariat, kg_members, seed_package
):
    client.force_login(secretariat)
    register = client.get(reverse("directives:index"))
    assert reverse("egov:import") in register.content.decode()
    page = client.get(reverse("egov:import"))
    assert page.status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("egov:import"),
        {"file": SimpleUploadedFile("goi-tin.xml", seed_package, "application/xml")},
    )
    directive = Directive.objects.get(number=245)
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:propose", args=[directive.pk])
    editor = client.get(response["Location"])
    assert editor.status_code == 200
    body = editor.content.decode()
    assert "Cục Quản lý thị trường" in body
    assert "edXML" in body  # the editor says where the text came from


def test_the_import_page_picker_speaks_the_page_language(client, committee, secretariat):
    """The browser's own file button says "Choose File" on a Vietnamese page; ours is in gettext."""
    client.force_login(secretariat)
    body = client.get(reverse("egov:import"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "dd-file__button" in body and "dd-file__input" in body


def test_the_command_imports_a_package_file(committee, kg_members, seed_package, tmp_path):
    path = tmp_path / "goi-tin.edxml"
    path.write_bytes(seed_package)
    call_command("import_edxml", str(path), "--committee", committee.code)
    directive = Directive.objects.get(number=245)
    assert directive.attachments.count() == 2
    assert directive.created_by is None


def test_the_command_finds_the_committee_by_the_recipients_organisation_id(
    committee, seed_package, tmp_path
):
    from tests.factories import CommitteeFactory

    CommitteeFactory(code="another")  # two committees: the package must say which
    standing = AgencyFactory(code="KG-SCT", organ_id="000.31.01.H33")
    committee.standing_agency = standing
    committee.save()
    path = tmp_path / "goi-tin.xml"
    path.write_bytes(seed_package)
    call_command("import_edxml", str(path))
    assert Directive.objects.get(number=245).committee == committee


def test_a_package_is_imported_once(committee, secretariat, seed_package):
    import_package(seed_package, committee, by=secretariat)
    with pytest.raises(ActionError, match="already been imported"):
        import_package(seed_package, committee, by=secretariat)
    assert Directive.objects.count() == 1


def test_an_agency_cannot_import(committee, officer, seed_package):
    with pytest.raises(ActionForbidden):
        import_package(seed_package, committee, by=officer)
    assert Directive.objects.count() == 0


def test_the_sender_resolves_to_an_agency_by_its_organisation_id(
    committee, secretariat, seed_package
):
    province = AgencyFactory(code="KG-UBND", name="UBND tỉnh Kiên Giang", organ_id="000.00.31.H33")
    directive = import_package(seed_package, committee, by=secretariat)
    assert directive.intake.sender_agency == province


def test_a_gateway_zipped_attachment_is_unwrapped(committee, secretariat):
    import io
    import zipfile

    wrapped = io.BytesIO()
    with zipfile.ZipFile(wrapped, "w") as archive:
        archive.writestr("3f2a.pdf", pdf_of(seed_text()))
    package = edxml_package([("thong-bao.pdf", PDF_TYPE, wrapped.getvalue())])
    directive = import_package(package, committee, by=secretariat)
    assert directive.attachments.get().file.read().startswith(b"%PDF-")
    assert "hàng giả" in directive.text


BILLION_LAUGHS = """
<!DOCTYPE edXML [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>"""


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"raw_payload": {"a.pdf": "JVBERi0x%%%not-base64"}}, "not valid base64"),
        ({"header": False}, "no edXMLHeader/MessageHeader"),
        ({"doctype": BILLION_LAUGHS}, "declares a DTD or XML entities"),
        ({"date": "07 tháng 10"}, "is not a date"),
        ({"subject": ""}, "has no subject"),
    ],
    ids=["bad-base64", "missing-header", "entity-expansion", "bad-date", "no-subject"],
)
def test_a_broken_package_is_refused_and_nothing_is_registered(
    committee, secretariat, change, reason
):
    package = edxml_package(
        [("a.pdf", PDF_TYPE, pdf_of("Thông báo")), ("b.docx", DOCX_TYPE, docx_of("x"))],
        **change,
    )
    with pytest.raises(ActionError, match=reason):
        import_package(package, committee, by=secretariat)
    assert Directive.objects.count() == 0
    assert DirectiveAttachment.objects.count() == 0
    assert Intake.objects.count() == 0


def test_too_big_a_package_and_too_big_an_attachment_are_refused(committee, secretariat, settings):
    settings.EDXML_MAX_MB = 1
    big = edxml_package([("a.pdf", PDF_TYPE, b"%PDF-1.4\n" + b"0" * (1024 * 1024))])
    with pytest.raises(ActionError, match="larger than 1 MB"):
        import_package(big, committee, by=secretariat)
    settings.EDXML_MAX_MB = 50
    settings.UPLOAD_MAX_FILE_MB = 1
    with pytest.raises(ActionError, match="“a.pdf” is larger than 1 MB"):
        import_package(big, committee, by=secretariat)
    assert Directive.objects.count() == 0


def test_an_attachment_that_is_not_what_its_name_says_is_refused(committee, secretariat):
    package = edxml_package([("a.pdf", PDF_TYPE, b"MZ\x90\x00 a program")])
    with pytest.raises(ActionError, match="not an accepted document"):
        import_package(package, committee, by=secretariat)
    assert Directive.objects.count() == 0


def test_a_listed_attachment_without_content_is_refused():
    package = edxml_package([("a.pdf", PDF_TYPE, b"%PDF-1.4")]).replace(
        b"<ContentId>cid:0</ContentId>", b"<ContentId>cid:9</ContentId>"
    )
    # cid:9 is not in the manifest: it is kept as an extra file, and cid:0 has no content.
    with pytest.raises(EdxmlError, match="does not carry its content"):
        parse_package(package, **LIMITS)


def test_not_edxml_is_refused():
    with pytest.raises(EdxmlError, match="not an edXML package"):
        parse_package(b"<?xml version='1.0'?><html><body/></html>", **LIMITS)
    with pytest.raises(EdxmlError, match="not well-formed"):
        parse_package(b"<edXML", **LIMITS)


@pytest.mark.vietnamese
def test_the_reason_is_given_in_vietnamese(committee, secretariat):
    from django.utils import translation

    package = edxml_package([("a.pdf", PDF_TYPE, b"%PDF")], raw_payload={"a.pdf": "@@@"})
    with translation.override("vi"), pytest.raises(ActionError) as error:
        import_package(package, committee, by=secretariat)
    assert "base64" in str(error.value.message)
    assert "hỏng" in str(error.value.message)
    assert base64  # the payload above is deliberately not base64

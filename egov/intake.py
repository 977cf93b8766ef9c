"""Directives that come in from outside: an edXML package from the document exchange, or a
scan / Word file. Each becomes a draft directive of the committee, with every file attached
(through the same upload checks as the register's form), its text read from the main file, the
signatures on its PDFs verified, and its flow started at the breakdown.

All or nothing: a package refused for any reason leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agencies import permissions as perms
from agencies.models import Agency, Committee, User
from documents import actions as directive_actions
from documents.extraction import (
    TEXT_SUFFIXES,
    Extracted,
    ExtractionRefused,
    TextOrigin,
    read_file,
)
from documents.models import Directive, DirectiveAttachment
from documents.numbers import InvalidDocumentNumber, parse_document_number
from project.errors import ActionError, ActionForbidden, atomic_action
from project.uploads import check_uploads
from workflows import services as workflow_services

from .edxml import EdxmlAttachment, EdxmlError, Package, parse_package
from .models import Intake, IntakeChannel

MB = 1024 * 1024


def package_limits() -> dict[str, int]:
    return {
        "max_bytes": settings.EDXML_MAX_MB * MB,
        "max_attachment_bytes": settings.UPLOAD_MAX_FILE_MB * MB,
    }


def _check_may_register(committee: Committee, by: User | None) -> None:
    if by is not None and not (perms.is_secretariat_of(by, committee.pk) or perms.is_admin(by)):
        raise ActionForbidden(_("Only the committee's standing office can register directives."))


def _uploads(files: Sequence[EdxmlAttachment]) -> list[SimpleUploadedFile]:
    uploads = [
        SimpleUploadedFile(attachment.name, attachment.data, attachment.content_type)
        for attachment in files
    ]
    try:
        return check_uploads(uploads)
    except ValidationError as error:
        raise ActionError(" ".join(error.messages)) from error


def main_file(files: Sequence[EdxmlAttachment]) -> EdxmlAttachment | None:
    """The document itself: the first file, in the manifest's order, that text can be read
    from (QCVN 102 lists the document before its appendices)."""
    for candidate in files:
        if PurePath(candidate.name).suffix.lower() in TEXT_SUFFIXES:
            return candidate
    return None


def _fit(extracted: Extracted) -> Extracted:
    limit = settings.DIRECTIVE_TEXT_MAX_CHARS
    if len(extracted.text) <= limit:
        return extracted
    note = _("Only the first %(limit)s characters of the text were kept.") % {"limit": limit}
    extracted.text = extracted.text[:limit]
    extracted.note = " ".join(filter(None, [extracted.note, note]))
    return extracted


def _number_fields(package: Package) -> tuple[str, str]:
    """The number to register ("" when the package's is not a valid number and symbol) and
    the directive's type."""
    doc_type = package.doc_type
    number = package.number_symbol
    if number:
        try:
            parsed = parse_document_number(number)
        except InvalidDocumentNumber:
            number = ""
        else:
            # The symbol's type code is what the register checks the type against.
            doc_type = parsed.doc_type if parsed.doc_type != "CV" else doc_type or "CV"
    return number, doc_type or "CV"


def _register(
    committee: Committee,
    *,
    by: User | None,
    number: str,
    doc_type: str,
    subject: str,
    issued_on: dt.date | None,
    issuer_name: str,
    signer_name: str,
    signer_title: str,
    files: Sequence[EdxmlAttachment],
    fallback_text: str = "",
) -> tuple[Directive, Extracted, list[DirectiveAttachment]]:
    uploads = _uploads(files)
    main = main_file(files)
    if main is not None:
        try:
            extracted = read_file(main.name, main.data)
        except ExtractionRefused as error:
            # The register form refuses such a file; a package is registered anyway, its file
            # kept, and the office types the text.
            extracted = Extracted("", TextOrigin.NONE, str(error))
    else:
        extracted = Extracted("", TextOrigin.NONE)
    if not extracted.text.strip() and fallback_text:
        extracted = Extracted(fallback_text, TextOrigin.PACKAGE, extracted.note)
    extracted = _fit(extracted)
    directive = directive_actions.register_directive(
        committee,
        by=by,
        number=number,
        doc_type=doc_type,
        subject=subject[:2000],
        issued_on=issued_on,
        issuer_name=issuer_name[:255],
        signer_name=signer_name[:150],
        signer_title=signer_title[:150],
        text=extracted.text,
        files=uploads,
        check_permission=by is not None,
    )
    # Their PDFs' signatures were verified as they were attached (egov.signals).
    attachments = list(directive.attachments.order_by("id"))
    workflow_services.start_directive_flow(directive)
    return directive, extracted, attachments


def _text_attachment(
    attachments: list[DirectiveAttachment], files: Sequence[EdxmlAttachment]
) -> DirectiveAttachment | None:
    main = main_file(files)
    if main is None:
        return None
    index = list(files).index(main)
    return attachments[index] if index < len(attachments) else None


@atomic_action
def import_package(data: bytes, committee: Committee, *, by: User | None) -> Directive:
    """Register the directive an edXML package carries; ActionError says why one is refused.

    `by=None` is an operator's command line (manage.py import_edxml)."""
    _check_may_register(committee, by)
    try:
        package = parse_package(data, **package_limits())
    except EdxmlError as error:
        raise ActionError(error.message) from error
    if (
        package.document_id
        and Intake.objects.filter(
            sender_organ_id=package.sender.organ_id, document_id=package.document_id
        ).exists()
    ):
        raise ActionError(
            _("This package (%(id)s from %(sender)s) has already been imported.")
            % {"id": package.document_id, "sender": package.sender.name or package.sender.organ_id}
        )
    sender_agency = (
        Agency.objects.filter(organ_id=package.sender.organ_id).first()
        if package.sender.organ_id
        else None
    )
    number, doc_type = _number_fields(package)
    directive, extracted, attachments = _register(
        committee,
        by=by,
        number=number,
        doc_type=doc_type,
        subject=package.subject,
        issued_on=package.promulgation_date,
        issuer_name=package.sender.name or (sender_agency.name if sender_agency else ""),
        signer_name=package.signer_name,
        signer_title=" ".join(filter(None, [package.signer_competence, package.signer_position])),
        files=package.attachments,
        fallback_text=package.content,
    )
    try:
        with transaction.atomic():
            Intake.objects.create(
                directive=directive,
                channel=IntakeChannel.EDXML,
                document_id=package.document_id,
                sender_organ_id=package.sender.organ_id,
                sender_name=package.sender.name[:255],
                sender_agency=sender_agency,
                due_date=package.due_date,
                text_origin=extracted.origin,
                text_attachment=_text_attachment(attachments, package.attachments),
                ocr_pages=extracted.ocr_pages,
                note=extracted.note,
                received_by=by,
            )
    except IntegrityError as error:  # the same package, imported at the same moment
        raise ActionError(_("This package has already been imported.")) from error
    return directive


@atomic_action
def import_scan(
    committee: Committee,
    *,
    by: User | None,
    name: str,
    data: bytes,
    subject: str,
    number: str = "",
    doc_type: str = "",
    issued_on: dt.date | None = None,
    issuer_name: str = "",
) -> Directive:
    """Register a directive from one file (a scanned PDF or image, a Word file), its text read
    by OCR where it has no text layer."""
    _check_may_register(committee, by)
    if not subject.strip():
        raise ActionError(_("Please enter the subject line (trích yếu)."))
    if number and not doc_type:
        try:
            doc_type = parse_document_number(number).doc_type
        except InvalidDocumentNumber as error:
            raise ActionError(str(error)) from error
    file = EdxmlAttachment(name=PurePath(name).name, data=data)
    directive, extracted, attachments = _register(
        committee,
        by=by,
        number=number,
        doc_type=doc_type or "CV",
        subject=subject.strip(),
        issued_on=issued_on,
        issuer_name=issuer_name,
        signer_name="",
        signer_title="",
        files=[file],
    )
    Intake.objects.create(
        directive=directive,
        channel=IntakeChannel.SCAN,
        text_origin=extracted.origin,
        text_attachment=attachments[0] if attachments else None,
        ocr_pages=extracted.ocr_pages,
        note=extracted.note,
        received_by=by,
    )
    return directive

"""edXML out: an issued, signed urging letter as a package for the document exchange,
addressed to the urged agency by its QCVN 102 organisation identifier, the signed PDF attached;
and the committee's consolidated report, signed as it is sent, addressed to the parent
committee's standing agency (reports go up the hierarchy)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Committee, User
from documents import permissions as directive_perms
from documents.models import UrgingLetter
from exports.pdf.consolidated import TITLE, build_consolidated
from exports.pdf.queries import parse_filters
from project.errors import ActionError, ActionForbidden

from . import signing
from .edxml import EdxmlAttachment, Organisation, Package, build_package
from .models import SignedLetter


def sender_of(letter: UrgingLetter) -> Organisation:
    committee = letter.committee
    standing = committee.standing_agency
    if standing is None or not standing.organ_id:
        raise ActionError(
            _(
                "The committee's standing agency has no organisation identifier (QCVN 102): the "
                "administrator enters it in the agency's record."
            )
        )
    return Organisation(organ_id=standing.organ_id, name=committee.name, in_charge=standing.name)


def letter_package(letter: UrgingLetter, *, now: dt.datetime | None = None) -> bytes:
    signed = SignedLetter.objects.filter(letter=letter).first()
    if signed is None:
        raise ActionError(_("Sign the letter first: the exchange carries the signed PDF."))
    agency = letter.agency
    if not agency.organ_id:
        raise ActionError(
            _(
                "%(agency)s has no organisation identifier (QCVN 102): the administrator enters "
                "it in the agency's record."
            )
            % {"agency": agency.name}
        )
    with signed.file.open("rb") as handle:
        data = handle.read()
    sender = sender_of(letter)
    package = Package(
        sender=sender,
        recipients=[Organisation(organ_id=agency.organ_id, name=agency.name)],
        document_id=f"{sender.organ_id},{letter.issued_on:%Y/%m/%d},{letter.number_symbol}",
        code_number=str(letter.number),
        code_notation=letter.symbol,
        place=letter.committee.place_name,
        promulgation_date=letter.issued_on,
        type_name="Công văn",
        subject=f"V/v {letter.subject}",
        content=letter.body[:4000],
        signer_competence=letter.authority,
        signer_position=letter.signer_title,
        signer_name=signed.signer,
        due_date=letter.reply_by,
        attachments=[
            EdxmlAttachment(
                name=f"{letter.number:02d}-{letter.symbol}.pdf",
                data=data,
                content_type="application/pdf",
                description=letter.subject,
            )
        ],
    )
    return build_package(package, now=now)


def consolidated_package(
    committee: Committee,
    *,
    by: User,
    personal: signing.SignAs,
    organisation: signing.SignAs | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The consolidated report as of now, signed by the standing office's certificates, in a
    package for the parent committee's standing agency. Nothing is stored: the report is
    made, signed and sent in one go (the exchange keeps the sent copy)."""
    if not directive_perms.can_issue_urging_letter(committee.pk, by):
        raise ActionForbidden(signing.NOT_PERMITTED)
    parent = committee.parent
    standing = parent.standing_agency if parent is not None else None
    if parent is None or standing is None or not standing.organ_id:
        raise ActionError(
            _(
                "The report goes to the parent committee's standing agency, which has no "
                "organisation identifier (QCVN 102) here: the administrator enters it."
            )
        )
    # The same checks as a letter's signing: an expired or retired certificate signs nothing.
    signing.check_signers(committee.pk, personal, organisation, now or timezone.now())
    filters = parse_filters(committee, {}, user=by, now=now)
    signed = signing.sign_pdf(
        build_consolidated(filters),
        personal=personal,
        organisation=organisation,
        signer_name=personal.credential.holder_name or personal.credential.label,
        signer_position=personal.credential.holder_position,
        organisation_name=committee.name,
        reason="Báo cáo tổng hợp",
        location=committee.place_name or committee.name,
        now=now,
    )
    day = filters.now.date()
    sender = Organisation(
        organ_id=committee.standing_agency.organ_id if committee.standing_agency else "",
        name=committee.name,
    )
    package = Package(
        sender=sender,
        recipients=[Organisation(organ_id=standing.organ_id, name=parent.name)],
        document_id=f"{sender.organ_id or committee.code},{day:%Y/%m/%d},bao-cao-tong-hop",
        place=committee.place_name,
        promulgation_date=day,
        type_name="Báo cáo",
        subject=TITLE[:1] + TITLE[1:].lower(),
        content=TITLE,
        signer_position=personal.credential.holder_position,
        signer_name=personal.credential.holder_name,
        attachments=[
            EdxmlAttachment(
                name=f"bao-cao-tong-hop-{day:%Y%m%d}.pdf",
                data=signed,
                content_type="application/pdf",
                description=TITLE,
            )
        ],
    )
    return build_package(package, now=now)

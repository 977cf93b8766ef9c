"""edXML out: an issued, signed urging letter as a package for the document exchange,
addressed to the urged agency by its QCVN 102 organisation identifier, the signed PDF attached."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from documents.models import UrgingLetter
from project.errors import ActionError

from .edxml import EdxmlAttachment, Organisation, Package, build_package
from .models import SignedLetter


def sender_of(letter: UrgingLetter) -> Organisation:
    committee = letter.committee
    standing = committee.standing_agency
    organ_id = standing.organ_id if standing is not None else ""
    if not organ_id:
        raise ActionError(
            _(
                "The committee's standing agency has no organisation identifier (QCVN 102): the "
                "administrator enters it in the agency's record."
            )
        )
    return Organisation(organ_id=organ_id, name=committee.name, in_charge=standing.name)


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

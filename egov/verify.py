"""Verifying the digital signatures in a PDF with pyHanko: who signed, when, whether the
document was changed after signing, and whether the signer's certificate chains to a root the
administrator trusts (TrustedRoot). Nothing is fetched from the network: a committee's server
may have no way out, and a verdict should not depend on the weather on the Internet.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents.models import DirectiveAttachment

from .models import AttachmentSignature, TrustedRoot

# Later signatures (the organisation's after the signer's) and archival time stamps are not
# changes to what was signed.
ALLOWED_LATER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


@dataclass
class SignatureReport:
    field_name: str
    signer: str = ""
    organisation: str = ""
    issuer: str = ""
    signed_at: dt.datetime | None = None
    intact: bool = False
    unchanged: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.unchanged and self.trusted


def trusted_roots() -> list[asn1_x509.Certificate]:
    return [
        asn1_x509.Certificate.load(bytes(row))
        for row in TrustedRoot.objects.values_list("certificate", flat=True)
    ]


def _name(name: asn1_x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def verify_pdf(
    data: bytes, roots: list[asn1_x509.Certificate] | None = None
) -> list[SignatureReport]:
    """One report per signature in the PDF (none for an unsigned PDF)."""
    roots = trusted_roots() if roots is None else roots
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return []
    reports = []
    for signature in embedded:
        report = SignatureReport(field_name=signature.field_name or "")
        try:
            # An explicit (possibly empty) list of roots: never the operating system's store.
            context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
            status = validate_pdf_signature(signature, context)
        except Exception as error:
            report.detail = _("The signature cannot be read: %(error)s") % {"error": error}
            reports.append(report)
            continue
        cert = status.signing_cert
        report.signer = _name(cert.subject, "common_name")
        report.organisation = _name(cert.subject, "organization_name")
        report.issuer = _name(cert.issuer, "common_name")
        timestamp = status.timestamp_validity
        report.signed_at = (
            timestamp.timestamp if timestamp is not None else status.signer_reported_dt
        )
        report.intact = bool(status.intact and status.valid)
        report.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        report.unchanged = report.intact and (
            report.covers_whole_file
            or (
                status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
                and status.modification_level in ALLOWED_LATER
                and status.docmdp_ok is not False
            )
        )
        report.trusted = bool(status.trusted)
        problems = []
        if not report.intact:
            problems.append(_("the signed content does not match the signature"))
        elif not report.unchanged:
            problems.append(_("the document was changed after it was signed"))
        if not roots:
            problems.append(_("no trusted root certificate is configured"))
        elif not report.trusted:
            problems.append(_("the certificate does not chain to a trusted root"))
        report.detail = "; ".join(problems)
        reports.append(report)
    return reports


def record_signatures(attachment: DirectiveAttachment) -> list[AttachmentSignature]:
    """Verify a received PDF and keep what was found (the page shows it)."""
    with attachment.file.open("rb") as handle:
        data = handle.read()
    rows = [
        AttachmentSignature(
            attachment=attachment,
            field_name=report.field_name[:255],
            signer=report.signer[:255],
            organisation=report.organisation[:255],
            issuer=report.issuer[:255],
            signed_at=report.signed_at,
            intact=report.intact,
            unchanged=report.unchanged,
            trusted=report.trusted,
            detail=report.detail,
        )
        for report in verify_pdf(data)
    ]
    return AttachmentSignature.objects.bulk_create(rows)

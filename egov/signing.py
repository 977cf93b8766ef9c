"""Digital signatures out: PAdES signatures (pyHanko) on the PDFs the committee issues.

A letter is signed as Nghị định 30/2020 lays out an electronic document: first the signer's
signature, its visible box where the handwritten signature would go (between the signer's
title and name: who signed, their position, when), then, where the committee has one, the
organisation's signature, its box (the seal image) over the left third of the signer's. The
number and date are in the letter before it is signed (issuing fixes them); the signed file is
then the letter of record and is never made again.

Certificates are PKCS#12 files the administrator uploads (SigningCredential). The file stays
encrypted under its own password; the password is never stored in plain text: either it is
asked for at every signing, or it is kept encrypted with Fernet under a key derived from
SECRET_KEY (HKDF), so a copy of the database alone does not open the certificate.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pypdf import PdfReader

from agencies.models import Committee, User
from documents import permissions as directive_perms
from documents.models import UrgingLetter
from exports.pdf.layout import FONT_DIR
from project.errors import ActionConflict, ActionError, ActionForbidden, atomic_action
from tasks.deadlines import VIETNAM

from .models import CredentialKind, SignedLetter, SigningCredential

MM = 72 / 25.4
FONT_FILE = FONT_DIR / "LiberationSerif-Regular.ttf"
SIGNER_FIELD = "ChuKyNguoiKy"
ORGANISATION_FIELD = "ChuKyCoQuan"
SEAL_MAX_PIXELS = 2000 * 2000


@functools.cache
def stamp_font() -> str:
    """Liberation Serif at 1000 units per em, for the signature boxes' text.

    pyHanko writes a CID font's glyph widths in the font's own units, which PDF reads as
    thousandths of an em; Liberation Serif has 2048 units per em, so its text came out
    spaced twice too wide. A copy rescaled to 1000 (fontTools) is made once per server, in the
    temporary folder (not shipped: a modified font is kept out of the repository)."""
    digest = hashlib.sha256(FONT_FILE.read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"dondoc389-stamp-font-{digest}.ttf"
    if not target.exists():
        font = TTFont(str(FONT_FILE))
        scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        os.replace(partial, target)  # whole or absent, whatever runs at the same time
    return str(target)


# ---- the password, never in plain text


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"dondoc389/egov/pkcs12-password",
        info=b"signing credential password",
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal_password(password: str) -> bytes:
    return _fernet().encrypt(password.encode())


def open_password(token: bytes) -> str:
    try:
        return _fernet().decrypt(bytes(token)).decode()
    except InvalidToken as error:
        raise ActionError(
            _(
                "The kept password of this certificate can no longer be read (the server's "
                "secret key has changed): enter it."
            )
        ) from error


# ---- the administrator's certificates


@dataclass
class Pkcs12Contents:
    certificate: x509.Certificate
    subject: str
    serial: str
    not_after: dt.datetime


def read_pkcs12(data: bytes, password: str) -> Pkcs12Contents:
    try:
        key, certificate, _others = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except (ValueError, TypeError) as error:
        raise ActionError(
            _("The file cannot be opened with this password, or it is not a PKCS#12 file.")
        ) from error
    if key is None or certificate is None:
        raise ActionError(_("The PKCS#12 file holds no private key and certificate to sign with."))
    return Pkcs12Contents(
        certificate=certificate,
        subject=certificate.subject.rfc4514_string()[:500],
        serial=format(certificate.serial_number, "x")[:100],
        not_after=certificate.not_valid_after_utc,
    )


def check_seal_image(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > SEAL_MAX_PIXELS:
                raise ActionError(_("The seal image is too large (at most 2000 × 2000 pixels)."))
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ActionError(_("The seal image cannot be read (PNG or JPEG).")) from error
    return out.getvalue()


def prepare_credential(
    credential: SigningCredential,
    *,
    pkcs12_data: bytes | None,
    password: str,
    keep_password: bool,
    seal_image: bytes | None,
    by: User | None,
) -> SigningCredential:
    """Check the file opens with the password, then set it (and the password only if asked,
    encrypted) on the credential, unsaved. Without a new file only the seal may change."""
    if seal_image:
        credential.seal_image = check_seal_image(seal_image)
    if credential.uploaded_by_id is None:
        credential.uploaded_by = by
    if pkcs12_data is None:
        return credential
    contents = read_pkcs12(pkcs12_data, password)
    credential.pkcs12 = pkcs12_data
    credential.subject = contents.subject
    credential.serial = contents.serial
    credential.not_after = contents.not_after
    credential.password_token = seal_password(password) if keep_password else b""
    return credential


def store_credential(credential: SigningCredential, **kwargs: Any) -> SigningCredential:
    """prepare_credential, then save."""
    prepare_credential(credential, **kwargs).save()
    return credential


def usable_credentials(
    committee: Committee, now: dt.datetime | None = None
) -> QuerySet[SigningCredential]:
    return SigningCredential.objects.filter(
        committee=committee, active=True, not_after__gt=now or timezone.now()
    ).order_by("kind", "label")


def _signer(credential: SigningCredential, password: str) -> signers.SimpleSigner:
    if not password:
        if not credential.password_stored:
            raise ActionError(
                _("Enter the password of the certificate “%(name)s”.") % {"name": credential.label}
            )
        password = open_password(bytes(credential.password_token))  # PostgreSQL: memoryview
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            bytes(credential.pkcs12), other_certs=[], passphrase=password.encode()
        )
    except ValueError as error:
        raise ActionError(
            _("The password of the certificate “%(name)s” is not right.")
            % {"name": credential.label}
        ) from error


# ---- where the boxes go


def signature_box(data: bytes, signer_name: str) -> tuple[int, tuple[float, float, float, float]]:
    """The last page, and the space between the signer's title and name in the signature
    block (Nghị định 30: the signature goes there); the lower right of the page if the name is
    not found."""
    reader = PdfReader(io.BytesIO(data))
    page_index = len(reader.pages) - 1
    page = reader.pages[page_index]
    width = float(page.mediabox.width)
    name_y: list[float] = []
    wanted = " ".join(signer_name.split())

    def visit(
        text: str, cm: Sequence[float], tm: Sequence[float], _font: object, _size: float
    ) -> None:
        if wanted and " ".join(text.split()) == wanted:
            # The text's origin in page space: the text matrix through the current transform
            # (reportlab draws table cells in translated coordinates).
            name_y.append(float(tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    if wanted:
        page.extract_text(visitor_text=visit)
    # The signature block is the right half of the text frame (30 mm left, 15 mm right margin).
    left, right = 30 * MM, width - 15 * MM
    centre = (left + right) / 2 + (right - left) / 4
    half = 35 * MM
    if name_y:
        bottom = min(name_y) + 14
    else:
        bottom = 40 * MM
    return page_index, (centre - half, bottom, centre + half, bottom + 24 * MM)


# ---- signing


def _vn_time(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S +07:00")


def _sign_once(
    data: bytes,
    signer: signers.SimpleSigner,
    *,
    field_name: str,
    page: int,
    box: tuple[float, float, float, float],
    text: str,
    reason: str,
    location: str,
    seal: bytes | None = None,
) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    background = None
    if seal:
        background = PdfImage(Image.open(io.BytesIO(seal)), writer=writer)
    style = TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(stamp_font(), font_size=9), font_size=9
        ),
        border_width=0 if seal else 1,
        background=background,
        background_opacity=1.0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        # PDF points are floats; pyHanko's annotation says int but it takes them as they are
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box),  # type: ignore[arg-type]
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


@dataclass
class SignAs:
    credential: SigningCredential
    password: str = ""


def sign_pdf(
    data: bytes,
    *,
    personal: SignAs,
    organisation: SignAs | None = None,
    signer_name: str,
    signer_position: str,
    organisation_name: str,
    reason: str,
    location: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The PDF signed by the signer (visible box in the signature block), then by the
    organisation (its seal over the left third of the signer's box) where given."""
    now = now or timezone.now()
    page, box = signature_box(data, signer_name)
    signed = _sign_once(
        data,
        _signer(personal.credential, personal.password),
        field_name=SIGNER_FIELD,
        page=page,
        box=box,
        # The letter is in Vietnamese, and so is its signature box, whoever signs it.
        text=f"Người ký: {signer_name}\n{signer_position}\nThời gian ký: {_vn_time(now)}",
        reason=reason,
        location=location,
    )
    if organisation is None:
        return signed
    x1, y1, x2, y2 = box
    seal_box = (x1 - 30 * MM, y1 - 6 * MM, x1 + 10 * MM, y2 + 6 * MM)
    seal = bytes(organisation.credential.seal_image) or None
    return _sign_once(
        signed,
        _signer(organisation.credential, organisation.password),
        field_name=ORGANISATION_FIELD,
        page=page,
        box=seal_box,
        # The seal alone (a blank line: pyHanko lays out at least one glyph).
        text=" " if seal else f"{organisation_name}\n{_vn_time(now)}",
        reason=reason,
        location=location,
        seal=seal,
    )


NOT_PERMITTED = _("Only the committee's standing office can sign the letters it issues.")


def check_signers(
    committee_id: int, personal: SignAs, organisation: SignAs | None, now: dt.datetime
) -> None:
    """The certificates are the committee's, of the right kind, in use and not expired:
    whatever signs for the committee (a letter, the consolidated report)."""
    for signer, kind in (
        (personal, CredentialKind.PERSONAL),
        (organisation, CredentialKind.ORGANISATION),
    ):
        if signer is None:
            continue
        credential = signer.credential
        if credential.committee_id != committee_id or credential.kind != kind:
            raise ActionForbidden(_("This certificate is not one of the committee's."))
        if not credential.active or credential.not_after <= now:
            raise ActionError(
                _("The certificate “%(name)s” has expired or is no longer in use.")
                % {"name": credential.label}
            )


@atomic_action
def sign_urging_letter(
    letter: UrgingLetter,
    *,
    by: User,
    personal: SignAs,
    organisation: SignAs | None = None,
    now: dt.datetime | None = None,
) -> SignedLetter:
    """Sign an issued letter once; the signed PDF becomes its letter of record."""
    if not directive_perms.can_issue_urging_letter(letter.committee_id, by):
        raise ActionForbidden(NOT_PERMITTED)
    now = now or timezone.now()
    letter = UrgingLetter.objects.select_for_update().select_related("committee").get(pk=letter.pk)
    if SignedLetter.objects.filter(letter=letter).exists():
        raise ActionError(
            _("This letter is already signed: its signed copy is the letter of record.")
        )
    if not letter.pdf or not letter.number:
        raise ActionError(_("Only an issued letter, with its number and date, can be signed."))
    check_signers(letter.committee_id, personal, organisation, now)
    with letter.pdf.open("rb") as handle:
        data = handle.read()
    signer_name = letter.signer_name or personal.credential.holder_name
    position = letter.signer_title or personal.credential.holder_position
    signed = sign_pdf(
        data,
        personal=personal,
        organisation=organisation,
        signer_name=signer_name,
        signer_position=position,
        organisation_name=letter.committee.name,
        reason=f"Ban hành văn bản số {letter.number_symbol}",
        location=letter.committee.place_name or letter.committee.name,
        now=now,
    )
    record = SignedLetter(
        letter=letter,
        sha256=hashlib.sha256(signed).hexdigest(),
        signer=signer_name[:255],
        signer_position=position[:150],
        signed_by=by,
        signed_at=now,
    )
    try:
        with transaction.atomic():
            record.file.save(
                f"{letter.number:02d}-{letter.symbol}-da-ky.pdf", ContentFile(signed), save=True
            )
    except IntegrityError as error:
        raise ActionConflict() from error
    record.credentials.set(
        [personal.credential] + ([organisation.credential] if organisation else [])
    )
    return record

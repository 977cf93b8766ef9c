"""What the e-government exchange keeps: how a directive arrived (edXML package or scan), the
signatures found on the PDFs that came in, the certificates the committee signs with and the
roots it trusts, and the signed copy of every document it issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Committee
from documents.extraction import TextOrigin
from documents.models import Directive, DirectiveAttachment, UrgingLetter


class IntakeChannel(models.TextChoices):
    EDXML = "edxml", _("edXML package")
    SCAN = "scan", _("scanned or Word file")


class Intake(models.Model):
    """How a directive came in, and where its text was read from."""

    directive = models.OneToOneField(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="intake"
    )
    channel = models.CharField(_("received as"), max_length=10, choices=IntakeChannel.choices)
    document_id = models.CharField(_("edXML document id"), max_length=100, blank=True)
    sender_organ_id = models.CharField(_("sender's organisation id"), max_length=40, blank=True)
    sender_name = models.CharField(_("sender"), max_length=255, blank=True)
    sender_agency = models.ForeignKey(
        Agency,
        verbose_name=_("sending agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("due date in the package"), null=True, blank=True)
    text_origin = models.CharField(_("text read from"), max_length=10, choices=TextOrigin.choices)
    text_attachment = models.ForeignKey(
        DirectiveAttachment,
        verbose_name=_("text read from file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ocr_pages = models.PositiveSmallIntegerField(_("pages read by OCR"), default=0)
    note = models.TextField(_("note"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received document")
        verbose_name_plural = _("received documents")
        constraints = [
            # The exchange may deliver a package twice; the second one is not a new directive.
            models.UniqueConstraint(
                fields=["sender_organ_id", "document_id"],
                condition=~Q(document_id=""),
                name="egov_intake_package_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.directive}"


class AttachmentSignature(models.Model):
    """One digital signature found in a PDF that came in, as pyHanko judged it on arrival."""

    attachment = models.ForeignKey(
        DirectiveAttachment,
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    field_name = models.CharField(_("signature field"), max_length=255, blank=True)
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    issuer = models.CharField(_("certificate issued by"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    intact = models.BooleanField(_("cryptographically valid"), default=False)
    unchanged = models.BooleanField(_("document unchanged since signing"), default=False)
    trusted = models.BooleanField(_("chains to a trusted root"), default=False)
    detail = models.TextField(_("detail"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature on a received file")
        verbose_name_plural = _("signatures on received files")
        ordering = ["attachment_id", "id"]

    def __str__(self) -> str:
        return f"{self.signer} ({self.attachment})"

    @property
    def ok(self) -> bool:
        return self.intact and self.unchanged and self.trusted


class CredentialKind(models.TextChoices):
    PERSONAL = "personal", _("signer's certificate")
    ORGANISATION = "organisation", _("organisation's certificate")


class SigningCredential(models.Model):
    """A certificate the committee signs with: a PKCS#12 file (.p12/.pfx) uploaded by the
    administrator. The file stays encrypted under its own password; the password is kept only
    if the administrator chose to, encrypted with a key derived from SECRET_KEY
    (egov.signing), and otherwise asked for at every signing."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="signing_credentials",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=CredentialKind.choices)
    label = models.CharField(_("name"), max_length=150)
    holder_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    holder_position = models.CharField(_("signer's position"), max_length=150, blank=True)
    pkcs12 = models.BinaryField(_("PKCS#12 file"), editable=False)
    password_token = models.BinaryField(
        _("encrypted password"), blank=True, default=b"", editable=False
    )
    subject = models.CharField(_("certificate subject"), max_length=500, editable=False)
    serial = models.CharField(_("serial number"), max_length=100, editable=False)
    not_after = models.DateTimeField(_("valid until"), editable=False)
    seal_image = models.BinaryField(_("seal image (PNG)"), blank=True, default=b"", editable=False)
    active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["committee_id", "kind", "label"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_kind_display()})"

    @property
    def password_stored(self) -> bool:
        return bool(self.password_token)


class TrustedRoot(models.Model):
    """A root certificate the administrator trusts (e.g. the Government's CA, Ban Cơ yếu
    Chính phủ, or a licensed public CA): incoming signatures must chain to one of these."""

    name = models.CharField(_("name"), max_length=255)
    certificate = models.BinaryField(_("certificate (DER)"), editable=False)
    subject = models.CharField(_("subject"), max_length=500, editable=False)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def signed_upload_to(instance: SignedLetter, filename: str) -> str:
    return f"signed/{instance.letter.committee_id}/{instance.letter.year}/{filename}"


class SignedLetter(models.Model):
    """The signed PDF of an issued urging letter: the letter of record, made once and never
    regenerated (one row per letter)."""

    letter = models.OneToOneField(
        UrgingLetter, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="signed"
    )
    file = models.FileField(_("signed PDF"), upload_to=signed_upload_to)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signer = models.CharField(_("signed by"), max_length=255)
    signer_position = models.CharField(_("position"), max_length=150, blank=True)
    credentials = models.ManyToManyField(
        SigningCredential, verbose_name=_("certificates used"), related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("signed letter")
        verbose_name_plural = _("signed letters")

    def __str__(self) -> str:
        return str(self.letter)

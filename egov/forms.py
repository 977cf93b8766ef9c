"""Forms of the e-government pages: importing a package or a scan, signing a letter, and the
administrator's upload of a signing certificate and of a trusted root."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from cryptography import x509
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from documents.forms import DocumentNumberField
from documents.models import DirectiveType
from project.errors import ActionError
from project.uploads import DOCUMENT_TYPES, JPEG, PNG, XML, check_uploads
from tasks.forms import FileInput, VietnameseDateField

from .models import SigningCredential, TrustedRoot
from .signing import SignAs, read_pkcs12

PACKAGE_SUFFIXES = (".xml", ".edxml")


class ImportForm(forms.Form):
    """One file: an edXML package (everything else is read from it), or a scan or Word file
    (then the subject line is needed, and the number and date help)."""

    file = forms.FileField(
        label=_("edXML package, scan or Word file"),
        help_text=_(
            "An edXML package (.xml) from the document exchange, or a PDF, an image (scan), "
            ".docx or .doc file."
        ),
        error_messages={"required": _("Choose the file to import.")},
        # The page's own words on the button: the browser's picker speaks the browser's language.
        widget=FileInput(),
    )
    subject = forms.CharField(
        label=_("Subject line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a scan or Word file; an edXML package carries its own."),
    )
    number = DocumentNumberField(label=_("Number and symbol"), required=False, max_length=80)
    doc_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "—"), *DirectiveType.choices]
    )
    issued_on = VietnameseDateField(label=_("Date signed"), required=False)
    issuer_name = forms.CharField(label=_("Issuing body"), required=False, max_length=255)

    @property
    def is_package(self) -> bool:
        upload = self.cleaned_data.get("file")
        if not upload:
            return False
        return PurePath(upload.name).suffix.lower() in PACKAGE_SUFFIXES

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() in PACKAGE_SUFFIXES:
            limit = settings.EDXML_MAX_MB
            if upload.size > limit * 1024 * 1024:
                raise ValidationError(
                    _("The package is larger than %(size)s MB.") % {"size": limit}
                )
            return upload
        try:
            check_uploads([upload], [t for t in DOCUMENT_TYPES if t is not XML])
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "file" in data and not self.is_package and not (data.get("subject") or "").strip():
            self.add_error("subject", _("Please enter the subject line (trích yếu)."))
        return data


class SignForm(forms.Form):
    """Which certificates sign, and their passwords when they are not kept."""

    personal: forms.ModelChoiceField[SigningCredential] = forms.ModelChoiceField(
        label=_("Signer's certificate"), queryset=None, empty_label=None
    )
    personal_password = forms.CharField(
        label=_("Its password"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    organisation: forms.ModelChoiceField[SigningCredential] = forms.ModelChoiceField(
        label=_("Organisation's certificate (seal)"), queryset=None, required=False
    )
    organisation_password = forms.CharField(
        label=_("Its password"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, *args: Any, credentials: QuerySet[SigningCredential], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.credentials = credentials
        self._personal_field().queryset = credentials.filter(kind="personal")
        self._organisation_field().queryset = credentials.filter(kind="organisation")

    def _personal_field(self) -> forms.ModelChoiceField[SigningCredential]:
        return cast("forms.ModelChoiceField[SigningCredential]", self.fields["personal"])

    def _organisation_field(self) -> forms.ModelChoiceField[SigningCredential]:
        return cast("forms.ModelChoiceField[SigningCredential]", self.fields["organisation"])

    def has_signer(self) -> bool:
        """Whether any signer's certificate can be chosen."""
        return self.credentials.filter(kind="personal").exists()

    def signers(self) -> tuple[SignAs, SignAs | None]:
        """Who signs: the signer's certificate, and the organisation's where one was chosen."""
        data = self.cleaned_data
        organisation = None
        if data["organisation"] is not None:
            organisation = SignAs(data["organisation"], data["organisation_password"])
        return SignAs(data["personal"], data["personal_password"]), organisation


class CredentialUploadForm(forms.ModelForm):
    """The administrator's upload of a PKCS#12 file: checked by opening it with its password."""

    pkcs12_file = forms.FileField(label=_("PKCS#12 file (.p12, .pfx)"))
    password = forms.CharField(
        label=_("Password of the file"), required=False, widget=forms.PasswordInput
    )
    keep_password = forms.BooleanField(
        label=_("Keep the password (encrypted) so that signing does not ask for it"),
        required=False,
    )
    seal_file = forms.FileField(
        label=_("Seal image (PNG or JPEG)"),
        required=False,
        help_text=_("Shown in the organisation's signature box."),
    )

    class Meta:
        model = SigningCredential
        fields = ["committee", "kind", "label", "holder_name", "holder_position", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new credential needs its file; an existing one keeps its own unless replaced.
        self.fields["pkcs12_file"].required = self.instance.pk is None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("pkcs12_file")
        if upload:
            if upload.size > 1024 * 1024:
                self.add_error("pkcs12_file", _("A PKCS#12 file is at most 1 MB."))
                return data
            data["pkcs12_data"] = upload.read()
            try:
                read_pkcs12(data["pkcs12_data"], data.get("password") or "")
            except ActionError as error:
                self.add_error("password", error.message)
        return data

    def clean_seal_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("seal_file")
        if upload:
            try:
                check_uploads([upload], [PNG, JPEG])
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return upload


class TrustedRootForm(forms.ModelForm):
    certificate_file = forms.FileField(label=_("Root certificate (.cer, .crt, .pem, .der)"))

    class Meta:
        model = TrustedRoot
        fields = ["name"]

    def clean_certificate_file(self) -> UploadedFile:
        upload = self.cleaned_data["certificate_file"]
        raw = upload.read(256 * 1024)
        try:
            certificate = (
                x509.load_pem_x509_certificate(raw)
                if b"-----BEGIN" in raw
                else x509.load_der_x509_certificate(raw)
            )
        except ValueError as error:
            raise ValidationError(_("This is not an X.509 certificate (PEM or DER).")) from error
        self.certificate = certificate
        return upload

"""The administrator's side: signing certificates (PKCS#12 upload), trusted roots, and a
read-only view of what came in and what was signed."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdmin

from . import signing
from .forms import CredentialUploadForm, TrustedRootForm
from .models import AttachmentSignature, Intake, SignedLetter, SigningCredential, TrustedRoot

FILE_FIELDS = ("pkcs12_file", "seal_file", "certificate_file")


def _without_files(form: Any) -> None:
    """The audit trail records field changes; an uploaded file is not a value to log."""
    form.__dict__["changed_data"] = [n for n in form.changed_data if n not in FILE_FIELDS]


@admin.register(SigningCredential)
class SigningCredentialAdmin(AuditedAdmin):
    form = CredentialUploadForm
    list_display = ["label", "committee", "kind", "holder_name", "not_after", "kept", "active"]
    list_filter = ["kind", "active"]
    readonly_fields = ["subject", "serial", "not_after", "uploaded_by", "uploaded_at"]

    @admin.display(boolean=True, description=_("password kept"))
    def kept(self, obj: SigningCredential) -> bool:
        return obj.password_stored

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        seal = data.get("seal_file")
        signing.prepare_credential(
            obj,
            pkcs12_data=data.get("pkcs12_data"),
            password=data.get("password") or "",
            keep_password=bool(data.get("keep_password")),
            seal_image=seal.read() if seal else None,
            by=request.user if request.user.is_authenticated else None,  # the admin signs in
        )
        _without_files(form)
        super().save_model(request, obj, form, change)


@admin.register(TrustedRoot)
class TrustedRootAdmin(AuditedAdmin):
    form = TrustedRootForm
    list_display = ["name", "subject", "fingerprint", "added_at"]
    readonly_fields = ["subject", "fingerprint", "added_by", "added_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        certificate = getattr(form, "certificate", None)
        if certificate is not None:
            der = certificate.public_bytes(Encoding.DER)
            obj.certificate = der
            obj.subject = certificate.subject.rfc4514_string()[:500]
            obj.fingerprint = hashlib.sha256(der).hexdigest()
        if obj.added_by_id is None:
            obj.added_by = request.user
        _without_files(form)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """What happened is not edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdmin):
    list_display = ["directive", "channel", "sender_organ_id", "text_origin", "received_at"]
    list_filter = ["channel", "text_origin"]
    list_select_related = ["directive"]
    show_full_result_count = False


@admin.register(AttachmentSignature)
class AttachmentSignatureAdmin(ReadOnlyAdmin):
    list_display = ["attachment", "signer", "signed_at", "intact", "unchanged", "trusted"]
    list_select_related = ["attachment"]
    show_full_result_count = False


@admin.register(SignedLetter)
class SignedLetterAdmin(ReadOnlyAdmin):
    list_display = ["letter", "signer", "signed_at", "sha256"]
    list_select_related = ["letter"]

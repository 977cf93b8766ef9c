"""Every PDF a directive receives, whichever page or command attaches it (the register form,
the edit page, an edXML package, a scan), has its signatures verified on arrival: documents
does not know about signatures, egov listens for its attachments."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from documents.models import DirectiveAttachment

from .verify import record_signatures


@receiver(post_save, sender=DirectiveAttachment, dispatch_uid="egov-verify-received-pdf")
def verify_received_pdf(
    sender: type, instance: DirectiveAttachment, created: bool, **kwargs: Any
) -> None:
    # The file is in storage by now (FileField saves it before the row is written).
    if created and instance.name.lower().endswith(".pdf"):
        record_signatures(instance)

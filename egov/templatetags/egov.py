"""What the e-government exchange adds to the directive pages: how the directive came in (and
whether its text was read by OCR), and the signatures found on its PDFs."""

from __future__ import annotations

from django import template

from documents.models import Directive

from ..models import AttachmentSignature, Intake

register = template.Library()


@register.inclusion_tag("egov/_intake.html")
def egov_intake(directive: Directive, boxed: bool = False) -> dict:
    """`boxed`: in a card body of its own (the editor's header card)."""
    intake = Intake.objects.filter(directive=directive).select_related("text_attachment").first()
    return {"intake": intake, "boxed": boxed}


@register.inclusion_tag("egov/_signatures.html")
def egov_signatures(directive: Directive) -> dict:
    signatures = AttachmentSignature.objects.filter(attachment__directive=directive).select_related(
        "attachment"
    )
    return {"signatures": list(signatures)}

"""The urging letter page's form (chasing/urging_views.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from documents.numbers import InvalidDocumentNumber, parse_document_number
from tasks.forms import VietnameseDateField

from .urging import LetterOptions


class UrgingLetterForm(forms.Form):
    """What the standing office may set on an urging letter before issuing it; the number is
    the committee's next of the year, given on issuing (chasing/urging.py)."""

    issued_on = VietnameseDateField(label=_("Date of the letter"))
    symbol = forms.CharField(
        label=_("Symbol"), max_length=40, help_text=_("After the number, e.g. BCĐ389-VP")
    )
    subject = forms.CharField(label=_("Subject (V/v)"), max_length=255)
    reply_by = VietnameseDateField(
        label=_("Report back by"),
        required=False,
        help_text=_("Empty: five working days after the letter's date."),
    )
    authority = forms.CharField(
        label=_("Authority"), max_length=60, required=False, help_text=_("e.g. TM. BAN CHỈ ĐẠO")
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
    signer_name = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Empty: the standard text, with the number of overdue tasks and the date."),
    )
    recipients = forms.CharField(
        label=_("Copies to (Nơi nhận)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line each."),
    )

    def clean_symbol(self) -> str:
        symbol = self.cleaned_data["symbol"].strip().upper().replace(" ", "")
        try:
            parse_document_number(f"1/{symbol}")
        except InvalidDocumentNumber as exc:
            raise ValidationError(str(exc)) from exc
        return symbol

    def options(self) -> LetterOptions:
        data = self.cleaned_data
        return LetterOptions(
            issued_on=data["issued_on"],
            subject=data["subject"],
            body=data["body"],
            symbol=data["symbol"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
            authority=data["authority"],
            recipients=[line for line in data["recipients"].splitlines() if line.strip()],
            reply_by=data["reply_by"],
        )

"""The standing office's form for a reporting obligation. It parses and shows errors next to the
fields; the rules themselves are reporting/services.validate_obligation (the actions run them
too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Committee

from . import services as reporting
from .models import ReportingObligation


class ObligationForm(forms.ModelForm):
    starts_on = forms.DateField(
        label=_("First period ends on or after"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        help_text=_("Usually today: the period running now is the first one owed."),
        error_messages={"invalid": _("Please enter a date (dd/mm/yyyy).")},
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members that report"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member agency of the committee."),
        error_messages={"invalid_choice": _("Choose only member agencies of this committee.")},
    )

    class Meta:
        model = ReportingObligation
        fields = [
            "name",
            "frequency",
            "cutoff_day",
            "due_rule",
            "due_working_days",
            "due_fixed_day",
            "members",
            "form",
            "starts_on",
        ]

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = reporting.committee_members(committee.pk).order_by("code")
        # Working days or the fixed day is needed depending on the rule: validate_obligation
        # decides, so neither is required here.
        self.fields["due_working_days"].required = False
        if self.instance.pk:
            self.fields["active"] = forms.BooleanField(
                label=_("Active"),
                required=False,
                initial=self.instance.active,
                help_text=_("An inactive obligation opens no new periods."),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {name: data.get(name) for name in reporting.OBLIGATION_FIELDS}
        if "active" not in self.fields:
            values.pop("active")
        errors = reporting.validate_obligation(
            self.committee.pk,
            values,
            data.get("members") or (),
            previous=self.instance if self.instance.pk else None,
        )
        for name, messages in errors.items():
            # A field Django already refused (not a number, not a date) keeps that one message.
            if name not in self.errors:
                self.add_error(name, messages[0])
        return data

    def action_values(self) -> dict[str, Any]:
        """The cleaned fields as the actions take them."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in reporting.OBLIGATION_FIELDS if name in data}
        if "active" in self.fields:
            values["active"] = bool(data.get("active"))
        return values

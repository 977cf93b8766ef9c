"""Forms of the task pages: the report, the extension request, the review and the decision."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ReportKind

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
MAX_FILE_MB = 20


class DateInput(forms.TextInput):
    """A text box that takes dd/mm/yyyy: the same on every browser and phone."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                **(attrs or {}),
            }
        )

    def format_value(self, value):  # noqa: ANN001, ANN201
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return value


class VietnameseDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 31/12/2020.")}

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's documented pattern)."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        files = [single(item, initial) for item in items]
        for upload in files:
            if upload.size > MAX_FILE_MB * 1024 * 1024:
                raise ValidationError(
                    _("“%(name)s” is larger than %(size)s MB.")
                    % {"name": upload.name, "size": MAX_FILE_MB}
                )
        return files


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you sending?"),
        choices=[
            (
                ReportKind.RESULT,
                _("Result report (the task is done; the standing office reviews it)"),
            ),
            (ReportKind.PROGRESS, _("Progress update (the task goes on)")),
        ],
        initial=ReportKind.RESULT,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Please write the report.")},
    )
    files = MultipleFileField(
        label=_("Attached files"), help_text=_("PDF, Word, Excel or images; up to 20 MB each.")
    )

    def __init__(
        self, *args, can_submit_result: bool = True, can_post_progress: bool = True, **kwargs
    ) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        choices = [
            (value, label)
            for value, label in self.fields["kind"].choices
            if (value == ReportKind.RESULT and can_submit_result)
            or (value == ReportKind.PROGRESS and can_post_progress)
        ]
        self.fields["kind"].choices = choices
        if choices:
            self.fields["kind"].initial = choices[0][0]


class ExtensionRequestForm(forms.Form):
    new_deadline = VietnameseDateField(label=_("New deadline"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please give a reason.")},
    )

    def __init__(self, *args, current_deadline=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.current_deadline = current_deadline

    def clean_new_deadline(self):  # noqa: ANN201
        value = self.cleaned_data["new_deadline"]
        if self.current_deadline and value <= self.current_deadline:
            raise ValidationError(
                _("The new deadline must be later than the current one (%(current)s).")
                % {"current": self.current_deadline.strftime("%d/%m/%Y")}
            )
        return value


class ReviewForm(forms.Form):
    """Accept the result, or return it with a reason."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    note = forms.CharField(
        label=_("Note to the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the report."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please give a reason for returning the report."))
        return data


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please give a reason for rejecting the request."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write the comment.")},
    )
    files = MultipleFileField(label=_("Attached files"))


class UrgeForm(forms.Form):
    note = forms.CharField(label=_("Message to the agency"), required=False, max_length=2000)

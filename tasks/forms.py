"""Forms of the task pages: an agency's report, contribution and officer, the head's sign-off, the
standing office's review, urging and comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from project.uploads import check_uploads

from .deadlines import VIETNAM, vn_date
from .models import ReportKind, TaskReport

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


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

    def format_value(self, value: Any) -> Any:
        if hasattr(value, "strftime"):
            return vn_date(value)
        return value


class VietnameseDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 31/12/2020.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class FileInput(forms.ClearableFileInput):
    """A file picker whose button and "no file chosen" are the page's words: the browser's own
    button speaks the browser's language (chromium says "Choose Files" on a Vietnamese page)."""

    template_name = "tasks/widgets/file_input.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({**(attrs or {}), "class": "dd-file__input"})


class MultipleFileInput(FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's documented pattern)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        # Content checked against the allow-list of document types, sizes capped (each and
        # in total): the same rules as every upload of the product.
        return check_uploads([single(item, initial) for item in items])


class ContributionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TaskReport) -> str:
        return contribution_label(obj)


class TaskReportForm(forms.Form):
    """A lead agency's result report or progress update on its own part, with files and, for a
    result, the co-ordinators' contributions it builds on."""

    kind = forms.ChoiceField(
        label=_("What are you sending?"),
        choices=[
            (
                ReportKind.RESULT,
                _("Result report (your part is done; it goes for sign-off and review)"),
            ),
            (ReportKind.PROGRESS, _("Progress update (the work goes on)")),
        ],
        initial=ReportKind.RESULT,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Please write the report.")},
    )
    # A declared field, which the form's metaclass moves to base_fields: self.files stays the
    # request's files at run time, as Django documents for a field of that name.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attached files"), help_text=_("PDF, Word, Excel or images; up to 20 MB each.")
    )
    contributions = ContributionChoiceField(
        label=_("Co-ordinating agencies' contributions to attach"),
        queryset=TaskReport.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only with a result report."),
    )

    def __init__(
        self, *args: Any, contributions: QuerySet[TaskReport] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contributions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if contributions is None:
            del self.fields["contributions"]
        else:
            field.queryset = contributions


def contribution_label(report: TaskReport) -> str:
    text = " ".join(report.text.split())
    short = text if len(text) <= 120 else text[:119] + "…"
    day = report.submitted_at.astimezone(VIETNAM).date()  # the database gives it back in UTC
    return f"{report.agency} ({vn_date(day)}): {short}"


class ContributionForm(forms.Form):
    """A co-ordinating agency's contribution to the leads' work."""

    text = forms.CharField(
        label=_("Your agency's contribution"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write the contribution.")},
    )
    # A declared field, which the form's metaclass moves to base_fields: self.files stays the
    # request's files at run time, as Django documents for a field of that name.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attached files"), help_text=_("PDF, Word, Excel or images; up to 20 MB each.")
    )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        position = f" – {obj.position}" if getattr(obj, "position", "") else ""
        return f"{obj}{position}"


class OfficerForm(forms.Form):
    """Name the agency's officer in charge of its part (acknowledging it, or handing it over)."""

    officer = OfficerChoiceField(
        label=_("Officer in charge"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your agency's officers.")},
    )

    def __init__(self, *args: Any, officers: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officers


class SignOffForm(forms.Form):
    """The agency head sends the officer's report on to the standing office, or back."""

    decision = forms.ChoiceField(choices=[("send_on", _("Send on")), ("send_back", _("Send back"))])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you send the report back."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "send_back" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please say why you send the report back."))
        return data


class ReviewForm(forms.Form):
    """Accept the result, or return it with a reason."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    note = forms.CharField(
        label=_("Note to the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the report."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please give a reason for returning the report."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write the comment.")},
    )
    # A declared field, which the form's metaclass moves to base_fields: self.files stays the
    # request's files at run time, as Django documents for a field of that name.
    files = MultipleFileField(label=_("Attached files"))  # type: ignore[assignment]


class UrgeForm(forms.Form):
    note = forms.CharField(label=_("Message to the agency"), required=False, max_length=2000)
    # One lead agency (its id), or every lead that still owes its part.
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)

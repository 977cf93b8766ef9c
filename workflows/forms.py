"""The forms of the flows' human steps. Dates are typed dd/mm/yyyy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks.deadlines import vn_date
from tasks.forms import MultipleFileInput

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_HELP = _("dd/mm/yyyy")


class DateInput(forms.DateInput):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}, **kwargs)


def date_field(label: str | StrPromise, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=DATE_HELP,
    )


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    """Yes or no, with a note (the action decides when the note is required)."""

    decision = forms.ChoiceField(widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, choices: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = choices
        self.fields["decision"].label = _("Decision")


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Closing summary"), widget=forms.Textarea(attrs={"rows": 4}))


class DispatchForm(forms.Form):
    """A note, and a new deadline for each task whose deadline has already passed (the note
    is then the reason, and is required)."""

    note = forms.CharField(
        label=_("Note (the reason, when deadlines are moved)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, tasks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.past = [t for t in tasks if t.due_at is not None and t.due_at < now]
        for task in self.past:
            self.fields[f"deadline_{task.pk}"] = date_field(
                _("New deadline for task %(ref)s (was %(old)s)")
                % {"ref": task.ref or task.position, "old": vn_date(task.deadline)}
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.past and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the deadlines are moved."))
        return data

    def new_deadlines(self) -> dict[int, Any]:
        return {task.pk: self.cleaned_data[f"deadline_{task.pk}"] for task in self.past}


class ExtensionRequestForm(forms.Form):
    new_deadline = date_field(_("New deadline"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

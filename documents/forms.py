"""Forms of the directive register and the breakdown editor."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from project.uploads import check_uploads
from tasks.deadlines import DeadlineKind, before_tet, today_in_vietnam, working_days_from
from tasks.forms import MultipleFileField, VietnameseDateField
from tasks.models import Recurrence

from .extraction import ExtractionRefused, UploadsText, text_from_uploads
from .models import DirectiveState, DirectiveType
from .numbers import InvalidDocumentNumber, parse_document_number

COMPUTED_KINDS = (DeadlineKind.WORKING_DAYS, DeadlineKind.LUNAR)
MAX_WORKING_DAYS = 1000


class DocumentNumberField(forms.CharField):
    """A number and symbol as printed (92/KH-BCĐ389), checked as the register checks it; empty
    is allowed where the field is optional."""

    def clean(self, value: str | None) -> str:
        raw = super().clean(value)
        if raw:
            try:
                parse_document_number(raw)
            except InvalidDocumentNumber as exc:
                raise ValidationError(str(exc)) from exc
        return raw


class DirectiveFilterForm(forms.Form):
    """The register's search box and filters; every field optional, bad values ignored."""

    q = forms.CharField(label=_("Search"), required=False)
    doc_type = forms.ChoiceField(label=_("Type"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    issuer = forms.ChoiceField(label=_("Issuer"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(
        self,
        *args: Any,
        years: Iterable[int] = (),
        issuers: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[Any, Any]] = [("", _("All"))]
        choices = {
            "doc_type": everything + list(DirectiveType.choices),
            "year": everything + [(y, y) for y in years],
            "issuer": everything + [(i, i) for i in issuers],
            "state": everything + list(DirectiveState.choices),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options


class DirectiveForm(forms.Form):
    number = DocumentNumberField(
        label=_("Number and symbol"),
        required=False,
        max_length=80,
        help_text=_("As printed, e.g. 92/KH-BCĐ389; leave empty if the text has no number yet."),
    )
    doc_type = forms.ChoiceField(label=_("Type"), choices=DirectiveType.choices)
    subject = forms.CharField(
        label=_("Subject line"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please enter the subject line (trích yếu).")},
    )
    issued_on = VietnameseDateField(label=_("Date signed"), required=False)
    issuer_name = forms.CharField(label=_("Issuing body"), required=False, max_length=255)
    signer_name = forms.CharField(label=_("Signed by"), required=False, max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=150)
    text = forms.CharField(
        label=_("Full text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Paste the text, or leave it empty and attach the file (.docx, .doc, PDF or a scan): "
            "the text is read from it. The breakdown editor proposes tasks from it."
        ),
    )
    # A declared field, which the form's metaclass moves to base_fields: self.files stays the
    # request's files at run time, as Django documents for a field of that name.
    files = MultipleFileField(label=_("Files (scan, Word)"))  # type: ignore[assignment]
    not_a_duplicate = forms.BooleanField(
        label=_("This is not a copy of a directive already registered: register it anyway"),
        required=False,
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        limit = settings.DIRECTIVE_TEXT_MAX_CHARS
        if len(text) > limit:
            raise ValidationError(
                _(
                    "The text is %(length)s characters long; at most %(limit)s are accepted. "
                    "Register the directive with its first part and attach the full file."
                )
                % {"length": intcomma(len(text)), "limit": intcomma(limit)}
            )
        return text

    def clean_files(self) -> list:
        try:
            return check_uploads(self.cleaned_data["files"])
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean(self) -> dict[str, Any]:
        """Without pasted text, the directive's text comes from an uploaded file
        (documents/extraction.py: a text layer, a .doc, OCR of a scan where Tesseract is
        installed). A file that is refused is a message on the form; a file that gives no text
        is a notice, and the directive is kept without text."""
        data = super().clean() or {}
        self.extracted = UploadsText()
        if self.errors or (data.get("text") or "").strip():
            return data
        try:
            self.extracted = text_from_uploads(data.get("files") or [])
        except ExtractionRefused as error:
            self.add_error("files", str(error))
            return data
        data["text"] = self.extracted.text
        return data


class DraftTaskForm(forms.Form):
    ref = forms.CharField(
        label=_("Item"), required=False, max_length=30, help_text=_("e.g. II.6.a")
    )
    title = forms.CharField(
        label=_("Task"),
        max_length=500,
        error_messages={"required": _("Please say what has to be done.")},
    )
    content = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead = forms.ModelMultipleChoiceField(
        label=_("Lead agencies (chủ trì)"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one lead agency.")},
    )
    coordinating = forms.ModelMultipleChoiceField(
        label=_("Co-ordinating agencies (phối hợp)"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = VietnameseDateField(label=_("Deadline"), required=False)
    deadline_kind = forms.ChoiceField(
        label=_("Deadline rule"), choices=DeadlineKind.choices, initial=DeadlineKind.DATE
    )
    deadline_text = forms.CharField(
        label=_("Deadline as written"),
        required=False,
        max_length=255,
        help_text=_("e.g. 3 tháng cuối năm"),
    )
    deadline_days = forms.IntegerField(
        label=_("Working days"),
        required=False,
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=_("Counted from the day the directive was signed."),
    )
    tet_year = forms.IntegerField(
        label=_("Tết of the year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Empty: the first Tết after the directive was signed."),
    )

    recurrence_freq = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[("", _("Does not repeat")), *Recurrence.choices],
    )
    recurrence_day = forms.IntegerField(
        label=_("Due day"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("Day of the month; for a weekly duty the weekday: 2 = Monday … 8 = Sunday."),
    )
    recurrence_month = forms.IntegerField(
        label=_("Month"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("For a yearly duty: the month of its day."),
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency] | None = None,
        signed_on: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        queryset = agencies if agencies is not None else Agency.objects.none()
        for name in ("lead", "coordinating"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset
        # The day "N working days" and "before Tết" count from: the directive's signing.
        self.signed_on = signed_on
        self.computed: RuleDeadline | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["recurrence"] = self._recurrence(data)
        lead, coordinating = data.get("lead") or [], data.get("coordinating") or []
        if {a.pk for a in lead} & {a.pk for a in coordinating}:
            self.add_error(
                "coordinating",
                _("An agency cannot be both lead and co-ordinating on the same task."),
            )
        kind = data.get("deadline_kind")
        if kind in COMPUTED_KINDS:
            self._compute_deadline(kind, data)
        if (
            kind
            and kind != DeadlineKind.NONE
            and not data.get("deadline")
            and "deadline" not in self.errors
        ):
            self.add_error("deadline", _("This deadline rule needs a date."))
        if kind == DeadlineKind.NONE:
            data["deadline"] = None
        return data

    def _compute_deadline(self, kind: str, data: dict[str, Any]) -> None:
        """ "N working days" and "before Tết" are rules: the date is computed from the signing
        day on the one working-day calendar, not typed."""
        if kind == DeadlineKind.WORKING_DAYS and data.get("deadline_days") is None:
            if "deadline_days" not in self.errors:
                self.add_error("deadline_days", _("Give the number of working days."))
            return
        rule = rule_deadline(
            kind,
            self.signed_on or today_in_vietnam(),
            days=data.get("deadline_days"),
            tet_year=data.get("tet_year"),
        )
        data["deadline"] = rule.date
        self.computed = rule
        self.errors.pop("deadline", None)
        if not (data.get("deadline_text") or "").strip():
            data["deadline_text"] = rule.text

    def _recurrence(self, data: dict[str, Any]) -> dict[str, Any] | None:
        freq, day = data.get("recurrence_freq"), data.get("recurrence_day")
        if not freq:
            return None
        if freq == Recurrence.WEEKLY:
            if day is None or not 2 <= day <= 8:
                self.add_error("recurrence_day", _("A weekly duty needs a weekday from 2 to 8."))
                return None
            return {"freq": freq, "weekday": day - 2}
        if freq == Recurrence.YEARLY:
            month = data.get("recurrence_month")
            if day is None or month is None:
                self.add_error("recurrence_month", _("A yearly duty needs its day and month."))
                return None
            return {"freq": freq, "month": month, "day": day}
        if day is None:
            self.add_error("recurrence_day", _("Give the day of the month it is due."))
            return None
        return {"freq": freq, "day": day}


@dataclass(frozen=True)
class RuleDeadline:
    date: dt.date
    text: str  # as a directive would write it


def rule_deadline(
    kind: str, signed_on: dt.date, *, days: int | None = None, tet_year: int | None = None
) -> RuleDeadline:
    """The date a deadline rule gives: N working days after signing (the signing day not
    counted), or the last working day before Tết (of `tet_year`, else the first Tết after
    signing)."""
    if kind == DeadlineKind.WORKING_DAYS:
        count = days or 0
        return RuleDeadline(
            working_days_from(signed_on, count),
            f"trong {count} ngày làm việc kể từ ngày ký",
        )
    if kind == DeadlineKind.LUNAR:
        year = tet_year or signed_on.year
        if tet_year is None and before_tet(year) < signed_on:
            year += 1
        return RuleDeadline(before_tet(year), f"trước Tết Nguyên đán năm {year}")
    raise ValueError(f"{kind!r} is not a computed deadline rule")


def rule_initial(kind: str, text: str) -> dict[str, int | None]:
    """The rule's number back from the words it was stored with (the task keeps the date and
    the words, not the count)."""
    if kind == DeadlineKind.WORKING_DAYS:
        match = re.search(r"(\d+)\s+ngày làm việc", text or "")
        return {"deadline_days": int(match[1]) if match else None}
    if kind == DeadlineKind.LUNAR:
        match = re.search(r"(20\d\d)", text or "")
        return {"tet_year": int(match[1]) if match else None}
    return {}


def recurrence_initial(recurrence: dict[str, Any] | None) -> dict[str, Any]:
    """The form's two recurrence fields for a stored recurrence."""
    if not recurrence:
        return {"recurrence_freq": "", "recurrence_day": None, "recurrence_month": None}
    if recurrence.get("freq") == Recurrence.WEEKLY:
        return {"recurrence_freq": "weekly", "recurrence_day": recurrence.get("weekday", 0) + 2}
    return {
        "recurrence_freq": recurrence.get("freq", ""),
        "recurrence_day": recurrence.get("day"),
        "recurrence_month": recurrence.get("month"),
    }


class AgencySelect(forms.SelectMultiple):
    """A list of agencies whose options also carry the full name and code, which the chips'
    search (breakdown.js) matches: "biên phòng" finds "BĐBP tỉnh"."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: int | str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        agency = getattr(value, "instance", None)
        if agency is not None:
            option["attrs"]["data-search"] = f"{agency.name} {agency.short_name} {agency.code}"
        return option


class ProposalForm(DraftTaskForm):
    """One proposed task as an editable card; only ticked cards are checked and kept."""

    take = forms.BooleanField(label=_("Keep this task"), required=False)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    # set by the breakdown editor: the proposal the card shows, its recurrence in words
    row: dict[str, Any]
    recurrence_label: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A card per proposal: a compact list instead of a checkbox per member agency.
        for name in ("lead", "coordinating"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            # A plain list without JavaScript; breakdown.js turns it into chips with a search.
            field.widget = AgencySelect(attrs={"size": 6, "data-chips": ""})
            field.widget.choices = field.choices
        self.fields["content"].widget.attrs["rows"] = 5


class AliasForm(forms.Form):
    """Map a name the breakdown could not resolve to a member agency."""

    name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Choose the agency this name means.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies if agencies is not None else Agency.objects.none()


class SubmitBreakdownForm(forms.Form):
    """A note for the chair when the task list is submitted for approval."""

    note = forms.CharField(
        label=_("Note for the chair"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

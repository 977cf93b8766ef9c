"""The fixed wording of generated documents (PDFs and spreadsheets), read from the translation
catalogue: msgids here, their Vietnamese in locale/vi/LC_MESSAGES/django.po (context "printed
document"), the states and timeliness with the very msgids the screens use, so a document and a
page never word the same thing two ways.

These are official Vietnamese papers in the national format (Nghị định 30/2020) and the
standard wording of Vietnamese task reports (QĐ 42/2014/QĐ-TTg): they stay Vietnamese whatever
the screen's language. Every builder runs under `in_vietnamese` (translation.override("vi")),
and a name read here (`labels.COL_TASK`, `labels.TASK_STATES`) is a plain str, or a dict of
them, in the language active when it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from documents.models import DirectiveState, DirectiveType
from reporting.models import SubmissionTimeliness
from tasks.models import AssignmentState, TaskState
from tasks.querysets import Timeliness

P = ParamSpec("P")
R = TypeVar("R")


def in_vietnamese(func: Callable[P, R]) -> Callable[P, R]:
    """Run a builder with Vietnamese active: every document is Vietnamese."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("vi"):
            return func(*args, **kwargs)

    return wrapper


# Not words: the prefixes of a signature block's authority, as Nghị định 30 writes them.
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


_WORDS: dict[str, Promise] = {
    "NATIONAL_NAME": pgettext_lazy("printed document", "SOCIALIST REPUBLIC OF VIETNAM"),
    "MOTTO": pgettext_lazy("printed document", "Independence - Freedom - Happiness"),
    "NUMBER_PREFIX": pgettext_lazy("printed document", "No.: "),
    "SUBJECT_PREFIX": pgettext_lazy("printed document", "Re: "),
    "ADDRESSEE": _("Addressed to"),
    "RECIPIENTS": pgettext_lazy("printed document", "Copies to:"),
    "AS_ABOVE": pgettext_lazy("printed document", "- As above;"),
    "FILED": pgettext_lazy("printed document", "- Filed: Records, Office."),
    "GENERATED_ON": pgettext_lazy("printed document", "Đôn đốc 389 – made at %(when)s"),
    "FILTERS_USED": pgettext_lazy("printed document", "Filters: %(filters)s"),
    "NO_FILTERS": pgettext_lazy("printed document", "none (everything)"),
    "NOTHING_TO_SHOW": pgettext_lazy("printed document", "No data matches the filters."),
    "NO_TASKS": pgettext_lazy("printed document", "No task matches the filters."),
    "NO_OVERDUE": pgettext_lazy("printed document", "No task is overdue."),
    "NO_PERIODIC_REPORTS": pgettext_lazy(
        "printed document", "No periodic reporting obligation has been set up yet."
    ),
    "FILTER_COMMITTEE": pgettext_lazy("printed document", "Committee: %s"),
    "FILTER_DIRECTIVE": pgettext_lazy("printed document", "Directive: %s"),
    "FILTER_AGENCY": pgettext_lazy("printed document", "Agency: %s"),
    "FILTER_FROM": pgettext_lazy("printed document", "from %s"),
    "FILTER_TO": pgettext_lazy("printed document", "to %s"),
    "FILTER_STATE": pgettext_lazy("printed document", "state: %s"),
    "FILTER_TIMELINESS": pgettext_lazy("printed document", "timeliness: %s"),
    "FILTER_DOC_TYPE": pgettext_lazy("printed document", "document type: %s"),
    "FILTER_YEAR": pgettext_lazy("printed document", "year: %s"),
    "FILTER_AS_OF": pgettext_lazy("printed document", "as of %s"),
    "FILTER_STATUS": pgettext_lazy("printed document", "group: %s"),
    "COL_NO": pgettext_lazy("printed document", "No."),
    "COL_REF": pgettext_lazy("printed document", "Ref."),
    "COL_TASK": _("What is asked"),
    "COL_LEAD": _("Lead agency"),
    "COL_LEAD_PARTS": pgettext_lazy("printed document", "Where each lead agency stands"),
    "COL_OWN_DEADLINE": pgettext_lazy("printed document", "The agency's deadline"),
    "COL_ORIGINAL_DEADLINE": pgettext_lazy("printed document", "Original deadline"),
    "COL_OFFICER": _("Agency officer"),
    "COL_COORDINATING": _("Co-ordinating agencies"),
    "COL_DEADLINE": _("Deadline"),
    "COL_DEADLINE_TEXT": pgettext_lazy("printed document", "Deadline as the directive words it"),
    "COL_STATE": _("State"),
    "COL_TIMELINESS": _("Timeliness"),
    "COL_DAYS_OVERDUE": _("Days overdue"),
    "COL_DAYS_LATE": pgettext_lazy("printed document", "Days late"),
    "COL_COMPLETED": pgettext_lazy("printed document", "Completed on"),
    "COL_DIRECTIVE": pgettext_lazy("printed document", "Directive"),
    "COL_NUMBER": _("Number and symbol"),
    "COL_DOC_TYPE": pgettext_lazy("printed document", "Document type"),
    "COL_ISSUED_ON": pgettext_lazy("printed document", "Issued on"),
    "COL_SUBJECT": _("Subject line"),
    "COL_ISSUER": pgettext_lazy("printed document", "Issued by"),
    "COL_TASK_COUNT": pgettext_lazy("printed document", "Number of tasks"),
    "COL_AGENCY": pgettext_lazy("printed document", "Agency"),
    "COL_TOTAL": pgettext_lazy("printed document", "Total"),
    "COL_DONE_ON_TIME": _("Done on time"),
    "COL_DONE_LATE": _("Done late"),
    "COL_OPEN_ON_TIME": _("Open, within deadline"),
    "COL_OPEN_OVERDUE": _("Open, overdue"),
    "COL_ON_TIME_RATE": pgettext_lazy("printed document", "On-time rate (%)"),
    "COL_TOTAL_DAYS_LATE": pgettext_lazy("printed document", "Total days late"),
    "COL_REPORTS_ON_TIME": pgettext_lazy("printed document", "Periodic reports on time"),
    "TOTAL": pgettext_lazy("printed document", "Grand total"),
    "OWN_DEADLINE": pgettext_lazy("printed document", "own deadline %s"),
    "ALL_MEMBERS": pgettext_lazy("printed document", "The members of the Committee"),
    "OVERDUE_MEMBERS": pgettext_lazy("printed document", "overdue: %s"),
    "ALL_OVERDUE": pgettext_lazy("printed document", "all of them overdue"),
    "EXTENDED_FROM": pgettext_lazy("printed document", "extended from %s"),
    "SHARED_LEAD_NOTE": pgettext_lazy(
        "printed document",
        "Note: a task with several lead agencies counts for each agency by its own part and "
        "its own deadline; the Grand total line counts each task once (done on time when every "
        "lead agency finished on time).",
    ),
    "SHEET_DIRECTIVES": pgettext_lazy("printed document", "Directives"),
    "SHEET_TASKS": pgettext_lazy("printed document", "Tasks"),
    "SHEET_OVERDUE": pgettext_lazy("printed document", "Overdue tasks"),
    "SHEET_SCORECARDS": pgettext_lazy("printed document", "Results by agency"),
    "SHEET_REPORTS": pgettext_lazy("printed document", "Periodic reports"),
    "SHEET_INFO": pgettext_lazy("printed document", "About this file"),
    "COL_OBLIGATION": pgettext_lazy("printed document", "Reporting obligation"),
    "COL_PERIOD": pgettext_lazy("printed document", "Reporting period"),
    "COL_DUE_ON": pgettext_lazy("printed document", "Due on"),
    "COL_SUBMITTED_AT": pgettext_lazy("printed document", "Sent on"),
    "COL_SUBMISSION": pgettext_lazy("printed document", "Sent on time?"),
    "INFO_LIST": pgettext_lazy("printed document", "List"),
    "INFO_MADE_ON": pgettext_lazy("printed document", "Made on"),
    "INFO_ROWS": pgettext_lazy("printed document", "Rows"),
    "INFO_FILTER": pgettext_lazy("printed document", "Filter"),
}

_CHOICES: dict[str, dict[str, Promise]] = {
    # A task's own state: it is under way until every lead agency's part is accepted.
    "TASK_STATES": dict(TaskState.choices),
    # Each lead agency's part of a task.
    "ASSIGNMENT_STATES": dict(AssignmentState.choices),
    "TIMELINESS": dict(Timeliness.choices),
    "DIRECTIVE_STATES": dict(DirectiveState.choices),
    "DOC_TYPES": dict(DirectiveType.choices),
    "SUBMISSIONS": dict(SubmissionTimeliness.choices),
    "ROLES": {
        "lead": pgettext_lazy("printed document: role", "lead"),
        "coordinating": pgettext_lazy("printed document: role", "co-ordinating"),
        "support": pgettext_lazy("printed document: role", "co-ordinating"),  # older query strings
        "any": pgettext_lazy("printed document: role", "lead or co-ordinating"),
    },
    "STATUS_TABS": {
        "open": pgettext_lazy("printed document: list tab", "under way"),
        "overdue": pgettext_lazy("printed document: list tab", "overdue"),
        "due_soon": pgettext_lazy("printed document: list tab", "due soon"),
        "done": pgettext_lazy("printed document: list tab", "completed"),
        "all": pgettext_lazy("printed document: list tab", "all"),
    },
}


_read: dict[tuple[str | None, str], Any] = {}


def __getattr__(name: str) -> Any:
    """`labels.NAME`: the word (or the dict of words) in the active language, as plain str, so
    it goes into a PDF, a cell or a join like any text."""
    if name not in _WORDS and name not in _CHOICES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    key = (translation.get_language(), name)
    if key not in _read:  # a builder reads a state's word per row: look it up once
        if name in _WORDS:
            _read[key] = str(_WORDS[name])
        else:
            # read-only, so that it is handed out as it is, not copied for each read
            _read[key] = MappingProxyType({code: str(w) for code, w in _CHOICES[name].items()})
    return _read[key]

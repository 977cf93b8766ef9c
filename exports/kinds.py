"""The exports that may grow long — every list's .xlsx, the overdue audit and an agency's
scorecard — read the same way for the download view and for the background run: who asks, the
list screen's query string, and (a scorecard) the agency's code give the filters, the
permission checks, the number of rows (one COUNT) and how the file is written.

The view asks `prepare()` at once and builds the file itself when it has at most
EXPORT_BACKGROUND_ROWS rows; otherwise exports/background.py stores the request, and the worker
asks `prepare()` again with the same words and the moment of the request, so the file holds what
the person would have downloaded then (and a permission lost meanwhile is a refusal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import permissions as perms
from agencies.models import Agency, Committee, User

from .pdf.overdue import build_overdue_audit
from .pdf.queries import (
    ReportFilters,
    agency_parts,
    committee_agencies,
    overdue_parts,
    parse_filters,
)
from .pdf.scorecard import build_scorecard
from .spreadsheets import SHEETS, write_xlsx
from .xlsx import XLSX

PDF = "application/pdf"
NO_COMMITTEE = _("Choose a committee (?committee=CODE).")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Prepared:
    """One export, read and allowed: its filters, file name, and how to count and write it."""

    kind: str
    filters: ReportFilters
    user: User
    filename: str
    count: Callable[[], int]
    write: Callable[[IO[bytes], Progress | None], None]

    @property
    def as_attachment(self) -> bool:
        return is_attachment(self.kind)

    @property
    def content_type(self) -> str:
        return content_type(self.kind)


def is_attachment(kind: str) -> bool:
    """A spreadsheet downloads; a PDF opens in the browser, as it always has."""
    return kind.startswith("xlsx:")


def content_type(kind: str) -> str:
    return XLSX if is_attachment(kind) else PDF


def committee_of(user: User, params: Mapping[str, str]) -> Committee:
    """The user's own committee; an administrator names one with ?committee=CODE."""
    code = (params.get("committee") or "").strip()
    if perms.is_admin(user) and code:
        return get_object_or_404(Committee, code=code)
    committee = user.committee
    if committee is None:
        raise Http404(NO_COMMITTEE)
    return committee


def visible_agency(user: User, committee: Committee, code: str) -> Agency:
    """A member agency whose figures the user may see, or a 404."""
    agency = committee_agencies(committee).filter(code=code).first()
    if agency is None or not perms.can_view_agency_figures(committee.pk, agency.pk, user):
        raise Http404
    return agency


def stamp(filters: ReportFilters) -> str:
    return timezone.localtime(filters.now).strftime("%Y%m%d")


def filters_for(
    user: User,
    params: Mapping[str, str],
    now: dt.datetime | None = None,
    *,
    committee: Committee | None = None,
    **fixed: Any,
) -> ReportFilters:
    """The list screen's filters from its query string, in the user's committee (`committee`
    when the caller has already read it)."""
    committee = committee or committee_of(user, params)
    filters = parse_filters(committee, params, user=user, now=now)
    return replace(filters, **fixed) if fixed else filters


def _spreadsheet(
    sheet: str, user: User, params: Mapping[str, str], now: dt.datetime | None
) -> Prepared:
    if sheet not in SHEETS:
        raise Http404
    filters = filters_for(user, params, now)
    if sheet == "scorecards" and filters.agency is not None:
        # ?agency= names one agency's line: only as far as its scorecard PDF may be seen.
        if not perms.can_view_agency_figures(filters.committee.pk, filters.agency.pk, user):
            raise Http404
    elif sheet == "scorecards":
        if not perms.is_committee_staff(user, filters.committee.pk) and not perms.is_admin(user):
            # An agency sees its own line only.
            if user.agency is None:
                raise Http404
            filters = replace(filters, agency=user.agency)

    def write(out: IO[bytes], progress: Progress | None) -> None:
        write_xlsx(sheet, filters, out, user=user, progress=progress)

    return Prepared(
        kind=f"xlsx:{sheet}",
        filters=filters,
        user=user,
        filename=f"{sheet}-{stamp(filters)}.xlsx",
        count=lambda: SHEETS[sheet]().count(filters, user),
        write=write,
    )


def _pdf(
    kind: str,
    filters: ReportFilters,
    user: User,
    filename: str,
    build: Callable[..., bytes],
    rows: Callable[[ReportFilters, User], Any],
) -> Prepared:
    """A PDF export: `build` makes its bytes, `rows` is the queryset its length is counted on."""

    def write(out: IO[bytes], progress: Progress | None) -> None:
        out.write(build(filters, user, progress=progress))

    return Prepared(
        kind=kind,
        filters=filters,
        user=user,
        filename=filename,
        count=lambda: rows(filters, user).count(),
        write=write,
    )


def _overdue(user: User, params: Mapping[str, str], now: dt.datetime | None) -> Prepared:
    filters = filters_for(user, params, now)
    name = f"qua-han-{stamp(filters)}.pdf"
    return _pdf("pdf:overdue", filters, user, name, build_overdue_audit, overdue_parts)


def _scorecard(
    user: User, params: Mapping[str, str], now: dt.datetime | None, agency_code: str
) -> Prepared:
    committee = committee_of(user, params)
    agency = visible_agency(user, committee, agency_code)
    filters = filters_for(user, params, now, committee=committee, agency=agency)
    name = f"ket-qua-{agency.code}-{stamp(filters)}.pdf"
    return _pdf("pdf:scorecard", filters, user, name, build_scorecard, agency_parts)


def prepare(
    kind: str,
    user: User,
    params: Mapping[str, str],
    *,
    target: str = "",
    now: dt.datetime | None = None,
) -> Prepared:
    """The export `kind` as `user` asks for it; Http404 if they may not see it, ActionError
    (with its message) if the filters are wrong."""
    params = {name: value for name, value in params.items()}
    if kind.startswith("xlsx:"):
        return _spreadsheet(kind.removeprefix("xlsx:"), user, params, now)
    if kind == "pdf:overdue":
        return _overdue(user, params, now)
    if kind == "pdf:scorecard":
        return _scorecard(user, params, now, target)
    raise Http404

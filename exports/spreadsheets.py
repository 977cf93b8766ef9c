"""Every list as an .xlsx: Vietnamese headers, real dates and numbers, a frozen header row, and
the screen's filters applied (listed on a second sheet).

Rows come from the same queries as the screens and the PDFs (exports/pdf/queries.py), read in
chunks with `.iterator()` (the tasks and the overdue parts as plain values, `task_list_rows` and
`overdue_part_rows`: no model instance per row), and XlsxWriter writes each row to a temporary
file as it comes (`constant_memory`): openpyxl built an object per cell, which took 68 s for
200,000 tasks (issue 11), and memory stays flat whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from agencies.models import User
from exports.xlsx import QUOTED, RowSheet, inline_text, inline_text_tail, number
from tasks.deadlines import VIETNAM, today_in_vietnam

from .pdf import labels
from .pdf.layout import nfc, vn_datetime
from .pdf.periodic import submission_list
from .pdf.queries import (
    ReportFilters,
    committee_agencies,
    coordinating_names,
    directive_list,
    figures_by_agency,
    lead_names,
    lead_parts,
    overdue_part_rows,
    overdue_parts,
    part_words,
    task_list,
    task_list_rows,
)

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
CHUNK = 2000  # rows fetched per query while streaming
# `_Writer.row` keeps the cells of texts up to SHORT_TEXT characters, at most KEPT_TEXTS of them
# (then starts again): enough for the names and states that repeat, flat memory whatever the size.
SHORT_TEXT = 200
KEPT_TEXTS = 20_000


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    value: Callable[[Any], Any]
    kind: str = "text"  # text | int | float | date | datetime


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[Column]
    rows: Callable[[ReportFilters, User | None], Iterable[Any]]
    # How many rows `rows` gives, asked of the database first (one COUNT): whether the export
    # runs in the background, and its progress bar's end (exports/kinds.py).
    count: Callable[[ReportFilters, User | None], int]


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return today_in_vietnam(moment) if moment else None


def _task_columns() -> list[Column]:
    """One row per task (a TaskRow): its derived timeliness, and each lead's part in one
    cell."""
    # read once, not once a row
    states, timeliness, words = labels.TASK_STATES, labels.TIMELINESS, part_words()
    return [
        Column(labels.COL_DIRECTIVE, 22, lambda t: t.directive_label),
        Column(labels.COL_REF, 8, lambda t: t.ref),
        Column(labels.COL_TASK, 60, lambda t: t.title),
        Column(labels.COL_LEAD, 30, lead_names),
        Column(labels.COL_COORDINATING, 30, coordinating_names),
        Column(labels.COL_DEADLINE, 12, lambda t: t.deadline, "date"),
        Column(labels.COL_DEADLINE_TEXT, 24, lambda t: t.deadline_text),
        Column(labels.COL_STATE, 16, lambda t: states.get(t.state, t.state)),
        Column(labels.COL_TIMELINESS, 24, lambda t: timeliness.get(t.timeliness, "")),
        Column(labels.COL_DAYS_OVERDUE, 10, lambda t: t.days_overdue, "int"),
        Column(labels.COL_LEAD_PARTS, 50, lambda t: lead_parts(t, words=words)),
        Column(labels.COL_COMPLETED, 14, lambda t: _local_date(t.completed_at), "date"),
    ]


def _part_columns() -> list[Column]:
    """One row per lead agency's overdue part (an OverduePartRow), against its own deadline."""
    states = labels.ASSIGNMENT_STATES
    return [
        Column(labels.COL_AGENCY, 30, lambda p: p.agency_name),
        Column(labels.COL_DIRECTIVE, 22, lambda p: p.directive_label),
        Column(labels.COL_REF, 8, lambda p: p.ref),
        Column(labels.COL_TASK, 60, lambda p: p.title),
        Column(labels.COL_OWN_DEADLINE, 12, lambda p: p.deadline, "date"),
        Column(labels.COL_ORIGINAL_DEADLINE, 12, lambda p: p.original_deadline, "date"),
        Column(labels.COL_STATE, 22, lambda p: states.get(p.state, p.state)),
        Column(labels.COL_OFFICER, 24, lambda p: p.officer),
        Column(labels.COL_DAYS_OVERDUE, 10, lambda p: p.days_overdue, "int"),
    ]


def _iterate(queryset: QuerySet[Any]) -> Iterator[Any]:
    return queryset.iterator(chunk_size=CHUNK)


def _scorecard_rows(filters: ReportFilters, user: User | None) -> list[Any]:
    rows = figures_by_agency(filters, user, with_days_late=True)[1]
    if filters.agency is not None:
        rows = [row for row in rows if row.agency.pk == filters.agency.pk]
    return rows


def _directives_sheet() -> Sheet:
    return Sheet(
        labels.SHEET_DIRECTIVES,
        [
            Column(labels.COL_NUMBER, 20, lambda d: d.number_symbol),
            Column(labels.COL_DOC_TYPE, 14, lambda d: labels.DOC_TYPES.get(d.doc_type, "")),
            Column(labels.COL_ISSUED_ON, 13, lambda d: d.issued_on, "date"),
            Column(labels.COL_SUBJECT, 70, lambda d: d.subject),
            Column(labels.COL_ISSUER, 30, lambda d: d.issuer_name),
            Column(labels.COL_STATE, 16, lambda d: labels.DIRECTIVE_STATES.get(d.state, d.state)),
            Column(labels.COL_TASK_COUNT, 12, lambda d: d.task_count, "int"),
        ],
        lambda f, u: _iterate(directive_list(f, u)),
        lambda f, u: directive_list(f, u).count(),
    )


def _scorecards_sheet() -> Sheet:
    return Sheet(
        labels.SHEET_SCORECARDS,
        [
            Column(labels.COL_AGENCY, 40, lambda r: r.agency.name),
            Column(labels.COL_TOTAL, 10, lambda r: r.figures.total, "int"),
            Column(labels.COL_DONE_ON_TIME, 14, lambda r: r.figures.done_on_time, "int"),
            Column(labels.COL_DONE_LATE, 14, lambda r: r.figures.done_late, "int"),
            Column(labels.COL_OPEN_ON_TIME, 16, lambda r: r.figures.open_on_time, "int"),
            Column(labels.COL_OPEN_OVERDUE, 16, lambda r: r.figures.open_overdue, "int"),
            Column(labels.COL_ON_TIME_RATE, 14, lambda r: r.figures.on_time_rate, "float"),
            Column(labels.COL_TOTAL_DAYS_LATE, 14, lambda r: r.days_late, "int"),
        ],
        _scorecard_rows,
        # One grouped query gives every line: never more lines than the committee's agencies.
        lambda f, u: 1 if f.agency is not None else committee_agencies(f.committee).count(),
    )


def _submitted_at(submission: Any) -> dt.datetime | None:
    moment = submission.submitted_at
    return timezone.localtime(moment, VIETNAM).replace(tzinfo=None) if moment else None


def _reports_sheet() -> Sheet:
    return Sheet(
        labels.SHEET_REPORTS,
        [
            Column(labels.COL_OBLIGATION, 30, lambda s: s.period.obligation.name),
            Column(labels.COL_PERIOD, 18, lambda s: s.period.label),
            Column(labels.COL_AGENCY, 40, lambda s: s.agency.name),
            Column(labels.COL_DUE_ON, 12, lambda s: s.period.due_on, "date"),
            Column(labels.COL_SUBMITTED_AT, 16, _submitted_at, "datetime"),
            Column(labels.COL_STATE, 16, lambda s: s.get_state_display()),
            Column(labels.COL_SUBMISSION, 16, lambda s: labels.SUBMISSIONS.get(s.timeliness, "")),
        ],
        lambda f, u: _iterate(submission_list(f, u)),
        lambda f, u: submission_list(f, u).count(),
    )


# Each list's sheet, made when written so its words come from the catalogue in Vietnamese.
SHEETS: dict[str, Callable[[], Sheet]] = {
    "directives": _directives_sheet,
    "tasks": lambda: Sheet(
        labels.SHEET_TASKS,
        _task_columns(),
        lambda f, u: task_list_rows(f, u, chunk=CHUNK),
        lambda f, u: task_list(f, u).count(),
    ),
    "overdue": lambda: Sheet(
        labels.SHEET_OVERDUE,
        _part_columns(),
        lambda f, u: overdue_part_rows(f, u, chunk=CHUNK),
        lambda f, u: overdue_parts(f, u).count(),
    ),
    "scorecards": _scorecards_sheet,
    "reports": _reports_sheet,
}


class _Writer:
    """One sheet's cells, a row at a time, each written with the format its kind needs."""

    def __init__(self, workbook: Workbook, ws: RowSheet) -> None:
        self.ws = ws
        self.formats: dict[str, Format] = {
            "date": workbook.add_format({"num_format": DATE_FORMAT}),
            "datetime": workbook.add_format({"num_format": DATETIME_FORMAT}),
            "float": workbook.add_format({"num_format": "0.0"}),
            # A text that looks like a formula is stored as text, with Excel's quote prefix.
            "quoted": workbook.add_format(QUOTED),
        }
        self._serials: dict[dt.date, float] = {}  # a date's number, worked out once
        self._indexes: dict[str, int] = {}  # each format's number in the workbook
        # Each short text's cell after its reference (a directive, an agency, a state repeats
        # down a column): escaped and normalised once, not once per cell.
        self._texts: dict[str, str] = {}
        # Each column's letters ("A", …, "Z", "AA", …), made the first time a row reaches it.
        self._letters: list[str] = []

    def index(self, kind: str) -> int:
        """The number of the format of `kind` in the workbook, given when a cell first uses it
        (as XlsxWriter numbers formats, so the file comes out the same)."""
        index = self._indexes[kind] = self.formats[kind]._get_xf_index()
        return index

    def row(self, row: int, values: list[Any], kinds: list[str]) -> None:
        """A row of cells in one piece (RowSheet.write_xml_row): the cells XlsxWriter's
        write_string, write_number and write_datetime would write (texts normalised, never a
        formula), without its work per cell. Empty cells (None, "") are left out."""
        ws = self.ws
        indexes = self._indexes
        serials = self._serials
        texts = self._texts
        letters = self._letters
        if len(values) > len(letters):
            letters += [xl_col_to_name(col) for col in range(len(letters), len(values))]
        line = str(row + 1)
        cells = []
        first = last = -1
        for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is None or value == "":
                continue
            ref = letters[col] + line
            if isinstance(value, str):
                tail = texts.get(value)
                if tail is None:
                    tail = inline_text_tail(value if value.isascii() else nfc(value), self)
                    if len(value) <= SHORT_TEXT:
                        if len(texts) >= KEPT_TEXTS:
                            texts.clear()
                        texts[value] = tail
                cells.append(f'<c r="{ref}"{tail}')
            elif kind in ("date", "datetime") and isinstance(value, dt.date):
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = ws._convert_date_time(value)
                cells.append(number(ref, serial, indexes.get(kind) or self.index(kind)))
            elif isinstance(value, int | float):
                xf = (indexes.get(kind) or self.index(kind)) if kind in self.formats else None
                cells.append(number(ref, value, xf))
            else:
                cells.append(inline_text(ref, nfc(str(value)), self))
            if first < 0:
                first = col
            last = col
        if cells:
            ws.write_xml_row(row, first, last, "".join(cells))


@labels.in_vietnamese
def write_xlsx(
    kind: str,
    filters: ReportFilters,
    out: IO[bytes],
    user: User | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the `kind` list to `out` as an .xlsx; return the number of data rows. `progress`
    is told the number of rows written so far after each row (a background export's bar)."""
    sheet = SHEETS[kind]()
    workbook = Workbook(out, {"constant_memory": True, "remove_timezone": True})
    ws = workbook.add_worksheet(sheet.title[:31], worksheet_class=RowSheet)
    ws.freeze_panes(1, 0)
    header = workbook.add_format(
        {"font_name": "Times New Roman", "bold": True, "bg_color": "#EEEEEE"}
        | {"text_wrap": True, "valign": "top"}
    )
    for index, column in enumerate(sheet.columns):
        ws.set_column(index, index, column.width)
        ws.write_string(0, index, column.header, header)
    ws.flush(1)
    writer = _Writer(workbook, ws)
    values = [column.value for column in sheet.columns]
    kinds = [column.kind for column in sheet.columns]
    count = 0
    for obj in sheet.rows(filters, user):
        count += 1
        writer.row(count, [value(obj) for value in values], kinds)
        if progress is not None:
            progress(count)

    info = workbook.add_worksheet(labels.SHEET_INFO, worksheet_class=RowSheet)
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 90)
    lines = [
        (labels.INFO_LIST, sheet.title),
        (labels.INFO_MADE_ON, vn_datetime(filters.now)),
        (labels.INFO_ROWS, count),
    ]
    lines += [(labels.INFO_FILTER, line) for line in filters.describe()]  # may quote a search
    info_writer = _Writer(workbook, info)
    for row, (name, value) in enumerate(lines):
        info_writer.row(row, [name, value], ["text", "text"])
    workbook.close()
    return count

"""A table of rows as a download (CSV or .xlsx), formulas neutralised: the access log's export,
so that everything printed or exported is written here, in exports/."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from xlsxwriter import Workbook

from .xlsx import QUOTED, XLSX, csv_text, write_text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    """Streamed, so a long log is never held in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel reads UTF-8 (Vietnamese) only with the byte-order mark
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_download(
    sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> FileResponse:
    """Written row by row to a temporary file (XlsxWriter's constant memory, as the lists'
    spreadsheets), headers frozen; numbers as numbers, everything else as text."""
    out = tempfile.TemporaryFile()
    workbook = Workbook(out, {"constant_memory": True})
    quoted = workbook.add_format(QUOTED)
    ws = workbook.add_worksheet(sheet[:31])  # Excel's limit on a sheet's name
    ws.freeze_panes(1, 0)
    for col, header in enumerate(headers):
        write_text(ws, 0, col, str(header), quoted)
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int | float):
                ws.write_number(number, col, value)
            elif value is not None and value != "":
                write_text(ws, number, col, str(value), quoted)
    workbook.close()
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)

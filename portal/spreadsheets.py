"""Files meant for spreadsheets (CSV, Excel): every cell is data, never a formula.

A spreadsheet runs a cell that starts with = + - or @ as a formula (also after spaces or
tabs), and one that starts with a tab or a carriage return may be read as one too. Such a
text gets a leading apostrophe, which spreadsheets take to mean "text". Every export of the
portal builds its rows with `spreadsheet_row` (or `spreadsheet_dataset`); numbers stay numbers.
An import reads the apostrophe back off with `spreadsheet_value`, so a file exported and
imported again is unchanged.
"""
from collections.abc import Iterable
from decimal import Decimal

import tablib

FORMULA_STARTERS = ("=", "+", "-", "@")
CONTROL_STARTERS = ("\t", "\r")
GUARD = "'"


def spreadsheet_cell(value):
    """The value for one cell: a text a spreadsheet would run is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(CONTROL_STARTERS) or text.lstrip(" \t\r\n").startswith(FORMULA_STARTERS):
        return GUARD + text
    return text


def spreadsheet_row(values: Iterable) -> list:
    return [spreadsheet_cell(value) for value in values]


def spreadsheet_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of a dataset (headers too) with every cell made safe."""
    safe = tablib.Dataset(headers=spreadsheet_row(dataset.headers or []))
    for row in dataset:
        safe.append(spreadsheet_row(row))
    return safe


def spreadsheet_value(value):
    """Read a cell of an imported file: the apostrophe `spreadsheet_cell` added comes off."""
    if isinstance(value, str) and value.startswith(GUARD) \
            and spreadsheet_cell(value[len(GUARD):]) == value:
        return value[len(GUARD):]
    return value

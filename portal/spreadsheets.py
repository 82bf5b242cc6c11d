"""Files meant for spreadsheets (CSV, Excel): every cell is data, never a formula.

A spreadsheet runs a cell that starts with = + - or @ as a formula (also after spaces or
tabs), and one that starts with a tab or a carriage return may be read as one too. Such a
text gets a leading apostrophe, which spreadsheets take to mean "text". Every export of the
portal (the registry, the dashboard's list, the agenda, the open data) is sent by
`spreadsheet_response`, which makes every cell safe so; numbers stay numbers. An import reads
the apostrophe back off with `spreadsheet_value`, so a file exported and imported again is
unchanged.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import tablib
from django.http import HttpResponse

FORMULA_STARTERS = ("=", "+", "-", "@")
CONTROL_STARTERS = ("\t", "\r")
GUARD = "'"
# The one map from a file format to its content type; FORMATS are the ones the portal writes.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


# What a cell holds once made safe: a number stays a number, anything else becomes text.
Cell = str | int | float | Decimal


def spreadsheet_cell(value: Any) -> Cell:
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


def spreadsheet_row(values: Iterable[Any]) -> list[Cell]:
    return [spreadsheet_cell(value) for value in values]


def spreadsheet_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of a dataset (headers too) with every cell made safe."""
    safe = tablib.Dataset(headers=spreadsheet_row(dataset.headers) if dataset.headers else None)
    for row in dataset:
        safe.append(spreadsheet_row(row))
    return safe


def spreadsheet_response(
    dataset: tablib.Dataset, *, file_format: str, filename: str, bom: bool = True
) -> HttpResponse:
    """A download of the rows as `filename`.csv or .xlsx, every cell (headers too) made safe.

    A CSV starts with a byte order mark, without which Excel reads UTF-8 as another encoding,
    unless `bom` is False (open data, read by programs).
    """
    safe = spreadsheet_dataset(dataset)
    response = HttpResponse(content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    if file_format == "csv":
        response.write(("\ufeff" if bom else "") + safe.export("csv"))
    else:
        response.write(safe.export("xlsx"))
    return response


def spreadsheet_value(value: Any) -> Any:
    """Read a cell of an imported file: the apostrophe `spreadsheet_cell` added comes off."""
    if (
        isinstance(value, str)
        and value.startswith(GUARD)
        and spreadsheet_cell(value[len(GUARD) :]) == value
    ):
        return value[len(GUARD) :]
    return value

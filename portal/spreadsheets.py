"""Files meant for spreadsheets (CSV, Excel): every cell is data, never a formula.

A spreadsheet runs a cell that starts with = + - or @ as a formula (also after spaces or
tabs), and one that starts with a tab or a carriage return may be read as one too. Such a
text gets a leading apostrophe, which spreadsheets take to mean "text". Every export of the
portal (the registry, the dashboard's list, the agenda, the open data) is sent by
`spreadsheet_response`, which makes every cell safe so; numbers stay numbers. An import reads
the apostrophe back off with `spreadsheet_value`, so a file exported and imported again is
unchanged.

A CSV "in Swedish" (`swedish=True`) is written as a Swedish Excel writes and reads one: cells
separated by semicolons and decimal numbers with a decimal comma. `decode_text` and
`csv_delimiter` read what such an Excel saves: UTF-8 with or without a byte order mark, or
Windows-1252, separated by semicolons or commas.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import tablib
from django.http import HttpResponse

# The cell separators a spreadsheet file may use, most likely first when a line has as many.
DELIMITERS = (";", ",", "\t")

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


def _decimal_comma(value: Cell) -> Cell:
    """A decimal number written with a decimal comma, as Swedish spreadsheets read it."""
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return value


def spreadsheet_response(
    dataset: tablib.Dataset,
    *,
    file_format: str,
    filename: str,
    bom: bool = True,
    swedish: bool = False,
) -> HttpResponse:
    """A download of the rows as `filename`.csv or .xlsx, every cell (headers too) made safe.

    A CSV starts with a byte order mark, without which Excel reads UTF-8 as another encoding,
    unless `bom` is False (open data, read by programs). With `swedish`, a CSV has semicolons
    between its cells and decimal commas, as a Swedish Excel expects.
    """
    safe = spreadsheet_dataset(dataset)
    response = HttpResponse(content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    if file_format == "csv":
        if swedish:
            swedish_rows = tablib.Dataset(headers=safe.headers)
            for row in safe:
                swedish_rows.append([_decimal_comma(value) for value in row])
            text = swedish_rows.export("csv", delimiter=";")
        else:
            text = safe.export("csv")
        response.write(("\ufeff" if bom else "") + text)
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


def decode_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (a byte order mark comes off) if it is valid UTF-8, else
    Windows-1252, what Excel on a Swedish Windows saves as "CSV (semikolonavgränsad)"."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; keep them visible rather than refuse.
        return content.decode("cp1252", errors="replace")


def csv_delimiter(text: str) -> str:
    """The separator of a CSV file: the one its first line (the headings) has most of."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","

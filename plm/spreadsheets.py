"""Reading the CSV and XLSX files people upload: whatever encoding and separator their spreadsheet used."""

from __future__ import annotations

import csv
import io
from typing import Any


class UnreadableSpreadsheet(ValueError):
    """An XLSX file openpyxl cannot open."""


def decode_text(data: bytes) -> str:
    """UTF-8 with or without BOM (LibreOffice, Google Sheets), else Excel's Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def csv_reader(text: str):
    """A csv.reader using the separator of the header line: spreadsheets saved in an Indonesian
    locale write `;`, others `,` or tabs."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def xlsx_rows(data: bytes) -> list[list[Any]]:
    """The first sheet's rows as lists of cell values (dates stay dates)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise UnreadableSpreadsheet(str(exc)) from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return (filename or "").lower().endswith(".xlsx") or data[:2] == b"PK"

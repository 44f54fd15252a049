"""Reading the CSV and XLSX files people upload: whatever encoding and separator their spreadsheet used.

Uploads are hostile until read: an XLSX is a zip whose members may inflate a thousandfold, and its
declared `<dimension>` makes openpyxl build every row it claims. So every read here has hard caps
(rows, columns, decompressed bytes, CSV field length) that do not trust what the file says about itself.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from plm.text import clean_line

# Caps for every import. The callers' own row limits are lower; these bound memory and time.
MAX_COLUMNS = 100
MAX_XLSX_UNPACKED = 64 * 1024 * 1024  # all zip members together, decompressed
MAX_XLSX_MEMBERS = 1000
MAX_FIELD = 64 * 1024  # one CSV cell


class UnreadableSpreadsheet(ValueError):
    """The file cannot be read; str(exc) is a code: unreadable_xlsx, too_large, too_many_rows,
    too_many_columns, field_too_long, unreadable_csv."""


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


def csv_rows(reader, max_rows: int, max_columns: int = MAX_COLUMNS) -> Iterator[list[str]]:
    """The reader's rows, refusing a file past the caps instead of a 500 (`_csv.Error`) or a long stall.

    Blank lines do not count towards `max_rows` (the callers skip them) but a file of nothing
    else still stops at ten times the cap."""
    taken = seen = 0
    try:
        for row in reader:
            seen += 1
            if any(len(value) > MAX_FIELD for value in row):
                raise UnreadableSpreadsheet("field_too_long")
            if any(value.strip() for value in row[max_columns:]):
                raise UnreadableSpreadsheet("too_many_columns")
            if any(value.strip() for value in row):
                taken += 1
            if taken > max_rows or seen > 10 * max_rows + 1000:
                raise UnreadableSpreadsheet("too_many_rows")
            yield row[:max_columns]
    except csv.Error as exc:  # a field past csv.field_size_limit(), a NUL byte, ...
        code = "field_too_long" if "field larger" in str(exc) else "unreadable_csv"
        raise UnreadableSpreadsheet(code) from exc


def check_zip(data: bytes, max_unpacked: int = MAX_XLSX_UNPACKED) -> None:
    """Refuse a zip bomb before openpyxl opens it. zipfile stops each member at its declared size
    (a member that inflates past it fails its CRC check), so the declared sizes are a hard bound."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableSpreadsheet("unreadable_xlsx") from exc
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > max_unpacked:
        raise UnreadableSpreadsheet("too_large")


def xlsx_rows(data: bytes, max_rows: int = 20000, max_columns: int = MAX_COLUMNS) -> list[list[Any]]:
    """The first sheet's rows as lists of cell values (dates stay dates), at most `max_rows` rows
    that are not blank (else UnreadableSpreadsheet("too_many_rows")) and `max_columns` columns."""
    from openpyxl import load_workbook

    check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise UnreadableSpreadsheet("unreadable_xlsx") from exc
    rows: list[list[Any]] = []
    taken = seen = 0
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # ignore the declared <dimension ref="A1:XFD1048576"/>
        # Without a declared width each row is as wide as its last cell (at most 16,384, one row at a
        # time): a filled cell past the cap is refused, empty formatted ones are dropped.
        for row in sheet.iter_rows(values_only=True):
            seen += 1
            if any(value not in (None, "") for value in row[max_columns:]):
                raise UnreadableSpreadsheet("too_many_columns")
            if any(value not in (None, "") for value in row):
                taken += 1
            # Missing rows come back as blank ones: a single cell at row 1,048,576 stops here too.
            if taken > max_rows or seen > 10 * max_rows + 1000:
                raise UnreadableSpreadsheet("too_many_rows")
            cells = list(row[:max_columns])
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
    except UnreadableSpreadsheet:
        raise
    except Exception as exc:
        raise UnreadableSpreadsheet("unreadable_xlsx") from exc
    finally:
        workbook.close()
    while rows and all(value in (None, "") for value in rows[-1]):  # formatted but empty rows at the end
        rows.pop()
    return rows


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return (filename or "").lower().endswith(".xlsx") or data[:2] == b"PK"


# ---------------------------------------------------------------------------------------------
# What the imports (participants, delegations) share once the rows are read
# ---------------------------------------------------------------------------------------------

def header_key(value: Any, columns: Container[str], aliases: Mapping[str, str]) -> str:
    """A header cell as a column name: the name itself in any case, with spaces for underscores, or one of its
    *aliases* (lower case, spaces); "" for a column the import does not know."""
    text = clean_line(value).casefold().lstrip("\ufeff").strip().replace("_", " ")
    if text.replace(" ", "_") in columns:
        return text.replace(" ", "_")
    return aliases.get(text, "")


def cell_text(value: Any) -> str:
    """A cell as one clean line of text: Excel's 12.0 as "12", and our own export's quote before =, +, - or @
    (which keeps a spreadsheet from running the cell as a formula) taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_line(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


#: What an upload page says when an import file cannot be read (UnreadableSpreadsheet's codes, and the
#: imports' "unsupported_format"); each import adds its own "empty", "missing_columns" and "too_many_rows".
FILE_ERROR_TEXT = {
    "unreadable_xlsx": _l("The Excel file cannot be read. Save it again as .xlsx or .csv."),
    "unsupported_format": _l("Old .xls and .ods files are not supported. Save the file as .xlsx or .csv."),
    "too_large": _l("The Excel file is too large once unpacked. Save it again as .csv, or split it."),
    "too_many_columns": _l("The file has too many columns (at most 100)."),
    "field_too_long": _l("One cell of the file is far too long (over 64,000 characters). Check the file."),
    "unreadable_csv": _l("The CSV file cannot be read. Save it again as .csv (UTF-8) or .xlsx."),
}


@dataclass
class RowIssue:
    row: int  # 1-based line in the file, header is row 1
    column: str
    reason: str  # a code the import's page and CLI put into words (missing_name, bad_email, ...)
    value: str = ""
    other_row: int | None = None  # duplicate_in_file: the earlier row with the same key


@dataclass
class ImportPlan:
    """What an import would do, checked row by row before anything is written."""
    to_add: list[dict] = field(default_factory=list)
    to_update: list[dict] = field(default_factory=list)  # each has the id of what it changes ("_participant_id", ...)
    refused: list[RowIssue] = field(default_factory=list)
    unchanged: int = 0
    total_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({issue.row for issue in self.refused})

    def summary(self) -> dict[str, int]:
        return {"rows": self.total_rows, "add": len(self.to_add), "update": len(self.to_update),
                "unchanged": self.unchanged, "refused": self.refused_rows}

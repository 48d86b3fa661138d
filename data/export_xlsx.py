"""Tables as .xlsx for meeting exports and the audit trail.

Numbers stay numbers, with a number format (money `#,##0.00` under a header
that names its unit, 万元 or 元; rates `0.0%`), so a chair can add them up
in Excel. Text is always stored as text: a cell that starts with `=` (a payee
or a user name may) can never become a formula. The CSV of the audit trail
has no way to say "text", so it puts a `'` before such a cell (`inert`)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY = "#,##0.00"
RATE = "0.0%"
SHEET_NAME_MAX = 31  # Excel's limit


def inert(value: Any) -> Any:
    """A CSV cell Excel will not evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cell(sheet, value: Any, number_format: str | None = None, bold: bool = False) -> WriteOnlyCell:
    """One cell: text as text (never a formula), dates and numbers formatted."""
    out = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        out.data_type = "s"
    elif isinstance(value, datetime):
        out.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        out.number_format = "yyyy-mm-dd"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and number_format:
        out.number_format = number_format
    if bold:
        out.font = Font(bold=True)
    return out


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 16
    number_format: str | None = None  # for numeric cells; text ignores it


def workbook(sheet_title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]],
             lead: Sequence[str] = ()) -> bytes:
    """One sheet: the `lead` lines (what, source, 数据截至), the column
    headers in bold, then the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:SHEET_NAME_MAX] or "Sheet1")
    for i, col in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = col.width
    for line in lead:
        sheet.append([cell(sheet, line, bold=True)])
    sheet.append([cell(sheet, c.header, bold=True) for c in columns])
    formats = [c.number_format for c in columns]
    for row in rows:
        sheet.append([cell(sheet, v, f) for v, f in zip(row, formats)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

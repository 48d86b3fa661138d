"""Audit entries as a spreadsheet: .xlsx, and CSV in UTF-8 with a byte order
mark so Excel opens the Chinese correctly, for the admin page's export and
`flask --app app audit export`.

A user name is whatever someone typed at the sign-in form, so a cell may
start with `=`: the xlsx stores every text as text, never as a formula, and
the CSV puts a `'` before such a cell (the usual defence against formula
injection), because a CSV has no way to say "text"."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from data.audit import ACTIONS

HEADER = ("编号", "时间", "用户", "操作", "详情", "IP 地址")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The entries as spreadsheet rows (time to the second, action in Chinese)."""
    return [[r["id"], r["at"].replace(microsecond=0), r["username"] or "",
             ACTIONS.get(r["action"], r["action"]), r["detail"] or "", r["ip"] or ""]
            for r in rows]


def inert(value: Any) -> Any:
    """A CSV cell Excel will not evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in table(rows):
        writer.writerow([inert(v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v)
                         for v in line])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("使用留痕")
    for width, col in zip((10, 21, 18, 16, 60, 18), "ABCDEF"):
        sheet.column_dimensions[col].width = width
    sheet.append(HEADER)
    for line in table(rows):
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            cells.append(cell)
        sheet.append(cells)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

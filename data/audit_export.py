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

from data.audit import ACTIONS
from data.export_xlsx import Column, inert, workbook

HEADER = ("编号", "时间", "用户", "操作", "详情", "IP 地址")
WIDTHS = (10, 21, 18, 16, 60, 18)


def table(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The entries as spreadsheet rows (time to the second, action in Chinese)."""
    return [[r["id"], r["at"].replace(microsecond=0), r["username"] or "",
             ACTIONS.get(r["action"], r["action"]), r["detail"] or "", r["ip"] or ""]
            for r in rows]


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in table(rows):
        writer.writerow([inert(v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v)
                         for v in line])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    return workbook("使用留痕", [Column(h, w) for h, w in zip(HEADER, WIDTHS)], table(rows))

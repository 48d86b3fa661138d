"""Audit entries as a spreadsheet: .xlsx, and CSV in UTF-8 with a byte order
mark so Excel opens the Chinese correctly, for the admin page's export and
`flask --app app audit export`, headed in the current language.

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
from data.i18n import N_, _

HEADER = (N_("编号"), N_("时间"), N_("用户"), N_("操作"), N_("详情"), N_("IP 地址"))
WIDTHS = (10, 21, 18, 16, 60, 18)
SHEET = N_("使用留痕")


def header() -> list[str]:
    return [_(h) for h in HEADER]


def action_name(action: str) -> str:
    """An action in the current language (an unknown one as stored)."""
    name = ACTIONS.get(action)
    return _(name) if name else action


def table(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The entries as spreadsheet rows (time to the second, action named in
    the current language)."""
    return [[r["id"], r["at"].replace(microsecond=0), r["username"] or "",
             action_name(r["action"]), r["detail"] or "", r["ip"] or ""]
            for r in rows]


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    for line in table(rows):
        writer.writerow([inert(v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v)
                         for v in line])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    return workbook(_(SHEET), [Column(h, w) for h, w in zip(header(), WIDTHS)], table(rows))

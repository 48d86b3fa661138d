"""The table of funds or regions: received, allocated, paid, the two rates,
the gap to time progress, the receipt dates and both rules' levels in words."""
from __future__ import annotations

from typing import Any, Sequence

from components import grid
from data.i18n import _
from data.query.direct_funds import DirectRow
from pages._direct.status import Status


def received_when(row: DirectRow) -> str:
    if not row.receipts:
        return "—"
    first, last = row.first_received.isoformat(), row.last_received.isoformat()
    return first if first == last else _("{first} 至 {last}").format(first=first, last=last)


def days_since(row: DirectRow) -> str:
    if not row.receipts:
        return "—"
    first, last = row.days_since_first, row.days_since_last
    return f"{first}" if first == last else _("{first}（最近 {last}）").format(first=first, last=last)


def rows(items: Sequence[DirectRow], alloc: Sequence[Status], pay: Sequence[Status],
         hrefs: Sequence[str | None]) -> list[dict[str, Any]]:
    return [{
        "code": r.code, "name": r.name,
        "received": grid.wan(r.received), "allocated": grid.wan(r.allocated),
        "paid": grid.wan(r.paid), "alloc_rate": r.allocation_rate, "pay_rate": r.payment_rate,
        "gap": None if r.gap_pp is None else round(r.gap_pp, 1),
        "when": received_when(r), "days": days_since(r),
        "alloc": a.text, "alloc_lvl": a.level, "alloc_note": a.note,
        "pay": p.text, "pay_lvl": p.level, "pay_note": p.note,
        "href": h,
    } for r, a, p, h in zip(items, alloc, pay, hrefs)]


def columns(name_header: str, by_rule: bool = True) -> list[dict[str, Any]]:
    """`by_rule`: a level column per rule (one fund's rows); else one column
    of the breaches found (rows over all funds, which no rule judges)."""
    judged = [
        {**grid.level_col("alloc", _("分配进度"), "alloc_lvl"), "minWidth": 170,
         "tooltipField": "alloc_note"},
        {**grid.level_col("pay", _("支出进度"), "pay_lvl"), "minWidth": 170,
         "tooltipField": "pay_note"},
    ] if by_rule else [{**grid.level_col("alloc", _("预警"), "alloc_lvl"), "minWidth": 200,
                        "tooltipField": "alloc_note"}]
    return [
        {"field": "name", "headerName": name_header, "minWidth": 220, "tooltipField": "name",
         "pinned": "left"},
        grid.money_col("received", _("上级下达")), grid.money_col("allocated", _("已分配")),
        grid.rate_col("alloc_rate", _("分配率")), grid.money_col("paid", _("已支付")),
        grid.rate_col("pay_rate", _("支付率")),
        {"field": "gap", "headerName": _("与序时进度差（个百分点）"), "type": "rightAligned",
         "minWidth": 140, "cellClass": "num ag-right-aligned-cell",
         "valueFormatter": {"function": "params.value == null ? '—' : d3.format('+.1f')(params.value)"}},
        {"field": "when", "headerName": _("下达日期"), "minWidth": 130},
        {"field": "days", "headerName": _("距下达（天）"), "minWidth": 120},
        *judged,
    ]

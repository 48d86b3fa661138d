"""The headline tiles of each drill level: received, allocated and paid, with
the rule engine's levels where a fund × region is on screen."""
from __future__ import annotations

from typing import Sequence

from dash import html

from components import format as fmt
from components import levels, urlstate
from components.kpi import kpi_tile, money_figure
from data.query.direct_funds import DirectFunds, DirectRow, Recipient
from data.rules import RULES
from pages._direct.status import ALLOC, PAY, Status, counts_text
from service import view

WARNINGS = "/warnings"


def _money(title: str, fen: int, tile_id: str, **kw) -> html.Div:
    number, unit = money_figure(fen)
    return kpi_tile(title, number, unit, tile_id=tile_id, **kw)


def receipts_line(row: DirectRow, grace: int) -> list:
    """When the money came and whether it is still in its `grace` days."""
    if not row.receipts:
        return [html.Div("截至日期尚未收到上级下达的资金")]
    when = (fmt.long_date(row.first_received) if row.first_received == row.last_received
            else f"{fmt.long_date(row.first_received)} 至 {fmt.long_date(row.last_received)}")
    days = (f"距今 {row.days_since_first} 天" if row.days_since_first == row.days_since_last
            else f"距首次 {row.days_since_first} 天、最近 {row.days_since_last} 天")
    judged = row.past_grace(grace)
    grace_text = (f"全部在 {grace} 天宽限期内，暂不评价" if row.within_grace(grace)
                  else f"超过 {grace} 天宽限期的 {fmt.money(judged)} 纳入评价")
    return [html.Div(f"下达日期 {when}（{days}）"), html.Div(grace_text, id="direct-grace")]


def fund_tiles(row: DirectRow, alloc: Status, pay: Status, grace: int) -> html.Div:
    """A fund at a region, its levels from DIRECT_ALLOC_SLOW and DIRECT_PAY_LAG;
    `grace`: DIRECT_PAY_LAG's grace days in force."""
    return html.Div([
        _money("上级下达", row.received, "direct-received", show_level=False,
               sub=receipts_line(row, grace)),
        _money("已分配", row.allocated, "direct-allocated", level=alloc.level,
               level_text="宽限期内" if alloc.text == "○宽限期内" else None,
               level_title=alloc.note, rate=row.allocation_rate,
               sub=[html.Div(f"分配率 {fmt.pct(row.allocation_rate)}（带该资金代码的预算指标 ÷ 上级下达）")],
               explain=RULES[ALLOC].explain_zh),
        _money("已支付", row.paid, "direct-paid", level=pay.level,
               level_text=("宽限期内" if pay.text == "○宽限期内"
                           else fmt.pp(row.gap_pp) if pay.flagged else None),
               level_title=pay.note, rate=row.payment_rate, time_progress=row.time_progress,
               sub=[html.Div(f"支付率 {fmt.pct(row.payment_rate)} · 序时进度 "
                             f"{fmt.pct(row.time_progress)}"),
                    html.Div(f"与序时进度相差 {fmt.pp(row.gap_pp)}")],
               explain=RULES[PAY].explain_zh),
    ], className="kpi-grid drill-kpis", id="direct-tiles")


def total_tiles(total: DirectFunds, n_funds: int, found: Sequence, params: dict[str, str]
                ) -> html.Div:
    """All funds of a region: totals (no rule judges them), and the breaches
    of the funds there and below, linking to 预警中心."""
    text = counts_text(found)
    href = urlstate.link(WARNINGS, {**urlstate.keep_global(params), "area": "direct"})
    return html.Div([
        _money("上级下达", total.received, "direct-received", show_level=False,
               sub=f"{n_funds} 项直达资金，含下级区划"),
        _money("已分配", total.allocated, "direct-allocated", show_level=False,
               rate=total.allocation_rate, sub=f"分配率 {fmt.pct(total.allocation_rate)}"),
        _money("已支付", total.paid, "direct-paid", show_level=False, rate=total.payment_rate,
               time_progress=total.time_progress,
               sub=[html.Div(f"支付率 {fmt.pct(total.payment_rate)} · 序时进度 "
                             f"{fmt.pct(total.time_progress)}"),
                    html.Div(f"与序时进度相差 {fmt.pp(total.gap_pp)}")]),
        kpi_tile("直达资金预警", str(len(found)), "项",
                 level=levels.worst(*(b.level for b in found)) or "green",
                 level_title="；".join(view.rule_note(r) for r in (ALLOC, PAY)),
                 sub=[html.Div(text or "没有分配或支出滞后的资金"),
                      html.Div("按单项资金和区划（含下级）逐一评价")],
                 href=href, link_text="在预警中心查看", tile_id="direct-breaches"),
    ], className="kpi-grid drill-kpis", id="direct-tiles")


def agency_tiles(r: Recipient) -> html.Div:
    return html.Div([
        _money("已分配到本单位", r.allocated, "direct-allocated", show_level=False,
               sub="带该资金代码的预算指标（截至日期）"),
        _money("本单位已支付", r.paid, "direct-paid", show_level=False, rate=r.rate,
               sub=[html.Div(f"支付 ÷ 分配 {fmt.pct(r.rate)}"),
                    html.Div("直达资金按资金和区划评价，单位不单独评级")]),
    ], className="kpi-grid drill-kpis", id="direct-tiles")

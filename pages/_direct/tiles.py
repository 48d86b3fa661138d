"""The headline tiles of each drill level: received, allocated and paid, with
the rule engine's levels where a fund × region is on screen."""
from __future__ import annotations

from typing import Sequence

from dash import html

from components import format as fmt
from components import levels, urlstate
from components.kpi import kpi_tile, money_figure
from data.i18n import _, ngettext
from data.query.direct_funds import DirectFunds, DirectRow, Recipient
from data.rules import RULES
from pages._direct.status import ALLOC, PAY, WITHIN_GRACE, Status, counts_text
from service import view

WARNINGS = "/warnings"


def _money(title: str, fen: int, tile_id: str, **kw) -> html.Div:
    number, unit = money_figure(fen)
    return kpi_tile(title, number, unit, tile_id=tile_id, **kw)


def receipts_line(row: DirectRow, grace: int) -> list:
    """When the money came and whether it is still in its `grace` days."""
    if not row.receipts:
        return [html.Div(_("截至日期尚未收到上级下达的资金"))]
    first, last = row.days_since_first, row.days_since_last
    if row.first_received == row.last_received:
        when = ngettext("下达日期 {date}（距今 {n} 天）", "下达日期 {date}（距今 {n} 天）",
                        first).format(date=fmt.long_date(row.first_received), n=first)
    else:
        when = _("下达日期 {first} 至 {last}（距首次 {first_days} 天、最近 {last_days} 天）").format(
            first=fmt.long_date(row.first_received), last=fmt.long_date(row.last_received),
            first_days=first, last_days=last)
    grace_text = (ngettext("全部在 {n} 天宽限期内，暂不评价", "全部在 {n} 天宽限期内，暂不评价",
                           grace).format(n=grace) if row.within_grace(grace)
                  else ngettext("超过 {n} 天宽限期的 {amount} 纳入评价",
                                "超过 {n} 天宽限期的 {amount} 纳入评价", grace).format(
                      n=grace, amount=fmt.money(row.past_grace(grace))))
    return [html.Div(when), html.Div(grace_text, id="direct-grace")]


def paid_lines(rate: float | None, time_progress: float, gap_pp: float | None) -> list:
    return [html.Div(_("支付率 {rate} · 序时进度 {tp}").format(rate=fmt.pct(rate),
                                                           tp=fmt.pct(time_progress))),
            html.Div(_("与序时进度相差 {gap}").format(gap=fmt.pp(gap_pp)))]


def fund_tiles(row: DirectRow, alloc: Status, pay: Status, grace: int) -> html.Div:
    """A fund at a region, its levels from DIRECT_ALLOC_SLOW and DIRECT_PAY_LAG;
    `grace`: DIRECT_PAY_LAG's grace days in force."""
    return html.Div([
        _money(_("上级下达"), row.received, "direct-received", show_level=False,
               sub=receipts_line(row, grace)),
        _money(_("已分配"), row.allocated, "direct-allocated", level=alloc.level,
               level_text=_("宽限期内") if alloc.text == _(WITHIN_GRACE) else None,
               level_title=alloc.note, rate=row.allocation_rate,
               sub=[html.Div(_("分配率 {rate}（带该资金代码的预算指标 ÷ 上级下达）").format(
                   rate=fmt.pct(row.allocation_rate)))],
               explain=RULES[ALLOC].explain),
        _money(_("已支付"), row.paid, "direct-paid", level=pay.level,
               level_text=(_("宽限期内") if pay.text == _(WITHIN_GRACE)
                           else fmt.pp(row.gap_pp) if pay.flagged else None),
               level_title=pay.note, rate=row.payment_rate, time_progress=row.time_progress,
               sub=paid_lines(row.payment_rate, row.time_progress, row.gap_pp),
               explain=RULES[PAY].explain),
    ], className="kpi-grid drill-kpis", id="direct-tiles")


def total_tiles(total: DirectFunds, n_funds: int, found: Sequence, params: dict[str, str]
                ) -> html.Div:
    """All funds of a region: totals (no rule judges them), and the breaches
    of the funds there and below, linking to 预警中心."""
    text = counts_text(found)
    href = urlstate.link(WARNINGS, {**urlstate.keep_global(params), "area": "direct"})
    return html.Div([
        _money(_("上级下达"), total.received, "direct-received", show_level=False,
               sub=ngettext("{n} 项直达资金，含下级区划", "{n} 项直达资金，含下级区划",
                            n_funds).format(n=n_funds)),
        _money(_("已分配"), total.allocated, "direct-allocated", show_level=False,
               rate=total.allocation_rate,
               sub=_("分配率 {rate}").format(rate=fmt.pct(total.allocation_rate))),
        _money(_("已支付"), total.paid, "direct-paid", show_level=False, rate=total.payment_rate,
               time_progress=total.time_progress,
               sub=paid_lines(total.payment_rate, total.time_progress, total.gap_pp)),
        kpi_tile(_("直达资金预警"), str(len(found)), _("项"),
                 level=levels.worst(*(b.level for b in found)) or "green",
                 level_title=_("；").join(view.rule_note(r) for r in (ALLOC, PAY)),
                 sub=[html.Div(text or _("没有分配或支出滞后的资金")),
                      html.Div(_("按单项资金和区划（含下级）逐一评价"))],
                 href=href, link_text=_("在预警中心查看"), tile_id="direct-breaches"),
    ], className="kpi-grid drill-kpis", id="direct-tiles")


def agency_tiles(r: Recipient) -> html.Div:
    return html.Div([
        _money(_("已分配到本单位"), r.allocated, "direct-allocated", show_level=False,
               sub=_("带该资金代码的预算指标（截至日期）")),
        _money(_("本单位已支付"), r.paid, "direct-paid", show_level=False, rate=r.rate,
               sub=[html.Div(_("支付 ÷ 分配 {rate}").format(rate=fmt.pct(r.rate))),
                    html.Div(_("直达资金按资金和区划评价，单位不单独评级"))]),
    ], className="kpi-grid drill-kpis", id="direct-tiles")

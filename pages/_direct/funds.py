"""The top of the drill: every fund of the region, its allocation and payment
rates coloured by the rule engine's levels, and the table of every figure."""
from __future__ import annotations

import re

import dash_bootstrap_components as dbc
from dash import html

from components import charts, drill, grid
from components import format as fmt
from data.i18n import N_, _, ngettext
from data.query import scope_tp
from data.query.direct_funds import DirectFunds, DirectRow, fund_rows
from data.rules import RULES
from pages._direct import table
from pages._direct.state import Path, region_label
from pages._direct.status import ALLOC, PAY, Status, Verdicts
from pages._direct.tiles import total_tiles
from service.cache import cached_call

SOURCE = N_("直达资金下达、预算指标、国库集中支付")


def note(state: drill.PageState) -> str:
    return fmt.as_of_note(state.filters.as_of, _(SOURCE))


def hover(r: DirectRow, s: Status, what: str, rate: float | None) -> str:
    """`what`: the rate's name, translated; the note's sentences one a line."""
    figures = _("上级下达 {received}<br>已分配 {allocated}<br>已支付 {paid}<br>{what} {rate}　{status}")
    lines = re.sub(r"。|(?<=\.) ", "<br>", s.note.rstrip("。"))  # i18n: data (sentence ends)
    return (f"<b>{r.name}</b><br>" + figures.format(
        received=fmt.money(r.received), allocated=fmt.money(r.allocated), paid=fmt.money(r.paid),
        what=what, rate=fmt.pct(rate), status=s.text) + f"<br>{lines}<br>" + _("点击查看该资金"))


def rate_charts(state: drill.PageState, path: Path, rows: list[DirectRow],
                alloc: list[Status], pay: list[Status], hrefs: list[str]) -> dbc.Row:
    region = region_label(path)
    tp = rows[0].time_progress if rows else 0.0
    names = [r.name for r in rows]
    alloc_chart = drill.chart(
        "direct-alloc", charts.ratio_bars(
            names=names, ratios=[r.allocation_rate for r in rows], levels=[s.level for s in alloc],
            labels=[f"{fmt.pct(r.allocation_rate)}  {s.text}" for r, s in zip(rows, alloc)],
            hovers=[hover(r, s, _("分配率"), r.allocation_rate) for r, s in zip(rows, alloc)],
            reference=1.0, reference_label=_("全部分配 100%"),
            title=_("{region}：各直达资金分配率").format(region=region),
            subtitle=_("分配率 = 带资金代码的指标 ÷ 上级下达；等级：{rule} {rule_id}").format(
                rule=RULES[ALLOC].name, rule_id=ALLOC),
            note=note(state), hrefs=hrefs, dark=state.dark),
        _("直达资金分配率-{region}").format(region=region))
    pay_chart = drill.chart(
        "direct-pay", charts.ratio_bars(
            names=names, ratios=[r.payment_rate for r in rows], levels=[s.level for s in pay],
            labels=[f"{fmt.pct(r.payment_rate)}  {s.text}" for r, s in zip(rows, pay)],
            hovers=[hover(r, s, _("支付率"), r.payment_rate) for r, s in zip(rows, pay)],
            reference=tp, reference_label=_("序时进度 {tp}").format(tp=fmt.pct(tp)),
            title=_("{region}：各直达资金支付率与序时进度").format(region=region),
            subtitle=_("支付率 = 带资金代码的支付 ÷ 上级下达；等级：{rule} {rule_id}").format(
                rule=RULES[PAY].name, rule_id=PAY),
            note=note(state), hrefs=hrefs, dark=state.dark),
        _("直达资金支付率-{region}").format(region=region))
    return dbc.Row([dbc.Col(alloc_chart, xl=6), dbc.Col(pay_chart, xl=6)], className="g-4")


def section(state: drill.PageState, path: Path, verdicts: Verdicts) -> list:
    scope = path.scope(state)
    rows = cached_call(fund_rows, scope)
    alloc = [verdicts.status(ALLOC, r.code, path.region, r) for r in rows]
    pay = [verdicts.status(PAY, r.code, path.region, r) for r in rows]
    hrefs = [path.link(state, fund=r.code) for r in rows]
    region = region_label(path)
    return [
        total_tiles(DirectFunds.of(rows, scope_tp(scope)), len(rows), verdicts.found, state.params),
        rate_charts(state, path, rows, alloc, pay, hrefs),
        html.P(_("点击条形或表格中的一行，查看该资金在各区划、各单位的分配和支出。") if rows
               else _("所选区划和年度没有直达资金。"), className="drill-hint"),
        html.H3(ngettext("{region}：各直达资金明细（{n} 项）", "{region}：各直达资金明细（{n} 项）",
                         len(rows)).format(region=region, n=len(rows)), className="section-title"),
        grid.drill_list("direct-funds", table.columns(_("直达资金")),
                        table.rows(rows, alloc, pay, hrefs), dark=state.dark, max_height=560),
    ]

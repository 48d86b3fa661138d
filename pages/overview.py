"""总览 / 监督大脑: the headline figures of every area for the selected region
and date, each tile linking to the page that drills into it."""
from __future__ import annotations

import dash
from dash import html

from components import drill
from components import format as fmt
from components import urlstate
from components.kpi import kpi_tile, money_figure
from components.levels import ORDER, badge
from data import query as q
from data.measures import REVENUE_LAG_PP, TAX_SHARE_MIN, gap_level, gap_pp, ratio, time_progress
from data.query import Scope, budgets, execution_total, revenue_by_class
from pages._shared import scaffold
from service import view
from service.cache import cached_call

dash.register_page(__name__, path="/", name="总览", title="总览 · 财政监督大脑", order=0,
                   icon="bi-speedometer2", description="监督大脑：各领域核心指标一屏总览")

# Drill-down pages by module; a tile links only to a page that is registered.
DRILL = {
    "revenue": "pages.revenue_expenditure",
    "execution": "pages.execution",
    "direct": "pages.direct_funds",
    "debt": "pages.debt",
    "assets": "pages.assets",
}


def drill_href(area: str, params: dict[str, str]) -> str | None:
    page = dash.page_registry.get(DRILL[area])
    return urlstate.link(page["path"], urlstate.keep_global(params)) if page else None


def worst(*keys: str | None) -> str | None:
    present = [k for k in keys if k is not None]
    return min(present, key=ORDER.index) if present else None


def revenue_tile(row, tax_share: float | None, tp: float, href: str | None):
    rate = ratio(row.revenue, row.revenue_budget)
    gap = gap_pp(rate, tp)
    level = gap_level(gap, REVENUE_LAG_PP)
    number, unit = money_figure(row.revenue)
    sub = [html.Div(["预算 ", html.Strong(fmt.money(row.revenue_budget)), f" · 完成 {fmt.pct(rate)}"]),
           html.Div(f"序时进度 {fmt.pct(tp)} · 相差 {fmt.pp(gap)}")]
    if tax_share is not None:
        sub.append(html.Div(f"税收占比 {fmt.pct(tax_share)}"
                            + ("（低于 70%）" if tax_share < TAX_SHARE_MIN else "")))
    return kpi_tile(
        f"{row.name}收入", number, unit, level=level, show_level=level is not None,
        rate=rate, time_progress=tp, sub=sub,
        explain="本年到截至日期已经收到的收入，与年度收入预算相比。完成比例明显低于时间进度，"
                "全年预算可能完不成；税收占比低说明收入质量不高。",
        href=href, tile_id="kpi-revenue")


def expenditure_tile(row, budget_name: str, tp: float, href: str | None):
    number, unit = money_figure(row.paid)
    return kpi_tile(
        f"{budget_name}支出", number, unit, level=row.level, show_level=row.level is not None,
        rate=row.rate, time_progress=tp,
        sub=[html.Div(["已下达指标 ", html.Strong(fmt.money(row.budget)),
                       f" · 执行率 {fmt.pct(row.rate)}"]),
             html.Div(f"序时进度 {fmt.pct(tp)} · 相差 {fmt.pp(row.gap_pp)}")],
        explain="国库已经支付的金额占已下达预算指标的比例（执行率），与时间过去的比例（序时进度）比较。"
                "落后 10 个百分点以上为关注，20 个百分点以上为严重。",
        href=href, tile_id="kpi-expenditure")


def tax_share(rows) -> float | None:
    """Tax (类 101) over all revenue of the selection, year to D."""
    total = sum(r.collected for r in rows)
    tax = sum(r.collected for r in rows if r.code == "101")
    return ratio(tax, total)


def direct_tile(d: q.DirectFunds, href: str | None):
    if not d.received:
        return kpi_tile("直达资金支付进度", "—", sub="本年度尚无上级下达的直达资金", show_level=False,
                        href=href, tile_id="kpi-direct")
    return kpi_tile(
        "直达资金支付进度", fmt.pct(d.payment_rate), level=d.level,
        rate=d.payment_rate, time_progress=d.time_progress,
        sub=[html.Div(["已支付 ", html.Strong(fmt.money(d.paid)), " / 已下达 ",
                       html.Strong(fmt.money(d.received))]),
             html.Div(f"分配率 {fmt.pct(d.allocation_rate)} · 与序时进度相差 {fmt.pp(d.gap_pp)}")],
        explain="上级下达的直达资金中已经支付到最终收款人的比例。支付进度明显落后于时间进度，"
                "说明惠企利民资金没有及时发挥作用。",
        href=href, tile_id="kpi-direct")


def debt_tile(debt: q.DebtPosition, href: str | None):
    over = debt.over_limit()
    level = worst(debt.level, "red" if over else None)
    rows = [html.Div([f"{name} 余额 ", html.Strong(fmt.money(debt.balance[key])),
                      " / 未报送限额" if debt.limit[key] is None
                      else f" / 限额 {fmt.money(debt.limit[key])}",
                      " · 超限额" if key in over else ""])
            for key, name in (("general", "一般债务"), ("special", "专项债务"))]
    rows.append(html.Div(f"债务率 {fmt.pct(debt.debt_ratio)} · 负债率 {fmt.pct(debt.liability_ratio)}"))
    number, unit = money_figure(debt.total_balance)
    return kpi_tile(
        "政府债务余额", number, unit, level=level, show_level=level is not None,
        rate=debt.total_balance / debt.total_limit if debt.total_limit else None,
        sub=rows,
        explain="已发行政府债券减去已偿还本金。余额不得超过上级核定的限额；"
                "债务率（余额/综合财力）120% 以上为关注，200% 以上为预警，300% 以上为严重。",
        href=href, tile_id="kpi-debt")


def soe_tile(soe: q.SoeTotals, href: str | None):
    if not soe.enterprises and not soe.financial:
        return kpi_tile("国有企业资产负债率", "—", sub="尚无企业财务报表", show_level=False,
                        href=href, tile_id="kpi-soe")
    return kpi_tile(
        "国有企业资产负债率", fmt.pct(soe.alr), level=soe.level, rate=soe.alr,
        sub=[html.Div(["资产总额 ", html.Strong(fmt.money(soe.assets)), " · 负债总额 ",
                       html.Strong(fmt.money(soe.liabilities))]),
             html.Div(f"{soe.enterprises} 户企业 · 超警戒线 {soe.alr_yellow + soe.alr_red} 户"
                      f"（其中超管控线 {soe.alr_red} 户）· 亏损 {soe.loss_making} 户"
                      + (f" · 另有金融企业 {soe.financial} 户（不计入）" if soe.financial else ""))],
        explain="负债占资产的比例。工业企业 65%、非工业企业 70% 为警戒线，"
                "再高 5 个百分点为重点管控线，金融企业不适用。",
        href=href, tile_id="kpi-soe")


def freshness_tile(rows: list[q.Freshness]):
    stale = [r for r in rows if r.stale]
    items = [html.Li([html.Span(r.label),
                      html.Span([fmt.cn_date(r.latest) if r.latest else "无数据", " ",
                                 _fresh_badge(r)])],
                     **{"data-dataset": r.dataset})
             for r in rows]
    return kpi_tile(
        "数据报送", f"{len(rows) - len(stale)}/{len(rows)}", "项按时",
        level="yellow" if stale else "green",
        sub=html.Ul(items, className="freshness"),
        explain=f"各类数据最近一期的日期。超过 {q.STALE_AFTER_DAYS} 天没有报送的数据标为关注，"
                "相应页面的数字可能不是最新的。",
        tile_id="kpi-freshness")


def _fresh_badge(r: q.Freshness):
    return badge("yellow", "滞后") if r.stale else badge("green")


def tiles(f: Scope, params: dict[str, str]) -> list:
    # Revenue and expenditure tiles cover one budget (the general budget unless
    # the filter names another): summed over all four, a transfer from one
    # budget into another would count twice.
    budget = Scope(as_of=f.as_of, year=f.year, mof_div=f.mof_div, fund_type=f.fund_type or "1")
    (revenue,) = cached_call(budgets, budget)
    classes = cached_call(revenue_by_class, budget)
    spent = cached_call(execution_total, budget)
    tp = time_progress(f.as_of)
    area = Scope(as_of=f.as_of, mof_div=f.mof_div)
    direct = cached_call(q.direct_funds, area)
    debt = cached_call(q.debt_position, area)
    soe = cached_call(q.soe_totals, area)
    fresh = cached_call(q.freshness, area)
    return [
        revenue_tile(revenue, tax_share(classes) if budget.fund_type == "1" else None, tp,
                     drill_href("revenue", params)),
        expenditure_tile(spent, revenue.name, tp, drill_href("execution", params)),
        direct_tile(direct, drill_href("direct", params)),
        debt_tile(debt, drill_href("debt", params)),
        soe_tile(soe, drill_href("assets", params)),
        freshness_tile(fresh),
    ]


@scaffold.page("/", "监督大脑", empty="请先导入财政、税务、国资等部门报送的数据。", page_id="overview")
def layout(state: drill.PageState, _tab: None) -> scaffold.View:
    f = state.filters
    region = view.names().region.get(f.mof_div, f.mof_div) if f.mof_div else "全部区划"
    return scaffold.View(
        title=["监督大脑 · ", region],
        caption=f"{fmt.as_of_note(f.as_of)} · 序时进度 {fmt.pct(time_progress(f.as_of))}",
        body=[html.Div(tiles(f, state.params), className="kpi-grid", id="overview-tiles")])

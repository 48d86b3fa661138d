"""金融企业: financial enterprises in their own table, never in the
non-financial ratio and never judged against its lines; a row opens the
enterprise's periods."""
from __future__ import annotations

from dash import html

from components import asset_charts, charts, drill, grid
from components import format as fmt
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile, money_figure
from data.i18n import N_, _, ngettext
from data.query.assets import FINANCIAL, SoeSum, enterprises, soe_by_industry
from pages._assets import common
from service import view
from service.cache import cached_call

APART = N_("金融企业的负债主要是吸收的存款、担保责任准备等，资产负债率与一般企业不可比："
           "不计入国有企业资产负债率，也不按警戒线评价；亏损仍按“国企亏损”规则提示。")


def columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("金融企业"), "minWidth": 240, "tooltipField": "name"},
        {"field": "region", "headerName": _("区划"), "minWidth": 120},
        {"field": "period", "headerName": _("数据期"), "minWidth": 110},
        grid.money_col("assets", _("资产总额")), grid.money_col("liabilities", _("负债总额")),
        grid.money_col("equity", _("所有者权益")), grid.money_col("revenue", _("营业收入")),
        grid.money_col("profit", _("利润总额")), grid.rate_col("alr", _("资产负债率（不评价）")),
        grid.level_col("level", _("预警状态")),
    ]


def section(state: drill.PageState) -> tuple[list, list[str]]:
    scope = common.scope(state)
    firms = [e for e in cached_call(enterprises, scope) if e.financial]
    total = next((r for r in cached_call(soe_by_industry, scope) if r.key == FINANCIAL),
                 SoeSum(FINANCIAL, 0, 0, 0, 0, 0, 0, 0))
    out: list = [breadcrumb(common.crumbs(state), id="assets-breadcrumb"),
                 html.P(_(APART), className="drill-hint", id="financial-apart")]
    if not firms:
        out.append(html.P(_("所选区划在截至日期前没有金融企业的财务报表。"), className="drill-empty"))
        return out, []
    j = common.judge(state, common.SOE_RULES)
    names = view.names()
    firms.sort(key=lambda e: -e.assets)
    hrefs = [state.link(enterprise=e.code) for e in firms]
    tiles = []
    for title, fen, tile_id, sub in (
            (_("资产总额"), total.assets, "financial-assets",
             ngettext("{n} 户金融企业", "{n} 户金融企业", total.enterprises)
             .format(n=total.enterprises)),
            (_("负债总额"), total.liabilities, "financial-liabilities",
             _("各企业截至日期最近一期报表合计")),
            (_("所有者权益"), total.equity, "financial-equity", _("资产总额减负债总额")),
            (_("利润总额"), total.profit, "financial-profit", _("本年累计"))):
        number, unit = money_figure(fen)
        tiles.append(kpi_tile(title, number, unit, show_level=False, tile_id=tile_id, sub=sub))
    shown = firms[:common.TOP_N]
    title = _("{region}：各金融企业资产与负债（资产最多的 {top} 户，共 {n} 户）") \
        if len(firms) > common.TOP_N else _("{region}：各金融企业资产与负债")
    fig = asset_charts.amount_bars(
        [e.name for e in shown],
        [(_("资产总额"), [e.assets for e in shown], charts.BUDGET_COLOR),
         (_("负债总额"), [e.liabilities for e in shown], charts.ACTUAL_COLOR)],
        title=title.format(region=common.region_label(state), top=common.TOP_N, n=len(firms)),
        subtitle=_("金融企业不按资产负债率警戒线评价"), note=common.note(state, "financial"),
        hrefs=hrefs[:common.TOP_N], dark=state.dark)
    rows = [{"name": e.name, "region": names.region.get(e.mof_div, e.mof_div), "period": e.period,
             "assets": fmt.wan(e.assets), "liabilities": fmt.wan(e.liabilities),
             "equity": fmt.wan(e.equity), "revenue": fmt.wan(e.revenue),
             "profit": fmt.wan(e.profit), "alr": e.alr,
             **dict(zip(("level", "lvl"), common.soe_status(e, j))), "href": h}
            for e, h in zip(firms, hrefs)]
    return out + [
        html.Div(tiles, className="kpi-grid drill-kpis"),
        drill.chart("assets-financial", fig, _("金融企业资产负债")),
        html.H3(ngettext("金融企业（{n} 户）", "金融企业（{n} 户）", len(firms)).format(n=len(firms)),
                className="section-title"),
        html.P(_("点击条形或一行，查看该企业各期报表。"), className="drill-hint"),
        grid.drill_list("assets-financial-rows", columns(), rows, dark=state.dark, max_height=520),
    ], []

"""行政事业性资产: each agency's latest report up to D, by asset class, by
region and by agency; idle and rented shares, the change against each
agency's previous report, and rule IDLE_ASSETS's levels. A region bar opens
the region, an agency bar or row the agency (`agency` in the URL)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import asset_charts, charts, drill, grid, levels
from components import format as fmt
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile, money_figure
from data.hierarchy import chain
from data.query.assets import AssetRow, admin_by_agency, admin_by_class, admin_by_region
from data.rules import LEVEL_ORDER
from pages._assets import common
from service import view
from service.cache import cached_call

RENTED_COLOR = "#CC79A7"

CLASS_COLUMNS = [
    {"field": "name", "headerName": "资产类别", "minWidth": 120},
    {"field": "agencies", "headerName": "单位数", "type": "rightAligned", "minWidth": 90},
    {"field": "quantity", "headerName": "数量", "type": "rightAligned", "minWidth": 110,
     "valueFormatter": {"function": "d3.format(',.2f')(params.value)"}},
    grid.money_col("original", "原值"), grid.money_col("net", "净值"),
    grid.money_col("idle", "闲置"), grid.rate_col("idle_share", "闲置占净值"),
    grid.money_col("rented", "出租出借"), grid.rate_col("rented_share", "出租出借占净值"),
    grid.money_col("prev_net", "上期净值"), grid.money_col("change", "净值环比变化"),
    grid.rate_col("change_rate", "环比"),
]

AGENCY_COLUMNS = [
    {"field": "name", "headerName": "单位", "minWidth": 240, "tooltipField": "name"},
    {"field": "region", "headerName": "区划", "minWidth": 110},
    {"field": "period", "headerName": "最近一期", "minWidth": 110},
    {"field": "prev_period", "headerName": "上一期", "minWidth": 110},
    grid.money_col("net", "净值"), grid.money_col("idle", "闲置"),
    grid.rate_col("idle_share", "闲置占净值"), grid.money_col("rented", "出租出借"),
    grid.rate_col("rented_share", "出租出借占净值"), grid.money_col("change", "净值环比变化"),
    grid.level_col("level", "闲置评价"),
]


def money_cells(r: AssetRow, columns: list[dict]) -> dict:
    """The figures of a row that `columns` show (万元, shares), nothing more:
    a drill list sends every field of every row to the browser."""
    cells = {"original": fmt.wan(r.original), "net": fmt.wan(r.net), "idle": fmt.wan(r.idle),
             "idle_share": r.idle_share, "rented": fmt.wan(r.rented),
             "rented_share": r.rented_share, "prev_net": fmt.wan(r.prev_net),
             "change": fmt.wan(r.net_change), "change_rate": r.net_change_rate}
    return {c["field"]: cells[c["field"]] for c in columns if c["field"] in cells}


def change_text(r: AssetRow) -> str:
    """`较上期 −38.24 万元（−0.1%）`."""
    sign = "+" if r.net_change >= 0 else "−"
    rate = f"（{sign}{fmt.pct(abs(r.net_change_rate))}）" if r.net_change_rate is not None else ""
    return f"较上期 {sign}{fmt.money(abs(r.net_change))}{rate}"


def tiles(total: AssetRow, idle_flags: list[str], j: common.Judge) -> html.Div:
    def money(title, fen, sub, tile_id, **level):
        number, unit = money_figure(fen)
        return kpi_tile(title, number, unit, sub=sub, tile_id=tile_id,
                        show_level=bool(level), **level)

    return html.Div([
        money("资产原值", total.original,
              f"{total.agencies} 个单位 · 最近一期 {common.period_zh(total.period)}", "admin-original"),
        money("资产净值", total.net, change_text(total), "admin-net"),
        money("闲置资产", total.idle, f"占资产净值 {fmt.pct(total.idle_share)}", "admin-idle",
              level=levels.worst(*idle_flags) or "green",
              level_text=f"{len(idle_flags)} 个单位闲置超线" if idle_flags else None,
              level_title=j.notes["IDLE_ASSETS"]),
        money("出租出借", total.rented, f"占资产净值 {fmt.pct(total.rented_share)}", "admin-rented"),
    ], className="kpi-grid drill-kpis")


def class_block(state: drill.PageState, rows: list[AssetRow]) -> list:
    fig = asset_charts.amount_bars(
        [r.name for r in rows],
        [("资产净值", [r.net for r in rows], charts.BUDGET_COLOR),
         ("闲置", [r.idle for r in rows], charts.ACTUAL_COLOR),
         ("出租出借", [r.rented for r in rows], RENTED_COLOR)], shares=True,
        title=f"{common.region_label(state)}：各类资产净值、闲置和出租出借",
        subtitle="各单位截至日期最近一期报告；括号内为占净值的比例", note=common.note(state, "admin"),
        dark=state.dark)
    table = [{"name": r.name, "agencies": r.agencies, "quantity": float(r.quantity),
              **money_cells(r, CLASS_COLUMNS)} for r in rows]
    return [drill.chart("assets-classes", fig, "行政事业性资产分类"),
            html.H3("按资产类别", className="section-title"),
            grid.drill_list("assets-class-rows", CLASS_COLUMNS, table, dark=state.dark,
                            max_height=400)]


def region_block(state: drill.PageState, rows: list[AssetRow], j: common.Judge) -> list:
    """Regions one level down (and the region's own agencies), each with its
    agencies flagged by IDLE_ASSETS; a bar opens the region."""
    names, mof_div = view.names(), state.filters.mof_div
    found = common.rule_breaches(state, "IDLE_ASSETS", mof_div)
    labels, flags, flag_levels, hrefs = [], [], [], []
    for r in rows:
        own = r.code == mof_div
        mine = [b.level for b in found if (b.mof_div == r.code if own
                                           else r.code in chain(names.region_parent, b.mof_div))]
        labels.append(f"{names.region.get(r.code, r.code)}{'（本级）' if own else ''}")
        flags.append(f"{levels.text(levels.worst(*mine))} {len(mine)} 个单位闲置" if mine else "")
        flag_levels.append(levels.worst(*mine))
        hrefs.append(None if own else state.link(mof_div=r.code, agency=None))
    fig = asset_charts.amount_bars(
        labels, [("资产净值", [r.net for r in rows], charts.BUDGET_COLOR),
                 ("闲置", [r.idle for r in rows], charts.ACTUAL_COLOR)], shares=True,
        title=f"{common.region_label(state)}：各区划资产净值与闲置（含下级）",
        subtitle=f"括号内为闲置占净值的比例；▲ 标出有单位闲置占比超过{common.idle_line(j).text}的区划",
        note=common.note(state, "admin"), hrefs=hrefs, flags=flags, flag_levels=flag_levels,
        dark=state.dark)
    return [drill.chart("assets-regions", fig, "行政事业性资产分区划"),
            html.P("点击区划的条形，查看该区划。", className="drill-hint")]


def agency_block(state: drill.PageState, rows: list[AssetRow], j: common.Judge) -> list:
    names, rule = view.names(), j.notes["IDLE_ASSETS"]
    judged = [(r, common.idle_level(r, j)) for r in rows]
    judged.sort(key=lambda t: (LEVEL_ORDER.get(t[1], 9) if levels.flagged(t[1]) else 9,
                               -(t[0].idle_share or 0)))
    hrefs = [state.link(agency=r.code) for r, _ in judged]
    shown = judged[:common.TOP_N]
    line = common.idle_line(j)
    title = f"{common.region_label(state)}：各单位闲置资产占资产净值比例"
    if len(rows) > common.TOP_N:
        title += f"（最高的 {common.TOP_N} 个，共 {len(rows)} 个）"
    fig = asset_charts.grouped_ratio_bars(
        [(None, [line], [asset_charts.Bar(
            names.agency_label(r.code), r.idle_share, lv,
            f"{fmt.pct(r.idle_share)}  {common.idle_status(lv)}",
            f"<b>{names.agency_label(r.code)}</b><br>{common.period_zh(r.period)}报告"
            f"<br>资产净值 {fmt.money(r.net)}<br>闲置 {fmt.money(r.idle)}（{fmt.pct(r.idle_share)}）"
            f"<br>{common.idle_status(lv)}<br>{rule}<br>点击查看该单位", h)
            for (r, lv), h in zip(shown, hrefs)])],
        title=title, subtitle=f"闲置资产 ÷ 资产净值，各单位截至日期最近一期报告；虚线为{line.text}"
                              "（预警规则当前阈值）",
        note=common.note(state, "admin"), dark=state.dark)
    table = [{"name": names.agency_label(r.code), "region": names.region.get(r.mof_div, r.mof_div),
              "period": r.period, "prev_period": r.prev_period or "（首次报告）",
              **money_cells(r, AGENCY_COLUMNS), "level": common.idle_status(lv), "lvl": lv,
              "href": h}
             for (r, lv), h in zip(judged, hrefs)]
    return [drill.chart("assets-agencies", fig, "各单位闲置资产"),
            html.H3(f"各单位资产（{len(rows)} 个）", className="section-title"),
            html.P("点击条形或一行，查看该单位的资产类别和各期报告。", className="drill-hint"),
            grid.drill_list("assets-agency-rows", common.rule_columns(AGENCY_COLUMNS, rule), table,
                            dark=state.dark, max_height=560)]


def section(state: drill.PageState) -> tuple[list, list[str]]:
    scope = common.scope(state)
    agencies = cached_call(admin_by_agency, scope)
    out: list = [breadcrumb(common.crumbs(state), id="assets-breadcrumb")]
    if not agencies:
        out.append(html.P("所选区划在截至日期前没有行政事业性资产报告。", className="drill-empty",
                          id="admin-empty"))
        return out, []
    j = common.judge(state, ("IDLE_ASSETS",))
    idle_flags = [j.flags[r.code]["IDLE_ASSETS"] for r in agencies if r.code in j.flags]
    total = AssetRow.total(agencies)
    early = sum(1 for r in agencies if r.period != total.period)
    regions = cached_call(admin_by_region, scope)
    out += [
        tiles(total, idle_flags, j),
        html.P("各单位取截至日期所在月及以前最近一期报告；环比为各单位与其上一期报告相比"
               "（首次报告的单位上期计为 0）。"
               + (f"有 {early} 个单位的最近一期早于 {common.period_zh(total.period)}。" if early else ""),
               className="drill-hint", id="admin-periods"),
        dbc.Row([dbc.Col(class_block(state, cached_call(admin_by_class, scope)), xl=7, lg=12),
                 dbc.Col(region_block(state, regions, j)
                         if any(r.code != scope.mof_div for r in regions) else [], xl=5, lg=12)],
                className="g-4"),
        *agency_block(state, agencies, j),
    ]
    return out, []

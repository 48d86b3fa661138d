"""One agency's administrative assets (`agency` in the URL, under the
行政事业性资产 tab): its IDLE_ASSETS breach as of D, its classes at the
latest report against the previous one, and every report up to D with the
idle share against the line in force."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import asset_charts, drill, grid, levels
from components import format as fmt
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile, money_figure
from data.query.assets import AssetRow, agency_assets
from pages._assets import common
from pages._assets.admin import CLASS_COLUMNS, change_text, money_cells
from service import view
from service.cache import cached_call

PERIOD_COLUMNS = [
    {"field": "period", "headerName": "报告期", "minWidth": 110, "sort": "desc"},
    grid.money_col("original", "原值"), grid.money_col("net", "净值"),
    grid.money_col("idle", "闲置"), grid.rate_col("idle_share", "闲置占净值"),
    grid.money_col("rented", "出租出借"), grid.rate_col("rented_share", "出租出借占净值"),
    grid.money_col("change", "净值环比变化"), grid.rate_col("change_rate", "环比"),
    grid.level_col("level", "当期闲置评价"),
]


def reports(state: drill.PageState) -> list[AssetRow]:
    """The agency's reports up to D in the region ([] for an agency the store
    does not know, or without reports there)."""
    code = state.get("agency")
    if code not in view.names().agency:
        return []
    return cached_call(agency_assets, common.scope(state), code)


def _tiles(latest: AssetRow, level: str | None, note: str) -> html.Div:
    def money(title, fen, sub, tile_id, **more):
        number, unit = money_figure(fen)
        return kpi_tile(title, number, unit, sub=sub, tile_id=tile_id, show_level=bool(more),
                        **more)

    return html.Div([
        money("资产原值", latest.original, f"{common.period_zh(latest.period)}报告", "agency-original"),
        money("资产净值", latest.net, change_text(latest), "agency-net"),
        money("闲置资产", latest.idle, f"占资产净值 {fmt.pct(latest.idle_share)}", "agency-idle",
              level=level, level_text=fmt.pct(latest.idle_share),
              level_title=note),
        money("出租出借", latest.rented, f"占资产净值 {fmt.pct(latest.rented_share)}",
              "agency-rented"),
    ], className="kpi-grid drill-kpis")


def _facts(code: str, latest: AssetRow, region: str) -> html.Dl:
    names = view.names()
    dept = names.dept_of.get(code)
    facts = [("单位代码", code), ("所属部门", names.agency.get(dept, dept) if dept else "—"),
             ("所属区划", names.region.get(region, region)),
             ("最近一期", common.period_zh(latest.period)),
             ("上一期", common.period_zh(latest.prev_period) if latest.prev_period else "首次报告")]
    return html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="quota-facts",
                   id="agency-facts")


def section(state: drill.PageState, rows: list[AssetRow]) -> list:
    code = state.get("agency")
    name = view.names().agency_label(code)
    periods = sorted({r.period for r in rows})
    totals = [AssetRow.total([r for r in rows if r.period == p], code) for p in periods]
    latest = totals[-1]
    classes = [r for r in rows if r.period == latest.period]
    j = common.judge(state, ("IDLE_ASSETS",))
    found = common.entity_breaches(state, code, ("IDLE_ASSETS",))
    level = common.idle_level(latest, j)
    line = common.idle_line(j)
    bands = [common.idle_level(t, j, as_of_d=False) for t in totals]
    fig = asset_charts.ratio_history(
        periods, [t.idle_share for t in totals], bands, [line], name="闲置占净值",
        title=f"{name}：各期闲置资产占资产净值比例",
        subtitle=f"闲置资产 ÷ 资产净值；横线为{line.text}（预警规则当前阈值）",
        note=common.note(state, "admin"), dark=state.dark)
    rule = j.notes["IDLE_ASSETS"]
    period_rows = [{"period": t.period, **money_cells(t, PERIOD_COLUMNS),
                    "level": common.idle_status(lv), "lvl": lv} for t, lv in zip(totals, bands)]
    class_rows = [{"name": r.name, "quantity": float(r.quantity), **money_cells(r, CLASS_COLUMNS)}
                  for r in classes]
    return [
        breadcrumb(common.crumbs(state, [("agency", code, f"单位：{name}")]),
                   id="assets-breadcrumb"),
        common.breach_alerts(found, "agency", j.notes),
        dbc.Row([dbc.Col(_tiles(latest, level, rule), xl=9, lg=12),
                 dbc.Col(_facts(code, latest, rows[-1].mof_div), xl=3, lg=12)],
                className="g-3 align-items-start"),
        html.H3(f"{name}：{common.period_zh(latest.period)}各类资产（与上一期相比）",
                className="section-title"),
        grid.drill_list("assets-agency-classes",
                        [c for c in CLASS_COLUMNS if c["field"] != "agencies"], class_rows,
                        dark=state.dark, max_height=400),
        drill.chart("assets-agency-idle", fig, f"闲置资产-{name}"),
        html.H3(f"{name}：截至日期各期报告（{len(periods)} 期）", className="section-title"),
        html.P(f"{levels.text('yellow')} 表示该期闲置占比超过关注线；当前预警以截至日期最近一期为准。",
               className="drill-hint"),
        grid.drill_list("assets-agency-periods", common.rule_columns(PERIOD_COLUMNS, rule),
                        period_rows, dark=state.dark, max_height=560),
    ]

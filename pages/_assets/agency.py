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
from data.i18n import _, ngettext
from data.query.assets import AssetRow, agency_assets
from pages._assets import common
from pages._assets.admin import change_text, class_columns, money_cells, share_text
from service import view
from service.cache import cached_call

def period_columns() -> list[dict]:
    return [
        {"field": "period", "headerName": _("报告期"), "minWidth": 110, "sort": "desc"},
        grid.money_col("original", _("原值")), grid.money_col("net", _("净值")),
        grid.money_col("idle", _("闲置")), grid.rate_col("idle_share", _("闲置占净值")),
        grid.money_col("rented", _("出租出借")),
        grid.rate_col("rented_share", _("出租出借占净值")),
        grid.money_col("change", _("净值环比变化")), grid.rate_col("change_rate", _("环比")),
        grid.level_col("level", _("当期闲置评价")),
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
        money(_("资产原值"), latest.original,
              _("{period}报告").format(period=common.period_label(latest.period)), "agency-original"),
        money(_("资产净值"), latest.net, change_text(latest), "agency-net"),
        money(_("闲置资产"), latest.idle, share_text(latest.idle_share), "agency-idle",
              level=level, level_text=fmt.pct(latest.idle_share),
              level_title=note),
        money(_("出租出借"), latest.rented, share_text(latest.rented_share), "agency-rented"),
    ], className="kpi-grid drill-kpis")


def _facts(code: str, latest: AssetRow, region: str) -> html.Dl:
    names = view.names()
    dept = names.dept_of.get(code)
    facts = [(_("单位代码"), code), (_("所属部门"), names.agency.get(dept, dept) if dept else "—"),
             (_("所属区划"), names.region.get(region, region)),
             (_("最近一期"), common.period_label(latest.period)),
             (_("上一期"), common.period_label(latest.prev_period) if latest.prev_period
              else _("首次报告"))]
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
        periods, [t.idle_share for t in totals], bands, [line], name=_("闲置占净值"),
        title=_("{name}：各期闲置资产占资产净值比例").format(name=name),
        subtitle=_("闲置资产 ÷ 资产净值；横线为{line}（预警规则当前阈值）").format(line=line.text),
        note=common.note(state, "admin"), dark=state.dark)
    rule = j.notes["IDLE_ASSETS"]
    columns = period_columns()
    period_rows = [{"period": t.period, **money_cells(t, columns),
                    "level": common.idle_status(lv), "lvl": lv} for t, lv in zip(totals, bands)]
    class_cols = [c for c in class_columns() if c["field"] != "agencies"]
    class_rows = [{"name": _(r.name), "quantity": float(r.quantity), **money_cells(r, class_cols)}
                  for r in classes]
    return [
        breadcrumb(common.crumbs(state, [("agency", code, _("单位：{name}").format(name=name))]),
                   id="assets-breadcrumb"),
        common.breach_alerts(found, "agency", j.notes),
        dbc.Row([dbc.Col(_tiles(latest, level, rule), xl=9, lg=12),
                 dbc.Col(_facts(code, latest, rows[-1].mof_div), xl=3, lg=12)],
                className="g-3 align-items-start"),
        html.H3(_("{name}：{period}各类资产（与上一期相比）").format(
                    name=name, period=common.period_label(latest.period)),
                className="section-title"),
        grid.drill_list("assets-agency-classes", class_cols, class_rows, dark=state.dark,
                        max_height=400),
        drill.chart("assets-agency-idle", fig, _("闲置资产-{name}").format(name=name)),
        html.H3(ngettext("{name}：截至日期各期报告（{n} 期）", "{name}：截至日期各期报告（{n} 期）",
                         len(periods)).format(name=name, n=len(periods)),
                className="section-title"),
        html.P(_("{mark} 表示该期闲置占比超过关注线；当前预警以截至日期最近一期为准。").format(
                   mark=levels.text("yellow")),
               className="drill-hint"),
        grid.drill_list("assets-agency-periods", common.rule_columns(columns, rule),
                        period_rows, dark=state.dark, max_height=560),
    ]

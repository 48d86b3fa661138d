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
from data.i18n import _, ngettext
from data.query.assets import AssetRow, admin_by_agency, admin_by_class, admin_by_region
from data.rules import LEVEL_ORDER
from pages._assets import common
from service import view
from service.cache import cached_call

RENTED_COLOR = "#CC79A7"

def class_columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("资产类别"), "minWidth": 120},
        {"field": "agencies", "headerName": _("单位数"), "type": "rightAligned", "minWidth": 90},
        {"field": "quantity", "headerName": _("数量"), "type": "rightAligned", "minWidth": 110,
         "valueFormatter": {"function": "d3.format(',.2f')(params.value)"}},
        grid.money_col("original", _("原值")), grid.money_col("net", _("净值")),
        grid.money_col("idle", _("闲置")), grid.rate_col("idle_share", _("闲置占净值")),
        grid.money_col("rented", _("出租出借")),
        grid.rate_col("rented_share", _("出租出借占净值")),
        grid.money_col("prev_net", _("上期净值")), grid.money_col("change", _("净值环比变化")),
        grid.rate_col("change_rate", _("环比")),
    ]


def agency_columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("单位"), "minWidth": 240, "tooltipField": "name"},
        {"field": "region", "headerName": _("区划"), "minWidth": 110},
        {"field": "period", "headerName": _("最近一期"), "minWidth": 110},
        {"field": "prev_period", "headerName": _("上一期"), "minWidth": 110},
        grid.money_col("net", _("净值")), grid.money_col("idle", _("闲置")),
        grid.rate_col("idle_share", _("闲置占净值")), grid.money_col("rented", _("出租出借")),
        grid.rate_col("rented_share", _("出租出借占净值")),
        grid.money_col("change", _("净值环比变化")), grid.level_col("level", _("闲置评价")),
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
    change = f"{sign}{fmt.money(abs(r.net_change))}"
    if r.net_change_rate is None:
        return _("较上期 {change}").format(change=change)
    return _("较上期 {change}（{rate}）").format(
        change=change, rate=f"{sign}{fmt.pct(abs(r.net_change_rate))}")


def share_text(share: float | None) -> str:
    return _("占资产净值 {share}").format(share=fmt.pct(share))


def tiles(total: AssetRow, idle_flags: list[str], j: common.Judge) -> html.Div:
    def money(title, fen, sub, tile_id, **level):
        number, unit = money_figure(fen)
        return kpi_tile(title, number, unit, sub=sub, tile_id=tile_id,
                        show_level=bool(level), **level)

    return html.Div([
        money(_("资产原值"), total.original,
              ngettext("{n} 个单位 · 最近一期 {period}", "{n} 个单位 · 最近一期 {period}",
                       total.agencies).format(n=total.agencies,
                                              period=common.period_label(total.period)),
              "admin-original"),
        money(_("资产净值"), total.net, change_text(total), "admin-net"),
        money(_("闲置资产"), total.idle, share_text(total.idle_share), "admin-idle",
              level=levels.worst(*idle_flags) or "green",
              level_text=ngettext("{n} 个单位闲置超线", "{n} 个单位闲置超线", len(idle_flags))
              .format(n=len(idle_flags)) if idle_flags else None,
              level_title=j.notes["IDLE_ASSETS"]),
        money(_("出租出借"), total.rented, share_text(total.rented_share), "admin-rented"),
    ], className="kpi-grid drill-kpis")


def class_block(state: drill.PageState, rows: list[AssetRow]) -> list:
    fig = asset_charts.amount_bars(
        [_(r.name) for r in rows],
        [(_("资产净值"), [r.net for r in rows], charts.BUDGET_COLOR),
         (_("闲置"), [r.idle for r in rows], charts.ACTUAL_COLOR),
         (_("出租出借"), [r.rented for r in rows], RENTED_COLOR)], shares=True,
        title=_("{region}：各类资产净值、闲置和出租出借").format(region=common.region_label(state)),
        subtitle=_("各单位截至日期最近一期报告；括号内为占净值的比例"),
        note=common.note(state, "admin"), dark=state.dark)
    columns = class_columns()
    table = [{"name": _(r.name), "agencies": r.agencies, "quantity": float(r.quantity),
              **money_cells(r, columns)} for r in rows]
    return [drill.chart("assets-classes", fig, _("行政事业性资产分类")),
            html.H3(_("按资产类别"), className="section-title"),
            grid.drill_list("assets-class-rows", columns, table, dark=state.dark,
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
        region = names.region.get(r.code, r.code)
        labels.append(_("{region}（本级）").format(region=region) if own else region)
        flags.append(ngettext("{level} {n} 个单位闲置", "{level} {n} 个单位闲置", len(mine))
                     .format(level=levels.text(levels.worst(*mine)), n=len(mine)) if mine else "")
        flag_levels.append(levels.worst(*mine))
        hrefs.append(None if own else state.link(mof_div=r.code, agency=None))
    fig = asset_charts.amount_bars(
        labels, [(_("资产净值"), [r.net for r in rows], charts.BUDGET_COLOR),
                 (_("闲置"), [r.idle for r in rows], charts.ACTUAL_COLOR)], shares=True,
        title=_("{region}：各区划资产净值与闲置（含下级）").format(
            region=common.region_label(state)),
        subtitle=_("括号内为闲置占净值的比例；▲ 标出有单位闲置占比超过{line}的区划").format(
            line=common.idle_line(j).text),
        note=common.note(state, "admin"), hrefs=hrefs, flags=flags, flag_levels=flag_levels,
        dark=state.dark)
    return [drill.chart("assets-regions", fig, _("行政事业性资产分区划")),
            html.P(_("点击区划的条形，查看该区划。"), className="drill-hint")]


def agency_block(state: drill.PageState, rows: list[AssetRow], j: common.Judge) -> list:
    names, rule = view.names(), j.notes["IDLE_ASSETS"]
    judged = [(r, common.idle_level(r, j)) for r in rows]
    judged.sort(key=lambda t: (LEVEL_ORDER.get(t[1], 9) if levels.flagged(t[1]) else 9,
                               -(t[0].idle_share or 0)))
    hrefs = [state.link(agency=r.code) for r, _lv in judged]
    shown = judged[:common.TOP_N]
    line = common.idle_line(j)
    title = _("{region}：各单位闲置资产占资产净值比例（最高的 {top} 个，共 {n} 个）") \
        if len(rows) > common.TOP_N else _("{region}：各单位闲置资产占资产净值比例")

    def hover(r: AssetRow, lv: str | None) -> str:
        return "<br>".join([
            f"<b>{names.agency_label(r.code)}</b>",
            _("{period}报告").format(period=common.period_label(r.period)),
            _("资产净值 {value}").format(value=fmt.money(r.net)),
            _("闲置 {value}（{share}）").format(value=fmt.money(r.idle),
                                              share=fmt.pct(r.idle_share)),
            common.idle_status(lv), rule, _("点击查看该单位")])

    fig = asset_charts.grouped_ratio_bars(
        [(None, [line], [asset_charts.Bar(
            names.agency_label(r.code), r.idle_share, lv,
            f"{fmt.pct(r.idle_share)}  {common.idle_status(lv)}", hover(r, lv), h)
            for (r, lv), h in zip(shown, hrefs)])],
        title=title.format(region=common.region_label(state), top=common.TOP_N, n=len(rows)),
        subtitle=_("闲置资产 ÷ 资产净值，各单位截至日期最近一期报告；虚线为{line}（预警规则当前阈值）")
        .format(line=line.text),
        note=common.note(state, "admin"), dark=state.dark)
    columns = agency_columns()
    table = [{"name": names.agency_label(r.code), "region": names.region.get(r.mof_div, r.mof_div),
              "period": r.period, "prev_period": r.prev_period or _("（首次报告）"),
              **money_cells(r, columns), "level": common.idle_status(lv), "lvl": lv,
              "href": h}
             for (r, lv), h in zip(judged, hrefs)]
    return [drill.chart("assets-agencies", fig, _("各单位闲置资产")),
            html.H3(ngettext("各单位资产（{n} 个）", "各单位资产（{n} 个）", len(rows)).format(n=len(rows)),
                    className="section-title"),
            html.P(_("点击条形或一行，查看该单位的资产类别和各期报告。"), className="drill-hint"),
            grid.drill_list("assets-agency-rows", common.rule_columns(columns, rule), table,
                            dark=state.dark, max_height=560)]


def section(state: drill.PageState) -> tuple[list, list[str]]:
    scope = common.scope(state)
    agencies = cached_call(admin_by_agency, scope)
    out: list = [breadcrumb(common.crumbs(state), id="assets-breadcrumb")]
    if not agencies:
        out.append(html.P(_("所选区划在截至日期前没有行政事业性资产报告。"), className="drill-empty",
                          id="admin-empty"))
        return out, []
    j = common.judge(state, ("IDLE_ASSETS",))
    idle_flags = [j.flags[r.code]["IDLE_ASSETS"] for r in agencies if r.code in j.flags]
    total = AssetRow.total(agencies)
    early = sum(1 for r in agencies if r.period != total.period)
    regions = cached_call(admin_by_region, scope)
    out += [
        tiles(total, idle_flags, j),
        html.P(_("各单位取截至日期所在月及以前最近一期报告；环比为各单位与其上一期报告相比"
                 "（首次报告的单位上期计为 0）。")
               + (ngettext("有 {n} 个单位的最近一期早于 {period}。", "有 {n} 个单位的最近一期早于 {period}。",
                           early).format(n=early, period=common.period_label(total.period))
                  if early else ""),
               className="drill-hint", id="admin-periods"),
        dbc.Row([dbc.Col(class_block(state, cached_call(admin_by_class, scope)), xl=7, lg=12),
                 dbc.Col(region_block(state, regions, j)
                         if any(r.code != scope.mof_div for r in regions) else [], xl=5, lg=12)],
                className="g-4"),
        *agency_block(state, agencies, j),
    ]
    return out, []

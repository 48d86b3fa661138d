"""国有自然资源: the quantity of each resource type (with its unit) over the
region and below, each region's latest report up to D; then the region's
own figures and each region one level down, whose row opens that region."""
from __future__ import annotations

from dash import html

from components import drill, grid
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile
from data.i18n import _, ngettext
from data.query.assets import natural_resources
from pages._assets import common
from service import view
from service.cache import cached_call


def quantity(q) -> str:
    return f"{q:,.2f}"


def section(state: drill.PageState) -> tuple[list, list[str]]:
    scope = common.scope(state)
    totals = cached_call(natural_resources, scope, "type")
    out: list = [breadcrumb(common.crumbs(state), id="assets-breadcrumb")]
    if not totals:
        out.append(html.P(_("所选区划在截至日期前没有国有自然资源数据。"), className="drill-empty",
                          id="natural-empty"))
        return out, []
    tiles = [kpi_tile(_("{kind}资源").format(kind=_(r.resource_type)), quantity(r.quantity), r.unit,
                      show_level=False, tile_id=f"natural-{r.resource_type}-{r.unit}",
                      sub=ngettext("{n} 个区划报告 · 最近一期 {period}",
                                   "{n} 个区划报告 · 最近一期 {period}", r.regions)
                      .format(n=r.regions, period=common.period_label(r.period)))
             for r in totals]
    by_region = cached_call(natural_resources, scope, "mof_div")
    kinds = [(r.resource_type, r.unit) for r in totals]
    names = view.names()
    rows: dict[tuple[str, bool], dict] = {}
    for r in by_region:
        region = names.region.get(r.mof_div, r.mof_div)
        row = rows.setdefault((r.mof_div, r.own), {
            "name": _("{region}（本级）").format(region=region) if r.own else region,
            "period": r.period, "href": None if r.own else state.link(mof_div=r.mof_div)})
        row[f"{r.resource_type}|{r.unit}"] = float(r.quantity)
        row["period"] = max(row["period"], r.period)
    columns = [{"field": "name", "headerName": _("区划"), "minWidth": 160, "pinned": "left"},
               {"field": "period", "headerName": _("最近一期"), "minWidth": 110}]
    columns += [{"field": f"{kind}|{unit}", "type": "rightAligned",
                 "headerName": _("{kind}（{unit}）").format(kind=_(kind), unit=unit),
                 "minWidth": 140, "cellClass": "num ag-right-aligned-cell",
                 "valueFormatter": {"function": "params.value == null ? '—' : "
                                                "d3.format(',.2f')(params.value)"}}
                for kind, unit in kinds]
    return out + [
        html.Div(tiles, className="kpi-grid drill-kpis", id="natural-tiles"),
        html.P(_("{note}。各区划每类资源取截至日期所在月及以前最近一期，含下级区划；"
                 "同一类资源以不同单位报告的分列。").format(note=common.note(state, "natural")),
               className="drill-hint"),
        html.H3(_("按区划"), className="section-title"),
        html.P(_("点击一个下级区划，查看其自然资源。"), className="drill-hint"),
        grid.drill_list("assets-natural-rows", columns, list(rows.values()), dark=state.dark,
                        max_height=520),
    ], []

"""国有自然资源: the quantity of each resource type (with its unit) over the
region and below, each region's latest report up to D; then the region's
own figures and each region one level down, whose row opens that region."""
from __future__ import annotations

from dash import html

from components import drill, grid
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile
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
        out.append(html.P("所选区划在截至日期前没有国有自然资源数据。", className="drill-empty",
                          id="natural-empty"))
        return out, []
    tiles = [kpi_tile(f"{r.resource_type}资源", quantity(r.quantity), r.unit, show_level=False,
                      tile_id=f"natural-{r.resource_type}-{r.unit}",
                      sub=f"{r.regions} 个区划报告 · 最近一期 {common.period_zh(r.period)}")
             for r in totals]
    by_region = cached_call(natural_resources, scope, "mof_div")
    kinds = [(r.resource_type, r.unit) for r in totals]
    names = view.names()
    rows: dict[tuple[str, bool], dict] = {}
    for r in by_region:
        row = rows.setdefault((r.mof_div, r.own), {
            "name": names.region.get(r.mof_div, r.mof_div) + ("（本级）" if r.own else ""),
            "period": r.period, "href": None if r.own else state.link(mof_div=r.mof_div)})
        row[f"{r.resource_type}|{r.unit}"] = float(r.quantity)
        row["period"] = max(row["period"], r.period)
    columns = [{"field": "name", "headerName": "区划", "minWidth": 160, "pinned": "left"},
               {"field": "period", "headerName": "最近一期", "minWidth": 110}]
    columns += [{"field": f"{kind}|{unit}", "headerName": f"{kind}（{unit}）", "type": "rightAligned",
                 "minWidth": 140, "cellClass": "num ag-right-aligned-cell",
                 "valueFormatter": {"function": "params.value == null ? '—' : "
                                                "d3.format(',.2f')(params.value)"}}
                for kind, unit in kinds]
    return out + [
        html.Div(tiles, className="kpi-grid drill-kpis", id="natural-tiles"),
        html.P(f"{common.note(state, 'natural')}。各区划每类资源取截至日期所在月及以前最近一期，"
               "含下级区划；同一类资源以不同单位报告的分列。", className="drill-hint"),
        html.H3("按区划", className="section-title"),
        html.P("点击一个下级区划，查看其自然资源。", className="drill-hint"),
        grid.drill_list("assets-natural-rows", columns, list(rows.values()), dark=state.dark,
                        max_height=520),
    ], []

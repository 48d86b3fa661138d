"""The wall screen's sections, each from the same queries and rules as the
page that drills into it: the area tiles are the overview's, the trend is
财政收支's monthly spending, the ticker 预警中心's open breaches, the map's
levels rule EXEC_LAG's banding (data.rules, inside data.query.execution)."""
from __future__ import annotations

from dataclasses import replace

from dash import dcc, html

from components import charts, levels, urlstate
from components import format as fmt
from components import wall as w
from data import query as q
from data.hierarchy import chain
from data.i18n import N_, _, ngettext
from data.query import Scope, execution, execution_total, monthly, scope_tp
from data.rules import RULES
from pages import overview
from pages._overview import tiles as t
from service import view
from service.cache import cached_call

AREA_TILES = ("kpi-revenue", "kpi-expenditure", "kpi-direct", "kpi-debt", "kpi-soe")
INDICATORS = {
    "exec": w.Indicator("exec", N_("执行率与序时进度之差"), N_("个百分点"), reversed=False),
    "rate": w.Indicator("rate", N_("预算执行率"), "%", reversed=False),
    "warnings": w.Indicator("warnings", N_("未处理预警数（含下级区划）"), N_("项"), reversed=True),
}
DEFAULT_INDICATOR = "exec"
FIGURE = "wall-figure"  # a Store holding a chart's figure; pages/_wall/client.py draws it
GRAPH = "wall-graph"


def budget_scope(f: Scope) -> Scope:
    """Spending of one budget, as the overview's expenditure tile counts it."""
    return Scope(as_of=f.as_of, year=f.year, mof_div=f.mof_div, fund_type=f.fund_type or "1")


def area_tiles(f: Scope, params: dict[str, str]) -> list:
    """The overview's tiles of the five areas (same queries, levels and links)."""
    return [c for c in overview.tiles(f, params) if getattr(c, "id", None) in AREA_TILES]


def problems(f: Scope, params: dict[str, str]) -> list:
    """The overview's problem-loop slot, filled for each viewer on every request."""
    return t.problems_slot(params, f.mof_div)


def drawn(name: str, fig, filename: str) -> list:
    return [dcc.Store(id={"type": FIGURE, "name": name}, data=fig.to_plotly_json()),
            w.figure_graph({"type": GRAPH, "name": name}, {}, filename)]


def region_values(f: Scope, indicator: w.Indicator) -> tuple[q.MapRegions, list[w.RegionValue]]:
    regions = cached_call(q.map_regions, f)
    scope = budget_scope(f).replace(mof_div=regions.parent)
    if regions.codes == (regions.parent,):
        rows = [cached_call(execution_total, scope)]
    else:
        rows = cached_call(execution, scope, "mof_div", regions.parent)
    names = view.names().region
    if indicator.key == "warnings":
        found = view.breaches_in(f.as_of, regions.parent)
        parents = view.names().region_parent
        out = []
        for r in rows:
            mine = [b.level for b in found if b.mof_div and r.code in chain(parents, b.mof_div)]
            n = len(mine)
            out.append(w.RegionValue(r.code, names.get(r.code, r.name), float(n),
                                     ngettext("{n} 项", "{n} 项", n).format(n=n),
                                     levels.worst(*mine) or "green"))
        return regions, out
    if indicator.key == "rate":
        return regions, [w.RegionValue(r.code, names.get(r.code, r.name),
                                       None if r.rate is None else r.rate * 100, fmt.pct(r.rate),
                                       r.level) for r in rows]
    return regions, [w.RegionValue(r.code, names.get(r.code, r.name), r.gap_pp, fmt.pp(r.gap_pp),
                                   r.level) for r in rows]


def shown(indicator: w.Indicator) -> w.Indicator:
    """The indicator with its title and unit in the current language."""
    return replace(indicator, title=_(indicator.title), unit=_(indicator.unit))


def region_map(f: Scope, params: dict[str, str], choice: str, dark: bool) -> list:
    indicator = shown(INDICATORS[choice])
    regions, values = region_values(f, indicator)
    everywhere = _("全部区划")
    place = view.names().region.get(regions.parent, everywhere) if regions.parent else everywhere
    title = _("{place}：{indicator}").format(place=place, indicator=indicator.title)
    note = fmt.as_of_note(f.as_of, _("预算指标、国库集中支付") if choice != "warnings"
                          else _("预警规则"))
    shapes = cached_call(q.boundaries, f)
    if shapes["features"]:
        fig = w.region_map(shapes, values, indicator, title=title, note=note, dark=dark)
    else:
        fig = w.ranked_bars(values, indicator, title=title, note=note, dark=dark)
    switch = w.indicator_switch([(_(i.title), urlstate.link("/wall", {**params, "map": key}),
                                  key == choice) for key, i in INDICATORS.items()])
    return [switch, *drawn("map", fig, _("区划地图-{place}").format(place=place))]


def trend(f: Scope, dark: bool) -> list:
    """财政收支's monthly spending against last year, for the same budget."""
    scope = budget_scope(f)
    rows = cached_call(monthly, scope)
    fig = charts.monthly_trend(
        [r.month for r in rows], [r.paid for r in rows], [r.paid_last_year for r in rows],
        year=f.fiscal_year, title=_("月度支出与上年同月"),
        note=fmt.as_of_note(f.as_of, _("国库集中支付")), dark=dark)
    return drawn("trend", w.fit_panel(fig), _("月度支出"))


def ticker(f: Scope) -> html.Div:
    return w.ticker(view.breaches_in(f.as_of, f.mof_div), lambda rule: _(RULES[rule].name_zh))


def caption(f: Scope) -> str:
    return f"{fmt.as_of_note(f.as_of)} · " + _("序时进度 {rate}").format(rate=fmt.pct(scope_tp(f)))

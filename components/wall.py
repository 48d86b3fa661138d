"""The wall screen's builders (监督大脑 大屏, pages/wall.py): the region map, its
ranked-bar stand-in when no boundaries are imported, the warning ticker and
the panels of the one-screen grid. Plain data in, Dash components out.

The map is a choropleth over the imported boundaries (no tiles, no base map:
`geo.visible` False), coloured by one indicator on a colour-blind-safe scale,
with each region's name, value and level written on it, so colour is never
the only signal."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import plotly.graph_objects as go
from dash import dcc, html

from components import charts, levels
from data.i18n import _, ngettext
from data.rules import Breach

MAP_SCALE = "Cividis"  # perceptually uniform and readable with every common colour deficiency
TICKER_SECONDS_PER_ITEM = 6
TICKER_MIN_SECONDS = 30


@dataclass(frozen=True)
class RegionValue:
    """One region on the map: its indicator value, how the value reads, its level."""
    code: str
    name: str
    value: float | None
    label: str
    level: str | None


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str       # what the map shows
    unit: str        # the colour bar's title
    reversed: bool   # True: higher is worse (the scale's dark end is the worst)


# -- the map ------------------------------------------------------------------------------

def _outer_ring(geometry: dict) -> list[list[float]]:
    """The outer ring of the polygon (of a MultiPolygon, its largest by vertex count)."""
    if geometry["type"] == "Polygon":
        return geometry["coordinates"][0]
    return max((p[0] for p in geometry["coordinates"]), key=len)


def _signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2


def _wound(rings: list) -> list:
    """Outer ring clockwise, holes counter-clockwise, as plotly.js (d3-geo)
    draws them; GeoJSON files (RFC 7946) wind the other way round, and an
    outer ring the wrong way fills the whole globe but the region."""
    out = []
    for i, ring in enumerate(rings):
        clockwise = _signed_area(ring) < 0
        out.append(ring if clockwise == (i == 0) else ring[::-1])
    return out


def for_plotly(boundaries: dict) -> dict:
    """The FeatureCollection with every ring wound as plotly.js expects."""
    def geometry(g: dict) -> dict:
        if g["type"] == "Polygon":
            return {"type": "Polygon", "coordinates": _wound(g["coordinates"])}
        return {"type": "MultiPolygon", "coordinates": [_wound(p) for p in g["coordinates"]]}

    return {**boundaries, "features": [{**f, "geometry": geometry(f["geometry"])}
                                       for f in boundaries["features"]]}


def label_point(geometry: dict) -> tuple[float, float]:
    """Where a region's label sits: the mean of its outer ring's corners."""
    ring = _outer_ring(geometry)[:-1]
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


def region_map(boundaries: dict, regions: Sequence[RegionValue], indicator: Indicator, *,
               title: str, note: str, dark: bool) -> go.Figure:
    """A choropleth of `regions` over `boundaries` (a FeatureCollection whose
    features carry MOF_DIV_CODE), labelled with name, value and level."""
    drawn = {f["properties"]["MOF_DIV_CODE"]: f for f in boundaries["features"]}
    shown = [r for r in regions if r.code in drawn]
    fig = go.Figure(go.Choropleth(
        geojson=for_plotly(boundaries), featureidkey="properties.MOF_DIV_CODE",
        locations=[r.code for r in shown], z=[r.value for r in shown],
        colorscale=MAP_SCALE, reversescale=indicator.reversed,
        marker=dict(line=dict(color="#F2F4F7" if dark else "#1B1F24", width=1.5)),
        colorbar=dict(title=dict(text=indicator.unit), thickness=14, len=0.7),
        hovertext=[_("{name}：{value} {level}").format(name=r.name, value=r.label,
                                                       level=levels.text(r.level))
                   for r in shown],
        hovertemplate="%{hovertext}<extra></extra>"))
    points = [label_point(drawn[r.code]["geometry"]) for r in shown]
    fig.add_trace(go.Scattergeo(
        lon=[p[0] for p in points], lat=[p[1] for p in points], mode="text",
        text=[f"<b>{r.name}</b><br>{r.label}<br>{levels.text(r.level)}" for r in shown],
        textfont=dict(size=16, color="#FFFFFF", shadow="0px 0px 4px #000000"), hoverinfo="skip",
        showlegend=False))
    fig.update_geos(visible=False, fitbounds="locations", projection_type="mercator",
                    bgcolor="rgba(0,0,0,0)")
    subtitle = _("颜色：{indicator}（{unit}）；文字：数值与预警级别").format(
        indicator=indicator.title, unit=indicator.unit)
    fig = charts.finish(fig, title=title, subtitle=subtitle, note=note, dark=dark, height=600)
    return fit_panel(fig)


def ranked_bars(regions: Sequence[RegionValue], indicator: Indicator, *, title: str, note: str,
                dark: bool) -> go.Figure:
    """The map's stand-in without boundaries: the regions ranked, worst on top."""
    def worst_first(r: RegionValue):
        value = r.value or 0
        return (r.value is None, -value if indicator.reversed else value)

    order = sorted(regions, key=worst_first)
    fig = go.Figure(go.Bar(
        x=[r.value or 0 for r in order], y=[charts.short(r.name, 10) for r in order],
        orientation="h", marker=dict(color=[levels.LEVELS[r.level].color for r in order],
                                     line=dict(color="#1B1F24", width=1)),
        text=[f"{r.label} {levels.text(r.level)}" for r in order], textposition="auto",
        hovertemplate="%{y}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(title=dict(text=indicator.unit))
    fig = charts.finish(fig, title=title, note=note, dark=dark, height=600,
                        subtitle=_("未导入区划边界，按{indicator}排序").format(
                            indicator=indicator.title))
    return fit_panel(fig)


def fit_panel(fig: go.Figure) -> go.Figure:
    """A chart that fills its panel (the panel's size comes from the screen)."""
    fig.update_layout(height=None, autosize=True, margin=dict(l=12, r=24, t=110, b=84),
                      legend=dict(x=0.01, xanchor="left", y=0.99, yanchor="top"))
    fig.update_annotations(yshift=-50, selector=dict(yref="paper", y=0))
    return fig


# -- the ticker ---------------------------------------------------------------------------

def ticker(found: Sequence[Breach], rule_name: Callable[[str], str]) -> html.Div:
    """The open red and orange warnings, worst first, scrolling right to
    left; twice in a row so the loop has no seam (the copy is hidden from
    screen readers)."""
    shown = sorted((b for b in found if b.level in ("red", "orange")),
                   key=lambda b: (levels.LEVEL_ORDER[b.level], b.rule, b.name))
    if not shown:
        return html.Div(html.Span([levels.badge("green"), " " + _("当前没有严重或预警级别的预警")],
                                  className="wall-ticker-empty"),
                        className="wall-ticker-line", id="wall-ticker-line")

    def items(hidden: bool) -> list:
        return [html.Span([levels.badge(b.level),
                           html.Strong(" " + _("{rule}：").format(rule=rule_name(b.rule))),
                           html.Span(b.name)], className="wall-ticker-item",
                          **({"aria-hidden": "true"} if hidden else {}))
                for b in shown]

    seconds = max(TICKER_MIN_SECONDS, TICKER_SECONDS_PER_ITEM * len(shown))
    n = len(shown)
    return html.Div(
        [html.Span(ngettext("{n} 项", "{n} 项", n).format(n=n), className="wall-ticker-count"),
         html.Div(html.Div(items(False) + items(True), className="wall-ticker-track",
                           style={"animationDuration": f"{seconds}s"}),
                  className="wall-ticker-window")],
        className="wall-ticker-line", id="wall-ticker-line", role="marquee",
        **{"aria-label": ngettext("未处理的严重和预警级别预警 {n} 项",
                                  "未处理的严重和预警级别预警 {n} 项", n).format(n=n)})


# -- the panels ---------------------------------------------------------------------------

def panel(area: str, children, title: str | None = None) -> html.Section:
    """One cell of the wall's grid (`area` names its CSS grid area)."""
    return html.Section([html.H2(title, className="wall-panel-title") if title else None,
                         html.Div(children, className="wall-panel-body")],
                        className=f"wall-panel wall-{area}", id=f"wall-{area}")


def figure_graph(graph_id: str, fig: go.Figure | dict, filename: str) -> dcc.Graph:
    """A chart that takes its panel's size."""
    return dcc.Graph(id=graph_id, figure=fig, config={**charts.graph_config(filename),
                                                      "displayModeBar": False},
                     className="wall-graph", responsive=True)


def indicator_switch(options: Sequence[tuple[str, str, bool]]) -> html.Nav:
    """`(label, href, active)` links choosing the map's indicator (hidden on the kiosk)."""
    return html.Nav([dcc.Link(label, href=href, className="wall-switch-link"
                              + (" active" if active else ""))
                     for label, href, active in options],
                    className="wall-switch", id="wall-map-switch",
                    **{"aria-label": _("地图指标")})

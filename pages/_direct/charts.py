"""The page's clickable charts, built once per data version and arguments
(through the query cache) and kept as the plain dict Dash sends: building a
plotly Figure costs more than the queries behind it (measured at nanhu:
about 12 ms a chart, against well under 1 ms to serve the dict again)."""
from __future__ import annotations

from dash import html

from components import charts, drill
from service.cache import cached_call


def chart(name: str, builder: str, filename: str, **arguments) -> html.Div:
    """`drill.chart(name, charts.<builder>(**arguments), filename)`, cached."""
    return cached_call(_chart, name, builder, filename, **arguments)


def _chart(_engine, name: str, builder: str, filename: str, **arguments) -> html.Div:
    fig = getattr(charts, builder)(**arguments)
    graph = charts.graph(fig, drill.chart_id(name), filename)
    graph.figure = fig.to_dict()
    return html.Div([drill.nav(name), graph], className="drill-chart", id=f"chart-{name}")

"""Drawing the wall's charts in the browser: each figure arrives in a Store
and is handed to its graph with its type, margins and caption offsets scaled
to the screen (a chart built for 1080 lines reads the same on 2160 lines),
and with an empty world outline registered first: plotly.js loads a world
map for any choropleth, even with the base map hidden, and the wall's
network is closed."""
from __future__ import annotations

from dash import MATCH, Input, Output, clientside_callback

from pages._wall.sections import FIGURE, GRAPH

clientside_callback(
    """
    function (fig) {
        if (!fig) { return window.dash_clientside.no_update; }
        const geo = window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
        geo.topojson.world_110m = geo.topojson.world_110m
            || {type: "Topology", objects: {}, arcs: []};
        const k = Math.max(1, window.innerHeight / 1080);
        const out = JSON.parse(JSON.stringify(fig));
        (function scale(node, inFont, inMargin) {
            if (Array.isArray(node)) { node.forEach((n) => scale(n, inFont, false)); return; }
            if (!node || typeof node !== "object") { return; }
            for (const [key, value] of Object.entries(node)) {
                if (typeof value === "number"
                        && ((inFont && key === "size") || key === "yshift" || inMargin)) {
                    node[key] = value * k;
                } else {
                    scale(value, /font$/i.test(key), key === "margin");
                }
            }
        })(out, false, false);
        return out;
    }
    """,
    Output({"type": GRAPH, "name": MATCH}, "figure"),
    Input({"type": FIGURE, "name": MATCH}, "data"),
)

"""Component trees as plain data: figures turned into the dicts Plotly sends
the browser, so a rendered view can be kept in the query cache (a pickled
go.Figure is validated again when loaded, which costs as much as building it)."""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


def plain_figures(node: Any) -> Any:
    """Replace every go.Figure in the tree (a graph's `figure`) by its dict, in place."""
    if isinstance(node, (list, tuple)):
        for child in node:
            plain_figures(child)
        return node
    if isinstance(getattr(node, "figure", None), go.Figure):
        node.figure = node.figure.to_plotly_json()
    children = getattr(node, "children", None)
    if children is not None and not isinstance(children, str):
        plain_figures(children)
    return node

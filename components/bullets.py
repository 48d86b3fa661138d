"""Bullet chart: each row's figure against its own bands (e.g. 债务率 against
120% / 200% / 300%, 负债率 against 60%). The bands are tinted level colours
with their words written on them, the figure is a dark bar labelled with its
value and its level in words, so colour is never the only signal."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import plotly.graph_objects as go

from components.charts import BAR_PX, empty_note, finish, short
from components.levels import LEVELS


@dataclass(frozen=True)
class Bullet:
    name: str
    value: float | None  # a ratio (fraction); None: not known
    label: str  # the value and its level in words, e.g. "138.0%  ▲关注"
    hover: str
    bands: Sequence[tuple[float, str | None, str]]  # (start, level, words), ascending


def band_bullets(rows: Sequence[Bullet], *, title: str, subtitle: str, note: str,
                 dark: bool = False) -> go.Figure:
    """One horizontal bullet per row (first on top); the x axis is a percentage."""
    n = len(rows)
    top = max([1.0, *(r.value or 0 for r in rows),
               *(start for r in rows for start, _lv, _w in r.bands)]) * 1.25
    shapes, notes = [], []
    for i, r in enumerate(rows):
        edges = [start for start, _lv, _w in r.bands] + [top]
        for (start, level, words), end in zip(r.bands, edges[1:]):
            shapes.append(dict(type="rect", xref="x", yref="y", x0=start, x1=end, y0=i - 0.38,
                               y1=i + 0.38, line=dict(width=0), layer="below", opacity=0.35,
                               fillcolor=LEVELS[level].color))
            notes.append(dict(x=start, y=i - 0.38, xref="x", yref="y", text=words, xanchor="left",
                              yanchor="bottom", xshift=4, showarrow=False, font=dict(size=15)))
        notes.append(dict(x=r.value or 0, y=i + 0.12, xref="x", yref="y", text=f"<b>{r.label}</b>",
                          xanchor="left", yanchor="middle", xshift=8, showarrow=False,
                          font=dict(size=19)))
    fig = go.Figure(go.Bar(
        x=[r.value or 0 for r in rows], y=[i + 0.12 for i in range(n)], orientation="h",
        width=0.22, marker=dict(color="#F2F4F7" if dark else "#1B1F24"),
        hovertext=[r.hover for r in rows], hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_layout(shapes=shapes, annotations=notes, showlegend=False)
    fig.update_yaxes(tickvals=list(range(n)), ticktext=[short(r.name) for r in rows],
                     autorange="reversed", showgrid=False, ticks="", ticklabelstandoff=8,
                     range=[n - 0.5, -0.5])
    fig.update_xaxes(tickformat=".0%", range=[0, top], showgrid=False)
    if n == 0:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=subtitle, note=note, dark=dark,
                  height=max(360, 230 + int(BAR_PX * 2.2) * n))

"""Stacked columns of amounts per period (e.g. the maturity wall: principal
and interest due each year). One unit per chart (万元 or 亿元), the total
above each column with an optional short mark in words ("▲严重"), and each
column's drill URL in its points' customdata."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from components.charts import empty_note, finish, unit_subtitle, unit_text, with_unit
from components.format import in_unit, pick_unit
from data.i18n import _


def stacked_columns(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int], str]], *,
                    title: str, subtitle: str, note: str,
                    hrefs: Sequence[str | None] | None = None, marks: Sequence[str] | None = None,
                    dark: bool = False) -> go.Figure:
    """`series` = [(name, fen per category, colour)], stacked bottom up."""
    totals = [sum(vals[i] for _n, vals, _c in series) for i in range(len(categories))]
    unit = pick_unit(totals)
    fig = go.Figure()
    for name, vals, color in series:
        fig.add_trace(go.Bar(
            x=list(categories), y=[in_unit(v, unit) for v in vals], name=name,
            marker=dict(color=color, line=dict(color="#1B1F24", width=1)),
            hovertext=[f"<b>{c}</b><br>{name} {with_unit(f'{in_unit(v, unit):,.2f}', unit)}"
                       + (f"<br>{marks[i]}" if marks and marks[i] else "")
                       + ("<br>" + _("点击查看明细") if hrefs and hrefs[i] else "")
                       for i, (c, v) in enumerate(zip(categories, vals))],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=list(hrefs) if hrefs is not None else None))
    fig.update_layout(barmode="stack", bargap=0.3, legend=dict(traceorder="normal"), annotations=[
        dict(x=c, y=in_unit(t, unit), yanchor="bottom", showarrow=False, font=dict(size=15),
             text=(f"<b>{marks[i]}</b><br>" if marks and marks[i] else "") + f"{in_unit(t, unit):,.2f}")
        for i, (c, t) in enumerate(zip(categories, totals)) if t])
    # labels must not look like numbers: a category annotation at "2026" is read as index 2026
    fig.update_xaxes(type="category", showgrid=False, tickangle=0,
                     tickfont=dict(size=14 if len(categories) > 16 else 17))
    fig.update_yaxes(title=dict(text=unit_text(unit)), rangemode="tozero", tickformat=",~g")
    if not any(totals):
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=unit_subtitle(unit, subtitle), note=note, dark=dark,
                  height=540)

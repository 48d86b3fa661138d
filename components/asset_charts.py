"""Charts of a ratio judged against lines that differ by group or over time,
and of stocks month by month: enterprises' asset-liability ratios against
their industry's warning and key-supervision lines, agencies' idle shares
against theirs, a ratio's history, the totals' trend. Plain data in, figures
out; the lines arrive as arguments (the rule engine's settings in force),
never written here. Levels are colour, mark and word (components.levels), and
titles, captions, fonts and templates are those of components.charts.

Each figure is built in one go (one validation by plotly), which keeps a
warm page state within a few milliseconds."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import plotly.graph_objects as go

from components import levels
from components.charts import BAR_PX, DARK, LIGHT, short
from components.format import in_unit, pct, pick_unit, unit_label, with_unit
from components.levels import LEVELS
from data.i18n import _

LINE_DASH = {"yellow": "dash", "orange": "dashdot", "red": "dot"}


@dataclass(frozen=True)
class Line:
    """A line a value is judged against: where it starts `level`."""

    label: str  # e.g. "警戒线"
    value: float
    level: str

    @property
    def text(self) -> str:
        """`警戒线 65%（关注）`: the line, its value and the level it starts."""
        whole = round(self.value * 100, 6) == round(self.value * 100)
        return _("{line} {value}（{level}）").format(
            line=self.label, value=pct(self.value, 0 if whole else 1),
            level=LEVELS[self.level].label)


@dataclass(frozen=True)
class Bar:
    name: str
    value: float | None
    level: str | None
    label: str  # the text beside the bar: the figure and its level in words
    hover: str
    href: str | None = None


def _ink(dark: bool) -> str:
    return "#F2F4F7" if dark else "#1B1F24"


def _figure(data: list[dict], layout: dict, *, title: str, subtitle: str | None, note: str,
            dark: bool, height: int, empty: bool) -> go.Figure:
    """The figure with components.charts' furniture: template, title and
    subtitle, the "数据截至 … · 来源" caption under the x axis, and "所选范围内
    没有数据" when there is nothing to draw."""
    grey = "#AEB6BF" if dark else "#5B646D"
    notes = [*layout.pop("annotations", []),
             dict(text=note, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                  yshift=-62, showarrow=False, font=dict(size=15, color=grey))]
    if empty:
        notes.append(dict(text=_("所选范围内没有数据"), xref="paper", yref="paper", x=0.5, y=0.5,
                          showarrow=False, font=dict(size=22, color=grey)))
        layout.setdefault("xaxis", {})["visible"] = False
        layout.setdefault("yaxis", {})["visible"] = False
    return go.Figure(data=data, layout=dict(
        layout, template=DARK if dark else LIGHT, height=height, clickmode="event", dragmode=False,
        title=dict(text=title, subtitle=dict(text=subtitle or "")), annotations=notes))


def grouped_ratio_bars(groups: Sequence[tuple[str | None, Sequence[Line], Sequence[Bar]]], *,
                       title: str, subtitle: str | None, note: str, dark: bool = False
                       ) -> go.Figure:
    """Horizontal bars of a ratio in sections (first on top), each crossed by
    its own lines, drawn over its rows only, and headed by its name (None: no
    heading). A bar's label starts right of the bar or of its section's
    lines, whichever is further, so no line runs through a label."""
    ticks, values, colours, hovers, hrefs, notes, shapes = [], [], [], [], [], [], []
    for head, lines, bars in groups:
        top = len(ticks)
        if head is not None:
            ticks.append(f"<b>{head}</b>")
            values.append(None)
            colours.append(LEVELS[None].color)
            hovers.append("")
            hrefs.append(None)
        right = max((ln.value for ln in lines), default=0.0)
        for b in bars:
            notes.append(dict(x=max(b.value or 0.0, right), y=len(ticks), xref="x", yref="y",
                              text=b.label, xanchor="left", xshift=8, showarrow=False,
                              font=dict(size=18)))
            ticks.append(short(b.name))
            values.append(b.value)
            colours.append(LEVELS[b.level].color)
            hovers.append(b.hover)
            hrefs.append(b.href)
        for k, ln in enumerate(lines):
            shapes.append(dict(type="line", x0=ln.value, x1=ln.value, xref="x",
                               y0=top - 0.5 if head is None else top + 0.5, y1=len(ticks) - 0.5,
                               yref="y", line=dict(color=_ink(dark), width=3,
                                                   dash=LINE_DASH.get(ln.level, "dash"))))
            # two lines: the lower labelled to its left, the upper to its right
            left = k == 0 and len(lines) > 1
            notes.append(dict(x=ln.value, y=top - 0.5 if head is None else top, xref="x",
                              yref="y", text=ln.text, showarrow=False,
                              xanchor="right" if left else "left", xshift=-6 if left else 6,
                              yanchor="bottom" if head is None else "middle",
                              font=dict(size=16, color=_ink(dark))))
    n = len(ticks)
    peak = max([1.0, *(v for v in values if v is not None),
                *(ln.value for _head, lines, _bars in groups for ln in lines)])
    data = [dict(type="bar", x=[v or 0.0 for v in values], y=list(range(n)), orientation="h",
                 marker=dict(color=colours, line=dict(color="#1B1F24", width=1)),
                 hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>", customdata=hrefs,
                 width=0.7)]
    layout = dict(
        shapes=shapes, annotations=notes,
        yaxis=dict(tickvals=list(range(n)), ticktext=ticks, autorange="reversed", showgrid=False,
                   ticks="", ticklabelstandoff=8),
        xaxis=dict(tickformat=".0%", range=[0, peak * 1.55],
                   tickvals=[i / 5 for i in range(int(peak * 5) + 1)]))
    return _figure(data, layout, title=title, subtitle=subtitle, note=note, dark=dark,
                   height=max(380, 230 + BAR_PX * n),
                   empty=not any(bars for _head, _lines, bars in groups))


def amount_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int], str]], *,
                title: str, subtitle: str, note: str, shares: bool = False,
                flags: Sequence[str] | None = None, flag_levels: Sequence[str | None] | None = None,
                hrefs: Sequence[str | None] | None = None, dark: bool = False) -> go.Figure:
    """Grouped horizontal bars of amounts (fen) per category in 万元/亿元, as
    components.charts.budget_vs_actual draws them: every series but the first
    labelled with its share of the first when `shares`, a category's
    `flags` word beside its name and its second series coloured by
    `flag_levels`."""
    unit = pick_unit([v for _name, vals, _colour in series for v in vals])
    n = len(categories)
    names = [short(c) + (f"  {flags[i]}" if flags and flags[i] else "")
             for i, c in enumerate(categories)]
    base = series[0][1] if series else []
    data = []
    for s, (sname, vals, colour) in enumerate(series):
        xs = [in_unit(v, unit) for v in vals]
        # a later series' zero is left unlabelled: the first series' bar says enough
        text = ["" if s and not vals[i] else f"{x:,.2f}" + (
                    _("（{share}）").format(share=pct(vals[i] / base[i]))
                    if shares and s and base[i] else "")
                for i, x in enumerate(xs)]
        colours = [LEVELS[lv].color if lv else colour for lv in flag_levels] \
            if s == 1 and flag_levels else colour
        data.append(dict(
            type="bar", name=sname, x=xs, y=list(range(n)), orientation="h", text=text,
            marker=dict(color=colours, line=dict(color="#1B1F24", width=1)),
            textposition="outside", cliponaxis=False, constraintext="none", textfont=dict(size=16),
            hovertext=[f"<b>{categories[i]}</b><br>{sname} {with_unit(f'{x:,.2f}', unit)}"
                       + ("<br>" + _("点击查看下一级") if hrefs and hrefs[i] else "")
                       for i, x in enumerate(xs)],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=list(hrefs) if hrefs is not None else None))
    peak = max([0.0, *(in_unit(v, unit) for _name, vals, _colour in series for v in vals)])
    layout = dict(barmode="group", bargap=0.28, bargroupgap=0.06,
                  yaxis=dict(tickvals=list(range(n)), ticktext=names, autorange="reversed",
                             showgrid=False, ticks="", ticklabelstandoff=8),
                  xaxis=dict(title=dict(text=unit_label(unit)), range=[0, peak * 1.4 or 1],
                             tickformat=",~g"))
    per_row = BAR_PX * max(1, len(series)) * 0.72
    lead = _("单位：{unit}；{subtitle}").format(unit=unit_label(unit), subtitle=subtitle)
    return _figure(data, layout, title=title, subtitle=lead, note=note, dark=dark,
                   height=max(400, int(240 + per_row * n)), empty=n == 0)


def ratio_history(periods: Sequence[str], values: Sequence[float | None],
                  level_keys: Sequence[str | None], lines: Sequence[Line], *, name: str,
                  title: str, subtitle: str | None, note: str, dark: bool = False) -> go.Figure:
    """A ratio period by period; each point coloured and marked by its level
    (words in the hover and on the latest point), the lines as horizontal
    rules labelled in the right margin."""
    words = [levels.text(lv) for lv in level_keys]
    last = max((i for i, v in enumerate(values) if v is not None), default=-1)
    data = [dict(
        type="scatter", x=list(periods), y=list(values), name=name, mode="lines+markers+text",
        line=dict(color="#0072B2", width=3),
        marker=dict(size=13, color=[LEVELS[lv].color for lv in level_keys],
                    symbol=["x" if lv == "red" else "triangle-up" if levels.flagged(lv) else "circle"
                            for lv in level_keys], line=dict(color="#1B1F24", width=1)),
        text=[f"{pct(v)} {words[i]}" if i == last else "" for i, v in enumerate(values)],
        textposition="top left", textfont=dict(size=17), cliponaxis=False,
        hovertext=[f"{p} {name} {pct(v)} {w}" for p, v, w in zip(periods, values, words)],
        hovertemplate="%{hovertext}<extra></extra>")]
    ordered = sorted(lines, key=lambda ln: ln.value)
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=ln.value, y1=ln.value,
                   line=dict(color=_ink(dark), width=2, dash=LINE_DASH.get(ln.level, "dash")))
              for ln in ordered]
    # labelled in the right margin, lines close together pushed apart
    notes = [dict(x=1, xref="paper", xanchor="left", xshift=8, y=ln.value, yref="y",
                  yshift=(k - (len(ordered) - 1) / 2) * 22, text=ln.text, showarrow=False,
                  font=dict(size=16, color=_ink(dark)))
             for k, ln in enumerate(ordered)]
    top = max([0.0, *(v for v in values if v is not None), *(ln.value for ln in lines)])
    layout = dict(shapes=shapes, annotations=notes, showlegend=False,
                  margin=dict(l=16, r=240 if lines else 32, t=150, b=96),
                  yaxis=dict(tickformat=".0%", range=[0, max(top * 1.15, 0.1)]),
                  xaxis=dict(type="category", showgrid=False))
    return _figure(data, layout, title=title, subtitle=subtitle, note=note, dark=dark, height=500,
                   empty=last < 0)


def stock_trend(periods: Sequence[str], series: Sequence[tuple[str, Sequence[int], str]],
                ratio: tuple[str, Sequence[float | None]] | None, *, title: str, subtitle: str,
                note: str, dark: bool = False) -> go.Figure:
    """Stocks (fen) month by month as lines in 万元/亿元, with a ratio on a
    right-hand axis (dotted); the latest values are labelled."""
    unit = pick_unit([v for _name, vals, _colour in series for v in vals])
    data = []
    for sname, vals, colour in series:
        ys = [in_unit(v, unit) for v in vals]
        data.append(dict(
            type="scatter", x=list(periods), y=ys, name=sname, mode="lines+markers+text",
            line=dict(color=colour, width=4), marker=dict(size=9),
            text=[f"{y:,.2f}" if i == len(ys) - 1 else "" for i, y in enumerate(ys)],
            textposition="top left", textfont=dict(size=16), cliponaxis=False,
            hovertemplate=f"%{{x}} {sname} {with_unit('%{y:,.2f}', unit)}<extra></extra>"))
    layout: dict = dict(hovermode="x unified", xaxis=dict(type="category", showgrid=False),
                        yaxis=dict(title=dict(text=unit_label(unit)), rangemode="tozero",
                                   tickformat=",~g"))
    if ratio is not None:
        rname, rvals = ratio
        data.append(dict(
            type="scatter", x=list(periods), y=list(rvals), name=rname, yaxis="y2",
            mode="lines+markers", line=dict(color="#56B4E9", width=3, dash="dot"),
            marker=dict(size=9, symbol="diamond"),
            hovertemplate=f"%{{x}} {rname} %{{y:.1%}}<extra></extra>"))
        layout["yaxis2"] = dict(overlaying="y", side="right", tickformat=".0%", dtick=0.2,
                                range=[0, max([1.0, *(v for v in rvals if v is not None)])],
                                showgrid=False, title=dict(text=rname, font=dict(size=17)))
    units = unit_label(unit)
    lead = _("单位：{unit}；{subtitle}").format(unit=units, subtitle=subtitle) if subtitle \
        else _("单位：{unit}").format(unit=units)
    return _figure(data, layout, title=title, subtitle=lead, note=note, dark=dark, height=520,
                   empty=not periods)

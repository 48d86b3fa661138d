"""Chart builders shared by every view.

Every chart says what it shows in its title, its unit and basis in the
subtitle, and carries the "数据截至 … · 来源：…" caption, so an exported PNG
stands on its own. Fonts are sized for a projector at 1920×1080. Levels are
always shown as colour AND an icon with a word (colour is never the only
signal). Figures take plain rows from the query layer; they never query.

Clickable charts put the URL of the next drill state in each point's
`customdata`; the page's navigation callback only has to follow it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from components import format as fmt
from components.format import in_unit, pct, pick_unit
from components import levels
from components.export import chart_menu
from components.levels import LEVELS
from data.i18n import N_, _, language

FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", '
               '"PingFang SC", sans-serif')
BASE_FONT = 18
BAR_PX = 46  # height per horizontal bar: room for an 18px label and its gap

# Okabe–Ito hues for series that are not levels (colour-blind safe).
BUDGET_COLOR = "#B9C3CC"
ACTUAL_COLOR = "#0072B2"
LAST_YEAR_COLOR = "#CC79A7"
THIS_YEAR_COLOR = "#0072B2"

LIGHT = "budget"
DARK = "budget_dark"

PER_HEAD = N_("元/人")  # the unit of amounts per head (a code, and its words)


def _template(dark: bool) -> go.layout.Template:
    fg = "#F2F4F7" if dark else "#1B1F24"
    grid = "#2E3640" if dark else "#E3E7EB"
    bg = "#0E1318" if dark else "#FFFFFF"
    return go.layout.Template(layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=BASE_FONT, color=fg),
        title=dict(font=dict(size=26, color=fg), x=0.01, xanchor="left",
                   subtitle=dict(font=dict(size=17, color="#AEB6BF" if dark else "#4A535C"))),
        paper_bgcolor=bg,
        plot_bgcolor=bg,
        colorway=[ACTUAL_COLOR, "#E69F00", "#009E73", LAST_YEAR_COLOR, "#56B4E9", "#D55E00"],
        xaxis=dict(gridcolor=grid, zerolinecolor=grid, linecolor=grid,
                   tickfont=dict(size=17), title=dict(font=dict(size=17)), automargin=True),
        yaxis=dict(gridcolor=grid, zerolinecolor=grid, linecolor=grid,
                   tickfont=dict(size=18), title=dict(font=dict(size=17)), automargin=True),
        legend=dict(font=dict(size=17), orientation="h", x=0, xanchor="left",
                    y=1.0, yanchor="bottom", bgcolor="rgba(0,0,0,0)"),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=17)),
        separators=".,",
        margin=dict(l=16, r=32, t=150, b=96),
    ))


pio.templates[LIGHT] = _template(False)
pio.templates[DARK] = _template(True)


def graph_config(filename: str) -> dict[str, Any]:
    """Plotly config: PNG export at 2× for slides, no cloud or logo."""
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "displayModeBar": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "responsive": True,
        # Plotly's own texts (mode bar, dates): its zh-CN locale is served from assets/.
        "locale": "zh-CN" if language() == "zh" else "en",
    }


def graph(fig: go.Figure, id: Any, filename: str, className: str = "chart") -> html.Div:
    """The chart with its PNG / SVG export buttons (components.export)."""
    return html.Div([
        chart_menu(id, filename),
        dcc.Graph(id=id, figure=fig, config=graph_config(filename), className=className,
                  style={"height": f"{fig.layout.height}px"} if fig.layout.height else None),
    ], className="chart-block")


def short(name: str | None, limit: int = 16) -> str:
    """Axis labels stay on one line; the full name is in the hover."""
    name = name or "—"
    return name if len(name) <= limit else name[: limit - 1] + "…"


def unit_text(unit: str) -> str:
    """A chart's unit (万元, 亿元, 元/人) in the current language."""
    return _(PER_HEAD) if unit == PER_HEAD else fmt.unit_label(unit)


def with_unit(number: str, unit: str) -> str:
    """`1,234.56 万元` / `1,234.56 (10k yuan)`, as components.format.with_unit."""
    return f"{number} ({unit_text(unit)})" if language() == "en" else f"{number} {unit_text(unit)}"


def unit_subtitle(unit: str, rest: str = "") -> str:
    """A subtitle led by the chart's unit: `单位：万元；…`."""
    lead = _("单位：{unit}").format(unit=unit_text(unit))
    return _("{lead}；{rest}").format(lead=lead, rest=rest) if rest else lead


def date_format() -> str:
    """The d3 format of a date on an axis or in a hover."""
    return _("%Y年%-m月%-d日")


def month_tick(month: int) -> str:
    """`3月` / `Mar`: a month on a month axis."""
    if language() == "en":
        return fmt.MONTHS_EN[month - 1]
    return f"{month}月"  # i18n: data (the Chinese form, as components.format.month_label)


def finish(fig: go.Figure, *, title: str, subtitle: str | None, note: str, dark: bool,
           height: int) -> go.Figure:
    fig.update_layout(
        template=DARK if dark else LIGHT,
        title=dict(text=title, subtitle=dict(text=subtitle or "")),
        height=height,
        clickmode="event",
        dragmode=False,
    )
    # The caption sits below the x axis, anchored in pixels so it never
    # collides with tick labels whatever the chart's height.
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=0, xanchor="left",
                       yanchor="top", yshift=-62, showarrow=False,
                       font=dict(size=15, color="#AEB6BF" if dark else "#5B646D"))
    return fig


def level_label(level: str | None, gap_pp: float | None) -> str:
    """`▲严重 落后 25.3 个百分点`, `●正常`, `○不评价`."""
    text = levels.text(level)
    if level in ("yellow", "orange", "red") and gap_pp is not None:
        text += " " + _("落后{gap}个百分点").format(gap=f"{abs(gap_pp):.1f}")
    return text


def ratio_bars(names: Sequence[str], ratios: Sequence[float | None], levels: Sequence[str | None],
               labels: Sequence[str], hovers: Sequence[str], *, reference: float | None,
               reference_label: str, title: str, subtitle: str | None, note: str,
               hrefs: Sequence[str | None] | None = None, dark: bool = False,
               axis_title: str = "") -> go.Figure:
    """Horizontal bars of a ratio per row (first row on top), each coloured
    by its level and labelled, with a dashed reference line."""
    n = len(names)
    values = [r if r is not None else 0.0 for r in ratios]
    colors = [LEVELS[lv].color for lv in levels]
    fig = go.Figure(go.Bar(
        x=values, y=list(range(n)), orientation="h",
        marker=dict(color=colors, line=dict(color="#1B1F24", width=1)),
        hovertext=list(hovers), hovertemplate="%{hovertext}<extra></extra>",
        customdata=list(hrefs) if hrefs is not None else None,
        width=0.7,
    ))
    # Labels start right of the bar or of the reference line, whichever is
    # further, so the dashed line never runs through a label. Set in one go:
    # adding annotations one by one re-validates the list each time.
    fig.update_layout(annotations=[
        dict(x=max(v, reference or 0), y=i, xref="x", yref="y", text=text, xanchor="left",
             xshift=8, showarrow=False, font=dict(size=18))
        for i, (v, text) in enumerate(zip(values, labels))])
    top = max([1.0, *values, reference or 0])
    fig.update_yaxes(tickvals=list(range(n)), ticktext=[short(x) for x in names],
                     autorange="reversed", showgrid=False, ticks="", ticklabelstandoff=8)
    fig.update_xaxes(tickformat=".0%", range=[0, top * 1.6],
                     tickvals=[i / 5 for i in range(int(top * 5) + 1)],
                     title=dict(text=axis_title))
    if reference is not None:
        line = "#F2F4F7" if dark else "#1B1F24"
        fig.add_shape(type="line", x0=reference, x1=reference, xref="x", y0=0, y1=1,
                      yref="paper", line=dict(color=line, width=3, dash="dash"))
        fig.add_annotation(x=reference, y=1, xref="x", yref="paper", yanchor="bottom",
                           text=reference_label, showarrow=False, font=dict(size=17, color=line),
                           bgcolor="rgba(0,0,0,0)")
    if n == 0:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=subtitle, note=note, dark=dark,
                  height=max(380, 230 + BAR_PX * n))


def empty_note(fig: go.Figure, dark: bool) -> None:
    fig.add_annotation(text=_("所选范围内没有数据"), xref="paper", yref="paper", x=0.5, y=0.5,
                       showarrow=False, font=dict(size=22, color="#AEB6BF" if dark else "#5B646D"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)


def execution_bars(rows: Sequence[Any], time_progress: float, *, title: str, note: str,
                   rule_note: str, hrefs: Sequence[str | None] | None = None,
                   dark: bool = False, sort: bool = True) -> go.Figure:
    """Execution rate per row against time progress (序时进度).

    `rows` are ExecRow-like (code, name, budget, paid, rate, gap_pp, level,
    money in fen). Sorted by gap, the most behind on top, unless sort=False;
    `hrefs` follow the same order as `rows` and are reordered with them.
    `rule_note` names the rule that coloured the bars and its lines."""
    order = list(range(len(rows)))
    if sort:
        order.sort(key=lambda i: (rows[i].level is None, rows[i].gap_pp is None,
                                  rows[i].gap_pp or 0.0))
    rows = [rows[i] for i in order]
    links = [hrefs[i] for i in order] if hrefs is not None else None
    unit = pick_unit([r.budget for r in rows] + [r.paid for r in rows])
    labels = [f"{pct(r.rate)}  {level_label(r.level, r.gap_pp)}" if r.rate is not None
              else _("无预算指标") for r in rows]
    tp = pct(time_progress)
    hovers = [
        "<br>".join([
            f"<b>{r.name}</b>",
            _("预算指标 {amount}").format(amount=with_unit(f"{in_unit(r.budget, unit):,.2f}",
                                                        unit)),
            _("已支付 {amount}").format(amount=with_unit(f"{in_unit(r.paid, unit):,.2f}", unit)),
            _("执行率 {rate}（序时进度 {tp}）").format(rate=pct(r.rate), tp=tp),
            level_label(r.level, r.gap_pp), rule_note,
            *([_("点击查看下一级")] if links and links[k] else [])])
        for k, r in enumerate(rows)
    ]
    return ratio_bars(
        [r.name for r in rows], [r.rate for r in rows], [r.level for r in rows], labels, hovers,
        reference=time_progress, reference_label=_("序时进度 {tp}").format(tp=tp),
        title=title,
        subtitle=_("执行率 = 已支付 ÷ 预算指标；虚线为序时进度；{rule}").format(rule=rule_note),
        note=note, hrefs=links, dark=dark,
    )


def amount_unit(values_fen: Sequence[int | None], population: int | None = None) -> str:
    return PER_HEAD if population else pick_unit(values_fen)


def amount(fen: int | None, unit: str, population: int | None = None) -> float | None:
    """Fen in the chart's unit; per head (元/人) when a population is given."""
    if fen is None:
        return None
    if unit == PER_HEAD:
        return fen / 100 / population if population else None
    return in_unit(fen, unit)


def budget_vs_actual(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int | None], str]],
                     *, title: str, note: str, subtitle: str = "",
                     hrefs: Sequence[str | None] | None = None, flags: Sequence[str] | None = None,
                     flag_levels: Sequence[str | None] | None = None,
                     rate_series: int | None = 1, population: int | None = None,
                     horizontal: bool = True, dark: bool = False) -> go.Figure:
    """Grouped bars of amounts per category: `series` = [(name, fen values,
    colour)], the first being the budget. The series at `rate_series` is
    labelled with its share of the budget. `flags` add a marked word to a
    category's label (e.g. "▲严重 超预算") and `flag_levels` colour that
    category's rate bar by its level. Amounts in 万元/亿元 by magnitude, or
    元/人 when a population is given; the unit leads the subtitle."""
    unit = amount_unit([v for _n, vals, _c in series for v in vals], population)
    spec = ",.0f" if unit == PER_HEAD else ",.2f"
    names = [short(c) + (f"  {flags[i]}" if flags and flags[i] else "")
             for i, c in enumerate(categories)]
    budget = series[0][1] if series else []
    fig = go.Figure()
    for s, (sname, vals, color) in enumerate(series):
        xs = [amount(v, unit, population) for v in vals]
        text = []
        for i, x in enumerate(xs):
            t = "—" if x is None else format(x, spec)
            if s == rate_series and vals[i] is not None and budget[i]:
                share = pct(vals[i] / budget[i])
                t = (_("{amount}（{share}）").format(amount=t, share=share) if horizontal
                     else f"{t}<br>{share}")
            text.append(t)
        colors: Any = color
        if s == rate_series and flag_levels:
            colors = [LEVELS[lv].color if lv else color for lv in flag_levels]
        hover = [f"<b>{categories[i]}</b><br>{sname} {with_unit(text[i], unit)}"
                 + ("<br>" + _("点击查看下一级") if hrefs and hrefs[i] else "")
                 for i in range(len(xs))]
        bar = dict(name=sname, marker=dict(color=colors, line=dict(color="#1B1F24", width=1)),
                   text=text, textposition="outside", cliponaxis=False, constraintext="none",
                   textfont=dict(size=16), hovertext=hover,
                   hovertemplate="%{hovertext}<extra></extra>",
                   customdata=list(hrefs) if hrefs is not None else None)
        if horizontal:
            fig.add_trace(go.Bar(x=xs, y=list(range(len(categories))), orientation="h", **bar))
        else:
            fig.add_trace(go.Bar(x=names, y=xs, **bar))
    n = len(categories)
    if horizontal:
        fig.update_yaxes(tickvals=list(range(n)), ticktext=names, autorange="reversed",
                         showgrid=False, ticks="", ticklabelstandoff=8)
        peak = max([0.0, *(amount(v, unit, population) or 0
                         for _n, vals, _c in series for v in vals)])
        fig.update_xaxes(title=dict(text=unit_text(unit)), range=[0, peak * 1.4 or 1],
                         tickformat=",~g")
        per_row = BAR_PX * max(1, len(series)) * 0.72
        height = max(400, int(240 + per_row * n))
    else:
        fig.update_yaxes(title=dict(text=unit_text(unit)), tickformat=",~g")
        fig.update_xaxes(showgrid=False)
        height = 520
    fig.update_layout(barmode="group", bargap=0.28, bargroupgap=0.06)
    if n == 0:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=unit_subtitle(unit, subtitle), note=note,
                  dark=dark, height=height)


def monthly_trend(months: Sequence[int], this_year: Sequence[int | None],
                  last_year: Sequence[int | None], *, year: int, title: str, note: str,
                  subtitle: str = "", population: int | None = None,
                  dark: bool = False) -> go.Figure:
    """Month by month: this year (solid, labelled) against the same month of
    last year (dashed). Months after the data date are None and not drawn."""
    unit = amount_unit(list(this_year) + list(last_year), population)
    spec = ",.0f" if unit == PER_HEAD else ",.1f"
    xs = [month_tick(m) for m in months]
    cur = [amount(v, unit, population) for v in this_year]
    prev = [amount(v, unit, population) for v in last_year]
    last = max((i for i, v in enumerate(cur) if v is not None), default=-1)
    fig = go.Figure(layout=dict(legend=dict(traceorder="reversed")))

    def hover(y: int) -> str:
        when = _("{year}年{month}").format(year=y, month="%{x}")
        return f"{when} {with_unit(f'%{{y:{spec}}}', unit)}<extra></extra>"

    fig.add_trace(go.Scatter(
        x=xs, y=prev, name=_("{year}年同月").format(year=year - 1), mode="lines+markers",
        line=dict(color=LAST_YEAR_COLOR, width=3, dash="dash"), marker=dict(size=9, symbol="square"),
        hovertemplate=hover(year - 1),
    ))
    fig.add_trace(go.Scatter(
        x=xs, y=cur, name=_("{year}年").format(year=year), mode="lines+markers+text",
        line=dict(color=THIS_YEAR_COLOR, width=4), marker=dict(size=11, symbol="circle"),
        # only the latest month is labelled: twelve labels collide on a half-width chart
        text=[format(v, spec) if v is not None and i == last else "" for i, v in enumerate(cur)],
        textposition="top center",
        textfont=dict(size=15), cliponaxis=False,
        hovertemplate=hover(year),
    ))
    fig.update_yaxes(title=dict(text=unit_text(unit)), rangemode="tozero", tickformat=",~g")
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(showgrid=False, categoryorder="array", categoryarray=xs)
    if not any(v is not None for v in cur + prev):
        empty_note(fig, dark)
    return finish(fig, title=title,
                  subtitle=unit_subtitle(unit, subtitle or _("实线为本年，虚线为上年同月")),
                  note=note, dark=dark, height=520)


def share_donut(names: Sequence[str], values_fen: Sequence[int], *, title: str, note: str,
                hrefs: Sequence[str | None] | None = None, top: int = 7,
                dark: bool = False) -> go.Figure:
    """Shares of a total (e.g. collected revenue by class). Beyond `top`
    slices the rest is one 其他 slice so labels stay readable."""
    items = sorted(zip(names, values_fen, hrefs or [None] * len(names)),
                   key=lambda t: -(t[1] or 0))
    items = [t for t in items if (t[1] or 0) > 0]
    if len(items) > top:
        rest = sum(v for _n, v, _h in items[top - 1:])
        items = items[: top - 1] + [(_("其他"), rest, None)]
    unit = pick_unit([v for _n, v, _h in items])
    total = sum(v for _n, v, _h in items)
    fig = go.Figure(go.Pie(
        labels=[short(n, 10) for n, _v, _h in items],
        values=[in_unit(v, unit) for _n, v, _h in items],
        hole=0.5, sort=False, direction="clockwise",
        textinfo="label+percent", textposition="outside", textfont=dict(size=17),
        marker=dict(colors=["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                            "#F0E442", "#999999"], line=dict(color="#FFFFFF", width=2)),
        customdata=[h for _n, _v, h in items],
        hovertemplate="%{label}<br>" + _("{amount}（{share}）").format(
            amount=with_unit("%{value:,.2f}", unit), share="%{percent}") + "<extra></extra>",
    ))
    total_text = f"<br><b>{in_unit(total, unit):,.2f}</b><br>{unit_text(unit)}"
    fig.add_annotation(text=_("合计") + total_text, x=0.5, y=0.5,
                       xref="paper", yref="paper", showarrow=False, font=dict(size=20))
    fig.update_layout(showlegend=False, margin=dict(l=40, r=40, t=150, b=96))
    if not items:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=unit_subtitle(unit), note=note, dark=dark, height=520)


def level_counts(names: Sequence[str], counts: dict[str, Sequence[int]], *, title: str,
                 subtitle: str | None, note: str, hrefs: Sequence[str | None] | None = None,
                 dark: bool = False) -> go.Figure:
    """Horizontal bars of breach counts per row (first row on top), stacked
    by level worst first; every segment says its level in words."""
    n = len(names)
    fig = go.Figure()
    for key in ("red", "orange", "yellow"):
        values = list(counts.get(key, [0] * n))
        lv = LEVELS[key]
        fig.add_trace(go.Bar(
            x=values, y=list(range(n)), orientation="h", name=levels.text(key),
            marker=dict(color=lv.color, line=dict(color="#1B1F24", width=1)),
            text=[f"{lv.label} {v}" if v else "" for v in values], textposition="inside",
            insidetextanchor="start", textfont=dict(color=lv.text_color, size=16),
            hovertext=[_("{name}：{level} {n} 项").format(name=names[i], level=lv.label, n=v)
                       for i, v in enumerate(values)],
            hovertemplate="%{hovertext}<br>" + _("点击只看这条规则") + "<extra></extra>",
            customdata=list(hrefs) if hrefs is not None else None, width=0.7))
    fig.update_layout(barmode="stack", legend=dict(traceorder="normal"))
    fig.update_yaxes(tickvals=list(range(n)), ticktext=[short(x, 14) for x in names],
                     autorange="reversed", showgrid=False, ticks="", ticklabelstandoff=8)
    peak = max((sum(c[i] for c in counts.values()) for i in range(n)), default=0)
    fig.update_xaxes(title=dict(text=_("预警数（项）")), rangemode="tozero", tickformat=",d",
                     tick0=0, dtick=max(1, math.ceil(peak / 8)))
    if n == 0:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=subtitle, note=note, dark=dark,
                  height=max(380, 230 + BAR_PX * n))


def level_trend(dates: Sequence[Any], counts: dict[str, Sequence[int]], *, title: str,
                subtitle: str | None, note: str, dark: bool = False) -> go.Figure:
    """Open breaches at each evaluation date, one line per level, each line
    named by its level in words and marked with its own symbol."""
    symbols = {"red": "x", "orange": "triangle-up", "yellow": "circle"}
    when = date_format()
    fig = go.Figure()
    for key in ("red", "orange", "yellow"):
        lv = LEVELS[key]
        fig.add_trace(go.Scatter(
            x=list(dates), y=list(counts.get(key, [0] * len(dates))), mode="lines+markers",
            name=levels.text(key), line=dict(color=lv.color, width=4),
            marker=dict(symbol=symbols[key], size=12, line=dict(color="#1B1F24", width=1)),
            hovertemplate=f"%{{x|{when}}} " + _("{level} {n} 项").format(level=lv.label, n="%{y}")
            + "<extra></extra>"))
    fig.update_xaxes(tickformat=when)
    fig.update_yaxes(title=dict(text=_("未解除的预警（项）")), rangemode="tozero", tickformat=",d")
    if not dates:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=subtitle, note=note, dark=dark, height=520)

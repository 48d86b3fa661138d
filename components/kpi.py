"""KPI tile: a title, one big figure with its unit, a sub-line comparing it
with the budget and time progress, the level badge (icon + word + colour),
a plain-language explanation, and a link to the page that drills into it."""
from __future__ import annotations

from dash import dcc, html

from components import format as fmt
from components import levels
from data.i18n import _


def money_figure(fen: int | None, unit: str = "auto") -> tuple[str, str]:
    """('12.34', '亿元') for a tile's big figure (the unit in the current language)."""
    if fen is None:
        return "—", ""
    unit = fmt.pick_unit([fen]) if unit == "auto" else unit
    return f"{fmt.in_unit(fen, unit):,.2f}", fmt.unit_label(unit)


def progress_bar(rate: float | None, time_progress: float | None = None) -> html.Div | None:
    """A bar for `rate` with a mark at time progress (序时进度)."""
    if rate is None:
        return None
    marks = []
    if time_progress is not None:
        marks.append(html.Div(className="kpi-progress-tp",
                              title=_("序时进度 {tp}").format(tp=fmt.pct(time_progress)),
                              style={"left": f"{min(max(time_progress, 0), 1) * 100:.1f}%"}))
    return html.Div(
        [html.Div(className="kpi-progress-bar",
                  style={"width": f"{min(max(rate, 0), 1) * 100:.1f}%"}), *marks],
        className="kpi-progress", role="progressbar",
        **{"aria-valuenow": f"{rate * 100:.1f}", "aria-valuemin": "0", "aria-valuemax": "100"},
    )


def kpi_tile(
    title: str,
    figure: str,
    unit: str = "",
    *,
    sub: list | str | None = None,
    level: str | None = None,
    show_level: bool = True,
    level_text: str | None = None,
    level_title: str | None = None,
    rate: float | None = None,
    time_progress: float | None = None,
    explain: str | None = None,
    href: str | None = None,
    link_text: str | None = None,
    tile_id: str | None = None,
) -> html.Div:
    """One tile. `href` None means no link (the drill-down page does not
    exist yet), `link_text` its words (default 查看明细); `show_level` False
    hides the badge where no rule applies; `level_title` is the badge's
    tooltip (the rule and its lines)."""
    head = [html.H3(title, className="kpi-title")]
    if explain:
        head[0].children = [title, html.I(className="bi bi-question-circle kpi-help ms-2",
                                          title=explain, **{"aria-hidden": "true"})]
    if show_level:
        head.append(levels.badge(level, level_text, level_title))
    children = [
        html.Div(head, className="kpi-head"),
        html.Div([html.Span(figure, className="kpi-figure-value"),
                  html.Span(unit, className="kpi-unit") if unit else None],
                 className="kpi-figure"),
        progress_bar(rate, time_progress),
        html.Div(sub, className="kpi-sub") if sub else None,
        html.P(explain, className="kpi-explain") if explain else None,
    ]
    if href:
        children.append(dcc.Link([link_text or _("查看明细"),
                                  html.I(className="bi bi-chevron-right ms-1",
                                         **{"aria-hidden": "true"})],
                                 href=href, className="kpi-link"))
    return html.Div([c for c in children if c is not None], className="kpi",
                    id=tile_id or f"kpi-{title}",
                    **({"data-level": level} if show_level and level else {}))

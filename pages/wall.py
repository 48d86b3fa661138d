"""监督大屏: the wall screen, one 16:9 screen with nothing scrolled (1920×1080
up to 3840×2160, shown with ?kiosk=1): the five areas' headline tiles, the
region map coloured by `map=` (execution gap by default) with each region's
level written on it, the monthly spending trend against last year, the
problem loop's counts and the open red and orange warnings as a ticker.
See docs/wall.md."""
from __future__ import annotations

import dash
from dash import html

from components import drill
from components import wall as w
from data.i18n import N_, _
from pages._shared import scaffold
from pages._wall import client  # noqa: F401 - registers the charts' drawing callback
from pages._wall import sections as s
from service import view

PATH = "/wall"
dash.register_page(__name__, path=PATH, name=N_("大屏"), title=scaffold.browser_title(N_("监督大屏")),
                   order=99, icon="bi-display",
                   description=scaffold.in_language(N_("监督大脑大屏：一屏看全核心指标、区划地图、预警滚动")))


@scaffold.page(PATH, N_("监督大屏"), empty=N_("请先导入财政、税务、国资等部门报送的数据。"),
               page_id="wall")
def layout(state: drill.PageState, _tab: None) -> scaffold.View:
    f = state.filters
    choice = drill.choice(state.get("map"), list(s.INDICATORS), s.DEFAULT_INDICATOR)
    region = view.region_name(f.mof_div)
    return scaffold.View(
        title=[_("监督大屏") + " · ", region],
        caption=s.caption(f),
        body=[html.Div([
            w.panel("tiles", s.area_tiles(f, state.params)),
            w.panel("map", s.region_map(f, state.params, choice, state.dark)),
            w.panel("trend", s.trend(f, state.dark)),
            w.panel("problems", s.problems(f, state.params), _("问题闭环")),
            w.panel("ticker", s.ticker(f)),
        ], className="wall", id="wall")])

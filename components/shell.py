"""The app shell around every page: header with navigation built from
`dash.page_registry`, the global filters (kept in the URL query string),
clock and "数据截至" stamp, the user area (who is signed in, 退出, the admin
pages, 提问 / 反映问题), the stale-data banner, kiosk mode, and the page
container. What the user area shows is set per request by
pages/_shared/shell_data.py; the layout itself never reads the request.

Kiosk mode (`?kiosk=1`): dark theme, no controls, rotation through
`KIOSK_PAGES` (comma-separated paths, each optionally with a query string
naming a drill state, e.g. `/wall,/execution?by=dept,/warnings?level=red`;
default every page in the navigation) every `KIOSK_SECONDS` (default 60),
and a reload only when the data version changes or the database comes
back — the status poll reads one row every `STATUS_POLL_SECONDS` (default
30) and never re-runs the page queries — and once every `KIOSK_RELOAD_HOURS`
(default 24) while the server answers, so weeks on the wall start from a
fresh page each day (the browser's heap creeps up with rotations; see
docs/wall.md).

Open-day mode (`?open=1`, for deputies and the open-day touch screen): the
navigation shrinks to `OPEN_NAV`, the brand leads to the open-day home, the
filters stay folded until 筛选 is pressed, and every control is a touch
target of at least 44 px (assets/openday.css); 提问 / 反映问题 stays.
"""
from __future__ import annotations

import os
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html

from components import format as fmt
from components import urlstate
from data.i18n import LANGUAGES, N_, _, language
from data.measures import FUND_TYPE_NAMES
from data.problems import TITLE_MAX

APP_NAME = N_("财政监督大脑")
APP_SUBTITLE = N_("人大预算联网监督系统")
THEMES = {
    "flatly": "vendor/bootswatch/flatly.min.css",
    "bootstrap": "vendor/bootstrap/bootstrap.min.css",
    "darkly": "vendor/bootswatch/darkly.min.css",
}
KIOSK_THEME = "darkly"


def light_theme() -> str:
    name = os.environ.get("APP_THEME", "flatly")
    return name if name in THEMES and name != KIOSK_THEME else "flatly"


def _seconds(name: str, default: int, minimum: int) -> int:
    try:
        return max(minimum, int(os.environ.get(name, default)))
    except ValueError:
        return default


def kiosk_seconds() -> int:
    return _seconds("KIOSK_SECONDS", 60, 10)


def poll_seconds() -> int:
    return _seconds("STATUS_POLL_SECONDS", 30, 1)


def kiosk_reload_hours() -> float:
    try:
        return max(0.001, float(os.environ.get("KIOSK_RELOAD_HOURS", 24)))
    except ValueError:
        return 24.0


def nav_pages() -> list[dict[str, Any]]:
    """Registered pages in registration order, without those that opt out
    (`register_page(..., nav=False)`) or need path variables."""
    return [p for p in dash.page_registry.values()
            if p.get("nav", True) and not p.get("path_template")]


def kiosk_pages() -> list[str]:
    """The rotation: the entries of KIOSK_PAGES whose path is a page in the
    navigation (an entry may carry a query string naming a drill state,
    `/execution?by=dept`), else every page in the navigation."""
    known = [p["path"] for p in nav_pages()]
    wanted = [x.strip() for x in os.environ.get("KIOSK_PAGES", "").split(",") if x.strip()]
    chosen = [x for x in wanted if urlsplit(x).path in known]
    return chosen or known


def next_kiosk_url(entries: list[str], pathname: str | None, search: str | None) -> str:
    """The entry after the one on screen (the entry of this path whose query
    the URL holds, the most specific first), keeping the global filters and
    modes (kiosk=1) of the URL on screen."""
    here = urlstate.parse(search)
    parsed = [(urlsplit(x).path, urlstate.parse(urlsplit(x).query)) for x in entries]
    matching = [(len(params), i) for i, (path, params) in enumerate(parsed)
                if path == pathname and params.items() <= here.items()]
    i = max(matching)[1] if matching else -1
    path, params = parsed[(i + 1) % len(parsed)]
    return urlstate.link(path, {**urlstate.keep_global(here), **params})


def is_kiosk(params: dict[str, str]) -> bool:
    return params.get("kiosk") == "1"


OPEN_HOME = "/open"  # pages/openday.py
# The open-day navigation: the home, the overview and the pages a deputy
# follows, and the glossary.
OPEN_NAV = (OPEN_HOME, "/", "/execution", "/warnings", "/problems", "/glossary")


def is_open_day(params: dict[str, str]) -> bool:
    return params.get("open") == "1"


def _nav_class(path: str) -> str | None:
    """`open-day` marks what open-day mode keeps; `open-only` what only it shows."""
    return " ".join(c for c, on in (("open-day", path in OPEN_NAV), ("open-only", path == OPEN_HOME))
                    if on) or None


# -- index page: local stylesheets in a fixed order, theme chosen before paint --

_INDEX = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
<link rel="stylesheet" id="theme-css" href="[LIGHT]" data-light="[LIGHT]" data-dark="[DARK]">
<script>
(function () {
  if (new URLSearchParams(window.location.search).get("kiosk") === "1") {
    var link = document.getElementById("theme-css");
    link.href = link.dataset.dark;
    document.documentElement.classList.add("kiosk");
    document.documentElement.setAttribute("data-bs-theme", "dark");
    // Plotly logs its warnings with the chart's element, and the browser
    // keeps logged arguments for a later DevTools: weeks of rotation would
    // keep every page that has left the screen. The wall logs nothing.
    var quiet = setInterval(function () {
      if (window.Plotly) { window.Plotly.setPlotConfig({logging: 0}); clearInterval(quiet); }
    }, 250);
  }
})();
</script>
<link rel="stylesheet" href="[ICONS]">
<link rel="stylesheet" href="[FONT]">
<script src="[PLOTLY_ZH]"></script>
{%css%}
</head>
<body>
{%app_entry%}
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
</body>
</html>"""


def versioned_asset(app: dash.Dash, path: str) -> str:
    """An asset's URL naming its version (`?m=` its modification time, as
    Dash links the assets it finds), so browsers may keep it (service/static.py)."""
    mtime = int(os.path.getmtime(os.path.join(app.config.assets_folder, path)))
    return f"{app.get_asset_url(path)}?m={mtime}"


def index_string(app: dash.Dash) -> str:
    return (_INDEX
            .replace("[LIGHT]", versioned_asset(app, THEMES[light_theme()]))
            .replace("[DARK]", versioned_asset(app, THEMES[KIOSK_THEME]))
            .replace("[ICONS]", versioned_asset(app, "vendor/bootstrap-icons/bootstrap-icons.min.css"))
            .replace("[FONT]", versioned_asset(app, "vendor/noto-sans-sc/noto-sans-sc.css"))
            .replace("[PLOTLY_ZH]", versioned_asset(app, "vendor/plotly-locales/zh-cn.js")))


HTML_LANG = {"zh": "zh-CN", "en": "en"}


def install(app: dash.Dash) -> None:
    app.index_string = index_string(app)
    app.layout = layout
    base = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        """The page's `lang` attribute follows the request's language."""
        return base(**kwargs).replace('<html lang="zh-CN">',
                                      f'<html lang="{HTML_LANG[language()]}">', 1)

    app.interpolate_index = interpolate_index


def language_switch() -> html.A:
    """The other language, as a link that reloads the page in it (its href
    is the current URL with `lang`, kept up to date by a clientside callback)."""
    other = "en" if language() == "zh" else "zh"
    return html.A([_icon("bi-translate"), LANGUAGES[other]], id="shell-lang", href=f"?lang={other}",
                  lang=HTML_LANG[other], className="btn btn-outline-light shell-user-button",
                  **{"data-lang": other})


# -- notices ----------------------------------------------------------------------

def notice(text: str, kind: str = "warning", icon: str = "bi-exclamation-triangle-fill"):
    return dbc.Alert([html.I(className=f"bi {icon} me-2", **{"aria-hidden": "true"}), text],
                     color=kind, className="shell-notice")


def answer(content, ok: bool = False, kind: str | None = None) -> dbc.Alert:
    """What a form says after a click: done (green), refused (red), or `kind`."""
    icon = "bi-check-circle-fill" if ok else "bi-x-octagon-fill"
    return dbc.Alert([html.I(className=f"bi {icon} me-2", **{"aria-hidden": "true"}),
                      *(content if isinstance(content, list) else [content])],
                     color=kind or ("success" if ok else "danger"), className="form-answer")


# -- layout ---------------------------------------------------------------------

def _nav() -> dbc.Nav:
    items = []
    for page in nav_pages():
        icon, name = page.get("icon"), page["name"]
        items.append(dbc.NavItem(dbc.NavLink(
            [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}) if icon else None,
             _(name)],
            id={"type": "shell-nav", "path": page["path"]},
            href=page["path"], active="exact"), className=_nav_class(page["path"])))
    return dbc.Nav(items, className="shell-nav", navbar=True)


def _filters() -> html.Div:
    fund_options = [{"label": f"{k} {_(v)}", "value": k} for k, v in FUND_TYPE_NAMES.items()]
    return html.Div(
        [
            html.Label([_("区划"), dcc.Dropdown(id="f-region", placeholder=_("全部区划"),
                                                clearable=True, optionHeight=40,
                                                className="shell-select region")]),
            html.Label([_("年度"), dcc.Dropdown(id="f-year", placeholder=_("年度"), clearable=True,
                                                className="shell-select year")]),
            html.Label([_("截至日期"), dcc.DatePickerSingle(id="f-asof", display_format="YYYY-MM-DD",
                                                            first_day_of_week=1, clearable=True,
                                                            placeholder=_("最新"))]),
            html.Label([_("资金性质"), dcc.Dropdown(id="f-fund", options=fund_options,
                                                    placeholder=_("全部资金"), clearable=True,
                                                    className="shell-select fund")]),
        ],
        className="shell-filters", id="shell-filters",
    )


def _icon(name: str) -> html.I:
    return html.I(className=f"bi {name} me-1", **{"aria-hidden": "true"})


PROBLEMS_PATH = "/problems"  # 问题闭环
URL_WRITER = "url-filters"  # the Location the filters write the URL through


def problem_href(problem_id: int) -> str:
    return urlstate.link(PROBLEMS_PATH, {"id": problem_id})


ADMIN_LINKS = (("shell-admin-users", "/admin/users", "bi-people", N_("账户管理")),
               ("shell-admin-audit", "/admin/audit", "bi-journal-text", N_("使用留痕")))


def _user_area() -> html.Div:
    """Every part hidden until `shell_data.user_area` knows the viewer. The
    sign-out form posts the CSRF token a clientside callback copies from the
    `_csrf_token` cookie (Flask-WTF accepts that signed token as the field)."""
    return html.Div(
        [
            html.Span([_icon("bi-person-circle"), html.Span(id="shell-user-name"),
                       html.Span(id="shell-user-role", className="shell-user-role")],
                      id="shell-who", className="shell-who", hidden=True),
            *[html.Span(dcc.Link([_icon(icon), _(text)], href=href, className="shell-user-link"),
                        id=wrap, hidden=True) for wrap, href, icon, text in ADMIN_LINKS],
            html.Span(html.Button([_icon("bi-chat-square-text"), _("提问 / 反映问题")],
                                  id="shell-ask", type="button",
                                  className="btn btn-warning shell-user-button"),
                      id="shell-ask-wrap", hidden=True),
            html.Form([dcc.Input(id="shell-csrf", type="hidden", name="csrf_token"),
                       html.Button([_icon("bi-box-arrow-right"), _("退出")], type="submit",
                                   id="shell-sign-out-button",
                                   className="btn btn-outline-light shell-user-button")],
                      action="/logout", method="POST", id="shell-sign-out", hidden=True),
            html.A([_icon("bi-box-arrow-in-right"), _("登录")], href="/login", id="shell-sign-in",
                   className="btn btn-light shell-user-button", hidden=True),
        ],
        id="shell-user", className="shell-user",
    )


def _ask_modal() -> dbc.Modal:
    """A question or concern from any page; it enters the problem loop with
    the page's URL (shell_data.ask)."""
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(_("提问 / 反映问题"))),
        dbc.ModalBody([
            html.P(_("您的问题会进入问题闭环，由工作人员核实办理；当前页面的地址会一并记录，"
                     "方便工作人员看到您看到的数据。"), className="shell-ask-hint"),
            dbc.Label(_("标题（必填）"), html_for="shell-ask-title"),
            dbc.Input(id="shell-ask-title", maxLength=TITLE_MAX, className="mb-3 shell-ask-input",
                      placeholder=_("例如：某项目支付进度为什么这么慢？")),
            dbc.Label(_("详细说明（可选）"), html_for="shell-ask-text"),
            dbc.Textarea(id="shell-ask-text", rows=5, className="shell-ask-input"),
            html.Div(id="shell-ask-result", role="status", className="mt-3",
                     **{"aria-live": "polite"}),
        ]),
        dbc.ModalFooter([
            html.Button(_("关闭"), id="shell-ask-cancel", type="button",
                        className="btn btn-secondary shell-user-button"),
            html.Button(_("提交"), id="shell-ask-submit", type="button",
                        className="btn btn-primary shell-user-button"),
        ]),
    ], id="shell-ask-modal", is_open=False, size="lg")


def layout() -> html.Div:
    """Static: no database access, so it can never fail; callbacks fill it."""
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            # The filters write the URL through a Location of their own: a
            # callback reading `url` would otherwise wait at every page load
            # for the filters' callback, which waits for the status poll.
            # Location components follow each other through the history.
            dcc.Location(id=URL_WRITER, refresh="callback-nav"),
            dcc.Store(id="shell-status"),
            dcc.Store(id="shell-reload"),
            dcc.Store(id="shell-reload-hours", data=kiosk_reload_hours()),
            dcc.Store(id="shell-present"),
            dcc.Interval(id="shell-poll", interval=poll_seconds() * 1000),
            dcc.Interval(id="shell-clock-tick", interval=1000),
            dcc.Interval(id="shell-rotate", interval=kiosk_seconds() * 1000, disabled=True),
            html.Header(
                [
                    html.A([html.I(className="bi bi-bank2 me-2", **{"aria-hidden": "true"}),
                            html.Span(_(APP_NAME), className="shell-title"),
                            html.Span(_(APP_SUBTITLE), className="shell-subtitle")],
                           id="shell-brand", href="/", className="shell-brand"),
                    html.Nav(_nav(), className="shell-navwrap", **{"aria-label": _("页面导航")}),
                    html.Button([_icon("bi-funnel"), _("筛选")], id="shell-filter-toggle",
                                type="button", className="btn btn-outline-light shell-user-button",
                                **{"aria-controls": "shell-filters", "aria-expanded": "false"}),
                    html.Div([html.Div(id="shell-clock", className="shell-clock"),
                              html.Div(id="shell-stamp", className="shell-stamp")],
                             className="shell-time"),
                    _user_area(),
                    language_switch(),
                ],
                className="shell-header",
            ),
            _ask_modal(),
            _filters(),
            html.Div(id="shell-banner", role="status", **{"aria-live": "polite"}),
            html.Main(dash.page_container, className="shell-main"),
        ],
        id="shell", className="shell",
    )


# -- callbacks --------------------------------------------------------------------

def filter_values(params: dict[str, str], state: dict | None):
    default = date.fromisoformat(state["as_of"]) if state and state.get("as_of") else date.today()
    f = urlstate.filters(params, default)
    return f.mof_div, f.year, f.as_of.isoformat(), f.fund_type


@callback(Output({"type": "shell-nav", "path": ALL}, "href"), Output("shell-brand", "href"),
          Input("url", "search"), State({"type": "shell-nav", "path": ALL}, "id"))
def nav_links(search, ids):
    """Navigation keeps the global filters and modes."""
    keep = urlstate.keep_global(urlstate.parse(search))
    home = OPEN_HOME if is_open_day(keep) else "/"
    return [urlstate.link(i["path"], keep) for i in ids], urlstate.link(home, keep)


@callback(Output("shell", "className"), Output("shell-rotate", "disabled"),
          Input("url", "search"))
def mode(search):
    params = urlstate.parse(search)
    kiosk = is_kiosk(params)
    present = params.get("present") == "1"  # presentation mode (pages/_shared/exports.py)
    return ("shell" + (" kiosk" if kiosk else "") + (" present" if present else "")
            + (" open" if is_open_day(params) else "")), not kiosk


@callback(Output("url", "href"), Input("shell-rotate", "n_intervals"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def rotate(_n, pathname, search=None):
    pages = kiosk_pages()
    if len(pages) < 2:
        return dash.no_update
    return next_kiosk_url(pages, pathname, search)


@callback(Output("shell-stamp", "children"), Output("shell-banner", "children"),
          Input("shell-status", "data"), Input("url", "search"))
def stamp_and_banner(state, search):
    if not state:
        return "", None
    as_of = filter_values(urlstate.parse(search), state)[2] if state.get("as_of") else None
    stamp = fmt.as_of_note(date.fromisoformat(as_of)) if as_of else _("暂无数据")
    if state.get("ok"):
        return stamp, None
    return stamp, notice(_("数据库暂时无法连接：页面显示最后一次获取的数据，连接恢复后自动更新。"),
                         "danger", "bi-database-x")


clientside_callback(
    """
    function (href) {
        const link = document.getElementById("shell-lang");
        const url = new URL(href || window.location.href);
        url.searchParams.set("lang", link ? link.dataset.lang : "zh");
        return url.pathname + url.search;
    }
    """,
    Output("shell-lang", "href"),
    Input("url", "href"),
)

# The clock in the page's language (the server sets <html lang>): 2026年11月28日
# 星期六 09:12:03 / Sat 28 Nov 2026 09:12:03.
clientside_callback(
    """
    function (_n) {
        const d = new Date();
        const p = (x) => String(x).padStart(2, "0");
        const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
        if (document.documentElement.lang === "en") {
            const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getDay()];
            const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getMonth()];
            return `${day} ${d.getDate()} ${month} ${d.getFullYear()} ${time}`;
        }
        const w = "日一二三四五六"[d.getDay()];
        return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 星期${w} ${time}`;
    }
    """,  # i18n: data (the Chinese form of the date, as components.format.long_date)
    Output("shell-clock", "children"),
    Input("shell-clock-tick", "n_intervals"),
)

# Kiosk: reload when the data version moves, the database comes back, or the
# page has been up for the reload hours (checked at each poll); the theme
# follows the kiosk flag when the URL changes inside the app.
clientside_callback(
    """
    function (state, search, _polls, hours) {
        const kiosk = new URLSearchParams(search || "").get("kiosk") === "1";
        const link = document.getElementById("theme-css");
        if (link) {
            const want = kiosk ? link.dataset.dark : link.dataset.light;
            if (link.getAttribute("href") !== want) { link.setAttribute("href", want); }
        }
        document.documentElement.classList.toggle("kiosk", kiosk);
        document.documentElement.setAttribute("data-bs-theme", kiosk ? "dark" : "light");
        const prev = window.__shellStatus;
        if (state) { window.__shellStatus = state; }
        if (kiosk && prev && state && (state.version !== prev.version || (state.ok && !prev.ok))) {
            window.location.reload();
        } else if (kiosk && hours && performance.now() > hours * 3600 * 1000
                   && !window.__reloading && !document.getElementById("shell-offline")) {
            // only onto a server that answers: a failed reload would leave the wall blank
            window.__reloading = true;
            fetch("/api/v1/health", {cache: "no-store"}).then(
                (res) => { if (res.ok) { window.location.reload(); } else { window.__reloading = false; } },
                () => { window.__reloading = false; });
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output("shell-reload", "data"),
    Input("shell-status", "data"), Input("url", "search"), Input("shell-poll", "n_intervals"),
    State("shell-reload-hours", "data"),
)

# The sign-out form's CSRF field, from the cookie every response refreshes.
clientside_callback(
    """
    function (_path) {
        const m = document.cookie.match(/(?:^|;\\s*)_csrf_token=([^;]*)/);
        return m ? decodeURIComponent(m[1]) : window.dash_clientside.no_update;
    }
    """,
    Output("shell-csrf", "value"),
    Input("url", "pathname"),
)

# Open-day mode: the filters unfold on 筛选 and fold again on the next press
# or a new page.
clientside_callback(
    """
    function (_n, _path) {
        const ctx = window.dash_clientside.callback_context;
        const el = document.getElementById("shell-filters");
        const shown = ctx.triggered_id === "shell-filter-toggle"
            && !(el && el.classList.contains("shown"));
        return [shown ? "shell-filters shown" : "shell-filters", shown ? "true" : "false"];
    }
    """,
    Output("shell-filters", "className"), Output("shell-filter-toggle", "aria-expanded"),
    Input("shell-filter-toggle", "n_clicks"), Input("url", "pathname"),
)

# The question form opens with no earlier answer in it, and closes on 关闭 or
# when the page changes (its answer links to the new problem).
clientside_callback(
    """
    function (_ask, _close, _path) {
        const opening = window.dash_clientside.callback_context.triggered_id === "shell-ask";
        return [opening, null];
    }
    """,
    Output("shell-ask-modal", "is_open"),
    Output("shell-ask-result", "children", allow_duplicate=True),
    Input("shell-ask", "n_clicks"), Input("shell-ask-cancel", "n_clicks"),
    Input("url", "pathname"), prevent_initial_call=True,
)

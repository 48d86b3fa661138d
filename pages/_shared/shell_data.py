"""The shell's data: the status poll (one row: the data version; the latest
data date from the cache), the filter choices, kept in step with the URL,
the user area for the viewer of the request, and the questions raised from
any page (提问 / 反映问题) into the problem loop."""
from __future__ import annotations

import logging
from urllib.parse import quote

import dash
from dash import Input, Output, State, callback, ctx, dcc
from sqlalchemy.exc import SQLAlchemyError

from components import shell, urlstate
from data import db, problems, status
from data.accounts import ROLE_ZH
from data.i18n import _
from data.query import fiscal_years, region_options
from service import auth, cache, view

log = logging.getLogger(__name__)


def _status(prev: dict | None) -> dict:
    """One row from the store (the data version), and from the cache the
    latest data date; an unreachable store keeps the previous figures."""
    try:
        status.ping(db.get_engine())
        version = db.data_version(db.get_engine())
        as_of = cache.cached_call(status.data_as_of)
    except SQLAlchemyError:
        log.warning("status poll: database unavailable")
        prev = prev or {}
        return {"ok": False, "version": prev.get("version"), "as_of": prev.get("as_of")}
    return {"ok": True, "version": version, "as_of": as_of.isoformat() if as_of else None}


@callback(Output("shell-status", "data"), Input("shell-poll", "n_intervals"),
          State("shell-status", "data"))
def poll_status(_n, prev):
    new = _status(prev)
    return dash.no_update if new == prev else new


def filter_options(state: dict | None):
    """Region (indented by level) and year choices; None while the store is away."""
    if not state or not state.get("ok"):
        return None
    try:
        regions = cache.cached_call(region_options)
        years = cache.cached_call(fiscal_years)
    except SQLAlchemyError:
        return None
    region_opts = [{"label": "\u3000" * depth + name,  # i18n: data
                    "value": code, "search": f"{code} {name}"} for code, name, depth in regions]
    return region_opts, [{"label": _("{year}年").format(year=y), "value": y} for y in years]


@callback(
    Output(shell.URL_WRITER, "search"),
    Output("f-region", "options"), Output("f-year", "options"),
    Output("f-region", "value"), Output("f-year", "value"), Output("f-asof", "date"),
    Output("f-fund", "value"),
    Input("url", "search"),
    Input("f-region", "value"), Input("f-year", "value"), Input("f-asof", "date"),
    Input("f-fund", "value"),
    Input("shell-status", "data"),
)
def sync_filters(search, region, year, as_of, fund, state):
    """URL → selectors (load, back button, links); selectors → URL (written
    through shell.URL_WRITER, which `url` follows). Options
    travel with the values: a dropdown drops a value missing from its options,
    which would otherwise erase the URL's filter before the options arrive."""
    params = urlstate.parse(search)
    trigger = ctx.triggered_id
    as_of = as_of[:10] if as_of else as_of
    current = shell.filter_values(params, state)
    mine = {"f-region": region, "f-year": year, "f-asof": as_of, "f-fund": fund}
    if trigger in mine and mine[trigger] == current[list(mine).index(trigger)]:
        return (dash.no_update,) * 7
    if trigger in mine:
        if trigger == "f-region":
            params = {**params, "mof_div": region}
        elif trigger == "f-fund":
            params = {**params, "fund_type": fund}
        elif trigger == "f-year":  # a new year is seen as of its latest date
            params = {**params, "year": year, "as_of": None}
        else:  # the date names its own year
            params = {**params, "as_of": as_of, "year": None}
        new = urlstate.link("", params)
        new = new if new.startswith("?") else ""
        return (new if new != (search or "") else dash.no_update, *(dash.no_update,) * 6)
    options = filter_options(state)
    if options is None:
        return (dash.no_update,) * 7
    return (dash.no_update, *options, *current)


# -- the user area --------------------------------------------------------------------

def _here(pathname: str | None, search: str | None) -> str:
    return (pathname or "/") + (search or "")


@callback(Output("shell-who", "hidden"), Output("shell-user-name", "children"),
          Output("shell-user-role", "children"),
          Output("shell-admin-users", "hidden"), Output("shell-admin-audit", "hidden"),
          Output("shell-ask-wrap", "hidden"), Output("shell-sign-out", "hidden"),
          Output("shell-sign-in", "hidden"), Output("shell-sign-in", "href"),
          Input("url", "pathname"), Input("url", "search"))
def user_area(pathname, search):
    """Who is signed in and in which role, 退出; the admin pages for admins;
    提问 for those who may raise a question; 登录 for the kiosk profile."""
    viewer = auth.current_viewer()
    sign_in = "/login?next=" + quote(_here(pathname, search), safe="/")
    if viewer is None:
        return True, "", "", True, True, True, True, True, sign_in
    if viewer.kiosk:
        return False, _("访客"), _("只读浏览"), True, True, True, True, False, sign_in
    return (False, viewer.name, _(ROLE_ZH.get(viewer.role, viewer.role)),
            not viewer.can("manage_accounts"), not viewer.can("read_audit"),
            not viewer.can("raise_question"), False, True, sign_in)


# -- 提问 / 反映问题 ---------------------------------------------------------------------

def _question_region(search: str | None) -> str | None:
    """The region the page is filtered to, when the store knows it."""
    code = urlstate.parse(search).get("mof_div")
    return code if code and code in view.names().region else None


@callback(Output("shell-ask-result", "children"), Output("shell-ask-title", "value"),
          Output("shell-ask-text", "value"),
          Input("shell-ask-submit", "n_clicks"),
          State("shell-ask-title", "value"), State("shell-ask-text", "value"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def ask(_clicks, title, text, pathname, search):
    """A new problem (待核实) raised by the viewer, naming the page it was
    asked on; checked here, not by the button being shown."""
    try:
        viewer = auth.require("raise_question")
        pid = problems.create(db.get_engine(), viewer, title, text,
                              _question_region(search), source_url=_here(pathname, search))
    except auth.Refused as err:
        return shell.answer(err.message), dash.no_update, dash.no_update
    except problems.ProblemError as err:
        return shell.answer(view.problem_refusal(err)), dash.no_update, dash.no_update
    return shell.answer([_("已提交，编号 {pid}。工作人员核实后会办理。 ").format(pid=pid),
                         dcc.Link(_("查看问题 #{pid} ›").format(pid=pid),
                                  href=shell.problem_href(pid), id="shell-ask-link")],
                        ok=True), "", ""

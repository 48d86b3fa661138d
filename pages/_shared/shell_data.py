"""The shell's data: the status poll (one row: the data version; the latest
data date from the cache) and the filter choices, kept in step with the URL."""
from __future__ import annotations

import logging

import dash
from dash import Input, Output, State, callback, ctx
from sqlalchemy.exc import SQLAlchemyError

from components import shell, urlstate
from data import db, status
from data.query import fiscal_years, region_options
from service import cache

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
    region_opts = [{"label": "\u3000" * depth + name, "value": code, "search": f"{code} {name}"}
                   for code, name, depth in regions]
    return region_opts, [{"label": f"{y}年", "value": y} for y in years]


@callback(
    Output("url", "search"),
    Output("f-region", "options"), Output("f-year", "options"),
    Output("f-region", "value"), Output("f-year", "value"), Output("f-asof", "date"),
    Output("f-fund", "value"),
    Input("url", "search"),
    Input("f-region", "value"), Input("f-year", "value"), Input("f-asof", "date"),
    Input("f-fund", "value"),
    Input("shell-status", "data"),
)
def sync_filters(search, region, year, as_of, fund, state):
    """URL → selectors (load, back button, links); selectors → URL. Options
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

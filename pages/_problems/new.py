"""登记问题: staff raise a problem by hand (title, description, region);
it opens as 待核实 and the page goes to it."""
from __future__ import annotations

from dash import Input, Output, State, callback, dcc, html, no_update

from components import problems as ui
from components.shell import answer
from data import problems
from data.db import get_engine
from data.hierarchy import Names
from data.i18n import _
from data.problems import ProblemError
from pages._problems.common import PATH, unit_label
from service import auth

NAV = "prob-new-nav"


def form(names: Names) -> html.Div:
    return html.Div([dcc.Location(id=NAV, refresh="callback-nav"),
                     ui.new_form([(c, unit_label(names, c)) for c in sorted(names.region)])])


@callback(Output(NAV, "href"), Output("prob-new-result", "children"),
          Input(ui.NEW_GO, "n_clicks"), State(ui.NEW_TITLE, "value"),
          State(ui.NEW_DESCRIPTION, "value"), State(ui.NEW_REGION, "value"),
          prevent_initial_call=True)
def create(clicks, title, description, region):
    """Register the problem (data.problems.create) and open it."""
    if not clicks:
        return no_update, no_update
    try:
        viewer = auth.require("handle_problems")
        pid = problems.create(get_engine(), viewer, title, description, region or None)
    except (auth.Refused, ProblemError) as err:
        return no_update, answer(err.message, False)
    return f"{PATH}?id={pid}", answer(_("已登记问题 #{pid}。").format(pid=pid), True)

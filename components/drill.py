"""Drill-down plumbing shared by the views: the state a URL names, the link
one level down, the crumbs of the path so far, and the callbacks that turn
a click on a bar or a row into a navigation the browser's history records.

Every drill state is a URL: page-specific keys (dept, agency, project, bgt_id,
func, rev, by, tab, percap, q) plus the global filters of components.urlstate.
A clicked point carries the URL of the state below it (`customdata` of a
chart, the row id of a list), computed when the page renders; the callbacks
here only follow it, through a dcc.Location that pushes history
(refresh="callback-nav"), so Back returns to the previous state and the
pages router renders it again from the URL alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update

from components import format as fmt
from components import levels, urlstate
from data.hierarchy import Names
from data.i18n import _
from data.query import Scope

MAX_PARAM = 80  # a code or search longer than this is not a code


def clean(params: dict[str, Any]) -> dict[str, str]:
    """Query parameters as the pages router hands them (a repeated key
    arrives as a list) → {key: last non-empty string}, trimmed and bounded."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        if value is None:
            continue
        value = str(value).strip()[:MAX_PARAM]
        if value:
            out[str(key)] = value
    return out


@dataclass(frozen=True)
class PageState:
    path: str
    params: dict[str, str]  # cleaned query parameters, as in the URL
    filters: Scope  # the global filters (year always set)
    kiosk: bool
    notices: list[str] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return self.filters

    @property
    def dark(self) -> bool:
        return self.kiosk

    def get(self, key: str) -> str | None:
        return self.params.get(key)

    def link(self, **changes: str | int | None) -> str:
        return urlstate.link(self.path, self.params, **changes)


def choice(value: str | None, allowed: Sequence[str], default: str) -> str:
    return value if value in allowed else default


# -- labels ---------------------------------------------------------------------------------

def coded(code: str | None, name: str | None) -> str:
    """`2050201 小学教育` for classification codes in tables."""
    if not code:
        return "—"
    return f"{code} {name}" if name else code


# -- breadcrumb --------------------------------------------------------------------------

@dataclass(frozen=True)
class Crumb:
    label: str  # e.g. "部门：教育局"
    href: str | None  # None for the current level


def crumbs_for(state: PageState, root: str, steps: Sequence[tuple[str, str, str]],
               keep: Sequence[str] = ()) -> list[Crumb]:
    """Crumbs from the root to the current level. `steps` are (URL key, code,
    label) in drill order; a crumb's link keeps the keys up to and including
    its own and drops the deeper ones (and every key in `keep` stays).
    Several steps may share a key (a 类 → 款 → 项 chain in `func`)."""
    drill_keys = {k for k, _code, _label in steps}
    base = {k: v for k, v in state.params.items() if k not in drill_keys or k in keep}
    out = [Crumb(root, urlstate.link(state.path, base))]
    acc: dict[str, str] = {}
    for key, code, label in steps:
        acc[key] = code
        out.append(Crumb(label, urlstate.link(state.path, {**base, **acc})))
    last = out[-1]
    out[-1] = Crumb(last.label, None)
    return out


# -- navigation ---------------------------------------------------------------------------

CHART = "drill-chart"
ROWS = "drill-rows"
NAV = "drill-nav"


def nav(name: str) -> dcc.Location:
    """The Location a drill element navigates through (one per element, so
    the callbacks below are plain functions of one click)."""
    return dcc.Location(id={"type": NAV, "name": name}, refresh="callback-nav")


def chart_id(name: str) -> dict[str, str]:
    return {"type": CHART, "name": name}


def rows_id(name: str) -> dict[str, str]:
    return {"type": ROWS, "name": name}


def _internal(href: Any) -> str | None:
    """Only app-internal paths are followed (never another site)."""
    if isinstance(href, str) and href.startswith("/") and not href.startswith("//"):
        return href
    return None


@callback(Output({"type": NAV, "name": MATCH}, "href", allow_duplicate=True),
          Input({"type": CHART, "name": MATCH}, "clickData"), prevent_initial_call=True)
def follow_point(click: dict | None):
    """A click on a bar or slice → the URL in its customdata."""
    points = (click or {}).get("points") or []
    href = _internal(points[0].get("customdata")) if points else None
    return href if href else no_update


@callback(Output({"type": NAV, "name": MATCH}, "href", allow_duplicate=True),
          Input({"type": ROWS, "name": MATCH}, "cellClicked"), prevent_initial_call=True)
def follow_row(cell: dict | None):
    """A click on a row of a drill list → the row's URL (the row id)."""
    href = _internal((cell or {}).get("rowId"))
    return href if href else no_update


# -- page furniture shared by the views ------------------------------------------------------

def switch(label: str, options: Sequence[tuple[str, str, bool]], name: str) -> html.Div:
    """A row of links that behaves like a segmented control: (text, href,
    active). Links, not a callback: each choice is a URL in the history."""
    return html.Div(
        [html.Span(label, className="drill-switch-label"),
         html.Div([dcc.Link(text, href=href, className="drill-switch-option"
                            + (" active" if active else ""),
                            title=(_("当前：{option}") if active else _("切换到{option}"))
                            .format(option=text))
                   for text, href, active in options],
                  className="drill-switch-options", role="group", **{"aria-label": label})],
        className="drill-switch", id=f"switch-{name}")


def tabs(state: PageState, options: Sequence[tuple[str, str]], current: str) -> dbc.Nav:
    """Page sections as links (labels marked with N_; `tab` in the URL; the first is the default and
    has no key, so one state has one URL); switching keeps the global filters
    and drops the other section's drill keys."""
    keep = urlstate.keep_global(state.params)
    if "percap" in state.params:
        keep["percap"] = state.params["percap"]
    return dbc.Nav(
        [dbc.NavItem(dbc.NavLink(_(text), href=urlstate.link(state.path, keep,
                                                          tab=key if i else None),
                                 active=key == current, className="drill-tab",
                                 id=f"tab-{key}"))
         for i, (key, text) in enumerate(options)],
        pills=True, className="drill-tabs no-print")


def notices(state: PageState, extra: Sequence[str] = ()) -> list:
    return [dbc.Alert([html.I(className="bi bi-info-circle-fill me-2", **{"aria-hidden": "true"}),
                       text], color="warning", className="drill-notice")
            for text in [*state.notices, *extra]]


def chart(name: str, fig, filename: str) -> html.Div:
    """A clickable chart and the Location its clicks navigate through."""
    from components.charts import graph

    return html.Div([nav(name), graph(fig, chart_id(name), filename)], className="drill-chart",
                    id=f"chart-{name}")


def headline(budget: int, paid: int, rate: float | None, level: str | None, gap: float | None,
             tp: float, *, rule_note: str, budget_title: str | None = None,
             paid_title: str | None = None, id_prefix: str = "head") -> html.Div:
    """Budget, paid and the execution rate against time progress, as tiles
    (titled 预算指标 and 已支付 unless told); `rule_note` (the rule that set
    the level, its lines) is the badge's tooltip."""
    from components.kpi import kpi_tile, money_figure

    b_num, b_unit = money_figure(budget)
    p_num, p_unit = money_figure(paid)
    return html.Div([
        kpi_tile(budget_title or _("预算指标"), b_num, b_unit, show_level=False,
                 tile_id=f"{id_prefix}-budget", sub=_("截至日期已下达的全部指标（含调整）")),
        kpi_tile(paid_title or _("已支付"), p_num, p_unit, show_level=False,
                 tile_id=f"{id_prefix}-paid", sub=_("截至日期国库集中支付（含退回冲减）")),
        kpi_tile(_("执行率"), fmt.pct(rate), "", level=level, show_level=True, level_title=rule_note,
                 rate=rate,
                 time_progress=tp, tile_id=f"{id_prefix}-rate",
                 level_text=None if gap is None else fmt.pp(gap),
                 sub=[html.Div(_("序时进度 {tp}").format(tp=fmt.pct(tp))),
                      html.Div(_("与序时进度相差 {gap}").format(gap=fmt.pp(gap)))]),
    ], className="kpi-grid drill-kpis")


def resolve_units(names: Names, dept: str | None, agency: str | None, project: str | None
                  ) -> tuple[str | None, str | None, str | None, list[str]]:
    """Complete a department → agency → project chain upwards from its
    deepest key (a project names its agency, an agency its department) and
    drop codes the store does not know, saying so."""
    notes: list[str] = []
    if project:
        if project in names.agency_of:
            agency = names.agency_of[project]
        else:
            notes.append(_("链接中的项目代码“{code}”不存在，已显示上一级。").format(code=project))
            project = None
    if agency:
        if agency in names.agency:
            dept = names.dept_of.get(agency, agency)
        else:
            notes.append(_("链接中的单位代码“{code}”不存在，已显示上一级。").format(code=agency))
            agency = None
    if dept and dept not in names.agency:
        notes.append(_("链接中的部门代码“{code}”不存在，已显示上一级。").format(code=dept))
        dept = None
    return dept, agency, project, notes


def agency_rows(names: Names, rows: Sequence[Any]) -> list[Any]:
    """Execution rows by agency, their department's own units labelled."""
    return [replace(r, name=names.agency_label(r.code)) if r.code else r for r in rows]


def unit_steps(names: Names, dept: str | None, agency: str | None, project: str | None
               ) -> list[tuple[str, str, str]]:
    """Breadcrumb steps of a department → agency → project chain."""
    steps = []
    if dept:
        steps.append(("dept", dept, _("部门：{name}").format(name=names.agency.get(dept, dept))))
    if agency:
        steps.append(("agency", agency, _("单位：{name}").format(name=names.agency_label(agency))))
    if project:
        steps.append(("project", project,
                      _("项目：{name}").format(name=names.project.get(project, project))))
    return steps


def unit_href(names: Names, state: PageState, dim: str, code: str, **keep: str | None) -> str:
    """The URL of one department, agency or project row, with its whole chain
    (so the breadcrumb is complete whichever level the click came from)."""
    if dim == "dept":
        chain = {"dept": code, "agency": None, "project": None}
    elif dim == "agency":
        chain = {"dept": names.dept_of.get(code, code), "agency": code, "project": None}
    else:
        agency = names.agency_of.get(code)
        chain = {"dept": names.dept_of.get(agency, agency), "agency": agency, "project": code}
    return state.link(**{**keep, **chain, "q": None})


# -- a dropdown whose choice is a URL --------------------------------------------------------

SELECT = "url-select"
SELECT_BASE = "url-select-base"


def url_select(name: str, label: str, options: Sequence[tuple[str, str]], value: str | None,
               base: str, key: str, placeholder: str) -> html.Label:
    """A dropdown that navigates: choosing writes `key` into the URL `base`
    (clearing removes it), so the choice is a state in the history."""
    return html.Label([
        html.Span(label, className="drill-switch-label"),
        nav(f"select-{name}"),
        dcc.Store(id={"type": SELECT_BASE, "name": f"select-{name}"}, data={"base": base, "key": key}),
        dcc.Dropdown(id={"type": SELECT, "name": f"select-{name}"}, value=value, clearable=True,
                     options=[{"label": text, "value": code} for code, text in options],
                     placeholder=placeholder, className="url-select"),
    ], className="drill-select", id=f"select-{name}")


@callback(Output({"type": NAV, "name": MATCH}, "href", allow_duplicate=True),
          Input({"type": SELECT, "name": MATCH}, "value"),
          State({"type": SELECT_BASE, "name": MATCH}, "data"), prevent_initial_call=True)
def follow_select(value: str | None, spec: dict | None):
    if not spec:
        return no_update
    path, _sep, search = spec["base"].partition("?")
    params = urlstate.parse(search)
    if (value or None) == params.get(spec["key"]):
        return no_update
    return urlstate.link(path, params, **{spec["key"]: value or None})


# -- a quota's detail ------------------------------------------------------------------------

def overspent(level: str | None, rule_name: str, excess_fen: int):
    """The notice above a quota paid beyond what is available under it (the
    rule engine's level, None: not overspent)."""
    if not level:
        return None
    return html.Div(dbc.Alert(
        [html.I(className="bi bi-x-octagon-fill me-2", **{"aria-hidden": "true"}),
         f"{levels.text(level)} "
         + _("{rule}：已支付超出可用指标 {amount}").format(rule=rule_name,
                                                          amount=fmt.money(excess_fen))],
        color="danger", className="drill-notice", id="quota-over"))


def facts(items: Sequence[tuple[str, str]]) -> html.Dl:
    """A record's particulars as label and value pairs."""
    return html.Dl([x for k, v in items for x in (html.Dt(k), html.Dd(v))], className="quota-facts")

"""当前预警: counts by level and rule, the filters, and every breach in a
grid served a page at a time; a row opens the drill state that shows it, its
问题 cell the open problem holding it. Staff and admin tick breaches and
立为问题 (found a problem from them, SPEC §3.3)."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Sequence

import dash_bootstrap_components as dbc
from dash import (Input, Output, State, callback, clientside_callback, dcc, html,
                  no_update)

from components import charts, drill, export, grid, levels, urlstate
from components import format as fmt
from components.problems import OVERDUE_MARK
from components.shell import answer, problem_href
from data import problems
from data.db import get_engine
from data.export_xlsx import MONEY, Column
from data.hierarchy import Names
from data.i18n import N_, _, ngettext
from data.query import region_options
from data.rules import RULES, Breach
from service import auth, exports, view
from service.cache import cached_call

AREAS = {"execution": N_("预算执行"), "revenue": N_("收入"), "payments": N_("支付"),
         "direct": N_("直达资金"), "debt": N_("政府债务"), "assets": N_("国有资产"),
         "data": N_("数据报送")}
BREACH_LEVELS = ("red", "orange", "yellow")
GRID = "warn-breaches"
# Not a drill list's id: a tick or a problem link must not open the row's drill state.
ROWS = {"type": "warn-rows", "name": GRID}
QUERY = "warn-breaches-query"
SELECTION_COLUMN = "ag-Grid-SelectionColumn"  # AG Grid's own column of row ticks
FILTER_KEYS = ("level", "rule", "area", "dept")
SORTS = {"level", "rule", "entity", "region", "first_seen"}


def selected(found: Sequence[Breach], params: dict[str, str]) -> list[Breach]:
    """The breaches under the filters of `params`: level, rule, area, department."""
    def keep(b: Breach) -> bool:
        return ((not params.get("level") or b.level == params["level"])
                and (not params.get("rule") or b.rule == params["rule"])
                and (not params.get("area") or RULES[b.rule].area == params["area"])
                and (not params.get("dept") or b.dept == params["dept"]))

    return [b for b in found if keep(b)]


def href(state_params: dict[str, str], b: Breach) -> str:
    """The drill state that shows the breach, at the same date."""
    path, params = RULES[b.rule].link(b)
    keep = {k: v for k, v in state_params.items() if k in ("year", "as_of", *urlstate.MODE_KEYS)}
    return urlstate.link(path, {**keep, **params})


def problem_cell(held: dict[tuple[str, str], int | None], overdue: set[int], b: Breach) -> str:
    """The open problem holding the breach as a link `#N` (markdown), `已立项`
    where the viewer may not open it, else empty; an overdue one says so."""
    key = (b.rule, b.entity_code)
    if key not in held:
        return ""
    pid = held[key]
    cell = _("已立项") if pid is None else f"[#{pid}]({problem_href(pid)})"
    return f"{cell} {_(OVERDUE_MARK)}" if pid in overdue else cell


def row(b: Breach, names: Names, state_params: dict[str, str],
        held: dict[tuple[str, str], int | None], overdue: set[int],
        settings: dict) -> dict[str, Any]:
    """`settings`: the thresholds in force (view.rule_settings())."""
    rule = RULES[b.rule]
    return {
        "href": href(state_params, b),
        "rule_id": b.rule, "code": b.entity_code, "mof_div": b.mof_div,
        "entity_name": b.name or b.entity_code,
        "problem": problem_cell(held, overdue, b),
        "level": levels.text(b.level), "lvl": b.level,
        "rule": _(rule.name_zh),
        "rule_tip": _("{id} {rule}：{criteria}").format(
            id=rule.id, rule=_(rule.name_zh),
            criteria=rule.formula(settings[rule.id].thresholds)),
        "entity": _("{name}（{code}）").format(name=b.name, code=b.entity_code)
        if b.name and b.name != b.entity_code else b.entity_code,
        "region": names.region.get(b.mof_div, b.mof_div or "—"),
        "value": fmt.measure(b.value, rule.value_unit),
        "threshold": fmt.measure(b.threshold, rule.value_unit),
        "message": view.breach_message(b),
        "first_seen": b.first_seen.isoformat() if b.first_seen else "—",
    }


COLUMNS = [
    {"field": "level", "headerName": N_("等级"), "width": 120, "pinned": "left",
     "cellClassRules": grid.class_rules("lvl")},
    {"field": "rule", "headerName": N_("规则"), "width": 210, "tooltipField": "rule_tip"},
    {"field": "entity", "headerName": N_("对象"), "width": 300, "tooltipField": "entity"},
    {"field": "region", "headerName": N_("区划"), "width": 150},
    {"field": "value", "headerName": N_("指标值"), "width": 170, "sortable": False,
     "cellClass": "num ag-right-aligned-cell", "type": "rightAligned"},
    {"field": "threshold", "headerName": N_("阈值"), "width": 150, "sortable": False,
     "cellClass": "num ag-right-aligned-cell", "type": "rightAligned"},
    {"field": "message", "headerName": N_("说明"), "flex": 1, "minWidth": 360, "sortable": False,
     "tooltipField": "message"},
    {"field": "first_seen", "headerName": N_("首次发现"), "width": 140},
    {"field": "problem", "headerName": N_("问题"), "width": 110, "sortable": False,
     "cellRenderer": "markdown", "pinned": "right"},
]


def _sort_key(kind: str, names: Names):
    order = {"red": 0, "orange": 1, "yellow": 2}
    rule_order = {rid: i for i, rid in enumerate(RULES)}
    return {
        "level": lambda b: (order[b.level], rule_order[b.rule], b.entity_code),
        "rule": lambda b: (rule_order[b.rule], order[b.level], b.entity_code),
        "entity": lambda b: (b.name or "", b.entity_code),
        "region": lambda b: (names.region.get(b.mof_div, ""), order[b.level]),
        "first_seen": lambda b: (b.first_seen or date.min, order[b.level]),
    }[kind]


@callback(Output(ROWS, "getRowsResponse"), Input(ROWS, "getRowsRequest"),
          State(QUERY, "data"), prevent_initial_call=True)
def breach_rows(request: dict | None, query: dict | None):
    """One page of the selected breaches, sorted as the grid asks, each with
    the problem holding it now (problems change without an import)."""
    viewer = auth.current_viewer()
    if not request or not query or viewer is None:
        return no_update
    names, held = view.names(), view.held_breaches(viewer)
    found = _selection(query, request.get("sortModel"), names)
    start, limit = grid.block_range(request)
    overdue, settings = view.overdue_problems(), view.rule_settings()
    return {"rowData": [row(b, names, query["params"], held, overdue, settings)
                        for b in found[start:start + limit]], "rowCount": len(found)}


def _selection(query: dict, sort_model: list | None, names: Names) -> list[Breach]:
    """The breaches of the grid's query, sorted as the grid asks."""
    found = selected(view.breaches_in(date.fromisoformat(query["as_of"]), query.get("mof_div")),
                     query["filters"])
    sort = next((s for s in sort_model or [] if s.get("colId") in SORTS), None)
    kind = sort["colId"] if sort else "level"
    found.sort(key=_sort_key(kind, names), reverse=bool(sort and sort["sort"] == "desc"))
    return found


# A rule's value in the sheet: a number in the unit people read (a ratio as a percentage).
SHEET_UNITS = {"yuan": (1, N_("元")), "ratio": (100, "%"), "pp": (1, N_("个百分点")),
               "days": (1, N_("天"))}


def sheet(found: Sequence[Breach], names: Names, held: dict[tuple[str, str], int | None]
          ) -> tuple[list[Column], list[list[Any]]]:
    """Every breach as a spreadsheet row: figures as numbers with their unit
    beside them, the first-seen date as a date, the problem holding it as its
    number (已立项 where the viewer may not open it)."""
    columns = [Column(_("等级"), 8), Column(_("规则编号"), 18), Column(_("规则"), 28),
               Column(_("对象编码"), 18), Column(_("对象"), 32), Column(_("区划"), 14),
               Column(_("指标值"), 16, MONEY), Column(_("阈值"), 16, MONEY),
               Column(_("单位"), 10), Column(_("说明"), 60), Column(_("首次发现"), 12),
               Column(_("问题编号"), 10)]
    rows = []
    for b in found:
        rule = RULES[b.rule]
        scale, unit = SHEET_UNITS.get(rule.value_unit, (None, ""))

        def number(v):
            return float(v) * scale if scale is not None and v is not None else v

        rows.append([levels.LEVELS[b.level].label, b.rule, _(rule.name_zh), b.entity_code,
                     b.name or b.entity_code, names.region.get(b.mof_div, b.mof_div or ""),
                     number(b.value), number(b.threshold), _(unit) if unit else "",
                     view.breach_message(b),
                     b.first_seen, _problem_number(held, b)])
    return columns, rows


def _problem_number(held: dict[tuple[str, str], int | None], b: Breach) -> int | str | None:
    key = (b.rule, b.entity_code)
    if key not in held:
        return None
    return _("已立项") if held[key] is None else held[key]


@callback(Output({"type": export.BREACHES_FILE, "name": GRID}, "data"),
          Output(export.message_id(export.BREACHES, GRID), "children"),
          Input({"type": export.BREACHES, "name": GRID}, "n_clicks"),
          State(QUERY, "data"), State(ROWS, "getRowsRequest"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def breaches_file(clicks, query, request, pathname, search):
    """Every breach under the page's filters, sorted as the grid shows them."""
    if not clicks or not query:
        return no_update, no_update
    try:
        viewer = auth.require("read")
    except auth.Refused as err:
        return no_update, err.message
    names = view.names()
    found = _selection(query, (request or {}).get("sortModel"), names)
    columns, rows = sheet(found, names, view.held_breaches(viewer))
    as_of, state = date.fromisoformat(query["as_of"]), f"{pathname or '/'}{search or ''}"
    title = _("当前预警")
    book = exports.table_xlsx(title, state, as_of, columns, rows)
    name = exports.file_name(title, as_of, "xlsx")
    auth.audit("export", f"breaches xlsx rows={len(rows)} {name} {state}")
    return dcc.send_bytes(book, name, type=exports.XLSX), None


@callback(Output({"type": drill.NAV, "name": GRID}, "href", allow_duplicate=True),
          Input(ROWS, "cellClicked"), prevent_initial_call=True)
def follow_row(cell: dict | None):
    """A click on a row opens its drill state, except on its tick or its
    problem link (which is a link of its own)."""
    cell = cell or {}
    if cell.get("colId") in (SELECTION_COLUMN, "problem"):
        return no_update
    return drill.follow_row(cell)


def _level_tiles(state: drill.PageState, found: Sequence[Breach]) -> html.Div:
    counts = Counter(b.level for b in found)
    current = state.get("level")
    tiles = []
    for key in BREACH_LEVELS:
        lv, n = levels.level(key), counts.get(key, 0)
        active = current == key
        tiles.append(dcc.Link([
            html.Div([levels.badge(key)], className="kpi-head"),
            html.Div([html.Span(str(n), className="kpi-figure-value"),
                      html.Span(_("项"), className="kpi-unit")],
                     className="kpi-figure"),
            html.Div(_("当前筛选，点击取消") if active
                     else _("只看{level}").format(level=lv.label), className="kpi-sub"),
        ], href=state.link(level=None if active else key),
            className=f"kpi warn-level warn-{key}" + (" active" if active else ""),
            id=f"warn-count-{key}"))
    return html.Div(tiles, className="kpi-grid warn-levels")


def _by_rule_chart(state: drill.PageState, found: Sequence[Breach]):
    per = Counter((b.rule, b.level) for b in found)
    rules = [rid for rid in RULES if any(per[(rid, lv)] for lv in BREACH_LEVELS)]
    rules.sort(key=lambda rid: -sum(per[(rid, lv)] for lv in BREACH_LEVELS))
    fig = charts.level_counts(
        [_(RULES[r].name_zh) for r in rules],
        {lv: [per[(r, lv)] for r in rules] for lv in BREACH_LEVELS},
        title=_("各规则当前预警数"), subtitle=_("按等级分段：严重、预警、关注；点击条形只看这条规则"),
        note=fmt.as_of_note(state.filters.as_of, _("预警规则评估结果")),
        hrefs=[state.link(rule=r) for r in rules], dark=state.dark)
    return drill.chart("warn-by-rule", fig, _("各规则预警数"))


def _filters(state: drill.PageState, names: Names) -> html.Div:
    p = state.params
    area = drill.switch(_("领域"), [(_("全部"), state.link(area=None), not p.get("area"))]
                        + [(_(text), state.link(area=key), p.get("area") == key)
                           for key, text in AREAS.items()], "warn-area")
    rule = drill.url_select("warn-rule", _("规则"),
                            [(rid, _("{name}（{code}）").format(name=_(r.name_zh), code=rid))
                             for rid, r in RULES.items()],
                            p.get("rule"), state.link(rule=None), "rule", _("全部规则"))
    depts = sorted(set(names.dept_of.values()))
    dept = drill.url_select("warn-dept", _("部门"), [(d, names.agency.get(d, d)) for d in depts],
                            p.get("dept"), state.link(dept=None), "dept", _("全部部门"))
    clear = dcc.Link(_("清除筛选"), href=state.link(**{k: None for k in FILTER_KEYS}),
                     className="warn-clear") if any(p.get(k) for k in FILTER_KEYS) else None
    return html.Div([area, html.Div([rule, dept, clear], className="warn-selects")],
                    className="warn-filters no-print")


def section(state: drill.PageState) -> tuple[list, list[str]]:
    names = view.names()
    in_region = view.breaches_in(state.filters.as_of, state.filters.mof_div)
    filters = {k: state.params[k] for k in FILTER_KEYS if k in state.params}
    found = selected(in_region, filters)
    notes = []
    if state.get("rule") and state.get("rule") not in RULES:
        notes.append(_("链接中的规则“{rule}”不存在。").format(rule=state.get("rule")))
    if not view.evaluated(state.filters.as_of):
        notes.append(_("该日期没有保存的评估结果，以下为按当前阈值即时计算的结果。"))
    query = {"as_of": state.filters.as_of.isoformat(), "mof_div": state.filters.mof_div,
             "filters": filters, "params": state.params, "path": state.path}
    n = len(found)
    hint = (ngettext("共 {n} 项预警。点击一行，打开显示该对象的页面。",
                     "共 {n} 项预警。点击一行，打开显示该对象的页面。", n).format(n=n) if found
            else _("所选范围内没有预警。"))
    return [
        _level_tiles(state, selected(in_region, {k: v for k, v in filters.items() if k != "level"})),
        _filters(state, names),
        _by_rule_chart(state, found),
        html.H3(ngettext("预警明细（{n} 项）", "预警明细（{n} 项）", n).format(n=n),
                className="section-title"),
        html.P(hint, className="drill-hint", id="warn-hint"),
        dcc.Store(id=QUERY, data=query),
        _raise_tools(),
        export.table_menu(export.BREACHES, GRID),
        html.Div([drill.nav(GRID),
                  grid.paged_grid(ROWS, grid.headed(COLUMNS), dark=state.dark,
                                  className="drill-grid", row_id="href")], id="warn-grid"),
    ], notes


# -- 立为问题: a problem found from the ticked breaches (staff, admin) -----------------------

# Ticks on every row, no tick-all: the grid holds one page of rows at a time.
ROW_SELECTION = {"mode": "multiRow", "checkboxes": True, "headerCheckbox": False,
                 "enableClickSelection": False}


def _raise_tools() -> html.Div:
    """Hidden as rendered (the render is shared by every viewer of a masking);
    `raise_controls` shows it to a viewer who may handle problems."""
    regions = [{"label": "\u3000" * depth + name, "value": code}  # i18n: data
               for code, name, depth in cached_call(region_options)]
    return html.Div([
        html.Div([
            dbc.Button([html.I(className="bi bi-flag-fill me-2", **{"aria-hidden": "true"}),
                        _("立为问题")], id="warn-raise", color="primary",
                       className="touch-button"),
            html.Span(_("勾选一项或多项预警，立为一个问题，进入问题闭环跟踪整改。"),
                      className="drill-hint"),
        ], className="warn-raise-bar"),
        html.Div(id="warn-raise-result", role="status", **{"aria-live": "polite"}),
        dcc.Store(id="warn-raise-done"),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(_("立为问题"))),
            dbc.ModalBody([
                html.P(id="warn-raise-count", className="drill-hint"),
                dbc.Label(_("标题"), html_for="warn-raise-title"),
                dbc.Input(id="warn-raise-title", maxLength=problems.TITLE_MAX, className="mb-3"),
                dbc.Label(_("说明（可选）"), html_for="warn-raise-text"),
                dbc.Textarea(id="warn-raise-text", rows=4, className="mb-3"),
                dbc.Label(_("区划"), html_for="warn-raise-region"),
                dcc.Dropdown(id="warn-raise-region", options=regions, placeholder=_("不指定区划"),
                             clearable=True, optionHeight=40),
                html.Div(id="warn-raise-error", role="alert", className="mt-3"),
            ]),
            dbc.ModalFooter([
                dbc.Button(_("取消"), id="warn-raise-cancel", color="secondary",
                           className="touch-button"),
                dbc.Button(_("立为问题"), id="warn-raise-submit", color="primary",
                           className="touch-button"),
            ]),
        ], id="warn-raise-modal", is_open=False, size="lg"),
    ], id="warn-raise-tools", hidden=True, className="warn-raise no-print")


@callback(Output("warn-raise-tools", "hidden"), Output(ROWS, "dashGridOptions"),
          Input(QUERY, "data"), State(ROWS, "dashGridOptions"))
def raise_controls(_query, options):
    """Ticks and the 立为问题 button for a viewer who may handle problems."""
    viewer = auth.current_viewer()
    if viewer is None or not viewer.can("handle_problems"):
        return True, no_update
    return False, {**(options or {}), "rowSelection": ROW_SELECTION}


@callback(Output("warn-raise-modal", "is_open"), Output("warn-raise-title", "value"),
          Output("warn-raise-text", "value"), Output("warn-raise-region", "value"),
          Output("warn-raise-count", "children"), Output("warn-raise-error", "children"),
          Output("warn-raise-result", "children", allow_duplicate=True),
          Input("warn-raise", "n_clicks"), State(ROWS, "selectedRows"), State(QUERY, "data"),
          prevent_initial_call=True)
def open_raise(_clicks, selected, query):
    """The form, its title from the first ticked breach, its region theirs
    when they share one (else the page's region filter)."""
    if not selected:
        return (False, *(no_update,) * 5,
                answer(_("请先勾选要立为问题的预警。 / Tick the breaches first."),
                       kind="warning"))
    first = selected[0]
    regions = {r.get("mof_div") for r in selected}
    region = regions.pop() if len(regions) == 1 else (query or {}).get("mof_div")
    title = _("{rule}：{name}").format(rule=first.get("rule"), name=first.get("entity_name"))
    n = len(selected)
    return (True, title, "", region,
            ngettext("已勾选 {n} 项预警。", "已勾选 {n} 项预警。", n).format(n=n), None, None)


@callback(Output("warn-raise-modal", "is_open", allow_duplicate=True),
          Input("warn-raise-cancel", "n_clicks"), prevent_initial_call=True)
def cancel_raise(_clicks):
    return False


@callback(Output("warn-raise-error", "children", allow_duplicate=True),
          Output("warn-raise-modal", "is_open", allow_duplicate=True),
          Output("warn-raise-result", "children", allow_duplicate=True),
          Output(ROWS, "selectedRows"), Output("warn-raise-done", "data"),
          Input("warn-raise-submit", "n_clicks"),
          State("warn-raise-title", "value"), State("warn-raise-text", "value"),
          State("warn-raise-region", "value"), State(ROWS, "selectedRows"),
          State(QUERY, "data"), prevent_initial_call=True)
def create_problem(_clicks, title, text, region, selected, query):
    """A problem (待核实) found from the ticked breaches; checked again here:
    staff and admin only, each breach of the latest stored evaluation."""
    warnings = [{"rule": r.get("rule_id"), "entity_code": r.get("code")} for r in selected or []]
    query = query or {}
    source = urlstate.link(query.get("path") or "/warnings", query.get("params") or {})
    try:
        viewer = auth.require("handle_problems")
        if not warnings:
            raise problems.ProblemError(400, "warnings: 请先勾选要立为问题的预警 / tick the "
                                             "breaches first", "warnings")
        pid = problems.create(get_engine(), viewer, title, text, region or None, warnings,
                              source)
    except auth.Refused as err:
        return answer(err.message), no_update, no_update, no_update, no_update
    except problems.ProblemError as err:
        return answer(view.problem_refusal(err)), no_update, no_update, no_update, no_update
    n = len(warnings)
    done = answer([ngettext("已立为问题 #{pid}（{n} 项预警）。 ", "已立为问题 #{pid}（{n} 项预警）。 ",
                            n).format(pid=pid, n=n),
                   dcc.Link(_("查看问题 #{pid} ›").format(pid=pid), href=problem_href(pid),
                            id="warn-raise-link")],
                  ok=True)
    return None, False, done, [], pid


# The problem column shows the new problem at once: the grid asks for its rows again.
clientside_callback(
    """
    function (pid, gridId) {
        const api = pid && window.dash_ag_grid && window.dash_ag_grid.getApi(gridId);
        if (api) { api.refreshInfiniteCache(); }
    }
    """,
    Input("warn-raise-done", "data"), State(ROWS, "id"), prevent_initial_call=True,
)

"""当前预警: counts by level and rule, the filters, and every breach in a
grid served a page at a time; a row opens the drill state that shows it."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Sequence

from dash import Input, Output, State, callback, dcc, html, no_update

from components import charts, drill, grid, levels, urlstate
from components import format as fmt
from data.hierarchy import Names
from data.rules import RULES, Breach
from service import view

AREAS = {"execution": "预算执行", "revenue": "收入", "payments": "支付", "direct": "直达资金",
         "debt": "政府债务", "assets": "国有资产", "data": "数据报送"}
BREACH_LEVELS = ("red", "orange", "yellow")
GRID = "warn-breaches"
QUERY = "warn-breaches-query"
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
    keep = {k: v for k, v in state_params.items() if k in ("year", "as_of", "kiosk", "lang")}
    return urlstate.link(path, {**keep, **params})


def row(b: Breach, names: Names, state_params: dict[str, str]) -> dict[str, Any]:
    rule = RULES[b.rule]
    return {
        "href": href(state_params, b),
        "level": levels.text(b.level), "lvl": b.level,
        "rule": rule.name_zh,
        "rule_tip": f"{rule.id} {rule.name_zh}：{rule.formula(view.rule_settings()[rule.id].thresholds)}",
        "entity": f"{b.name}（{b.entity_code}）" if b.name and b.name != b.entity_code
        else b.entity_code,
        "region": names.region.get(b.mof_div, b.mof_div or "—"),
        "value": fmt.measure(b.value, rule.value_unit),
        "threshold": fmt.measure(b.threshold, rule.value_unit),
        "message": b.message,
        "first_seen": b.first_seen.isoformat() if b.first_seen else "—",
    }


COLUMNS = [
    {"field": "level", "headerName": "等级", "width": 120, "pinned": "left",
     "cellClassRules": grid.class_rules("lvl")},
    {"field": "rule", "headerName": "规则", "width": 210, "tooltipField": "rule_tip"},
    {"field": "entity", "headerName": "对象", "width": 300, "tooltipField": "entity"},
    {"field": "region", "headerName": "区划", "width": 150},
    {"field": "value", "headerName": "指标值", "width": 170, "sortable": False,
     "cellClass": "num ag-right-aligned-cell", "type": "rightAligned"},
    {"field": "threshold", "headerName": "阈值", "width": 150, "sortable": False,
     "cellClass": "num ag-right-aligned-cell", "type": "rightAligned"},
    {"field": "message", "headerName": "说明", "flex": 1, "minWidth": 360, "sortable": False,
     "tooltipField": "message"},
    {"field": "first_seen", "headerName": "首次发现", "width": 140},
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


@callback(Output(drill.rows_id(GRID), "getRowsResponse"),
          Input(drill.rows_id(GRID), "getRowsRequest"),
          State(QUERY, "data"), prevent_initial_call=True)
def breach_rows(request: dict | None, query: dict | None):
    """One page of the selected breaches, sorted as the grid asks."""
    if not request or not query:
        return no_update
    names = view.names()
    found = selected(view.breaches_in(date.fromisoformat(query["as_of"]), query.get("mof_div")),
                     query["filters"])
    sort = next((s for s in request.get("sortModel") or [] if s.get("colId") in SORTS), None)
    kind = sort["colId"] if sort else "level"
    found.sort(key=_sort_key(kind, names), reverse=bool(sort and sort["sort"] == "desc"))
    start, limit = grid.block_range(request)
    return {"rowData": [row(b, names, query["params"])
                        for b in found[start:start + limit]], "rowCount": len(found)}


def _level_tiles(state: drill.PageState, found: Sequence[Breach]) -> html.Div:
    counts = Counter(b.level for b in found)
    current = state.get("level")
    tiles = []
    for key in BREACH_LEVELS:
        lv = levels.level(key)
        active = current == key
        tiles.append(dcc.Link([
            html.Div([levels.badge(key)], className="kpi-head"),
            html.Div([html.Span(str(counts.get(key, 0)), className="kpi-figure-value"),
                      html.Span("项", className="kpi-unit")], className="kpi-figure"),
            html.Div("当前筛选，点击取消" if active else f"只看{lv.label}", className="kpi-sub"),
        ], href=state.link(level=None if active else key),
            className=f"kpi warn-level warn-{key}" + (" active" if active else ""),
            id=f"warn-count-{key}"))
    return html.Div(tiles, className="kpi-grid warn-levels")


def _by_rule_chart(state: drill.PageState, found: Sequence[Breach]):
    per = Counter((b.rule, b.level) for b in found)
    rules = [rid for rid in RULES if any(per[(rid, lv)] for lv in BREACH_LEVELS)]
    rules.sort(key=lambda rid: -sum(per[(rid, lv)] for lv in BREACH_LEVELS))
    fig = charts.level_counts(
        [RULES[r].name_zh for r in rules],
        {lv: [per[(r, lv)] for r in rules] for lv in BREACH_LEVELS},
        title="各规则当前预警数", subtitle="按等级分段：严重、预警、关注；点击条形只看这条规则",
        note=fmt.as_of_note(state.filters.as_of, "预警规则评估结果"),
        hrefs=[state.link(rule=r) for r in rules], dark=state.dark)
    return drill.chart("warn-by-rule", fig, "各规则预警数")


def _filters(state: drill.PageState, names: Names) -> html.Div:
    p = state.params
    area = drill.switch("领域", [("全部", state.link(area=None), not p.get("area"))]
                        + [(text, state.link(area=key), p.get("area") == key)
                           for key, text in AREAS.items()], "warn-area")
    rule = drill.url_select("warn-rule", "规则", [(rid, f"{r.name_zh}（{rid}）")
                                                for rid, r in RULES.items()],
                            p.get("rule"), state.link(rule=None), "rule", "全部规则")
    depts = sorted(set(names.dept_of.values()))
    dept = drill.url_select("warn-dept", "部门", [(d, names.agency.get(d, d)) for d in depts],
                            p.get("dept"), state.link(dept=None), "dept", "全部部门")
    clear = dcc.Link("清除筛选", href=state.link(**{k: None for k in FILTER_KEYS}),
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
        notes.append(f"链接中的规则“{state.get('rule')}”不存在。")
    if not view.evaluated(state.filters.as_of):
        notes.append("该日期没有保存的评估结果，以下为按当前阈值即时计算的结果。")
    query = {"as_of": state.filters.as_of.isoformat(), "mof_div": state.filters.mof_div,
             "filters": filters, "params": state.params}
    hint = (f"共 {len(found)} 项预警。点击一行，打开显示该对象的页面。" if found
            else "所选范围内没有预警。")
    return [
        _level_tiles(state, selected(in_region, {k: v for k, v in filters.items() if k != "level"})),
        _filters(state, names),
        _by_rule_chart(state, found),
        html.H3(f"预警明细（{len(found)} 项）", className="section-title"),
        html.P(hint, className="drill-hint", id="warn-hint"),
        dcc.Store(id=QUERY, data=query),
        html.Div([drill.nav(GRID),
                  grid.paged_grid(drill.rows_id(GRID), COLUMNS, dark=state.dark,
                                  className="drill-grid", row_id="href")], id="warn-grid"),
    ], notes

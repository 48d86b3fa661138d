"""问题清单: the problems under the status, overdue, unit and rule filters
(all in the URL) and the global region filter, newest first; a row opens
the problem. Overdue ones say so in words and with a mark."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Sequence

from dash import dcc, html

from components import drill, grid
from components import problems as ui
from data.hierarchy import Names
from data.problems import STATUS_ZH
from data.query import problems as q
from pages._problems.common import problem_href, region_label, unit_label
from pages._problems.stats import MANUAL, rule_label

FILTER_KEYS = ("status", "overdue", "unit", "rule")


def selected(rows: Sequence[q.ProblemRow], params: dict[str, str]) -> list[q.ProblemRow]:
    """The rows under the list's filters."""
    def keep(r: q.ProblemRow) -> bool:
        return ((not params.get("status") or r.status == params["status"])
                and (params.get("overdue") != "1" or r.overdue)
                and (not params.get("unit") or r.unit == params["unit"])
                and (not params.get("rule")
                     or (not r.rules if params["rule"] == MANUAL else params["rule"] in r.rules)))

    return [r for r in rows if keep(r)]


def _source(r: q.ProblemRow) -> str:
    if not r.rules:
        return "人工登记"
    return "预警：" + "、".join(rule_label(x) for x in r.rules)


def _filters(state: drill.PageState, names: Names) -> html.Div:
    p = state.params
    status = drill.switch("状态", [("全部", state.link(status=None), not p.get("status"))]
                          + [(zh, state.link(status=key), p.get("status") == key)
                             for key, zh in STATUS_ZH.items()], "prob-status")
    overdue = drill.switch("期限", [("全部", state.link(overdue=None), p.get("overdue") != "1"),
                                    (f"只看逾期（{ui.OVERDUE_MARK}）", state.link(overdue="1"),
                                     p.get("overdue") == "1")], "prob-overdue")
    chips = []
    if p.get("unit"):
        chips.append(dcc.Link(f"责任单位：{unit_label(names, p['unit'])} ✕",
                              href=state.link(unit=None), className="prob-chip",
                              id="prob-chip-unit"))
    if p.get("rule"):
        chips.append(dcc.Link(f"来源：{rule_label('' if p['rule'] == MANUAL else p['rule'])} ✕",
                              href=state.link(rule=None), className="prob-chip",
                              id="prob-chip-rule"))
    return html.Div([status, overdue, *chips], className="prob-filters no-print")


def section(state: drill.PageState, rows: Sequence[q.ProblemRow], names: Names,
            today: date) -> tuple[list, list[str]]:
    notes = []
    if state.get("status") and state.get("status") not in STATUS_ZH:
        notes.append(f"链接中的状态“{state.get('status')}”不存在，已显示全部状态。")
        state = replace(state, params={k: v for k, v in state.params.items() if k != "status"})
    found = selected(rows, state.params)
    listed = [ui.list_row(pid=r.id, title=r.title, status=r.status,
                          region=region_label(names, r.mof_div),
                          unit=unit_label(names, r.unit), deadline=r.deadline, overdue=r.overdue,
                          created=r.created_at.date(), source=_source(r),
                          href=problem_href(state.params, r.id), today=today) for r in found]
    overdue = sum(1 for r in found if r.overdue)
    hint = (f"共 {len(found)} 个问题" + (f"，其中 {overdue} 个逾期（{ui.OVERDUE_MARK}）" if overdue else "")
            + "。点击一行查看详情、处理和材料。") if found else "所选范围内没有问题。"
    return [
        _filters(state, names),
        html.H3(f"问题清单（{len(found)} 个）", className="section-title"),
        html.P(hint, className="drill-hint", id="prob-hint"),
        grid.drill_list("prob-list", ui.LIST_COLUMNS, listed, dark=state.dark),
    ], notes

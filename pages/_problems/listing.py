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
from data.i18n import _, ngettext
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
        return _("人工登记")
    return _("预警：{rules}").format(rules=_("、").join(rule_label(x) for x in r.rules))


def _filters(state: drill.PageState, names: Names) -> html.Div:
    p = state.params
    status = drill.switch(_("状态"), [(_("全部"), state.link(status=None), not p.get("status"))]
                          + [(_(zh), state.link(status=key), p.get("status") == key)
                             for key, zh in STATUS_ZH.items()], "prob-status")
    overdue = drill.switch(_("期限"), [
        (_("全部"), state.link(overdue=None), p.get("overdue") != "1"),
        (_("只看逾期（{mark}）").format(mark=_(ui.OVERDUE_MARK)), state.link(overdue="1"),
         p.get("overdue") == "1")], "prob-overdue")
    chips = []
    if p.get("unit"):
        chips.append(dcc.Link(_("责任单位：{unit} ✕").format(unit=unit_label(names, p["unit"])),
                              href=state.link(unit=None), className="prob-chip",
                              id="prob-chip-unit"))
    if p.get("rule"):
        source = rule_label("" if p["rule"] == MANUAL else p["rule"])
        chips.append(dcc.Link(_("来源：{source} ✕").format(source=source),
                              href=state.link(rule=None), className="prob-chip",
                              id="prob-chip-rule"))
    return html.Div([status, overdue, *chips], className="prob-filters no-print")


def section(state: drill.PageState, rows: Sequence[q.ProblemRow], names: Names,
            today: date) -> tuple[list, list[str]]:
    notes = []
    if state.get("status") and state.get("status") not in STATUS_ZH:
        notes.append(_("链接中的状态“{status}”不存在，已显示全部状态。").format(
            status=state.get("status")))
        state = replace(state, params={k: v for k, v in state.params.items() if k != "status"})
    found = selected(rows, state.params)
    listed = [ui.list_row(pid=r.id, title=r.title, status=r.status,
                          region=region_label(names, r.mof_div),
                          unit=unit_label(names, r.unit), deadline=r.deadline, overdue=r.overdue,
                          created=r.created_at.date(), source=_source(r),
                          href=problem_href(state.params, r.id), today=today) for r in found]
    n, overdue = len(found), sum(1 for r in found if r.overdue)
    mark = _(ui.OVERDUE_MARK)
    if not found:
        hint = _("所选范围内没有问题。")
    elif overdue:
        hint = ngettext("共 {n} 个问题，其中 {overdue} 个逾期（{mark}）。点击一行查看详情、处理和材料。",
                        "共 {n} 个问题，其中 {overdue} 个逾期（{mark}）。点击一行查看详情、处理和材料。",
                        n).format(n=n, overdue=overdue, mark=mark)
    else:
        hint = ngettext("共 {n} 个问题。点击一行查看详情、处理和材料。",
                        "共 {n} 个问题。点击一行查看详情、处理和材料。", n).format(n=n)
    return [
        _filters(state, names),
        html.H3(ngettext("问题清单（{n} 个）", "问题清单（{n} 个）", n).format(n=n),
                className="section-title"),
        html.P(hint, className="drill-hint", id="prob-hint"),
        grid.drill_list("prob-list", ui.list_columns(), listed, dark=state.dark),
    ], notes

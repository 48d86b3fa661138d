"""财政收支: the four budgets side by side, revenue by class (tax by tax type,
non-tax) against budget and last year, expenditure by function 类 → 款 → 项 →
department → agency → project → payments, the monthly trend against the same
month of last year, and a per-capita switch. Every state is the URL: `tab`,
`rev`, `func`, `dept`, `agency`, `project`, `percap`, `q` and the global filters."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from components import charts, drill, grid
from components import format as fmt
from components.breadcrumb import breadcrumb
from data.hierarchy import Names, chain, has_children
from data.i18n import N_, _
from data.measures import ratio
from data.query import (
    budgets,
    execution,
    execution_total,
    monthly,
    population,
    revenue_by_class,
    scope_tp,
)
from pages._shared import scaffold
from service import view
from service.cache import cached_call

PATH = "/revenue-expenditure"
dash.register_page(__name__, path=PATH, name=N_("财政收支"),
                   title=scaffold.browser_title(N_("财政收支")), order=1, icon="bi-cash-coin",
                   description=scaffold.in_language(N_("四本预算、收入分类、支出按功能科目下钻到每一笔支付")))

TABS = [("budgets", N_("四本预算")), ("revenue", N_("收入")), ("expenditure", N_("支出"))]
EXP_KEYS = ("func", "dept", "agency", "project")
TOP_N = 20
SRC_EXP = N_("预算指标、国库集中支付")
SRC_REV = N_("收入征收、收入预算")


def per_capita(state: drill.PageState) -> tuple[int | None, str | None]:
    """(population, notice): the population when the per-capita view is on."""
    if state.get("percap") != "1":
        return None, None
    pop = cached_call(population, state.filters.mof_div)
    if not pop:
        return None, _("所选区划没有常住人口数据，无法按人均显示，已显示总额。")
    return pop, None


def percap_switch(state: drill.PageState, pop_known: bool) -> html.Div:
    on = state.get("percap") == "1"
    options = [(_("总额"), state.link(percap=None), not on)]
    options.append((_("人均（元/人）"), state.link(percap="1"), on))
    out = drill.switch(_("金额口径"), options, "percap")
    if not pop_known:
        out.title = _("所选区划没有常住人口数据")
    return out


def money_subtitle(unit_note: str, pop: int | None) -> str:
    if pop:
        return _("{unit_note}；人均 = 金额 ÷ 常住人口 {pop} 人").format(unit_note=unit_note,
                                                                  pop=f"{pop:,}")
    return unit_note


# -- 四本预算 -------------------------------------------------------------------------------

def budgets_tab(state: drill.PageState, pop: int | None) -> list:
    rows = cached_call(budgets, state.scope)
    names = [_(r.name) for r in rows]
    rev_hrefs = [state.link(tab="revenue", fund_type=r.fund_type, rev=None) for r in rows]
    exp_hrefs = [state.link(tab="expenditure", fund_type=r.fund_type, **{k: None for k in EXP_KEYS})
                 for r in rows]
    rev_fig = charts.budget_vs_actual(
        names, [(_("收入预算"), [r.revenue_budget for r in rows], charts.BUDGET_COLOR),
                (_("已收入"), [r.revenue for r in rows], charts.ACTUAL_COLOR)],
        title=_("四本预算收入：预算与完成"), note=fmt.as_of_note(state.filters.as_of, _(SRC_REV)),
        hrefs=rev_hrefs, population=pop, horizontal=False, dark=state.dark,
        subtitle=money_subtitle(_("括号内为完成预算的比例；收入预算含调整"), pop))
    exp_fig = charts.budget_vs_actual(
        names, [(_("支出指标"), [r.exp_budget for r in rows], charts.BUDGET_COLOR),
                (_("已支出"), [r.paid for r in rows], charts.ACTUAL_COLOR)],
        title=_("四本预算支出：指标与支付"), note=fmt.as_of_note(state.filters.as_of, _(SRC_EXP)),
        hrefs=exp_hrefs, population=pop, horizontal=False, dark=state.dark,
        subtitle=money_subtitle(_("括号内为执行率（已支出 ÷ 已下达指标）"), pop))
    table = [{"name": name, "rev_budget": grid.wan(r.revenue_budget), "rev": grid.wan(r.revenue),
              "rev_rate": ratio(r.revenue, r.revenue_budget), "exp_budget": grid.wan(r.exp_budget),
              "paid": grid.wan(r.paid), "exp_rate": ratio(r.paid, r.exp_budget), "href": h}
             for r, name, h in zip(rows, names, exp_hrefs)]
    return [
        html.P(_("点击收入的柱子查看该预算的收入分类，点击支出的柱子查看其支出下钻。"),
               className="drill-hint"),
        dbc.Row([dbc.Col(drill.chart("re-budgets-rev", rev_fig, _("四本预算收入")), xl=6, lg=12),
                 dbc.Col(drill.chart("re-budgets-exp", exp_fig, _("四本预算支出")), xl=6, lg=12)],
                className="g-4"),
        grid.drill_list("re-budgets-rows", [
            {"field": "name", "headerName": _("预算"), "minWidth": 180},
            grid.money_col("rev_budget", _("收入预算")), grid.money_col("rev", _("已收入")),
            grid.rate_col("rev_rate", _("收入完成率")), grid.money_col("exp_budget", _("支出指标")),
            grid.money_col("paid", _("已支出")), grid.rate_col("exp_rate", _("支出执行率"))],
            table, dark=state.dark),
        trend(state, state.scope, _("全部支出"), pop),
    ]


# -- 收入 ---------------------------------------------------------------------------------

def revenue_tab(state: drill.PageState, pop: int | None) -> list:
    names = view.names()
    rev, notes = state.get("rev"), []
    if rev and rev not in names.revenue:
        notes.append(_("链接中的收入科目“{code}”不存在，已显示收入各类。").format(code=rev))
        rev = None
    rows = cached_call(revenue_by_class, state.scope, parent=rev)
    rows = sorted(rows, key=lambda r: -r.collected)
    hrefs = [state.link(rev=r.code) if r.code != rev and has_children(names.revenue_parent,
                                                                            r.code) else None
             for r in rows]
    steps = [("rev", c, f"{c} {names.revenue.get(c, c)}")
             for c in (chain(names.revenue_parent, rev) if rev else [])]
    label = names.revenue.get(rev, rev) if rev else _("全部收入")
    note = fmt.as_of_note(state.filters.as_of, _(SRC_REV))
    shown = rows[:TOP_N]
    bars = charts.budget_vs_actual(
        [r.name for r in shown],
        [(_("预算"), [r.budget for r in shown], charts.BUDGET_COLOR),
         (_("已收入"), [r.collected for r in shown], charts.ACTUAL_COLOR),
         (_("上年同期"), [r.last_year for r in shown], charts.LAST_YEAR_COLOR)],
        title=_("{label}：按收入科目的预算、完成与上年同期").format(label=label), note=note,
        hrefs=hrefs[:TOP_N], population=pop, dark=state.dark,
        subtitle=money_subtitle(_("括号内为完成预算的比例；上年同期为上年同月累计"), pop))
    donut = charts.share_donut([r.name for r in rows], [r.collected for r in rows],
                               title=_("{label}：收入构成").format(label=label), note=note,
                               hrefs=hrefs, dark=state.dark)
    table = [{"name": f"{r.code} {r.name}", "budget": grid.wan(r.budget),
              "collected": grid.wan(r.collected), "rate": r.rate,
              "last": grid.wan(r.last_year),
              "growth": ratio(r.collected - r.last_year, r.last_year) if r.last_year else None,
              "href": h} for r, h in zip(rows, hrefs)]
    return [
        *drill.notices(state, notes),
        breadcrumb(drill.crumbs_for(state, _("全部收入"), steps), id="re-breadcrumb"),
        html.P(_("点击条形或一行查看下一级科目（如税收收入 → 各税种）。"), className="drill-hint"),
        dbc.Row([dbc.Col(drill.chart("re-revenue", bars, _("收入-{label}").format(label=label)),
                         xl=8, lg=12),
                 dbc.Col(drill.chart("re-revenue-share", donut,
                                     _("收入构成-{label}").format(label=label)), xl=4, lg=12)],
                className="g-4"),
        grid.drill_list("re-revenue-rows", [
            {"field": "name", "headerName": _("收入科目"), "minWidth": 240},
            grid.money_col("budget", _("预算")), grid.money_col("collected", _("已收入")),
            grid.rate_col("rate", _("完成率")), grid.money_col("last", _("上年同期")),
            grid.rate_col("growth", _("同比增长"))], table, dark=state.dark),
    ]


# -- 支出 ---------------------------------------------------------------------------------

def exp_level(func: str | None, dept: str | None, agency: str | None, project: str | None,
              names: Names) -> str:
    """What the chart at this state lists."""
    if project:
        return "payments"
    if agency:
        return "project"
    if dept:
        return "agency"
    if func is None:
        return "func_class"
    if has_children(names.func_parent, func):
        return "func"
    return "dept"


WHAT = {"func_class": N_("功能分类（类）"), "func": N_("下级功能科目"), "dept": N_("部门"),
        "agency": N_("单位"), "project": N_("项目")}


def expenditure_tab(state: drill.PageState, pop: int | None, tp: float) -> list:
    names = view.names()
    func, notes = state.get("func"), []
    if func and func not in names.func:
        notes.append(_("链接中的功能科目“{code}”不存在，已显示功能分类各类。").format(code=func))
        func = None
    dept, agency, project, more = drill.resolve_units(view.names(), state.get("dept"), state.get("agency"),
                                                      state.get("project"))
    notes += more
    scope = state.scope.replace(func=func, dept=dept, agency=agency, project=project)
    level = exp_level(func, dept, agency, project, names)
    steps = [("func", c, f"{c} {names.func.get(c, c)}")
             for c in (chain(names.func_parent, func) if func else [])]
    steps += drill.unit_steps(view.names(), dept, agency, project)
    crumbs = drill.crumbs_for(state, _("全部支出（按功能分类）"), steps)
    label = exp_label(names, func, dept, agency, project)
    total = cached_call(execution_total, scope)
    out = [*drill.notices(state, notes), breadcrumb(crumbs, id="re-breadcrumb"),
           drill.headline(total.budget, total.paid, total.rate, total.level, total.gap_pp, tp,
                          rule_note=view.rule_note("EXEC_LAG"), id_prefix="re-head")]
    if pop:
        per_head = fmt.with_unit(f"{total.paid / 100 / pop:,.0f}", "元")  # i18n: data
        out.append(html.P(_("人均已支出 {amount}（常住人口 {pop} 人）").format(
            amount=per_head, pop=f"{pop:,}"), className="drill-hint", id="re-percap-note"))
    if level != "payments":
        rows = {
            "func_class": lambda: cached_call(execution, scope, "func_class"),
            "func": lambda: cached_call(execution, scope, "func", parent=func),
            "dept": lambda: cached_call(execution, scope, "dept"),
            "agency": lambda: cached_call(execution, scope, "agency", parent=dept),
            "project": lambda: cached_call(execution, scope, "project", parent=agency),
        }[level]()
        rows = sorted(drill.agency_rows(view.names(), rows) if level == "agency" else rows, key=lambda r: -r.paid)
        hrefs = [exp_href(state, level, r.code, func) for r in rows]
        what = _(WHAT[level])
        title = _("{label}：各{what}预算指标与支出").format(label=label, what=what)
        if len(rows) > TOP_N:
            title += _("（支出最多的 {n} 个，共 {total} 个）").format(n=TOP_N, total=len(rows))
        shown = rows[:TOP_N]
        fig = charts.budget_vs_actual(
            [r.name for r in shown],
            [(_("预算指标"), [r.budget for r in shown], charts.BUDGET_COLOR),
             (_("已支出"), [r.paid for r in shown], charts.ACTUAL_COLOR)],
            title=title, note=fmt.as_of_note(state.filters.as_of, _(SRC_EXP)), hrefs=hrefs[:TOP_N],
            population=pop, dark=state.dark,
            subtitle=money_subtitle(_("括号内为执行率（已支出 ÷ 已下达指标）"), pop))
        out += [
            html.P(_("点击条形或表格中的一行，查看下一级。"), className="drill-hint"),
            dbc.Row([dbc.Col(drill.chart("re-exp", fig, _("支出-{label}").format(label=label)),
                             xl=7, lg=12),
                     dbc.Col(trend(state, scope, label, pop), xl=5, lg=12)], className="g-4"),
            html.H3(_("{label}：各{what}明细（{n} 个）").format(label=label, what=what, n=len(rows)),
                    className="section-title"),
            grid.drill_list("re-exp-rows", grid.exec_list_columns(what),
                            grid.exec_list_rows(rows, hrefs), dark=state.dark, max_height=520),
        ]
    else:
        out.append(trend(state, scope, label, pop))
    if level in ("project", "payments"):
        query = grid.payment_query(scope, search=state.get("q"), href=state.link(q=None))
        out.append(grid.payment_grid("re-payments", query, dark=state.dark,
                                     title=_("{label}的支付明细").format(label=label),
                                     hide=("agency", "project") if level == "payments" else ()))
    return out


def exp_label(names: Names, func: str | None, dept: str | None, agency: str | None,
              project: str | None) -> str:
    """What the state shows, for titles: the deepest unit, else the function."""
    if project:
        return names.project.get(project, project)
    if agency:
        return names.agency_label(agency)
    if dept:
        return names.agency.get(dept, dept)
    if func:
        return f"{func} {names.func.get(func, func)}"
    return _("全部支出")


def exp_href(state: drill.PageState, level: str, code: str | None, func: str | None) -> str | None:
    if code is None:
        return None
    if level in ("func_class", "func"):
        # records coded at the parent itself form a row of the parent: no level below it
        return None if code == func else state.link(func=code, q=None)
    dim = {"dept": "dept", "agency": "agency", "project": "project"}[level]
    return drill.unit_href(view.names(), state, dim, code)


def trend(state: drill.PageState, scope, label: str, pop: int | None):
    rows = cached_call(monthly, scope)
    fig = charts.monthly_trend(
        [r.month for r in rows], [r.paid for r in rows], [r.paid_last_year for r in rows],
        year=state.filters.year, title=_("{label}：月度支出与上年同月").format(label=label),
        note=fmt.as_of_note(state.filters.as_of, _("国库集中支付")), population=pop, dark=state.dark,
        subtitle=money_subtitle(_("实线为本年，虚线为上年同月（截至月份按同日比较）"), pop))
    return html.Div(charts.graph(fig, "re-trend", _("月度支出-{label}").format(label=label)),
                    className="trend-chart")


@scaffold.page(PATH, N_("财政收支"), empty=N_("请先导入收入、预算指标和国库集中支付数据。"),
               page_id="re", tabs=TABS)
def layout(state: drill.PageState, tab: str) -> scaffold.View:
    tp = scope_tp(state.scope)
    pop, pop_note = per_capita(state)
    known = bool(cached_call(population, state.filters.mof_div))
    body = {"budgets": lambda: budgets_tab(state, pop),
            "revenue": lambda: revenue_tab(state, pop),
            "expenditure": lambda: expenditure_tab(state, pop, tp)}[tab]()
    return scaffold.View(
        caption=fmt.as_of_note(state.filters.as_of) + " · "
        + _("{year}年 · 序时进度 {tp}").format(year=state.filters.year, tp=fmt.pct(tp)),
        body=body, toolbar=[percap_switch(state, known)],
        notices=[pop_note] if pop_note else [])

"""预算执行: execution rate against time progress (序时进度), drilled region →
department → agency → project → quota → payments, with the lagging units,
三公经费 and the year-end surge. Every state is the URL: `by` (top level),
`dept`, `agency`, `project`, `bgt_id`, `tab`, `q` and the global filters."""
from __future__ import annotations

from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
from dash import html

from components import charts, drill, grid, levels
from components import format as fmt
from components.breadcrumb import breadcrumb
from data.i18n import N_, _, ngettext
from data.measures import gap_pp
from data.query import (
    Scope,
    execution,
    execution_total,
    quotas,
    scope_end,
    scope_tp,
    three_public,
    year_end,
)
from data.rules import RULES, band
from pages._shared import scaffold
from service import view
from service.cache import cached_call

PATH = "/execution"
dash.register_page(__name__, path=PATH, name=N_("预算执行"),
                   title=scaffold.browser_title(N_("预算执行")), order=2, icon="bi-bar-chart-line",
                   description=scaffold.in_language(N_("执行率与序时进度，下钻到指标和每一笔支付")))

SOURCE = N_("预算指标、国库集中支付")
BY = {"dept": N_("部门"), "mof_div": N_("区划"), "agency": N_("单位"), "project": N_("项目")}
TABS = [("progress", N_("执行进度")), ("three", N_("三公经费")), ("yearend", N_("年底突击支出"))]
KEYS = ("dept", "agency", "project", "bgt_id")
TOP_N = 20  # bars on one projector screen; the table below lists every row


class Path(NamedTuple):
    """The drill chain a URL names, completed upwards (a project implies its
    agency and department) and checked against the store. (A NamedTuple: the
    pages loader does not register page modules where dataclasses look.)"""
    dept: str | None = None
    agency: str | None = None
    project: str | None = None
    bgt_id: str | None = None
    quota: dict | None = None

    @property
    def level(self) -> str:
        for key in ("bgt_id", "project", "agency", "dept"):
            if getattr(self, key):
                return key
        return "root"

    def link(self, state: drill.PageState, **changes) -> str:
        chain = {k: getattr(self, k) for k in KEYS}
        chain["q"] = None  # a search belongs to the level it was made on
        chain.update(changes)
        return state.link(**chain)


def resolve(state: drill.PageState) -> tuple[Path, list[str]]:
    p, notes = state.params, []
    dept, agency, project, bgt = (p.get(k) for k in KEYS)
    quota = None
    if bgt:
        found = cached_call(quotas, Scope(as_of=state.filters.as_of, year=state.filters.year),
                            bgt_id=bgt)
        quota = next((q for q in found if q["bgt_id"] == bgt), None)
        if quota is None:
            notes.append(_("指标“{bgt}”在 {year} 年截至日期前未下达，已显示上一级。").format(
                bgt=bgt, year=state.filters.year))
            bgt = None
        else:  # the quota is authoritative for the chain above it
            agency, project = quota["agency_code"], quota["pro_code"]
    dept, agency, project, more = drill.resolve_units(view.names(), dept, agency, project)
    return Path(dept, agency, project, bgt, quota), notes + more


def level_scope(state: drill.PageState, path: Path) -> Scope:
    return state.scope.replace(dept=path.dept, agency=path.agency, project=path.project)


def crumbs(state: drill.PageState, path: Path, by: str) -> list[drill.Crumb]:
    steps = drill.unit_steps(view.names(), path.dept, path.agency, path.project)
    if path.bgt_id:
        steps.append(("bgt_id", path.bgt_id, _("指标：{bgt}").format(bgt=path.bgt_id)))
    return drill.crumbs_for(state, f"{region_label(state)} · {by_label(by)}", steps)


def region_label(state: drill.PageState) -> str:
    mof_div = state.filters.mof_div
    return view.names().region.get(mof_div, _("全部区划")) if mof_div else _("全部区划")


def by_label(by: str) -> str:
    return _("按{what}").format(what=_(BY[by]))


# -- hrefs one level down ------------------------------------------------------------

def row_hrefs(state: drill.PageState, path: Path, dim: str, rows) -> list[str | None]:
    """The URL one level down from each row of a chart by `dim`."""
    out = []
    for r in rows:
        if r.code is None:
            out.append(None)
        elif dim == "mof_div":  # a region: its departments
            out.append(state.link(mof_div=r.code, q=None, **{k: None for k in KEYS}))
        else:
            out.append(drill.unit_href(view.names(), state, dim, r.code, bgt_id=None))
    return out


def quota_hrefs(state: drill.PageState, path: Path, rows) -> list[str]:
    return [path.link(state, project=q["pro_code"], bgt_id=q["bgt_id"]) for q in rows]


# -- sections ---------------------------------------------------------------------------

def note(state: drill.PageState) -> str:
    return fmt.as_of_note(state.filters.as_of, _(SOURCE))


def scope_label(state: drill.PageState, path: Path) -> str:
    names = view.names()
    if path.project:
        return names.project.get(path.project, path.project)
    if path.agency:
        return names.agency_label(path.agency)
    if path.dept:
        return names.agency.get(path.dept, path.dept)
    return region_label(state)


def rate_section(state: drill.PageState, path: Path, by: str, tp: float) -> list:
    """The chart of this level (rows one level down) and its full table."""
    scope = level_scope(state, path)
    if path.level == "root":
        rows = cached_call(execution, scope, by)
        what = _(BY[by])
    elif path.level == "dept":
        rows = cached_call(execution, scope, "agency", parent=path.dept)
        what = _("单位")
    else:  # agency: its projects
        rows = cached_call(execution, scope, "project", parent=path.agency)
        what = _("项目")
    dim = by if path.level == "root" else {"dept": "agency", "agency": "project"}[path.level]
    if dim == "agency":
        rows = drill.agency_rows(view.names(), rows)
    hrefs = row_hrefs(state, path, dim, rows)
    in_order = not (path.level == "root" and by == "mof_div")  # regions keep hierarchy order
    order = sorted(range(len(rows)), key=lambda i: (rows[i].level is None, rows[i].gap_pp is None,
                                                    rows[i].gap_pp or 0.0)) \
        if in_order else list(range(len(rows)))
    shown = order[:TOP_N]
    label = scope_label(state, path)
    title = _("{label}：各{what}预算执行率与序时进度").format(label=label, what=what)
    if len(rows) > TOP_N:
        title += _("（执行最慢的 {n} 个，共 {total} 个）").format(n=TOP_N, total=len(rows))
    fig = charts.execution_bars([rows[i] for i in shown], tp, title=title, note=note(state),
                                rule_note=view.rule_note("EXEC_LAG"),
                                hrefs=[hrefs[i] for i in shown], dark=state.dark, sort=False)
    table_rows = grid.exec_list_rows([rows[i] for i in order], [hrefs[i] for i in order])
    hint = _("点击条形或表格中的一行，查看下一级。") if rows else ""
    return [
        drill.chart("exec-rate", fig, _("预算执行率-{label}").format(label=label)),
        html.P(hint, className="drill-hint"),
        html.H3(_("{label}：各{what}执行明细（{n} 个）").format(label=label, what=what, n=len(rows)),
                className="section-title"),
        grid.drill_list("exec-rows", grid.exec_list_columns(what), table_rows, dark=state.dark,
                        max_height=520),
    ]


def lagging_section(state: drill.PageState, path: Path) -> list:
    """Agencies behind time progress (rule EXEC_LAG), worst first."""
    rows = cached_call(execution, level_scope(state, path), "agency",
                       parent=path.dept if path.level == "dept" else None)
    lagging = sorted((r for r in drill.agency_rows(view.names(), rows) if levels.flagged(r.level)),
                     key=lambda r: r.gap_pp)
    hrefs = row_hrefs(state, Path(), "agency", lagging)
    table = grid.drill_list(
        "exec-lagging",
        [{"field": "name", "headerName": _("单位"), "minWidth": 250, "tooltipField": "name"},
         grid.rate_col("rate", _("执行率")),
         grid.level_col("level", _("滞后"))],
        grid.exec_list_rows(lagging, hrefs), dark=state.dark, max_height=700)
    return [
        html.H3(_("滞后单位（{n} 个）").format(n=len(lagging)), className="section-title"),
        html.P(_("{rule}。按差距排序，点击一行查看该单位。").format(rule=view.rule_note("EXEC_LAG")),
               className="drill-hint", id="exec-lagging-rule"),
        table if lagging else html.P(_("没有执行滞后的单位。"), className="drill-empty"),
    ]


def quota_list(state: drill.PageState, path: Path, title: str) -> list:
    rows = cached_call(quotas, level_scope(state, path))
    names = view.names()
    return [
        html.H3(_("{title}（{n} 条）").format(title=title, n=len(rows)), className="section-title"),
        html.P(_("点击一条指标，查看它的支付明细。"), className="drill-hint"),
        grid.drill_list("exec-quotas", grid.quota_columns(),
                        grid.quota_rows(rows, names, quota_hrefs(state, path, rows),
                                        view.flags(scope_end(state.scope), "quota")),
                        dark=state.dark, max_height=560),
    ]


def quota_detail(state: drill.PageState, path: Path, tp: float) -> list:
    q = path.quota
    names = view.names()
    rate = q["rate"]
    over = view.flags(scope_end(state.scope), "quota").get(q["bgt_id"], {}).get("PAY_OVER_QUOTA")
    facts = [
        (_("指标编号"), q["bgt_id"]), (_("指标文号"), q.get("cor_bgt_doc_no") or "—"),
        (_("发文日期"), fmt.long_date(q["doc_date"])),
        (_("项目"), q.get("pro_name") or "—"),
        (_("功能科目"), drill.coded(q["exp_func_code"], names.func.get(q["exp_func_code"]))),
        (_("经济科目"), drill.coded(q["dep_bgt_eco_code"], names.eco.get(q["dep_bgt_eco_code"]))),
        (_("指标金额"), fmt.money(q["amount"])),
        (_("可用指标（含调整）"), fmt.money(q["available"])),
    ]
    level = over or band("EXEC_LAG", gap_pp(rate, tp), view.rule_settings(),
                         budget_fen=q["available"])
    # tiles and the quota's particulars side by side, so its payments start on the first screen
    return [
        drill.overspent(over, RULES["PAY_OVER_QUOTA"].name, q["paid"] - q["available"]),
        dbc.Row([
            dbc.Col(drill.headline(q["available"], q["paid"], rate, level, gap_pp(rate, tp), tp,
                                   rule_note=view.rule_note("PAY_OVER_QUOTA" if over
                                                            else "EXEC_LAG"),
                                   budget_title=_("可用指标"), id_prefix="quota"), xl=8, lg=12),
            dbc.Col(drill.facts(facts), xl=4, lg=12),
        ], className="g-3 align-items-start"),
    ]


def payments_block(state: drill.PageState, path: Path) -> html.Div:
    if path.bgt_id:
        scope = Scope(as_of=state.filters.as_of, year=state.filters.year)
        title = _("指标 {bgt} 的支付明细").format(bgt=path.bgt_id)
    else:
        scope = level_scope(state, path)
        title = _("{label}的全部支付明细").format(label=scope_label(state, path))
    query = grid.payment_query(scope, bgt_id=path.bgt_id, search=state.get("q"),
                               href=path.link(state, q=None))
    hide = ("agency", "project", "func", "eco", "bgt") if path.bgt_id else ("agency", "project")
    return grid.payment_grid("exec-payments", query, dark=state.dark, title=title, hide=hide)


def progress_tab(state: drill.PageState, path: Path, by: str, tp: float) -> list:
    out: list = [breadcrumb(crumbs(state, path, by), id="exec-breadcrumb")]
    if path.level == "root":
        out.append(drill.switch(_("查看维度"), [(by_label(key), state.link(by=key), key == by)
                                             for key in BY], "exec-by"))
    if path.quota is not None:
        out += quota_detail(state, path, tp)
        out.append(payments_block(state, path))
        return out
    total = cached_call(execution_total, level_scope(state, path))
    out.append(drill.headline(total.budget, total.paid, total.rate, total.level, total.gap_pp, tp,
                              rule_note=view.rule_note("EXEC_LAG")))
    if path.level == "project":
        out += quota_list(state, path, _("本项目的预算指标"))
        out.append(payments_block(state, path))
        return out
    main = rate_section(state, path, by, tp)
    if path.level == "root":
        out.append(dbc.Row([dbc.Col(main[:2], xl=8, lg=12),
                            dbc.Col(lagging_section(state, path), xl=4, lg=12)],
                           className="g-4"))
        out += main[2:]
    else:
        out += main
    if path.level == "agency":
        out += quota_list(state, path, _("本单位的全部预算指标（含未列项目的指标）"))
    return out


def three_public_tab(state: drill.PageState) -> list:
    rows = drill.agency_rows(view.names(), cached_call(three_public, state.scope))
    order = sorted(rows, key=lambda r: (not levels.flagged(r.level), -(r.paid - r.budget)))
    shown = order[:TOP_N]
    hrefs = [drill.unit_href(view.names(), state, "agency", r.code, tab=None) for r in order]
    title = _("三公经费：各单位预算与支出")
    if len(rows) > TOP_N:
        title += _("（超支及支出最多的 {n} 个，共 {total} 个）").format(n=TOP_N, total=len(rows))

    def over_budget(r) -> str:
        return _("{level} 超预算").format(level=levels.text(r.level))

    fig = charts.budget_vs_actual(
        [r.name for r in shown],
        [(_("预算"), [r.budget for r in shown], charts.BUDGET_COLOR),
         (_("已支出"), [r.paid for r in shown], charts.ACTUAL_COLOR)],
        title=title, note=note(state), hrefs=hrefs[:TOP_N],
        flags=[over_budget(r) if levels.flagged(r.level) else "" for r in shown],
        flag_levels=[r.level if levels.flagged(r.level) else None for r in shown], dark=state.dark,
        subtitle=_("因公出国（境）30212、公务接待 30217、公务用车运行维护 30231、公务用车购置 31013 合计；"
                   "支出超过预算为严重"),
    )
    over = [r for r in rows if levels.flagged(r.level)]
    table = [{"name": r.name, "budget": grid.wan(r.budget), "paid": grid.wan(r.paid),
              "rate": r.rate, "over": grid.wan(max(r.paid - r.budget, 0)),
              "level": over_budget(r) if levels.flagged(r.level) else levels.text(r.level),
              "lvl": r.level, "href": h}
             for r, h in zip(order, hrefs)]
    return [
        html.P(ngettext("{n} 个单位三公经费支出超过预算。点击条形或一行，查看该单位的执行情况。",
                        "{n} 个单位三公经费支出超过预算。点击条形或一行，查看该单位的执行情况。",
                        len(over)).format(n=len(over))
               if over else _("没有单位的三公经费支出超过预算。"), className="drill-hint"),
        drill.chart("exec-three", fig, _("三公经费")),
        grid.drill_list("exec-three-rows", [
            {"field": "name", "headerName": _("单位"), "minWidth": 220},
            grid.money_col("budget", _("预算")), grid.money_col("paid", _("已支出")),
            grid.rate_col("rate", _("支出/预算")), grid.money_col("over", _("超支")),
            grid.level_col()], table, dark=state.dark, max_height=520),
    ]


def year_end_tab(state: drill.PageState) -> list:
    rows = cached_call(year_end, state.scope)
    limit = float(view.rule_settings()["YEAR_END_SURGE"].thresholds["red_share"])
    order = sorted(rows, key=lambda r: (r["share"] is None, -(r["share"] or 0)))
    shown = order[:TOP_N]
    hrefs = [drill.unit_href(view.names(), state, "project", r["code"], tab=None) for r in order]

    def label(r) -> str:
        if r["share"] is None:
            return _("无年度指标")
        mark = _("{level} 突击支出").format(level=levels.text(r["level"])) \
            if levels.flagged(r["level"]) else levels.text(r["level"])
        return f"{fmt.pct(r['share'])}  {mark}"

    hovers = [_("<b>{name}</b>（{agency}）<br>11—12月支出 {nov_dec}<br>全年指标 {annual}"
                "<br>占比 {share}<br>点击查看该项目的指标和支付").format(
                  name=r["name"], agency=r["agency_name"] or "—", nov_dec=fmt.money(r["nov_dec"]),
                  annual=fmt.money(r["annual_quota"]), share=fmt.pct(r["share"]))
              for r in shown]
    title = _("年底突击支出：各项目11—12月支出占全年指标比例")
    if len(rows) > TOP_N:
        title += _("（占比最高的 {n} 个，共 {total} 个）").format(n=TOP_N, total=len(rows))
    fig = charts.ratio_bars(
        [r["name"] for r in shown], [r["share"] for r in shown], [r["level"] for r in shown],
        [label(r) for r in shown], hovers, reference=limit,
        reference_label=_("警戒线 {limit}").format(limit=fmt.pct(limit, 0)), title=title,
        subtitle=_("11—12月支出 ÷ 项目全年指标；超过 {limit} 为严重（审计规则 A0110）").format(
            limit=fmt.pct(limit, 0)),
        note=note(state), hrefs=hrefs[:TOP_N], dark=state.dark)
    surge = [r for r in rows if levels.flagged(r["level"])]
    before = state.filters.as_of.month < 11 and state.filters.year == state.filters.as_of.year
    table = [{"name": r["name"], "agency": r["agency_name"] or "—",
              "nov_dec": grid.wan(r["nov_dec"]), "annual": grid.wan(r["annual_quota"]),
              "rate": r["share"], "level": label(r).split("  ")[-1], "lvl": r["level"],
              "href": h}
             for r, h in zip(order, hrefs)]
    return [
        *drill.notices(state, [_("截至日期在 11 月之前，本年尚无 11—12 月支出。")] if before else []),
        html.P(ngettext("{n} 个项目 11—12 月支出超过全年指标的 {limit}。点击查看该项目。",
                        "{n} 个项目 11—12 月支出超过全年指标的 {limit}。点击查看该项目。",
                        len(surge)).format(n=len(surge), limit=fmt.pct(limit, 0)),
               className="drill-hint"),
        drill.chart("exec-yearend", fig, _("年底突击支出")),
        grid.drill_list("exec-yearend-rows", [
            {"field": "name", "headerName": _("项目"), "minWidth": 240},
            {"field": "agency", "headerName": _("单位"), "minWidth": 200},
            grid.money_col("nov_dec", _("11—12月支出")), grid.money_col("annual", _("全年指标")),
            grid.rate_col("rate", _("占比")), grid.level_col()], table, dark=state.dark,
            max_height=520),
    ]


@scaffold.page(PATH, N_("预算执行"), empty=N_("请先导入预算指标和国库集中支付数据。"), page_id="exec",
               tabs=TABS)
def layout(state: drill.PageState, tab: str) -> scaffold.View:
    by = drill.choice(state.get("by"), list(BY), "dept")
    tp = scope_tp(state.scope)
    path, notes = resolve(state) if tab == "progress" else (Path(), [])
    body = {"progress": lambda: progress_tab(state, path, by, tp),
            "three": lambda: three_public_tab(state),
            "yearend": lambda: year_end_tab(state)}[tab]()
    return scaffold.View(
        caption=fmt.as_of_note(state.filters.as_of, _(SOURCE)) + " · "
        + _("{year}年 · 序时进度 {tp}").format(year=state.filters.year, tp=fmt.pct(tp)),
        body=body, notices=notes)

"""代表开放日 (/open): a simplified home for deputies and the open-day touch
screen. The few headline figures as large cards — spending against 序时进度,
revenue, direct funds, the debt ratio, the open warnings by level and the
problem loop — each with its level and a "这是什么？" explanation, and big
buttons to the main pages. The figures, their scopes and their levels are
the overview's (pages/overview.py), from the same cached calls."""
from __future__ import annotations

import dash
from dash import html

from components import drill, urlstate
from components import format as fmt
from components.kpi import money_figure
from data import query as q
from data.i18n import N_, _
from data.measures import gap_pp, ratio, time_progress
from data.query import Scope, budgets, execution_total, revenue_by_class
from data.rules import band
from pages import overview
from pages._openday import cards as c
from pages._overview import tiles as t
from pages._shared import scaffold
from service import view
from service.cache import cached_call

PATH = "/open"
dash.register_page(__name__, path=PATH, name=N_("开放日首页"),
                   title=scaffold.browser_title(N_("代表开放日")), order=90, icon="bi-house-heart",
                   description=scaffold.in_language(N_("人大代表开放日：核心指标的大字卡片和通俗解释")))

# The big buttons at the foot of the home: (path, text, icon).
PAGES = (("/", N_("看总览"), "bi-speedometer2"), ("/execution", N_("看预算执行"), "bi-graph-up"),
         ("/warnings", N_("看预警中心"), "bi-exclamation-triangle"),
         ("/problems", N_("看问题闭环"), "bi-arrow-repeat"),
         (c.GLOSSARY_PATH, N_("名词解释"), "bi-book"))


def figures(f: Scope, params: dict[str, str]) -> list:
    # The overview's scopes: revenue and spending of one budget (the general
    # budget unless the filter names another), the rest of the whole region.
    budget = Scope(as_of=f.as_of, year=f.year, mof_div=f.mof_div, fund_type=f.fund_type or "1")
    (revenue,) = cached_call(budgets, budget)
    spent = cached_call(execution_total, budget)
    tp = time_progress(f.as_of)
    whole = Scope(as_of=f.as_of, mof_div=f.mof_div)
    direct = cached_call(q.direct_funds, whole)
    debt = cached_call(q.debt_position, whole)
    found = view.breaches_in(f.as_of, f.mof_div)
    settings = view.rule_settings()

    def area(name: str) -> t.Area:
        return t.Area(found, overview.rules_of(name), params, name)

    general = revenue.fund_type == "1"  # the rules judge the general budget's revenue
    revenue_rate = ratio(revenue.revenue, revenue.revenue_budget)
    tax = t.tax_share(cached_call(revenue_by_class, budget)) if general else None
    areas = {name: area(name) for name in ("execution", "revenue", "direct", "debt")}
    number, unit = money_figure(revenue.revenue)
    budget_name = _(revenue.name)
    return [
        c.card(_("{budget}支出执行率").format(budget=budget_name), fmt.pct(spent.rate),
               term="execution-rate", params=params,
               level=areas["execution"].level(spent.level),
               level_title=areas["execution"].title(),
               sub=[html.Div(_("序时进度 {rate} · 相差 {gap}").format(rate=fmt.pct(tp),
                                                                  gap=fmt.pp(spent.gap_pp))),
                    html.Div(_("已支付 {paid} / 已下达指标 {budget}").format(
                        paid=fmt.money(spent.paid), budget=fmt.money(spent.budget)))],
               href=overview.drill_href("execution", params), card_id="openday-execution"),
        c.card(_("{budget}收入").format(budget=budget_name), number, unit,
               term="revenue-progress", params=params,
               level=areas["revenue"].level(
                   band("REVENUE_LAG", gap_pp(revenue_rate, tp), settings) if general else None,
                   band("TAX_SHARE_LOW", tax, settings) if general else None),
               level_title=areas["revenue"].title(),
               sub=[html.Div(_("完成预算 {rate} · 序时进度 {tp}").format(
                        rate=fmt.pct(revenue_rate), tp=fmt.pct(tp))),
                    html.Div(_("预算 {amount}").format(amount=fmt.money(revenue.revenue_budget)))],
               href=overview.drill_href("revenue", params), card_id="openday-revenue"),
        c.card(_("直达资金支付进度"), fmt.pct(direct.payment_rate) if direct.received else "—",
               term="direct-funds", params=params,
               level=areas["direct"].level("green") if direct.received else None,
               level_title=areas["direct"].title(),
               sub=[html.Div(_("已支付 {paid} / 已收到 {received}").format(
                        paid=fmt.money(direct.paid), received=fmt.money(direct.received)))
                    if direct.received else html.Div(_("本年度尚无上级下达的直达资金"))],
               href=overview.drill_href("direct", params), card_id="openday-direct"),
        c.card(_("政府债务率"), fmt.pct(debt.debt_ratio), term="debt-ratio", params=params,
               level=areas["debt"].level(band("DEBT_RATIO", debt.debt_ratio, settings),
                                         band("LIABILITY_RATIO", debt.liability_ratio, settings)),
               level_title=areas["debt"].title(),
               sub=[html.Div(_("债务余额 {amount}").format(amount=fmt.money(debt.total_balance))),
                    html.Div(_("负债率 {rate}").format(rate=fmt.pct(debt.liability_ratio)))],
               href=overview.drill_href("debt", params), card_id="openday-debt"),
        c.warnings_card(found, params),
        *c.problems_slot(params, f.mof_div),
    ]


def page_buttons(params: dict[str, str]) -> html.Nav:
    keep = urlstate.keep_global(params)
    known = {p["path"] for p in dash.page_registry.values()}
    return html.Nav([c.button(_(text), urlstate.link(path, keep), icon,
                              f"openday-go-{path.strip('/') or 'overview'}")
                     for path, text, icon in PAGES if path in known],
                    className="openday-buttons", **{"aria-label": _("主要页面")})


@scaffold.page(PATH, N_("代表开放日"), empty=N_("请先导入财政、税务、国资等部门报送的数据。"),
               page_id="openday")
def layout(state: drill.PageState, _tab: None) -> scaffold.View:
    f = state.filters
    region = view.region_name(f.mof_div)
    return scaffold.View(
        title=[_("财政一目了然") + " · ", region],
        caption=f"{fmt.as_of_note(f.as_of)} · "
                + _("点“这是什么？”看通俗解释；登录的代表可点“提问 / 反映问题”"),
        body=[html.Div(figures(f, state.params), className="openday-grid", id="openday-cards"),
              page_buttons(state.params)])

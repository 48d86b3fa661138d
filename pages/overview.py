"""总览 / 监督大脑: the headline figures of every area for the selected region
and date, each tile linking to the page that drills into it, its level from the
rule engine; the open breaches by level; and the problem loop's counts (a
tile of its own filled on every request, pages/_overview/tiles.py)."""
from __future__ import annotations

import dash
from dash import html

from components import drill, urlstate
from components import format as fmt
from data import query as q
from data.i18n import N_, _, language
from data.measures import time_progress
from data.query import Scope, budgets, execution_total, revenue_by_class
from pages._overview import tiles as t
from pages._shared import scaffold
from service import view
from service.cache import cached_call

dash.register_page(__name__, path="/", name=N_("总览"), title=scaffold.browser_title(N_("总览")),
                   order=0, icon="bi-speedometer2",
                   description=scaffold.in_language(N_("监督大脑：各领域核心指标一屏总览")))

# The drill-down page of each tile, at the state the tile summarises; a tile
# links only to a page that is registered.
DRILL = {
    "revenue": ("pages.revenue_expenditure", {"tab": "revenue"}),
    "execution": ("pages.execution", {}),
    "direct": ("pages.direct_funds", {}),
    "debt": ("pages.debt", {}),
    "assets": ("pages.assets", {"tab": "soe"}),
}


def drill_href(area: str, params: dict[str, str]) -> str | None:
    module, state = DRILL[area]
    page = dash.page_registry.get(module)
    return urlstate.link(page["path"], {**urlstate.keep_global(params), **state}) if page else None


def rules_of(area: str, entity_type: str | None = None) -> list[str]:
    return [rid for rid, r in t.RULES.items()
            if r.area == area and (entity_type is None or r.entity_type == entity_type)]


def tiles(f: Scope, params: dict[str, str]) -> list:
    # Revenue and expenditure tiles cover one budget (the general budget unless
    # the filter names another): summed over all four, a transfer from one
    # budget into another would count twice.
    budget = Scope(as_of=f.as_of, year=f.year, mof_div=f.mof_div, fund_type=f.fund_type or "1")
    (revenue,) = cached_call(budgets, budget)
    classes = cached_call(revenue_by_class, budget)
    spent = cached_call(execution_total, budget)
    tp = time_progress(f.as_of)
    whole = Scope(as_of=f.as_of, mof_div=f.mof_div)
    found = view.breaches_in(f.as_of, f.mof_div)

    def area(name: str, entity_type: str | None = None) -> t.Area:
        return t.Area(found, rules_of(name, entity_type), params, name)

    return [
        t.open_breaches(found, params),
        t.revenue(revenue, t.tax_share(classes) if budget.fund_type == "1" else None, tp,
                  area("revenue"), drill_href("revenue", params)),
        t.expenditure(spent, revenue.name, tp, area("execution"), drill_href("execution", params)),
        t.direct(cached_call(q.direct_funds, whole), area("direct"), drill_href("direct", params)),
        t.debt(cached_call(q.debt_position, whole), area("debt"), drill_href("debt", params)),
        t.soe(cached_call(q.soe_totals, whole), area("assets", "enterprise"),
              drill_href("assets", params)),
        t.freshness(cached_call(q.freshness, whole), area("data")),
        *t.problems_slot(params, f.mof_div),
    ]


@scaffold.page("/", N_("监督大脑"), empty=N_("请先导入财政、税务、国资等部门报送的数据。"),
               page_id="overview")
def layout(state: drill.PageState, _tab: None) -> scaffold.View:
    f = state.filters
    region = view.region_name(f.mof_div)
    return scaffold.View(
        title=[_("监督大脑") + " · ", region],
        caption=fmt.as_of_note(f.as_of) + " · "
        + _("序时进度 {tp}").format(tp=fmt.pct(time_progress(f.as_of))),
        toolbar=[] if state.kiosk else [brief_link(f)],
        body=[html.Div(tiles(f, state.params), className="kpi-grid", id="overview-tiles")])


def brief_link(f: Scope) -> html.A:
    """The month's 月度分析专报 (PDF) of the selected region: a plain link, so
    the browser fetches the file (service/files.py), in the page's language."""
    query = {"month": f"{f.as_of:%Y-%m}", "mof_div": f.mof_div,
             "lang": "en" if language() == "en" else None}
    return html.A([html.I(className="bi bi-file-earmark-pdf me-1", **{"aria-hidden": "true"}),
                   _("下载{month}分析专报（PDF）").format(
                       month=fmt.month_label(f.as_of.year, f.as_of.month))],
                  href=urlstate.link("/files/brief.pdf", query), id="overview-brief",
                  className="btn btn-outline-secondary btn-sm no-print")

"""The overview's tiles, one per area. A tile shows the selection's total; its
level is the worst breach of the area's rules anywhere in the selection (a
lagging township or a late fund is not hidden by a healthy total), with the
rule engine's banding of the total itself where a rule applies to it, and a
line counting those breaches that opens them in 预警中心. The problem loop's
tile is filled by its own callback on every request: problems change
without an import, and the rest of the overview is cached per data version."""
from __future__ import annotations

import logging
from collections import Counter
from typing import Sequence

import dash
from dash import Input, Output, callback, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from components import format as fmt
from components import levels, urlstate
from components.kpi import kpi_tile, money_figure
from components.shell import PROBLEMS_PATH
from data import query as q
from data.i18n import _, ngettext
from data.measures import gap_pp, ratio
from data.query.problems import Summary
from data.rules import RULES, Breach, band
from service import auth, view

log = logging.getLogger(__name__)

WARNINGS_PATH = "/warnings"
PROBLEMS_SLOT = "overview-problems"
PROBLEMS_QUERY = "overview-problems-query"


class Area:
    """The breaches of some rules within the selection, and how a tile shows them."""

    def __init__(self, found: Sequence[Breach], rules: Sequence[str], params: dict[str, str],
                 area: str):
        self.rules = tuple(rules)
        self.found = [b for b in found if b.rule in self.rules]
        self.params, self.area = params, area

    def level(self, *own: str | None) -> str | None:
        """The worst of the breaches and of the banding of the tile's own figures."""
        return levels.worst(*own, *(b.level for b in self.found))

    def title(self) -> str:
        """The badge's tooltip: which rules decide the level, and their lines."""
        return _("；").join(view.rule_note(r) for r in self.rules)

    def line(self) -> html.Div | None:
        """`▲严重 2 · ▲关注 1 项预警（含下级区划）›` linking to 预警中心."""
        if not self.found:
            return None
        counts = Counter(b.level for b in self.found)
        text = " · ".join(f"{levels.text(lv)} {counts[lv]}" for lv in ("red", "orange", "yellow")
                          if counts[lv])
        href = urlstate.link(WARNINGS_PATH, {**urlstate.keep_global(self.params), "area": self.area})
        line = ngettext("{counts} 项预警（含下级区划）›", "{counts} 项预警（含下级区划）›",
                        len(self.found)).format(counts=text)
        return html.Div(dcc.Link(line, href=href, className="kpi-breaches"),
                        className="kpi-sub-line")


def progress_gap(tp: float, gap: float | None) -> str:
    return _("序时进度 {tp} · 相差 {gap}").format(tp=fmt.pct(tp), gap=fmt.pp(gap))


def revenue(row, tax_share: float | None, tp: float, area: Area, href: str | None):
    rate = ratio(row.revenue, row.revenue_budget)
    gap = gap_pp(rate, tp)
    settings = view.rule_settings()
    general = row.fund_type == "1"  # REVENUE_LAG and TAX_SHARE_LOW judge the general budget
    level = area.level(band("REVENUE_LAG", gap, settings) if general else None,
                       band("TAX_SHARE_LOW", tax_share, settings) if general else None)
    number, unit = money_figure(row.revenue)
    sub = [html.Div([_("预算") + " ", html.Strong(fmt.money(row.revenue_budget)),
                     " · " + _("完成 {rate}").format(rate=fmt.pct(rate))]),
           html.Div(progress_gap(tp, gap))]
    if tax_share is not None:
        sub.append(html.Div(_("税收占比 {share}").format(share=fmt.pct(tax_share))))
    return kpi_tile(
        _("{budget}收入").format(budget=_(row.name)), number, unit, level=level,
        show_level=level is not None, level_title=area.title(), rate=rate, time_progress=tp,
        sub=[*sub, area.line()], explain=RULES["REVENUE_LAG"].explain, href=href,
        tile_id="kpi-revenue")


def expenditure(row, budget_name: str, tp: float, area: Area, href: str | None):
    number, unit = money_figure(row.paid)
    level = area.level(row.level)
    return kpi_tile(
        _("{budget}支出").format(budget=_(budget_name)), number, unit, level=level,
        show_level=level is not None, level_title=area.title(), rate=row.rate, time_progress=tp,
        sub=[html.Div([_("已下达指标") + " ", html.Strong(fmt.money(row.budget)),
                       " · " + _("执行率 {rate}").format(rate=fmt.pct(row.rate))]),
             html.Div(progress_gap(tp, row.gap_pp)), area.line()],
        explain=RULES["EXEC_LAG"].explain, href=href, tile_id="kpi-expenditure")



def tax_share(rows) -> float | None:
    """Tax (类 101) over all revenue of the selection, year to D."""
    total = sum(r.collected for r in rows)
    tax = sum(r.collected for r in rows if r.code == "101")
    return ratio(tax, total)


def direct(d: q.DirectFunds, area: Area, href: str | None):
    if not d.received:
        return kpi_tile(_("直达资金支付进度"), "—", sub=_("本年度尚无上级下达的直达资金"),
                        show_level=False, href=href, tile_id="kpi-direct")
    # Judged fund by fund and region (each after its grace days), never on the total.
    level = area.level("green")
    return kpi_tile(
        _("直达资金支付进度"), fmt.pct(d.payment_rate), level=level, level_title=area.title(),
        rate=d.payment_rate, time_progress=d.time_progress,
        sub=[html.Div([_("已支付") + " ", html.Strong(fmt.money(d.paid)), " / " + _("已下达") + " ",
                       html.Strong(fmt.money(d.received))]),
             html.Div(_("分配率 {rate} · 与序时进度相差 {gap}").format(
                 rate=fmt.pct(d.allocation_rate), gap=fmt.pp(d.gap_pp))),
             area.line()],
        explain=RULES["DIRECT_PAY_LAG"].explain, href=href, tile_id="kpi-direct")


def debt(position: q.DebtPosition, area: Area, href: str | None):
    over = position.over_limit()
    settings = view.rule_settings()
    level = area.level(band("DEBT_RATIO", position.debt_ratio, settings),
                       band("LIABILITY_RATIO", position.liability_ratio, settings))
    rows = [html.Div([_("{name} 余额").format(name=name) + " ",
                      html.Strong(fmt.money(position.balance[key])),
                      " / " + (_("未报送限额") if position.limit[key] is None
                               else _("限额 {limit}").format(limit=fmt.money(position.limit[key]))),
                      " · " + _("超限额") if key in over else ""])
            for key, name in (("general", _("一般债务")), ("special", _("专项债务")))]
    rows.append(html.Div(_("债务率 {debt_ratio} · 负债率 {liability_ratio}").format(
        debt_ratio=fmt.pct(position.debt_ratio), liability_ratio=fmt.pct(position.liability_ratio))))
    number, unit = money_figure(position.total_balance)
    return kpi_tile(
        _("政府债务余额"), number, unit, level=level, show_level=level is not None,
        level_title=area.title(),
        rate=position.total_balance / position.total_limit if position.total_limit else None,
        sub=[*rows, area.line()], explain=RULES["DEBT_RATIO"].explain, href=href,
        tile_id="kpi-debt")


def soe(totals: q.SoeTotals, area: Area, href: str | None):
    if not totals.enterprises and not totals.financial:
        return kpi_tile(_("国有企业资产负债率"), "—", sub=_("尚无企业财务报表"), show_level=False,
                        href=href, tile_id="kpi-soe")
    level = area.level("green" if totals.enterprises else None)
    return kpi_tile(
        _("国有企业资产负债率"), fmt.pct(totals.alr), level=level, show_level=level is not None,
        level_title=area.title(), rate=totals.alr,
        sub=[html.Div([_("资产总额") + " ", html.Strong(fmt.money(totals.assets)),
                       " · " + _("负债总额") + " ", html.Strong(fmt.money(totals.liabilities))]),
             html.Div(soe_counts(totals)), area.line()],
        explain=RULES["SOE_ALR"].explain, href=href, tile_id="kpi-soe")


def soe_counts(totals: q.SoeTotals) -> str:
    """Enterprises, those over the warning and control lines, loss-making, and
    the financial enterprises left out."""
    text = ngettext("{n} 户企业 · 超警戒线 {over} 户（其中超管控线 {red} 户）· 亏损 {loss} 户",
                    "{n} 户企业 · 超警戒线 {over} 户（其中超管控线 {red} 户）· 亏损 {loss} 户",
                    totals.enterprises).format(
        n=totals.enterprises, over=totals.alr_yellow + totals.alr_red, red=totals.alr_red,
        loss=totals.loss_making)
    if totals.financial:
        text += " · " + ngettext("另有金融企业 {n} 户（不计入）", "另有金融企业 {n} 户（不计入）",
                                 totals.financial).format(n=totals.financial)
    return text


def freshness(rows: list[q.Freshness], area: Area):
    """Each source's latest date; a source is late where DATA_STALE flags it
    for any region of the selection (a late township is named)."""
    late: dict[str, list[str]] = {}
    names = view.names()
    for b in area.found:
        dataset, __, region = b.entity_code.partition("@")
        late.setdefault(dataset, []).append(names.region.get(region, region))
    items = [html.Li([html.Span(_(r.label)),
                      html.Span([fmt.long_date(r.latest) if r.latest else _("无数据"), " ",
                                 levels.badge("yellow", _("滞后"), _("、").join(late[r.dataset]))
                                 if r.dataset in late else levels.badge("green")])],
                     **{"data-dataset": r.dataset})
             for r in rows]
    stale = sum(1 for r in rows if r.dataset in late)
    return kpi_tile(
        _("数据报送"), f"{len(rows) - stale}/{len(rows)}", _("项按时"),
        level=area.level("green"), level_title=area.title(),
        sub=[html.Ul(items, className="freshness"), area.line()],
        explain=RULES["DATA_STALE"].explain, tile_id="kpi-freshness")


def open_breaches(found: Sequence[Breach], params: dict[str, str]):
    """Every open breach of the selection by level, linking to 预警中心."""
    counts = Counter(b.level for b in found)
    items = [html.Li(dcc.Link([levels.badge(lv),
                               " " + ngettext("{n} 项", "{n} 项", counts[lv]).format(n=counts[lv])],
                              href=urlstate.link(WARNINGS_PATH,
                                                 {**urlstate.keep_global(params), "level": lv})),
                     **{"data-level": lv})
             for lv in ("red", "orange", "yellow")]
    return kpi_tile(
        _("当前预警"), str(len(found)), _("项"), level=levels.worst(*counts) or "green",
        sub=html.Ul(items, className="freshness"),
        explain=_("27 条预警规则在所选区划（含下级区划）发现的问题，按严重程度分级。"),
        href=urlstate.link(WARNINGS_PATH, urlstate.keep_global(params)),
        link_text=_("进入预警中心"), tile_id="kpi-warnings")


# -- the problem loop: fresh on every request ----------------------------------------------

def problems_slot(params: dict[str, str], mof_div: str | None) -> list:
    """Where `problem_tile` puts the tile, and what it needs from the URL."""
    return [dcc.Store(id=PROBLEMS_QUERY, data={"mof_div": mof_div,
                                               "params": urlstate.keep_global(params)}),
            html.Div(id=PROBLEMS_SLOT, className="kpi-slot")]


def problem_lines(s: Summary, own_only: bool, own_id: str) -> list:
    """Closed, rectification rate, open and overdue under the found count."""
    lines = [html.Div([_("已销号") + " ", html.Strong(str(s.closed)), " · " + _("整改率") + " ",
                       html.Strong(fmt.pct(s.rectification_rate))]),
             html.Div([_("未销号") + " ", html.Strong(str(s.open)), " · " + _("逾期未整改") + " ",
                       html.Strong(str(s.overdue))])]
    if own_only:
        lines.append(html.Div(_("仅统计您提出的问题"), className="kpi-note", id=own_id))
    return lines


def problem_counts(query: dict | None) -> tuple[Summary, bool, str | None] | None:
    """For the viewer of this request: the problem loop's counts over the
    query's region (a deputy's own problems only), whether they are only
    theirs, and the link into the loop (none for the kiosk profile); None
    when there is nothing to show or the store is away."""
    viewer = auth.current_viewer()
    if not query or viewer is None:
        return None
    try:
        summary = view.problem_summary(viewer, query.get("mof_div"))
    except SQLAlchemyError:
        log.warning("problem counts: database unavailable")
        return None
    registered = any(p["path"] == PROBLEMS_PATH for p in dash.page_registry.values())
    href = (urlstate.link(PROBLEMS_PATH, query.get("params") or {})
            if registered and not viewer.kiosk else None)
    return summary, view.own_problems_only(viewer), href


def problem_loop(s: Summary, own_only: bool, href: str | None):
    """Found, closed, rectification rate and overdue (SPEC §3.3 summary)."""
    sub = problem_lines(s, own_only, "kpi-problems-own")
    return kpi_tile(
        _("问题闭环"), str(s.found), _("个问题"), show_level=False, sub=sub,
        explain=_("发现的问题（不含已核销）从交办、整改、反馈到销号的进展；整改率 = 已销号 ÷ 已交办，"
                  "逾期 = 已交办或整改中且超过整改期限。"),
        href=href, link_text=_("进入问题闭环"), tile_id="kpi-problems")


@callback(Output(PROBLEMS_SLOT, "children"), Input(PROBLEMS_QUERY, "data"))
def problem_tile(query: dict | None):
    """The tile for the viewer of this request: a deputy's own problems."""
    counts = problem_counts(query)
    return no_update if counts is None else problem_loop(*counts)

"""Below the region: the agencies a fund reached (allocated and paid per
agency), an agency's quotas carrying the fund, and a quota with its payments."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import charts, drill, grid, levels
from components.charts import ACTUAL_COLOR, BUDGET_COLOR
from components import format as fmt
from components.kpi import kpi_tile, money_figure
from data.i18n import _, ngettext
from data.query import Scope
from data.query.direct_funds import Recipient, fund_quotas, recipients
from data.rules import RULES, Breach
from pages._direct import self_transfer
from pages._direct.funds import note
from pages._direct.state import Path, region_label
from service import view
from service.cache import cached_call

TOP_N = 20


def recipient(state: drill.PageState, path: Path) -> Recipient:
    """The path's agency among the fund's recipients (zeros if it is none)."""
    found = cached_call(recipients, path.scope(state), path.fund.code)
    names = view.names()
    return next((r for r in found if r.code == path.agency),
                Recipient(path.agency, names.agency.get(path.agency, path.agency), None, 0, 0))


def recipients_section(state: drill.PageState, path: Path,
                       flagged: dict[str, list[Breach]]) -> list:
    """The agencies of the region (and below) with quotas or payments of the fund."""
    rows = cached_call(recipients, path.scope(state), path.fund.code)
    names = view.names()
    labels = [names.agency_label(r.code) for r in rows]
    hrefs = [path.link(state, agency=r.code, bgt_id=None) for r in rows]
    marks = [self_transfer.mark(flagged.get(r.code, [])) for r in rows]
    marked = [levels.worst(*(b.level for b in flagged.get(r.code, []))) for r in rows]
    shown = slice(0, TOP_N)
    title = _("{region}：{fund}的使用单位").format(region=region_label(path), fund=path.fund.name)
    if len(rows) > TOP_N:
        title += ngettext("（分配最多的 {top} 个，共 {n} 个）", "（分配最多的 {top} 个，共 {n} 个）",
                          len(rows)).format(top=TOP_N, n=len(rows))
    chart = drill.chart(
        "direct-recipients", charts.budget_vs_actual(
            categories=labels[shown],
            series=[(_("已分配"), [r.allocated for r in rows[shown]], BUDGET_COLOR),
                    (_("已支付"), [r.paid for r in rows[shown]], ACTUAL_COLOR)],
            title=title, note=note(state), hrefs=hrefs[shown], flags=marks[shown],
            flag_levels=marked[shown], dark=state.dark,
            subtitle=_("已分配 = 带该资金代码的预算指标；括号内为已支付 ÷ 已分配")),
        _("直达资金使用单位-{fund}").format(fund=path.fund.name))
    table = [{"name": label, "region": names.region.get(r.mof_div, r.mof_div or "—"),
              "allocated": grid.wan(r.allocated), "paid": grid.wan(r.paid), "rate": r.rate,
              "self": m or "—", "lvl": lv, "href": h}
             for r, label, m, lv, h in zip(rows, labels, marks, marked, hrefs)]
    return [
        html.H3(ngettext("使用单位（{n} 个）", "使用单位（{n} 个）", len(rows)).format(n=len(rows)),
                className="section-title"),
        html.P(_("点击条形或一行，查看该单位的直达资金指标。") if rows
               else _("没有单位分配到或支出该资金。"), className="drill-hint"),
        chart,
        grid.drill_list("direct-recipient-rows", [
            {"field": "name", "headerName": _("单位"), "minWidth": 240, "tooltipField": "name"},
            {"field": "region", "headerName": _("所在区划"), "minWidth": 140},
            grid.money_col("allocated", _("已分配")), grid.money_col("paid", _("已支付")),
            grid.rate_col("rate", _("支付 ÷ 分配")),
            {**grid.level_col("self", RULES[self_transfer.RULE].name), "minWidth": 240},
        ], table, dark=state.dark, max_height=520),
    ]


def quota_section(state: drill.PageState, path: Path) -> list:
    """The agency's quotas to D carrying the fund; a row opens its payments."""
    found = cached_call(fund_quotas, path.scope(state), path.fund.code, path.agency)
    hrefs = [path.link(state, bgt_id=q["bgt_id"]) for q in found]
    rows = grid.quota_rows(found, view.names(), hrefs, view.flags(path.as_of(state), "quota"))
    for q, row in zip(found, rows):
        row["amount"] = grid.wan(q["amount"])
    quota_columns = grid.quota_columns()
    columns = [*quota_columns[:6], grid.money_col("amount", _("指标金额")), *quota_columns[6:]]
    return [
        html.H3(ngettext("本单位{fund}的预算指标（{n} 条）", "本单位{fund}的预算指标（{n} 条）",
                         len(found)).format(fund=path.fund.name, n=len(found)),
                className="section-title"),
        html.P(_("指标金额合计即分配到本单位的金额；点击一条指标，查看它的支付明细。"),
               className="drill-hint"),
        grid.drill_list("direct-quotas", columns, rows, dark=state.dark, max_height=520),
    ]


def quota_detail(state: drill.PageState, path: Path) -> list:
    q = path.quota
    names = view.names()
    over = view.flags(path.as_of(state), "quota").get(q["bgt_id"], {}).get("PAY_OVER_QUOTA")
    facts = [
        (_("指标编号"), q["bgt_id"]), (_("直达资金"), path.fund.name),
        (_("单位"), names.agency_label(q["agency_code"])),
        (_("项目"), q.get("pro_name") or "—"), (_("指标文号"), q.get("cor_bgt_doc_no") or "—"),
        (_("发文日期"), fmt.long_date(q["doc_date"])),
        (_("功能科目"), drill.coded(q["exp_func_code"], names.func.get(q["exp_func_code"]))),
        (_("经济科目"), drill.coded(q["dep_bgt_eco_code"], names.eco.get(q["dep_bgt_eco_code"]))),
    ]
    amount, available, paid = (money_figure(q[k]) for k in ("amount", "available", "paid"))
    tiles = html.Div([
        kpi_tile(_("指标金额"), *amount, show_level=False, tile_id="quota-amount",
                 sub=_("本条指标下达的金额")),
        kpi_tile(_("可用指标"), *available, show_level=False, tile_id="quota-available",
                 sub=_("含调整（原指标编号指向本条的指标）")),
        kpi_tile(_("已支付"), *paid, level=over, show_level=over is not None, rate=q["rate"],
                 level_title=view.rule_note("PAY_OVER_QUOTA"), tile_id="quota-paid",
                 sub=_("该指标下的全部支付（含退回冲减）· 占可用指标 {rate}").format(
                     rate=fmt.pct(q["rate"]))),
    ], className="kpi-grid drill-kpis")
    return [
        drill.overspent(over, RULES["PAY_OVER_QUOTA"].name, q["paid"] - q["available"]),
        dbc.Row([dbc.Col(tiles, xl=8, lg=12),
                 dbc.Col(drill.facts(facts), xl=4, lg=12)],
                className="g-3 align-items-start"),
    ]


def payments_block(state: drill.PageState, path: Path) -> html.Div:
    bgt = path.quota["bgt_id"]
    query = grid.payment_query(Scope(as_of=state.filters.as_of, year=state.filters.year),
                               bgt_id=bgt, search=state.get("q"), href=path.link(state))
    return grid.payment_grid("direct-payments", query, dark=state.dark,
                             title=_("指标 {bgt} 的支付明细").format(bgt=bgt), hide=("agency", "func", "eco", "bgt"))

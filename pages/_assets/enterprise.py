"""One enterprise (`enterprise` in the URL, under the 国有企业 or 金融企业
tab): its breaches as of D, its latest report, and every period up to D
with the asset-liability ratio against its industry's lines in force."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import asset_charts, drill, grid, levels
from components import format as fmt
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile, money_figure
from data.i18n import _, ngettext
from data.query.assets import INDUSTRY_TYPES, Enterprise, enterprise_history
from pages._assets import common
from service import view
from service.cache import cached_call

def history_columns() -> list[dict]:
    return [
        {"field": "period", "headerName": _("数据期"), "minWidth": 110, "sort": "desc"},
        grid.money_col("assets", _("资产总额")), grid.money_col("liabilities", _("负债总额")),
        grid.money_col("equity", _("所有者权益")),
        grid.money_col("state_equity", _("国有资本权益")),
        grid.money_col("revenue", _("营业收入（累计）")),
        grid.money_col("profit", _("利润总额（累计）")), grid.rate_col("alr", _("资产负债率")),
        {**grid.level_col("level", _("当期评价")), "minWidth": 260},
    ]


def history(state: drill.PageState) -> list[Enterprise]:
    return cached_call(enterprise_history, common.scope(state), state.get("enterprise"))


def _tiles(e: Enterprise, j: common.Judge) -> html.Div:
    def money(title: str, fen: int | None, tile_id: str, sub: str | None = None):
        number, unit = money_figure(fen)
        return kpi_tile(title, number, unit, show_level=False, tile_id=tile_id, sub=sub)

    judged = not e.financial
    return html.Div([
        money(_("资产总额"), e.assets, "enterprise-assets",
              _("{period}报表").format(period=common.period_label(e.period))),
        money(_("负债总额"), e.liabilities, "enterprise-liabilities"),
        money(_("所有者权益"), e.equity, "enterprise-equity",
              None if e.state_equity is None
              else _("其中国有资本权益 {value}").format(value=fmt.money(e.state_equity))),
        money(_("利润总额"), e.profit, "enterprise-profit", _("本年累计")),
        kpi_tile(_("资产负债率"), fmt.pct(e.alr), level=common.alr_level(e, j) if judged else None,
                 show_level=judged, level_title=j.notes["SOE_ALR"], tile_id="enterprise-alr",
                 sub=" / ".join(ln.text for ln in common.alr_lines(e.industry_type, j)) if judged
                 else _("金融企业不按警戒线评价")),
    ], className="kpi-grid drill-kpis")


def _facts(e: Enterprise) -> html.Dl:
    names = view.names()
    facts = [(_("企业代码"), e.code),
             (_("行业类型"), _(INDUSTRY_TYPES.get(e.industry_type, e.industry_type))),
             (_("所属区划"), names.region.get(e.mof_div, e.mof_div)),
             (_("监管部门"), e.supervisor or "—"), (_("最近一期"), common.period_label(e.period))]
    return html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="quota-facts",
                   id="enterprise-facts")


def _chart(state: drill.PageState, e: Enterprise, reports: list[Enterprise],
           j: common.Judge) -> html.Div:
    lines = common.alr_lines(e.industry_type, j)
    kind = _(INDUSTRY_TYPES.get(e.industry_type, e.industry_type))
    subtitle = _("资产负债率 = 负债总额 ÷ 资产总额；横线为{kind}的{lines}（预警规则当前阈值）").format(
        kind=kind, lines=_("、").join(ln.text for ln in lines)) if lines \
        else _("金融企业不按警戒线评价，仅列示资产负债率")
    fig = asset_charts.ratio_history(
        [r.period for r in reports], [r.alr for r in reports],
        [common.alr_level(r, j, as_of_d=False) for r in reports], lines, name=_("资产负债率"),
        title=_("{name}：各期资产负债率").format(name=e.name), subtitle=subtitle,
        note=common.note(state, "financial" if e.financial else "soe"), dark=state.dark)
    return drill.chart("assets-enterprise-alr", fig, _("资产负债率-{name}").format(name=e.name))


def _rows(reports: list[Enterprise], j: common.Judge) -> list[dict]:
    out = []
    for r in reports:
        alr, loss = common.alr_level(r, j, as_of_d=False), common.loss_level(r, j, as_of_d=False)
        words = [_("{level} 资产负债率").format(level=levels.text(alr)) if levels.flagged(alr) else None,
                 _("{level} 亏损").format(level=levels.text(loss)) if levels.flagged(loss) else None]
        worst = levels.worst(alr, loss)
        out.append({"period": r.period, "assets": fmt.wan(r.assets),
                    "liabilities": fmt.wan(r.liabilities), "equity": fmt.wan(r.equity),
                    "state_equity": fmt.wan(r.state_equity), "revenue": fmt.wan(r.revenue),
                    "profit": fmt.wan(r.profit), "alr": r.alr,
                    "level": _("；").join(w for w in words if w) or levels.text(worst),
                    "lvl": worst})
    return out


def section(state: drill.PageState, reports: list[Enterprise]) -> list:
    e = reports[-1]
    j = common.judge(state, common.SOE_RULES)
    found = common.entity_breaches(state, e.code, common.SOE_RULES)
    return [
        breadcrumb(common.crumbs(state, [("enterprise", e.code,
                                           _("企业：{name}").format(name=e.name))]),
                   id="assets-breadcrumb"),
        common.breach_alerts(found, "enterprise", j.notes),
        dbc.Row([dbc.Col(_tiles(e, j), xl=9, lg=12), dbc.Col(_facts(e), xl=3, lg=12)],
                className="g-3 align-items-start"),
        _chart(state, e, reports, j),
        html.H3(ngettext("{name}：截至日期各期报表（{n} 期）", "{name}：截至日期各期报表（{n} 期）",
                         len(reports)).format(name=e.name, n=len(reports)),
                className="section-title"),
        html.P(_("每期按预警规则当前阈值评价；当前预警以截至日期最近一期为准。"), className="drill-hint"),
        grid.drill_list("assets-enterprise-periods",
                        common.rule_columns(history_columns(), _("；").join(j.notes.values())),
                        _rows(reports, j), dark=state.dark, max_height=560),
    ]

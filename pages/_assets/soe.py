"""国有企业 (non-financial): the totals, each enterprise's asset-liability
ratio against its industry's warning and key-supervision lines, the loss
makers, and the monthly trend of the totals; a bar or row opens the
enterprise (`enterprise` in the URL)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import asset_charts, drill, grid, levels
from components import format as fmt
from components.breadcrumb import breadcrumb
from components.kpi import kpi_tile, money_figure
from data.i18n import _, ngettext
from data.query.assets import (FINANCIAL, INDUSTRY_TYPES, Enterprise, SoeSum, enterprises,
                               soe_by_industry, soe_trend)
from data.rules import LEVEL_ORDER
from pages._assets import common
from service import view
from service.cache import cached_call

def enterprise_columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("企业"), "minWidth": 240, "tooltipField": "name"},
        {"field": "industry", "headerName": _("行业类型"), "minWidth": 120},
        {"field": "region", "headerName": _("区划"), "minWidth": 120},
        {"field": "period", "headerName": _("数据期"), "minWidth": 110},
        grid.money_col("assets", _("资产总额")), grid.money_col("liabilities", _("负债总额")),
        grid.money_col("equity", _("所有者权益")), grid.money_col("profit", _("利润总额")),
        grid.rate_col("alr", _("资产负债率")),
        {**grid.level_col("level", _("预警状态")), "minWidth": 300},
    ]


def stacked(text: str) -> list:
    """A header broken where its (translated) text has a newline."""
    out: list = []
    for k, part in enumerate(text.split("\n")):
        out += [html.Br(), part] if k else [part]
    return out


def enterprise_rows(state: drill.PageState, found: list[Enterprise], j: common.Judge) -> list[dict]:
    """Enterprises worst first, then by ratio; each row opens the enterprise."""
    names = view.names()
    rows = []
    for e in found:
        status, worst = common.soe_status(e, j)
        rows.append({"code": e.code, "name": e.name,
                     "industry": _(INDUSTRY_TYPES.get(e.industry_type, e.industry_type)),
                     "region": names.region.get(e.mof_div, e.mof_div), "period": e.period,
                     "assets": fmt.wan(e.assets), "liabilities": fmt.wan(e.liabilities),
                     "equity": fmt.wan(e.equity), "profit": fmt.wan(e.profit), "alr": e.alr,
                     "level": status, "lvl": worst,
                     "href": state.link(enterprise=e.code)})
    return sorted(rows, key=lambda r: (LEVEL_ORDER.get(r["lvl"], 9), -(r["alr"] or 0)))


def tiles(total: SoeSum, firms: list[Enterprise], j: common.Judge) -> html.Div:
    over = [lv for lv in (j.flags.get(e.code, {}).get("SOE_ALR") for e in firms) if lv]
    losers = [j.flags[e.code]["SOE_LOSS"] for e in firms if "SOE_LOSS" in j.flags.get(e.code, {})]
    period = max((e.period for e in firms), default=None)

    def money(title: str, fen: int, sub: str, tile_id: str):
        number, unit = money_figure(fen)
        return kpi_tile(title, number, unit, show_level=False, sub=sub, tile_id=tile_id)

    alr_level = levels.worst(*over) or ("green" if firms else None)
    loss_level = levels.worst(*losers) or ("green" if firms else None)
    return html.Div([
        money(_("资产总额"), total.assets,
              ngettext("{n} 户非金融企业 · 最近一期 {period}", "{n} 户非金融企业 · 最近一期 {period}",
                       total.enterprises).format(n=total.enterprises,
                                                 period=common.period_label(period)),
              "soe-assets"),
        money(_("负债总额"), total.liabilities, _("各企业截至日期最近一期报表合计"), "soe-liabilities"),
        money(_("所有者权益"), total.equity, _("资产总额减负债总额"), "soe-equity"),
        money(_("利润总额"), total.profit, _("本年累计，各企业最近一期"), "soe-profit"),
        kpi_tile(_("资产负债率"), fmt.pct(total.alr), level=alr_level, show_level=bool(firms),
                 level_text=ngettext("{n} 户超警戒线", "{n} 户超警戒线", len(over))
                 .format(n=len(over)) if over else None,
                 level_title=j.notes["SOE_ALR"], tile_id="soe-alr",
                 sub=_("负债总额 ÷ 资产总额（不含金融企业）；每户企业按所属行业的警戒线单独评价")),
        kpi_tile(_("亏损企业"), str(len(losers)), ngettext("户", "户", len(losers)),
                 level=loss_level, show_level=bool(firms),
                 level_title=j.notes["SOE_LOSS"], tile_id="soe-losses",
                 sub=_("亏损额合计 {value}").format(value=fmt.money(-total.losses))
                 if total.losses else _("没有亏损企业")),
    ], className="kpi-grid drill-kpis")


def alr_chart(state: drill.PageState, firms: list[Enterprise], j: common.Judge) -> html.Div:
    groups = []
    for kind in sorted({e.industry_type for e in firms}):
        mine = sorted((e for e in firms if e.industry_type == kind), key=lambda e: -(e.alr or 0))
        label = _(INDUSTRY_TYPES.get(kind, kind))
        head = ngettext("{kind}（{n} 户，资产负债率最高的 {top} 户）",
                        "{kind}（{n} 户，资产负债率最高的 {top} 户）", len(mine)) \
            if len(mine) > common.TOP_N else ngettext("{kind}（{n} 户）", "{kind}（{n} 户）", len(mine))
        bars = []
        for e in mine[:common.TOP_N]:
            lv = common.alr_level(e, j)
            hover = "<br>".join([
                f"<b>{e.name}</b>", f"{label} · {common.period_label(e.period)}",
                _("资产总额 {value}").format(value=fmt.money(e.assets)),
                _("负债总额 {value}").format(value=fmt.money(e.liabilities)),
                _("资产负债率 {value}").format(value=fmt.pct(e.alr)) + f" {levels.text(lv)}",
                j.notes["SOE_ALR"], _("点击查看该企业各期报表")])
            bars.append(asset_charts.Bar(e.name, e.alr, lv, f"{fmt.pct(e.alr)}  {levels.text(lv)}",
                                         hover, state.link(enterprise=e.code)))
        groups.append((head.format(kind=label, n=len(mine), top=common.TOP_N),
                       common.alr_lines(kind, j), bars))
    fig = asset_charts.grouped_ratio_bars(
        groups, title=_("{region}：各国有企业资产负债率与警戒线").format(
            region=common.region_label(state)),
        subtitle=_("资产负债率 = 负债总额 ÷ 资产总额；虚线为警戒线（关注），点线为重点监管线（严重），"
                   "按工业、非工业企业分别设定（预警规则当前阈值）；金融企业不评价"),
        note=common.note(state, "soe"), dark=state.dark)
    return drill.chart("assets-alr", fig, _("国有企业资产负债率"))


def industry_table(total: SoeSum, by_type: list[SoeSum], firms, j: common.Judge,
                   financial: SoeSum | None) -> html.Div:
    """Each industry type: its sums, ratio, lines in force and flagged enterprises."""
    unit = fmt.pick_unit([total.assets])
    units = fmt.unit_label(unit)
    head = (_("行业类型"), _("户数"), stacked(_("资产总额\n（{unit}）").format(unit=units)),
            stacked(_("负债总额\n（{unit}）").format(unit=units)), stacked(_("资产\n负债率")),
            stacked(_("警戒线 /\n重点监管线")), _("超线企业"), _("亏损企业"))

    def row(label: str, r: SoeSum, kind: str | None) -> html.Tr:
        over = [j.flags[e.code]["SOE_ALR"] for e in firms
                if (kind is None or e.industry_type == kind) and "SOE_ALR" in j.flags.get(e.code, {})]
        lines = " / ".join(fmt.pct(ln.value, 0) for ln in common.alr_lines(kind, j)) if kind else "—"
        return html.Tr([html.Td(label), html.Td(r.enterprises, className="num"),
                        *(html.Td(f"{fmt.in_unit(v, unit):,.2f}", className="num")
                          for v in (r.assets, r.liabilities)),
                        html.Td(fmt.pct(r.alr), className="num"), html.Td(lines, className="num"),
                        html.Td(" · ".join(f"{levels.text(lv)} {over.count(lv)}"
                                           for lv in ("red", "orange", "yellow") if lv in over)
                                or levels.text("green")),
                        html.Td(ngettext("{n} 户", "{n} 户", r.loss_making).format(n=r.loss_making),
                                className="num")])

    body = [row(_(INDUSTRY_TYPES.get(r.key, r.key)), r, r.key) for r in by_type]
    body.append(row(_("合计（不含金融）"), total, None))
    return html.Div([
        html.H3(_("分行业汇总"), className="section-title"),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                            className="table assets-table", id="soe-industries",
                            title=j.notes["SOE_ALR"]), className="table-responsive"),
        html.P(ngettext("另有金融企业 {n} 户，资产总额 {assets}，资产负债结构与一般企业不同，"
                        "不计入上表和资产负债率，见“金融企业”页签。",
                        "另有金融企业 {n} 户，资产总额 {assets}，资产负债结构与一般企业不同，"
                        "不计入上表和资产负债率，见“金融企业”页签。", financial.enterprises)
               .format(n=financial.enterprises, assets=fmt.money(financial.assets))
               if financial else _("所选区划没有金融企业。"), className="drill-hint",
               id="soe-financial-apart"),
    ])


def loss_list(state: drill.PageState, firms: list[Enterprise], j: common.Judge) -> list:
    losers = sorted((e for e in firms if j.flags.get(e.code, {}).get("SOE_LOSS")),
                    key=lambda e: e.profit)
    rows = [{"name": e.name, "period": e.period, "profit": fmt.wan(e.profit),
             "revenue": fmt.wan(e.revenue), "level": common.soe_status(e, j)[0],
             "lvl": j.flags[e.code]["SOE_LOSS"], "href": state.link(enterprise=e.code)}
            for e in losers]
    return [
        html.H3(ngettext("亏损企业（{n} 户）", "亏损企业（{n} 户）", len(losers)).format(n=len(losers)),
                className="section-title"),
        html.P(j.notes["SOE_LOSS"], className="drill-hint", id="soe-loss-rule"),
        grid.drill_list("assets-losses", [
            {"field": "name", "headerName": _("企业"), "minWidth": 240},
            {"field": "period", "headerName": _("数据期"), "minWidth": 110},
            grid.money_col("revenue", _("营业收入")), grid.money_col("profit", _("利润总额")),
            grid.level_col("level", _("预警状态"))], rows, dark=state.dark, max_height=360)
        if losers else html.P(_("没有亏损企业。"), className="drill-empty"),
    ]


def trend_chart(state: drill.PageState) -> html.Div:
    months = cached_call(soe_trend, common.scope(state))
    fig = asset_charts.stock_trend(
        [m.key for m in months],
        [(_("资产总额"), [m.assets for m in months], "#0072B2"),
         (_("负债总额"), [m.liabilities for m in months], "#CC79A7")],
        (_("资产负债率（右轴）"), [m.alr for m in months]),
        title=_("{region}：国有企业资产、负债总额逐月变化（不含金融企业）").format(
            region=common.region_label(state)),
        subtitle=_("每月为各企业截至该月最近一期报表之和；点线为资产负债率（右轴）"),
        note=common.note(state, "soe"), dark=state.dark)
    return drill.chart("assets-soe-trend", fig, _("国有企业资产负债逐月"))


def section(state: drill.PageState) -> tuple[list, list[str]]:
    scope = common.scope(state)
    found = cached_call(enterprises, scope)
    firms = [e for e in found if not e.financial]
    by_type = cached_call(soe_by_industry, scope)
    judged = [r for r in by_type if r.key != FINANCIAL]
    financial = next((r for r in by_type if r.key == FINANCIAL), None)
    total = SoeSum.total(judged)
    j = common.judge(state, common.SOE_RULES)
    out = [breadcrumb(common.crumbs(state), id="assets-breadcrumb")]
    if not firms:
        out.append(html.P(_("所选区划在截至日期前没有非金融企业的财务报表。")
                          + (_("金融企业见“金融企业”页签。") if financial else ""),
                          className="drill-empty", id="soe-empty"))
        return out, []
    out += [
        tiles(total, firms, j),
        dbc.Row([dbc.Col([alr_chart(state, firms, j),
                          html.P(_("点击条形或表格中的一行，查看该企业各期报表。"),
                                 className="drill-hint")],
                         xl=7, lg=12),
                 dbc.Col([industry_table(total, judged, firms, j, financial),
                          *loss_list(state, firms, j)], xl=5, lg=12)], className="g-4"),
        html.H3(ngettext("全部国有企业（{n} 户，不含金融企业）", "全部国有企业（{n} 户，不含金融企业）",
                         len(firms)).format(n=len(firms)), className="section-title"),
        grid.drill_list("assets-soe-rows",
                        common.rule_columns(enterprise_columns(), _("；").join(j.notes.values())),
                        enterprise_rows(state, firms, j),
                        dark=state.dark, max_height=560),
        trend_chart(state),
    ]
    return out, []

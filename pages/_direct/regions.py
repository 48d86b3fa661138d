"""The region comparison: the children of the region (and its own records),
each rolled up over the regions below it, for one fund with both rules'
levels of FUND@CHILD, or for all funds with the breaches found there."""
from __future__ import annotations

from dash import html

from components import charts, drill, grid, levels
from components.charts import ACTUAL_COLOR, BUDGET_COLOR
from data.hierarchy import has_children
from data.i18n import _, ngettext
from data.query.direct_funds import DirectRow, region_rows
from data.rules import LEVEL_ORDER
from pages._direct import table
from pages._direct.funds import note
from pages._direct.state import Path, region_label
from pages._direct.status import ALLOC, PAY, Status, Verdicts, counts_text, worst
from service import view
from service.cache import cached_call

TOP_N = 20
ALLOCATED_COLOR = "#56B4E9"  # Okabe–Ito sky blue, between the budget grey and the paid blue


def _all_funds_status(verdicts: Verdicts, r: DirectRow) -> Status:
    """A region's row over all funds: no rule judges the sum, so it carries
    the breaches of the funds at that region (with the regions below it)."""
    if r.own:
        return Status(None, _("○本级不单独评价"), _("规则评价整个区划（含下级），本级数据不单独评价。"))
    found = verdicts.in_region(r.code)
    if not found:
        return Status(None, _("无预警"), _("该区划（含下级）没有直达资金分配或支出滞后的预警。"))
    return Status(levels.worst(*(b.level for b in found)),
                  _("{counts} 项预警").format(counts=counts_text(found)),
                  _("；").join(view.breach_message(b) for b in found))


def section(state: drill.PageState, path: Path, verdicts: Verdicts) -> list:
    if path.region is not None and not has_children(view.names().region_parent, path.region):
        return []
    fund = path.fund.code if path.fund else None
    rows = cached_call(region_rows, path.scope(state), fund)
    if fund:
        alloc = [verdicts.status(ALLOC, fund, r.code, r) for r in rows]
        pay = [verdicts.status(PAY, fund, r.code, r) for r in rows]
        flags = [[s for s in (a, p) if s.flagged] for a, p in zip(alloc, pay)]
    else:
        alloc = pay = [_all_funds_status(verdicts, r) for r in rows]
        flags = [[s] if s.flagged else [] for s in alloc]
    hrefs = [None if r.own else path.link(state, mof_div=r.code, agency=None, bgt_id=None)
             for r in rows]
    # the chart: regions with figures, flagged first, then the largest
    shown = [i for i in range(len(rows)) if flags[i] or rows[i].received or rows[i].allocated
             or rows[i].paid]
    order = sorted(shown, key=lambda i: (
        LEVEL_ORDER[worst(flags[i])] if flags[i] else len(LEVEL_ORDER),
        -rows[i].received, rows[i].code))[:TOP_N]
    what = path.fund.name if path.fund else _("直达资金")
    region = region_label(path)
    title = _("{region}：各下级区划{what}的下达、分配和支出").format(region=region, what=what)
    if len(shown) > TOP_N:
        title += ngettext("（有预警及金额最大的 {top} 个，共 {n} 个）",
                          "（有预警及金额最大的 {top} 个，共 {n} 个）", len(shown)).format(
            top=TOP_N, n=len(shown))
    chart = html.P(_("下级区划都没有{what}的下达、分配或支出。").format(what=what),
                   className="drill-empty") \
        if not order else drill.chart(
        "direct-regions", charts.budget_vs_actual(
            categories=[rows[i].name for i in order],
            series=[(_("上级下达"), [rows[i].received for i in order], BUDGET_COLOR),
                    (_("已分配"), [rows[i].allocated for i in order], ALLOCATED_COLOR),
                    (_("已支付"), [rows[i].paid for i in order], ACTUAL_COLOR)],
            title=title, note=note(state), rate_series=2,
            subtitle=_("含各区划的下级区划；括号内为支付率（已支付 ÷ 上级下达）"),
            hrefs=[hrefs[i] for i in order],
            flags=[" ".join(s.text for s in flags[i]) for i in order],
            flag_levels=[worst(flags[i]) for i in order], dark=state.dark),
        _("直达资金区划对比-{region}").format(region=region))
    return [
        html.H3(_("{region}：区划对比").format(region=region), className="section-title"),
        html.P(_("点击条形或一行，查看该区划。"), className="drill-hint"),
        chart,
        grid.drill_list("direct-region-rows", table.columns(_("区划"), by_rule=fund is not None),
                        table.rows(rows, alloc, pay, hrefs), dark=state.dark, max_height=560),
    ]

"""直达资金: central direct funds received, allocated and paid, by fund and by
region, drilled fund → region → recipient agency → quota → payments, each
level coloured only by the rule engine (DIRECT_ALLOC_SLOW, DIRECT_PAY_LAG of
FUND@REGION) and the payments to the unit's own account (SELF_TRANSFER)
listed. Every state is the URL: `fund`, `mof_div`, `agency`, `bgt_id`, `q`
and the global filters."""
from __future__ import annotations

import dash

from components import drill
from components import format as fmt
from components.breadcrumb import breadcrumb
from data.i18n import N_, _
from data.query import scope_tp
from pages._direct import funds, regions, self_transfer, state as drill_state, units
from pages._direct.status import ALLOC, PAY, Verdicts
from pages._direct.tiles import agency_tiles, fund_tiles
from pages._shared import scaffold

PATH = "/direct-funds"
dash.register_page(__name__, path=PATH, name=N_("直达资金"),
                   title=scaffold.browser_title(N_("直达资金")), order=3, icon="bi-send-check",
                   description=scaffold.in_language(N_("中央直达资金的下达、分配和支出，按资金和区划下钻到单位、指标和每一笔支付")))


def body(state: drill.PageState, path: drill_state.Path) -> list:
    out: list = [breadcrumb(drill_state.crumbs(state, path), id="direct-breadcrumb")]
    if path.level == "quota":
        return out + units.quota_detail(state, path) + [units.payments_block(state, path)]
    verdicts = Verdicts(path.as_of(state), path.region)
    flagged = self_transfer.found(state, path)
    if path.level == "root":
        out += funds.section(state, path, verdicts) + regions.section(state, path, verdicts)
    elif path.level == "fund":
        row = path.fund
        out.append(fund_tiles(row, verdicts.status(ALLOC, row.code, path.region, row),
                              verdicts.status(PAY, row.code, path.region, row),
                              verdicts.grace[PAY]))
        out += regions.section(state, path, verdicts)
        out += units.recipients_section(state, path, self_transfer.by_agency(flagged))
    else:  # an agency
        out += [agency_tiles(units.recipient(state, path)), *units.quota_section(state, path)]
    return out + self_transfer.section(state, path, flagged)


@scaffold.page(PATH, N_("直达资金"), empty=N_("请先导入直达资金下达、预算指标和国库集中支付数据。"),
               page_id="direct")
def layout(state: drill.PageState, _tab: None) -> scaffold.View:
    path, notes = drill_state.resolve(state)
    scope = path.scope(state)
    return scaffold.View(
        caption=_("{note} · {year}年 · 序时进度 {tp}").format(
            note=fmt.as_of_note(path.as_of(state), _(funds.SOURCE)), year=scope.fiscal_year,
            tp=fmt.pct(scope_tp(scope))),
        body=body(state, path), notices=notes)

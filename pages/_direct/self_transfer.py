"""Payments of direct funds to the paying unit's own account (rule
SELF_TRANSFER): the engine's breaches in the region, kept where the payment
carries the fund (any direct fund at the top of the drill), each row opening
the payment: its quota's payment list searched for it, or, for a payment
without a quota to D, the rule's own link."""
from __future__ import annotations

from dash import html

from components import drill, grid, levels, urlstate
from data.i18n import _, ngettext
from data.query.direct_funds import fund_names, payment_funds
from data.rules import LEVEL_ORDER, RULES, Breach
from pages._direct.state import Path
from pages._direct.status import sentence, then
from service import view
from service.cache import cached_call

RULE = "SELF_TRANSFER"


def found(state: drill.PageState, path: Path) -> list[tuple[Breach, dict]]:
    """(breach, its payment) of the direct-fund payments flagged SELF_TRANSFER,
    of the path's fund (all funds at the top) and agency, worst first."""
    hits = [b for b in view.breaches_in(path.as_of(state), path.region) if b.rule == RULE]
    paid = cached_call(payment_funds, path.scope(state),
                       tuple(sorted(b.entity_code for b in hits)))
    fund = path.fund.code if path.fund else None
    out = []
    for b in hits:
        p = paid.get(b.entity_code)
        if p and p["fund"] and fund in (None, p["fund"]) and path.agency in (None, b.agency):
            out.append((b, p))
    return sorted(out, key=lambda bp: (LEVEL_ORDER[bp[0].level], bp[0].entity_code))


def href(state: drill.PageState, path: Path, b: Breach, p: dict) -> str:
    if p["quota"]:
        return path.link(state, fund=p["fund"], agency=p["agency"], bgt_id=p["bgt_id"],
                         q=b.entity_code)
    target, params = RULES[RULE].link(b)
    return urlstate.link(target, {**urlstate.keep_global(state.params), **params})


def by_agency(items: list[tuple[Breach, dict]]) -> dict[str, list[Breach]]:
    out: dict[str, list[Breach]] = {}
    for b, p in items:
        out.setdefault(p["agency"], []).append(b)
    return out


def mark(found_here: list[Breach]) -> str:
    """`▲严重 向本单位转款 2 笔` for an agency's row ('' without)."""
    if not found_here:
        return ""
    worst = levels.worst(*(b.level for b in found_here))
    return ngettext("{level} {rule} {n} 笔", "{level} {rule} {n} 笔", len(found_here)).format(
        level=levels.text(worst), rule=RULES[RULE].name, n=len(found_here))


def columns() -> list[dict]:
    return [
        {**grid.level_col("level", _("等级")), "minWidth": 110, "pinned": "left"},
        {"field": "agency", "headerName": _("付款单位"), "minWidth": 220, "tooltipField": "agency"},
        {"field": "fund", "headerName": _("直达资金"), "minWidth": 200},
        {"field": "cert", "headerName": _("支付凭证号"), "minWidth": 200},
        {"field": "date", "headerName": _("支付日期"), "minWidth": 120},
        grid.money_col("amount", _("金额"), "元"),  # i18n: data (unit code)
        {"field": "message", "headerName": _("说明"), "flex": 1, "minWidth": 360,
         "tooltipField": "message"},
    ]


def section(state: drill.PageState, path: Path, items: list[tuple[Breach, dict]]) -> list:
    names, funds = view.names(), cached_call(fund_names)
    rows = [{"level": levels.text(b.level), "lvl": b.level,
             "agency": names.agency_label(b.agency) if b.agency else p["agency"],
             "fund": funds.get(p["fund"], p["fund"]), "cert": b.entity_code,
             "date": p["pay_date"].isoformat(), "amount": p["amount"] / 100,
             "message": view.breach_message(b), "href": href(state, path, b, p)} for b, p in items]
    return [
        html.H3(ngettext("直达资金转入本单位账户（{n} 笔）", "直达资金转入本单位账户（{n} 笔）",
                         len(rows)).format(n=len(rows)), className="section-title",
                id="direct-self-title", title=RULES[RULE].explain),
        html.P(then(sentence(RULE), _("点击一行查看这笔支付。")) if rows else sentence(RULE),
               className="drill-hint"),
        grid.drill_list("direct-self", columns(), rows, dark=state.dark, max_height=420) if rows
        else html.P(_("没有直达资金转入本单位账户的支付。"), className="drill-empty",
                    id="direct-self-none"),
    ]

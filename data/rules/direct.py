"""Direct-fund rules, per direct fund and region (entity
DIRECT_FUND_CODE@MOF_DIV_CODE). Direct funds roll up like every flow: a region
has received what the direct_fund rows of year(D) give it and every region
below it, counting the rows whose D − RECEIVED_DATE exceeds the grace days
(money still inside its grace is not yet judged); a region is judged where
that sum is positive. Allocation (quotas to D carrying the fund's code) and
spending (payments to D carrying it) roll up over the same regions.

Values: DIRECT_ALLOC_SLOW allocated/received (threshold the ratio line);
DIRECT_PAY_LAG (paid/received − TP)·100 in pp (threshold −lag)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import select

from data import schema as s
from data.rules.breach import Breach, line_zh, pct, pct_line, pp, yuan
from data.rules.context import Context, present
from data.rules.grading import grade
from data.rules.registry import RULES, plain


@dataclass(frozen=True)
class Received:
    fund: str
    region: str
    name: str  # the fund's name
    amount: int  # fen received past the grace days, the region and below
    first: date  # the earliest of those receipts
    last: date  # the latest of them


def _received(ctx: Context, rule_id: str) -> list[Received]:
    """Every (fund, region) with money received past the grace days, rolled up."""
    grace = ctx.days(rule_id, "grace_days")
    d = s.direct_fund
    rows = [r for r in ctx.conn.execute(select(d).where(d.c.fiscal_year == ctx.year))
            if (ctx.as_of - r.received_date).days > grace]
    names = {r.direct_fund_code: r.direct_fund_name for r in rows}
    own: dict[str, dict[str, int]] = defaultdict(dict)
    dates: dict[tuple[str, str], list[date]] = defaultdict(list)
    for r in rows:
        own[r.direct_fund_code][r.mof_div_code] = \
            own[r.direct_fund_code].get(r.mof_div_code, 0) + r.received_amount
        for above in ctx.region.ancestors(r.mof_div_code):
            dates[(r.direct_fund_code, above)].append(r.received_date)
    out = []
    for fund in sorted(own):
        for region, amount in sorted(ctx.rollup(own[fund]).items()):
            if amount > 0 and region in ctx.region:
                when = dates[(fund, region)]
                out.append(Received(fund, region, names[fund], amount, min(when), max(when)))
    return out


def _by_fund_rolled(ctx: Context, sums: dict[tuple, int]) -> dict[str, dict[str, int]]:
    """{fund: {region: amount over that region and below}} from sums keyed (fund, region)."""
    own: dict[str, dict[str, int]] = defaultdict(dict)
    for (fund, region), amount in sums.items():
        if fund and fund.strip():
            own[fund.strip()][region] = own[fund.strip()].get(region, 0) + amount
    return {fund: ctx.rollup(regions) for fund, regions in own.items()}


def _breach(ctx: Context, rule_id, level, got: Received, value, line, message) -> Breach:
    name = f"{ctx.region_name(got.region)} {got.name}"
    when = str(got.first) if got.first == got.last else f"{got.first} 至 {got.last}"  # i18n: data
    return ctx.breach(
        rule_id, level, f"{got.fund}@{got.region}", value, line,
        f"{name}：{when} 收到 {yuan(got.amount)}（含下级区划），{message}",  # i18n: data
        name=name, mof_div=got.region)


def direct_alloc_slow(ctx: Context) -> list[Breach]:
    rule, t = RULES["DIRECT_ALLOC_SLOW"], ctx.thresholds("DIRECT_ALLOC_SLOW")
    allocated = _by_fund_rolled(ctx, ctx.quotas(("direct_fund_code", "mof_div_code"),
                                                [present(s.quota.c.direct_fund_code)]))
    out = []
    for got in _received(ctx, rule.id):
        amount = allocated.get(got.fund, {}).get(got.region, 0)
        ratio = Fraction(amount, got.amount)
        hit = grade(rule, t, ratio)
        if hit:
            level, line = hit
            out.append(_breach(ctx, rule.id, level, got, ratio, line,
                               f"已分配 {yuan(amount)}，分配率 {pct(ratio)}"  # i18n: data
                               f"（{line_zh(level)} {pct_line(line)}）"))  # i18n: data
    return out


def direct_pay_lag(ctx: Context) -> list[Breach]:
    rule, t = RULES["DIRECT_PAY_LAG"], ctx.thresholds("DIRECT_PAY_LAG")
    paid = _by_fund_rolled(ctx, ctx.paid(("direct_fund_code", "mof_div_code"),
                                         lambda table: [present(table.c.direct_fund_code)]))
    out = []
    for got in _received(ctx, rule.id):
        amount = paid.get(got.fund, {}).get(got.region, 0)
        rate = Fraction(amount, got.amount)
        gap = (rate - ctx.tp) * 100
        hit = grade(rule, t, gap)
        if hit:
            level, line = hit
            out.append(_breach(ctx, rule.id, level, got, gap, line,
                               f"已支出 {yuan(amount)}，支出率 {pct(rate)}，低于序时进度 {pp(-gap)} 个百分点"  # i18n: data
                               f"（{line_zh(level)} {plain(-line)}）"))  # i18n: data
    return out


EVALUATORS = {"DIRECT_ALLOC_SLOW": direct_alloc_slow, "DIRECT_PAY_LAG": direct_pay_lag}

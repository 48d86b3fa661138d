"""Direct-fund rules, per direct_fund row of year(D) (entity
DIRECT_FUND_CODE@MOF_DIV_CODE) once D − RECEIVED_DATE exceeds the grace days;
allocation (quotas to D carrying the fund's code) and spending (payments to
D carrying it) roll up over the row's region and every region below it.

Values: DIRECT_ALLOC_SLOW allocated/received (threshold the ratio line);
DIRECT_PAY_LAG (paid/received − TP)·100 in pp (threshold −lag)."""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from sqlalchemy import select

from data import schema as s
from data.rules.breach import Breach, line_zh, pct, pct_line, pp, yuan
from data.rules.context import Context, present
from data.rules.grading import grade
from data.rules.registry import RULES, plain


def _due_rows(ctx: Context, rule_id: str) -> list:
    grace = ctx.days(rule_id, "grace_days")
    d = s.direct_fund
    rows = ctx.conn.execute(select(d).where(d.c.fiscal_year == ctx.year))
    return [r for r in rows if (ctx.as_of - r.received_date).days > grace and r.received_amount > 0]


def _by_fund_rolled(ctx: Context, sums: dict[tuple, int]) -> dict[str, dict[str, int]]:
    """{fund: {region: amount over that region and below}} from sums keyed (fund, region)."""
    own: dict[str, dict[str, int]] = defaultdict(dict)
    for (fund, region), amount in sums.items():
        if fund and fund.strip():
            own[fund.strip()][region] = own[fund.strip()].get(region, 0) + amount
    return {fund: ctx.rollup(regions) for fund, regions in own.items()}


def _breach(ctx: Context, rule_id, level, row, value, line, message) -> Breach:
    name = f"{ctx.region_name(row.mof_div_code)} {row.direct_fund_name}"
    return ctx.breach(
        rule_id, level, f"{row.direct_fund_code}@{row.mof_div_code}", value, line,
        f"{name}：{row.received_date} 收到 {yuan(row.received_amount)}，{message}",
        name=name, mof_div=row.mof_div_code)


def direct_alloc_slow(ctx: Context) -> list[Breach]:
    rule, t = RULES["DIRECT_ALLOC_SLOW"], ctx.thresholds("DIRECT_ALLOC_SLOW")
    allocated = _by_fund_rolled(ctx, ctx.quotas(("direct_fund_code", "mof_div_code"),
                                                [present(s.quota.c.direct_fund_code)]))
    out = []
    for row in _due_rows(ctx, rule.id):
        amount = allocated.get(row.direct_fund_code, {}).get(row.mof_div_code, 0)
        ratio = Fraction(amount, row.received_amount)
        hit = grade(rule, t, ratio)
        if hit:
            level, line = hit
            out.append(_breach(ctx, rule.id, level, row, ratio, line,
                               f"已分配 {yuan(amount)}，分配率 {pct(ratio)}（{line_zh(level)} {pct_line(line)}）"))
    return out


def direct_pay_lag(ctx: Context) -> list[Breach]:
    rule, t = RULES["DIRECT_PAY_LAG"], ctx.thresholds("DIRECT_PAY_LAG")
    paid = _by_fund_rolled(ctx, ctx.paid(("direct_fund_code", "mof_div_code"),
                                         lambda table: [present(table.c.direct_fund_code)]))
    out = []
    for row in _due_rows(ctx, rule.id):
        amount = paid.get(row.direct_fund_code, {}).get(row.mof_div_code, 0)
        rate = Fraction(amount, row.received_amount)
        gap = (rate - ctx.tp) * 100
        hit = grade(rule, t, gap)
        if hit:
            level, line = hit
            out.append(_breach(ctx, rule.id, level, row, gap, line,
                               f"已支出 {yuan(amount)}，支出率 {pct(rate)}，低于序时进度 {pp(-gap)} 个百分点"
                               f"（{line_zh(level)} {plain(-line)}）"))
    return out


EVALUATORS = {"DIRECT_ALLOC_SLOW": direct_alloc_slow, "DIRECT_PAY_LAG": direct_pay_lag}

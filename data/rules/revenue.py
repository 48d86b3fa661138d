"""Revenue rules per region, rolled up over the regions below: REVENUE_LAG
(value: the gap (collected/budget − TP)·100 in pp, threshold −lag) and
TAX_SHARE_LOW (value: the tax share, threshold the share line).

Revenue to D is fund type 1 of year(D) with PERIOD ≤ the month of D; the
budget is every stage of year(D), fund type 1."""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import case, func, select

from data import schema as s
from data.rules.breach import Breach, line_zh, pct, pct_line, pp, yuan
from data.rules.context import Context
from data.rules.grading import grade
from data.rules.registry import RULES, plain

GENERAL_BUDGET = "1"
TAX_PREFIX = "101"


def _collected(ctx: Context) -> tuple[dict[str, int], dict[str, int]]:
    """(all, tax) fund-type-1 revenue to D per region, rolled up."""
    def compute():
        r = s.revenue
        tax = func.sum(case((r.c.revenue_code.like(f"{TAX_PREFIX}%"), r.c.amount), else_=0))
        rows = ctx.conn.execute(
            select(r.c.mof_div_code, func.sum(r.c.amount), tax)
            .where(r.c.fiscal_year == ctx.year, r.c.period <= ctx.period,
                   r.c.fund_type_code == GENERAL_BUDGET)
            .group_by(r.c.mof_div_code)).all()
        return (ctx.rollup({div: int(total) for div, total, _tax in rows}),
                ctx.rollup({div: int(tax_amount) for div, _total, tax_amount in rows}))
    return ctx.memo("revenue_to_d", compute)


def _region_breach(ctx: Context, rule_id, level, region, value, line, message) -> Breach:
    name = ctx.region_name(region)
    return ctx.breach(rule_id, level, region, value, line, f"{name} {message}", name=name,
                      mof_div=region)


def revenue_lag(ctx: Context) -> list[Breach]:
    rule, t = RULES["REVENUE_LAG"], ctx.thresholds("REVENUE_LAG")
    b = s.revenue_budget
    budget = ctx.rollup({div: int(amount) for div, amount in ctx.conn.execute(
        select(b.c.mof_div_code, func.sum(b.c.amount))
        .where(b.c.fiscal_year == ctx.year, b.c.fund_type_code == GENERAL_BUDGET)
        .group_by(b.c.mof_div_code))})
    collected, _tax = _collected(ctx)
    out = []
    for region, planned in budget.items():
        if planned <= 0:
            continue
        got = collected.get(region, 0)
        rate = Fraction(got, planned)
        gap = (rate - ctx.tp) * 100
        hit = grade(rule, t, gap)
        if hit:
            level, line = hit
            out.append(_region_breach(
                ctx, rule.id, level, region, gap, line,
                f"一般公共预算收入 {yuan(got)}，完成预算 {yuan(planned)} 的 {pct(rate)}，"  # i18n: data
                f"低于序时进度 {pp(-gap)} 个百分点（{line_zh(level)} {plain(-line)}）"))  # i18n: data
    return out


def tax_share_low(ctx: Context) -> list[Breach]:
    rule, t = RULES["TAX_SHARE_LOW"], ctx.thresholds("TAX_SHARE_LOW")
    collected, tax = _collected(ctx)
    out = []
    for region, total in collected.items():
        if total <= 0:
            continue
        share = Fraction(tax.get(region, 0), total)
        hit = grade(rule, t, share)
        if hit:
            level, line = hit
            out.append(_region_breach(
                ctx, rule.id, level, region, share, line,
                f"税收收入 {yuan(tax.get(region, 0))}，占一般公共预算收入 {yuan(total)} 的 "  # i18n: data
                f"{pct(share)}（{line_zh(level)} {pct_line(line)}）"))  # i18n: data
    return out


EVALUATORS = {"REVENUE_LAG": revenue_lag, "TAX_SHARE_LOW": tax_share_low}

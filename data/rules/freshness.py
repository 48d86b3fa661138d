"""DATA_STALE: per dataset × region, the latest data date on or before D of
payment (PAY_DATE), revenue, soe_financial and admin_asset (PERIOD ≤ the
month of D, a period counting as its last day; admin_asset's region is its
agency's), taken over the region and every region below it.

A region with no data of a dataset, itself or below, is not judged for that
dataset: a township without enterprises has no SOE data to be late with.
Value: days from the latest date to D; threshold: the maximum age in days.
"""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import func, select

from data import schema as s
from data.rules.breach import Breach, line_zh
from data.rules.context import Context, month_number
from data.rules.grading import grade
from data.rules.registry import RULES

DATASET_ZH = {"payment": "支付", "revenue": "收入", "soe_financial": "国企财务",  # i18n: data
              "admin_asset": "行政事业资产"}  # i18n: data


def _period_end(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def _latest_payment(ctx: Context) -> dict[str, date]:
    p = s.payment
    # Each region's latest month from the aggregate, then the exact day from
    # the payments of that month (a pay_date range per distinct month).
    a = s.agg_payment_month
    months = dict(ctx.conn.execute(select(a.c.mof_div_code, func.max(a.c.pay_ym))
                                   .where(a.c.pay_ym < month_number(ctx.as_of))
                                   .group_by(a.c.mof_div_code)).all())
    this_month = dict(ctx.conn.execute(
        select(p.c.mof_div_code, func.max(p.c.pay_date))
        .where(p.c.pay_date >= ctx.as_of.replace(day=1), p.c.pay_date <= ctx.as_of)
        .group_by(p.c.mof_div_code)).all())
    latest = dict(this_month)
    earlier = {region: ym for region, ym in months.items() if region not in this_month}
    for ym in sorted(set(earlier.values())):
        regions = [r for r, m in earlier.items() if m == ym]
        first = date(ym // 100, ym % 100, 1)
        last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        latest.update(ctx.conn.execute(
            select(p.c.mof_div_code, func.max(p.c.pay_date))
            .where(p.c.pay_date >= first, p.c.pay_date <= last, p.c.mof_div_code.in_(regions))
            .group_by(p.c.mof_div_code)).all())
    return latest


def _latest_periods(ctx: Context, region_col, period_col, *joins) -> dict[str, date]:
    stmt = select(region_col, func.max(period_col)).where(period_col <= ctx.period)
    for table, on in joins:
        stmt = stmt.join(table, on)
    return {region: _period_end(period)
            for region, period in ctx.conn.execute(stmt.group_by(region_col))}


def data_stale(ctx: Context) -> list[Breach]:
    rule, t = RULES["DATA_STALE"], ctx.thresholds("DATA_STALE")
    r, f, a, ag = s.revenue, s.soe_financial, s.admin_asset, s.agency
    own = {
        "payment": _latest_payment(ctx),
        "revenue": _latest_periods(ctx, r.c.mof_div_code, r.c.period),
        "soe_financial": _latest_periods(ctx, f.c.mof_div_code, f.c.period),
        "admin_asset": _latest_periods(ctx, ag.c.mof_div_code, a.c.period,
                                       (ag, ag.c.agency_code == a.c.agency_code)),
    }
    out = []
    for dataset, by_region in own.items():
        latest: dict[str, date] = {}
        for region, when in by_region.items():
            for above in ctx.region.ancestors(region):
                if above not in latest or when > latest[above]:
                    latest[above] = when
        for region, when in latest.items():
            days = (ctx.as_of - when).days
            hit = grade(rule, t, days)
            if hit:
                level, line = hit
                name = f"{ctx.region_name(region)} {DATASET_ZH[dataset]}数据"  # i18n: data
                out.append(ctx.breach(
                    rule.id, level, f"{dataset}@{region}", days, line,
                    f"{name}最新到 {when}，已 {days} 天没有更新（{line_zh(level)} {int(line)} 天）",  # i18n: data
                    name=name, mof_div=region))
    return out


EVALUATORS = {"DATA_STALE": data_stale}

"""Budget execution rules: EXEC_LAG, EXEC_LOW_Q3, PROJECT_STALLED,
YEAR_END_SURGE, OTHER_ECON_SHARE, THREE_PUBLIC_OVER.

Values: EXEC_LAG the gap (rate − TP)·100 in pp, threshold −lag; EXEC_LOW_Q3
the rate, threshold the rate line; PROJECT_STALLED the days since the last
payment to D (without one: since the first DOC_DATE), threshold the idle days;
YEAR_END_SURGE and OTHER_ECON_SHARE the share, threshold the share line;
THREE_PUBLIC_OVER paid − quota in yuan, threshold 0.
"""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import case, func, select

from data import schema as s
from data.rules.breach import Breach, line_zh, pct, pct_line, pp, yuan
from data.rules.context import Context, present
from data.rules.grading import grade, yuan_of_fen
from data.rules.registry import RULES, plain

THREE_PUBLIC_ECO_CODES = ("30212", "30217", "30231", "31013")
CHUNK = 500


def third_quarter_over(d: date) -> bool:
    """EXEC_LOW_Q3 judges from 30 September on."""
    return d >= date(d.year, 9, 30)


def _agency_execution(ctx: Context, rule_id: str) -> list[tuple[str, int, int]]:
    """(agency, quota to D, paid to D) for agencies at or above the rule's minimum quota."""
    quota = ctx.memo("quota_by_agency", lambda: ctx.quotas(("agency_code",)))
    paid = ctx.memo("paid_by_agency", lambda: ctx.paid(("agency_code",)))
    minimum = ctx.fen(rule_id, "min_quota")
    return [(agency, amount, paid.get((agency,), 0)) for (agency,), amount in sorted(quota.items())
            if amount >= minimum and amount > 0]


def _agency_breach(ctx: Context, rule_id, level, agency, value, line, message) -> Breach:
    name = ctx.agency_name.get(agency, agency)
    return ctx.breach(rule_id, level, agency, value, line, f"{name} {message}", name=name,
                      agency=agency)


def exec_lag(ctx: Context) -> list[Breach]:
    rule, t = RULES["EXEC_LAG"], ctx.thresholds("EXEC_LAG")
    out = []
    for agency, quota, paid in _agency_execution(ctx, rule.id):
        rate = Fraction(paid, quota)
        gap = (rate - ctx.tp) * 100
        hit = grade(rule, t, gap)
        if hit:
            level, line = hit
            out.append(_agency_breach(
                ctx, rule.id, level, agency, gap, line,
                f"执行率 {pct(rate)}，低于序时进度 {pp(-gap)} 个百分点（{line_zh(level)} {plain(-line)}）"))  # i18n: data
    return out


def exec_low_q3(ctx: Context) -> list[Breach]:
    rule, t = RULES["EXEC_LOW_Q3"], ctx.thresholds("EXEC_LOW_Q3")
    if not third_quarter_over(ctx.as_of):
        return []
    out = []
    for agency, quota, paid in _agency_execution(ctx, rule.id):
        rate = Fraction(paid, quota)
        hit = grade(rule, t, rate)
        if hit:
            level, line = hit
            out.append(_agency_breach(
                ctx, rule.id, level, agency, rate, line,
                f"截至 {ctx.as_of} 执行率 {pct(rate)}，低于 {pct_line(line)}（{line_zh(level)}）"))  # i18n: data
    return out


def _project_breach(ctx: Context, rule_id, level, project, value, line, message) -> Breach:
    name = ctx.project_name.get(project, project)
    agency = ctx.project_agency.get(project)
    return ctx.breach(rule_id, level, project, value, line, f"{name} {message}", name=name,
                      agency=agency)


def project_stalled(ctx: Context) -> list[Breach]:
    rule, t = RULES["PROJECT_STALLED"], ctx.thresholds("PROJECT_STALLED")
    q, p = s.quota, s.payment
    minimum = ctx.fen(rule.id, "min_quota")
    since = ctx.as_of - timedelta(days=ctx.days(rule.id, "idle_days"))
    rows = ctx.conn.execute(
        select(q.c.pro_code, func.sum(q.c.amount), func.min(q.c.doc_date))
        .where(q.c.fiscal_year == ctx.year, q.c.doc_date <= ctx.as_of, present(q.c.pro_code))
        .group_by(q.c.pro_code))
    candidates = {pro: (amount, first) for pro, amount, first in rows
                  if amount >= minimum and first <= since}
    if not candidates:
        return []
    to_d = [p.c.fiscal_year == ctx.year, p.c.pay_date <= ctx.as_of]
    recent = set(ctx.conn.execute(
        select(p.c.pro_code).where(*to_d, p.c.pay_date > since).distinct()).scalars())
    stalled = sorted(set(candidates) - recent)
    last: dict[str, date] = {}
    for i in range(0, len(stalled), CHUNK):
        last.update(ctx.conn.execute(
            select(p.c.pro_code, func.max(p.c.pay_date))
            .where(*to_d, p.c.pro_code.in_(stalled[i:i + CHUNK])).group_by(p.c.pro_code)).all())
    out = []
    for pro in stalled:
        amount, first = candidates[pro]
        days = (ctx.as_of - last.get(pro, first)).days
        hit = grade(rule, t, days)
        if hit:
            level, line = hit
            since_what = f"最近一笔支付在 {last[pro]}" if pro in last else f"{first} 下达以来没有支付"  # i18n: data
            out.append(_project_breach(
                ctx, rule.id, level, pro, days, line,
                f"当年指标 {yuan(int(amount))}，已 {days} 天没有支付"  # i18n: data
                f"（{since_what}；{line_zh(level)} {int(line)} 天）"))  # i18n: data
    return out


def year_end_surge(ctx: Context) -> list[Breach]:
    rule, t = RULES["YEAR_END_SURGE"], ctx.thresholds("YEAR_END_SURGE")
    quota = ctx.memo("quota_by_project", lambda: ctx.quotas(("pro_code",), [present(s.quota.c.pro_code)]))
    late = ctx.paid(("pro_code",), since=date(ctx.year, 11, 1))
    out = []
    for (pro,), amount in sorted(late.items(), key=lambda kv: str(kv[0])):
        total = quota.get((pro,), 0)
        if not pro or total <= 0:
            continue
        share = Fraction(amount, total)
        hit = grade(rule, t, share)
        if hit:
            level, line = hit
            out.append(_project_breach(
                ctx, rule.id, level, pro, share, line,
                f"11—12 月支付 {yuan(amount)}，占项目当年指标 {yuan(total)} 的 {pct(share)}"  # i18n: data
                f"（{line_zh(level)} {pct_line(line)}）"))  # i18n: data
    return out


def other_econ_share(ctx: Context) -> list[Breach]:
    rule, t = RULES["OTHER_ECON_SHARE"], ctx.thresholds("OTHER_ECON_SHARE")
    q = s.quota
    other = func.sum(case((q.c.dep_bgt_eco_code.like("%99"), q.c.amount), else_=0))
    rows = ctx.conn.execute(
        select(q.c.pro_code, func.sum(q.c.amount), other)
        .where(q.c.fiscal_year == ctx.year, q.c.doc_date <= ctx.as_of, present(q.c.pro_code))
        .group_by(q.c.pro_code).order_by(q.c.pro_code))
    out = []
    for pro, total, other_amount in rows:
        if total <= 0:
            continue
        share = Fraction(int(other_amount), int(total))
        hit = grade(rule, t, share)
        if hit:
            level, line = hit
            out.append(_project_breach(
                ctx, rule.id, level, pro, share, line,
                f"“其他”类经济科目指标 {yuan(int(other_amount))}，占项目指标 {yuan(int(total))} 的 "  # i18n: data
                f"{pct(share)}（{line_zh(level)} {pct_line(line)}）"))  # i18n: data
    return out


def three_public_over(ctx: Context) -> list[Breach]:
    rule, t = RULES["THREE_PUBLIC_OVER"], ctx.thresholds("THREE_PUBLIC_OVER")
    paid = ctx.paid(("agency_code",),
                    lambda table: [table.c.dep_bgt_eco_code.in_(THREE_PUBLIC_ECO_CODES)])
    quota = ctx.quotas(("agency_code",), [s.quota.c.dep_bgt_eco_code.in_(THREE_PUBLIC_ECO_CODES)])
    out = []
    for (agency,), amount in sorted(paid.items()):
        budget = quota.get((agency,), 0)
        excess = yuan_of_fen(amount - budget)
        hit = grade(rule, t, excess)
        if hit:
            level, line = hit
            out.append(_agency_breach(
                ctx, rule.id, level, agency, excess, line,
                f"三公经费支付 {yuan(amount)}，超过三公指标 {yuan(budget)} {yuan(amount - budget)}"))  # i18n: data
    return out


EVALUATORS = {
    "EXEC_LAG": exec_lag,
    "EXEC_LOW_Q3": exec_low_q3,
    "PROJECT_STALLED": project_stalled,
    "YEAR_END_SURGE": year_end_surge,
    "OTHER_ECON_SHARE": other_econ_share,
    "THREE_PUBLIC_OVER": three_public_over,
}

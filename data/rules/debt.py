"""Government debt rules.

The balance at D (SPEC §1.6) of a region is Σ AMOUNT of its bonds issued on
or before D − Σ PRINCIPAL of their debt_service rows paid on or before D,
rolled up over the regions below. Denominators (fiscal_capacity of year(D),
debt_limit of year(D)) come from the region's own row; without one the
region is not evaluated.

Values: DEBT_RATIO and LIABILITY_RATIO the ratio (threshold the line);
DEBT_OVER_LIMIT the balance in yuan (threshold the limit); INTEREST_BURDEN
the interest share (threshold the line); DEBT_DUE_SOON the days until due
(threshold the window); DEBT_OVERDUE the amount unpaid at D in yuan (no
threshold); BOND_FUNDS_IDLE the share spent (threshold the line).
"""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, or_, select

from data import schema as s
from data.i18n import N_
from data.rules.breach import Breach, line_zh, pct, pct_line, yuan
from data.rules.context import Context, present
from data.rules.grading import grade, yuan_of_fen
from data.rules.registry import RULES

DEBT_TYPE_ZH = {"1": N_("一般债务"), "2": N_("专项债务")}
# The expenditure each debt type's interest is measured against (INTEREST_BURDEN).
INTEREST_BASE = {"1": ("general_expenditure", "一般公共预算支出"),  # i18n: data
                 "2": ("fund_expenditure", "政府性基金预算支出")}  # i18n: data


def _balances(ctx: Context) -> dict[str, dict[str, int]]:
    """{debt type: {region: balance at D, rolled up}}."""
    def compute():
        b, ds = s.bond, s.debt_service
        own: dict[str, dict[str, int]] = {}
        for div, kind, amount in ctx.conn.execute(
                select(b.c.mof_div_code, b.c.debt_type, func.sum(b.c.amount))
                .where(b.c.issue_date <= ctx.as_of).group_by(b.c.mof_div_code, b.c.debt_type)):
            own.setdefault(kind, {})[div] = int(amount)
        for div, kind, principal in ctx.conn.execute(
                select(b.c.mof_div_code, b.c.debt_type, func.sum(ds.c.principal))
                .select_from(ds.join(b, b.c.bond_code == ds.c.bond_code))
                .where(ds.c.paid_date <= ctx.as_of)
                .group_by(b.c.mof_div_code, b.c.debt_type)):
            regions = own.setdefault(kind, {})
            regions[div] = regions.get(div, 0) - int(principal)
        return {kind: ctx.rollup(regions) for kind, regions in own.items()}
    return ctx.memo("debt_balances", compute)


def _total_balance(ctx: Context, region: str) -> int:
    return sum(by_region.get(region, 0) for by_region in _balances(ctx).values())


def _capacity(ctx: Context) -> list:
    def compute():
        c = s.fiscal_capacity
        return ctx.conn.execute(select(c).where(c.c.fiscal_year == ctx.year)
                                .order_by(c.c.mof_div_code)).all()
    return ctx.memo("fiscal_capacity", compute)


def _region_ratio(ctx: Context, rule_id: str, column: str, label: str) -> list[Breach]:
    rule, t = RULES[rule_id], ctx.thresholds(rule_id)
    out = []
    for row in _capacity(ctx):
        base = getattr(row, column)
        if base <= 0:
            continue
        balance = _total_balance(ctx, row.mof_div_code)
        ratio = Fraction(balance, base)
        hit = grade(rule, t, ratio)
        if hit:
            level, line = hit
            name = ctx.region_name(row.mof_div_code)
            out.append(ctx.breach(
                rule_id, level, row.mof_div_code, ratio, line,
                f"{name} 债务余额 {yuan(balance)}，{label} {yuan(base)}，{rule.name_zh} {pct(ratio)}"  # i18n: data
                f"（{line_zh(level)} {pct_line(line)}）",  # i18n: data
                name=name, mof_div=row.mof_div_code))
    return out


def debt_ratio(ctx: Context) -> list[Breach]:
    return _region_ratio(ctx, "DEBT_RATIO", "comprehensive_capacity", "综合财力")  # i18n: data


def liability_ratio(ctx: Context) -> list[Breach]:
    return _region_ratio(ctx, "LIABILITY_RATIO", "gdp", "地区生产总值")  # i18n: data


def debt_over_limit(ctx: Context) -> list[Breach]:
    lim = s.debt_limit
    balances = _balances(ctx)
    out = []
    for region, kind, limit in ctx.conn.execute(
            select(lim.c.mof_div_code, lim.c.debt_type, lim.c.limit_amount)
            .where(lim.c.fiscal_year == ctx.year)):
        balance = balances.get(kind, {}).get(region, 0)
        if balance > limit:
            name = f"{ctx.region_name(region)} {DEBT_TYPE_ZH.get(kind, kind)}"
            out.append(ctx.breach(
                "DEBT_OVER_LIMIT", "red", f"{region}:{kind}", yuan_of_fen(balance), yuan_of_fen(limit),
                f"{name}余额 {yuan(balance)}，超过限额 {yuan(limit)} {yuan(balance - limit)}",  # i18n: data
                name=name, mof_div=region))
    return out


def interest_burden(ctx: Context) -> list[Breach]:
    rule, t = RULES["INTEREST_BURDEN"], ctx.thresholds("INTEREST_BURDEN")
    b, ds = s.bond, s.debt_service
    own: dict[str, dict[str, int]] = {}
    for div, kind, interest in ctx.conn.execute(
            select(b.c.mof_div_code, b.c.debt_type, func.sum(ds.c.interest))
            .select_from(ds.join(b, b.c.bond_code == ds.c.bond_code))
            .where(ds.c.due_date >= date(ctx.year, 1, 1), ds.c.due_date <= date(ctx.year, 12, 31))
            .group_by(b.c.mof_div_code, b.c.debt_type)):
        own.setdefault(kind, {})[div] = int(interest)
    interest_by = {kind: ctx.rollup(regions) for kind, regions in own.items()}
    out = []
    for row in _capacity(ctx):
        for kind, (column, label) in INTEREST_BASE.items():
            base = getattr(row, column)
            if base <= 0:
                continue
            interest = interest_by.get(kind, {}).get(row.mof_div_code, 0)
            share = Fraction(interest, base)
            hit = grade(rule, t, share)
            if hit:
                level, line = hit
                name = f"{ctx.region_name(row.mof_div_code)} {DEBT_TYPE_ZH[kind]}"
                out.append(ctx.breach(
                    rule.id, level, f"{row.mof_div_code}:{kind}", share, line,
                    f"{name} {ctx.year} 年应付利息 {yuan(interest)}，"  # i18n: data
                    f"占{label} {yuan(base)} 的 {pct(share)}（{line_zh(level)} {pct_line(line)}）",  # i18n: data
                    name=name, mof_div=row.mof_div_code))
    return out


def _service_rows(ctx: Context, *conds) -> list:
    b, ds = s.bond, s.debt_service
    return ctx.conn.execute(
        select(ds, b.c.bond_name, b.c.mof_div_code)
        .select_from(ds.join(b, b.c.bond_code == ds.c.bond_code)).where(*conds)).all()


def _service_name(row) -> str:
    return f"{row.bond_name}（{row.bond_code}）{row.due_date} 还本付息"  # i18n: data


def _unpaid_at(ctx: Context):
    ds = s.debt_service
    return or_(ds.c.paid_date.is_(None), ds.c.paid_date > ctx.as_of)


def debt_due_soon(ctx: Context) -> list[Breach]:
    rule, t = RULES["DEBT_DUE_SOON"], ctx.thresholds("DEBT_DUE_SOON")
    ds = s.debt_service
    until = ctx.as_of + timedelta(days=ctx.days(rule.id, "window_days"))
    out = []
    for row in _service_rows(ctx, ds.c.due_date > ctx.as_of, ds.c.due_date <= until, _unpaid_at(ctx)):
        days = (row.due_date - ctx.as_of).days
        hit = grade(rule, t, days)
        if hit:
            level, line = hit
            name = _service_name(row)
            out.append(ctx.breach(
                rule.id, level, f"{row.bond_code}@{row.due_date.isoformat()}", days, line,
                f"{name}：应还本金 {yuan(row.principal)}、利息 {yuan(row.interest)}，{days} 天后到期，尚未偿还",  # i18n: data
                name=name, mof_div=row.mof_div_code))
    return out


def debt_overdue(ctx: Context) -> list[Breach]:
    ds = s.debt_service
    rows = _service_rows(ctx, ds.c.due_date < ctx.as_of,
                         or_(_unpaid_at(ctx), ds.c.paid_amount < ds.c.principal + ds.c.interest))
    out = []
    for row in rows:
        paid = row.paid_amount if row.paid_date is not None and row.paid_date <= ctx.as_of else 0
        unpaid = row.principal + row.interest - (paid or 0)
        name = _service_name(row)
        out.append(ctx.breach(
            "DEBT_OVERDUE", "red", f"{row.bond_code}@{row.due_date.isoformat()}", yuan_of_fen(unpaid), None,
            f"{name}：应还本息 {yuan(row.principal + row.interest)}，"  # i18n: data
            f"截至 {ctx.as_of} 未足额偿还，尚欠 {yuan(unpaid)}",  # i18n: data
            name=name, mof_div=row.mof_div_code))
    return out


def bond_funds_idle(ctx: Context) -> list[Breach]:
    rule, t = RULES["BOND_FUNDS_IDLE"], ctx.thresholds("BOND_FUNDS_IDLE")
    bp, b = s.bond_project, s.bond
    issued_by = ctx.as_of - timedelta(days=ctx.days(rule.id, "idle_days"))
    rows = ctx.conn.execute(
        select(bp, b.c.bond_name, b.c.issue_date)
        .select_from(bp.join(b, b.c.bond_code == bp.c.bond_code))
        .where(b.c.issue_date <= issued_by, bp.c.amount > 0)).all()
    if not rows:
        return []
    spent = ctx.paid(("bond_code", "pro_code"),
                     lambda table: [present(table.c.bond_code), present(table.c.pro_code)],
                     any_year=True)
    out = []
    for row in rows:
        amount = spent.get((row.bond_code, row.pro_code), 0)
        share = Fraction(amount, row.amount)
        hit = grade(rule, t, share)
        if hit:
            level, line = hit
            project = ctx.project_name.get(row.pro_code, row.pro_code)
            name = f"{row.bond_name} / {project}"
            out.append(ctx.breach(
                rule.id, level, f"{row.bond_code}/{row.pro_code}", share, line,
                f"{name}：安排 {yuan(row.amount)}，债券 {row.issue_date} 发行，已 "  # i18n: data
                f"{(ctx.as_of - row.issue_date).days} 天，仅支出 {yuan(amount)}（{pct(share)}；"  # i18n: data
                f"{line_zh(level)} {pct_line(line)}）",  # i18n: data
                name=name, mof_div=row.mof_div_code, agency=row.agency_code))
    return out


EVALUATORS = {
    "DEBT_RATIO": debt_ratio,
    "LIABILITY_RATIO": liability_ratio,
    "DEBT_OVER_LIMIT": debt_over_limit,
    "INTEREST_BURDEN": interest_burden,
    "DEBT_DUE_SOON": debt_due_soon,
    "DEBT_OVERDUE": debt_overdue,
    "BOND_FUNDS_IDLE": bond_funds_idle,
}

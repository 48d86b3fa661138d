"""Payment rules: PAY_OVER_QUOTA (per quota) and the payment-level rules
PAY_NO_QUOTA, SELF_TRANSFER, LARGE_CASH, DUPLICATE_PAYMENT, UNION_PAYMENT,
each one SELECT ... WHERE over the payments to D.

Values: PAY_OVER_QUOTA the excess in yuan, threshold 0; PAY_NO_QUOTA,
SELF_TRANSFER, LARGE_CASH and UNION_PAYMENT the payment's amount in yuan
(threshold: none, none, the cash line, the amount line); DUPLICATE_PAYMENT
the days after the earlier payment, threshold the window in days.
"""
from __future__ import annotations

from sqlalchemy import Date, and_, case, exists, func, or_, select, union_all

from data import schema as s
from data.masking import mask_name
from data.rules.breach import Breach, line_zh, yuan, yuan_line
from data.rules.context import Context, present
from data.rules.grading import grade, yuan_of_fen
from data.rules.registry import RULES

p = s.payment
_COLUMNS = (p.c.pay_cert_id, p.c.pay_date, p.c.agency_code, p.c.mof_div_code, p.c.amount,
            p.c.payee_acct_name)


def _to_d(ctx: Context) -> list:
    return [p.c.fiscal_year == ctx.year, p.c.pay_date <= ctx.as_of]


def _payment_breach(ctx: Context, rule_id, level, row, value, line, message) -> Breach:
    """A breach on one payment. Its message and name are read by every role
    and stored, so an individual payee's name is masked in them."""
    agency = ctx.agency_name.get(row.agency_code, row.agency_code)
    payee = mask_name(row.payee_acct_name)
    return ctx.breach(
        rule_id, level, row.pay_cert_id, value, line,
        f"{agency} {row.pay_date} 支付 {yuan(row.amount)} 给「{payee}」，{message}"  # i18n: data
        f"（凭证 {row.pay_cert_id}）",  # i18n: data
        name=f"{agency} → {payee}（{row.pay_date}）",  # i18n: data
        mof_div=row.mof_div_code, agency=row.agency_code)


def pay_over_quota(ctx: Context) -> list[Breach]:
    rule, t = RULES["PAY_OVER_QUOTA"], ctx.thresholds("PAY_OVER_QUOTA")
    q = s.quota
    to_d = [q.c.fiscal_year == ctx.year, q.c.doc_date <= ctx.as_of]
    quotas = {row.bgt_id: row for row in ctx.conn.execute(
        select(q.c.bgt_id, q.c.amount, q.c.agency_code, q.c.mof_div_code, q.c.pro_code).where(*to_d))}
    adjusted = dict(ctx.conn.execute(
        select(q.c.ori_bgt_id, func.sum(q.c.amount)).where(*to_d, present(q.c.ori_bgt_id))
        .group_by(q.c.ori_bgt_id)).all())
    paid = ctx.paid(("bgt_id",), lambda table: [present(table.c.bgt_id)])
    out = []
    for (bgt_id,), amount in paid.items():
        quota = quotas.get(bgt_id)
        if quota is None:
            continue
        available = quota.amount + int(adjusted.get(bgt_id, 0))
        hit = grade(rule, t, yuan_of_fen(amount - available))
        if hit:
            level, line = hit
            agency = ctx.agency_name.get(quota.agency_code, quota.agency_code)
            project = ctx.project_name.get(quota.pro_code) if quota.pro_code else None
            name = f"{agency}·{project} 指标 {bgt_id}" if project else f"{agency} 指标 {bgt_id}"  # i18n: data
            out.append(ctx.breach(
                rule.id, level, bgt_id, yuan_of_fen(amount - available), line,
                f"{name} 可用 {yuan(available)}，截至 {ctx.as_of} 已支付 {yuan(amount)}，"  # i18n: data
                f"超出 {yuan(amount - available)}",  # i18n: data
                name=name, mof_div=quota.mof_div_code, agency=quota.agency_code))
    return out


def pay_no_quota(ctx: Context) -> list[Breach]:
    q = s.quota
    blank = ~present(p.c.bgt_id)
    unknown = ~exists().where(q.c.bgt_id == p.c.bgt_id)
    rows = ctx.conn.execute(select(*_COLUMNS, p.c.bgt_id, blank.label("blank"))
                            .where(*_to_d(ctx), or_(blank, unknown)))
    return [_payment_breach(ctx, "PAY_NO_QUOTA", "red", row, yuan_of_fen(row.amount), None,
                            "没有填写指标编号" if row.blank else f"指标编号 {row.bgt_id} 在库中不存在")  # i18n: data
            for row in rows]


def self_transfer(ctx: Context) -> list[Breach]:
    a = s.agency
    rows = ctx.conn.execute(
        select(*_COLUMNS, p.c.direct_fund_code)
        .select_from(p.join(a, a.c.agency_code == p.c.agency_code))
        .where(*_to_d(ctx), func.trim(p.c.payee_acct_name) == func.trim(a.c.agency_name)))
    out = []
    for row in rows:
        direct = (row.direct_fund_code or "").strip()
        out.append(_payment_breach(
            ctx, "SELF_TRANSFER", "red" if direct else "yellow", row, yuan_of_fen(row.amount), None,
            f"收款人是本单位{f'，使用直达资金 {direct}' if direct else ''}"))  # i18n: data
    return out


def large_cash(ctx: Context) -> list[Breach]:
    rule, t = RULES["LARGE_CASH"], ctx.thresholds("LARGE_CASH")
    lowest = min(ctx.fen(rule.id, "yellow_amount"), ctx.fen(rule.id, "red_amount"))
    rows = ctx.conn.execute(select(*_COLUMNS).where(
        *_to_d(ctx), p.c.set_mode_code == "2", p.c.amount >= lowest))
    out = []
    for row in rows:
        hit = grade(rule, t, yuan_of_fen(row.amount))
        if hit:
            level, line = hit
            out.append(_payment_breach(ctx, rule.id, level, row, yuan_of_fen(row.amount), line,
                                       f"现金结算（{line_zh(level)} {yuan_line(line)}）"))  # i18n: data
    return out


def union_payment(ctx: Context) -> list[Breach]:
    rule, t = RULES["UNION_PAYMENT"], ctx.thresholds("UNION_PAYMENT")
    keyword = t["keyword"]
    rows = ctx.conn.execute(select(*_COLUMNS, p.c.use_des).where(
        *_to_d(ctx), p.c.amount > ctx.fen(rule.id, "min_amount"),
        or_(p.c.payee_acct_name.contains(keyword, autoescape=True),
            func.coalesce(p.c.use_des, "").contains(keyword, autoescape=True))))
    out = []
    for row in rows:
        hit = grade(rule, t, yuan_of_fen(row.amount))
        if hit:
            level, line = hit
            out.append(_payment_breach(
                ctx, rule.id, level, row, yuan_of_fen(row.amount), line,
                f"用途「{row.use_des or ''}」（{line_zh(level)}：超过 {yuan_line(line)}）"))  # i18n: data
    return out


def duplicate_payment(ctx: Context) -> list[Breach]:
    """A later payment matches an earlier one when agency and amount are the
    same and so is the payee: the account number when both payments have one,
    else the payee name. Window functions find each payment's nearest earlier
    match in one sort per key: by account among payments with an account, and
    by name among the payments whose name group holds one without an account."""
    rule, t = RULES["DUPLICATE_PAYMENT"], ctx.thresholds("DUPLICATE_PAYMENT")
    window = ctx.days(rule.id, "window_days")
    acct = func.nullif(func.trim(func.coalesce(p.c.payee_acct_no, "")), "")
    base = (select(p.c.pay_cert_id, p.c.agency_code, p.c.amount, p.c.pay_date,
                   p.c.payee_acct_name.label("payee"), acct.label("acct"))
            .where(*_to_d(ctx)).subquery("to_d"))
    order = (base.c.pay_date, base.c.pay_cert_id)
    by_account = select(
        base.c.pay_cert_id, base.c.pay_date,
        func.lag(base.c.pay_date, type_=Date).over(
            partition_by=(base.c.agency_code, base.c.amount, base.c.acct), order_by=order)
        .label("earlier")).where(base.c.acct.isnot(None))
    no_account = (select(base.c.agency_code, base.c.amount, base.c.payee)
                  .where(base.c.acct.is_(None)).distinct().subquery("no_account"))
    named = (select(base).join(no_account, and_(no_account.c.agency_code == base.c.agency_code,
                                                no_account.c.amount == base.c.amount,
                                                no_account.c.payee == base.c.payee))
             .subquery("named"))
    by = dict(partition_by=(named.c.agency_code, named.c.amount, named.c.payee),
              order_by=(named.c.pay_date, named.c.pay_cert_id))
    by_name = select(named.c.pay_cert_id, named.c.pay_date, case(
        (named.c.acct.is_(None), func.lag(named.c.pay_date, type_=Date).over(**by)),
        else_=func.max(case((named.c.acct.is_(None), named.c.pay_date)), type_=Date)
        .over(**by, rows=(None, -1))).label("earlier"))
    pairs = union_all(by_account, by_name).subquery("pairs")
    flagged = (select(pairs.c.pay_cert_id, func.max(pairs.c.earlier).label("earlier"))
               .where(pairs.c.earlier >= ctx.days_before(pairs.c.pay_date, window))
               .group_by(pairs.c.pay_cert_id).subquery("flagged"))
    rows = ctx.conn.execute(select(*_COLUMNS, flagged.c.earlier)
                            .join_from(p, flagged, flagged.c.pay_cert_id == p.c.pay_cert_id))
    out = []
    for row in rows:
        days = (row.pay_date - row.earlier).days
        hit = grade(rule, t, days)
        if hit:
            level, line = hit
            out.append(_payment_breach(ctx, rule.id, level, row, days, line,
                                       f"与 {row.earlier} 的一笔同额支付相隔 {days} 天"))  # i18n: data
    return out


EVALUATORS = {
    "PAY_OVER_QUOTA": pay_over_quota,
    "PAY_NO_QUOTA": pay_no_quota,
    "SELF_TRANSFER": self_transfer,
    "LARGE_CASH": large_cash,
    "DUPLICATE_PAYMENT": duplicate_payment,
    "UNION_PAYMENT": union_payment,
}

"""State-asset rules on the latest report with PERIOD ≤ the month of D:
SOE_ALR (value: liabilities/assets, threshold the line of the enterprise's
group), SOE_LOSS (value: the profit in yuan, threshold 0) and IDLE_ASSETS
(value: Σ IDLE_VALUE / Σ NET_VALUE of the agency's latest period, threshold
the line)."""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import and_, func, select

from data import schema as s
from data.rules.breach import Breach, line_zh, pct, pct_line, yuan
from data.rules.context import Context
from data.rules.grading import grade, yuan_of_fen
from data.rules.registry import RULES, SOE_LINE_GROUPS

INDUSTRY_ZH = {"1": "工业企业", "2": "非工业企业", "3": "金融企业"}  # i18n: data


def _latest_soe(ctx: Context) -> list:
    def compute():
        f = s.soe_financial
        latest = (select(f.c.enterprise_code, func.max(f.c.period).label("period"))
                  .where(f.c.period <= ctx.period).group_by(f.c.enterprise_code).subquery())
        return ctx.conn.execute(select(f).join(latest, and_(
            latest.c.enterprise_code == f.c.enterprise_code, latest.c.period == f.c.period))).all()
    return ctx.memo("latest_soe", compute)


def _soe_breach(ctx: Context, rule_id, level, row, value, line, message) -> Breach:
    return ctx.breach(rule_id, level, row.enterprise_code, value, line,
                      f"{row.enterprise_name} {row.period} {message}",
                      name=row.enterprise_name, mof_div=row.mof_div_code)


def soe_alr(ctx: Context) -> list[Breach]:
    rule, t = RULES["SOE_ALR"], ctx.thresholds("SOE_ALR")
    out = []
    for row in _latest_soe(ctx):
        group = SOE_LINE_GROUPS.get(row.industry_type)
        if group is None or row.total_assets <= 0:
            continue
        ratio = Fraction(row.total_liabilities, row.total_assets)
        hit = grade(rule, t, ratio, group)
        if hit:
            level, line = hit
            out.append(_soe_breach(
                ctx, rule.id, level, row, ratio, line,
                f"资产负债率 {pct(ratio)}"  # i18n: data
                f"（{INDUSTRY_ZH[row.industry_type]}{line_zh(level)} {pct_line(line)}）"))  # i18n: data
    return out


def soe_loss(ctx: Context) -> list[Breach]:
    rule, t = RULES["SOE_LOSS"], ctx.thresholds("SOE_LOSS")
    out = []
    for row in _latest_soe(ctx):
        hit = grade(rule, t, yuan_of_fen(row.profit))
        if hit:
            level, line = hit
            out.append(_soe_breach(ctx, rule.id, level, row, yuan_of_fen(row.profit), line,
                                   f"累计利润总额 {yuan(row.profit)}，处于亏损"))  # i18n: data
    return out


def idle_assets(ctx: Context) -> list[Breach]:
    rule, t = RULES["IDLE_ASSETS"], ctx.thresholds("IDLE_ASSETS")
    a = s.admin_asset
    latest = (select(a.c.agency_code, func.max(a.c.period).label("period"))
              .where(a.c.period <= ctx.period).group_by(a.c.agency_code).subquery())
    rows = ctx.conn.execute(
        select(a.c.agency_code, a.c.period, func.sum(func.coalesce(a.c.idle_value, 0)),
               func.sum(a.c.net_value))
        .join(latest, and_(latest.c.agency_code == a.c.agency_code, latest.c.period == a.c.period))
        .group_by(a.c.agency_code, a.c.period))
    out = []
    for agency, period, idle, net in rows:
        if net <= 0:
            continue
        share = Fraction(int(idle), int(net))
        hit = grade(rule, t, share)
        if hit:
            level, line = hit
            name = ctx.agency_name.get(agency, agency)
            out.append(ctx.breach(
                rule.id, level, agency, share, line,
                f"{name} {period} 闲置资产 {yuan(int(idle))}，占资产净值 {yuan(int(net))} 的 {pct(share)}"  # i18n: data
                f"（{line_zh(level)} {pct_line(line)}）",  # i18n: data
                name=name, agency=agency))
    return out


EVALUATORS = {"SOE_ALR": soe_alr, "SOE_LOSS": soe_loss, "IDLE_ASSETS": idle_assets}

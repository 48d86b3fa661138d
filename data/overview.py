"""Headline measures of the overview (总览) that the execution query layer
does not cover: direct funds, the debt position, state enterprises' totals
and data freshness, plus the region and year lists the global filters offer.

Definitions are SPEC §2's: "to D" means FISCAL_YEAR = year(D) and the date on
or before D; a region includes every region below it (parent links); debt
balance at D = bonds issued on or before D − principal paid on or before D.
Money is integer fen. Every function takes the engine first so it can go
through the query cache.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, and_, func, select, union

from data import schema as s
from data.hierarchy import hierarchies
from data.measures import gap_pp, ratio, time_progress

STALE_AFTER_DAYS = 40  # rule DATA_STALE
DEBT_TYPES = {"1": "general", "2": "special"}
# Rule DEBT_RATIO bands (balance / comprehensive capacity), worst first.
DEBT_RATIO_BANDS = (("red", 3.0), ("orange", 2.0), ("yellow", 1.2))
# Rule SOE_ALR lines by INDUSTRY_TYPE (3 = financial: not evaluated).
SOE_ALR_LINES = {"1": {"yellow": 0.65, "red": 0.70}, "2": {"yellow": 0.70, "red": 0.75}}
# Rules DIRECT_PAY_LAG and REVENUE_LAG: gap to time progress, percentage points.
DIRECT_PAY_LAG_PP = {"yellow": -10.0, "red": -20.0}
REVENUE_LAG_PP = {"yellow": -10.0, "red": -20.0}
TAX_SHARE_MIN = 0.70  # rule TAX_SHARE_LOW


def gap_level(gap: float | None, bands: dict[str, float]) -> str | None:
    """green / yellow / red for a gap in percentage points (None: no figure)."""
    if gap is None:
        return None
    gap = round(gap, 9)  # -9.9999999 from float noise must still reach -10
    if gap <= bands["red"]:
        return "red"
    return "yellow" if gap <= bands["yellow"] else "green"


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _period_end(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def scope_regions(engine: Engine, mof_div: str | None) -> frozenset[str] | None:
    """The region and every region below it; None means all regions."""
    if not mof_div:
        return None
    return hierarchies(engine).region.descendants(mof_div)


def _in_scope(column, regions: frozenset[str] | None):
    return True if regions is None else column.in_(sorted(regions))


# -- filter lists -------------------------------------------------------------------

def region_options(engine: Engine) -> list[tuple[str, str, int]]:
    """(code, name, depth) for every region, depth-first from the top."""
    tree = hierarchies(engine).region
    out: list[tuple[str, str, int]] = []
    stack = [(code, 0) for code in reversed(tree.roots())]
    while stack:
        code, depth = stack.pop()
        out.append((code, tree.name.get(code, code), depth))
        stack.extend((kid, depth + 1) for kid in reversed(tree.children(code)))
    return out


def fiscal_years(engine: Engine) -> list[int]:
    """Fiscal years with budget, payment or revenue data, newest first."""
    q = union(select(s.quota.c.fiscal_year), select(s.payment.c.fiscal_year),
              select(s.revenue_budget.c.fiscal_year), select(s.revenue.c.fiscal_year))
    with engine.connect() as conn:
        return sorted({int(y) for (y,) in conn.execute(q)}, reverse=True)


# -- direct funds ----------------------------------------------------------------

@dataclass(frozen=True)
class DirectFunds:
    received: int
    allocated: int
    paid: int
    time_progress: float

    @property
    def allocation_rate(self) -> float | None:
        return ratio(self.allocated, self.received)

    @property
    def payment_rate(self) -> float | None:
        return ratio(self.paid, self.received)

    @property
    def gap_pp(self) -> float | None:
        return gap_pp(self.payment_rate, self.time_progress)

    @property
    def level(self) -> str | None:
        """DIRECT_PAY_LAG's bands applied to the total (None without funds)."""
        return gap_level(self.gap_pp, DIRECT_PAY_LAG_PP)


def direct_funds(engine: Engine, as_of: date, mof_div: str | None = None) -> DirectFunds:
    """Received (下达 on or before D), allocated (quotas to D carrying a
    direct-fund code) and paid (payments to D carrying one), year(D)."""
    regions = scope_regions(engine, mof_div)
    df, q, p = s.direct_fund, s.quota, s.payment
    with engine.connect() as conn:
        received = conn.execute(select(func.coalesce(func.sum(df.c.received_amount), 0)).where(
            df.c.fiscal_year == as_of.year, df.c.received_date <= as_of,
            _in_scope(df.c.mof_div_code, regions))).scalar()
        allocated = conn.execute(select(func.coalesce(func.sum(q.c.amount), 0)).where(
            q.c.fiscal_year == as_of.year, q.c.doc_date <= as_of,
            q.c.direct_fund_code.is_not(None), q.c.direct_fund_code != "",
            _in_scope(q.c.mof_div_code, regions))).scalar()
        paid = conn.execute(select(func.coalesce(func.sum(p.c.amount), 0)).where(
            p.c.fiscal_year == as_of.year, p.c.pay_date <= as_of,
            p.c.direct_fund_code.is_not(None), p.c.direct_fund_code != "",
            _in_scope(p.c.mof_div_code, regions))).scalar()
    return DirectFunds(int(received), int(allocated), int(paid), time_progress(as_of))


# -- government debt ----------------------------------------------------------------

@dataclass(frozen=True)
class DebtPosition:
    limit: dict[str, int]  # {"general": fen, "special": fen}
    balance: dict[str, int]
    capacity: int | None  # comprehensive capacity of year(D), None when not reported
    gdp: int | None

    @property
    def total_limit(self) -> int:
        return sum(self.limit.values())

    @property
    def total_balance(self) -> int:
        return sum(self.balance.values())

    @property
    def debt_ratio(self) -> float | None:
        return ratio(self.total_balance, self.capacity)

    @property
    def liability_ratio(self) -> float | None:
        return ratio(self.total_balance, self.gdp)

    @property
    def level(self) -> str | None:
        """The DEBT_RATIO band; None when there is no capacity to compare."""
        r = self.debt_ratio
        if r is None:
            return None
        for name, line in DEBT_RATIO_BANDS:
            if r >= line:
                return name
        return "green"

    def over_limit(self) -> list[str]:
        """Debt types whose balance exceeds the limit (rule DEBT_OVER_LIMIT)."""
        return [t for t in ("general", "special") if self.balance[t] > self.limit[t]]


def debt_position(engine: Engine, as_of: date, mof_div: str | None = None) -> DebtPosition:
    regions = scope_regions(engine, mof_div)
    dl, b, ds, fc = s.debt_limit, s.bond, s.debt_service, s.fiscal_capacity
    limit = {"general": 0, "special": 0}
    issued = {"general": 0, "special": 0}
    repaid = {"general": 0, "special": 0}
    with engine.connect() as conn:
        for debt_type, total in conn.execute(
                select(dl.c.debt_type, func.sum(dl.c.limit_amount))
                .where(dl.c.fiscal_year == as_of.year, _in_scope(dl.c.mof_div_code, regions))
                .group_by(dl.c.debt_type)):
            if debt_type in DEBT_TYPES:
                limit[DEBT_TYPES[debt_type]] += int(total)
        for debt_type, total in conn.execute(
                select(b.c.debt_type, func.sum(b.c.amount))
                .where(b.c.issue_date <= as_of, _in_scope(b.c.mof_div_code, regions))
                .group_by(b.c.debt_type)):
            if debt_type in DEBT_TYPES:
                issued[DEBT_TYPES[debt_type]] += int(total)
        for debt_type, total in conn.execute(
                select(b.c.debt_type, func.sum(ds.c.principal))
                .select_from(ds.join(b, ds.c.bond_code == b.c.bond_code))
                .where(ds.c.paid_date.is_not(None), ds.c.paid_date <= as_of,
                       _in_scope(b.c.mof_div_code, regions))
                .group_by(b.c.debt_type)):
            if debt_type in DEBT_TYPES:
                repaid[DEBT_TYPES[debt_type]] += int(total)
        cap = conn.execute(
            select(func.count(), func.sum(fc.c.comprehensive_capacity), func.sum(fc.c.gdp))
            .where(fc.c.fiscal_year == as_of.year, _in_scope(fc.c.mof_div_code, regions))).one()
    has_capacity = bool(cap[0])
    return DebtPosition(
        limit=limit,
        balance={t: issued[t] - repaid[t] for t in limit},
        capacity=int(cap[1]) if has_capacity else None,
        gdp=int(cap[2]) if has_capacity else None,
    )


# -- state-owned enterprises -------------------------------------------------------

@dataclass(frozen=True)
class SoeTotals:
    enterprises: int
    assets: int
    liabilities: int
    profit: int
    loss_making: int  # rule SOE_LOSS
    alr_yellow: int  # rule SOE_ALR, non-financial enterprises
    alr_red: int
    period: str | None  # the latest period among them

    @property
    def alr(self) -> float | None:
        return ratio(self.liabilities, self.assets)

    @property
    def level(self) -> str | None:
        if not self.enterprises:
            return None
        if self.alr_red:
            return "red"
        return "yellow" if self.alr_yellow or self.loss_making else "green"


def _alr_level(industry: str, assets: int, liabilities: int) -> str | None:
    lines = SOE_ALR_LINES.get(industry)
    if lines is None or not assets:
        return None
    alr = liabilities / assets
    if alr >= lines["red"]:
        return "red"
    return "yellow" if alr >= lines["yellow"] else "green"


def soe_totals(engine: Engine, as_of: date, mof_div: str | None = None) -> SoeTotals:
    """Each enterprise's latest report with PERIOD ≤ month(D), summed."""
    regions = scope_regions(engine, mof_div)
    f = s.soe_financial
    latest = (select(f.c.enterprise_code, func.max(f.c.period).label("period"))
              .where(f.c.period <= _month(as_of), _in_scope(f.c.mof_div_code, regions))
              .group_by(f.c.enterprise_code).subquery())
    q = (select(f.c.industry_type, f.c.period, f.c.total_assets, f.c.total_liabilities,
                f.c.profit)
         .join(latest, and_(f.c.enterprise_code == latest.c.enterprise_code,
                            f.c.period == latest.c.period)))
    n = assets = liabilities = profit = losses = yellow = red = 0
    newest: str | None = None
    with engine.connect() as conn:
        for industry, period, a, li, pr in conn.execute(q):
            n += 1
            assets += int(a)
            liabilities += int(li)
            profit += int(pr)
            losses += pr < 0
            lv = _alr_level(industry, int(a), int(li))
            yellow += lv == "yellow"
            red += lv == "red"
            newest = max(newest or period, period)
    return SoeTotals(n, assets, liabilities, profit, losses, yellow, red, newest)


# -- data freshness -----------------------------------------------------------------

FRESHNESS_SOURCES = {
    "payment": "国库集中支付",
    "revenue": "收入",
    "soe_financial": "企业国有资产",
    "admin_asset": "行政事业性资产",
}


@dataclass(frozen=True)
class Freshness:
    dataset: str
    label: str
    latest: date | None  # the latest data date on or before D (a period: its last day)
    stale: bool  # rule DATA_STALE: older than D − 40 days, or no data at all


def freshness(engine: Engine, as_of: date, mof_div: str | None = None) -> list[Freshness]:
    regions = scope_regions(engine, mof_div)
    month = _month(as_of)
    p, r, f, a, ag = s.payment, s.revenue, s.soe_financial, s.admin_asset, s.agency
    queries = {
        "payment": select(func.max(p.c.pay_date)).where(
            p.c.pay_date <= as_of, _in_scope(p.c.mof_div_code, regions)),
        "revenue": select(func.max(r.c.period)).where(
            r.c.period <= month, _in_scope(r.c.mof_div_code, regions)),
        "soe_financial": select(func.max(f.c.period)).where(
            f.c.period <= month, _in_scope(f.c.mof_div_code, regions)),
        "admin_asset": select(func.max(a.c.period))
        .select_from(a.join(ag, a.c.agency_code == ag.c.agency_code))
        .where(a.c.period <= month, _in_scope(ag.c.mof_div_code, regions)),
    }
    cutoff = as_of - timedelta(days=STALE_AFTER_DAYS)
    out = []
    with engine.connect() as conn:
        for name, q in queries.items():
            raw = conn.execute(q).scalar()
            latest = None
            if raw is not None:
                latest = (min(_period_end(raw), as_of) if isinstance(raw, str) and len(raw) == 7
                          else raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10]))
            out.append(Freshness(name, FRESHNESS_SOURCES[name], latest,
                                 latest is None or latest < cutoff))
    return out

"""Central direct funds (直达资金): received, allocated and paid, year(D)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from data import schema as s
from data.measures import gap_pp, ratio, time_progress
from data.query.base import in_regions, region_codes
from data.query.scope import Scope


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


def direct_funds(engine: Engine, scope: Scope) -> DirectFunds:
    """Received (下达 on or before D), allocated (quotas to D carrying a
    direct-fund code) and paid (payments to D carrying one), year(D)."""
    as_of, regions = scope.as_of, region_codes(engine, scope)
    df, q, p = s.direct_fund, s.quota, s.payment
    with engine.connect() as conn:
        received = conn.execute(select(func.coalesce(func.sum(df.c.received_amount), 0)).where(
            df.c.fiscal_year == as_of.year, df.c.received_date <= as_of,
            in_regions(df.c.mof_div_code, regions))).scalar()
        allocated = conn.execute(select(func.coalesce(func.sum(q.c.amount), 0)).where(
            q.c.fiscal_year == as_of.year, q.c.doc_date <= as_of,
            q.c.direct_fund_code.is_not(None), q.c.direct_fund_code != "",
            in_regions(q.c.mof_div_code, regions))).scalar()
        paid = conn.execute(select(func.coalesce(func.sum(p.c.amount), 0)).where(
            p.c.fiscal_year == as_of.year, p.c.pay_date <= as_of,
            p.c.direct_fund_code.is_not(None), p.c.direct_fund_code != "",
            in_regions(p.c.mof_div_code, regions))).scalar()
    return DirectFunds(int(received), int(allocated), int(paid), time_progress(as_of))

"""Government debt: limits, the balance at D by type, and the ratios on the
region's fiscal capacity."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from data import schema as s
from data.measures import ratio
from data.query.base import in_regions, region_codes
from data.query.scope import Scope

DEBT_TYPES = {"1": "general", "2": "special"}
# Rule DEBT_RATIO bands (balance / comprehensive capacity), worst first.
DEBT_RATIO_BANDS = (("red", 3.0), ("orange", 2.0), ("yellow", 1.2))


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


def debt_position(engine: Engine, scope: Scope) -> DebtPosition:
    as_of, regions = scope.as_of, region_codes(engine, scope)
    dl, b, ds, fc = s.debt_limit, s.bond, s.debt_service, s.fiscal_capacity
    limit = {"general": 0, "special": 0}
    issued = {"general": 0, "special": 0}
    repaid = {"general": 0, "special": 0}
    with engine.connect() as conn:
        for debt_type, total in conn.execute(
                select(dl.c.debt_type, func.sum(dl.c.limit_amount))
                .where(dl.c.fiscal_year == as_of.year, in_regions(dl.c.mof_div_code, regions))
                .group_by(dl.c.debt_type)):
            if debt_type in DEBT_TYPES:
                limit[DEBT_TYPES[debt_type]] += int(total)
        for debt_type, total in conn.execute(
                select(b.c.debt_type, func.sum(b.c.amount))
                .where(b.c.issue_date <= as_of, in_regions(b.c.mof_div_code, regions))
                .group_by(b.c.debt_type)):
            if debt_type in DEBT_TYPES:
                issued[DEBT_TYPES[debt_type]] += int(total)
        for debt_type, total in conn.execute(
                select(b.c.debt_type, func.sum(ds.c.principal))
                .select_from(ds.join(b, ds.c.bond_code == b.c.bond_code))
                .where(ds.c.paid_date.is_not(None), ds.c.paid_date <= as_of,
                       in_regions(b.c.mof_div_code, regions))
                .group_by(b.c.debt_type)):
            if debt_type in DEBT_TYPES:
                repaid[DEBT_TYPES[debt_type]] += int(total)
        cap = conn.execute(
            select(func.count(), func.sum(fc.c.comprehensive_capacity), func.sum(fc.c.gdp))
            .where(fc.c.fiscal_year == as_of.year, in_regions(fc.c.mof_div_code, regions))).one()
    has_capacity = bool(cap[0])
    return DebtPosition(
        limit=limit,
        balance={t: issued[t] - repaid[t] for t in limit},
        capacity=int(cap[1]) if has_capacity else None,
        gdp=int(cap[2]) if has_capacity else None,
    )

"""Government debt: limits, the balance at D by type, and the ratios on the
region's fiscal capacity."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from data import schema as s
from data.measures import ratio
from data.query.base import in_codes, in_regions, region_codes
from data.query.members import own_regions, own_sum
from data.query.scope import Scope

DEBT_TYPES = {"1": "general", "2": "special"}


@dataclass(frozen=True)
class DebtPosition:
    """Balances roll up over the region and every region below it; limits and
    the fiscal_capacity figures are the region's own rows of year(D), None
    where it reports none (SPEC §2)."""

    limit: dict[str, int | None]  # {"general": fen, "special": fen}; None: no debt_limit row
    balance: dict[str, int]
    capacity: int | None  # comprehensive capacity
    gdp: int | None
    general_expenditure: int | None
    fund_expenditure: int | None

    @property
    def total_limit(self) -> int | None:
        """None unless both debt types have a limit."""
        return None if None in self.limit.values() else sum(self.limit.values())

    @property
    def total_balance(self) -> int:
        return sum(self.balance.values())

    @property
    def debt_ratio(self) -> float | None:
        return ratio(self.total_balance, self.capacity)

    @property
    def liability_ratio(self) -> float | None:
        return ratio(self.total_balance, self.gdp)

    def over_limit(self) -> list[str]:
        """Debt types whose balance exceeds the limit (rule DEBT_OVER_LIMIT); a
        type without a limit is not judged."""
        return [t for t in ("general", "special")
                if self.limit[t] is not None and self.balance[t] > self.limit[t]]


def debt_position(engine: Engine, scope: Scope) -> DebtPosition:
    """The position at D = as_of. Limits and fiscal capacity are read from the
    own rows of `own_regions` (for all regions: the roots' rows summed, None
    unless every root has one), never summed over the regions below."""
    as_of, regions = scope.as_of, region_codes(engine, scope)
    own = own_regions(engine, scope.mof_div)
    dl, b, ds, fc = s.debt_limit, s.bond, s.debt_service, s.fiscal_capacity
    limits: dict[str, dict[str, int]] = {"general": {}, "special": {}}
    issued = {"general": 0, "special": 0}
    repaid = {"general": 0, "special": 0}
    with engine.connect() as conn:
        for region, debt_type, amount in conn.execute(
                select(dl.c.mof_div_code, dl.c.debt_type, dl.c.limit_amount)
                .where(dl.c.fiscal_year == as_of.year, in_codes(dl.c.mof_div_code, own))):
            if debt_type in DEBT_TYPES:
                limits[DEBT_TYPES[debt_type]][region] = int(amount)
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
        capacity = conn.execute(
            select(fc).where(fc.c.fiscal_year == as_of.year,
                             in_codes(fc.c.mof_div_code, own))).mappings().all()

    def own_capacity(column: str) -> int | None:
        return own_sum({r["mof_div_code"]: int(r[column]) for r in capacity}, own)

    return DebtPosition(
        limit={t: own_sum(by_region, own) for t, by_region in limits.items()},
        balance={t: issued[t] - repaid[t] for t in issued},
        capacity=own_capacity("comprehensive_capacity"),
        gdp=own_capacity("gdp"),
        general_expenditure=own_capacity("general_expenditure"),
        fund_expenditure=own_capacity("fund_expenditure"),
    )

"""Government debt (SPEC §1.6): limits against the balance at D by type, the
ratios on the region's fiscal capacity, the interest burden, the maturity
wall, repayments due soon and overdue, and special bonds' 借、用、还 (each
bond, its projects, their spending and its repayment schedule).

A region's figures cover the region and every region below it (bonds,
balances, repayments); limits and fiscal_capacity are the region's own rows
of year(D), None where it reports none (SPEC §2). Money is integer fen."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable, Mapping

from sqlalchemy import Engine, and_, func, or_, select, union_all

from data import schema as s
from data.hierarchy import hierarchies
from data.measures import ratio
from data.month_slices import complete_month
from data.query.base import in_codes, in_regions, month_end, num, region_codes, to_date, ym
from data.query.members import own_regions, own_sum
from data.query.scope import QueryError, Scope

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


@dataclass(frozen=True)
class RegionDebt:
    code: str
    name: str
    position: DebtPosition


# -- own rows and balances ------------------------------------------------------------

class _OwnRows:
    """debt_limit and fiscal_capacity rows of year(D) of some regions."""

    def __init__(self, conn, year: int, codes: Iterable[str]):
        dl, fc = s.debt_limit, s.fiscal_capacity
        codes = list(codes)
        self.limits: dict[str, dict[str, int]] = {"general": {}, "special": {}}
        for region, debt_type, amount in conn.execute(
                select(dl.c.mof_div_code, dl.c.debt_type, dl.c.limit_amount)
                .where(dl.c.fiscal_year == year, in_codes(dl.c.mof_div_code, codes))):
            if debt_type in DEBT_TYPES:
                self.limits[DEBT_TYPES[debt_type]][region] = int(amount)
        self.capacity = {r["mof_div_code"]: r for r in conn.execute(
            select(fc).where(fc.c.fiscal_year == year,
                             in_codes(fc.c.mof_div_code, codes))).mappings()}

    def figure(self, column: str, own: list[str]) -> int | None:
        return own_sum({c: int(r[column]) for c, r in self.capacity.items()}, own)

    def position(self, own: list[str], balance: Mapping[str, int]) -> DebtPosition:
        return DebtPosition(
            limit={t: own_sum(by_region, own) for t, by_region in self.limits.items()},
            balance={t: balance.get(t, 0) for t in DEBT_TYPES.values()},
            capacity=self.figure("comprehensive_capacity", own),
            gdp=self.figure("gdp", own),
            general_expenditure=self.figure("general_expenditure", own),
            fund_expenditure=self.figure("fund_expenditure", own),
        )


def _balances(conn, as_of: date, regions: frozenset[str] | None) -> dict[tuple[str, str], int]:
    """{(region, "general"|"special"): balance at D of the region's own bonds}:
    Σ AMOUNT issued on or before D − Σ PRINCIPAL of debt_service rows paid on
    or before D (SPEC §1.6)."""
    b, ds = s.bond, s.debt_service
    out: dict[tuple[str, str], int] = defaultdict(int)
    issued = (select(b.c.mof_div_code, b.c.debt_type, func.sum(b.c.amount))
              .where(b.c.issue_date <= as_of, in_regions(b.c.mof_div_code, regions))
              .group_by(b.c.mof_div_code, b.c.debt_type))
    repaid = (select(b.c.mof_div_code, b.c.debt_type, -func.sum(ds.c.principal))
              .select_from(ds.join(b, ds.c.bond_code == b.c.bond_code))
              .where(ds.c.paid_date.is_not(None), ds.c.paid_date <= as_of,
                     in_regions(b.c.mof_div_code, regions))
              .group_by(b.c.mof_div_code, b.c.debt_type))
    for region, debt_type, amount in conn.execute(union_all(issued, repaid)):
        if debt_type in DEBT_TYPES and amount is not None:
            out[(region, DEBT_TYPES[debt_type])] += int(amount)
    return out


def debt_position(engine: Engine, scope: Scope) -> DebtPosition:
    """The position at D = as_of. Limits and fiscal capacity are read from the
    own rows of `own_regions` (for all regions: the roots' rows summed, None
    unless every root has one), never summed over the regions below."""
    own = own_regions(engine, scope.mof_div)
    with engine.connect() as conn:
        rows = _OwnRows(conn, scope.as_of.year, own)
        balance: dict[str, int] = defaultdict(int)
        for (_region, kind), amount in _balances(conn, scope.as_of,
                                                 region_codes(engine, scope)).items():
            balance[kind] += amount
    return rows.position(own, balance)


def debt_by_region(engine: Engine, scope: Scope) -> list[RegionDebt]:
    """The regions one level below the selection (the children of
    `scope.mof_div`; for all regions, the roots), each with its own position:
    own rows for limits and capacity, balances rolled up over its subtree."""
    tree = hierarchies(engine).region
    kids = tree.children(scope.mof_div) if scope.mof_div else tree.roots()
    with engine.connect() as conn:
        rows = _OwnRows(conn, scope.as_of.year, kids)
        balance: dict[str, dict[str, int]] = {k: defaultdict(int) for k in kids}
        for (region, kind), amount in _balances(conn, scope.as_of,
                                                region_codes(engine, scope)).items():
            kid = tree.child_of(scope.mof_div, region)
            if kid in balance:
                balance[kid][kind] += amount
    return [RegionDebt(k, tree.name.get(k, k), rows.position([k], balance[k])) for k in kids]


# -- interest burden (rule INTEREST_BURDEN) -------------------------------------------------

@dataclass(frozen=True)
class Burden:
    """Interest due in year(D) on one debt type of the region and below, and
    the region's own expenditure it is measured against (None: no row)."""

    interest: int
    expenditure: int | None

    @property
    def share(self) -> float | None:
        return ratio(self.interest, self.expenditure)


def interest_burden(engine: Engine, scope: Scope) -> dict[str, Burden]:
    """{"general": interest / GENERAL_EXPENDITURE, "special": interest /
    FUND_EXPENDITURE}: INTEREST of debt_service rows due in year(D) on the
    bonds of the region and below, paid or not."""
    b, ds, year = s.bond, s.debt_service, scope.as_of.year
    own = own_regions(engine, scope.mof_div)
    interest: dict[str, int] = defaultdict(int)
    with engine.connect() as conn:
        rows = _OwnRows(conn, year, own)
        for debt_type, amount in conn.execute(
                select(b.c.debt_type, func.sum(ds.c.interest))
                .select_from(ds.join(b, ds.c.bond_code == b.c.bond_code))
                .where(ds.c.due_date >= date(year, 1, 1), ds.c.due_date <= date(year, 12, 31),
                       in_regions(b.c.mof_div_code, region_codes(engine, scope)))
                .group_by(b.c.debt_type)):
            if debt_type in DEBT_TYPES:
                interest[DEBT_TYPES[debt_type]] += num(amount)
    return {"general": Burden(interest["general"], rows.figure("general_expenditure", own)),
            "special": Burden(interest["special"], rows.figure("fund_expenditure", own))}


# -- repayments ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Repayment:
    """One debt_service row (还本付息) and where it stands at D: `paid` is
    PAID_AMOUNT when paid on or before D (else 0), `outstanding` the
    principal and interest not yet paid at D."""

    bond_code: str
    bond_name: str
    mof_div: str
    debt_type: str  # "1" | "2"
    due_date: date
    principal: int
    interest: int
    paid_date: date | None
    paid: int
    outstanding: int

    @property
    def entity(self) -> str:
        """The rule engine's entity code (DEBT_DUE_SOON, DEBT_OVERDUE)."""
        return f"{self.bond_code}@{self.due_date.isoformat()}"


def _unpaid_at(as_of: date):
    """SPEC §2: PAID_DATE empty or after D."""
    ds = s.debt_service
    return or_(ds.c.paid_date.is_(None), ds.c.paid_date > as_of)


def _repayments(engine: Engine, scope: Scope, *conds, debt_type: str | None = None
                ) -> list[Repayment]:
    b, ds, as_of = s.bond, s.debt_service, scope.as_of
    where = [in_regions(b.c.mof_div_code, region_codes(engine, scope)), *conds]
    if debt_type is not None:
        where.append(b.c.debt_type == debt_type)
    stmt = (select(ds, b.c.bond_name, b.c.mof_div_code, b.c.debt_type)
            .select_from(ds.join(b, ds.c.bond_code == b.c.bond_code))
            .where(and_(*where)).order_by(ds.c.due_date, ds.c.bond_code))
    out = []
    with engine.connect() as conn:
        for r in conn.execute(stmt).mappings():
            paid_date = to_date(r["paid_date"]) if r["paid_date"] is not None else None
            paid = num(r["paid_amount"]) if paid_date is not None and paid_date <= as_of else 0
            due = int(r["principal"]) + int(r["interest"])
            out.append(Repayment(r["bond_code"], r["bond_name"], r["mof_div_code"], r["debt_type"],
                                 to_date(r["due_date"]), int(r["principal"]), int(r["interest"]),
                                 paid_date, paid, max(due - paid, 0)))
    return out


def repayments_due(engine: Engine, scope: Scope, days: int, debt_type: str | None = None
                   ) -> list[Repayment]:
    """Repayments due in (D, D + days] and unpaid at D (rule DEBT_DUE_SOON's
    rows when `days` is its window), soonest first."""
    ds, as_of = s.debt_service, scope.as_of
    return _repayments(engine, scope, ds.c.due_date > as_of,
                       ds.c.due_date <= as_of + timedelta(days=days), _unpaid_at(as_of),
                       debt_type=debt_type)


def repayments_overdue(engine: Engine, scope: Scope, debt_type: str | None = None
                       ) -> list[Repayment]:
    """Repayments due before D and not fully paid by D: unpaid at D, or paid
    with less than principal + interest (rule DEBT_OVERDUE's rows)."""
    ds, as_of = s.debt_service, scope.as_of
    return _repayments(engine, scope, ds.c.due_date < as_of,
                       or_(_unpaid_at(as_of), ds.c.paid_amount < ds.c.principal + ds.c.interest),
                       debt_type=debt_type)


def repayments_in_month(engine: Engine, scope: Scope, month: str, debt_type: str | None = None
                        ) -> list[Repayment]:
    """The repayments of one month of the maturity wall ('YYYY-MM'): due in
    that month and unpaid at D."""
    first = _month(month)
    ds = s.debt_service
    return _repayments(engine, scope, ds.c.due_date >= first,
                       ds.c.due_date <= month_end(first.year, first.month),
                       _unpaid_at(scope.as_of), debt_type=debt_type)


def bond_schedule(engine: Engine, scope: Scope, bond: str) -> list[Repayment]:
    """Every repayment of one bond of the region (or below), paid or not."""
    return _repayments(engine, scope, s.debt_service.c.bond_code == bond)


def _month(month: str) -> date:
    try:
        if len(month) != 7:
            raise ValueError(month)
        return date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        raise QueryError("month", f"格式应为 YYYY-MM / must be YYYY-MM: {month!r}") from None


# -- the maturity wall ----------------------------------------------------------------------

@dataclass(frozen=True)
class Maturity:
    period: str  # 'YYYY' or 'YYYY-MM'
    principal: int
    interest: int
    count: int  # repayments

    @property
    def total(self) -> int:
        return self.principal + self.interest


def maturities(engine: Engine, scope: Scope, by: str = "year", year: int | None = None,
               debt_type: str | None = None) -> list[Maturity]:
    """Principal and interest due and unpaid at D, by due year (every year
    from the first to the last with an amount) or by month of `year` (all
    twelve). Unpaid repayments due before D (overdue) stay in their period."""
    if by not in ("year", "month"):
        raise QueryError("by", f"取值应为 year, month 之一 / must be one of year, month: {by!r}")
    if by == "month" and year is None:
        raise QueryError("year", "按月时必填 / required by month")
    b, ds = s.bond, s.debt_service
    y = func.extract("year", ds.c.due_date)
    keys = [y] if by == "year" else [y, func.extract("month", ds.c.due_date)]
    where = [_unpaid_at(scope.as_of), in_regions(b.c.mof_div_code, region_codes(engine, scope))]
    if by == "month":
        where += [ds.c.due_date >= date(year, 1, 1), ds.c.due_date <= date(year, 12, 31)]
    if debt_type is not None:
        where.append(b.c.debt_type == debt_type)
    stmt = (select(*keys, func.sum(ds.c.principal), func.sum(ds.c.interest), func.count())
            .select_from(ds.join(b, ds.c.bond_code == b.c.bond_code))
            .where(and_(*where)).group_by(*keys))
    with engine.connect() as conn:
        found = {tuple(int(k) for k in r[:-3]): (num(r[-3]), num(r[-2]), int(r[-1]))
                 for r in conn.execute(stmt)}
    if by == "month":
        periods = [((year, m), f"{year:04d}-{m:02d}") for m in range(1, 13)]
    elif found:
        first, last = min(found)[0], max(found)[0]
        periods = [((k,), f"{k:04d}") for k in range(first, last + 1)]
    else:
        periods = []
    return [Maturity(label, *found.get(key, (0, 0, 0))) for key, label in periods]


# -- bonds: 借、用、还 -------------------------------------------------------------------------

@dataclass(frozen=True)
class Bond:
    """A bond issued on or before D, with its principal repaid by D and its
    balance at D (AMOUNT − principal repaid)."""

    code: str
    name: str
    mof_div: str
    debt_type: str  # "1" | "2"
    use: str  # "1" 新增 | "2" 再融资
    issue_date: date
    maturity_date: date
    rate: float  # percent
    amount: int
    repaid: int

    @property
    def balance(self) -> int:
        return self.amount - self.repaid


def bonds(engine: Engine, scope: Scope, debt_type: str | None = None) -> list[Bond]:
    """The bonds of the region and below issued on or before D, newest first."""
    b, ds, as_of = s.bond, s.debt_service, scope.as_of
    repaid = (select(ds.c.bond_code, func.sum(ds.c.principal).label("repaid"))
              .where(ds.c.paid_date.is_not(None), ds.c.paid_date <= as_of)
              .group_by(ds.c.bond_code).subquery())
    where = [b.c.issue_date <= as_of, in_regions(b.c.mof_div_code, region_codes(engine, scope))]
    if debt_type is not None:
        where.append(b.c.debt_type == debt_type)
    stmt = (select(b, repaid.c.repaid)
            .select_from(b.outerjoin(repaid, repaid.c.bond_code == b.c.bond_code))
            .where(and_(*where)).order_by(b.c.issue_date.desc(), b.c.bond_code))
    with engine.connect() as conn:
        return [Bond(r["bond_code"], r["bond_name"], r["mof_div_code"], r["debt_type"],
                     r["bond_use"], to_date(r["issue_date"]), to_date(r["maturity_date"]),
                     float(r["rate"]), int(r["amount"]), num(r["repaid"]))
                for r in conn.execute(stmt).mappings()]


@dataclass(frozen=True)
class BondProject:
    """A project a bond funds (bond_project) and its spending: payments with
    that BOND_CODE and PRO_CODE, of any fiscal year, paid on or before D."""

    bond_code: str
    pro_code: str
    pro_name: str
    agency_code: str
    mof_div: str
    amount: int
    spent: int

    @property
    def share(self) -> float | None:
        return ratio(self.spent, self.amount)

    @property
    def entity(self) -> str:
        """The rule engine's entity code (BOND_FUNDS_IDLE)."""
        return f"{self.bond_code}/{self.pro_code}"


def bond_projects(engine: Engine, scope: Scope, bond: str | None = None) -> list[BondProject]:
    """The projects of the bonds `bonds()` lists (or of one of them), each with
    its spending at D, by bond then project."""
    bp, b = s.bond_project, s.bond
    where = [b.c.issue_date <= scope.as_of, in_regions(b.c.mof_div_code, region_codes(engine, scope))]
    if bond is not None:
        where.append(bp.c.bond_code == bond)
    stmt = (select(bp).select_from(bp.join(b, b.c.bond_code == bp.c.bond_code))
            .where(and_(*where)).order_by(bp.c.bond_code, bp.c.pro_code))
    names = hierarchies(engine).project_name
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
        spent = _spent(conn, scope.as_of, ("bond_code", "pro_code"), lambda t: [
            in_codes(t.c.bond_code, {r["bond_code"] for r in rows}),
            in_codes(t.c.pro_code, {r["pro_code"] for r in rows})]) if rows else {}
    return [BondProject(r["bond_code"], r["pro_code"], names.get(r["pro_code"], r["pro_code"]),
                        r["agency_code"], r["mof_div_code"], int(r["amount"]),
                        spent.get((r["bond_code"], r["pro_code"]), 0)) for r in rows]


def bond_spending(engine: Engine, scope: Scope, bond: str, project: str) -> dict[int, int]:
    """{fiscal year: Σ payments with the BOND_CODE and PRO_CODE paid on or
    before D}, oldest year first (refunds included)."""
    with engine.connect() as conn:
        got = _spent(conn, scope.as_of, ("fiscal_year",),
                     lambda t: [t.c.bond_code == bond, t.c.pro_code == project])
    return {k[0]: v for k, v in sorted(got.items())}


def _spent(conn, as_of: date, cols: tuple[str, ...],
           where: Callable[[object], list]) -> dict[tuple, int]:
    """Σ payments of any fiscal year paid on or before D grouped by `cols`:
    the aggregate's whole months before month(D) (month(D) too when it holds
    just the payments up to D: data/month_slices.py), plus the raw payments
    of month(D) up to D."""
    a, p = s.agg_payment_month, s.payment
    whole_month = complete_month(conn, as_of)

    def part(t, conds):
        group = [t.c[c] for c in cols]
        return select(*group, func.sum(t.c.amount)).where(*conds, *where(t)).group_by(*group)

    agg = part(a, [a.c.pay_ym <= ym(as_of) if whole_month else a.c.pay_ym < ym(as_of)])
    stmt = agg if whole_month else union_all(
        agg, part(p, [p.c.pay_date >= as_of.replace(day=1), p.c.pay_date <= as_of]))
    out: dict[tuple, int] = defaultdict(int)
    for row in conn.execute(stmt):
        out[tuple(row[:-1])] += num(row[-1])
    return dict(out)

"""Central direct funds (直达资金): received, allocated and paid of year(D), per
fund, per region, per recipient agency and per quota.

Received = direct_fund rows of the fiscal year with RECEIVED_DATE ≤ D;
allocated = quotas to D carrying the fund's DIRECT_FUND_CODE; paid = payments
to D carrying it (refunds included). All three roll up over the regions below
(SPEC §2 Definitions). These functions apply the scope's region and date only:
direct_fund rows carry no other coding, so a fund-type or unit cut would
compare quotas with receipts they are not part of."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from sqlalchemy import Engine, and_, func, select

from data import schema as s
from data.hierarchy import Hierarchies, hierarchies
from data.i18n import _
from data.measures import gap_pp, ratio
from data.query.base import chunks, in_codes, paid_by, quota_by, to_date
from data.query.facts import quotas
from data.query.scope import QueryError, Scope, scope_end, scope_tp


class _Rates:
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
        """(payment rate − TP) · 100: the figure rule DIRECT_PAY_LAG grades."""
        return gap_pp(self.payment_rate, self.time_progress)


@dataclass(frozen=True)
class DirectFunds(_Rates):
    received: int
    allocated: int
    paid: int
    time_progress: float

    @classmethod
    def of(cls, rows: Sequence[_Rates], time_progress: float) -> "DirectFunds":
        """The sum of some rows (every fund of a region: all its direct funds)."""
        return cls(sum(r.received for r in rows), sum(r.allocated for r in rows),
                   sum(r.paid for r in rows), time_progress)


@dataclass(frozen=True)
class DirectRow(_Rates):
    """One fund (`code` = DIRECT_FUND_CODE) or one region (`code` =
    MOF_DIV_CODE) with everything below it; `own`: a region's own records
    only, beside its children in a comparison."""

    code: str
    name: str
    received: int
    allocated: int
    paid: int
    time_progress: float
    as_of: date  # D
    receipts: tuple[tuple[date, int], ...] = ()  # (RECEIVED_DATE, Σ fen) in date order
    own: bool = False

    @property
    def first_received(self) -> date | None:
        return self.receipts[0][0] if self.receipts else None

    @property
    def last_received(self) -> date | None:
        return self.receipts[-1][0] if self.receipts else None

    @property
    def days_since_first(self) -> int | None:
        return (self.as_of - self.receipts[0][0]).days if self.receipts else None

    @property
    def days_since_last(self) -> int | None:
        return (self.as_of - self.receipts[-1][0]).days if self.receipts else None

    def past_grace(self, grace_days: int) -> int:
        """Σ received more than `grace_days` before D: the amount rules
        DIRECT_ALLOC_SLOW / DIRECT_PAY_LAG judge (they judge none while it is 0)."""
        return sum(amount for day, amount in self.receipts if (self.as_of - day).days > grace_days)

    def within_grace(self, grace_days: int) -> bool:
        """Every receipt is at most `grace_days` old (none yet judged)."""
        return bool(self.receipts) and self.days_since_first <= grace_days


@dataclass(frozen=True)
class Recipient:
    """An agency's quotas to D and payments to D carrying the fund's code."""

    code: str
    name: str
    mof_div: str | None
    allocated: int
    paid: int

    @property
    def rate(self) -> float | None:
        """paid / allocated."""
        return ratio(self.paid, self.allocated)


# -- the three flows, grouped in SQL --------------------------------------------------------

def _with_fund(fund: str | None) -> Callable:
    def extra(t) -> list:
        col = t.c.direct_fund_code
        return [col == fund] if fund is not None else [col.is_not(None), col != ""]
    return extra


def _flow_scope(scope: Scope, **cuts) -> Scope:
    """Year, D and region of `scope` (the cuts direct funds take), plus `cuts`."""
    return Scope(as_of=scope.as_of, year=scope.year, mof_div=scope.mof_div, **cuts)


@dataclass
class _Flows:
    receipts: dict[tuple, dict[date, int]]
    allocated: dict[tuple, int]
    paid: dict[tuple, int]


def _flows(engine: Engine, scope: Scope, h: Hierarchies, cols: Sequence[str],
           fund: str | None = None, receipts: bool = True) -> _Flows:
    """Receipts by (cols, date) and allocations and payments by `cols`, each
    one GROUP BY over the scope's region and below. `cols` are common to the
    three tables (direct_fund_code, mof_div_code) or, without receipts, any
    coding column of quota and payment."""
    flow, extra = _flow_scope(scope), _with_fund(fund)
    with engine.connect() as conn:
        got: dict[tuple, dict[date, int]] = defaultdict(dict)
        if receipts:
            d = s.direct_fund
            conds = [d.c.fiscal_year == scope.fiscal_year, d.c.received_date <= scope_end(scope),
                     *extra(d)]
            if scope.mof_div is not None:
                conds.append(in_codes(d.c.mof_div_code, h.region.descendants(scope.mof_div)))
            group = [d.c[c] for c in cols] + [d.c.received_date]
            for row in conn.execute(select(*group, func.sum(d.c.received_amount))
                                    .where(and_(*conds)).group_by(*group)):
                day = to_date(row[-2])
                got[tuple(row[:-2])][day] = got[tuple(row[:-2])].get(day, 0) + int(row[-1])
        return _Flows(dict(got), quota_by(conn, flow, h, cols, extra),
                      paid_by(conn, flow, h, cols, extra))


def _fold(flows: _Flows, key_of: Callable[[tuple], str | None]):
    """Receipts, allocations and payments summed per row key (None: dropped)."""
    got: dict[str, dict[date, int]] = defaultdict(dict)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for k, days in flows.receipts.items():
        if (row := key_of(k)) is not None:
            for day, amount in days.items():
                got[row][day] = got[row].get(day, 0) + amount
    for i, part in enumerate((flows.allocated, flows.paid)):
        for k, amount in part.items():
            if (row := key_of(k)) is not None:
                sums[row][i] += amount
    return got, sums


def _row(scope: Scope, code: str, name: str, days: dict[date, int], sums: Sequence[int],
         own: bool = False) -> DirectRow:
    return DirectRow(code, name, sum(days.values()), sums[0], sums[1], scope_tp(scope),
                     scope_end(scope), tuple(sorted(days.items())), own)


def fund_names(engine: Engine) -> dict[str, str]:
    """DIRECT_FUND_CODE → name (the latest fiscal year's)."""
    d = s.direct_fund
    latest = (select(d.c.direct_fund_code, func.max(d.c.fiscal_year).label("fy"))
              .group_by(d.c.direct_fund_code).subquery())
    stmt = (select(d.c.direct_fund_code, func.max(d.c.direct_fund_name))
            .join(latest, and_(latest.c.direct_fund_code == d.c.direct_fund_code,
                               latest.c.fy == d.c.fiscal_year))
            .group_by(d.c.direct_fund_code))
    with engine.connect() as conn:
        return {code: name for code, name in conn.execute(stmt)}


# -- per fund, per region -------------------------------------------------------------------

def fund_rows(engine: Engine, scope: Scope) -> list[DirectRow]:
    """Per fund, over the scope's region and every region below it (all
    regions: None): every fund received to D, allocated or paid, in code order."""
    h = hierarchies(engine)
    got, sums = _fold(_flows(engine, scope, h, ["direct_fund_code"]), lambda k: k[0])
    names = fund_names(engine)
    return [_row(scope, code, names.get(code, code), got.get(code, {}), sums.get(code, (0, 0)))
            for code in sorted(set(got) | set(sums))]


def direct_funds(engine: Engine, scope: Scope) -> DirectFunds:
    """All funds together: received, allocated and paid of year(D), the region
    and below."""
    return DirectFunds.of(fund_rows(engine, scope), scope_tp(scope))


def region_rows(engine: Engine, scope: Scope, fund: str | None = None) -> list[DirectRow]:
    """The comparison of the children of the scope's region (the roots for
    all regions), each rolled up over the regions below it, for one fund or
    all; every child is a row, in hierarchy order. Records of the region
    itself come first as its `own` row (named "（本级）") when it has any."""
    h = hierarchies(engine)
    tree, parent = h.region, scope.mof_div
    if parent is not None and parent not in tree:
        raise QueryError("mof_div", f"未知的区划 / unknown region: {parent!r}")
    children = tree.children(parent)
    chosen = set(children)

    def key_of(k: tuple) -> str | None:
        if k[0] == parent:
            return parent
        return next((a for a in tree.ancestors(k[0]) if a in chosen), None)

    got, sums = _fold(_flows(engine, scope, h, ["mof_div_code"], fund), key_of)
    rows = []
    if parent is not None and (parent in got or parent in sums):
        rows.append(_row(scope, parent, _("{name}（本级）").format(name=tree.name.get(parent, parent)),
                         got.get(parent, {}), sums.get(parent, (0, 0)), own=True))
    rows += [_row(scope, c, tree.name.get(c, c), got.get(c, {}), sums.get(c, (0, 0)))
             for c in children]
    return rows


# -- recipients, their quotas and the payments behind them ----------------------------------

def recipients(engine: Engine, scope: Scope, fund: str) -> list[Recipient]:
    """The agencies of the scope's region and below with a quota to D or a
    payment to D carrying `fund`, the largest allocation first."""
    h = hierarchies(engine)
    flows = _flows(engine, scope, h, ["agency_code"], fund, receipts=False)
    _got, sums = _fold(flows, lambda k: k[0])
    rows = [Recipient(a, h.agency_name.get(a, a), h.agency_region.get(a), b, p)
            for a, (b, p) in sums.items()]
    return sorted(rows, key=lambda r: (-r.allocated, -r.paid, r.code))


def fund_quotas(engine: Engine, scope: Scope, fund: str, agency: str) -> list[dict]:
    """The quota records to D of `agency` carrying `fund` (within the scope's
    region), as `data.query.quotas` gives them: `available`, `paid` (payments
    to D on the BGT_ID, whatever their coding) and `rate`."""
    return [q for q in quotas(engine, _flow_scope(scope, agency=agency))
            if q["direct_fund_code"] == fund]


def payment_funds(engine: Engine, scope: Scope, pay_cert_ids: Sequence[str]) -> dict[str, dict]:
    """Of the payments to D among `pay_cert_ids` (a few flagged ones): each
    one's direct fund (None without), quota, agency, amount and date, and
    `quota` whether its BGT_ID names a quota to D."""
    p, q, end = s.payment, s.quota, scope_end(scope)
    ids = sorted(set(pay_cert_ids))
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for chunk in chunks(ids):
            for r in conn.execute(select(p.c.pay_cert_id, p.c.direct_fund_code, p.c.bgt_id,
                                         p.c.agency_code, p.c.amount, p.c.pay_date)
                                  .where(in_codes(p.c.pay_cert_id, chunk),
                                         p.c.fiscal_year == scope.fiscal_year,
                                         p.c.pay_date <= end)):
                out[r.pay_cert_id] = {"fund": r.direct_fund_code or None, "bgt_id": r.bgt_id,
                                      "agency": r.agency_code, "amount": int(r.amount),
                                      "pay_date": to_date(r.pay_date), "quota": False}
        bgt_ids = sorted({r["bgt_id"] for r in out.values() if r["bgt_id"]})
        known: set[str] = set()
        for chunk in chunks(bgt_ids):
            known.update(conn.execute(select(q.c.bgt_id).where(
                in_codes(q.c.bgt_id, chunk), q.c.fiscal_year == scope.fiscal_year,
                q.c.doc_date <= end)).scalars())
    for r in out.values():
        r["quota"] = r["bgt_id"] in known
    return out

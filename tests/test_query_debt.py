"""The debt figures of data/query/debt.py against independent computations,
on SQLite and PostgreSQL: by hand on a small hand-made store with the
boundary dates (a bond issued after D, a repayment paid on D and one paid the
day after, a short payment, a township with its own limit, regions without a
fiscal_capacity row), and on the `tiny` demo against a computation from the
demo's CSV files written from SPEC §1.6 and §2.

The store is tests/overview_fixture.py (D = 2025-09-30) plus the bonds B5–B7,
their repayments, three projects and the payments that spend bond money."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from data import schema as s
from data.db import bump_data_version
from data.query import Scope, debt_position
from data.query.debt import (bond_projects, bond_schedule, bond_spending, bonds, debt_by_region,
                             interest_burden, maturities, repayments_due, repayments_in_month,
                             repayments_overdue)
from data.query.scope import QueryError
from tests.conftest import DEMO_AS_OF
from tests.overview_fixture import A1, A2, C, D, T1, T2, X, Y, _payment, load
from tests.querycheck import build_aggregate

MID = date(2025, 9, 20)  # a mid-month date: the days of September come from the payment table
PR1, PR2, PR3 = "P-SEWER", "P-PLANT", "P-ROAD"


def _bond(code, region, kind, issue, maturity, amount, rate=2.5):
    return dict(bond_code=code, bond_name=f"债券{code}", mof_div_code=region, debt_type=kind,
                bond_use="1", issue_date=issue, maturity_date=maturity, rate=rate,
                amount=Y(amount))


def _service(bond, due, principal, interest, paid_date=None, paid=None):
    return dict(bond_code=bond, due_date=due, principal=Y(principal), interest=Y(interest),
                paid_date=paid_date, paid_amount=Y(paid if paid is not None else 0))


def _spend(cert, region, agency, project, bond, amount, pay_date, year=None):
    return {**_payment(cert, region, agency, amount, pay_date, year=year or pay_date.year),
            "pro_code": project, "bond_code": bond, "fund_type_code": "2"}


def load_debt(engine) -> None:
    load(engine)
    with engine.begin() as conn:
        conn.execute(insert(s.project), [
            dict(pro_code=PR1, pro_name="污水管网改造", agency_code=A1),
            dict(pro_code=PR2, pro_name="标准厂房建设", agency_code=A1),
            dict(pro_code=PR3, pro_name="乡村道路提升", agency_code=A2)])
        conn.execute(insert(s.bond), [
            _bond("B5", C, "1", date(2023, 3, 15), date(2028, 3, 15), 4_000_000, 3.0),
            _bond("B6", C, "2", date(2024, 3, 1), date(2034, 3, 1), 6_000_000),
            _bond("B7", T1, "2", date(2024, 5, 1), date(2029, 5, 1), 2_000_000, 2.0)])
        conn.execute(insert(s.debt_service), [
            _service("B5", D, 500_000, 120_000, D, 620_000),  # paid on D
            _service("B5", date(2026, 3, 15), 0, 105_000),
            _service("B5", date(2028, 3, 15), 3_500_000, 105_000),
            # due before D, paid the day after D: unpaid (and overdue) at D
            _service("B6", date(2025, 9, 15), 300_000, 150_000, D + timedelta(days=1), 450_000),
            _service("B6", D + timedelta(days=30), 0, 150_000),  # the last day of the window
            _service("B7", D + timedelta(days=31), 0, 80_000),  # one day beyond it
            _service("B7", date(2025, 8, 1), 100_000, 40_000, date(2025, 8, 1), 100_000),  # short
            _service("B7", D + timedelta(days=1), 0, 1_000, MID, 1_000),  # paid before it is due
        ])
        conn.execute(insert(s.bond_project), [
            dict(bond_code="B2", pro_code=PR1, mof_div_code=C, agency_code=A1, amount=Y(5_000_000)),
            dict(bond_code="B6", pro_code=PR1, mof_div_code=C, agency_code=A1, amount=Y(4_000_000)),
            dict(bond_code="B6", pro_code=PR2, mof_div_code=C, agency_code=A1, amount=Y(2_000_000)),
            dict(bond_code="B7", pro_code=PR3, mof_div_code=T1, agency_code=A2, amount=Y(2_000_000)),
            dict(bond_code="B3", pro_code=PR3, mof_div_code=T1, agency_code=A2, amount=Y(5_000_000)),
        ])
        conn.execute(insert(s.payment), [
            _spend("BP1", C, A1, PR1, "B6", 1_000_000, date(2024, 6, 1)),  # last year's
            _spend("BP2", C, A1, PR1, "B6", 500_000, D),  # on D
            _spend("BP3", C, A1, PR1, "B6", 700_000, D + timedelta(days=1)),  # after D
            _spend("BP4", C, A1, PR1, None, 300_000, date(2025, 5, 10)),  # not bond money
            _spend("BP5", C, A1, PR2, "B6", 1_200_000, date(2025, 9, 10)),
            _spend("BP6", C, A1, PR2, "B6", -200_000, date(2025, 7, 1)),  # a refund
            _spend("BP7", T1, A2, PR3, "B7", 300_000, date(2025, 2, 1)),
            _spend("BP8", C, A1, PR3, "B6", 50_000, date(2025, 6, 1)),  # B6 does not fund PR3
            # a 2024 payment paid in 2025: any fiscal year counts
            _spend("BP9", C, A1, PR1, "B6", 10_000, date(2025, 1, 10), year=2024),
        ])
        build_aggregate(conn)
        bump_data_version(conn)


@pytest.fixture
def debt_store(engine):
    load_debt(engine)
    return engine


def at(d: date = D, region: str | None = C) -> Scope:
    return Scope(as_of=d, mof_div=region)


# -- balances, limits and ratios -------------------------------------------------------------

def test_balance_at_d_by_type(debt_store):
    pos = debt_position(debt_store, at())
    # general: B1 10,000,000 − 1,000,000 (paid 1 Jun; 1 Dec is after D)
    #          + B5 4,000,000 − 500,000 (paid on D)
    # special: B2 20,000,000 (its September principal unpaid) + B6 6,000,000 (the
    #          September principal is paid the day after D) + B7 (T1) 2,000,000 − 100,000
    #          (paid short, but paid); B3 is issued after D
    assert pos.balance == {"general": Y(12_500_000), "special": Y(27_900_000)}
    assert pos.limit == {"general": Y(12_000_000), "special": Y(18_000_000)}
    assert pos.debt_ratio == pytest.approx(40_400_000 / 20_000_000)  # 202%
    assert pos.liability_ratio == pytest.approx(40_400_000 / 100_000_000)
    assert pos.over_limit() == ["general", "special"]
    # the day after D the B6 principal is repaid
    later = debt_position(debt_store, at(D + timedelta(days=1)))
    assert later.balance == {"general": Y(12_500_000), "special": Y(27_600_000)}
    # before D the B5 repayment made on D is not yet made
    assert debt_position(debt_store, at(MID)).balance["general"] == Y(13_000_000)


def test_township_and_regions_without_rows(debt_store):
    t1 = debt_position(debt_store, at(region=T1))
    assert t1.balance == {"general": 0, "special": Y(1_900_000)}
    assert t1.limit == {"general": None, "special": Y(1_000_000)}  # its own row
    assert t1.debt_ratio == pytest.approx(1_900_000 / 5_000_000)
    t2 = debt_position(debt_store, at(region=T2))
    assert t2.balance == {"general": 0, "special": 0}
    assert (t2.limit, t2.debt_ratio, t2.liability_ratio) == \
        ({"general": None, "special": None}, None, None)
    x = debt_position(debt_store, at(region=X))
    assert x.balance == {"general": Y(2_000_000), "special": 0}
    assert x.limit == {"general": Y(5_000_000), "special": None} and x.debt_ratio is None
    everywhere = debt_position(debt_store, at(region=None))
    assert everywhere.balance == {"general": Y(14_500_000), "special": Y(27_900_000)}
    assert everywhere.limit == {"general": Y(17_000_000), "special": None}
    assert everywhere.debt_ratio is None  # X has no fiscal_capacity row


def test_region_comparison(debt_store):
    kids = debt_by_region(debt_store, at())
    assert [(k.code, k.name) for k in kids] == [(T1, "东栅街道"), (T2, "凤桥镇")]
    assert kids[0].position == debt_position(debt_store, at(region=T1))
    assert kids[1].position == debt_position(debt_store, at(region=T2))
    roots = debt_by_region(debt_store, at(region=None))
    assert [k.code for k in roots] == [C, X]
    assert roots[0].position == debt_position(debt_store, at())
    assert roots[1].position == debt_position(debt_store, at(region=X))
    assert debt_by_region(debt_store, at(region=T1)) == []


def test_interest_burden(debt_store):
    burden = interest_burden(debt_store, at())
    # general interest due in 2025: B1 300,000 (1 Jun) + 0 (1 Dec) + B5 120,000 (30 Sep)
    assert (burden["general"].interest, burden["general"].expenditure) == \
        (Y(420_000), Y(30_000_000))
    # special: B2 0 + B6 150,000 + 150,000 + B7 80,000 + 40,000 + 1,000, paid or not
    assert (burden["special"].interest, burden["special"].expenditure) == \
        (Y(421_000), Y(8_000_000))
    assert burden["special"].share == pytest.approx(421_000 / 8_000_000)
    t1 = interest_burden(debt_store, at(region=T1))
    assert t1["special"].share == pytest.approx(121_000 / 1_000_000)  # over 10%
    assert t1["general"].interest == 0 and t1["general"].share == pytest.approx(0)
    t2 = interest_burden(debt_store, at(region=T2))
    assert t2["general"].expenditure is None and t2["general"].share is None


# -- repayments --------------------------------------------------------------------------

def entities(rows) -> list[str]:
    return [r.entity for r in rows]


def test_due_soon(debt_store):
    # (D, D + 30], unpaid at D: the 30th day is in, the 31st out; B7's 1 October
    # instalment was paid before it fell due
    assert entities(repayments_due(debt_store, at(), 30)) == ["B6@2025-10-30"]
    assert entities(repayments_due(debt_store, at(), 31)) == ["B6@2025-10-30", "B7@2025-10-31"]
    # on 20 September B5's repayment of the 30th is still unpaid; B7's was paid that day
    assert entities(repayments_due(debt_store, at(MID), 30)) == ["B5@2025-09-30"]
    assert repayments_due(debt_store, at(), 30, debt_type="1") == []
    assert entities(repayments_due(debt_store, at(region=T1), 31)) == ["B7@2025-10-31"]


def test_overdue(debt_store):
    rows = repayments_overdue(debt_store, at())
    # B7 paid short on 1 Aug; B2 unpaid; B6 paid the day after D. B5, due on D, is not overdue.
    assert entities(rows) == ["B7@2025-08-01", "B2@2025-09-01", "B6@2025-09-15"]
    assert [r.outstanding for r in rows] == [Y(40_000), Y(500_000), Y(450_000)]
    assert [r.paid for r in rows] == [Y(100_000), 0, 0]
    assert rows[0].mof_div == T1 and rows[1].bond_name == "专项债二"
    # the day after, B6's row is paid in full
    assert entities(repayments_overdue(debt_store, at(D + timedelta(days=1)))) == \
        ["B7@2025-08-01", "B2@2025-09-01"]
    assert entities(repayments_overdue(debt_store, at(region=X))) == []


def test_schedule_and_a_month(debt_store):
    rows = bond_schedule(debt_store, at(), "B5")
    assert [(r.due_date, r.principal, r.interest, r.paid, r.outstanding) for r in rows] == [
        (D, Y(500_000), Y(120_000), Y(620_000), 0),
        (date(2026, 3, 15), 0, Y(105_000), 0, Y(105_000)),
        (date(2028, 3, 15), Y(3_500_000), Y(105_000), 0, Y(3_605_000))]
    assert bond_schedule(debt_store, at(region=X), "B5") == []  # not a bond of X
    assert entities(repayments_in_month(debt_store, at(), "2025-10")) == ["B6@2025-10-30", "B7@2025-10-31"]
    assert entities(repayments_in_month(debt_store, at(), "2025-09")) == ["B2@2025-09-01", "B6@2025-09-15"]
    with pytest.raises(QueryError) as err:
        repayments_in_month(debt_store, at(), "2025-9")
    assert err.value.parameter == "month"


def test_maturity_wall(debt_store):
    wall = maturities(debt_store, at())
    # unpaid at D: 2025 B2 500,000; B6 300,000 + 150,000 and 150,000; B7 80,000; B1 2,000,000
    # (paid after D); 2026 B5 105,000; 2027 nothing; 2028 B5 3,500,000 + 105,000
    assert [(m.period, m.principal, m.interest, m.count) for m in wall] == [
        ("2025", Y(2_800_000), Y(380_000), 5), ("2026", 0, Y(105_000), 1), ("2027", 0, 0, 0),
        ("2028", Y(3_500_000), Y(105_000), 1)]
    months = maturities(debt_store, at(), "month", 2025)
    assert [m.period for m in months] == [f"2025-{m:02d}" for m in range(1, 13)]
    got = {m.period: (m.principal, m.interest, m.count) for m in months if m.count}
    assert got == {"2025-09": (Y(800_000), Y(150_000), 2), "2025-10": (0, Y(230_000), 2),
                   "2025-12": (Y(2_000_000), 0, 1)}
    special = maturities(debt_store, at(), debt_type="2")
    assert [(m.period, m.total) for m in special] == [("2025", Y(1_180_000))]
    assert maturities(debt_store, at(region=T2)) == []
    with pytest.raises(QueryError):
        maturities(debt_store, at(), "month")


# -- bonds: 借、用、还 ------------------------------------------------------------------------

def test_bonds(debt_store):
    rows = bonds(debt_store, at())
    # B3 is issued after D; newest first
    assert [(b.code, b.balance) for b in rows] == [
        ("B2", Y(20_000_000)), ("B7", Y(1_900_000)), ("B6", Y(6_000_000)), ("B5", Y(3_500_000)),
        ("B1", Y(9_000_000))]
    assert sum(b.balance for b in rows) == debt_position(debt_store, at()).total_balance
    assert [b.code for b in bonds(debt_store, at(), debt_type="1")] == ["B5", "B1"]
    assert rows[3].rate == pytest.approx(3.0) and rows[3].maturity_date == date(2028, 3, 15)


def test_bond_projects_spending(debt_store):
    rows = {p.entity: p for p in bond_projects(debt_store, at())}
    # B3/P-ROAD: B3 is issued after D
    assert set(rows) == {"B2/P-SEWER", "B6/P-SEWER", "B6/P-PLANT", "B7/P-ROAD"}
    # B6/P-SEWER: 1,000,000 (FY 2024) + 10,000 (FY 2024, paid 2025) + 500,000 (on D);
    # not the payment after D nor the one without bond money
    assert rows["B6/P-SEWER"].spent == Y(1_510_000)
    assert rows["B6/P-SEWER"].share == pytest.approx(1_510_000 / 4_000_000)
    assert rows["B6/P-PLANT"].spent == Y(1_000_000)  # 1,200,000 − 200,000 refunded: 50%
    assert rows["B6/P-PLANT"].share == pytest.approx(0.5)
    assert rows["B7/P-ROAD"].spent == Y(300_000) and rows["B7/P-ROAD"].mof_div == T1
    assert rows["B2/P-SEWER"].spent == 0 and rows["B2/P-SEWER"].pro_name == "污水管网改造"
    # mid-month: September's payments come from the payment table, up to the 20th
    mid = {p.entity: p.spent for p in bond_projects(debt_store, at(MID), bond="B6")}
    assert mid == {"B6/P-SEWER": Y(1_010_000), "B6/P-PLANT": Y(1_000_000)}
    assert [p.entity for p in bond_projects(debt_store, at(region=T1))] == ["B7/P-ROAD"]
    assert bond_spending(debt_store, at(), "B6", PR1) == {2024: Y(1_010_000), 2025: Y(500_000)}
    assert bond_spending(debt_store, at(MID), "B6", PR2) == {2025: Y(1_000_000)}


# -- the demo ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from data.demo import write_demo_files
    from tests.rule_oracle import read_frames

    out = tmp_path_factory.mktemp("debt-demo")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    return read_frames(out)


class DemoDebt:
    """SPEC §1.6 and §2 over the demo's CSV files, plain Python."""

    def __init__(self, f, d: date):
        self.f, self.d = f, d
        self.parent = dict(zip(f["mof_div"].MOF_DIV_CODE, f["mof_div"].PARENT_CODE))
        self.bond = {r.BOND_CODE: r for r in f["bond"].itertuples()}

    def under(self, region: str | None, code: str) -> bool:
        while code:
            if code == region:
                return True
            code = self.parent.get(code)
        return region is None

    def services(self, region):
        return [r for r in self.f["debt_service"].itertuples()
                if self.under(region, self.bond[r.BOND_CODE].MOF_DIV_CODE)]

    def unpaid(self, r) -> bool:
        return r.PAID_DATE is None or r.PAID_DATE > self.d

    def balance(self, region) -> dict[str, int]:
        out = {"1": 0, "2": 0}
        for b in self.bond.values():
            if b.ISSUE_DATE <= self.d and self.under(region, b.MOF_DIV_CODE):
                out[b.DEBT_TYPE] += b.AMOUNT
        for r in self.services(region):
            if r.PAID_DATE is not None and r.PAID_DATE <= self.d:
                out[self.bond[r.BOND_CODE].DEBT_TYPE] -= r.PRINCIPAL
        return out

    def own(self, dataset: str, region: str):
        t = self.f[dataset]
        return t[(t.FISCAL_YEAR == str(self.d.year)) & (t.MOF_DIV_CODE == region)]

    def wall(self, region) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.services(region):
            if self.unpaid(r):
                out[str(r.DUE_DATE.year)][0] += r.PRINCIPAL
                out[str(r.DUE_DATE.year)][1] += r.INTEREST
        return {k: tuple(v) for k, v in out.items()}

    def spent(self) -> dict[tuple[str, str], int]:
        p = self.f["payment"]
        out: dict[tuple[str, str], int] = defaultdict(int)
        for r in p[p.BOND_CODE != ""].itertuples():
            if r.PAY_DATE <= self.d:
                out[(r.BOND_CODE, r.PRO_CODE)] += r.AMOUNT
        return out


DEMO_REGIONS = ["99", "9901", "990121", "990121001"]


@pytest.mark.parametrize("region", DEMO_REGIONS)
def test_demo_position(demo_engine, frames, region):
    want = DemoDebt(frames, DEMO_AS_OF)
    pos = debt_position(demo_engine, Scope(as_of=DEMO_AS_OF, mof_div=region))
    bal = want.balance(region)
    assert pos.balance == {"general": bal["1"], "special": bal["2"]}
    limits = want.own("debt_limit", region)
    by_type = dict(zip(limits.DEBT_TYPE, limits.LIMIT_AMOUNT))
    assert pos.limit == {"general": by_type.get("1"), "special": by_type.get("2")}
    cap = want.own("fiscal_capacity", region)
    if cap.empty:
        assert pos.debt_ratio is None and pos.liability_ratio is None
    else:
        row = next(cap.itertuples())
        assert pos.debt_ratio == pytest.approx((bal["1"] + bal["2"]) / row.COMPREHENSIVE_CAPACITY)
        assert pos.liability_ratio == pytest.approx((bal["1"] + bal["2"]) / row.GDP)
        for kind, column in (("1", "GENERAL_EXPENDITURE"), ("2", "FUND_EXPENDITURE")):
            interest = sum(r.INTEREST for r in want.services(region)
                           if r.DUE_DATE.year == DEMO_AS_OF.year
                           and want.bond[r.BOND_CODE].DEBT_TYPE == kind)
            got = interest_burden(demo_engine, Scope(as_of=DEMO_AS_OF, mof_div=region))
            assert got[DEBT_KEYS[kind]].interest == interest
            assert got[DEBT_KEYS[kind]].share == pytest.approx(interest / getattr(row, column))


DEBT_KEYS = {"1": "general", "2": "special"}


def test_demo_repayments_and_wall(demo_engine, frames):
    want = DemoDebt(frames, DEMO_AS_OF)
    scope = Scope(as_of=DEMO_AS_OF, mof_div="990121")
    d = DEMO_AS_OF
    soon = sorted((r.DUE_DATE, r.BOND_CODE) for r in want.services("990121")
                  if d < r.DUE_DATE <= d + timedelta(days=30) and want.unpaid(r))
    assert soon, "the demo plants a repayment due soon"
    assert [(r.due_date, r.bond_code) for r in repayments_due(demo_engine, scope, 30)] == soon
    late = sorted((r.DUE_DATE, r.BOND_CODE) for r in want.services("990121")
                  if r.DUE_DATE < d and (want.unpaid(r) or r.PAID_AMOUNT < r.PRINCIPAL + r.INTEREST))
    assert late, "the demo plants an overdue repayment"
    assert [(r.due_date, r.bond_code) for r in repayments_overdue(demo_engine, scope)] == late
    wall = {m.period: (m.principal, m.interest) for m in maturities(demo_engine, scope) if m.count}
    assert wall == want.wall("990121")
    year = d.year + 1
    months = maturities(demo_engine, scope, "month", year)
    assert sum(m.total for m in months) == sum(want.wall("990121").get(str(year), (0, 0)))


def test_demo_bond_projects(demo_engine, frames):
    want = DemoDebt(frames, DEMO_AS_OF)
    spent = want.spent()
    rows = bond_projects(demo_engine, Scope(as_of=DEMO_AS_OF))
    issued = [r for r in frames["bond_project"].itertuples()
              if want.bond[r.BOND_CODE].ISSUE_DATE <= DEMO_AS_OF]
    assert {p.entity for p in rows} == {f"{r.BOND_CODE}/{r.PRO_CODE}" for r in issued}
    for p in rows:
        assert p.spent == spent.get((p.bond_code, p.pro_code), 0)
    total = {b.code: b.balance for b in bonds(demo_engine, Scope(as_of=DEMO_AS_OF))}
    assert sum(total.values()) == sum(want.balance(None).values())

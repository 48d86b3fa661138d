"""A small hand-made store for the overview tests: one county (C) with two
townships (T1, T2) and a neighbouring county (X) outside it. The values are
chosen so every overview measure can be computed by hand (see
tests/test_overview.py and tests/test_figures.py); D = 2025-09-30.

Figures a region reports for itself as a whole are set so that summing them
over a subtree gives a different number from the region's own row: C's
POPULATION already counts its townships, and T1 has its own population,
fiscal_capacity and special debt_limit; T2 reports none of them, X no
fiscal_capacity and no special debt_limit. E3 is a financial enterprise."""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from data import schema as s
from data.db import bump_data_version
from tests.querycheck import build_aggregate

D = date(2025, 9, 30)
C, T1, T2, X = "330402", "33040201", "33040202", "330411"
A1, A2, A3 = "101001", "201001", "901001"


def Y(yuan: int) -> int:
    """yuan → fen"""
    return yuan * 100


def _quota(bgt_id, region, agency, amount, doc_date, fund=None, year=2025):
    return dict(bgt_id=bgt_id, fiscal_year=year, mof_div_code=region, agency_code=agency,
                pro_code=None, exp_func_code="2010101", dep_bgt_eco_code="30201",
                gov_bgt_eco_code=None, fund_type_code="1", budget_stage="1",
                cor_bgt_doc_no=None, doc_date=doc_date, amount=Y(amount),
                direct_fund_code=fund, bond_code=None, ori_bgt_id=None)


def _payment(cert, region, agency, amount, pay_date, fund=None, year=2025):
    return dict(pay_cert_id=cert, fiscal_year=year, pay_date=pay_date,
                pay_ym=pay_date.year * 100 + pay_date.month, mof_div_code=region,
                agency_code=agency, bgt_id=None, pro_code=None, exp_func_code="2010101",
                dep_bgt_eco_code="30201", gov_bgt_eco_code=None, fund_type_code="1",
                pay_type_code="1", set_mode_code="1", payee_acct_name="某公司",
                payee_acct_no=None, use_des="", amount=Y(amount), direct_fund_code=fund,
                bond_code=None)


def _soe(code, region, industry, period, assets, liabilities, profit):
    return dict(enterprise_code=code, enterprise_name=f"企业{code}", mof_div_code=region,
                supervisor=None, industry_type=industry, period=period,
                total_assets=Y(assets), total_liabilities=Y(liabilities),
                owner_equity=Y(assets - liabilities), state_equity=None,
                revenue=Y(1000), profit=Y(profit))


def load(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(s.mof_div), [
            dict(mof_div_code=C, mof_div_name="南湖区", parent_code="330400", level=3,
                 population=500_000),
            dict(mof_div_code=T1, mof_div_name="东栅街道", parent_code=C, level=4,
                 population=120_000),
            dict(mof_div_code=T2, mof_div_name="凤桥镇", parent_code=C, level=4,
                 population=None),
            dict(mof_div_code=X, mof_div_name="秀洲区", parent_code="330400", level=3,
                 population=300_000),
        ])
        conn.execute(insert(s.agency), [
            dict(agency_code=A1, agency_name="区教育局", mof_div_code=C, dept_code=A1),
            dict(agency_code=A2, agency_name="东栅街道办事处", mof_div_code=T1, dept_code=A2),
            dict(agency_code=A3, agency_name="秀洲区财政局", mof_div_code=X, dept_code=A3),
        ])
        conn.execute(insert(s.direct_fund), [
            dict(direct_fund_code="F1", direct_fund_name="直达资金一", fiscal_year=2025,
                 mof_div_code=C, received_amount=Y(1_000_000), received_date=date(2025, 3, 1)),
            dict(direct_fund_code="F1", direct_fund_name="直达资金一", fiscal_year=2025,
                 mof_div_code=T1, received_amount=Y(200_000), received_date=date(2025, 4, 1)),
            # received after D: not yet received at D
            dict(direct_fund_code="F2", direct_fund_name="直达资金二", fiscal_year=2025,
                 mof_div_code=C, received_amount=Y(50_000), received_date=date(2025, 10, 15)),
            dict(direct_fund_code="F1", direct_fund_name="直达资金一", fiscal_year=2025,
                 mof_div_code=X, received_amount=Y(999), received_date=date(2025, 3, 1)),
            dict(direct_fund_code="F1", direct_fund_name="直达资金一", fiscal_year=2024,
                 mof_div_code=C, received_amount=Y(7777), received_date=date(2024, 3, 1)),
        ])
        conn.execute(insert(s.quota), [
            _quota("Q1", C, A1, 800_000, date(2025, 3, 5), "F1"),
            _quota("Q2", T1, A2, 150_000, date(2025, 4, 5), "F1"),
            _quota("Q3", C, A1, 30_000, date(2025, 10, 1), "F1"),  # after D
            _quota("Q4", C, A1, 500_000, date(2025, 2, 1)),  # not a direct fund
            _quota("Q5", X, A3, 500, date(2025, 3, 1), "F1"),
        ])
        conn.execute(insert(s.payment), [
            _payment("P1", C, A1, 300_000, date(2025, 5, 1), "F1"),
            _payment("P2", T1, A2, 60_000, D, "F1"),  # on D: included
            _payment("P3", C, A1, -10_000, date(2025, 6, 1), "F1"),  # refund
            _payment("P4", C, A1, 40_000, date(2025, 10, 2), "F1"),  # after D
            _payment("P5", C, A1, 100_000, date(2025, 7, 1)),  # not a direct fund
            _payment("P6", X, A3, 100, date(2025, 5, 1), "F1"),
            _payment("P7", C, A1, 5_000, date(2025, 1, 5), "F1", year=2024),  # last year's
        ])
        conn.execute(insert(s.bond), [
            dict(bond_code="B1", bond_name="一般债一", mof_div_code=C, debt_type="1", bond_use="1",
                 issue_date=date(2020, 6, 1), maturity_date=date(2030, 6, 1), rate=3.1,
                 amount=Y(10_000_000)),
            dict(bond_code="B2", bond_name="专项债二", mof_div_code=C, debt_type="2", bond_use="1",
                 issue_date=date(2025, 8, 1), maturity_date=date(2035, 8, 1), rate=2.5,
                 amount=Y(20_000_000)),
            dict(bond_code="B3", bond_name="专项债三", mof_div_code=T1, debt_type="2", bond_use="1",
                 issue_date=date(2025, 10, 15), maturity_date=date(2035, 10, 15), rate=2.5,
                 amount=Y(5_000_000)),  # issued after D
            dict(bond_code="B4", bond_name="一般债四", mof_div_code=X, debt_type="1", bond_use="1",
                 issue_date=date(2021, 1, 1), maturity_date=date(2031, 1, 1), rate=3.0,
                 amount=Y(3_000_000)),
        ])
        conn.execute(insert(s.debt_service), [
            dict(bond_code="B1", due_date=date(2025, 6, 1), principal=Y(1_000_000),
                 interest=Y(300_000), paid_date=date(2025, 6, 1), paid_amount=Y(1_300_000)),
            dict(bond_code="B1", due_date=date(2025, 12, 1), principal=Y(2_000_000),
                 interest=Y(0), paid_date=date(2025, 12, 1), paid_amount=Y(2_000_000)),
            dict(bond_code="B2", due_date=date(2025, 9, 1), principal=Y(500_000),
                 interest=Y(0), paid_date=None, paid_amount=0),
            dict(bond_code="B4", due_date=date(2025, 1, 1), principal=Y(1_000_000),
                 interest=Y(0), paid_date=date(2025, 1, 1), paid_amount=Y(1_000_000)),
        ])
        conn.execute(insert(s.debt_limit), [
            dict(fiscal_year=2025, mof_div_code=C, debt_type="1", limit_amount=Y(12_000_000)),
            dict(fiscal_year=2025, mof_div_code=C, debt_type="2", limit_amount=Y(18_000_000)),
            dict(fiscal_year=2025, mof_div_code=T1, debt_type="2", limit_amount=Y(1_000_000)),
            dict(fiscal_year=2024, mof_div_code=C, debt_type="1", limit_amount=Y(99)),
            dict(fiscal_year=2025, mof_div_code=X, debt_type="1", limit_amount=Y(5_000_000)),
        ])
        conn.execute(insert(s.fiscal_capacity), [
            dict(fiscal_year=2025, mof_div_code=C, comprehensive_capacity=Y(20_000_000),
                 gdp=Y(100_000_000), general_expenditure=Y(30_000_000),
                 fund_expenditure=Y(8_000_000)),
            dict(fiscal_year=2025, mof_div_code=T1, comprehensive_capacity=Y(5_000_000),
                 gdp=Y(10_000_000), general_expenditure=Y(4_000_000),
                 fund_expenditure=Y(1_000_000)),
        ])
        conn.execute(insert(s.soe_financial), [
            _soe("E1", C, "1", "2025-08", 1000, 600, 10),
            _soe("E1", C, "1", "2025-09", 1000, 680, -5),
            _soe("E1", C, "1", "2025-10", 1, 1, 0),  # after month(D)
            _soe("E2", T1, "2", "2025-07", 2000, 1500, 20),
            _soe("E3", C, "3", "2025-09", 10000, 9500, 100),  # financial
            _soe("E4", X, "1", "2025-09", 500, 100, 1),
        ])
        conn.execute(insert(s.revenue), [
            dict(fiscal_year=2025, period="2025-07", mof_div_code=C, revenue_code="10101",
                 fund_type_code="1", amount=Y(100)),
            dict(fiscal_year=2025, period="2025-09", mof_div_code=X, revenue_code="10101",
                 fund_type_code="1", amount=Y(100)),
        ])
        conn.execute(insert(s.admin_asset), [
            dict(agency_code=A3, period="2025-09", asset_class="HOUSE", quantity=1,
                 original_value=Y(10), net_value=Y(5), idle_value=None, rented_value=None),
        ])
        build_aggregate(conn)
        bump_data_version(conn)


def add_payments(engine, rows: list[dict]) -> None:
    """More payments (rows as `_payment` makes them), the aggregate rebuilt."""
    with engine.begin() as conn:
        conn.execute(insert(s.payment), rows)
        build_aggregate(conn)
        bump_data_version(conn)

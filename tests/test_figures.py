"""Figures a region reports for itself as a whole (SPEC §2 "Definitions"):
POPULATION, fiscal_capacity and debt_limit come from the region's own row and
are never summed over the regions below it, while debt balances roll up; and
the SOE headline leaves financial enterprises out. Computed by hand on the
store of tests/overview_fixture.py (D = 2025-09-30), on SQLite and PostgreSQL."""
from __future__ import annotations

import sys
from datetime import date

import pytest
from sqlalchemy import insert, update

from components import format as fmt
from data import query as q
from data import schema as s
from data.db import bump_data_version
from data.query import Scope
from data.rules import band
from tests.overview_fixture import A1, C, D, T1, T2, X, Y, _payment, _soe, add_payments
from tests.test_overview import _find, _texts, app_on, store  # noqa: F401 (fixtures)


def _write(engine, stmt) -> None:
    with engine.begin() as conn:
        conn.execute(stmt)
        bump_data_version(conn)


# -- population ------------------------------------------------------------------

def test_population_is_the_region_own_row(store):
    # C's own row (500,000) already counts its townships: T1's 120,000 is not added
    assert q.population(store, C) == 500_000
    assert q.population(store, T1) == 120_000
    assert q.population(store, T2) is None  # T2 reports no population
    # all regions: the roots C and X, each its own row: 500,000 + 300,000
    assert q.population(store, None) == 800_000
    assert q.population(store, "no-such-region") is None


def test_population_of_all_regions_needs_every_root(store):
    _write(store, update(s.mof_div).where(s.mof_div.c.mof_div_code == X).values(population=None))
    assert q.population(store, None) is None  # C alone is not all regions
    assert q.population(store, C) == 500_000


# -- debt ------------------------------------------------------------------------

def test_county_debt_limits_and_capacity_are_its_own_rows(store):
    debt = q.debt_position(store, Scope(as_of=D, mof_div=C))
    # balance rolls up: general B1 10,000,000 − 1,000,000 repaid; special B2 20,000,000
    assert debt.balance == {"general": Y(9_000_000), "special": Y(20_000_000)}
    # C's own limits; T1's special limit of 1,000,000 is not added (that gave 19,000,000)
    assert debt.limit == {"general": Y(12_000_000), "special": Y(18_000_000)}
    assert debt.total_limit == Y(30_000_000)
    # C's own fiscal_capacity row; T1's 5,000,000 / 10,000,000 are not added
    assert (debt.capacity, debt.gdp) == (Y(20_000_000), Y(100_000_000))
    assert (debt.general_expenditure, debt.fund_expenditure) == (Y(30_000_000), Y(8_000_000))
    assert debt.debt_ratio == pytest.approx(29 / 20)  # 145% (the sum gave 29/25 = 116%)
    assert debt.liability_ratio == pytest.approx(29 / 100)
    assert band("DEBT_RATIO", debt.debt_ratio) == "yellow"  # 145% ≥ 120% (116% was green)
    assert debt.over_limit() == ["special"]  # 20,000,000 > 18,000,000


def test_township_debt_uses_its_own_rows(store):
    debt = q.debt_position(store, Scope(as_of=D, mof_div=T1))
    assert debt.balance == {"general": 0, "special": 0}  # B3 is issued after D
    # T1 has a special limit of 1,000,000 and no general limit row
    assert debt.limit == {"general": None, "special": Y(1_000_000)}
    assert debt.total_limit is None
    assert (debt.capacity, debt.gdp) == (Y(5_000_000), Y(10_000_000))
    assert (debt.general_expenditure, debt.fund_expenditure) == (Y(4_000_000), Y(1_000_000))
    assert debt.debt_ratio == 0.0 and band("DEBT_RATIO", debt.debt_ratio) == "green"
    assert debt.over_limit() == []
    later = q.debt_position(store, Scope(as_of=date(2025, 12, 31), mof_div=T1))
    assert later.balance == {"general": 0, "special": Y(5_000_000)}  # B3
    assert later.over_limit() == ["special"]  # 5,000,000 > 1,000,000; general not judged


def test_region_without_rows_has_no_limit_and_no_ratios(store):
    debt = q.debt_position(store, Scope(as_of=D, mof_div=T2))
    assert debt.limit == {"general": None, "special": None} and debt.total_limit is None
    assert (debt.capacity, debt.gdp, debt.general_expenditure, debt.fund_expenditure) == \
        (None, None, None, None)
    assert (debt.debt_ratio, debt.liability_ratio) == (None, None)
    assert band("DEBT_RATIO", debt.debt_ratio) is None
    assert debt.over_limit() == []


def test_all_regions_sum_the_roots_own_rows(store):
    debt = q.debt_position(store, Scope(as_of=D))
    # balance: C 9,000,000 + X (B4 3,000,000 − 1,000,000) general; B2 20,000,000 special
    assert debt.balance == {"general": Y(11_000_000), "special": Y(20_000_000)}
    # roots C and X: general 12,000,000 + 5,000,000; X has no special limit row
    assert debt.limit == {"general": Y(17_000_000), "special": None}
    assert debt.capacity is None and debt.debt_ratio is None  # X has no fiscal_capacity row
    assert debt.over_limit() == []  # general 11,000,000 ≤ 17,000,000
    _write(store, insert(s.fiscal_capacity).values(
        fiscal_year=2025, mof_div_code=X, comprehensive_capacity=Y(10_000_000), gdp=Y(50_000_000),
        general_expenditure=Y(6_000_000), fund_expenditure=Y(2_000_000)))
    debt = q.debt_position(store, Scope(as_of=D))
    # C 20,000,000 + X 10,000,000 (T1's 5,000,000 is not added), and so on
    assert (debt.capacity, debt.gdp) == (Y(30_000_000), Y(150_000_000))
    assert (debt.general_expenditure, debt.fund_expenditure) == (Y(36_000_000), Y(10_000_000))
    assert debt.debt_ratio == pytest.approx(31 / 30)


# -- state-owned enterprises ---------------------------------------------------------

def test_soe_headline_leaves_out_financial_enterprises(store):
    soe = q.soe_totals(store, Scope(as_of=D, mof_div=C))
    # non-financial: E1 2025-09 (1,000 / 680, profit −5), E2 2025-07 (2,000 / 1,500, profit 20)
    assert soe.enterprises == 2
    assert (soe.assets, soe.liabilities, soe.profit) == (Y(3000), Y(2180), Y(15))
    assert soe.alr == pytest.approx(2180 / 3000)  # 72.7%; with E3 it was 11,680 / 13,000
    assert (soe.alr_yellow, soe.alr_red, soe.loss_making) == (1, 1, 1)  # E1 68%, E2 75%
    # E3 (financial, 2025-09: 10,000 / 9,500) is counted apart
    assert (soe.financial, soe.financial_assets) == (1, Y(10_000))
    everywhere = q.soe_totals(store, Scope(as_of=D))
    # + E4 in X (500 / 100)
    assert (everywhere.enterprises, everywhere.assets, everywhere.liabilities,
            everywhere.financial) == (3, Y(3500), Y(2280), 1)


def test_soe_of_a_region_with_only_financial_enterprises(store):
    _write(store, insert(s.soe_financial).values(_soe("E5", T2, "3", "2025-09", 800, 700, -3)))
    soe = q.soe_totals(store, Scope(as_of=D, mof_div=T2))
    assert (soe.enterprises, soe.assets, soe.alr, soe.loss_making) == (0, 0, None, 0)
    assert (soe.financial, soe.financial_assets) == (1, Y(800))


# -- the overview tiles ---------------------------------------------------------------

def _tile(app_on, region: str, tile_id: str) -> str:
    page = sys.modules["pages.overview"]
    return " ".join(_texts(_find(page.layout(as_of=D.isoformat(), mof_div=region), tile_id)))


def test_soe_tile_names_the_financial_enterprises_left_out(app_on):
    text = _tile(app_on, C, "kpi-soe")
    assert fmt.pct(2180 / 3000) in text and "2 户企业" in text
    assert "另有金融企业 1 户（不计入）" in text


def test_debt_tile_shows_own_limits_and_missing_ones(app_on):
    county = _tile(app_on, C, "kpi-debt")
    assert f"限额 {fmt.money(Y(18_000_000))}" in county and "超限额" in county
    assert f"债务率 {fmt.pct(29 / 20)}" in county
    township = _tile(app_on, T1, "kpi-debt")
    assert township.count("未报送限额") == 1 and f"限额 {fmt.money(Y(1_000_000))}" in township
    assert _tile(app_on, T2, "kpi-debt").count("未报送限额") == 2


# -- which budget a tile covers ------------------------------------------------------

def test_expenditure_tile_covers_the_general_budget_like_the_revenue_tile(app_on):
    """A transfer from the general budget into the social-insurance fund is
    paid twice (once from each budget); the expenditure tile beside the
    general-budget revenue tile must count the general budget only, and say so."""
    from data.db import get_engine

    add_payments(get_engine(), [{**_payment("P-SI", C, A1, 300_000, date(2025, 8, 1)),
                                 "fund_type_code": "4", "payee_acct_name": "社保基金"}])
    page = sys.modules["pages.overview"]
    tile = _texts(_find(page.layout(as_of=D.isoformat(), mof_div=C), "kpi-expenditure"))
    # general budget only: P1 + P2 + P3 + P5 = 450,000 yuan = 45.00 万元 (all four: 75.00)
    assert "45.00" in tile and "75.00" not in tile
    assert "一般公共预算支出" in tile
    revenue = _texts(_find(page.layout(as_of=D.isoformat(), mof_div=C), "kpi-revenue"))
    assert "一般公共预算收入" in revenue
    # with the fund filter on the social-insurance budget, both tiles follow it
    tile = _texts(_find(page.layout(as_of=D.isoformat(), mof_div=C, fund_type="4"),
                        "kpi-expenditure"))
    assert "30.00" in tile and "社会保险基金预算支出" in tile


# -- levels judged entity by entity, not on the selection's total ---------------------

def _item(tile, dataset: str):
    """The freshness list item of one dataset."""
    def walk(c):
        if getattr(c, "to_plotly_json", None) and \
                c.to_plotly_json()["props"].get("data-dataset") == dataset:
            return c
        kids = getattr(c, "children", None)
        for k in kids if isinstance(kids, (list, tuple)) else [kids]:
            if k is not None and not isinstance(k, str):
                hit = walk(k)
                if hit is not None:
                    return hit
        return None

    return walk(tile)


def _badge_words(tile) -> list[str]:
    return [t for t in _texts(tile) if t in ("正常", "关注", "预警", "严重")]


def test_a_stale_township_is_not_hidden_by_its_county(app_on):
    """C reports revenue for September, its township T1 last for June: the
    county's latest date is fresh, T1 is 92 days late (DATA_STALE, 40 days)."""
    from data.db import get_engine

    with get_engine().begin() as conn:
        conn.execute(insert(s.revenue), [
            dict(fiscal_year=2025, period="2025-09", mof_div_code=C, revenue_code="10101",
                 fund_type_code="1", amount=Y(100)),
            dict(fiscal_year=2025, period="2025-06", mof_div_code=T1, revenue_code="10101",
                 fund_type_code="1", amount=Y(100))])
        bump_data_version(conn)
    page = sys.modules["pages.overview"]
    tile = _find(page.layout(as_of=D.isoformat(), mof_div=C), "kpi-freshness")
    revenue = _item(tile, "revenue")
    words = _texts(revenue)
    assert "2025年9月30日" in words  # C's own September, the county's latest
    assert "滞后" in " ".join(words)  # but T1 is late, and said so
    assert "东栅街道" in str(revenue)


def test_a_fund_inside_its_grace_days_is_not_judged(app_on):
    """T2 received a direct fund ten days before D and has paid nothing yet:
    DIRECT_PAY_LAG waits 30 days after receipt, so nothing is late there (the
    old tile judged the total at once: 0% paid against 74.8% of the year, red)."""
    from data.db import get_engine

    _write(get_engine(), insert(s.direct_fund).values(
        direct_fund_code="F3", direct_fund_name="直达资金三", fiscal_year=2025, mof_div_code=T2,
        received_amount=Y(100_000), received_date=date(2025, 9, 20)))
    page = sys.modules["pages.overview"]
    tile = _find(page.layout(as_of=D.isoformat(), mof_div=T2), "kpi-direct")
    assert _badge_words(tile) == ["正常"]
    assert "0.0%" in _texts(tile)  # the figure is still shown
    # C: F1 at C and at T1 are past their grace days, each its own entity: paid
    # C 350,000 / 1,200,000 and T1 60,000 / 200,000 against TP 74.8% (both red), and
    # allocated 950,000 / 1,200,000 = 79% and 150,000 / 200,000 = 75% (< 80%: red)
    county = _find(page.layout(as_of=D.isoformat(), mof_div=C), "kpi-direct")
    assert _badge_words(county)[0] == "严重"
    assert any("严重 4 项预警" in t for t in _texts(county)), _texts(county)


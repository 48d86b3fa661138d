"""Overview measures (data/overview.py) against hand computation on the store
of tests/overview_fixture.py, on SQLite and PostgreSQL; and the overview page
built by its layout function."""
from __future__ import annotations

from datetime import date

import pytest

from data import query as q
from data.query import Scope
from data.query.base import region_codes
from tests.overview_fixture import A1, C, D, T1, T2, X, Y, load
from tests.sessions import viewing_as

TP = 273 / 365  # 2025-09-30 is day 273 of a 365-day year


@pytest.fixture
def store(engine):
    load(engine)
    return engine


def test_region_options_follow_parent_links(store):
    assert q.region_options(store) == [(C, "南湖区", 0), (T1, "东栅街道", 1), (T2, "凤桥镇", 1),
                                        (X, "秀洲区", 0)]
    assert region_codes(store, Scope(as_of=D, mof_div=C)) == {C, T1, T2}
    assert region_codes(store, Scope(as_of=D)) is None


def test_fiscal_years(store):
    assert q.fiscal_years(store) == [2025, 2024]


def test_direct_funds_for_a_county_include_its_townships(store):
    d = q.direct_funds(store, Scope(as_of=D, mof_div=C))
    # received: C 1,000,000 + T1 200,000 (F2 arrives after D; X and 2024 are out)
    assert d.received == Y(1_200_000)
    # allocated: Q1 800,000 + Q2 150,000 (Q3 after D, Q4 no direct fund, Q5 in X)
    assert d.allocated == Y(950_000)
    # paid: P1 300,000 + P2 60,000 (on D) − P3 10,000 refund; P4 after D, P7 is 2024's
    assert d.paid == Y(350_000)
    assert d.payment_rate == pytest.approx(350_000 / 1_200_000)
    assert d.allocation_rate == pytest.approx(950_000 / 1_200_000)
    assert d.gap_pp == pytest.approx((350_000 / 1_200_000 - TP) * 100)


def test_direct_funds_all_regions_and_a_township(store):
    d = q.direct_funds(store, Scope(as_of=D))
    assert (d.received, d.allocated, d.paid) == (Y(1_200_999), Y(950_500), Y(350_100))
    t = q.direct_funds(store, Scope(as_of=D, mof_div=T1))
    assert (t.received, t.allocated, t.paid) == (Y(200_000), Y(150_000), Y(60_000))
    empty = q.direct_funds(store, Scope(as_of=D, mof_div=T2))
    assert (empty.received, empty.payment_rate) == (0, None)


def test_debt_position(store):
    debt = q.debt_position(store, Scope(as_of=D, mof_div=C))
    # general: B1 10,000,000 − 1,000,000 repaid 2025-06-01 (the December repayment is after D)
    # special: B2 20,000,000 (its September instalment is unpaid; B3 is issued after D)
    assert debt.balance == {"general": Y(9_000_000), "special": Y(20_000_000)}
    # Limits and capacity are C's own rows (SPEC §2). The old expectations summed
    # T1's rows in: special limit 19,000,000, capacity 25,000,000, GDP 110,000,000,
    # debt ratio 29/25 = 116% "green".
    assert debt.limit == {"general": Y(12_000_000), "special": Y(18_000_000)}
    assert debt.capacity == Y(20_000_000) and debt.gdp == Y(100_000_000)
    assert debt.debt_ratio == pytest.approx(29 / 20)
    assert debt.liability_ratio == pytest.approx(29 / 100)
    assert debt.over_limit() == ["special"]
    later = q.debt_position(store, Scope(as_of=date(2025, 12, 31), mof_div=C))
    assert later.balance == {"general": Y(7_000_000), "special": Y(25_000_000)}
    everywhere = q.debt_position(store, Scope(as_of=D))
    assert everywhere.balance["general"] == Y(9_000_000 + 2_000_000)


def test_soe_totals_use_each_enterprise_latest_period(store):
    soe = q.soe_totals(store, Scope(as_of=D, mof_div=C))
    # E1 2025-09 (the October report is after D), E2 2025-07; E3 (financial) 2025-09 is
    # counted apart. The old expectations took E3 into the headline: 3 enterprises,
    # assets 13,000, liabilities 11,680, profit 115.
    assert soe.enterprises == 2 and soe.financial == 1
    assert soe.assets == Y(1000 + 2000)
    assert soe.liabilities == Y(680 + 1500)
    assert soe.profit == Y(-5 + 20)
    assert soe.alr == pytest.approx(2180 / 3000)
    assert (soe.alr_yellow, soe.alr_red, soe.loss_making) == (1, 1, 1)  # E1 68%, E2 75%
    assert soe.period == "2025-09"
    august = q.soe_totals(store, Scope(as_of=date(2025, 8, 31), mof_div=C))
    assert (august.enterprises, august.liabilities, august.loss_making) == (2, Y(600 + 1500), 0)


def test_freshness(store):
    """The latest data date of each source on or before D (a period: its
    last day); whether it is late is rule DATA_STALE's, region by region."""
    fresh = {f.dataset: f.latest for f in q.freshness(store, Scope(as_of=D, mof_div=C))}
    assert fresh == {"payment": D, "revenue": date(2025, 7, 31), "soe_financial": D,
                     "admin_asset": None}
    everywhere = {f.dataset: f.latest for f in q.freshness(store, Scope(as_of=D))}
    assert everywhere["revenue"] == D and everywhere["admin_asset"] == D  # X reports both
    later = {f.dataset: f.latest for f in q.freshness(store, Scope(as_of=date(2025, 10, 1),
                                                                       mof_div=C))}
    assert later["payment"] == D  # P4 (10-02) is after this D too


# -- the page --------------------------------------------------------------------

@pytest.fixture
def app_on(store, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    import app as app_module
    from service import cache

    cache.clear()
    with viewing_as(app_module.server):
        yield app_module


def _texts(component) -> list[str]:
    out = []

    def walk(c):
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
        elif c is not None and hasattr(c, "children"):
            walk(c.children)

    walk(component)
    return out


def _find(component, id_):
    if getattr(component, "id", None) == id_:
        return component
    kids = getattr(component, "children", None)
    for k in kids if isinstance(kids, (list, tuple)) else [kids]:
        if k is not None and not isinstance(k, str):
            hit = _find(k, id_)
            if hit is not None:
                return hit
    return None


def test_overview_layout_shows_the_measures(app_on):
    import sys

    from components import format as fmt

    page = sys.modules["pages.overview"]
    tree = page.layout(as_of=D.isoformat(), mof_div=C)
    text = " ".join(_texts(tree))
    assert "南湖区" in text and "数据截至 2025年9月30日" in text
    direct = _find(tree, "kpi-direct")
    assert fmt.pct(350_000 / 1_200_000) in _texts(direct)
    assert direct.to_plotly_json()["props"]["data-level"] == "red"
    debt = " ".join(_texts(_find(tree, "kpi-debt")))
    assert "2,900.00" in debt and "万元" in debt and "超限额" in debt
    assert _find(tree, "kpi-debt").to_plotly_json()["props"]["data-level"] == "red"
    soe = " ".join(_texts(_find(tree, "kpi-soe")))
    # non-financial E1 and E2 only (the old expectation took E3 in: 11,680 / 13,000, 3 户)
    assert fmt.pct(2180 / 3000) in soe and "2 户企业" in soe
    fresh = _find(tree, "kpi-freshness")
    assert "2/4" in _texts(fresh)


def test_overview_offers_the_months_brief_except_on_the_wall(app_on):
    import sys

    page = sys.modules["pages.overview"]
    link = _find(page.layout(as_of=D.isoformat(), mof_div=C), "overview-brief")
    assert link.href == f"/files/brief.pdf?mof_div={C}&month=2025-09"
    assert "2025年9月分析专报" in " ".join(_texts(link))
    assert _find(page.layout(as_of=D.isoformat(), kiosk="1"), "overview-brief") is None


def test_overview_layout_expenditure_matches_query_layer(app_on):
    import sys

    from data.db import get_engine
    from data.query import Scope, execution_total

    page = sys.modules["pages.overview"]
    tree = page.layout(as_of=D.isoformat(), mof_div=C)
    row = execution_total(get_engine(), Scope(as_of=D, mof_div=C))
    # quotas to D in C: Q1 800,000 + Q2 150,000 + Q4 500,000; payments to D: P1+P2+P3+P5
    assert (row.budget, row.paid) == (Y(1_450_000), Y(450_000))
    figure = _find(tree, "kpi-expenditure")
    assert "45.00" in _texts(figure) and "万元" in _texts(figure)


def test_overview_layout_on_bad_input_and_empty_filters(app_on):
    import sys

    page = sys.modules["pages.overview"]
    tree = page.layout(as_of="not-a-date", mof_div="", fund_type="9")
    assert _find(tree, "overview-tiles") is not None  # malformed values fall back to defaults


# -- the problem loop's tile: fresh on every request -----------------------------------------

@pytest.fixture
def loop(app_on, store):
    """Problems over C, a township of C and X, counted by hand in the tests:
    P1 (C) closed after assignment; P2 (T1) assigned with a deadline long
    past, so overdue; P3 (C) a deputy's question, new; P4 (X) new; P5 (C)
    dismissed (not found)."""
    from datetime import datetime

    from data import accounts, problems
    from data.accounts import Viewer

    staff = Viewer(accounts.create_user(store, "clerk", "staff", "Correct-Horse-9"), "clerk",
                   "staff")
    deputy = Viewer(accounts.create_user(store, "rep", "deputy", "Correct-Horse-9"), "rep",
                    "deputy")
    then, past = date(2025, 1, 6), datetime(2025, 1, 6, 9)
    p1 = problems.create(store, staff, "P1", mof_div_code=C, now=past)
    problems.act(store, staff, p1, "assign", unit=A1, deadline="2025-03-01", today=then, now=past)
    problems.act(store, staff, p1, "reply", text="已整改", today=then, now=past)
    problems.act(store, staff, p1, "close", today=then, now=past)
    p2 = problems.create(store, staff, "P2", mof_div_code=T1, now=past)
    problems.act(store, staff, p2, "assign", unit=T1, deadline="2025-02-01", today=then, now=past)
    problems.create(store, deputy, "P3", mof_div_code=C)
    problems.create(store, staff, "P4", mof_div_code=X)
    p5 = problems.create(store, staff, "P5", mof_div_code=C)
    problems.act(store, staff, p5, "dismiss", text="重复")
    return staff, deputy


def _tile(viewer, mof_div, params=None):
    import app as app_module
    from pages._overview import tiles

    with viewing_as(app_module.server, viewer):
        return tiles.problem_tile({"mof_div": mof_div, "params": params or {}})


def _figures(tile) -> dict:
    """The tile's big figure and its bold sub-figures, by label."""
    from dash import html

    strong = []

    def walk(c):
        if isinstance(c, html.Strong):
            strong.append(c.children)
        kids = getattr(c, "children", None)
        for k in kids if isinstance(kids, (list, tuple)) else [kids]:
            if k is not None and not isinstance(k, str):
                walk(k)

    walk(tile)
    value = _find(tile, "kpi-problems")
    big = next(t for t in _texts(value) if t.isdigit())
    return {"found": int(big), **dict(zip(("closed", "rate", "open", "overdue"), strong))}


def test_problem_tile_counts_the_region(loop):
    staff, _deputy = loop
    # C and below: P1, P2, P3 found (P4 is X's, P5 dismissed); P1 closed; P1, P2 assigned;
    # P2 overdue; open = 3 - 1
    assert _figures(_tile(staff, C)) == {"found": 3, "closed": "1", "rate": "50.0%", "open": "2",
                                         "overdue": "1"}
    assert _figures(_tile(staff, T1)) == {"found": 1, "closed": "0", "rate": "0.0%",
                                          "open": "1", "overdue": "1"}
    assert _figures(_tile(staff, None)) == {"found": 4, "closed": "1", "rate": "50.0%",
                                            "open": "3", "overdue": "1"}
    assert _find(_tile(staff, C), "kpi-problems-own") is None


def test_a_deputy_counts_their_own_problems_and_is_told_so(loop):
    _staff, deputy = loop
    tile = _tile(deputy, C)
    # only P3, their question: new, never assigned
    assert _figures(tile) == {"found": 1, "closed": "0", "rate": "—", "open": "1", "overdue": "0"}
    assert "仅统计您提出的问题" in _texts(tile)
    assert _figures(_tile(deputy, X)) == {"found": 0, "closed": "0", "rate": "—", "open": "0",
                                          "overdue": "0"}


def test_problem_tile_links_to_the_loop_and_is_fresh(loop, monkeypatch):
    import json
    import sys

    import dash
    from plotly.utils import PlotlyJSONEncoder

    from data import problems
    from data.accounts import Viewer
    from data.db import get_engine

    staff, _deputy = loop
    monkeypatch.setitem(dash.page_registry, "pages.problems", {"path": "/problems"})
    tile = _tile(staff, C, {"mof_div": C, "as_of": D.isoformat()})
    link = _find(tile, "kpi-problems").children[-1]
    assert link.href == f"/problems?as_of={D.isoformat()}&mof_div={C}"
    kiosk = _tile(Viewer(None, None, None), C)
    assert _figures(kiosk)["found"] == 3  # the wall display shows every count, links nowhere
    assert getattr(_find(kiosk, "kpi-problems").children[-1], "href", None) is None
    # the overview around it is cached; the tile counts a new problem at once
    page = sys.modules["pages.overview"]
    before = page.layout(as_of=D.isoformat(), mof_div=C)
    store = _find(before, "overview-problems-query")
    assert store.data["mof_div"] == C and _find(before, "overview-problems") is not None
    problems.create(get_engine(), staff, "P6", mof_div_code=T2)
    after = page.layout(as_of=D.isoformat(), mof_div=C)
    assert json.dumps(after, cls=PlotlyJSONEncoder) == json.dumps(before, cls=PlotlyJSONEncoder)
    assert _figures(_tile(staff, C))["found"] == 4


def test_fiscal_years_include_a_year_of_payments_only(engine, tmp_path):
    from data.importer import import_files
    from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, write

    import_files(engine, [*dimension_files(tmp_path), write(
        tmp_path, "payment.csv", PAYMENT_HEADER, [payment("PC1", "2019-06-30")])],
        evaluate_rules=False)
    assert q.fiscal_years(engine) == [2019]

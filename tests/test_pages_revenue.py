"""财政收支 page: the four budgets, revenue by class, the expenditure drill
类 → 款 → 项 → department → agency → project → payments, the monthly trend
and the per-capita switch, rendered from cold URLs against the tiny demo on
SQLite and PostgreSQL and compared with the query layer called directly."""
from __future__ import annotations

import sys

import plotly.graph_objects as go
import pytest

from components import grid
from pages._shared import grid_data
from service import view
from components.format import pick_unit
from data.query import (
    Scope,
    budgets,
    execution,
    members,
    monthly,
    payments,
    population,
    revenue_by_class,
)
from data.demo.catalog import DEMO_COUNTY
from tests.conftest import DEMO_AS_OF
from tests.test_pages_execution import (  # noqa: F401 (fixture)
    crumbs,
    demo_app,
    figure,
    find,
    has,
    no_failure,
    query,
    rows_of,
    text,
)

AS_OF = DEMO_AS_OF.isoformat()
SCOPE = Scope(as_of=DEMO_AS_OF)
DIV = {"万元": 1_000_000, "亿元": 10_000_000_000}


def page():
    return sys.modules["pages.revenue_expenditure"]


def render(**params):
    tree = page().layout.__wrapped__(**params)
    no_failure(tree)
    return tree


def in_unit(values):
    unit = pick_unit(values)
    return unit, [v / DIV[unit] for v in values]


def test_four_budgets(demo_app):
    tree = render(as_of=AS_OF)
    rows = budgets(demo_app, SCOPE)
    rev = figure(tree, "re-budgets-rev")
    exp = figure(tree, "re-budgets-exp")
    unit, values = in_unit([r.revenue_budget for r in rows] + [r.revenue for r in rows])
    assert list(rev.data[0].x) == [r.name for r in rows]
    assert list(rev.data[0].y) + list(rev.data[1].y) == [pytest.approx(v) for v in values]
    assert rev.layout.yaxis.title.text == unit
    unit, values = in_unit([r.exp_budget for r in rows] + [r.paid for r in rows])
    assert list(exp.data[0].y) + list(exp.data[1].y) == [pytest.approx(v) for v in values]
    # the paid bars carry the execution rate as text
    for r, label in zip(rows, exp.data[1].text):
        if r.exp_budget:
            assert f"{r.paid / r.exp_budget * 100:.1f}%" in label
    for r, href in zip(rows, exp.data[1].customdata):
        assert query(href) == {"as_of": AS_OF, "tab": "expenditure", "fund_type": r.fund_type}
    trend = go.Figure(find(tree, "re-trend").figure)
    months = monthly(demo_app, SCOPE)
    unit, values = in_unit([m.paid for m in months] + [m.paid_last_year for m in months])
    this_year = next(t for t in trend.data if t.name == f"{DEMO_AS_OF.year}年")
    last_year = next(t for t in trend.data if t.name == f"{DEMO_AS_OF.year - 1}年同月")
    assert list(this_year.y) + list(last_year.y) == [pytest.approx(v) for v in values]
    assert list(this_year.x) == [f"{m.month}月" for m in months]


def test_revenue_by_class_and_tax_types(demo_app):
    tree = render(as_of=AS_OF, tab="revenue")
    rows = sorted(revenue_by_class(demo_app, SCOPE), key=lambda r: -r.collected)
    fig = figure(tree, "re-revenue")
    assert [t.name for t in fig.data] == ["预算", "已收入", "上年同期"]
    unit, values = in_unit([v for r in rows for v in (r.budget, r.collected, r.last_year)])
    n = len(rows)
    assert list(fig.data[1].x) == [pytest.approx(r.collected / DIV[unit]) for r in rows]
    assert list(fig.data[2].x) == [pytest.approx(r.last_year / DIV[unit]) for r in rows]
    assert len(fig.data[0].x) == n
    tax = next(h for r, h in zip(rows, fig.data[1].customdata) if r.code == "101")
    assert query(tax) == {"as_of": AS_OF, "tab": "revenue", "rev": "101"}

    taxes = render(**query(tax))
    kids = sorted(revenue_by_class(demo_app, SCOPE, parent="101"), key=lambda r: -r.collected)
    fig = figure(taxes, "re-revenue")
    assert [pytest.approx(r.collected / DIV[pick_unit([v for k in kids for v in (k.budget, k.collected, k.last_year)])])
            for r in kids] == list(fig.data[1].x)
    assert crumbs(taxes, "re-breadcrumb") == [
        ("全部收入", f"/revenue-expenditure?as_of={AS_OF}&tab=revenue"),
        ("101 税收收入", None)]
    share = figure(taxes, "re-revenue-share")
    assert sum(share.data[0].values) == pytest.approx(
        sum(k.collected for k in kids if k.collected > 0) / DIV[pick_unit(
            [k.collected for k in kids if k.collected > 0])])


def test_expenditure_drill_to_payments(demo_app):
    """类 → … → 项 → 部门 → 单位 → 项目 → 支付, one click per level, each
    level's chart being the query layer's rows one level down."""
    names = view.names()
    params = {"as_of": AS_OF, "tab": "expenditure"}
    tree = render(**params)
    rows = sorted(execution(demo_app, SCOPE, "func_class"), key=lambda r: -r.paid)
    fig = figure(tree, "re-exp")
    unit = pick_unit([v for r in rows[: page().TOP_N] for v in (r.budget, r.paid)])
    assert list(fig.data[1].x) == [pytest.approx(r.paid / DIV[unit]) for r in rows[: page().TOP_N]]
    seen_levels = []
    func = None
    # follow the biggest spender down the function tree to a 项
    while True:
        hrefs = [h for h in fig.data[1].customdata if h]
        assert hrefs, f"no link below {func}"
        nxt = query(hrefs[0])
        if "func" in nxt and nxt["func"] != func and "dept" not in nxt:
            func = nxt["func"]
            tree = render(**nxt)
            seen_levels.append(func)
            labels = [label for label, _ in crumbs(tree, "re-breadcrumb")]
            assert labels[-1] == f"{func} {names.func[func]}"
            scope = SCOPE.replace(func=func)
            kids = [m.code for m in members(demo_app, "func", parent=func)]
            fig = figure(tree, "re-exp")
            if kids:
                expect = sorted(execution(demo_app, scope, "func", parent=func), key=lambda r: -r.paid)
            else:
                expect = sorted(execution(demo_app, scope, "dept"), key=lambda r: -r.paid)
            shown = expect[: page().TOP_N]
            unit = pick_unit([v for r in shown for v in (r.budget, r.paid)])
            assert list(fig.data[1].x) == [pytest.approx(r.paid / DIV[unit]) for r in shown]
            continue
        break
    assert len(seen_levels) >= 2, "the demo should reach at least 类 and 款"
    # department → agency → project
    assert "dept" in nxt
    for key in ("dept", "agency", "project"):
        assert key in nxt, nxt
        tree = render(**nxt)
        assert crumbs(tree, "re-breadcrumb")[-1][1] is None
        if key == "project":
            break
        hrefs = [h for h in figure(tree, "re-exp").data[1].customdata if h]
        nxt = query(hrefs[0])
    store = find(tree, {"type": grid.QUERY, "name": "re-payments"}).data
    assert store["scope"]["func"] == func and store["scope"]["project"] == nxt["project"]
    got = grid_data.payment_rows({"startRow": 0, "endRow": 20, "sortModel": []}, store)
    scope = SCOPE.replace(year=DEMO_AS_OF.year, func=func, dept=nxt["dept"], agency=nxt["agency"],
                          project=nxt["project"])
    assert got["rowCount"] == payments(demo_app, scope).total > 0
    labels = [label for label, _ in crumbs(tree, "re-breadcrumb")]
    assert labels[0] == "全部支出（按功能分类）" and len(labels) == 1 + len(seen_levels) + 3


def test_per_capita(demo_app):
    # the demo county reports its population; the province and city above it do not
    pop = population(demo_app, DEMO_COUNTY)
    assert pop, "the demo county carries its population"
    tree = render(as_of=AS_OF, tab="expenditure", percap="1", mof_div=DEMO_COUNTY)
    fig = figure(tree, "re-exp")
    rows = sorted(execution(demo_app, SCOPE.replace(mof_div=DEMO_COUNTY), "func_class"),
                  key=lambda r: -r.paid)[: page().TOP_N]
    assert fig.layout.xaxis.title.text == "元/人"
    assert list(fig.data[1].x) == [pytest.approx(r.paid / 100 / pop) for r in rows]
    assert f"{pop:,}" in fig.layout.title.subtitle.text
    switch = find(tree, "switch-percap")
    links = {a.children: a.href for a in switch.children[1].children}
    assert "percap" not in query(links["总额"]) and query(links["人均（元/人）"])["percap"] == "1"
    # tabs keep the per-capita state
    tabs = {item.children.children: item.children.href for item in find(tree, "re-page").children[2]
            .children[0].children}
    assert query(tabs["收入"])["percap"] == "1"


def test_per_capita_without_population(demo_app, monkeypatch):
    def unknown(_engine, _mof_div):  # a region that reported no population
        return None

    monkeypatch.setattr(page(), "population", unknown)
    tree = render(as_of=AS_OF, tab="expenditure", percap="1")
    assert "没有常住人口数据" in text(tree)
    assert figure(tree, "re-exp").layout.xaxis.title.text != "元/人"


@pytest.mark.parametrize("params,notice", [
    ({"tab": "expenditure", "func": "9999999"}, "功能科目“9999999”不存在"),
    ({"tab": "revenue", "rev": "bogus"}, "收入科目“bogus”不存在"),
    ({"tab": "expenditure", "agency": "nope", "project": ["a", "b"]}, "项目代码“b”不存在"),
    ({"tab": "expenditure", "percap": "yes"}, None),
    ({"tab": "??", "as_of": "2026-13-45", "year": "9999"}, None),
    ({"year": "2025"}, None),
    ({"kiosk": "1", "tab": "revenue"}, None),
])
def test_malformed_urls_fall_back(demo_app, params, notice):
    tree = render(**params)
    assert has(tree, "re-page")
    if notice:
        assert notice in text(tree)

"""政府债务 page: layouts rendered from cold URLs as functions, against the
tiny demo on SQLite and PostgreSQL. Figures come from the query layer called
directly; levels in words from the independent oracle (tests/rule_oracle.py)."""
from __future__ import annotations

import sys

import plotly.graph_objects as go
import pytest

from components import drill, levels
from data.query import Scope, debt_position
from data.query.debt import (bond_projects, bond_schedule, bonds, debt_by_region, maturities,
                             repayments_due, repayments_overdue)
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules
from tests.test_pages_execution import (crumbs, demo_app, figure, find, has,  # noqa: F401
                                        no_failure, query, rows_of, text, walk)
from tests.test_query_debt import frames  # noqa: F401 (fixture)

AS_OF = DEMO_AS_OF.isoformat()
COUNTY = "990121"
SCOPE = Scope(as_of=DEMO_AS_OF, mof_div=COUNTY)
WORDS = {"red": "严重", "orange": "预警", "yellow": "关注", "green": "正常"}


@pytest.fixture(scope="module")
def oracle(frames):  # noqa: F811
    return Rules(frames, DEMO_AS_OF).levels()


def render(**params):
    """The layout without the page guard, so any exception fails the test."""
    tree = sys.modules["pages.debt"].layout.__wrapped__(**{"as_of": AS_OF, **params})
    no_failure(tree)
    return tree



def tile_words(tree, tile_id: str) -> list[str]:
    return [t for t in text(find(tree, tile_id)).split() if t in WORDS.values()]


# -- 债务概况 ---------------------------------------------------------------------------------

def test_position_tiles_and_charts(demo_app, oracle):
    tree = render(mof_div=COUNTY)
    pos = debt_position(demo_app, SCOPE)
    # the debt ratio's level in words is the oracle's DEBT_RATIO for the county
    assert tile_words(tree, "debt-kpi-debt_ratio") == [WORDS[oracle["DEBT_RATIO"][COUNTY]]]
    assert tile_words(tree, "debt-kpi-liability_ratio") == \
        [WORDS[oracle["LIABILITY_RATIO"][COUNTY]]]
    # the special balance over its limit: DEBT_OVER_LIMIT, red in the oracle
    assert oracle["DEBT_OVER_LIMIT"][f"{COUNTY}:2"] == "red"
    assert tile_words(tree, "debt-kpi-special") == ["严重"]
    assert "超限额" in text(find(tree, "debt-kpi-special"))
    assert f"{COUNTY}:1" not in oracle["DEBT_OVER_LIMIT"]
    assert tile_words(tree, "debt-kpi-general") == ["正常"]
    # the limit chart: limits and balances in the chart's unit, each type a link one level down
    fig = figure(tree, "debt-limit")
    limit, balance = fig.data
    assert list(limit.x) == pytest.approx([pos.limit["general"] / 1e10, pos.limit["special"] / 1e10])
    assert list(balance.x) == pytest.approx([pos.balance["general"] / 1e10,
                                             pos.balance["special"] / 1e10])
    assert [query(h) for h in balance.customdata] == [
        {"as_of": AS_OF, "mof_div": COUNTY, "debt_type": t} for t in ("1", "2")]
    assert "数据截至 2026年11月20日" in " ".join(a.text for a in fig.layout.annotations)
    assert any("严重" in t for t in fig.layout.yaxis.ticktext)
    ratios = figure(tree, "debt-ratios")
    assert list(ratios.data[0].x) == pytest.approx([pos.debt_ratio, pos.liability_ratio])
    words = " ".join(a.text for a in ratios.layout.annotations)
    assert "关注 ≥120%" in words and "预警 ≥200%" in words and "严重 ≥300%" in words
    interest = figure(tree, "debt-interest")
    assert "严重" in " ".join(a.text for a in interest.layout.annotations)
    assert oracle["INTEREST_BURDEN"][f"{COUNTY}:2"] == "red"


def test_region_comparison(demo_app):
    tree = render()  # all regions: one root, so its children side by side
    kids = debt_by_region(demo_app, Scope(as_of=DEMO_AS_OF, mof_div="99"))
    rows = rows_of(tree, "debt-region-rows")
    assert [r["name"] for r in rows] == [k.name for k in kids]
    assert [query(r["href"]) for r in rows] == [{"as_of": AS_OF, "mof_div": k.code} for k in kids]
    fig = figure(tree, "debt-regions")
    assert list(fig.data[0].x) == pytest.approx([k.position.debt_ratio or 0 for k in kids])
    county = render(mof_div=COUNTY)
    towns = rows_of(county, "debt-region-rows")
    assert len(towns) == len(debt_by_region(demo_app, SCOPE)) > 0
    assert all(r["level"] == levels.text(None) for r in towns)  # no fiscal_capacity row


def test_debt_type_lists_its_bonds(demo_app):
    tree = render(mof_div=COUNTY, debt_type="2")
    assert crumbs(tree, "debt-breadcrumb")[-1] == ("专项债务", None)
    root_label, root_href = crumbs(tree, "debt-breadcrumb")[0]
    assert query(root_href) == {"as_of": AS_OF, "mof_div": COUNTY}
    rows = rows_of(tree, "debt-bonds")
    want = bonds(demo_app, SCOPE, debt_type="2")
    assert [r["name"] for r in rows] == [b.name for b in want]
    assert [query(r["href"]) for r in rows] == [
        {"as_of": AS_OF, "mof_div": COUNTY, "debt_type": "2", "bond": b.code} for b in want]
    assert tile_words(tree, "debt-kpi-interest") == ["严重"]


# -- 到期与偿还 -------------------------------------------------------------------------------

def test_due_soon_and_overdue_rows_open_their_bond(demo_app, oracle):
    tree = render(mof_div=COUNTY, tab="maturity")
    soon, late = repayments_due(demo_app, SCOPE, 30), repayments_overdue(demo_app, SCOPE)
    assert soon and late
    for name, want, rule in (("debt-due-soon", soon, "DEBT_DUE_SOON"),
                             ("debt-overdue", late, "DEBT_OVERDUE")):
        rows = rows_of(tree, name)
        assert [r["due"] for r in rows] == [s.due_date.isoformat() for s in want]
        for r, s in zip(rows, want):
            assert query(r["href"]) == {"as_of": AS_OF, "mof_div": COUNTY, "tab": "maturity",
                                        "bond": s.bond_code}
            level = oracle[rule][s.entity]
            assert r["level"] == f"{levels.text(level)} " + \
                {"DEBT_DUE_SOON": "债务即将到期", "DEBT_OVERDUE": "债务逾期"}[rule]
            assert r["lvl"] == level


def test_maturity_wall_drills_year_then_month(demo_app):
    tree = render(mof_div=COUNTY, tab="maturity")
    wall = maturities(demo_app, SCOPE)
    fig = figure(tree, "debt-wall")
    principal, interest = fig.data
    assert list(principal.x) == [f"{m.period}年" for m in wall]
    unit = 1e10 if max(m.total for m in wall) >= 1e10 else 1e6
    assert list(principal.y) == pytest.approx([m.principal / unit for m in wall])
    assert list(interest.y) == pytest.approx([m.interest / unit for m in wall])
    year = wall[0].period
    assert query(principal.customdata[0]) == {"as_of": AS_OF, "mof_div": COUNTY, "tab": "maturity",
                                              "due_year": year}
    assert "严重" in " ".join(a.text for a in fig.layout.annotations)  # the overdue year
    months = render(mof_div=COUNTY, tab="maturity", due_year=year)
    by_month = maturities(demo_app, SCOPE, "month", int(year))
    bars = figure(months, "debt-wall").data[0]
    assert list(bars.x) == [f"{int(m.period[5:])}月" for m in by_month]
    month = next(m for m in by_month if m.count)
    href = bars.customdata[by_month.index(month)]
    assert query(href)["due_month"] == month.period
    detail = render(**query(href))
    assert len(rows_of(detail, "debt-month-rows")) == month.count
    assert [c[0] for c in crumbs(detail, "debt-breadcrumb")] == \
        ["示范县 · 到期与偿还", f"{year}年到期", f"{int(month.period[5:])}月"]


# -- 债券借用还 -------------------------------------------------------------------------------

def test_idle_project_of_a_bond(demo_app, oracle):
    (entity, level), = oracle["BOND_FUNDS_IDLE"].items()
    bond, _, project = entity.partition("/")
    listing = render(tab="bonds")
    row = next(r for r in rows_of(listing, "debt-bonds") if query(r["href"]).get("bond") == bond)
    assert row["level"] == f"{levels.text(level)} 专项债资金闲置"
    tree = render(**query(row["href"]))
    assert crumbs(tree, "debt-breadcrumb")[-1][0].startswith("债券：")
    projects = rows_of(tree, "debt-project-rows")
    want = bond_projects(demo_app, Scope(as_of=DEMO_AS_OF), bond=bond)
    assert [r["name"] for r in projects] == [p.pro_name for p in want]
    hit = projects[[p.pro_code for p in want].index(project)]
    assert hit["level"] == f"{levels.text(level)} 专项债资金闲置" and hit["lvl"] == level
    assert tile_words(tree, "debt-bond-use") == [WORDS[level]]
    schedule_rows = rows_of(tree, "debt-schedule")
    assert [r["due"] for r in schedule_rows] == \
        [s.due_date.isoformat() for s in bond_schedule(demo_app, Scope(as_of=DEMO_AS_OF), bond)]
    assert all(r["href"] is None for r in schedule_rows)
    # the project: its spending and the payment grid of one fiscal year
    page = render(**query(hit["href"]))
    assert [c[0] for c in crumbs(page, "debt-breadcrumb")][-1].startswith("项目：")
    assert tile_words(page, "debt-project-share") == [WORDS[level]]
    grid_query = find(page, {"type": "payment-query", "name": "debt-payments"}).data
    assert grid_query["scope"]["project"] == project
    years = rows_of(page, "debt-project-years")
    assert grid_query["scope"]["year"] == years[-1]["year"].rstrip("年")
    assert "一次显示一个年度" in text(find(page, "debt-payments-note"))


def test_a_rule_link_opens_the_bond(demo_app, oracle):
    """The rule engine links DEBT_OVERDUE to /debt?mof_div=…&bond=… (no tab)."""
    (entity, _level), = oracle["DEBT_OVERDUE"].items()
    bond = entity.rpartition("@")[0]
    tree = render(mof_div=COUNTY, bond=bond)
    assert crumbs(tree, "debt-breadcrumb")[0][0] == "示范县 · 债务概况"
    assert has(tree, "list-debt-schedule") and has(tree, "tab-bonds")
    row = next(r for r in rows_of(tree, "debt-schedule") if r["due"] == entity.rpartition("@")[2])
    assert row["level"] == "▲严重 债务逾期"


def test_unknown_codes_fall_back_with_a_notice(demo_app):
    tree = render(bond="no-such-bond", project="x", due_month="2026-13", debt_type="9")
    assert "债券“no-such-bond”不在所选区划" in text(tree)
    assert has(tree, "debt-tiles") and not has(tree, "list-debt-schedule")
    assert crumbs(tree, "debt-breadcrumb") == [("全部区划 · 债务概况", None)]
    # a bond outside the chosen region is not shown there
    other = render(mof_div="990121001", bond=bonds(demo_app, SCOPE)[0].code)
    assert "不在所选区划" in text(other)


def test_tabs_keep_the_filters_and_drop_the_drill(demo_app):
    tree = render(mof_div=COUNTY, tab="maturity", due_year="2027")
    links = {n.children: n.href for n in walk(tree)
             if getattr(n, "id", None) in ("tab-position", "tab-maturity", "tab-bonds")}
    assert query(links["债务概况"]) == {"as_of": AS_OF, "mof_div": COUNTY}
    assert query(links["债券借用还"]) == {"as_of": AS_OF, "mof_div": COUNTY, "tab": "bonds"}

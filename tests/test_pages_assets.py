"""国有资产 page: every tab and drill rendered from a cold URL as a function,
against the tiny demo on SQLite and PostgreSQL. Figures are compared with the
query layer called directly; the levels of the flagged enterprises and the
idle-asset agency, shown in words, with the independent oracle of SPEC §2
(tests/rule_oracle.py); the lines drawn with the settings in force."""
from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from components import drill
from components import format as fmt
from data.query import Scope
from data.query.assets import (FINANCIAL, admin_by_agency, admin_by_class, agency_assets,
                               enterprise_history, enterprises, natural_resources, soe_by_industry)
from data.rules import RULES, load_settings
from data.rules.grading import LEVEL_ZH
from service import cache, view
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames
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
    walk,
)

AS_OF = DEMO_AS_OF.isoformat()
SCOPE = Scope(as_of=DEMO_AS_OF)
COUNTY, TOWNSHIP = "990121", "990121003"  # 示范县, 西城街道 (the planted idle-asset school)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("assets-page")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    rules = Rules(read_frames(out), DEMO_AS_OF)
    found = rules.all()
    open_cases = rules.open_cases
    return {rule: {c: lv for c, (lv, _v) in found[rule].items()
                   if c not in open_cases.get(rule, set())}
            for rule in ("SOE_ALR", "SOE_LOSS", "IDLE_ASSETS")}


def page():
    return sys.modules["pages.assets"]


def render(**params):
    """The layout without the page guard, so any exception fails the test."""
    tree = page().layout.__wrapped__(**params)
    no_failure(tree)
    return tree


def rule_link(rule: str, code: str) -> dict[str, str]:
    """The URL parameters the rule engine's link to a breach carries."""
    b = next(b for b in view.breaches(DEMO_AS_OF) if b.rule == rule and b.entity_code == code)
    path, params = RULES[rule].link(b)
    assert path == "/assets"
    return params


def bars(fig):
    """{href: (x, label)} of the chart's bars that link somewhere."""
    bar = fig.data[0]
    return {h: x for h, x in zip(bar.customdata, bar.x) if h}


# -- 国有企业 -------------------------------------------------------------------------------

def test_soe_tab_is_the_query_result(demo_app):
    tree = render(as_of=AS_OF)
    found = enterprises(demo_app, SCOPE)
    firms = [e for e in found if not e.financial]
    table = rows_of(tree, "assets-soe-rows")
    assert sorted(r["code"] for r in table) == sorted(e.code for e in firms)
    assert not {e.code for e in found if e.financial} & {r["code"] for r in table}
    by_code = {e.code: e for e in firms}
    for r in table:
        assert query(r["href"]) == {"as_of": AS_OF, "enterprise": r["code"]}
        assert r["alr"] == pytest.approx(by_code[r["code"]].alr)
        assert r["assets"] == pytest.approx(by_code[r["code"]].assets / 1_000_000)
    # the chart: one bar per enterprise, at its ratio, linking to it
    got = {query(h)["enterprise"]: x for h, x in bars(figure(tree, "assets-alr")).items()}
    assert got == {e.code: pytest.approx(e.alr) for e in firms}
    fig = figure(tree, "assets-alr")
    assert "资产负债率" in fig.layout.title.text and "警戒线" in fig.layout.title.text
    assert any("数据截至 2026年11月20日" in a.text for a in fig.layout.annotations)
    # the tiles are the non-financial sums
    judged = [r for r in soe_by_industry(demo_app, SCOPE) if r.key != FINANCIAL]
    assets = sum(r.assets for r in judged)
    assert fmt.money(assets).split()[0] in text(find(tree, "soe-assets"))
    liabilities = sum(r.liabilities for r in judged)
    assert fmt.pct(liabilities / assets) in text(find(tree, "soe-alr"))
    industries = text(find(tree, "soe-industries"))
    assert "工业企业" in industries and "非工业企业" in industries and "金融企业" not in industries
    assert "金融企业" in text(find(tree, "soe-financial-apart"))
    # the monthly trend ends with the headline
    trend = figure(tree, "assets-soe-trend")
    assert trend.data[0].y[-1] == pytest.approx(fmt.in_unit(assets, trend.layout.yaxis.title.text))


def test_alr_lines_are_the_settings_in_force(demo_app, monkeypatch):
    tree = render(as_of=AS_OF)
    lines = sorted(s.x0 for s in figure(tree, "assets-alr").layout.shapes)
    assert lines == [0.65, 0.7, 0.7, 0.75]  # the defaults: industrial 65/70, other 70/75
    settings = dict(load_settings(demo_app))
    changed = {**settings["SOE_ALR"].thresholds, "industrial_yellow": "0.6",
               "non_industrial_red": "0.8"}
    settings["SOE_ALR"] = replace(settings["SOE_ALR"], thresholds=changed)
    monkeypatch.setattr(view, "rule_settings", lambda: settings)
    cache.clear()  # a real change bumps the data version, which renews every cached state
    moved = render(as_of=AS_OF)
    assert sorted(s.x0 for s in figure(moved, "assets-alr").layout.shapes) == [0.6, 0.7, 0.7, 0.8]
    firm = next(e for e in enterprises(demo_app, SCOPE) if e.industry_type == "1")
    one = render(as_of=AS_OF, enterprise=firm.code)
    assert sorted(s.y0 for s in figure(one, "assets-enterprise-alr").layout.shapes) == [0.6, 0.7]
    assert "警戒线 60%" in text(find(one, "enterprise-alr"))


def test_flagged_enterprises_levels_in_words_equal_the_oracle(demo_app, oracle):
    flagged = {**oracle["SOE_LOSS"], **oracle["SOE_ALR"]}
    assert oracle["SOE_ALR"], "the demo plants enterprises over the ALR lines"
    root = render(as_of=AS_OF)
    table = {r["code"]: r for r in rows_of(root, "assets-soe-rows")}
    level_col = next(c for c in find(root, drill.rows_id("assets-soe-rows")).columnDefs
                     if c["field"] == "level")
    assert "SOE_ALR" in level_col["headerTooltip"] and "SOE_LOSS" in level_col["headerTooltip"]
    for code, level in oracle["SOE_ALR"].items():
        assert f"{LEVEL_ZH[level]} {RULES['SOE_ALR'].name_zh}" in table[code]["level"]
    for code in oracle["SOE_LOSS"]:
        assert f"{LEVEL_ZH['yellow']} {RULES['SOE_LOSS'].name_zh}" in table[code]["level"]
    for code, row in table.items():
        if code not in flagged:
            assert row["level"] == "●正常"
    # the drill the rule engine links to says the same, with the rule named in the tooltip
    code, level = max(oracle["SOE_ALR"].items(), key=lambda kv: kv[1] == "red")
    params = rule_link("SOE_ALR", code)
    assert params["enterprise"] == code and params["tab"] == "soe"
    tree = render(as_of=AS_OF, **params)
    alerts = find(tree, "enterprise-breaches")
    assert LEVEL_ZH[level] in text(alerts) and RULES["SOE_ALR"].name_zh in text(alerts)
    badge = next(n for n in find(tree, "enterprise-alr").children[0].children
                 if getattr(n, "className", "") == "level-badge")
    assert LEVEL_ZH[level] in text(badge) and "SOE_ALR" in badge.title
    name = next(e.name for e in enterprises(demo_app, SCOPE) if e.code == code)
    assert crumbs(tree, "assets-breadcrumb")[-1] == (f"企业：{name}", None)


def test_enterprise_drill_history(demo_app):
    firm = next(e for e in enterprises(demo_app, SCOPE) if e.industry_type == "2")
    tree = render(as_of=AS_OF, mof_div=COUNTY, enterprise=firm.code)
    history = enterprise_history(demo_app, SCOPE, firm.code)
    fig = figure(tree, "assets-enterprise-alr")
    assert list(fig.data[0].x) == [e.period for e in history]
    assert list(fig.data[0].y) == [pytest.approx(e.alr) for e in history]
    assert sorted(s.y0 for s in fig.layout.shapes) == [0.7, 0.75]
    assert [r["period"] for r in rows_of(tree, "assets-enterprise-periods")] == \
        [e.period for e in history]
    c = crumbs(tree, "assets-breadcrumb")
    assert [label for label, _ in c] == ["全部区划", "示范省", "示范市", "示范县", f"企业：{firm.name}"]
    assert query(c[3][1]) == {"as_of": AS_OF, "mof_div": COUNTY}
    assert text(find(tree, "enterprise-facts")).count(firm.code) == 1


# -- 金融企业 -------------------------------------------------------------------------------

def test_financial_enterprises_apart_and_never_judged(demo_app):
    tree = render(as_of=AS_OF, tab="financial")
    financial = [e for e in enterprises(demo_app, SCOPE) if e.financial]
    assert financial
    rows = rows_of(tree, "assets-financial-rows")
    assert sorted(query(r["href"])["enterprise"] for r in rows) == sorted(e.code for e in financial)
    assert all(query(r["href"])["tab"] == "financial" for r in rows)
    total = next(r for r in soe_by_industry(demo_app, SCOPE) if r.key == FINANCIAL)
    assert fmt.money(total.assets).split()[0] in text(find(tree, "financial-assets"))
    assert "不按警戒线评价" in text(find(tree, "financial-apart"))
    one = render(as_of=AS_OF, tab="financial", enterprise=financial[0].code)
    assert not figure(one, "assets-enterprise-alr").layout.shapes  # no lines to judge against
    assert "金融企业不按警戒线评价" in text(find(one, "enterprise-alr"))
    assert crumbs(one, "assets-breadcrumb")[0] == ("全部区划", f"/assets?as_of={AS_OF}&tab=financial")


def test_region_with_only_financial_or_no_enterprises(demo_app):
    tree = render(as_of=AS_OF, mof_div=TOWNSHIP)  # the demo's enterprises are the county's
    assert has(tree, "soe-empty")
    assert has(render(as_of=AS_OF, mof_div=TOWNSHIP, tab="financial"), "assets-breadcrumb")


# -- 行政事业性资产 ---------------------------------------------------------------------------

def test_admin_tab_is_the_query_result(demo_app):
    scope = Scope(as_of=DEMO_AS_OF, mof_div=COUNTY)
    tree = render(as_of=AS_OF, tab="admin", mof_div=COUNTY)
    classes = admin_by_class(demo_app, scope)
    fig = figure(tree, "assets-classes")
    assert list(fig.layout.yaxis.ticktext) == [r.name for r in classes]
    table = rows_of(tree, "assets-class-rows")
    assert [(r["name"], r["idle_share"], r["change"]) for r in table] == [
        (c.name, c.idle_share, fmt.wan(c.net_change)) for c in classes]
    agencies = admin_by_agency(demo_app, scope)
    rows = rows_of(tree, "assets-agency-rows")
    assert sorted(query(r["href"])["agency"] for r in rows) == sorted(a.code for a in agencies)
    line = float(view.rule_settings()["IDLE_ASSETS"].thresholds["yellow_share"])
    ratio = figure(tree, "assets-agencies")
    assert [s.x0 for s in ratio.layout.shapes] == [line]
    # the regions one level down open the region
    regions = bars(figure(tree, "assets-regions"))
    assert {query(h)["mof_div"] for h in regions} == {"990121001", "990121002", "990121003"}


def test_idle_asset_agency_level_in_words_equals_the_oracle(demo_app, oracle):
    assert oracle["IDLE_ASSETS"], "the demo plants an agency with idle assets"
    rows = {query(r["href"])["agency"]: r for r in rows_of(render(as_of=AS_OF, tab="admin"),
                                                            "assets-agency-rows")}
    for code, row in rows.items():
        level = oracle["IDLE_ASSETS"].get(code)
        if level:
            assert row["level"] == f"▲{LEVEL_ZH[level]} {RULES['IDLE_ASSETS'].name_zh}"
        else:
            assert "▲" not in row["level"]
    code, level = next(iter(oracle["IDLE_ASSETS"].items()))
    params = rule_link("IDLE_ASSETS", code)
    assert params["agency"] == code and params["tab"] == "admin"
    tree = render(as_of=AS_OF, **params)
    assert LEVEL_ZH[level] in text(find(tree, "agency-breaches"))
    assert LEVEL_ZH[level] in text(find(tree, "agency-idle"))
    # the region bar of its township is marked too
    county = render(as_of=AS_OF, tab="admin", mof_div=COUNTY)
    ticks = figure(county, "assets-regions").layout.yaxis.ticktext
    assert any(LEVEL_ZH[level] in t for t in ticks)


def test_agency_drill_classes_and_periods(demo_app):
    code = township_agencies(demo_app)[0]
    tree = render(as_of=AS_OF, tab="admin", mof_div=TOWNSHIP, agency=code)
    rows = agency_assets(demo_app, Scope(as_of=DEMO_AS_OF, mof_div=TOWNSHIP), code)
    latest = max(r.period for r in rows)
    assert [r["name"] for r in rows_of(tree, "assets-agency-classes")] == \
        [r.name for r in rows if r.period == latest]
    periods = sorted({r.period for r in rows})
    assert [r["period"] for r in rows_of(tree, "assets-agency-periods")] == periods
    fig = figure(tree, "assets-agency-idle")
    assert list(fig.data[0].x) == periods
    assert [s.y0 for s in fig.layout.shapes] == [0.1]
    names = view.names()
    assert [label for label, _ in crumbs(tree, "assets-breadcrumb")] == [
        "全部区划", "示范省", "示范市", "示范县", "西城街道", f"单位：{names.agency_label(code)}"]
    tabs = {n.children: n.href for n in walk(tree) if str(getattr(n, "id", "")).startswith("tab-")}
    assert "agency" not in query(tabs["国有企业"])  # a tab drops the other section's drill


def township_agencies(engine) -> list[str]:
    """The agencies of 西城街道 with asset reports."""
    return [r.code for r in admin_by_agency(engine, Scope(as_of=DEMO_AS_OF, mof_div=TOWNSHIP))]


# -- 国有自然资源 -----------------------------------------------------------------------------

def test_natural_resources_tab(demo_app):
    tree = render(as_of=AS_OF, tab="natural")
    totals = natural_resources(demo_app, SCOPE)
    tiles = text(find(tree, "natural-tiles"))
    for r in totals:
        assert f"{r.quantity:,.2f}" in tiles and r.unit in tiles
    rows = rows_of(tree, "assets-natural-rows")
    assert [query(r["href"])["mof_div"] for r in rows] == ["99"]  # the top region, drillable
    county = rows_of(render(as_of=AS_OF, tab="natural", mof_div="9901"), "assets-natural-rows")
    assert [r["name"] for r in county] == ["示范县"]
    assert county[0]["土地|公顷"] == pytest.approx(float(totals[0].quantity))


# -- URLs that show nothing -----------------------------------------------------------------

def test_unknown_codes_show_the_level_above_with_a_notice(demo_app):
    tree = render(as_of=AS_OF, enterprise="NOPE")
    assert "链接中的企业代码“NOPE”" in text(tree)
    assert all("enterprise" not in query(r["href"]) or query(r["href"])["enterprise"] != "NOPE"
               for r in rows_of(tree, "assets-soe-rows"))
    assert crumbs(tree, "assets-breadcrumb") == [("全部区划", None)]
    admin = render(as_of=AS_OF, tab="admin", agency="NOPE")
    assert "链接中的单位代码“NOPE”不存在" in text(admin) and has(admin, "list-assets-agency-rows")
    # an agency outside the chosen region
    other = township_agencies(demo_app)[0]
    outside = render(as_of=AS_OF, tab="admin", mof_div="990121001", agency=other)
    assert f"链接中的单位代码“{other}”在所选区划截至日期前没有报表" in text(outside)
    assert page().layout(as_of=AS_OF, tab="nonsense")  # an unknown tab is the first

"""预算执行 page: layouts rendered from cold URLs and callbacks called as
functions, against the tiny demo on SQLite and PostgreSQL. Expected values
come from the query layer called directly (not through the page's cache)."""
from __future__ import annotations

import sys
from urllib.parse import parse_qsl, urlsplit

import plotly.graph_objects as go
import pytest
from dash import no_update

from components import drill, grid
from pages._shared import grid_data
from service import view
from components.format import pick_unit
from data.hierarchy import names_of
from data.query import Scope, execution, payments, quotas, three_public, year_end
from tests.conftest import DEMO_AS_OF
from tests.sessions import viewing_as

AS_OF = DEMO_AS_OF.isoformat()
SCOPE = Scope(as_of=DEMO_AS_OF)


# -- helpers shared with tests/test_pages_revenue.py ---------------------------------------

@pytest.fixture
def demo_app(demo_engine, monkeypatch):
    """The app on the demo store; a request context for the layouts."""
    monkeypatch.setenv("DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    import app as app_module
    from service import cache

    cache.clear()  # each test renders its states afresh (a test may patch what a page calls)
    with viewing_as(app_module.server):
        yield demo_engine


def walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            yield from walk(c)
    elif isinstance(children, str):
        yield children
    elif children is not None and hasattr(children, "to_plotly_json"):
        yield from walk(children)


def find(tree, id_):
    hits = [n for n in walk(tree) if getattr(n, "id", None) == id_]
    assert hits, f"no component {id_!r}"
    return hits[0]


def has(tree, id_) -> bool:
    return any(getattr(n, "id", None) == id_ for n in walk(tree))


def text(tree) -> str:
    return " ".join(str(n) for n in walk(tree) if isinstance(n, str))


def figure(tree, name):
    """A chart's figure (the page keeps it as the plain dict Dash sends)."""
    return go.Figure(find(tree, drill.chart_id(name)).figure)


def crumbs(tree, id_):
    """[(label, href or None)] of a breadcrumb."""
    out = []
    for li in find(tree, id_).children.children:
        item = li.children
        out.append((item.children, getattr(item, "href", None)))
    return out


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def rows_of(tree, name):
    return find(tree, drill.rows_id(name)).rowData


def no_failure(tree):
    t = text(tree)
    assert "本页暂时无法显示" not in t and "Traceback" not in t


def page():
    return sys.modules["pages.execution"]


def render(**params):
    """The layout without the page guard, so any exception fails the test."""
    tree = page().layout.__wrapped__(**params)
    no_failure(tree)
    return tree


def gap_order(rows):
    return sorted(rows, key=lambda r: (r.level is None, r.gap_pp is None, r.gap_pp or 0.0))


# -- the top level ---------------------------------------------------------------------------

def test_root_chart_is_the_query_result(demo_app):
    tree = render(as_of=AS_OF)
    fig = figure(tree, "exec-rate")
    expected = gap_order(execution(demo_app, SCOPE, "dept"))[: page().TOP_N]
    bar = fig.data[0]
    assert [pytest.approx(r.rate or 0.0) for r in expected] == list(bar.x)
    assert list(fig.layout.yaxis.ticktext) == [r.name if len(r.name) <= 16 else r.name[:15] + "…"
                                               for r in expected]
    assert [query(h) for h in bar.customdata] == [{"as_of": AS_OF, "dept": r.code}
                                                  for r in expected]
    # the time-progress line and the level words are on the chart, not only colours
    assert any(s.type == "line" and s.line.dash == "dash" for s in fig.layout.shapes)
    labels = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("序时进度") for t in labels)
    for r in expected:
        word = {"red": "严重", "yellow": "关注", "green": "正常", None: "不评价"}[r.level]
        assert any(word in t and f"{r.rate * 100:.1f}%" in t for t in labels if r.rate is not None)
    assert any("数据截至 2026年11月20日" in t for t in labels)
    assert fig.layout.title.text and "各部门" in fig.layout.title.text
    # every row of the query result is in the table, worst first
    table = rows_of(tree, "exec-rows")
    assert [r["code"] for r in table] == [r.code for r in gap_order(execution(demo_app, SCOPE, "dept"))]


def test_by_switch_links_and_levels(demo_app):
    tree = render(as_of=AS_OF, by="agency")
    bar = figure(tree, "exec-rate").data[0]
    rows = gap_order(execution(demo_app, SCOPE, "agency"))[: page().TOP_N]
    assert list(bar.x) == [pytest.approx(r.rate or 0.0) for r in rows]
    names = view.names()
    for r, href in zip(rows, bar.customdata):
        assert query(href) == {"as_of": AS_OF, "by": "agency", "agency": r.code,
                               "dept": names.dept_of[r.code]}
    switch = find(tree, "switch-exec-by")
    links = {a.children: a.href for a in switch.children[1].children}
    assert query(links["按区划"]) == {"as_of": AS_OF, "by": "mof_div"}
    assert "active" in [a for a in switch.children[1].children if a.children == "按单位"][0].className

    regions = render(as_of=AS_OF, by="mof_div")
    bar = figure(regions, "exec-rate").data[0]
    expected = execution(demo_app, SCOPE, "mof_div")[: page().TOP_N]  # hierarchy order kept
    assert [query(h)["mof_div"] for h in bar.customdata] == [r.code for r in expected]

    projects = render(as_of=AS_OF, by="project")
    href = figure(projects, "exec-rate").data[0].customdata[0]
    q = query(href)
    assert names.agency_of[q["project"]] == q["agency"] and names.dept_of[q["agency"]] == q["dept"]


def test_lagging_list_is_rule_exec_lag(demo_app):
    tree = render(as_of=AS_OF)
    lagging = sorted((r for r in execution(demo_app, SCOPE, "agency") if r.level in ("yellow", "red")),
                     key=lambda r: r.gap_pp)
    if not lagging:
        assert "没有执行滞后的单位" in text(tree)
        return
    table = rows_of(tree, "exec-lagging")
    assert [r["code"] for r in table] == [r.code for r in lagging]
    assert all(r["lvl"] in ("yellow", "red") and "落后" in r["level"] for r in table)
    assert all(query(r["href"])["agency"] == r["code"] for r in table)


def test_department_own_unit_is_told_apart(demo_app):
    """A department's own unit shares the department's code and name; among
    the department's agencies it is named "（本级）" so its figures are not
    taken for the department's."""
    names = names_of(demo_app)
    dept = min(d for d in names.own_units if d in names.agency)
    own = f"{names.agency[dept]}（本级）"
    tree = render(as_of=AS_OF, dept=dept)
    assert [r["name"] for r in rows_of(tree, "exec-rows") if query(r["href"])["agency"] == dept] == [own]
    sister = next(a for a, d in names.dept_of.items() if d == dept and a != dept)
    assert all("本级" not in r["name"] for r in rows_of(tree, "exec-rows")
               if query(r["href"])["agency"] == sister)
    unit = render(as_of=AS_OF, dept=dept, agency=dept)
    assert crumbs(unit, "exec-breadcrumb")[-1][0] == f"单位：{own}"


# -- click → URL ------------------------------------------------------------------------------

def test_click_follows_the_point_url():
    assert drill.follow_point({"points": [{"customdata": "/execution?dept=1"}]}) == "/execution?dept=1"
    assert drill.follow_point(None) is no_update
    assert drill.follow_point({"points": []}) is no_update
    assert drill.follow_point({"points": [{"x": 1}]}) is no_update
    for hostile in ("https://example.com/", "//example.com/x", "javascript:alert(1)"):
        assert drill.follow_point({"points": [{"customdata": hostile}]}) is no_update
    assert drill.follow_row({"rowId": "/execution?agency=2", "value": "x"}) == "/execution?agency=2"
    assert drill.follow_row({"rowId": "row-3"}) is no_update
    assert drill.follow_row(None) is no_update


# -- the drill path: department → agency → project → quota → payments ------------------------

def lagging_chain(engine):
    """A lagging agency with a project that has a quota with payments."""
    names = view.names()
    agencies = sorted((r for r in execution(engine, SCOPE, "agency") if r.level in ("yellow", "red")),
                      key=lambda r: r.gap_pp) or gap_order(execution(engine, SCOPE, "agency"))
    for a in agencies:
        for p in execution(engine, SCOPE.replace(agency=a.code), "project", parent=a.code):
            for q in quotas(engine, SCOPE.replace(project=p.code)):
                if q["paid"] > 0:
                    return names.dept_of[a.code], a.code, p.code, q["bgt_id"]
    pytest.fail("the demo has no quota with payments")


def test_every_level_from_a_cold_url(demo_app):
    dept, agency, project, bgt = lagging_chain(demo_app)
    names = view.names()

    t_dept = render(as_of=AS_OF, dept=dept)
    rows = gap_order(execution(demo_app, SCOPE.replace(dept=dept), "agency", parent=dept))
    bar = figure(t_dept, "exec-rate").data[0]
    assert list(bar.x) == [pytest.approx(r.rate or 0.0) for r in rows[: page().TOP_N]]
    assert agency in [query(r["href"])["agency"] for r in rows_of(t_dept, "exec-rows")]
    assert crumbs(t_dept, "exec-breadcrumb") == [
        ("全部区划 · 按部门", f"/execution?as_of={AS_OF}"),
        (f"部门：{names.agency[dept]}", None)]

    # an agency URL without its department still shows the whole path
    t_agency = render(as_of=AS_OF, agency=agency)
    c = crumbs(t_agency, "exec-breadcrumb")
    assert [label for label, _ in c][1] == f"部门：{names.agency[dept]}"
    assert query(c[1][1]) == {"as_of": AS_OF, "dept": dept}
    assert c[-1][1] is None
    hrefs = figure(t_agency, "exec-rate").data[0].customdata
    assert project in [query(h)["project"] for h in hrefs] or \
        project in [query(r["href"])["project"] for r in rows_of(t_agency, "exec-rows")]
    agency_quotas = rows_of(t_agency, "exec-quotas")
    assert {r["bgt_id"] for r in agency_quotas} == \
        {q["bgt_id"] for q in quotas(demo_app, SCOPE.replace(agency=agency))}

    t_project = render(as_of=AS_OF, project=project)
    table = rows_of(t_project, "exec-quotas")
    expected = quotas(demo_app, SCOPE.replace(dept=dept, agency=agency, project=project))
    assert [r["bgt_id"] for r in table] == [q["bgt_id"] for q in expected]
    assert [r["paid"] for r in table] == [pytest.approx(q["paid"] / 1_000_000) for q in expected]
    link = next(r["href"] for r in table if r["bgt_id"] == bgt)
    assert query(link) == {"as_of": AS_OF, "dept": dept, "agency": agency, "project": project,
                           "bgt_id": bgt}
    assert has(t_project, {"type": grid.PAYMENTS, "name": "exec-payments"})

    t_quota = render(**query(link))
    labels = [label for label, _ in crumbs(t_quota, "exec-breadcrumb")]
    assert labels[-1] == f"指标：{bgt}" and len(labels) == 5
    store = find(t_quota, {"type": grid.QUERY, "name": "exec-payments"}).data
    assert store["bgt_id"] == bgt and store["search"] is None
    first = grid_data.payment_rows({"startRow": 0, "endRow": grid.PAGE_SIZE, "sortModel": []}, store)
    assert first["rowCount"] == payments(demo_app, Scope(as_of=DEMO_AS_OF, year=DEMO_AS_OF.year),
                                         bgt_id=bgt).total > 0
    assert all(r["bgt"].startswith(bgt) for r in first["rowData"])


@pytest.mark.parametrize("params,notice", [
    ({"dept": "NOPE"}, "部门代码“NOPE”不存在"),
    ({"agency": "x" * 500}, "单位代码"),
    ({"project": "P-NOT-THERE"}, "项目代码“P-NOT-THERE”不存在"),
    ({"bgt_id": ["A", "B"]}, "指标“B”"),
    ({"mof_div": "000000"}, "区划代码“000000”不存在"),
    ({"as_of": "garbage", "year": "abc"}, None),
    ({"by": "weird", "tab": "zzz", "fund_type": "9"}, None),
    ({"year": "1999"}, None),
    ({"tab": "three"}, None),
    ({"tab": "yearend"}, None),
    ({"tab": "three", "dept": "x", "kiosk": "1"}, None),
])
def test_malformed_urls_fall_back(demo_app, params, notice):
    tree = render(**params)
    assert has(tree, "exec-page")
    if notice:
        assert notice in text(tree)


def test_guard_shows_a_notice_not_a_traceback(demo_app, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(page(), "execution_total", broken)
    out = page().layout(as_of=AS_OF)
    assert "本页暂时无法显示" in text(out) and "boom" not in str(out)


# -- 三公经费 and the year-end surge ---------------------------------------------------------

def test_three_public_chart(demo_app):
    tree = render(as_of=AS_OF, tab="three")
    fig = figure(tree, "exec-three")
    rows = sorted(three_public(demo_app, SCOPE), key=lambda r: (r.level != "red", -(r.paid - r.budget)))
    shown = rows[: page().TOP_N]
    unit = pick_unit([r.budget for r in shown] + [r.paid for r in shown])
    div = {"万元": 1_000_000, "亿元": 100_000_000_00}[unit]
    budget, paid = fig.data
    assert budget.name == "预算" and paid.name == "已支出"
    assert list(budget.x) == [pytest.approx(r.budget / div) for r in shown]
    assert list(paid.x) == [pytest.approx(r.paid / div) for r in shown]
    ticks = list(fig.layout.yaxis.ticktext)
    for r, tick in zip(shown, ticks):
        assert ("▲严重 超预算" in tick) == (r.level == "red")
    assert fig.layout.xaxis.title.text == unit
    assert all(query(h)["agency"] == r.code and "tab" not in query(h)
               for r, h in zip(shown, paid.customdata))


def test_year_end_chart(demo_app):
    tree = render(as_of=AS_OF, tab="yearend")
    fig = figure(tree, "exec-yearend")
    rows = sorted(year_end(demo_app, SCOPE), key=lambda r: (r["share"] is None, -(r["share"] or 0)))
    shown = rows[: page().TOP_N]
    assert list(fig.data[0].x) == [pytest.approx(r["share"] or 0.0) for r in shown]
    labels = [a.text for a in fig.layout.annotations]
    for r in shown:
        if r["level"] == "red":
            assert any("▲严重 突击支出" in t and f"{r['share'] * 100:.1f}%" in t for t in labels)
    assert any("警戒线 50%" in t for t in labels)
    assert all(query(h)["project"] == r["code"] for r, h in zip(shown, fig.data[0].customdata))


# -- the payment grid -------------------------------------------------------------------------

def test_payment_grid_pages_sorts_and_searches(demo_app):
    dept, agency, _project, _bgt = lagging_chain(demo_app)
    scope = SCOPE.replace(year=DEMO_AS_OF.year, dept=dept, agency=agency)
    store = grid.payment_query(scope, href=f"/execution?agency={agency}")
    total = payments(demo_app, scope).total
    assert total > grid.PAGE_SIZE, "the demo agency should have more than one page"

    first = grid_data.payment_rows({"startRow": 0, "endRow": 20, "sortModel": []}, store)
    second = grid_data.payment_rows({"startRow": 20, "endRow": 40, "sortModel": []}, store)
    assert first["rowCount"] == second["rowCount"] == total
    expect = payments(demo_app, scope, offset=0, limit=20).rows
    assert [r["pay_cert_id"] for r in first["rowData"]] == [r["pay_cert_id"] for r in expect]
    assert [r["amount"] for r in first["rowData"]] == [r["amount"] for r in expect]
    assert not {r["pay_cert_id"] for r in first["rowData"]} & {r["pay_cert_id"] for r in second["rowData"]}

    by_amount = grid_data.payment_rows({"startRow": 0, "endRow": 20,
                                   "sortModel": [{"colId": "amount", "sort": "desc"}]}, store)
    amounts = [r["amount"] for r in by_amount["rowData"]]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] == max(r["amount"] for r in payments(demo_app, scope, limit=10_000).rows)
    ascending = grid_data.payment_rows({"startRow": 0, "endRow": 5,
                                   "sortModel": [{"colId": "pay_date", "sort": "asc"}]}, store)
    dates = [r["pay_date"] for r in ascending["rowData"]]
    assert dates == sorted(dates)

    payee = expect[0]["payee_acct_name"]
    term = payee[: max(2, len(payee) // 2)]
    found = grid_data.payment_rows({"startRow": 0, "endRow": 20, "sortModel": []},
                              {**store, "search": term})
    assert found["rowCount"] == payments(demo_app, scope, search=term).total >= 1
    assert all(term.lower() in (r["payee"] + r["use"] + r["pay_cert_id"]).lower()
               for r in found["rowData"])
    assert grid_data.payment_rows(None, store) is no_update


def test_payment_flags_are_words():
    assert grid.flag_text({"LARGE_CASH": "yellow", "PAY_NO_QUOTA": "red"}) == \
        "▲严重 无指标支付；▲关注 大额现金支付"
    assert grid.quota_text("B1", False) == "B1 ▲无指标"
    assert grid.quota_text(None, False).startswith("▲无指标")
    assert grid.worst({"LARGE_CASH": "yellow", "PAY_NO_QUOTA": "red"}) == "red"
    assert grid.sort_of([{"colId": "agency", "sort": "desc"}]) == "-agency_code"
    assert grid.sort_of([{"colId": "use", "sort": "asc"}]) is None


def test_search_box_writes_the_url():
    store = {"search": None, "href": "/execution?agency=A&as_of=2026-11-20"}
    url = grid.search_to_url("工会", None, "工会", store)
    assert query(url) == {"agency": "A", "as_of": "2026-11-20", "q": "工会"}
    assert grid.search_to_url(None, 1, "  ", store) is no_update  # nothing to search, nothing searched
    cleared = grid.search_to_url("", None, "", {**store, "search": "工会"})
    assert "q" not in query(cleared)

"""预警中心 as functions: the layout from a cold URL and the grid's data
callback on the `tiny` demo, on both backends. Counts and rows are checked
against the independent oracle (tests/rule_oracle.py), links against the drill
state each rule's entity needs, and the threshold form against a writable copy
of the demo (who may change, bad values refused, history, re-evaluation)."""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from dash import no_update
from sqlalchemy import func, select

from data import accounts
from data import schema as s
from data.accounts import Viewer
from data.rules import RULES, load_settings
from service import view
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames
from tests.test_pages_execution import (demo_app, figure, find, has, query,  # noqa: F401
                                         text, walk)
from tests.sessions import viewing_as

AS_OF = DEMO_AS_OF.isoformat()
TOWNSHIP = "990121002"  # 东城街道: the planted REVENUE_LAG township


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("warn-page")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    rules = Rules(read_frames(out), DEMO_AS_OF)
    found = {(rule, code): lv for rule, hits in rules.all().items()
             for code, (lv, _v) in hits.items()}
    return found, {(r, c) for r, codes in rules.open_cases.items() for c in codes}


def page():
    return sys.modules["pages.warnings"]


def render(**params):
    return page().layout(**params)


def grid_rows(tree, sort=None, start=0, end=500):
    from pages._warnings import breaches

    store = find(tree, breaches.QUERY).data
    got = breaches.breach_rows({"startRow": start, "endRow": end, "sortModel": sort or []}, store)
    return got["rowData"], got["rowCount"]


def tile_count(tree, level) -> int:
    tile = find(tree, f"warn-count-{level}")
    return int(next(n.children for n in walk(tile)
                    if getattr(n, "className", "") == "kpi-figure-value"))


def test_counts_and_rows_equal_the_oracle(demo_app, oracle):
    found, open_cases = oracle
    tree = render(as_of=AS_OF)
    want = Counter(lv for key, lv in found.items() if key not in open_cases)
    for level in ("red", "orange", "yellow"):
        assert tile_count(tree, level) >= want[level]  # open cases may add to the engine's count
    rows, total = grid_rows(tree)
    assert total == len(rows)
    shown = {(r["rule_tip"].split(" ")[0], r["entity"].rsplit("（", 1)[-1].rstrip("）")): r
             for r in rows}
    for key, level in found.items():
        if key in open_cases:
            continue
        assert key in shown, key
        assert shown[key]["lvl"] == level
        assert shown[key]["level"].endswith({"red": "严重", "orange": "预警", "yellow": "关注"}[level])


def test_filters_narrow_the_grid(demo_app, oracle):
    found, _open = oracle
    tree = render(as_of=AS_OF, rule="EXEC_LAG")
    rows, total = grid_rows(tree)
    assert total == sum(1 for (rule, _c) in found if rule == "EXEC_LAG")
    assert {r["rule"] for r in rows} == {RULES["EXEC_LAG"].name_zh}
    reds, n_red = grid_rows(render(as_of=AS_OF, level="red"))
    assert n_red == sum(1 for lv in found.values() if lv == "red")
    assert {r["lvl"] for r in reds} == {"red"}
    debt, _ = grid_rows(render(as_of=AS_OF, area="debt"))
    assert debt and {RULES[r["rule_tip"].split(" ")[0]].area for r in debt} == {"debt"}


def test_a_township_shows_its_own_breaches(demo_app, oracle):
    """The township lags in revenue while the county total does not: it is
    listed under the township, and nothing of another region is."""
    found, _open = oracle
    assert found.get(("REVENUE_LAG", TOWNSHIP)) and not found.get(("REVENUE_LAG", "990121"))
    rows, _ = grid_rows(render(as_of=AS_OF, mof_div=TOWNSHIP))
    assert any(r["rule_tip"].startswith("REVENUE_LAG") for r in rows)
    assert {r["region"] for r in rows} == {"东城街道"}


@pytest.mark.parametrize("rule, path, keys", [
    ("EXEC_LAG", "/execution", {"agency", "dept"}),
    ("PAY_NO_QUOTA", "/execution", {"agency", "q"}),
    ("PAY_OVER_QUOTA", "/execution", {"bgt_id"}),
    ("YEAR_END_SURGE", "/execution", {"project", "agency"}),
    ("REVENUE_LAG", "/revenue-expenditure", {"mof_div", "tab"}),
    ("DEBT_RATIO", "/debt", {"mof_div"}),
    ("SOE_ALR", "/assets", {"enterprise"}),
])
def test_each_row_links_to_the_drill_state_of_its_entity(demo_app, rule, path, keys):
    rows, _ = grid_rows(render(as_of=AS_OF, rule=rule))
    assert rows
    for r in rows:
        href = r["href"]
        assert href.startswith(path + "?")
        params = query(href)
        assert keys <= set(params) and params["as_of"] == AS_OF
        code = r["entity"].rsplit("（", 1)[-1].rstrip("）")
        if rule.startswith("PAY_NO"):
            assert params["q"] == code  # the payment found by its certificate id
        if rule == "EXEC_LAG":
            assert params["agency"] == code


def test_sorting_by_first_seen_and_level(demo_app):
    tree = render(as_of=AS_OF)
    by_level, _ = grid_rows(tree)
    order = {"red": 0, "orange": 1, "yellow": 2}
    assert [order[r["lvl"]] for r in by_level] == sorted(order[r["lvl"]] for r in by_level)
    desc, _ = grid_rows(tree, sort=[{"colId": "level", "sort": "desc"}])
    assert desc[0]["lvl"] == "yellow"
    page_two, total = grid_rows(tree, start=20, end=40)
    assert len(page_two) == min(20, total - 20)


def test_an_unstored_date_is_evaluated_and_says_so(demo_app):
    tree = render(as_of="2026-09-30")
    assert "即时计算" in text(tree)
    assert "即时计算" not in text(render(as_of=AS_OF))


def test_catalogue_lists_every_rule_with_its_thresholds(demo_app):
    tree = render(as_of=AS_OF, tab="rules")
    for rid, rule in RULES.items():
        row = find(tree, f"rule-row-{rid}")
        assert rule.name_zh in text(row) and rule.basis in text(row)
    assert "200,000 元" in text(find(tree, "rule-row-LARGE_CASH"))
    form = render(as_of=AS_OF, tab="rules", rule="LARGE_CASH")
    values = {n.id["key"]: n.value for n in walk(form)
              if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "rule-threshold"}
    assert values == {"yellow_amount": "50000", "red_amount": "200000"}


def test_trend_tab_draws_each_stored_evaluation(demo_app):
    tree = render(as_of=AS_OF, tab="trend")
    fig = figure(tree, "warn-trend")
    assert [t.name[1:] for t in fig.data] == ["严重", "预警", "关注"]


# -- the threshold form (writes: a store of its own) -------------------------------------

@dataclass
class Writable:
    engine: Any
    server: Any
    clerk: Viewer
    deputy: Viewer


@pytest.fixture
def writable(engine, monkeypatch, tmp_path) -> Writable:
    """The demo in a store of its own, with a staff and a deputy account."""
    from data.demo import load_demo

    load_demo(engine, scale="tiny", seed=7, as_of=DEMO_AS_OF, workdir=tmp_path)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    import app as app_module
    from service import cache

    cache.clear()
    return Writable(
        engine, app_module.server,
        Viewer(accounts.create_user(engine, "clerk", "staff", "right-password"), "clerk",
               "staff", "10.0.0.7"),
        Viewer(accounts.create_user(engine, "deputy1", "deputy", "deputy-password"), "deputy1",
               "deputy", "10.0.0.8"))


KIOSK = Viewer(None, None, None, "10.0.0.9")


def save(w: Writable, viewer: Viewer, rid, values: dict[str, str], enabled=True):
    from pages._warnings import catalogue

    ids = [{"type": "rule-threshold", "key": k} for k in values]
    with viewing_as(w.server, viewer):
        return catalogue.save(1, list(values.values()), ids, ["on"] if enabled else [], rid)


def changes(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.rule_setting_change)).scalar()


def test_the_form_asks_for_no_password(demo_app):
    form = render(as_of=AS_OF, tab="rules", rule="LARGE_CASH")
    assert not has(form, "rule-user") and not has(form, "rule-password")
    assert all(n.disabled for n in walk(form)  # read-only until `editable` knows the viewer
               if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "rule-threshold")


def test_only_staff_and_admin_may_edit_the_form(writable):
    from pages._warnings import catalogue

    ids = [{"type": "rule-threshold", "key": t.key} for t in RULES["LARGE_CASH"].thresholds]
    options = [{"label": "启用这条规则", "value": "on", "disabled": True}]
    for viewer, may in ((writable.clerk, True), (Viewer(None, "boss", "admin"), True),
                        (writable.deputy, False), (KIOSK, False)):
        with viewing_as(writable.server, viewer):
            disabled, opts, save_hidden, note_hidden = catalogue.editable("LARGE_CASH", ids,
                                                                          options)
        assert disabled == [not may, not may], viewer
        assert opts[0]["disabled"] is (not may) and save_hidden is (not may)
        assert note_hidden is may


def test_threshold_change_needs_staff_and_is_recorded(writable):
    from data.audit import search

    w, engine = writable, writable.engine
    keys = [t.key for t in RULES["LARGE_CASH"].thresholds]
    lower = {keys[0]: "30000", keys[1]: "200000"}
    for viewer in (w.deputy, KIOSK):
        message, history, formula = save(w, viewer, "LARGE_CASH", lower)
        assert "无权" in str(message) and "may not" in str(message), viewer
        assert history is no_update and formula is no_update
        assert changes(engine) == 0
        assert load_settings(engine)["LARGE_CASH"].thresholds[keys[0]] == 50000
    with viewing_as(w.server, w.clerk):
        before = {b.entity_code for b in view.breaches(DEMO_AS_OF) if b.rule == "LARGE_CASH"}
    message, history, formula = save(w, w.clerk, "LARGE_CASH", lower)
    assert "已保存" in str(message) and "30,000 元" in str(formula)
    assert load_settings(engine)["LARGE_CASH"].thresholds[keys[0]] == 30000
    rows = [n for n in walk(history) if getattr(n, "children", None) == "clerk"]
    assert rows, "the history names who changed it"
    assert changes(engine) == 1
    entries, total = search(engine, action="rule_setting")
    assert total == 1 and entries[0]["username"] == "clerk" and entries[0]["ip"] == "10.0.0.7"
    with viewing_as(w.server, w.clerk):
        after = {b.entity_code: b for b in view.breaches(DEMO_AS_OF) if b.rule == "LARGE_CASH"}
    assert before <= set(after)  # a lower line keeps every payment flagged before
    for code in set(after) - before:  # and adds cash payments of 30,000 to 50,000 yuan
        assert 30_000 <= after[code].value < 50_000 and after[code].level == "yellow"


def test_the_request_that_changes_a_threshold_shows_it(writable):
    """The cache reads the data version once per request: the change bumps
    it, and what the same request reads afterwards is the new setting."""
    keys = [t.key for t in RULES["LARGE_CASH"].thresholds]
    with viewing_as(writable.server, writable.clerk):
        assert view.rule_settings()["LARGE_CASH"].thresholds[keys[0]] == 50000
        view.change_rule_setting(writable.clerk, "LARGE_CASH", enabled=True,
                                 thresholds={keys[0]: "30000", keys[1]: "200000"})
        assert view.rule_settings()["LARGE_CASH"].thresholds[keys[0]] == 30000


@pytest.mark.parametrize("values, says", [
    ({"0": "abc"}, "应为数字"),
    ({"0": "-5"}, "不能为负数"),
    ({"0": "300000"}, "严重线"),  # yellow past red
])
def test_bad_threshold_values_change_nothing(writable, values, says):
    keys = [t.key for t in RULES["LARGE_CASH"].thresholds]
    given = {keys[int(k)]: v for k, v in values.items()}
    message, history, formula = save(writable, writable.clerk, "LARGE_CASH", given)
    assert history is no_update
    assert says in str(message), str(message)
    assert changes(writable.engine) == 0
    assert load_settings(writable.engine)["LARGE_CASH"].thresholds[keys[0]] == 50000


# -- the problem loop in 预警中心 (writes: a store of its own) -----------------------------

def stored_breaches(engine, rule: str = "EXEC_LAG") -> list[dict]:
    """The open breaches of a rule in the latest stored evaluation, read from the store."""
    with engine.connect() as conn:
        rows = conn.execute(select(s.rule_result).where(
            s.rule_result.c.rule == rule, s.rule_result.c.resolved_on.is_(None))
            .order_by(s.rule_result.c.entity_code)).mappings().all()
    return [dict(r) for r in rows]


def problem_column(w: Writable, viewer: Viewer, rule: str = "EXEC_LAG") -> dict[str, str]:
    """entity_code → the 问题 cell of each of the rule's rows, as the viewer sees them."""
    with viewing_as(w.server, viewer):
        rows, _ = grid_rows(render(as_of=AS_OF, rule=rule))
    return {r["code"]: r["problem"] for r in rows}


def test_the_problem_column_shows_the_holding_problem_until_it_ends(writable):
    from data import problems

    w = writable
    first, second = stored_breaches(w.engine)[:2]
    assert set(problem_column(w, w.clerk).values()) == {""}
    held = problems.create(w.engine, w.clerk, "执行滞后", warnings=[
        {"rule": "EXEC_LAG", "entity_code": first["entity_code"]}])
    asked = problems.create(w.engine, w.deputy, "代表的问题", warnings=[
        {"rule": "EXEC_LAG", "entity_code": second["entity_code"]}])
    cells = problem_column(w, w.clerk)
    assert cells[first["entity_code"]] == f"[#{held}](/problems?id={held})"
    assert cells[second["entity_code"]] == f"[#{asked}](/problems?id={asked})"
    assert {c for code, c in cells.items()
            if code not in (first["entity_code"], second["entity_code"])} == {""}
    # a deputy opens their own problem only; the kiosk profile none
    mine = problem_column(w, w.deputy)
    assert mine[first["entity_code"]] == "已立项"
    assert mine[second["entity_code"]] == f"[#{asked}](/problems?id={asked})"
    shown = problem_column(w, KIOSK)
    assert (shown[first["entity_code"]], shown[second["entity_code"]]) == ("已立项", "已立项")
    # handed over with yesterday as its deadline: overdue now, and the cell says so
    yesterday = date.today() - timedelta(days=1)
    problems.act(w.engine, w.clerk, asked, "assign", unit=second["entity_code"],
                 deadline=yesterday.isoformat(), today=yesterday)
    assert problem_column(w, w.clerk)[second["entity_code"]] == \
        f"[#{asked}](/problems?id={asked}) ▲逾期"
    # 交办 → 反馈 → 销号: the breach is free again
    problems.act(w.engine, w.clerk, held, "assign", unit=first["entity_code"],
                 deadline=date.today().isoformat())
    problems.act(w.engine, w.clerk, held, "reply", text="已加快支付")
    assert problem_column(w, w.clerk)[first["entity_code"]] == f"[#{held}](/problems?id={held})"
    problems.act(w.engine, w.clerk, held, "close")
    assert problem_column(w, w.clerk)[first["entity_code"]] == ""


def ticked(w: Writable, n: int) -> tuple[list[dict], dict]:
    """The first `n` EXEC_LAG rows as the grid sends them ticked, and the page's query."""
    from pages._warnings import breaches

    with viewing_as(w.server, w.clerk):
        tree = render(as_of=AS_OF, rule="EXEC_LAG")
        rows, _ = grid_rows(tree)
    return rows[:n], find(tree, breaches.QUERY).data


def problem_count(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(s.problem)).scalar(),
                conn.execute(select(func.count()).select_from(s.problem_warning)).scalar())


def test_staff_found_a_problem_on_ticked_breaches(writable):
    from pages._warnings import breaches

    w = writable
    picked, query = ticked(w, 2)
    codes = sorted(r["code"] for r in picked)
    expected = {r["entity_code"]: r for r in stored_breaches(w.engine)}
    with viewing_as(w.server, w.clerk):
        hidden, options = breaches.raise_controls(query, {"pagination": True})
        opened = breaches.open_raise(1, picked, query)
    assert hidden is False and options["rowSelection"]["mode"] == "multiRow"
    assert options["pagination"] is True  # the grid keeps its other options
    is_open, title, _text, region, count, *_ = opened
    first = expected[picked[0]["code"]]
    assert is_open and title == f"{RULES['EXEC_LAG'].name_zh}：{first['name']}"
    regions = {expected[c]["mof_div_code"] for c in codes}
    assert region == (regions.pop() if len(regions) == 1 else None) and "2 项" in count
    with viewing_as(w.server, w.clerk):
        error, still_open, result, selection, pid = breaches.create_problem(
            1, title, "两家单位执行滞后", "990121", picked, query)
    assert error is None and still_open is False and selection == []
    assert f"#{pid}" in text(result)
    assert find(result, "warn-raise-link").href == f"/problems?id={pid}"
    with w.engine.connect() as conn:
        row = conn.execute(select(s.problem).where(s.problem.c.id == pid)).mappings().one()
        links = sorted(conn.execute(select(s.problem_warning.c.rule,
                                           s.problem_warning.c.entity_code)
                                    .where(s.problem_warning.c.problem_id == pid)).all())
    assert (row["title"], row["description"], row["mof_div_code"], row["status"],
            row["created_by"]) == (title, "两家单位执行滞后", "990121", "new", w.clerk.user_id)
    assert row["source_url"] == f"/warnings?as_of={AS_OF}&rule=EXEC_LAG"
    assert links == [("EXEC_LAG", c) for c in codes]
    cells = problem_column(w, w.clerk)
    assert {cells[c] for c in codes} == {f"[#{pid}](/problems?id={pid})"}


def test_deputies_and_kiosk_may_not_found_problems_on_breaches(writable):
    from pages._warnings import breaches

    w = writable
    picked, query = ticked(w, 1)
    for viewer in (w.deputy, KIOSK):
        with viewing_as(w.server, viewer):
            hidden, options = breaches.raise_controls(query, {})
            error, *rest = breaches.create_problem(1, "题目", None, None, picked, query)
        assert hidden is True and options is no_update
        assert "无权" in text(error) and "may not" in text(error)
        assert rest == [no_update] * 4
        assert problem_count(w.engine) == (0, 0)


@pytest.mark.parametrize("title, rows, says", [
    ("", None, "标题：必填 / required"),
    ("题目", [{"rule_id": "EXEC_LAG", "code": "no-such-agency"}], "不是最近一次评估的预警"),
    ("题目", [], "请先勾选"),
])
def test_a_bad_problem_from_breaches_writes_nothing(writable, title, rows, says):
    from pages._warnings import breaches

    w = writable
    picked, query = ticked(w, 1)
    with viewing_as(w.server, w.clerk):
        error, is_open, *_ = breaches.create_problem(1, title, None, None,
                                                     picked if rows is None else rows, query)
    assert says in text(error) and is_open is no_update
    assert problem_count(w.engine) == (0, 0)


def test_a_tick_or_a_problem_link_does_not_open_the_drill_state(demo_app):
    from pages._warnings import breaches

    href = "/execution?agency=1&as_of=" + AS_OF
    assert breaches.follow_row({"colId": "entity", "rowId": href}) == href
    for col in (breaches.SELECTION_COLUMN, "problem"):
        assert breaches.follow_row({"colId": col, "rowId": href}) is no_update


# -- levels on other pages come from the engine, entity by entity ---------------------------

def test_overview_revenue_tile_shows_a_lagging_township(demo_app, oracle):
    """东城街道 collects at 85% of its budget's pace while the county as a
    whole is within 10 points of time progress: the county's revenue tile is
    not green, and its line names the breach."""
    found, _open = oracle
    assert found.get(("REVENUE_LAG", TOWNSHIP)) == "yellow"
    assert ("REVENUE_LAG", "990121") not in found
    tree = sys.modules["pages.overview"].layout(as_of=AS_OF, mof_div="990121")
    tile = find(tree, "kpi-revenue")
    assert "关注" in text(tile) and "正常" not in text(tile)
    assert "项预警（含下级区划）" in text(tile)


def test_a_quota_cut_is_not_an_overspent_quota(demo_app):
    """A downward adjustment (negative amount) with no payments of its own:
    PAY_OVER_QUOTA judges only quotas with payments, on the detail as in lists."""
    from data.db import get_engine

    with get_engine().connect() as conn:
        cut = conn.execute(
            select(s.quota.c.bgt_id).where(
                s.quota.c.amount < 0, s.quota.c.fiscal_year == DEMO_AS_OF.year,
                s.quota.c.doc_date <= DEMO_AS_OF,
                ~s.quota.c.bgt_id.in_(select(s.payment.c.bgt_id).where(
                    s.payment.c.bgt_id.is_not(None))))
            .order_by(s.quota.c.bgt_id).limit(1)).scalar()
    assert cut, "the demo has quota cuts"
    tree = sys.modules["pages.execution"].layout(as_of=AS_OF, bgt_id=cut)
    assert "超指标支付" not in text(tree)
    assert not any(getattr(n, "id", None) == "quota-over" for n in walk(tree))


def test_an_overspent_quota_says_so_with_its_level(demo_app, oracle):
    found, _open = oracle
    over = sorted(code for (rule, code) in found if rule == "PAY_OVER_QUOTA")
    assert over
    tree = sys.modules["pages.execution"].layout(as_of=AS_OF, bgt_id=over[0])
    assert "▲严重 超指标支付" in text(find(tree, "quota-over"))

"""预警中心 as functions: the layout from a cold URL and the grid's data
callback on the `tiny` demo, on both backends. Counts and rows are checked
against the independent oracle (tests/rule_oracle.py), links against the drill
state each rule's entity needs, and the threshold form against a writable copy
of the demo (who may change, bad values refused, history, re-evaluation)."""
from __future__ import annotations

import sys
from collections import Counter

import pytest
from sqlalchemy import func, select

from components import drill
from data import accounts
from data import schema as s
from data.rules import RULES, load_settings
from service import view
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames
from tests.test_pages_execution import (demo_app, figure, find, query, text,  # noqa: F401
                                         walk)
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

@pytest.fixture
def writable(engine, monkeypatch, tmp_path):
    from data.demo import load_demo

    load_demo(engine, scale="tiny", seed=7, as_of=DEMO_AS_OF, workdir=tmp_path)
    accounts.create_user(engine, "clerk", "staff", "right-password")
    accounts.create_user(engine, "deputy1", "deputy", "deputy-password")
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    import app as app_module
    from service import cache

    cache.clear()
    with viewing_as(app_module.server):
        yield engine


def save(rid, values: dict[str, str], user, password, enabled=True):
    from pages._warnings import catalogue

    ids = [{"type": "rule-threshold", "key": k} for k in values]
    return catalogue.save(1, list(values.values()), ids, ["on"] if enabled else [], user,
                          password, rid)


def changes(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.rule_setting_change)).scalar()


def test_threshold_change_needs_staff_and_is_recorded(writable):
    engine = writable
    keys = [t.key for t in RULES["LARGE_CASH"].thresholds]
    for user, password in (("clerk", "wrong"), ("deputy1", "deputy-password"), ("", "")):
        message, history, _formula = save("LARGE_CASH", {keys[0]: "30000", keys[1]: "200000"},
                                          user, password)
        assert "需要工作人员或管理员账号" in str(message)
        assert changes(engine) == 0
    before = {b.entity_code for b in view.breaches(DEMO_AS_OF) if b.rule == "LARGE_CASH"}
    message, history, formula = save("LARGE_CASH", {keys[0]: "30000", keys[1]: "200000"},
                                     "clerk", "right-password")
    assert "已保存" in str(message) and "30,000 元" in str(formula)
    assert load_settings(engine)["LARGE_CASH"].thresholds[keys[0]] == 30000
    rows = [n for n in walk(history) if getattr(n, "children", None) == "clerk"]
    assert rows, "the history names who changed it"
    assert changes(engine) == 1
    after = {b.entity_code: b for b in view.breaches(DEMO_AS_OF) if b.rule == "LARGE_CASH"}
    assert before <= set(after)  # a lower line keeps every payment flagged before
    for code in set(after) - before:  # and adds cash payments of 30,000 to 50,000 yuan
        assert 30_000 <= after[code].value < 50_000 and after[code].level == "yellow"


@pytest.mark.parametrize("values, says", [
    ({"0": "abc"}, "应为数字"),
    ({"0": "-5"}, "不能为负数"),
    ({"0": "300000"}, "严重线"),  # yellow past red
])
def test_bad_threshold_values_change_nothing(writable, values, says):
    keys = [t.key for t in RULES["LARGE_CASH"].thresholds]
    given = {keys[int(k)]: v for k, v in values.items()}
    message, history, formula = save("LARGE_CASH", given, "clerk", "right-password")
    assert "alert" not in str(history)
    assert says in str(message), str(message)
    assert changes(writable) == 0
    assert load_settings(writable)["LARGE_CASH"].thresholds[keys[0]] == 50000


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

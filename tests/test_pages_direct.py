"""直达资金 page as functions: layouts from cold URLs on the `tiny` demo, on
SQLite and PostgreSQL. Figures are checked against the query layer called
directly, levels against the independent oracle (tests/rule_oracle.py), and
the grace-day and not-judged words on a hand-made store whose grace days
staff change."""
from __future__ import annotations

import sys
from datetime import date

import plotly.graph_objects as go
import pytest

from components import drill, grid
from components.format import in_unit, pick_unit
from data.query import Scope, payments
from data.query.direct_funds import fund_quotas, fund_rows, recipients, region_rows
from data.rules import change_setting
from pages._shared import grid_data
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames
from tests.test_pages_execution import (crumbs, demo_app, figure, find, has,  # noqa: F401
                                        no_failure, query, rows_of, text)
from tests.test_query_direct import D, county  # noqa: F401 (fixture)
from tests.sessions import viewing_as
from tests.test_rules_cases import C, T

AS_OF = DEMO_AS_OF.isoformat()
WORDS = {"red": "▲严重", "orange": "▲预警", "yellow": "▲关注"}
SHORT = {"DIRECT_ALLOC_SLOW": "分配滞后", "DIRECT_PAY_LAG": "支出滞后"}
GRACE = 30  # the default the oracle and the demo's store use


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    """(frames, {rule: {FUND@REGION: level}}) of the demo's files."""
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("direct-page")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    frames = read_frames(out)
    rules = Rules(frames, DEMO_AS_OF)
    return frames, {rule: {e: lv for e, (lv, _v) in getattr(rules, rule)().items()}
                    for rule in ("DIRECT_ALLOC_SLOW", "DIRECT_PAY_LAG", "SELF_TRANSFER")}


def page():
    return sys.modules["pages.direct_funds"]



def render(**params):
    """The layout without the page guard, so any exception fails the test."""
    tree = page().layout.__wrapped__(**params)
    no_failure(tree)
    return tree


def receipts(frames, fund: str, region: str) -> list[tuple[date, int]]:
    """The oracle's reading: what the region and the regions below it received
    of `fund` in year(D) up to D."""
    div = frames["mof_div"]
    parent = dict(zip(div.MOF_DIV_CODE, div.PARENT_CODE))

    def under(code):
        while code in parent:
            if code == region:
                return True
            code = parent[code]
        return False

    df = frames["direct_fund"]
    rows = df[(df.DIRECT_FUND_CODE == fund) & (df.FISCAL_YEAR == str(DEMO_AS_OF.year))]
    return [(r.RECEIVED_DATE, int(r.RECEIVED_AMOUNT)) for r in rows.itertuples()
            if under(r.MOF_DIV_CODE) and r.RECEIVED_DATE <= DEMO_AS_OF]


def expected_word(oracle, rule: str, fund: str, region: str) -> str:
    frames, levels = oracle
    level = levels[rule].get(f"{fund}@{region}")
    if level:
        return f"{WORDS[level]} {SHORT[rule]}"
    got = receipts(frames, fund, region)
    if sum(amount for day, amount in got if (DEMO_AS_OF - day).days > GRACE) > 0:
        return "●正常"
    return "○宽限期内" if got else "○不评价"


# -- the top: every fund of a region --------------------------------------------------------

@pytest.mark.parametrize("region", [None, "990121"])
def test_funds_from_a_cold_url(demo_app, oracle, region):
    params = {"as_of": AS_OF, **({"mof_div": region} if region else {})}
    tree = render(**params)
    level_region = region or "99"  # the only top region stands for all regions
    rows = fund_rows(demo_app, Scope(as_of=DEMO_AS_OF, mof_div=level_region))
    assert rows, "the demo has direct funds"
    table = rows_of(tree, "direct-funds")
    assert [r["code"] for r in table] == [r.code for r in rows]
    for r, t in zip(rows, table):
        assert (t["received"], t["allocated"], t["paid"]) == pytest.approx(
            (r.received / 1e6, r.allocated / 1e6, r.paid / 1e6))
        assert query(t["href"]) == {**params, "fund": r.code}
        assert t["alloc"] == expected_word(oracle, "DIRECT_ALLOC_SLOW", r.code, level_region)
        assert t["pay"] == expected_word(oracle, "DIRECT_PAY_LAG", r.code, level_region)
        assert "DIRECT_PAY_LAG" in t["pay_note"]  # the tooltip names the rule
    pay = figure(tree, "direct-pay")
    assert list(pay.data[0].x) == [pytest.approx(r.payment_rate or 0.0) for r in rows]
    assert [query(h)["fund"] for h in pay.data[0].customdata] == [r.code for r in rows]
    labels = [a.text for a in pay.layout.annotations]
    for t in table:
        assert any(t["pay"] in label for label in labels)
    assert any(label.startswith("序时进度") for label in labels)
    assert any("数据截至 2026年11月20日" in label for label in labels)
    assert "支付率" in pay.layout.title.text and "DIRECT_PAY_LAG" in pay.layout.title.subtitle.text
    alloc = figure(tree, "direct-alloc")
    assert list(alloc.data[0].x) == [pytest.approx(r.allocation_rate or 0.0) for r in rows]
    # the demo plants late funds, so the comparison above met flagged rows
    assert any(t[k].startswith("▲") for t in table for k in ("alloc", "pay"))


def test_flagged_fund_level_in_words_equals_the_oracle(demo_app, oracle):
    _frames, levels = oracle
    entity = max((e for e, lv in levels["DIRECT_PAY_LAG"].items() if lv == "red"),
                 key=lambda e: (len(e), e))  # the lowest region: a township if one lags
    fund, _, region = entity.partition("@")
    tree = render(as_of=AS_OF, fund=fund, mof_div=region)
    paid = find(tree, "direct-paid")
    assert "严重" in text(paid) and "正常" not in text(paid)
    assert paid.to_plotly_json()["props"]["data-level"] == "red"
    alloc_level = levels["DIRECT_ALLOC_SLOW"].get(entity)
    allocated = find(tree, "direct-allocated")
    if alloc_level:
        assert {"red": "严重", "yellow": "关注"}[alloc_level] in text(allocated)
    else:
        assert "正常" in text(allocated)
    labels = [c for c, _ in crumbs(tree, "direct-breadcrumb")]
    assert labels[0] == "全部区划 · 直达资金" and labels[1].startswith("资金：")
    assert labels[-1].startswith("区划：")


def test_region_comparison_and_recipients(demo_app, oracle):
    seat = "990121"  # the demo's county
    scope = Scope(as_of=DEMO_AS_OF, mof_div=seat)
    funds = [r.code for r in fund_rows(demo_app, scope)]
    # a fund some township received, if the demo has one
    fund = next((f for f in funds if any(x.received and not x.own
                                         for x in region_rows(demo_app, scope, f))), funds[0])
    tree = render(as_of=AS_OF, fund=fund, mof_div=seat)
    rows = region_rows(demo_app, scope, fund)
    table = rows_of(tree, "direct-region-rows")
    assert [r["code"] for r in table] == [r.code for r in rows]
    for r, t in zip(rows, table):
        if r.own:
            assert t["href"] is None and t["pay"] == "○本级不单独评价"
            continue
        assert query(t["href"]) == {"as_of": AS_OF, "fund": fund, "mof_div": r.code}
        assert t["alloc"] == expected_word(oracle, "DIRECT_ALLOC_SLOW", fund, r.code)
        assert t["pay"] == expected_word(oracle, "DIRECT_PAY_LAG", fund, r.code)
    fig = figure(tree, "direct-regions")
    assert [s.name for s in fig.data] == ["上级下达", "已分配", "已支付"]
    assert fig.layout.xaxis.title.text in ("万元", "亿元")

    people = recipients(demo_app, scope, fund)
    listed = rows_of(tree, "direct-recipient-rows")
    assert [query(r["href"]) for r in listed] == [
        {"as_of": AS_OF, "fund": fund, "mof_div": seat, "agency": p.code} for p in people]
    shown = people[:20]
    unit = pick_unit([p.allocated for p in shown] + [p.paid for p in shown])
    allocated, paid = figure(tree, "direct-recipients").data
    assert list(paid.x) == [pytest.approx(in_unit(p.paid, unit)) for p in shown]
    assert list(allocated.x) == [pytest.approx(in_unit(p.allocated, unit)) for p in shown]


def test_agency_quota_and_payments(demo_app):
    seat = "990121"
    scope = Scope(as_of=DEMO_AS_OF, mof_div=seat)
    fund, agency = next((r.code, p.code) for r in fund_rows(demo_app, scope)
                        for p in recipients(demo_app, scope, r.code) if p.paid > 0)
    tree = render(as_of=AS_OF, fund=fund, mof_div=seat, agency=agency)
    expected = fund_quotas(demo_app, scope, fund, agency)
    listed = rows_of(tree, "direct-quotas")
    assert [r["bgt_id"] for r in listed] == [q["bgt_id"] for q in expected]
    assert [r["amount"] for r in listed] == [pytest.approx(q["amount"] / 1e6) for q in expected]
    assert crumbs(tree, "direct-breadcrumb")[-1][0].startswith("单位：")
    quota = next(q for q in expected if q["paid"])
    link = next(r["href"] for r in listed if r["bgt_id"] == quota["bgt_id"])
    assert query(link) == {"as_of": AS_OF, "fund": fund, "mof_div": seat, "agency": agency,
                           "bgt_id": quota["bgt_id"]}

    detail = render(**query(link))
    labels = [c for c, _ in crumbs(detail, "direct-breadcrumb")]
    assert labels[-1] == f"指标：{quota['bgt_id']}" and labels[-2].startswith("单位：")
    store = find(detail, {"type": grid.QUERY, "name": "direct-payments"}).data
    assert store["bgt_id"] == quota["bgt_id"] and store["search"] is None
    got = grid_data.payment_rows({"startRow": 0, "endRow": grid.PAGE_SIZE, "sortModel": []}, store)
    assert got["rowCount"] == payments(demo_app, Scope(as_of=DEMO_AS_OF, year=DEMO_AS_OF.year),
                                       bgt_id=quota["bgt_id"]).total > 0


def test_self_transfer_of_a_direct_fund_stands_out(demo_app, oracle):
    """The engine's SELF_TRANSFER breaches on direct-fund payments are listed
    at the top, at their fund and at their agency, each opening the payment."""
    frames, levels = oracle
    pay = frames["payment"].set_index("PAY_CERT_ID")
    direct = {c: lv for c, lv in levels["SELF_TRANSFER"].items() if pay.at[c, "DIRECT_FUND_CODE"]}
    assert direct, "the demo plants a direct-fund payment to the unit's own account"
    top = rows_of(render(as_of=AS_OF), "direct-self")
    assert {r["cert"]: r["lvl"] for r in top} == direct
    cert = min(direct)
    fund, agency = pay.at[cert, "DIRECT_FUND_CODE"], pay.at[cert, "AGENCY_CODE"]
    row = next(r for r in top if r["cert"] == cert)
    assert row["level"] == WORDS[direct[cert]] and cert in row["message"]
    assert query(row["href"]) == {"as_of": AS_OF, "fund": fund, "agency": agency,
                                  "bgt_id": pay.at[cert, "BGT_ID"], "q": cert}
    at_fund = render(as_of=AS_OF, fund=fund)
    assert sorted(r["cert"] for r in rows_of(at_fund, "direct-self")) == \
        sorted(c for c in direct if pay.at[c, "DIRECT_FUND_CODE"] == fund)
    marked = next(r for r in rows_of(at_fund, "direct-recipient-rows")
                  if query(r["href"])["agency"] == agency)
    assert marked["self"].startswith(WORDS[direct[cert]]) and "向本单位账户转款" in marked["self"]
    opened = render(**query(row["href"]))
    store = find(opened, {"type": grid.QUERY, "name": "direct-payments"}).data
    assert store["search"] == cert
    got = grid_data.payment_rows({"startRow": 0, "endRow": 20, "sortModel": []}, store)
    assert [r["pay_cert_id"] for r in got["rowData"]] == [cert]
    assert "向本单位账户转款" in got["rowData"][0]["flags"]
    clean = {pay.at[c, "DIRECT_FUND_CODE"] for c in direct}
    other = next(r.code for r in fund_rows(demo_app, Scope(as_of=DEMO_AS_OF)) if r.code not in clean)
    assert has(render(as_of=AS_OF, fund=other), "direct-self-none")


@pytest.mark.parametrize("params,notice", [
    ({"fund": "NOPE"}, "直达资金“NOPE”"),
    ({"fund": "x" * 500}, "所选区划和日期没有直达资金"),
    ({"agency": "990121118"}, "没有指定直达资金"),
    ({"bgt_id": "B-NOT-THERE"}, "指标“B-NOT-THERE”"),
    ({"mof_div": "000000"}, "区划代码“000000”不存在"),
    ({"fund_type": "2"}, "资金性质"),
    ({"as_of": "garbage", "year": "abc"}, None),
    ({"year": "2025"}, None),
    ({"kiosk": "1", "fund": "ZD001"}, None),
    ({"mof_div": "990121002"}, None),
])
def test_malformed_urls_fall_back(demo_app, params, notice):
    tree = render(**params)
    assert has(tree, "direct-page")
    if notice:
        assert notice in text(tree)


def test_guard_shows_a_notice_not_a_traceback(demo_app, monkeypatch):
    from pages._direct import funds

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(funds, "fund_rows", broken)
    out = page().layout(as_of=AS_OF)
    assert "本页暂时无法显示" in text(out) and "boom" not in str(out)


# -- grace days and not-judged rows on a hand-made store --------------------------------------

@pytest.fixture
def county_app(county, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", county.url.render_as_string(hide_password=False))
    import app as app_module

    with viewing_as(app_module.server):
        yield county


def words(tree, rule_field: str) -> dict[str, str]:
    return {r["code"]: r[rule_field] for r in rows_of(tree, "direct-funds")}


def test_grace_days_come_from_the_settings_in_force(county_app):
    """F1 at township T1 arrived 18 days before D: inside the 30 grace days it
    is not judged; with 10 grace days the engine judges it and the page says
    its level. F3 (received on D) stays inside; F4 (nothing received) is not judged."""
    day = D.isoformat()
    at_t1 = render(as_of=day, mof_div=T[1])
    assert words(at_t1, "pay") == {"F1": "○宽限期内"}
    assert "宽限期内" in text(find(render(as_of=day, mof_div=T[1], fund="F1"), "direct-grace"))
    whole = render(as_of=day, mof_div=C)
    assert words(whole, "alloc") == {"F1": "▲关注 分配滞后", "F2": "▲关注 分配滞后",
                                      "F3": "○宽限期内", "F4": "○不评价"}
    assert words(whole, "pay") == {"F1": "▲严重 支出滞后", "F2": "▲严重 支出滞后",
                                    "F3": "○宽限期内", "F4": "○不评价"}
    own = rows_of(render(as_of=day, mof_div=C, fund="F1"), "direct-region-rows")[0]
    assert (own["name"], own["pay"]) == ("示例县（本级）", "○本级不单独评价")

    for rule in SHORT:
        change_setting(county_app, rule, username="staff", thresholds={"grace_days": "10"})
    at_t1 = render(as_of=day, mof_div=T[1])
    # 150,000 of 200,000 allocated (75%); 50% paid against TP 60%: −10 pp
    assert words(at_t1, "alloc") == {"F1": "▲严重 分配滞后"}
    assert words(at_t1, "pay") == {"F1": "▲关注 支出滞后"}
    assert "超过 10 天宽限期" in text(find(render(as_of=day, mof_div=T[1], fund="F1"),
                                          "direct-grace"))


def test_a_region_judged_without_breach_is_green(county_app):
    change_setting(county_app, "DIRECT_PAY_LAG", username="staff",
                   thresholds={"yellow_lag_pp": "45", "red_lag_pp": "50"})
    tree = render(as_of=D.isoformat(), mof_div=C)
    # F1 is 23 and F2 40 points behind time progress: inside a 45-point line
    assert words(tree, "pay")["F1"] == "●正常"
    assert words(tree, "pay")["F2"] == "●正常"
    change_setting(county_app, "DIRECT_PAY_LAG", username="staff", enabled=False)
    assert words(render(as_of=D.isoformat(), mof_div=C), "pay")["F1"] == "○不评价"

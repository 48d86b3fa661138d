"""问题闭环 as functions, on both backends: the layout for staff, a deputy and
the kiosk profile, and the callbacks that act on a problem, upload evidence
and register a problem. The scenario's figures are counted by hand below
(SPEC §3.3's definitions), never read back from the code under test."""
from __future__ import annotations

import base64
import sys
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from dash import html
from sqlalchemy import func, select

from components import drill
from data import schema as s
from data.accounts import Viewer
from data.problems import act, create, get
from tests import overview_fixture as fx
from tests.sessions import viewing_as
from tests.test_pages_execution import figure, find, has, no_failure, text, walk
from tests.test_problem_files import (FUTURE, PDF, TEN_MB, Loop, bilingual,  # noqa: F401
                                      loop, stored_files, stored_rows)

UNKNOWN_REGION = "999999"


@dataclass
class Scenario:
    store: Loop
    closed_a: int  # PAY_NO_QUOTA P1, 2026-01-05 → closed 2026-01-15 (10 days)
    overdue_b: int  # EXEC_LAG 201001 in T1, assigned with deadline 2026-02-10: overdue
    question_c: int  # the deputy's question, new
    dismissed_d: int  # by hand in X, dismissed
    closed_e: int  # DEBT_OVERDUE, 2026-03-03 → reopened once → closed 2026-03-23 (20 days)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, 30)


@pytest.fixture
def scenario(loop):
    engine, staff = loop.engine, loop.staff

    def step(pid, action, when, **kw):
        act(engine, staff, pid, action, now=when, today=when.date(), **kw)

    a = create(engine, staff, "教育局无指标支付",
               warnings=[{"rule": "PAY_NO_QUOTA", "entity_code": "P1"}], now=at(1, 5))
    step(a, "assign", at(1, 6), unit=fx.A1, deadline="2026-02-01")
    step(a, "start", at(1, 8))
    step(a, "reply", at(1, 12), text="已补录指标")
    step(a, "close", at(1, 15))
    b = create(engine, staff, "街道执行滞后",
               warnings=[{"rule": "EXEC_LAG", "entity_code": fx.A2}], now=at(2, 1))
    step(b, "assign", at(2, 1), unit=fx.A2, deadline="2026-02-10")
    c = create(engine, loop.deputy, "代表提问：教育支出为何偏慢", mof_div_code=fx.C,
               source_url="/execution?agency=101001", now=at(2, 10))
    d = create(engine, staff, "经核实不构成问题", mof_div_code=fx.X, now=at(3, 1))
    step(d, "dismiss", at(3, 2), text="数据口径差异")
    e = create(engine, staff, "专项债逾期未还",
               warnings=[{"rule": "DEBT_OVERDUE", "entity_code": "B2@2025-09-01"}], now=at(3, 3))
    step(e, "assign", at(3, 3), unit=fx.C, deadline="2026-03-20")
    step(e, "reply", at(3, 10), text="已筹资")
    step(e, "reopen", at(3, 12), text="资金未到位")
    step(e, "reply", at(3, 18), text="已偿还")
    step(e, "close", at(3, 23))
    return Scenario(loop, a, b, c, d, e)


def page():
    return sys.modules["pages.problems"]


def render(store: Loop, viewer: Viewer, **params):
    with viewing_as(store.server, viewer):
        tree = page().layout.__wrapped__(**params)
    no_failure(tree)
    return tree


def tile(tree, key: str) -> str:
    node = find(tree, f"prob-tile-{key}")
    return next(n.children for n in walk(node) if getattr(n, "className", "") == "kpi-figure-value")


def tiles(tree) -> dict[str, str]:
    return {k: tile(tree, k) for k in ("found", "assigned", "closed", "rate", "overdue", "days")}


def listed(tree) -> list[dict]:
    return find(tree, drill.rows_id("prob-list")).rowData


def listed_ids(tree) -> set[int]:
    return {r["id"] for r in listed(tree)}


def status_of(store: Loop, pid: int) -> tuple[str, int]:
    p = get(store.engine, store.staff, pid)
    return p.status, len(p.history)


# -- statistics -----------------------------------------------------------------------------

def test_tiles_count_the_scenario(scenario):
    tree = render(scenario.store, scenario.store.staff)
    # found: A, B, C, E (D dismissed); assigned: A, B, E; closed: A, E; overdue: B;
    # days to close: 10 and 20
    assert tiles(tree) == {"found": "4", "assigned": "3", "closed": "2", "rate": "66.7%",
                           "overdue": "1", "days": "15"}
    t1 = render(scenario.store, scenario.store.staff, mof_div=fx.T1)  # only B lies in T1
    assert tiles(t1) == {"found": "1", "assigned": "1", "closed": "0", "rate": "0.0%",
                         "overdue": "1", "days": "—"}
    x = render(scenario.store, scenario.store.staff, mof_div=fx.X)  # only D, dismissed
    assert tiles(x) == {"found": "0", "assigned": "0", "closed": "0", "rate": "—",
                        "overdue": "0", "days": "—"}


def test_charts_by_month_unit_and_rule(scenario):
    tree = render(scenario.store, scenario.store.staff, tab="stats")
    month = figure(tree, "prob-by-month")
    assert month.layout.title.text == "每月发现与销号的问题数"
    assert [t.name for t in month.data] == ["发现", "销号"]
    assert list(month.data[0].x) == ["2026年1月", "2026年2月", "2026年3月"]
    assert list(month.data[0].y) == [1, 2, 1]  # A; B and C; E
    assert list(month.data[1].y) == [1, 0, 1]  # A; —; E
    assert len({t.marker.color for t in month.data}) == 2

    unit = figure(tree, "prob-by-unit")
    names = list(unit.layout.yaxis.ticktext)
    counts = {n: (a, c) for n, a, c in zip(names, unit.data[0].x, unit.data[1].x)}
    assert counts == {"区教育局（101001）": (1, 1), "东栅街道办事处（201001）  ▲逾期1": (1, 0),
                      "南湖区（330402）": (1, 1)}
    assert set(unit.data[0].customdata) == {"/problems?unit=101001", "/problems?unit=201001",
                                            "/problems?unit=330402"}

    rule = figure(tree, "prob-by-rule")
    found = dict(zip(rule.layout.yaxis.ticktext, rule.data[0].x))
    closed = dict(zip(rule.layout.yaxis.ticktext, rule.data[1].x))
    assert found == {"无指标支付": 1, "预算执行进度滞后": 1, "债务逾期": 1,
                     "人工登记（无关联预警）": 1}
    assert closed == {"无指标支付": 1, "预算执行进度滞后": 0, "债务逾期": 1,
                      "人工登记（无关联预警）": 0}


# -- the list -------------------------------------------------------------------------------

def test_list_filters(scenario):
    sc, staff = scenario, scenario.store.staff
    every = {sc.closed_a, sc.overdue_b, sc.question_c, sc.dismissed_d, sc.closed_e}
    assert listed_ids(render(sc.store, staff)) == every
    assert listed_ids(render(sc.store, staff, status="closed")) == {sc.closed_a, sc.closed_e}
    assert listed_ids(render(sc.store, staff, status="new")) == {sc.question_c}
    assert listed_ids(render(sc.store, staff, overdue="1")) == {sc.overdue_b}
    assert listed_ids(render(sc.store, staff, mof_div=fx.T1)) == {sc.overdue_b}
    assert listed_ids(render(sc.store, staff, unit=fx.A1)) == {sc.closed_a}
    assert listed_ids(render(sc.store, staff, rule="manual")) == {sc.question_c, sc.dismissed_d}
    assert listed_ids(render(sc.store, staff, rule="DEBT_OVERDUE")) == {sc.closed_e}
    bad = render(sc.store, staff, status="approved")
    assert listed_ids(bad) == every and "“approved”不存在" in text(bad)


def test_rows_link_to_the_problem_and_overdue_ones_say_so(scenario):
    sc = scenario
    rows = {r["id"]: r for r in listed(render(sc.store, sc.store.staff, year="2026"))}
    assert rows[sc.closed_a]["href"] == f"/problems?id={sc.closed_a}&year=2026"
    assert rows[sc.closed_a]["status"] == "已销号"
    late = (date.today() - date(2026, 2, 10)).days
    assert rows[sc.overdue_b]["deadline"] == f"▲逾期 {late} 天（2026-02-10）"
    assert rows[sc.overdue_b]["overdue"] is True
    assert "逾期" not in rows[sc.closed_a]["deadline"]
    assert [r for r in rows.values() if "逾期" in r["deadline"]] == [rows[sc.overdue_b]]


def test_a_deputy_sees_only_their_own(scenario):
    sc, deputy = scenario, scenario.store.deputy
    tree = render(sc.store, deputy)
    assert listed_ids(tree) == {sc.question_c}
    assert "只显示您本人提出的问题" in text(tree)
    assert tiles(tree) == {"found": "1", "assigned": "0", "closed": "0", "rate": "—",
                           "overdue": "0", "days": "—"}
    assert not has(tree, "prob-new-form")
    other = render(sc.store, sc.store.other_deputy)
    assert listed_ids(other) == set() and tile(other, "found") == "0"


def test_the_kiosk_profile_sees_statistics_only(scenario):
    sc, kiosk = scenario, scenario.store.kiosk
    for params in ({}, {"id": str(sc.closed_a)}):
        tree = render(sc.store, kiosk, **params)
        assert not has(tree, drill.rows_id("prob-list")) and not has(tree, "prob-detail-body")
        assert tile(tree, "found") == "4"
        assert list(figure(tree, "prob-by-month").data[0].y) == [1, 2, 1]
        assert "问题明细仅对登录账户显示" in text(tree)
        assert "教育局无指标支付" not in text(tree)


# -- one problem ----------------------------------------------------------------------------

def test_detail_shows_breaches_history_and_notice(scenario):
    sc = scenario
    tree = render(sc.store, sc.store.staff, id=str(sc.closed_a), as_of="2025-09-30")
    shown = text(tree)
    assert "教育局无指标支付" in shown and "区教育局（101001）" in shown and "督〔2026〕" in shown
    assert find(tree, "prob-notice").href == f"/files/problems/{sc.closed_a}/notice.pdf"
    # PAY_NO_QUOTA P1 is a payment of agency 101001 (its own department) in 330402
    link = next(n for n in walk(find(tree, "prob-breaches")) if getattr(n, "href", None))
    assert link.href == "/execution?agency=101001&as_of=2025-09-30&dept=101001&mof_div=330402&q=P1"
    steps = [next(x.children for x in walk(li) if getattr(x, "className", "") == "prob-what")
             for li in find(tree, "prob-history").children]
    assert steps == ["立项", "交办", "开始整改", "整改反馈", "销号"]
    assert "已补录指标" in text(find(tree, "prob-history"))
    assert not has(tree, "prob-action-form") and not has(tree, "prob-upload")  # closed

    late = render(sc.store, sc.store.staff, id=str(sc.overdue_b))
    assert "逾期" in text(find(late, "prob-deadline"))
    assert has(late, "prob-action-form") and has(late, "prob-upload")
    offered = [o["value"] for o in find(late, "prob-action").options]
    assert offered == ["start", "reply", "dismiss"]  # SPEC §3.3 from 已交办


def test_a_deputy_reads_their_own_problem_only(scenario):
    sc, deputy = scenario, scenario.store.deputy
    own = render(sc.store, deputy, id=str(sc.question_c))
    assert "代表提问" in text(own)
    assert find(own, "prob-source").href == "/execution?agency=101001"
    assert not has(own, "prob-action-form") and not has(own, "prob-upload")
    for pid in (sc.closed_a, 999_999, "abc"):
        other = render(sc.store, deputy, id=str(pid))
        assert "不存在，或当前账户无权查看" in text(other) and "教育局无指标支付" not in text(other)


# -- callbacks ------------------------------------------------------------------------------

def run_callback(store: Loop, viewer: Viewer, fn, *args):
    """A callback's outputs; a list of children comes back as one tree."""
    with viewing_as(store.server, viewer):
        return tuple(html.Div(out) if isinstance(out, list) else out for out in fn(*args))


def alert_text(alert) -> str:
    return text(alert)


def test_actions_move_the_state_and_refusals_change_nothing(scenario):
    from pages._problems import detail

    sc, store = scenario, scenario.store
    pid = sc.question_c
    assert detail.fields_for("assign") == (False, "说明（选填）")
    assert detail.fields_for("reply") == (True, "单位的整改情况（必填）")

    before = status_of(store, pid)
    for viewer in (store.deputy, store.kiosk):
        body, alert = run_callback(store, viewer, detail.act, 1, "assign", fx.A1, FUTURE, None,
                                   pid, {})
        assert "无权" in alert_text(alert) and bilingual(alert_text(alert))
    for action, unit, deadline, says in (
            ("close", None, None, "不能「销号」"),  # 409: new → closed is not a step
            ("assign", None, FUTURE, "unit: 必填"),
            ("assign", fx.A1, "2020-01-01", "deadline: 期限不能早于今天"),
            ("assign", UNKNOWN_REGION, FUTURE, "unit: 单位或区划代码不存在"),
            ("dismiss", None, None, "text: 必填"),
            (None, None, None, "请先选择一项处理")):
        body, alert = run_callback(store, store.staff, detail.act, 1, action, unit, deadline, None,
                                   pid, {})
        assert says in alert_text(alert) and bilingual(alert_text(alert)), action
    assert status_of(store, pid) == before

    body, alert = run_callback(store, store.staff, detail.act, 1, "assign", fx.A1, FUTURE, "请按期整改",
                               pid, {})
    assert "已交办" in alert_text(alert)
    p = get(store.engine, store.staff, pid)
    assert (p.status, p.unit, p.deadline.isoformat()) == ("assigned", fx.A1, FUTURE)
    assert p.history[-1].text == "请按期整改" and p.notice_no
    assert "已交办" in text(body) and p.notice_no in text(body)  # the detail shows the new state

    body, alert = run_callback(store, store.staff, detail.act, 1, "reply", None, None, "  已整改  ",
                               pid, {})
    assert status_of(store, pid) == ("replied", before[1] + 2)
    body, alert = run_callback(store, store.staff, detail.act, 1, "close", None, None, None,
                               pid, {})
    assert get(store.engine, store.staff, pid).status == "closed"
    assert not has(body, "prob-action-form")


def data_url(content: bytes, kind: str = "application/octet-stream") -> str:
    return f"data:{kind};base64," + base64.b64encode(content).decode()


def test_uploads_through_the_callback(scenario):
    from pages._problems import detail

    sc, store = scenario, scenario.store
    pid = sc.overdue_b
    for name, content, says in (("setup.exe", b"MZ\x90\x00" + bytes(60), "不支持的文件类型"),
                                ("report.pdf", b"MZ\x90\x00" + bytes(60), "内容与扩展名"),
                                ("big.pdf", b"%PDF-" + bytes(TEN_MB), "10 MB")):
        body, alert = run_callback(store, store.staff, detail.upload, data_url(content), name,
                                   pid, {})
        assert says in alert_text(alert) and bilingual(alert_text(alert)), name
    body, alert = run_callback(store, store.staff, detail.upload, "data:,not base64", "a.pdf",
                               pid, {})
    assert "无法读取" in alert_text(alert)
    body, alert = run_callback(store, store.deputy, detail.upload, data_url(PDF), "a.pdf",
                               sc.question_c, {})
    assert "无权" in alert_text(alert)
    assert stored_rows(store.engine) == 0 and stored_files(store.root) == []

    body, alert = run_callback(store, store.staff, detail.upload, data_url(PDF, "application/pdf"),
                               "整改报告.pdf", pid, {})
    assert "已上传「整改报告.pdf」" in alert_text(alert)
    with store.engine.connect() as conn:
        fid = conn.execute(select(s.problem_file.c.id)).scalar_one()
    assert find(body, f"prob-file-{fid}").href == f"/files/problems/{pid}/attachments/{fid}"
    assert len(stored_files(store.root)) == 1


def problem_count(store: Loop) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.problem)).scalar()


def test_registering_a_problem_by_hand(scenario):
    from pages._problems import new

    store = scenario.store
    before = problem_count(store)
    for viewer, title, region, says in ((store.staff, "  ", None, "title: 必填"),
                                        (store.staff, "标题", UNKNOWN_REGION, "mof_div: 区划代码不存在"),
                                        (store.deputy, "代表想登记", None, "无权"),
                                        (store.kiosk, "匿名登记", None, "无权")):
        href, alert = run_callback(store, viewer, new.create, 1, title, None, region)
        assert says in alert_text(alert) and bilingual(alert_text(alert))
    assert problem_count(store) == before

    href, alert = run_callback(store, store.staff, new.create, 1, "乡镇三公经费偏高", "现场检查发现", fx.T1)
    assert problem_count(store) == before + 1
    with store.engine.connect() as conn:
        row = conn.execute(select(s.problem).order_by(s.problem.c.id.desc()).limit(1)
                           ).mappings().one()
    assert href == f"/problems?id={row['id']}"
    assert (row["title"], row["description"], row["status"], row["mof_div_code"],
            row["created_by"]) == ("乡镇三公经费偏高", "现场检查发现", "new", fx.T1, store.staff.user_id)
    staff_form = render(store, store.staff)
    assert has(staff_form, "prob-new-form")

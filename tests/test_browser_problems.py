"""The problem loop in a real browser, as issue 8 describes it: a staff
member signs in, opens a red breach in 预警中心, makes it a problem, hands
it to the unit (交办) with a deadline, downloads the 督办单, records the
unit's reply, closes it (销号) and sees the statistics change; a deputy
raises a question from the execution page and sees only their own items."""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from data import schema as s
from data.db import make_engine
from tests.browser import artifact, copy_store, serving, signed_page
from tests.conftest import DEMO_AS_OF

pytestmark = pytest.mark.browser
AS_OF = DEMO_AS_OF.isoformat()


@pytest.fixture(scope="module")
def loop_server(browser_store, tmp_path_factory):
    """`python app.py` over a copy of the browser store (the loop writes)."""
    path = tmp_path_factory.mktemp("loop-browser") / "store.db"
    url = copy_store(browser_store, path)
    with serving(url, path.parent / "server.log",
                 ATTACHMENT_DIR=str(path.parent / "files")) as base:
        engine = make_engine(url)
        yield base, engine
        engine.dispose()


def fresh_page(chromium, base: str, role: str):
    return signed_page(chromium, base, f"{role}-b")


def tile(pg, key: str) -> int:
    return int(pg.locator(f"#prob-tile-{key} .kpi-figure-value").inner_text())


def status_of(engine, pid: int) -> str:
    with engine.connect() as conn:
        return conn.execute(select(s.problem.c.status).where(s.problem.c.id == pid)).scalar()


def choose(pg, action: str) -> None:
    pg.locator(f"#prob-action input[value='{action}']").check()


def submit_and_wait(pg, engine, pid: int, status: str, label: str) -> None:
    pg.click("#prob-action-go")
    pg.wait_for_function("([sel, t]) => document.querySelector(sel)?.innerText.includes(t)",
                         arg=["#prob-status", label], timeout=20_000)
    assert status_of(engine, pid) == status


def test_staff_walk_a_red_breach_to_closed(chromium, loop_server):
    base, engine = loop_server
    pg = fresh_page(chromium, base, "staff")
    pg.goto(f"{base}/problems?tab=stats")
    pg.wait_for_selector("#prob-tile-closed", timeout=30_000)
    closed_before, found_before = tile(pg, "closed"), tile(pg, "found")

    # 预警中心: the red breaches, tick the first, 立为问题
    pg.goto(f"{base}/warnings?as_of={AS_OF}&level=red")
    cells = "#warn-grid [role=gridcell][col-id={}]"
    pg.wait_for_selector("#warn-raise-tools:not([hidden])", timeout=30_000)
    pg.wait_for_selector(cells.format("rule"), timeout=30_000)
    pg.locator("#warn-grid .ag-selection-checkbox input").first.click()
    pg.click("#warn-raise")
    pg.wait_for_selector("#warn-raise-title", state="visible", timeout=10_000)
    pg.fill("#warn-raise-title", "严重预警：请核实并整改")
    pg.click("#warn-raise-submit")
    pg.wait_for_selector("#warn-raise-link", timeout=15_000)
    href = pg.locator("#warn-raise-link").get_attribute("href")
    pid = int(href.rsplit("=", 1)[-1])
    with engine.connect() as conn:
        linked = conn.execute(select(s.problem_warning.c.level)
                              .where(s.problem_warning.c.problem_id == pid)).scalars().all()
    assert linked == ["red"]

    # the problem: 交办 to a unit with a deadline
    pg.click("#warn-raise-link")
    pg.wait_for_selector("#prob-action-form", timeout=30_000)
    assert urlsplit(pg.url).path == "/problems"
    choose(pg, "assign")
    pg.wait_for_selector("#prob-action-assign:not([hidden])", timeout=10_000)
    pg.click("#prob-action-unit")
    pg.keyboard.type("财政局")
    pg.keyboard.press("Enter")
    deadline = (date.today() + timedelta(days=30)).isoformat()
    pg.locator("#prob-action-deadline input, input#prob-action-deadline").first.fill(deadline)
    pg.keyboard.press("Enter")
    submit_and_wait(pg, engine, pid, "assigned", "已交办")

    # the 督办单: a numbered PDF
    link = pg.locator("#prob-notice")
    with pg.expect_download(timeout=60_000) as got:
        link.click()
    pdf = got.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    number = pg.locator("#prob-notice").locator("xpath=..").inner_text()
    assert re.search(r"督〔\d{4}〕\d+号", number)
    pg.screenshot(path=str(artifact("problem_assigned.png")), full_page=True)

    # the unit's reply, then 销号
    choose(pg, "reply")
    pg.fill("#prob-action-text", "已收回违规支付的资金，并完善了审批流程。")
    submit_and_wait(pg, engine, pid, "replied", "已反馈")
    choose(pg, "close")
    submit_and_wait(pg, engine, pid, "closed", "已销号")
    history = pg.locator("#prob-history").inner_text()
    for step in ("交办", "整改反馈", "销号", "已收回违规支付的资金"):
        assert step in history

    # the statistics moved
    pg.goto(f"{base}/problems?tab=stats")
    pg.wait_for_selector("#prob-tile-closed", timeout=30_000)
    assert tile(pg, "closed") == closed_before + 1
    assert tile(pg, "found") == found_before + 1
    pg.screenshot(path=str(artifact("problem_statistics.png")), full_page=True)
    pg.context.close()


def test_a_deputy_asks_from_the_execution_page_and_sees_only_their_own(chromium, loop_server):
    base, engine = loop_server
    staff = fresh_page(chromium, base, "staff")  # someone else's problem on the list
    staff.goto(f"{base}/problems")
    staff.wait_for_selector("#prob-new-form", timeout=30_000)
    staff.fill("#prob-new-title", "工作人员登记的问题")
    staff.click("#prob-new-go")
    staff.wait_for_url(re.compile(r"/problems\?.*id=\d+"), timeout=20_000)
    staff.context.close()

    pg = fresh_page(chromium, base, "deputy")
    pg.goto(f"{base}/execution?as_of={AS_OF}")
    pg.wait_for_selector("#shell-ask", timeout=30_000)
    pg.click("#shell-ask")
    pg.fill("#shell-ask-title", "养老服务资金为什么执行得这么慢？")
    pg.click("#shell-ask-submit")
    pg.wait_for_selector("#shell-ask-link", timeout=15_000)
    pg.click("#shell-ask-link")
    pg.wait_for_selector("#prob-source", timeout=30_000)
    assert pg.locator("#prob-source").inner_text() == f"/execution?as_of={AS_OF}"
    assert pg.locator("#prob-action-form").count() == 0  # read-only for a deputy

    pg.goto(f"{base}/problems")
    pg.wait_for_selector("#list-prob-list [role=gridcell][col-id=title]", timeout=30_000)
    titles = pg.locator("#list-prob-list [role=gridcell][col-id=title]").all_inner_texts()
    with engine.connect() as conn:
        own = conn.execute(select(s.problem.c.title).join(
            s.app_user, s.app_user.c.user_id == s.problem.c.created_by)
            .where(s.app_user.c.username == "deputy-b")).scalars().all()
    assert sorted(titles) == sorted(own) and "工作人员登记的问题" not in titles
    assert "只显示您本人提出的问题" in pg.locator("#prob-page").inner_text()
    pg.screenshot(path=str(artifact("problem_deputy_list.png")), full_page=True)
    pg.context.close()

"""The shell's user area and its question form, as functions called for a
viewer (tests/sessions.viewing_as), and sign-out through the form the header
posts, over the Flask test client; on SQLite and PostgreSQL. In a browser:
the header's question, sign-out and admin links, and the other door into the
problem loop, 立为问题 in 预警中心."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from dash import no_update
from sqlalchemy import func, select

from components import shell
from data import accounts
from data import schema as s
from data.accounts import Viewer
from data.audit import search
from tests.overview_fixture import C, load
from tests.sessions import PASSWORD, signed_in, viewing_as

KIOSK = Viewer(None, None, None, "10.1.1.9")
HERE = ("/execution", f"?as_of=2025-09-30&mof_div={C}")
AREA = ("who_hidden", "name", "role", "users_hidden", "audit_hidden", "ask_hidden",
        "sign_out_hidden", "sign_in_hidden", "sign_in_href")


@pytest.fixture
def server(engine, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    load(engine)
    import app as app_module
    from service import cache

    cache.clear()
    return app_module.server


def account(engine, role: str, name: str | None = None) -> Viewer:
    name = name or f"{role}-s"
    return Viewer(accounts.create_user(engine, name, role, PASSWORD), name, role, "10.1.1.1")


def user_area(server, viewer) -> dict:
    from pages._shared import shell_data

    with viewing_as(server, viewer):
        return dict(zip(AREA, shell_data.user_area(*HERE)))


def walk(node):
    yield node
    kids = getattr(node, "children", None)
    for k in kids if isinstance(kids, (list, tuple)) else [kids]:
        if k is not None and not isinstance(k, str):
            yield from walk(k)


def find(tree, id_):
    return next(n for n in walk(tree) if getattr(n, "id", None) == id_)


def texts(tree) -> str:
    out = []
    for n in walk(tree):
        kids = getattr(n, "children", None)
        for k in kids if isinstance(kids, (list, tuple)) else [kids]:
            if isinstance(k, str):
                out.append(k)
    return " ".join(out)


# -- the user area -----------------------------------------------------------------------

def test_the_layout_holds_the_user_area_hidden_until_the_viewer_is_known():
    tree = shell.layout()  # static: built without a request or a store
    area = find(tree, "shell-user")
    for part in ("shell-who", "shell-admin-users", "shell-admin-audit", "shell-ask-wrap",
                 "shell-sign-out", "shell-sign-in"):
        assert find(area, part).hidden is True, part
    form = find(area, "shell-sign-out")
    assert (form.action, form.method) == ("/logout", "POST")
    token = find(form, "shell-csrf")
    assert (token.type, token.name) == ("hidden", "csrf_token")
    links = {n.href for n in walk(area) if getattr(n, "href", None)}
    assert {"/admin/users", "/admin/audit", "/login"} <= links
    assert find(tree, "shell-ask-modal").is_open is False


def test_staff_see_their_name_role_question_and_sign_out(server, engine):
    area = user_area(server, account(engine, "staff", "王芳"))
    assert area["who_hidden"] is False and (area["name"], area["role"]) == ("王芳", "工作人员")
    assert area["users_hidden"] and area["audit_hidden"]  # the admin pages are for admins
    assert area["ask_hidden"] is False and area["sign_out_hidden"] is False
    assert area["sign_in_hidden"] is True


def test_admins_get_the_admin_pages(server, engine):
    area = user_area(server, account(engine, "admin", "root"))
    assert (area["name"], area["role"]) == ("root", "管理员")
    assert area["users_hidden"] is False and area["audit_hidden"] is False
    assert area["ask_hidden"] is False and area["sign_out_hidden"] is False


def test_a_deputy_may_ask_but_not_administer(server, engine):
    area = user_area(server, account(engine, "deputy", "李代表"))
    assert (area["name"], area["role"]) == ("李代表", "人大代表")
    assert area["users_hidden"] and area["audit_hidden"]
    assert area["ask_hidden"] is False and area["sign_out_hidden"] is False


def test_the_kiosk_profile_gets_a_sign_in_link_back_to_the_page(server):
    area = user_area(server, KIOSK)
    assert area["who_hidden"] is False and area["role"] == "只读浏览"
    assert area["users_hidden"] and area["audit_hidden"] and area["ask_hidden"]
    assert area["sign_out_hidden"] is True and area["sign_in_hidden"] is False
    url = urlsplit(area["sign_in_href"])
    assert url.path == "/login" and dict(parse_qsl(url.query)) == {"next": "".join(HERE)}


def test_sign_out_posts_the_token_the_cookie_carries(server, engine):
    client = signed_in(server, engine, "deputy")
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={}).status_code == 400  # no token: refused, still in
    assert client.get("/").status_code == 200
    token = client.get_cookie("_csrf_token").value
    res = client.post("/logout", data={"csrf_token": token})
    assert res.status_code == 302 and urlsplit(res.location).path == "/login"
    assert urlsplit(client.get("/").location).path == "/login"


# -- 提问 / 反映问题 -----------------------------------------------------------------------

def problems_in(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.problem).order_by(s.problem.c.id))
                .mappings()]


def ask(server, viewer, title, text, here=HERE):
    from pages._shared import shell_data

    with viewing_as(server, viewer):
        return shell_data.ask(1, title, text, *here)


def test_a_deputy_question_becomes_a_problem_naming_its_page(server, engine):
    deputy = account(engine, "deputy", "李代表")
    result, title, text = ask(server, deputy, " 养老资金怎么用的？ ", "想看明细")
    (row,) = problems_in(engine)
    assert f"已提交，编号 {row['id']}" in texts(result)
    assert find(result, "shell-ask-link").href == f"/problems?id={row['id']}"
    assert (title, text) == ("", "")  # the form is ready for the next question
    assert (row["title"], row["description"], row["status"], row["created_by"],
            row["source_url"], row["mof_div_code"]) == (
        "养老资金怎么用的？", "想看明细", "new", deputy.user_id, "".join(HERE), C)
    entries, _total = search(engine, user="李代表", action="problem")
    assert len(entries) == 1 and entries[0]["ip"] == "10.1.1.1"


def test_a_question_on_an_unknown_region_keeps_the_page_but_no_region(server, engine):
    ask(server, account(engine, "staff"), "问题", None, ("/", "?mof_div=000000"))
    (row,) = problems_in(engine)
    assert (row["source_url"], row["mof_div_code"]) == ("/?mof_div=000000", None)


def test_the_kiosk_profile_may_not_ask_and_nothing_is_written(server, engine):
    result, title, text = ask(server, KIOSK, "问题", "说明")
    assert "无权" in texts(result) and "may not" in texts(result)
    assert (title, text) == (no_update, no_update)
    assert problems_in(engine) == []


def test_a_question_needs_a_title(server, engine):
    result, title, _text = ask(server, account(engine, "deputy"), "   ", "说明")
    assert "标题：必填 / required" in texts(result) and title is no_update
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.problem)).scalar() == 0


# -- in a browser: a store of its own (these tests write) -----------------------------------

def browser_page(chromium, base: str, role: str):
    from tests.browser import signed_page

    return signed_page(chromium, base, f"{role}-b")


@pytest.mark.browser
def test_a_deputy_asks_from_the_header_and_signs_out(chromium, own_server):
    from data.db import make_engine
    from tests.browser import artifact

    base, url = own_server
    pg = browser_page(chromium, base, "deputy")
    pg.goto(base + "/execution?as_of=2026-11-20")
    pg.wait_for_selector("#shell-who:not([hidden])", timeout=30_000)
    assert pg.locator("#shell-user-name").inner_text() == "deputy-b"
    assert pg.locator("#shell-user-role").inner_text() == "人大代表"
    assert pg.locator("#shell-admin-users").is_hidden()
    box = pg.locator("#shell-ask").bounding_box()
    assert box["height"] >= 44  # a touch target
    pg.click("#shell-ask")
    pg.fill("#shell-ask-title", "这个项目为什么支付这么慢？")
    pg.fill("#shell-ask-text", "想了解原因")
    pg.click("#shell-ask-submit")
    pg.wait_for_selector("#shell-ask-link", timeout=15_000)
    pg.screenshot(path=str(artifact("shell_question_sent.png")))
    pid = int(pg.locator("#shell-ask-link").get_attribute("href").rsplit("=", 1)[-1])
    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(s.problem).where(s.problem.c.id == pid)).mappings().one()
    engine.dispose()
    assert row["title"] == "这个项目为什么支付这么慢？"
    assert row["source_url"] == "/execution?as_of=2026-11-20"
    pg.click("#shell-ask-cancel")
    pg.click("#shell-sign-out-button")
    pg.wait_for_url(lambda u: urlsplit(u).path == "/login", timeout=15_000)
    pg.goto(base + "/")
    assert urlsplit(pg.url).path == "/login"  # signed out for real
    pg.context.close()


@pytest.mark.browser
def test_admins_see_the_admin_pages_and_kiosk_mode_hides_the_user_area(chromium, own_server):
    base, _url = own_server
    pg = browser_page(chromium, base, "admin")
    pg.goto(base + "/")
    pg.wait_for_selector("#shell-admin-users:not([hidden])", timeout=30_000)
    assert pg.locator("#shell-admin-audit").is_visible()
    assert pg.locator("#shell-user-role").inner_text() == "管理员"
    pg.goto(base + "/?kiosk=1")
    pg.wait_for_selector("#shell-who:not([hidden])", state="attached", timeout=30_000)
    assert pg.locator("#shell-user").is_hidden()
    pg.context.close()


@pytest.mark.browser
def test_staff_tick_a_breach_into_a_problem_and_deputies_see_it_held(chromium, own_server):
    """预警中心, the other door into the loop: ticks and 立为问题 for staff, the
    问题 cell for everyone, thresholds read-only for a deputy."""
    from tests.browser import artifact

    base, _url = own_server
    where = base + "/warnings?as_of=2026-11-20&rule=EXEC_LAG"
    cells = "#warn-grid [role=gridcell][col-id={}]"
    pg = browser_page(chromium, base, "staff")
    pg.goto(where)
    pg.wait_for_selector("#warn-raise-tools:not([hidden])", timeout=30_000)
    pg.wait_for_selector(cells.format("rule"), timeout=30_000)
    entity = pg.locator(cells.format("entity")).first.inner_text()
    pg.locator("#warn-grid .ag-selection-checkbox input").first.click()
    assert urlsplit(pg.url).path == "/warnings"  # a tick is not a drill click
    pg.click("#warn-raise")
    pg.wait_for_selector("#warn-raise-title", state="visible", timeout=10_000)
    assert pg.locator("#warn-raise-title").input_value() == \
        "预算执行进度滞后：" + entity.rsplit("（", 1)[0]
    pg.click("#warn-raise-submit")
    pg.wait_for_selector("#warn-raise-link", timeout=15_000)
    pid = pg.locator("#warn-raise-link").get_attribute("href").rsplit("=", 1)[-1]
    pg.wait_for_function("([sel, t]) => document.querySelector(sel)?.innerText === t",
                         arg=[cells.format("problem"), f"#{pid}"], timeout=15_000)
    pg.screenshot(path=str(artifact("warnings_problem_raised.png")))
    pg.context.close()

    dep = browser_page(chromium, base, "deputy")
    dep.goto(where)
    dep.wait_for_function("([sel]) => document.querySelector(sel)?.innerText === '已立项'",
                          arg=[cells.format("problem")], timeout=30_000)
    assert dep.locator("#warn-raise-tools").is_hidden()
    assert dep.locator("#warn-grid .ag-selection-checkbox").count() == 0
    dep.goto(base + "/warnings?as_of=2026-11-20&tab=rules&rule=LARGE_CASH")
    dep.wait_for_selector("#rule-read-only:not([hidden])", timeout=30_000)
    assert dep.locator(".rule-threshold").first.is_disabled()
    assert dep.locator("#rule-save").is_hidden()
    dep.context.close()

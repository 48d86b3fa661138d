"""The admin pages: accounts (create, disable and enable, reset a password,
change a role, issue a token), the kiosk profile switch, and the audit
trail's search and export. Only an admin may do any of it: each callback
checks for itself, and a refusal changes nothing. Every change is in the
audit trail with who did it and from where."""
from __future__ import annotations

import base64
import csv
import importlib
import io
import zipfile
from datetime import date, timedelta

import dash
import pytest
from openpyxl import load_workbook
from sqlalchemy import desc, func, select

from data import accounts
from data.accounts import Viewer
from data.audit import ACTIONS, record
from data.schema import app_setting, app_user, audit_log
from tests.sessions import PASSWORD, csrf_header, sign_in, signed_in, viewing_as

ADMIN_IP = "10.0.0.5"
STAFF = Viewer(None, "clerk-t", "staff", "10.0.0.6")
DEPUTY = Viewer(None, "deputy-t", "deputy", "10.0.0.7")
KIOSK = Viewer(None, None, None, "10.0.0.8")
REFUSED = "当前账户无权执行此操作 / this account may not do this"


@pytest.fixture
def admin(engine) -> Viewer:
    user_id = accounts.create_user(engine, "boss", "admin", PASSWORD)
    return Viewer(user_id, "boss", "admin", ADMIN_IP)


def mod(name: str):
    return importlib.import_module(name)


def find(component, cid: str):
    """The component with id `cid` in a layout tree, else None."""
    if getattr(component, "id", None) == cid:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            hit = find(child, cid)
            if hit is not None:
                return hit
    return None


def secret(alert) -> str:
    return find(alert, "admin-secret").children


def trail(engine, since_id: int = 0) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(audit_log.c.username, audit_log.c.action, audit_log.c.detail, audit_log.c.ip)
            .where(audit_log.c.id > since_id).order_by(audit_log.c.id))]


def last_id(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(audit_log.c.id), 0))).scalar()


def store_state(engine):
    """Everything an admin action could change."""
    with engine.connect() as conn:
        users = conn.execute(select(app_user).order_by(app_user.c.user_id)).all()
        settings = conn.execute(select(app_setting.c.key, app_setting.c.value)).all()
    return users, settings, last_id(engine)


# -- who may ----------------------------------------------------------------------

@pytest.mark.parametrize("viewer", [STAFF, DEPUTY, KIOSK, None], ids=["staff", "deputy", "kiosk",
                                                                     "nobody"])
def test_others_are_refused_and_nothing_changes(server, engine, admin, viewer):
    acc, kiosk, audit_page = (mod("pages._admin.accounts"), mod("pages._admin.kiosk"),
                              mod("pages._admin.trail"))
    accounts.create_user(engine, "clerk", "staff", PASSWORD)
    before = store_state(engine)
    message = "请先登录 / please sign in" if viewer is None else REFUSED
    with viewing_as(server, viewer):
        for page in ("pages.admin_users", "pages.admin_audit"):
            assert "当前账户无权查看本页" in str(mod(page).layout())
        answers = [acc.create(1, "mallory", "admin", True), acc.disable(1, "boss"),
                   acc.enable(1, "clerk"), acc.reset(1, "boss"), acc.set_role(1, "clerk", "admin"),
                   acc.token(1, "boss")]
        for answer in answers:
            assert message in str(answer[0]) and "bi-x-octagon-fill" in str(answer[0])
            assert all(out is dash.no_update for out in answer[1:])
        refused, value = kiosk.switch(True)
        assert message in str(refused) and value is False  # the switch goes back
        query = {"path": "/admin/audit", "keep": {}, "filters": {}}
        for export in (audit_page.export_xlsx, audit_page.export_csv):
            download, shown = export(1, query)
            assert download is dash.no_update and message in str(shown)
    assert store_state(engine) == before
    assert not accounts.kiosk_profile(engine)


def test_staff_gets_the_refusal_through_the_app(server, engine):
    client = signed_in(server, engine, "staff")
    headers = csrf_header(client)
    page = client.post("/_dash-update-component", headers=headers, json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/admin/users"},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})
    assert page.status_code == 200
    body = str(page.get_json())
    assert "This account may not see this page." in body and "admin-users-page" in body
    assert "acct-create" not in body

    # a forged request for the disable button's callback meets the same check
    accounts.create_user(engine, "victim", "staff", PASSWORD)
    dep = next(d for d in client.get("/_dash-dependencies").get_json()
               if [i["id"] for i in d["inputs"]] == ["acct-disable"])
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
               for o in dep["output"].strip(".").split("...")]
    forged = client.post("/_dash-update-component", headers=headers, json={
        "output": dep["output"], "outputs": outputs,
        "inputs": [{"id": "acct-disable", "property": "n_clicks", "value": 1}],
        "state": [{"id": "acct-name", "property": "value", "value": "victim"}],
        "changedPropIds": ["acct-disable.n_clicks"]})
    assert forged.status_code == 200
    assert REFUSED in str(forged.get_json())
    assert accounts.check_password(engine, "victim", PASSWORD) is not None


# -- what an admin does ---------------------------------------------------------------

def test_admin_page_lists_accounts(server, engine, admin):
    accounts.create_user(engine, "api-bot", "deputy")
    with viewing_as(server, admin):
        page = mod("pages.admin_users").layout()
    table = find(page, "admin-accounts")
    text = str(table)
    for name, role, password in (("boss", "管理员", "有"), ("api-bot", "人大代表", "无（仅 API 令牌）")):
        row = str(find(table, f"account-{name}"))
        assert role in row and password in row and "启用" in row
    assert "admin-kiosk" in str(page) and "大厅展示屏" in str(page)
    assert text.index("account-api-bot") < text.index("account-boss")  # by name


def test_admin_creates_accounts(server, engine, admin):
    acc = mod("pages._admin.accounts")
    start = last_id(engine)
    with viewing_as(server, admin):
        shown, table, options = acc.create(1, "  newbie ", "staff", True)
    password = secret(shown)
    assert "已创建账户 newbie（工作人员）" in str(shown) and len(password) >= 12
    assert "newbie" in [o["value"] for o in options]
    assert "account-newbie" in str(table)
    assert trail(engine, start) == [("boss", "user_create", "newbie (staff)", ADMIN_IP)]
    client = server.test_client()
    assert sign_in(client, "newbie", password).status_code == 302
    assert client.get("/").status_code == 200

    with viewing_as(server, admin):
        shown, table, _ = acc.create(1, "robot", "deputy", False)
        assert "只能使用下方签发的 API 令牌" in str(shown) and find(shown, "admin-secret") is None
        assert "无（仅 API 令牌）" in str(find(table, "account-robot"))
        before = store_state(engine)
        again = acc.create(1, "newbie", "deputy", True)
        bad_role = acc.create(1, "x", None, True)
    assert "用户已存在 / user already exists: newbie" in str(again[0])
    assert again[1:] == (dash.no_update, dash.no_update)
    assert "role must be one of" in str(bad_role[0])
    assert store_state(engine) == before


def test_disabling_ends_sessions_and_sign_in(server, engine, admin):
    acc = mod("pages._admin.accounts")
    client = signed_in(server, engine, "staff", name="clerk")
    assert client.get("/").status_code == 200
    start = last_id(engine)
    with viewing_as(server, admin):
        shown, table, options = acc.disable(1, "clerk")
    assert "已停用 clerk" in str(shown) and "已停用" in str(find(table, "account-clerk"))
    assert {"label": "clerk（工作人员，已停用）", "value": "clerk"} in options
    after = client.get("/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    assert sign_in(server.test_client(), "clerk").status_code == 401
    assert trail(engine, start)[0] == ("boss", "user_update", "clerk: disabled", ADMIN_IP)

    with viewing_as(server, admin):
        shown, _, _ = acc.enable(1, "clerk")
        own = acc.disable(1, "boss")
        nobody = acc.disable(1, None)
        unknown = acc.disable(1, "ghost")
    assert "已启用 clerk" in str(shown)
    assert sign_in(server.test_client(), "clerk").status_code == 302
    assert "不能停用自己的账户 / you cannot disable your own account" in str(own[0])
    assert "请先选择账户 / choose an account first" in str(nobody[0])
    assert "用户不存在 / no such user: ghost" in str(unknown[0])
    assert accounts.check_password(engine, "boss", PASSWORD) is not None


def test_password_reset_ends_sessions(server, engine, admin):
    acc = mod("pages._admin.accounts")
    client = signed_in(server, engine, "staff", name="clerk")
    start = last_id(engine)
    with viewing_as(server, admin):
        shown, _, _ = acc.reset(1, "clerk")
    new = secret(shown)
    assert new != PASSWORD and "已重置 clerk 的密码" in str(shown)
    assert client.get("/").status_code == 302
    assert sign_in(server.test_client(), "clerk", PASSWORD).status_code == 401
    assert sign_in(server.test_client(), "clerk", new).status_code == 302
    assert ("boss", "user_update", "clerk: password reset", ADMIN_IP) in trail(engine, start)


def test_role_change(server, engine, admin):
    acc = mod("pages._admin.accounts")
    client = signed_in(server, engine, "staff", name="clerk")
    start = last_id(engine)
    with viewing_as(server, admin):
        shown, table, _ = acc.set_role(1, "clerk", "deputy")
        own = acc.set_role(1, "boss", "staff")
        bad = acc.set_role(1, "clerk", "root")
    assert "clerk 的角色已改为人大代表" in str(shown)
    assert "人大代表" in str(find(table, "account-clerk"))
    assert "不能取消自己的管理员角色" in str(own[0]) and "role must be one of" in str(bad[0])
    assert client.get("/").status_code == 302  # signs in again as a deputy
    assert trail(engine, start) == [("boss", "user_update", "clerk: role → deputy", ADMIN_IP)]
    assert accounts.check_password(engine, "clerk", PASSWORD)["role"] == "deputy"


def test_token_issue(server, engine, admin):
    acc = mod("pages._admin.accounts")
    accounts.create_user(engine, "robot", "deputy")
    start = last_id(engine)
    with viewing_as(server, admin):
        shown, _, _ = acc.token(1, "robot")
    token = secret(shown)
    assert accounts.user_for_token(engine, token)["username"] == "robot"
    res = server.test_client().get("/api/v1/health", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200
    assert trail(engine, start) == [("boss", "token_issue", "robot", ADMIN_IP)]


def test_kiosk_profile_switch(server, engine, admin):
    kiosk = mod("pages._admin.kiosk")
    anonymous = server.test_client()
    assert anonymous.get("/").status_code == 302
    start = last_id(engine)
    with viewing_as(server, admin):
        shown, value = kiosk.switch(True)
    assert "已开启" in str(shown) and value is dash.no_update
    assert anonymous.get("/").status_code == 200
    with viewing_as(server, KIOSK):  # the kiosk viewer reads, masked, and manages nothing
        assert "无权查看本页" in str(mod("pages.admin_users").layout())
    with viewing_as(server, admin):
        kiosk.switch(False)
    assert anonymous.get("/").status_code == 302
    assert trail(engine, start) == [("boss", "setting", "kiosk_profile = on", ADMIN_IP),
                                    ("boss", "setting", "kiosk_profile = off", ADMIN_IP)]


# -- the audit trail page ----------------------------------------------------------------

def entries(engine) -> None:
    """A known mix: 60 by alice (sign-ins from two addresses), 7 exports by
    bob, a failed sign-in whose typed name is a spreadsheet formula."""
    with engine.begin() as conn:
        for i in range(60):
            record(conn, "alice", "sign_in", None, f"192.168.1.{i % 2}")
        for i in range(7):
            record(conn, "bob", "export", f"payments {i}.xlsx", "10.1.1.1")
        record(conn, "=HYPERLINK(\"http://x\",\"y\")", "sign_in_failed", None, "203.0.113.9")


def expected(engine, **where) -> list[tuple]:
    """The selection by an independent query, newest first, as exported."""
    conds = [getattr(audit_log.c, k) == v for k, v in where.items()]
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(*conds).order_by(desc(audit_log.c.id))).mappings()
        return [(r["id"], r["at"].replace(microsecond=0), r["username"] or "",
                 ACTIONS[r["action"]], r["detail"] or "", r["ip"] or "") for r in rows]


def test_audit_search_from_the_url(server, engine, admin):
    page = mod("pages.admin_audit")
    entries(engine)
    with viewing_as(server, admin):
        alice = page.layout(user="alice")
        second = page.layout(user="alice", page="2")
        bob = page.layout(user="bob", action="export", q="payments 3")
        ip = page.layout(q="192.168.1.1")
        today = page.layout(since=date.today().isoformat(), until=date.today().isoformat(),
                            action="sign_in")
        before = page.layout(until=(date.today() - timedelta(days=1)).isoformat())
        bad = page.layout(action="nope", since="2025-13-01", page="x")
        swapped = page.layout(since=date.today().isoformat(),
                              until=(date.today() - timedelta(days=3)).isoformat())
    assert "符合条件的记录 60 条" in str(find(alice, "audit-total"))
    assert str(find(alice, "audit-table")).count("'alice'") == 50  # one page
    assert "第 1 / 2 页" in str(find(alice, "audit-pager"))
    assert str(find(second, "audit-table")).count("'alice'") == 10
    assert "第 2 / 2 页" in str(find(second, "audit-pager"))
    assert "符合条件的记录 1 条" in str(find(bob, "audit-total"))
    assert "payments 3.xlsx" in str(find(bob, "audit-table"))
    assert "符合条件的记录 30 条" in str(find(ip, "audit-total"))
    assert "符合条件的记录 60 条" in str(find(today, "audit-total"))
    assert find(before, "audit-empty") is not None
    bad_text = str(bad)
    assert "unknown action ignored: 'nope'" in bad_text and "invalid date ignored" in bad_text
    assert "全部记录" in str(find(bad, "audit-total"))
    assert "已互换" in str(swapped) and "符合条件的记录" in str(find(swapped, "audit-total"))
    assert "审计链完整，未发现篡改" in str(alice)


def test_audit_rows_link_and_page(server, engine, admin):
    page, trail_mod = mod("pages.admin_audit"), mod("pages._admin.trail")
    entries(engine)
    with viewing_as(server, admin):
        past = page.layout(user="alice", page="9")  # past the end: the last page
        bob = page.layout(action="export")
    assert "第 2 / 2 页" in str(find(past, "audit-pager"))
    assert str(find(past, "audit-table")).count("'alice'") == 10
    assert find(bob, "audit-pager") is None  # 7 entries: one page
    text = str(find(bob, "audit-table"))
    assert "/admin/audit?action=export&user=bob" in text
    url = trail_mod.search_to_url(1, None, " bob ", "export", "2025-01-01", "", "x" * 200,
                                  {"path": "/admin/audit", "keep": {"lang": "en"}, "filters": {}})
    assert url == ("/admin/audit?action=export&lang=en&q=" + "x" * 80
                   + "&since=2025-01-01&user=bob")


def download(answer) -> bytes:
    data, shown = answer
    assert "本次导出已记入使用留痕" in str(shown)
    assert data["base64"] is True
    return base64.b64decode(data["content"])


def test_export_is_the_selection_and_is_recorded(server, engine, admin):
    trail_mod = mod("pages._admin.trail")
    entries(engine)
    want_alice = expected(engine, username="alice")
    query = {"path": "/admin/audit", "keep": {}, "filters": {"user": "alice"}}
    start = last_id(engine)
    with viewing_as(server, admin):
        xlsx = download(trail_mod.export_xlsx(1, query))
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    got = [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]
    assert got[0] == ("编号", "时间", "用户", "操作", "详情", "IP 地址")
    assert got[1:] == want_alice and len(want_alice) == 60
    assert trail(engine, start) == [("boss", "export", "使用留痕 xlsx：60 条（user=alice）", ADMIN_IP)]

    want_all = expected(engine)
    start = last_id(engine)
    with viewing_as(server, admin):
        raw = download(trail_mod.export_csv(1, {**query, "filters": {}}))
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == ["编号", "时间", "用户", "操作", "详情", "IP 地址"]

    def as_csv(row):
        user = row[2]
        return [str(row[0]), row[1].strftime("%Y-%m-%d %H:%M:%S"),
                "'" + user if user.startswith("=") else user, *row[3:]]

    assert lines[1:] == [as_csv(r) for r in want_all]
    assert trail(engine, start) == [("boss", "export", f"使用留痕 csv：{len(want_all)} 条（全部）",
                                     ADMIN_IP)]


def test_export_keeps_a_formula_as_text(server, engine, admin):
    trail_mod = mod("pages._admin.trail")
    entries(engine)
    query = {"path": "/admin/audit", "keep": {}, "filters": {"action": "sign_in_failed"}}
    with viewing_as(server, admin):
        xlsx = download(trail_mod.export_xlsx(1, query))
        raw = download(trail_mod.export_csv(1, query))
    cell = load_workbook(io.BytesIO(xlsx)).active["C2"]
    assert cell.value == "=HYPERLINK(\"http://x\",\"y\")" and cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()
    line = raw.decode("utf-8-sig").splitlines()[1]
    assert ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"," in line

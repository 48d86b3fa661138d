"""Sign-in security through HTTP: CSRF tokens on every form and callback
post, session cookie flags, lockout after failed sign-ins, no open
redirect, a fresh session at sign-in, and the gate in front of pages and
callbacks."""
from __future__ import annotations

from flask import Flask

from data import accounts
from data.accounts import LOCK_AFTER
from data.audit import search
from tests.sessions import PASSWORD, csrf_from, csrf_header, sign_in, signed_in

# the shell's `mode` callback: harmless, and present on every page
MODE_CALLBACK = {
    "output": "..shell.className...shell-rotate.disabled..",
    "outputs": [{"id": "shell", "property": "className"},
                {"id": "shell-rotate", "property": "disabled"}],
    "inputs": [{"id": "url", "property": "search", "value": "?kiosk=1"}],
    "changedPropIds": ["url.search"], "state": [],
}


def test_pages_redirect_and_callbacks_refuse_without_a_session(server):
    client = server.test_client()
    res = client.get("/execution?dept=101")
    assert res.status_code == 302
    assert res.headers["Location"] == "/login?next=/execution?dept%3D101"
    assert client.post("/_dash-update-component", json=MODE_CALLBACK).status_code in (400, 401)
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/api/v1/health").status_code == 200


def test_sign_in_form_needs_its_csrf_token(server, engine):
    accounts.create_user(engine, "csrf-user", "staff", PASSWORD)
    client = server.test_client()
    res = client.post("/login", data={"username": "csrf-user", "password": PASSWORD})
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    assert search(engine, user="csrf-user", action="sign_in")[1] == 0
    assert sign_in(client, "csrf-user").status_code == 302


def test_callbacks_need_the_csrf_header(server, engine):
    client = signed_in(server, engine, "deputy")
    assert client.post("/_dash-update-component", json=MODE_CALLBACK).status_code == 400
    res = client.post("/_dash-update-component", json=MODE_CALLBACK, headers=csrf_header(client))
    assert res.status_code == 200, res.get_data(as_text=True)
    assert res.get_json()["response"]["shell"]["className"] == "shell kiosk"


def test_session_cookie_flags(server, engine):
    accounts.create_user(engine, "cookie-user", "staff", PASSWORD)
    client = server.test_client()
    res = sign_in(client, "cookie-user")
    cookie = next(h for h in res.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on an intranet unless SECURE_COOKIES=1


def test_secure_cookies_setting(monkeypatch):
    from service.auth import init_auth

    monkeypatch.setenv("SECURE_COOKIES", "1")
    app = Flask("secure-check")
    init_auth(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_wrong_passwords_lock_the_account(server, engine):
    accounts.create_user(engine, "locked-user", "staff", PASSWORD)
    client = server.test_client()
    for _ in range(LOCK_AFTER):
        res = sign_in(client, "locked-user", "wrong-password")
        assert res.status_code == 401
        assert "用户名或密码不正确" in res.get_data(as_text=True)
    res = sign_in(client, "locked-user")  # the right password, but locked now
    assert res.status_code == 429
    body = res.get_data(as_text=True)
    assert "登录失败次数过多" in body and "too many failed sign-ins" in body
    assert client.get("/").status_code == 302
    failed, n = search(engine, user="locked-user", action="sign_in_failed")
    assert n == LOCK_AFTER and all(r["ip"] == "127.0.0.1" for r in failed)


def test_no_open_redirect_after_sign_in(server, engine):
    accounts.create_user(engine, "redirect-user", "deputy", PASSWORD)
    for target, lands in (("//evil.example/x", "/"), ("https://evil.example/", "/"),
                          ("/execution?dept=101", "/execution?dept=101")):
        client = server.test_client()
        page = client.get("/login").get_data(as_text=True)
        res = client.post("/login", data={"username": "redirect-user", "password": PASSWORD,
                                          "csrf_token": csrf_from(page), "next": target})
        assert res.status_code == 302 and res.headers["Location"] == lands, target


def test_sign_out_needs_a_post_with_the_token(server, engine):
    client = signed_in(server, engine, "staff")
    confirm = client.get("/logout")
    assert confirm.status_code == 200 and client.get("/").status_code == 200
    assert client.post("/logout").status_code == 400  # no token: still signed in
    assert client.get("/").status_code == 200
    res = client.post("/logout", data={"csrf_token": csrf_from(confirm.get_data(as_text=True))})
    assert res.status_code == 302 and client.get("/").status_code == 302
    assert search(engine, user=client.user_name, action="sign_out")[1] == 1


def test_a_session_ends_when_the_account_is_disabled(server, engine):
    client = signed_in(server, engine, "staff")
    assert client.get("/").status_code == 200
    accounts.set_active(engine, client.user_name, False, by="admin-x")
    assert client.get("/").status_code == 302


def test_kiosk_profile_opens_pages_read_only(server, engine):
    client = server.test_client()
    assert client.get("/").status_code == 302
    accounts.set_kiosk_profile(engine, True, by="admin-x")
    assert client.get("/").status_code == 200
    res = client.post("/_dash-update-component", json=MODE_CALLBACK, headers=csrf_header(client))
    assert res.status_code == 200
    accounts.set_kiosk_profile(engine, False, by="admin-x")
    assert client.get("/").status_code == 302


UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"


def _poll(client, state, headers):
    """The shell's status callback, as a page's timer fires it."""
    body = {"output": "shell-status.data",
            "outputs": {"id": "shell-status", "property": "data"},
            "inputs": [{"id": "shell-poll", "property": "n_intervals", "value": 5}],
            "changedPropIds": ["shell-poll.n_intervals"],
            "state": [{"id": "shell-status", "property": "data", "value": state}]}
    return client.post("/_dash-update-component", json=body, headers=headers)


def test_the_gate_lets_open_pages_see_the_store_is_away(server, engine, monkeypatch):
    """A lost store must reach the status callback (its "stale" banner), for a
    signed-in page and for the wall display under the kiosk profile alike."""
    staff = signed_in(server, engine, "staff")
    accounts.set_kiosk_profile(engine, True, by="admin-x")
    wall = server.test_client()
    clients = [(staff, csrf_header(staff)), (wall, csrf_header(wall))]
    state = {"ok": True, "version": 1, "as_of": "2025-10-02"}
    for client, headers in clients:
        assert _poll(client, state, headers).status_code == 200
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    for client, headers in clients:
        res = _poll(client, state, headers)
        assert res.status_code == 200, res.get_data(as_text=True)
        assert res.get_json()["response"]["shell-status"]["data"]["ok"] is False


def test_one_address_trying_many_accounts_is_refused(server, engine):
    from data.accounts import IP_LIMIT

    accounts.create_user(engine, "victim", "staff", PASSWORD)
    client = server.test_client()
    for i in range(IP_LIMIT):  # never LOCK_AFTER on one account: only the address adds up
        assert sign_in(client, f"guess-{i}", "wrong-password").status_code == 401
    res = sign_in(client, "victim")
    assert res.status_code == 429 and "too many failed sign-ins" in res.get_data(as_text=True)
    other = server.test_client()  # another address is not affected
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert sign_in(other, "victim").status_code == 302

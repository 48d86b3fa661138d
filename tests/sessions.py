"""Browser-like sessions on the Flask test client: sign in through /login
with the form's CSRF token, and post Dash callbacks with the header the
Dash renderer sends."""
from __future__ import annotations

import contextlib
import re
from itertools import count

from flask import g

from data import accounts
from data.accounts import Viewer

PASSWORD = "Correct-Horse-9"
_n = count()


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": csrf_from(page), "next": "/"})


def signed_in(server, engine, role: str, name: str | None = None):
    """A test client signed in as a new account of `role`; `.user_name` says which."""
    name = name or f"{role}-{next(_n)}"
    accounts.create_user(engine, name, role, PASSWORD)
    client = server.test_client()
    res = sign_in(client, name)
    assert res.status_code == 302, res.get_data(as_text=True)
    client.user_name = name
    return client


def csrf_header(client) -> dict[str, str]:
    """The X-CSRFToken header the Dash renderer copies from the cookie."""
    client.get("/")
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie else {}


STAFF = Viewer(user_id=None, name="staff-t", role="staff")


@contextlib.contextmanager
def viewing_as(server, viewer: Viewer = STAFF):
    """A request context in which `viewer` is the one asking, for calling
    page layouts and callbacks directly."""
    with server.test_request_context():
        g.viewer = viewer
        yield

"""A page whose session ends (the account disabled here) goes to the
sign-in page at its next click, and comes back to the same state after
signing in again, instead of sitting there with clicks that do nothing."""
from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from data import accounts
from data.db import make_engine
from tests.browser import _context, _page, serving, sign_in
from tests.conftest import DEMO_AS_OF
from tests.sessions import PASSWORD

pytestmark = pytest.mark.browser


def test_an_ended_session_returns_to_sign_in_and_back(chromium, browser_store, tmp_path):
    path = tmp_path / "store.db"
    source = sqlite3.connect(browser_store[1].url.database)
    with sqlite3.connect(path) as target:
        source.backup(target)
    source.close()
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    accounts.create_user(engine, "leaving-staff", "staff", PASSWORD)
    with serving(url, tmp_path / "server.log") as base:
        pg = _page(_context(chromium, None))
        sign_in(pg, base, "leaving-staff")
        here = f"/execution?as_of={DEMO_AS_OF.isoformat()}&by=agency"
        pg.goto(base + here)
        pg.wait_for_selector("#exec-page", timeout=30_000)
        accounts.set_active(engine, "leaving-staff", False, by="admin-b")
        pg.click("#shell-nav-link-warnings, a[href^='/warnings']")
        pg.wait_for_url(lambda u: urlsplit(u).path == "/login", timeout=20_000)
        back = parse_qs(urlsplit(pg.url).query)["next"][0]
        assert back.startswith("/")
        accounts.set_active(engine, "leaving-staff", True, by="admin-b")
        pg.fill("#username", "leaving-staff")
        pg.fill("#password", PASSWORD)
        pg.click("#sign-in-submit")
        pg.wait_for_url(lambda u: urlsplit(u).path != "/login", timeout=20_000)
        assert urlsplit(pg.url).path + "?" + urlsplit(pg.url).query == back
        pg.context.close()
    engine.dispose()

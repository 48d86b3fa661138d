"""A page whose session ends (the account disabled here) goes to the
sign-in page at its next click, and comes back to the same state after
signing in again, instead of sitting there with clicks that do nothing."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from data import accounts
from data.db import make_engine
from tests.browser import copy_store, serving, settle, signed_page
from tests.conftest import DEMO_AS_OF
from tests.sessions import PASSWORD

pytestmark = pytest.mark.browser


def test_an_ended_session_returns_to_sign_in_and_back(chromium, browser_store, tmp_path):
    url = copy_store(browser_store, tmp_path / "store.db")
    engine = make_engine(url)
    accounts.create_user(engine, "leaving-staff", "staff", PASSWORD)
    with serving(url, tmp_path / "server.log") as base:
        pg = signed_page(chromium, base, "leaving-staff")
        here = f"/execution?as_of={DEMO_AS_OF.isoformat()}&by=agency"
        pg.goto(base + here)
        pg.wait_for_selector("#exec-page", timeout=30_000)
        settle(pg)  # the page's own callbacks are done: the next one is the click's
        accounts.set_active(engine, "leaving-staff", False, by="admin-b")
        pg.evaluate("document.querySelector(\"a[href^='/warnings']\").click()")
        pg.wait_for_url(lambda u: urlsplit(u).path == "/login", timeout=20_000)
        back = parse_qs(urlsplit(pg.url).query)["next"][0]
        assert back.startswith("/")
        accounts.set_active(engine, "leaving-staff", True, by="admin-b")
        pg.fill("#username", "leaving-staff")
        pg.fill("#password", PASSWORD)
        pg.click("#sign-in-submit")
        pg.wait_for_url(lambda u: urlsplit(u).path != "/login", timeout=20_000)
        assert pg.url == base + back
        pg.context.close()
    engine.dispose()

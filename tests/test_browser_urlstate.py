"""A URL opened cold (a bookmark, a shared link) keeps every filter it
carries once the selectors have loaded, on every page in the navigation."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from data import query as q
from data.status import data_as_of

pytestmark = pytest.mark.browser


def test_cold_urls_keep_their_filters(live_server, page, browser_store):
    _url, engine = browser_store
    as_of = data_as_of(engine) - timedelta(days=40)
    region, name = next((code, name) for code, name, depth in q.region_options(engine)
                        if depth == 1)
    wanted = {"as_of": as_of.isoformat(), "mof_div": region, "fund_type": "1"}
    page.goto(live_server + "/")
    page.wait_for_selector(".shell-nav a")
    paths = [a.get_attribute("href").split("?")[0] for a in page.locator(".shell-nav a").all()]
    assert len(paths) >= 3
    for path in paths:
        query = "&".join(f"{k}={v}" for k, v in wanted.items())
        page.goto(f"{live_server}{path}?{query}")
        # the selectors show the URL's filters once their options have arrived
        page.wait_for_function(
            "() => { const r = document.getElementById('f-region');"
            " return r && r.innerText.includes(" + repr(name) + "); }", timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # give any late callback the chance to rewrite the URL
        got = dict(parse_qsl(urlsplit(page.url).query))
        assert {k: got.get(k) for k in wanted} == wanted, path
        assert page.locator("#f-asof").input_value() == as_of.isoformat(), path

"""The overview in headless Chromium: the tiles show the store's figures,
nothing is fetched from outside this machine, and the kiosk view renders
dark at 1920×1080 (screenshot in test-artifacts/)."""
from __future__ import annotations


import pytest

from components import format as fmt
from components.kpi import money_figure
from data import query as q
from data.query import Scope, budgets, execution_total
from data.rules import stored_breaches
from data.status import data_as_of
from tests.browser import artifact, serving

pytestmark = pytest.mark.browser


def _figure(pg, tile: str) -> str:
    return pg.locator(f"#{tile} .kpi-figure-value").inner_text().strip()


def _top_region(engine) -> str:
    return q.region_options(engine)[0][0]


def test_overview_tiles_match_the_store(live_server, page, browser_store):
    _url, engine = browser_store
    as_of = data_as_of(engine)
    region = _top_region(engine)
    page.goto(f"{live_server}/?mof_div={region}&as_of={as_of.isoformat()}")
    page.wait_for_selector("#kpi-freshness", timeout=30_000)

    # both tiles cover the general budget (fund type 1)
    spent = execution_total(engine, Scope(as_of=as_of, mof_div=region, fund_type="1"))
    assert _figure(page, "kpi-expenditure") == money_figure(spent.paid)[0]
    (revenue,) = budgets(engine, Scope(as_of=as_of, mof_div=region, fund_type="1"))
    assert _figure(page, "kpi-revenue") == money_figure(revenue.revenue)[0]
    direct = q.direct_funds(engine, Scope(as_of=as_of, mof_div=region))
    assert _figure(page, "kpi-direct") == (fmt.pct(direct.payment_rate) if direct.received else "—")
    debt = q.debt_position(engine, Scope(as_of=as_of, mof_div=region))
    assert _figure(page, "kpi-debt") == money_figure(debt.total_balance)[0]
    soe = q.soe_totals(engine, Scope(as_of=as_of, mof_div=region))
    assert _figure(page, "kpi-soe") == (fmt.pct(soe.alr) if soe.enterprises else "—")
    fresh = q.freshness(engine, Scope(as_of=as_of, mof_div=region))
    # the top region: every stored breach lies in it
    stored = stored_breaches(engine)
    late = {b.entity_code.partition("@")[0] for b in stored if b.rule == "DATA_STALE"}
    assert _figure(page, "kpi-freshness") == f"{sum(f.dataset not in late for f in fresh)}/{len(fresh)}"
    assert _figure(page, "kpi-warnings") == str(len(stored))

    assert page.locator("#shell-stamp").inner_text() == fmt.as_of_note(as_of)
    assert "年" in page.locator("#shell-clock").inner_text()
    # navigation keeps the global filters
    href = page.locator(".shell-nav a").first.get_attribute("href")
    assert f"mof_div={region}" in href and f"as_of={as_of.isoformat()}" in href
    assert page.off_host() == []


def test_region_selector_writes_the_url(live_server, page, browser_store):
    _url, engine = browser_store
    options = q.region_options(engine)
    child = next((code, name) for code, name, depth in options if depth == 1)
    page.goto(f"{live_server}/")
    page.wait_for_selector("#kpi-freshness", timeout=30_000)
    page.locator("#f-region").click()
    page.get_by_role("option", name=child[1]).click()
    page.wait_for_url(f"**mof_div={child[0]}**", timeout=10_000)
    page.wait_for_function(
        f"document.querySelector('.page-title') && "
        f"document.querySelector('.page-title').innerText.includes('{child[1]}')",
        timeout=15_000)
    # the shell's `url` follows the URL the filters wrote: the navigation keeps the region
    page.wait_for_function(
        f"document.querySelector('.shell-nav a').getAttribute('href').includes('mof_div={child[0]}')",
        timeout=10_000)
    page.go_back()
    page.wait_for_function("!window.location.search.includes('mof_div')", timeout=10_000)
    assert page.off_host() == []


def test_kiosk_screenshot(live_server, page):
    page.goto(f"{live_server}/?kiosk=1")
    page.wait_for_selector("#kpi-freshness", timeout=30_000)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(500)
    assert page.locator("#shell-filters").is_hidden()
    assert page.locator(".shell-navwrap").is_hidden()
    assert "darkly" in page.locator("#theme-css").get_attribute("href")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != "rgb(255, 255, 255)"
    page.screenshot(path=str(artifact("overview-kiosk-1920x1080.png")))
    assert page.off_host() == []


def test_kiosk_rotates_through_the_chosen_pages(kiosk_store, chromium, tmp_path):
    """The wall display: every KIOSK_SECONDS the next of KIOSK_PAGES, still
    in kiosk mode (dark, no controls), round and round."""
    with serving(kiosk_store[0], tmp_path / "kiosk.log",
                 KIOSK_SECONDS="10", KIOSK_PAGES="/execution, /, /no-such-page") as base:
        context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        pg = context.new_page()
        pg.goto(f"{base}/execution?kiosk=1")
        pg.wait_for_selector("#exec-page", timeout=30_000)
        pg.wait_for_url(f"{base}/?kiosk=1", timeout=25_000)
        pg.wait_for_selector("#kpi-freshness", timeout=30_000)
        assert pg.locator("#shell-filters").is_hidden()
        assert "darkly" in pg.locator("#theme-css").get_attribute("href")
        pg.wait_for_url(f"{base}/execution?kiosk=1", timeout=25_000)
        pg.wait_for_selector("#exec-page", timeout=30_000)
        assert "darkly" in pg.locator("#theme-css").get_attribute("href")
        context.close()


def test_kiosk_reloads_when_the_data_changes(kiosk_store, chromium, tmp_path):
    """A new import (a new data version) reloads the wall display by itself;
    until then the page stays as it is."""
    from data.db import bump_data_version

    url, engine = kiosk_store
    with serving(url, tmp_path / "reload.log", STATUS_POLL_SECONDS="1") as base:
        context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        pg = context.new_page()
        pg.goto(f"{base}/?kiosk=1")
        pg.wait_for_selector("#kpi-freshness", timeout=30_000)
        pg.evaluate("window.__sameDocument = true")
        pg.wait_for_timeout(3000)  # several polls, no change
        assert pg.evaluate("window.__sameDocument === true")
        with engine.begin() as conn:
            bump_data_version(conn)
        pg.wait_for_function("window.__sameDocument === undefined", timeout=15_000)
        pg.wait_for_selector("#kpi-freshness", timeout=30_000)
        assert pg.url == f"{base}/?kiosk=1"
        context.close()


def test_kiosk_starts_afresh_after_its_reload_hours(kiosk_store, chromium, tmp_path):
    """Weeks on the wall: after KIOSK_RELOAD_HOURS (here 7.2 s) the page
    loads itself again, but never while the server is away."""
    url, _engine = kiosk_store
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    pg = context.new_page()
    with serving(url, tmp_path / "fresh.log", STATUS_POLL_SECONDS="1",
                 KIOSK_RELOAD_HOURS="0.002") as base:
        pg.goto(f"{base}/?kiosk=1")
        pg.wait_for_selector("#kpi-freshness", timeout=30_000)
        pg.evaluate("window.__sameDocument = true")
        pg.wait_for_timeout(3000)  # well before the reload hours
        assert pg.evaluate("window.__sameDocument === true")
        pg.wait_for_function("window.__sameDocument === undefined", timeout=20_000)
        pg.wait_for_selector("#kpi-freshness", timeout=30_000)
        assert pg.url == f"{base}/?kiosk=1"
        pg.wait_for_timeout(2000)
        pg.evaluate("window.__sameDocument = true")
    pg.wait_for_timeout(10_000)  # past the reload hours again, the server gone
    assert pg.evaluate("window.__sameDocument === true")
    assert pg.locator("#kpi-freshness").is_visible()
    context.close()

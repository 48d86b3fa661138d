"""国有资产 in a real browser: opened cold from a URL, drilled two levels by
clicking (a township's bar, then the idle-asset agency's row), the agency's
level written in words, and the browser's Back button returning through the
same states; and an enterprise over its line opened from the 国有企业 list.
Screenshots at 1920×1080 go to test-artifacts/."""
from __future__ import annotations


import pytest

from data.query import Scope
from data.query.assets import admin_by_region
from data.rules import evaluate
from tests.browser import artifact, crumb_texts, params_of, settle, wait_crumb
from tests.conftest import DEMO_AS_OF

pytestmark = pytest.mark.browser
COUNTY = "990121"


def row_of(pg, grid: str, name: str):
    """The drill list row naming `name`, once the grid is on screen (AG Grid
    draws rows only then)."""
    pg.locator(f"#list-{grid}").scroll_into_view_if_needed()
    row = pg.locator(f"#list-{grid} .ag-center-cols-container .ag-row").filter(has_text=name)
    row.wait_for(timeout=15_000)
    return row


def test_township_to_idle_agency_and_back(live_server, page, browser_store):
    _url, engine = browser_store
    idle = [b for b in evaluate(engine, DEMO_AS_OF) if b.rule == "IDLE_ASSETS"]
    assert idle, "the demo plants an agency with idle assets"
    target = idle[0]
    regions = [r.code for r in admin_by_region(engine, Scope(as_of=DEMO_AS_OF, mof_div=COUNTY))]
    township = target.mof_div  # the planted agency is a township's
    assert township in regions and township != COUNTY
    pg = page

    start = f"{live_server}/assets?mof_div={COUNTY}&tab=admin"
    pg.goto(start)
    pg.wait_for_selector("#chart-assets-regions .bars .point path", timeout=30_000)
    settle(pg)
    assert crumb_texts(pg, "assets-breadcrumb") == ["全部区划", "示范省", "示范市", "示范县"]
    pg.screenshot(path=str(artifact("assets_1_county.png")))

    # level 1: the township's bar (the first series' bars are in the regions' order)
    bar = pg.locator("#chart-assets-regions .bars .point path").nth(regions.index(township))
    bar.scroll_into_view_if_needed()
    bar.click(force=True)
    wait_crumb(pg, "assets-breadcrumb", "街道")
    settle(pg)
    assert params_of(pg.url) == {"mof_div": township, "tab": "admin"}
    township_url = pg.url

    # level 2: the agency's row, its level in words
    row = row_of(pg, "assets-agency-rows", target.name)
    assert "▲关注 资产闲置" in row.inner_text()
    row.locator(".ag-cell").first.click()
    wait_crumb(pg, "assets-breadcrumb", "单位：")
    settle(pg)
    assert params_of(pg.url) == {"agency": target.entity_code, "mof_div": township, "tab": "admin"}
    alert = pg.locator("#agency-breaches").inner_text()
    assert "关注" in alert and "资产闲置" in alert
    assert "关注" in pg.locator("#agency-idle .level-badge").inner_text()
    assert pg.locator("#agency-idle .level-badge").get_attribute("title").startswith("资产闲置（IDLE_ASSETS）")
    assert pg.locator("#chart-assets-agency-idle .main-svg").count() > 0
    pg.screenshot(path=str(artifact("assets_2_agency.png")))

    pg.go_back()
    wait_crumb(pg, "assets-breadcrumb", "街道")
    settle(pg)
    assert pg.url == township_url
    assert "单位：" not in " ".join(crumb_texts(pg, "assets-breadcrumb"))
    pg.go_back()
    wait_crumb(pg, "assets-breadcrumb", "示范县")
    settle(pg)
    assert pg.url == start
    assert pg.off_host() == []


def test_enterprise_over_its_line_from_the_list(live_server, page, browser_store):
    _url, engine = browser_store
    red = next(b for b in evaluate(engine, DEMO_AS_OF) if b.rule == "SOE_ALR" and b.level == "red")
    pg = page
    pg.goto(f"{live_server}/assets")
    pg.wait_for_selector("#chart-assets-alr .main-svg", timeout=30_000)
    settle(pg)
    row = row_of(pg, "assets-soe-rows", red.name)
    assert "▲严重" in row.inner_text()
    row.locator(".ag-cell").first.click()
    wait_crumb(pg, "assets-breadcrumb", "企业：")
    settle(pg)
    assert params_of(pg.url) == {"enterprise": red.entity_code}
    assert "严重" in pg.locator("#enterprise-breaches").inner_text()
    assert "严重" in pg.locator("#enterprise-alr .level-badge").inner_text()
    pg.screenshot(path=str(artifact("assets_3_enterprise.png")))
    pg.go_back()
    wait_crumb(pg, "assets-breadcrumb", "全部区划")
    assert params_of(pg.url) == {}

"""直达资金 in a real browser over the `tiny` demo: opened cold from a URL, a
lagging fund's bar clicked (its level written on the bar and on its tile,
as the independent oracle grades it), a recipient agency clicked, then Back
to each state. Screenshots at 1920×1080 go to test-artifacts/."""
from __future__ import annotations


import pytest

from data.query import Scope
from data.query.direct_funds import fund_rows, recipients
from tests.browser import artifact, crumb_texts, params_of, settle, wait_crumb
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames

pytestmark = pytest.mark.browser
ROOT = "99"  # the demo's only top region: the page's "全部区划"


@pytest.fixture(scope="module")
def lagging(tmp_path_factory):
    """{fund: level} of DIRECT_PAY_LAG at the top region, from the oracle."""
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("direct-browser")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    found = Rules(read_frames(out), DEMO_AS_OF).DIRECT_PAY_LAG()
    return {e.partition("@")[0]: lv for e, (lv, _v) in found.items() if e.endswith(f"@{ROOT}")}


def test_fund_to_agency_and_back(live_server, page, browser_store, lagging):
    _url, engine = browser_store
    rows = fund_rows(engine, Scope(as_of=DEMO_AS_OF, mof_div=ROOT))
    fund = next(r for r in rows if lagging.get(r.code) == "red")
    word = "严重"
    pg = page
    start = f"{live_server}/direct-funds?as_of={DEMO_AS_OF.isoformat()}"
    pg.goto(start)
    pg.wait_for_selector("#chart-direct-pay .bars .point path", timeout=30_000)
    settle(pg)
    assert crumb_texts(pg, "direct-breadcrumb") == ["全部区划 · 直达资金"]
    # the lagging fund's bar says its level in words, not only in colour
    labels = pg.locator("#chart-direct-pay .annotation-text").all_text_contents()
    assert any(f"▲{word} 支出滞后" in t for t in labels)
    assert "DIRECT_PAY_LAG" in pg.locator("#chart-direct-pay").text_content()
    pg.screenshot(path=str(artifact("direct_1_funds.png")))

    bar = pg.locator("#chart-direct-pay .bars .point path").nth([r.code for r in rows].index(fund.code))
    bar.scroll_into_view_if_needed()
    bar.click(force=True)
    wait_crumb(pg, "direct-breadcrumb", "资金：")
    settle(pg)
    assert params_of(pg.url) == {"as_of": DEMO_AS_OF.isoformat(), "fund": fund.code}
    assert crumb_texts(pg, "direct-breadcrumb")[-1] == f"资金：{fund.name}"
    tile = pg.locator("#direct-paid")
    assert word in tile.locator(".level-badge").inner_text()
    assert "DIRECT_PAY_LAG" in tile.locator(".level-badge").get_attribute("title")
    fund_url = pg.url
    pg.screenshot(path=str(artifact("direct_2_fund.png")))
    pg.screenshot(path=str(artifact("direct_2_fund_full.png")), full_page=True)

    agency = recipients(engine, Scope(as_of=DEMO_AS_OF, mof_div=ROOT), fund.code)[0]
    pg.locator("#list-direct-recipient-rows [role=gridcell][col-id=name]").first.click()
    wait_crumb(pg, "direct-breadcrumb", "单位：")
    settle(pg)
    assert params_of(pg.url) == {"as_of": DEMO_AS_OF.isoformat(), "fund": fund.code,
                                 "agency": agency.code}
    assert pg.locator("#list-direct-quotas [role=gridcell][col-id=bgt_id]").count() >= 1
    pg.screenshot(path=str(artifact("direct_3_agency.png")))

    pg.go_back()
    wait_crumb(pg, "direct-breadcrumb", "资金：")
    pg.wait_for_function("() => !document.querySelector('#direct-breadcrumb').innerText.includes('单位：')",
                         timeout=15_000)
    assert pg.url == fund_url
    pg.go_back()
    pg.wait_for_function("() => !document.querySelector('#direct-breadcrumb').innerText.includes('资金：')",
                         timeout=15_000)
    settle(pg)
    assert pg.url == start and crumb_texts(pg, "direct-breadcrumb") == ["全部区划 · 直达资金"]
    assert pg.off_host() == []

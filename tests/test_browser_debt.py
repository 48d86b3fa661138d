"""政府债务 in a real browser over the `tiny` demo: opened cold from a URL, two
levels drilled by clicking (the special-debt bar → a bond row), a flagged
project whose level is written in words (the oracle's BOND_FUNDS_IDLE), and
Back returning through the same states. Screenshots go to test-artifacts/."""
from __future__ import annotations


import pytest

from data.query import Scope
from data.query.debt import bonds
from tests.browser import artifact, params_of, settle, wait_crumb
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames

pytestmark = pytest.mark.browser
COUNTY = "990121"


@pytest.fixture(scope="module")
def idle(tmp_path_factory):
    """(bond, project, level) of the oracle's one BOND_FUNDS_IDLE breach."""
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("debt-browser")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    ((entity, level),) = Rules(read_frames(out), DEMO_AS_OF).levels()["BOND_FUNDS_IDLE"].items()
    bond, _, project = entity.partition("/")
    return bond, project, level


def test_drill_to_an_idle_bond_project_and_back(live_server, page, browser_store, idle):
    _url, engine = browser_store
    bond, project, level = idle
    word = {"yellow": "关注", "orange": "预警", "red": "严重"}[level]
    name = next(b.name for b in bonds(engine, Scope(as_of=DEMO_AS_OF, mof_div=COUNTY), "2")
                if b.code == bond)
    pg = page
    start = f"{live_server}/debt?mof_div={COUNTY}"
    pg.goto(start)
    pg.wait_for_selector("#chart-debt-limit .bars .point path", timeout=30_000)
    wait_crumb(pg, "debt-breadcrumb", "示范县 · 债务概况", 1)
    settle(pg)
    # the special balance is over its limit, and the tile says so in words
    assert "严重" in pg.locator("#debt-kpi-special .level-badge").inner_text()
    pg.screenshot(path=str(artifact("debt_1_position.png")), full_page=True)

    # click 1: the special-debt balance bar (the second series' second bar)
    bar = pg.locator("#chart-debt-limit .trace.bars").nth(1).locator(".point path").nth(1)
    bar.scroll_into_view_if_needed()
    bar.click(force=True)
    wait_crumb(pg, "debt-breadcrumb", "专项债务", 2)
    settle(pg)
    assert params_of(pg.url) == {"mof_div": COUNTY, "debt_type": "2"}
    type_url = pg.url
    pg.screenshot(path=str(artifact("debt_2_special.png")), full_page=True)

    # click 2: the bond's row in the list of special bonds
    cell = pg.locator("#list-debt-bonds [role=gridcell][col-id=name]", has_text=name).first
    cell.scroll_into_view_if_needed()
    cell.click()
    wait_crumb(pg, "debt-breadcrumb", "债券：", 3)
    settle(pg)
    assert params_of(pg.url) == {"mof_div": COUNTY, "debt_type": "2", "bond": bond}
    # the idle project is flagged, its level written out in the row
    row = pg.locator("#list-debt-project-rows [role=gridcell][col-id=level]").first
    row.wait_for(timeout=15_000)
    assert row.inner_text().strip() == f"▲{word} 专项债资金闲置"
    assert word in pg.locator("#debt-bond-use .level-badge").inner_text()
    pg.screenshot(path=str(artifact("debt_3_bond.png")), full_page=True)

    # Back: the type level, then the cold start's state
    pg.go_back()
    wait_crumb(pg, "debt-breadcrumb", "专项债务", 2)
    settle(pg)
    assert pg.url == type_url
    assert pg.locator("#list-debt-bonds [role=gridcell][col-id=name]").count() >= 1
    pg.go_back()
    wait_crumb(pg, "debt-breadcrumb", "示范县 · 债务概况", 1)
    settle(pg)
    assert pg.url == start
    assert pg.off_host() == []

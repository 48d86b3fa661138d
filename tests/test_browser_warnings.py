"""预警中心 in a real browser over the `tiny` demo: the level tiles and the
rule selector filter the grid (and the URL); a breach row opens the drill
state of its entity; a coloured execution bar says its level in words.
Expected rows come from the independent oracle (tests/rule_oracle.py)."""
from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest

from data.rules import RULES
from tests.browser import artifact, params_of
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import Rules, read_frames

pytestmark = pytest.mark.browser
CELL = "#warn-grid [role=gridcell][col-id={}]"


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("warn-browser")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    rules = Rules(read_frames(out), DEMO_AS_OF)
    return {(rule, code): lv for rule, hits in rules.all().items() for code, (lv, _v) in hits.items()
            if code not in rules.open_cases.get(rule, set())}


PAGER = "#warn-page .ag-paging-row-summary-panel"


def grid_count(pg) -> int:
    """The row count the grid's pager shows (`1 至 20 / 47`), once the server's
    count has arrived (until then the pager says `更多`)."""
    pg.wait_for_function(
        "sel => /\\/\\s*\\d/.test(document.querySelector(sel)?.innerText || '')",
        arg=PAGER, timeout=15_000)
    text = pg.locator(PAGER).inner_text()
    return int(text.rsplit("/", 1)[-1].strip().replace(",", ""))


def wait_rows(pg) -> None:
    pg.wait_for_selector(CELL.format("rule"), timeout=30_000)
    pg.wait_for_load_state("networkidle")
    pg.wait_for_timeout(300)


def test_filters_and_a_breach_opens_its_drill_state(live_server, page, oracle):
    pg = page
    pg.goto(f"{live_server}/warnings?as_of={DEMO_AS_OF.isoformat()}")
    wait_rows(pg)
    counts = Counter(oracle.values())
    assert grid_count(pg) >= len(oracle)  # open cases may add rows, never remove them
    for level, word in (("red", "严重"), ("yellow", "关注")):
        tile = pg.locator(f"#warn-count-{level}")
        assert word in tile.inner_text() and int(tile.locator(".kpi-figure-value").inner_text()) \
            >= counts[level]
    pg.screenshot(path=str(artifact("warnings_1_all.png")))

    # a level tile filters: the URL carries it and every row says 严重
    pg.locator("#warn-count-red").click()
    pg.wait_for_url(lambda u: params_of(u).get("level") == "red", timeout=15_000)
    wait_rows(pg)
    assert grid_count(pg) == counts["red"]
    levels = pg.locator(CELL.format("level")).all_inner_texts()
    assert levels and set(levels) == {"▲严重"}

    # the rule selector filters too (the URL carries the rule, the level stays)
    pg.locator("#select-warn-rule .url-select").click()
    pg.keyboard.type("EXEC_LAG")
    pg.keyboard.press("Enter")
    pg.wait_for_url(lambda u: params_of(u).get("rule") == "EXEC_LAG", timeout=15_000)
    wait_rows(pg)
    red_lag = sorted(code for (rule, code), lv in oracle.items()
                     if rule == "EXEC_LAG" and lv == "red")
    assert params_of(pg.url)["level"] == "red" and grid_count(pg) == len(red_lag)
    pg.screenshot(path=str(artifact("warnings_2_filtered.png")))

    # a row opens the agency on 预算执行, at the same date, and Back returns
    filtered = pg.url
    pg.locator(CELL.format("entity")).first.click()
    pg.wait_for_url(lambda u: urlsplit(u).path == "/execution", timeout=15_000)
    pg.wait_for_selector("#exec-breadcrumb", timeout=30_000)
    target = params_of(pg.url)
    assert target["agency"] in red_lag and target["as_of"] == DEMO_AS_OF.isoformat()
    crumbs = pg.locator("#exec-breadcrumb li").all_inner_texts()
    assert crumbs[-1].strip().startswith("单位：")
    pg.screenshot(path=str(artifact("warnings_3_opened.png")))
    pg.go_back()
    pg.wait_for_url(filtered, timeout=15_000)
    wait_rows(pg)
    assert grid_count(pg) == len(red_lag)


def test_a_highlighted_bar_says_its_level_in_words(live_server, page, oracle):
    """On 预算执行 by agency, each lagging agency's bar carries `▲严重`/`▲关注`
    in its label, as EXEC_LAG grades it; the caption names the rule."""
    pg = page
    pg.goto(f"{live_server}/execution?by=agency&as_of={DEMO_AS_OF.isoformat()}")
    pg.wait_for_selector("#chart-exec-rate .bars .point path", timeout=30_000)
    labels = pg.locator("#chart-exec-rate .annotation-text").all_text_contents()
    lagging = {code: lv for (rule, code), lv in oracle.items() if rule == "EXEC_LAG"}
    words = Counter("严重" if "▲严重" in t else "关注" for t in labels if "▲" in t)
    assert words == Counter({"red": "严重", "yellow": "关注"}[lv] for lv in lagging.values())
    assert f"{RULES['EXEC_LAG'].name_zh}（EXEC_LAG）" in pg.locator("#chart-exec-rate").text_content()
    pg.screenshot(path=str(artifact("execution_levels_in_words.png")))

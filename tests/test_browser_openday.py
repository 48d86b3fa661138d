"""The open day in Chromium, signed in as a deputy, at 390×844 (a phone) and
1920×1080 (a touch screen), in open-day mode: no horizontal scroll, no
console error, every control of the home a touch target (≥ 44 px), the
filters folded until 筛选, the explanation panel, the glossary's search, the
mode kept across navigation, and a question sent into the problem loop.
Screenshots in test-artifacts/."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from data import schema as s
from tests.conftest import DEMO_AS_OF

VIEWPORTS = {"phone": (390, 844), "screen": (1920, 1080)}
HOME = f"/open?open=1&as_of={DEMO_AS_OF.isoformat()}"

# Visible links, buttons and disclosure buttons of the header and the page, as
# (what, height); the hidden sign-in link and folded filters do not count.
TARGETS = """() => [...document.querySelectorAll(
    '.shell-header a, .shell-header button, #openday-page a, #openday-page button, #openday-page summary')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.id || el.className || el.tagName, el.innerText.trim().slice(0, 20),
                el.getBoundingClientRect().height])"""


def deputy_page(chromium, base: str, size: tuple[int, int]):
    from tests.browser import signed_page

    return signed_page(chromium, base, "deputy-b", viewport=size, has_touch=True)


def no_horizontal_scroll(pg) -> bool:
    return pg.evaluate("() => document.documentElement.scrollWidth"
                       " <= document.documentElement.clientWidth")


@pytest.mark.browser
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_deputy_reads_the_open_day_home_and_the_glossary(chromium, own_server, device):
    from data.db import make_engine
    from tests.browser import artifact, settle

    base, url = own_server
    pg = deputy_page(chromium, base, VIEWPORTS[device])
    pg.goto(base + HOME)
    pg.wait_for_selector("#openday-cards #openday-problem-card", timeout=30_000)
    pg.wait_for_selector("#shell-ask-wrap:not([hidden])", timeout=15_000)
    settle(pg)
    assert pg.locator("#shell.open").count() == 1
    for id_ in ("openday-execution", "openday-revenue", "openday-direct", "openday-debt",
                "openday-warnings"):
        assert pg.locator(f"#{id_} .level-badge, #{id_} .openday-figure").count() >= 1
    assert no_horizontal_scroll(pg)
    targets = pg.evaluate(TARGETS)
    assert len(targets) > 15
    small = [t for t in targets if t[2] < 44]
    assert not small, small
    # the short navigation, and the filters folded until asked for
    nav = pg.locator(".shell-nav .nav-link:visible").all_inner_texts()
    assert [n.strip() for n in nav] == ["总览", "预算执行", "预警中心", "问题闭环", "开放日首页",
                                        "名词解释"]
    assert pg.locator("#shell-filters").is_hidden()
    pg.click("#shell-filter-toggle")
    pg.wait_for_selector("#shell-filters", state="visible", timeout=5_000)
    assert no_horizontal_scroll(pg), pg.evaluate("""() => [...document.querySelectorAll('#shell-filters *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
      .map((e) => [e.className, e.getBoundingClientRect().right]).slice(0, 8)""")
    pg.click("#shell-filter-toggle")
    pg.wait_for_selector("#shell-filters", state="hidden", timeout=5_000)
    # "这是什么？" opens the explanation
    panel = pg.locator("#openday-debt-explain .explain-panel")
    assert panel.is_hidden()
    pg.locator("#openday-debt-explain summary").click()
    assert panel.is_visible()
    assert "为什么重要" in panel.inner_text() and "债务率" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    assert no_horizontal_scroll(pg)
    pg.screenshot(path=str(artifact(f"openday_home_{device}.png")), full_page=True)

    # the glossary, from the navigation, in the same mode
    pg.locator('.shell-nav a[href^="/glossary"]').click()
    pg.wait_for_selector("#glossary-search", timeout=15_000)
    settle(pg)
    assert dict(parse_qsl(urlsplit(pg.url).query)).get("open") == "1"
    everything = pg.locator(".glossary-term:visible").count()
    pg.fill("#glossary-search", "债务")
    pg.wait_for_function("(n) => document.querySelectorAll('.glossary-term').length"
                         " > [...document.querySelectorAll('.glossary-term')]"
                         ".filter((e) => e.offsetParent !== null).length", arg=everything,
                         timeout=5_000)
    shown = pg.locator(".glossary-term:visible").all_inner_texts()
    assert 0 < len(shown) < everything and all("债务" in t for t in shown)
    pg.fill("#glossary-search", "没有这个词")
    pg.wait_for_selector("#glossary-none", state="visible", timeout=5_000)
    pg.fill("#glossary-search", "")
    pg.wait_for_function("(n) => [...document.querySelectorAll('.glossary-term')]"
                         ".filter((e) => e.offsetParent !== null).length === n",
                         arg=everything, timeout=5_000)
    assert no_horizontal_scroll(pg)
    pg.screenshot(path=str(artifact(f"openday_glossary_{device}.png")))

    # a question from the open day, naming the page it was asked on
    pg.click("#shell-ask")
    pg.fill("#shell-ask-title", f"债务率是怎么算的？（{device}）")
    pg.click("#shell-ask-submit")
    pg.wait_for_selector("#shell-ask-link", timeout=15_000)
    pg.screenshot(path=str(artifact(f"openday_question_{device}.png")))
    pid = int(pg.locator("#shell-ask-link").get_attribute("href").rsplit("=", 1)[-1])
    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(s.problem).where(s.problem.c.id == pid)).mappings().one()
    engine.dispose()
    assert row["title"] == f"债务率是怎么算的？（{device}）"
    assert urlsplit(row["source_url"]).path == "/glossary" and "open=1" in row["source_url"]
    assert pg.errors == []
    pg.context.close()

"""监督大屏 in headless Chromium at 1920×1080 and 3840×2160 in kiosk mode:
nothing scrolls, no two panels overlap, none is cut off by the screen, the
map's regions are drawn as SVG paths with their levels written on them, no
console errors and nothing fetched from outside this machine (screenshots in
test-artifacts/); and the kiosk rotation through drill-state URLs."""
from __future__ import annotations

import time

import pytest

from data.query import Scope, map_regions
from tests.browser import artifact, serving
from tests.conftest import DEMO_AS_OF

pytestmark = pytest.mark.browser

PANELS = ".wall-panel, #wall-page > .page-title, #wall-page > .page-caption, .shell-header"
BOXES = """(sel) => [...document.querySelectorAll(sel)].map((e) => {
    const r = e.getBoundingClientRect();
    return {id: e.id || e.className, x: r.left, y: r.top, r: r.right, b: r.bottom}; })"""


def overlap(a, b) -> bool:
    tol = 0.5
    return (min(a["r"], b["r"]) - max(a["x"], b["x"]) > tol
            and min(a["b"], b["b"]) - max(a["y"], b["y"]) > tol)


# The level words on the map, in each language (PRODUCT.md: 正常 / 关注 / 预警 / 严重).
LEVEL_WORDS = {"zh": ("正常", "关注", "预警", "严重", "不评价"),
               "en": ("Normal", "Watch", "Warning", "Severe", "Not evaluated")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_the_wall_fills_one_screen(live_server, browser_store, page, width, height, lang):
    _url, engine = browser_store
    regions = map_regions(engine, Scope(as_of=DEMO_AS_OF))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": height})
    started = time.monotonic()
    page.goto(f"{live_server}/wall?kiosk=1&lang={lang}")
    page.wait_for_function(f"document.querySelectorAll('#wall-map path.choroplethlocation')"
                           f".length === {len(regions.codes)}", timeout=30_000)
    ready = time.monotonic() - started
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifact(f"wall-kiosk-{width}x{height}-{lang}.png")))
    print(f"wall ready at {width}x{height}: {ready:.2f} s")

    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.evaluate(BOXES, PANELS)
    assert len(boxes) == 8  # header, title, caption and five panels
    for box in boxes:
        assert box["x"] >= 0 and box["y"] >= 0 and box["r"] <= width and box["b"] <= height, box
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not overlap(a, b), (a, b)
    tiles = page.evaluate(BOXES, ".wall .kpi")
    assert len(tiles) == 6  # five areas and the problem loop
    # nothing cut off inside a tile: its content fits its box
    assert page.evaluate("[...document.querySelectorAll('.wall .kpi')].filter("
                         "(e) => e.scrollHeight > e.clientHeight + 1).map((e) => e.innerText)") == []
    for i, a in enumerate(tiles):
        for b in tiles[i + 1:]:
            assert not overlap(a, b), (a, b)
    # each region's level is written on the map, in words
    labels = page.evaluate("[...document.querySelectorAll('#wall-map .scattergeo text')]"
                           ".map((e) => e.textContent)")
    assert len(labels) == len(regions.codes)
    assert all(any(w in t for w in LEVEL_WORDS[lang]) for t in labels)
    assert page.locator("#wall-ticker-line").is_visible()
    assert "darkly" in page.locator("#theme-css").get_attribute("href")
    assert errors == []
    assert page.off_host() == []


def test_the_kiosk_rotates_through_drill_states(kiosk_store, chromium, tmp_path):
    with serving(kiosk_store[0], tmp_path / "wall.log", KIOSK_SECONDS="10",
                 KIOSK_PAGES="/wall, /execution?by=dept") as base:
        context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        pg = context.new_page()
        pg.goto(f"{base}/wall?kiosk=1")
        pg.wait_for_selector("#wall-map path.choroplethlocation", timeout=30_000)
        pg.wait_for_url(f"{base}/execution?by=dept&kiosk=1", timeout=25_000)
        pg.wait_for_selector("#exec-page", timeout=30_000)
        pg.wait_for_url(f"{base}/wall?kiosk=1", timeout=25_000)
        pg.wait_for_selector("#wall-map path.choroplethlocation", timeout=30_000)
        assert "darkly" in pg.locator("#theme-css").get_attribute("href")
        context.close()

"""Every page in headless Chromium on a laptop projector (1366×768) and a
phone (390×844), in Chinese and in English: no console errors, no sideways
scrolling, nothing sticking out of the screen or cut off inside its box,
tiles and panels not overlapping, and Chinese drawn with the project's own
font (Noto Sans SC, served from assets/). Checked on element boxes, not
pixels; screenshots go to test-artifacts/ for a person to look at. The wall
has its own screens (test_browser_wall.py)."""
from __future__ import annotations

import pytest

from tests.browser import artifact, settle
from tests.test_browser_wall import BOXES, overlap

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}
PAGES = ["/", "/execution", "/revenue-expenditure", "/direct-funds", "/debt", "/assets",
         "/warnings", "/problems", "/open", "/glossary", "/admin/users", "/admin/audit"]

# Boxes that may not stick out of the viewport: everything in the page and the
# header, except what sits in a scrolling container (grids, wide tables) or is
# deliberately off screen (visually hidden labels, closed menus).
OUTSIDE = """(width) => {
  const clipped = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
          && p !== document.body && p !== document.documentElement) return true; }
    return false; };
  return [...document.querySelectorAll('#_pages_content *, .shell-header *')].filter((e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.position === 'fixed')
      return false;
    if (e.closest('.visually-hidden, .dropdown-menu, .modal')) return false;
    return (r.right > width + 1 || r.left < -1) && !clipped(e);
  }).map((e) => (e.id || e.className || e.tagName) + ' ' + (e.innerText || '').slice(0, 30));
}"""

# Text cut off inside its own box: a text element whose content is wider or
# taller than the box that hides its overflow, unless it shows an ellipsis.
CUT = """() => [...document.querySelectorAll(
    '#_pages_content h1, #_pages_content h2, #_pages_content h3, #_pages_content p,'
    + ' #_pages_content .kpi *, #_pages_content button, #_pages_content a,'
    + ' #_pages_content .nav-link, .shell-header a, .shell-header button')].filter((e) => {
  const s = getComputedStyle(e);
  if (!['hidden', 'clip'].includes(s.overflowX) && !['hidden', 'clip'].includes(s.overflowY))
    return false;
  if (s.textOverflow === 'ellipsis' || e.getBoundingClientRect().width === 0) return false;
  return e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
}).map((e) => (e.id || e.className) + ' ' + (e.innerText || '').slice(0, 30))"""

FONT = """async () => {
  await document.fonts.ready;
  const used = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC'
                                                 && f.status === 'loaded');
  return {loaded: used.length,
          family: getComputedStyle(document.querySelector('.page-title')).fontFamily};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_fits_the_screen(live_server, page_as, viewport, lang):
    width, height = VIEWPORTS[viewport]
    pg = page_as("admin")
    pg.set_viewport_size({"width": width, "height": height})
    problems = []
    for path in PAGES:
        pg.goto(f"{live_server}{path}?lang={lang}")
        pg.wait_for_selector("#_pages_content .page-title", timeout=30_000)
        settle(pg)
        name = path.strip("/").replace("/", "-") or "overview"
        pg.screenshot(path=str(artifact(f"layout-{name}-{viewport}-{lang}.png")), full_page=True)
        if pg.evaluate("document.documentElement.scrollWidth") > width:
            problems.append(f"{path}: the page scrolls sideways")
        problems += [f"{path}: sticks out: {e}" for e in pg.evaluate(OUTSIDE, width)]
        problems += [f"{path}: cut off: {e}" for e in pg.evaluate(CUT)]
        tiles = pg.evaluate(BOXES, "#_pages_content .kpi")
        problems += [f"{path}: tiles overlap: {a['id']} / {b['id']}"
                     for i, a in enumerate(tiles) for b in tiles[i + 1:] if overlap(a, b)]
        font = pg.evaluate(FONT)
        if not font["loaded"] or "Noto Sans SC" not in font["family"]:
            problems.append(f"{path}: Chinese not drawn with Noto Sans SC: {font}")
        assert pg.evaluate("document.documentElement.lang") == ("en" if lang == "en" else "zh-CN")
    assert pg.errors == []
    assert pg.off_host() == []
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang,download", [("zh", "下载图表为PNG格式"),
                                           ("en", "Download plot as a PNG")])
def test_plotlys_own_texts_follow_the_language(live_server, page, lang, download):
    """Plotly's mode bar speaks the page's language: its zh-CN locale is
    served from assets/ (nothing from the network)."""
    page.goto(f"{live_server}/execution?lang={lang}")
    page.wait_for_selector("#_pages_content .modebar-btn", state="attached", timeout=30_000)
    titles = page.evaluate("[...document.querySelectorAll('#_pages_content .modebar-btn')]"
                           ".map((b) => b.getAttribute('data-title'))")
    assert download in titles
    assert page.off_host() == [] and page.errors == []

"""The wall soak: 200 kiosk rotations through drill-state URLs against a
local server (the kiosk profile on, a copy of the browser store), then a new
import, then the server stopped and started again.

- after every rotation the page container holds the next entry's page with
  its caption, nothing says "Traceback", and the console stays free of errors;
- what the browser's JS heap holds (a heap snapshot after a forced garbage
  collection: objects, strings and DOM, not V8's compiled code) and the
  server's RSS at rotation 200 are within 10% of rotation 20 (warm);
- a new data version reloads the page within one status poll;
- a stopped server shows the offline notice (assets/offline.js) and its
  return clears it, with the page still there.

The rotations are driven by the test: each sets the rotate Interval's
`n_intervals` (`dash_clientside.set_props`), which runs the same `rotate`
callback the Interval's timer runs. KIOSK_SECONDS has a floor of 10 s
(components/shell.kiosk_seconds), which would make 200 rotations take over
half an hour; the timer is set far out (KIOSK_SECONDS=3600) so that only the
test rotates. That the timer itself fires is tested in test_browser_wall.py
and test_browser_overview.py. Measurements are printed (pytest -s) and
recorded in docs/wall.md.
"""
from __future__ import annotations

import json
import time

import pytest

from data import accounts
from data.db import bump_data_version, make_engine
from tests.browser import copy_store, free_port, serving_process

pytestmark = pytest.mark.browser

ROTATIONS = 200
WARM = 20
POLL_SECONDS = 2
KIOSK_PAGES = "/wall,/,/execution?by=dept,/warnings?level=red"
# The rotation by hand: each entry's path, its drill parameters and its page's root.
CYCLE = [("/wall", {}, "wall"), ("/", {}, "overview"),
         ("/execution", {"by": "dept"}, "exec"), ("/warnings", {"level": "red"}, "warn")]

SHOWING = """([path, params, root]) => {
    const q = new URLSearchParams(window.location.search);
    if (window.location.pathname !== path || q.get("kiosk") !== "1") return false;
    if (Object.entries(params).some(([k, v]) => q.get(k) !== v)) return false;
    if ([...q.keys()].length !== Object.keys(params).length + 1) return false;
    const page = document.querySelector("#_pages_content #" + root + "-page");
    const caption = page && page.querySelector(".page-caption");
    return !!caption && caption.innerText.trim().length > 0
        && document.getElementById("_pages_content").innerText.trim().length > 0
        && [...page.querySelectorAll(".dash-graph")].every((g) => g.querySelector(".main-svg"));
}"""
ROTATE = """() => {
    window.__rotations = (window.__rotations || 0) + 1;
    window.dash_clientside.set_props("shell-rotate", {n_intervals: window.__rotations});
}"""
OFFLINE = "#shell-offline"
CONSOLE_ERRORS = """window.__consoleErrors = [];
const consoleError = console.error;
console.error = function (...args) {
    window.__consoleErrors.push(args.map(String).join(" "));
    return consoleError.apply(this, args);
};"""


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def js_heap(cdp) -> tuple[int, int]:
    """(V8's used heap, what a heap snapshot holds without compiled code).
    V8's compiled code grows for a long while as functions tier up (it is
    V8's to keep or flush, not something the page holds on to), so the leak
    measure is the snapshot's objects, strings and DOM, after a forced
    garbage collection."""
    # What the inspector keeps for the console (plotly.js logs its warnings
    # with DOM nodes) only exists because a debugger is attached.
    cdp.send("Runtime.discardConsoleEntries")
    cdp.send("HeapProfiler.collectGarbage")
    used = int(cdp.send("Runtime.getHeapUsage")["usedSize"])
    chunks: list[str] = []
    cdp.on("HeapProfiler.addHeapSnapshotChunk", lambda p: chunks.append(p["chunk"]))
    cdp.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": False})
    snap = json.loads("".join(chunks))
    chunks.clear()
    meta = snap["snapshot"]["meta"]
    fields, code = meta["node_fields"], meta["node_types"][0].index("code")
    width, kind, size = len(fields), fields.index("type"), fields.index("self_size")
    nodes = snap["nodes"]
    held = sum(nodes[i + size] for i in range(0, len(nodes), width) if nodes[i + kind] != code)
    return used, held


def growth(before: int, after: int) -> float:
    return (after - before) / before


def test_the_wall_soak(browser_store, chromium, tmp_path):
    url = copy_store(browser_store, tmp_path / "store.db")
    engine = make_engine(url)
    accounts.set_kiosk_profile(engine, True, by="admin-b")
    port = free_port()
    env = {"KIOSK_SECONDS": "3600", "STATUS_POLL_SECONDS": str(POLL_SECONDS),
           "KIOSK_PAGES": KIOSK_PAGES}
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    pg = context.new_page()
    # Console errors are collected in the page: a Playwright console listener
    # would hold every logged argument (DOM nodes) and grow the heap itself.
    context.add_init_script(CONSOLE_ERRORS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    cdp = context.new_cdp_session(pg)
    try:
        with serving_process(url, tmp_path / "soak.log", port=port, **env) as (base, proc):
            pg.goto(f"{base}/wall?kiosk=1")
            pg.wait_for_function(SHOWING, arg=list(CYCLE[0]), timeout=30_000)

            started = time.monotonic()
            for n in range(1, ROTATIONS + 1):
                pg.evaluate(ROTATE)
                pg.wait_for_function(SHOWING, arg=list(CYCLE[n % len(CYCLE)]), timeout=30_000)
                assert "Traceback" not in pg.inner_text("body"), n
                assert errors + pg.evaluate("window.__consoleErrors") == [], n
                if n == WARM:
                    pg.wait_for_load_state("networkidle")
                    warm = js_heap(cdp), rss_kib(proc.pid), time.monotonic()
            pg.wait_for_load_state("networkidle")
            end = js_heap(cdp), rss_kib(proc.pid), time.monotonic()
            per_rotation = (end[2] - warm[2]) / (ROTATIONS - WARM)
            print(f"\nsoak: {ROTATIONS} rotations in {end[2] - started:.0f} s "
                  f"({per_rotation:.2f} s each after warm-up)")
            for what, i in (("used (with compiled code)", 0), ("held (snapshot without code)", 1)):
                print(f"soak: JS heap {what} {warm[0][i] / 2**20:.1f} MiB at rotation {WARM}, "
                      f"{end[0][i] / 2**20:.1f} MiB at {ROTATIONS} "
                      f"({growth(warm[0][i], end[0][i]):+.1%})")
            print(f"soak: server RSS {warm[1] / 1024:.1f} MiB at rotation {WARM}, "
                  f"{end[1] / 1024:.1f} MiB at {ROTATIONS} ({growth(warm[1], end[1]):+.1%})")
            assert growth(warm[1], end[1]) <= 0.10
            assert growth(warm[0][1], end[0][1]) <= 0.10

            # a new import: the page reloads within one poll
            here = list(CYCLE[ROTATIONS % len(CYCLE)])
            pg.evaluate("window.__sameDocument = true")
            with engine.begin() as conn:
                bump_data_version(conn)
            bumped = time.monotonic()
            pg.wait_for_function("window.__sameDocument === undefined",
                                 timeout=(POLL_SECONDS + 10) * 1000, polling=50)
            reloaded = time.monotonic() - bumped
            print(f"soak: reloaded {reloaded:.2f} s after the new data version "
                  f"(poll every {POLL_SECONDS} s)")
            assert reloaded <= POLL_SECONDS + 1.0  # one poll, and the poll's own request
            pg.wait_for_function(SHOWING, arg=here, timeout=30_000)
            assert pg.locator(OFFLINE).count() == 0

        # the server is gone: the notice shows, the last page stays
        pg.wait_for_selector(OFFLINE, state="visible", timeout=(POLL_SECONDS + 5) * 1000)
        assert "暂时无法连接" in pg.inner_text(OFFLINE)
        assert pg.evaluate(SHOWING, here)
        pg.screenshot(path=str(tmp_path / "offline.png"))

        with serving_process(url, tmp_path / "soak-again.log", port=port, **env) as (base, _):
            pg.wait_for_selector(OFFLINE, state="detached", timeout=(POLL_SECONDS + 5) * 1000)
            assert pg.evaluate(SHOWING, here)
            errors.clear()
            pg.evaluate(ROTATE)  # the wall goes on
            pg.wait_for_function(SHOWING, arg=list(CYCLE[(ROTATIONS + 1) % len(CYCLE)]),
                                 timeout=30_000)
            assert errors == []
    finally:
        context.close()
        engine.dispose()

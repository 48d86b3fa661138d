"""Page ready in headless Chromium, for every page of the navigation, at a demo scale.

    .venv/bin/python bench/page_ready.py [--db sqlite:///…] [--repeat 3] [--pages /,/execution]

The app is served as `make run` serves it (gunicorn, 2 processes of 4
threads, one FileSystemCache directory) on a free localhost port, over a
copy of the store made in a temporary directory with SQLite's backup (the
store itself is only read; the copy takes the bench's sign-in account and
its audit entries). A PostgreSQL `--db` is used in place: the bench adds an
account to it. Chromium is the system's (`CHROMIUM`, default
/usr/bin/chromium), signed in once as a staff account; each page is opened
at 1920×1080 with its default state (the store's latest date).

Page ready: the earliest moment T (from the navigation's start) after which,
for 500 ms, all of the following hold:
  - the document has loaded and Dash has rendered the app (no `_dash-loading`);
  - no callback is pending (Dash shows no `_dash-loading-callback`), and the
    page container holds the page;
  - every chart is drawn: each `.js-plotly-plot` has its `.main-svg` and none
    is `.dash-graph--pending`;
  - every web font the page uses has loaded (`document.fonts.status`);
  - no request is in flight;
and T is no earlier than the end of the last response the page received.

Per page, N repeats of three visits:
  cold        the server's cache emptied (the first reader after an import)
              and a fresh browser context (nothing in the HTTP cache);
  new reader  a fresh browser context, the server's cache as the cold visit
              left it (another reader opening the same page);
  warm        the same context opening the page again (the browser's cache
              and the server's both hold it).
It prints the median and max of each, and of the cold visit the number of
callbacks it made, the longest callback's server time (request sent to
first byte), and the bytes that crossed the wire.
"""
from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import NotServing, stop, wait_until_serving  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
STABLE_MS = 500
TIMEOUT_S = 60

# Runs in every document before its own scripts: each animation frame looks
# at the page and keeps since when it has been ready (null while it is not).
READY_WATCH = """
(() => {
  performance.setResourceTimingBufferSize(5000);
  const ready = () => {
    if (document.readyState !== "complete") return false;
    const root = document.getElementById("react-entry-point");
    if (!root || root.querySelector("._dash-loading")) return false;
    if (document.querySelector("._dash-loading-callback")) return false;
    const content = document.getElementById("_pages_content");
    if (!content || !content.firstElementChild) return false;
    if (document.querySelector(".dash-graph--pending")) return false;
    for (const gd of document.querySelectorAll(".js-plotly-plot")) {
      if (!gd.querySelector(".main-svg")) return false;
    }
    return document.fonts.status === "loaded";
  };
  window.__readySince = null;
  const tick = () => {
    if (ready()) {
      if (window.__readySince === null) window.__readySince = performance.now();
    } else {
      window.__readySince = null;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

PROBE = """() => {
  const res = performance.getEntriesByType("resource");
  const calls = res.filter(e => e.name.includes("/_dash-update-component"));
  return {
    since: window.__readySince,
    now: performance.now(),
    lastResponse: Math.max(0, ...res.map(e => e.responseEnd)),
    calls: calls.length,
    slowestCall: Math.max(0, ...calls.map(e => e.responseStart - e.requestStart)),
    bytes: res.reduce((n, e) => n + e.transferSize, 0)
      + performance.getEntriesByType("navigation")[0].transferSize,
    trace: [performance.getEntriesByType("navigation")[0], ...res].map(e => [
      e.startTime, e.responseStart, e.responseEnd, e.transferSize, e.decodedBodySize,
      e.name.replace(location.origin, "")]),
    domReady: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
  };
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_db() -> str:
    return f"sqlite:///{ROOT / 'instance' / 'bench-nanhu.db'}"


def copy_store(url: str, work: Path) -> str:
    """A SQLite store copied (by SQLite's online backup, reading the source
    read-only) into `work`; another URL as it is."""
    if not url.startswith("sqlite:///"):
        return url
    source = url.removeprefix("sqlite:///")
    if not Path(source).is_file():
        sys.exit(f"no store at {source}: make one with bench/query_speed.py (or pass --db)")
    target = work / "store.db"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    return f"sqlite:///{target}"


@contextmanager
def serving(url: str, work: Path, workers: int, threads: int):
    """gunicorn serving `app:server` over `url`, its cache a directory in
    `work`; yields (base URL, cache directory)."""
    port, cache_dir = free_port(), work / "cache"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": os.urandom(16).hex(),
           "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(cache_dir)}
    log = (work / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers),
                             "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
                             "--timeout", "120", "app:server"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_serving(base, proc)
        except NotServing:
            sys.exit(f"the server did not start:\n{(work / 'server.log').read_text()[-2000:]}")
        yield base, cache_dir
    finally:
        stop(proc, timeout=15)
        log.close()


def empty_cache(cache_dir: Path) -> None:
    for entry in cache_dir.iterdir():
        if entry.is_file():
            entry.unlink()


def nav_paths() -> list[str]:
    """The pages of the navigation, in its order (the app's page registry)."""
    import app  # noqa: F401  (registers the pages)
    from components.shell import nav_pages

    return [p["path"] for p in nav_pages()]


class Browser:
    def __init__(self, chromium, base: str):
        self.chromium, self.base = chromium, base
        self.state = None

    def context(self):
        context = self.chromium.new_context(viewport={"width": 1920, "height": 1080},
                                            locale="zh-CN", storage_state=self.state)
        # (No context.route here: routing turns Playwright's HTTP cache off.)
        context.add_init_script(READY_WATCH)
        return context

    def sign_in(self, name: str, password: str) -> None:
        context = self.context()
        pg = context.new_page()
        pg.goto(self.base + "/login")
        pg.fill("#username", name)
        pg.fill("#password", password)
        pg.click("#sign-in-submit")
        pg.wait_for_url(lambda u: "/login" not in u)
        self.state = context.storage_state()
        context.close()


def visit(pg, url: str) -> dict:
    """Open `url` in `pg` and wait until it is ready; its probe, with `ready`
    in ms from the navigation's start."""
    in_flight: set = set()

    def sent(req):
        in_flight.add(req)

    def ended(req):
        in_flight.discard(req)

    pg.on("request", sent)
    pg.on("requestfinished", ended)
    pg.on("requestfailed", ended)
    try:
        pg.goto(url, wait_until="commit")
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            time.sleep(0.05)
            p = pg.evaluate(PROBE)
            if p["since"] is not None and not in_flight:
                start = max(p["since"], p["lastResponse"])
                if p["now"] - start >= STABLE_MS:
                    return {**p, "ready": start}
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not ready after {TIMEOUT_S} s: {p}, "
                                   f"{len(in_flight)} requests in flight")
    finally:
        pg.remove_listener("request", sent)
        pg.remove_listener("requestfinished", ended)
        pg.remove_listener("requestfailed", ended)


def print_trace(kind: str, p: dict) -> None:
    print(f"  {kind}: DOMContentLoaded {p['domReady']:.0f} ms, ready {p['ready']:.0f} ms")
    for start, first_byte, end, wire, size, name in sorted(p["trace"]):
        print(f"  {start:6.0f} {first_byte:6.0f} {end:6.0f} {wire / 1024:7.0f} KiB "
              f"{size / 1024:7.0f} KiB  {name[:100]}")


def account(url: str) -> tuple[str, str]:
    """A new staff account in the store at `url`: (name, password)."""
    import secrets

    from data import accounts
    from data.db import make_engine

    engine = make_engine(url)
    name, password = f"bench-ready-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    accounts.create_user(engine, name, "staff", password)
    engine.dispose()
    return name, password


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", default=default_db(), help="SQLAlchemy URL (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pages", help="comma-separated paths (default: every page of the navigation)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--trace", action="store_true",
                    help="print the requests of each page's first cold, new-reader and warm "
                         "visit: start, first byte and end (ms from the navigation's start), "
                         "bytes on the wire and decoded")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="page-ready-") as tmp:
        work = Path(tmp)
        url = copy_store(args.db, work)
        os.environ["DATABASE_URL"] = url
        paths = [p.strip() for p in args.pages.split(",")] if args.pages else nav_paths()
        name, password = account(url)
        with serving(url, work, args.workers, args.threads) as (base, cache_dir), \
                sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            browser = Browser(chromium, base)
            browser.sign_in(name, password)
            print(f"store: {args.db}  server: gunicorn {args.workers}×{args.threads}  "
                  f"repeats: {args.repeat}")
            print(f"{'page':20s} {'cold med':>9s} {'max':>6s} {'new med':>8s} {'max':>6s} "
                  f"{'warm med':>9s} {'max':>6s} {'calls':>6s} {'slowest':>8s} {'KiB':>6s}")
            for path in paths:
                runs: dict[str, list[float]] = {"cold": [], "new": [], "warm": []}
                first = None
                for _ in range(args.repeat):
                    empty_cache(cache_dir)
                    for kind in ("cold", "new"):
                        context = browser.context()
                        pg = context.new_page()
                        p = visit(pg, base + path)
                        first = first or p
                        visits = [(kind, p)]
                        if kind == "new":
                            visits.append(("warm", visit(pg, base + path)))
                        for k, v in visits:
                            runs[k].append(v["ready"])
                            if args.trace and len(runs[k]) == 1:
                                print_trace(k, v)
                        context.close()
                cols = " ".join(f"{statistics.median(v):7.0f}ms {max(v):4.0f}ms"
                                for v in runs.values())
                print(f"{path:20s} {cols} {first['calls']:6d} {first['slowestCall']:6.0f}ms "
                      f"{first['bytes'] / 1024:6.0f}", flush=True)
            chromium.close()


if __name__ == "__main__":
    main()

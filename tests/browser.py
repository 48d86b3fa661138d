"""Shared browser-test fixtures: the app served on a free localhost port over
a store with data, and a Playwright page in headless Chromium that records
every request (so a test can prove nothing left 127.0.0.1).

conftest.py loads this module as a plugin, so any test can ask for them:

    @pytest.mark.browser
    def test_something(live_server, page):   # `page` is signed in as staff
        page.goto(live_server + "/")

The store holds an account `<role>-b` for each role (password PASSWORD);
`page_as("deputy")` gives a page signed in as one, `page_as(None)` none.
Every page records the console errors and uncaught exceptions in `page.errors`.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlparse, urlsplit

import pytest

from data import accounts
from data.accounts import ROLES
from data.db import make_engine
from tests.sessions import PASSWORD
from tests.serving import NotServing, stop, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_store(sqlite_template, tmp_path_factory):
    """(database URL, engine) of a SQLite store holding the demo region
    (the `tiny` demo when the generator is available, else the hand-made
    overview store)."""
    path = tmp_path_factory.mktemp("browser") / "store.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        from data.demo import load_demo
    except ImportError:
        from tests.overview_fixture import load

        load(engine)
    else:
        from tests.conftest import DEMO_AS_OF

        load_demo(engine, scale="tiny", seed=7, as_of=DEMO_AS_OF,
                  workdir=tmp_path_factory.mktemp("browser-demo"))
    for role in ROLES:
        accounts.create_user(engine, f"{role}-b", role, PASSWORD)
    yield url, engine
    engine.dispose()


def copy_store(browser_store, path: Path) -> str:
    """A copy of the browser store at `path` (for tests that write); its URL."""
    import sqlite3

    source = sqlite3.connect(browser_store[1].url.database)
    with sqlite3.connect(path) as target:
        source.backup(target)
    source.close()
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def kiosk_store(browser_store, tmp_path_factory):
    """(URL, engine) of a copy of the browser store with the kiosk profile
    on: pages open without sign-in, read-only and masked, as on the wall."""
    url = copy_store(browser_store, tmp_path_factory.mktemp("kiosk") / "store.db")
    engine = make_engine(url)
    accounts.set_kiosk_profile(engine, True, by="admin-b")
    yield url, engine
    engine.dispose()


@contextlib.contextmanager
def serving(url: str, log_path: Path, **env: str):
    """`python app.py` on a free port over the store at `url`; yields its base URL."""
    with serving_process(url, log_path, **env) as (base, _proc):
        yield base


@contextlib.contextmanager
def serving_process(url: str, log_path: Path, port: int | None = None, **env: str):
    """As `serving`, on `port` if given (a restart on the same address);
    yields (base URL, the server's process)."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port),
           "SECRET_KEY": "browser-tests-only", **env}
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, proc)
    except NotServing:
        proc.kill()
        log.close()
        raise RuntimeError(f"the app did not start; see {log_path}") from None
    try:
        yield base, proc
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="session")
def live_server(browser_store, tmp_path_factory):
    """Base URL of `python app.py` serving the browser store."""
    with serving(browser_store[0], tmp_path_factory.mktemp("server") / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def own_server(browser_store, tmp_path_factory, request):
    """`python app.py` over a copy of the browser store of the test module's
    own (accounts `<role>-b`), for tests that write: (base URL, store URL)."""
    path = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / "store.db"
    url = copy_store(browser_store, path)
    with serving(url, path.parent / "server.log") as base:
        yield base, url


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(pg, base: str, name: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    pg.goto(base + "/login")
    pg.fill("#username", name)
    pg.fill("#password", password)
    pg.click("#sign-in-submit")
    pg.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="session")
def signed_states(chromium, live_server):
    """role → the browser storage state of that role's signed-in session
    (accounts `<role>-b`), made once per session."""
    states = {}
    for role in ROLES:
        context = chromium.new_context()
        pg = context.new_page()
        sign_in(pg, live_server, f"{role}-b")
        states[role] = context.storage_state()
        context.close()
    return states


@pytest.fixture
def page_as(chromium, signed_states):
    """page_as(role) → a fresh page signed in as `role` (None: not signed in)."""
    contexts = []

    def make(role: str | None = "staff"):
        context = _context(chromium, signed_states[role] if role else None)
        contexts.append(context)
        return _page(context)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_as):
    """A fresh page signed in as staff (1920×1080, zh-CN); `page.requested`
    lists every URL it asked for, `page.off_host()` those that left this machine."""
    return page_as("staff")


def signed_page(chromium, base: str, name: str, **context_options):
    """A fresh page of its own context, signed in through the form as `name`
    (for tests with a server of their own; `page_as` serves the shared one)."""
    pg = _page(_context(chromium, None, **context_options))
    sign_in(pg, base, name)
    return pg


def _context(chromium, storage_state, viewport=(1920, 1080), **options):
    width, height = viewport
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                   storage_state=storage_state, **options)
    # The network is closed: anything not on this machine fails, as on the wall display.
    context.route(lambda url: urlparse(url).hostname not in LOCAL_HOSTS,
                  lambda route: route.abort())
    return context


def _page(context):
    pg = context.new_page()
    pg.requested, pg.errors = [], []
    pg.on("request", lambda req: pg.requested.append(req.url))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.off_host = lambda: [u for u in pg.requested
                           if urlparse(u).scheme in ("http", "https", "ws", "wss")
                           and urlparse(u).hostname not in LOCAL_HOSTS]
    return pg


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


# -- helpers of the drill-down tests -------------------------------------------------------

def params_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def settle(pg) -> None:
    """Wait for the callbacks a click started, and the redraw after them."""
    pg.wait_for_load_state("networkidle")
    pg.wait_for_timeout(300)


def crumb_texts(pg, breadcrumb: str) -> list[str]:
    return [t.strip() for t in pg.locator(f"#{breadcrumb} li").all_inner_texts()]


def wait_crumb(pg, breadcrumb: str, text: str, n: int | None = None) -> None:
    """Until the breadcrumb's last crumb says `text` (and it has `n` crumbs)."""
    pg.wait_for_function(
        "([sel, t, n]) => { const li = [...document.querySelectorAll(sel + ' li')];"
        " return li.length > 0 && (n === null || li.length === n)"
        " && li[li.length - 1].innerText.includes(t); }",
        arg=[f"#{breadcrumb}", text, n], timeout=15_000)


def click_bar(pg, chart: str, index: int) -> None:
    """Click the `index`th bar of a drill chart."""
    bar = pg.locator(f"#chart-{chart} .bars .point path").nth(index)
    bar.scroll_into_view_if_needed()
    # Plotly's drag layer sits above the bars and turns the pointer position
    # into the click; `force` sends the real mouse events at the bar's centre.
    bar.click(force=True)

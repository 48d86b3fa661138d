"""Several server processes (gunicorn, as `make run` serves) sharing one
Redis cache (Debian's redis-server, started here from its binary like the
throwaway PostgreSQL): a page state rendered by one process is in the shared
cache for the others, and a new import shows in every process at once (the
cache is keyed by the data version in the store), with no error."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.page_speed import page_request
from data import accounts
from data.db import make_engine
from data.importer import import_files
from tests.browser import copy_store, free_port
from tests.files.contract import PAYMENT_HEADER, payment, write
from tests.serving import NotServing, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


@pytest.fixture
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _post(base: str, body: dict, csrf: str, cookie: str) -> dict:
    req = urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "X-CSRFToken": csrf, "Cookie": cookie,
                                          "Connection": "close"})
    with urllib.request.urlopen(req, timeout=60) as res:
        assert res.status == 200
        return json.loads(res.read())


def test_processes_share_one_cache_and_see_a_new_import_at_once(browser_store, tmp_path,
                                                                redis_url):
    import redis

    url = copy_store(browser_store, tmp_path / "store.db")
    engine = make_engine(url)
    accounts.set_kiosk_profile(engine, True, by="test")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "processes-test",
           "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url,
           "CACHE_KEY_PREFIX": "budget-test:"}
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
                               "--threads", "2", "--bind", f"127.0.0.1:{port}", "app:server"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_serving(base, server)
        except NotServing:
            pytest.fail((tmp_path / "gunicorn.log").read_text()[-2000:])
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                 text=True).stdout.split()
        assert len(workers) == WORKERS

        with urllib.request.urlopen(base + "/execution", timeout=30) as res:
            cookie = "; ".join(h.split(";", 1)[0] for h in res.headers.get_all("Set-Cookie"))
        csrf = next(c.split("=", 1)[1] for c in cookie.split("; ") if c.startswith("_csrf_token="))
        body = page_request("/execution", {"by": "agency"})
        cache = redis.Redis.from_url(redis_url)
        first = _post(base, body, csrf, cookie)
        keys = cache.keys("budget-test:*")
        assert keys  # the render and its queries went to the shared cache
        # each new connection goes to whichever process takes it: all answer the same
        answers = [_post(base, body, csrf, cookie) for _ in range(8)]
        assert all(a == first for a in answers)
        assert len(cache.keys("budget-test:*")) == len(keys)  # served from it, nothing new

        # a new import: every process shows it at its next request
        folder = tmp_path / "new"
        folder.mkdir()
        agency = _an_agency(engine)
        import_files(engine, [write(folder, "payment.csv", PAYMENT_HEADER, [
            payment("NEW-0001", pay_date="2026-11-19", amount="98765432.10",
                    MOF_DIV_CODE=agency["mof_div"], AGENCY_CODE=agency["code"],
                    PRO_CODE=agency["project"], BGT_ID="NEW-BGT", FISCAL_YEAR="2026")])],
                     evaluate_rules=False)
        after = [_post(base, body, csrf, cookie) for _ in range(6)]
        assert all(a != first for a in after) and all(a == after[0] for a in after)
        assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        engine.dispose()


def _an_agency(engine) -> dict:
    """An agency of the store with one of its projects (for a valid payment)."""
    from sqlalchemy import select

    from data import schema as s

    with engine.connect() as conn:
        row = conn.execute(select(s.project.c.pro_code, s.agency.c.agency_code,
                                  s.agency.c.mof_div_code)
                           .join(s.agency, s.agency.c.agency_code == s.project.c.agency_code)
                           .limit(1)).one()
    return {"project": row.pro_code, "code": row.agency_code, "mof_div": row.mof_div_code}

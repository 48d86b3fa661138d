"""Faults under a running system. An import killed with SIGKILL mid-file and
an import that fills the disk both leave the store exactly as it was (the
second says why in both languages), and the store takes the next import.
PostgreSQL stopped under a running server: the API answers 503 with its
reason, health says so, pages keep their last figures under the stale
banner, and all recovers when it returns, in the same server process."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.db import make_engine
from data.importer import ImportRejected, import_files
from service.store import prepare
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, snapshot, write

ROOT = Path(__file__).resolve().parent.parent


def _store(path: Path, tmp_path: Path):
    url = f"sqlite:///{path}"
    prepare(url)
    engine = make_engine(url)
    import_files(engine, dimension_files(tmp_path))
    return url, engine


def _payments(folder: Path, n: int) -> Path:
    return write(folder, "payment.csv", PAYMENT_HEADER,
                 [payment(f"K{i:08d}", amount=f"{100 + i % 997}.50") for i in range(n)])


def _intact(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _as_before_and_working(db: Path, url: str, before: dict, tmp_path: Path) -> None:
    """The store after a fault: intact, exactly as before, and taking the next import."""
    assert _intact(db)
    engine = make_engine(url)
    assert snapshot(engine) == before
    few = tmp_path / "few"
    few.mkdir()
    import_files(engine, [_payments(few, 10)])
    assert snapshot(engine) != before
    engine.dispose()


def test_an_import_killed_mid_write_leaves_the_store_as_it_was(tmp_path):
    db = tmp_path / "store.db"
    url, engine = _store(db, tmp_path)
    before = snapshot(engine)
    big = _payments(tmp_path, 300_000)
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "import", str(big)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    # Until the import is writing: its transaction's pages reach the WAL.
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 4 << 20:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    engine.dispose()
    _as_before_and_working(db, url, before, tmp_path)


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system (tmpfs): root only, skipped elsewhere."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root): "
                    + done.stderr.decode(errors="replace").strip())
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_refuses_the_import_and_writes_nothing(small_disk, tmp_path):
    db = small_disk / "store.db"
    url, engine = _store(db, tmp_path)
    before = snapshot(engine)
    big = _payments(tmp_path, 60_000)  # far more than the 3 MB hold
    with pytest.raises(ImportRejected) as refused:
        import_files(engine, [big])
    (line,) = refused.value.lines()
    assert "磁盘空间已满" in line and "the disk is full" in line, line
    engine.dispose()
    _as_before_and_working(db, url, before, tmp_path)  # room for a small import


# -- PostgreSQL stopped under a running server ------------------------------------------

@pytest.fixture
def own_cluster():
    """A PostgreSQL of this test's own: it is stopped and started under the app."""
    from tests.pg_cluster import PgCluster, find_pg_bin

    if find_pg_bin() is None:
        pytest.skip("PostgreSQL binaries not installed")
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


class Http:
    """A client of the running server: cookies (the CSRF one), a bearer token."""

    def __init__(self, base: str, token: str):
        import http.cookiejar
        import urllib.request

        self.base, self.token = base, token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, path: str, body: dict | None = None, bearer: bool = False):
        import urllib.error
        import urllib.request

        headers = {"Content-Type": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {self.token}"
        csrf = next((c.value for c in self.jar if c.name == "_csrf_token"), None)
        if body is not None and csrf:
            headers["X-CSRFToken"] = csrf
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as res:
                return res.status, _plain(res.read().decode())
        except urllib.error.HTTPError as err:
            return err.code, _plain(err.read().decode())


def _plain(body: str) -> str:
    """A JSON answer with its Chinese as Chinese (not \\u escapes), to search in."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


def test_postgresql_stopped_and_started_under_a_running_server(own_cluster, tmp_path):
    from bench.page_speed import page_request
    from data import accounts
    from tests.browser import serving_process

    own_cluster.execute("CREATE DATABASE budget")
    url = own_cluster.url("budget")
    prepare(url)
    engine = make_engine(url)
    import_files(engine, dimension_files(tmp_path))
    few = tmp_path / "few"
    few.mkdir()
    import_files(engine, [_payments(few, 40)])
    accounts.set_kiosk_profile(engine, True, by="test")
    accounts.create_user(engine, "fault-api", "staff", "Correct-Horse-9")
    token = accounts.issue_token(engine, "fault-api")
    engine.dispose()
    figures = "/api/v1/execution?by=agency"
    page = page_request("/execution", {"by": "agency"})
    with serving_process(url, tmp_path / "server.log", STATUS_POLL_SECONDS="2") as (base, proc):
        http = Http(base, token)
        http.call("/execution")  # the kiosk profile's page: its CSRF cookie
        status, before = http.call(figures, bearer=True)
        assert status == 200
        status, shown = http.call("/_dash-update-component", page)
        assert status == 200 and "数据库暂时无法连接" not in shown

        own_cluster.halt()
        status, body = http.call("/api/v1/health")
        assert status == 503 and json.loads(body)["database"] == "unavailable"
        status, body = http.call(figures, bearer=True)
        assert status == 503
        assert json.loads(body) == {"error": "数据库暂时无法连接 / database unavailable"}
        status, stale = http.call("/_dash-update-component", page)
        assert status == 200 and "数据库暂时无法连接" in stale  # the stale banner
        assert "Traceback" not in stale

        own_cluster.resume()
        deadline = time.monotonic() + 30
        while http.call("/api/v1/health")[0] != 200:
            assert time.monotonic() < deadline, "the app did not recover"
            time.sleep(0.5)
        assert http.call(figures, bearer=True) == (200, before)
        status, shown = http.call("/_dash-update-component", page)
        assert status == 200 and "数据库暂时无法连接" not in shown
        assert proc.poll() is None  # the same process throughout: no restart

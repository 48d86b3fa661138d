"""The query cache: a value is computed once per data version, an import
(which bumps the version) makes every page recompute, and with a shared
backend a second server process reuses what the first computed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from data.db import bump_data_version
from service import cache

ROOT = Path(__file__).resolve().parent.parent
CALLS = "CACHE_TEST_CALLS"


def counted(engine, x):
    """The cached function: appends a line per real call to $CACHE_TEST_CALLS."""
    with open(os.environ[CALLS], "a") as f:
        f.write(f"{x}\n")
    return x * 2


def calls(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture
def cached_app(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv(CALLS, str(tmp_path / "calls.txt"))
    monkeypatch.setattr(cache, "_cache", None)
    cache.init_cache(Flask(__name__))
    yield tmp_path / "calls.txt"
    cache.clear()


def test_computed_once_per_data_version(cached_app, engine):
    assert [cache.cached_call(counted, 21) for _ in range(3)] == [42, 42, 42]
    assert calls(cached_app) == 1
    assert cache.cached_call(counted, 5) == 10 and calls(cached_app) == 2  # other arguments
    with engine.begin() as conn:
        bump_data_version(conn)
    assert cache.cached_call(counted, 21) == 42 and calls(cached_app) == 3
    assert cache.cached_call(counted, 21) == 42 and calls(cached_app) == 3


def test_a_request_reads_the_version_once(cached_app, engine, monkeypatch):
    """A page asks the cache many times per request (a grid row may): the
    version is read once, and again after a write in the same request."""
    reads = []
    read = cache.data_version
    monkeypatch.setattr(cache, "data_version", lambda e: reads.append(e) or read(e))
    app = Flask(__name__)
    cache.init_cache(app)
    with app.test_request_context():
        assert [cache.cached_call(counted, x) for x in (1, 2, 3, 1)] == [2, 4, 6, 2]
        assert len(reads) == 1 and calls(cached_app) == 3
        with engine.begin() as conn:  # e.g. a threshold change, then the page again
            bump_data_version(conn)
        assert cache.cached_call(counted, 1) == 2 and calls(cached_app) == 4  # the new version
        assert len(reads) == 2
    with app.test_request_context():  # the next request reads it anew
        cache.cached_call(counted, 1)
        assert len(reads) == 3 and calls(cached_app) == 4


def test_an_import_invalidates(cached_app, engine, tmp_path):
    from data.importer import import_files

    cache.cached_call(counted, 1)
    path = tmp_path / "mof_div.csv"
    path.write_text("MOF_DIV_CODE,MOF_DIV_NAME,PARENT_CODE,LEVEL,POPULATION\n"
                    "990000,示范市,,2,1000000\n", encoding="utf-8")
    import_files(engine, [path], username="test")
    cache.cached_call(counted, 1)
    assert calls(cached_app) == 2


def _in_another_process(env: dict[str, str], x: int) -> int:
    code = ("from flask import Flask\n"
            "from service import cache\n"
            "from tests.test_cache import counted\n"
            "cache.init_cache(Flask('probe'))\n"
            f"print(cache.cached_call(counted, {x}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return int(out.stdout.strip())


def test_shared_backend_serves_every_process(db_url, engine, tmp_path):
    counter = tmp_path / "calls.txt"
    env = {**os.environ, "DATABASE_URL": db_url, CALLS: str(counter),
           "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT)}
    assert _in_another_process(env, 7) == 14 and calls(counter) == 1
    assert _in_another_process(env, 7) == 14 and calls(counter) == 1  # the first one's value
    with engine.begin() as conn:
        bump_data_version(conn)
    assert _in_another_process(env, 7) == 14 and calls(counter) == 2
    # the default per-process cache shares nothing
    local = {k: v for k, v in env.items() if k not in ("CACHE_TYPE", "CACHE_DIR")}
    assert _in_another_process(local, 7) == 14 and calls(counter) == 3

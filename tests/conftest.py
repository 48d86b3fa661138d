"""Shared fixtures. Every store-touching test runs on SQLite and PostgreSQL.

- `db_url`: a fresh, migrated, empty store (classification seeded); param
  `sqlite` or `postgresql`.
- `engine`: an Engine on `db_url`.
- `demo_engine`: a session-wide store per backend holding the `tiny` demo
  (read-only for tests: never write to it).
"""
from __future__ import annotations

import itertools
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from data.db import engine_for, make_engine
from service.store import prepare

# Browser fixtures live in one module, loaded once, so the session has a single
# Playwright instance whichever browser tests run.
pytest_plugins = ["tests.browser"]

BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


def pytest_addoption(parser):
    parser.addoption("--backend", action="append", choices=BACKENDS,
                     help="run store tests on these backends only (default: both)")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("backend") or BACKENDS
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def pg_cluster():
    from tests.pg_cluster import PgCluster

    cluster = PgCluster().start()
    # A migrated template makes each fresh database a cheap copy.
    cluster.execute("CREATE DATABASE template_budget")
    prepare(cluster.url("template_budget"))
    # prepare() keeps a pooled connection; a template must have no sessions.
    engine_for(cluster.url("template_budget")).dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    prepare(f"sqlite:///{path}")
    # Closing the pool checkpoints the WAL into the file that tests copy.
    engine_for(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def db_url(request, backend, tmp_path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "store.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    cluster = request.getfixturevalue("pg_cluster")
    name = f"test_{os.getpid()}_{next(_counter)}"
    cluster.execute(f"CREATE DATABASE {name} TEMPLATE template_budget")
    return cluster.url(name)


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


DEMO_AS_OF = date(2026, 11, 20)


@pytest.fixture
def server(engine, db_url, monkeypatch):
    """The app's Flask server on this test's store, its query cache empty (a
    module may define its own, e.g. with data loaded first)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    import app as app_module
    from service import cache

    cache.clear()
    return app_module.server


@pytest.fixture(scope="session")
def demo_engine(request, backend, tmp_path_factory):
    """The `tiny` demo loaded once per backend for the whole session."""
    from data.demo import load_demo

    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        cluster.execute("CREATE DATABASE demo TEMPLATE template_budget")
        url = cluster.url("demo")
    eng = make_engine(url)
    load_demo(eng, scale="tiny", seed=7, as_of=DEMO_AS_OF,
              workdir=tmp_path_factory.mktemp("demo-files"))
    yield eng
    eng.dispose()

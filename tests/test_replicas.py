"""Reading figures from a PostgreSQL hot standby (DATABASE_REPLICA_URL):
two throwaway clusters, a primary and a standby made from its base backup
with streaming replication. Figures come from the standby while it is within
the lag bound; past the bound, or with the standby away, they come from the
primary; writes always go to the primary."""
from __future__ import annotations

import time

import pytest

from data import db
from data.db import make_engine, read_engine
from data.importer import import_files
from service.store import prepare
from tests.api_client import client_on
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, write


@pytest.fixture
def clusters():
    from tests.pg_cluster import PgCluster, find_pg_bin

    if find_pg_bin() is None:
        pytest.skip("PostgreSQL binaries not installed")
    primary = PgCluster().start()
    standby = None
    try:
        primary.execute("CREATE DATABASE budget")
        standby = PgCluster().start_standby_of(primary)
        yield primary, standby
    finally:
        if standby is not None:
            standby.stop()
        primary.stop()


@pytest.fixture(autouse=True)
def _look_again(monkeypatch):
    """Every read looks at the standby afresh (no 5-second trust)."""
    monkeypatch.setattr(db, "REPLICA_CHECK_SECONDS", 0.0)


def _wait_replayed(standby_engine, primary_engine, timeout=30):
    """Until the standby has replayed all the primary has written so far (its
    own lag reads 0 as soon as it has replayed what it received, which may
    not yet be the primary's last commit)."""
    with primary_engine.connect() as conn:
        written = conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar()
    deadline = time.monotonic() + timeout
    while True:
        with standby_engine.connect() as conn:
            if conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn() >= %(lsn)s::pg_lsn",
                                    {"lsn": written}).scalar():
                return
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.1)


def _paid(client) -> float:
    res = client.get("/api/v1/execution", query_string={"by": "mof_div"})
    assert res.status_code == 200, res.get_data(as_text=True)
    return sum(r["paid"] for r in res.get_json()["rows"])


def _pay(engine, folder, cert: str, amount: str) -> None:
    folder.mkdir(exist_ok=True)
    import_files(engine, [write(folder, "payment.csv", PAYMENT_HEADER,
                                [payment(cert, amount=amount)])], evaluate_rules=False)


@pytest.fixture
def store(clusters, tmp_path, monkeypatch):
    """(primary engine, standby URL, an API client): a payment of 1,000 yuan
    on the primary, replayed on the standby."""
    primary, standby = clusters
    url, replica = primary.url("budget"), standby.url("budget")
    prepare(url)
    engine = make_engine(url)
    import_files(engine, dimension_files(tmp_path))
    _pay(engine, tmp_path / "a", "R-1", "1000.00")
    client = client_on(engine, monkeypatch)  # its token is written to the primary
    standby_engine = make_engine(replica)
    _wait_replayed(standby_engine, engine)
    standby_engine.dispose()
    yield engine, replica, client
    engine.dispose()


def test_figures_come_from_the_standby_within_the_lag_bound(clusters, store, tmp_path,
                                                            monkeypatch):
    primary, standby = clusters
    engine, replica, client = store
    standby_engine = make_engine(replica)

    monkeypatch.setenv("DATABASE_REPLICA_URL", replica)
    monkeypatch.setenv("REPLICA_MAX_LAG_SECONDS", "3600")
    assert read_engine().url.port == standby.port
    assert _paid(client) == 1000.0

    # The standby stops replaying; a new payment on the primary is not there yet
    with standby_engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
    _pay(engine, tmp_path / "b", "R-2", "234.00")
    time.sleep(1.5)
    assert _paid(client) == 1000.0  # read from the (lagging) standby, within its bound
    monkeypatch.setenv("REPLICA_MAX_LAG_SECONDS", "1")
    assert read_engine().url.port == primary.port
    assert _paid(client) == 1234.0  # past the bound: from the primary

    with standby_engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
    _wait_replayed(standby_engine, engine)
    assert read_engine().url.port == standby.port
    assert _paid(client) == 1234.0

    # writes go to the primary whatever the standby's state
    res = client.post("/api/v1/problems", json={"title": "副本测试"})
    assert res.status_code == 201, res.get_data(as_text=True)
    standby_engine.dispose()


def test_with_the_standby_away_figures_come_from_the_primary(clusters, store, tmp_path,
                                                             monkeypatch):
    primary, standby = clusters
    engine, replica, client = store
    monkeypatch.setenv("DATABASE_REPLICA_URL", replica)
    assert read_engine().url.port == standby.port
    assert _paid(client) == 1000.0
    standby.halt()
    assert read_engine().url.port == primary.port
    _pay(engine, tmp_path / "b", "R-2", "1.00")
    assert _paid(client) == 1001.0  # no error, from the primary

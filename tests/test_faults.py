"""Faults under a running system, through the scenarios of bench/faults.py
at the `tiny` scale (the bench times them at larger ones; here only the
outcomes count). An import killed with SIGKILL mid-write and an import that
fills the disk both leave the store exactly as it was (the second says why
in both languages), and the store takes the next import. PostgreSQL stopped
under a running server: the API answers 503 with its reason, health says so,
pages keep their last figures under the stale banner, and all recovers when
it returns, in the same server process."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bench import faults
from data import schema
from data.db import make_engine
from tests.files.contract import fresh_payment_aggregate, stored_aggregate

SCALE = faults.FAULT_SCALES["tiny"]


def _after_the_fault(url: str) -> None:
    """The store holds the payments from before plus the next import's, and
    its aggregate agrees with them: none of the interrupted import's rows."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(select(schema.payment.c.pay_cert_id)).scalars().all()
        assert len(ids) == SCALE.store_payments + faults.NEXT_ROWS
        last_before = f"PC2025{SCALE.store_payments - 1:09d}"
        assert conn.execute(select(func.count()).where(
            schema.payment.c.pay_cert_id > last_before,
            schema.payment.c.pay_cert_id < f"PC2025{faults.FIRST['next']:09d}")).scalar() == 0
    assert stored_aggregate(engine) == fresh_payment_aggregate(engine)
    engine.dispose()


def test_an_import_killed_mid_write_leaves_the_store_as_it_was(db_url, tmp_path):
    seen = faults.killed_import(db_url, tmp_path, "tiny")
    assert seen.killed, "the import finished before it could be killed"
    assert seen.integrity == ("ok" if db_url.startswith("sqlite") else None)
    assert seen.unchanged
    assert seen.next_import_taken
    _after_the_fault(db_url)


def test_a_full_disk_refuses_the_import_and_writes_nothing(tmp_path):
    try:
        seen = faults.full_disk(tmp_path, "tiny")
    except faults.Unavailable as why:
        pytest.skip(str(why))
    assert seen.rejected
    (line,) = seen.lines
    assert "磁盘空间已满" in line and "the disk is full" in line, line
    assert seen.integrity == "ok" and seen.unchanged
    assert seen.next_import_taken  # room for a small import


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


def test_postgresql_stopped_and_started_under_a_running_server(own_cluster, tmp_path):
    seen = faults.pg_outage(own_cluster, tmp_path, "tiny")
    status, before = seen.before_api
    assert status == 200 and json.loads(before)["rows"]
    status, shown = seen.before_page
    assert status == 200 and "数据库暂时无法连接" not in shown

    status, body = seen.first_health
    assert status == 503 and json.loads(body)["database"] == "unavailable"
    status, body = seen.down_api
    assert status == 503
    assert json.loads(body) == {"error": "数据库暂时无法连接 / database unavailable"}
    status, stale = seen.down_page
    assert status == 200 and "数据库暂时无法连接" in stale  # the stale banner
    assert "Traceback" not in stale
    paying = [r["name"] for r in json.loads(before)["rows"] if r["paid"]]
    assert paying and all(name in stale for name in paying)  # over the last figures

    assert seen.recover_ms is not None, "the app did not recover"
    assert seen.after_api == (200, before)
    status, shown = seen.after_page
    assert status == 200 and "数据库暂时无法连接" not in shown
    assert seen.same_process  # no restart

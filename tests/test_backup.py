"""`flask db backup` and `db restore` on SQLite: a backup taken while a writer
works is intact and its audit chain holds; a restored store answers the
API's figures as they were when it was backed up, and no cache serves the
figures from before the restore; bad input is refused in Chinese and English
with nothing written; PostgreSQL is sent to pg_dump."""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest
from sqlalchemy import delete, func, select

from data import audit
from data import schema as s
from data.backup import BackupError, backup, restore
from data.db import bump_data_version, make_engine
from tests.api_client import client_on

ASKS = [("execution", {"by": "mof_div", "fund_type": "1"}), ("warnings", {}), ("debt", {}),
        ("execution", {"by": "agency"})]


@pytest.fixture
def store(demo_engine, backend, tmp_path):
    """A copy of the tiny demo of its own (SQLite only: the restore replaces it)."""
    if backend != "sqlite":
        pytest.skip("SQLite's backup; PostgreSQL has pg_dump (test_backup_refuses_postgresql)")
    path = tmp_path / "store.db"
    source = sqlite3.connect(demo_engine.url.database)
    target = sqlite3.connect(path)
    source.backup(target)
    target.close()
    source.close()
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def figures(client) -> list:
    out = []
    for path, params in ASKS:
        res = client.get(f"/api/v1/{path}", query_string=params)
        assert res.status_code == 200, res.get_data(as_text=True)
        out.append(res.get_json())
    return out


def test_a_restored_store_answers_as_it_did(store, tmp_path, monkeypatch):
    client = client_on(store, monkeypatch)
    before = figures(client)
    saved = tmp_path / "saved.db"
    done = backup(store, saved, by="test")
    assert done.path == saved and saved.stat().st_size == done.size
    # the store changes after the backup: payments gone, the version moves on
    with store.begin() as conn:
        conn.execute(delete(s.payment))
        conn.execute(delete(s.agg_payment_month))
        bump_data_version(conn)
    changed = figures(client)
    assert changed != before  # the change shows (so the comparison below can fail)
    restored = restore(store, saved, by="test")
    assert figures(client) == before  # no cached figure from the changed store
    assert restored.data_version > done.data_version
    assert audit.verify(store).ok
    actions = [e["action"] for e in audit.search(store, user="test")[0]]
    assert "restore" in actions and "backup" in actions


def test_a_backup_taken_while_a_writer_works_is_whole(store, tmp_path):
    stop = threading.Event()

    def write():
        while not stop.is_set():
            with store.begin() as conn:
                audit.record(conn, "writer", "setting", "during the backup")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        done = backup(store, tmp_path / "hot.db")
    finally:
        stop.set()
        writer.join()
    copy = make_engine(f"sqlite:///{done.path}")
    try:
        assert audit.verify(copy).ok  # a consistent snapshot: the chain holds to its last entry
        with copy.connect() as conn:
            assert conn.execute(select(func.count()).select_from(s.payment)).scalar() > 0
    finally:
        copy.dispose()


def test_refusals_write_nothing(store, tmp_path):
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"already here")
    with pytest.raises(BackupError) as err:
        backup(store, taken)
    assert taken.read_bytes() == b"already here"
    assert "已存在" in err.value.message and "exists" in err.value.message
    with pytest.raises(BackupError):
        backup(store, tmp_path / "no-such-dir" / "x.db")
    assert not (tmp_path / "no-such-dir").exists()

    with store.connect() as conn:
        payments = conn.execute(select(func.count()).select_from(s.payment)).scalar()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 4096)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    damaged = tmp_path / "damaged.db"
    shutil.copy(store.url.database, damaged)
    with damaged.open("r+b") as f:
        f.seek(4096 * 3)
        f.write(b"\xff" * 4096 * 4)
    future = tmp_path / "future.db"
    shutil.copy(store.url.database, future)
    with sqlite3.connect(future) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    for bad, says in ((junk, "不是 SQLite"), (other, "不是本系统"), (damaged, "损坏"),
                      (future, "不是本程序所知")):
        with pytest.raises(BackupError) as err:
            restore(store, bad)
        assert says in err.value.message and " / " in err.value.message, bad
    with pytest.raises(BackupError):
        restore(store, store.url.database)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.payment)).scalar() == payments


def test_the_cli_backs_up_and_restores(store, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(store.url))
    import app as app_module

    runner = app_module.server.test_cli_runner()
    out = tmp_path / "cli.db"
    res = runner.invoke(args=["db", "backup", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()
    res = runner.invoke(args=["db", "backup", str(out)])
    assert res.exit_code == 1 and "the target exists" in res.output
    res = runner.invoke(args=["db", "restore", str(out)])
    assert res.exit_code == 0, res.output
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    res = runner.invoke(args=["db", "restore", str(junk)])
    assert res.exit_code == 1 and "未恢复" in res.output and "not a SQLite" in res.output


def test_backup_refuses_postgresql(demo_engine, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("the PostgreSQL refusal")
    with pytest.raises(BackupError) as err:
        backup(demo_engine, tmp_path / "pg.db")
    assert "pg_dump" in err.value.message
    assert not (tmp_path / "pg.db").exists()

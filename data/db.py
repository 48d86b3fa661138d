"""Engine creation, schema migration and the data version."""
from __future__ import annotations

import os
import threading
import time
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data.schema import data_state

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'budget.db'}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and pool) per URL per process."""
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(database_url())


# -- a hot standby for reading figures ------------------------------------------

REPLICA_CHECK_SECONDS = 5.0  # how long a process trusts its last look at the standby
_replica = {"checked": float("-inf"), "fit": False}
_replica_lock = threading.Lock()


def replica_url() -> str | None:
    return os.environ.get("DATABASE_REPLICA_URL") or None


def max_lag_seconds() -> float:
    return float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))


def replica_lag(engine: Engine) -> float | None:
    """Seconds the standby's replay is behind (0 when it has replayed all it
    received); None when the server is not a standby, or when the lag cannot
    be told (just started, its receiver not yet streaming: nothing received)."""
    with engine.connect() as conn:
        in_recovery, lag = conn.execute(text(
            "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = "
            "pg_last_wal_replay_lsn() THEN 0 ELSE EXTRACT(EPOCH FROM now() - "
            "pg_last_xact_replay_timestamp()) END")).one()
    return float(lag) if in_recovery and lag is not None else None


def read_engine() -> Engine:
    """Where figures are read: the hot standby of DATABASE_REPLICA_URL while it
    answers and lags at most REPLICA_MAX_LAG_SECONDS (looked at every
    REPLICA_CHECK_SECONDS), else the primary. Writes, and reads that must see
    the reader's own writes (accounts, problems, the audit trail), use
    get_engine()."""
    url = replica_url()
    if url is None:
        return get_engine()
    now = time.monotonic()
    with _replica_lock:
        if now - _replica["checked"] >= REPLICA_CHECK_SECONDS:
            try:
                lag = replica_lag(engine_for(url))
            except SQLAlchemyError:
                lag = None
            _replica.update(checked=now, fit=lag is not None and lag <= max_lag_seconds())
        fit = _replica["fit"]
    return engine_for(url) if fit else get_engine()


def replica_failed() -> None:
    """A read on the standby failed: read from the primary until the next look."""
    with _replica_lock:
        _replica.update(checked=time.monotonic(), fit=False)


def upsert(engine_or_conn, table):
    """The dialect's INSERT that supports ON CONFLICT."""
    return (pg_insert if engine_or_conn.dialect.name == "postgresql" else sqlite_insert)(table)


def _alembic(url: str | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Create or migrate the schema to the newest revision. Seeding the shipped
    classification table is the service layer's step (service.store)."""
    from alembic import command

    command.upgrade(_alembic(url or database_url()), "head")


def schema_revisions() -> set[str]:
    """Every schema revision of the migrations (a store at any of them can be upgraded)."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic()).walk_revisions()}


# -- data version: bumped by every import, part of every cache key --------------

DATA_VERSION = "data_version"


def data_version(conn_or_engine) -> int:
    def read(conn):
        v = conn.execute(select(data_state.c.value).where(data_state.c.key == DATA_VERSION)).scalar()
        return int(v) if v is not None else 0

    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.connect() as conn:
            return read(conn)
    return read(conn_or_engine)


def bump_data_version(conn, past: int = 0) -> int:
    """Increment the data version inside the caller's transaction (to one past
    `past` when that is higher: a restored store's version must be new)."""
    new = max(data_version(conn), past) + 1
    stmt = upsert(conn, data_state).values(key=DATA_VERSION, value=str(new))
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": str(new)}))
    return new

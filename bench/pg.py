"""A PostgreSQL cluster kept for benchmarks in instance/bench-pg, started from
the installed binaries (as the tests' throwaway one) and stopped when the
benchmark process exits. Its data stays, so a province is imported once.

Unlike the tests' cluster it is durable (fsync and full-page writes on), with
the memory settings docs/scaling.md recommends for a 2-core, 24 GB server."""
from __future__ import annotations

import atexit
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from tests.pg_cluster import PgCluster  # noqa: E402

SETTINGS = {
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "30min",
    "max_parallel_workers_per_gather": "2",
    "jit": "off",
}

_cluster: PgCluster | None = None


def cluster_url(database: str) -> str:
    """A SQLAlchemy URL of `database` on the benchmark cluster (started, and
    the database created, when needed)."""
    global _cluster
    if _cluster is None:
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        cluster = PgCluster(ROOT / "instance" / "bench-pg", options)
        if not cluster.running():
            (cluster.resume if (cluster.datadir / "PG_VERSION").exists() else cluster.start)()
            atexit.register(cluster.halt)
        _cluster = cluster
    with psycopg.connect(_cluster.dsn("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    return _cluster.url(database)

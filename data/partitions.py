"""Payments partitioned by fiscal year on PostgreSQL (declarative LIST
partitioning, migration 0005); SQLite keeps one table.

Each fiscal year has its partition `payment_yYYYY`; `payment_default` takes a
year that has none yet. Partitions are made outside the import's transaction
(making one locks the whole table), for the years around today before an
import and, after it, for any year that landed in the default partition,
whose rows then move into their own partition. A partitioned table's primary
key must hold the partition key, so it is (PAY_CERT_ID, FISCAL_YEAR) there;
the importer keeps PAY_CERT_ID unique across years itself (writer.py)."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Connection, Engine, text

from data import search

TABLE = "payment"
KEY = "fiscal_year"
DEFAULT = f"{TABLE}_default"
_NAME = re.compile(rf"{TABLE}_(y\d{{4}}|default)")


def partitioned(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def partition_name(year: int) -> str:
    return f"{TABLE}_y{year:04d}"


def include_name(name: str | None, type_: str, _parents) -> bool:
    """Alembic's filter: what the store holds beside data/schema.py's tables,
    the partitions and the search index (data/search.py), is not compared."""
    if not name:
        return True
    return not ((type_ == "table" and _NAME.fullmatch(name)) or search.is_index_part(name, type_))


def conflict_columns(conn: Connection, table: str, key: list[str]) -> list[str]:
    """The columns of the table's primary key as this store has it."""
    return key + [KEY] if table == TABLE and partitioned(conn) else key


def years_with_partitions(conn: Connection) -> set[int]:
    rows = conn.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = CAST(:parent AS regclass)"), {"parent": TABLE})
    return {int(n[len(TABLE) + 2:]) for (n,) in rows if n != DEFAULT}


def add_partitions(conn: Connection, years) -> list[int]:
    """Make the partitions of `years` that do not exist, moving their rows out
    of the default partition; the caller commits. Returns the years added."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": DEFAULT})
    added = sorted(set(years) - years_with_partitions(conn))
    for year in added:
        name = partition_name(year)
        conn.execute(text(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)"))
        conn.execute(text(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE {KEY} = :y RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM moved"), {"y": year})
        conn.execute(text(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES IN ({year})"))
    return added


def prepare_for_import(engine: Engine, today: date | None = None) -> None:
    """Before an import: partitions for last year, this year and next year."""
    if engine.dialect.name != "postgresql":
        return
    year = (today or date.today()).year
    with engine.begin() as conn:
        add_partitions(conn, range(year - 1, year + 2))


def settle_default(engine: Engine) -> list[int]:
    """After an import: the years that landed in the default partition get
    their own. Returns those years."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.begin() as conn:
        years = conn.execute(text(f"SELECT DISTINCT {KEY} FROM {DEFAULT}")).scalars().all()
        return add_partitions(conn, years)

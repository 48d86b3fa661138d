"""the payment search index (data/search.py)

SQLite: the FTS5 trigram table payment_search over each payment's purpose,
voucher and payee, built from the rows there are and kept in step by
triggers; its vocabulary table. PostgreSQL: the pg_trgm extension and GIN
trigram indexes on the same columns of the partitioned payment table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:00:00.000000
"""
from alembic import op

from data.search import COLUMNS, TABLE, TRIGRAM_INDEXES, VOCAB, indexed


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TRIGGERS = [f"{TABLE}_{event}" for event in ("insert", "delete", "update")]


def _values(row: str) -> str:
    return ", ".join(indexed(f"{row}.{c}") for c in COLUMNS)


def _put(row: str) -> str:
    return (f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
            f"VALUES ({row}.rowid, {_values(row)});")


def _take(row: str) -> str:
    """A contentless table forgets a row when told exactly what it was given."""
    return (f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(COLUMNS)}) "
            f"VALUES ('delete', {row}.rowid, {_values(row)});")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TRIGRAM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON payment USING gin ({column} gin_trgm_ops)")
        return
    op.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)}, content='', "
               "columnsize=0, detail=none, tokenize='trigram case_sensitive 1')")
    op.execute(f"CREATE VIRTUAL TABLE {VOCAB} USING fts5vocab({TABLE}, row)")
    op.execute(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) SELECT rowid, "
               + ", ".join(indexed(c) for c in COLUMNS) + " FROM payment")
    op.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")
    insert, delete, update = TRIGGERS
    op.execute(f"CREATE TRIGGER {insert} AFTER INSERT ON payment BEGIN {_put('new')} END")
    op.execute(f"CREATE TRIGGER {delete} AFTER DELETE ON payment BEGIN {_take('old')} END")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COLUMNS)
    op.execute(f"CREATE TRIGGER {update} AFTER UPDATE OF {', '.join(COLUMNS)} ON payment "
               f"WHEN {changed} BEGIN {_take('old')} {_put('new')} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm stays: other objects of the database may use it.
        for name in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX {name}")
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute(f"DROP TABLE {VOCAB}")
    op.execute(f"DROP TABLE {TABLE}")

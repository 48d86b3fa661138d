"""Payments partitioned by fiscal year on PostgreSQL (data/partitions.py,
migration 0005); on SQLite the same imports keep one table."""
from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import select, text

from data import schema
from data.db import _alembic
from data.importer import import_files
from data.partitions import prepare_for_import
from tests.files.contract import (PAYMENT_HEADER, dimension_files, fresh_payment_aggregate, payment,
                                  stored_aggregate, write)


def payments(engine) -> list[tuple]:
    p = schema.payment
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(p.c.pay_cert_id, p.c.fiscal_year, p.c.amount).order_by(p.c.pay_cert_id))]


def rows_by_partition(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text(
            "SELECT tableoid::regclass::text, count(*) FROM payment GROUP BY 1")).all())


def load(engine, folder, name, rows, dims=True):
    files = [*dimension_files(folder)] if dims else []
    return import_files(engine, [*files, write(folder, name, PAYMENT_HEADER, rows)],
                        evaluate_rules=False)


def test_a_payment_moved_to_another_year_is_kept_once(engine, tmp_path):
    load(engine, tmp_path, "payment_a.csv", [
        payment("PC001", "2024-12-30", "100.00"), payment("PC002", "2025-01-02", "200.00")])
    # PC001 re-delivered: booked to 2025 now, and its amount corrected.
    load(engine, tmp_path, "payment_b.csv", [payment("PC001", "2025-01-03", "150.00")], dims=False)
    assert payments(engine) == [("PC001", 2025, 15000), ("PC002", 2025, 20000)]
    assert stored_aggregate(engine) == fresh_payment_aggregate(engine)


@pytest.fixture
def pg_engine(engine, backend):
    if backend != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    return engine


def test_each_year_has_its_partition(pg_engine, tmp_path):
    # 2011 is far from any year made before an import: it lands in the default
    # partition and is moved to its own after the import.
    load(pg_engine, tmp_path, "payment.csv", [
        payment("PC001", "2011-03-01"), payment("PC002", "2025-09-01"),
        payment("PC003", "2025-10-01")])
    assert rows_by_partition(pg_engine) == {"payment_y2011": 1, "payment_y2025": 2}
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM payment_default")).scalar() == 0
        # A query on one year reads its partition only.
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT sum(amount) FROM payment WHERE fiscal_year = 2025")).scalars())
    assert "payment_y2025" in plan and "payment_y2011" not in plan


def test_partitions_before_an_import_are_made_once(pg_engine):
    prepare_for_import(pg_engine, today=date(2030, 6, 1))
    prepare_for_import(pg_engine, today=date(2030, 6, 1))
    with pg_engine.connect() as conn:
        names = conn.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'payment'::regclass ORDER BY 1")).scalars().all()
    assert {"payment_y2029", "payment_y2030", "payment_y2031", "payment_default"} <= set(names)


def test_migration_keeps_the_rows_both_ways(pg_engine, db_url, tmp_path):
    load(pg_engine, tmp_path, "payment.csv", [
        payment("PC001", "2024-05-01", "1.00"), payment("PC002", "2025-09-01", "2.00")])
    before = payments(pg_engine)
    command.downgrade(_alembic(db_url), "0004")
    assert payments(pg_engine) == before
    with pg_engine.connect() as conn:
        assert conn.execute(text(
            "SELECT relkind FROM pg_class WHERE relname = 'payment'")).scalar() == "r"
    command.upgrade(_alembic(db_url), "head")
    assert payments(pg_engine) == before
    assert rows_by_partition(pg_engine) == {"payment_y2024": 1, "payment_y2025": 1}

"""payments partitioned by fiscal year on PostgreSQL (data/partitions.py)

The table is rebuilt as a LIST-partitioned one with a default partition and
one partition per fiscal year it holds; its primary key becomes
(pay_cert_id, fiscal_year). SQLite is unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from data.partitions import DEFAULT, add_partitions


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

INDEXES = {"ix_payment_agency_code_pay_date": "agency_code, pay_date",
           "ix_payment_bgt_id": "bgt_id", "ix_payment_pay_date": "pay_date",
           "ix_payment_pro_code": "pro_code"}
FOREIGN_KEYS = {"fk_payment_agency_code_agency": ("agency_code", "agency"),
                "fk_payment_mof_div_code_mof_div": ("mof_div_code", "mof_div"),
                "fk_payment_pro_code_project": ("pro_code", "project")}


def _rebuild(partition_by: str, primary_key: str) -> None:
    """The payment table rebuilt with the same columns, constraints' names
    and indexes; `partition_by` empty for a plain table."""
    op.execute("ALTER TABLE payment RENAME TO payment_before")
    op.execute(f"CREATE TABLE payment (LIKE payment_before INCLUDING DEFAULTS) {partition_by}")
    if partition_by:
        op.execute(f"CREATE TABLE {DEFAULT} PARTITION OF payment DEFAULT")
        conn = op.get_bind()
        add_partitions(conn, conn.execute(sa.text(
            "SELECT DISTINCT fiscal_year FROM payment_before")).scalars().all())
    op.execute("INSERT INTO payment SELECT * FROM payment_before")
    op.execute("DROP TABLE payment_before")
    op.execute(f"ALTER TABLE payment ADD CONSTRAINT pk_payment PRIMARY KEY ({primary_key})")
    for name, (column, table) in FOREIGN_KEYS.items():
        op.execute(f"ALTER TABLE payment ADD CONSTRAINT {name} FOREIGN KEY ({column}) "
                   f"REFERENCES {table} ({column}) ON DELETE RESTRICT")
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON payment ({columns})")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rebuild("PARTITION BY LIST (fiscal_year)", "pay_cert_id, fiscal_year")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rebuild("", "pay_cert_id")

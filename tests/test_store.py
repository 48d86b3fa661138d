"""The store: migrations match the table definitions on both backends, and
the bookkeeping helpers behave."""
from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, insert

from data import schema as s
from data.partitions import include_name
from data.db import bump_data_version, data_version
from service.store import prepare
from data.status import data_as_of


def test_migrations_match_schema(engine):
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}), s.metadata)
    assert diff == []
    assert set(s.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrade_is_repeatable(db_url, engine):
    prepare(db_url)
    prepare(db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM classification").scalar() > 50


def test_data_version_bumps_inside_transaction(engine):
    start = data_version(engine)  # the shipped classification import counts as one
    with engine.begin() as conn:
        assert bump_data_version(conn) == start + 1
        assert bump_data_version(conn) == start + 2
    assert data_version(engine) == start + 2
    with engine.connect() as conn:
        bump_data_version(conn)
        conn.rollback()
    assert data_version(engine) == start + 2


def test_data_as_of_prefers_payments(engine):
    assert data_as_of(engine) is None
    with engine.begin() as conn:
        conn.execute(insert(s.mof_div).values(mof_div_code="990121", mof_div_name="示范县", level=3))
        conn.execute(insert(s.revenue).values(
            fiscal_year=2026, period="2026-10", mof_div_code="990121", revenue_code="10101",
            fund_type_code="1", amount=100))
    assert data_as_of(engine) == date(2026, 10, 31)
    with engine.begin() as conn:
        conn.execute(insert(s.agency).values(agency_code="001", agency_name="县财政局",
                                             mof_div_code="990121", dept_code="001"))
        conn.execute(insert(s.payment).values(
            pay_cert_id="P1", fiscal_year=2026, pay_date=date(2026, 9, 3), pay_ym=202609,
            mof_div_code="990121", agency_code="001", exp_func_code="2010601",
            dep_bgt_eco_code="30201", fund_type_code="1", pay_type_code="1", set_mode_code="1",
            payee_acct_name="某公司", amount=100))
    assert data_as_of(engine) == date(2026, 9, 3)

"""The importer's writing thread: what the database refuses becomes an error
of the file, a failure of the store itself fails the import, and either way
nothing is written and no thread is left behind."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from data.importer import ImportFailed, ImportRejected, import_files
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, write


def trigger_on_amount(engine, fen: int, postgres_error: str) -> None:
    """Payments of `fen` are refused by the database itself."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                f"CREATE TRIGGER refuse BEFORE INSERT ON payment WHEN NEW.amount = {fen} "
                "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"))
        else:
            conn.execute(text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.amount = {fen} THEN RAISE EXCEPTION 'refused by a trigger' "
                f"USING ERRCODE = '{postgres_error}'; END IF; RETURN NEW; END $$"))
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON payment "
                              "FOR EACH ROW EXECUTE FUNCTION refuse()"))


def payments_stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM payment")).scalar()


def many_payments(tmp_path, refused_at: int):
    # Several chunks, the refused row in a later one: chunks before it were written.
    rows = [payment(f"PC{i:05d}", "2025-09-01", "13.00" if i == refused_at else "1.00")
            for i in range(1, 1201)]
    return [*dimension_files(tmp_path), write(tmp_path, "payment.csv", PAYMENT_HEADER, rows)]


def test_a_refusal_by_the_database_rejects_the_file(engine, tmp_path):
    trigger_on_amount(engine, 1300, "P0001")
    with pytest.raises(ImportRejected) as info:
        import_files(engine, many_payments(tmp_path, refused_at=1100), chunk_rows=100)
    [issue] = info.value.errors
    assert (issue.file, issue.message_zh, issue.message_en) == (
        "payment.csv", "数据库拒绝写入", "the database refused the rows")
    assert "refused by a trigger" in issue.value
    assert payments_stored(engine) == 0
    assert not [t for t in threading.enumerate() if t.name == "import-writer"]


def test_a_failing_store_fails_the_import(engine, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("SQLite's full disk is tests/test_faults.py's")
    trigger_on_amount(engine, 1300, "disk_full")
    with pytest.raises(ImportFailed) as info:
        import_files(engine, many_payments(tmp_path, refused_at=1100), chunk_rows=100)
    assert "磁盘空间已满" in str(info.value) and "the disk is full" in str(info.value)
    assert payments_stored(engine) == 0
    assert not [t for t in threading.enumerate() if t.name == "import-writer"]

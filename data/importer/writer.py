"""Writing inside the import's transaction: upserts by key, period
replacement, the payment month aggregate and the import log."""
from __future__ import annotations

import queue
import threading
from datetime import date, datetime
from operator import itemgetter

from sqlalchemy import (Boolean, Connection, Date, Integer, Numeric, and_, bindparam, delete, func,
                        insert, or_, select, tuple_)
from sqlalchemy.exc import DBAPIError, OperationalError

from data import partitions, schema
from data.audit import record
from data.importer import datasets as d
from data.importer.errors import FileErrors, FileReport

AGG_DIMENSIONS = ("fiscal_year", "pay_ym", "mof_div_code", "agency_code", "pro_code", "bgt_id",
                  "exp_func_code", "dep_bgt_eco_code", "fund_type_code", "direct_fund_code",
                  "bond_code")


class StoreWriter:
    """Receives valid chunks while files stream and writes them in a thread of
    its own, so the store works on one chunk while the next is checked (at
    most two wait). Stops writing at the first error anywhere (the
    transaction will be rolled back; checking goes on). The checking thread
    must not use the connection between the first write and finish()."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.accepting = True
        self.current_errors: FileErrors | None = None
        self._statements: dict[str, object] = {}
        self._replaced: dict[str, set[tuple]] = {}
        self.payment_slices: set[tuple[int, int]] = set()
        self._jobs: queue.Queue = queue.Queue(maxsize=2)
        self._refused: tuple[FileErrors | None, str] | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.accepting = False

    def write(self, ds: d.Dataset, rows: list[dict]) -> None:
        """Hand a checked chunk over (waits while two are queued)."""
        if self.accepting:
            self._jobs.put((ds, rows, self.current_errors))

    def finish(self) -> None:
        """Wait until every chunk handed over is written. A refusal by the
        database becomes an error of its file; a failure of the store itself
        (OperationalError) is raised here."""
        self._jobs.join()
        if self._failure is not None:
            raise self._failure
        if self._refused is not None:
            errors, reason = self._refused
            if errors is not None:
                errors.add(None, None, "数据库拒绝写入", "the database refused the rows", reason)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if self.accepting:
                    self._write(*job)
            except BaseException as err:  # re-raised in the checking thread by finish()
                self.stop()
                self._failure = err
            finally:
                self._jobs.task_done()
        self._jobs.task_done()

    def _upsert(self, ds: d.Dataset):
        """A function writing a chunk of rows, made once per dataset."""
        upsert = self._statements.get(ds.name)
        if upsert is None:
            make = _copy_upsert if self.conn.dialect.name == "postgresql" else _executemany_upsert
            upsert = self._statements[ds.name] = make(self.conn, ds)
        return upsert

    def _write(self, ds: d.Dataset, rows: list[dict], errors: FileErrors | None) -> None:
        keys = [ds.by_name[k].column for k in ds.key]
        if len({tuple(r[k] for k in keys) for r in rows}) != len(rows):
            # A key repeated inside the chunk: the file will be rejected for it,
            # and ON CONFLICT may not touch a row twice in one statement.
            self.stop()
            return
        try:
            if ds.replace_scope:
                self._replace(ds, rows)
            earlier = self._upsert(ds)(rows)
            if ds.name == "payment":
                self.payment_slices.update((r["fiscal_year"], r["pay_ym"]) for r in rows)
                self.payment_slices.update(earlier)
        except DBAPIError as err:
            if isinstance(err, OperationalError):
                raise
            self.stop()
            self._refused = (errors, str(err.orig).splitlines()[0][:200])

    def _replace(self, ds: d.Dataset, rows: list[dict]) -> None:
        """Delete each (PERIOD, scope) of the file once per import, before its
        first rows are written, so a re-delivered period replaces the old one
        and other scopes of that period stay."""
        scope = [ds.by_name[n].column for n in ds.replace_scope]
        done = self._replaced.setdefault(ds.name, set())
        new = {tuple(r[c] for c in scope) for r in rows} - done
        if not new:
            return
        t = ds.table
        stmt = delete(t).where(and_(*(t.c[c] == bindparam(f"p_{c}") for c in scope)))
        self.conn.execute(stmt, [{f"p_{c}": v for c, v in zip(scope, pair)} for pair in sorted(new)])
        done.update(new)

    def rebuild_payment_aggregate(self) -> None:
        """Recompute the (fiscal_year, pay_ym) slices touched by this import."""
        if not self.payment_slices:
            return
        agg, p = schema.agg_payment_month, schema.payment
        slices = sorted(self.payment_slices)
        self.conn.execute(delete(agg).where(
            tuple_(agg.c.fiscal_year, agg.c.pay_ym).in_(slices)))
        # pay_date ranges let the pay_date index find the rows of each month.
        in_slices = or_(*(
            and_(p.c.fiscal_year == fy, p.c.pay_date >= _month_start(ym),
                 p.c.pay_date < _month_start(ym + (89 if ym % 100 == 12 else 1)))
            for fy, ym in slices))
        dims = [p.c[c] for c in AGG_DIMENSIONS]
        query = (select(*dims, func.sum(p.c.amount), func.count())
                 .where(in_slices).group_by(*dims))
        self.conn.execute(insert(agg).from_select([*AGG_DIMENSIONS, "amount", "n_payments"], query))

    def log(self, username: str | None, started: datetime, files: list[FileReport],
            sources) -> int:
        batch_id = self.conn.execute(insert(schema.import_batch).values(
            username=username, started_at=started, finished_at=datetime.now(),
            status="ok", message=f"{len(files)} files, {sum(f.rows for f in files)} rows",
        )).inserted_primary_key[0]
        self.conn.execute(insert(schema.import_file), [
            {"batch_id": batch_id, "file_name": f.name, "sha256": s.sha256,
             "dataset": f.dataset, "rows": f.rows}
            for f, s in zip(files, sources)])
        record(self.conn, username, "import", f"batch {batch_id}: " + ", ".join(
            f"{f.name} ({f.dataset}, {f.rows} rows)" for f in files))
        return batch_id


def _month_start(ym: int) -> date:
    return date(ym // 100, ym % 100, 1)


def _columns(conn: Connection, ds: d.Dataset):
    quote = conn.dialect.identifier_preparer.quote
    columns = [c.name for c in ds.table.c]
    keys = partitions.conflict_columns(conn, ds.table.name, [ds.by_name[k].column for k in ds.key])
    on_conflict = (f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET "
                   + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in keys))
    return quote, columns, on_conflict


def _executemany_upsert(conn: Connection, ds: d.Dataset):
    """SQLite: the chunk goes by plain driver executemany (the per-row
    parameter processing of a compiled statement cost more than the
    database's own work on large files) into a temporary staging table, then
    one INSERT … SELECT … ON CONFLICT moves it into the table. The search
    index's triggers on payment (data/search.py) then write a chunk's trigrams
    at once: FTS5 writes out what it holds at each statement's savepoint, so a
    statement per row would cost it a segment per row."""
    quote, columns, on_conflict = _columns(conn, ds)
    table, stage = quote(ds.table.name), quote(f"stage_{ds.table.name}")
    column_list = ", ".join(quote(c) for c in columns)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{stage}")
    # untyped columns keep each value as given; the table's types apply on the move
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {stage} ({column_list})")
    fill = f"INSERT INTO temp.{stage} VALUES ({', '.join(['?'] * len(columns))})"
    # WHERE true: without it SQLite would read ON CONFLICT as a join's constraint
    move = (f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM temp.{stage} "
            f"WHERE true {on_conflict}")
    getter = itemgetter(*columns)
    # SQLite stores what SQLAlchemy would: ISO date text, numbers for Numeric, 0/1.
    convert = []
    for i, c in enumerate(ds.table.c):
        if isinstance(c.type, Date):
            convert.append((i, date.isoformat))
        elif isinstance(c.type, Numeric) and not isinstance(c.type, Integer):
            convert.append((i, str))
        elif isinstance(c.type, Boolean):
            convert.append((i, int))

    def params(rows: list[dict]):
        for r in rows:
            values = list(getter(r))
            for i, fn in convert:
                if values[i] is not None:
                    values[i] = fn(values[i])
            yield tuple(values)

    p = schema.payment

    def write(rows: list[dict]) -> list[tuple[int, int]]:
        earlier = []
        if ds.table is p:
            ids = [r["pay_cert_id"] for r in rows]
            earlier = conn.execute(select(p.c.fiscal_year, p.c.pay_ym)
                                   .where(p.c.pay_cert_id.in_(ids)).distinct()).all()
        conn.exec_driver_sql(fill, list(params(rows)))
        conn.exec_driver_sql(move)
        conn.exec_driver_sql(f"DELETE FROM temp.{stage}")
        return earlier

    return write


def _earlier_payments(conn: Connection, rows: list[dict]) -> list[tuple[int, int]]:
    """The (year, month) slices the chunk's payments had in the store; a
    payment now of another year is deleted (the partitioned key holds the
    year, so the upsert would keep both). The payment table fills inside the
    import's transaction with no statistics, and the planner would scan it
    whole; the lookup is by the primary key's index instead."""
    year = {r["pay_cert_id"]: r["fiscal_year"] for r in rows}
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    found = conn.exec_driver_sql(
        "SELECT pay_cert_id, fiscal_year, pay_ym FROM payment WHERE pay_cert_id = ANY(%s)",
        (list(year),)).all()
    conn.exec_driver_sql("SET LOCAL enable_seqscan = on")
    moved = [(cert, fy) for cert, fy, _ in found if fy != year[cert]]
    if moved:
        conn.exec_driver_sql(
            "DELETE FROM payment WHERE (pay_cert_id, fiscal_year) IN "
            "(SELECT * FROM unnest(%s::text[], %s::int[]))",
            ([cert for cert, _ in moved], [fy for _, fy in moved]))
    return list({(fy, ym) for _, fy, ym in found})


def _copy_upsert(conn: Connection, ds: d.Dataset):
    """PostgreSQL: the chunk goes by COPY into a temporary staging table,
    then one INSERT … SELECT … ON CONFLICT moves it into the table. On the
    partitioned payment table the key holds the year, so a payment whose
    year changed is first deleted from its old year."""
    quote, columns, on_conflict = _columns(conn, ds)
    table, stage = quote(ds.table.name), quote(f"stage_{ds.table.name}")
    column_list = ", ".join(quote(c) for c in columns)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) "
                         "ON COMMIT DROP")
    insert_sql = f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {stage} {on_conflict}"
    copy_sql = f"COPY {stage} ({column_list}) FROM STDIN"
    getter = itemgetter(*columns)
    cursor = conn.connection.dbapi_connection.cursor()

    def write(rows: list[dict]) -> list[tuple[int, int]]:
        earlier = _earlier_payments(conn, rows) if ds.table is schema.payment else []
        try:
            with cursor.copy(copy_sql) as copy:
                for r in rows:
                    copy.write_row(getter(r))
        except conn.dialect.loaded_dbapi.Error as err:  # as SQLAlchemy wraps its own calls
            raise DBAPIError.instance(copy_sql, None, err, conn.dialect.loaded_dbapi.Error) from err
        conn.exec_driver_sql(insert_sql)
        conn.exec_driver_sql(f"TRUNCATE {stage}")
        return earlier

    return write

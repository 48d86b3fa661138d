"""One import: every file checked, applied in dependency order, one
transaction, all or nothing."""
from __future__ import annotations

import logging
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Iterable, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from data import partitions
from data.db import bump_data_version
from data.importer.datasets import ORDER
from data.importer.errors import (FileErrors, FileReport, ImportFailed, ImportRejected, ImportReport,
                                  Issue)
from data.importer.readers import FileProblem, Source, open_sources
from data.importer.validate import check_source, load_refs
from data.importer.writer import StoreWriter
from data.rules import run as run_rules

CHUNK_ROWS = 5000
SQLITE_CACHE_KIB = 48 * 1024
SQLITE_AGGREGATE_CACHE_KIB = 8 * 1024

log = logging.getLogger(__name__)


class _Rejected(Exception):
    """Unwinds the transaction; carries the rejection out of it."""


def import_files(engine: Engine, paths: Iterable[str | PathLike], dataset: str | None = None,
                 username: str | None = None, chunk_rows: int = CHUNK_ROWS,
                 evaluate_rules: bool = True) -> ImportReport:
    """Import all files as one transaction. Raises ImportRejected, with every
    error of every file (capped per file), when any file has an error; then
    nothing at all is written. After the commit the warning rules run as of
    the store's data date (skip with evaluate_rules=False, e.g. between the
    batches of a larger load); their failure is reported, never undoes the
    import. When the store itself fails under the import (the disk full, the
    database gone) the transaction is rolled back and ImportFailed, an
    ImportRejected with the reason in both languages, is raised."""
    started = datetime.now()
    sources: list[Source] = []
    file_errors: list[FileErrors] = []
    for path in (Path(p) for p in paths):
        try:
            sources.extend(open_sources(path, dataset))
        except FileProblem as p:
            errs = FileErrors(path.name)
            errs.add(p.line, p.column, p.zh, p.en, p.value)
            file_errors.append(errs)
    rank = {name: i for i, name in enumerate(ORDER)}
    sources.sort(key=lambda s: rank[s.dataset])  # stable: same dataset keeps the given order

    try:
        partitions.prepare_for_import(engine)
        batch_id, version, reports = _write(engine, sources, file_errors, username, started,
                                            chunk_rows)
    except OperationalError as err:
        raise _store_failure(err) from err
    report = ImportReport(batch_id=batch_id, files=reports, data_version=version)
    try:
        partitions.settle_default(engine)
    except SQLAlchemyError:  # committed; rows in the default partition read the same
        log.exception("moving payments out of the default partition after batch %s", batch_id)
    if evaluate_rules:
        evaluate_into(engine, report)
    return report


def _store_failure(err: OperationalError) -> ImportFailed:
    text = str(err.orig)
    if "disk is full" in text or "No space left" in text or "DiskFull" in type(err.orig).__name__:
        return ImportFailed("磁盘空间已满，未写入任何数据", "the disk is full; nothing was written",
                            text.splitlines()[0])
    return ImportFailed("数据库出错，未写入任何数据", "the database failed; nothing was written",
                        text.splitlines()[0] if text else type(err.orig).__name__)


def _write(engine: Engine, sources: list[Source], file_errors: list[FileErrors],
           username: str | None, started: datetime, chunk_rows: int):
    """Check and write every source in one transaction: (batch id, data
    version, file reports), or _Rejected out of it."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        try:
            with conn.begin():
                if sqlite:
                    # Random-order index inserts of a big file thrash the default 2 MB cache.
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                writer = StoreWriter(conn)
                try:
                    if file_errors:
                        writer.stop()
                    refs = load_refs(conn)
                    reports: list[FileReport] = []
                    checked: list[FileErrors] = []
                    for src in sources:
                        errs = FileErrors(src.name)
                        writer.current_errors = errs
                        reports.append(check_source(src, refs, errs, writer, chunk_rows))
                        checked.append(errs)
                        if errs:
                            writer.stop()
                    writer.finish()
                finally:
                    writer.close()
                file_errors.extend(errs for errs in checked if errs)
                if file_errors or not writer.accepting:
                    raise _Rejected()
                if sqlite:
                    # The GROUP BY's sorter is bounded by the cache size: keep the peak low.
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_AGGREGATE_CACHE_KIB}")
                writer.rebuild_payment_aggregate()
                version = bump_data_version(conn)
                batch_id = writer.log(username, started, reports, sources)
        except _Rejected:
            raise _rejection(file_errors) from None
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size = -2000")
                conn.commit()
    return batch_id, version, reports


def evaluate_into(engine: Engine, report: ImportReport, earlier: Sequence[date] = ()) -> None:
    """Run the rules after a committed import, as of the `earlier` dates in
    order and then the data date, into the report; a failure is reported and
    never undoes the import."""
    try:
        for day in earlier:
            run_rules(engine, day)
        report.rules = run_rules(engine)
    except Exception as err:  # the import is committed; a rule failure must not look like its failure
        log.exception("rule evaluation failed after import batch %s", report.batch_id)
        report.rules_error = f"{type(err).__name__}: {err}"


def _rejection(file_errors: list[FileErrors]) -> ImportRejected:
    errors: list[Issue] = []
    suppressed: dict[str, int] = {}
    for errs in file_errors:
        errors.extend(errs.listed)
        if errs.suppressed:
            suppressed[errs.name] = errs.suppressed
    return ImportRejected(errors, suppressed)


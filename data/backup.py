"""Backup and restore of a SQLite store, consistent while the app serves.

`backup` copies the store with SQLite's online backup API (a consistent
snapshot even while pages read and an import writes), into a temporary file
beside the target that is checked (`PRAGMA integrity_check`) and only then
renamed to the target: a failed or interrupted backup leaves no file.

`restore` checks the file first (a SQLite store of this application, intact,
at a schema revision this version knows) and then copies it into the live
store with the same API, so serving processes see the restored data on their
next query. The data version moves past both stores' versions, so no cache
serves a figure from before, and the schema is migrated if the backup is
older. Both write an audit entry (a restore's into the restored trail).

PostgreSQL is backed up with its own tools (pg_dump / pg_restore,
docs/backup.md); these functions refuse it with that advice."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from data.audit import record
from data.db import DATA_VERSION, bump_data_version, data_version, schema_revisions, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
PAGES_PER_STEP = 1024  # copy in steps, so writers are not held up for the whole copy


class BackupError(RuntimeError):
    """Refused or failed; `message` is Chinese / English; nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Copied:
    path: Path
    size: int
    data_version: int


def _sqlite_path(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupError("PostgreSQL 请用 pg_dump / pg_restore 备份和恢复（见 docs/backup.md） / "
                          "back PostgreSQL up with pg_dump and pg_restore (docs/backup.md)")
    return Path(engine.url.database)


def _check(path: Path) -> tuple[str, int]:
    """(schema revision, data version) of an intact store of this
    application at `path`."""
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as err:
        raise BackupError(f"无法读取备份文件 / cannot read the backup: {err}") from err
    if header != SQLITE_HEADER:
        raise BackupError("不是 SQLite 数据库文件 / not a SQLite database file: "
                          f"{path.name}")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"备份文件已损坏 / the backup is damaged: {ok}")
        try:
            (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            version = conn.execute("SELECT value FROM data_state WHERE key = ?",
                                   (DATA_VERSION,)).fetchone()
        except (sqlite3.DatabaseError, TypeError) as err:
            raise BackupError("不是本系统的数据库备份 / not a backup of this application's "
                              "store") from err
    except sqlite3.DatabaseError as err:
        raise BackupError(f"备份文件已损坏 / the backup is damaged: {err}") from err
    finally:
        conn.close()
    return revision, int(version[0]) if version else 0


def backup(engine: Engine, target: Path, by: str | None = None) -> Copied:
    source = _sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"目标文件已存在，不覆盖 / the target exists, not overwritten: {target}")
    if not target.parent.is_dir():
        raise BackupError(f"目标目录不存在 / no such directory: {target.parent}")
    with engine.begin() as conn:
        record(conn, by, "backup", str(target))
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
        finally:
            dst.close()
            src.close()
        _revision, version = _check(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error, BackupError) as err:
        partial.unlink(missing_ok=True)
        message = getattr(err, "message", str(err))
        raise BackupError(f"备份失败，未留下文件 / backup failed, no file left: {message}") from err
    return Copied(target, target.stat().st_size, version)


def restore(engine: Engine, source: Path, by: str | None = None) -> Copied:
    live = _sqlite_path(engine)
    source = Path(source)
    revision, restored = _check(source)
    if revision not in schema_revisions():
        raise BackupError(f"备份的数据库结构版本 {revision} 不是本程序所知的版本 / the backup's "
                          f"schema revision {revision} is unknown to this version")
    if source.resolve() == live.resolve():
        raise BackupError("不能用数据库自身恢复 / cannot restore a store from itself")
    with engine.connect() as conn:
        before = data_version(conn)
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=30)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
    except sqlite3.Error as err:
        raise BackupError(f"恢复失败 / restore failed: {err}") from err
    finally:
        dst.close()
        src.close()
    engine.dispose()  # no pooled connection keeps a page of the old store
    upgrade(str(engine.url))
    with engine.begin() as conn:
        # Past both stores' versions: a cache keyed by version never serves old figures.
        version = bump_data_version(conn, max(before, restored))
        record(conn, by, "restore", str(source))
    return Copied(live, live.stat().st_size, version)

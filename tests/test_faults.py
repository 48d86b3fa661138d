"""Faults under a running system: an import killed with SIGKILL mid-file and
an import that fills the disk both leave the store exactly as it was, say
why in both languages (the second), and the store takes the next import."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.db import make_engine
from data.importer import ImportRejected, import_files
from service.store import prepare
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, snapshot, write

ROOT = Path(__file__).resolve().parent.parent


def _store(path: Path, tmp_path: Path):
    url = f"sqlite:///{path}"
    prepare(url)
    engine = make_engine(url)
    import_files(engine, dimension_files(tmp_path))
    return url, engine


def _payments(folder: Path, n: int) -> Path:
    return write(folder, "payment.csv", PAYMENT_HEADER,
                 [payment(f"K{i:08d}", amount=f"{100 + i % 997}.50") for i in range(n)])


def _intact(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_import_killed_mid_write_leaves_the_store_as_it_was(tmp_path):
    db = tmp_path / "store.db"
    url, engine = _store(db, tmp_path)
    before = snapshot(engine)
    big = _payments(tmp_path, 300_000)
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "import", str(big)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    # Until the import is writing: its transaction's pages reach the WAL.
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 4 << 20:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    engine.dispose()
    assert _intact(db)
    engine = make_engine(url)
    assert snapshot(engine) == before
    few = tmp_path / "few"
    few.mkdir()
    import_files(engine, [_payments(few, 10)])  # and the store takes the next import
    assert snapshot(engine) != before


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system (tmpfs): root only, skipped elsewhere."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root): "
                    + done.stderr.decode(errors="replace").strip())
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_refuses_the_import_and_writes_nothing(small_disk, tmp_path):
    db = small_disk / "store.db"
    url, engine = _store(db, tmp_path)
    before = snapshot(engine)
    big = _payments(tmp_path, 60_000)  # far more than the 3 MB hold
    with pytest.raises(ImportRejected) as refused:
        import_files(engine, [big])
    (line,) = refused.value.lines()
    assert "磁盘空间已满" in line and "the disk is full" in line, line
    engine.dispose()
    assert _intact(db)
    engine = make_engine(url)
    assert snapshot(engine) == before
    small = tmp_path / "few"
    small.mkdir()
    import_files(engine, [_payments(small, 10)])  # room for a small one: the store still works
    assert snapshot(engine) != before
    engine.dispose()

"""Faults under a running system: each scenario runs at a scale and returns
what it saw; tests/test_faults.py runs the same functions at `tiny` and
asserts the outcomes, this script times them at larger scales.

    .venv/bin/python bench/faults.py [--scale nanhu] [--engine sqlite|postgresql]
                                     [--only killed_import,full_disk,pg_outage]
                                     [--workdir DIR] [--json PATH]

- killed_import: `flask import` of a large payment file killed with SIGKILL
  while it writes. Seen: how long the store takes to answer again (SQLite
  rolls its WAL back on the next open; PostgreSQL ends the orphaned
  session), whether it is intact and exactly as before, and whether it
  takes the next import.
- full_disk (SQLite, root: it mounts a tmpfs): the store copied onto a file
  system with DISK_HEADROOM_MB free, then an import far larger. Seen: the
  time to the refusal, its reason (both languages), the store as before and
  taking a small import.
- pg_outage (PostgreSQL): `python app.py` serving a store whose PostgreSQL is
  stopped, then started again. Seen: the time from the stop to /health
  answering 503, the API's 503 and its reason, the page keeping its figures
  under the stale banner, the time from the start to /health answering 200,
  the figures as before, the same server process throughout.

Each scenario builds its own store from generated files (FAULT_SCALES: the
payments in it, the rows of the import that meets the fault). On PostgreSQL
this script starts a throwaway cluster of its own (it is stopped under the
app): never the benchmarks' shared one. Everything listens on loopback and
every wait is bounded. With --json PATH the times are also added to a
results file (bench/results.py).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, make_url, select, text  # noqa: E402

from bench.import_payments import generate  # noqa: E402
from bench.results import Recorder  # noqa: E402
from bench.store import add_json_arg  # noqa: E402
from tests.serving import NotServing, stop, wait_until_serving  # noqa: E402
from data import schema  # noqa: E402
from data.db import make_engine  # noqa: E402
from data.importer import ImportRejected, import_files  # noqa: E402
from service.store import prepare  # noqa: E402


@dataclass(frozen=True)
class FaultScale:
    store_payments: int  # in the store before the fault
    import_rows: int     # the import killed while it writes
    full_rows: int       # the import that meets the full disk


FAULT_SCALES = {
    "tiny": FaultScale(40, 300_000, 60_000),
    "small": FaultScale(100_000, 600_000, 120_000),
    "nanhu": FaultScale(1_500_000, 2_000_000, 400_000),
    "province": FaultScale(4_000_000, 4_000_000, 800_000),
}
NEXT_ROWS = 10            # the import after the fault
DISK_HEADROOM_MB = 2      # free space on the small file system besides the store
WAL_WRITING = 4 << 20     # SQLite: the import is writing once its WAL holds this much
STALE_BANNER = "数据库暂时无法连接"
# First payment number of each generated file, so that no two share a PAY_CERT_ID.
FIRST = {"store": 0, "killed": 100_000_000, "full": 200_000_000, "next": 300_000_000}


class Unavailable(Exception):
    """The scenario cannot run here (not root, no PostgreSQL binaries)."""


def _payment_files(workdir: Path, name: str, rows: int) -> list[Path]:
    """The dimension files and a payment file of `rows` (generated once per
    work folder)."""
    folder = workdir / f"{name}-{rows}"
    done = folder / "done"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, rows, first=FIRST[name])
        done.touch()
    return [folder / n for n in ("mof_div.csv", "agency.csv", "project.csv", "payment_2025.csv")]


def seed_store(url: str, workdir: Path, scale: str) -> Engine:
    """The store at `url` migrated and holding the scale's payments."""
    prepare(url)
    engine = make_engine(url)
    import_files(engine, _payment_files(workdir, "store", FAULT_SCALES[scale].store_payments),
                 username="bench")
    return engine


def digest(engine: Engine) -> str:
    """A hash of every row of every table, in key order: equal digests, equal stores."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            h.update(f"\0{table.name}\0".encode())
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(select(table).order_by(*order)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def integrity(engine: Engine) -> str | None:
    """SQLite's integrity check ("ok" when sound); None on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalar()


def payment_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.payment)).scalar()


def next_import(engine: Engine, workdir: Path) -> tuple[float, bool]:
    """(ms, taken): a small import after the fault, taken when it adds its rows."""
    *_dims, small = _payment_files(workdir, "next", NEXT_ROWS)
    before = payment_count(engine)
    t0 = time.perf_counter()
    import_files(engine, [small], username="bench")
    ms = (time.perf_counter() - t0) * 1000
    return ms, payment_count(engine) == before + NEXT_ROWS


# -- an import killed while it writes -------------------------------------------------

@dataclass
class KilledImport:
    engine: str
    store_payments: int
    file_rows: int
    killed: bool             # SIGKILL came while the import was writing
    killed_after_ms: float   # from the import's start to the kill
    recover_ms: float        # the kill to the store answering (PostgreSQL: the session gone)
    integrity: str | None    # SQLite's integrity check after the fault
    unchanged: bool          # every table exactly as before the import
    next_import_ms: float
    next_import_taken: bool


def _writing_probe(engine: Engine, url: str):
    """A function answering, while the import runs, whether it is writing:
    on SQLite its WAL has grown past WAL_WRITING; on PostgreSQL a session of
    another process holds a transaction that has written and is at the
    payments (its pid is returned, to wait for it to end after the kill)."""
    if engine.dialect.name == "sqlite":
        wal = Path(f"{make_url(url).database}-wal")
        return lambda: wal.exists() and wal.stat().st_size > WAL_WRITING
    sql = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
               "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
               "AND query ILIKE '%payment%' LIMIT 1")

    def probe():
        with engine.connect() as conn:
            return conn.execute(sql).scalar()
    return probe


def _answering(engine: Engine, pid: int | None) -> bool:
    """Does the store answer (and is the PostgreSQL session `pid` gone)?"""
    try:
        with engine.connect() as conn:
            conn.execute(select(func.count()).select_from(schema.payment)).scalar()
            return pid is None or not conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}).scalar()
    except Exception:  # noqa: BLE001 - any failure here means "not yet"
        return False


def killed_import(url: str, workdir: Path, scale: str) -> KilledImport:
    """Kill -9 an import of the scale's large file while it writes into the
    store at `url` (a migrated store, filled here)."""
    sc = FAULT_SCALES[scale]
    workdir.mkdir(parents=True, exist_ok=True)
    engine = seed_store(url, workdir, scale)
    before = digest(engine)
    *_dims, big = _payment_files(workdir, "killed", sc.import_rows)
    writing = _writing_probe(engine, url)
    env = {**os.environ, "DATABASE_URL": url}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "import", str(big)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120 + sc.import_rows / 10_000
    session = None
    try:
        while proc.poll() is None and time.monotonic() < deadline and not session:
            session = writing()
            if not session:
                time.sleep(0.05)
        killed = bool(session) and proc.poll() is None
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        t_kill = time.perf_counter()
        proc.wait()
    pid = session if engine.dialect.name == "postgresql" else None
    engine.dispose()
    engine = make_engine(url)
    give_up = time.monotonic() + 60
    while not _answering(engine, pid) and time.monotonic() < give_up:
        time.sleep(0.02)
    recover_ms = (time.perf_counter() - t_kill) * 1000
    sound = integrity(engine)
    unchanged = digest(engine) == before
    next_ms, taken = next_import(engine, workdir)
    engine.dispose()
    return KilledImport(engine.dialect.name, sc.store_payments, sc.import_rows, killed,
                        (t_kill - t0) * 1000, recover_ms, sound, unchanged, next_ms, taken)


# -- a full disk ---------------------------------------------------------------------

@contextlib.contextmanager
def small_disk(mount: Path, megabytes: int):
    """A tmpfs of `megabytes` mounted at `mount` (root only: else Unavailable)."""
    mount.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                           str(mount)], capture_output=True)
    if done.returncode != 0:
        raise Unavailable("cannot mount a small file system here (needs root): "
                          + done.stderr.decode(errors="replace").strip())
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@dataclass
class FullDisk:
    store_payments: int
    file_rows: int
    disk_mb: int
    rejected: bool           # the import raised ImportRejected
    lines: list[str]         # its reason, as the CLI prints it
    reject_ms: float         # from the import's start to the refusal
    integrity: str | None
    unchanged: bool
    next_import_ms: float
    next_import_taken: bool  # a small import fits in what is left


def _sqlite_remove(path: Path) -> None:
    """A SQLite store left in a work folder by an earlier run, gone."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _sqlite_bytes(path: Path) -> int:
    """The size of the SQLite database at `path`, its WAL's pages included."""
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA page_count").fetchone()[0]
                * conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy by SQLite's backup API (a store still open elsewhere
    keeps recent pages in its WAL, which copying the file would miss)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def full_disk(workdir: Path, scale: str) -> FullDisk:
    """An import into a SQLite store on a file system with too little room."""
    sc = FAULT_SCALES[scale]
    workdir.mkdir(parents=True, exist_ok=True)
    seeded = workdir / "seeded.db"
    _sqlite_remove(seeded)
    seed_store(f"sqlite:///{seeded}", workdir, scale).dispose()
    *_dims, big = _payment_files(workdir, "full", sc.full_rows)
    disk_mb = math.ceil(_sqlite_bytes(seeded) / 2**20) + DISK_HEADROOM_MB
    with small_disk(workdir / "small", disk_mb) as mount:
        db = mount / "store.db"
        _sqlite_copy(seeded, db)
        url = f"sqlite:///{db}"
        engine = make_engine(url)
        before = digest(engine)
        lines, rejected = [], False
        t0 = time.perf_counter()
        try:
            import_files(engine, [big], username="bench")
        except ImportRejected as refused:
            rejected, lines = True, refused.lines()
        reject_ms = (time.perf_counter() - t0) * 1000
        engine.dispose()
        engine = make_engine(url)
        sound, unchanged = integrity(engine), digest(engine) == before
        next_ms, taken = next_import(engine, workdir)
        engine.dispose()
    return FullDisk(sc.store_payments, sc.full_rows, disk_mb, rejected, lines, reject_ms,
                    sound, unchanged, next_ms, taken)


# -- PostgreSQL stopped and started under a running server -----------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(url: str, log_path: Path, **env: str):
    """`python app.py` on `url`, on a free loopback port: (base URL, process)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port),
           "SECRET_KEY": secrets.token_hex(16), **env}
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_serving(base, proc)
            except NotServing:
                raise RuntimeError(f"the app did not start; see {log_path}") from None
            yield base, proc
        finally:
            stop(proc)


class Http:
    """A client of the running server: cookies (the CSRF one), a bearer token."""

    def __init__(self, base: str, token: str):
        import http.cookiejar

        self.base, self.token = base, token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, path: str, body: dict | None = None, bearer: bool = False) -> tuple[int, str]:
        headers = {"Content-Type": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {self.token}"
        csrf = next((c.value for c in self.jar if c.name == "_csrf_token"), None)
        if body is not None and csrf:
            headers["X-CSRFToken"] = csrf
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as res:
                return res.status, _plain(res.read().decode())
        except urllib.error.HTTPError as err:
            return err.code, _plain(err.read().decode())


def _plain(body: str) -> str:
    """A JSON answer with its Chinese as Chinese (not \\u escapes), to search in."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


FIGURES = "/api/v1/execution?by=agency"
DETECT_S = RECOVER_S = 30


@dataclass
class Outage:
    store_payments: int
    before_api: tuple[int, str]    # (status, body) of FIGURES before the stop
    before_page: tuple[int, str]   # the 预算执行 page callback before the stop
    stop_ms: float                 # `pg_ctl stop -m fast`
    first_health: tuple[int, str]  # the first /health answer after the stop
    detect_ms: float | None        # the stop to /health answering 503; None: not in DETECT_S
    down_api: tuple[int, str]
    down_page: tuple[int, str]
    start_ms: float                # `pg_ctl start`, until it takes connections
    recover_ms: float | None       # the start to /health answering 200; None: not in RECOVER_S
    after_api: tuple[int, str]
    after_page: tuple[int, str]
    same_process: bool             # the server process never restarted


def _until(fn, status: int, seconds: float, since: float) -> float | None:
    """ms from `since` until fn() answers `status`, polling; None after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if fn()[0] == status:
            return (time.perf_counter() - since) * 1000
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def pg_outage(cluster, workdir: Path, scale: str, database: str = "budget") -> Outage:
    """Stop and start the PostgreSQL of `cluster` (tests/pg_cluster.PgCluster:
    url(), execute(), halt(), resume()) under `python app.py` serving a store
    created in it."""
    from bench.page_speed import page_request
    from data import accounts

    workdir.mkdir(parents=True, exist_ok=True)
    cluster.execute(f"CREATE DATABASE {database}")
    url = cluster.url(database)
    engine = seed_store(url, workdir, scale)
    accounts.set_kiosk_profile(engine, True, by="bench")
    accounts.create_user(engine, "fault-api", "staff")
    token = accounts.issue_token(engine, "fault-api")
    engine.dispose()
    page = page_request("/execution", {"by": "agency"})
    with serving(url, workdir / "server.log", STATUS_POLL_SECONDS="2") as (base, proc):
        http = Http(base, token)
        http.call("/execution")  # the kiosk profile's page: its CSRF cookie
        before_api = http.call(FIGURES, bearer=True)
        before_page = http.call("/_dash-update-component", page)

        t0 = time.perf_counter()
        cluster.halt()
        stopped = time.perf_counter()
        first_health = http.call("/api/v1/health")
        detect_ms = ((time.perf_counter() - stopped) * 1000 if first_health[0] == 503 else
                     _until(lambda: http.call("/api/v1/health"), 503, DETECT_S, stopped))
        down_api = http.call(FIGURES, bearer=True)
        down_page = http.call("/_dash-update-component", page)

        t1 = time.perf_counter()
        cluster.resume()
        started = time.perf_counter()
        recover_ms = _until(lambda: http.call("/api/v1/health"), 200, RECOVER_S, started)
        after_api = http.call(FIGURES, bearer=True)
        after_page = http.call("/_dash-update-component", page)
        same = proc.poll() is None
    return Outage(FAULT_SCALES[scale].store_payments, before_api, before_page,
                  (stopped - t0) * 1000, first_health, detect_ms, down_api, down_page,
                  (started - t1) * 1000, recover_ms, after_api, after_page, same)


# -- the command line ---------------------------------------------------------------

def bilingual(line: str) -> bool:
    """Chinese, then " / ", then English (the contract's form of a reason)."""
    zh, _, en = line.partition(" / ")
    return bool(re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", en))


def _record_killed(rec: Recorder, seen: KilledImport) -> None:
    rec.add("kill -9 mid-import: store answering again", "single", [seen.recover_ms],
            killed_mid_write=seen.killed, killed_after_ms=round(seen.killed_after_ms),
            unchanged=seen.unchanged, integrity=seen.integrity,
            next_import_taken=seen.next_import_taken, store_payments=seen.store_payments,
            file_rows=seen.file_rows)
    print(f"kill -9 mid-import ({seen.engine}, {seen.file_rows:,} rows into "
          f"{seen.store_payments:,}): killed mid-write {seen.killed} after "
          f"{seen.killed_after_ms / 1000:.1f} s · answering again {seen.recover_ms:.0f} ms "
          f"after · integrity {seen.integrity or 'n/a'} · unchanged {seen.unchanged} · "
          f"next import taken {seen.next_import_taken}", flush=True)


def _record_full(rec: Recorder, seen: FullDisk) -> None:
    reason = seen.lines[0] if seen.lines else ""
    rec.add("disk full: import refused", "single", [seen.reject_ms], rejected=seen.rejected,
            bilingual=bilingual(reason), reason=reason, unchanged=seen.unchanged,
            integrity=seen.integrity, next_import_taken=seen.next_import_taken,
            disk_mb=seen.disk_mb, store_payments=seen.store_payments, file_rows=seen.file_rows)
    print(f"disk full (sqlite, {seen.file_rows:,} rows, {seen.disk_mb} MB file system): "
          f"refused {seen.rejected} after {seen.reject_ms / 1000:.1f} s · {reason!r} · "
          f"integrity {seen.integrity} · unchanged {seen.unchanged} · "
          f"next import taken {seen.next_import_taken}", flush=True)


def _record_outage(rec: Recorder, seen: Outage) -> None:
    reason = json.loads(seen.down_api[1]).get("error", "") if seen.down_api[0] == 503 else ""
    stale = seen.down_page[0] == 200 and STALE_BANNER in seen.down_page[1]
    rec.add("PostgreSQL stopped: /health answers 503", "single",
            [] if seen.detect_ms is None else [seen.detect_ms], stop_ms=round(seen.stop_ms),
            first_health=seen.first_health[0], api_status=seen.down_api[0], api_reason=reason,
            stale_banner=stale, store_payments=seen.store_payments)
    rec.add("PostgreSQL started: /health answers 200", "single",
            [] if seen.recover_ms is None else [seen.recover_ms], start_ms=round(seen.start_ms),
            figures_as_before=seen.after_api == seen.before_api, same_process=seen.same_process)
    detect = "never" if seen.detect_ms is None else f"{seen.detect_ms:.0f} ms"
    recover = "never" if seen.recover_ms is None else f"{seen.recover_ms:.0f} ms"
    print(f"PostgreSQL stopped (in {seen.stop_ms:.0f} ms): /health 503 after {detect} · API "
          f"{seen.down_api[0]} {reason!r} · stale banner {stale}; started (in "
          f"{seen.start_ms:.0f} ms): /health 200 after {recover} · figures as before "
          f"{seen.after_api == seen.before_api} · same process {seen.same_process}", flush=True)


SCENARIOS = ("killed_import", "full_disk", "pg_outage")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", default="nanhu", choices=list(FAULT_SCALES))
    ap.add_argument("--engine", default="sqlite", choices=["sqlite", "postgresql"])
    ap.add_argument("--only", default=",".join(SCENARIOS),
                    help="comma-separated scenarios (full_disk: SQLite only; "
                         "pg_outage: PostgreSQL only)")
    ap.add_argument("--workdir", type=Path, help="for the files and stores (default: temporary)")
    add_json_arg(ap)
    args = ap.parse_args()
    only = set(args.only.split(","))
    if only - set(SCENARIOS):
        ap.error(f"unknown scenario(s): {', '.join(sorted(only - set(SCENARIOS)))}")
    rec = Recorder(args.json, "faults", args.engine, args.scale)
    sc = FAULT_SCALES[args.scale]
    print(f"faults at {args.scale} on {args.engine}: {sc.store_payments:,} payments in the "
          f"store, {sc.import_rows:,} in the killed import, {sc.full_rows:,} in the full-disk one")
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="faults-")))
        if args.engine == "sqlite":
            if "killed_import" in only:
                _sqlite_remove(workdir / "killed.db")
                _record_killed(rec, killed_import(f"sqlite:///{workdir / 'killed.db'}",
                                                  workdir, args.scale))
            if "full_disk" in only:
                try:
                    _record_full(rec, full_disk(workdir, args.scale))
                except Unavailable as why:
                    print(f"disk full: not run: {why}")
            return 0
        from tests.pg_cluster import PgCluster, find_pg_bin

        if find_pg_bin() is None:
            print("PostgreSQL binaries not installed: no PostgreSQL scenario run")
            return 1
        cluster = PgCluster().start()
        stack.callback(cluster.stop)
        if "killed_import" in only:
            cluster.execute("CREATE DATABASE killed")
            _record_killed(rec, killed_import(cluster.url("killed"), workdir, args.scale))
        if "pg_outage" in only:
            _record_outage(rec, pg_outage(cluster, workdir, args.scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())

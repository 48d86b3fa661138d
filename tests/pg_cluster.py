"""A throwaway PostgreSQL cluster started from the installed binaries, so the
suite needs no system service. Used by conftest.py."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def find_pg_bin() -> Path | None:
    for d in PG_BIN_DIRS:
        if (d / "initdb").exists():
            return d
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Speed over durability: a test's cluster is thrown away.
THROWAWAY = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PgCluster:
    """`root`: a folder the cluster is kept in (its port remembered there);
    by default a temporary one, removed by stop(). `options`: server settings."""

    def __init__(self, root: Path | None = None, options: str = THROWAWAY) -> None:
        self.bin = find_pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
        self.kept = root is not None
        self.root = root or Path(tempfile.mkdtemp(prefix="budget-pg-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.datadir = self.root / "data"
        self.options = options
        port_file = self.root / "port"
        self.port = int(port_file.read_text()) if port_file.exists() else _free_port()
        port_file.write_text(str(self.port))
        # initdb refuses to run as root; run the server as the 'postgres' account then.
        self.run_as = None
        if os.geteuid() == 0:
            self.run_as = "postgres"
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start_standby_of(self, primary: "PgCluster") -> "PgCluster":
        """This cluster as a hot standby of `primary` (streaming replication
        from a base backup), started."""
        self._run("pg_basebackup", "-D", str(self.datadir), "-h", "127.0.0.1",
                  "-p", str(primary.port), "-U", "postgres", "-R", "-X", "stream",
                  "--checkpoint=fast")
        return self.resume()

    def start(self) -> "PgCluster":
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        return self.resume()

    def halt(self) -> None:
        """Stop the server, keeping its data (a fault under a running app)."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop")

    def resume(self) -> "PgCluster":
        """Start the server on its data and port, and wait until it answers."""
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {self.options}"
        self._run("pg_ctl", "-D", str(self.datadir), "-o", opts, "-l",
                  str(self.root / "log"), "-w", "start")
        deadline = time.time() + 30
        while True:
            try:
                psycopg.connect(self.dsn("postgres")).close()
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        return self

    def dsn(self, db: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={db}"

    def url(self, db: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def execute(self, sql: str) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def running(self) -> bool:
        try:
            psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass  # not running (a test halted it)
        finally:
            if not self.kept:
                shutil.rmtree(self.root, ignore_errors=True)

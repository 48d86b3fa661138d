"""Run the bench scripts on one or more targets into one results file, then
write the markdown report (what `make bench` does).

    .venv/bin/python bench/run.py [--targets "sqlite:nanhu postgresql:province"]
                                  [--scripts "query_speed page_speed"]
                                  [--json instance/bench-results.json] [--report bench/report.md]

A target is ENGINE:SCALE, or ENGINE:SCALE=URL for a store of one's own:
- sqlite:SCALE uses instance/bench-SCALE.db (the scripts' default store);
- postgresql:SCALE asks bench.pg.cluster_url("bench_SCALE") for the URL of a
  database in the local PostgreSQL kept for benchmarks (imported only when
  such a target is asked for).
The store is filled with the demo of the scale when it holds no payments.
import_payments imports into a fresh store of its own instead: a temporary
SQLite file, or on PostgreSQL the target's database name + "_import", dropped
and created again. faults builds its own stores (on PostgreSQL in a cluster
it starts and stops itself).

The scripts run one after another, each with --json into the results file
(emptied first); a script that fails is noted and the others still run. The
exit status is 1 when any failed (brief_speed and load also fail on a missed
speed goal).
"""
from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.import_payments import ROWS_BY_SCALE  # noqa: E402
from bench.results import append, now  # noqa: E402

SCRIPTS = ["import_payments", "query_speed", "page_speed", "rules_speed", "brief_speed", "load",
           "faults"]
ENGINES = ("sqlite", "postgresql")


def parse_target(text: str) -> tuple[str, str, str | None]:
    """ENGINE:SCALE[=URL] as (engine, scale, URL or None)."""
    spec, _, url = text.partition("=")
    engine, _, scale = spec.partition(":")
    if engine not in ENGINES or scale not in ROWS_BY_SCALE:
        raise SystemExit(f"target {text!r}: ENGINE:SCALE[=URL] with ENGINE one of "
                         f"{', '.join(ENGINES)} and SCALE one of {', '.join(ROWS_BY_SCALE)}")
    return engine, scale, url or None


def store_url(engine: str, scale: str, url: str | None) -> str | None:
    if url or engine == "sqlite":
        return url
    from bench.pg import cluster_url

    return cluster_url(f"bench_{scale}")


def fresh_database(url: str) -> str:
    """A PostgreSQL database beside the one at `url` (its name + "_import"),
    dropped and created again: empty."""
    from sqlalchemy import create_engine, make_url

    target = make_url(url)
    target = target.set(database=f"{target.database}_import")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()
    return target.render_as_string(hide_password=False)


def arguments(script: str, engine: str, scale: str, url: str | None) -> list[str]:
    args = ["--scale", scale]
    if script == "faults":
        return args + ["--engine", engine]
    if script == "import_payments":
        # A province's 20M rows once: the re-import would double a long run.
        args += ["--once"] if scale == "province" else []
        return args + (["--db", fresh_database(url)] if engine == "postgresql" else [])
    return args + (["--db", url] if url else [])


def shown(cmd: list[str]) -> list[str]:
    """The command with any password in a URL masked."""
    from sqlalchemy import make_url

    return [make_url(a).render_as_string(hide_password=True) if "://" in a else a for a in cmd]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--targets", default="sqlite:nanhu",
                    help="space-separated ENGINE:SCALE[=URL] (default: sqlite:nanhu)")
    ap.add_argument("--scripts", default=" ".join(SCRIPTS),
                    help=f"space-separated, run in this order (default: {' '.join(SCRIPTS)})")
    ap.add_argument("--json", type=Path, default=ROOT / "instance" / "bench-results.json")
    ap.add_argument("--report", type=Path, default=report.DEFAULT_OUT)
    args = ap.parse_args()
    args.json = args.json.resolve()
    targets = [parse_target(t) for t in args.targets.split()]
    scripts = args.scripts.replace(",", " ").split()
    unknown = [s for s in scripts if s not in SCRIPTS]
    if unknown or not targets:
        ap.error(f"scripts are among {' '.join(SCRIPTS)}; at least one target")
    args.json.unlink(missing_ok=True)
    failed = []
    for engine, scale, given in targets:
        name = f"{engine}:{scale}"
        url = store_url(engine, scale, given)
        for script in scripts:
            cmd = [sys.executable, str(ROOT / "bench" / f"{script}.py"),
                   *arguments(script, engine, scale, url), "--json", str(args.json)]
            print(f"\n== {script} on {name}: {shlex.join(shown(cmd[1:]))}", flush=True)
            t0 = time.perf_counter()
            done = subprocess.run(cmd, cwd=ROOT)
            append(args.json, [{"type": "run", "script": script, "target": name,
                                "exit": done.returncode, "seconds": time.perf_counter() - t0,
                                "at": now()}])
            if done.returncode:
                failed.append(f"{script} on {name} (exit {done.returncode})")
    print(f"\nreport written to {report.write(args.json, args.report)}")
    if failed:
        print("failed: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

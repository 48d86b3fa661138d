"""The results file the bench scripts share, and the baseline they are measured against.

A results file is one JSON document, {"format": 1, "records": [...]}, that
each script given `--json PATH` adds its records to as it measures (so a
script that fails half-way still leaves what it measured):

- "machine": cores, memory, processor, Python and SQLite versions, the date
  (written once per file, by the first script);
- "store": a store a script measured on: engine, scale, URL (no password),
  payments, aggregate rows, data date;
- "measurement": script, name, engine (sqlite/postgresql), scale, kind
  (cold: query cache emptied first; warm: the same request again; single: no
  cache involved), samples_ms (every run, in order), extra facts (rows/s, …),
  and baseline (true for the raw SQL aggregate below);
- "run": a script's exit status and duration (written by bench/run.py).

`bench/report.py` turns the file into the markdown report.
"""
from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import time
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, func, select

from data import schema

FORMAT = 1
BASELINE = "raw SQL: payments by agency and the total, to date"


def quantile(samples: list[float], q: float) -> float:
    """The q-quantile by linear interpolation between the closest ranks
    (Hyndman and Fan's type 7, numpy's default): position q·(n−1) of the
    sorted samples. With n ≤ 21 samples, p95 lies between the two largest."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def machine() -> dict:
    """This machine: cores, memory and processor, for the report's heading."""
    facts = {"cores": os.cpu_count(), "platform": platform.platform(),
             "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = next(int(line.split()[1]) for line in meminfo.splitlines()
                   if line.startswith("MemTotal:"))
        facts["memory_gib"] = round(kib / 2**20, 1)
    except (OSError, StopIteration):
        facts["memory_gib"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                    / 2**30, 1)
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        facts["processor"] = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                                  if line.startswith("model name"))
    except (OSError, StopIteration):
        facts["processor"] = platform.processor() or platform.machine()
    return facts


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise SystemExit(f"{path}: not a results file of format {FORMAT}")
    return doc["records"]


def append(path: Path, records: list[dict]) -> None:
    """Add records to the file, written whole to a temporary file and renamed
    over it (the scripts run one after another, never at once)."""
    existing = load(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"format": FORMAT, "records": existing + records},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def store_facts(engine: Engine) -> dict:
    with engine.connect() as conn:
        payments = conn.execute(select(func.count()).select_from(schema.payment)).scalar()
        agg = conn.execute(select(func.count()).select_from(schema.agg_payment_month)).scalar()
        latest = conn.execute(select(func.max(schema.payment.c.pay_date))).scalar()
    facts = {"url": engine.url.render_as_string(hide_password=True), "payments": payments,
             "aggregate_rows": agg, "data_as_of": str(latest)[:10] if latest else None}
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            facts["server"] = conn.exec_driver_sql("SHOW server_version").scalar()
    return facts


def raw_aggregate_statements(as_of: date) -> list:
    """What an execution-by-department figure would cost without the
    aggregate tables: the year's payments to `as_of` summed by agency, and
    their total, straight from the payment table."""
    p = schema.payment
    to_date = (p.c.fiscal_year == as_of.year, p.c.pay_date <= as_of)
    return [select(p.c.agency_code, func.sum(p.c.amount)).where(*to_date)
            .group_by(p.c.agency_code),
            select(func.sum(p.c.amount)).where(*to_date)]


def raw_aggregate(engine: Engine, as_of: date) -> None:
    with engine.connect() as conn:
        for stmt in raw_aggregate_statements(as_of):
            conn.execute(stmt).all()


def timed_ms(fn, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return runs


class Recorder:
    """One script's measurements on one store. Without a path it records
    nothing (the script only prints its tables)."""

    def __init__(self, path: Path | None, script: str, engine_name: str, scale: str):
        self.path, self.script = path, script
        self.engine, self.scale = engine_name, scale
        self._baselines: set[int] = set()
        if path is not None and not any(r["type"] == "machine" for r in load(path)):
            append(path, [{"type": "machine", "at": now(), **machine()}])

    def _add(self, record: dict) -> None:
        if self.path is not None:
            append(self.path, [{"script": self.script, "engine": self.engine,
                                "scale": self.scale, "at": now(), **record}])

    def store(self, engine: Engine, **facts) -> None:
        if self.path is not None:
            self._add({"type": "store", **store_facts(engine), **facts})

    def add(self, name: str, kind: str, samples_ms: list[float], **extra) -> None:
        if kind not in ("cold", "warm", "single"):
            raise ValueError(f"kind {kind!r}: cold, warm or single")
        self._add({"type": "measurement", "name": name, "kind": kind, "baseline": False,
                   "samples_ms": [round(s, 3) for s in samples_ms], "extra": extra})

    def baseline(self, engine: Engine, as_of: date, repeat: int) -> None:
        """The raw SQL aggregate timed `repeat` times (once per repeat count
        in a script), for the report's ratios."""
        if self.path is None or repeat in self._baselines:
            return
        self._baselines.add(repeat)
        samples = timed_ms(lambda: raw_aggregate(engine, as_of), repeat)
        self._add({"type": "measurement", "name": BASELINE, "kind": "single", "baseline": True,
                   "samples_ms": [round(s, 3) for s in samples],
                   "extra": {"as_of": as_of.isoformat(), "sql": [
                       " ".join(str(stmt).split())
                       for stmt in raw_aggregate_statements(as_of)]}})

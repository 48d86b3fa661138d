"""Speed of the rule engine and of the warnings API, at a demo scale.

    .venv/bin/python bench/rules_speed.py [--scale nanhu] [--db sqlite:///…] [--repeat 3]

On the store `bench/query_speed.py` uses (the demo generated into it when
empty), as of its latest data date D:

- `rules run`: every rule evaluated and the results stored, the slowest rules
  named (median of --repeat runs);
- a monthly import: the payments of month(D) written out as the contract's
  CSV and imported again (an upsert of identical rows: the store is left as
  it was), with the evaluation that follows every import;
- GET /api/v1/warnings through the Flask test client: "cold" (query cache
  emptied, D the stored evaluation's date; and a date evaluated on request)
  and "warm", p50 and p95 of 20 requests each.

With --json PATH the runs are also added to a results file (bench/results.py).
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.results import quantile  # noqa: E402
from bench.store import add_store_args, open_store, recorder  # noqa: E402
from data import schema  # noqa: E402
from data.demo import HEADERS  # noqa: E402
from data.importer import import_files  # noqa: E402
from data.rules import run  # noqa: E402
from data.status import data_as_of  # noqa: E402

API_REPEAT = 20


def rules_run(engine, repeat: int, rec) -> None:
    runs, per_rule = [], {}
    for _ in range(repeat):
        summary = run(engine)
        runs.append(summary.seconds)
        for rule, seconds in summary.rule_seconds.items():
            per_rule.setdefault(rule, []).append(seconds)
    slowest = sorted(per_rule.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    rec.add("rules run (evaluate + store)", "single", [s * 1000 for s in runs],
            breaches=summary.total)
    for rule, seconds in slowest:
        rec.add(f"rules run: {rule}", "single", [s * 1000 for s in seconds])
    print(f"rules run (evaluate + store): median {statistics.median(runs):.2f} s, "
          f"max {max(runs):.2f} s; {summary.total} breaches")
    for rule, seconds in slowest:
        print(f"  {rule:20s} {statistics.median(seconds):.2f} s")


def month_file(engine, folder: Path) -> tuple[Path, int]:
    """The payments of month(D) in the contract's CSV format."""
    as_of = data_as_of(engine)
    p = schema.payment
    header = HEADERS["payment"]
    path = folder / f"payment_{as_of:%Y-%m}.csv"
    n = 0
    with engine.connect() as conn, path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        rows = conn.execute(select(*[p.c[h.lower()] for h in header])
                            .where(p.c.pay_ym == as_of.year * 100 + as_of.month))
        for row in rows:
            out.writerow(["" if v is None else (f"{v / 100:.2f}" if h == "AMOUNT" else v)
                          for h, v in zip(header, row)])
            n += 1
    return path, n


def monthly_import(engine, rec) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, n = month_file(engine, Path(tmp))
        t0 = time.perf_counter()
        report = import_files(engine, [path], username="bench")
        total = time.perf_counter() - t0
    rules = report.rules.seconds if report.rules else float("nan")
    rec.add("monthly import of month(D) with the evaluation", "single", [total * 1000],
            rows=n, rules_ms=round(rules * 1000))
    print(f"monthly import of {n:,} payments with the evaluation: {total:.1f} s "
          f"(of which the rules {rules:.1f} s)")


def api(engine, rec) -> None:
    os.environ["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    import app as app_module
    from data import accounts
    from service import cache

    name = f"bench-{os.getpid()}"
    accounts.create_user(engine, name, "deputy")
    client = app_module.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {accounts.issue_token(engine, name)}"
    as_of = data_as_of(engine)
    other = as_of.replace(day=1) - timedelta(days=1)
    rec.baseline(engine, as_of, API_REPEAT)
    print(f"{'GET /api/v1/warnings':34s} {'p50':>8s} {'p95':>8s} {'rows':>6s}")
    for label, query, clear in (
            ("stored date", {"as_of": as_of.isoformat()}, True),
            ("stored date", {"as_of": as_of.isoformat()}, False),
            ("level=red", {"as_of": as_of.isoformat(), "level": "red"}, False),
            (f"{other} (evaluated)", {"as_of": other.isoformat()}, True),
            (f"{other} (evaluated)", {"as_of": other.isoformat()}, False)):
        kind = "cold" if clear else "warm"
        runs = []
        for _ in range(API_REPEAT):
            if clear:
                cache.clear()
            t0 = time.perf_counter()
            res = client.get("/api/v1/warnings", query_string=query)
            runs.append((time.perf_counter() - t0) * 1000)
            if res.status_code != 200:
                sys.exit(f"{label}: HTTP {res.status_code}")
        rows = len(res.get_json()["rows"])
        rec.add(f"GET /api/v1/warnings {label}", kind, runs, rows=rows)
        print(f"{label + ', ' + kind:34s} {quantile(runs, .5):6.0f}ms "
              f"{quantile(runs, .95):6.0f}ms {rows:6d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_store_args(ap, repeat=3)
    args = ap.parse_args()
    engine = open_store(args)
    rec = recorder(args, engine, "rules_speed")
    as_of = data_as_of(engine)
    print(f"store: {engine.url.render_as_string(hide_password=True)}  D = {as_of}")
    rec.baseline(engine, as_of, args.repeat)
    rules_run(engine, args.repeat, rec)
    rec.baseline(engine, as_of, 1)
    monthly_import(engine, rec)
    api(engine, rec)


if __name__ == "__main__":
    main()

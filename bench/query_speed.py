"""Speed of the query-layer calls a drill-down click makes.

    .venv/bin/python bench/query_speed.py [--scale nanhu] [--db sqlite:///…] [--repeat 7]

Uses the store at --db (default: instance/bench-SCALE.db); when it holds no
payments, the demo of that scale is generated and imported into it first
(the same as `flask --app app demo --scale SCALE`, which takes a while for
nanhu). Then, as of the latest data date D (mid-month) and of the last day of
the month before, it times execution by every dimension, a drill one level
down, the total, the monthly trend, and payments page 1 (newest first, largest
first, and a search), and prints the median and the slowest of --repeat runs
in milliseconds. The query cache is not involved: these are the raw calls.
With --json PATH the runs are also added to a results file (bench/results.py),
with the raw SQL aggregate timed as often for the report's ratios.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.results import timed_ms  # noqa: E402
from bench.store import add_store_args, open_store, recorder  # noqa: E402
from data import query as q  # noqa: E402
from data import schema  # noqa: E402
from data.status import data_as_of  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_store_args(ap, repeat=7)
    args = ap.parse_args()
    engine = open_store(args)
    rec = recorder(args, engine, "query_speed")
    with engine.connect() as conn:
        n_pay = conn.execute(select(func.count()).select_from(schema.payment)).scalar()
        n_agg = conn.execute(select(func.count()).select_from(schema.agg_payment_month)).scalar()
        n_quota = conn.execute(select(func.count()).select_from(schema.quota)).scalar()
    d = data_as_of(engine)
    month_end = d.replace(day=1) - timedelta(days=1)
    print(f"store: {engine.url.render_as_string(hide_password=True)}  dialect {engine.dialect.name}")
    print(f"payments {n_pay:,}  agg_payment_month rows {n_agg:,}  quotas {n_quota:,}  D = {d}")

    top_dept = max(q.execution(engine, q.Scope(as_of=d), "dept"), key=lambda r: r.paid).code
    top_class = max(q.execution(engine, q.Scope(as_of=d), "func_class"), key=lambda r: r.paid).code
    top_agency = max(q.execution(engine, q.Scope(as_of=d), "agency"), key=lambda r: r.paid).code
    calls: list[tuple[str, object]] = []
    for label, as_of in (("mid-month D", d), ("month end", month_end)):
        scope = q.Scope(as_of=as_of)
        for by in q.BY_DIMENSIONS:
            calls.append((f"{label:11s} execution by={by}",
                          lambda s=scope, b=by: q.execution(engine, s, b)))
        calls.append((f"{label:11s} execution by=agency parent=dept",
                      lambda s=scope: q.execution(engine, s, "agency", top_dept)))
        calls.append((f"{label:11s} execution by=func parent=类",
                      lambda s=scope: q.execution(engine, s, "func", top_class)))
        calls.append((f"{label:11s} execution_total",
                      lambda s=scope: q.execution_total(engine, s)))
    scope = q.Scope(as_of=d)
    calls += [
        ("mid-month D monthly trend", lambda: q.monthly(engine, scope)),
        ("mid-month D payments page 1 (newest)", lambda: q.payments(engine, scope)),
        ("mid-month D payments page 1 (largest)",
         lambda: q.payments(engine, scope, sort="-amount")),
        ("mid-month D payments page 1 of an agency",
         lambda: q.payments(engine, q.Scope(as_of=d, agency=top_agency))),
        ("mid-month D payments search '办公'", lambda: q.payments(engine, scope, search="办公")),
        ("mid-month D quotas of an agency",
         lambda: q.quotas(engine, q.Scope(as_of=d, agency=top_agency))),
    ]
    rec.baseline(engine, d, args.repeat)
    print(f"{'call':58s} {'median ms':>10s} {'max ms':>8s}")
    for label, fn in calls:
        runs = timed_ms(fn, args.repeat)
        rec.add(" ".join(label.split()), "single", runs)
        print(f"{label:58s} {statistics.median(runs):10.1f} {max(runs):8.1f}", flush=True)


if __name__ == "__main__":
    main()

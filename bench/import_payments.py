"""Import speed and memory for a large payment file.

    .venv/bin/python bench/import_payments.py [--scale nanhu] [--rows 2000000] [--db sqlite:///…]
                                              [--workdir DIR] [--json PATH]

Generates the dimension files (regions, agencies, projects) and a payment file
of ROWS rows (by default by --scale: ROWS_BY_SCALE), imports the dimensions,
then times the import of the payment file alone and prints rows/s and the
process's peak resident memory. A second run re-imports the same file (every
row an update) unless --once is given. Without --db a fresh SQLite store in
the work folder is used. With --json PATH the runs are also added to a
results file (bench/results.py), with the raw SQL aggregate over the imported
payments timed once, as each import.
"""
from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.results import Recorder  # noqa: E402
from bench.store import add_json_arg  # noqa: E402
from data import schema  # noqa: E402
from data.db import make_engine  # noqa: E402
from service.store import prepare  # noqa: E402
from data.importer import import_files  # noqa: E402
from data.status import data_as_of  # noqa: E402

PAYMENT_HEADER = ["PAY_CERT_ID", "FISCAL_YEAR", "PAY_DATE", "MOF_DIV_CODE", "AGENCY_CODE",
                  "BGT_ID", "PRO_CODE", "EXP_FUNC_CODE", "DEP_BGT_ECO_CODE", "FUND_TYPE_CODE",
                  "PAY_TYPE_CODE", "SET_MODE_CODE", "PAYEE_ACCT_NAME", "PAYEE_ACCT_NO",
                  "USE_DES", "AMOUNT"]
EXP_FUNC = ["2010101", "2010102", "2050201", "2080501", "2100201", "2120101"]
DEP_ECO = ["30101", "30102", "30201", "30211", "30216"]
ROWS_BY_SCALE = {"tiny": 20_000, "small": 200_000, "nanhu": 2_000_000, "province": 20_000_000}


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def generate(workdir: Path, n_rows: int, seed: int = 1, first: int = 0) -> list[Path]:
    """The dimension files and a payment file of `n_rows` (PAY_CERT_IDs from
    number `first` on) in `workdir`; the same seed gives the same dimensions."""
    rng = random.Random(seed)
    county = "330402"
    towns = [f"330402{i:03d}" for i in range(1, 8)]
    regions = [county, *towns]
    write_csv(workdir / "mof_div.csv", ["MOF_DIV_CODE", "MOF_DIV_NAME", "PARENT_CODE", "LEVEL"],
              [[county, "南湖区", "330400", 3]] + [[t, f"街道{t[-3:]}", county, 4] for t in towns])
    agencies = []
    for dept in range(1, 41):
        dept_code = f"{dept:03d}"
        agencies.append((dept_code, dept_code, county))
        for sub in range(1, 11):
            agencies.append((f"{dept_code}{sub:03d}", dept_code, rng.choice(regions)))
    write_csv(workdir / "agency.csv", ["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE"],
              [[a, f"单位{a}", div, dept] for a, dept, div in agencies])
    projects = [(f"P{i:06d}", rng.choice(agencies)) for i in range(1, 3001)]
    write_csv(workdir / "project.csv", ["PRO_CODE", "PRO_NAME", "AGENCY_CODE"],
              [[code, f"项目{code}", a[0]] for code, a in projects])
    start = date(2025, 1, 1)
    payment = workdir / "payment_2025.csv"

    def rows():
        for i in range(n_rows):
            code, (agency, _dept, div) = projects[rng.randrange(len(projects))]
            day = start + timedelta(days=rng.randrange(365))
            yuan = rng.randrange(100, 5_000_000) / 100
            yield [f"PC2025{first + i:09d}", 2025, day.isoformat(), div, agency, f"BGT{code}",
                   code, rng.choice(EXP_FUNC), rng.choice(DEP_ECO), "1",
                   rng.choice("12"), rng.choice("1239"), f"收款单位{rng.randrange(5000)}",
                   f"62220{rng.randrange(10**10):010d}", "日常支出", f"{yuan:.2f}"]

    write_csv(payment, PAYMENT_HEADER, rows())
    return [workdir / "mof_div.csv", workdir / "agency.csv", workdir / "project.csv", payment]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="nanhu", choices=list(ROWS_BY_SCALE),
                        help="the default --rows, and the scale the results file records")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--db", help="SQLAlchemy URL of a migrated store (default: fresh SQLite)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--once", action="store_true", help="skip the re-import run")
    add_json_arg(parser)
    args = parser.parse_args()
    args.rows = args.rows or ROWS_BY_SCALE[args.scale]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    *dims, payment = generate(workdir, args.rows)
    print(f"generated {args.rows:,} payments in {time.perf_counter() - t0:.1f} s "
          f"({payment.stat().st_size / 2**20:.0f} MiB); peak RSS {peak_rss_mb():.0f} MB")

    url = args.db or f"sqlite:///{workdir / 'bench.db'}"
    prepare(url)
    engine = make_engine(url)
    rec = Recorder(args.json, "import_payments", engine.dialect.name, args.scale)
    import_files(engine, dims, username="bench", evaluate_rules=False)
    runs = [("first import", payment)] + ([] if args.once else [("re-import", payment)])
    for label, path in runs:
        t0 = time.perf_counter()
        # The rules are rules_speed's: its generated payments have no quotas,
        # so every one would be a breach here.
        report = import_files(engine, [path], username="bench", evaluate_rules=False)
        seconds = time.perf_counter() - t0
        rows = report.total_rows
        print(f"{label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
              f"peak RSS {peak_rss_mb():.0f} MB")
        rec.add(f"{label} of {rows:,} payments", "single", [seconds * 1000], rows=rows,
                rows_per_s=round(rows / seconds), peak_rss_mb=round(peak_rss_mb()))
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.payment)).scalar()
        agg = conn.execute(select(func.sum(schema.agg_payment_month.c.n_payments))).scalar()
    print(f"payment rows {n:,}; aggregate covers {agg:,} payments; store {engine.url}")
    rec.store(engine, fresh=True)
    rec.baseline(engine, data_as_of(engine), 1)


if __name__ == "__main__":
    main()

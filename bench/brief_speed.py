"""Speed of the 月度分析专报: figures, charts and PDF (goal: under 10 s at nanhu).

    .venv/bin/python bench/brief_speed.py [--scale nanhu] [--db sqlite:///…] [--repeat 3]

Uses the store at --db (default: instance/bench-SCALE.db, migrated and, when
empty, filled with the demo: see bench/store.py). For the month of the latest
data date (its rules evaluated and stored) and the month before (evaluated on
request), in Chinese and in English, it times assembling the figures (no
query cache), rendering the PDF (charts by kaleido, then Chromium) and the
whole, the first run including kaleido's start. Prints seconds per run and fails when a run takes 10 s or more.
With --json PATH the runs are also added to a results file (bench/results.py).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.store import add_store_args, open_store, recorder  # noqa: E402
from data import i18n  # noqa: E402
from data.brief import assemble  # noqa: E402
from data.status import data_as_of  # noqa: E402
from service.brief import brief_pdf  # noqa: E402

GOAL_S = 10.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_args(ap, repeat=3)
    args = ap.parse_args()
    engine = open_store(args)
    rec = recorder(args, engine, "brief_speed")
    latest = data_as_of(engine)
    rec.baseline(engine, latest, args.repeat)
    before = latest.replace(day=1) - timedelta(days=1)
    months = [(f"{latest:%Y-%m}", "latest month (rules stored)"),
              (f"{before:%Y-%m}", "month before (rules evaluated)")]
    slowest = 0.0
    for lang in i18n.LANGUAGES:
        for month, which in months:
            parts = {"figures": [], "PDF": [], "total": []}
            for run in range(args.repeat):
                with i18n.use(lang):
                    t0 = time.perf_counter()
                    figures = assemble(engine, month)
                    t1 = time.perf_counter()
                    pdf = brief_pdf(figures)
                    t2 = time.perf_counter()
                slowest = max(slowest, t2 - t0)
                for part, seconds in zip(parts, (t1 - t0, t2 - t1, t2 - t0)):
                    parts[part].append(seconds * 1000)
                print(f"{lang} {month} run {run + 1}: figures {t1 - t0:5.2f} s · "
                      f"PDF {t2 - t1:5.2f} s · total {t2 - t0:5.2f} s · {len(pdf) // 1024} KB",
                      flush=True)
            for part, runs in parts.items():
                rec.add(f"brief {lang} {which}: {part}", "single", runs, month=month)
    print(f"slowest {slowest:.2f} s (goal < {GOAL_S:g} s)")
    return 0 if slowest < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())

"""A results file (bench/results.py) as one markdown report.

    .venv/bin/python bench/report.py RESULTS.json [--out bench/report.md]

At the top: the machine, the dates measured, the stores (payments,
aggregate rows) and the method. Then per target (engine and scale) and per
script, every figure's p50 and p95 for each kind (cold, warm, single), each
also as a ratio to the raw SQL aggregate on the same engine and scale timed
by the same script as many times; then, with several targets, the p50s side
by side; last, each script's exit status when bench/run.py ran them.
"""
from __future__ import annotations

import argparse
import math
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import BASELINE, load, quantile  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "report.md"
KIND_ORDER = {"cold": 0, "warm": 1, "single": 2}
# With at most this many samples, type-7 p95 lies between the two largest.
FEW = 21


def ms(value: float) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def ratio(value: float, base: float | None) -> str:
    if base is None or not base or math.isnan(value):
        return "—"
    r = value / base
    if r >= 10:
        return f"{r:,.0f}×"
    return f"{r:.2f}×" if r >= 1 else f"{r:#.2g}×"  # two significant digits below 1


def fact(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


NAMES = {"kib": "KiB", "rows_per_s": "rows/s", "peak_rss_mb": "peak RSS MB"}


def facts(extra: dict) -> str:
    return "; ".join(f"{NAMES.get(k, k.replace('_', ' '))} {fact(v)}" for k, v in extra.items()
                     if k != "sql").replace("|", "\\|")


def target_of(record: dict) -> tuple[str, str]:
    return record["engine"], record["scale"]


class Baselines:
    """The raw SQL aggregate's samples by (script, engine, scale, n): a figure
    is compared with the one its script timed as often on its store; failing
    that, its script's with the nearest count, else another script's on the
    same target."""

    def __init__(self, measurements: list[dict]):
        self.by = {}
        for m in measurements:
            if m["baseline"]:
                self.by[(m["script"], *target_of(m), len(m["samples_ms"]))] = m

    def of(self, m: dict) -> dict | None:
        n = len(m["samples_ms"])
        exact = self.by.get((m["script"], *target_of(m), n))
        if exact:
            return exact
        same = [b for key, b in self.by.items() if key[1:3] == target_of(m)]
        return min(same, key=lambda b: (b["script"] != m["script"],
                                        abs(len(b["samples_ms"]) - n)), default=None)


def render(records: list[dict], source: str) -> str:
    machine = next((r for r in records if r["type"] == "machine"), {})
    stores = [r for r in records if r["type"] == "store"]
    measurements = [r for r in records if r["type"] == "measurement"]
    runs = [r for r in records if r["type"] == "run"]
    times = sorted(r["at"] for r in records if "at" in r)
    baselines = Baselines(measurements)
    targets = list(dict.fromkeys(target_of(m) for m in measurements))

    out = ["# Benchmark report", ""]
    if times:
        out.append(f"Measured {times[0]} to {times[-1]} (UTC); written "
                   f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from `{source}`.")
    if machine:
        out.append(f"Machine: {machine.get('cores')} cores ({machine.get('processor')}), "
                   f"{machine.get('memory_gib')} GiB memory, {machine.get('platform')}; "
                   f"Python {machine.get('python')}, SQLite {machine.get('sqlite')}.")
    out += ["", "## Stores", "",
            "| engine | scale | script | store | payments | aggregate rows | data date |",
            "|---|---|---|---|--:|--:|---|"]
    seen = set()
    for s in stores:
        key = (s["engine"], s["scale"], s["url"])
        if key in seen:
            continue
        seen.add(key)
        engine = s["engine"] + (f" {s['server']}" if s.get("server") else "")
        what = "fresh (the import's own)" if s.get("fresh") else s["url"]
        out.append(f"| {engine} | {s['scale']} | {s['script']} | `{what}` | {s['payments']:,} | "
                   f"{s['aggregate_rows']:,} | {s.get('data_as_of') or '—'} |")
    out += ["", "## Method", "",
            "- Times are milliseconds. **cold**: the query cache emptied before the request "
            "(the first click after an import); **warm**: the same request again; "
            "**single**: no cache involved (raw calls, imports, faults).",
            "- p50 and p95 by linear interpolation between the closest ranks "
            "(Hyndman and Fan's type 7, numpy's default): position q·(n−1) of the sorted "
            f"samples. With n ≤ {FEW} samples (marked †) p95 lies between the two largest "
            "samples: read it as nearly the maximum; with n = 1 both are the one sample.",
            f"- Baseline (\"{BASELINE}\"): what a figure would cost read straight from the "
            "payment table without the aggregate tables, timed in the same run, on the same "
            "store, by the same script as many times as the figure (else, as noted, the "
            "script's own with the nearest count, or another script's on the same engine "
            "and scale):"]
    sqls = next((m["extra"].get("sql") for m in measurements if m["baseline"]), None)
    for sql in sqls or []:
        out.append(f"  `{sql}`")
    out.append("- ÷ base: the figure's p50 over the baseline's p50, and p95 over p95.")

    for target in targets:
        engine, scale = target
        out += ["", f"## {engine} · {scale}", ""]
        mine = [m for m in measurements if target_of(m) == target]
        base_rows = [m for m in mine if m["baseline"]]
        if base_rows:
            out += ["Baselines timed in this run:", "", "| script | n | p50 | p95 |",
                    "|---|--:|--:|--:|"]
            for b in base_rows:
                s = b["samples_ms"]
                out.append(f"| {b['script']} | {len(s)} | {ms(quantile(s, .5))} | "
                           f"{ms(quantile(s, .95))}{' †' if 1 < len(s) <= FEW else ''} |")
        else:
            out.append("No baseline was timed on this target: no ratios.")
        for script in dict.fromkeys(m["script"] for m in mine if not m["baseline"]):
            rows = [m for m in mine if m["script"] == script and not m["baseline"]]
            order = {name: i for i, name in enumerate(dict.fromkeys(m["name"] for m in rows))}
            rows.sort(key=lambda m: (order[m["name"]], KIND_ORDER[m["kind"]]))
            out += ["", f"### {script}", "",
                    "| figure | kind | n | p50 | p95 | p50 ÷ base | p95 ÷ base | facts |",
                    "|---|---|--:|--:|--:|--:|--:|---|"]
            for m in rows:
                s = m["samples_ms"]
                p50, p95 = quantile(s, .5), quantile(s, .95)
                b = baselines.of(m)
                bs = b["samples_ms"] if b else []
                note = dict(m["extra"])
                if b and (b["script"] != m["script"] or len(bs) != len(s)):
                    note["baseline"] = f"{b['script']}'s, n={len(bs)}"
                out.append(
                    f"| {m['name'].replace('|', '/')} | {m['kind']} | {len(s)} | {ms(p50)} | "
                    f"{ms(p95)}{' †' if 1 < len(s) <= FEW else ''} | "
                    f"{ratio(p50, quantile(bs, .5) if bs else None)} | "
                    f"{ratio(p95, quantile(bs, .95) if bs else None)} | {facts(note)} |")

    if len(targets) > 1:
        out += ["", "## Across targets (p50, ms)", "",
                "| script | figure | kind | " + " | ".join(f"{e} · {s}" for e, s in targets)
                + " |", "|---|---|---|" + "--:|" * len(targets)]
        cells: dict[tuple, dict] = {}
        for m in measurements:
            if not m["baseline"]:
                cells.setdefault((m["script"], m["name"], m["kind"]), {})[target_of(m)] = \
                    quantile(m["samples_ms"], .5)
        for (script, name, kind), by_target in cells.items():
            out.append(f"| {script} | {name.replace('|', '/')} | {kind} | "
                       + " | ".join(ms(by_target.get(t, math.nan)) for t in targets) + " |")

    if runs:
        out += ["", "## Runs", "", "| script | target | exit status | seconds |",
                "|---|---|--:|--:|"]
        for r in runs:
            out.append(f"| {r['script']} | {r['target']} | {r['exit']} | {r['seconds']:,.0f} |")
    return "\n".join(out) + "\n"


def write(results: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = str(results.resolve().relative_to(ROOT))
    except ValueError:
        source = results.name
    out.write_text(render(load(results), source), encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("results", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    if not args.results.exists():
        raise SystemExit(f"{args.results}: no such results file")
    print(f"report written to {write(args.results, args.out)}")


if __name__ == "__main__":
    main()

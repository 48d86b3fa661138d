"""Small helpers shared by the demo generator: seeded randomness, money in
fen, dates and the CSV writer."""
from __future__ import annotations

import calendar
import csv
import random
from datetime import date, timedelta
from pathlib import Path


def rng(seed: int, *parts: object) -> random.Random:
    """A generator of its own for one purpose: seeding from a string goes
    through SHA-512 in CPython, so the stream does not depend on hash
    randomisation or on the order other parts were generated in."""
    return random.Random("|".join(str(p) for p in (seed, *parts)))


def yuan(fen: int) -> str:
    """Integer fen as yuan with exactly two decimals."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def wan(amount_wan: float) -> int:
    """万元 to fen, rounded to whole yuan."""
    return int(round(amount_wan * 10_000)) * 100


def split_fen(total: int, weights: list[float]) -> list[int]:
    """Split `total` fen in proportion to `weights`; the parts sum exactly."""
    s = sum(weights)
    parts = [int(total * w / s) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def time_progress(d: date) -> float:
    return d.timetuple().tm_yday / days_in_year(d.year)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def workday_on_or_after(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def workday_on_or_before(d: date) -> date:
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def workdays(first: date, last: date) -> list[date]:
    out = []
    d = first
    while d <= last:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def anniversary(d: date, year: int) -> date:
    return date(year, d.month, min(d.day, 28) if d.month == 2 else d.day)


def period(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


class CsvOut:
    """One dataset file: UTF-8, LF line ends, header = contract field names."""

    def __init__(self, out_dir: Path, dataset: str, header: list[str]):
        self.path = out_dir / f"{dataset}.csv"
        self._fh = open(self.path, "w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh, lineterminator="\n")
        self._w.writerow(header)
        self.width = len(header)
        self.rows = 0

    def write(self, row) -> None:
        self._w.writerow(row)
        self.rows += 1

    def write_many(self, rows) -> None:
        rows = list(rows)
        self._w.writerows(rows)
        self.rows += len(rows)

    def close(self) -> Path:
        self._fh.close()
        return self.path

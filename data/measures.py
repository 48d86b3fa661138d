"""Arithmetic shared by the query layer and the API: time progress, ratios,
gaps in percentage points, and the names of the four budgets. Levels and
thresholds are the rule engine's (data/rules/). Money is integer fen here.
"""
from __future__ import annotations

import calendar
from datetime import date

from data.i18n import N_

FUND_TYPE_NAMES = {
    "1": N_("一般公共预算"),
    "2": N_("政府性基金预算"),
    "3": N_("国有资本经营预算"),
    "4": N_("社会保险基金预算"),
}


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def time_progress(d: date) -> float:
    """序时进度 TP(D) = day of year of D / days in that year."""
    return d.timetuple().tm_yday / days_in_year(d.year)


def ratio(num: int | None, den: int | None) -> float | None:
    """num/den, None when the denominator is 0 or missing."""
    if not den:
        return None
    return (num or 0) / den


def gap_pp(rate: float | None, tp: float) -> float | None:
    """(rate − TP) in percentage points."""
    return None if rate is None else (rate - tp) * 100

"""Measures shared by the query layer, the rules and the API: time progress,
the execution level (rule EXEC_LAG) and the payment-level flags of SPEC §2.

Thresholds live in one place, `THRESHOLDS`, keyed by rule ID. Callers that let
staff tune a rule pass their own mapping; the defaults are the contract's.
Money is integer fen everywhere here.
"""
from __future__ import annotations

import calendar
from datetime import date
from typing import Any, Mapping

FEN_PER_YUAN = 100

# Default thresholds of the rules the query layer evaluates (SPEC §2).
THRESHOLDS: dict[str, dict[str, Any]] = {
    "EXEC_LAG": {"min_budget_fen": 100_000 * FEN_PER_YUAN, "yellow_pp": -10.0, "red_pp": -20.0},
    "LARGE_CASH": {"yellow_fen": 50_000 * FEN_PER_YUAN, "red_fen": 200_000 * FEN_PER_YUAN},
    "UNION_PAYMENT": {"min_fen": 10_000 * FEN_PER_YUAN, "keyword": "工会"},
    "YEAR_END_SURGE": {"red_share": 0.5},
}

# Rules DIRECT_PAY_LAG and REVENUE_LAG: gap to time progress, percentage points.
DIRECT_PAY_LAG_PP = {"yellow": -10.0, "red": -20.0}
REVENUE_LAG_PP = {"yellow": -10.0, "red": -20.0}
TAX_SHARE_MIN = 0.70  # rule TAX_SHARE_LOW

CASH_SET_MODE = "2"
THREE_PUBLIC_ECO_CODES = ("30212", "30217", "30231", "31013")
FUND_TYPE_NAMES = {
    "1": "一般公共预算",
    "2": "政府性基金预算",
    "3": "国有资本经营预算",
    "4": "社会保险基金预算",
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


def gap_level(gap: float | None, bands: dict[str, float]) -> str | None:
    """green / yellow / red for a gap in percentage points (None: no figure)."""
    if gap is None:
        return None
    gap = round(gap, 9)  # -9.9999999 from float noise must still reach -10
    if gap <= bands["red"]:
        return "red"
    return "yellow" if gap <= bands["yellow"] else "green"


def exec_level(budget_fen: int, rate: float | None, tp: float,
               thresholds: Mapping[str, Any] | None = None) -> str | None:
    """Rule EXEC_LAG for one entity: None below the minimum quota (not
    evaluated), else green / yellow (gap ≤ −10 pp) / red (gap ≤ −20 pp)."""
    t = thresholds or THRESHOLDS["EXEC_LAG"]
    if budget_fen is None or budget_fen < t["min_budget_fen"] or rate is None:
        return None
    gap = (rate - tp) * 100
    # A float gap like -9.9999999 must not miss a -10 threshold by rounding noise.
    gap = round(gap, 9)
    if gap <= t["red_pp"]:
        return "red"
    if gap <= t["yellow_pp"]:
        return "yellow"
    return "green"


def payment_flags(row: Mapping[str, Any], agency_name: str | None, quota_exists: bool,
                  thresholds: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
    """Payment-level rule results for one payment, {rule ID: level}, per SPEC §2:
    PAY_NO_QUOTA, LARGE_CASH, SELF_TRANSFER, UNION_PAYMENT. `row` holds the
    payment's lower-case columns (amount in fen)."""
    t = thresholds or THRESHOLDS
    flags: dict[str, str] = {}
    amount = row["amount"]
    if not (row.get("bgt_id") or "").strip() or not quota_exists:
        flags["PAY_NO_QUOTA"] = "red"
    if row.get("set_mode_code") == CASH_SET_MODE:
        if amount >= t["LARGE_CASH"]["red_fen"]:
            flags["LARGE_CASH"] = "red"
        elif amount >= t["LARGE_CASH"]["yellow_fen"]:
            flags["LARGE_CASH"] = "yellow"
    payee = (row.get("payee_acct_name") or "").strip()
    if agency_name and payee and payee == agency_name.strip():
        flags["SELF_TRANSFER"] = "red" if (row.get("direct_fund_code") or "").strip() else "yellow"
    keyword = t["UNION_PAYMENT"]["keyword"]
    if (keyword in payee or keyword in (row.get("use_des") or "")) \
            and amount > t["UNION_PAYMENT"]["min_fen"]:
        flags["UNION_PAYMENT"] = "yellow"
    return flags

"""Every view state lives in the URL query string, so a state can be shared,
bookmarked and reached again with the browser's back button.

Global filters (all pages): year, as_of (YYYY-MM-DD), mof_div, fund_type.
Mode flags: kiosk=1, lang=en. Pages add their own drill keys (e.g. dept, func).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode

GLOBAL_KEYS = ("year", "as_of", "mof_div", "fund_type")
MODE_KEYS = ("kiosk", "lang")


def parse(search: str | None) -> dict[str, str]:
    """`?a=1&b=` → {'a': '1'} (empty values dropped, last one wins)."""
    return {k: v for k, v in parse_qsl((search or "").lstrip("?")) if v != ""}


def link(path: str, params: dict[str, str | int | None], **changes: str | int | None) -> str:
    """`path?query` with `changes` applied; None removes a key. Keys are
    sorted so the same state is always the same URL."""
    merged = {**params, **changes}
    query = urlencode(sorted((k, str(v)) for k, v in merged.items() if v not in (None, "")))
    return f"{path}?{query}" if query else path


def keep_global(params: dict[str, str]) -> dict[str, str]:
    """The filters and modes that follow the user from page to page."""
    return {k: v for k, v in params.items() if k in GLOBAL_KEYS + MODE_KEYS}


@dataclass(frozen=True)
class Filters:
    as_of: date
    year: int
    mof_div: str | None
    fund_type: str | None


def filters(params: dict[str, str], default_as_of: date) -> Filters:
    """Global filters with defaults; malformed values fall back to defaults
    (a hand-edited URL must never break a page)."""
    as_of = default_as_of
    try:
        as_of = date.fromisoformat(params["as_of"]) if "as_of" in params else default_as_of
    except ValueError:
        pass
    year = as_of.year
    if params.get("year", "").isdigit():
        year = int(params["year"])
        if year < as_of.year:  # a past year is seen as of its last day
            as_of = date(year, 12, 31)
        elif year > as_of.year:
            year = as_of.year
    fund_type = params.get("fund_type")
    if fund_type not in {"1", "2", "3", "4"}:
        fund_type = None
    return Filters(as_of=as_of, year=year, mof_div=params.get("mof_div"), fund_type=fund_type)

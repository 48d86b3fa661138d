"""Every view state lives in the URL query string, so a state can be shared,
bookmarked and reached again with the browser's back button.

Global filters (all pages): year, as_of (YYYY-MM-DD), mof_div, fund_type.
Mode flags: kiosk=1, present=1 (presentation mode), open=1 (open day), lang=en. Pages add their own drill keys (e.g. dept, func).
"""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from data.query.scope import Scope

GLOBAL_KEYS = ("year", "as_of", "mof_div", "fund_type")
MODE_KEYS = ("kiosk", "present", "open", "lang")


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


def filters(params: dict[str, str], default_as_of: date) -> Scope:
    """The global filters as a Scope (year always set); malformed values fall
    back to defaults, so a hand-edited URL never breaks a page."""
    return Scope.from_params(params, default_as_of, keys=GLOBAL_KEYS)

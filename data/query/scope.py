"""The one `Scope` every query takes, its time arithmetic, and the error a
bad argument raises. A Scope becomes URL query parameters and back
(`to_params` / `from_params`), so a new cut is added here once and every
page link, cache key and API call carries it."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Mapping

from data.measures import time_progress


class QueryError(ValueError):
    """A bad argument; `parameter` names it (the API answers 400 with it)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Scope:
    """What a figure is about: as of D, fiscal year `year` (default
    year(as_of)), and optional cuts narrowing the drill path. Every cut by a
    hierarchy node includes everything below the node."""

    as_of: date
    year: int | None = None
    mof_div: str | None = None  # region, including every region below it; None = all
    fund_type: str | None = None  # '1'..'4'
    dept: str | None = None
    agency: str | None = None
    func: str | None = None  # an EXP_FUNC code at any level (类/款/项)
    eco: str | None = None  # a DEP_ECO code at any level
    project: str | None = None
    # Individual payees' names and every account number are masked in what the
    # queries return (a deputy, the kiosk profile). Set by the server from the
    # viewer, never read from a URL.
    masked: bool = False

    @property
    def fiscal_year(self) -> int:
        return self.year if self.year is not None else self.as_of.year

    def replace(self, **changes: Any) -> "Scope":
        return replace(self, **changes)

    def to_params(self) -> dict[str, str]:
        """The non-empty fields as URL query parameters (strings)."""
        out = {}
        for f in fields(self):
            if f.name == "masked":
                continue
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, str], default_as_of: date,
                    keys: tuple[str, ...] | None = None) -> "Scope":
        """A Scope from URL query parameters (`keys`: the fields to read, default
        all). Malformed values fall back to defaults, since a hand-edited URL must
        never break a page: a bad date is the default date; a past year is seen
        as of its 31 December; a future year as the default date's year; an
        unknown fund type is none. The year is always set."""
        keys = keys or tuple(f.name for f in fields(cls))
        as_of = default_as_of
        if "as_of" in keys and "as_of" in params:
            try:
                as_of = date.fromisoformat(params["as_of"])
            except ValueError:
                pass
        year = as_of.year
        raw_year = str(params.get("year", "")) if "year" in keys else ""
        if raw_year.isdigit():
            year = int(raw_year)
            if year < as_of.year:
                as_of = date(year, 12, 31)
            elif year > as_of.year:
                year = as_of.year
        cuts = {k: (str(params[k]) if params.get(k) not in (None, "") else None)
                for k in CUTS if k in keys}
        if cuts.get("fund_type") not in (None, "1", "2", "3", "4"):
            cuts["fund_type"] = None
        return cls(as_of=as_of, year=year, **cuts)


CUTS = ("mof_div", "fund_type", "dept", "agency", "func", "eco", "project")

# -- time -----------------------------------------------------------------------

def scope_end(scope: Scope) -> date:
    """D: as_of, or the 31 Dec of an earlier fiscal year."""
    fy = scope.fiscal_year
    if fy < scope.as_of.year:
        return date(fy, 12, 31)
    return scope.as_of


def scope_tp(scope: Scope) -> float:
    """Time progress of the fiscal year at D (0 before it starts)."""
    end, fy = scope_end(scope), scope.fiscal_year
    if end.year < fy:
        return 0.0
    return time_progress(end)

"""An independent model of the problem loop, written from the text of SPEC
§3.3 and not from data/problems.py: the state table, who may do what, the
fields a step needs, overdue, the list's summary, and the statistics by
month, unit and rule (as data/query/problems.py's docstrings define them).

Where several refusals apply to one call the SPEC does not say which wins;
the model answers in the order the store documents: a problem the viewer may
not see (404), a role that may not act (403), an unknown action (400), a state
that does not allow it (409), a missing or bad field (400)."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

STATES = ("new", "assigned", "rectifying", "replied", "closed", "dismissed")
ACTIONS = ("assign", "start", "reopen", "reply", "close", "dismiss")
ENDED = ("closed", "dismissed")

# SPEC §3.3's table row by row: the status, and each action reaching it from which states.
_REACHED_BY = {
    "assigned": {"assign": ("new",)},
    "rectifying": {"start": ("assigned",), "reopen": ("replied",)},
    "replied": {"reply": ("assigned", "rectifying")},
    "closed": {"close": ("replied",)},
    "dismissed": {"dismiss": ("new", "assigned", "rectifying", "replied")},
}

# "needs `unit` … and `deadline`", "needs `text`"
NEEDS = {"assign": ("unit", "deadline"), "reopen": ("text",), "reply": ("text",),
         "dismiss": ("text",)}

CREATE_ROLES = ("staff", "admin", "deputy")  # a deputy's is a question
ACT_ROLES = ("staff", "admin")


def target(state: str, action: str) -> str | None:
    """The state `action` reaches from `state`, None when the table has no such step."""
    for to, by in _REACHED_BY.items():
        if state in by.get(action, ()):
            return to
    return None


def path_to(state: str) -> list[str]:
    """The shortest list of actions leading from `new` to `state`."""
    paths, frontier = {"new": []}, ["new"]
    while frontier:
        here = frontier.pop(0)
        for action in ACTIONS:
            there = target(here, action)
            if there is not None and there not in paths:
                paths[there] = paths[here] + [action]
                frontier.append(there)
    return paths[state]


def sees(role: str | None, is_owner: bool) -> bool:
    """Staff and admin see every problem, a deputy those they raised; an
    anonymous viewer (the kiosk profile) none one by one."""
    return role in ACT_ROLES or (role == "deputy" and is_owner)


@dataclass(frozen=True)
class Outcome:
    status: int  # 200 when the step is done, else the HTTP refusal
    to: str | None = None
    parameter: str | None = None


def outcome(role: str | None, is_owner: bool, state: str, action, missing=()) -> Outcome:
    """What `action` on a problem in `state` does; `missing` names the fields
    left out or unsound."""
    if not sees(role, is_owner):
        return Outcome(404)
    if role not in ACT_ROLES:
        return Outcome(403)
    if action not in ACTIONS:
        return Outcome(400, parameter="action")
    to = target(state, action)
    if to is None:
        return Outcome(409)
    for name in NEEDS.get(action, ()):
        if name in missing:
            return Outcome(400, parameter=name)
    return Outcome(200, to=to)


def overdue(status: str, deadline: date | None, today: date) -> bool:
    """While assigned or rectifying with the deadline before today."""
    return status in ("assigned", "rectifying") and deadline is not None and deadline < today


@dataclass
class Tracked:
    """A problem as the model follows it through its steps."""

    key: str
    created_at: datetime
    owner: str
    mof_div: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (rule, entity_code)
    status: str = "new"
    unit: str | None = None
    deadline: date | None = None
    closed_at: datetime | None = None
    ever_assigned: bool = False
    steps: list[tuple[str, datetime]] = field(default_factory=list)  # (action, at)

    def step(self, action: str, at: datetime, unit: str | None = None,
             deadline: date | None = None) -> None:
        to = target(self.status, action)
        assert to is not None, (self.key, self.status, action)
        if action == "assign":
            self.unit, self.deadline, self.ever_assigned = unit, deadline, True
        if action == "close":
            self.closed_at = at
        self.status = to
        self.steps.append((action, at))

    def days_to_close(self) -> int | None:
        """Calendar days from the day of creation to the day of 销号."""
        if self.status != "closed":
            return None
        return (self.closed_at.date() - self.created_at.date()).days


def summary(tracked, today: date) -> dict:
    """SPEC §3.3: found = all but dismissed; assigned = ever assigned; closed;
    open = found − closed; rectification_rate = closed / assigned (None when
    none assigned); the median of days from creation to closing."""
    tracked = list(tracked)
    found = [t for t in tracked if t.status != "dismissed"]
    assigned = [t for t in tracked if t.ever_assigned]
    closed = [t for t in tracked if t.status == "closed"]
    days = [t.days_to_close() for t in closed]
    return {
        "found": len(found), "assigned": len(assigned), "closed": len(closed),
        "dismissed": sum(1 for t in tracked if t.status == "dismissed"),
        "open": len(found) - len(closed),
        "overdue": sum(1 for t in tracked if overdue(t.status, t.deadline, today)),
        "rectification_rate": len(closed) / len(assigned) if assigned else None,
        "median_days_to_close": float(statistics.median(days)) if days else None,
    }


def by_month(tracked) -> dict[str, tuple[int, int]]:
    """YYYY-MM → (found in the month: created and not dismissed, closed in the month)."""
    found, closed = defaultdict(int), defaultdict(int)
    for t in tracked:
        if t.status != "dismissed":
            found[t.created_at.strftime("%Y-%m")] += 1
        if t.status == "closed":
            closed[t.closed_at.strftime("%Y-%m")] += 1
    return {m: (found[m], closed[m]) for m in set(found) | set(closed)}


def by_unit(tracked, today: date) -> dict[str, dict]:
    """The summary of the problems handed to each unit."""
    groups = defaultdict(list)
    for t in tracked:
        if t.unit is not None:
            groups[t.unit].append(t)
    return {unit: summary(ts, today) for unit, ts in groups.items()}


def by_rule(tracked, today: date) -> dict[str, dict]:
    """The summary per rule of the breaches problems were found from; those
    raised by hand under ""."""
    groups = defaultdict(list)
    for t in tracked:
        for rule in sorted({r for r, _code in t.links}) or [""]:
            groups[rule].append(t)
    return {rule: summary(ts, today) for rule, ts in groups.items()}


def holders(tracked) -> dict[tuple[str, str], set[str]]:
    """(rule, entity_code) → the keys of the open problems linking that breach."""
    out = defaultdict(set)
    for t in tracked:
        if t.status not in ENDED:
            for link in t.links:
                out[link].add(t.key)
    return dict(out)

"""The problem loop's figures (SPEC §3.3): the problems of a selection and
their summary, and the statistics by month, unit and rule. `scope.mof_div`
selects the problems of a region and every region below it; a deputy's
`raised_by` narrows to the problems they raised."""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Sequence

from sqlalchemy import Engine, select

from data import schema as s
from data.problems import STATUSES, ProblemHead, head_fields
from data.query.base import hierarchies
from data.query.scope import QueryError, Scope


class Link(NamedTuple):
    """A breach a problem was found from."""

    rule: str
    entity_code: str


@dataclass(frozen=True)
class ProblemRow(ProblemHead):
    """A problem as the list shows it: the rules and breaches it was found from."""

    rules: tuple[str, ...] = ()
    warnings: tuple[Link, ...] = ()

    @property
    def days_to_close(self) -> int | None:
        """Calendar days from creation to 销号."""
        if self.status != "closed" or self.closed_at is None:
            return None
        return (self.closed_at.date() - self.created_at.date()).days


def problems(engine: Engine, scope: Scope, status: str | None = None,
             raised_by: int | None = None, today: date | None = None) -> list[ProblemRow]:
    """The problems of the selection, newest first."""
    if status is not None and status not in STATUSES:
        raise QueryError("status", "取值应为 {names} 之一 / must be one of {names}: {status!r}".format(
            names=", ".join(STATUSES), status=status))
    today = today or date.today()
    p, u = s.problem, s.app_user
    stmt = (select(p, u.c.username.label("created_by_name"))
            .join(u, u.c.user_id == p.c.created_by).order_by(p.c.id.desc()))
    if status is not None:
        stmt = stmt.where(p.c.status == status)
    if raised_by is not None:
        stmt = stmt.where(p.c.created_by == raised_by)
    if scope.mof_div is not None:
        regions = hierarchies(engine).region.descendants(scope.mof_div) | {scope.mof_div}
        stmt = stmt.where(p.c.mof_div_code.in_(sorted(regions)))
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
        ids = [r["id"] for r in rows]
        assigned: set[int] = set()
        links: dict[int, list[Link]] = defaultdict(list)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            assigned.update(conn.execute(
                select(s.problem_event.c.problem_id).where(
                    s.problem_event.c.problem_id.in_(chunk),
                    s.problem_event.c.action == "assign")).scalars())
            for w in conn.execute(select(s.problem_warning.c.problem_id, s.problem_warning.c.rule,
                                         s.problem_warning.c.entity_code)
                                  .where(s.problem_warning.c.problem_id.in_(chunk))
                                  .order_by(s.problem_warning.c.rule,
                                            s.problem_warning.c.entity_code)):
                links[w.problem_id].append(Link(w.rule, w.entity_code))
    return [ProblemRow(**head_fields(r, today, r["id"] in assigned),
                       rules=tuple(sorted({w.rule for w in links[r["id"]]})),
                       warnings=tuple(links[r["id"]])) for r in rows]


@dataclass(frozen=True)
class Summary:
    found: int
    assigned: int
    closed: int
    dismissed: int
    open: int
    overdue: int
    rectification_rate: float | None
    median_days_to_close: float | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def summary(rows: Sequence[ProblemRow]) -> Summary:
    """SPEC §3.3's summary over a selection: found = all but dismissed;
    assigned = ever assigned; open = found − closed; rate = closed / assigned."""
    found = sum(1 for r in rows if r.status != "dismissed")
    assigned = sum(1 for r in rows if r.ever_assigned)
    closed = sum(1 for r in rows if r.status == "closed")
    days = [r.days_to_close for r in rows if r.days_to_close is not None]
    return Summary(
        found=found, assigned=assigned, closed=closed,
        dismissed=sum(1 for r in rows if r.status == "dismissed"), open=found - closed,
        overdue=sum(1 for r in rows if r.overdue),
        rectification_rate=round(closed / assigned, 4) if assigned else None,
        median_days_to_close=float(statistics.median(days)) if days else None)


def by_month(rows: Sequence[ProblemRow]) -> list[dict]:
    """Per month (YYYY-MM): problems found (created, not dismissed) and closed."""
    found = Counter(r.created_at.strftime("%Y-%m") for r in rows if r.status != "dismissed")
    closed = Counter(r.closed_at.strftime("%Y-%m") for r in rows
                     if r.status == "closed" and r.closed_at)
    return [{"month": m, "found": found.get(m, 0), "closed": closed.get(m, 0)}
            for m in sorted(set(found) | set(closed))]


def _grouped(rows: Sequence[ProblemRow], keys_of) -> list[dict]:
    groups: dict[str, list[ProblemRow]] = defaultdict(list)
    for r in rows:
        for k in keys_of(r):
            groups[k].append(r)
    out = [{"key": k, **summary(v).as_dict()} for k, v in groups.items()]
    return sorted(out, key=lambda d: (-d["found"], d["key"]))


def by_unit(rows: Sequence[ProblemRow]) -> list[dict]:
    """The summary per unit handed to (assigned problems only)."""
    return _grouped(rows, lambda r: [r.unit] if r.unit else [])


def by_rule(rows: Sequence[ProblemRow]) -> list[dict]:
    """The summary per rule of the breaches problems were found from; a
    problem raised by hand counts under "" (手工)."""
    return _grouped(rows, lambda r: r.rules or ("",))


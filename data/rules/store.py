"""Running the rules and keeping their results.

A breach keeps its rule_result row (and id) across evaluations, keyed by
(rule, entity_code): a new breach is inserted with first_seen = D; one still
breached is updated (level, value, message, last_seen = D); one no longer
breached, or whose rule is now disabled, gets resolved_on = D; one breached
again after it was resolved is reopened: resolved_on cleared and first_seen
reset to D (the current episode's start), the id kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from time import perf_counter

from sqlalchemy import Engine, bindparam, func, insert, select, update

from data import schema as s
from data.db import data_version
from data.i18n import _, use
from data.rules.breach import Breach
from data.rules.engine import evaluate_timed
from data.rules.grading import LEVEL_ORDER
from data.rules.registry import RULES
from data.status import data_as_of

BREACH_LEVELS = ("red", "orange", "yellow")
CHUNK = 500


@dataclass(frozen=True)
class RunSummary:
    as_of: date | None
    run_id: int | None
    counts: dict[str, dict[str, int]]  # rule → level → breaches, registry order, worst first
    seconds: float
    data_version: int
    rule_seconds: dict[str, float] = field(default_factory=dict)

    def by_level(self) -> dict[str, int]:
        return {level: sum(c.get(level, 0) for c in self.counts.values()) for level in BREACH_LEVELS}

    @property
    def total(self) -> int:
        return sum(self.by_level().values())

    def headline(self) -> str:
        if self.as_of is None:
            return "规则评估 / rules: 库中没有数据，未评估 / the store holds no data, nothing evaluated"
        levels = ", ".join(f"{level} {n}" for level, n in self.by_level().items())
        return (f"规则评估 / rules evaluated as of {self.as_of}: {self.total} breaches ({levels}) "
                f"in {self.seconds:.1f} s")

    def lines(self) -> list[str]:
        out = [self.headline()]
        for rule_id, levels in self.counts.items():
            rule = RULES[rule_id]
            with use("en"):
                name_en = _(rule.name_zh)
            counted = ", ".join(f"{level} {n}" for level, n in levels.items())
            out.append(f"  {rule_id} {rule.name_zh} / {name_en}: {counted}")
        return out


@dataclass(frozen=True, kw_only=True)
class StoredBreach(Breach):
    """A breach as stored, with its identity across evaluations."""

    id: int
    last_seen: date
    resolved_on: date | None


@dataclass(frozen=True)
class RunRecord:
    id: int
    as_of: date
    started_at: datetime
    finished_at: datetime
    data_version: int
    seconds: float
    counts: dict[str, dict[str, int]]


def run(engine: Engine, as_of: date | None = None) -> RunSummary:
    """Evaluate every rule as of `as_of` (default: the store's data date) and
    store the results in one transaction. An empty store is not evaluated."""
    started_at, started = datetime.now(), perf_counter()
    as_of = as_of or data_as_of(engine)
    if as_of is None:
        return RunSummary(None, None, {}, 0.0, data_version(engine))
    breaches, rule_seconds, version = evaluate_timed(engine, as_of)
    counts = _counts(breaches)
    with engine.begin() as conn:
        run_id = conn.execute(insert(s.rule_run).values(
            as_of=as_of, started_at=started_at, finished_at=started_at, data_version=version,
            seconds=0)).inserted_primary_key[0]
        if counts:
            conn.execute(insert(s.rule_run_count), [
                {"run_id": run_id, "rule": rule, "level": level, "n": n}
                for rule, levels in counts.items() for level, n in levels.items()])
        _store_results(conn, run_id, as_of, breaches)
        seconds = perf_counter() - started
        conn.execute(update(s.rule_run).where(s.rule_run.c.id == run_id).values(
            finished_at=datetime.now(), seconds=round(seconds, 3)))
    return RunSummary(as_of, run_id, counts, seconds, version, rule_seconds)


def _counts(breaches: list[Breach]) -> dict[str, dict[str, int]]:
    tally: dict[str, dict[str, int]] = {}
    for b in breaches:
        levels = tally.setdefault(b.rule, {})
        levels[b.level] = levels.get(b.level, 0) + 1
    return {rule: dict(sorted(tally[rule].items(), key=lambda kv: LEVEL_ORDER[kv[0]]))
            for rule in RULES if rule in tally}


def _store_results(conn, run_id: int, as_of: date, breaches: list[Breach]) -> None:
    r = s.rule_result
    existing = {(rule, code): (rid, first, resolved) for rid, rule, code, first, resolved in conn.execute(
        select(r.c.id, r.c.rule, r.c.entity_code, r.c.first_seen, r.c.resolved_on))}
    inserts, updates = [], []
    for b in breaches:
        row = {"rule": b.rule, "entity_type": b.entity_type, "entity_code": b.entity_code,
               "level": b.level, "value": b.value, "threshold": b.threshold, "message": b.message,
               "mof_div_code": b.mof_div, "agency_code": b.agency, "dept_code": b.dept,
               "name": b.name, "last_seen": as_of, "resolved_on": None, "run_id": run_id}
        known = existing.pop((b.rule, b.entity_code), None)
        if known is None:
            inserts.append({**row, "first_seen": as_of})
        else:
            rid, first, resolved = known
            first = as_of if resolved is not None else min(first, as_of)
            updates.append({**row, "first_seen": first, "row_id": rid})
    for i in range(0, len(inserts), CHUNK):
        conn.execute(insert(r), inserts[i:i + CHUNK])
    for i in range(0, len(updates), CHUNK):
        conn.execute(update(r).where(r.c.id == bindparam("row_id")), updates[i:i + CHUNK])
    gone = sorted(rid for rid, _first, resolved in existing.values() if resolved is None)
    for i in range(0, len(gone), CHUNK):
        conn.execute(update(r).where(r.c.id.in_(gone[i:i + CHUNK])).values(resolved_on=as_of))


def stored_breaches(engine: Engine, rule: str | None = None, level: str | None = None,
                    open_only: bool = True) -> list[StoredBreach]:
    """The stored results (open ones by default), by rule (registry order)
    then entity_code."""
    r = s.rule_result
    stmt = select(r)
    if rule is not None:
        stmt = stmt.where(r.c.rule == rule)
    if level is not None:
        stmt = stmt.where(r.c.level == level)
    if open_only:
        stmt = stmt.where(r.c.resolved_on.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    order = {rule_id: i for i, rule_id in enumerate(RULES)}
    rows.sort(key=lambda row: (order.get(row.rule, len(order)), row.entity_code))
    return [StoredBreach(
        id=row.id, rule=row.rule, level=row.level, entity_type=row.entity_type,
        entity_code=row.entity_code, value=row.value, threshold=row.threshold, message=row.message,
        mof_div=row.mof_div_code, agency=row.agency_code, dept=row.dept_code, name=row.name,
        first_seen=row.first_seen, last_seen=row.last_seen, resolved_on=row.resolved_on)
        for row in rows]


def latest_run(engine: Engine) -> RunRecord | None:
    """The last stored evaluation, or None."""
    t, c = s.rule_run, s.rule_run_count
    with engine.connect() as conn:
        row = conn.execute(select(t).order_by(t.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        counted = conn.execute(select(c.c.rule, c.c.level, c.c.n).where(c.c.run_id == row.id)).all()
    tally: dict[str, dict[str, int]] = {}
    for rule, level, n in counted:
        tally.setdefault(rule, {})[level] = n
    counts = {rule: dict(sorted(tally[rule].items(), key=lambda kv: LEVEL_ORDER[kv[0]]))
              for rule in RULES if rule in tally}
    return RunRecord(row.id, row.as_of, row.started_at, row.finished_at, row.data_version,
                     float(row.seconds), counts)


def run_history(engine: Engine) -> list[tuple[date, str, int]]:
    """(as_of, level, breaches) for every evaluation date, from the latest run
    of that date, each of red, orange and yellow (0 included), by date."""
    t, c = s.rule_run, s.rule_run_count
    latest = select(func.max(t.c.id).label("run_id")).group_by(t.c.as_of).subquery()
    with engine.connect() as conn:
        runs = conn.execute(select(t.c.id, t.c.as_of).join(latest, latest.c.run_id == t.c.id)
                            .order_by(t.c.as_of)).all()
        sums = conn.execute(select(c.c.run_id, c.c.level, func.sum(c.c.n))
                            .join(latest, latest.c.run_id == c.c.run_id)
                            .group_by(c.c.run_id, c.c.level)).all()
    by_run = {(run_id, level): int(n) for run_id, level, n in sums}
    return [(as_of, level, by_run.get((run_id, level), 0))
            for run_id, as_of in runs for level in BREACH_LEVELS]

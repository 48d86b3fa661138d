"""The problem loop 问题闭环 (SPEC §3.3): a problem found from breaches or
raised by hand moves 待核实 → 已交办 → 整改中 → 已反馈 → 已销号 (or 已核销).

Every write checks, in this order: the problem is visible to the viewer
(404), the viewer's role may act (403), the action exists (400), the state
allows it (409), its fields are present and sound (400). A refused call
changes nothing. Each step appends to `problem_event` (the history, never
rewritten) and to the audit trail in the same transaction."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from data.accounts import Viewer
from data.audit import record
from data.i18n import N_
from data.schema import agency, app_user, mof_div, problem, problem_event, problem_file
from data.schema import problem_warning, rule_result

STATUS_ZH = {"new": N_("待核实"), "assigned": N_("已交办"), "rectifying": N_("整改中"),
             "replied": N_("已反馈"), "closed": N_("已销号"), "dismissed": N_("已核销")}
STATUSES = tuple(STATUS_ZH)
ENDED = ("closed", "dismissed")
ACTIVE = ("assigned", "rectifying")  # the states a deadline runs in

# action → (the states it may start from, the state it reaches)
TRANSITIONS = {
    "assign": (("new",), "assigned"),
    "start": (("assigned",), "rectifying"),
    "reopen": (("replied",), "rectifying"),
    "reply": (("assigned", "rectifying"), "replied"),
    "close": (("replied",), "closed"),
    "dismiss": (("new", "assigned", "rectifying", "replied"), "dismissed"),
}
ACTION_ZH = {"create": N_("立项"), "assign": N_("交办"), "start": N_("开始整改"),
             "reopen": N_("退回重改"), "reply": N_("整改反馈"), "close": N_("销号"),
             "dismiss": N_("核销")}
NEEDS_TEXT = {"reopen": "退回理由 / why the reply was not accepted",
              "reply": "单位的整改情况 / the unit's account of what it did",
              "dismiss": "核销理由 / the reason"}
TITLE_MAX, TEXT_MAX = 200, 5000
MAX_ID = 2**31 - 1  # the largest value of the id column (INTEGER)


class ProblemError(Exception):
    """A refused call: `status` is the HTTP answer (400, 403, 404, 409),
    `parameter` the field at fault (400), `message` Chinese / English."""

    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def _bad(parameter: str, message: str) -> ProblemError:
    return ProblemError(400, f"{parameter}: {message}", parameter)


@dataclass(frozen=True)
class Event:
    at: datetime
    user: str
    action: str
    from_status: str | None
    to_status: str
    text: str | None
    unit: str | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class LinkedBreach:
    """A breach as it stood when the problem was found from it."""

    rule: str
    entity_code: str
    entity_type: str
    level: str
    value: Decimal | None
    threshold: Decimal | None
    message: str
    name: str
    mof_div: str | None
    agency: str | None = None
    dept: str | None = None


@dataclass(frozen=True)
class ProblemHead:
    """A problem's own row as of today: what the list and the detail share."""

    id: int
    title: str
    description: str | None
    status: str
    mof_div: str | None
    unit: str | None
    deadline: date | None
    overdue: bool
    created_at: datetime
    closed_at: datetime | None
    created_by: int
    created_by_name: str
    notice_no: str | None
    source_url: str | None
    ever_assigned: bool

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]

    @property
    def open(self) -> bool:
        return self.status not in ENDED


def head_fields(row, today: date, ever_assigned: bool) -> dict[str, Any]:
    """A ProblemHead's fields from a `problem` row joined with its creator's name."""
    return dict(id=row["id"], title=row["title"], description=row["description"],
                status=row["status"], mof_div=row["mof_div_code"], unit=row["unit_code"],
                deadline=row["deadline"], overdue=is_overdue(row["status"], row["deadline"], today),
                created_at=row["created_at"], closed_at=row["closed_at"],
                created_by=row["created_by"], created_by_name=row["created_by_name"],
                notice_no=row["notice_no"], source_url=row["source_url"],
                ever_assigned=ever_assigned)


@dataclass(frozen=True)
class Problem(ProblemHead):
    """One problem whole: the breaches it was found from, its history, its files."""

    warnings: tuple[LinkedBreach, ...] = ()
    history: tuple[Event, ...] = ()
    files: tuple[dict, ...] = field(default=())


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    return status in ACTIVE and deadline is not None and deadline < today


def visible_condition(viewer: Viewer):
    """A deputy sees the problems they raised; staff and admin see all; the
    kiosk profile sees none one by one (only the counts)."""
    if viewer.can("handle_problems"):
        return None
    if viewer.role == "deputy":
        return problem.c.created_by == viewer.user_id
    return problem.c.id.is_(None)


# -- reading -----------------------------------------------------------------------

def get(engine: Engine, viewer: Viewer, problem_id: int, today: date | None = None) -> Problem:
    """One problem with its breaches, history and files; 404 when the viewer may not see it."""
    with engine.connect() as conn:
        return _load(conn, viewer, problem_id, today or date.today())


def _load(conn: Connection, viewer: Viewer, problem_id: int, today: date) -> Problem:
    missing = ProblemError(404, f"问题不存在 / no such problem: {problem_id}")
    if not 0 < problem_id <= MAX_ID:  # PostgreSQL would refuse the query, not find nothing
        raise missing
    stmt = (select(problem, app_user.c.username.label("created_by_name"))
            .join(app_user, app_user.c.user_id == problem.c.created_by)
            .where(problem.c.id == problem_id))
    cond = visible_condition(viewer)
    if cond is not None:
        stmt = stmt.where(cond)
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise missing
    warnings = tuple(LinkedBreach(
        rule=w.rule, entity_code=w.entity_code, entity_type=w.entity_type, level=w.level,
        value=w.value, threshold=w.threshold, message=w.message, name=w.name,
        mof_div=w.mof_div_code, agency=w.agency_code, dept=w.dept_code) for w in conn.execute(
            select(problem_warning).where(problem_warning.c.problem_id == problem_id)
            .order_by(problem_warning.c.rule, problem_warning.c.entity_code)))
    history = tuple(Event(at=e.at, user=e.username, action=e.action, from_status=e.from_status,
                          to_status=e.to_status, text=e.text, unit=e.unit_code,
                          deadline=e.deadline) for e in conn.execute(
        select(problem_event).where(problem_event.c.problem_id == problem_id)
        .order_by(problem_event.c.id)))
    files = tuple(dict(f) for f in conn.execute(
        select(problem_file.c.id, problem_file.c.kind, problem_file.c.file_name,
               problem_file.c.content_type, problem_file.c.size, problem_file.c.uploaded_at,
               problem_file.c.uploaded_by)
        .where(problem_file.c.problem_id == problem_id).order_by(problem_file.c.id)).mappings())
    return Problem(**head_fields(row, today, any(e.action == "assign" for e in history)),
                   warnings=warnings, history=history, files=files)


def overdue_ids(engine: Engine, today: date | None = None) -> set[int]:
    """The problems past their deadline while assigned or rectifying."""
    stmt = select(problem.c.id).where(problem.c.status.in_(ACTIVE),
                                      problem.c.deadline < (today or date.today()))
    with engine.connect() as conn:
        return set(conn.execute(stmt).scalars())


def holding(engine: Engine) -> dict[tuple[str, str], int]:
    """(rule, entity_code) → the open problem that holds the breach (the
    oldest, should several)."""
    stmt = (select(problem_warning.c.rule, problem_warning.c.entity_code,
                   func.min(problem.c.id))
            .join(problem, problem.c.id == problem_warning.c.problem_id)
            .where(problem.c.status.not_in(ENDED))
            .group_by(problem_warning.c.rule, problem_warning.c.entity_code))
    with engine.connect() as conn:
        return {(r[0], r[1]): int(r[2]) for r in conn.execute(stmt)}


# -- writing -----------------------------------------------------------------------

def _text(value: Any, parameter: str, required: bool, limit: int = TEXT_MAX) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _bad(parameter, "必填 / required")
        return None
    if not isinstance(value, str):
        raise _bad(parameter, "应为文本 / must be text")
    value = value.strip()
    if len(value) > limit:
        raise _bad(parameter, "不能超过 {limit} 个字符 / at most {limit} characters".format(limit=limit))
    return value


def _region(conn: Connection, code: Any, parameter: str) -> str | None:
    if code is None or code == "":
        return None
    if not isinstance(code, str) or conn.execute(
            select(mof_div.c.mof_div_code).where(mof_div.c.mof_div_code == code)).first() is None:
        raise _bad(parameter, f"区划代码不存在 / unknown MOF_DIV_CODE: {code!r}")
    return code


def _warnings(conn: Connection, given: Any) -> list[Any]:
    """The listed breaches, each of the latest stored evaluation."""
    if given is None:
        return []
    if not isinstance(given, list):
        raise _bad("warnings", "应为列表 / must be a list of {rule, entity_code}")
    found, seen = [], set()
    for i, item in enumerate(given):
        if not (isinstance(item, dict) and isinstance(item.get("rule"), str)
                and isinstance(item.get("entity_code"), str)):
            raise _bad("warnings", "第 {n} 项应含 rule 与 entity_code / item {n} needs rule and "
                                   "entity_code".format(n=i + 1))
        key = (item["rule"], item["entity_code"])
        if key in seen:
            continue
        seen.add(key)
        row = conn.execute(select(rule_result).where(
            rule_result.c.rule == key[0], rule_result.c.entity_code == key[1],
            rule_result.c.resolved_on.is_(None))).mappings().first()
        if row is None:
            raise _bad("warnings", f"不是最近一次评估的预警 / not a breach of the latest "
                                   f"evaluation: {key[0]} {key[1]}")
        found.append(row)
    return found


def create(engine: Engine, viewer: Viewer, title: Any, description: Any = None,
           mof_div_code: Any = None, warnings: Any = None, source_url: Any = None,
           now: datetime | None = None) -> int:
    """A new problem (待核实) from breaches of the latest evaluation or by
    hand; a deputy's is their question. Returns its id."""
    if not viewer.can("raise_question"):
        raise ProblemError(403, "此账户不能提出问题 / this account may not raise problems")
    title = _text(title, "title", True, TITLE_MAX)
    description = _text(description, "description", False)
    source_url = _text(source_url, "url", False, 2000)
    now = now or datetime.now()
    with engine.begin() as conn:
        region = _region(conn, mof_div_code, "mof_div")
        linked = _warnings(conn, warnings)
        regions = {w["mof_div_code"] for w in linked}
        if region is None and len(regions) == 1:
            region = regions.pop()
        pid = conn.execute(insert(problem).values(
            title=title, description=description, status="new", mof_div_code=region,
            source_url=source_url, created_at=now, created_by=viewer.user_id,
        )).inserted_primary_key[0]
        for w in linked:
            conn.execute(insert(problem_warning).values(
                problem_id=pid, rule=w["rule"], entity_code=w["entity_code"],
                entity_type=w["entity_type"], level=w["level"], value=w["value"],
                threshold=w["threshold"], message=w["message"], name=w["name"],
                mof_div_code=w["mof_div_code"], agency_code=w["agency_code"],
                dept_code=w["dept_code"]))
        _event(conn, pid, viewer, now, "create", None, "new", None)
        record(conn, viewer.name, "problem",
               f"#{pid} create: {title}" + (f" ({len(linked)} breaches)" if linked else ""),
               viewer.ip)
    return int(pid)


def _event(conn: Connection, pid: int, viewer: Viewer, now: datetime, action: str,
           from_status: str | None, to_status: str, text: str | None,
           unit: str | None = None, deadline: date | None = None) -> None:
    conn.execute(insert(problem_event).values(
        problem_id=pid, at=now, user_id=viewer.user_id, username=viewer.name, action=action,
        from_status=from_status, to_status=to_status, text=text, unit_code=unit,
        deadline=deadline))


def _unit(conn: Connection, code: Any) -> str:
    if not isinstance(code, str) or not code.strip():
        raise _bad("unit", "必填：单位代码或区划代码 / required: an AGENCY_CODE or MOF_DIV_CODE")
    code = code.strip()
    if (conn.execute(select(agency.c.agency_code).where(agency.c.agency_code == code)).first()
            is None and conn.execute(select(mof_div.c.mof_div_code)
                                     .where(mof_div.c.mof_div_code == code)).first() is None):
        raise _bad("unit", f"单位或区划代码不存在 / unknown AGENCY_CODE or MOF_DIV_CODE: {code!r}")
    return code


def _deadline(value: Any, today: date) -> date:
    if value is None or value == "":
        raise _bad("deadline", "必填，格式 YYYY-MM-DD / required, format YYYY-MM-DD")
    try:
        # fromisoformat alone would also take 20251031 and week dates (2025-W44-5)
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise _bad("deadline", f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {value!r}")
    if day < today:
        raise _bad("deadline", f"期限不能早于今天 / the deadline must not be before today: {value}")
    return day


def _notice_no(conn: Connection, year: int) -> str:
    prefix = f"督〔{year}〕"  # i18n: data (the notice number, stored)
    n = conn.execute(select(func.count()).select_from(problem)
                     .where(problem.c.notice_no.like(prefix + "%"))).scalar()
    return f"{prefix}{n + 1}号"  # i18n: data


def act(engine: Engine, viewer: Viewer, problem_id: int, action: Any, unit: Any = None,
        deadline: Any = None, text: Any = None, today: date | None = None,
        now: datetime | None = None) -> Problem:
    """One step of SPEC §3.3's table; returns the problem as it now stands."""
    now = now or datetime.now()
    today = today or now.date()
    with engine.begin() as conn:
        current = _load(conn, viewer, problem_id, today)
        if not viewer.can("handle_problems"):
            raise ProblemError(403, "只有工作人员或管理员可以处理问题 / only staff and admin "
                                    "may act on problems")
        if not isinstance(action, str) or action not in TRANSITIONS:
            raise _bad("action", "取值应为 {names} 之一 / must be one of {names}: {action!r}".format(
                names=", ".join(TRANSITIONS), action=action))
        sources, target = TRANSITIONS[action]
        if current.status not in sources:
            raise ProblemError(409, "问题状态为「{status_zh}」，不能「{action_zh}」 / cannot {action} a "
                                    "problem that is {status}".format(
                                        status_zh=current.status_zh, action_zh=ACTION_ZH[action],
                                        action=action, status=current.status))
        note = _text(text, "text", action in NEEDS_TEXT)
        values: dict[str, Any] = {"status": target}
        code = day = None
        if action == "assign":
            code, day = _unit(conn, unit), _deadline(deadline, today)
            values.update(unit_code=code, deadline=day, notice_no=_notice_no(conn, today.year))
        if action == "close":
            values["closed_at"] = now
        moved = conn.execute(update(problem).where(problem.c.id == problem_id,
                                                   problem.c.status == current.status)
                             .values(**values)).rowcount
        if moved != 1:  # another request moved it first
            raise ProblemError(409, "问题刚被他人处理，请刷新后再试 / the problem was just changed "
                                    "by someone else; reload and try again")
        _event(conn, problem_id, viewer, now, action, current.status, target, note, code, day)
        record(conn, viewer.name, "problem",
               f"#{problem_id} {action}: {current.status} → {target}"
               + (f" unit={code} deadline={day}" if code else "") + (f" ({note})" if note else ""),
               viewer.ip)
        return _load(conn, viewer, problem_id, today)


def unit_name(conn_or_engine, code: str | None) -> str | None:
    """The name of the agency or region a problem was handed to."""
    if code is None:
        return None

    def read(conn: Connection) -> str | None:
        return (conn.execute(select(agency.c.agency_name).where(agency.c.agency_code == code))
                .scalar() or conn.execute(select(mof_div.c.mof_div_name)
                                          .where(mof_div.c.mof_div_code == code)).scalar())

    if isinstance(conn_or_engine, Connection):
        return read(conn_or_engine)
    with conn_or_engine.connect() as conn:
        return read(conn)


def api_dict(p: Problem, with_history: bool = True) -> dict[str, Any]:
    """The problem as SPEC §3.3 writes it; without its history `p` may also
    be a row of `data.query.problems.problems`."""
    out = {"id": p.id, "title": p.title, "description": p.description, "status": p.status,
           "mof_div": p.mof_div, "unit": p.unit,
           "deadline": p.deadline.isoformat() if p.deadline else None, "overdue": p.overdue,
           "created_at": p.created_at.isoformat(timespec="seconds"),
           "closed_at": p.closed_at.isoformat(timespec="seconds") if p.closed_at else None,
           "warnings": [{"rule": w.rule, "entity_code": w.entity_code} for w in p.warnings]}
    if with_history:
        out["history"] = [{"at": e.at.isoformat(timespec="seconds"), "user": e.user,
                           "action": e.action, "from": e.from_status, "to": e.to_status,
                           "text": e.text} for e in p.history]
    return out


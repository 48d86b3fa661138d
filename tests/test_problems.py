"""The problem loop of SPEC §3.3 in the store (data.problems and
data.query.problems), on both backends, against the independent model in
tests/problem_oracle.py: every action from every state by every kind of
viewer; the fields a step needs; breaches a problem may be found from and
holds until it ends; the summary and the statistics over a mixed set of
problems; what a deputy sees. The audit chain verifies after every test."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data import accounts, audit
from data import schema as s
from data.accounts import Viewer
from data.problems import ProblemError, act, create, get, holding
from data.query import Scope
from data.query.problems import by_month, by_rule, by_unit, problems, summary
from data.rules import run, stored_breaches
from tests import overview_fixture as fx
from tests import problem_oracle as oracle

IP = "10.0.0.9"
FUTURE = date.today() + timedelta(days=30)
NOT_AN_ACTION = "approve"


@dataclass
class Store:
    engine: object
    admin: Viewer
    staff: Viewer
    deputy: Viewer
    other_deputy: Viewer
    kiosk: Viewer


@pytest.fixture
def store(engine):
    """The overview fixture's regions and agencies, its breaches stored as of
    D, and one account of each kind; the audit chain must verify at the end."""
    fx.load(engine)
    run(engine, fx.D)

    def account(name: str, role: str) -> Viewer:
        return Viewer(accounts.create_user(engine, name, role), name, role, IP)

    yield Store(engine, account("admin-p", "admin"), account("staff-p", "staff"),
                account("deputy-p", "deputy"), account("deputy-q", "deputy"),
                Viewer(None, None, None, IP))
    report = audit.verify(engine)
    assert report.ok, report.line()


def snapshot(engine, pid: int) -> tuple[dict, list[dict], int]:
    """The problem's row, its history and the length of the audit trail."""
    with engine.connect() as conn:
        row = dict(conn.execute(select(s.problem).where(s.problem.c.id == pid)).mappings().one())
        events = [dict(e) for e in conn.execute(
            select(s.problem_event).where(s.problem_event.c.problem_id == pid)
            .order_by(s.problem_event.c.id)).mappings()]
        trail = conn.execute(select(func.count()).select_from(s.audit_log)).scalar()
    return row, events, trail


def counts(engine) -> tuple[int, int, int, int]:
    """Problems, their links to breaches, history entries, audit entries."""
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar()
                     for t in (s.problem, s.problem_warning, s.problem_event, s.audit_log))


def step_fields(action: str) -> dict:
    """Sound fields for `action`: what it needs and a text (optional for the others)."""
    fields = {"text": f"{action} 的说明"}
    if action == "assign":
        fields.update(unit=fx.A1, deadline=FUTURE.isoformat())
    return fields


def reach(st: Store, state: str, owner: Viewer) -> int:
    pid = create(st.engine, owner, f"问题（{state}）")
    for action in oracle.path_to(state):
        act(st.engine, st.staff, pid, action, **step_fields(action))
    return pid


def assert_moved(before, after, viewer: Viewer, action: str, frm: str, to: str,
                 fields: dict, case) -> None:
    """One step: the status moves, assign sets unit, deadline and the notice
    number, close sets closed_at; one history entry and one audit entry."""
    (row0, events0, trail0), (row1, events1, trail1) = before, after
    changed = {"status": to}
    if action == "assign":
        assert row1["notice_no"] and row0["notice_no"] is None, case
        changed.update(unit_code=fields["unit"], deadline=date.fromisoformat(fields["deadline"]),
                       notice_no=row1["notice_no"])
    if action == "close":
        assert row1["closed_at"] is not None and row0["closed_at"] is None, case
        changed["closed_at"] = row1["closed_at"]
    assert row1 == {**row0, **changed}, case
    assert events1[:-1] == events0 and len(events1) == len(events0) + 1, case
    last = events1[-1]
    assert (last["action"], last["from_status"], last["to_status"], last["username"],
            last["user_id"], last["text"]) == (action, frm, to, viewer.name, viewer.user_id,
                                               fields["text"]), case
    assert (last["unit_code"], last["deadline"]) == (
        (changed["unit_code"], changed["deadline"]) if action == "assign" else (None, None)), case
    assert trail1 == trail0 + 1, case


# -- the state table × roles -------------------------------------------------------

VIEWERS = ("admin", "staff", "deputy", "other_deputy", "kiosk")
OWNERS = ("staff", "deputy")


@pytest.mark.parametrize("state", oracle.STATES)
def test_every_action_by_every_viewer_from(store, state):
    """Legal steps move the state with exactly one history entry; everything
    else is refused with the model's status and changes nothing."""
    for owner_key in OWNERS:
        owner = getattr(store, owner_key)
        for who in VIEWERS:
            viewer = getattr(store, who)
            for action in oracle.ACTIONS + (NOT_AN_ACTION,):
                case = (state, f"raised by {owner_key}", who, action)
                pid = reach(store, state, owner)
                want = oracle.outcome(viewer.role, viewer.user_id == owner.user_id, state, action)
                fields = step_fields(action)
                before = snapshot(store.engine, pid)
                if want.status == 200:
                    got = act(store.engine, viewer, pid, action, **fields)
                    after = snapshot(store.engine, pid)
                    assert_moved(before, after, viewer, action, state, want.to, fields, case)
                    assert got.status == want.to and len(got.history) == len(after[1]), case
                    continue
                with pytest.raises(ProblemError) as refused:
                    act(store.engine, viewer, pid, action, **fields)
                assert (refused.value.status, refused.value.parameter) == \
                    (want.status, want.parameter), case
                assert " / " in refused.value.message, case  # 中文 / English
                assert snapshot(store.engine, pid) == before, case


def test_a_rejected_reply_goes_back_to_rectifying_and_round_again(store):
    """replied → reopen → rectifying → reply → replied → close: the whole
    history is kept in order."""
    st = store
    pid = reach(st, "replied", st.deputy)
    for action in ("reopen", "reply", "reopen", "start", "reply", "close"):
        want = oracle.target(get(st.engine, st.admin, pid).status, action)
        if want is None:
            with pytest.raises(ProblemError) as refused:
                act(st.engine, st.admin, pid, action, **step_fields(action))
            assert refused.value.status == 409
            continue
        assert act(st.engine, st.admin, pid, action, **step_fields(action)).status == want
    history = get(st.engine, st.staff, pid).history
    assert [(e.action, e.from_status, e.to_status) for e in history] == [
        ("create", None, "new"), ("assign", "new", "assigned"), ("reply", "assigned", "replied"),
        ("reopen", "replied", "rectifying"), ("reply", "rectifying", "replied"),
        ("reopen", "replied", "rectifying"), ("reply", "rectifying", "replied"),
        ("close", "replied", "closed")]
    assert [e.user for e in history] == [st.deputy.name] + [st.staff.name] * 2 + \
        [st.admin.name] * 5


# -- fields --------------------------------------------------------------------------

TODAY = date(2025, 10, 15)
NOW = datetime(2025, 10, 15, 10, 30)
LATER = "2025-11-14"

BAD_STEPS = [
    ("assign", {"deadline": LATER}, "unit"),
    ("assign", {"unit": "", "deadline": LATER}, "unit"),
    ("assign", {"unit": "   ", "deadline": LATER}, "unit"),
    ("assign", {"unit": "999999", "deadline": LATER}, "unit"),
    ("assign", {"unit": "F1", "deadline": LATER}, "unit"),  # a direct fund, not a unit
    ("assign", {"unit": "P1", "deadline": LATER}, "unit"),  # a payment
    ("assign", {"unit": int(fx.A1), "deadline": LATER}, "unit"),
    ("assign", {"unit": fx.A1}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": ""}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": "2025/11/14"}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": "20251114"}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": "2025-11-31"}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": "2025-W46-5"}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": "2025-11-14T00:00"}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": 20251114}, "deadline"),
    ("assign", {"unit": fx.A1, "deadline": "2025-10-14"}, "deadline"),  # the day before today
    ("reply", {}, "text"),
    ("reply", {"text": ""}, "text"),
    ("reply", {"text": " \n\t"}, "text"),
    ("reply", {"text": 42}, "text"),
    ("reopen", {}, "text"),
    ("reopen", {"text": "  "}, "text"),
    ("dismiss", {}, "text"),
    ("dismiss", {"text": ""}, "text"),
    (None, {}, "action"),
    ("", {}, "action"),
    ("Assign", {"unit": fx.A1, "deadline": LATER}, "action"),
    (["assign"], {"unit": fx.A1, "deadline": LATER}, "action"),
    ({"action": "assign"}, {}, "action"),
]


def _state_allowing(action) -> str:
    """A state from which `action` is a legal step (`new` for a non-action)."""
    return next((st for st in oracle.STATES if isinstance(action, str)
                 and oracle.target(st, action)), "new")


def test_missing_or_bad_fields_answer_400_naming_them(store):
    for action, fields, parameter in BAD_STEPS:
        case = (action, fields)
        pid = reach(store, _state_allowing(action), store.deputy)
        before = snapshot(store.engine, pid)
        with pytest.raises(ProblemError) as refused:
            act(store.engine, store.staff, pid, action, today=TODAY, now=NOW, **fields)
        err = refused.value
        assert (err.status, err.parameter) == (400, parameter), case
        assert err.message.startswith(f"{parameter}: ") and " / " in err.message, case
        assert snapshot(store.engine, pid) == before, case


@pytest.mark.parametrize("unit", [fx.A1, fx.A3, fx.C, fx.T2])
def test_a_unit_is_an_agency_or_a_region_and_the_deadline_may_be_today(store, unit):
    pid = create(store.engine, store.staff, "交办给单位或区划")
    got = act(store.engine, store.staff, pid, "assign", unit=unit, deadline=TODAY.isoformat(),
              today=TODAY, now=NOW)
    assert (got.status, got.unit, got.deadline, got.overdue) == \
        ("assigned", unit, TODAY, False)
    assert get(store.engine, store.staff, pid, today=TODAY + timedelta(days=1)).overdue


def test_a_step_without_a_needed_text_keeps_none_and_text_is_trimmed(store):
    pid = reach(store, "assigned", store.staff)
    act(store.engine, store.staff, pid, "start")
    act(store.engine, store.staff, pid, "reply", text="  已整改完毕  ")
    history = get(store.engine, store.staff, pid).history
    assert [(e.action, e.text) for e in history][-2:] == [("start", None),
                                                          ("reply", "已整改完毕")]


# -- raising a problem ----------------------------------------------------------------

@pytest.mark.parametrize("who", ["staff", "admin", "deputy", "kiosk"])
def test_who_may_raise_a_problem(store, who):
    viewer = getattr(store, who)
    before = counts(store.engine)
    if who not in oracle.CREATE_ROLES:
        with pytest.raises(ProblemError) as refused:
            create(store.engine, viewer, "一个问题")
        assert refused.value.status == 403 and " / " in refused.value.message
        assert counts(store.engine) == before
        return
    pid = create(store.engine, viewer, "  一个问题  ", description="说明", mof_div_code=fx.T1,
                 source_url="/execution?mof_div=33040201")
    p = get(store.engine, viewer, pid)
    assert (p.title, p.description, p.status, p.mof_div, p.unit, p.deadline, p.closed_at,
            p.created_by, p.source_url) == ("一个问题", "说明", "new", fx.T1, None, None, None,
                                            viewer.user_id, "/execution?mof_div=33040201")
    assert [(e.action, e.from_status, e.to_status, e.user) for e in p.history] == \
        [("create", None, "new", viewer.name)]
    assert counts(store.engine) == (before[0] + 1, before[1], before[2] + 1, before[3] + 1)
    entry = audit.search(store.engine, action="problem", limit=1)[0][0]
    assert (entry["username"], entry["ip"]) == (viewer.name, IP) and f"#{pid}" in entry["detail"]


BAD_NEW = [
    ({"title": None}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": 7}, "title"),
    ({"title": "问" * 201}, "title"),
    ({"title": "t", "description": ["x"]}, "description"),
    ({"title": "t", "mof_div_code": "999999"}, "mof_div"),
    ({"title": "t", "mof_div_code": fx.A1}, "mof_div"),  # an agency, not a region
    ({"title": "t", "warnings": "EXEC_LAG"}, "warnings"),
    ({"title": "t", "warnings": {"rule": "EXEC_LAG", "entity_code": fx.A1}}, "warnings"),
    ({"title": "t", "warnings": [{"rule": "EXEC_LAG"}]}, "warnings"),
    ({"title": "t", "warnings": [["EXEC_LAG", fx.A1]]}, "warnings"),
    ({"title": "t", "warnings": [{"rule": "EXEC_LAG", "entity_code": fx.A3}]}, "warnings"),
    ({"title": "t", "warnings": [{"rule": "EXEC_LAG", "entity_code": fx.A1},
                                 {"rule": "NO_SUCH_RULE", "entity_code": fx.A1}]}, "warnings"),
]


def test_bad_input_for_a_new_problem_answers_400_and_writes_nothing(store):
    for kwargs, parameter in BAD_NEW:
        before = counts(store.engine)
        with pytest.raises(ProblemError) as refused:
            create(store.engine, store.staff, **kwargs)
        err = refused.value
        assert (err.status, err.parameter) == (400, parameter), kwargs
        assert err.message.startswith(f"{parameter}: ") and " / " in err.message, kwargs
        assert counts(store.engine) == before, kwargs


# -- breaches a problem is found from ------------------------------------------------

EXEC_A1 = ("EXEC_LAG", fx.A1)
EXEC_A2 = ("EXEC_LAG", fx.A2)
NO_QUOTA_P1 = ("PAY_NO_QUOTA", "P1")


def _links(*keys) -> list[dict]:
    return [{"rule": r, "entity_code": c} for r, c in keys]


def test_breaches_are_held_until_the_problem_is_closed_or_dismissed(store):
    st = store
    first = create(st.engine, st.staff, "教育局执行滞后", warnings=_links(EXEC_A1, NO_QUOTA_P1))
    second = create(st.engine, st.deputy, "教育局为何执行慢", warnings=_links(EXEC_A1, EXEC_A1))
    third = create(st.engine, st.staff, "街道执行滞后", warnings=_links(EXEC_A2))
    p = get(st.engine, st.staff, first)
    assert {(w.rule, w.entity_code) for w in p.warnings} == {EXEC_A1, NO_QUOTA_P1}
    assert {(w.rule, w.entity_code) for w in get(st.engine, st.deputy, second).warnings} == \
        {EXEC_A1}
    stored = {(b.rule, b.entity_code): b for b in stored_breaches(st.engine)}
    for w in p.warnings:  # the breach as it stood when the problem was found from it
        b = stored[(w.rule, w.entity_code)]
        assert (w.level, w.message, w.name, w.mof_div, w.agency, w.dept) == \
            (b.level, b.message, b.name, b.mof_div, b.agency, b.dept)
    assert {w.agency for w in p.warnings if w.rule == "EXEC_LAG"} == {fx.A1}

    def assert_held(open_ids: dict[tuple[str, str], set[int]]) -> None:
        held = holding(st.engine)
        assert set(held) == set(open_ids)
        for key, pid in held.items():
            assert pid in open_ids[key], key

    assert_held({EXEC_A1: {first, second}, NO_QUOTA_P1: {first}, EXEC_A2: {third}})
    for action in ("assign", "start", "reply"):
        act(st.engine, st.staff, first, action, **step_fields(action))
        assert_held({EXEC_A1: {first, second}, NO_QUOTA_P1: {first}, EXEC_A2: {third}})
    act(st.engine, st.staff, first, "close")
    assert_held({EXEC_A1: {second}, EXEC_A2: {third}})
    assert holding(st.engine)[EXEC_A1] == second
    act(st.engine, st.staff, second, "dismiss", text="与第一个问题重复")
    assert_held({EXEC_A2: {third}})
    act(st.engine, st.admin, third, "assign", **step_fields("assign"))
    act(st.engine, st.admin, third, "dismiss", text="已说明原因")
    assert_held({})


def test_a_breach_must_be_one_of_the_latest_stored_evaluation(store):
    """A breach resolved by a later evaluation can no longer found a problem."""
    st = store
    at_d = {(b.rule, b.entity_code) for b in stored_breaches(st.engine)}
    run(st.engine, date(2025, 8, 31))
    latest = {(b.rule, b.entity_code) for b in stored_breaches(st.engine)}
    gone, kept = sorted(at_d - latest), sorted(at_d & latest)
    assert gone and kept
    for key in gone:
        before = counts(st.engine)
        with pytest.raises(ProblemError) as refused:
            create(st.engine, st.staff, "已消除的预警", warnings=_links(kept[0], key))
        assert (refused.value.status, refused.value.parameter) == (400, "warnings"), key
        assert counts(st.engine) == before
    pid = create(st.engine, st.staff, "仍在的预警", warnings=_links(*kept))
    assert {(w.rule, w.entity_code) for w in get(st.engine, st.staff, pid).warnings} == set(kept)


# -- summary and statistics -----------------------------------------------------------

def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2025, month, day, hour)


def day(month: int, d: int) -> date:
    return date(2025, month, d)


# key, created at, raised by, region, breaches, steps (action, at, unit, deadline)
SCENARIO = [
    ("closed-53", at(7, 3, 16), "staff", fx.C, [EXEC_A1],
     [("assign", at(7, 5), fx.A1, day(8, 31)), ("reply", at(8, 20)), ("close", at(8, 25, 9))]),
    ("overdue-assigned", at(7, 10), "staff", fx.T1, [EXEC_A2, ("PAY_NO_QUOTA", "P2")],
     [("assign", at(7, 11), fx.A2, day(9, 30))]),
    ("rectifying", at(8, 1), "deputy", fx.C, [],
     [("assign", at(8, 2), fx.C, day(10, 31)), ("start", at(8, 3))]),
    ("overdue-rectifying", at(8, 5), "staff", fx.X, [("PAY_NO_QUOTA", "P6")],
     [("assign", at(8, 6), fx.A3, day(9, 1)), ("start", at(8, 7))]),
    ("dismissed-after-assign", at(8, 10), "staff", fx.T1, [("SOE_ALR", "E2")],
     [("assign", at(8, 11), fx.A2, day(9, 15)), ("dismiss", at(8, 20))]),
    ("dismissed-new", at(8, 12), "deputy", None, [], [("dismiss", at(8, 13))]),
    ("closed-30", at(9, 1), "staff", fx.C, [("DEBT_OVERDUE", "B2@2025-09-01")],
     [("assign", at(9, 2), fx.C, day(9, 20)), ("reply", at(9, 10)), ("reopen", at(9, 12)),
      ("reply", at(9, 18)), ("close", at(10, 1))]),
    ("new", at(9, 20), "staff", fx.C, [], []),
    ("replied-past-deadline", at(9, 25), "other_deputy", fx.T2, [],
     [("assign", at(9, 26), fx.T2, day(10, 10)), ("reply", at(10, 5))]),
    ("closed-5", at(9, 28), "staff", fx.X, [("DATA_STALE", "payment@330411")],
     [("assign", at(9, 29), fx.A3, day(10, 20)), ("reply", at(10, 2)), ("close", at(10, 3))]),
    ("closed-5-early-hour", at(10, 1, 17), "admin", fx.T1, [],
     [("assign", at(10, 2), fx.A1, day(10, 30)), ("reply", at(10, 4)), ("close", at(10, 6, 8))]),
]
BELOW = {fx.C: {fx.C, fx.T1, fx.T2}, fx.T1: {fx.T1}, fx.T2: {fx.T2}, fx.X: {fx.X}}


@pytest.fixture
def scenario(store):
    """SCENARIO played in the store and in the model: key → (problem id, Tracked)."""
    played = {}
    for key, created, owner, region, links, steps in SCENARIO:
        viewer = getattr(store, owner)
        pid = create(store.engine, viewer, key, mof_div_code=region, warnings=_links(*links),
                     now=created)
        tracked = oracle.Tracked(key, created, owner, region, tuple(links))
        for action, when, *assign in steps:
            unit, deadline = assign or (None, None)
            act(store.engine, store.staff, pid, action, unit=unit,
                deadline=deadline.isoformat() if deadline else None, text=f"{key} {action}",
                now=when)
            tracked.step(action, when, unit, deadline)
        played[key] = (pid, tracked)
    return played


def assert_summary(got: dict, want: dict, what) -> None:
    rate, want_rate = got.pop("rectification_rate"), want.pop("rectification_rate")
    assert got == want, what
    assert (rate is None) == (want_rate is None), what
    if rate is not None:
        assert rate == pytest.approx(want_rate, abs=5e-5), what


def test_the_summary_by_hand():
    """The model itself against a count by hand over SCENARIO at 15 October:
    found = 11 − 2 dismissed; assigned = 9 ever (one later dismissed);
    overdue = the assigned one due 30 Sep and the rectifying one due 1 Sep;
    days to close 53, 30, 5, 5 → median 17.5."""
    tracked = []
    for key, created, owner, region, links, steps in SCENARIO:
        t = oracle.Tracked(key, created, owner, region, tuple(links))
        for action, when, *assign in steps:
            t.step(action, when, *assign)
        tracked.append(t)
    assert oracle.summary(tracked, day(10, 15)) == {
        "found": 9, "assigned": 9, "closed": 4, "dismissed": 2, "open": 5, "overdue": 2,
        "rectification_rate": 4 / 9, "median_days_to_close": 17.5}
    assert oracle.summary(tracked, day(11, 1))["overdue"] == 3


@pytest.mark.parametrize("today", [day(10, 15), day(11, 1)])
def test_summary_and_statistics_equal_an_independent_count(store, scenario, today):
    st = store
    ids = {pid: t for pid, t in scenario.values()}
    selections = [({}, lambda t: True)]
    selections += [({"mof_div": c}, lambda t, c=c: t.mof_div in BELOW[c]) for c in BELOW]
    selections += [({"status": x}, lambda t, x=x: t.status == x) for x in oracle.STATES]
    selections += [({"raised_by": st.deputy.user_id}, lambda t: t.owner == "deputy"),
                   ({"mof_div": fx.C, "status": "closed"},
                    lambda t: t.mof_div in BELOW[fx.C] and t.status == "closed")]
    for cut, keep in selections:
        rows = problems(st.engine, Scope(as_of=today, mof_div=cut.get("mof_div")),
                        status=cut.get("status"), raised_by=cut.get("raised_by"), today=today)
        want = [t for t in ids.values() if keep(t)]
        assert {ids[r.id].key for r in rows} == {t.key for t in want}, cut
        assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)  # newest first
        for r in rows:
            t = ids[r.id]
            assert (r.status, r.unit, r.deadline, r.overdue, r.ever_assigned, set(r.warnings)) \
                == (t.status, t.unit, t.deadline, oracle.overdue(t.status, t.deadline, today),
                    t.ever_assigned, set(t.links)), (cut, t.key)
        assert_summary(summary(rows).as_dict(), oracle.summary(want, today), cut)

    rows = problems(st.engine, Scope(as_of=today), today=today)
    tracked = list(ids.values())
    assert {d["month"]: (d["found"], d["closed"]) for d in by_month(rows)} == \
        oracle.by_month(tracked)
    for got, want, what in ((by_unit(rows), oracle.by_unit(tracked, today), "unit"),
                            (by_rule(rows), oracle.by_rule(tracked, today), "rule")):
        got = {d.pop("key"): d for d in got}
        assert set(got) == set(want), what
        for key in want:
            assert_summary(got[key], want[key], (what, key))


def test_each_problem_reads_back_as_the_model_played_it(store, scenario):
    today = day(10, 15)
    for pid, t in scenario.values():
        p = get(store.engine, store.admin, pid, today=today)
        assert (p.status, p.mof_div, p.unit, p.deadline, p.overdue, p.ever_assigned,
                p.closed_at) == (t.status, t.mof_div, t.unit, t.deadline,
                                 oracle.overdue(t.status, t.deadline, today), t.ever_assigned,
                                 t.closed_at), t.key
        assert [(e.action, e.at) for e in p.history] == [("create", t.created_at)] + t.steps, \
            t.key
    held = holding(store.engine)
    want = oracle.holders([t for _pid, t in scenario.values()])
    assert set(held) == set(want)
    for link, pid in held.items():
        assert scenario_key(scenario, pid) in want[link]


def scenario_key(scenario, pid: int) -> str:
    return next(key for key, (p, _t) in scenario.items() if p == pid)


# -- what a deputy sees -----------------------------------------------------------------

def test_a_deputy_sees_and_lists_only_their_own_problems(store):
    st = store
    own = create(st.engine, st.deputy, "我的问题")
    staffs = create(st.engine, st.staff, "工作人员的问题")
    others = create(st.engine, st.other_deputy, "另一位代表的问题")
    for viewer, visible in ((st.deputy, {own}), (st.other_deputy, {others}),
                            (st.staff, {own, staffs, others}), (st.admin, {own, staffs, others}),
                            (st.kiosk, set())):
        for pid in (own, staffs, others):
            if pid in visible:
                assert get(st.engine, viewer, pid).id == pid
            else:
                with pytest.raises(ProblemError) as refused:
                    get(st.engine, viewer, pid)
                assert refused.value.status == 404
    listed = problems(st.engine, Scope(as_of=date.today()), raised_by=st.deputy.user_id)
    assert [r.id for r in listed] == [own]
    assert summary(listed).as_dict()["found"] == 1
    for unknown in (others + 1000, 0, -1, 2**31, 10**12):  # beyond the id column too
        with pytest.raises(ProblemError) as refused:
            get(st.engine, st.admin, unknown)
        assert refused.value.status == 404
        with pytest.raises(ProblemError) as refused:
            act(st.engine, st.admin, unknown, "dismiss", text="x")
        assert refused.value.status == 404

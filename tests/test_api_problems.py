"""The problem loop's HTTP contract (SPEC §3.3) through the Flask test
client with bearer tokens of staff, admin and deputy accounts, on both
backends, over the overview fixture with its breaches stored: every status
code, the shapes SPEC lists, the list's filters and summary, a deputy's
isolation, and `problem_id` in GET /api/v1/warnings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from data import accounts, audit
from data.accounts import Viewer
from data.problems import act
from data.rules import run, stored_breaches
from tests import overview_fixture as fx
from tests import problem_oracle as oracle
from tests.api_client import assert_names_parameter, client_on

PROBLEM_KEYS = {"id", "title", "description", "status", "mof_div", "unit", "deadline",
                "overdue", "created_at", "closed_at", "warnings"}
HISTORY_KEYS = {"at", "user", "action", "from", "to", "text"}
SUMMARY_KEYS = {"found", "assigned", "closed", "dismissed", "open", "overdue",
                "rectification_rate", "median_days_to_close"}
FUTURE = (date.today() + timedelta(days=30)).isoformat()
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
EXEC_A1 = {"rule": "EXEC_LAG", "entity_code": fx.A1}
EXEC_A2 = {"rule": "EXEC_LAG", "entity_code": fx.A2}
NO_QUOTA_P1 = {"rule": "PAY_NO_QUOTA", "entity_code": "P1"}
ROLES = {"staff": "staff", "admin": "admin", "deputy": "deputy", "other": "deputy"}


@dataclass
class Api:
    client: object
    engine: object
    tokens: dict[str, str]
    ids: dict[str, int]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, path: str, **params):
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self.auth(who))

    def post(self, who: str, path: str, body=None, **kwargs):
        return self.client.post(f"/api/v1{path}", json=body, headers=self.auth(who), **kwargs)

    def new(self, who: str, **body) -> dict:
        res = self.post(who, "/problems", {"title": f"{who} 的问题", **body})
        assert res.status_code == 201, res.get_data(as_text=True)
        return res.get_json()

    def step(self, who: str, pid: int, action: str, **fields) -> dict:
        res = self.post(who, f"/problems/{pid}/actions", {"action": action, **fields})
        assert res.status_code == 200, res.get_data(as_text=True)
        return res.get_json()

    def listed(self, who: str, **params) -> dict:
        res = self.get(who, "/problems", **params)
        assert res.status_code == 200, res.get_data(as_text=True)
        return res.get_json()


@pytest.fixture
def api(engine, monkeypatch):
    """The overview fixture, its breaches stored as of the data date (the
    warnings endpoint's default), and a token per kind of account."""
    fx.load(engine)
    run(engine)
    assert {(b.rule, b.entity_code) for b in stored_breaches(engine)} >= \
        {(w["rule"], w["entity_code"]) for w in (EXEC_A1, EXEC_A2, NO_QUOTA_P1)}
    client = client_on(engine, monkeypatch)
    tokens, ids = {}, {}
    for who, role in ROLES.items():
        ids[who] = accounts.create_user(engine, f"{who}-api", role)
        tokens[who] = accounts.issue_token(engine, f"{who}-api")
    yield Api(client, engine, tokens, ids)
    report = audit.verify(engine)
    assert report.ok, report.line()


def assert_problem(body: dict, history: bool = True) -> None:
    assert set(body) == PROBLEM_KEYS | ({"history"} if history else set())
    for w in body["warnings"]:
        assert set(w) == {"rule", "entity_code"}
    for e in body.get("history", ()):
        assert set(e) == HISTORY_KEYS


def links(body: dict) -> set[tuple[str, str]]:
    return {(w["rule"], w["entity_code"]) for w in body["warnings"]}


# -- 401 --------------------------------------------------------------------------------

def test_every_endpoint_needs_a_valid_token(api):
    pid = api.new("staff")["id"]
    calls = [("get", "/api/v1/problems", None), ("get", f"/api/v1/problems/{pid}", None),
             ("post", "/api/v1/problems", {"title": "t"}),
             ("post", f"/api/v1/problems/{pid}/actions", {"action": "dismiss", "text": "x"})]
    for method, path, body in calls:
        for header in ("", "Bearer", "Bearer not-a-token", f"Basic {api.tokens['staff']}"):
            res = getattr(api.client, method)(path, json=body, headers={"Authorization": header})
            assert res.status_code == 401, (method, path, header)
            assert " / " in res.get_json()["error"]
    assert api.listed("staff")["rows"][0]["status"] == "new"
    assert len(api.listed("staff")["rows"]) == 1


# -- POST /problems ------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["staff", "admin", "deputy"])
def test_raising_a_problem_answers_201_with_it(api, who):
    res = api.post(who, "/problems", {
        "title": "教育局执行滞后", "description": "三季度仍低于序时进度", "mof_div": fx.C,
        "warnings": [EXEC_A1, NO_QUOTA_P1], "url": "/execution?mof_div=330402"})
    assert res.status_code == 201, res.get_data(as_text=True)
    body = res.get_json()
    assert_problem(body)
    assert isinstance(body["id"], int)
    assert {k: body[k] for k in PROBLEM_KEYS - {"id", "created_at", "warnings"}} == {
        "title": "教育局执行滞后", "description": "三季度仍低于序时进度", "status": "new",
        "mof_div": fx.C, "unit": None, "deadline": None, "overdue": False, "closed_at": None}
    assert abs(datetime.fromisoformat(body["created_at"]) - datetime.now()) < timedelta(minutes=1)
    assert links(body) == {("EXEC_LAG", fx.A1), ("PAY_NO_QUOTA", "P1")}
    [event] = body["history"]
    assert {k: v for k, v in event.items() if k != "at"} == {
        "user": f"{who}-api", "action": "create", "from": None, "to": "new", "text": None}
    assert event["at"] == body["created_at"]
    entry = audit.search(api.engine, action="problem", limit=1)[0][0]
    assert (entry["username"], entry["ip"]) == (f"{who}-api", "127.0.0.1")
    assert api.get(who, f"/problems/{body['id']}").get_json() == body


@pytest.mark.parametrize("body, parameter", [
    ("no json", "body"),
    ([{"title": "t"}], "body"),
    ("a string", "body"),
    ({}, "title"),
    ({"title": "  "}, "title"),
    ({"title": 5}, "title"),
    ({"title": "t", "mof_div": "999999"}, "mof_div"),
    ({"title": "t", "warnings": "EXEC_LAG"}, "warnings"),
    ({"title": "t", "warnings": [{"rule": "EXEC_LAG"}]}, "warnings"),
    ({"title": "t", "warnings": [{"rule": "EXEC_LAG", "entity_code": fx.A3}]}, "warnings"),
    ({"title": "t", "warnings": [EXEC_A1, {"rule": "NOPE", "entity_code": "x"}]}, "warnings"),
])
def test_a_bad_new_problem_answers_400_naming_the_parameter(api, body, parameter):
    if body == "no json":
        res = api.client.post("/api/v1/problems", data="title=t", headers=api.auth("staff"),
                              content_type="application/x-www-form-urlencoded")
    else:
        res = api.post("staff", "/problems", body)
    assert_names_parameter(res, parameter)
    assert api.listed("staff")["rows"] == []


# -- POST /problems/ID/actions ----------------------------------------------------------------

def test_the_whole_loop_answers_200_with_the_problem_each_step(api):
    pid = api.new("deputy", mof_div=fx.T1, warnings=[EXEC_A2])["id"]
    steps = [("staff", "assign", {"unit": fx.A2, "deadline": FUTURE, "text": "请于期限内整改"}),
             ("staff", "start", {}),
             ("admin", "reply", {"text": "已拨付"}),
             ("staff", "reopen", {"text": "证明材料不全"}),
             ("admin", "reply", {"text": "已补充材料"}),
             ("admin", "close", {"text": "销号"})]
    history = []
    for who, action, fields in steps:
        before = api.get("staff", f"/problems/{pid}").get_json()
        body = api.step(who, pid, action, **fields)
        assert_problem(body)
        want = oracle.target(before["status"], action)
        assert body["status"] == want
        history.append({"user": f"{who}-api", "action": action, "from": before["status"],
                        "to": want, "text": fields.get("text")})
        assert [{k: v for k, v in e.items() if k != "at"} for e in body["history"][1:]] == history
        assert body == api.get("admin", f"/problems/{pid}").get_json()
    assert (body["unit"], body["deadline"], body["overdue"]) == (fx.A2, FUTURE, False)
    assert body["closed_at"] is not None and body["closed_at"] >= body["created_at"]
    assert links(body) == {("EXEC_LAG", fx.A2)}
    assert body == api.get("deputy", f"/problems/{pid}").get_json()  # the deputy follows it
    entries = audit.search(api.engine, action="problem", limit=len(steps))[0]
    assert [e["ip"] for e in entries] == ["127.0.0.1"] * len(steps)


def test_refusals_answer_404_403_409_and_change_nothing(api):
    own = api.new("deputy")["id"]
    staffs = api.new("staff")["id"]
    cases = [
        ("staff", staffs + 1000, {"action": "dismiss", "text": "x"}, 404),
        ("staff", 10 ** 12, {"action": "dismiss", "text": "x"}, 404),
        ("deputy", staffs, {"action": "dismiss", "text": "x"}, 404),  # not theirs
        ("other", own, {"action": "assign", "unit": fx.A1, "deadline": FUTURE}, 404),
        ("deputy", own, {"action": "dismiss", "text": "撤回"}, 403),  # theirs, but a deputy
        ("deputy", own, {"action": "close"}, 403),
        ("staff", own, {"action": "close"}, 409),
        ("admin", staffs, {"action": "reply", "text": "已整改"}, 409),
        ("staff", staffs, {"action": "reopen", "text": "不满意"}, 409),
    ]
    for who, pid, body, status in cases:
        before = [api.get("admin", f"/problems/{p}").get_json() for p in (own, staffs)]
        res = api.post(who, f"/problems/{pid}/actions", body)
        assert res.status_code == status, (who, pid, body, res.get_data(as_text=True))
        assert " / " in res.get_json()["error"]
        assert [api.get("admin", f"/problems/{p}").get_json() for p in (own, staffs)] == before
    api.step("staff", staffs, "dismiss", text="重复")
    for action in oracle.ACTIONS:
        res = api.post("admin", f"/problems/{staffs}/actions",
                       {"action": action, "unit": fx.A1, "deadline": FUTURE, "text": "x"})
        assert res.status_code == 409, action
    for path in (f"/problems/{staffs + 1000}", "/problems/abc", f"/problems/{own}/nothing"):
        assert api.get("staff", path).status_code == 404, path
    assert api.get("other", f"/problems/{own}").status_code == 404
    assert api.get("deputy", f"/problems/{own}").status_code == 200


def test_a_missing_or_bad_field_answers_400_naming_it(api):
    new = api.new("staff")["id"]
    assigned = api.new("staff")["id"]
    api.step("staff", assigned, "assign", unit=fx.C, deadline=FUTURE)
    cases = [
        (new, None, "body"),
        (new, [{"action": "dismiss"}], "body"),
        (new, {}, "action"),
        (new, {"action": "销号"}, "action"),
        (new, {"action": ["assign"]}, "action"),
        (new, {"action": "assign", "deadline": FUTURE}, "unit"),
        (new, {"action": "assign", "unit": "nope", "deadline": FUTURE}, "unit"),
        (new, {"action": "assign", "unit": fx.A1}, "deadline"),
        (new, {"action": "assign", "unit": fx.A1, "deadline": YESTERDAY}, "deadline"),
        (new, {"action": "assign", "unit": fx.A1, "deadline": FUTURE.replace("-", "")}, "deadline"),
        (new, {"action": "dismiss"}, "text"),
        (assigned, {"action": "reply", "text": "   "}, "text"),
        (assigned, {"action": "dismiss", "text": None}, "text"),
    ]
    for pid, body, parameter in cases:
        before = api.get("staff", f"/problems/{pid}").get_json()
        if body is None:
            res = api.client.post(f"/api/v1/problems/{pid}/actions", data="{not json",
                                  headers=api.auth("staff"), content_type="application/json")
        else:
            res = api.post("staff", f"/problems/{pid}/actions", body)
        assert_names_parameter(res, parameter)
        assert api.get("staff", f"/problems/{pid}").get_json() == before, body


# -- GET /problems ----------------------------------------------------------------------------

def _tracked(body: dict, owner: str) -> oracle.Tracked:
    """The model of a problem the test has played through the API."""
    return oracle.Tracked(str(body["id"]), datetime.fromisoformat(body["created_at"]), owner,
                          body["mof_div"], tuple(sorted(links(body))))


def test_the_list_its_filters_summary_and_a_deputys_view(api):
    now, today = datetime.now(), date.today()
    played: dict[int, oracle.Tracked] = {}

    def new(who, **body):
        made = api.new(who, **body)
        played[made["id"]] = _tracked(made, who)
        return made["id"]

    def step(who, pid, action, **fields):
        body = api.step(who, pid, action, **fields)
        closed = body["closed_at"] and datetime.fromisoformat(body["closed_at"])
        deadline = fields.get("deadline") and date.fromisoformat(fields["deadline"])
        played[pid].step(action, closed or now, fields.get("unit"), deadline)

    closed = new("staff", mof_div=fx.C, warnings=[EXEC_A1])
    for action in ("assign", "reply", "close"):
        step("staff", closed, action, unit=fx.A1, deadline=FUTURE, text="x")
    assigned = new("admin", mof_div=fx.T1, warnings=[EXEC_A2, NO_QUOTA_P1])
    step("staff", assigned, "assign", unit=fx.A2, deadline=FUTURE)
    question = new("deputy", mof_div=fx.X)
    withdrawn = new("deputy")
    step("staff", withdrawn, "dismiss", text="代表已撤回")
    new("other", mof_div=fx.T2)
    late = new("staff", mof_div=fx.C)
    # a deadline already past: assigned on an earlier day, through the store
    staff = Viewer(api.ids["staff"], "staff-api", "staff", "127.0.0.1")
    act(api.engine, staff, late, "assign", unit=fx.C, deadline="2025-01-31",
        now=datetime(2025, 1, 10, 9))
    played[late].step("assign", datetime(2025, 1, 10, 9), fx.C, date(2025, 1, 31))
    rectifying = new("staff", mof_div=fx.T1)
    for action in ("assign", "start"):
        step("admin", rectifying, action, unit=fx.T1, deadline=FUTURE)

    body = api.listed("staff")
    assert set(body) == {"rows", "summary"}
    for row in body["rows"]:
        assert_problem(row, history=False)
    assert [r["id"] for r in body["rows"]] == sorted(played, reverse=True)
    by_id = {r["id"]: r for r in body["rows"]}
    assert (by_id[late]["overdue"], by_id[late]["deadline"], by_id[late]["status"]) == \
        (True, "2025-01-31", "assigned")
    assert {pid for pid, r in by_id.items() if r["overdue"]} == {late}
    assert body["summary"] == {  # by hand: 7 problems, one dismissed before assignment
        "found": 6, "assigned": 4, "closed": 1, "dismissed": 1, "open": 5, "overdue": 1,
        "rectification_rate": pytest.approx(0.25), "median_days_to_close": 0.0}

    below = {fx.C: {fx.C, fx.T1, fx.T2}, fx.T1: {fx.T1}, fx.X: {fx.X}, fx.T2: {fx.T2}}
    cuts = [({"status": s}, lambda t, s=s: t.status == s) for s in oracle.STATES]
    cuts += [({"mof_div": c}, lambda t, c=c: t.mof_div in below[c]) for c in below]
    cuts += [({"status": "assigned", "mof_div": fx.C},
              lambda t: t.status == "assigned" and t.mof_div in below[fx.C])]
    for who, owner in (("staff", None), ("admin", None), ("deputy", "deputy"),
                       ("other", "other")):
        for params, keep in [({}, lambda t: True)] + cuts:
            got = api.listed(who, **params)
            want = [t for t in played.values() if keep(t) and owner in (None, t.owner)]
            assert {str(r["id"]) for r in got["rows"]} == {t.key for t in want}, (who, params)
            assert set(got["summary"]) == SUMMARY_KEYS
            expected = oracle.summary(want, today)
            if expected["rectification_rate"] is not None:
                expected["rectification_rate"] = pytest.approx(expected["rectification_rate"],
                                                                abs=5e-5)
            assert got["summary"] == expected, (who, params)
    assert [r["id"] for r in api.listed("deputy")["rows"]] == [withdrawn, question]
    assert api.listed("deputy")["summary"]["rectification_rate"] is None


@pytest.mark.parametrize("params, parameter", [
    ({"status": "open"}, "status"),
    ({"status": "CLOSED"}, "status"),
    ({"mof_div": "999999"}, "mof_div"),
    ({"mof_div": fx.A1}, "mof_div"),
])
def test_a_bad_list_filter_answers_400_naming_it(api, params, parameter):
    assert_names_parameter(api.get("staff", "/problems", **params), parameter)


# -- GET /warnings: problem_id -------------------------------------------------------------------

def test_warnings_carry_the_open_problem_until_it_is_closed_or_dismissed(api):
    def held(**params) -> dict[tuple[str, str], int | None]:
        res = api.get("deputy", "/warnings", **params)
        assert res.status_code == 200, res.get_data(as_text=True)
        return {(r["rule"], r["entity_code"]): r["problem_id"] for r in res.get_json()["rows"]}

    start = held()
    assert start and set(start.values()) == {None}
    first = api.new("staff", warnings=[EXEC_A1, NO_QUOTA_P1])["id"]
    second = api.new("deputy", warnings=[EXEC_A2])["id"]
    want = {**start, ("EXEC_LAG", fx.A1): first, ("PAY_NO_QUOTA", "P1"): first,
            ("EXEC_LAG", fx.A2): second}
    assert held() == want
    assert held(rule="EXEC_LAG") == {k: v for k, v in want.items() if k[0] == "EXEC_LAG"}
    on_d = held(as_of=fx.D.isoformat())  # evaluated on request: the same problems hold them
    assert (on_d[("EXEC_LAG", fx.A1)], on_d[("EXEC_LAG", fx.A2)]) == (first, second)
    for action in ("assign", "start", "reply"):
        api.step("staff", first, action, unit=fx.A1, deadline=FUTURE, text="x")
        assert held() == want
    api.step("admin", first, "close")
    want.update({("EXEC_LAG", fx.A1): None, ("PAY_NO_QUOTA", "P1"): None})
    assert held() == want
    api.step("staff", second, "dismiss", text="不属实")
    assert held() == start


def test_a_week_date_is_not_a_date(api):
    assert_names_parameter(api.get("staff", "/warnings", as_of="2025-W40-4"), "as_of")

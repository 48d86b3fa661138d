"""The permission matrix: every role (admin, staff, deputy), the kiosk
profile and nobody, against every page, the callbacks a presenter's walk
makes, every API route and every download, each asserted allowed or refused
— and personal data never in a response the kiosk profile or a deputy gets.

Expected answers come from PRODUCT.md ("Accounts") and SPEC §3.2–3.3, written
out here as tables, not read from data.accounts.CAPABILITIES. The downloads'
matrix (attachments and the 督办单 for each role, the deputy who raised the
problem, another deputy, the kiosk profile and nobody) is in
test_problem_files.py; each writing callback's refusals are beside its page's
tests (test_pages_admin, test_pages_problems, test_pages_warnings, test_shell)."""
from __future__ import annotations

import json
import shutil

import dash
import pytest
from sqlalchemy import select

from bench.page_speed import grid_request, page_request, walk
from components import grid
from data import accounts
from data import schema as s
from data.db import make_engine
from data.masking import is_individual
from data.query import Scope
from data.rules import stored_breaches
from tests.conftest import DEMO_AS_OF
from tests.sessions import csrf_header, signed_in

ROLES = ("admin", "staff", "deputy")
REFUSED = "当前账户无权查看本页"
# path → who may see it (besides these, nobody); None is the kiosk profile
ADMIN_ONLY = {"/admin/users", "/admin/audit"}


def text(res) -> str:
    """A callback's answer as the browser reads it (JSON escapes undone)."""
    return json.dumps(res.get_json(), ensure_ascii=False)


def may_see(path: str, role: str | None) -> bool:
    return role == "admin" if path in ADMIN_ONLY else True


@pytest.fixture(scope="module")
def store(request, backend, tmp_path_factory):
    """A demo store of its own: these tests write problems and settings."""
    from data.demo import load_demo

    if backend == "sqlite":
        path = tmp_path_factory.mktemp("perm") / "perm.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        cluster.execute("CREATE DATABASE perm TEMPLATE template_budget")
        url = cluster.url("perm")
    engine = make_engine(url)
    load_demo(engine, scale="tiny", seed=7, as_of=DEMO_AS_OF,
              workdir=tmp_path_factory.mktemp("perm-files"))
    yield url, engine
    engine.dispose()


@pytest.fixture
def server(store, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store[0])
    import app as app_module
    from service import cache

    cache.clear()
    return app_module.server


@pytest.fixture
def clients(server, store):
    """viewer → a test client sending the CSRF header: one per role, the
    kiosk profile (switched on for the test) and nobody."""
    engine = store[1]
    out = {role: signed_in(server, engine, role) for role in ROLES}
    for c in out.values():
        c.environ_base["HTTP_X_CSRFTOKEN"] = csrf_header(c)["X-CSRFToken"]
    accounts.set_kiosk_profile(engine, True, by="matrix")
    kiosk = server.test_client()
    kiosk.environ_base["HTTP_X_CSRFTOKEN"] = csrf_header(kiosk)["X-CSRFToken"]
    out["kiosk"] = kiosk
    yield out
    accounts.set_kiosk_profile(engine, False, by="matrix")


def test_every_page_for_every_viewer(server, clients, store):
    nobody = server.test_client()
    for page in dash.page_registry.values():
        path = page["path"]
        for viewer, client in clients.items():
            role = None if viewer == "kiosk" else viewer
            res = client.post("/_dash-update-component", json=page_request(path, {}))
            assert res.status_code == 200, (path, viewer, res.get_data(as_text=True)[:300])
            refused = REFUSED in text(res)
            assert refused is not may_see(path, role), (path, viewer)
    accounts.set_kiosk_profile(store[1], False, by="matrix")
    for page in dash.page_registry.values():
        assert nobody.get(page["path"]).status_code == 302, page["path"]
        res = nobody.post("/_dash-update-component", json=page_request(page["path"], {}))
        assert res.status_code in (400, 401), page["path"]  # no token or no session
    accounts.set_kiosk_profile(store[1], True, by="matrix")


def _people(engine) -> tuple[set[str], set[str], list]:
    with engine.connect() as conn:
        rows = conn.execute(select(s.payment.c.pay_cert_id, s.payment.c.payee_acct_name,
                                   s.payment.c.payee_acct_no, s.payment.c.fiscal_year,
                                   s.payment.c.pay_date)).all()
    names = {r.payee_acct_name for r in rows if is_individual(r.payee_acct_name)}
    numbers = {r.payee_acct_no for r in rows if r.payee_acct_no and len(r.payee_acct_no) > 6}
    person = next(r for r in rows if is_individual(r.payee_acct_name) and r.payee_acct_no
                  and r.fiscal_year == DEMO_AS_OF.year and r.pay_date <= DEMO_AS_OF)
    return names, numbers, person


def _walk_with_a_person(engine, person):
    steps = walk(engine, DEMO_AS_OF)
    query = grid.payment_query(Scope(as_of=DEMO_AS_OF), href="/execution")
    query["search"] = person.pay_cert_id
    steps.append(("the person's payment", grid_request(
        {"name": "exec-payments", "type": "payment-grid"},
        {"name": "exec-payments", "type": "payment-query"}, query, matched=True)))
    return steps


def _leaks(text: str, names: set[str], numbers: set[str]) -> list[str]:
    return [n for n in names if f'"{n}"' in text or f"「{n}」" in text] + \
        [n for n in numbers if n in text]


def test_personal_data_never_reaches_the_kiosk_or_a_deputy(server, clients, store):
    engine = store[1]
    names, numbers, person = _people(engine)
    steps = _walk_with_a_person(engine, person)
    for viewer in ("kiosk", "deputy", "staff"):
        seen = []
        for label, body in steps:
            res = clients[viewer].post("/_dash-update-component", json=body)
            assert res.status_code == 200, (viewer, label)
            seen += _leaks(text(res), names, numbers)
        if viewer == "staff":  # the check can fail: staff do see the person
            assert person.payee_acct_name in seen
        else:
            assert seen == [], (viewer, seen[:5])


def test_callbacks_refuse_nobody(server, store):
    nobody = server.test_client()
    nobody.environ_base["HTTP_X_CSRFTOKEN"] = "not-a-session-token"
    for label, body in walk(store[1], DEMO_AS_OF):
        assert nobody.post("/_dash-update-component", json=body).status_code in (400, 401), label


# -- the API: every route, every role ------------------------------------------------------

def _token_clients(server, engine):
    out = {}
    for role in ROLES:
        name = f"api-{role}"
        if not any(u["username"] == name for u in accounts.users(engine)):
            accounts.create_user(engine, name, role)
        c = server.test_client()
        c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {accounts.issue_token(engine, name)}"
        out[role] = c
    out[None] = server.test_client()
    return out


def test_api_routes_for_every_role(server, store):
    engine = store[1]
    tokens = _token_clients(server, engine)
    breach = next(b for b in stored_breaches(engine) if b.agency)
    d = DEMO_AS_OF.isoformat()
    reads = {
        "/api/v1/health": None,
        f"/api/v1/execution?year={DEMO_AS_OF.year}&as_of={d}&by=dept": "any",
        f"/api/v1/warnings?as_of={d}": "any",
        f"/api/v1/debt?as_of={d}": "any",
        "/api/v1/problems": "any",
    }
    for url, needs in reads.items():
        for role, c in tokens.items():
            want = 200 if needs is None or role is not None else 401
            assert c.get(url).status_code == want, (url, role)

    created = {}
    for role, c in tokens.items():
        res = c.post("/api/v1/problems", json={
            "title": f"{role} 的问题",
            "warnings": [{"rule": breach.rule, "entity_code": breach.entity_code}]})
        assert res.status_code == (401 if role is None else 201), role
        if role:
            created[role] = res.get_json()["id"]
    mine = created["deputy"]
    theirs = created["staff"]
    step = {"action": "assign", "unit": breach.agency, "deadline": "2999-12-31"}
    expect = {  # (who, whose problem) → status
        ("admin", theirs): 200, ("staff", created["admin"]): 200,
        ("deputy", mine): 403, ("deputy", theirs): 404, (None, theirs): 401,
    }
    for (role, pid), want in expect.items():
        res = tokens[role].post(f"/api/v1/problems/{pid}/actions", json=step)
        assert res.status_code == want, (role, pid, res.get_data(as_text=True))
    for role, pid, want in (("deputy", mine, 200), ("deputy", theirs, 404),
                            ("staff", mine, 200), ("admin", mine, 200), (None, mine, 401)):
        assert tokens[role].get(f"/api/v1/problems/{pid}").status_code == want, (role, pid)
    listed = tokens["deputy"].get("/api/v1/problems").get_json()["rows"]
    assert [r["id"] for r in listed] == [mine]

    covered = {"/api/v1/health", "/api/v1/execution", "/api/v1/warnings", "/api/v1/debt",
               "/api/v1/problems", "/api/v1/problems/<int:problem_id>",
               "/api/v1/problems/<int:problem_id>/actions"}
    routes = {r.rule for r in server.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert routes - covered == {"/api/v1/<path:_rest>"}, routes - covered  # the JSON 404

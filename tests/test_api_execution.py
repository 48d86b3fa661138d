"""GET /api/v1/execution exactly as SPEC §3.2 writes it, on both backends:
fields, types, 2-decimal yuan amounts, levels, figures equal to the pandas
reference, defaults, 400s naming the parameter, 401 without a token."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from data import accounts
from data.status import data_as_of
from tests.api_client import assert_names_parameter
from tests.querycheck import Reference, RefScope, synth_engine  # noqa: F401 (fixture)

AS_OF = "2026-11-20"
_tokens: dict[str, str] = {}
_refs: dict[str, Reference] = {}


@pytest.fixture
def client(synth_engine, monkeypatch):
    url = synth_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    import app as app_module
    from service import cache

    cache.clear()
    if url not in _tokens:
        accounts.create_user(synth_engine, f"api-{len(_tokens)}", "deputy")
        _tokens[url] = accounts.issue_token(synth_engine, f"api-{len(_tokens)}")
        _refs[url] = Reference(synth_engine)
    c = app_module.server.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {_tokens[url]}"
    c.ref = _refs[url]
    return c


def get(client, **params):
    return client.get("/api/v1/execution", query_string=params)


def fen(yuan: float) -> int:
    return int(Decimal(str(yuan)) * 100)


def test_token_required(client):
    res = client.get("/api/v1/execution", query_string={"by": "dept", "as_of": AS_OF},
                     headers={"Authorization": ""})
    assert res.status_code == 401 and "error" in res.get_json()
    res = client.get("/api/v1/execution", query_string={"by": "dept", "as_of": AS_OF},
                     headers={"Authorization": "Bearer not-a-token"})
    assert res.status_code == 401


@pytest.mark.parametrize("by", ["mof_div", "dept", "agency", "func_class", "func", "project"])
def test_contract_and_figures(client, by):
    ref: Reference = client.ref
    res = get(client, by=by, as_of=AS_OF, year=2026)
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == {"year", "as_of", "time_progress", "rows"}
    assert body["year"] == 2026 and body["as_of"] == AS_OF
    assert body["time_progress"] == pytest.approx(324 / 365, abs=1e-6)
    assert body["rows"]
    expected = ref.execution(RefScope(as_of=date(2026, 11, 20)), by)
    got = {}
    for row in body["rows"]:
        assert set(row) == {"code", "name", "budget", "paid", "rate", "gap_pp", "level"}
        assert isinstance(row["code"], str) and isinstance(row["name"], str) and row["name"]
        for amount in (row["budget"], row["paid"]):
            assert isinstance(amount, (int, float))
            assert Decimal(str(amount)) == Decimal(str(amount)).quantize(Decimal("0.01"))
        got[row["code"]] = (fen(row["budget"]), fen(row["paid"]))
        assert row["level"] in ("green", "yellow", "red", None)
        if row["budget"] == 0:
            assert row["rate"] is None and row["level"] is None
            continue
        assert row["rate"] == pytest.approx(row["paid"] / row["budget"], abs=1e-6)
        assert row["gap_pp"] == pytest.approx((row["rate"] - body["time_progress"]) * 100,
                                              abs=1e-3)
        if row["budget"] < 100_000:
            assert row["level"] is None
        else:
            gap = row["gap_pp"]
            assert row["level"] == ("red" if gap <= -20 else "yellow" if gap <= -10
                                    else "green")
    assert got == expected


def test_cuts_and_parent(client):
    ref: Reference = client.ref
    county = "990100"
    body = get(client, by="mof_div", as_of=AS_OF, mof_div=county).get_json()
    assert {r["code"] for r in body["rows"]} == {"990100", "990101", "990102", "990103"}
    exp = ref.execution(RefScope(as_of=date(2026, 11, 20), mof_div=county), "mof_div")
    assert {r["code"]: (fen(r["budget"]), fen(r["paid"])) for r in body["rows"]} == exp

    body = get(client, by="agency", as_of=AS_OF, parent="101", fund_type="1").get_json()
    exp = ref.execution(RefScope(as_of=date(2026, 11, 20), fund_type="1"), "agency", "101")
    assert {r["code"]: (fen(r["budget"]), fen(r["paid"])) for r in body["rows"]} == exp
    assert exp and all(ref.agency_dept[c] == "101" for c in exp)

    func_class = sorted(ref.execution(RefScope(as_of=date(2026, 11, 20)), "func_class"))[0]
    body = get(client, by="func", as_of=AS_OF, parent=func_class, mof_div="990101").get_json()
    exp = ref.execution(RefScope(as_of=date(2026, 11, 20), mof_div="990101"), "func", func_class)
    assert {r["code"]: (fen(r["budget"]), fen(r["paid"])) for r in body["rows"]} == exp


def test_defaults(client, synth_engine):
    latest = data_as_of(synth_engine)
    body = get(client, by="dept").get_json()
    assert body["as_of"] == latest.isoformat() and body["year"] == latest.year
    body = get(client, by="dept", year=2025).get_json()
    assert body["as_of"] == "2025-12-31" and body["time_progress"] == 1.0
    exp = client.ref.execution(RefScope(as_of=date(2025, 12, 31)), "dept")
    assert {r["code"]: (fen(r["budget"]), fen(r["paid"])) for r in body["rows"]} == exp
    body = get(client, by="dept", as_of="2026-10-31").get_json()
    assert body["year"] == 2026


@pytest.mark.parametrize("params, parameter", [
    ({}, "by"),
    ({"by": "nonsense"}, "by"),
    ({"by": "eco"}, "by"),
    ({"by": "dept", "as_of": "2026-13-01"}, "as_of"),
    ({"by": "dept", "as_of": "20261120"}, "as_of"),
    ({"by": "dept", "as_of": "yesterday"}, "as_of"),
    ({"by": "dept", "year": "abc"}, "year"),
    ({"by": "dept", "year": "2026.5"}, "year"),
    ({"by": "dept", "year": "2025", "as_of": AS_OF}, "as_of"),
    ({"by": "dept", "year": "2999"}, "year"),
    ({"by": "dept", "mof_div": "000000"}, "mof_div"),
    ({"by": "dept", "fund_type": "5"}, "fund_type"),
    ({"by": "dept", "fund_type": "01"}, "fund_type"),
    ({"by": "agency", "parent": "no-such-dept"}, "parent"),
    ({"by": "agency", "parent": "101001"}, "parent"),  # an agency, not a department
    ({"by": "func", "parent": "999"}, "parent"),
    ({"by": "mof_div", "parent": "000000"}, "parent"),
    ({"by": "dept", "parent": "101"}, "parent"),
])
def test_bad_parameters_answer_400(client, params, parameter):
    assert_names_parameter(get(client, **params), parameter)


def test_unknown_endpoint_is_a_json_404(client):
    for path in ("/api/v1/no-such-thing", "/api/v1/execution/extra"):
        res = client.get(path)
        assert res.status_code == 404 and res.is_json, path
        assert "no such endpoint" in res.get_json()["error"]
    assert client.get("/execution").status_code == 302  # pages: their own sign-in, not a JSON 404

"""GET /api/v1/debt exactly as SPEC §3.2 writes it, on both backends: the
fields, yuan with 2 decimals, ratios as fractions and the DEBT_RATIO band,
computed by hand on the hand-made store of tests/test_query_debt.py (a bond
issued after D, repayments paid on D and the day after, a township with its
own limit, regions without a fiscal_capacity row) and from the `tiny` demo's
files; 400s naming the parameter; 401 without a token."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.api_client import assert_names_parameter, client_on
from tests.conftest import DEMO_AS_OF
from tests.overview_fixture import C, D, T1, T2, X
from tests.test_query_debt import DEMO_REGIONS, DemoDebt, frames, load_debt  # noqa: F401 (fixture)

FIELDS = {"as_of", "limit", "balance", "debt_ratio", "liability_ratio", "level"}


@pytest.fixture
def client(engine, monkeypatch):
    load_debt(engine)
    return client_on(engine, monkeypatch)


@pytest.fixture
def demo_client(demo_engine, monkeypatch):
    return client_on(demo_engine, monkeypatch)


def get(client, **params):
    return client.get("/api/v1/debt", query_string=params)


def two_decimals(x) -> bool:
    return isinstance(x, (int, float)) and Decimal(str(x)) == Decimal(str(x)).quantize(Decimal("0.01"))


def test_token_required(client):
    assert client.get("/api/v1/debt", headers={"Authorization": ""}).status_code == 401
    res = client.get("/api/v1/debt", headers={"Authorization": "Bearer nope"})
    assert res.status_code == 401 and "error" in res.get_json()


def test_county_by_hand(client):
    res = get(client, as_of=D.isoformat(), mof_div=C)
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == FIELDS and body["as_of"] == "2025-09-30"
    # general: B1 10,000,000 − 1,000,000 + B5 4,000,000 − 500,000 (paid on D)
    # special: B2 20,000,000 + B6 6,000,000 (repaid the day after D) + B7 2,000,000 − 100,000
    assert body["balance"] == {"general": 12_500_000.0, "special": 27_900_000.0}
    assert body["limit"] == {"general": 12_000_000.0, "special": 18_000_000.0}  # C's own rows
    assert body["debt_ratio"] == pytest.approx(40_400_000 / 20_000_000, abs=1e-6)
    assert body["liability_ratio"] == pytest.approx(0.404, abs=1e-6)
    assert body["level"] == "orange"  # 202% ≥ 200%
    for part in ("balance", "limit"):
        assert set(body[part]) == {"general", "special"}
        assert all(two_decimals(v) for v in body[part].values())


def test_the_day_after(client):
    body = get(client, as_of=(D + timedelta(days=1)).isoformat(), mof_div=C).get_json()
    assert body["balance"]["special"] == 27_600_000.0  # B6's 300,000 repaid on 1 October
    assert body["debt_ratio"] == pytest.approx(40_100_000 / 20_000_000, abs=1e-6)
    assert body["level"] == "orange"


def test_township_with_its_own_limit(client):
    body = get(client, as_of=D.isoformat(), mof_div=T1).get_json()
    assert body["balance"] == {"general": 0.0, "special": 1_900_000.0}  # B3 issued after D
    assert body["limit"] == {"general": None, "special": 1_000_000.0}
    assert body["debt_ratio"] == pytest.approx(0.38, abs=1e-6)
    assert body["liability_ratio"] == pytest.approx(0.19, abs=1e-6)
    assert body["level"] == "green"


@pytest.mark.parametrize("region, balance, limit", [
    (T2, {"general": 0.0, "special": 0.0}, {"general": None, "special": None}),
    (X, {"general": 2_000_000.0, "special": 0.0}, {"general": 5_000_000.0, "special": None}),
    (None, {"general": 14_500_000.0, "special": 27_900_000.0},
     {"general": 17_000_000.0, "special": None}),
])
def test_regions_without_fiscal_capacity(client, region, balance, limit):
    params = {"as_of": D.isoformat(), **({"mof_div": region} if region else {})}
    body = get(client, **params).get_json()
    assert body["balance"] == balance and body["limit"] == limit
    assert (body["debt_ratio"], body["liability_ratio"], body["level"]) == (None, None, None)


def test_default_date_is_the_latest_data_date(client):
    body = get(client, mof_div=C).get_json()
    # the latest payment of the store: P4 of the overview store, paid on 2 October
    assert body["as_of"] == "2025-10-02"
    assert body["balance"]["special"] == 27_600_000.0


@pytest.mark.parametrize("params, parameter", [
    ({"mof_div": "no-such-region"}, "mof_div"),
    ({"as_of": "2025-13-01"}, "as_of"),
    ({"as_of": "20250930"}, "as_of"),
    ({"as_of": "yesterday"}, "as_of"),
])
def test_bad_parameters_answer_400_naming_them(client, params, parameter):
    assert_names_parameter(get(client, **params), parameter)


def band(ratio) -> str | None:
    """DEBT_RATIO's default lines (SPEC §2): yellow ≥ 120%, orange ≥ 200%, red ≥ 300%."""
    if ratio is None:
        return None
    return "red" if ratio >= 3 else "orange" if ratio >= 2 else "yellow" if ratio >= 1.2 \
        else "green"


@pytest.mark.parametrize("region", [*DEMO_REGIONS, None])
def test_demo_equals_the_files(demo_client, frames, region):  # noqa: F811
    want = DemoDebt(frames, DEMO_AS_OF)
    params = {"as_of": DEMO_AS_OF.isoformat(), **({"mof_div": region} if region else {})}
    body = get(demo_client, **params).get_json()
    bal = want.balance(region)
    assert body["balance"] == {"general": bal["1"] / 100, "special": bal["2"] / 100}
    root = region or "99"  # the demo's one root region
    limits = want.own("debt_limit", root)
    by_type = {k: v / 100 for k, v in zip(limits.DEBT_TYPE, limits.LIMIT_AMOUNT)}
    assert body["limit"] == {"general": by_type.get("1"), "special": by_type.get("2")}
    cap = want.own("fiscal_capacity", root)
    ratio = None if cap.empty else (bal["1"] + bal["2"]) / next(cap.itertuples()).COMPREHENSIVE_CAPACITY
    gdp = None if cap.empty else (bal["1"] + bal["2"]) / next(cap.itertuples()).GDP
    assert body["debt_ratio"] == (None if ratio is None else pytest.approx(ratio, abs=1e-6))
    assert body["liability_ratio"] == (None if gdp is None else pytest.approx(gdp, abs=1e-6))
    assert body["level"] == band(ratio)
    if region == "990121":
        assert body["level"] == "yellow"  # the demo plants a debt ratio of 138%

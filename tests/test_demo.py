"""The demo region generator: determinism, the file contract, a clean import on
both backends, row counts per scale, and every planted case checked by a small
rule checker (tests/rule_oracle.py), independent of the product's rule engine."""
from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data import schema
from data.demo import DEFAULT_AS_OF, HEADERS, load_demo, write_demo_files
from data.demo.planted import markdown_table, planted_cases
from tests.rule_oracle import DATES, MONEY, PERIODS, RULE_IDS, Rules, read_frames

D = DEFAULT_AS_OF
ROOT = Path(__file__).resolve().parent.parent
MONEY_RE = re.compile(r"^-?\d+\.\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


# -- fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="module", params=[7, 2025], ids=["seed7", "seed2025"])
def tiny(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"tiny-{request.param}")
    paths = write_demo_files(out, "tiny", seed=request.param)
    return out, paths


@pytest.fixture(scope="module")
def frames(tiny):
    out, _paths = tiny
    return read_frames(out)


def digest(paths) -> dict[str, str]:
    return {Path(p).name: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


# -- determinism and the file contract -------------------------------------------------

def test_same_seed_same_bytes_different_seed_different(tmp_path):
    a = write_demo_files(tmp_path / "a", "tiny", seed=11)
    b = write_demo_files(tmp_path / "b", "tiny", seed=11)
    c = write_demo_files(tmp_path / "c", "tiny", seed=12)
    assert digest(a) == digest(b)
    differing = {name for name, h in digest(c).items() if digest(a)[name] != h}
    assert {"payment.csv", "quota.csv", "revenue.csv"} <= differing


def test_no_dependence_on_hash_randomisation(tmp_path):
    script = ("import sys; from pathlib import Path; from data.demo import write_demo_files; "
              "write_demo_files(Path(sys.argv[1]), 'tiny', seed=5)")
    for hash_seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / hash_seed)], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed})
    assert digest((tmp_path / "1").iterdir()) == digest((tmp_path / "2").iterdir())


def test_files_follow_the_contract(tiny):
    out, paths = tiny
    assert sorted(p.name for p in paths) == sorted([f"{n}.csv" for n in HEADERS]
                                                   + ["classification.csv", "region_boundary.geojson"])
    for name, header in HEADERS.items():
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == header, name
        assert len(rows) > 1, name
        body = rows[1:]
        assert all(len(r) == len(header) for r in body), name
        idx = {h: i for i, h in enumerate(header)}
        for col in MONEY.get(name, []):
            vals = [r[idx[col]] for r in body if r[idx[col]]]
            bad = [v for v in vals if not MONEY_RE.match(v)]
            assert not bad, (name, col, bad[:3])
        for col in DATES.get(name, []):
            bad = [r[idx[col]] for r in body if r[idx[col]] and not DATE_RE.match(r[idx[col]])]
            assert not bad, (name, col, bad[:3])
        if name in PERIODS:
            bad = [r[idx["PERIOD"]] for r in body if not PERIOD_RE.match(r[idx["PERIOD"]])]
            assert not bad, (name, bad[:3])


def test_codes_are_strings_and_refer_to_what_exists(frames):
    f = frames
    cls = pd.read_csv(ROOT / "data" / "classification.csv", dtype=str, keep_default_na=False)
    codes = {s: set(cls.loc[cls.SCHEME == s, "CODE"]) for s in cls.SCHEME.unique()}
    for name in ("quota", "payment"):
        assert set(f[name].EXP_FUNC_CODE) <= codes["EXP_FUNC"]
        assert set(f[name].DEP_BGT_ECO_CODE) <= codes["DEP_ECO"]
        assert set(f[name].GOV_BGT_ECO_CODE) - {""} <= codes["GOV_ECO"]
    assert set(f["revenue"].REVENUE_CODE) <= codes["REVENUE"]
    divs = set(f["mof_div"].MOF_DIV_CODE)
    agencies = set(f["agency"].AGENCY_CODE)
    assert set(f["agency"].MOF_DIV_CODE) <= divs and set(f["agency"].DEPT_CODE) <= agencies
    assert all(c.startswith("99") for c in divs)
    assert set(f["payment"].AGENCY_CODE) <= agencies
    assert set(f["payment"].PRO_CODE) - {""} <= set(f["project"].PRO_CODE)
    assert set(f["quota"].ORI_BGT_ID) - {""} <= set(f["quota"].BGT_ID)
    assert f["payment"].PAY_CERT_ID.is_unique and f["quota"].BGT_ID.is_unique
    # Every agency's department is itself a department.
    a = f["agency"].set_index("AGENCY_CODE")
    assert all(a.loc[d, "DEPT_CODE"] == d for d in a.DEPT_CODE.unique())


def test_amounts_are_plausible_for_a_county(tmp_path):
    paths = write_demo_files(tmp_path, "small", seed=2025)
    f = read_frames(tmp_path)
    q = f["quota"]
    general = q.loc[(q.FISCAL_YEAR == str(D.year)) & (q.FUND_TYPE_CODE == "1"), "AMOUNT"].sum() / 1e10
    assert 10 < general < 60, general           # 亿元: tens of 亿 a year
    pay = f["payment"]
    assert 60_000 <= len(pay) <= 140_000
    assert 130 <= len(f["agency"]) <= 170 and 35 <= (f["agency"].AGENCY_CODE == f["agency"].DEPT_CODE).sum()
    assert len(f["mof_div"]) == 3 + 18
    assert set(q.FUND_TYPE_CODE) == {"1", "2", "3", "4"}
    assert set(pay.FISCAL_YEAR) == {str(D.year - 1), str(D.year)}
    by_month = pay[pay.FISCAL_YEAR == str(D.year - 1)].groupby(
        pay.PAY_DATE.map(lambda d: d.month)).AMOUNT.sum()
    assert by_month.idxmax() == 12              # the December peak
    assert len(paths) == len(HEADERS) + 2  # and the classification table and the boundaries


@pytest.mark.parametrize("as_of", ["2026-01-02", "2026-03-15", "2026-06-30", "2025-12-31"])
def test_other_as_of_dates_hold_nothing_after_them(tmp_path, as_of):
    d = date.fromisoformat(as_of)
    write_demo_files(tmp_path, "tiny", seed=3, as_of=d)
    f = read_frames(tmp_path)
    assert f["payment"].PAY_DATE.max() <= d and f["quota"].DOC_DATE.max() <= d
    assert set(f["payment"].FISCAL_YEAR) <= {str(d.year - 1), str(d.year)}
    assert (f["revenue"].PERIOD < f"{d:%Y-%m}").all() and (f["soe_financial"].PERIOD < f"{d:%Y-%m}").all()
    assert (f["bond"].ISSUE_DATE <= d).all() and (f["direct_fund"].RECEIVED_DATE <= d).all()
    paid = f["debt_service"].PAID_DATE.dropna()
    assert (paid <= d).all()


def test_tiny_row_counts(frames):
    f = frames
    assert 5_000 <= len(f["payment"]) <= 12_000
    assert 20 <= len(f["agency"]) <= 40
    assert len(f["mof_div"]) == 3 + 3
    assert 20 <= f["soe_financial"].ENTERPRISE_CODE.nunique() <= 30


# -- import through the importer, both backends -------------------------------------------

def test_tiny_imports_cleanly(engine, tmp_path):
    report = load_demo(engine, scale="tiny", seed=7, workdir=tmp_path)
    assert report.lines()
    with engine.connect() as conn:
        for name in HEADERS:
            with open(tmp_path / f"{name}.csv", encoding="utf-8") as fh:
                expected = sum(1 for _ in fh) - 1
            table = getattr(schema, name)
            assert conn.execute(select(func.count()).select_from(table)).scalar() == expected, name
        stored = conn.execute(select(func.sum(schema.payment.c.amount))).scalar()
    pay = pd.read_csv(tmp_path / "payment.csv", dtype=str)
    assert stored == sum(int(Decimal(v) * 100) for v in pay.AMOUNT)


# -- the planted cases, by the independent checker of SPEC §2 in tests/rule_oracle.py ----------

@pytest.fixture(scope="module")
def flagged(frames):
    return Rules(frames, D).levels()


def test_every_rule_of_the_contract_has_a_planted_case():
    contract = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    rules = set(re.findall(r"^\| ([A-Z][A-Z0-9_]+) \|", contract, flags=re.M)) - {"ID"}
    assert len(rules) >= 27
    assert {c.rule for c in planted_cases(D) if c.kind == "planted"} == rules == set(RULE_IDS)


@pytest.mark.parametrize("case", planted_cases(D), ids=lambda c: f"{c.rule}-{c.entity}")
def test_planted_case_holds(case, flagged):
    got = flagged[case.rule]
    if case.kind == "control":
        assert case.entity not in got, f"{case.rule} {case.entity} should stay green: {case.what}"
    else:
        assert got.get(case.entity) == case.level, (case.rule, case.entity, got)


# Regions above the county mirror the county in a one-county demo.
ROLLUP = {"99", "9901"}


def test_nothing_else_fires(flagged):
    expected: dict[str, set[str]] = {}
    for c in planted_cases(D):
        if c.kind != "control":
            expected.setdefault(c.rule, set()).add(c.entity)
    for rule, got in flagged.items():
        extra = {e for e in got if e not in expected.get(rule, set())
                 and e.split("@")[-1].split(":")[0] not in ROLLUP}
        assert not extra, (rule, sorted(extra)[:10])


def test_an_ordinary_county_is_green(tmp_path):
    """The province scale's other counties take the generator's ordinary path:
    no planted case, and no rule fires for them."""
    from data.demo import SCALES, _write_files

    _write_files(tmp_path, SCALES["tiny"], 5, D, [(3, "990104", "北苑区")])
    fired = Rules(read_frames(tmp_path), D).levels()
    assert not {rule: got for rule, got in fired.items() if got}


def test_docs_show_the_planted_table():
    text = (ROOT / "docs" / "demo.md").read_text(encoding="utf-8")
    assert markdown_table(D) in text

"""The demo region generator: determinism, the file contract, a clean import on
both backends, row counts per scale, and every planted case checked by a small
rule checker written here, independent of the product's rule engine."""
from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data import schema
from data.demo import DEFAULT_AS_OF, HEADERS, load_demo, write_demo_files
from data.demo.planted import markdown_table, planted_cases

D = DEFAULT_AS_OF
ROOT = Path(__file__).resolve().parent.parent
MONEY = {
    "quota": ["AMOUNT"], "payment": ["AMOUNT"], "revenue": ["AMOUNT"], "revenue_budget": ["AMOUNT"],
    "direct_fund": ["RECEIVED_AMOUNT"], "debt_limit": ["LIMIT_AMOUNT"], "bond": ["AMOUNT"],
    "bond_project": ["AMOUNT"], "debt_service": ["PRINCIPAL", "INTEREST", "PAID_AMOUNT"],
    "fiscal_capacity": ["COMPREHENSIVE_CAPACITY", "GDP", "GENERAL_EXPENDITURE", "FUND_EXPENDITURE"],
    "soe_financial": ["TOTAL_ASSETS", "TOTAL_LIABILITIES", "OWNER_EQUITY", "STATE_EQUITY", "REVENUE",
                      "PROFIT"],
    "admin_asset": ["ORIGINAL_VALUE", "NET_VALUE", "IDLE_VALUE", "RENTED_VALUE"],
}
DATES = {
    "quota": ["DOC_DATE"], "payment": ["PAY_DATE"], "direct_fund": ["RECEIVED_DATE"],
    "bond": ["ISSUE_DATE", "MATURITY_DATE"], "debt_service": ["DUE_DATE", "PAID_DATE"],
}
PERIODS = {"revenue": "PERIOD", "soe_financial": "PERIOD", "admin_asset": "PERIOD",
           "natural_resource": "PERIOD"}
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


def read_frames(folder: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in HEADERS:
        df = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in MONEY.get(name, []):
            df[col] = df[col].map(lambda v: int(Decimal(v) * 100) if v else 0)
        for col in DATES.get(name, []):
            df[col] = df[col].map(lambda v: date.fromisoformat(v) if v else None)
        frames[name] = df
    return frames


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
    assert sorted(p.name for p in paths) == sorted([f"{n}.csv" for n in HEADERS] + ["classification.csv"])
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
    assert len(paths) == len(HEADERS) + 1


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


# -- an independent checker of SPEC §2 --------------------------------------------------------

def tp(d: date) -> float:
    return d.timetuple().tm_yday / (366 if d.year % 4 == 0 else 365)


class Rules:
    """Each method returns {entity_code: level} for the entities a rule flags as of D."""

    def __init__(self, f: dict[str, pd.DataFrame], d: date):
        self.f, self.d, self.y = f, d, str(d.year)
        q = f["quota"]
        self.q = q[(q.FISCAL_YEAR == self.y) & (q.DOC_DATE <= d)]
        p = f["payment"]
        self.p = p[(p.FISCAL_YEAR == self.y) & (p.PAY_DATE <= d)]
        div = f["mof_div"]
        self.parent = dict(zip(div.MOF_DIV_CODE, div.PARENT_CODE))
        self.agency_div = dict(zip(f["agency"].AGENCY_CODE, f["agency"].MOF_DIV_CODE))

    def ancestors(self, code):
        while code:
            yield code
            code = self.parent.get(code, "")

    def rollup(self, values: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for code, v in values.items():
            for a in self.ancestors(code):
                out[a] = out.get(a, 0) + v
        return out

    def EXEC_LAG(self):
        quota = self.q.groupby("AGENCY_CODE").AMOUNT.sum()
        paid = self.p.groupby("AGENCY_CODE").AMOUNT.sum()
        out = {}
        for a, qa in quota.items():
            if qa < 10_000_000:
                continue
            gap = (paid.get(a, 0) / qa - tp(self.d)) * 100
            if gap <= -20:
                out[a] = "red"
            elif gap <= -10:
                out[a] = "yellow"
        return out

    def EXEC_LOW_Q3(self):
        quota = self.q.groupby("AGENCY_CODE").AMOUNT.sum()
        paid = self.p.groupby("AGENCY_CODE").AMOUNT.sum()
        if self.d < date(self.d.year, 9, 30):
            return {}
        return {a: "red" for a, qa in quota.items() if qa >= 10_000_000 and paid.get(a, 0) / qa < 0.6}

    def PROJECT_STALLED(self):
        q = self.q[self.q.PRO_CODE != ""]
        recent = set(self.p.loc[self.p.PAY_DATE > self.d - timedelta(days=90), "PRO_CODE"])
        out = {}
        for pro, g in q.groupby("PRO_CODE"):
            if g.AMOUNT.sum() >= 10_000_000 and g.DOC_DATE.min() <= self.d - timedelta(days=90) \
                    and pro not in recent:
                out[pro] = "yellow"
        return out

    def YEAR_END_SURGE(self):
        quota = self.q[self.q.PRO_CODE != ""].groupby("PRO_CODE").AMOUNT.sum()
        late = self.p[self.p.PAY_DATE.map(lambda d: d.month >= 11)].groupby("PRO_CODE").AMOUNT.sum()
        return {p: "red" for p, v in late.items() if p and quota.get(p, 0) and v / quota[p] > 0.5}

    def PAY_OVER_QUOTA(self):
        avail = self.q.set_index("BGT_ID").AMOUNT.to_dict()
        for ori, amount in zip(self.q.ORI_BGT_ID, self.q.AMOUNT):
            if ori:
                avail[ori] = avail.get(ori, 0) + amount
        paid = self.p[self.p.BGT_ID.isin(avail)].groupby("BGT_ID").AMOUNT.sum()
        return {b: "red" for b, v in paid.items() if v > avail[b]}

    def PAY_NO_QUOTA(self):
        known = set(self.f["quota"].BGT_ID)
        bad = self.p[(self.p.BGT_ID == "") | ~self.p.BGT_ID.isin(known)]
        return {c: "red" for c in bad.PAY_CERT_ID}

    def SELF_TRANSFER(self):
        names = dict(zip(self.f["agency"].AGENCY_CODE, self.f["agency"].AGENCY_NAME.str.strip()))
        p = self.p
        hit = p[p.PAYEE_ACCT_NAME.str.strip() == p.AGENCY_CODE.map(names)]
        return {c: ("red" if dfc else "yellow") for c, dfc in zip(hit.PAY_CERT_ID, hit.DIRECT_FUND_CODE)}

    def LARGE_CASH(self):
        cash = self.p[(self.p.SET_MODE_CODE == "2") & (self.p.AMOUNT >= 5_000_000)]
        return {c: ("red" if a >= 20_000_000 else "yellow") for c, a in zip(cash.PAY_CERT_ID, cash.AMOUNT)}

    def DUPLICATE_PAYMENT(self):
        p = self.p.copy()
        p["KEY"] = p.PAYEE_ACCT_NO.where(p.PAYEE_ACCT_NO != "", p.PAYEE_ACCT_NAME)
        p = p.sort_values(["AGENCY_CODE", "KEY", "AMOUNT", "PAY_DATE", "PAY_CERT_ID"])
        same = ((p.AGENCY_CODE == p.AGENCY_CODE.shift()) & (p.KEY == p.KEY.shift())
                & (p.AMOUNT == p.AMOUNT.shift()))
        gap = (pd.to_datetime(p.PAY_DATE) - pd.to_datetime(p.PAY_DATE.shift())).dt.days
        return {c: "yellow" for c in p.loc[same & (gap <= 3), "PAY_CERT_ID"]}

    def UNION_PAYMENT(self):
        p = self.p
        hit = p[(p.PAYEE_ACCT_NAME.str.contains("工会") | p.USE_DES.str.contains("工会"))
                & (p.AMOUNT > 1_000_000)]
        return {c: "yellow" for c in hit.PAY_CERT_ID}

    def OTHER_ECON_SHARE(self):
        q = self.q[self.q.PRO_CODE != ""]
        total = q.groupby("PRO_CODE").AMOUNT.sum()
        other = q[q.DEP_BGT_ECO_CODE.str.endswith("99")].groupby("PRO_CODE").AMOUNT.sum()
        return {p: "yellow" for p, v in other.items() if v / total[p] > 0.2}

    def THREE_PUBLIC_OVER(self):
        codes = ["30212", "30217", "30231", "31013"]
        paid = self.p[self.p.DEP_BGT_ECO_CODE.isin(codes)].groupby("AGENCY_CODE").AMOUNT.sum()
        quota = self.q[self.q.DEP_BGT_ECO_CODE.isin(codes)].groupby("AGENCY_CODE").AMOUNT.sum()
        return {a: "red" for a, v in paid.items() if v > quota.get(a, 0)}

    def _revenue(self):
        r = self.f["revenue"]
        r = r[(r.FISCAL_YEAR == self.y) & (r.PERIOD <= f"{self.d:%Y-%m}") & (r.FUND_TYPE_CODE == "1")]
        return r

    def REVENUE_LAG(self):
        r = self._revenue()
        b = self.f["revenue_budget"]
        b = b[(b.FISCAL_YEAR == self.y) & (b.FUND_TYPE_CODE == "1")]
        got = self.rollup(r.groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        budget = self.rollup(b.groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        out = {}
        for div, bud in budget.items():
            gap = (got.get(div, 0) / bud - tp(self.d)) * 100
            if gap <= -20:
                out[div] = "red"
            elif gap <= -10:
                out[div] = "yellow"
        return out

    def TAX_SHARE_LOW(self):
        r = self._revenue()
        tax = self.rollup(r[r.REVENUE_CODE.str.startswith("101")].groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        total = self.rollup(r.groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        return {div: "yellow" for div, t in total.items() if t and tax.get(div, 0) / t < 0.7}

    def _direct(self, measure):
        out = {}
        df = self.f["direct_fund"]
        df = df[df.FISCAL_YEAR == self.y]
        for code, div, received, when in zip(df.DIRECT_FUND_CODE, df.MOF_DIV_CODE,
                                             df.RECEIVED_AMOUNT, df.RECEIVED_DATE):
            if (self.d - when).days <= 30:
                continue
            level = measure(code, div, received)
            if level:
                out[f"{code}@{div}"] = level
        return out

    def _under(self, frame, div_col, div):
        return frame[frame[div_col].map(lambda c: div in set(self.ancestors(c)))]

    def DIRECT_ALLOC_SLOW(self):
        def measure(code, div, received):
            q = self._under(self.q[self.q.DIRECT_FUND_CODE == code], "MOF_DIV_CODE", div)
            ratio = q.AMOUNT.sum() / received
            return "red" if ratio < 0.8 else "yellow" if ratio < 1 else None
        return self._direct(measure)

    def DIRECT_PAY_LAG(self):
        def measure(code, div, received):
            p = self._under(self.p[self.p.DIRECT_FUND_CODE == code], "MOF_DIV_CODE", div)
            gap = (p.AMOUNT.sum() / received - tp(self.d)) * 100
            return "red" if gap <= -20 else "yellow" if gap <= -10 else None
        return self._direct(measure)

    def _balance(self, kind=None):
        b, s = self.f["bond"], self.f["debt_service"]
        if kind:
            b = b[b.DEBT_TYPE == kind]
        s = s[s.BOND_CODE.isin(b.BOND_CODE)]
        issued = b[b.ISSUE_DATE <= self.d].groupby("MOF_DIV_CODE").AMOUNT.sum()
        div_of = dict(zip(b.BOND_CODE, b.MOF_DIV_CODE))
        repaid = s[s.PAID_DATE.map(lambda v: v is not None and v <= self.d)]
        repaid = repaid.groupby(repaid.BOND_CODE.map(div_of)).PRINCIPAL.sum()
        return self.rollup({d: issued.get(d, 0) - repaid.get(d, 0) for d in issued.index})

    def _capacity(self):
        c = self.f["fiscal_capacity"]
        return c[c.FISCAL_YEAR == self.y].set_index("MOF_DIV_CODE")

    def DEBT_RATIO(self):
        bal, cap = self._balance(), self._capacity()
        out = {}
        for div, row in cap.iterrows():
            ratio = bal.get(div, 0) / row.COMPREHENSIVE_CAPACITY
            level = "red" if ratio >= 3 else "orange" if ratio >= 2 else "yellow" if ratio >= 1.2 else None
            if level:
                out[div] = level
        return out

    def LIABILITY_RATIO(self):
        bal, cap = self._balance(), self._capacity()
        return {div: "yellow" for div, row in cap.iterrows() if bal.get(div, 0) / row.GDP >= 0.6}

    def DEBT_OVER_LIMIT(self):
        lim = self.f["debt_limit"]
        lim = lim[lim.FISCAL_YEAR == self.y]
        out = {}
        for div, kind, limit in zip(lim.MOF_DIV_CODE, lim.DEBT_TYPE, lim.LIMIT_AMOUNT.astype(int)):
            if self._balance(kind).get(div, 0) > limit:
                out[f"{div}:{kind}"] = "red"
        return out

    def INTEREST_BURDEN(self):
        b, s = self.f["bond"], self.f["debt_service"]
        s = s[s.DUE_DATE.map(lambda v: v.year == self.d.year)]
        kind = dict(zip(b.BOND_CODE, b.DEBT_TYPE))
        div = dict(zip(b.BOND_CODE, b.MOF_DIV_CODE))
        out = {}
        for d, row in self._capacity().iterrows():
            for k, denom in (("1", row.GENERAL_EXPENDITURE), ("2", row.FUND_EXPENDITURE)):
                interest = s[(s.BOND_CODE.map(kind) == k) & (s.BOND_CODE.map(div) == d)].INTEREST.sum()
                if interest / denom > 0.1:
                    out[f"{d}:{k}"] = "red"
        return out

    def _unpaid(self, s):
        return s.PAID_DATE.map(lambda v: v is None or v > self.d)

    def DEBT_DUE_SOON(self):
        s = self.f["debt_service"]
        hit = s[(s.DUE_DATE > self.d) & (s.DUE_DATE <= self.d + timedelta(days=30)) & self._unpaid(s)]
        return {f"{b}@{d}": "yellow" for b, d in zip(hit.BOND_CODE, hit.DUE_DATE)}

    def DEBT_OVERDUE(self):
        s = self.f["debt_service"]
        hit = s[(s.DUE_DATE < self.d) & (self._unpaid(s) | (s.PAID_AMOUNT < s.PRINCIPAL + s.INTEREST))]
        return {f"{b}@{d}": "red" for b, d in zip(hit.BOND_CODE, hit.DUE_DATE)}

    def BOND_FUNDS_IDLE(self):
        b = self.f["bond"].set_index("BOND_CODE")
        p = self.f["payment"]
        p = p[(p.PAY_DATE <= self.d) & (p.BOND_CODE != "")]
        spent = p.groupby(["BOND_CODE", "PRO_CODE"]).AMOUNT.sum()
        out = {}
        for bond, pro, amount in zip(self.f["bond_project"].BOND_CODE, self.f["bond_project"].PRO_CODE,
                                     self.f["bond_project"].AMOUNT):
            if b.loc[bond, "ISSUE_DATE"] <= self.d - timedelta(days=180) \
                    and spent.get((bond, pro), 0) / amount < 0.5:
                out[f"{bond}/{pro}"] = "yellow"
        return out

    def _latest_soe(self):
        s = self.f["soe_financial"]
        s = s[s.PERIOD <= f"{self.d:%Y-%m}"].sort_values("PERIOD")
        return s.groupby("ENTERPRISE_CODE").tail(1)

    def SOE_ALR(self):
        out = {}
        for row in self._latest_soe().itertuples():
            alr = row.TOTAL_LIABILITIES / row.TOTAL_ASSETS
            bands = {"1": (0.65, 0.70), "2": (0.70, 0.75)}.get(row.INDUSTRY_TYPE)
            if bands and alr >= bands[1]:
                out[row.ENTERPRISE_CODE] = "red"
            elif bands and alr >= bands[0]:
                out[row.ENTERPRISE_CODE] = "yellow"
        return out

    def SOE_LOSS(self):
        s = self._latest_soe()
        return {c: "yellow" for c in s.loc[s.PROFIT < 0, "ENTERPRISE_CODE"]}

    def IDLE_ASSETS(self):
        a = self.f["admin_asset"]
        a = a[a.PERIOD <= f"{self.d:%Y-%m}"]
        latest = a.groupby("AGENCY_CODE").PERIOD.transform("max")
        a = a[a.PERIOD == latest].groupby("AGENCY_CODE")[["IDLE_VALUE", "NET_VALUE"]].sum()
        return {c: "yellow" for c, row in a.iterrows() if row.IDLE_VALUE / row.NET_VALUE > 0.1}

    def DATA_STALE(self):
        def period_end(p):
            y, m = int(p[:4]), int(p[5:7])
            return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)

        latest: dict[str, dict[str, date]] = {}

        def note(dataset, div, when):
            for a in self.ancestors(div):
                cur = latest.setdefault(dataset, {}).get(a)
                if cur is None or when > cur:
                    latest[dataset][a] = when

        p = self.f["payment"]
        for div, when in p.groupby("MOF_DIV_CODE").PAY_DATE.max().items():
            note("payment", div, when)
        for div, per in self.f["revenue"].groupby("MOF_DIV_CODE").PERIOD.max().items():
            note("revenue", div, period_end(per))
        for div, per in self.f["soe_financial"].groupby("MOF_DIV_CODE").PERIOD.max().items():
            note("soe_financial", div, period_end(per))
        a = self.f["admin_asset"]
        for div, per in a.groupby(a.AGENCY_CODE.map(self.agency_div)).PERIOD.max().items():
            note("admin_asset", div, period_end(per))
        limit = self.d - timedelta(days=40)
        return {f"{ds}@{div}": "yellow" for ds, by in latest.items() for div, w in by.items()
                if w < limit}


RULE_IDS = [name for name in dir(Rules) if name.isupper()]


@pytest.fixture(scope="module")
def flagged(frames):
    rules = Rules(frames, D)
    return {rule: getattr(rules, rule)() for rule in RULE_IDS}


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
    rules = Rules(read_frames(tmp_path), D)
    fired = {rule: getattr(rules, rule)() for rule in RULE_IDS}
    assert not {rule: got for rule, got in fired.items() if got}


def test_docs_show_the_planted_table():
    text = (ROOT / "docs" / "demo.md").read_text(encoding="utf-8")
    assert markdown_table(D) in text

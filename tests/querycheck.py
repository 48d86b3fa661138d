"""Test helpers for the query layer: a synthetic store with the awkward cases
written in, and an independent pandas computation of SPEC §2 from the raw
tables (no aggregate table, no data.hierarchy)."""
from __future__ import annotations

import csv
import itertools
import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select, text

from data import schema as s
from data.db import bump_data_version, make_engine
from data.hierarchy import forget

CLASSIFICATION = Path(__file__).resolve().parent.parent / "data" / "classification.csv"

AGG_COLUMNS = ["fiscal_year", "pay_ym", "mof_div_code", "agency_code", "pro_code", "bgt_id",
               "exp_func_code", "dep_bgt_eco_code", "fund_type_code", "direct_fund_code",
               "bond_code"]


def build_aggregate(conn) -> None:
    """agg_payment_month from scratch, the INSERT … SELECT GROUP BY the
    importer runs per slice."""
    cols = ", ".join(AGG_COLUMNS)
    conn.execute(text("DELETE FROM agg_payment_month"))
    conn.execute(text(f"INSERT INTO agg_payment_month ({cols}, amount, n_payments) "
                      f"SELECT {cols}, SUM(amount), COUNT(*) FROM payment GROUP BY {cols}"))


def _codes(scheme: str) -> list[tuple[str, str | None]]:
    with CLASSIFICATION.open(encoding="utf-8") as f:
        return [(r["CODE"], r["PARENT_CODE"] or None) for r in csv.DictReader(f)
                if r["SCHEME"] == scheme]


_synth_counter = itertools.count()


@pytest.fixture(scope="session")
def synth_engine(request, backend, tmp_path_factory):
    """The synthetic store per backend (read-only for tests)."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("synth") / "synth.db"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"synth_{next(_synth_counter)}"
        cluster.execute(f"CREATE DATABASE {name} TEMPLATE template_budget")
        url = cluster.url(name)
    eng = make_engine(url)
    load_synthetic(eng)
    yield eng
    forget(eng)
    eng.dispose()


def load_synthetic(engine: Engine, seed: int = 11) -> None:
    """Two counties (one with three townships), departments with several
    agencies, projects, quotas with adjustments, payments with refunds, cash,
    self-transfers, union payees, missing and unknown quotas, payments after D
    and across year ends, and revenue of two years."""
    rnd = random.Random(seed)
    regions = [
        ("990100", "示范县", "990000", 3, 300_000),
        ("990101", "甲镇", "990100", 4, 40_000),
        ("990102", "乙镇", "990100", 4, None),
        ("990103", "丙街道", "990100", 4, 25_000),
        ("990200", "邻县", "990000", 3, 180_000),
        ("990201", "丁乡", "990200", 4, 12_000),
    ]
    agencies = []  # (code, name, region, dept)
    for d, (dept, region) in enumerate([("101", "990100"), ("102", "990100"), ("103", "990101"),
                                        ("201", "990200")]):
        agencies.append((dept, f"部门{dept}", region, dept))
        for k in range(1, 3 + d % 2):
            sub_region = rnd.choice([r[0] for r in regions if r[0].startswith(region[:4])])
            agencies.append((f"{dept}{k:03d}", f"单位{dept}-{k}", sub_region, dept))
    projects = [(f"P{i:03d}", f"项目{i}", rnd.choice(agencies)[0]) for i in range(1, 16)]
    agency_region = {a[0]: a[2] for a in agencies}

    func_leaf = [c for c, par in _codes("EXP_FUNC") if par and len(c) > 5][:60]
    func_mid = [c for c, par in _codes("EXP_FUNC") if par and len(c) == 5][:5]
    eco = [c for c, par in _codes("DEP_ECO") if par][:25] + ["30212", "30217", "30231", "31013"]

    quotas, payments = [], []
    for fy in (2025, 2026):
        for i in range(220 if fy == 2026 else 80):
            agency = rnd.choice(agencies)[0]
            pro = rnd.choice([p for p in projects if p[2] == agency] or [None])
            pro_code = pro[0] if pro and rnd.random() < 0.8 else None
            doc = date(fy, 1, 1) + timedelta(days=rnd.randrange(0, 364))
            if rnd.random() < 0.05:
                doc = date(fy - 1, 12, rnd.randrange(1, 31))
            quotas.append(dict(
                bgt_id=f"Q{fy}{i:04d}", fiscal_year=fy, mof_div_code=agency_region[agency],
                agency_code=agency, pro_code=pro_code,
                exp_func_code=rnd.choice(func_leaf + func_mid[:1]),
                dep_bgt_eco_code=rnd.choice(eco), gov_bgt_eco_code=None,
                fund_type_code=rnd.choice("1112234"), budget_stage="1",
                cor_bgt_doc_no=f"示财〔{fy}〕{i}号", doc_date=doc,
                amount=rnd.choice([rnd.randrange(1_000_00, 90_000_00),
                                   rnd.randrange(100_000_00, 5_000_000_00)]),
                direct_fund_code=None, bond_code=None, ori_bgt_id=None))
        originals = [q for q in quotas if q["fiscal_year"] == fy]
        for j, orig in enumerate(rnd.sample(originals, 25)):
            quotas.append({**orig, "bgt_id": f"A{fy}{j:04d}", "budget_stage": "2",
                           "doc_date": min(orig["doc_date"] + timedelta(days=rnd.randrange(5, 200)),
                                           date(fy, 12, 31)),
                           "amount": rnd.randrange(-orig["amount"] // 2, orig["amount"] // 2),
                           "ori_bgt_id": orig["bgt_id"]})
        fy_quotas = [q for q in quotas if q["fiscal_year"] == fy and q["budget_stage"] == "1"]
        n = 2600 if fy == 2026 else 900
        for i in range(n):
            q = rnd.choice(fy_quotas)
            last = date(fy, 12, 31) if fy == 2025 else date(2026, 11, 30)
            pay = q["doc_date"] + timedelta(days=rnd.randrange(0, 200))
            pay = min(max(pay, date(fy, 1, 1)), last)
            if rnd.random() < 0.01:
                pay = date(fy + 1, 1, rnd.randrange(1, 20))  # after the year end
            if rnd.random() < 0.01:
                pay = date(fy - 1, 12, rnd.randrange(20, 32))  # before the year starts
            bgt = q["bgt_id"]
            r = rnd.random()
            if r < 0.03:
                bgt = None
            elif r < 0.05:
                bgt = f"X{fy}{i:05d}"  # unknown quota
            agency = q["agency_code"]
            amount = rnd.randrange(100, 40_000_00)
            set_mode = rnd.choice("1113")
            payee = rnd.choice(["某建设公司", "某科技公司", "某某工会委员会", "张三"])
            use = rnd.choice(["办公用品", "差旅费", "工会经费", "设备购置", None])
            if rnd.random() < 0.05:
                set_mode, amount = "2", rnd.choice([60_000_00, 250_000_00, 49_999_99, 200_000_00])
            if rnd.random() < 0.04:
                payee = f" 单位名称{agency} "
            if rnd.random() < 0.05:
                amount = -rnd.randrange(100, 500_000)
            payments.append(dict(
                pay_cert_id=f"PC{fy}{i:06d}", fiscal_year=fy, pay_date=pay,
                pay_ym=pay.year * 100 + pay.month, mof_div_code=q["mof_div_code"],
                agency_code=agency, bgt_id=bgt, pro_code=q["pro_code"],
                exp_func_code=q["exp_func_code"] if rnd.random() < 0.95 else rnd.choice(func_leaf),
                dep_bgt_eco_code=q["dep_bgt_eco_code"], gov_bgt_eco_code=None,
                fund_type_code=q["fund_type_code"], pay_type_code=rnd.choice("12"),
                set_mode_code=set_mode, payee_acct_name=payee,
                payee_acct_no=None, use_des=use, amount=amount,
                direct_fund_code="ZD01" if rnd.random() < 0.1 else None, bond_code=None))
    agency_rows = [dict(agency_code=a[0], agency_name=f"单位名称{a[0]}", mof_div_code=a[2],
                        dept_code=a[3], agency_type=None) for a in agencies]

    rev_codes = [c for c, par in _codes("REVENUE") if par and len(c) == 5][:12] + \
        [c for c, par in _codes("REVENUE") if par and len(c) == 7][:4]
    revenue, revenue_budget = [], []
    for fy in (2025, 2026):
        for region in [r[0] for r in regions]:
            for code in rnd.sample(rev_codes, 8):
                ft = "1" if rnd.random() < 0.7 else rnd.choice("24")
                for stage in ("1", "2") if rnd.random() < 0.3 else ("1",):
                    revenue_budget.append(dict(
                        fiscal_year=fy, mof_div_code=region, revenue_code=code,
                        fund_type_code=ft, budget_stage=stage,
                        amount=rnd.randrange(-50_000_00, 3_000_000_00)
                        if stage == "2" else rnd.randrange(1_000_000_00, 30_000_000_00)))
                for m in range(1, 13 if fy == 2025 else 12):
                    revenue.append(dict(fiscal_year=fy, period=f"{fy}-{m:02d}",
                                        mof_div_code=region, revenue_code=code,
                                        fund_type_code=ft,
                                        amount=rnd.randrange(0, 300_000_000)))

    with engine.begin() as conn:
        conn.execute(insert(s.mof_div), [dict(mof_div_code=c, mof_div_name=n, parent_code=p,
                                              level=lv, population=pop)
                                         for c, n, p, lv, pop in regions])
        conn.execute(insert(s.agency), agency_rows)
        conn.execute(insert(s.project), [dict(pro_code=c, pro_name=n, agency_code=a,
                                              is_livelihood=False) for c, n, a in projects])
        conn.execute(insert(s.quota), quotas)
        conn.execute(insert(s.payment), payments)
        conn.execute(insert(s.revenue), revenue)
        conn.execute(insert(s.revenue_budget), revenue_budget)
        build_aggregate(conn)
        bump_data_version(conn)


# -- the independent reference ---------------------------------------------------------

def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.astype("object").map(lambda v: str(v)[:10])).dt.date


def _str_or_none(series: pd.Series) -> pd.Series:
    return series.astype("object").map(lambda v: None if v is None or pd.isna(v) else str(v))


@dataclass
class RefScope:
    as_of: date
    year: int | None = None
    mof_div: str | None = None
    fund_type: str | None = None
    dept: str | None = None
    agency: str | None = None
    func: str | None = None
    eco: str | None = None
    project: str | None = None

    @property
    def fy(self) -> int:
        return self.year or self.as_of.year

    @property
    def end(self) -> date:
        return date(self.fy, 12, 31) if self.fy < self.as_of.year else self.as_of


class Reference:
    """SPEC §2 computed with pandas straight from the raw tables."""

    CODE_COLS = ["mof_div_code", "agency_code", "pro_code", "bgt_id", "exp_func_code",
                 "dep_bgt_eco_code", "fund_type_code", "ori_bgt_id", "revenue_code",
                 "parent_code", "dept_code", "code", "scheme", "payee_acct_name", "use_des",
                 "set_mode_code", "direct_fund_code", "pay_cert_id", "period", "agency_name"]

    def __init__(self, engine: Engine):
        with engine.connect() as conn:
            frames = {t.name: pd.read_sql(select(t), conn) for t in
                      (s.payment, s.quota, s.agency, s.project, s.mof_div, s.classification,
                       s.revenue, s.revenue_budget)}
        for df in frames.values():
            for col in df.columns:
                if col in self.CODE_COLS:
                    df[col] = _str_or_none(df[col])
            for col in ("amount", "fiscal_year"):
                if col in df.columns:
                    df[col] = df[col].astype("int64")
        frames["payment"]["pay_date"] = _dates(frames["payment"]["pay_date"])
        frames["quota"]["doc_date"] = _dates(frames["quota"]["doc_date"])
        self.f = frames
        mof = frames["mof_div"]
        self.region_parent = dict(zip(mof.mof_div_code, mof.parent_code))
        self.region_name = dict(zip(mof.mof_div_code, mof.mof_div_name))
        self.population = {c: None if pd.isna(p) else int(p)
                           for c, p in zip(mof.mof_div_code, mof.population)}
        cls = frames["classification"]
        self.cls_parent = {sc: dict(zip(g.code, g.parent_code)) for sc, g in cls.groupby("scheme")}
        ag = frames["agency"]
        self.agency_dept = dict(zip(ag.agency_code, ag.dept_code))
        self.agency_name = dict(zip(ag.agency_code, ag.agency_name))

    def population_of(self, mof_div: str | None) -> int | None:
        """A region's own POPULATION, which already counts the regions below it
        (never a sum over them); all regions (None): the roots' own
        populations summed, None unless every root has one."""
        if mof_div is None:
            codes = [c for c, p in self.region_parent.items()
                     if p not in self.region_parent or p == c]
        else:
            codes = [mof_div]
        pops = [self.population.get(c) for c in codes]
        return None if not pops or None in pops else sum(pops)

    # hierarchy by walking parent links
    @staticmethod
    def chain(parents: dict, code: str) -> list[str]:
        out = [code]
        while True:
            par = parents.get(out[-1])
            if par is None or par not in parents or par in out:
                return out
            out.append(par)

    def under(self, parents: dict, node: str, code) -> bool:
        return code is not None and node in self.chain(parents, code)

    def _cut(self, df: pd.DataFrame, sc: RefScope) -> pd.DataFrame:
        keep = pd.Series(True, index=df.index)
        if sc.mof_div:
            keep &= df.mof_div_code.map(lambda c: self.under(self.region_parent, sc.mof_div, c))
        if sc.fund_type:
            keep &= df.fund_type_code == sc.fund_type
        if sc.dept:
            keep &= df.agency_code.map(self.agency_dept) == sc.dept
        if sc.agency:
            keep &= df.agency_code == sc.agency
        if sc.func:
            keep &= df.exp_func_code.map(
                lambda c: self.under(self.cls_parent["EXP_FUNC"], sc.func, c))
        if sc.eco:
            keep &= df.dep_bgt_eco_code.map(
                lambda c: self.under(self.cls_parent["DEP_ECO"], sc.eco, c))
        if sc.project:
            keep &= df.pro_code == sc.project
        return df[keep.astype(bool)]

    def paid(self, sc: RefScope) -> pd.DataFrame:
        p = self.f["payment"]
        return self._cut(p[(p.fiscal_year == sc.fy) & (p.pay_date <= sc.end)], sc)

    def budget(self, sc: RefScope) -> pd.DataFrame:
        q = self.f["quota"]
        return self._cut(q[(q.fiscal_year == sc.fy) & (q.doc_date <= sc.end)], sc)

    def execution(self, sc: RefScope, by: str, parent: str | None = None) -> dict:
        """{row code: (budget, paid)}"""
        q, p = self.budget(sc), self.paid(sc)
        if by == "mof_div":
            if parent:
                sel = [c for c, par in self.region_parent.items() if par == parent]
            elif sc.mof_div:
                sel = [c for c in self.region_parent if self.under(self.region_parent,
                                                                    sc.mof_div, c)]
            else:
                sel = list(self.region_parent)
            if sc.mof_div:
                sel = [c for c in sel if self.under(self.region_parent, sc.mof_div, c)]
            return {r: (int(q[q.mof_div_code.map(
                        lambda c: self.under(self.region_parent, r, c)).astype(bool)].amount.sum()),
                        int(p[p.mof_div_code.map(
                            lambda c: self.under(self.region_parent, r, c)).astype(bool)].amount.sum()))
                    for r in sel}
        if by == "dept":
            key = lambda df: df.agency_code.map(self.agency_dept)  # noqa: E731
        elif by == "agency":
            if parent:
                q = q[q.agency_code.map(self.agency_dept) == parent]
                p = p[p.agency_code.map(self.agency_dept) == parent]
            key = lambda df: df.agency_code  # noqa: E731
        elif by in ("func_class", "func", "eco_class", "eco"):
            scheme, col = (("EXP_FUNC", "exp_func_code") if by.startswith("func")
                           else ("DEP_ECO", "dep_bgt_eco_code"))
            parents = self.cls_parent[scheme]
            if by.endswith("_class"):
                key = lambda df: df[col].map(lambda c: self.chain(parents, c)[-1])  # noqa: E731
            elif parent is None:
                key = lambda df: df[col]  # noqa: E731
            else:
                def child(c):
                    ch = self.chain(parents, c)
                    if c == parent:
                        return parent
                    return ch[ch.index(parent) - 1] if parent in ch else None
                key = lambda df: df[col].map(child)  # noqa: E731
        elif by == "project":
            q, p = q[q.pro_code.notna()], p[p.pro_code.notna()]
            if parent:
                q, p = q[q.agency_code == parent], p[p.agency_code == parent]
            key = lambda df: df.pro_code  # noqa: E731
        elif by == "fund_type":
            key = lambda df: df.fund_type_code  # noqa: E731
        else:
            raise ValueError(by)
        out: dict = {}
        for df, i in ((q, 0), (p, 1)):
            if df.empty:
                continue
            sums = df.assign(_k=key(df)).dropna(subset=["_k"]).groupby("_k").amount.sum()
            for k, v in sums.items():
                out.setdefault(k, [0, 0])[i] += int(v)
        return {k: tuple(v) for k, v in out.items()}

    def revenue(self, sc: RefScope, fy: int, period: str) -> pd.DataFrame:
        r = self.f["revenue"]
        r = r[(r.fiscal_year == fy) & (r.period <= period)]
        return self._rev_cut(r, sc)

    def _rev_cut(self, df, sc):
        if sc.mof_div:
            df = df[df.mof_div_code.map(
                lambda c: self.under(self.region_parent, sc.mof_div, c)).astype(bool)]
        if sc.fund_type:
            df = df[df.fund_type_code == sc.fund_type]
        return df

    def revenue_by_class(self, sc: RefScope, parent: str | None) -> dict:
        parents = self.cls_parent["REVENUE"]

        def key(c):
            ch = self.chain(parents, c)
            if parent is None:
                return ch[-1]
            if c == parent:
                return parent
            return ch[ch.index(parent) - 1] if parent in ch else None

        end = sc.end
        frames = [
            self._rev_cut(self.f["revenue_budget"][self.f["revenue_budget"].fiscal_year == sc.fy],
                          sc),
            self.revenue(sc, sc.fy, f"{end.year}-{end.month:02d}"),
            self.revenue(sc, sc.fy - 1, f"{end.year - 1}-{end.month:02d}"),
        ]
        out: dict = {}
        for i, df in enumerate(frames):
            for code, v in df.groupby("revenue_code").amount.sum().items():
                k = key(code)
                if k is not None:
                    out.setdefault(k, [0, 0, 0])[i] += int(v)
        return {k: tuple(v) for k, v in out.items()}

"""An independent oracle of the 27 warning rules of SPEC §2, over the contract's
CSV files read with pandas. It is written from the SPEC alone and shares no
code with the product's rule engine (data.rules): money is integer fen, dates
are `date`, ratios are exact `Fraction`s, so a boundary value (a gap of exactly
−10 pp, a ratio of exactly 120%) lands where the SPEC's ≤ / ≥ / < / > put it.

    f = read_frames(folder)            # the demo's files
    rules = Rules(f, date(2026, 11, 20))
    rules.all()      # {rule: {entity_code: (level, value)}} — value as the SPEC's
                     # §3.2 reads it (gaps in pp, ratios as fractions, amounts in
                     # yuan) or None where the SPEC does not define it
    rules.open_cases # {rule: {entity_code}} the SPEC leaves open: compare nothing there

Where the SPEC is silent the oracle does not judge (see OPEN below and
`open_cases`), rather than guess what the engine should say.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

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
DATASETS = ["mof_div", "agency", "project", "quota", "payment", "revenue", "revenue_budget",
            "direct_fund", "debt_limit", "bond", "bond_project", "debt_service", "fiscal_capacity",
            "soe_financial", "admin_asset", "natural_resource"]

# Rules whose `value` the SPEC pins down: the quantity its threshold is compared
# with, in §3.2's units (gaps in percentage points, ratios as fractions), and the
# two amounts the brief names (PAY_OVER_QUOTA excess, LARGE_CASH amount), in yuan.
VALUE_RULES = {
    "EXEC_LAG": "pp", "REVENUE_LAG": "pp", "DIRECT_PAY_LAG": "pp",
    "EXEC_LOW_Q3": "ratio", "YEAR_END_SURGE": "ratio", "OTHER_ECON_SHARE": "ratio",
    "TAX_SHARE_LOW": "ratio", "DIRECT_ALLOC_SLOW": "ratio", "DEBT_RATIO": "ratio",
    "LIABILITY_RATIO": "ratio", "INTEREST_BURDEN": "ratio", "BOND_FUNDS_IDLE": "ratio",
    "SOE_ALR": "ratio", "IDLE_ASSETS": "ratio",
    "PAY_OVER_QUOTA": "yuan", "LARGE_CASH": "yuan",
}
# How far an engine's value may be from the exact one (it may round for display).
TOLERANCE = {"pp": Decimal("0.01"), "ratio": Decimal("0.0001"), "yuan": Decimal("0")}

THREE_PUBLIC = ("30212", "30217", "30231", "31013")
STALE_DATASETS = ("payment", "revenue", "soe_financial", "admin_asset")


def read_frames(folder: Path) -> dict[str, pd.DataFrame]:
    """Every dataset file of `folder` as strings, then money → integer fen,
    dates → `date` (None when empty). Codes stay strings."""
    frames = {}
    for name in DATASETS:
        df = pd.read_csv(Path(folder) / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in MONEY.get(name, []):
            df[col] = df[col].map(fen)
        for col in DATES.get(name, []):
            df[col] = df[col].map(lambda v: date.fromisoformat(v.strip()) if v.strip() else None)
        frames[name] = df
    return frames


def fen(text: str) -> int:
    text = text.strip().replace(",", "")
    return int(Decimal(text) * 100) if text else 0


def ok(series: pd.Series, test) -> pd.Series:
    """A boolean mask of `test` over a column (typed bool even when empty)."""
    return pd.Series([bool(test(v)) for v in series], index=series.index, dtype=bool)


def tp(d: date) -> Fraction:
    """Time progress: day of year / days in that year."""
    return Fraction(d.timetuple().tm_yday, 366 if calendar.isleap(d.year) else 365)


def period_end(per: str) -> date:
    y, m = int(per[:4]), int(per[5:7])
    return date(y, m, calendar.monthrange(y, m)[1])


def to_decimal(x: Fraction | int | None, unit: str) -> Decimal | None:
    """An exact figure in the units of §3.2 (fen → yuan for amounts)."""
    if x is None:
        return None
    x = Fraction(x)
    if unit == "yuan":
        x = x / 100
    return Decimal(x.numerator) / Decimal(x.denominator)


def gap_band(gap: Fraction, yellow: int = -10, red: int = -20) -> str | None:
    return "red" if gap <= red else "yellow" if gap <= yellow else None


class Rules:
    """Each rule method returns {entity_code: (level, value)} for the entities
    the rule flags as of D; value in §3.2's units (None where undefined)."""

    def __init__(self, f: dict[str, pd.DataFrame], d: date):
        self.f, self.d, self.y = f, d, str(d.year)
        self.month = f"{d:%Y-%m}"
        q = f["quota"]
        self.q = q[(q.FISCAL_YEAR == self.y) & ok(q.DOC_DATE, lambda v: v <= d)]
        p = f["payment"]
        self.p = p[(p.FISCAL_YEAR == self.y) & ok(p.PAY_DATE, lambda v: v <= d)]
        div = f["mof_div"]
        self.regions = list(div.MOF_DIV_CODE)
        self.parent = dict(zip(div.MOF_DIV_CODE, div.PARENT_CODE))
        self.agency_div = dict(zip(f["agency"].AGENCY_CODE, f["agency"].MOF_DIV_CODE))
        self.open_cases: dict[str, set[str]] = defaultdict(set)

    # -- helpers --------------------------------------------------------------------------

    def ancestors(self, code):
        """The region itself and every region above it that is in the store."""
        seen = set()
        while code and code in self.parent and code not in seen:
            seen.add(code)
            yield code
            code = self.parent[code]

    def rollup(self, values: dict[str, int]) -> dict[str, int]:
        """Per region: the sum over itself and every region below it."""
        out: dict[str, int] = {}
        for code, v in values.items():
            for a in self.ancestors(code):
                out[a] = out.get(a, 0) + v
        return out

    def all(self) -> dict[str, dict[str, tuple[str, Fraction | None]]]:
        return {rule: getattr(self, rule)() for rule in RULE_IDS}

    def levels(self) -> dict[str, dict[str, str]]:
        return {rule: {e: lv for e, (lv, _v) in got.items()} for rule, got in self.all().items()}

    # -- budget execution ---------------------------------------------------------------

    def _exec(self):
        quota = self.q.groupby("AGENCY_CODE").AMOUNT.sum().to_dict()
        paid = self.p.groupby("AGENCY_CODE").AMOUNT.sum().to_dict()
        return {a: (qa, paid.get(a, 0)) for a, qa in quota.items() if qa >= 10_000_000}

    def EXEC_LAG(self):
        out = {}
        for a, (qa, pa) in self._exec().items():
            gap = (Fraction(pa, qa) - tp(self.d)) * 100
            level = gap_band(gap)
            if level:
                out[a] = (level, gap)
        return out

    def EXEC_LOW_Q3(self):
        if self.d < date(self.d.year, 9, 30):
            return {}
        out = {}
        for a, (qa, pa) in self._exec().items():
            rate = Fraction(pa, qa)
            if rate < Fraction(6, 10):
                out[a] = ("red", rate)
        return out

    def PROJECT_STALLED(self):
        q = self.q[self.q.PRO_CODE != ""]
        start = self.d - timedelta(days=90)
        window = self.p[ok(self.p.PAY_DATE, lambda v: v > start)]
        window = window[window.PRO_CODE != ""]
        in_window = window.groupby("PRO_CODE").AMOUNT.agg(list).to_dict()
        out = {}
        for pro, g in q.groupby("PRO_CODE"):
            if g.AMOUNT.sum() >= 10_000_000 and g.DOC_DATE.min() <= start:
                amounts = in_window.get(pro, [])
                if not amounts:
                    out[pro] = ("yellow", None)
                elif all(a < 0 for a in amounts):
                    # Only refunds in the window: is a refund "a payment"? SPEC silent.
                    self.open_cases["PROJECT_STALLED"].add(pro)
        return out

    def YEAR_END_SURGE(self):
        quota = self.q[self.q.PRO_CODE != ""].groupby("PRO_CODE").AMOUNT.sum().to_dict()
        p = self.p[(self.p.PRO_CODE != "") & ok(self.p.PAY_DATE, lambda v: v.month >= 11)]
        late = p.groupby("PRO_CODE").AMOUNT.sum().to_dict()
        out = {}
        for pro, v in late.items():
            qa = quota.get(pro, 0)
            if qa > 0 and Fraction(v, qa) > Fraction(1, 2):
                out[pro] = ("red", Fraction(v, qa))
            elif qa <= 0:
                # Payments in Nov–Dec on a project without a (positive) quota: no ratio.
                self.open_cases["YEAR_END_SURGE"].add(pro)
        return out

    def PAY_OVER_QUOTA(self):
        own = dict(zip(self.q.BGT_ID, self.q.AMOUNT))
        avail = dict(own)
        for ori, amount in zip(self.q.ORI_BGT_ID, self.q.AMOUNT):
            if ori in avail:
                avail[ori] += amount
        known = set(self.f["quota"].BGT_ID)
        paid = self.p[self.p.BGT_ID != ""].groupby("BGT_ID").AMOUNT.sum().to_dict()
        out = {}
        for b, v in paid.items():
            if b in avail:
                if v > avail[b]:
                    out[b] = ("red", Fraction(v - avail[b]))
            elif b in known:
                # Known in the store but not a quota to D (dated after D or of
                # another year): SPEC does not say what it is available against.
                self.open_cases["PAY_OVER_QUOTA"].add(b)
        return out

    def PAY_NO_QUOTA(self):
        known = set(self.f["quota"].BGT_ID)
        bad = self.p[(self.p.BGT_ID == "") | ~self.p.BGT_ID.isin(known)]
        return {c: ("red", None) for c in bad.PAY_CERT_ID}

    def SELF_TRANSFER(self):
        names = dict(zip(self.f["agency"].AGENCY_CODE, self.f["agency"].AGENCY_NAME.str.strip()))
        p = self.p
        hit = p[p.PAYEE_ACCT_NAME.str.strip() == p.AGENCY_CODE.map(names)]
        return {c: ("red" if dfc.strip() else "yellow", None)
                for c, dfc in zip(hit.PAY_CERT_ID, hit.DIRECT_FUND_CODE)}

    def LARGE_CASH(self):
        cash = self.p[(self.p.SET_MODE_CODE == "2") & (self.p.AMOUNT >= 5_000_000)]
        return {c: ("red" if a >= 20_000_000 else "yellow", Fraction(a))
                for c, a in zip(cash.PAY_CERT_ID, cash.AMOUNT)}

    def DUPLICATE_PAYMENT(self):
        """Pairwise within (agency, amount): a later payment at most 3 days after
        an earlier one to the same payee. Payee = account number when both have
        one, else the name — so the test is per pair, not per sorted neighbour."""
        out = {}
        p = self.p
        for (_agency, _amount), g in p.groupby(["AGENCY_CODE", "AMOUNT"]):
            if len(g) < 2:
                continue
            rows = sorted(zip(g.PAY_DATE, g.PAY_CERT_ID, g.PAYEE_ACCT_NO.str.strip(),
                              g.PAYEE_ACCT_NAME.str.strip()))
            for i, (d2, c2, no2, name2) in enumerate(rows):
                for d1, c1, no1, name1 in rows[:i]:
                    if (d2 - d1).days > 3:
                        continue
                    # rows are sorted by (date, cert): rows[:i] are all earlier
                    same = no1 == no2 if (no1 and no2) else name1 == name2
                    if same:
                        out[c2] = ("yellow", None)
                        break
        return out

    def UNION_PAYMENT(self):
        p = self.p
        hit = p[(p.PAYEE_ACCT_NAME.str.contains("工会") | p.USE_DES.str.contains("工会"))
                & (p.AMOUNT > 1_000_000)]
        return {c: ("yellow", None) for c in hit.PAY_CERT_ID}

    def OTHER_ECON_SHARE(self):
        q = self.q[self.q.PRO_CODE != ""]
        total = q.groupby("PRO_CODE").AMOUNT.sum().to_dict()
        other = q[q.DEP_BGT_ECO_CODE.str.endswith("99")].groupby("PRO_CODE").AMOUNT.sum().to_dict()
        out = {}
        for pro, v in other.items():
            if total[pro] > 0 and Fraction(v, total[pro]) > Fraction(1, 5):
                out[pro] = ("yellow", Fraction(v, total[pro]))
        return out

    def THREE_PUBLIC_OVER(self):
        paid = self.p[self.p.DEP_BGT_ECO_CODE.isin(THREE_PUBLIC)].groupby("AGENCY_CODE").AMOUNT.sum()
        quota = self.q[self.q.DEP_BGT_ECO_CODE.isin(THREE_PUBLIC)].groupby("AGENCY_CODE").AMOUNT.sum()
        return {a: ("red", None) for a, v in paid.items() if v > quota.get(a, 0)}

    # -- revenue ----------------------------------------------------------------------------

    def _revenue(self):
        r = self.f["revenue"]
        return r[(r.FISCAL_YEAR == self.y) & (r.PERIOD <= self.month) & (r.FUND_TYPE_CODE == "1")]

    def REVENUE_LAG(self):
        b = self.f["revenue_budget"]
        b = b[(b.FISCAL_YEAR == self.y) & (b.FUND_TYPE_CODE == "1")]
        got = self.rollup(self._revenue().groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        budget = self.rollup(b.groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        out = {}
        for div, bud in budget.items():
            if bud <= 0:
                continue
            gap = (Fraction(got.get(div, 0), bud) - tp(self.d)) * 100
            level = gap_band(gap)
            if level:
                out[div] = (level, gap)
        return out

    def TAX_SHARE_LOW(self):
        r = self._revenue()
        tax = self.rollup(r[r.REVENUE_CODE.str.startswith("101")]
                          .groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        total = self.rollup(r.groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict())
        out = {}
        for div, t in total.items():
            if t > 0 and Fraction(tax.get(div, 0), t) < Fraction(7, 10):
                out[div] = ("yellow", Fraction(tax.get(div, 0), t))
        return out

    # -- direct funds -------------------------------------------------------------------------

    def _under(self, frame, div):
        return frame[ok(frame.MOF_DIV_CODE, lambda c: div in set(self.ancestors(c)))]

    def _direct(self, measure):
        """Per fund and region: the amounts received more than 30 days before D
        by the region and the regions below it (direct funds roll up); a
        region is judged where that sum is positive."""
        out = {}
        df = self.f["direct_fund"]
        df = df[(df.FISCAL_YEAR == self.y) & df.RECEIVED_DATE.map(lambda w: (self.d - w).days > 30)]
        for code, rows in df.groupby("DIRECT_FUND_CODE"):
            own = rows.groupby("MOF_DIV_CODE").RECEIVED_AMOUNT.sum().to_dict()
            for div, received in self.rollup(own).items():
                if received <= 0 or div not in self.parent:
                    continue
                hit = measure(code, div, int(received))
                if hit:
                    out[f"{code}@{div}"] = hit
        return out

    def DIRECT_ALLOC_SLOW(self):
        def measure(code, div, received):
            allocated = self._under(self.q[self.q.DIRECT_FUND_CODE == code], div).AMOUNT.sum()
            ratio = Fraction(int(allocated), received)
            level = "red" if ratio < Fraction(4, 5) else "yellow" if ratio < 1 else None
            return (level, ratio) if level else None
        return self._direct(measure)

    def DIRECT_PAY_LAG(self):
        def measure(code, div, received):
            paid = self._under(self.p[self.p.DIRECT_FUND_CODE == code], div).AMOUNT.sum()
            gap = (Fraction(int(paid), received) - tp(self.d)) * 100
            level = gap_band(gap)
            return (level, gap) if level else None
        return self._direct(measure)

    # -- debt ----------------------------------------------------------------------------------

    def _balance(self, kind: str | None = None) -> dict[str, int]:
        """Debt balance at D per region, rolled up: bonds issued ≤ D minus the
        principal of debt_service rows paid ≤ D (SPEC §1.6)."""
        b, s = self.f["bond"], self.f["debt_service"]
        if kind:
            b = b[b.DEBT_TYPE == kind]
        div_of = dict(zip(b.BOND_CODE, b.MOF_DIV_CODE))
        issued = b[ok(b.ISSUE_DATE, lambda v: v <= self.d)].groupby("MOF_DIV_CODE").AMOUNT.sum().to_dict()
        s = s[s.BOND_CODE.isin(div_of) & ok(s.PAID_DATE, lambda v: v is not None and v <= self.d)]
        repaid = s.groupby(s.BOND_CODE.map(div_of)).PRINCIPAL.sum().to_dict()
        own = {d: issued.get(d, 0) - repaid.get(d, 0) for d in set(issued) | set(repaid)}
        return self.rollup(own)

    def _capacity(self):
        """The region's own fiscal_capacity row of year(D); regions without one are absent."""
        c = self.f["fiscal_capacity"]
        c = c[c.FISCAL_YEAR == self.y]
        return {row.MOF_DIV_CODE: row for row in c.itertuples()}

    def DEBT_RATIO(self):
        bal = self._balance()
        out = {}
        for div, row in self._capacity().items():
            if row.COMPREHENSIVE_CAPACITY <= 0:
                continue
            ratio = Fraction(bal.get(div, 0), row.COMPREHENSIVE_CAPACITY)
            level = ("red" if ratio >= 3 else "orange" if ratio >= 2
                     else "yellow" if ratio >= Fraction(6, 5) else None)
            if level:
                out[div] = (level, ratio)
        return out

    def LIABILITY_RATIO(self):
        bal = self._balance()
        out = {}
        for div, row in self._capacity().items():
            if row.GDP > 0 and Fraction(bal.get(div, 0), row.GDP) >= Fraction(3, 5):
                out[div] = ("yellow", Fraction(bal.get(div, 0), row.GDP))
        return out

    def DEBT_OVER_LIMIT(self):
        lim = self.f["debt_limit"]
        lim = lim[lim.FISCAL_YEAR == self.y]
        balances = {k: self._balance(k) for k in ("1", "2")}
        out = {}
        for div, kind, limit in zip(lim.MOF_DIV_CODE, lim.DEBT_TYPE, lim.LIMIT_AMOUNT):
            if balances[kind].get(div, 0) > limit:
                out[f"{div}:{kind}"] = ("red", None)
        return out

    def INTEREST_BURDEN(self):
        b, s = self.f["bond"], self.f["debt_service"]
        s = s[ok(s.DUE_DATE, lambda v: v.year == self.d.year)]
        kind = dict(zip(b.BOND_CODE, b.DEBT_TYPE))
        div = dict(zip(b.BOND_CODE, b.MOF_DIV_CODE))
        interest = {}
        for k in ("1", "2"):
            sk = s[s.BOND_CODE.map(kind) == k]
            interest[k] = self.rollup(sk.groupby(sk.BOND_CODE.map(div)).INTEREST.sum().to_dict())
        out = {}
        for d, row in self._capacity().items():
            for k, denom in (("1", row.GENERAL_EXPENDITURE), ("2", row.FUND_EXPENDITURE)):
                if denom <= 0:
                    continue
                share = Fraction(interest[k].get(d, 0), denom)
                if share > Fraction(1, 10):
                    out[f"{d}:{k}"] = ("red", share)
        return out

    def _unpaid(self, s):
        return ok(s.PAID_DATE, lambda v: v is None or v > self.d)

    def DEBT_DUE_SOON(self):
        s = self.f["debt_service"]
        soon = ok(s.DUE_DATE, lambda v: self.d < v <= self.d + timedelta(days=30))
        hit = s[soon & self._unpaid(s)]
        return {f"{b}@{d.isoformat()}": ("yellow", None) for b, d in zip(hit.BOND_CODE, hit.DUE_DATE)}

    def DEBT_OVERDUE(self):
        s = self.f["debt_service"]
        short = pd.Series([paid < pr + it for paid, pr, it in zip(s.PAID_AMOUNT, s.PRINCIPAL, s.INTEREST)],
                          index=s.index, dtype=bool)
        hit = s[ok(s.DUE_DATE, lambda v: v < self.d) & (self._unpaid(s) | short)]
        return {f"{b}@{d.isoformat()}": ("red", None) for b, d in zip(hit.BOND_CODE, hit.DUE_DATE)}

    def BOND_FUNDS_IDLE(self):
        issue = dict(zip(self.f["bond"].BOND_CODE, self.f["bond"].ISSUE_DATE))
        p = self.f["payment"]
        p = p[ok(p.PAY_DATE, lambda v: v <= self.d) & (p.BOND_CODE != "")]
        spent = p.groupby(["BOND_CODE", "PRO_CODE"]).AMOUNT.sum().to_dict()
        bp = self.f["bond_project"]
        out = {}
        for bond, pro, amount in zip(bp.BOND_CODE, bp.PRO_CODE, bp.AMOUNT):
            if amount <= 0 or issue[bond] > self.d - timedelta(days=180):
                continue
            share = Fraction(int(spent.get((bond, pro), 0)), amount)
            if share < Fraction(1, 2):
                out[f"{bond}/{pro}"] = ("yellow", share)
        return out

    # -- state-owned assets ----------------------------------------------------------------------

    def _latest_soe(self):
        s = self.f["soe_financial"]
        last_day = self.d == period_end(self.month)
        for code in s[s.PERIOD == self.month].ENTERPRISE_CODE:
            if not last_day:
                # Is the period of D's own month "≤ D" before the month ends? SPEC silent.
                self.open_cases["SOE_ALR"].add(code)
                self.open_cases["SOE_LOSS"].add(code)
        s = s[s.PERIOD <= self.month].sort_values("PERIOD")
        return s.groupby("ENTERPRISE_CODE").tail(1)

    def SOE_ALR(self):
        out = {}
        for row in self._latest_soe().itertuples():
            bands = {"1": (Fraction(65, 100), Fraction(70, 100)),
                     "2": (Fraction(70, 100), Fraction(75, 100))}.get(row.INDUSTRY_TYPE)
            if not bands or row.TOTAL_ASSETS <= 0:
                continue
            alr = Fraction(row.TOTAL_LIABILITIES, row.TOTAL_ASSETS)
            if alr >= bands[1]:
                out[row.ENTERPRISE_CODE] = ("red", alr)
            elif alr >= bands[0]:
                out[row.ENTERPRISE_CODE] = ("yellow", alr)
        return out

    def SOE_LOSS(self):
        s = self._latest_soe()
        return {c: ("yellow", None) for c, profit in zip(s.ENTERPRISE_CODE, s.PROFIT) if profit < 0}

    def IDLE_ASSETS(self):
        a = self.f["admin_asset"]
        a = a[a.PERIOD <= self.month]
        latest = a.groupby("AGENCY_CODE").PERIOD.transform("max")
        a = a[a.PERIOD == latest].groupby("AGENCY_CODE")[["IDLE_VALUE", "NET_VALUE"]].sum()
        out = {}
        for code, idle, net in zip(a.index, a.IDLE_VALUE, a.NET_VALUE):
            if net > 0 and Fraction(int(idle), int(net)) > Fraction(1, 10):
                out[code] = ("yellow", Fraction(int(idle), int(net)))
        return out

    # -- data freshness ------------------------------------------------------------------------------

    def _latest_dates(self, to_d: bool) -> dict[str, dict[str, date]]:
        """Per dataset and region: the latest data date over the region and every
        region below it (a period counts as its last day); with `to_d`, only
        payments dated ≤ D and periods ≤ the month of D."""
        latest: dict[str, dict[str, date]] = {ds: {} for ds in STALE_DATASETS}

        def note(dataset, div, when):
            for a in self.ancestors(div):
                cur = latest[dataset].get(a)
                if cur is None or when > cur:
                    latest[dataset][a] = when

        p = self.f["payment"]
        if to_d:
            p = p[ok(p.PAY_DATE, lambda v: v <= self.d)]
        for div, when in p.groupby("MOF_DIV_CODE").PAY_DATE.max().items():
            note("payment", div, when)
        frames = {ds: self.f[ds] for ds in ("revenue", "soe_financial", "admin_asset")}
        if to_d:
            frames = {ds: f[f.PERIOD <= self.month] for ds, f in frames.items()}
        for ds in ("revenue", "soe_financial"):
            for div, per in frames[ds].groupby("MOF_DIV_CODE").PERIOD.max().items():
                note(ds, div, period_end(per))
        a = frames["admin_asset"]
        for div, per in a.groupby(a.AGENCY_CODE.map(self.agency_div)).PERIOD.max().items():
            note("admin_asset", div, period_end(per))
        return latest

    def DATA_STALE(self):
        """Latest data date of a dataset × region older than D − 40 days → yellow.
        Left open: a region with no data of the dataset, and a region whose
        verdict depends on whether data dated after D counts."""
        limit = self.d - timedelta(days=40)
        to_d, every = self._latest_dates(True), self._latest_dates(False)
        out = {}
        for ds in STALE_DATASETS:
            for div in self.regions:
                code = f"{ds}@{div}"
                if div not in to_d[ds]:
                    self.open_cases["DATA_STALE"].add(code)
                elif (to_d[ds][div] < limit) != (every[ds][div] < limit):
                    self.open_cases["DATA_STALE"].add(code)
                elif to_d[ds][div] < limit:
                    out[code] = ("yellow", None)
        return out


RULE_IDS = sorted(name for name in dir(Rules) if name.isupper())
assert len(RULE_IDS) == 27, RULE_IDS

# What the oracle leaves open, with the reason (also reported to the lead).
OPEN = {
    "DATA_STALE": "a region with no data at all of a dataset (no latest date to be old); "
                  "a region whose verdict changes when data dated after D counts",
    "PROJECT_STALLED": "a project whose only payments in (D−90, D] are refunds",
    "PAY_OVER_QUOTA": "a BGT_ID known in the store whose own quota is not a quota to D",
    "YEAR_END_SURGE": "Nov–Dec payments on a project without a positive quota to D",
    "SOE_ALR/SOE_LOSS": "an enterprise whose latest period is D's own month, D before its last day",
}

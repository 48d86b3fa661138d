"""Direct funds, government debt, fiscal capacity and revenue of one county,
derived from its budget plan so the ratios the rules compute stay plausible."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from data.demo import catalog as cat
from data.demo import planted as pl
from data.demo.plan import CountyPlan, Line, Project
from data.demo.util import anniversary, period, rng, split_fen, workday_on_or_after, workday_on_or_before

# Typical coupon of local government bonds by issue year (percent).
RATE_BY_YEAR = {2016: 2.9, 2017: 3.9, 2018: 3.9, 2019: 3.4, 2020: 3.3, 2021: 3.3, 2022: 3.0,
                2023: 2.8, 2024: 2.3, 2025: 1.9, 2026: 1.8}


def _rate(year: int, r) -> float:
    return round(RATE_BY_YEAR.get(year, 2.2) + r.uniform(-0.15, 0.15), 2)


def _round_wan(fen: float, unit_wan: int = 10) -> int:
    unit = unit_wan * 1_000_000
    return max(unit, int(round(fen / unit)) * unit)


# -- direct funds ---------------------------------------------------------------------

def plan_direct_funds(cp: CountyPlan, received_dates) -> None:
    """Received amount per fund and year; planted funds are under-allocated or
    under-paid as the planted table says."""
    tp_year = cp.as_of.year
    for year, lines in sorted(cp.lines.items()):
        by_fund: dict[str, list[Line]] = {}
        for line in lines:
            if line.direct and line.mode != "none":
                by_fund.setdefault(line.direct, []).append(line)
        for code in sorted(by_fund):
            if received_dates[(code, year)] > cp.as_of:
                continue
            group = by_fund[code]
            allocated = sum(ln.amount for ln in group)
            received = allocated
            planted = cp.planted and year == tp_year
            if planted and code in pl.DIRECT_ALLOC:
                received = -(-int(allocated / pl.DIRECT_ALLOC[code]) // 1_000_000) * 1_000_000
            if planted and code in pl.DIRECT_PAID:
                paid = int(received * pl.DIRECT_PAID[code])
                for ln, part in zip(group, split_fen(paid, [ln.amount for ln in group])):
                    ln.mode, ln.paid = "pinned", part
            if planted and code in pl.DIRECT_TOWNSHIP_PAID:
                town, share = pl.DIRECT_TOWNSHIP_PAID[code]
                for ln in group:
                    if ln.agency.div == town:
                        ln.mode, ln.paid = "pinned", int(ln.amount * share)
            # Each region reports what reached it: the county row the county
            # agencies' share, a township row each township's.
            for div, part in _by_region(group, received, cp.code):
                cp.direct.append((code, year, div, part, received_dates[(code, year)]))


def _by_region(group: list[Line], received: int, county: str) -> list[tuple[str, int]]:
    """`received` split over the regions of the lines' agencies, in proportion
    to what each region was allocated (the county first)."""
    allocated: dict[str, int] = {}
    for ln in group:
        allocated[ln.agency.div] = allocated.get(ln.agency.div, 0) + ln.amount
    regions = sorted(allocated, key=lambda d: (d != county, d))
    return list(zip(regions, split_fen(received, [allocated[d] for d in regions])))


# -- special-bond projects --------------------------------------------------------------

@dataclass
class Bond:
    code: str
    name: str
    debt_type: str
    use: str
    issue: date
    term: int
    rate: float
    amount: int

    @property
    def maturity(self) -> date:
        return anniversary(self.issue, self.issue.year + self.term)


_BOND_PROJECTS = (
    # key, name, agency suffix, function, economic code
    ("91", "城区污水管网改造工程", "128001", "2120803", "31005"),
    ("92", "产业园区标准厂房建设", "128001", "2120803", "31001"),
    ("93", "城乡供水一体化工程", "128001", "2120803", "31005"),
    ("94", "县城智慧停车场建设", "128001", "2120803", "31005"),
    ("95", "住院综合楼建设", "125001", "2120803", "31001"),
)


def plan_bond_projects(cp: CountyPlan) -> tuple[list[Bond], list[tuple[Bond, Project, int]]]:
    """New special bonds of the last two years, the projects they fund and the
    quotas that carry them."""
    y, prev = cp.as_of.year, cp.as_of.year - 1
    e = cp.general_expenditure[y]
    r = rng(cp.seed, cp.code, "bond-projects")
    projects = {}
    for key, name, suffix, func, dep in _BOND_PROJECTS:
        agency = cp.agency(cp.code + suffix)
        p = Project(f"{agency.code}00{key}", name, agency, None, False, "政府投资类")
        cp.projects.append(p)
        projects[key] = (p, func, dep)
    idle_code = pl.BOND["idle"] if cp.planted else f"{cp.code}{prev % 100}90"
    specs = [
        (f"{cp.code}{prev % 100}91", date(prev, 3, 18), 10, 0.04, (("91", 1.0),)),
        (idle_code, date(prev, 4, 22), 15, 0.025, (("92", 1.0),)),
        (f"{cp.code}{y % 100}91", date(y, 3, 20), 20, 0.05, (("93", 0.6), ("95", 0.4))),
        (f"{cp.code}{y % 100}92", date(y, 6, 18), 10, 0.02, (("94", 1.0),)),
    ]
    bonds, links = [], []
    for n, (code, issue, term, share, parts) in enumerate(specs, 1):
        issue = workday_on_or_after(issue)
        if issue > cp.as_of - timedelta(days=20):
            continue
        amount = _round_wan(e * share, 100)
        b = Bond(code, f"{issue.year}年示范省政府专项债券(第{n + 2}期)·{cp.name}", "2", "1", issue,
                 term, _rate(issue.year, r), amount)
        bonds.append(b)
        for key, amt in zip([k for k, _ in parts], split_fen(amount, [s for _, s in parts])):
            p, func, dep = projects[key]
            links.append((b, p, amt))
            doc = workday_on_or_after(issue + timedelta(days=10))
            first = Line(issue.year, p.agency, p, func, dep, "2", "2", doc, amt, bond=b.code)
            cp.lines[issue.year].append(first)
            if issue.year == prev:
                idle = cp.planted and code == pl.BOND["idle"]
                first.mode = "pinned"
                first.paid = int(amt * (0.22 if idle else r.uniform(0.6, 0.7)))
                if not idle:
                    carry = Line(y, p.agency, p, func, dep, "2", "1",
                                 workday_on_or_after(date(y, 1, 15)), amt - first.paid, bond=b.code)
                    cp.lines[y].append(carry)
    return bonds, links


# -- debt -----------------------------------------------------------------------------------

def _window_ok(issue: date, as_of: date) -> bool:
    """Ordinary bonds keep their payment dates away from the as-of date, so
    only the planted rows are due soon or overdue."""
    for year in (as_of.year, as_of.year + 1):
        a = anniversary(issue, year)
        if as_of - timedelta(days=3) < a <= as_of + timedelta(days=35):
            return False
    return True


def _draw_issue(r, year: int, as_of: date) -> date:
    while True:
        d = workday_on_or_after(date(year, r.randrange(1, 13), r.randrange(1, 29)))
        if d.year == year and _window_ok(d, as_of):
            return d


def plan_debt(cp: CountyPlan, new_bonds: list[Bond]) -> dict:
    """All bonds, their repayment schedules, limits and the fiscal capacity."""
    as_of, y = cp.as_of, cp.as_of.year
    r = rng(cp.seed, cp.code, "debt")
    e, fe = cp.general_expenditure[y], cp.fund_expenditure[y]
    bonds = list(new_bonds)
    seq = {}

    def code_for(year: int) -> str:
        seq[year] = seq.get(year, 0) + 1
        return f"{cp.code}{year % 100}{seq[year]:02d}"

    def name_for(b_year: int, kind: str, n: int) -> str:
        return f"{b_year}年示范省政府{kind}债券(第{n}期)·{cp.name}"

    # General debt: a refinanced pair, a bond maturing soon, a new bond, older bonds.
    general_target = e * 0.5
    fixed = []
    old1_issue = _draw_issue(r, y - 7, as_of)
    old1 = Bond(code_for(y - 7), name_for(y - 7, "一般", 3), "1", "1", old1_issue, 5,
                _rate(y - 7, r), _round_wan(e * 0.04))
    refi1 = Bond(code_for(old1.maturity.year), name_for(old1.maturity.year, "再融资一般", 1), "1", "2",
                 workday_on_or_before(old1.maturity), 10, _rate(old1.maturity.year, r), old1.amount)
    due_issue = anniversary(pl.due_soon_date(as_of), y - 5)
    due_code = pl.BOND["due_soon"] if cp.planted else code_for(y - 5)
    if not cp.planted:
        due_issue = _draw_issue(r, y - 5, as_of)
    due = Bond(due_code, name_for(y - 5, "一般", 5), "1", "1", due_issue, 5, _rate(y - 5, r),
               _round_wan(e * 0.03))
    new_general = Bond(code_for(y), name_for(y, "一般", 2), "1", "1", _draw_issue(r, y, as_of), 10,
                       _rate(y, r), _round_wan(e * 0.03))
    new_general.issue = min(new_general.issue, workday_on_or_before(as_of - timedelta(days=60)))
    fixed = [refi1, due, new_general]
    rest = general_target - sum(b.amount for b in fixed)
    years = list(range(y - 9, y))
    weights = [r.uniform(0.6, 1.4) for _ in years]
    for yr, part in zip(years, split_fen(int(rest), weights)):
        issue = _draw_issue(r, yr, as_of)
        term = r.choice((10, 15, 20)) if yr < y - 4 else r.choice((7, 10, 15))
        bonds.append(Bond(code_for(yr), name_for(yr, "一般", r.randrange(4, 30)), "1", "1", issue,
                          term, _rate(yr, r), _round_wan(part)))
    bonds += [old1] + fixed

    # Special debt: a refinanced pair, the overdue-interest bond, older bonds sized so
    # this year's special interest is the planted share of fund expenditure.
    # Matured some weeks before the as-of date and refinanced the same day.
    matured = workday_on_or_before(as_of - timedelta(days=r.randrange(40, 200)))
    old2_issue = anniversary(matured, matured.year - 5)
    old2 = Bond(code_for(old2_issue.year), name_for(old2_issue.year, "专项", 7), "2", "1", old2_issue, 5,
                _rate(old2_issue.year, r), _round_wan(e * 0.05))
    refi2 = Bond(code_for(old2.maturity.year), name_for(old2.maturity.year, "再融资专项", 1), "2", "2",
                 workday_on_or_before(old2.maturity), 7, _rate(old2.maturity.year, r), old2.amount)
    over_issue = anniversary(pl.overdue_date(as_of), y - 3)
    over_code = pl.BOND["overdue"] if cp.planted else code_for(y - 3)
    if not cp.planted:
        over_issue = _draw_issue(r, y - 3, as_of)
    overdue = Bond(over_code, name_for(y - 3, "专项", 9), "2", "1", over_issue, 10, _rate(y - 3, r),
                   _round_wan(e * 0.05))
    bonds += [old2, refi2, overdue]

    share = pl.SPECIAL_INTEREST_SHARE if cp.planted else 0.05
    special_so_far = [b for b in bonds if b.debt_type == "2" and b.issue.year < y
                      and b.maturity > date(y, 12, 31)]
    have = sum(_interest(b) for b in special_so_far)
    need = max(0.0, share * fe - have)
    years = list(range(y - 9, y - 1))
    weights = [r.uniform(0.6, 1.4) for _ in years]
    draws = [(yr, _draw_issue(r, yr, as_of), r.choice((10, 15, 20, 30)), _rate(yr, r))
             for yr in years]
    per_unit = sum(w * rate / 100 for w, (_yr, _d, _t, rate) in zip(weights, draws))
    for w, (yr, issue, term, rate) in zip(weights, draws):
        amount = _round_wan(need * w / per_unit) if need else _round_wan(e * 0.01)
        bonds.append(Bond(code_for(yr), name_for(yr, "专项", r.randrange(10, 40)), "2", "1", issue,
                          term, rate, amount))

    service = []
    for b in sorted(bonds, key=lambda b: b.code):
        for k in range(1, b.term + 1):
            due_date = anniversary(b.issue, b.issue.year + k)
            principal = b.amount if k == b.term else 0
            interest = int(round(b.amount * b.rate / 100))
            paid_date = paid_amount = None
            unpaid = due_date >= as_of or (cp.planted and b.code == pl.BOND["overdue"]
                                           and due_date == pl.overdue_date(as_of))
            if not unpaid:
                paid_date = workday_on_or_before(due_date)
                paid_amount = principal + interest
            service.append((b.code, due_date, principal, interest, paid_date, paid_amount))

    def balance(kind: str, at: date) -> int:
        issued = sum(b.amount for b in bonds if b.debt_type == kind and b.issue <= at)
        repaid = sum(p for code, _d, p, _i, paid, _a in service
                     if paid is not None and paid <= at and kinds[code] == kind)
        return issued - repaid

    kinds = {b.code: b.debt_type for b in bonds}
    general, special = balance("1", as_of), balance("2", as_of)
    total = general + special
    prev_end = date(y - 1, 12, 31)
    if cp.planted:
        capacity = _round_wan(total / pl.DEBT_RATIO, 1)
        gdp = _round_wan(total / pl.LIABILITY_RATIO, 100)
        special_limit = _round_wan(special * pl.SPECIAL_LIMIT_FACTOR, 100)
    else:
        capacity = _round_wan(total / r.uniform(0.75, 1.05), 1)
        gdp = _round_wan(total / r.uniform(0.2, 0.4), 100)
        special_limit = _round_wan(special * 1.08, 100)
    limits = [
        (y, "1", _round_wan(general * 1.10, 100)), (y, "2", special_limit),
        (y - 1, "1", _round_wan(balance("1", prev_end) * 1.06, 100)),
        (y - 1, "2", _round_wan(balance("2", prev_end) * 1.06, 100)),
    ]
    capacity_rows = [
        (y - 1, capacity * 95 // 100, gdp * 100 // 105, cp.general_expenditure[y - 1],
         cp.fund_expenditure[y - 1]),
        (y, capacity, gdp, e, fe),
    ]
    return {"bonds": sorted(bonds, key=lambda b: b.code), "service": service, "limits": limits,
            "capacity": capacity_rows}


def _interest(b: Bond) -> int:
    return int(round(b.amount * b.rate / 100))


# -- revenue -----------------------------------------------------------------------------------

TAX_SHARES = (("10101", .35), ("10104", .12), ("10106", .04), ("10109", .08), ("10110", .06),
              ("10111", .03), ("10112", .06), ("10113", .08), ("10114", .02), ("10118", .04),
              ("10119", .10), ("10121", .02))
TOWNSHIP_TAX = ("10101", "10104", "10106", "10109", "10110", "10112", "10119")
NONTAX_SHARES = (("10302", .30), ("10304", .20), ("10305", .15), ("10307", .30), ("10399", .05))
TOWNSHIP_NONTAX = ("10304", "10307", "10399")
TAX_SEASON = (.12, .06, .08, .09, .10, .08, .09, .07, .08, .08, .07, .08)


def plan_revenue(cp: CountyPlan, population: dict[str, int]) -> tuple[list, list]:
    """Monthly collections and the revenue budget (both stages) per region."""
    as_of, y = cp.as_of, cp.as_of.year
    r = rng(cp.seed, cp.code, "revenue")
    general_total = cp.general_expenditure[y] * 0.33
    regions = [(cp.code, None)] + [(code, i) for i, (code, _n, _p) in enumerate(cp.townships)]
    town_pop = sum(p for _c, _n, p in cp.townships)
    budget_rows, revenue_rows = [], []
    last_month = as_of.month - 1
    for div, t_index in regions:
        if t_index is None:
            size = general_total * 0.75
            taxes, nontax = TAX_SHARES, NONTAX_SHARES
        else:
            size = general_total * 0.25 * population[div] / town_pop
            taxes = tuple((c, s) for c, s in TAX_SHARES if c in TOWNSHIP_TAX)
            nontax = tuple((c, s) for c, s in NONTAX_SHARES if c in TOWNSHIP_NONTAX)
        tax_share = r.uniform(0.74, 0.82)
        ratio = r.uniform(0.99, 1.04)
        last = last_month
        if cp.planted and div == pl.TOWN[3]:
            tax_share = pl.TAX_SHARE
        if cp.planted and div == pl.TOWN[2]:
            ratio = pl.REVENUE_LAG_RATIO
        if cp.planted and div == pl.TOWN[1]:
            last = as_of.month - pl.STALE_MONTHS
        items = []
        tax_w = sum(s for _c, s in taxes)
        non_w = sum(s for _c, s in nontax)
        for code, s in taxes:
            items.append((code, "1", size * tax_share * s / tax_w, TAX_SEASON))
        for code, s in nontax:
            items.append((code, "1", size * (1 - tax_share) * s / non_w, None))
        if t_index is None:
            items += _county_level_funds(cp)
        for code, fund, budget, season in items:
            _revenue_item(cp, r, div, code, fund, budget, season, ratio, last, budget_rows,
                          revenue_rows)
    return budget_rows, revenue_rows


def _county_level_funds(cp: CountyPlan):
    y = cp.as_of.year
    fe = cp.fund_expenditure[y]
    soe_quota = sum(ln.amount for ln in cp.lines[y] if ln.fund == "3")
    pension = sum(ln.amount for ln in cp.lines[y] if ln.fund == "4")
    staff_pension = sum(ln.amount for ln in cp.lines[y] if ln.dep == "30108")
    land = (.0, .0, .0, .25, .0, .0, .2, .0, .0, .3, .0, .25)
    return [
        ("1030148", "2", fe * 0.6, land),
        ("1030146", "2", fe * 0.012, land),
        ("1030156", "2", fe * 0.03, None),
        ("1030601", "3", soe_quota * 0.8, (0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)),
        ("1030602", "3", soe_quota * 0.3, (0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)),
        ("10210", "4", pension * 1.15, None),
        ("10211", "4", staff_pension * 1.6, None),
        ("10212", "4", pension * 0.9, (.3, .3, .2, .02, .02, .02, .02, .02, .02, .02, .02, .04)),
    ]


def _revenue_item(cp, r, div, code, fund, budget, season, ratio, last, budget_rows, revenue_rows):
    y = cp.as_of.year
    for year in (y - 1, y):
        stage1 = _round_wan(budget / (1.04 if year < y else 1.0), 1)
        budget_rows.append((year, div, code, fund, "1", stage1))
        final = stage1
        if year == y and div == cp.code and code in ("10113", "1030148", "10307"):
            delta = {"10113": -0.08, "1030148": -0.15, "10307": 0.10}[code]
            adj = _round_wan(abs(stage1 * delta), 1) * (1 if delta > 0 else -1)
            budget_rows.append((year, div, code, fund, "2", adj))
            final += adj
        weights = [(season[m] if season else 1 / 12) * r.uniform(0.9, 1.1) for m in range(12)]
        collect = final * (ratio if year == y else r.uniform(0.99, 1.04))
        wsum = sum(weights)
        months = range(1, 13) if year < y else range(1, last + 1)
        for m in months:
            amount = int(collect * weights[m - 1] / wsum)
            if amount:
                revenue_rows.append((year, period(year, m), div, code, fund, amount))


def township_population(cp_code: str, seed: int, townships) -> dict[str, int]:
    r = rng(seed, cp_code, "population")
    out = {}
    for i, (code, _name) in enumerate(townships):
        out[code] = r.randrange(60_000, 90_000) if i == 0 else r.randrange(12_000, 45_000)
    return out


def direct_fund_name(code: str) -> str:
    return cat.DIRECT_FUNDS[code]

"""The budget of one county for two fiscal years: agencies, projects, quota
lines and, for every line, how much is paid in which month. Payments
themselves are drawn later, month by month (`data.demo.payments`), so a plan
stays small whatever the scale."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from data.demo import catalog as cat
from data.demo import planted as pl
from data.demo.util import (
    month_end,
    rng,
    split_fen,
    time_progress,
    wan,
    workday_on_or_after,
    workdays,
)

# Share of a year's spending paid in each month: quiet around the Spring
# Festival, a mid-year push, and the December peak.
MONTH_WEIGHT = (.05, .05, .08, .08, .08, .10, .08, .07, .09, .07, .09, .16)

SALARY_DAY, INSURANCE_DAY = 12, 15

# The catalog's project ranges are those of a small county; the demo county is
# twice that, which puts its general-budget spending at about 20 亿元 a year.
PROJECT_SIZE = 2.0


@dataclass
class Agency:
    code: str
    name: str
    div: str
    dept: str
    kind: str
    func: str
    staff: int
    cars: bool
    tmpl: cat.AgencyT


@dataclass
class Project:
    code: str
    name: str
    agency: Agency
    tmpl: cat.ProjectT | None
    livelihood: bool
    cat: str = "特定目标类"


@dataclass
class Line:
    """One quota record (BGT_ID) and the payments planned against it."""
    year: int
    agency: Agency
    pro: Project | None
    func: str
    dep: str
    fund: str
    stage: str
    doc_date: date
    amount: int
    doc_no: str = ""
    direct: str | None = None
    bond: str | None = None
    ori: "Line | None" = None
    bgt_id: str = ""
    mode: str = "flex"              # salary | flex | pinned | program | none
    paid: int = 0                   # net amount paid to the line's horizon
    pay_day: int | None = None      # salary/insurance/programme: fixed day each month
    months: tuple[int, ...] = ()    # salary lines: months paid (30103 bonus: December)
    stop: date | None = None        # no payments after this date
    profile: dict[int, float] | None = None
    extras: list = field(default_factory=list)   # planted payments booked on this line
    program: str | None = None
    persons: list | None = None     # programme lines: (name, account, monthly fen)
    piece_cap: int | None = None
    adj: int = 0
    month_amounts: dict[int, int] = field(default_factory=dict)
    month_counts: dict[int, int] = field(default_factory=dict)

    @property
    def avail(self) -> int:
        return self.amount + self.adj


@dataclass
class CountyPlan:
    index: int
    code: str
    name: str
    planted: bool
    as_of: date
    seed: int
    townships: list[tuple[str, str, int]]
    agencies: list[Agency]
    projects: list[Project]
    lines: dict[int, list[Line]]
    direct: list[tuple[str, int, str, int, date]] = field(default_factory=list)  # code, year, region, received, date
    general_expenditure: dict[int, int] = field(default_factory=dict)
    fund_expenditure: dict[int, int] = field(default_factory=dict)
    received_dates: dict[tuple[str, int], date] = field(default_factory=dict)
    free_payments: list = field(default_factory=list)   # planted payments on no quota line

    @property
    def short(self) -> str:
        return self.name[0]

    def agency(self, code: str) -> Agency:
        return next(a for a in self.agencies if a.code == code)


# -- economic classification helpers -------------------------------------------

_GOV_302 = {"30215": "50202", "30216": "50203", "30218": "50204", "30227": "50205",
            "30217": "50206", "30212": "50207", "30231": "50208", "30213": "50209"}
_GOV_303 = {"30302": "50905", "30308": "50902", "30310": "50903"}
_GOV_310 = {"31001": "50301", "31005": "50302", "31013": "50303", "31002": "50306",
            "31003": "50306", "31007": "50306", "31006": "50307"}


def gov_eco(dep: str, kind: str) -> str:
    """The government economic 款 a department economic code maps to."""
    public_unit = kind == "事业单位"
    if dep.startswith("301"):
        if public_unit:
            return "50501"
        return {"30108": "50102", "30109": "50102", "30110": "50102", "30112": "50102",
                "30113": "50103"}.get(dep, "50101")
    if dep.startswith("302"):
        if public_unit:
            return "50502"
        return _GOV_302.get(dep, "50201" if dep <= "30211" else "50299")
    if dep.startswith("303"):
        return _GOV_303.get(dep, "50901")
    if dep.startswith("310"):
        return "50601" if public_unit else _GOV_310.get(dep, "50399")
    if dep.startswith("312"):
        return {"31201": "50801", "31204": "50701", "31205": "50702"}.get(dep, "50799")
    if dep.startswith("399"):
        return {"39908": "59908", "39907": "59907"}.get(dep, "59999")
    return "59999"


# -- the cast -------------------------------------------------------------------

def _fill(name: str, county: str, township: str = "") -> str:
    return name.replace("{c}", county).replace("{t}", township)


def build_agencies(county_code: str, county_name: str, townships, tiny: bool):
    agencies: list[Agency] = []
    for d in cat.DEPARTMENTS:
        if tiny and not d.tiny:
            continue
        code = county_code + d.code3
        dept = Agency(code, _fill(d.name, county_name), county_code, code, d.kind, d.func,
                      d.staff, d.cars, d)
        agencies.append(dept)
        for s in d.subs:
            if tiny and not s.tiny:
                continue
            agencies.append(Agency(code + s.code3, _fill(s.name, county_name), county_code, code,
                                   s.kind, s.func, s.staff, s.cars, s))
    for i, (tcode, tname, _pop) in enumerate(townships):
        gov_code = tcode + "001"
        for t in cat.TOWNSHIP_AGENCIES:
            if tiny and not t.tiny:
                continue
            if t.first_townships is not None and i >= t.first_townships:
                continue
            code = tcode + t.code3
            if t.code3 == "002" or t.code3 == "005":
                dept = county_code + "118"      # schools answer to the education bureau
            elif t.code3 == "003":
                dept = county_code + "125"      # health centres to the health bureau
            else:
                dept = gov_code
            agencies.append(Agency(code, _fill(t.name, county_name, tname), tcode, dept, t.kind,
                                   t.func, t.staff, t.cars, t))
    return agencies


def build_projects(agencies: list[Agency]) -> list[Project]:
    out = []
    for a in agencies:
        for p in a.tmpl.projects:
            out.append(Project(f"{a.code}00{p.key}", p.name, a, p, p.livelihood))
    return out


# -- quota lines -------------------------------------------------------------------

def _basic_lines(a: Agency, year: int, r, doc_date: date) -> list[Line]:
    """Personnel and running costs (基本支出): no project code."""
    staff = max(3, round(a.staff * r.uniform(0.9, 1.1)))
    growth = 1.0 if year % 2 else 1.03
    base = staff * 42_000 * growth
    allowance = staff * (36_000 if a.kind == "行政单位" else 8_000) * growth
    merit = staff * 48_000 * growth if a.kind == "事业单位" else 0
    payroll = base + allowance + merit
    medical = "2101101" if a.kind == "行政单位" else "2101102"
    rows = [
        ("30101", a.func, base, "salary", SALARY_DAY, tuple(range(1, 13))),
        ("30102", a.func, allowance, "salary", SALARY_DAY, tuple(range(1, 13))),
        ("30108", "2080505", payroll * 0.16, "salary", INSURANCE_DAY, tuple(range(1, 13))),
        ("30110", medical, payroll * 0.08, "salary", INSURANCE_DAY, tuple(range(1, 13))),
        ("30113", "2210201", payroll * 0.12, "salary", INSURANCE_DAY, tuple(range(1, 13))),
    ]
    if merit:
        rows.append(("30107", a.func, merit, "salary", SALARY_DAY, tuple(range(1, 13))))
    else:
        rows.append(("30103", a.func, staff * 8_000 * growth, "salary", SALARY_DAY, (12,)))
    rows += [
        ("30201", a.func, staff * 1_500 * r.uniform(.8, 1.2), "flex", None, ()),
        ("30206", a.func, staff * 800 * r.uniform(.8, 1.2), "flex", None, ()),
        ("30207", a.func, staff * 300 * r.uniform(.8, 1.2), "flex", None, ()),
        ("30211", a.func, staff * 1_200 * r.uniform(.8, 1.2), "flex", None, ()),
        ("30213", a.func, staff * 600 * r.uniform(.8, 1.2), "flex", None, ()),
        ("30228", a.func, min(payroll * 0.02, 90_000), "flex", None, ()),
    ]
    if a.kind == "行政单位":
        rows.append(("30217", a.func, staff * 400 * r.uniform(.8, 1.2), "flex", None, ()))
    if a.cars:
        cars = max(1, staff // 12)
        rows.append(("30231", a.func, cars * 12_000 * r.uniform(.9, 1.1), "flex", None, ()))
    if a.tmpl.code3 in ("103", "135"):
        rows.append(("30212", a.func, 60_000 * r.uniform(.8, 1.2), "flex", None, ()))
    lines = []
    for dep, func, amount, mode, day, months in rows:
        monthly = mode == "salary"
        fen = int(amount / 12) * 12 * 100 if monthly and len(months) == 12 else int(amount) * 100
        line = Line(year, a, None, func, dep, "1", "1", doc_date, fen, mode=mode, pay_day=day,
                    months=months)
        if dep == "30228":
            line.piece_cap = 800_000       # 工会经费 transfers stay at or below 8,000 yuan
        lines.append(line)
    return lines


def _project_lines(p: Project, year: int, r, doc_date: date, direct_date: date | None) -> list[Line]:
    t = p.tmpl
    total = wan(r.uniform(*t.wan) * PROJECT_SIZE)
    parts = split_fen(total, [share for _code, share in t.econ])
    lines = []
    for (dep, _share), amount in zip(t.econ, parts):
        if t.direct and direct_date is not None:
            own = amount * 4 // 10
            if own:
                lines.append(Line(year, p.agency, p, t.func, dep, t.fund, "1", doc_date, own))
            lines.append(Line(year, p.agency, p, t.func, dep, t.fund, "2", direct_date,
                              amount - own, direct=t.direct))
        else:
            lines.append(Line(year, p.agency, p, t.func, dep, t.fund, "1", doc_date, amount))
    return lines


def _persons(seed, county: str, program: str, n: int, lo: int, hi: int, start: int):
    r = rng(seed, county, "persons", program)
    out = []
    for i in range(n):
        name = r.choice(cat.SURNAMES) + r.choice(cat.GIVEN)
        account = f"6230{county}{start + i:09d}"
        monthly = r.randrange(lo, hi + 1, 10 if hi - lo >= 50 else 1) * 100
        out.append((name, account, monthly))
    return out


def build_plan(index: int, code: str, name: str, townships, scale, seed: int, as_of: date,
               planted: bool) -> CountyPlan:
    tiny = scale.tiny
    agencies = build_agencies(code, name, townships, tiny)
    projects = build_projects(agencies)
    cp = CountyPlan(index, code, name, planted, as_of, seed, townships, agencies, projects, {})
    cur, prev = as_of.year, as_of.year - 1
    persons_total = scale.persons
    program_people = {}
    start = 0
    for key, (_label, (lo, hi), share, _day) in sorted(cat.PROGRAMS.items()):
        n = max(4, int(persons_total * share))
        program_people[key] = _persons(seed, code, key, n, lo, hi, start)
        start += n

    direct_dates = cp.received_dates = _direct_received_dates(cp)
    for year in (prev, cur):
        r = rng(seed, code, "quota", year)
        lines: list[Line] = []
        basic_doc = workday_on_or_after(date(year, 1, 6))
        for a in agencies:
            lines += _basic_lines(a, year, r, basic_doc)
        for p in projects:
            t = p.tmpl
            if t.program:
                _label, _range, _share, day = cat.PROGRAMS[t.program]
                growth = 1.0 if year == prev else 1.03
                people = [(n, acct, int(m * growth) // 100 * 100)
                          for n, acct, m in program_people[t.program]]
                amount = sum(m for _n, _a, m in people) * 12
                doc = workday_on_or_after(date(year, 1, 10))
                lines.append(Line(year, p.agency, p, t.func, t.econ[0][0], t.fund, "1", doc, amount,
                                  mode="program", pay_day=day, program=t.program, persons=people))
                continue
            doc = workday_on_or_after(date(year, 1, 10) + timedelta(days=r.randrange(0, 45)))
            ddate = None
            if t.direct:
                ddate = workday_on_or_after(direct_dates[(t.direct, year)]
                                            + timedelta(days=r.randrange(8, 21)))
            lines += _project_lines(p, year, r, doc, ddate)
        _adjustments(lines, r, year)
        cp.lines[year] = lines

    if planted:
        _plant_lines(cp)
    return cp


def _direct_received_dates(cp: CountyPlan) -> dict[tuple[str, int], date]:
    out = {}
    planted_dates = {"ZD004": (6, 20), "ZD005": (7, 10)}
    for year in (cp.as_of.year - 1, cp.as_of.year):
        for k, fund in enumerate(sorted(cat.DIRECT_FUNDS)):
            month, day = 2 + k % 4, 8 + 3 * k
            if cp.planted and year == cp.as_of.year and fund in planted_dates:
                month, day = planted_dates[fund]
            out[(fund, year)] = workday_on_or_after(date(year, month, day))
    return out


def _adjustments(lines: list[Line], r, year: int) -> None:
    """Stage-2 records naming a project quota (调整预算): most add, some cut."""
    new = []
    for line in lines:
        if line.pro is None or line.mode != "flex" or line.direct or line.amount < 20_000_000:
            continue
        if r.random() >= 0.12:
            continue
        sign = 1 if r.random() < 0.7 else -1
        delta = sign * (int(line.amount * r.uniform(0.05, 0.25)) // 10_000 * 10_000)
        doc = workday_on_or_after(date(year, r.randrange(5, 10), r.randrange(1, 28)))
        new.append(_adjust(line, delta, doc))
    lines += new


def _adjust(line: Line, delta: int, doc: date) -> Line:
    line.adj += delta
    return Line(line.year, line.agency, line.pro, line.func, line.dep, line.fund, "2", doc, delta,
                direct=line.direct, bond=line.bond, ori=line, mode="none")


# -- planted cases (the demo county only) ---------------------------------------------

def _find(cp: CountyPlan, year: int, agency: str, dep: str | None = None, pro_key: str | None = None,
          direct: bool | None = None) -> Line:
    for line in cp.lines[year]:
        if line.agency.code != agency or line.mode == "none":
            continue
        if dep and line.dep != dep:
            continue
        if pro_key is not None and (line.pro is None or line.pro.tmpl.key != pro_key):
            continue
        if direct is not None and bool(line.direct) != direct:
            continue
        return line
    raise LookupError(f"no line {agency} {dep} {pro_key}")


def _extra(n, when, amount, payee, account, use, dep=None, set_mode="1", direct=None,
           bgt_id=None):
    """A planted payment; `n` makes its PAY_CERT_ID (planted.cert)."""
    return dict(n=n, date=when, amount=amount, payee=payee, account=account, use=use, dep=dep,
                set_mode=set_mode, direct=direct, bgt_id=bgt_id)


def _clear_adjustments(lines: list[Line], targets: list[Line]) -> None:
    ids = {id(t) for t in targets}
    lines[:] = [ln for ln in lines if not (ln.ori is not None and id(ln.ori) in ids)]
    for t in targets:
        t.adj = 0


def _plant_lines(cp: CountyPlan) -> None:
    y, as_of = cp.as_of.year, cp.as_of
    lines = cp.lines[y]
    ag = pl.AG
    _clear_adjustments(lines, [ln for ln in lines if ln.pro is not None and ln.pro.code in (
        pl.PROJ["stalled"], pl.PROJ["surge"], pl.PROJ["other_econ"],
        f"{ag['police']}0001", f"{ag['education']}0003")])

    # PROJECT_STALLED: paid in spring and early summer, nothing in the last 100 days.
    stop = as_of - timedelta(days=100)
    stalled = [ln for ln in lines if ln.pro and ln.pro.code == pl.PROJ["stalled"]]
    for line, amount in zip(stalled, split_fen(120_000_000, [9, 1])):
        line.amount, line.mode, line.stop = amount, "pinned", stop
        line.paid = amount // 2
        line.profile = {m: 1.0 for m in range(3, stop.month + 1)}

    # YEAR_END_SURGE: 1.5 million, 10% paid before the as-of month, 62% in it.
    surge = _find(cp, y, ag["gov_services"], pro_key="02")
    surge.amount, surge.doc_date = 150_000_000, workday_on_or_after(date(y, 3, 2))
    surge.mode, surge.paid = "pinned", int(surge.amount * 0.72)
    before = list(range(4, as_of.month))
    surge.profile = {m: 0.10 / len(before) for m in before}
    surge.profile[as_of.month] = 0.62

    # PAY_OVER_QUOTA and its near-miss control.
    over = _find(cp, y, ag["police"], dep="30218", pro_key="01")
    over.bgt_id = pl.bgt(y, ag["police"], 1)
    cut = _adjust(over, -(over.amount // 5), workday_on_or_after(date(y, 7, 15)))
    cut.bgt_id = pl.bgt(y, ag["police"], 2)
    lines.append(cut)
    over.mode, over.paid = "pinned", over.amount * 87 // 100
    ctrl = _find(cp, y, ag["education"], dep="30216", pro_key="03")
    ctrl.bgt_id = pl.bgt(y, ag["education"], 3)
    add = _adjust(ctrl, ctrl.amount * 3 // 10, workday_on_or_after(date(y, 6, 10)))
    add.bgt_id = pl.bgt(y, ag["education"], 4)
    lines.append(add)
    ctrl.mode, ctrl.paid = "pinned", ctrl.amount * 115 // 100

    # OTHER_ECON_SHARE: 45% of 警务辅助保障 on 30299.
    other = [ln for ln in lines if ln.pro and ln.pro.code == pl.PROJ["other_econ"] and ln.mode != "none"]
    total = sum(ln.amount for ln in other)
    other[0].amount, other[1].amount = total - total * 45 // 100, total * 45 // 100

    # UNION_PAYMENT: a larger 工会经费 quota at the education bureau.
    union = _find(cp, y, ag["education"], dep="30228")
    union.amount += 12_000_000
    union.mode, union.paid = "pinned", union.amount * 9 // 10

    _plant_payments(cp)


def _plant_payments(cp: CountyPlan) -> None:
    y, as_of = cp.as_of.year, cp.as_of
    ag = pl.AG
    d = lambda days: workday_on_or_after(as_of - timedelta(days=days))  # noqa: E731
    free = cp.free_payments

    # PAY_NO_QUOTA: not booked on any line.
    health = cp.agency(ag["health"])
    free.append((health, _extra(1, d(30), 3_860_000, f"{cp.name}康宁医疗器械有限公司",
                                f"1{cp.code}00009101", "卫生应急物资采购", dep="30218")))
    civil = cp.agency(ag["civil"])
    free.append((civil, _extra(2, d(44), 1_245_000, f"{cp.name}惠民商贸有限公司",
                               f"1{cp.code}00009102", "困难群众慰问物资", dep="30218",
                               bgt_id=f"{y}{ag['civil']}8888")))
    # SELF_TRANSFER yellow and red.
    fin = _find(cp, y, ag["finance"], dep="30227", pro_key="01")
    fin.extras.append(_extra(3, d(52), 35_000_000, cp.agency(ag["finance"]).name,
                             f"1{cp.code}00009103", "转入本单位实有资金账户"))
    relief = _find(cp, y, ag["civil"], pro_key="04", direct=True)
    relief.extras.append(_extra(4, d(66), 12_000_000, civil.name, f"1{cp.code}00009104",
                                "困难群众救助资金转入本单位账户", direct=relief.direct))
    # LARGE_CASH yellow and red.
    hosp = _find(cp, y, ag["hospital"], dep="30201")
    hosp.amount += 8_000_000
    hosp.extras.append(_extra(5, d(38), 6_800_000, "王建华", f"6230{cp.code}990000005",
                              "临时聘用人员劳务费(现金)", dep="30226", set_mode="2"))
    t1 = _find(cp, y, ag["t1_gov"], dep="31005", pro_key="02")
    t1.amount += 30_000_000
    t1.extras.append(_extra(6, d(41), 26_000_000, "李德胜", f"6230{cp.code}990000006",
                            "青苗补偿款(现金发放)", set_mode="2"))
    # DUPLICATE_PAYMENT: the same invoice paid twice, two days apart.
    school = _find(cp, y, ag["exp_school"], dep="30218", pro_key="01")
    first = workday_on_or_after(as_of - timedelta(days=58))
    second = first + timedelta(days=2)
    for n, when in ((7, first), (8, second)):
        school.extras.append(_extra(n, when, 4_685_000, f"{cp.name}鑫源食品有限公司",
                                    f"1{cp.code}00009107", "学生营养餐食材采购"))
    # UNION_PAYMENT.
    union = _find(cp, y, ag["education"], dep="30228")
    union.extras.append(_extra(9, d(72), 8_600_000, f"{cp.name}教育工会委员会",
                               f"1{cp.code}00009109", "拨付教育系统工会经费"))
    # THREE_PUBLIC_OVER: 公务接待 booked on the office-expense quota.
    office = _find(cp, y, ag["health"], dep="30201")
    office.amount += 3_000_000
    for n, days, amount in ((10, 95, 1_180_000), (11, 61, 960_000), (12, 33, 1_040_000)):
        office.extras.append(_extra(n, d(days), amount, f"{cp.name}迎宾大酒店有限公司",
                                    f"1{cp.code}00009110", "公务接待用餐", dep="30217",
                                    set_mode="3"))


# -- paid targets ---------------------------------------------------------------------

def set_targets(cp: CountyPlan) -> None:
    as_of = cp.as_of
    tp = time_progress(as_of)
    for year, lines in cp.lines.items():
        current = year == as_of.year
        horizon = as_of if current else date(year, 12, 31)
        r = rng(cp.seed, cp.code, "targets", year)
        for line in lines:
            if line.mode == "none":
                continue
            if line.mode == "salary":
                paid_months = [m for m in line.months
                               if workday_on_or_after(date(year, m, line.pay_day)) <= horizon
                               and month_end(year, m) >= line.doc_date]
                per = line.amount // len(line.months)
                line.month_amounts = {m: per for m in paid_months}
                line.paid = per * len(paid_months)
            elif line.mode == "program":
                paid_months = [m for m in range(1, 13)
                               if workday_on_or_after(date(year, m, line.pay_day)) <= horizon]
                per = sum(p[2] for p in line.persons)
                line.month_amounts = {m: per for m in paid_months}
                line.paid = per * len(paid_months)
            elif line.mode == "flex":
                rate = min(0.985, tp * r.uniform(0.97, 1.06)) if current else r.uniform(0.95, 0.995)
                line.paid = int(line.avail * rate)
        if current:
            _balance(cp, lines, tp)


def _balance(cp: CountyPlan, lines: list[Line], tp: float) -> None:
    """Keep every ordinary agency within a few points of time progress and put
    the planted laggards exactly where the planted table says."""
    by_agency: dict[str, list[Line]] = {}
    for line in lines:
        by_agency.setdefault(line.agency.code, []).append(line)
    for code in sorted(by_agency):
        group = by_agency[code]
        quota = sum(ln.amount for ln in group)
        # Direct-fund lines keep their pace: their own rules watch them.
        flex = [ln for ln in group if ln.mode == "flex" and not ln.direct]
        fixed = sum(ln.paid for ln in group) - sum(ln.paid for ln in flex)
        flex_avail = sum(ln.avail for ln in flex)
        flex_paid = sum(ln.paid for ln in flex)
        target = None
        if cp.planted and code in pl.EXEC_GAP:
            target = tp + pl.EXEC_GAP[code] / 100
        elif cp.planted and code in pl.EXEC_RATE:
            target = pl.EXEC_RATE[code]
        elif quota and (fixed + flex_paid) / quota < tp - 0.05:
            target = tp - 0.03
        if target is None or not flex_paid:
            continue
        # As close to the target as the flexible lines allow.
        need = min(max(target * quota - fixed, 0), 0.985 * flex_avail)
        scale = need / flex_paid
        for ln in flex:
            ln.paid = min(int(ln.paid * scale), int(ln.avail * 0.985))


def plan_months(cp: CountyPlan, piece_factor: float) -> None:
    """Spread each flexible or pinned line's paid amount over months and decide
    how many payments each month gets."""
    as_of = cp.as_of
    for year, lines in cp.lines.items():
        horizon = as_of if year == as_of.year else date(year, 12, 31)
        for line in lines:
            if line.mode in ("none", "salary", "program"):
                continue
            last = min(horizon, line.stop or horizon)
            weights = {}
            for m in range(line.doc_date.month, last.month + 1):
                days = workdays(max(line.doc_date, date(year, m, 1)), min(last, month_end(year, m)))
                if not days:
                    continue
                full = len(workdays(date(year, m, 1), month_end(year, m)))
                if line.profile is not None:
                    w = line.profile.get(m, 0.0)
                else:
                    w = MONTH_WEIGHT[m - 1] * len(days) / full
                if w > 0:
                    weights[m] = w
            generic = line.paid - sum(e["amount"] for e in line.extras)
            if generic < 0:
                raise ValueError(f"line {line.agency.code}/{line.dep}: planted payments exceed its plan")
            if not weights:             # issued too late to pay anything yet
                line.paid = sum(e["amount"] for e in line.extras)
                continue
            months = sorted(weights)
            n_year = int(piece_factor * 2.2 * (line.avail / 1_000_000) ** 0.5)
            if line.pro is None and n_year < len(months):
                # Small running costs are settled a few times a year, not monthly.
                r = rng(cp.seed, cp.code, "settle", year, line.agency.code, line.dep)
                keep = set(r.sample(months, min(len(months), max(3, n_year))))
                months = [m for m in months if m in keep]
                weights = {m: weights[m] for m in months}
            n_year = max(len(months), n_year)
            amounts = split_fen(generic, [weights[m] for m in months])
            wsum = sum(weights.values())
            for m, amt in zip(months, amounts):
                k = max(1, round(n_year * weights[m] / wsum))
                k = min(k, max(1, amt // 5_000))        # payments of 50 yuan or more
                if line.piece_cap:
                    k = max(k, -(-amt // (line.piece_cap * 3 // 4)))
                line.month_amounts[m] = amt
                line.month_counts[m] = k


def drop_future(cp: CountyPlan) -> None:
    """A store as of D holds no quota issued after D: drop those lines and the
    adjustments of dropped lines."""
    y = cp.as_of.year
    kept = [ln for ln in cp.lines[y] if ln.doc_date <= cp.as_of]
    kept_ids = {id(ln) for ln in kept}
    kept = [ln for ln in kept if ln.ori is None or id(ln.ori) in kept_ids]
    for ln in kept:
        ln.adj = 0
    for ln in kept:
        if ln.ori is not None:
            ln.ori.adj += ln.amount
    cp.lines[y] = kept


def finalize_ids(cp: CountyPlan) -> None:
    for year, lines in cp.lines.items():
        counters: dict[str, int] = {}
        for line in lines:
            if line.bgt_id:
                continue
            n = counters.get(line.agency.code, 0) + 1
            counters[line.agency.code] = n
            line.bgt_id = f"{year}{line.agency.code}{n:04d}"
        docs: dict[tuple[str, date], str] = {}
        for line in sorted(lines, key=lambda ln: (ln.doc_date, ln.stage)):
            key = (line.stage, line.doc_date)
            if key not in docs:
                docs[key] = f"{cp.short}财预〔{year}〕{len(docs) + 1}号"
            line.doc_no = docs[key]

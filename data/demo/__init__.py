"""The demo region: a fictional 示范县 (or, at `province` scale, 30 counties)
with two fiscal years of every dataset of the data contract, written as the
contract's CSV files (and the regions' boundaries as GeoJSON) and imported
through the ordinary importer.

    paths = write_demo_files(Path("demo"), scale="small")
    report = load_demo(engine, scale="tiny")

Same seed, scale and as-of date give byte-identical files. The planted cases
(every warning rule fires at least once) are listed in `data.demo.planted`
and docs/demo.md.
"""
from __future__ import annotations

from collections import Counter

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from data.demo import catalog as cat
from data.demo import finance, payments
from data.demo.boundaries import FILE_NAME as BOUNDARY_FILE, write_boundaries
from data.demo.assets import ASSET_HEADER, RESOURCE_HEADER, SOE_HEADER, asset_rows, resource_rows, soe_rows
from data.demo.plan import (
    CountyPlan,
    build_plan,
    drop_future,
    finalize_ids,
    gov_eco,
    plan_months,
    set_targets,
)
from data.demo.util import CsvOut, yuan

DEFAULT_AS_OF = date(2026, 11, 20)


@dataclass(frozen=True)
class Scale:
    name: str
    counties: int
    townships: int
    tiny: bool           # the reduced set of departments and township agencies
    persons: int         # recipients of monthly subsidies per county
    piece_factor: float  # payments per quota line, relative to `small`


SCALES = {
    "tiny": Scale("tiny", 1, 3, True, 40, 0.6),
    "small": Scale("small", 1, 18, False, 2_000, 1.35),
    "nanhu": Scale("nanhu", 1, 18, False, 61_000, 3.0),
    "province": Scale("province", 30, 18, False, 27_000, 2.0),
}

HEADERS = {
    "mof_div": ["MOF_DIV_CODE", "MOF_DIV_NAME", "PARENT_CODE", "LEVEL", "POPULATION"],
    "agency": ["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE", "AGENCY_TYPE"],
    "project": ["PRO_CODE", "PRO_NAME", "AGENCY_CODE", "PRO_CAT", "IS_LIVELIHOOD"],
    "quota": ["BGT_ID", "FISCAL_YEAR", "MOF_DIV_CODE", "AGENCY_CODE", "PRO_CODE", "EXP_FUNC_CODE",
              "DEP_BGT_ECO_CODE", "GOV_BGT_ECO_CODE", "FUND_TYPE_CODE", "BUDGET_STAGE",
              "COR_BGT_DOC_NO", "DOC_DATE", "AMOUNT", "DIRECT_FUND_CODE", "BOND_CODE", "ORI_BGT_ID"],
    "payment": payments.HEADER,
    "revenue": ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE", "FUND_TYPE_CODE", "AMOUNT"],
    "revenue_budget": ["FISCAL_YEAR", "MOF_DIV_CODE", "REVENUE_CODE", "FUND_TYPE_CODE",
                       "BUDGET_STAGE", "AMOUNT"],
    "direct_fund": ["DIRECT_FUND_CODE", "DIRECT_FUND_NAME", "FISCAL_YEAR", "MOF_DIV_CODE",
                    "RECEIVED_AMOUNT", "RECEIVED_DATE"],
    "debt_limit": ["FISCAL_YEAR", "MOF_DIV_CODE", "DEBT_TYPE", "LIMIT_AMOUNT"],
    "bond": ["BOND_CODE", "BOND_NAME", "MOF_DIV_CODE", "DEBT_TYPE", "BOND_USE", "ISSUE_DATE",
             "MATURITY_DATE", "RATE", "AMOUNT"],
    "bond_project": ["BOND_CODE", "PRO_CODE", "MOF_DIV_CODE", "AGENCY_CODE", "AMOUNT"],
    "debt_service": ["BOND_CODE", "DUE_DATE", "PRINCIPAL", "INTEREST", "PAID_DATE", "PAID_AMOUNT"],
    "fiscal_capacity": ["FISCAL_YEAR", "MOF_DIV_CODE", "COMPREHENSIVE_CAPACITY", "GDP",
                        "GENERAL_EXPENDITURE", "FUND_EXPENDITURE"],
    "soe_financial": SOE_HEADER,
    "admin_asset": ASSET_HEADER,
    "natural_resource": RESOURCE_HEADER,
}


def _counties(scale: Scale) -> list[tuple[int, str, str]]:
    demo = cat.COUNTY_NAMES.index("示范县")
    if scale.counties == 1:
        return [(demo, cat.DEMO_COUNTY, "示范县")]
    return [(i, f"{cat.CITY[0]}{i + 1:02d}", cat.COUNTY_NAMES[i]) for i in range(scale.counties)]


def _townships(county_index: int, county_code: str, n: int) -> list[tuple[str, str]]:
    return [(f"{county_code}{i + 1:03d}", cat.township_name(county_index, i)) for i in range(n)]


def plan_county(scale: Scale, seed: int, as_of: date, index: int, code: str,
                name: str) -> tuple[CountyPlan, dict]:
    """Everything about one county except its payments, which are drawn while writing."""
    # The cases are laid out for a date late in the year (EXEC_LOW_Q3 needs
    # 30 September, YEAR_END_SURGE November); earlier dates get an ordinary county.
    planted = code == cat.DEMO_COUNTY and as_of.month >= 10
    towns = _townships(index, code, scale.townships)
    population = finance.township_population(code, seed, towns)
    townships = [(c, n, population[c]) for c, n in towns]
    cp = build_plan(index, code, name, townships, scale, seed, as_of, planted)
    for year, lines in cp.lines.items():
        cp.general_expenditure[year] = sum(ln.amount for ln in lines if ln.fund == "1")
    new_bonds, links = finance.plan_bond_projects(cp)
    drop_future(cp)
    for year, lines in cp.lines.items():
        cp.fund_expenditure[year] = sum(ln.amount for ln in lines if ln.fund == "2")
    finance.plan_direct_funds(cp, cp.received_dates)
    set_targets(cp)
    plan_months(cp, scale.piece_factor)
    finalize_ids(cp)
    debt = finance.plan_debt(cp, new_bonds)
    budget_rows, revenue_rows = finance.plan_revenue(cp, population)
    extra = {"links": links, "debt": debt, "revenue_budget": budget_rows, "revenue": revenue_rows}
    return cp, extra


def write_demo_files(out_dir: Path, scale: str = "small", seed: int = 2025,
                     as_of: date = DEFAULT_AS_OF) -> list[Path]:
    """Write one CSV per dataset (SPEC §1 format) and the regions' boundaries
    (region_boundary.geojson) into `out_dir`; returns the paths."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    sc = SCALES[scale]
    return _write_files(Path(out_dir), sc, seed, as_of, _counties(sc))


def _write_files(out_dir: Path, sc: Scale, seed: int, as_of: date,
                 counties: list[tuple[int, str, str]]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    outs = {name: CsvOut(out_dir, name, header) for name, header in HEADERS.items()}
    county_pop: list[tuple[str, str, int]] = []
    regions: list[tuple[str, str, list[tuple[str, str]]]] = []
    # The province and the city report for themselves as a whole: their own
    # rows hold the sums of their counties' (SPEC §2 reads a region's own row).
    limits: Counter = Counter()
    capacity: dict[int, list[int]] = {}
    for index, code, name in counties:
        cp, extra = plan_county(sc, seed, as_of, index, code, name)
        _write_county(outs, cp, extra, seed)
        county_pop.append((code, name, sum(p for _c, _n, p in cp.townships)))
        regions.append((code, name, [(c, n) for c, n, _p in cp.townships]))
        for y, kind, limit in extra["debt"]["limits"]:
            limits[(y, kind)] += limit
        for y, *figures in extra["debt"]["capacity"]:
            capacity[y] = [a + b for a, b in zip(capacity.get(y, [0] * 4), figures)]
    for region in (cat.PROVINCE[0], cat.CITY[0]):
        for (y, kind), limit in sorted(limits.items()):
            outs["debt_limit"].write((y, region, kind, yuan(limit)))
        for y, figures in sorted(capacity.items()):
            outs["fiscal_capacity"].write((y, region, *(yuan(v) for v in figures)))
    paths = [out.close() for out in outs.values()]
    _prepend_regions(out_dir / "mof_div.csv", county_pop)
    shutil.copyfile(Path(__file__).resolve().parent.parent / "classification.csv",
                    out_dir / "classification.csv")
    boundary = write_boundaries(out_dir / BOUNDARY_FILE, seed, cat.PROVINCE, cat.CITY, regions)
    return sorted(paths + [out_dir / "classification.csv", boundary])


def _prepend_regions(path: Path, county_pop) -> None:
    """The province, city and county rows carry the population below them,
    known only after planning the counties; the file is small, so it is
    rewritten once with them first."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    total = sum(pop for _code, _name, pop in county_pop)
    top = [f"{cat.PROVINCE[0]},{cat.PROVINCE[1]},,1,{total}\n",
           f"{cat.CITY[0]},{cat.CITY[1]},{cat.PROVINCE[0]},2,{total}\n"]
    county_lines = [f"{code},{name},{cat.CITY[0]},3,{pop}\n" for code, name, pop in county_pop]
    path.write_text("".join(lines[:1] + top + county_lines + lines[1:]), encoding="utf-8")


def _write_county(outs: dict[str, CsvOut], cp: CountyPlan, extra: dict, seed: int) -> None:
    for tcode, tname, pop in cp.townships:
        outs["mof_div"].write((tcode, tname, cp.code, 4, pop))
    for a in cp.agencies:
        outs["agency"].write((a.code, a.name, a.div, a.dept, a.kind))
    for p in cp.projects:
        outs["project"].write((p.code, p.name, p.agency.code, p.cat, 1 if p.livelihood else 0))
    for year in sorted(cp.lines):
        for ln in sorted(cp.lines[year], key=lambda ln: ln.bgt_id):
            outs["quota"].write((ln.bgt_id, year, ln.agency.div, ln.agency.code,
                                 ln.pro.code if ln.pro else "", ln.func, ln.dep,
                                 gov_eco(ln.dep, ln.agency.kind), ln.fund, ln.stage, ln.doc_no,
                                 ln.doc_date.isoformat(), yuan(ln.amount), ln.direct or "",
                                 ln.bond or "", ln.ori.bgt_id if ln.ori else ""))
    payments.write_payments(outs["payment"], cp, seed)
    for row in extra["revenue"]:
        y, per, div, code, fund, amount = row
        outs["revenue"].write((y, per, div, code, fund, yuan(amount)))
    for y, div, code, fund, stage, amount in extra["revenue_budget"]:
        outs["revenue_budget"].write((y, div, code, fund, stage, yuan(amount)))
    for code, year, div, received, when in sorted(cp.direct):
        outs["direct_fund"].write((code, finance.direct_fund_name(code), year, div,
                                   yuan(received), when.isoformat()))
    debt = extra["debt"]
    for y, kind, limit in sorted(debt["limits"]):
        outs["debt_limit"].write((y, cp.code, kind, yuan(limit)))
    for b in debt["bonds"]:
        outs["bond"].write((b.code, b.name, cp.code, b.debt_type, b.use, b.issue.isoformat(),
                            b.maturity.isoformat(), f"{b.rate:.2f}", yuan(b.amount)))
    for b, p, amount in extra["links"]:
        outs["bond_project"].write((b.code, p.code, p.agency.div, p.agency.code, yuan(amount)))
    for code, due, principal, interest, paid_date, paid_amount in debt["service"]:
        outs["debt_service"].write((code, due.isoformat(), yuan(principal), yuan(interest),
                                    paid_date.isoformat() if paid_date else "",
                                    yuan(paid_amount) if paid_amount is not None else ""))
    for y, capacity, gdp, general, fund in debt["capacity"]:
        outs["fiscal_capacity"].write((y, cp.code, yuan(capacity), yuan(gdp), yuan(general),
                                       yuan(fund)))
    for row in soe_rows(cp, seed):
        outs["soe_financial"].write(row[:6] + tuple(yuan(v) for v in row[6:]))
    for code, per, cls, qty, orig, net, idle, rented in asset_rows(cp, seed):
        outs["admin_asset"].write((code, per, cls, f"{qty:.2f}", yuan(orig), yuan(net), yuan(idle),
                                   yuan(rented)))
    outs["natural_resource"].write_many(resource_rows(cp, seed))


def load_demo(engine, scale: str = "small", seed: int = 2025, as_of: date = DEFAULT_AS_OF,
              workdir: Path | None = None, evaluate_rules: bool = True, history: bool = False):
    """Write the demo files and import them all through the importer (one
    transaction), then (unless evaluate_rules=False) run the warning rules;
    with `history`, first as of each month end of the year before D, so the
    store holds what a year of monthly imports would have built (first-seen
    dates, the trend of open breaches). Returns the importer's ImportReport."""
    from data.importer import evaluate_into, import_files

    def load(folder: Path):
        paths = write_demo_files(folder, scale, seed, as_of)
        report = import_files(engine, paths, username="demo", evaluate_rules=False)
        if evaluate_rules:
            evaluate_into(engine, report, month_ends_before(as_of) if history else ())
        return report

    if workdir is not None:
        return load(Path(workdir))
    with tempfile.TemporaryDirectory(prefix="demo-") as tmp:
        return load(Path(tmp))


def month_ends_before(d: date) -> list[date]:
    """The month ends of year(D) before D's month."""
    return [date(d.year, m + 1, 1) - timedelta(days=1) for m in range(1, d.month)]
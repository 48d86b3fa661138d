"""Dimension members (regions, departments, agencies, projects, codes) and
the check that a scope's cuts name something in the store. These are
lookups of the dimension tables, so they take no Scope."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from sqlalchemy import Engine, select, union

from data import schema as s

from data.hierarchy import hierarchies
from data.measures import FUND_TYPE_NAMES
from data.query.scope import QueryError, Scope


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    parent: str | None



# -- members -----------------------------------------------------------------------

MEMBER_DIMENSIONS = ("mof_div", "dept", "agency", "project", "func", "func_class", "eco",
                     "eco_class", "gov_eco", "revenue", "fund_type")
_SCHEME_OF = {"func": "EXP_FUNC", "func_class": "EXP_FUNC", "eco": "DEP_ECO",
              "eco_class": "DEP_ECO", "gov_eco": "GOV_ECO", "revenue": "REVENUE"}


def members(engine: Engine, dim: str, parent: str | None = None) -> list[Member]:
    """Members of a dimension, children of `parent` (None: the top level).
    mof_div: regions; dept: departments (parent: a region, the department's
    own region or below); agency: agencies of a department (None: all);
    project: projects of an agency (None: all); func/eco/gov_eco/revenue:
    classification children (func_class/eco_class: the 类 level); fund_type:
    the four budgets."""
    h = hierarchies(engine)
    if dim == "mof_div":
        t = h.region
        return [Member(c, t.name[c], t.parent.get(c)) for c in t.children(parent)]
    if dim in _SCHEME_OF:
        t = h.scheme(_SCHEME_OF[dim])
        kids = t.roots() if dim.endswith("_class") else t.children(parent)
        return [Member(c, t.name[c], t.parent.get(c)) for c in kids]
    if dim == "dept":
        depts = h.depts()
        if parent is not None:
            region = h.region.descendants(parent)
            depts = [d for d in depts if h.agency_region.get(d) in region]
        return [Member(d, h.agency_name.get(d, d), h.agency_region.get(d)) for d in depts]
    if dim == "agency":
        codes = h.dept_agencies(parent) if parent is not None else sorted(h.agency_name)
        return [Member(a, h.agency_name[a], h.agency_dept.get(a)) for a in codes]
    if dim == "project":
        codes = h.agency_projects(parent) if parent is not None else sorted(h.project_name)
        return [Member(p, h.project_name[p], h.project_agency.get(p)) for p in codes]
    if dim == "fund_type":
        return [Member(c, n, None) for c, n in FUND_TYPE_NAMES.items()]
    raise QueryError("dim", "取值应为 {names} 之一 / must be one of {names}: {dim!r}".format(
        names=", ".join(MEMBER_DIMENSIONS), dim=dim))


def validate_scope(engine: Engine, scope: Scope) -> None:
    """Raise QueryError naming the first cut that names nothing in the store."""
    h = hierarchies(engine)
    if scope.fund_type is not None and scope.fund_type not in FUND_TYPE_NAMES:
        raise QueryError("fund_type", f"取值应为 1–4 / must be 1–4: {scope.fund_type!r}")
    checks = [
        ("mof_div", scope.mof_div, lambda c: c in h.region),
        ("dept", scope.dept, lambda c: c in set(h.agency_dept.values())),
        ("agency", scope.agency, lambda c: c in h.agency_name),
        ("func", scope.func, lambda c: c in h.scheme("EXP_FUNC")),
        ("eco", scope.eco, lambda c: c in h.scheme("DEP_ECO")),
        ("project", scope.project, lambda c: c in h.project_name),
    ]
    for name, value, ok in checks:
        if value is not None and not ok(value):
            raise QueryError(name, f"未知代码 / unknown code: {value!r}")


def own_regions(engine: Engine, mof_div: str | None) -> list[str]:
    """The regions whose own rows give a figure that a region reports for
    itself as a whole (SPEC §2: POPULATION, fiscal_capacity, debt_limit): the
    region itself, never the regions below it; for all regions (None) the
    roots of the region tree."""
    return [mof_div] if mof_div is not None else hierarchies(engine).region.roots()


def own_sum(values: Mapping[str, int | None], regions: Iterable[str]) -> int | None:
    """Σ of the regions' own values; None when any of them (or all, being
    none) has no value, since a partial sum would pass for the whole."""
    known = [values.get(c) for c in regions]
    if not known or None in known:
        return None
    return sum(known)


def population(engine: Engine, mof_div: str | None) -> int | None:
    """The region's own POPULATION, which already counts the regions below it
    (None: all regions, the roots' own populations summed); None when the
    region, or any root, reports no population."""
    return own_sum(hierarchies(engine).population, own_regions(engine, mof_div))


def region_options(engine: Engine) -> list[tuple[str, str, int]]:
    """(code, name, depth) for every region, depth-first from the top."""
    tree = hierarchies(engine).region
    out: list[tuple[str, str, int]] = []
    stack = [(code, 0) for code in reversed(tree.roots())]
    while stack:
        code, depth = stack.pop()
        out.append((code, tree.name.get(code, code), depth))
        stack.extend((kid, depth + 1) for kid in reversed(tree.children(code)))
    return out


def fiscal_years(engine: Engine) -> list[int]:
    """Fiscal years with budget, payment or revenue data, newest first (the
    payments' years from their month aggregate: every page load asks)."""
    q = union(select(s.quota.c.fiscal_year), select(s.agg_payment_month.c.fiscal_year),
              select(s.revenue_budget.c.fiscal_year), select(s.revenue.c.fiscal_year))
    with engine.connect() as conn:
        return sorted({int(y) for (y,) in conn.execute(q)}, reverse=True)

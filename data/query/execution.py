"""Budget execution: quotas to D against payments to D by any dimension, the
monthly trend, 三公经费 and the year-end surge."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import Engine

from data.hierarchy import Hierarchies, Tree, hierarchies
from data.i18n import _
from data.measures import FUND_TYPE_NAMES, gap_pp, ratio
from data.query.base import (in_codes, measures, month_end, paid_by, quota_by,
                             same_day_last_year, to_date)
from data.query.scope import QueryError, Scope, scope_end, scope_tp
from data.rules import band, load_settings
from data.rules.execution import THREE_PUBLIC_ECO_CODES
from data.rules.grading import yuan_of_fen


@dataclass(frozen=True)
class ExecRow:
    code: str | None
    name: str
    budget: int  # Σ quotas to D, fen
    paid: int  # Σ payments to D, fen
    rate: float | None  # paid / budget; None when budget is 0
    gap_pp: float | None  # (rate − TP) · 100
    level: str | None  # the rule's level (EXEC_LAG; THREE_PUBLIC_OVER in three_public); None: not evaluated



@dataclass(frozen=True)
class MonthRow:
    month: int  # 1..12 of the fiscal year
    paid: int  # payments to D paid in that month, fen
    paid_last_year: int  # same month of the previous fiscal year (to the same day for month(D))
    budget_to_month: int  # Σ quotas with DOC_DATE ≤ min(month end, D), cumulative



def _exec_row(code: str | None, name: str, budget: int, paid: int, tp: float,
              settings) -> ExecRow:
    """A row with rule EXEC_LAG's banding of its gap (the same minimum and
    lines for every dimension, SPEC §3.2)."""
    rate = ratio(paid, budget)
    gap = gap_pp(rate, tp)
    return ExecRow(code, name, budget, paid, rate, gap,
                   band("EXEC_LAG", gap, settings, budget_fen=budget))


# -- execution ---------------------------------------------------------------------

BY_DIMENSIONS = ("mof_div", "dept", "agency", "func_class", "func", "project", "eco_class",
                 "eco", "fund_type")
# the dimension a `parent` is taken from, per `by`; absent = no parent allowed
_PARENT_OF = {"mof_div": "mof_div", "agency": "dept", "func": "func", "eco": "eco",
              "project": "agency"}


def _check_parent(h: Hierarchies, by: str, parent: str | None) -> None:
    if parent is None:
        return
    kind = _PARENT_OF.get(by)
    if kind is None:
        raise QueryError("parent", "by={by} 不接受 parent / by={by} takes no parent".format(by=by))
    known = {
        "mof_div": lambda: parent in h.region,
        "dept": lambda: parent in set(h.agency_dept.values()),
        "func": lambda: parent in h.scheme("EXP_FUNC"),
        "eco": lambda: parent in h.scheme("DEP_ECO"),
        "agency": lambda: parent in h.agency_name,
    }[kind]()
    if not known:
        raise QueryError("parent", f"未知的上级代码 / unknown parent: {parent!r}")


def _preorder(tree: Tree, codes: Iterable[str]) -> list[str]:
    wanted = set(codes)
    out: list[str] = []
    stack = list(reversed(tree.roots()))
    while stack:
        code = stack.pop()
        if code in wanted:
            out.append(code)
        stack.extend(reversed(tree.children(code)))
    return out


def execution(engine: Engine, scope: Scope, by: str, parent: str | None = None) -> list[ExecRow]:
    """Budget execution rows (quotas to D vs payments to D) by one dimension:
    mof_div, dept, agency, func_class, func, project, eco_class, eco, fund_type.

    `parent` narrows to the children of P: a region for by=mof_div, a
    department for by=agency, a function (eco) code for by=func (eco), an
    agency for by=project. by=mof_div gives a row for every region in the
    selection (or every child of P), each rolled up over the regions below it;
    by=func/eco without a parent group by the code as recorded, with a parent by
    the child of P above it (records coded at P itself form a row of P).
    by=project lists spending under a project only. Rows come in code order
    (regions in hierarchy order)."""
    if by not in BY_DIMENSIONS:
        raise QueryError("by", "取值应为 {names} 之一 / must be one of {names}: {by!r}".format(
            names=", ".join(BY_DIMENSIONS), by=by))
    h = hierarchies(engine)
    _check_parent(h, by, parent)
    tp = scope_tp(scope)

    if by == "mof_div":
        tree = h.region
        if parent is not None:
            selection = tree.children(parent)
            if scope.mof_div is not None:
                selection = [c for c in selection if c in tree.descendants(scope.mof_div)]
            extra = (lambda t: [in_codes(t.c.mof_div_code, tree.descendants(parent))])
        else:
            selection = (sorted(tree.descendants(scope.mof_div)) if scope.mof_div is not None
                         else list(tree.parent))
            extra = None
        chosen = set(selection)
        sums = measures(engine, scope, h, ["mof_div_code"], extra)
        totals = {c: [0, 0] for c in selection}
        for (code,), (b, p) in sums.items():
            for anc in tree.ancestors(code):
                if anc in chosen:
                    totals[anc][0] += b
                    totals[anc][1] += p
        settings = load_settings(engine)
        return [_exec_row(c, tree.name.get(c, c), *totals[c], tp, settings)
                for c in _preorder(tree, selection)]

    col, key_of, name_of, extra = _by_spec(h, by, parent)
    sums = measures(engine, scope, h, [col], extra)
    totals: dict[str, list[int]] = {}
    for (code,), (b, p) in sums.items():
        key = key_of(code)
        if key is None:
            continue
        acc = totals.setdefault(key, [0, 0])
        acc[0] += b
        acc[1] += p
    settings = load_settings(engine)
    return [_exec_row(k, name_of(k), *totals[k], tp, settings) for k in sorted(totals)]


def _by_spec(h: Hierarchies, by: str, parent: str | None):
    """(grouping column, finest code → row code, row code → name, extra conditions)."""
    if by in ("dept", "agency"):
        name_of = lambda c: h.agency_name.get(c, c)  # noqa: E731
        if by == "dept":
            return "agency_code", lambda c: h.agency_dept.get(c, c), name_of, None
        extra = (lambda t: [in_codes(t.c.agency_code, h.dept_agencies(parent))]) if parent else None
        return "agency_code", lambda c: c, name_of, extra
    if by in ("func_class", "func", "eco_class", "eco"):
        scheme, col = (("EXP_FUNC", "exp_func_code") if by.startswith("func")
                       else ("DEP_ECO", "dep_bgt_eco_code"))
        tree = h.scheme(scheme)
        name_of = lambda c: tree.name.get(c, c)  # noqa: E731
        if by.endswith("_class"):
            return col, tree.root_of, name_of, None
        if parent is None:
            return col, lambda c: c, name_of, None
        return (col, lambda c: tree.child_of(parent, c), name_of,
                lambda t: [in_codes(t.c[col], tree.descendants(parent))])
    if by == "project":
        def extra(t):
            conds = [t.c.pro_code.is_not(None)]
            if parent is not None:
                conds.append(t.c.agency_code == parent)
            return conds
        return "pro_code", lambda c: c, lambda c: h.project_name.get(c, c), extra
    if by == "fund_type":
        return "fund_type_code", lambda c: c, lambda c: FUND_TYPE_NAMES.get(c, c), None
    raise QueryError("by", f"unknown dimension {by!r}")


def execution_total(engine: Engine, scope: Scope) -> ExecRow:
    """One row for the whole scope; code = the scope's region (None for all)."""
    h = hierarchies(engine)
    sums = measures(engine, scope, h, [])
    b, p = sums.get((), [0, 0])
    name = h.region.name.get(scope.mof_div, scope.mof_div) if scope.mof_div else _("合计")
    return _exec_row(scope.mof_div, name, b, p, scope_tp(scope), load_settings(engine))


# -- monthly trend ---------------------------------------------------------------------

def monthly(engine: Engine, scope: Scope) -> list[MonthRow]:
    """Payments per month of the fiscal year up to D, beside the same month of
    the previous fiscal year (month(D) only to the same day), with the
    cumulative quotas to each month's end. Payments dated outside the fiscal
    year's calendar year count in every total but have no month here."""
    h = hierarchies(engine)
    fy, end = scope.fiscal_year, scope_end(scope)
    if end.year < fy:
        return []
    last_month = end.month if end.year == fy else 12
    ly_end = same_day_last_year(end)
    with engine.connect() as conn:
        paid = paid_by(conn, scope, h, ["pay_ym"])
        paid_ly = paid_by(conn, scope, h, ["pay_ym"], fy=fy - 1, end=ly_end)
        by_day = quota_by(conn, scope, h, ["doc_date"])
    by_day_sorted = sorted((to_date(k[0]), v) for k, v in by_day.items())
    rows = []
    for m in range(1, last_month + 1):
        cutoff = min(month_end(fy, m), end)
        rows.append(MonthRow(
            month=m,
            paid=paid.get((fy * 100 + m,), 0),
            paid_last_year=paid_ly.get(((fy - 1) * 100 + m,), 0),
            budget_to_month=sum(v for d, v in by_day_sorted if d <= cutoff),
        ))
    return rows


# -- rule views ---------------------------------------------------------------------------

def three_public(engine: Engine, scope: Scope) -> list[ExecRow]:
    """三公经费 by agency: quotas to D vs payments to D on the codes of rule
    THREE_PUBLIC_OVER (30212, 30217, 30231, 31013), summed; level the rule's
    banding of paid − budget."""
    h = hierarchies(engine)
    sums = measures(engine, scope, h, ["agency_code"],
                    lambda t: [in_codes(t.c.dep_bgt_eco_code, THREE_PUBLIC_ECO_CODES)])
    tp, settings = scope_tp(scope), load_settings(engine)
    out = []
    for (code,), (b, p) in sorted(sums.items()):
        rate = ratio(p, b)
        out.append(ExecRow(code, h.agency_name.get(code, code), b, p, rate, gap_pp(rate, tp),
                           band("THREE_PUBLIC_OVER", yuan_of_fen(p - b), settings)))
    return out


def year_end(engine: Engine, scope: Scope) -> list[dict]:
    """Per project: payments to D made in November–December, the project's
    quotas to D (its annual quota), their share, and rule YEAR_END_SURGE's
    banding of the share (None when the project has no quota)."""
    h = hierarchies(engine)
    fy = scope.fiscal_year
    has_project = lambda t: [t.c.pro_code.is_not(None)]  # noqa: E731
    with engine.connect() as conn:
        annual = quota_by(conn, scope, h, ["pro_code"], has_project)
        surge = paid_by(conn, scope, h, ["pro_code"], has_project, since=date(fy, 11, 1))
    settings = load_settings(engine)
    out = []
    for key in sorted(set(annual) | set(surge)):
        code = key[0]
        quota_fen, nov_dec = annual.get(key, 0), surge.get(key, 0)
        share = ratio(nov_dec, quota_fen) if quota_fen > 0 else None
        agency = h.project_agency.get(code)
        out.append({"code": code, "name": h.project_name.get(code, code),
                    "agency_code": agency, "agency_name": h.agency_name.get(agency),
                    "nov_dec": nov_dec, "annual_quota": quota_fen, "share": share,
                    "level": band("YEAR_END_SURGE", share, settings)})
    return out

"""Revenue against the revenue budget by class, and the four budgets side by side."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, select

from data import schema as s
from data.hierarchy import Hierarchies, hierarchies
from data.i18n import _
from data.measures import FUND_TYPE_NAMES, gap_pp, ratio
from data.query.base import Extra, in_codes, paid_by, quota_by
from data.query.scope import QueryError, Scope, scope_end, scope_tp


@dataclass(frozen=True)
class RevRow:
    code: str
    name: str
    budget: int  # revenue budget, all stages of the year
    collected: int  # revenue to D
    rate: float | None
    gap_pp: float | None
    last_year: int  # revenue of the previous fiscal year to the same month


@dataclass(frozen=True)
class BudgetRow:
    fund_type: str
    name: str
    revenue_budget: int
    revenue: int  # revenue to D
    exp_budget: int  # quotas to D
    paid: int  # payments to D


# -- revenue and the four budgets --------------------------------------------------------

def _revenue_conds(t, scope: Scope, h: Hierarchies) -> list:
    conds = []
    if scope.mof_div is not None:
        conds.append(in_codes(t.c.mof_div_code, h.region.descendants(scope.mof_div)))
    if scope.fund_type is not None:
        conds.append(t.c.fund_type_code == scope.fund_type)
    return conds


def _revenue_by(conn, scope: Scope, h: Hierarchies, col: str, extra: Extra | None = None,
                fy: int | None = None) -> dict[str, int]:
    """Σ revenue to D (PERIOD ≤ month of D) of fiscal year `fy` grouped by `col`;
    for an earlier `fy`, to the same month of that year."""
    r, end = s.revenue, scope_end(scope)
    fy = scope.fiscal_year if fy is None else fy
    shift = scope.fiscal_year - fy
    period = f"{end.year - shift:04d}-{end.month:02d}"
    conds = [r.c.fiscal_year == fy, r.c.period <= period, *_revenue_conds(r, scope, h)]
    if extra is not None:
        conds.extend(extra(r))
    stmt = select(r.c[col], func.sum(r.c.amount)).where(and_(*conds)).group_by(r.c[col])
    return {k: int(v) for k, v in conn.execute(stmt) if v is not None}


def _revenue_budget_by(conn, scope: Scope, h: Hierarchies, col: str,
                       extra: Extra | None = None) -> dict[str, int]:
    rb = s.revenue_budget
    conds = [rb.c.fiscal_year == scope.fiscal_year, *_revenue_conds(rb, scope, h)]
    if extra is not None:
        conds.extend(extra(rb))
    stmt = select(rb.c[col], func.sum(rb.c.amount)).where(and_(*conds)).group_by(rb.c[col])
    return {k: int(v) for k, v in conn.execute(stmt) if v is not None}


def revenue_by_class(engine: Engine, scope: Scope, parent: str | None = None) -> list[RevRow]:
    """Revenue to D against the revenue budget, by revenue class: the 类
    (101 tax, 103 non-tax ...) or, with `parent`, its children (parent='101':
    by tax type). Only the scope's region and fund-type cuts apply. last_year
    is the previous fiscal year to the same month."""
    h = hierarchies(engine)
    tree = h.scheme("REVENUE")
    if parent is not None and parent not in tree:
        raise QueryError("parent", f"未知的收入科目 / unknown revenue code: {parent!r}")
    extra = (lambda t: [in_codes(t.c.revenue_code, tree.descendants(parent))]) if parent else None
    with engine.connect() as conn:
        collected = _revenue_by(conn, scope, h, "revenue_code", extra)
        last = _revenue_by(conn, scope, h, "revenue_code", extra, fy=scope.fiscal_year - 1)
        budget = _revenue_budget_by(conn, scope, h, "revenue_code", extra)
    totals: dict[str, list[int]] = {}
    for i, source in enumerate((budget, collected, last)):
        for code, v in source.items():
            key = tree.child_of(parent, code)
            if key is not None:
                totals.setdefault(key, [0, 0, 0])[i] += v
    tp = scope_tp(scope)
    out = []
    for code in sorted(totals):
        b, c, ly = totals[code]
        rate = ratio(c, b)
        out.append(RevRow(code, tree.name.get(code, code), b, c, rate, gap_pp(rate, tp), ly))
    return out


def budgets(engine: Engine, scope: Scope) -> list[BudgetRow]:
    """The four budgets side by side (one when the scope cuts a fund type):
    revenue budget (all stages), revenue to D, quotas to D, payments to D."""
    h = hierarchies(engine)
    with engine.connect() as conn:
        rev_budget = _revenue_budget_by(conn, scope, h, "fund_type_code")
        rev = _revenue_by(conn, scope, h, "fund_type_code")
        exp = quota_by(conn, scope, h, ["fund_type_code"])
        paid = paid_by(conn, scope, h, ["fund_type_code"])
    types = [scope.fund_type] if scope.fund_type else list(FUND_TYPE_NAMES)
    return [BudgetRow(ft, _(FUND_TYPE_NAMES[ft]) if ft in FUND_TYPE_NAMES else ft,
                      rev_budget.get(ft, 0), rev.get(ft, 0),
                      exp.get((ft,), 0), paid.get((ft,), 0)) for ft in types]

"""SQL building blocks shared by the query modules: code-set filters, a
scope's cuts on the coding columns, and the two measures every execution
figure is made of (Σ quotas to D, Σ payments to D)."""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Engine, and_, false, func, select, union_all

from data import schema as s
from data.hierarchy import Hierarchies, Tree, hierarchies
from data.month_slices import complete_month
from data.query.scope import Scope, scope_end

def ym(d: date) -> int:
    return d.year * 100 + d.month


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def same_day_last_year(d: date) -> date:
    return date(d.year - 1, d.month, min(d.day, calendar.monthrange(d.year - 1, d.month)[1]))


# -- filters ----------------------------------------------------------------------

def in_codes(col, codes: Iterable[str]):
    codes = sorted(set(codes))
    if not codes:
        return false()
    if len(codes) == 1:
        return col == codes[0]
    return col.in_(codes)


def tree_cut(col, tree: Tree, code: str):
    return in_codes(col, tree.descendants(code))


def scope_conditions(t, scope: Scope, h: Hierarchies) -> list:
    """Conditions of a scope's cuts on a table with the common coding columns
    (quota, payment, agg_payment_month)."""
    conds = []
    if scope.mof_div is not None:
        codes = h.region.descendants(scope.mof_div)
        if len(codes) < len(h.region.parent) or scope.mof_div not in h.region:
            conds.append(in_codes(t.c.mof_div_code, codes))
    if scope.fund_type is not None:
        conds.append(t.c.fund_type_code == scope.fund_type)
    if scope.dept is not None:
        conds.append(in_codes(t.c.agency_code, h.dept_agencies(scope.dept)))
    if scope.agency is not None:
        conds.append(t.c.agency_code == scope.agency)
    if scope.func is not None:
        conds.append(tree_cut(t.c.exp_func_code, h.scheme("EXP_FUNC"), scope.func))
    if scope.eco is not None:
        conds.append(tree_cut(t.c.dep_bgt_eco_code, h.scheme("DEP_ECO"), scope.eco))
    if scope.project is not None:
        conds.append(t.c.pro_code == scope.project)
    return conds


Extra = Callable[[Any], list]  # table → further conditions


def num(v) -> int:
    return int(v) if v is not None else 0


# -- the two measures -------------------------------------------------------------

def paid_by(conn, scope: Scope, h: Hierarchies, cols: Sequence[str], extra: Extra | None = None,
             *, fy: int | None = None, end: date | None = None,
             since: date | None = None, count: bool = False) -> dict[tuple, int]:
    """Σ payments to D (or the number of them, `count`) grouped by `cols`:
    aggregate months before month(D) UNION ALL raw payments of month(D) up to D
    (the aggregate's month(D) too when it holds just those: data/month_slices.py).
    `since` (a month's first day) drops earlier months."""
    fy = scope.fiscal_year if fy is None else fy
    end = scope_end(scope) if end is None else end
    a, p = s.agg_payment_month, s.payment
    whole_month = complete_month(conn, end, fy)

    def part(t, is_agg: bool):
        measure = (func.sum(t.c.n_payments) if is_agg else func.count()) if count \
            else func.sum(t.c.amount)
        conds = [t.c.fiscal_year == fy, *scope_conditions(t, scope, h)]
        if extra is not None:
            conds.extend(extra(t))
        if is_agg:
            conds.append(t.c.pay_ym <= ym(end) if whole_month else t.c.pay_ym < ym(end))
            if since is not None:
                conds.append(t.c.pay_ym >= ym(since))
        else:
            conds += [t.c.pay_date >= max(end.replace(day=1), since or end.replace(day=1)),
                      t.c.pay_date <= end]
        group = [t.c[c] for c in cols]
        stmt = select(*group, measure.label("v")).where(and_(*conds))
        return stmt.group_by(*group) if group else stmt

    stmt = part(a, True) if whole_month else union_all(part(a, True), part(p, False))
    out: dict[tuple, int] = defaultdict(int)
    for row in conn.execute(stmt):
        if row[-1] is not None:
            out[tuple(row[:-1])] += int(row[-1])
    return out


def quota_by(conn, scope: Scope, h: Hierarchies, cols: Sequence[str],
              extra: Extra | None = None) -> dict[tuple, int]:
    """Σ quotas to D (all stages) grouped by `cols`."""
    q = s.quota
    conds = [q.c.fiscal_year == scope.fiscal_year, q.c.doc_date <= scope_end(scope),
             *scope_conditions(q, scope, h)]
    if extra is not None:
        conds.extend(extra(q))
    group = [q.c[c] for c in cols]
    stmt = select(*group, func.sum(q.c.amount)).where(and_(*conds))
    if group:
        stmt = stmt.group_by(*group)
    return {tuple(r[:-1]): int(r[-1]) for r in conn.execute(stmt) if r[-1] is not None}


def measures(engine: Engine, scope: Scope, h: Hierarchies, cols: Sequence[str],
              extra: Extra | None = None) -> dict[tuple, list[int]]:
    """{key: [budget, paid]} for every key with a quota or a payment to D."""
    with engine.connect() as conn:
        budget = quota_by(conn, scope, h, cols, extra)
        paid = paid_by(conn, scope, h, cols, extra)
    out: dict[tuple, list[int]] = {}
    for k, v in budget.items():
        out.setdefault(k, [0, 0])[0] += v
    for k, v in paid.items():
        out.setdefault(k, [0, 0])[1] += v
    return out


def to_date(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


# -- quotas and payments (the facts) ---------------------------------------------------

def chunks(items: Sequence[str], n: int = 900):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def year_month(d: date) -> str:
    """'YYYY-MM', the period format of monthly datasets."""
    return f"{d.year:04d}-{d.month:02d}"


def period_end(period: str) -> date:
    """The last day of a 'YYYY-MM' period."""
    return month_end(int(period[:4]), int(period[5:7]))


def region_codes(engine: Engine, scope: Scope) -> frozenset[str] | None:
    """The scope's region and every region below it; None means all regions."""
    return hierarchies(engine).region.descendants(scope.mof_div) if scope.mof_div else None


def in_regions(column, regions: frozenset[str] | None):
    return True if regions is None else column.in_(sorted(regions))

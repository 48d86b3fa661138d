"""The one query layer: aggregates, members and facts for every view, the API
and every export (see docs/query-layer.md).

- A `Scope` says "as of D, fiscal year Y, these cuts". It is hashable with a
  stable repr, so it is a cache key as it stands.
- Aggregates (`execution`, `revenue_by_class`, `budgets`, ...) group by the
  finest code in SQL and roll up in Python through parent links
  (data.hierarchy), so no code length is assumed.
- Payments "to D" come from `agg_payment_month` for the whole months before
  month(D) plus the raw payments of month(D) up to D; only `payments()` (the
  facts) and that partial month read the payment table.
- Money is integer fen in every result. Semantics are SPEC §2 "Definitions".
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Engine, and_, false, func, or_, select, union_all

from data import schema as s
from data.hierarchy import Hierarchies, Tree, hierarchies
from data.measures import (
    FUND_TYPE_NAMES,
    THREE_PUBLIC_ECO_CODES,
    THRESHOLDS,
    exec_level,
    gap_pp,
    payment_flags,
    ratio,
    time_progress,
)

__all__ = [
    "Scope", "ExecRow", "Member", "MonthRow", "Page", "RevRow", "BudgetRow", "QueryError",
    "BY_DIMENSIONS", "MEMBER_DIMENSIONS", "time_progress", "exec_level", "execution",
    "execution_total", "members", "monthly", "quotas", "payments", "revenue_by_class",
    "budgets", "three_public", "year_end", "population", "validate_scope", "scope_end",
    "scope_tp", "PAYMENT_SORT_KEYS",
]


class QueryError(ValueError):
    """A bad argument; `parameter` names it (the API answers 400 with it)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Scope:
    """What a figure is about: as of D, fiscal year `year` (default
    year(as_of)), and optional cuts narrowing the drill path. Every cut by a
    hierarchy node includes everything below the node."""

    as_of: date
    year: int | None = None
    mof_div: str | None = None  # region, including every region below it; None = all
    fund_type: str | None = None  # '1'..'4'
    dept: str | None = None
    agency: str | None = None
    func: str | None = None  # an EXP_FUNC code at any level (类/款/项)
    eco: str | None = None  # a DEP_ECO code at any level
    project: str | None = None

    @property
    def fiscal_year(self) -> int:
        return self.year if self.year is not None else self.as_of.year

    def replace(self, **changes: Any) -> "Scope":
        from dataclasses import replace

        return replace(self, **changes)


@dataclass(frozen=True)
class ExecRow:
    code: str | None
    name: str
    budget: int  # Σ quotas to D, fen
    paid: int  # Σ payments to D, fen
    rate: float | None  # paid / budget; None when budget is 0
    gap_pp: float | None  # (rate − TP) · 100
    level: str | None  # EXEC_LAG level; None below the minimum


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class MonthRow:
    month: int  # 1..12 of the fiscal year
    paid: int  # payments to D paid in that month, fen
    paid_last_year: int  # same month of the previous fiscal year (to the same day for month(D))
    budget_to_month: int  # Σ quotas with DOC_DATE ≤ min(month end, D), cumulative


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    total: int


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


# -- time -----------------------------------------------------------------------

def scope_end(scope: Scope) -> date:
    """D: as_of, or the 31 Dec of an earlier fiscal year."""
    fy = scope.fiscal_year
    if fy < scope.as_of.year:
        return date(fy, 12, 31)
    return scope.as_of


def scope_tp(scope: Scope) -> float:
    """Time progress of the fiscal year at D (0 before it starts)."""
    end, fy = scope_end(scope), scope.fiscal_year
    if end.year < fy:
        return 0.0
    return time_progress(end)


def _ym(d: date) -> int:
    return d.year * 100 + d.month


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _same_day_last_year(d: date) -> date:
    return date(d.year - 1, d.month, min(d.day, calendar.monthrange(d.year - 1, d.month)[1]))


# -- filters ----------------------------------------------------------------------

def _in(col, codes: Iterable[str]):
    codes = sorted(set(codes))
    if not codes:
        return false()
    if len(codes) == 1:
        return col == codes[0]
    return col.in_(codes)


def _tree_cut(col, tree: Tree, code: str):
    return _in(col, tree.descendants(code))


def _scope_conditions(t, scope: Scope, h: Hierarchies) -> list:
    """Conditions of a scope's cuts on a table with the common coding columns
    (quota, payment, agg_payment_month)."""
    conds = []
    if scope.mof_div is not None:
        codes = h.region.descendants(scope.mof_div)
        if len(codes) < len(h.region.parent) or scope.mof_div not in h.region:
            conds.append(_in(t.c.mof_div_code, codes))
    if scope.fund_type is not None:
        conds.append(t.c.fund_type_code == scope.fund_type)
    if scope.dept is not None:
        conds.append(_in(t.c.agency_code, h.dept_agencies(scope.dept)))
    if scope.agency is not None:
        conds.append(t.c.agency_code == scope.agency)
    if scope.func is not None:
        conds.append(_tree_cut(t.c.exp_func_code, h.scheme("EXP_FUNC"), scope.func))
    if scope.eco is not None:
        conds.append(_tree_cut(t.c.dep_bgt_eco_code, h.scheme("DEP_ECO"), scope.eco))
    if scope.project is not None:
        conds.append(t.c.pro_code == scope.project)
    return conds


Extra = Callable[[Any], list]  # table → further conditions


def _num(v) -> int:
    return int(v) if v is not None else 0


# -- the two measures -------------------------------------------------------------

def _paid_by(conn, scope: Scope, h: Hierarchies, cols: Sequence[str], extra: Extra | None = None,
             *, fy: int | None = None, end: date | None = None,
             since: date | None = None, count: bool = False) -> dict[tuple, int]:
    """Σ payments to D (or the number of them, `count`) grouped by `cols`:
    aggregate months before month(D) UNION ALL raw payments of month(D) up to D.
    `since` (a month's first day) drops earlier months."""
    fy = scope.fiscal_year if fy is None else fy
    end = scope_end(scope) if end is None else end
    a, p = s.agg_payment_month, s.payment
    month_end = end == _month_end(end.year, end.month)

    def part(t, is_agg: bool):
        measure = (func.sum(t.c.n_payments) if is_agg else func.count()) if count \
            else func.sum(t.c.amount)
        conds = [t.c.fiscal_year == fy, *_scope_conditions(t, scope, h)]
        if extra is not None:
            conds.extend(extra(t))
        if is_agg:
            conds.append(t.c.pay_ym <= _ym(end) if month_end else t.c.pay_ym < _ym(end))
            if since is not None:
                conds.append(t.c.pay_ym >= _ym(since))
        else:
            conds += [t.c.pay_date >= max(end.replace(day=1), since or end.replace(day=1)),
                      t.c.pay_date <= end]
        group = [t.c[c] for c in cols]
        stmt = select(*group, measure.label("v")).where(and_(*conds))
        return stmt.group_by(*group) if group else stmt

    stmt = part(a, True) if month_end else union_all(part(a, True), part(p, False))
    out: dict[tuple, int] = defaultdict(int)
    for row in conn.execute(stmt):
        if row[-1] is not None:
            out[tuple(row[:-1])] += int(row[-1])
    return out


def _quota_by(conn, scope: Scope, h: Hierarchies, cols: Sequence[str],
              extra: Extra | None = None) -> dict[tuple, int]:
    """Σ quotas to D (all stages) grouped by `cols`."""
    q = s.quota
    conds = [q.c.fiscal_year == scope.fiscal_year, q.c.doc_date <= scope_end(scope),
             *_scope_conditions(q, scope, h)]
    if extra is not None:
        conds.extend(extra(q))
    group = [q.c[c] for c in cols]
    stmt = select(*group, func.sum(q.c.amount)).where(and_(*conds))
    if group:
        stmt = stmt.group_by(*group)
    return {tuple(r[:-1]): int(r[-1]) for r in conn.execute(stmt) if r[-1] is not None}


def _measures(engine: Engine, scope: Scope, h: Hierarchies, cols: Sequence[str],
              extra: Extra | None = None) -> dict[tuple, list[int]]:
    """{key: [budget, paid]} for every key with a quota or a payment to D."""
    with engine.connect() as conn:
        budget = _quota_by(conn, scope, h, cols, extra)
        paid = _paid_by(conn, scope, h, cols, extra)
    out: dict[tuple, list[int]] = {}
    for k, v in budget.items():
        out.setdefault(k, [0, 0])[0] += v
    for k, v in paid.items():
        out.setdefault(k, [0, 0])[1] += v
    return out


def _exec_row(code: str | None, name: str, budget: int, paid: int, tp: float) -> ExecRow:
    rate = ratio(paid, budget)
    return ExecRow(code, name, budget, paid, rate, gap_pp(rate, tp), exec_level(budget, rate, tp))


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
        raise QueryError("parent", f"by={by} 不接受 parent / by={by} takes no parent")
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
        raise QueryError("by", f"取值应为 {', '.join(BY_DIMENSIONS)} 之一 / must be one of "
                               f"{', '.join(BY_DIMENSIONS)}: {by!r}")
    h = hierarchies(engine)
    _check_parent(h, by, parent)
    tp = scope_tp(scope)

    if by == "mof_div":
        tree = h.region
        if parent is not None:
            selection = tree.children(parent)
            if scope.mof_div is not None:
                selection = [c for c in selection if c in tree.descendants(scope.mof_div)]
            extra = (lambda t: [_in(t.c.mof_div_code, tree.descendants(parent))])
        else:
            selection = (sorted(tree.descendants(scope.mof_div)) if scope.mof_div is not None
                         else list(tree.parent))
            extra = None
        chosen = set(selection)
        sums = _measures(engine, scope, h, ["mof_div_code"], extra)
        totals = {c: [0, 0] for c in selection}
        for (code,), (b, p) in sums.items():
            for anc in tree.ancestors(code):
                if anc in chosen:
                    totals[anc][0] += b
                    totals[anc][1] += p
        return [_exec_row(c, tree.name.get(c, c), *totals[c], tp)
                for c in _preorder(tree, selection)]

    col, key_of, name_of, extra = _by_spec(h, by, parent)
    sums = _measures(engine, scope, h, [col], extra)
    totals: dict[str, list[int]] = {}
    for (code,), (b, p) in sums.items():
        key = key_of(code)
        if key is None:
            continue
        acc = totals.setdefault(key, [0, 0])
        acc[0] += b
        acc[1] += p
    return [_exec_row(k, name_of(k), *totals[k], tp) for k in sorted(totals)]


def _by_spec(h: Hierarchies, by: str, parent: str | None):
    """(grouping column, finest code → row code, row code → name, extra conditions)."""
    if by in ("dept", "agency"):
        name_of = lambda c: h.agency_name.get(c, c)  # noqa: E731
        if by == "dept":
            return "agency_code", lambda c: h.agency_dept.get(c, c), name_of, None
        extra = (lambda t: [_in(t.c.agency_code, h.dept_agencies(parent))]) if parent else None
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
                lambda t: [_in(t.c[col], tree.descendants(parent))])
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
    sums = _measures(engine, scope, h, [])
    b, p = sums.get((), [0, 0])
    name = h.region.name.get(scope.mof_div, scope.mof_div) if scope.mof_div else "合计"
    return _exec_row(scope.mof_div, name, b, p, scope_tp(scope))


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
    raise QueryError("dim", f"取值应为 {', '.join(MEMBER_DIMENSIONS)} 之一 / must be one of "
                            f"{', '.join(MEMBER_DIMENSIONS)}: {dim!r}")


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
    ly_end = _same_day_last_year(end)
    with engine.connect() as conn:
        paid = _paid_by(conn, scope, h, ["pay_ym"])
        paid_ly = _paid_by(conn, scope, h, ["pay_ym"], fy=fy - 1, end=ly_end)
        by_day = _quota_by(conn, scope, h, ["doc_date"])
    by_day_sorted = sorted((_to_date(k[0]), v) for k, v in by_day.items())
    rows = []
    for m in range(1, last_month + 1):
        cutoff = min(_month_end(fy, m), end)
        rows.append(MonthRow(
            month=m,
            paid=paid.get((fy * 100 + m,), 0),
            paid_last_year=paid_ly.get(((fy - 1) * 100 + m,), 0),
            budget_to_month=sum(v for d, v in by_day_sorted if d <= cutoff),
        ))
    return rows


def _to_date(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


# -- quotas and payments (the facts) ---------------------------------------------------

def _chunks(items: Sequence[str], n: int = 900):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def quotas(engine: Engine, scope: Scope, bgt_id: str | None = None) -> list[dict]:
    """The quota records to D under the scope (with `bgt_id`: that quota and
    the adjustments naming it), each with `available` (own AMOUNT + the
    adjustments to D whose ORI_BGT_ID names it), `paid` (payments to D on its
    BGT_ID, whatever their coding) and `rate` = paid / available."""
    h = hierarchies(engine)
    q, end = s.quota, scope_end(scope)
    adj = (select(q.c.ori_bgt_id.label("oid"), func.sum(q.c.amount).label("adj"))
           .where(q.c.ori_bgt_id.is_not(None), q.c.doc_date <= end)
           .group_by(q.c.ori_bgt_id).subquery())
    conds = [q.c.fiscal_year == scope.fiscal_year, q.c.doc_date <= end,
             *_scope_conditions(q, scope, h)]
    if bgt_id is not None:
        conds.append(or_(q.c.bgt_id == bgt_id, q.c.ori_bgt_id == bgt_id))
    stmt = (select(q, adj.c.adj).select_from(q.outerjoin(adj, adj.c.oid == q.c.bgt_id))
            .where(and_(*conds)).order_by(q.c.doc_date, q.c.bgt_id))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        ids = [r["bgt_id"] for r in rows]
        paid: dict[str, int] = {}
        whole = Scope(as_of=scope.as_of, year=scope.year)  # a quota's payments, any coding
        for chunk in _chunks(ids):
            got = _paid_by(conn, whole, h, ["bgt_id"], lambda t, c=chunk: [_in(t.c.bgt_id, c)])
            paid.update({k[0]: v for k, v in got.items()})
    for r in rows:
        r["available"] = r["amount"] + _num(r.pop("adj"))
        r["paid"] = paid.get(r["bgt_id"], 0)
        r["rate"] = ratio(r["paid"], r["available"])
        r["agency_name"] = h.agency_name.get(r["agency_code"])
        r["pro_name"] = h.project_name.get(r["pro_code"]) if r["pro_code"] else None
        r["doc_date"] = _to_date(r["doc_date"])
    return rows


PAYMENT_SORT_KEYS = ("pay_date", "amount", "pay_cert_id", "payee_acct_name", "agency_code",
                     "bgt_id", "pro_code", "exp_func_code", "dep_bgt_eco_code", "fund_type_code",
                     "set_mode_code", "mof_div_code")


def payments(engine: Engine, scope: Scope, bgt_id: str | None = None, search: str | None = None,
             sort: str | None = None, offset: int = 0, limit: int = 50) -> Page:
    """The payments to D under the scope, one page. `search` matches payee,
    use or certificate id (case-insensitive substring); `sort` is a column of
    PAYMENT_SORT_KEYS, '-' first for descending (default '-pay_date'). Each
    row carries its quota (`bgt_id`, `quota_exists`), the paying agency's name
    and `flags` {rule ID: level} of the payment-level rules PAY_NO_QUOTA,
    LARGE_CASH, SELF_TRANSFER, UNION_PAYMENT (SPEC §2)."""
    if offset < 0:
        raise QueryError("offset", "不能为负 / must not be negative")
    if limit < 1:
        raise QueryError("limit", "至少为 1 / must be at least 1")
    sort = sort or "-pay_date"
    desc, key = sort.startswith("-"), sort.lstrip("-+")
    if key not in PAYMENT_SORT_KEYS:
        raise QueryError("sort", f"取值应为 {', '.join(PAYMENT_SORT_KEYS)} 之一（可加 -）/ must be "
                                 f"one of {', '.join(PAYMENT_SORT_KEYS)} (optionally with -)")
    h = hierarchies(engine)
    p, end = s.payment, scope_end(scope)
    search = (search or "").strip() or None

    def extra(t):
        return [t.c.bgt_id == bgt_id] if bgt_id is not None else []

    conds = [p.c.fiscal_year == scope.fiscal_year, p.c.pay_date <= end,
             *_scope_conditions(p, scope, h), *extra(p)]
    if search is not None:
        # SQLite's LIKE already ignores ASCII case (and its lower() folds nothing
        # else), so plain LIKE there gives the same matches without a lower() per row.
        has = ((lambda c: c.contains(search, autoescape=True)) if engine.dialect.name == "sqlite"
               else (lambda c: c.icontains(search, autoescape=True)))
        conds.append(or_(has(p.c.payee_acct_name), has(p.c.use_des), has(p.c.pay_cert_id)))
    order = [p.c[key].desc() if desc else p.c[key].asc()]
    if key != "pay_cert_id":
        order.append(p.c.pay_cert_id.desc() if desc else p.c.pay_cert_id.asc())
    stmt = (select(*[c for c in p.c if c.name != "pay_ym"]).where(and_(*conds))
            .order_by(*order).offset(offset).limit(limit))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        if search is None:
            total = _paid_by(conn, scope, h, [], extra, count=True).get((), 0)
        else:
            total = int(conn.execute(select(func.count()).select_from(p)
                                     .where(and_(*conds))).scalar() or 0)
        ids = sorted({r["bgt_id"] for r in rows if r["bgt_id"]})
        known = set()
        for chunk in _chunks(ids):
            known.update(conn.execute(select(s.quota.c.bgt_id)
                                      .where(_in(s.quota.c.bgt_id, chunk))).scalars())
    for r in rows:
        r["pay_date"] = _to_date(r["pay_date"])
        r["agency_name"] = h.agency_name.get(r["agency_code"])
        r["quota_exists"] = r["bgt_id"] in known
        r["flags"] = payment_flags(r, r["agency_name"], r["quota_exists"])
    return Page(rows=rows, total=total)


# -- revenue and the four budgets --------------------------------------------------------

def _revenue_conds(t, scope: Scope, h: Hierarchies) -> list:
    conds = []
    if scope.mof_div is not None:
        conds.append(_in(t.c.mof_div_code, h.region.descendants(scope.mof_div)))
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
    extra = (lambda t: [_in(t.c.revenue_code, tree.descendants(parent))]) if parent else None
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
        exp = _quota_by(conn, scope, h, ["fund_type_code"])
        paid = _paid_by(conn, scope, h, ["fund_type_code"])
    types = [scope.fund_type] if scope.fund_type else list(FUND_TYPE_NAMES)
    return [BudgetRow(ft, FUND_TYPE_NAMES.get(ft, ft), rev_budget.get(ft, 0), rev.get(ft, 0),
                      exp.get((ft,), 0), paid.get((ft,), 0)) for ft in types]


# -- rule views ---------------------------------------------------------------------------

def three_public(engine: Engine, scope: Scope) -> list[ExecRow]:
    """三公经费 by agency: quotas to D vs payments to D on 30212, 30217, 30231,
    31013 (and any code below them), summed; level red when paid > budget
    (THREE_PUBLIC_OVER), else green."""
    h = hierarchies(engine)
    tree = h.scheme("DEP_ECO")
    codes = set().union(*(tree.descendants(c) for c in THREE_PUBLIC_ECO_CODES))
    sums = _measures(engine, scope, h, ["agency_code"],
                     lambda t: [_in(t.c.dep_bgt_eco_code, codes)])
    tp = scope_tp(scope)
    out = []
    for (code,), (b, p) in sorted(sums.items()):
        rate = ratio(p, b)
        out.append(ExecRow(code, h.agency_name.get(code, code), b, p, rate, gap_pp(rate, tp),
                           "red" if p > b else "green"))
    return out


def year_end(engine: Engine, scope: Scope) -> list[dict]:
    """Per project: payments to D made in November–December, the project's
    quotas to D (its annual quota), their share, and level red when the share
    exceeds the YEAR_END_SURGE threshold (None when the project has no quota)."""
    h = hierarchies(engine)
    fy = scope.fiscal_year
    has_project = lambda t: [t.c.pro_code.is_not(None)]  # noqa: E731
    with engine.connect() as conn:
        annual = _quota_by(conn, scope, h, ["pro_code"], has_project)
        surge = _paid_by(conn, scope, h, ["pro_code"], has_project, since=date(fy, 11, 1))
    limit = THRESHOLDS["YEAR_END_SURGE"]["red_share"]
    out = []
    for key in sorted(set(annual) | set(surge)):
        code = key[0]
        quota_fen, nov_dec = annual.get(key, 0), surge.get(key, 0)
        share = ratio(nov_dec, quota_fen) if quota_fen > 0 else None
        agency = h.project_agency.get(code)
        out.append({"code": code, "name": h.project_name.get(code, code),
                    "agency_code": agency, "agency_name": h.agency_name.get(agency),
                    "nov_dec": nov_dec, "annual_quota": quota_fen, "share": share,
                    "level": None if share is None else ("red" if share > limit else "green")})
    return out


def population(engine: Engine, mof_div: str | None) -> int | None:
    """Σ POPULATION over the region and every region below it (None: all
    regions); None when no region of them has a population."""
    h = hierarchies(engine)
    if mof_div is None:
        codes: Iterable[str] = h.region.parent
    elif mof_div in h.region:
        codes = h.region.descendants(mof_div)
    else:
        return None
    known = [h.population[c] for c in codes if h.population.get(c) is not None]
    return sum(known) if known else None

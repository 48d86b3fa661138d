"""The facts behind every total: quota records and payments, one page at a time."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, func, or_, select

from data import schema as s
from data import search as search_index
from data.hierarchy import hierarchies
from data.masking import mask_account, mask_name
from data.measures import ratio
from data.query.base import chunks, in_codes, num, paid_by, scope_conditions, to_date
from data.query.scope import QueryError, Scope, scope_end


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    total: int



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
             *scope_conditions(q, scope, h)]
    if bgt_id is not None:
        conds.append(or_(q.c.bgt_id == bgt_id, q.c.ori_bgt_id == bgt_id))
    stmt = (select(q, adj.c.adj).select_from(q.outerjoin(adj, adj.c.oid == q.c.bgt_id))
            .where(and_(*conds)).order_by(q.c.doc_date, q.c.bgt_id))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        ids = [r["bgt_id"] for r in rows]
        paid: dict[str, int] = {}
        whole = Scope(as_of=scope.as_of, year=scope.year)  # a quota's payments, any coding
        for chunk in chunks(ids):
            got = paid_by(conn, whole, h, ["bgt_id"], lambda t, c=chunk: [in_codes(t.c.bgt_id, c)])
            paid.update({k[0]: v for k, v in got.items()})
    for r in rows:
        r["available"] = r["amount"] + num(r.pop("adj"))
        r["paid"] = paid.get(r["bgt_id"], 0)
        r["rate"] = ratio(r["paid"], r["available"])
        r["agency_name"] = h.agency_name.get(r["agency_code"])
        r["pro_name"] = h.project_name.get(r["pro_code"]) if r["pro_code"] else None
        r["doc_date"] = to_date(r["doc_date"])
    return rows


PAYMENT_SORT_KEYS = ("pay_date", "amount", "pay_cert_id", "payee_acct_name", "agency_code",
                     "bgt_id", "pro_code", "exp_func_code", "dep_bgt_eco_code", "fund_type_code",
                     "set_mode_code", "mof_div_code")


def payments(engine: Engine, scope: Scope, bgt_id: str | None = None, search: str | None = None,
             sort: str | None = None, offset: int = 0, limit: int = 50) -> Page:
    """The payments to D under the scope, one page. `search` matches payee
    (unless the scope is masked), use or certificate id (case-insensitive
    substring); `sort` is a column of PAYMENT_SORT_KEYS, '-' first for
    descending (default '-pay_date'). Each
    row carries its quota (`bgt_id`, `quota_exists`) and the paying agency's
    name; the rule engine's breaches say which payments are flagged. A masked
    scope returns individuals' names and every account number masked
    (data.masking) and refuses sorting by payee."""
    if offset < 0:
        raise QueryError("offset", "不能为负 / must not be negative")
    if limit < 1:
        raise QueryError("limit", "至少为 1 / must be at least 1")
    sort = sort or "-pay_date"
    desc, key = sort.startswith("-"), sort.lstrip("-+")
    if key not in PAYMENT_SORT_KEYS:
        raise QueryError("sort", "取值应为 {keys} 之一（可加 -）/ "  # i18n: data (bilingual)
                                 "must be one of {keys} (optionally with -)".format(
                                     keys=", ".join(PAYMENT_SORT_KEYS)))
    h = hierarchies(engine)
    p, end = s.payment, scope_end(scope)
    search = (search or "").strip() or None
    if scope.masked and key == "payee_acct_name":
        # ordering by a hidden name would still reveal it
        raise QueryError("sort", "收款人已脱敏，不能按收款人排序 / payees are masked: cannot "
                                 "sort by payee")

    def extra(t):
        return [t.c.bgt_id == bgt_id] if bgt_id is not None else []

    conds = [p.c.fiscal_year == scope.fiscal_year, p.c.pay_date <= end,
             *scope_conditions(p, scope, h), *extra(p)]
    order = [p.c[key].desc() if desc else p.c[key].asc()]
    if key != "pay_cert_id":
        order.append(p.c.pay_cert_id.desc() if desc else p.c.pay_cert_id.asc())
    with engine.connect() as conn:
        if search is not None:
            conds += _search_conditions(conn, search, scope.masked)
        stmt = (select(*[c for c in p.c if c.name != "pay_ym"]).where(and_(*conds))
                .order_by(*order).offset(offset).limit(limit))
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        if search is None:
            total = paid_by(conn, scope, h, [], extra, count=True).get((), 0)
        else:
            total = int(conn.execute(select(func.count()).select_from(p)
                                     .where(and_(*conds))).scalar() or 0)
        ids = sorted({r["bgt_id"] for r in rows if r["bgt_id"]})
        known = set()
        for chunk in chunks(ids):
            known.update(conn.execute(select(s.quota.c.bgt_id)
                                      .where(in_codes(s.quota.c.bgt_id, chunk))).scalars())
    for r in rows:
        r["pay_date"] = to_date(r["pay_date"])
        r["agency_name"] = h.agency_name.get(r["agency_code"])
        r["quota_exists"] = r["bgt_id"] in known
        if scope.masked:
            r["payee_acct_name"] = mask_name(r["payee_acct_name"])
            r["payee_acct_no"] = mask_account(r["payee_acct_no"])
    return Page(rows=rows, total=total)


def _search_conditions(conn: Connection, term: str, masked: bool) -> list:
    """The payments whose purpose, voucher or payee contains `term`, the
    payee not for a masked scope (its search must not probe hidden names):
    case-insensitive as LIKE on SQLite (ASCII only) and ILIKE on PostgreSQL
    compare, with %, _ and the escape character of the term taken literally.
    The search index (data/search.py) only narrows the rows LIKE reads:
    PostgreSQL's planner uses its trigram indexes by itself; SQLite is given
    the rowids its index names."""
    p = s.payment
    searched = [p.c.use_des, p.c.pay_cert_id] + ([] if masked else [p.c.payee_acct_name])
    if conn.dialect.name != "sqlite":
        pattern = "%" + "".join("/" + ch if ch in "/%_" else ch for ch in term) + "%"
        return [or_(*(c.ilike(pattern, escape="/") for c in searched))]
    # SQLite's LIKE ignores ASCII case by itself (and its lower() folds nothing more)
    found = or_(*(c.contains(term, autoescape=True) for c in searched))
    narrowed = search_index.narrowing(conn, p, term)
    return [found] if narrowed is None else [narrowed, found]

"""The query layer against an independent pandas computation of SPEC §2 from
the raw tables, on a synthetic store (awkward cases written in) and on the
demo, on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import event, func, select

from data import measures, schema
from data import query as q
from data.query.base import to_date
from data.rules import band
from tests.querycheck import Reference, RefScope, synth_engine  # noqa: F401 (fixture)

MID_MONTH = date(2026, 11, 20)
MONTH_END = date(2026, 10, 31)


_refs: dict[int, Reference] = {}


@pytest.fixture(params=["synthetic", "demo"])
def store(request, backend):
    eng = request.getfixturevalue("synth_engine" if request.param == "synthetic"
                                  else "demo_engine")
    if id(eng) not in _refs:
        _refs[id(eng)] = Reference(eng)
    return eng, _refs[id(eng)]


def tp_of(d: date) -> float:
    days = (date(d.year, 12, 31) - date(d.year, 1, 1)).days + 1
    return ((d - date(d.year, 1, 1)).days + 1) / days


def picks(ref: Reference) -> dict:
    """Codes to cut and drill by, chosen from the data."""
    pay = ref.f["payment"]
    counts = Counter(pay.mof_div_code)
    parents = ref.region_parent
    with_kids = [c for c in parents if any(p == c for p in parents.values())]
    county = max(with_kids, key=lambda c: sum(n for r, n in counts.items()
                                              if ref.under(parents, c, r)))
    leaf = max((c for c in parents if c not in with_kids and ref.under(parents, county, c)),
               key=lambda c: counts.get(c, 0), default=county)
    depts = Counter(ref.agency_dept.values())
    dept = max(depts, key=lambda d: (depts[d], d))
    func_parents = ref.cls_parent["EXP_FUNC"]
    roots = Counter(ref.chain(func_parents, c)[-1] for c in pay.exp_func_code)
    func_class = roots.most_common(1)[0][0]
    kuan = Counter(ref.chain(func_parents, c)[-2] for c in pay.exp_func_code
                   if len(ref.chain(func_parents, c)) >= 3 and
                   ref.chain(func_parents, c)[-1] == func_class).most_common(1)[0][0]
    eco_parents = ref.cls_parent["DEP_ECO"]
    eco_class = Counter(ref.chain(eco_parents, c)[-1]
                        for c in pay.dep_bgt_eco_code).most_common(1)[0][0]
    agency_with_projects = Counter(ref.f["project"].agency_code).most_common(1)[0][0]
    return dict(county=county, leaf=leaf, dept=dept, func_class=func_class, kuan=kuan,
                eco_class=eco_class, agency=agency_with_projects)


DATE_CASES = {
    "mid_month": dict(as_of=MID_MONTH),
    "month_end": dict(as_of=MONTH_END),
    "past_year": dict(as_of=MID_MONTH, year=2025),
}


def check_rows(rows, expected: dict, end: date, what: str) -> None:
    got = {r.code: (r.budget, r.paid) for r in rows}
    assert got == expected, what
    assert len(rows) == len(got), f"{what}: duplicate codes"
    tp = tp_of(end)
    for r in rows:
        assert isinstance(r.budget, int) and isinstance(r.paid, int)
        if r.budget == 0:
            assert r.rate is None and r.gap_pp is None and r.level is None, what
            continue
        assert r.rate == pytest.approx(r.paid / r.budget), what
        assert r.gap_pp == pytest.approx((r.paid / r.budget - tp) * 100), what
        if r.budget < 10_000_000:
            assert r.level is None, what
        else:
            gap = (r.paid / r.budget - tp) * 100
            assert r.level == ("red" if gap <= -20 else "yellow" if gap <= -10 else "green"), what


@pytest.mark.parametrize("case", DATE_CASES)
def test_execution_matches_reference(store, case):
    eng, ref = store
    pk = picks(ref)
    cuts = [dict(), dict(mof_div=pk["county"]), dict(mof_div=pk["leaf"]), dict(fund_type="1"),
            dict(mof_div=pk["county"], fund_type="1"), dict(dept=pk["dept"]),
            dict(func=pk["kuan"], eco=pk["eco_class"])]
    drills = [("mof_div", None), ("mof_div", pk["county"]), ("dept", None), ("agency", None),
              ("agency", pk["dept"]), ("func_class", None), ("func", None),
              ("func", pk["func_class"]), ("func", pk["kuan"]), ("project", None),
              ("project", pk["agency"]), ("eco_class", None), ("eco", pk["eco_class"]),
              ("fund_type", None)]
    checked = 0
    for cut in cuts:
        scope = q.Scope(**DATE_CASES[case], **cut)
        rscope = RefScope(**DATE_CASES[case], **cut)
        for by, parent in drills:
            rows = q.execution(eng, scope, by, parent)
            check_rows(rows, ref.execution(rscope, by, parent), rscope.end,
                       f"{case} {cut} by={by} parent={parent}")
            checked += sum(1 for r in rows if r.paid or r.budget)
        total = q.execution_total(eng, scope)
        exp_b, exp_p = int(ref.budget(rscope).amount.sum()), int(ref.paid(rscope).amount.sum())
        assert (total.budget, total.paid) == (exp_b, exp_p), f"{case} {cut} total"
    assert checked > 100  # the comparison saw real figures


def test_region_rows_roll_up_and_cover_the_selection(store):
    eng, ref = store
    pk = picks(ref)
    scope = q.Scope(as_of=MID_MONTH, mof_div=pk["county"])
    rows = q.execution(eng, scope, "mof_div")
    codes = [r.code for r in rows]
    below = {c for c in ref.region_parent if ref.under(ref.region_parent, pk["county"], c)}
    assert set(codes) == below and codes[0] == pk["county"]
    by_code = {r.code: r for r in rows}
    kids = [c for c, p in ref.region_parent.items() if p == pk["county"]]
    own = ref.execution(RefScope(as_of=MID_MONTH), "mof_div")
    # the county's figure is its own records plus every child's roll-up
    own_paid = int(ref.paid(RefScope(as_of=MID_MONTH)).query(
        "mof_div_code == @pk['county']").amount.sum())
    assert by_code[pk["county"]].paid == own_paid + sum(by_code[k].paid for k in kids)
    assert by_code[pk["county"]].paid == own[pk["county"]][1]


def test_payments_to_d_read_the_aggregate(store):
    """Whole months come from agg_payment_month; only month(D) touches payment,
    and only through a pay_date range."""
    eng, _ = store
    seen: list[str] = []

    def capture(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(eng, "before_cursor_execute", capture)
    try:
        q.execution(eng, q.Scope(as_of=MONTH_END), "agency")
        month_end = list(seen)
        seen.clear()
        q.execution(eng, q.Scope(as_of=MID_MONTH), "func_class")
        mid = list(seen)
    finally:
        event.remove(eng, "before_cursor_execute", capture)
    assert not any("FROM payment" in sql for sql in month_end)
    assert any("agg_payment_month" in sql for sql in month_end)
    raw = [sql for sql in mid if "FROM payment" in sql]
    assert raw and all(("pay_date >=" in sql or "pay_date >" in sql) and "pay_date <=" in sql
                       for sql in raw)


def test_the_latest_day_reads_its_month_from_the_aggregate(store):
    """As of the last payment date of its month, month(D)'s aggregate slice
    holds exactly the payments to D: the payment table is only asked whether
    a later one exists, and the figures are the same as summed from it."""
    eng, _ = store
    p = schema.payment
    with eng.connect() as conn:
        latest = to_date(conn.execute(select(func.max(p.c.pay_date))).scalar())
        by_agency = dict(conn.execute(
            select(p.c.agency_code, func.sum(p.c.amount))
            .where(p.c.fiscal_year == latest.year, p.c.pay_date <= latest)
            .group_by(p.c.agency_code)).all())
    seen: list[str] = []

    def capture(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(eng, "before_cursor_execute", capture)
    try:
        rows = q.execution(eng, q.Scope(as_of=latest), "agency")
    finally:
        event.remove(eng, "before_cursor_execute", capture)
    raw = [sql for sql in seen if "FROM payment" in sql]
    assert raw and all(sql.startswith("SELECT EXISTS") for sql in raw)
    assert {r.code: r.paid for r in rows if r.paid} == {k: v for k, v in by_agency.items() if v}


def test_bad_drill_arguments(store):
    eng, ref = store
    scope = q.Scope(as_of=MID_MONTH)
    with pytest.raises(q.QueryError) as err:
        q.execution(eng, scope, "nonsense")
    assert err.value.parameter == "by"
    with pytest.raises(q.QueryError) as err:
        q.execution(eng, scope, "agency", "no-such-dept")
    assert err.value.parameter == "parent"
    with pytest.raises(q.QueryError) as err:
        q.execution(eng, scope, "func_class", "201")
    assert err.value.parameter == "parent"
    with pytest.raises(q.QueryError) as err:
        q.validate_scope(eng, q.Scope(as_of=MID_MONTH, mof_div="000000000"))
    assert err.value.parameter == "mof_div"
    q.validate_scope(eng, q.Scope(as_of=MID_MONTH, mof_div=picks(ref)["county"]))


@pytest.mark.parametrize("case", ["mid_month", "month_end"])
def test_payments_paging_sorting_search(store, case):
    eng, ref = store
    pk = picks(ref)
    as_of = DATE_CASES[case]["as_of"]
    for cut in (dict(), dict(mof_div=pk["county"], fund_type="1")):
        scope = q.Scope(as_of=as_of, **cut)
        expected = ref.paid(RefScope(as_of=as_of, **cut))
        page1 = q.payments(eng, scope, sort="-amount", limit=20)
        page2 = q.payments(eng, scope, sort="-amount", offset=20, limit=20)
        assert page1.total == page2.total == len(expected)
        want = expected.sort_values(["amount", "pay_cert_id"], ascending=False).pay_cert_id
        assert [r["pay_cert_id"] for r in page1.rows + page2.rows] == list(want[:40])
        newest = q.payments(eng, scope, limit=10)
        want = expected.sort_values(["pay_date", "pay_cert_id"], ascending=False).pay_cert_id
        assert [r["pay_cert_id"] for r in newest.rows] == list(want[:10])
        assert all(r["pay_date"] <= as_of for r in newest.rows)
    scope = q.Scope(as_of=as_of)
    expected = ref.paid(RefScope(as_of=as_of))
    for term in ("工会", "设备", "pc2026000"):
        hits = expected[expected.payee_acct_name.str.contains(term, case=False, regex=False)
                        | expected.use_des.fillna("").str.contains(term, case=False, regex=False)
                        | expected.pay_cert_id.str.contains(term, case=False, regex=False)]
        page = q.payments(eng, scope, search=term, sort="pay_cert_id", limit=15)
        assert page.total == len(hits), term
        assert [r["pay_cert_id"] for r in page.rows] == sorted(hits.pay_cert_id)[:15]
    with pytest.raises(q.QueryError):
        q.payments(eng, scope, sort="payee_acct_no; DROP TABLE payment")


def test_payments_know_their_quota(store):
    """Each payment says whether its BGT_ID names a quota in the store (the
    grid marks the others); the rule engine, not the query layer, flags it."""
    eng, ref = store
    quota_ids = set(ref.f["quota"].bgt_id)
    rows = q.payments(eng, q.Scope(as_of=MID_MONTH), sort="-amount", limit=100000).rows
    assert len(rows) == len(ref.paid(RefScope(as_of=MID_MONTH)))
    for r in rows:
        assert r["quota_exists"] == (r["bgt_id"] in quota_ids), r["pay_cert_id"]
        assert "flags" not in r


def test_payments_of_one_quota(store):
    eng, ref = store
    expected = ref.paid(RefScope(as_of=MID_MONTH))
    bgt = expected.bgt_id.dropna().value_counts().index[0]
    page = q.payments(eng, q.Scope(as_of=MID_MONTH), bgt_id=bgt, limit=1000)
    assert page.total == (expected.bgt_id == bgt).sum() == len(page.rows)
    assert {r["bgt_id"] for r in page.rows} == {bgt}


def test_quotas_available_and_paid(store):
    eng, ref = store
    pk = picks(ref)
    scope = q.Scope(as_of=MID_MONTH, mof_div=pk["county"])
    rs = RefScope(as_of=MID_MONTH, mof_div=pk["county"])
    rows = q.quotas(eng, scope)
    expected = ref.budget(rs)
    assert sorted(r["bgt_id"] for r in rows) == sorted(expected.bgt_id)
    allq = ref.f["quota"]
    adj = allq[allq.doc_date <= MID_MONTH].groupby("ori_bgt_id").amount.sum()
    pay = ref.f["payment"]
    pay = pay[(pay.fiscal_year == 2026) & (pay.pay_date <= MID_MONTH)]
    paid = pay.groupby("bgt_id").amount.sum()
    for r in rows:
        assert r["available"] == r["amount"] + int(adj.get(r["bgt_id"], 0))
        assert r["paid"] == int(paid.get(r["bgt_id"], 0))
        assert r["rate"] == (None if r["available"] == 0
                             else pytest.approx(r["paid"] / r["available"]))
    adjusted = allq[allq.ori_bgt_id.notna()].ori_bgt_id.iloc[0]
    year = int(allq[allq.bgt_id == adjusted].fiscal_year.iloc[0])
    one = q.quotas(eng, q.Scope(as_of=date(year, 12, 31)), bgt_id=adjusted)
    assert {r["bgt_id"] for r in one} == {adjusted} | set(allq[allq.ori_bgt_id == adjusted].bgt_id)


@pytest.mark.parametrize("case", ["mid_month", "month_end"])
def test_monthly_trend(store, case):
    eng, ref = store
    as_of = DATE_CASES[case]["as_of"]
    rows = q.monthly(eng, q.Scope(as_of=as_of, fund_type="1"))
    assert [r.month for r in rows] == list(range(1, as_of.month + 1))
    p = ref.f["payment"]
    p = p[p.fund_type_code == "1"]
    qq = ref.f["quota"]
    qq = qq[(qq.fund_type_code == "1") & (qq.fiscal_year == 2026)]
    ly_end = date(as_of.year - 1, as_of.month, as_of.day)
    for r in rows:
        this = p[(p.fiscal_year == 2026) & (p.pay_date <= as_of)
                 & p.pay_date.map(lambda d: (d.year, d.month) == (2026, r.month))]
        last = p[(p.fiscal_year == 2025) & (p.pay_date <= ly_end)
                 & p.pay_date.map(lambda d: (d.year, d.month) == (2025, r.month))]
        cutoff = min(date(2026, r.month + 1, 1) if r.month < 12 else date(2027, 1, 1),
                     date.fromordinal(as_of.toordinal() + 1))
        assert r.paid == int(this.amount.sum()), r.month
        assert r.paid_last_year == int(last.amount.sum()), r.month
        assert r.budget_to_month == int(qq[qq.doc_date < cutoff].amount.sum()), r.month


@pytest.mark.parametrize("case", DATE_CASES)
def test_revenue_by_class(store, case):
    eng, ref = store
    pk = picks(ref)
    for cut in (dict(), dict(mof_div=pk["county"]), dict(fund_type="1")):
        for parent in (None, "101"):
            scope = q.Scope(**DATE_CASES[case], **cut)
            rows = q.revenue_by_class(eng, scope, parent)
            got = {r.code: (r.budget, r.collected, r.last_year) for r in rows}
            assert got == ref.revenue_by_class(RefScope(**DATE_CASES[case], **cut), parent), \
                (case, cut, parent)
            for r in rows:
                assert r.rate == (None if r.budget == 0
                                  else pytest.approx(r.collected / r.budget))


def test_budgets_side_by_side(store):
    eng, ref = store
    pk = picks(ref)
    rs = RefScope(as_of=MID_MONTH, mof_div=pk["county"])
    rows = q.budgets(eng, q.Scope(as_of=MID_MONTH, mof_div=pk["county"]))
    assert [r.fund_type for r in rows] == ["1", "2", "3", "4"]
    rb = ref._rev_cut(ref.f["revenue_budget"][ref.f["revenue_budget"].fiscal_year == 2026], rs)
    rev = ref.revenue(rs, 2026, "2026-11")
    for r in rows:
        assert r.revenue_budget == int(rb[rb.fund_type_code == r.fund_type].amount.sum())
        assert r.revenue == int(rev[rev.fund_type_code == r.fund_type].amount.sum())
        qq, pp = ref.budget(rs), ref.paid(rs)
        assert r.exp_budget == int(qq[qq.fund_type_code == r.fund_type].amount.sum())
        assert r.paid == int(pp[pp.fund_type_code == r.fund_type].amount.sum())
    assert [r.fund_type for r in q.budgets(eng, q.Scope(as_of=MID_MONTH, fund_type="2"))] == ["2"]


def test_three_public_and_year_end(store):
    eng, ref = store
    scope, rs = q.Scope(as_of=MID_MONTH), RefScope(as_of=MID_MONTH)
    codes = ("30212", "30217", "30231", "31013")  # SPEC §2 THREE_PUBLIC_OVER
    three = lambda df: df[df.dep_bgt_eco_code.isin(codes)]  # noqa: E731
    qq, pp = three(ref.budget(rs)), three(ref.paid(rs))
    exp = {}
    for df, i in ((qq, 0), (pp, 1)):
        for k, v in df.groupby("agency_code").amount.sum().items():
            exp.setdefault(k, [0, 0])[i] += int(v)
    rows = q.three_public(eng, scope)
    assert {r.code: [r.budget, r.paid] for r in rows} == exp
    assert all(r.level == ("red" if r.paid > r.budget else "green") for r in rows)

    rs = RefScope(as_of=MID_MONTH, year=2025)
    rows = q.year_end(eng, q.Scope(as_of=MID_MONTH, year=2025))
    qq, pp = ref.budget(rs), ref.paid(rs)
    qq = qq[qq.pro_code.notna()]
    pp = pp[pp.pro_code.notna() & (pp.pay_date >= date(2025, 11, 1))]
    annual = qq.groupby("pro_code").amount.sum()
    surge = pp.groupby("pro_code").amount.sum()
    assert {r["code"] for r in rows} == set(annual.index) | set(surge.index)
    for r in rows:
        assert r["annual_quota"] == int(annual.get(r["code"], 0))
        assert r["nov_dec"] == int(surge.get(r["code"], 0))
        if r["annual_quota"] > 0:
            assert r["share"] == pytest.approx(r["nov_dec"] / r["annual_quota"])
            assert r["level"] == ("red" if r["share"] > 0.5 else "green")


def test_members_and_population(store):
    eng, ref = store
    pk = picks(ref)
    kids = q.members(eng, "mof_div", pk["county"])
    assert {m.code for m in kids} == {c for c, p in ref.region_parent.items()
                                      if p == pk["county"]}
    assert all(m.parent == pk["county"] for m in kids)
    agencies = q.members(eng, "agency", pk["dept"])
    assert {m.code for m in agencies} == {a for a, d in ref.agency_dept.items() if d == pk["dept"]}
    kuan = q.members(eng, "func", pk["func_class"])
    assert pk["kuan"] in {m.code for m in kuan}
    assert all(m.parent == pk["func_class"] for m in kuan)
    tax = {m.code for m in q.members(eng, "revenue", "101")}
    assert "10101" in tax
    assert [m.code for m in q.members(eng, "fund_type")] == ["1", "2", "3", "4"]
    # a region's own population, not summed over the regions below it (SPEC §2)
    for region in (pk["county"], pk["leaf"], None):
        assert q.population(eng, region) == ref.population_of(region)
    assert q.population(eng, "no-such-region") is None


def test_time_progress_and_levels():
    assert measures.time_progress(date(2026, 1, 1)) == pytest.approx(1 / 365)
    assert measures.time_progress(date(2024, 12, 31)) == 1.0
    assert measures.time_progress(date(2024, 3, 1)) == pytest.approx(61 / 366)
    tp = 0.5  # a row's level is rule EXEC_LAG's banding of its gap, with the rule's minimum
    assert band("EXEC_LAG", measures.gap_pp(0.0, tp), budget_fen=9_999_999) is None  # < 100,000 yuan
    assert band("EXEC_LAG", measures.gap_pp(0.41, tp), budget_fen=10_000_000) == "green"
    assert band("EXEC_LAG", measures.gap_pp(0.40, tp), budget_fen=10_000_000) == "yellow"  # −10 pp
    assert band("EXEC_LAG", measures.gap_pp(0.31, tp), budget_fen=10_000_000) == "yellow"
    assert band("EXEC_LAG", measures.gap_pp(0.30, tp), budget_fen=10_000_000) == "red"  # −20 pp
    assert band("EXEC_LAG", measures.gap_pp(None, tp), budget_fen=10_000_000) is None
    scope = q.Scope(as_of=date(2026, 5, 5), year=2025)
    assert q.scope_end(scope) == date(2025, 12, 31) and q.scope_tp(scope) == 1.0
    assert hash(scope) == hash(q.Scope(as_of=date(2026, 5, 5), year=2025))
    assert repr(scope) == repr(q.Scope(as_of=date(2026, 5, 5), year=2025))

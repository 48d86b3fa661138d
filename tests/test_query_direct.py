"""直达资金 queries (data/query/direct_funds.py) on SQLite and PostgreSQL:
every figure against a hand computation on a small store imported from
contract files (boundary dates: a receipt after D and on D, a payment on D
and the day after, a refund, a fund only a township received), and against
an independent pandas computation over the demo's own files."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from data.query import QueryError, Scope
from data.query.direct_funds import (direct_funds, fund_names, fund_quotas, fund_rows,
                                     payment_funds, recipients, region_rows)
from data.rules import evaluate
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import ok, read_frames, tp
from tests.test_rules_cases import AFTER, C, D, T, Data


def Y(yuan) -> int:
    """yuan → fen"""
    return round(yuan * 100)


# -- a hand-made county ----------------------------------------------------------------------
# County C with townships T1, T2; agencies 101, 101001 in C, 201 in T1, 301 in T2.
# D = 2026-08-07 (day 219 of 365: TP = 0.6).
#
# F1 义务教育: C receives 1,000,000 on 03-01 and T1 200,000 on 07-20 (18 days before D);
#    last year's 7,777 is another fiscal year. Quotas: 101 600,000 (03-10) + an adjustment
#    of it 50,000 (04-01, carrying F1), 201 150,000 (07-25); 101's 300,000 of D+1 is not to D.
#    Payments: 101 300,000 (05-01), a refund −50,000 (06-01), 20,000 on D; 70,000 on D+1
#    and 2025's 5,000 are not to D; 201 100,000 (07-30).
# F2 就业: only township T2 receives, 500,000 on 05-01; 301's quota 400,000, paid 100,000.
# F3 received by C on D itself: 100,000, nothing allocated.
# F4 arrives after D (D+1, 80,000) but 101 already holds a quota of 30,000 carrying it.
# Not a direct fund: 101's quota 999 and payment 5,000.

FIRST = "BGT-F1-101"


@pytest.fixture
def county(engine, tmp_path):
    s = Data(townships=2)
    s.direct_fund("F1", 1_000_000, date(2026, 3, 1))
    s.direct_fund("F1", 200_000, date(2026, 7, 20), div=T[1])
    s.direct_fund("F1", 7_777, date(2025, 3, 1), year=2025)
    s.direct_fund("F2", 500_000, date(2026, 5, 1), div=T[2])
    s.direct_fund("F3", 100_000, D)
    s.direct_fund("F4", 80_000, AFTER)
    s.quota(600_000, date(2026, 3, 10), bgt=FIRST, DIRECT_FUND_CODE="F1")
    s.quota(50_000, date(2026, 4, 1), bgt="BGT-F1-ADJ", stage="2", ORI_BGT_ID=FIRST,
            DIRECT_FUND_CODE="F1")
    s.quota(150_000, date(2026, 7, 25), agency="201", bgt="BGT-F1-201", DIRECT_FUND_CODE="F1")
    s.quota(300_000, AFTER, bgt="BGT-F1-LATE", DIRECT_FUND_CODE="F1")
    s.quota(400_000, date(2026, 5, 5), agency="301", bgt="BGT-F2-301", DIRECT_FUND_CODE="F2")
    s.quota(30_000, date(2026, 7, 1), bgt="BGT-F4-101", DIRECT_FUND_CODE="F4")
    s.quota(999, date(2026, 2, 1), bgt="BGT-PLAIN")
    s.payment(300_000, date(2026, 5, 1), cert="P-F1-1", bgt_id=FIRST, direct_fund_code="F1")
    s.payment(-50_000, date(2026, 6, 1), cert="P-F1-REFUND", bgt_id=FIRST, direct_fund_code="F1")
    s.payment(20_000, D, cert="P-F1-ON-D", bgt_id=FIRST, direct_fund_code="F1")
    s.payment(70_000, AFTER, cert="P-F1-AFTER", bgt_id=FIRST, direct_fund_code="F1")
    s.payment(5_000, date(2025, 6, 1), cert="P-F1-2025", bgt_id=FIRST, direct_fund_code="F1")
    s.payment(100_000, date(2026, 7, 30), agency="201", cert="P-F1-201", bgt_id="BGT-F1-201",
              direct_fund_code="F1")
    s.payment(100_000, date(2026, 6, 15), agency="301", cert="P-F2-301", bgt_id="BGT-F2-301",
              direct_fund_code="F2")
    s.payment(5_000, date(2026, 6, 1), cert="P-PLAIN", bgt_id="BGT-PLAIN")
    s.load(engine, tmp_path / "files")
    return engine


def at(region=None, as_of=D, year=None) -> Scope:
    return Scope(as_of=as_of, year=year, mof_div=region)


def figures(rows) -> dict:
    return {r.code: (r.received, r.allocated, r.paid) for r in rows}


def test_per_fund_in_the_county(county):
    rows = fund_rows(county, at(C))
    assert figures(rows) == {
        "F1": (Y(1_200_000), Y(800_000), Y(370_000)),  # 300,000 − 50,000 + 20,000 + 100,000
        "F2": (Y(500_000), Y(400_000), Y(100_000)),    # received by a township only
        "F3": (Y(100_000), 0, 0),                      # received on D: counted
        "F4": (0, Y(30_000), 0),                       # received after D: not yet
    }
    by = {r.code: r for r in rows}
    f1 = by["F1"]
    assert f1.name == "直达资金F1" and fund_names(county)["F2"] == "直达资金F2"
    assert f1.receipts == ((date(2026, 3, 1), Y(1_000_000)), (date(2026, 7, 20), Y(200_000)))
    assert (f1.first_received, f1.last_received) == (date(2026, 3, 1), date(2026, 7, 20))
    assert (f1.days_since_first, f1.days_since_last) == (159, 18)
    assert f1.allocation_rate == pytest.approx(800_000 / 1_200_000)
    assert f1.payment_rate == pytest.approx(370_000 / 1_200_000)
    assert f1.time_progress == pytest.approx(0.6)
    assert f1.gap_pp == pytest.approx((370_000 / 1_200_000 - 0.6) * 100)
    assert by["F3"].days_since_first == 0 and by["F3"].within_grace(0)
    assert by["F4"].receipts == () and by["F4"].allocation_rate is None \
        and by["F4"].first_received is None and not by["F4"].within_grace(30)


def test_grace_days_split_what_the_rules_judge(county):
    """past_grace(n): the money received more than n days before D, the amount
    DIRECT_* judge; a fund×region is judged exactly where it is positive."""
    by = {r.code: r for r in fund_rows(county, at(C))}
    assert by["F1"].past_grace(30) == Y(1_000_000)   # T1's 200,000 is 18 days old
    assert by["F1"].past_grace(17) == Y(1_200_000)
    assert by["F1"].past_grace(159) == 0 and by["F1"].past_grace(158) == Y(1_000_000)
    assert not by["F1"].within_grace(30) and by["F1"].within_grace(159)
    (t1,) = fund_rows(county, at(T[1]))
    assert t1.past_grace(30) == 0 and t1.within_grace(30)
    judged = {(r.code, region) for region in (C, T[1], T[2])
              for r in fund_rows(county, at(region)) if r.past_grace(30) > 0}
    breaches = [b for b in evaluate(county, D) if b.rule.startswith("DIRECT_")]
    assert {tuple(b.entity_code.split("@")) for b in breaches} <= judged
    assert judged == {("F1", C), ("F2", C), ("F2", T[2])}


def test_a_township_and_all_regions(county):
    assert figures(fund_rows(county, at(T[1]))) == {"F1": (Y(200_000), Y(150_000), Y(100_000))}
    assert figures(fund_rows(county, at(T[2]))) == {"F2": (Y(500_000), Y(400_000), Y(100_000))}
    assert figures(fund_rows(county, at())) == figures(fund_rows(county, at(C)))
    total = direct_funds(county, at(C))
    assert (total.received, total.allocated, total.paid) == (Y(1_800_000), Y(1_230_000),
                                                             Y(470_000))


def test_boundary_dates(county):
    """The day before the on-D records, the on-D ones are out; a month end
    reads the aggregate only; an earlier fiscal year is seen at its 31 December."""
    before = {r.code: r for r in fund_rows(county, at(C, D - timedelta(days=1)))}
    assert "F3" not in before  # received on D, nothing else
    assert before["F1"].paid == Y(350_000)  # without the payment on D
    july = figures(fund_rows(county, at(C, date(2026, 7, 31))))
    assert july["F1"] == (Y(1_200_000), Y(800_000), Y(350_000))
    assert figures(fund_rows(county, at(C, D, 2025))) == {"F1": (Y(7_777), 0, Y(5_000))}


def test_region_comparison(county):
    rows = region_rows(county, at(C), "F1")
    assert [(r.code, r.name, r.own) for r in rows] == [
        (C, "示例县（本级）", True), (T[1], "第1镇", False), (T[2], "第2镇", False)]
    assert figures(rows) == {C: (Y(1_000_000), Y(650_000), Y(270_000)),
                             T[1]: (Y(200_000), Y(150_000), Y(100_000)),
                             T[2]: (0, 0, 0)}
    everything = region_rows(county, at(C))
    assert figures(everything) == {C: (Y(1_100_000), Y(680_000), Y(270_000)),
                                   T[1]: (Y(200_000), Y(150_000), Y(100_000)),
                                   T[2]: (Y(500_000), Y(400_000), Y(100_000))}
    # the top of the store: its only root, every record below it
    (top,) = region_rows(county, at())
    assert (top.code, top.own) == (C, False)
    assert (top.received, top.allocated, top.paid) == (Y(1_800_000), Y(1_230_000), Y(470_000))
    # a township without children: only its own row
    assert figures(region_rows(county, at(T[2]), "F2")) == {T[2]: (Y(500_000), Y(400_000),
                                                                   Y(100_000))}
    with pytest.raises(QueryError) as err:
        region_rows(county, at("NOPE"))
    assert err.value.parameter == "mof_div"


def test_recipients_and_their_quotas(county):
    rows = recipients(county, at(C), "F1")
    assert [(r.code, r.name, r.mof_div, r.allocated, r.paid) for r in rows] == [
        ("101", "县教育局", C, Y(650_000), Y(270_000)),
        ("201", "城关镇人民政府", T[1], Y(150_000), Y(100_000))]
    assert rows[0].rate == pytest.approx(270_000 / 650_000)
    assert [r.code for r in recipients(county, at(T[1]), "F1")] == ["201"]
    assert recipients(county, at(C), "NOPE") == []

    quotas = fund_quotas(county, at(C), "F1", "101")
    assert [(q["bgt_id"], q["amount"]) for q in quotas] == [(FIRST, Y(600_000)),
                                                             ("BGT-F1-ADJ", Y(50_000))]
    first = quotas[0]
    # available: own + the adjustment naming it; paid: payments to D on the BGT_ID
    assert (first["available"], first["paid"]) == (Y(650_000), Y(270_000))
    assert sum(q["amount"] for q in quotas) == rows[0].allocated
    assert fund_quotas(county, at(C), "F4", "101")[0]["bgt_id"] == "BGT-F4-101"
    assert fund_quotas(county, at(T[2]), "F1", "101") == []  # outside the region


def test_payment_funds(county):
    got = payment_funds(county, at(C), ["P-F1-ON-D", "P-F1-AFTER", "P-PLAIN", "P-F2-301",
                                        "P-F1-2025", "NOPE"])
    assert set(got) == {"P-F1-ON-D", "P-PLAIN", "P-F2-301"}  # payments to D only
    assert got["P-F1-ON-D"] == {"fund": "F1", "bgt_id": FIRST, "agency": "101",
                                "amount": Y(20_000), "pay_date": D, "quota": True}
    assert got["P-PLAIN"]["fund"] is None
    assert payment_funds(county, at(C), []) == {}


# -- the demo against pandas over its files ---------------------------------------------------

@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from data.demo import write_demo_files

    out = tmp_path_factory.mktemp("direct-demo")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    return read_frames(out)


class Expected:
    """SPEC §1.5 and §2 by pandas, straight from the demo's files."""

    def __init__(self, f, d: date):
        self.f, self.d, y = f, d, str(d.year)
        div = f["mof_div"]
        self.parent = dict(zip(div.MOF_DIV_CODE, div.PARENT_CODE))
        self.name = dict(zip(div.MOF_DIV_CODE, div.MOF_DIV_NAME))
        df = f["direct_fund"]
        self.df = df[(df.FISCAL_YEAR == y) & ok(df.RECEIVED_DATE, lambda v: v <= d)]
        q, p = f["quota"], f["payment"]
        self.q = q[(q.FISCAL_YEAR == y) & ok(q.DOC_DATE, lambda v: v <= d) & (q.DIRECT_FUND_CODE != "")]
        self.p = p[(p.FISCAL_YEAR == y) & ok(p.PAY_DATE, lambda v: v <= d) & (p.DIRECT_FUND_CODE != "")]

    def up(self, code):
        while code in self.parent:
            yield code
            code = self.parent[code]

    def under(self, frame, region):
        return frame if region is None else frame[ok(frame.MOF_DIV_CODE,
                                                     lambda c: region in set(self.up(c)))]

    def by(self, region, key, fund=None):
        """{key value: (received, allocated, paid)}; key a column or a function of the region."""
        out = defaultdict(lambda: [0, 0, 0])
        for i, frame, col in ((0, self.df, "RECEIVED_AMOUNT"), (1, self.q, "AMOUNT"),
                              (2, self.p, "AMOUNT")):
            frame = self.under(frame, region)
            if fund is not None:
                frame = frame[frame.DIRECT_FUND_CODE == fund]
            for _, r in frame.iterrows():
                k = key(r)
                if k is not None:
                    out[k][i] += int(r[col])
        return {k: tuple(v) for k, v in out.items()}


DATES = [DEMO_AS_OF, date(2026, 10, 31), date(2026, 3, 15)]  # mid-month, month end, early


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_demo_matches_pandas(demo_engine, frames, as_of):
    want = Expected(frames, as_of)
    regions = [None, *want.parent]
    for region in regions:
        scope = Scope(as_of=as_of, mof_div=region)
        rows = fund_rows(demo_engine, scope)
        assert figures(rows) == want.by(region, lambda r: r.DIRECT_FUND_CODE), (as_of, region)
        for r in rows:
            mine = want.under(want.df, region)
            dates = sorted(mine[mine.DIRECT_FUND_CODE == r.code].RECEIVED_DATE)
            assert (r.first_received, r.last_received) == ((dates[0], dates[-1]) if dates
                                                          else (None, None))
            assert r.time_progress == pytest.approx(float(tp(as_of)))
    county = max((c for c in want.parent if any(p == c for p in want.parent.values())),
                 key=lambda c: len(list(want.up(c))))
    for fund in sorted(set(want.q.DIRECT_FUND_CODE)):
        rows = region_rows(demo_engine, Scope(as_of=as_of, mof_div=county), fund)
        kids = {c for c, p in want.parent.items() if p == county}

        def child(r, kids=kids):
            return county if r.MOF_DIV_CODE == county else next(
                (a for a in want.up(r.MOF_DIV_CODE) if a in kids), None)

        expected = want.by(county, child, fund)
        assert figures(rows) == {c: expected.get(c, (0, 0, 0))
                                 for c in {*expected, *kids}}, (as_of, fund)
        assert [r.code for r in rows if not r.own] == sorted(kids)
        got = {r.code: (r.allocated, r.paid) for r in recipients(
            demo_engine, Scope(as_of=as_of, mof_div=county), fund)}
        by_agency = {}
        for i, frame in ((0, want.q), (1, want.p)):
            frame = want.under(frame[frame.DIRECT_FUND_CODE == fund], county)
            for a, amount in frame.groupby("AGENCY_CODE").AMOUNT.sum().items():
                by_agency.setdefault(a, [0, 0])[i] = int(amount)
        assert got == {a: tuple(v) for a, v in by_agency.items()}, (as_of, fund)
        for agency in got:
            quotas = fund_quotas(demo_engine, Scope(as_of=as_of, mof_div=county), fund, agency)
            mine = want.q[(want.q.DIRECT_FUND_CODE == fund) & (want.q.AGENCY_CODE == agency)]
            assert sorted(q["bgt_id"] for q in quotas) == sorted(mine.BGT_ID)
            assert sum(q["amount"] for q in quotas) == got[agency][0]


def test_demo_total_is_the_sum_of_the_funds(demo_engine):
    scope = Scope(as_of=DEMO_AS_OF)
    rows, total = fund_rows(demo_engine, scope), direct_funds(demo_engine, scope)
    assert (total.received, total.allocated, total.paid) == \
        tuple(sum(getattr(r, k) for r in rows) for k in ("received", "allocated", "paid"))

"""国有资产 figures of the query layer (data/query/assets.py) against an
independent pandas computation of SPEC §1.7 / §2, on SQLite and PostgreSQL:
on a hand-made store whose boundary cases are written in (an enterprise
report after D, an enterprise and an agency whose latest report is earlier
than the others', a report for D's own month before it ends, a township with
only financial enterprises, ratios exactly on a line, an agency reporting for
the first time, a resource type reported in two units) and on the `tiny` demo
read from its files by tests.rule_oracle.read_frames.

The oracle below reads the contract's columns (upper case, money in fen) and
shares no code with the product: "latest PERIOD ≤ D" is PERIOD ≤ the month
of D, a region includes every region below it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import insert

from data import schema as s
from data.db import bump_data_version
from data.demo import write_demo_files
from data.query import QueryError, Scope, soe_totals
from data.query.assets import (AssetRow, SoeSum, admin_by_agency, admin_by_class, admin_by_region,
                               agency_assets, enterprise_history, enterprises,
                               natural_resources, soe_by_industry, soe_trend)
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import read_frames

D = date(2025, 9, 15)  # mid-month: the reports for September count
C, T1, T2, X = "330402", "33040201", "33040202", "330411"
A1, A2, A3, A4, A5 = "101001", "201001", "901001", "202001", "301001"


def Y(yuan: int) -> int:
    return yuan * 100


# -- the oracle ---------------------------------------------------------------------------------

def months_back(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) - n
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


class Oracle:
    """SPEC §1.7 figures from the contract's frames, with pandas."""

    def __init__(self, f: dict[str, pd.DataFrame], d: date):
        self.f, self.as_of, self.month = f, d, f"{d:%Y-%m}"
        div = f["mof_div"]
        self.parent = {c: (p or None) for c, p in zip(div.MOF_DIV_CODE, div.PARENT_CODE)}
        self.agency_div = dict(zip(f["agency"].AGENCY_CODE, f["agency"].MOF_DIV_CODE))

    def path(self, code: str) -> list[str]:
        """code and the regions above it in the store, bottom up."""
        out = []
        while code in self.parent and code not in out:
            out.append(code)
            code = self.parent[code]
        return out

    def under(self, region: str | None) -> set[str]:
        return {c for c in self.parent if region is None or region in self.path(c)}

    def group_of(self, region: str | None, code: str) -> str | None:
        """The region's own code, or the region one level below it (a top
        region without one) that code lies in; None outside."""
        up = self.path(code)
        if region is None:
            return up[-1]
        if region not in up:
            return None
        i = up.index(region)
        return up[i - 1] if i else region

    # enterprises
    def latest_soe(self, region, month=None) -> pd.DataFrame:
        s = self.f["soe_financial"]
        s = s[s.PERIOD <= (month or self.month)].sort_values("PERIOD")
        s = s.groupby("ENTERPRISE_CODE").tail(1)
        return s[s.MOF_DIV_CODE.isin(self.under(region))]

    def enterprises(self, region):
        s = self.latest_soe(region).sort_values("ENTERPRISE_CODE")
        return list(zip(s.ENTERPRISE_CODE, s.PERIOD, s.INDUSTRY_TYPE, s.TOTAL_ASSETS,
                        s.TOTAL_LIABILITIES, s.OWNER_EQUITY, s.PROFIT))

    @staticmethod
    def sums(s: pd.DataFrame) -> tuple:
        loss = s[s.PROFIT < 0]
        return (len(s), int(s.TOTAL_ASSETS.sum()), int(s.TOTAL_LIABILITIES.sum()),
                int(s.OWNER_EQUITY.sum()), int(s.PROFIT.sum()), len(loss), int(loss.PROFIT.sum()))

    def by_industry(self, region):
        s = self.latest_soe(region)
        return {k: self.sums(g) for k, g in s.groupby("INDUSTRY_TYPE")}

    def trend(self, region):
        s = self.f["soe_financial"]
        s = s[s.MOF_DIV_CODE.isin(self.under(region)) & (s.PERIOD <= self.month)
              & (s.PERIOD > months_back(self.month, 24))]
        out = {}
        for m in sorted(set(s.PERIOD)):
            firms = self.latest_soe(region, m)
            firms = firms[firms.INDUSTRY_TYPE != "3"]
            if len(firms):
                out[m] = self.sums(firms)
        return out

    def history(self, code, region):
        s = self.f["soe_financial"]
        s = s[(s.ENTERPRISE_CODE == code) & (s.PERIOD <= self.month)
              & s.MOF_DIV_CODE.isin(self.under(region))].sort_values("PERIOD")
        return list(zip(s.PERIOD, s.TOTAL_ASSETS, s.TOTAL_LIABILITIES, s.PROFIT))

    # administrative assets
    def admin(self, region):
        """(current reports, previous reports) of the agencies of the region."""
        a = self.f["admin_asset"]
        a = a[(a.PERIOD <= self.month)
              & a.AGENCY_CODE.map(self.agency_div).isin(self.under(region))].copy()
        periods = {ag: sorted(set(g.PERIOD)) for ag, g in a.groupby("AGENCY_CODE")}
        latest = {ag: ps[-1] for ag, ps in periods.items()}
        prev = {ag: ps[-2] for ag, ps in periods.items() if len(ps) > 1}
        key = list(zip(a.AGENCY_CODE, a.PERIOD))
        cur = a[[latest.get(ag) == p for ag, p in key]]
        before = a[[prev.get(ag) == p for ag, p in key]]
        return cur, before, latest, prev

    @staticmethod
    def values(g: pd.DataFrame) -> dict:
        return {"quantity": sum((Decimal(q) for q in g.QUANTITY), Decimal(0)),
                "original": int(g.ORIGINAL_VALUE.sum()), "net": int(g.NET_VALUE.sum()),
                "idle": int(g.IDLE_VALUE.sum()), "rented": int(g.RENTED_VALUE.sum())}

    def admin_rows(self, region, key):
        """{key: figures} of the current reports with the previous ones' net,
        idle and rented (an agency without a previous report counts 0)."""
        cur, before, latest, prev = self.admin(region)
        out = {}
        for k in set(cur[key]) | set(before[key]):
            g, p = cur[cur[key] == k], before[before[key] == k]
            out[k] = {**self.values(g), "agencies": g.AGENCY_CODE.nunique(),
                      "prev_net": int(p.NET_VALUE.sum()), "prev_idle": int(p.IDLE_VALUE.sum()),
                      "prev_rented": int(p.RENTED_VALUE.sum())}
            if key == "AGENCY_CODE":
                out[k].update(period=latest[k], prev_period=prev.get(k))
        return out

    def admin_regions(self, region):
        cur, before, _latest, _prev = self.admin(region)
        cur = cur.assign(G=[self.group_of(region, self.agency_div[a]) for a in cur.AGENCY_CODE])
        before = before.assign(G=[self.group_of(region, self.agency_div[a])
                                  for a in before.AGENCY_CODE])
        return {k: {"net": int(g.NET_VALUE.sum()), "idle": int(g.IDLE_VALUE.sum()),
                    "agencies": g.AGENCY_CODE.nunique(),
                    "prev_net": int(before[before.G == k].NET_VALUE.sum())}
                for k, g in cur.groupby("G")}

    def agency_history(self, agency):
        """{(period, class): (net, idle, previous net, previous period)}; a
        class of the previous report missing from a period counts 0 there."""
        a = self.f["admin_asset"]
        a = a[(a.AGENCY_CODE == agency) & (a.PERIOD <= self.month)]
        periods = sorted(set(a.PERIOD))
        out = {}
        for i, p in enumerate(periods):
            now = a[a.PERIOD == p]
            before = a[a.PERIOD == periods[i - 1]] if i else a.iloc[0:0]
            for cls in set(now.ASSET_CLASS) | set(before.ASSET_CLASS):
                mine = now[now.ASSET_CLASS == cls]
                out[(p, cls)] = (int(mine.NET_VALUE.sum()), int(mine.IDLE_VALUE.sum()),
                                 int(before[before.ASSET_CLASS == cls].NET_VALUE.sum()),
                                 periods[i - 1] if i else None)
        return out

    # natural resources
    def natural(self, region, by):
        n = self.f["natural_resource"]
        n = n[(n.PERIOD <= self.month) & n.MOF_DIV_CODE.isin(self.under(region))]
        n = n.sort_values("PERIOD").groupby(["MOF_DIV_CODE", "RESOURCE_TYPE"]).tail(1).copy()
        out: dict[tuple, tuple] = {}
        for r in n.itertuples():
            own = by == "mof_div" and region is not None and r.MOF_DIV_CODE == region
            key = (region if by == "type" else self.group_of(region, r.MOF_DIV_CODE), own,
                   r.RESOURCE_TYPE, r.UNIT)
            q, period, k = out.get(key, (Decimal(0), r.PERIOD, 0))
            out[key] = (q + Decimal(r.QUANTITY), max(period, r.PERIOD), k + 1)
        return out


# -- comparing the query layer with the oracle -----------------------------------------------------

def assert_soe(engine, o: Oracle, region):
    scope = Scope(as_of=o.as_of, mof_div=region)
    got = [(e.code, e.period, e.industry_type, e.assets, e.liabilities, e.equity, e.profit)
           for e in enterprises(engine, scope)]
    assert got == o.enterprises(region), region
    rows = soe_by_industry(engine, scope)
    assert {r.key: (r.enterprises, r.assets, r.liabilities, r.equity, r.profit, r.loss_making,
                    r.losses) for r in rows} == o.by_industry(region), region
    for r in rows:
        assert r.alr == (pytest.approx(r.liabilities / r.assets) if r.assets else None)
    trend = soe_trend(engine, scope)
    assert {m.key: (m.enterprises, m.assets, m.liabilities, m.equity, m.profit, m.loss_making,
                    m.losses) for m in trend} == o.trend(region), region
    assert [m.key for m in trend] == sorted(m.key for m in trend)
    judged = SoeSum.total([r for r in rows if r.key != "3"])
    if trend:  # the last point of the trend is the headline at D
        assert (trend[-1].assets, trend[-1].liabilities) == (judged.assets, judged.liabilities)
    totals = soe_totals(engine, scope)  # the overview's headline agrees
    assert (totals.enterprises, totals.assets, totals.liabilities, totals.profit) == \
        (judged.enterprises, judged.assets, judged.liabilities, judged.profit)


def assert_admin(engine, o: Oracle, region):
    scope = Scope(as_of=o.as_of, mof_div=region)
    fields = ("quantity", "original", "net", "idle", "rented", "agencies", "prev_net", "prev_idle",
              "prev_rented")
    classes = admin_by_class(engine, scope)
    assert {r.code: {k: getattr(r, k) for k in fields} for r in classes} == \
        o.admin_rows(region, "ASSET_CLASS"), region
    agencies = admin_by_agency(engine, scope)
    assert {r.code: {k: getattr(r, k) for k in (*fields, "period", "prev_period")}
            for r in agencies} == o.admin_rows(region, "AGENCY_CODE"), region
    for r in [*classes, *agencies]:  # the shares and the change are of these sums
        assert r.idle_share == (pytest.approx(r.idle / r.net) if r.net > 0 else None)
        assert r.rented_share == (pytest.approx(r.rented / r.net) if r.net > 0 else None)
        assert r.net_change == r.net - r.prev_net
    assert {r.code: {"net": r.net, "idle": r.idle, "agencies": r.agencies, "prev_net": r.prev_net}
            for r in admin_by_region(engine, scope)} == o.admin_regions(region), region
    by_class, by_agency = AssetRow.total(classes), AssetRow.total(agencies)  # one total
    assert (by_class.net, by_class.prev_net, by_class.idle) == \
        (by_agency.net, by_agency.prev_net, by_agency.idle)


def assert_natural(engine, o: Oracle, region):
    scope = Scope(as_of=o.as_of, mof_div=region)
    for by in ("type", "mof_div"):
        got = {(r.mof_div, r.own, r.resource_type, r.unit): (r.quantity, r.period, r.regions)
               for r in natural_resources(engine, scope, by)}
        assert got == o.natural(region, by), (region, by)


# -- the hand-made store --------------------------------------------------------------------

def _soe(code, region, industry, period, assets, liabilities, profit):
    return {"ENTERPRISE_CODE": code, "ENTERPRISE_NAME": f"企业{code}", "MOF_DIV_CODE": region,
            "SUPERVISOR": "国资中心", "INDUSTRY_TYPE": industry, "PERIOD": period,
            "TOTAL_ASSETS": Y(assets), "TOTAL_LIABILITIES": Y(liabilities),
            "OWNER_EQUITY": Y(assets - liabilities), "STATE_EQUITY": None,
            "REVENUE": Y(1000), "PROFIT": Y(profit)}


def _asset(agency, period, cls, qty, original, net, idle=None, rented=None):
    return {"AGENCY_CODE": agency, "PERIOD": period, "ASSET_CLASS": cls, "QUANTITY": qty,
            "ORIGINAL_VALUE": Y(original), "NET_VALUE": Y(net),
            "IDLE_VALUE": None if idle is None else Y(idle),
            "RENTED_VALUE": None if rented is None else Y(rented)}


def _resource(region, period, kind, qty, unit):
    return {"MOF_DIV_CODE": region, "PERIOD": period, "RESOURCE_TYPE": kind, "QUANTITY": qty,
            "UNIT": unit}


HAND = {
    "mof_div": [
        {"MOF_DIV_CODE": C, "MOF_DIV_NAME": "南湖区", "PARENT_CODE": "330400", "LEVEL": 3},
        {"MOF_DIV_CODE": T1, "MOF_DIV_NAME": "东栅街道", "PARENT_CODE": C, "LEVEL": 4},
        {"MOF_DIV_CODE": T2, "MOF_DIV_NAME": "凤桥镇", "PARENT_CODE": C, "LEVEL": 4},
        {"MOF_DIV_CODE": X, "MOF_DIV_NAME": "秀洲区", "PARENT_CODE": "330400", "LEVEL": 3},
    ],
    "agency": [
        {"AGENCY_CODE": A1, "AGENCY_NAME": "区教育局", "MOF_DIV_CODE": C, "DEPT_CODE": A1},
        {"AGENCY_CODE": A2, "AGENCY_NAME": "东栅街道办事处", "MOF_DIV_CODE": T1, "DEPT_CODE": A2},
        {"AGENCY_CODE": A3, "AGENCY_NAME": "秀洲区财政局", "MOF_DIV_CODE": X, "DEPT_CODE": A3},
        {"AGENCY_CODE": A4, "AGENCY_NAME": "东栅社区服务中心", "MOF_DIV_CODE": T1, "DEPT_CODE": A2},
        {"AGENCY_CODE": A5, "AGENCY_NAME": "凤桥镇政府", "MOF_DIV_CODE": T2, "DEPT_CODE": A5},
    ],
    "soe_financial": [
        _soe("E1", C, "1", "2025-08", 1000, 600, 10),
        _soe("E1", C, "1", "2025-09", 1000, 680, -5),  # D's own month, D mid-month: counts
        _soe("E1", C, "1", "2025-10", 1, 1, 0),  # after month(D)
        _soe("E2", T1, "2", "2025-06", 2000, 1300, 30),
        _soe("E2", T1, "2", "2025-07", 2000, 1500, -20),  # latest earlier than the others; 75%
        _soe("E3", C, "3", "2025-09", 10000, 9500, 100),  # financial
        _soe("E4", X, "1", "2025-09", 500, 100, 1),
        _soe("E5", T2, "3", "2025-09", 800, 700, -3),  # T2 has only this financial enterprise
        _soe("E6", T1, "1", "2025-09", 1000, 650, 0),  # exactly 65%, profit exactly 0
        _soe("E7", C, "2", "2025-09", 0, 10, -1),  # no assets: no ratio
        _soe("E8", T1, "2", "2023-05", 300, 100, 5),  # before the trend's 24 months
        _soe("E8", T1, "2", "2024-12", 300, 120, 6),  # stopped reporting: still counted
    ],
    "admin_asset": [
        _asset(A1, "2025-08", "HOUSE", "10.00", 1000, 800, 100, 50),
        _asset(A1, "2025-08", "VEHICLE", "2.00", 300, 200),
        _asset(A1, "2025-08", "EQUIPMENT", "4.00", 120, 60),  # disposed of by September
        _asset(A1, "2025-09", "HOUSE", "10.00", 1000, 790, 90, 40),
        _asset(A1, "2025-09", "VEHICLE", "2.00", 300, 190, 0, 0),
        _asset(A1, "2025-09", "LAND", "5.50", 500, 500, 0, 0),  # a class new this month
        _asset(A1, "2025-10", "HOUSE", "10.00", 1000, 1, 1, 1),  # after month(D)
        _asset(A2, "2025-04", "HOUSE", "3.00", 300, 250, 25, 0),
        _asset(A2, "2025-06", "HOUSE", "3.00", 300, 240, 24, 0),  # latest earlier; previous April
        _asset(A2, "2025-06", "EQUIPMENT", "1.25", 80, 0),  # idle share 24/240 = 10%: on the line
        _asset(A3, "2025-09", "HOUSE", "1.00", 100, 90, 50, 0),
        _asset(A4, "2025-09", "OTHER", "1.00", 100, 100, 20, 10),  # first report: nothing before
        _asset(A5, "2025-09", "HOUSE", "1.00", 100, 0, 0, 0),  # no net value: no share
    ],
    "natural_resource": [
        _resource(C, "2024-12", "土地", "100.0000", "公顷"),
        _resource(C, "2025-12", "土地", "999.0000", "公顷"),  # after month(D)
        _resource(C, "2024-12", "水", "50.5000", "万立方米"),
        _resource(T1, "2025-06", "土地", "20.2500", "公顷"),
        _resource(T2, "2025-09", "土地", "300.0000", "亩"),  # another unit: its own row
        _resource(X, "2025-01", "森林", "5.0000", "公顷"),
    ],
}


def hand_frames() -> dict[str, pd.DataFrame]:
    """The hand-made records as the oracle reads files (blank optional money = 0)."""
    f = {k: pd.DataFrame(v) for k, v in HAND.items()}
    for col in ("IDLE_VALUE", "RENTED_VALUE"):
        f["admin_asset"][col] = f["admin_asset"][col].fillna(0).astype(int)
    f["mof_div"]["PARENT_CODE"] = f["mof_div"]["PARENT_CODE"].fillna("")
    return f


def load(engine) -> None:
    tables = {"mof_div": s.mof_div, "agency": s.agency, "soe_financial": s.soe_financial,
              "admin_asset": s.admin_asset, "natural_resource": s.natural_resource}
    with engine.begin() as conn:
        for name, table in tables.items():
            rows = [{k.lower(): v for k, v in r.items()} for r in HAND[name]]
            if name == "admin_asset" or name == "natural_resource":
                for r in rows:
                    r["quantity"] = Decimal(r["quantity"])
            conn.execute(insert(table), rows)
        bump_data_version(conn)


@pytest.fixture
def store(engine):
    load(engine)
    return engine


@pytest.fixture(scope="module")
def hand():
    return Oracle(hand_frames(), D)


REGIONS = [None, C, T1, T2, X]


# -- enterprises ----------------------------------------------------------------------------

def test_each_enterprise_latest_report_up_to_the_month_of_d(store, hand):
    found = {e.code: e for e in enterprises(store, Scope(as_of=D, mof_div=C))}
    assert {c: e.period for c, e in found.items()} == {
        "E1": "2025-09", "E2": "2025-07", "E3": "2025-09", "E5": "2025-09", "E6": "2025-09",
        "E7": "2025-09", "E8": "2024-12"}
    assert found["E6"].alr == 0.65 and found["E2"].alr == 0.75 and found["E7"].alr is None
    assert found["E3"].financial and not found["E1"].financial
    # at the end of August, E1's September report does not count yet
    august = {e.code: e.period for e in enterprises(store, Scope(as_of=date(2025, 8, 31)))}
    assert august["E1"] == "2025-08" and "E6" not in august
    for region in REGIONS:
        assert_soe(store, hand, region)


def test_alr_by_industry_type_keeps_financial_enterprises_apart(store):
    rows = {r.key: r for r in soe_by_industry(store, Scope(as_of=D, mof_div=C))}
    industrial, other, financial = rows["1"], rows["2"], rows["3"]
    assert (industrial.enterprises, industrial.assets, industrial.liabilities) == (2, Y(2000), Y(1330))
    assert industrial.alr == pytest.approx(1330 / 2000)
    # E2 (75%, a loss), E7 (no assets, a loss), E8 (2024-12)
    assert (other.enterprises, other.assets, other.liabilities) == (3, Y(2300), Y(1630))
    assert (other.loss_making, other.losses) == (2, Y(-21))
    assert (financial.enterprises, financial.assets) == (2, Y(10_800))
    assert (industrial.loss_making, industrial.losses) == (1, Y(-5))  # E6's profit 0 is no loss
    total = SoeSum.total([industrial, other])
    assert total.alr == pytest.approx(2960 / 4300)


def test_a_region_with_only_financial_enterprises(store):
    scope = Scope(as_of=D, mof_div=T2)
    assert [r.key for r in soe_by_industry(store, scope)] == ["3"]
    assert soe_trend(store, scope) == []
    assert [e.code for e in enterprises(store, scope)] == ["E5"]
    totals = soe_totals(store, scope)
    assert (totals.enterprises, totals.alr, totals.financial) == (0, None, 1)


def test_trend_carries_each_enterprise_latest_report(store, hand):
    trend = {m.key: m for m in soe_trend(store, Scope(as_of=D, mof_div=T1))}
    # months with a report in T1 within the 24 ending 2025-09 (E8's 2023-05 is older)
    assert list(trend) == ["2024-12", "2025-06", "2025-07", "2025-09"]
    assert trend["2024-12"].assets == Y(300)  # E8 alone
    assert trend["2025-06"].assets == Y(2300)  # E2's June, E8's December
    assert trend["2025-09"].assets == Y(3300) and trend["2025-09"].liabilities == Y(2270)


def test_enterprise_history(store, hand):
    assert [e.period for e in enterprise_history(store, Scope(as_of=D), "E1")] == \
        ["2025-08", "2025-09"]
    assert enterprise_history(store, Scope(as_of=D, mof_div=T1), "E1") == []
    for code in ("E1", "E2", "E5", "E8"):
        for region in REGIONS:
            got = [(e.period, e.assets, e.liabilities, e.profit)
                   for e in enterprise_history(store, Scope(as_of=D, mof_div=region), code)]
            assert got == hand.history(code, region)
    with pytest.raises(QueryError):
        enterprise_history(store, Scope(as_of=D), "")


# -- administrative assets ------------------------------------------------------------------

def test_admin_assets_by_class(store, hand):
    rows = {r.code: r for r in admin_by_class(store, Scope(as_of=D, mof_div=C))}
    assert list(rows) == ["LAND", "HOUSE", "VEHICLE", "EQUIPMENT", "OTHER"]
    house = rows["HOUSE"]  # A1 (Sep), A2 (Jun), A5 (Sep)
    assert (house.agencies, house.net, house.idle, house.rented) == (3, Y(1030), Y(114), Y(40))
    assert house.quantity == Decimal("14.00")
    assert house.idle_share == pytest.approx(114 / 1030)
    assert house.rented_share == pytest.approx(40 / 1030)
    # previous reports: A1 August 800, A2 April 250; A5 reports for the first time
    assert house.prev_net == Y(1050) and house.net_change == Y(-20)
    assert house.net_change_rate == pytest.approx(-20 / 1050)
    assert rows["LAND"].prev_net == 0 and rows["LAND"].net_change_rate is None
    assert rows["OTHER"].idle_share == pytest.approx(0.2)
    # A2's equipment now (net 0) against A1's, disposed of since August
    assert (rows["EQUIPMENT"].agencies, rows["EQUIPMENT"].net, rows["EQUIPMENT"].prev_net) == \
        (1, 0, Y(60))
    for region in REGIONS:
        assert_admin(store, hand, region)


def test_admin_assets_by_agency(store):
    rows = {r.code: r for r in admin_by_agency(store, Scope(as_of=D, mof_div=C))}
    assert set(rows) == {A1, A2, A4, A5}  # A3 is in X
    assert (rows[A1].period, rows[A1].prev_period) == ("2025-09", "2025-08")
    assert (rows[A1].net, rows[A1].prev_net) == (Y(1480), Y(1060))
    assert (rows[A2].period, rows[A2].prev_period) == ("2025-06", "2025-04")
    assert rows[A2].idle_share == pytest.approx(0.1)  # on the line, not above it
    assert (rows[A4].prev_period, rows[A4].prev_net, rows[A4].net_change) == (None, 0, Y(100))
    assert rows[A5].idle_share is None
    assert rows[A2].mof_div == T1
    total = AssetRow.total(list(rows.values()))
    assert (total.agencies, total.net) == (4, Y(1480 + 240 + 100 + 0))


def test_admin_assets_by_region(store):
    rows = admin_by_region(store, Scope(as_of=D, mof_div=C))
    assert [(r.code, r.agencies, r.net) for r in rows] == [
        (C, 1, Y(1480)), (T1, 2, Y(340)), (T2, 1, 0)]
    assert [r.code for r in admin_by_region(store, Scope(as_of=D))] == [C, X]


def test_one_agency_classes_and_periods(store, hand):
    rows = agency_assets(store, Scope(as_of=D), A1)
    assert [(r.period, r.code) for r in rows] == [
        ("2025-08", "HOUSE"), ("2025-08", "VEHICLE"), ("2025-08", "EQUIPMENT"),
        ("2025-09", "LAND"), ("2025-09", "HOUSE"), ("2025-09", "VEHICLE"),
        ("2025-09", "EQUIPMENT")]
    land, gone = rows[3], rows[6]
    assert (land.prev_period, land.prev_net, land.net_change) == ("2025-08", 0, Y(500))
    assert (gone.net, gone.prev_net, gone.net_change) == (0, Y(60), Y(-60))
    # the classes of a period add up to the agency's figures
    september = AssetRow.total(rows[3:])
    agency = next(r for r in admin_by_agency(store, Scope(as_of=D)) if r.code == A1)
    assert (september.net, september.prev_net) == (agency.net, agency.prev_net)
    for agency in (A1, A2, A3, A4, A5):
        got = {(r.period, r.code): (r.net, r.idle, r.prev_net, r.prev_period)
               for r in agency_assets(store, Scope(as_of=D), agency)}
        assert got == hand.agency_history(agency)
    assert agency_assets(store, Scope(as_of=D, mof_div=X), A1) == []
    with pytest.raises(QueryError):
        agency_assets(store, Scope(as_of=D), "nope")


# -- natural resources ----------------------------------------------------------------------

def test_natural_resources(store, hand):
    by_type = natural_resources(store, Scope(as_of=D, mof_div=C))
    assert [(r.resource_type, r.unit, r.quantity, r.period, r.regions) for r in by_type] == [
        ("土地", "亩", Decimal("300"), "2025-09", 1), ("土地", "公顷", Decimal("120.25"), "2025-06", 2),
        ("水", "万立方米", Decimal("50.5"), "2024-12", 1)]
    by_region = natural_resources(store, Scope(as_of=D, mof_div=C), "mof_div")
    assert [(r.mof_div, r.own, r.resource_type, r.unit) for r in by_region] == [
        (C, True, "土地", "公顷"), (C, True, "水", "万立方米"), (T1, False, "土地", "公顷"),
        (T2, False, "土地", "亩")]
    for region in REGIONS:
        assert_natural(store, hand, region)
    with pytest.raises(QueryError):
        natural_resources(store, Scope(as_of=D), "agency")


# -- the demo -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("assets-demo")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    return Oracle(read_frames(out), DEMO_AS_OF)


DEMO_REGIONS = [None, "99", "9901", "990121", "990121001", "990121003"]


@pytest.mark.parametrize("region", DEMO_REGIONS)
def test_demo_figures_equal_the_oracle(demo_engine, demo, region):
    assert_soe(demo_engine, demo, region)
    assert_admin(demo_engine, demo, region)
    assert_natural(demo_engine, demo, region)


def test_demo_drills_equal_the_oracle(demo_engine, demo):
    scope = Scope(as_of=DEMO_AS_OF)
    for code in sorted(set(demo.f["soe_financial"].ENTERPRISE_CODE)):
        got = [(e.period, e.assets, e.liabilities, e.profit)
               for e in enterprise_history(demo_engine, scope, code)]
        assert got == demo.history(code, None), code
    for agency in sorted(set(demo.f["admin_asset"].AGENCY_CODE)):
        got = {(r.period, r.code): (r.net, r.idle, r.prev_net, r.prev_period)
               for r in agency_assets(demo_engine, scope, agency)}
        assert got == demo.agency_history(agency), agency


def test_demo_as_of_an_earlier_month(demo_engine, demo):
    """As of 15 March the reports of April on are not counted."""
    earlier = Oracle(demo.f, date(2026, 3, 15))
    assert_soe(demo_engine, earlier, "990121")
    assert_admin(demo_engine, earlier, "990121")

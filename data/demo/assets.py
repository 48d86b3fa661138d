"""State-owned assets of a county: enterprises (monthly, cumulative), the
agencies' administrative assets (monthly snapshots) and natural resources."""
from __future__ import annotations

from data.demo import catalog as cat
from data.demo import planted as pl
from data.demo.plan import CountyPlan
from data.demo.util import period, rng

SOE_HEADER = ["ENTERPRISE_CODE", "ENTERPRISE_NAME", "MOF_DIV_CODE", "SUPERVISOR", "INDUSTRY_TYPE",
              "PERIOD", "TOTAL_ASSETS", "TOTAL_LIABILITIES", "OWNER_EQUITY", "STATE_EQUITY",
              "REVENUE", "PROFIT"]
ASSET_HEADER = ["AGENCY_CODE", "PERIOD", "ASSET_CLASS", "QUANTITY", "ORIGINAL_VALUE", "NET_VALUE",
                "IDLE_VALUE", "RENTED_VALUE"]
RESOURCE_HEADER = ["MOF_DIV_CODE", "PERIOD", "RESOURCE_TYPE", "QUANTITY", "UNIT"]

_TURNOVER = {"1": 0.6, "2": 0.15, "3": 0.08}


def months(cp: CountyPlan) -> list[tuple[int, int]]:
    """Reported months: all of last year and this year up to the month before the as-of month."""
    y = cp.as_of.year
    return [(y - 1, m) for m in range(1, 13)] + [(y, m) for m in range(1, cp.as_of.month)]


def soe_rows(cp: CountyPlan, seed: int):
    r = rng(seed, cp.code, "soe")
    supervisor = f"{cp.name}国有资产事务中心"
    span = months(cp)
    for suffix, name_t, industry, assets_yi, alr in cat.ENTERPRISES:
        code = f"QY{cp.code}{suffix}"
        name = name_t.replace("{c}", cp.name)
        factor = 1.0 if cp.planted else r.uniform(0.5, 1.5)
        assets0 = assets_yi * 1e10 * factor
        target = pl.ALR.get(code, alr) if cp.planted else alr * r.uniform(0.95, 1.05)
        start_alr = target - (0.03 if cp.planted and code in pl.ALR else 0.0)
        margin = {"1": r.uniform(0.03, 0.08), "2": r.uniform(0.02, 0.06),
                  "3": r.uniform(0.2, 0.4)}[industry]
        state_share = 1.0 if r.random() < 0.7 else round(r.uniform(0.6, 0.9), 2)
        annual_revenue = assets0 * _TURNOVER[industry]
        for i, (y, m) in enumerate(span):
            growth = 1 + 0.004 * i + r.uniform(-0.002, 0.002)
            assets = int(assets0 * growth) // 100 * 100
            a = start_alr + (target - start_alr) * i / (len(span) - 1)
            if i < len(span) - 1:
                a += r.uniform(-0.005, 0.005)
            liabilities = int(assets * a)
            equity = assets - liabilities
            revenue = int(annual_revenue * m / 12 * r.uniform(0.95, 1.05)) // 100 * 100
            mg = margin
            if cp.planted and code == pl.SOE["loss"] and y == cp.as_of.year:
                mg = -0.12
            profit = int(revenue * mg) // 100 * 100
            yield (code, name, cp.code, supervisor if industry != "3" else f"{cp.name}财政局",
                   industry, period(y, m), assets, liabilities, equity, int(equity * state_share),
                   revenue, profit)


def asset_rows(cp: CountyPlan, seed: int):
    r = rng(seed, cp.code, "assets")
    span = months(cp)
    infra_units = ("128", "132", "133")
    for a in cp.agencies:
        classes = [("HOUSE", a.staff * 30.0, a.staff * 250_000 * r.uniform(0.6, 1.4)),
                   ("EQUIPMENT", a.staff * 3.0, a.staff * 30_000 * r.uniform(0.6, 1.4)),
                   ("OTHER", a.staff * 5.0, a.staff * 5_000 * r.uniform(0.6, 1.4))]
        if a.cars:
            cars = max(1, a.staff // 12)
            classes.append(("VEHICLE", float(cars), cars * 180_000 * r.uniform(0.8, 1.2)))
        if a.staff >= 40:
            land = a.staff * 60.0
            classes.append(("LAND", land, land * 300 * r.uniform(0.8, 1.2)))
        township_government = a.div != cp.code and a.dept == a.code
        if a.code[len(cp.code):len(cp.code) + 3] in infra_units or township_government:
            classes.append(("INFRA", round(r.uniform(10, 80), 2), r.uniform(2e7, 1e8)))
        net_share = {c: r.uniform(0.4, 0.8) for c, _q, _v in classes}
        idle_share = r.uniform(0.005, 0.03) if r.random() < 0.4 else 0.0
        rent_share = r.uniform(0.01, 0.05) if r.random() < 0.2 else 0.0
        planted_idle = cp.planted and a.code == pl.AG["t3_school"]
        for i, (y, m) in enumerate(span):
            snapshot = []
            for cls, qty, original in classes:
                orig = int(original * (1 + 0.002 * i)) * 100
                net = int(orig * net_share[cls] * (1 - 0.0025 * i)) // 100 * 100
                snapshot.append([cls, qty, orig, net, 0, 0])
            total_net = sum(s[3] for s in snapshot)
            house = snapshot[0]
            if planted_idle:
                house[4] = min(house[3], int(total_net * pl.IDLE_SHARE) // 100 * 100)
            elif idle_share:
                house[4] = int(house[3] * idle_share) // 100 * 100
            if rent_share:
                house[5] = int(house[3] * rent_share) // 100 * 100
            for cls, qty, orig, net, idle, rented in snapshot:
                yield (a.code, period(y, m), cls, qty, orig, net, idle, rented)


_RESOURCES = (("土地", "公顷", 150_000, 300_000), ("矿产", "万吨", 500, 5_000),
              ("森林", "公顷", 50_000, 120_000), ("草原", "公顷", 5_000, 15_000),
              ("湿地", "公顷", 2_000, 8_000), ("水", "万立方米", 30_000, 80_000))


def resource_rows(cp: CountyPlan, seed: int):
    r = rng(seed, cp.code, "resources")
    base = {t: r.uniform(lo, hi) for t, _u, lo, hi in _RESOURCES}
    for k, y in enumerate((cp.as_of.year - 2, cp.as_of.year - 1)):
        for t, unit, _lo, _hi in _RESOURCES:
            change = 1 + (r.uniform(-0.01, 0.01) if k else 0)
            yield (cp.code, period(y, 12), t, f"{base[t] * change:.2f}", unit)

"""State-owned assets, the four categories of SPEC §1.7: enterprises (each
one's latest report with PERIOD ≤ month(D); financial enterprises apart,
never in the non-financial ratio), administrative and institutional assets
(each agency's latest PERIOD ≤ month(D), against its previous report) and
natural resources (each region's latest PERIOD ≤ month(D) per type). A
region includes every region below it. Money is integer fen; quantities
are Decimal. Levels are the rule engine's (SOE_ALR, SOE_LOSS, IDLE_ASSETS)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Engine, and_, case, distinct, func, literal_column, null, select, union_all

from data import schema as s
from data.hierarchy import hierarchies
from data.i18n import N_, _
from data.measures import ratio
from data.query.base import in_regions, region_codes, year_month
from data.query.scope import QueryError, Scope
from data.rules import band, load_settings
from data.rules.grading import yuan_of_fen

FINANCIAL = "3"  # INDUSTRY_TYPE of financial enterprises
INDUSTRY_TYPES = {"1": N_("工业企业"), "2": N_("非工业企业"), "3": N_("金融企业")}
ASSET_CLASSES = {"LAND": N_("土地"), "HOUSE": N_("房屋"), "VEHICLE": N_("车辆"),
                 "EQUIPMENT": N_("设备"), "INFRA": N_("基础设施"), "OTHER": N_("其他")}
# The store's RESOURCE_TYPE values, in the order they are listed (and msgids to show them).
RESOURCE_TYPES = (N_("土地"), N_("矿产"), N_("森林"), N_("草原"), N_("湿地"), N_("水"), N_("海洋"))
TREND_MONTHS = 24  # the monthly trend of the totals reaches this far back from month(D)


# -- enterprises -------------------------------------------------------------------------

@dataclass(frozen=True)
class Enterprise:
    """One report of an enterprise (money in fen)."""

    code: str
    name: str
    mof_div: str
    supervisor: str | None
    industry_type: str
    period: str
    assets: int
    liabilities: int
    equity: int
    state_equity: int | None
    revenue: int
    profit: int

    @property
    def financial(self) -> bool:
        return self.industry_type == FINANCIAL

    @property
    def alr(self) -> float | None:
        """Liabilities / assets; None without positive assets (not evaluated)."""
        return self.liabilities / self.assets if self.assets > 0 else None


def _enterprise(r) -> Enterprise:
    return Enterprise(r.enterprise_code, r.enterprise_name, r.mof_div_code, r.supervisor,
                      r.industry_type, r.period, int(r.total_assets), int(r.total_liabilities),
                      int(r.owner_equity), None if r.state_equity is None else int(r.state_equity),
                      int(r.revenue), int(r.profit))


def _latest_reports(month: str, regions: frozenset[str] | None):
    """Each enterprise's latest report with PERIOD ≤ month, kept when that
    report's region is in `regions` (None: all)."""
    f = s.soe_financial
    latest = (select(f.c.enterprise_code, func.max(f.c.period).label("period"))
              .where(f.c.period <= month).group_by(f.c.enterprise_code).subquery())
    return (select(f).join(latest, and_(f.c.enterprise_code == latest.c.enterprise_code,
                                        f.c.period == latest.c.period))
            .where(in_regions(f.c.mof_div_code, regions)))


def enterprises(engine: Engine, scope: Scope) -> list[Enterprise]:
    """Each enterprise's latest report with PERIOD ≤ month(D) in the region
    and below (financial ones included: `Enterprise.financial`), by code."""
    stmt = _latest_reports(year_month(scope.as_of), region_codes(engine, scope))
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(s.soe_financial.c.enterprise_code)).all()
    return [_enterprise(r) for r in rows]


@dataclass(frozen=True)
class SoeTotals:
    """The headline is over non-financial enterprises; financial enterprises,
    whose balance sheets are not comparable, are only counted apart."""

    enterprises: int  # non-financial, as all the figures down to alr_red
    assets: int
    liabilities: int
    profit: int
    loss_making: int  # flagged by rule SOE_LOSS
    alr_yellow: int  # rule SOE_ALR's yellow and red enterprises
    alr_red: int
    financial: int  # financial enterprises, in none of the figures above
    financial_assets: int
    period: str | None  # the latest period among all of them

    @property
    def alr(self) -> float | None:
        return ratio(self.liabilities, self.assets)


def soe_totals(engine: Engine, scope: Scope) -> SoeTotals:
    """Each enterprise's latest report with PERIOD ≤ month(D), summed apart
    for non-financial and financial enterprises."""
    n = assets = liabilities = profit = losses = yellow = red = financial = financial_assets = 0
    settings = load_settings(engine)
    found = enterprises(engine, scope)
    for e in found:
        if e.financial:
            financial += 1
            financial_assets += e.assets
            continue
        n += 1
        assets += e.assets
        liabilities += e.liabilities
        profit += e.profit
        losses += band("SOE_LOSS", yuan_of_fen(e.profit), settings) not in ("green", None)
        lv = band("SOE_ALR", Fraction(e.liabilities, e.assets), settings,
                  industry_type=e.industry_type) if e.assets else None
        yellow += lv == "yellow"
        red += lv == "red"
    return SoeTotals(n, assets, liabilities, profit, losses, yellow, red, financial,
                     financial_assets, max((e.period for e in found), default=None))


@dataclass(frozen=True)
class SoeSum:
    """A sum of enterprises' reports: one industry type (`key`) or one month."""

    key: str
    enterprises: int
    assets: int
    liabilities: int
    equity: int
    profit: int
    loss_making: int  # enterprises whose PROFIT < 0
    losses: int  # Σ PROFIT of those enterprises (≤ 0)

    @property
    def alr(self) -> float | None:
        return ratio(self.liabilities, self.assets)

    @classmethod
    def total(cls, rows: list["SoeSum"], key: str = "") -> "SoeSum":
        """The sum of some rows (e.g. the non-financial industry types)."""
        return cls(key, *(sum(getattr(r, k) for r in rows)
                          for k in ("enterprises", "assets", "liabilities", "equity", "profit",
                                    "loss_making", "losses")))


def _sums(key, f):
    loss = f.c.profit < 0
    return (key, func.count(), func.sum(f.c.total_assets), func.sum(f.c.total_liabilities),
            func.sum(f.c.owner_equity), func.sum(f.c.profit),
            func.sum(case((loss, 1), else_=0)), func.sum(case((loss, f.c.profit), else_=0)))


def _soe_sum(row) -> SoeSum:
    return SoeSum(row[0], *(int(v or 0) for v in row[1:]))


def soe_by_industry(engine: Engine, scope: Scope) -> list[SoeSum]:
    """The latest reports summed by INDUSTRY_TYPE (1 工业, 2 非工业, 3 金融;
    the types present), in code order. Financial enterprises form their own
    row and are in no other."""
    latest = _latest_reports(year_month(scope.as_of), region_codes(engine, scope)).subquery()
    stmt = select(*_sums(latest.c.industry_type, latest)).group_by(latest.c.industry_type)
    with engine.connect() as conn:
        return sorted((_soe_sum(r) for r in conn.execute(stmt)), key=lambda r: r.key)


def _month_minus(month: str, n: int) -> str:
    k = int(month[:4]) * 12 + int(month[5:7]) - 1 - n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def soe_trend(engine: Engine, scope: Scope) -> list[SoeSum]:
    """The non-financial totals at each reported month of the 24 ending with
    month(D) (key = 'YYYY-MM'): every enterprise counted with its latest
    report up to that month, as the headline is at D, so the last point is the
    headline. Oldest first."""
    month, regions = year_month(scope.as_of), region_codes(engine, scope)
    f = s.soe_financial
    months = (select(f.c.period.label("month")).distinct()
              .where(f.c.period <= month, f.c.period > _month_minus(month, TREND_MONTHS),
                     in_regions(f.c.mof_div_code, regions)).subquery())
    latest = (select(months.c.month, f.c.enterprise_code, func.max(f.c.period).label("period"))
              .select_from(months.join(f, f.c.period <= months.c.month))
              .group_by(months.c.month, f.c.enterprise_code).subquery())
    stmt = (select(*_sums(latest.c.month, f))
            .select_from(latest.join(f, and_(f.c.enterprise_code == latest.c.enterprise_code,
                                             f.c.period == latest.c.period)))
            .where(f.c.industry_type != FINANCIAL, in_regions(f.c.mof_div_code, regions))
            .group_by(latest.c.month).order_by(latest.c.month))
    with engine.connect() as conn:
        return [_soe_sum(r) for r in conn.execute(stmt)]


def enterprise_history(engine: Engine, scope: Scope, enterprise: str) -> list[Enterprise]:
    """Every report of one enterprise with PERIOD ≤ month(D) filed in the
    region and below, oldest first ([] when there is none)."""
    if not enterprise:
        raise QueryError("enterprise", "缺少企业代码 / an enterprise code is required")
    f = s.soe_financial
    stmt = (select(f).where(f.c.enterprise_code == enterprise,
                            f.c.period <= year_month(scope.as_of),
                            in_regions(f.c.mof_div_code, region_codes(engine, scope)))
            .order_by(f.c.period))
    with engine.connect() as conn:
        return [_enterprise(r) for r in conn.execute(stmt)]


# -- administrative and institutional assets ---------------------------------------------

@dataclass(frozen=True)
class AssetRow:
    """Administrative assets (fen) of one asset class or one agency at the
    latest report, with the previous report's values (`prev_*`): for each
    agency its report before the latest; an agency reporting for the first
    time counts 0 there, so `net_change` is the change of the total."""

    code: str
    period: str | None  # an agency's latest PERIOD ≤ month(D) (of a sum: the latest)
    prev_period: str | None
    agencies: int
    quantity: Decimal
    original: int
    net: int
    idle: int
    rented: int
    prev_net: int = 0
    prev_idle: int = 0
    prev_rented: int = 0
    mof_div: str | None = None  # an agency's region

    @property
    def name(self) -> str:
        return _(ASSET_CLASSES[self.code]) if self.code in ASSET_CLASSES else self.code

    @property
    def idle_share(self) -> float | None:
        """Σ IDLE_VALUE / Σ NET_VALUE (rule IDLE_ASSETS's figure); None without net value."""
        return self.idle / self.net if self.net > 0 else None

    @property
    def rented_share(self) -> float | None:
        return self.rented / self.net if self.net > 0 else None

    @property
    def net_change(self) -> int:
        return self.net - self.prev_net

    @property
    def net_change_rate(self) -> float | None:
        return ratio(self.net_change, self.prev_net)

    @classmethod
    def total(cls, rows: list["AssetRow"], code: str = "") -> "AssetRow":
        """The sum of some rows (e.g. the classes of one agency, or all agencies)."""
        periods = [r.period for r in rows if r.period]
        prev = [r.prev_period for r in rows if r.prev_period]
        return cls(code, max(periods, default=None), max(prev, default=None),
                   sum(r.agencies for r in rows), sum((r.quantity for r in rows), Decimal(0)),
                   *(sum(getattr(r, k) for r in rows)
                     for k in ("original", "net", "idle", "rented", "prev_net", "prev_idle",
                               "prev_rented")))


def _admin_sums(engine: Engine, scope: Scope, by: str):
    """(tag, key, period, n, Σ quantity, original, net, idle, rented) rows of
    each agency's latest report ≤ month(D) (tag 'cur') and the report before
    it (tag 'prev'), grouped by `by`: 'class' or 'agency'."""
    a, ag = s.admin_asset, s.agency
    month, regions = year_month(scope.as_of), region_codes(engine, scope)
    latest = (select(a.c.agency_code, func.max(a.c.period).label("period"))
              .where(a.c.period <= month).group_by(a.c.agency_code).subquery())
    prev = (select(a.c.agency_code, func.max(a.c.period).label("period"))
            .join(latest, and_(a.c.agency_code == latest.c.agency_code,
                               a.c.period < latest.c.period))
            .group_by(a.c.agency_code).subquery())

    def part(tag: str, reports):
        key = a.c.asset_class if by == "class" else a.c.agency_code
        period = null() if by == "class" else a.c.period
        group = [key] if by == "class" else [key, a.c.period]
        return (select(literal_column(f"'{tag}'").label("tag"), key.label("key"),
                       period.label("period"), func.count(distinct(a.c.agency_code)),
                       func.sum(a.c.quantity), func.sum(a.c.original_value),
                       func.sum(a.c.net_value), func.sum(func.coalesce(a.c.idle_value, 0)),
                       func.sum(func.coalesce(a.c.rented_value, 0)))
                .select_from(a.join(reports, and_(a.c.agency_code == reports.c.agency_code,
                                                  a.c.period == reports.c.period))
                             .join(ag, ag.c.agency_code == a.c.agency_code))
                .where(in_regions(ag.c.mof_div_code, regions))
                .group_by(*group))

    with engine.connect() as conn:
        return conn.execute(union_all(part("cur", latest), part("prev", prev))).all()


def _asset_rows(sums) -> dict[str, AssetRow]:
    """Rows of the keys in the latest reports or in the previous ones (a
    class disposed of since shows a current value of 0)."""
    cur = {r.key: r for r in sums if r.tag == "cur"}
    prev = {r.key: r for r in sums if r.tag == "prev"}
    out = {}
    for key in cur.keys() | prev.keys():
        r, p = cur.get(key), prev.get(key)
        out[key] = AssetRow(key, r.period if r else None, p.period if p else None,
                            int(r[3]) if r else 0, Decimal(r[4] or 0) if r else Decimal(0),
                            *(int(v or 0) for v in (r[5:9] if r else (0, 0, 0, 0))),
                            *(int(v or 0) for v in (p[6:9] if p else (0, 0, 0))))
    return out


def admin_by_class(engine: Engine, scope: Scope) -> list[AssetRow]:
    """Each agency's latest report ≤ month(D) in the region and below, summed
    by ASSET_CLASS (LAND, HOUSE, VEHICLE, EQUIPMENT, INFRA, OTHER order; then
    any other class), with the agencies' previous reports (a class only there
    included). `agencies` counts the agencies reporting the class now."""
    rows = _asset_rows(_admin_sums(engine, scope, "class"))
    order = list(ASSET_CLASSES)
    return sorted(rows.values(), key=lambda r: (order.index(r.code) if r.code in order
                                                else len(order), r.code))


def admin_by_agency(engine: Engine, scope: Scope) -> list[AssetRow]:
    """Per agency of the region and below: its latest report ≤ month(D)
    (all classes) against its previous report, by agency code."""
    region = hierarchies(engine).agency_region
    rows = _asset_rows(_admin_sums(engine, scope, "agency"))
    return [replace(rows[k], mof_div=region.get(k)) for k in sorted(rows)]


def admin_by_region(engine: Engine, scope: Scope) -> list[AssetRow]:
    """The agencies of admin_by_agency summed by region: the scope's region's
    own agencies (code = that region), then each region one level down (the
    top regions when no region is chosen) over every region below it; the
    regions with reports, in hierarchy order."""
    tree = hierarchies(engine).region
    groups: dict[str, list[AssetRow]] = {}
    for r in admin_by_agency(engine, scope):
        key = tree.child_of(scope.mof_div, r.mof_div)
        if key is not None:
            groups.setdefault(key, []).append(r)
    order = ([scope.mof_div] if scope.mof_div else []) + (
        tree.children(scope.mof_div) if scope.mof_div else tree.roots())
    return [AssetRow.total(groups[c], c) for c in order if c in groups]


def agency_assets(engine: Engine, scope: Scope, agency: str) -> list[AssetRow]:
    """One agency's reports with PERIOD ≤ month(D), one row per period and
    class (oldest first, classes in order), each against the same class in
    the agency's report before that period (a class reported there and not
    in this period: a row of 0); [] when the agency has no report, or lies
    outside the region."""
    h = hierarchies(engine)
    if agency not in h.agency_name:
        raise QueryError("agency", f"单位代码不存在 / unknown agency: {agency!r}")
    regions = region_codes(engine, scope)
    if regions is not None and h.agency_region[agency] not in regions:
        return []
    a = s.admin_asset
    stmt = select(a).where(a.c.agency_code == agency, a.c.period <= year_month(scope.as_of))
    with engine.connect() as conn:
        reports = conn.execute(stmt).all()
    by_period: dict[str, dict[str, object]] = {}
    for r in reports:
        by_period.setdefault(r.period, {})[r.asset_class] = r
    order = list(ASSET_CLASSES)
    out, before = [], {}
    for period in sorted(by_period):
        now = by_period[period]
        prev_period = max((p for p in by_period if p < period), default=None)
        for cls in sorted(now.keys() | before.keys(),
                          key=lambda c: (order.index(c) if c in order else len(order), c)):
            r, p = now.get(cls), before.get(cls)
            out.append(AssetRow(cls, period, prev_period, 1,
                                Decimal(r.quantity) if r else Decimal(0),
                                *(_fen(r, k) for k in ("original_value", "net_value", "idle_value",
                                                       "rented_value")),
                                *(_fen(p, k) for k in ("net_value", "idle_value", "rented_value")),
                                h.agency_region[agency]))
        before = now
    return out


def _fen(report, column: str) -> int:
    """A money column of an admin_asset row (0 when absent or blank)."""
    return int(getattr(report, column) or 0) if report is not None else 0


# -- natural resources ----------------------------------------------------------------------

@dataclass(frozen=True)
class ResourceRow:
    """A quantity of one resource type in one unit: over the whole scope
    (by type) or over one region and every region below it (`own`: the
    region's own rows only)."""

    mof_div: str | None
    resource_type: str
    unit: str
    quantity: Decimal
    period: str  # the latest period among the rows summed
    regions: int  # regions whose rows are summed
    own: bool = False


def _type_order(t: str) -> tuple[int, str]:
    return (RESOURCE_TYPES.index(t) if t in RESOURCE_TYPES else len(RESOURCE_TYPES), t)


def natural_resources(engine: Engine, scope: Scope, by: str = "type") -> list[ResourceRow]:
    """Each region's latest PERIOD ≤ month(D) of each resource type, summed
    by type and unit (a type reported in two units gives two rows).
    by='type': over the scope's region and below (mof_div = the scope's).
    by='mof_div': the scope's region's own rows (own=True), then each region
    one level down (the top regions when no region is chosen), each over the
    regions below it; regions in hierarchy order, types in SPEC order."""
    if by not in ("type", "mof_div"):
        raise QueryError("by", f"取值应为 type 或 mof_div / must be type or mof_div: {by!r}")
    n, tree = s.natural_resource, hierarchies(engine).region
    regions = region_codes(engine, scope)
    latest = (select(n.c.mof_div_code, n.c.resource_type, func.max(n.c.period).label("period"))
              .where(n.c.period <= year_month(scope.as_of), in_regions(n.c.mof_div_code, regions))
              .group_by(n.c.mof_div_code, n.c.resource_type).subquery())
    stmt = select(n.c.mof_div_code, n.c.resource_type, n.c.unit, n.c.period, n.c.quantity).join(
        latest, and_(n.c.mof_div_code == latest.c.mof_div_code,
                     n.c.resource_type == latest.c.resource_type, n.c.period == latest.c.period))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if by == "type":
        groups = [(scope.mof_div, False, lambda code: True)]
    else:
        children = tree.children(scope.mof_div) if scope.mof_div else tree.roots()
        groups = ([(scope.mof_div, True, lambda code: code == scope.mof_div)]
                  if scope.mof_div else [])
        groups += [(c, False, lambda code, c=c: code in tree.descendants(c)) for c in children]
    out = []
    for region, own, within in groups:
        sums: dict[tuple[str, str], list] = {}
        for code, kind, unit, period, qty in rows:
            if within(code):
                acc = sums.setdefault((kind, unit), [Decimal(0), period, 0])
                acc[0] += Decimal(qty)
                acc[1] = max(acc[1], period)
                acc[2] += 1
        out += [ResourceRow(region, kind, unit, q, period, k, own)
                for (kind, unit), (q, period, k) in sorted(
                    sums.items(), key=lambda kv: (_type_order(kv[0][0]), kv[0][1]))]
    return out

"""State-owned assets: enterprises' latest reports summed."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Engine, and_, func, select

from data import schema as s
from data.measures import ratio
from data.query.base import in_regions, region_codes, year_month
from data.query.scope import Scope
from data.rules import band, load_settings
from data.rules.grading import yuan_of_fen

FINANCIAL = "3"  # INDUSTRY_TYPE of financial enterprises


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
    as_of, regions = scope.as_of, region_codes(engine, scope)
    f = s.soe_financial
    latest = (select(f.c.enterprise_code, func.max(f.c.period).label("period"))
              .where(f.c.period <= year_month(as_of), in_regions(f.c.mof_div_code, regions))
              .group_by(f.c.enterprise_code).subquery())
    q = (select(f.c.industry_type, f.c.period, f.c.total_assets, f.c.total_liabilities,
                f.c.profit)
         .join(latest, and_(f.c.enterprise_code == latest.c.enterprise_code,
                            f.c.period == latest.c.period)))
    n = assets = liabilities = profit = losses = yellow = red = financial = financial_assets = 0
    newest: str | None = None
    settings = load_settings(engine)
    with engine.connect() as conn:
        for industry, period, a, li, pr in conn.execute(q):
            newest = max(newest or period, period)
            if industry == FINANCIAL:
                financial += 1
                financial_assets += int(a)
                continue
            n += 1
            assets += int(a)
            liabilities += int(li)
            profit += int(pr)
            losses += band("SOE_LOSS", yuan_of_fen(int(pr)), settings) not in ("green", None)
            lv = band("SOE_ALR", Fraction(int(li), int(a)), settings, industry_type=industry) \
                if a else None
            yellow += lv == "yellow"
            red += lv == "red"
    return SoeTotals(n, assets, liabilities, profit, losses, yellow, red, financial,
                     financial_assets, newest)

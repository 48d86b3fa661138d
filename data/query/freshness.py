"""Data freshness: the latest data date of each monthly source on or before D.
Whether a source is late is rule DATA_STALE's to say, region by region."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select

from data import schema as s
from data.i18n import N_, _
from data.query.base import in_regions, period_end, region_codes, year_month
from data.query.scope import Scope

FRESHNESS_SOURCES = {
    "payment": N_("国库集中支付"),
    "revenue": N_("收入"),
    "soe_financial": N_("企业国有资产"),
    "admin_asset": N_("行政事业性资产"),
}


@dataclass(frozen=True)
class Freshness:
    dataset: str
    label: str  # in the current language
    latest: date | None  # the latest data date on or before D (a period: its last day)


def freshness(engine: Engine, scope: Scope) -> list[Freshness]:
    as_of, regions = scope.as_of, region_codes(engine, scope)
    month = year_month(as_of)
    p, r, f, a, ag = s.payment, s.revenue, s.soe_financial, s.admin_asset, s.agency
    queries = {
        "payment": select(func.max(p.c.pay_date)).where(
            p.c.pay_date <= as_of, in_regions(p.c.mof_div_code, regions)),
        "revenue": select(func.max(r.c.period)).where(
            r.c.period <= month, in_regions(r.c.mof_div_code, regions)),
        "soe_financial": select(func.max(f.c.period)).where(
            f.c.period <= month, in_regions(f.c.mof_div_code, regions)),
        "admin_asset": select(func.max(a.c.period))
        .select_from(a.join(ag, a.c.agency_code == ag.c.agency_code))
        .where(a.c.period <= month, in_regions(ag.c.mof_div_code, regions)),
    }
    out = []
    with engine.connect() as conn:
        for name, q in queries.items():
            raw = conn.execute(q).scalar()
            latest = None
            if raw is not None:
                latest = (min(period_end(raw), as_of) if isinstance(raw, str) and len(raw) == 7
                          else raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10]))
            out.append(Freshness(name, _(FRESHNESS_SOURCES[name]), latest))
    return out

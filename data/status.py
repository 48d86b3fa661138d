"""Store status: is it reachable, and how current is its data."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select, text

from data import schema as s

# Date columns that say how current each dataset is, in the order SPEC §3.2 asks.
_DATE_COLUMNS = [
    s.payment.c.pay_date,
    s.quota.c.doc_date,
    s.direct_fund.c.received_date,
    s.bond.c.issue_date,
    s.debt_service.c.paid_date,
]
_PERIOD_COLUMNS = [s.revenue.c.period, s.soe_financial.c.period, s.admin_asset.c.period,
                   s.natural_resource.c.period]


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _period_end(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def data_as_of(engine: Engine) -> date | None:
    """The latest PAY_DATE in the store, else the latest date of any dataset
    (a period counts as its last day)."""
    with engine.connect() as conn:
        latest_payment = conn.execute(select(func.max(s.payment.c.pay_date))).scalar()
        if latest_payment is not None:
            return _as_date(latest_payment)
        candidates = [conn.execute(select(func.max(col))).scalar() for col in _DATE_COLUMNS]
        found = [_as_date(v) for v in candidates if v is not None]
        for col in _PERIOD_COLUMNS:
            period = conn.execute(select(func.max(col))).scalar()
            if period:
                found.append(_period_end(period))
    return max(found) if found else None


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

"""When the payment month aggregate can answer for a month that is not over.

Figures "to D" read agg_payment_month for whole months and the payment table
for the days of month(D) up to D. When no payment is dated after D in that
month (D is the latest data date, the usual case), month(D)'s slice of the
aggregate holds exactly those days' payments, and the payment table need not
be read at all."""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import Connection, exists, select

from data import schema as s


def complete_month(conn: Connection, end: date, fiscal_year: int | None = None) -> bool:
    """Whether month(end)'s aggregate slice holds exactly the payments dated
    up to `end` (of `fiscal_year`, when given)."""
    last = date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
    if end == last:
        return True
    p = s.payment
    later = [p.c.pay_date > end, p.c.pay_date <= last]
    if fiscal_year is not None:
        later.append(p.c.fiscal_year == fiscal_year)
    return not conn.execute(select(exists().where(*later))).scalar()

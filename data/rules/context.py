"""What every evaluation reads: the date and time progress, the dimensions,
the settings in force, and the shared sums "payments to D" and "quotas to D"
(SPEC §2 Definitions), each one GROUP BY in SQL."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Callable

from sqlalchemy import Connection, func, literal_column, select

from data import schema as s
from data.hierarchy import Tree
from data.month_slices import complete_month
from data.rules.breach import Breach
from data.rules.grading import fen_of_yuan, rounded, to_decimal
from data.rules.registry import RULES
from data.rules.settings import RuleSetting

Where = Callable[[object], list]


def time_progress(d: date) -> Fraction:
    """TP(D) = day of year of D / days in that year."""
    days = (date(d.year + 1, 1, 1) - date(d.year, 1, 1)).days
    return Fraction(d.timetuple().tm_yday, days)


def month_number(d: date) -> int:
    return d.year * 100 + d.month


def present(column):
    """A code column that holds a code (neither NULL nor blank)."""
    return func.trim(func.coalesce(column, "")) != ""


class Context:
    def __init__(self, conn: Connection, as_of: date, settings: dict[str, RuleSetting]):
        self.conn = conn
        self.as_of = as_of
        self.year = as_of.year
        self.period = f"{as_of:%Y-%m}"
        self.tp = time_progress(as_of)
        self.settings = settings
        self._memo: dict[object, object] = {}
        self._load_dimensions()

    def _load_dimensions(self) -> None:
        # Read in the evaluation's own connection: a consistent snapshot that
        # does not depend on the data version being bumped.
        conn = self.conn
        md, ag, pr = s.mof_div, s.agency, s.project
        regions = conn.execute(select(md.c.mof_div_code, md.c.parent_code, md.c.mof_div_name)).all()
        self.region = Tree({c: p or None for c, p, _n in regions}, {c: n for c, _p, n in regions})
        self.agency_name: dict[str, str] = {}
        self.agency_region: dict[str, str] = {}
        self.agency_dept: dict[str, str] = {}
        for code, name, region, dept in conn.execute(
                select(ag.c.agency_code, ag.c.agency_name, ag.c.mof_div_code, ag.c.dept_code)):
            self.agency_name[code] = name
            self.agency_region[code] = region
            self.agency_dept[code] = dept
        self.project_name: dict[str, str] = {}
        self.project_agency: dict[str, str] = {}
        for code, name, agency in conn.execute(select(pr.c.pro_code, pr.c.pro_name, pr.c.agency_code)):
            self.project_name[code] = name
            self.project_agency[code] = agency

    # -- settings --------------------------------------------------------------------

    def thresholds(self, rule_id: str) -> dict:
        return self.settings[rule_id].thresholds

    def fen(self, rule_id: str, key: str) -> int:
        return fen_of_yuan(self.thresholds(rule_id)[key])

    def days(self, rule_id: str, key: str) -> int:
        return int(self.thresholds(rule_id)[key])

    def memo(self, key, compute: Callable[[], object]):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- regions ----------------------------------------------------------------------

    def region_name(self, code: str) -> str:
        return self.region.name.get(code, code)

    def rollup(self, own: dict[str, int]) -> dict[str, int]:
        """Each region's figure summed over itself and every region below it."""
        out: dict[str, int] = defaultdict(int)
        for code, value in own.items():
            for above in self.region.ancestors(code):
                out[above] += value
        return dict(out)

    # -- SQL pieces -------------------------------------------------------------------

    def days_before(self, column, n: int):
        """column − n days, as SQL."""
        if self.conn.dialect.name == "sqlite":
            return func.date(column, f"-{int(n)} days")
        return column - literal_column(str(int(n)))

    def quotas(self, dims: tuple[str, ...], where: list | None = None) -> dict[tuple, int]:
        """Σ quota AMOUNT (fen) to D by dims: FISCAL_YEAR = year(D), DOC_DATE ≤ D, all stages."""
        q = s.quota
        cols = [q.c[d] for d in dims]
        stmt = (select(*cols, func.sum(q.c.amount))
                .where(q.c.fiscal_year == self.year, q.c.doc_date <= self.as_of, *(where or []))
                .group_by(*cols))
        return {tuple(row[:-1]): int(row[-1]) for row in self.conn.execute(stmt)}

    def paid(self, dims: tuple[str, ...], where: Where | None = None, any_year: bool = False,
             since: date | None = None) -> dict[tuple, int]:
        """Σ payment AMOUNT (fen) by dims of the payments to D: FISCAL_YEAR =
        year(D) (any year with any_year) and PAY_DATE ≤ D, refunds included;
        `since` (the first day of a month) starts the range later. Whole
        months before month(D) come from agg_payment_month, the days of
        month(D) from the payment table (from the aggregate too when it holds
        just those: data/month_slices.py)."""
        conds = where or (lambda _t: [])
        out: dict[tuple, int] = defaultdict(int)

        def add(table, extra: list) -> None:
            cols = [table.c[d] for d in dims]
            year = [] if any_year else [table.c.fiscal_year == self.year]
            stmt = (select(*cols, func.sum(table.c.amount))
                    .where(*year, *extra, *conds(table)).group_by(*cols))
            for row in self.conn.execute(stmt):
                out[tuple(row[:-1])] += int(row[-1])

        p, a = s.payment, s.agg_payment_month
        month_start = self.as_of.replace(day=1)
        whole = complete_month(self.conn, self.as_of, None if any_year else self.year)
        add(a, [a.c.pay_ym <= month_number(self.as_of) if whole
                else a.c.pay_ym < month_number(self.as_of)]
            + ([a.c.pay_ym >= month_number(since)] if since else []))
        if not whole:
            add(p, [p.c.pay_date >= max(month_start, since or month_start),
                    p.c.pay_date <= self.as_of])
        return dict(out)

    # -- breaches ----------------------------------------------------------------------

    def breach(self, rule_id: str, level: str, entity_code: str, value, threshold, message: str, *,
               name: str, mof_div: str | None = None, agency: str | None = None) -> Breach:
        """A Breach with value and threshold rounded for the rule's unit (money
        already in yuan, exact: 2 decimals; days whole; else 6 decimals)."""
        rule = RULES[rule_id]
        return Breach(
            rule=rule_id, level=level, entity_type=rule.entity_type, entity_code=entity_code,
            value=_round(rule.value_unit, value), threshold=_round(rule.value_unit, threshold),
            message=message,
            mof_div=mof_div or (self.agency_region.get(agency) if agency else None),
            agency=agency, dept=self.agency_dept.get(agency) if agency else None, name=name)


def _round(unit: str | None, value) -> Decimal | None:
    if value is None:
        return None
    if unit == "yuan":
        return to_decimal(value).quantize(Decimal("0.01"))
    if unit == "days":
        return Decimal(int(value))
    return rounded(value)

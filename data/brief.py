"""月度分析专报 (the monthly analysis brief): its figures for a month and a
region, and the short commentary written from them in the current language.

D is the month's last day, or the store's latest data date when that falls
in the month (the current month). Every figure comes from the query layer
and the rule engine with the same arguments the JSON API uses, so the brief
and GET /api/v1/execution, /debt and /warnings agree for the same D; every
number in the commentary is one of these figures, worded by the rules below.

    figures = assemble(engine, "2026-10", "990121")
    sentences = commentary(figures, money=components.format.money)
"""
from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from data import query as q
from data.hierarchy import hierarchies
from data.i18n import _, ngettext, pgettext
from data.measures import FUND_TYPE_NAMES, ratio, time_progress
from data.query.problems import Summary, problems, summary
from data.rules import RULES, Breach, Rule, band, breaches_at, load_settings
from data.rules.grading import LEVEL_ZH
from data.status import data_as_of

GENERAL = "1"  # the general public budget (一般公共预算), the brief's budget
LAGGING_DEPTS_SHOWN = 12  # departments in the execution chart, the furthest behind first
FLAGGED = ("red", "orange", "yellow")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")

Call = Callable[..., Any]  # fn(*args) → fn(engine, *args), e.g. through a cache


class BriefError(ValueError):
    """A month or region the brief cannot be made for; `message` is Chinese / English."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def brief_date(month: str, latest: date | None) -> date:
    """D of `month` ('YYYY-MM'): its last day, or `latest` (the store's latest
    data date) when that lies in the month. A month after the latest data
    date has no brief."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise BriefError("month", f"月份格式应为 YYYY-MM / month must be YYYY-MM: {month!r}")
    if latest is None:
        raise BriefError("month", "尚未导入数据 / the store holds no data yet")
    year, m = int(month[:4]), int(month[5:])
    if (year, m) > (latest.year, latest.month):
        raise BriefError("month", "该月尚无数据（最新数据日期 {latest}） / no data for this month "
                                  "yet (latest data date {latest}): {month}"
                                  .format(latest=latest.isoformat(), month=month))
    if (year, m) == (latest.year, latest.month):
        return latest
    return date(year, m, calendar.monthrange(year, m)[1])


def region_of(engine: Engine, mof_div: str | None) -> tuple[str, str]:
    """(code, name) of the region: the given one, or the top region."""
    tree = hierarchies(engine).region
    if mof_div is None:
        roots = tree.roots()
        if not roots:
            raise BriefError("mof_div", "尚未导入行政区划 / the store holds no regions yet")
        mof_div = roots[0]
    if mof_div not in tree:
        raise BriefError("mof_div", f"未知的区划 / unknown region: {mof_div!r}")
    return mof_div, tree.name.get(mof_div, mof_div)


@dataclass(frozen=True)
class RedRule:
    """The open red breaches of one rule, with the rule (its name and basis)."""

    rule: Rule
    breaches: tuple[Breach, ...]


@dataclass(frozen=True)
class Figures:
    """Everything the brief shows. Money is integer fen."""

    month: str
    as_of: date  # D
    region: str
    region_name: str
    time_progress: float
    expenditure: q.ExecRow  # general budget, the region and below
    depts: tuple[q.ExecRow, ...]  # general budget by department
    months: tuple[q.MonthRow, ...]  # general budget spending per month against last year
    revenue: tuple[q.RevRow, ...]  # general budget revenue by class (类)
    direct: q.DirectFunds
    direct_funds: tuple[q.DirectRow, ...]
    debt: q.DebtPosition
    debt_level: str | None  # rule DEBT_RATIO's banding of the debt ratio
    soe: q.SoeTotals
    breach_counts: dict[str, int]  # open breaches in the region by level (red, orange, yellow)
    red: tuple[RedRule, ...]
    problems: Summary

    @property
    def budget_name(self) -> str:
        return _(FUND_TYPE_NAMES[GENERAL])

    @property
    def revenue_collected(self) -> int:
        return sum(r.collected for r in self.revenue)

    @property
    def revenue_budget(self) -> int:
        return sum(r.budget for r in self.revenue)

    @property
    def revenue_last_year(self) -> int:
        return sum(r.last_year for r in self.revenue)

    @property
    def revenue_rate(self) -> float | None:
        return ratio(self.revenue_collected, self.revenue_budget)

    @property
    def revenue_growth(self) -> float | None:
        """Revenue to D over the previous year to the same month, minus 1."""
        last = self.revenue_last_year
        return None if not last else self.revenue_collected / last - 1

    @property
    def lagging_depts(self) -> list[q.ExecRow]:
        """Departments rule EXEC_LAG flags, the furthest behind first."""
        return sorted((r for r in self.depts if r.level in FLAGGED), key=lambda r: r.gap_pp)

    @property
    def chart_depts(self) -> list[q.ExecRow]:
        """The departments the execution chart shows: the furthest behind."""
        ranked = sorted(self.depts, key=lambda r: (r.gap_pp is None, r.gap_pp or 0.0))
        return ranked[:LAGGING_DEPTS_SHOWN]

    @property
    def red_count(self) -> int:
        return sum(len(g.breaches) for g in self.red)


def in_region(engine: Engine, found: Sequence[Breach], region: str) -> list[Breach]:
    """The breaches whose entity lies in the region or below it."""
    below = hierarchies(engine).region.descendants(region)
    return [b for b in found if b.mof_div in below]


def assemble(engine: Engine, month: str, mof_div: str | None = None, *, masked: bool = False,
             call: Call | None = None, today: date | None = None) -> Figures:
    """The brief's figures for `month` and the region (default: the top
    region). `call(fn, *args)` runs a query `fn(engine, *args)` (the app
    passes its cache); problems are counted live, as of `today`."""
    call = call or (lambda fn, *args: fn(engine, *args))
    as_of = brief_date(month, call(data_as_of))
    region, region_name = region_of(engine, mof_div)
    general = q.Scope(as_of=as_of, year=as_of.year, mof_div=region, fund_type=GENERAL,
                      masked=masked)
    whole = q.Scope(as_of=as_of, mof_div=region, masked=masked)
    settings = call(load_settings)
    debt = call(q.debt_position, whole)
    found = in_region(engine, call(breaches_at, as_of), region)
    counts = Counter(b.level for b in found)
    red: dict[str, list[Breach]] = {}
    for b in sorted(found, key=lambda b: (b.rule, b.entity_code)):
        if b.level == "red":
            red.setdefault(b.rule, []).append(b)
    loop = problems(engine, q.Scope(as_of=as_of, mof_div=region), today=today)
    return Figures(
        month=month, as_of=as_of, region=region, region_name=region_name,
        time_progress=time_progress(as_of),
        expenditure=call(q.execution_total, general),
        depts=tuple(call(q.execution, general, "dept")),
        months=tuple(call(q.monthly, general)),
        revenue=tuple(call(q.revenue_by_class, general)),
        direct=call(q.direct_funds, whole), direct_funds=tuple(call(q.fund_rows, whole)),
        debt=debt, debt_level=band("DEBT_RATIO", debt.debt_ratio, settings),
        soe=call(q.soe_totals, whole),
        breach_counts={lv: counts[lv] for lv in FLAGGED},
        red=tuple(RedRule(RULES[rid], tuple(bs)) for rid, bs in red.items()),
        problems=summary(loop))


# -- the commentary: how the figures are put into words ------------------------------------


def percent(value: float) -> str:
    """A ratio as the commentary writes it: `87.0%`."""
    return f"{value * 100:.1f}%"


def against(gap_pp: float, what: str) -> str:
    """`低于序时进度 1.8 个百分点`, `高于…`, or `与序时进度持平` when the gap
    rounds to 0.0 (`what` in the current language)."""
    shown = f"{abs(gap_pp):.1f}"
    if shown == "0.0":
        return _("与{what}持平").format(what=what)
    if gap_pp < 0:
        return _("低于{what} {value} 个百分点").format(what=what, value=shown)
    return _("高于{what} {value} 个百分点").format(what=what, value=shown)


def change(growth: float) -> str:
    """`增长 4.2%`, `下降 3.0%`, or `持平` when it rounds to 0.0%."""
    shown = f"{abs(growth) * 100:.1f}%"
    if shown == "0.0%":
        return _("持平")
    return (_("增长 {value}") if growth > 0 else _("下降 {value}")).format(value=shown)


def commentary(f: Figures, money: Callable[[int], str]) -> list[str]:
    """Plain sentences over the figures, one per area; `money(fen)` writes an
    amount (万元 / 亿元)."""
    e = f.expenditure
    budget, progress = f.budget_name, pgettext("句中", "序时进度")  # mid-sentence: lower case
    out = []
    if e.rate is None:
        out.append(_("{budget}尚无已下达的支出指标，已支付 {paid}。")
                   .format(budget=budget, paid=money(e.paid)))
    else:
        out.append(_("{budget}支出执行率 {rate}，{against}；已支付 {paid}，已下达指标 {quota}。")
                   .format(budget=budget, rate=percent(e.rate), against=against(e.gap_pp, progress),
                           paid=money(e.paid), quota=money(e.budget)))
    lagging = f.lagging_depts
    if lagging:
        worst = lagging[0]
        out.append(ngettext(
            "执行进度达到预警线的部门 {n} 个，其中落后最多的是{name}，执行率 {rate}，{against}。",
            "执行进度达到预警线的部门 {n} 个，其中落后最多的是{name}，执行率 {rate}，{against}。",
            len(lagging)).format(n=len(lagging), name=worst.name, rate=percent(worst.rate),
                                 against=against(worst.gap_pp, progress)))
    elif f.depts:
        out.append(_("各部门执行进度均未达到预警线。"))
    revenue = _("{budget}收入 {amount}").format(budget=budget, amount=money(f.revenue_collected))
    if f.revenue_rate is not None:
        revenue += _("，完成预算的 {rate}").format(rate=percent(f.revenue_rate))
    growth = f.revenue_growth
    revenue += _("，上年同期无收入数据。") if growth is None else \
        _("，比上年同期{change}。").format(change=change(growth))
    out.append(revenue)
    d = f.direct
    if d.received:
        out.append(_("直达资金已下达 {received}，已分配 {allocated}（分配率 {allocation_rate}），"
                     "已支付 {paid}（支付率 {payment_rate}，{against}）。")
                   .format(received=money(d.received), allocated=money(d.allocated),
                           allocation_rate=percent(d.allocation_rate), paid=money(d.paid),
                           payment_rate=percent(d.payment_rate),
                           against=against(d.gap_pp, progress)))
    else:
        out.append(_("本年度尚无上级下达的直达资金。"))
    debt = _("政府债务余额 {balance}").format(balance=money(f.debt.total_balance))
    if f.debt.total_limit is not None:
        debt += _("，限额 {limit}").format(limit=money(f.debt.total_limit))
    if f.debt.debt_ratio is not None:
        debt += _("，债务率 {ratio}（{level}）").format(
            ratio=percent(f.debt.debt_ratio), level=_(LEVEL_ZH.get(f.debt_level, "不评价")))
    out.append(_("{sentence}。").format(sentence=debt))
    if f.soe.enterprises:
        out.append(_("国有企业 {n} 户，资产负债率 {alr}，亏损 {loss} 户。")
                   .format(n=f.soe.enterprises, alr=percent(f.soe.alr), loss=f.soe.loss_making))
    c = f.breach_counts
    total = sum(c.values())
    word = {level: _(LEVEL_ZH[level]) for level in FLAGGED}
    out.append(ngettext("当前预警 {n} 项，其中{red} {n_red} 项、{orange} {n_orange} 项、"
                        "{yellow} {n_yellow} 项。",
                        "当前预警 {n} 项，其中{red} {n_red} 项、{orange} {n_orange} 项、"
                        "{yellow} {n_yellow} 项。", total)
               .format(n=total, red=word["red"], n_red=c["red"], orange=word["orange"],
                       n_orange=c["orange"], yellow=word["yellow"], n_yellow=c["yellow"]))
    p = f.problems
    closing = _("累计发现问题 {found} 个，已销号 {closed} 个").format(found=p.found,
                                                               closed=p.closed)
    if p.rectification_rate is not None:
        closing += _("，整改率 {rate}").format(rate=percent(p.rectification_rate))
    out.append(closing + _("，逾期未整改 {overdue} 个。").format(overdue=p.overdue))
    return out

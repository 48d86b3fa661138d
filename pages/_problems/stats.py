"""The problem loop's statistics: SPEC §3.3's summary as tiles, and charts of
problems found and closed by month, by responsible unit and by rule."""
from __future__ import annotations

from datetime import date
from typing import Sequence

from components import drill
from components import format as fmt
from components import problems as ui
from data.hierarchy import Names
from data.i18n import _, pgettext
from data.query import problems as q
from data.rules import RULES
from pages._problems.common import unit_label

MANUAL = "manual"  # the list's `rule` value of problems raised by hand
TOP = 15  # units and rules a chart shows (the most problems first)


def rule_label(rule: str) -> str:
    return _(RULES[rule].name_zh) if rule in RULES else _("人工登记（无关联预警）")


def tiles(state: drill.PageState, rows: Sequence[q.ProblemRow], listed: bool):
    """The summary tiles; when the viewer has the list, each opens its problems."""
    clear = dict.fromkeys(("tab", "id", "status", "overdue", "unit", "rule"))
    link = (lambda **kw: state.link(**{**clear, **kw})) if listed else (lambda **kw: None)
    return ui.summary_tiles(q.summary(rows).as_dict(), {
        "found": link(), "closed": link(status="closed"), "overdue": link(overdue="1")})


def charts(state: drill.PageState, rows: Sequence[q.ProblemRow], names: Names, listed: bool,
           today: date) -> list:
    note = _("统计截至 {date} · 来源：问题闭环记录").format(date=fmt.long_date(today))
    link = state.link if listed else (lambda **kw: None)
    months = q.by_month(rows)
    by_month = ui.count_bars(
        [ui.month_label(m["month"]) for m in months],
        [(_("发现"), [m["found"] for m in months], ui.FOUND_COLOR),
         (pgettext("图例", "销号"), [m["closed"] for m in months], ui.CLOSED_COLOR)],
        title=_("每月发现与销号的问题数"),
        subtitle=_("发现按登记月份、销号按销号月份计；不含已核销"),
        note=note, horizontal=False, dark=state.dark)
    units = q.by_unit(rows)[:TOP]
    by_unit = ui.count_bars(
        [unit_label(names, u["key"]) for u in units],
        [(_("已交办"), [u["assigned"] for u in units], ui.FOUND_COLOR),
         (_("已销号"), [u["closed"] for u in units], ui.CLOSED_COLOR)],
        title=_("各责任单位交办与销号的问题数"),
        subtitle=_("问题最多的 {top} 个单位；{mark} 为逾期未办结的问题数").format(
            top=TOP, mark=_(ui.OVERDUE_MARK)),
        note=note, hrefs=[link(tab=None, unit=u["key"]) for u in units],
        flags=[f"{_(ui.OVERDUE_MARK)}{u['overdue']}" if u["overdue"] else "" for u in units],
        dark=state.dark)
    rules = q.by_rule(rows)[:TOP]
    by_rule = ui.count_bars(
        [rule_label(r["key"]) for r in rules],
        [(_("发现"), [r["found"] for r in rules], ui.FOUND_COLOR),
         (_("已销号"), [r["closed"] for r in rules], ui.CLOSED_COLOR)],
        title=_("各预警规则发现与销号的问题数"),
        subtitle=_("问题由哪条规则的预警发现（一个问题可关联多条规则）；不含已核销"),
        note=note, hrefs=[link(tab=None, rule=r["key"] or MANUAL) for r in rules],
        dark=state.dark)
    return [drill.chart("prob-by-month", by_month, _("每月发现与销号的问题数")),
            drill.chart("prob-by-unit", by_unit, _("各责任单位交办与销号的问题数")),
            drill.chart("prob-by-rule", by_rule, _("各预警规则发现与销号的问题数"))]

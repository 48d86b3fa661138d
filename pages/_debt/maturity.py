"""到期与偿还: repayments due within the DEBT_DUE_SOON window and overdue ones
(each row opens its bond), and the maturity wall: principal and interest
due and unpaid at D by year → the months of a year → the repayments of a
month. A period is marked with the worst DEBT_DUE_SOON / DEBT_OVERDUE breach
among its repayments."""
from __future__ import annotations

from dash import html

from components import charts, drill, grid, levels
from components import format as fmt
from components.columns import stacked_columns
from data.i18n import _, ngettext
from data.query.debt import (bonds, maturities, repayments_due, repayments_in_month,
                             repayments_overdue)
from pages._debt import nav
from pages._debt.bonds import repayment_columns, repayment_rows
from service import view
from service.cache import cached_call

INTEREST_COLOR = "#56B4E9"
RULES = ("DEBT_DUE_SOON", "DEBT_OVERDUE")


def window() -> int:
    """DEBT_DUE_SOON's window in force (days ahead of D)."""
    return int(view.rule_settings()["DEBT_DUE_SOON"].thresholds["window_days"])


def marks(state: drill.PageState, path: nav.Path, width: int) -> dict[str, str]:
    """period ('YYYY' or 'YYYY-MM', by `width`) → the worst level of the
    DEBT_DUE_SOON / DEBT_OVERDUE breaches among the repayments of the region's
    bonds (of the chosen type) due then, as a mark and a word."""
    codes = {b.code for b in cached_call(bonds, nav.scope(state), debt_type=path.debt_type)}
    worst: dict[str, str] = {}
    for b in view.breaches_in(state.filters.as_of, state.filters.mof_div):
        bond, _at, due = b.entity_code.rpartition("@")
        if b.rule in RULES and bond in codes:
            worst[due[:width]] = levels.worst(b.level, worst.get(due[:width]))
    return {k: levels.text(level) for k, level in worst.items()}


def wall(state: drill.PageState, path: nav.Path) -> list:
    scope = nav.scope(state)
    by_month = path.due_year is not None
    rows = cached_call(maturities, scope, "month" if by_month else "year", path.due_year,
                       path.debt_type)
    found = marks(state, path, 7 if by_month else 4)
    if by_month:
        labels = [nav.month_name(int(m.period[5:])) for m in rows]
        hrefs = [nav.link(state, due_month=m.period) if m.count else None for m in rows]
    else:
        labels = [nav.year_label(m.period) for m in rows]
        hrefs = [nav.link(state, due_year=m.period, due_month=None) for m in rows]
    what = nav.type_name(path.debt_type) if path.debt_type else _("政府债务")
    region = nav.region_name(state)
    title = (_("{region}：{year}年各月到期未还的{what}本息").format(region=region, year=path.due_year,
                                                                what=what) if by_month
             else _("{region}：各年度到期未还的{what}本息").format(region=region, what=what))
    fig = stacked_columns(
        labels, [(_("本金"), [m.principal for m in rows], charts.ACTUAL_COLOR),
                 (_("利息"), [m.interest for m in rows], INTEREST_COLOR)],
        title=title, note=nav.note(state), hrefs=hrefs,
        marks=[found.get(m.period, "") for m in rows], dark=state.dark,
        subtitle=_("截至评估日尚未偿还（无实还日期或实还日期在评估日之后）的应还本息，按应还日期；"
                   "已逾期的仍在原应还期间；{red} 为含逾期未还（债务逾期），"
                   "{yellow} 为含即将到期未还（债务即将到期）").format(red=levels.text("red"),
                                                               yellow=levels.text("yellow")))
    hint = _("点击月份查看当月应还明细。") if by_month else _("点击年度查看各月。")
    return [html.P(hint, className="drill-hint"), drill.chart("debt-wall", fig, title)]


def repayment_list(state: drill.PageState, name: str, rows, title: str, empty: str) -> list:
    columns = [{"field": "bond", "headerName": _("债券"), "minWidth": 260, "tooltipField": "bond"},
               *repayment_columns()]
    count = ngettext("{title}（{n} 笔）", "{title}（{n} 笔）", len(rows)).format(title=title, n=len(rows))
    return [html.H3(count, className="section-title"),
            grid.drill_list(name, columns, repayment_rows(state, rows), dark=state.dark,
                            max_height=420)
            if rows else html.P(empty, className="drill-empty")]


def section(state: drill.PageState, path: nav.Path) -> list:
    scope, kind = nav.scope(state), path.debt_type
    out = [nav.type_switch(state, path, "debt-maturity-type")]
    if path.due_month:
        rows = cached_call(repayments_in_month, scope, path.due_month, kind)
        return out + wall(state, path) + repayment_list(
            state, "debt-month-rows", rows,
            _("{month}到期未还").format(month=fmt.month_label(path.due_year, int(path.due_month[5:]))),
            _("该月没有到期未还的本息。"))
    if path.due_year:
        return out + wall(state, path)
    days = window()
    soon = cached_call(repayments_due, scope, days, kind)
    late = cached_call(repayments_overdue, scope, kind)
    out.append(html.P(_("点击一行查看该债券。{due_soon}；{overdue}").format(
        due_soon=view.rule_note("DEBT_DUE_SOON"), overdue=view.rule_note("DEBT_OVERDUE")),
        className="drill-hint", id="debt-due-rule"))
    return (out + repayment_list(state, "debt-overdue", late, _("已逾期、未足额偿还"),
                                 _("没有逾期未还的本息。"))
            + repayment_list(state, "debt-due-soon", soon,
                             ngettext("未来 {n} 天内到期、尚未偿还", "未来 {n} 天内到期、尚未偿还",
                                      days).format(n=days),
                             ngettext("未来 {n} 天内没有到期未还的本息。", "未来 {n} 天内没有到期未还的本息。",
                                      days).format(n=days))
            + wall(state, path))

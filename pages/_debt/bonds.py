"""债券借用还: the bonds of the region (借), each bond's projects and their
spending of bond money (用: payments with the BOND_CODE and PRO_CODE, any
fiscal year, up to D), and its repayment schedule (还); a project's spending
by year and its payments. Levels are the rule engine's breaches: DEBT_DUE_SOON
and DEBT_OVERDUE on a repayment, BOND_FUNDS_IDLE on a bond's project."""
from __future__ import annotations

from typing import NamedTuple, Sequence

import dash_bootstrap_components as dbc
from dash import html

from components import charts, drill, grid, levels
from components import format as fmt
from components.kpi import kpi_tile, money_figure
from data.i18n import N_, _, ngettext
from data.query import Scope
from data.query.debt import Bond, BondProject, bond_projects, bond_schedule, bond_spending, bonds
from data.rules import LEVEL_ORDER, RULES
from pages._debt import nav
from service import view
from service.cache import cached_call

USE = {"1": N_("新增债券"), "2": N_("再融资债券")}
SOURCE = N_("债券、专项债项目、还本付息、国库集中支付")


def bond_flags(state: drill.PageState, *rule_ids: str) -> dict[str, dict[str, str]]:
    """bond → {rule: worst level} of the breaches of `rule_ids` on its
    repayments (BOND@DUE_DATE) or its projects (BOND/PRO_CODE)."""
    out: dict[str, dict[str, str]] = {}
    for entity_type, bond_of in (("debt_service", lambda c: c.rpartition("@")[0]),
                                 ("bond_project", lambda c: c.partition("/")[0])):
        for code, found in view.flags(state.filters.as_of, entity_type).items():
            mine = out.setdefault(bond_of(code), {})
            for rule, level in found.items():
                if rule in rule_ids:
                    mine[rule] = levels.worst(level, mine.get(rule))
    return out


def flags_text(found: dict[str, str]) -> tuple[str, str | None]:
    """(`▲严重 债务逾期；▲关注 专项债资金闲置`, the worst level), worst first."""
    items = sorted(found.items(), key=lambda kv: (LEVEL_ORDER[kv[1]], kv[0]))
    return _("；").join(nav.flag_text(lv, rule) for rule, lv in items), levels.worst(*found.values())


class Use(NamedTuple):
    """A bar pair of a use chart: money arranged to projects against spent."""
    label: str
    arranged: int
    spent: int
    flag: str  # the breach in words, "" without one
    level: str | None
    href: str


def label(b: Bond) -> str:
    """A bond's short name for a chart axis: its issue year and the name after
    the issuer (`2025年示范省政府专项债券(第4期)·示范县` → `2025年专项债券(第4期)`)."""
    name = b.name.split("·")[0]
    _issuer, sep, rest = name.partition("政府")  # i18n: data
    return _("{year}年{name}").format(year=b.issue_date.year, name=rest) if sep and rest else name


def _use_totals(state: drill.PageState) -> dict[str, tuple[int, int]]:
    """bond → (Σ arranged to its projects, Σ spent) at D."""
    out: dict[str, tuple[int, int]] = {}
    for p in cached_call(bond_projects, nav.scope(state)):
        arranged, spent = out.get(p.bond_code, (0, 0))
        out[p.bond_code] = (arranged + p.amount, spent + p.spent)
    return out


def bond_columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("债券"), "minWidth": 300, "tooltipField": "name"},
        {"field": "kind", "headerName": _("类型"), "minWidth": 110},
        {"field": "issue", "headerName": _("发行日期"), "minWidth": 130},
        {"field": "maturity", "headerName": _("到期日期"), "minWidth": 130},
        {"field": "rate", "headerName": _("票面利率"), "minWidth": 110, "type": "rightAligned",
         "cellClass": "num ag-right-aligned-cell"},
        grid.money_col("amount", _("发行金额")), grid.money_col("balance", _("评估日余额")),
        grid.money_col("arranged", _("安排项目")), grid.rate_col("share", _("已支出比例")),
        grid.level_col("level", _("预警")),
    ]


def bond_list(state: drill.PageState, rows: Sequence[Bond], title: str) -> list:
    flags = bond_flags(state, "DEBT_OVERDUE", "DEBT_DUE_SOON", "BOND_FUNDS_IDLE")
    use, table = _use_totals(state), []
    for b in rows:
        flag, level = flags_text(flags.get(b.code, {}))
        arranged, spent = use.get(b.code, (None, None))
        table.append({"name": b.name, "kind": nav.type_name(b.debt_type),
                      "issue": b.issue_date.isoformat(), "maturity": b.maturity_date.isoformat(),
                      "rate": f"{b.rate:.2f}%", "amount": grid.wan(b.amount),
                      "balance": grid.wan(b.balance), "arranged": grid.wan(arranged),
                      "share": spent / arranged if arranged else None,
                      "level": flag, "lvl": level, "href": nav.bond_link(state, b.code)})
    return [
        html.H3(ngettext("{title}（{n} 只）", "{title}（{n} 只）", len(rows)).format(title=title, n=len(rows)),
                className="section-title"),
        html.P(_("截至评估日已发行的债券；余额 = 发行金额 − 已偿还本金。点击一行查看债券的项目和还本付息。"),
               className="drill-hint"),
        grid.drill_list("debt-bonds", bond_columns(), table, dark=state.dark, max_height=620)
        if rows else html.P(_("所选范围内没有已发行的债券。"), className="drill-empty"),
    ]


def use_chart(state: drill.PageState, name: str, items: Sequence[Use], title: str):
    """Arranged against spent per bond or project, flagged by BOND_FUNDS_IDLE."""
    fig = charts.budget_vs_actual(
        [x.label for x in items],
        [(_("安排金额"), [x.arranged for x in items], charts.BUDGET_COLOR),
         (_("已支出"), [x.spent for x in items], charts.ACTUAL_COLOR)],
        title=title, note=nav.note(state, SOURCE), hrefs=[x.href for x in items],
        subtitle=_("已支出 = 带该债券代码和项目代码的支付（任何年度，截至评估日，含退回）；括号内为已支出比例"),
        flags=[x.flag for x in items], flag_levels=[x.level for x in items], dark=state.dark)
    return drill.chart(name, fig, title)


def section(state: drill.PageState, path: nav.Path) -> list:
    if path.project is not None:
        return project_view(state, path)
    if path.bond is not None:
        return bond_view(state, path)
    rows = cached_call(bonds, nav.scope(state), debt_type=path.debt_type)
    flags, use = bond_flags(state, "BOND_FUNDS_IDLE"), _use_totals(state)
    items = [Use(label(b), *use[b.code], *flags_text(flags.get(b.code, {})),
                 nav.bond_link(state, b.code)) for b in rows if b.code in use]
    out = [nav.type_switch(state, path, "debt-bond-type")]
    if items:
        out.append(use_chart(state, "debt-use", items, _("{region}：专项债券资金使用进度（借、用）")
                             .format(region=nav.region_name(state))))
    return out + bond_list(state, rows, _("{region}的债券").format(region=nav.region_name(state)))


# -- one bond: 借、用、还 ----------------------------------------------------------------------

def _facts(b: Bond) -> html.Dl:
    facts = [(_("债券代码"), b.code), (_("债务类型"), nav.type_name(b.debt_type)),
             (_("债券用途"), _(USE[b.use]) if b.use in USE else b.use),
             (_("发行区划"), view.names().region.get(b.mof_div, b.mof_div)),
             (_("发行日期"), fmt.long_date(b.issue_date)), (_("到期日期"), fmt.long_date(b.maturity_date)),
             (_("票面利率"), f"{b.rate:.2f}%"), (_("发行金额"), fmt.money(b.amount)),
             (_("已偿还本金"), fmt.money(b.repaid)), (_("评估日余额"), fmt.money(b.balance))]
    return html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="quota-facts",
                   id="debt-bond-facts")


def repayment_rows(state: drill.PageState, rows, linked: bool = True) -> list[dict]:
    """Repayments for a drill list: status at D and the rule engine's word;
    `linked`: a row opens its bond."""
    out = []
    for r in rows:
        level, rule = nav.flag(state.filters.as_of, "debt_service", r.entity, "DEBT_DUE_SOON",
                               "DEBT_OVERDUE")
        if r.paid_date and r.paid_date <= state.filters.as_of:
            status = (_("已于 {date} 偿还（未足额）") if r.outstanding else _("已于 {date} 偿还")).format(
                date=fmt.long_date(r.paid_date))
        else:
            status = _("未偿还") if r.due_date <= state.filters.as_of else _("未到期")
        out.append({"bond": r.bond_name, "due": r.due_date.isoformat(),
                    "principal": grid.wan(r.principal), "interest": grid.wan(r.interest),
                    "outstanding": grid.wan(r.outstanding), "status": status,
                    "level": nav.flag_text(level, rule), "lvl": level,
                    "href": nav.bond_link(state, r.bond_code) if linked else None})
    return out


def repayment_columns() -> list[dict]:
    return [
        {"field": "due", "headerName": _("应还日期"), "minWidth": 130},
        grid.money_col("principal", _("应还本金")), grid.money_col("interest", _("应付利息")),
        grid.money_col("outstanding", _("评估日尚欠")),
        {"field": "status", "headerName": _("偿还情况"), "minWidth": 220},
        grid.level_col("level", _("预警")),
    ]


def bond_view(state: drill.PageState, path: nav.Path) -> list:
    b = path.bond
    projects = cached_call(bond_projects, nav.scope(state), bond=b.code)
    items = []
    for p in projects:
        level, rule = nav.flag(state.filters.as_of, "bond_project", p.entity, "BOND_FUNDS_IDLE")
        items.append(Use(p.pro_name, p.amount, p.spent, nav.flag_text(level, rule), level,
                         nav.link(state, project=p.pro_code, pay_year=None)))
    rows = cached_call(bond_schedule, nav.scope(state), b.code)
    return [
        dbc.Row([dbc.Col(_bond_tiles(b, items), xl=8, lg=12), dbc.Col(_facts(b), xl=4, lg=12)],
                className="g-3 align-items-start"),
        *(_projects(state, b, projects, items) if projects else []),
        html.H3(ngettext("还：还本付息计划（{n} 期）", "还：还本付息计划（{n} 期）", len(rows))
                .format(n=len(rows)), className="section-title"),
        html.P(_("；").join((view.rule_note("DEBT_DUE_SOON"), view.rule_note("DEBT_OVERDUE"))),
               className="drill-hint"),
        grid.drill_list("debt-schedule", repayment_columns(), repayment_rows(state, rows, linked=False),
                        dark=state.dark, max_height=560),
    ]


def _bond_tiles(b: Bond, items: Sequence[Use]) -> html.Div:
    arranged, spent = sum(x.arranged for x in items), sum(x.spent for x in items)
    worst = levels.worst(*(x.level for x in items))
    return html.Div([
        kpi_tile(_("发行金额（借）"), *money_figure(b.amount), show_level=False,
                 sub=_("{date}发行，票面利率 {rate}").format(date=fmt.long_date(b.issue_date),
                                                         rate=f"{b.rate:.2f}%"),
                 tile_id="debt-bond-amount"),
        kpi_tile(_("评估日余额（还）"), *money_figure(b.balance), show_level=False,
                 sub=_("已偿还本金 {amount}").format(amount=fmt.money(b.repaid)),
                 tile_id="debt-bond-balance"),
        kpi_tile(_("项目已支出（用）"), fmt.pct(spent / arranged) if arranged else "—", level=worst,
                 show_level=worst is not None, level_title=view.rule_note("BOND_FUNDS_IDLE"),
                 sub=_("已支出 {spent} / 安排 {arranged}").format(spent=fmt.money(spent),
                                                              arranged=fmt.money(arranged)) if items
                 else _("该债券没有安排项目"), tile_id="debt-bond-use"),
    ], className="kpi-grid drill-kpis")


def _projects(state: drill.PageState, b: Bond, projects: Sequence[BondProject],
              items: Sequence[Use]) -> list:
    names = view.names()
    return [
        html.H3(ngettext("用：安排的项目（{n} 个）", "用：安排的项目（{n} 个）", len(projects))
                .format(n=len(projects)), className="section-title"),
        html.P(_("点击条形或一行查看项目的支出和支付明细。{rule}").format(
            rule=view.rule_note("BOND_FUNDS_IDLE")), className="drill-hint"),
        use_chart(state, "debt-projects", items, _("{bond}：各项目资金使用进度").format(bond=b.name)),
        grid.drill_list("debt-project-rows", [
            {"field": "name", "headerName": _("项目"), "minWidth": 260},
            {"field": "agency", "headerName": _("单位"), "minWidth": 220},
            grid.money_col("amount", _("安排金额")), grid.money_col("spent", _("已支出")),
            grid.rate_col("share", _("已支出比例")), grid.level_col("level", _("预警"))],
            [{"name": p.pro_name, "agency": names.agency.get(p.agency_code, p.agency_code),
              "amount": grid.wan(p.amount), "spent": grid.wan(p.spent), "share": p.share,
              "level": x.flag, "lvl": x.level, "href": x.href}
             for p, x in zip(projects, items)], dark=state.dark, max_height=420),
    ]


# -- one project: its spending and payments ---------------------------------------------------

def project_view(state: drill.PageState, path: nav.Path) -> list:
    b, p, as_of = path.bond, path.project, state.filters.as_of
    level, rule = nav.flag(as_of, "bond_project", p.entity, "BOND_FUNDS_IDLE")
    by_year = cached_call(bond_spending, nav.scope(state), b.code, p.pro_code)
    years = sorted({*by_year, as_of.year})
    latest = max(by_year, default=as_of.year)  # the latest year that spent bond money
    pay_year = path.pay_year if path.pay_year in years else latest
    payments = Scope(as_of=as_of, year=pay_year, project=p.pro_code)
    query = grid.payment_query(payments, search=state.get("q"), href=nav.link(state))
    return [
        html.Div([
            kpi_tile(_("安排金额"), *money_figure(p.amount), show_level=False,
                     sub=_("来自 {bond}").format(bond=b.name), tile_id="debt-project-amount"),
            kpi_tile(_("已支出"), *money_figure(p.spent), show_level=False,
                     sub=_("带该债券和项目代码的支付，任何年度，截至评估日"), tile_id="debt-project-spent"),
            kpi_tile(_("已支出比例"), fmt.pct(p.share), level=level, show_level=level is not None,
                     level_text=RULES[rule].name if rule else None,
                     level_title=view.rule_note("BOND_FUNDS_IDLE"),
                     sub=_("已支出 ÷ 安排金额；未触发专项债资金闲置预警") if level is None
                     else _("已支出 ÷ 安排金额"),
                     tile_id="debt-project-share"),
        ], className="kpi-grid drill-kpis"),
        html.H3(_("各年度使用本债券资金的支出"), className="section-title"),
        grid.drill_list("debt-project-years", [
            {"field": "year", "headerName": _("支付所属年度"), "minWidth": 160},
            grid.money_col("spent", _("支出金额"))],
            [{"year": nav.year_label(y), "spent": grid.wan(v), "href": None}
             for y, v in by_year.items()],
            dark=state.dark, max_height=300)
        if by_year else html.P(_("截至评估日还没有使用本债券资金的支付。"), className="drill-empty"),
        drill.switch(_("支付年度"), [
            (nav.year_label(y), nav.link(state, pay_year=None if y == latest else y), y == pay_year)
            for y in years], "debt-pay-year"),
        html.P(_("支付明细一次显示一个年度（支付所属年度）：以下为 {year} 年该项目的全部支付，"
                 "包括未使用本债券资金的支付；使用本债券资金的支出见上表。").format(year=pay_year),
               className="drill-hint", id="debt-payments-note"),
        grid.payment_grid("debt-payments", query, dark=state.dark,
                          title=_("{project}：{year}年支付明细").format(project=p.pro_name, year=pay_year),
                          hide=("project",)),
    ]

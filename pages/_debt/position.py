"""债务概况: limits against the balance at D by type, 债务率 and 负债率 against
their bands, the interest burden against its trigger, and the regions one
level below side by side; with a debt type chosen, that type's position and
its bonds. Levels: DEBT_OVER_LIMIT breaches for a type's balance, the rule
engine's banding (`band`) of the ratios and of the interest share."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import charts, drill, grid, levels
from components import format as fmt
from components.bullets import Bullet, band_bullets
from components.kpi import kpi_tile, money_figure
from data.i18n import N_, _, ngettext
from data.measures import ratio
from data.query.debt import (DEBT_TYPES, DebtPosition, bonds, debt_by_region, debt_position,
                             interest_burden)
from data.query.members import own_regions
from data.rules import RULES, band
from pages._debt import bonds as bond_section
from pages._debt import nav
from service import view
from service.cache import cached_call

RATIOS = (("DEBT_RATIO", N_("债务率"), N_("综合财力"), "capacity"),
          ("LIABILITY_RATIO", N_("负债率"), N_("地区生产总值"), "gdp"))
BASES = {"1": N_("一般公共预算支出"), "2": N_("政府性基金预算支出")}
BONDS = {"1": N_("一般债券"), "2": N_("专项债券")}


def over_limit(state: drill.PageState, code: str, limit: int | None,
               region: str | None = None) -> str | None:
    """DEBT_OVER_LIMIT's word on a region's debt type: its breach; green when
    the region has a limit the engine judged; None without a limit."""
    regions = [region] if region else cached_call(own_regions, state.filters.mof_div)
    found = [nav.flag(state.filters.as_of, "region_debt_type", f"{r}:{code}", "DEBT_OVER_LIMIT")[0]
             for r in regions]
    judged = limit is not None and nav.in_force("DEBT_OVER_LIMIT")
    return levels.worst(*found) or ("green" if judged else None)


def type_tile(state: drill.PageState, pos: DebtPosition, code: str, href: str | None):
    key = DEBT_TYPES[code]
    balance, limit = pos.balance[key], pos.limit[key]
    level = over_limit(state, code, limit)
    number, unit = money_figure(balance)
    sub = (html.Div([_("限额") + " ", html.Strong(fmt.money(limit)),
                     " · " + _("余额占限额 {share}").format(share=fmt.pct(ratio(balance, limit)))])
           if limit is not None else html.Div(_("本区划未报送该类债务限额，不评价是否超限额")))
    return kpi_tile(_("{type}余额").format(type=nav.type_name(code)), number, unit, level=level,
                    show_level=level is not None,
                    level_text=_("超限额") if levels.flagged(level) else None,
                    level_title=view.rule_note("DEBT_OVER_LIMIT"), rate=ratio(balance, limit),
                    sub=sub, explain=RULES["DEBT_OVER_LIMIT"].explain, href=href,
                    link_text=_("查看该类债券"), tile_id=f"debt-kpi-{key}")


def ratio_tile(pos: DebtPosition, rule_id: str, title: str, base_label: str, base: int | None):
    """`title` and `base_label` marked with N_ (RATIOS)."""
    value = ratio(pos.total_balance, base)
    level = band(rule_id, value, view.rule_settings())
    sub = (_("债务余额 {balance} ÷ {base} {amount}").format(
               balance=fmt.money(pos.total_balance), base=_(base_label), amount=fmt.money(base))
           if base else _("本区划未报送{base}数据，不评价").format(base=_(base_label)))
    return kpi_tile(_(title), fmt.pct(value), level=level, show_level=level is not None,
                    level_title=view.rule_note(rule_id), sub=sub, explain=RULES[rule_id].explain,
                    tile_id=f"debt-kpi-{rule_id.lower()}")


def burden_tile(state: drill.PageState, code: str):
    b = cached_call(interest_burden, nav.scope(state))[DEBT_TYPES[code]]
    level = band("INTEREST_BURDEN", b.share, view.rule_settings())
    number, unit = money_figure(b.interest)
    sub = (_("占{base} {amount} 的 {share}").format(
               base=_(BASES[code]), amount=fmt.money(b.expenditure), share=fmt.pct(b.share))
           if b.expenditure else _("本区划未报送{base}，不评价").format(base=_(BASES[code])))
    return kpi_tile(_("{year}年应付利息").format(year=state.filters.as_of.year), number, unit,
                    level=level, show_level=level is not None,
                    level_text=fmt.pct(b.share) if b.share else None,
                    level_title=view.rule_note("INTEREST_BURDEN"), sub=sub,
                    explain=RULES["INTEREST_BURDEN"].explain, tile_id="debt-kpi-interest")


# -- charts --------------------------------------------------------------------------------

def limit_chart(state: drill.PageState, pos: DebtPosition):
    codes = list(nav.TYPE_NAMES)
    flagged = [over_limit(state, c, pos.limit[DEBT_TYPES[c]]) for c in codes]
    fig = charts.budget_vs_actual(
        [nav.type_name(c) for c in codes],
        [(_("限额"), [pos.limit[DEBT_TYPES[c]] for c in codes], charts.BUDGET_COLOR),
         (_("余额"), [pos.balance[DEBT_TYPES[c]] for c in codes], charts.ACTUAL_COLOR)],
        title=_("{region}：债务限额与余额").format(region=nav.region_name(state)),
        subtitle=_("限额为本区划当年批准的限额（本级数据）；余额含下级区划；括号内为余额占限额的比例"),
        note=nav.note(state), hrefs=[nav.link(state, debt_type=c) for c in codes],
        flags=[levels.text(lv) + " " + _("超限额") if levels.flagged(lv) else "" for lv in flagged],
        flag_levels=[lv if levels.flagged(lv) else None for lv in flagged], dark=state.dark)
    return drill.chart("debt-limit", fig, _("债务限额与余额"))


def _bands(rule_id: str) -> list[tuple[float, str | None, str]]:
    """The rule's lines in force as bands for a bullet (the level each starts)."""
    rule, values = RULES[rule_id], view.rule_settings()[rule_id].thresholds
    lines = sorted((float(values[t.key]), t.level) for t in rule.thresholds if t.level)
    return [(0.0, "green", levels.LEVELS["green"].label),
            *((v, lv, f"{levels.LEVELS[lv].label} ≥{fmt.pct(v, 0)}") for v, lv in lines)]


def no_data(base_label: str) -> str:
    """`无综合财力数据`: a bar label where the base was not reported (`base_label` marked with N_)."""
    return _("无{base}数据").format(base=_(base_label))


def ratio_chart(state: drill.PageState, pos: DebtPosition):
    rows = []
    for rule_id, name, base_label, field in RATIOS:
        base = getattr(pos, field)
        value = ratio(pos.total_balance, base)
        level = band(rule_id, value, view.rule_settings())
        text = f"{fmt.pct(value)}  {levels.text(level)}" if value is not None \
            else f"{no_data(base_label)}  {levels.text(None)}"
        formula = _("债务余额 {balance} ÷ {base} {amount}").format(
            balance=fmt.money(pos.total_balance), base=_(base_label), amount=fmt.money(base))
        rows.append(Bullet(_(name), value, text,
                           f"<b>{_(name)}</b> = {formula}<br>{levels.text(level)}<br>"
                           f"{view.rule_note(rule_id)}", _bands(rule_id)))
    fig = band_bullets(rows, title=_("{region}：债务率与负债率").format(region=nav.region_name(state)),
                       subtitle=_("债务率 = 债务余额 ÷ 综合财力；负债率 = 债务余额 ÷ 地区生产总值；"
                                  "底色为规则的分档"), note=nav.note(state), dark=state.dark)
    return drill.chart("debt-ratios", fig, _("债务率与负债率"))


def interest_chart(state: drill.PageState):
    burden = cached_call(interest_burden, nav.scope(state))
    codes = list(nav.TYPE_NAMES)
    items = [burden[DEBT_TYPES[c]] for c in codes]
    found = [band("INTEREST_BURDEN", b.share, view.rule_settings()) for b in items]
    line = float(view.rule_settings()["INTEREST_BURDEN"].thresholds["red_share"])
    year = state.filters.as_of.year
    payable = _("{year}年应付利息").format(year=year)
    fig = charts.ratio_bars(
        [nav.type_name(c) for c in codes], [b.share for b in items], found,
        [f"{fmt.pct(b.share)}  {levels.text(lv)}" if b.share is not None
         else f"{no_data(BASES[c])}  {levels.text(None)}" for c, b, lv in zip(codes, items, found)],
        [f"<b>{nav.type_name(c)}</b><br>{payable} {fmt.money(b.interest)}<br>"
         f"{_(BASES[c])} {fmt.money(b.expenditure)}<br>{view.rule_note('INTEREST_BURDEN')}"
         for c, b in zip(codes, items)],
        reference=line, reference_label=_("严重线 {line}").format(line=fmt.pct(line, 0)),
        title=_("{region}：{year}年付息支出占比").format(region=nav.region_name(state), year=year),
        subtitle=_("一般债务利息 ÷ 一般公共预算支出，专项债务利息 ÷ 政府性基金预算支出；"
                   "利息为当年应付（含下级区划的债券），支出为本级数据"),
        note=nav.note(state), hrefs=[nav.link(state, debt_type=c) for c in codes],
        dark=state.dark)
    return drill.chart("debt-interest", fig, _("付息支出占比"))


# -- the regions below -------------------------------------------------------------------------

def comparison(state: drill.PageState) -> list:
    """Each region one level below (for all regions with one root: below the
    root), its balance against its own limits and its ratios."""
    scope = nav.scope(state)
    roots = cached_call(own_regions, None)
    if scope.mof_div is None and len(roots) == 1:
        scope = scope.replace(mof_div=roots[0])
    kids = cached_call(debt_by_region, scope)
    if not kids:
        return []
    settings = view.rule_settings()
    line = float(settings["DEBT_RATIO"].thresholds["yellow_ratio"])
    hrefs = [state.link(mof_div=k.code, **dict.fromkeys(nav.KEYS)) for k in kids]
    found = [band("DEBT_RATIO", k.position.debt_ratio, settings) for k in kids]
    fig = charts.ratio_bars(
        [k.name for k in kids], [k.position.debt_ratio for k in kids], found,
        [f"{fmt.pct(k.position.debt_ratio)}  {levels.text(lv)}" if k.position.debt_ratio is not None
         else _("无综合财力数据") + f"  {levels.text(None)}" for k, lv in zip(kids, found)],
        [f"<b>{k.name}</b><br>" + _("债务余额 {balance}<br>综合财力 {capacity}<br>点击查看该区划").format(
            balance=fmt.money(k.position.total_balance), capacity=fmt.money(k.position.capacity))
         for k in kids],
        reference=line, reference_label=_("关注线 {line}").format(line=fmt.pct(line, 0)),
        title=_("{region}：下级区划债务率").format(
            region=view.names().region.get(scope.mof_div, _("全部区划"))),
        subtitle=_("各区划债务余额（含其下级）÷ 本区划综合财力；没有综合财力数据的区划不评价"),
        note=nav.note(state), hrefs=hrefs, dark=state.dark)
    rows = []
    for k, h, lv in zip(kids, hrefs, found):
        p = k.position
        over = [nav.type_name(c) for c in nav.TYPE_NAMES
                if levels.flagged(over_limit(state, c, p.limit[DEBT_TYPES[c]], k.code))]
        rows.append({"name": k.name, "general": grid.wan(p.balance["general"]),
                     "general_limit": grid.wan(p.limit["general"]),
                     "special": grid.wan(p.balance["special"]),
                     "special_limit": grid.wan(p.limit["special"]),
                     "ratio": p.debt_ratio, "liability": p.liability_ratio,
                     "level": _("{level}；{red} {types}超限额").format(
                         level=levels.text(lv), red=levels.text("red"), types=_("、").join(over))
                     if over else levels.text(lv),
                     "lvl": levels.worst(lv, "red" if over else None), "href": h})
    return [
        html.H3(ngettext("下级区划比较（{n} 个）", "下级区划比较（{n} 个）", len(kids)).format(n=len(kids)),
                className="section-title"),
        html.P(_("点击条形或一行，查看该区划的债务。"), className="drill-hint"),
        drill.chart("debt-regions", fig, _("下级区划债务率")),
        grid.drill_list("debt-region-rows", [
            {"field": "name", "headerName": _("区划"), "minWidth": 160},
            grid.money_col("general", _("一般债务余额")),
            grid.money_col("general_limit", _("一般债务限额")),
            grid.money_col("special", _("专项债务余额")),
            grid.money_col("special_limit", _("专项债务限额")),
            grid.rate_col("ratio", _("债务率")), grid.rate_col("liability", _("负债率")),
            grid.level_col("level", _("债务率等级与限额"))], rows, dark=state.dark, max_height=520),
    ]


# -- the section ----------------------------------------------------------------------------------

def section(state: drill.PageState, path: nav.Path) -> list:
    pos = cached_call(debt_position, nav.scope(state))
    if path.debt_type:
        return type_view(state, path, pos)
    out: list = [html.Div([
        type_tile(state, pos, "1", nav.link(state, debt_type="1")),
        type_tile(state, pos, "2", nav.link(state, debt_type="2")),
        *(ratio_tile(pos, rule_id, title, base_label, getattr(pos, field))
          for rule_id, title, base_label, field in RATIOS),
    ], className="kpi-grid drill-kpis", id="debt-tiles")]
    out.append(html.P(_("点击债务类型的条形，查看该类债务的债券。"), className="drill-hint"))
    out.append(dbc.Row([dbc.Col(limit_chart(state, pos), xl=6, lg=12),
                        dbc.Col(ratio_chart(state, pos), xl=6, lg=12)], className="g-4"))
    out.append(interest_chart(state))
    return out + comparison(state)


def type_view(state: drill.PageState, path: nav.Path, pos: DebtPosition) -> list:
    code = path.debt_type
    rows = cached_call(bonds, nav.scope(state), debt_type=code)
    return [
        html.Div([type_tile(state, pos, code, None), burden_tile(state, code)],
                 className="kpi-grid drill-kpis", id="debt-tiles"),
        dcc.Link(_("查看{type}的到期结构 ›").format(type=nav.type_name(code)),
                 href=nav.link(state, tab="maturity", debt_type=code), className="kpi-link"),
        *bond_section.bond_list(state, rows, _("{region}的{bonds}").format(
            region=nav.region_name(state), bonds=_(BONDS[code]))),
    ]

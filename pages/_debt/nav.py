"""The drill state of 政府债务 a URL names, checked against the store: the
section (`tab`), the debt type, the maturity year and month, the bond and
its project, and the year of the project's payments; the crumbs of that
path; the scope every figure is asked for; and what the rule engine says
about an entity (its level, in words)."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from components import drill, levels
from components import format as fmt
from data.i18n import N_, _
from data.query import Scope
from data.query.debt import Bond, BondProject, bond_projects, bonds
from data.rules import LEVEL_ORDER, RULES
from service import view
from service.cache import cached_call

TABS = [("position", N_("债务概况")), ("maturity", N_("到期与偿还")), ("bonds", N_("债券借用还"))]
TAB_NAMES = dict(TABS)
TYPE_NAMES = {"1": N_("一般债务"), "2": N_("专项债务")}
KEYS = ("debt_type", "due_year", "due_month", "bond", "project", "pay_year", "q")
SOURCE = N_("债务限额、债券、还本付息、综合财力")
MONTHS = (N_("1月"), N_("2月"), N_("3月"), N_("4月"), N_("5月"), N_("6月"),
          N_("7月"), N_("8月"), N_("9月"), N_("10月"), N_("11月"), N_("12月"))


class Path(NamedTuple):
    """(A NamedTuple: the pages loader does not register page modules where
    dataclasses look.)"""
    tab: str
    debt_type: str | None = None
    due_year: int | None = None
    due_month: str | None = None  # 'YYYY-MM'
    bond: Bond | None = None
    project: BondProject | None = None
    pay_year: int | None = None


def scope(state: drill.PageState) -> Scope:
    """D and the region: what every debt figure is asked for."""
    return Scope(as_of=state.filters.as_of, mof_div=state.filters.mof_div)


def region_name(state: drill.PageState) -> str:
    return view.region_name(state.filters.mof_div)


def type_name(code: str) -> str:
    """一般债务 / 专项债务 in the current language; an unknown code as it is."""
    return _(TYPE_NAMES[code]) if code in TYPE_NAMES else code


def year_label(year: int | str) -> str:
    return _("{year}年").format(year=year)


def month_name(month: int) -> str:
    """`9月` / `Sep`: a month of a year already shown."""
    return _(MONTHS[month - 1])


def _year(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) == 4 else None


def _month(raw: str | None) -> str | None:
    try:
        return raw if raw and len(raw) == 7 and date.fromisoformat(raw + "-01") else None
    except ValueError:
        return None


def resolve(state: drill.PageState) -> tuple[Path, list[str]]:
    p, notes = state.params, []
    tab = drill.choice(p.get("tab"), list(TAB_NAMES), "position")
    debt_type = drill.choice(p.get("debt_type"), list(TYPE_NAMES), "") or None
    due_month = _month(p.get("due_month")) if tab == "maturity" else None
    due_year = int(due_month[:4]) if due_month else \
        _year(p.get("due_year")) if tab == "maturity" else None
    bond = project = None
    if p.get("bond"):
        bond = next((b for b in cached_call(bonds, scope(state)) if b.code == p["bond"]), None)
        if bond is None:
            notes.append(_("债券“{code}”不在所选区划，或截至日期尚未发行，已显示上一级。")
                         .format(code=p["bond"]))
    if bond is not None and p.get("project"):
        project = next((x for x in cached_call(bond_projects, scope(state), bond=bond.code)
                        if x.pro_code == p["project"]), None)
        if project is None:
            notes.append(_("项目“{code}”不是该债券安排的项目，已显示债券。").format(code=p["project"]))
    pay_year = _year(p.get("pay_year")) if project else None
    return Path(tab, debt_type, due_year, due_month, bond, project, pay_year), notes


def link(state: drill.PageState, **changes) -> str:
    """This page's URL with `changes`, without the payment search (a search
    belongs to the level it was made on)."""
    return state.link(q=None, **changes)


def bond_link(state: drill.PageState, code: str) -> str:
    return link(state, bond=code, project=None, pay_year=None)


def crumbs(state: drill.PageState, path: Path) -> list[drill.Crumb]:
    steps = []
    if path.debt_type:
        steps.append(("debt_type", path.debt_type, type_name(path.debt_type)))
    if path.due_year:
        steps.append(("due_year", str(path.due_year), _("{year}年到期").format(year=path.due_year)))
    if path.due_month:
        steps.append(("due_month", path.due_month, month_name(int(path.due_month[5:]))))
    if path.bond:
        steps.append(("bond", path.bond.code, _("债券：{name}").format(name=path.bond.name)))
    if path.project:
        steps.append(("project", path.project.pro_code,
                      _("项目：{name}").format(name=path.project.pro_name)))
    root = f"{region_name(state)} · {_(TAB_NAMES[path.tab])}"
    return drill.crumbs_for(state, root, steps)


def tabs(state: drill.PageState, path: Path):
    """The sections; a bond's view belongs to 债券借用还 whichever list it was
    opened from."""
    return drill.tabs(state, TABS, "bonds" if path.bond else path.tab)


def type_switch(state: drill.PageState, path: Path, name: str):
    """全部 / 一般债务 / 专项债务: narrows the lists and the wall of a section."""
    return drill.switch(_("债务类型"), [(_("全部"), link(state, debt_type=None), path.debt_type is None)]
                        + [(type_name(code), link(state, debt_type=code), path.debt_type == code)
                           for code in TYPE_NAMES], name)


def note(state: drill.PageState, source: str = SOURCE) -> str:
    """The charts' caption; `source` marked with N_."""
    return fmt.as_of_note(state.filters.as_of, _(source))


def in_force(rule_id: str) -> bool:
    return view.rule_settings()[rule_id].enabled


# -- the rule engine's word on an entity ----------------------------------------------------

def flag(as_of: date, entity_type: str, code: str, *rule_ids: str) -> tuple[str | None, str | None]:
    """(level, rule) of the worst breach of `rule_ids` on one entity as of D."""
    found = view.flags(as_of, entity_type).get(code, {})
    hits = [(lv, r) for r, lv in found.items() if r in rule_ids]
    return min(hits, key=lambda h: LEVEL_ORDER[h[0]], default=(None, None))


def flag_text(level: str | None, rule_id: str | None) -> str:
    """`▲严重 债务逾期`; empty without a breach."""
    return f"{levels.text(level)} {RULES[rule_id].name}" if level else ""

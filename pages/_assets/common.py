"""What the 国有资产 tabs share: the scope of a state, the region crumbs,
captions, and the rule engine's levels of an enterprise or an agency (the
breaches as of D, else the banding of the figure) with their lines."""
from __future__ import annotations

from typing import NamedTuple

import dash_bootstrap_components as dbc
from dash import html

from components import drill, levels
from components import format as fmt
from components.asset_charts import Line
from components.grid import flag_text
from data.hierarchy import chain
from data.i18n import N_, _
from data.query import Scope
from data.query.assets import AssetRow, Enterprise
from data.rules import RULES, band
from data.rules.registry import SOE_LINE_GROUPS
from service import view

SOURCES = {"soe": N_("企业国有资产报表"), "financial": N_("企业国有资产报表（金融企业）"),
           "admin": N_("行政事业性国有资产报告"), "natural": N_("国有自然资源报告")}
LINE_NAMES = {"yellow": N_("警戒线"), "red": N_("重点监管线")}  # SOE_ALR's lines, as SASAC names them
TOP_N = 20  # bars on one projector screen; the tables list every row


def scope(state: drill.PageState) -> Scope:
    """D and the region: the other global filters do not cut assets."""
    return Scope(as_of=state.filters.as_of, mof_div=state.filters.mof_div)


def note(state: drill.PageState, tab: str) -> str:
    return fmt.as_of_note(state.filters.as_of, _(SOURCES[tab]))


def period_label(period: str | None) -> str:
    """A report's period (`2025-09`) as people read it: 2025年9月 / Sep 2025."""
    return "—" if not period else fmt.month_label(int(period[:4]), int(period[5:7]))


def region_label(state: drill.PageState) -> str:
    return view.region_name(state.filters.mof_div)


def crumbs(state: drill.PageState, steps=()) -> list[drill.Crumb]:
    """全部区划 › each region down to the chosen one › the drill steps."""
    names = view.names()
    mof_div = state.filters.mof_div
    regions = [("mof_div", c, names.region.get(c, c))
               for c in (chain(names.region_parent, mof_div) if mof_div else [])]
    return drill.crumbs_for(state, _("全部区划"), regions + list(steps))


def breach_alerts(found, name: str, notes: dict[str, str]) -> html.Div | None:
    """The rule engine's breaches of one entity, each with its level in words,
    the rule (its lines in the tooltip, from `notes`) and the message."""
    if not found:
        return None
    return html.Div([dbc.Alert([levels.badge(b.level, RULES[b.rule].name, notes[b.rule]),
                                html.Span(f" {view.breach_message(b)}", className="ms-2")],
                               color="danger" if b.level == "red" else "warning",
                               className="drill-notice")
                     for b in found], id=f"{name}-breaches", className="assets-breaches")


def rule_columns(columns: list[dict], note: str) -> list[dict]:
    """Grid columns whose level column (field `level`) names the rule and its
    lines in its header's tooltip."""
    return [{**c, "headerTooltip": note} if c["field"] == "level" else c for c in columns]


def rule_breaches(state: drill.PageState, rule: str, mof_div: str | None = None) -> list:
    """The breaches of one rule as of D, within a region and below (None: all)."""
    parents = view.names().region_parent
    return [b for b in view.breaches(state.filters.as_of) if b.rule == rule
            and (mof_div is None or (b.mof_div and mof_div in chain(parents, b.mof_div)))]


def entity_breaches(state: drill.PageState, code: str, rules: tuple[str, ...]) -> list:
    return [b for r in rules for b in rule_breaches(state, r) if b.entity_code == code]


class Judge(NamedTuple):
    """What the rule engine says for one request: the breaches of some rules
    as of D by entity, the settings in force and each rule's note (its name
    and lines), read once (each is a cache round trip)."""

    flags: dict[str, dict[str, str]]  # entity_code → {rule: level}
    settings: dict
    notes: dict[str, str]


def judge(state: drill.PageState, rules: tuple[str, ...]) -> Judge:
    flags: dict[str, dict[str, str]] = {}
    for r in rules:
        for b in rule_breaches(state, r):
            flags.setdefault(b.entity_code, {})[r] = b.level
    return Judge(flags, view.rule_settings(), {r: view.rule_note(r) for r in rules})


# -- enterprises ---------------------------------------------------------------------------

SOE_RULES = ("SOE_ALR", "SOE_LOSS")


def alr_lines(industry_type: str, j: Judge) -> list[Line]:
    """SOE_ALR's lines in force for an industry type ([] for financial enterprises)."""
    group = SOE_LINE_GROUPS.get(industry_type)
    values = j.settings["SOE_ALR"].thresholds
    return [Line(_(LINE_NAMES[t.level]) if t.level in LINE_NAMES else levels.text(t.level),
                 float(values[t.key]), t.level)
            for t in RULES["SOE_ALR"].thresholds if group and t.group == group and t.level]


def alr_level(e: Enterprise, j: Judge, as_of_d: bool = True) -> str | None:
    """The enterprise's SOE_ALR level: its breach as of D (`as_of_d`), else the
    banding of its ratio (a report of another period is only banded)."""
    found = j.flags.get(e.code, {}).get("SOE_ALR") if as_of_d else None
    return found or band("SOE_ALR", e.alr, j.settings, industry_type=e.industry_type)


def loss_level(e: Enterprise, j: Judge, as_of_d: bool = True) -> str | None:
    found = j.flags.get(e.code, {}).get("SOE_LOSS") if as_of_d else None
    return found or band("SOE_LOSS", e.profit / 100, j.settings)


def soe_status(e: Enterprise, j: Judge) -> tuple[str, str | None]:
    """(`▲严重 国企资产负债率超警戒线；▲关注 国企亏损` or `●正常`, worst level)."""
    mine = {r: lv for r, lv in j.flags.get(e.code, {}).items() if r in SOE_RULES}
    if mine:
        return flag_text(mine), levels.worst(*mine.values())
    lv = levels.worst(alr_level(e, j), loss_level(e, j))
    return levels.text(lv), lv


# -- agencies ------------------------------------------------------------------------------

def idle_line(j: Judge) -> Line:
    return Line(_("关注线"), float(j.settings["IDLE_ASSETS"].thresholds["yellow_share"]), "yellow")


def idle_level(row: AssetRow, j: Judge, as_of_d: bool = True) -> str | None:
    """An agency's IDLE_ASSETS level: its breach as of D (`as_of_d`), else the
    banding of its idle share."""
    found = j.flags.get(row.code, {}).get("IDLE_ASSETS") if as_of_d else None
    return found or band("IDLE_ASSETS", row.idle_share, j.settings)


def idle_status(level: str | None) -> str:
    return f"{levels.text(level)} {RULES['IDLE_ASSETS'].name}" if levels.flagged(level) \
        else levels.text(level)

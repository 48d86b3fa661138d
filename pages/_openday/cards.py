"""The open-day home's cards: one headline figure each, large, with its
level (icon and word, from the rule engine), a line or two of context, the
"这是什么？" explanation from the glossary and a big button to the page
behind it. The problem loop's card is filled by its own callback on every
request, as on the overview (problems change without an import)."""
from __future__ import annotations

from collections import Counter

from dash import Input, Output, callback, dcc, html, no_update

from components import explain, levels, urlstate
from data.glossary import TERMS
from data.i18n import _, ngettext
from data.query.problems import Summary
from pages._overview.tiles import problem_counts, problem_lines
from service import view

GLOSSARY_PATH = "/glossary"
WARNINGS_PATH = "/warnings"
PROBLEMS_SLOT = "openday-problems"
PROBLEMS_QUERY = "openday-problems-query"


def glossary_href(term: str, params: dict[str, str]) -> str:
    return urlstate.link(GLOSSARY_PATH, urlstate.keep_global(params)) + f"#{term}"


def button(text: str, href: str, icon: str, button_id: str | None = None) -> dcc.Link:
    """A big touch button (≥ 44 px) to another page."""
    return dcc.Link([html.I(className=f"bi {icon} me-2", **{"aria-hidden": "true"}), text],
                    href=href, className="btn btn-primary openday-button",
                    **({"id": button_id} if button_id else {}))


def card(title: str, figure: str, unit: str = "", *, term: str, params: dict[str, str],
         level: str | None = None, level_title: str | None = None, sub: list | None = None,
         href: str | None = None, link_text: str | None = None, card_id: str) -> html.Section:
    """`level` None shows no badge (no rule judges the figure); the link
    says 查看详情 unless `link_text` says otherwise."""
    t = TERMS[term]
    lines = view.rule_note(t.rule) if t.rule else None
    head = [html.H2(title, className="openday-card-title")]
    if level is not None:
        head.append(levels.badge(level, title=level_title))
    return html.Section(
        [html.Div(head, className="openday-card-head"),
         html.Div([html.Span(figure, className="openday-figure-value"),
                   html.Span(unit, className="openday-unit") if unit else None],
                  className="openday-figure"),
         html.Div(sub, className="openday-sub") if sub else None,
         explain.folded(t, lines, glossary_href(term, params), panel_id=f"{card_id}-explain"),
         button(link_text or _("查看详情"), href, "bi-chevron-right") if href else None],
        className="openday-card", id=card_id, **({"data-level": level} if level else {}))


def warnings_card(found, params: dict[str, str]) -> html.Section:
    """The open breaches of the selection by level, each level a button into 预警中心."""
    counts = Counter(b.level for b in found)
    keep = urlstate.keep_global(params)
    by_level = [dcc.Link([levels.badge(lv), " " + ngettext("{n} 项", "{n} 项", counts[lv])
                          .format(n=counts[lv])],
                         href=urlstate.link(WARNINGS_PATH, {**keep, "level": lv}),
                         className="btn btn-outline-secondary openday-level",
                         id=f"openday-level-{lv}")
                for lv in ("red", "orange", "yellow")]
    return card(_("当前预警"), str(len(found)), _("项"), term="warning-level", params=params,
                level=levels.worst(*counts) or "green",
                sub=[html.Div(by_level, className="openday-levels")],
                href=urlstate.link(WARNINGS_PATH, keep), link_text=_("进入预警中心"),
                card_id="openday-warnings")


# -- the problem loop: fresh on every request ----------------------------------------------

def problems_slot(params: dict[str, str], mof_div: str | None) -> list:
    return [dcc.Store(id=PROBLEMS_QUERY, data={"mof_div": mof_div,
                                               "params": urlstate.keep_global(params)}),
            html.Div(id=PROBLEMS_SLOT, className="openday-slot")]


def problems_card(s: Summary, own_only: bool, params: dict[str, str], href: str | None):
    sub = problem_lines(s, own_only, "openday-problems-own")
    return card(_("问题闭环"), str(s.found), _("个问题"), term="problem-loop", params=params,
                sub=sub, href=href, link_text=_("进入问题闭环"), card_id="openday-problem-card")


@callback(Output(PROBLEMS_SLOT, "children"), Input(PROBLEMS_QUERY, "data"))
def problem_card(query: dict | None):
    """The card for the viewer of this request: a deputy's own problems."""
    counts = problem_counts(query)
    if counts is None:
        return no_update
    summary, own_only, href = counts
    return problems_card(summary, own_only, query.get("params") or {}, href)

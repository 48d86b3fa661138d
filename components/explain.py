"""The explanation of an indicator in plain Chinese: 这是什么 / 为什么重要 /
依据 (data.glossary, which takes a rule's indicator from the rule registry),
with the rule's warning lines in force where a rule judges it. As a panel on
the glossary page, and folded behind a "这是什么？" button on a card."""
from __future__ import annotations

from dash import dcc, html

from data.glossary import Term
from data.i18n import N_, _

SECTIONS = (("what", N_("这是什么")), ("why", N_("为什么重要")), ("basis", N_("依据")))


def panel(term: Term, lines: str | None = None, more_href: str | None = None) -> html.Dl:
    """The three answers; `lines` the rule's lines in force (`关注线：… ；严重线：…`),
    `more_href` a link to the term in the glossary."""
    rows = []
    for field, label in SECTIONS:
        rows += [html.Dt(_(label)), html.Dd(_(getattr(term, field)), **{"data-section": field})]
    if lines:
        rows += [html.Dt(_("预警线")), html.Dd(lines, **{"data-section": "lines"})]
    if more_href:
        rows.append(html.Dd(dcc.Link(_("在名词解释中查看 ›"), href=more_href,
                                     className="explain-more touch-link")))
    return html.Dl(rows, className="explain-panel")


def folded(term: Term, lines: str | None = None, more_href: str | None = None,
           panel_id: str | None = None) -> html.Details:
    """The panel behind a "这是什么？" button (a native disclosure: no callback,
    works with the keyboard and a screen reader)."""
    return html.Details(
        [html.Summary([html.I(className="bi bi-question-circle me-1", **{"aria-hidden": "true"}),
                       _("这是什么？")], className="explain-button"),
         panel(term, lines, more_href)],
        className="explain", id=panel_id, **{"data-term": term.key})

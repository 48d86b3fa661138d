"""名词解释 (/glossary): every term of data.glossary with 这是什么 / 为什么重要 /
依据 (and a rule's warning lines in force), filtered as one types in the
search box (in the browser: the terms are few), each term reachable as
`/glossary#<key>`. The search matches the texts in the language shown."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, clientside_callback, dcc, html

from components import drill, explain
from data.glossary import TERMS, Term
from data.i18n import N_, _, ngettext
from pages._shared import scaffold
from service import view

PATH = "/glossary"
dash.register_page(__name__, path=PATH, name=N_("名词解释"),
                   title=scaffold.browser_title(N_("名词解释")), order=91, icon="bi-book",
                   description=scaffold.in_language(N_("通俗解释页面上出现的财政名词和指标")))


def search_text(term: Term) -> str:
    """What the search box matches: the term's texts as shown, and its key."""
    return " ".join((_(term.name), term.key, _(term.what), _(term.why), _(term.basis)))


def entry(key: str) -> html.Article:
    term = TERMS[key]
    name = _(term.name)
    return html.Article(
        [html.H2([name, html.A("#", href=f"#{key}", className="glossary-anchor",
                               **{"aria-label": _("{name}的链接").format(name=name)})],
                 className="glossary-name"),
         explain.panel(term, view.rule_note(term.rule) if term.rule else None)],
        id=key, className="glossary-term")


# Works without data: the page is rendered on every request (the terms are
# fixed; a rule's lines in force come from the cached settings).
@scaffold.page(PATH, N_("名词解释"), empty="", page_id="glossary", live=True)
def layout(_state: drill.PageState, _tab: None) -> scaffold.View:
    n = len(TERMS)
    return scaffold.View(
        caption=ngettext("共 {n} 个名词；输入关键词即可查找，例如“债务”“预算”。",
                         "共 {n} 个名词；输入关键词即可查找，例如“债务”“预算”。", n).format(n=n),
        body=[html.Label(_("查找名词"), htmlFor="glossary-search", className="visually-hidden"),
              dcc.Input(id="glossary-search", type="search", debounce=False,
                        placeholder=_("查找名词，例如：序时进度"),
                        className="form-control glossary-search"),
              dcc.Store(id="glossary-texts", data={k: search_text(t) for k, t in TERMS.items()}),
              html.P(id="glossary-none", className="glossary-none", hidden=True,
                     children=_("没有找到这个名词，可以换个说法，或点“提问 / 反映问题”问工作人员。")),
              html.Div([html.Div(entry(k), id={"type": "glossary-term", "key": k})
                        for k in TERMS], className="glossary-list")])


clientside_callback(
    """
    function (query, texts, ids) {
        const q = (query || "").trim().toLowerCase();
        const hide = ids.map((id) => q !== "" && !texts[id.key].toLowerCase().includes(q));
        return [hide, !hide.every(Boolean)];
    }
    """,
    Output({"type": "glossary-term", "key": ALL}, "hidden"),
    Output("glossary-none", "hidden"),
    Input("glossary-search", "value"), State("glossary-texts", "data"),
    State({"type": "glossary-term", "key": ALL}, "id"),
)

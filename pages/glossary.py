"""名词解释 (/glossary): every term of data.glossary with 这是什么 / 为什么重要 /
依据 (and a rule's warning lines in force), filtered as one types in the
search box (in the browser: the terms are few), each term reachable as
`/glossary#<key>`."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, clientside_callback, dcc, html

from components import drill, explain
from data.glossary import TERMS
from pages._shared import scaffold
from service import view

PATH = "/glossary"
dash.register_page(__name__, path=PATH, name="名词解释", title="名词解释 · 财政监督大脑", order=91,
                   icon="bi-book", description="通俗解释页面上出现的财政名词和指标")


def entry(key: str) -> html.Article:
    term = TERMS[key]
    return html.Article(
        [html.H2([term.name, html.A("#", href=f"#{key}", className="glossary-anchor",
                                    **{"aria-label": f"{term.name}的链接"})],
                 className="glossary-name"),
         explain.panel(term, view.rule_note(term.rule) if term.rule else None)],
        id=key, className="glossary-term")


# Works without data: the page is rendered on every request (the terms are
# fixed; a rule's lines in force come from the cached settings).
@scaffold.page(PATH, "名词解释", empty="", page_id="glossary", live=True)
def layout(_state: drill.PageState, _tab: None) -> scaffold.View:
    return scaffold.View(
        caption=f"共 {len(TERMS)} 个名词；输入关键词即可查找，例如“债务”“预算”。",
        body=[html.Label("查找名词", htmlFor="glossary-search", className="visually-hidden"),
              dcc.Input(id="glossary-search", type="search", debounce=False,
                        placeholder="查找名词，例如：序时进度", className="form-control glossary-search"),
              dcc.Store(id="glossary-texts", data={k: t.search_text() for k, t in TERMS.items()}),
              html.P(id="glossary-none", className="glossary-none", hidden=True,
                     children="没有找到这个名词，可以换个说法，或点“提问 / 反映问题”问工作人员。"),
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

"""国有资产: the four categories of state assets. 国有企业 (each enterprise's
asset-liability ratio against its industry's lines, losses, the monthly
trend) drilled to one enterprise's periods; 金融企业 apart; 行政事业性资产 by
class, region and agency, drilled to one agency's classes and periods; 国有
自然资源 by type and region. Every state is the URL: `tab`, `enterprise`,
`agency` and the global filters (the rule engine's links use
`/assets?mof_div=…&enterprise=…&tab=soe` and `…&agency=…&tab=admin`)."""
from __future__ import annotations

from dataclasses import replace

import dash

from components import drill
from components import format as fmt
from data.i18n import N_, _
from pages._assets import admin, agency, enterprise, financial, natural, soe
from pages._shared import scaffold
from service import view

PATH = "/assets"
dash.register_page(__name__, path=PATH, name=N_("国有资产"),
                   title=scaffold.browser_title(N_("国有资产")), order=5, icon="bi-buildings",
                   description=scaffold.in_language(N_("企业、金融企业、行政事业性资产和自然资源，资产负债率与闲置资产预警")))

TABS = [("soe", N_("国有企业")), ("financial", N_("金融企业")), ("admin", N_("行政事业性资产")),
        ("natural", N_("国有自然资源"))]
ROOTS = {"soe": soe.section, "financial": financial.section, "admin": admin.section,
         "natural": natural.section}


def without(state: drill.PageState, key: str) -> drill.PageState:
    """The state with a drill key the store cannot show dropped, so every link
    and crumb of the level shown instead leaves it out."""
    return replace(state, params={k: v for k, v in state.params.items() if k != key})


def body(state: drill.PageState, tab: str) -> tuple[list, list[str]]:
    """The drill level the URL names (an enterprise, an agency), or the tab's
    top level with a notice when the code shows nothing at D in the region."""
    key = {"soe": "enterprise", "financial": "enterprise", "admin": "agency"}.get(tab)
    code = state.get(key) if key else None
    if code:
        found = enterprise.history(state) if key == "enterprise" else agency.reports(state)
        if found:
            section = enterprise.section if key == "enterprise" else agency.section
            return section(state, found), []
        if key == "enterprise":
            notice = _("链接中的企业代码“{code}”在所选区划截至日期前没有报表，已显示上一级。")
        elif code not in view.names().agency:
            notice = _("链接中的单位代码“{code}”不存在，已显示上一级。")
        else:
            notice = _("链接中的单位代码“{code}”在所选区划截至日期前没有报表，已显示上一级。")
        top, notes = ROOTS[tab](without(state, key))
        return top, [notice.format(code=code), *notes]
    return ROOTS[tab](state)


@scaffold.page(PATH, N_("国有资产"), empty=N_("请先导入国资、财政部门报送的国有资产数据。"),
               page_id="assets", tabs=TABS)
def layout(state: drill.PageState, tab: str) -> scaffold.View:
    content, notes = body(state, tab)
    return scaffold.View(
        caption=f"{fmt.as_of_note(state.filters.as_of)} · "
                + _("企业和单位均取截至日期所在月及以前最近一期报表"),
        body=content, notices=notes)

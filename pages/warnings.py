"""预警中心: every breach of the warning rules as of D, by level and rule,
filterable by level, rule, area, region and department, each linking to the
drill state that shows it; the trend of open breaches over evaluations; and
the rule catalogue with explanations, bases and the thresholds in force,
which staff change here. State in the URL: `tab`, `level`, `rule`, `area`,
`dept` and the global filters."""
from __future__ import annotations

import dash

from components import drill
from components import format as fmt
from data.i18n import N_, _
from pages._shared import scaffold
from pages._warnings import breaches, catalogue, trend

PATH = "/warnings"
dash.register_page(__name__, path=PATH, name=N_("预警中心"),
                   title=scaffold.browser_title(N_("预警中心")), order=7,
                   icon="bi-exclamation-triangle",
                   description=scaffold.in_language(N_("所有预警规则、当前预警、变化趋势和阈值设置")))

TABS = [("breaches", N_("当前预警")), ("trend", N_("变化趋势")), ("rules", N_("规则与阈值"))]


@scaffold.page(PATH, N_("预警中心"), empty=N_("请先导入数据，导入后自动评估预警规则。"),
               page_id="warn", tabs=TABS)
def layout(state: drill.PageState, tab: str) -> scaffold.View:
    body, notes = {"breaches": breaches.section, "trend": trend.section,
                   "rules": catalogue.section}[tab](state)
    as_of = state.filters.as_of
    caption = f"{fmt.as_of_note(as_of)} · " + _("评估日 {date}").format(date=fmt.long_date(as_of))
    return scaffold.View(caption=caption, body=body, notices=notes)

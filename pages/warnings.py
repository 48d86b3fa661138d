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
from pages._shared import scaffold
from pages._warnings import breaches, catalogue, trend

PATH = "/warnings"
dash.register_page(__name__, path=PATH, name="预警中心", title="预警中心 · 财政监督大脑", order=7,
                   icon="bi-exclamation-triangle", description="所有预警规则、当前预警、变化趋势和阈值设置")

TABS = [("breaches", "当前预警"), ("trend", "变化趋势"), ("rules", "规则与阈值")]


@scaffold.page(PATH, "预警中心", empty="请先导入数据，导入后自动评估预警规则。", page_id="warn",
               tabs=TABS)
def layout(state: drill.PageState, tab: str) -> scaffold.View:
    body, notes = {"breaches": breaches.section, "trend": trend.section,
                   "rules": catalogue.section}[tab](state)
    return scaffold.View(caption=f"{fmt.as_of_note(state.filters.as_of)} · 评估日 "
                                 f"{fmt.long_date(state.filters.as_of)}",
                         body=body, notices=notes)

"""政府债务: limits against the balance at D by type (general / special), 债务率
and 负债率 against their bands and the interest burden, the regions below; the
maturity wall by year and month with repayments due soon and overdue; and
bonds' 借、用、还: bond → projects → spending → repayment schedule. Every state
is the URL: `tab`, `debt_type`, `due_year`, `due_month`, `bond`, `project`,
`pay_year`, `q` and the global filters (the rule engine links here with
`mof_div`, `bond` and `debt_type`)."""
from __future__ import annotations

import dash

from components import drill
from components.breadcrumb import breadcrumb
from data.i18n import N_, _
from pages._debt import bonds, maturity, nav, position
from pages._shared import scaffold

PATH = "/debt"
dash.register_page(__name__, path=PATH, name=N_("政府债务"),
                   title=scaffold.browser_title(N_("政府债务")), order=4, icon="bi-bank",
                   description=scaffold.in_language(N_("债务限额与余额、债务率、到期结构、专项债借用还")))

SECTIONS = {"position": position.section, "maturity": maturity.section, "bonds": bonds.section}


@scaffold.page(PATH, N_("政府债务"), empty=N_("请先导入债务限额、债券、还本付息和综合财力数据。"),
               page_id="debt")
def layout(state: drill.PageState, _tab: None) -> scaffold.View:
    path, notes = nav.resolve(state)
    section = "bonds" if path.bond else path.tab
    return scaffold.View(
        caption=f"{nav.note(state)} · " + _("余额、利息含下级区划，限额和综合财力为本区划本级数据"),
        toolbar=[nav.tabs(state, path)],
        body=[breadcrumb(nav.crumbs(state, path), id="debt-breadcrumb"),
              *SECTIONS[section](state, path)],
        notices=notes)

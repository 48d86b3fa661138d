"""问题闭环: every problem from its finding to 销号 (SPEC §3.3). The
statistics (found, assigned, closed, rectification rate, overdue, days to
close; by month, unit and rule), the list under status, overdue, unit, rule
and the global region filter, and one problem (`id`) with its history, files
and the steps staff take. A deputy sees only the problems they raised; the
kiosk profile only the statistics. State in the URL: `tab`, `status`,
`overdue`, `unit`, `rule`, `id` and the global filters."""
from __future__ import annotations

from datetime import date

import dash

from components import drill
from components import format as fmt
from data.i18n import N_, _
from pages._problems import common, detail, listing, new, stats
from pages._shared import scaffold
from service import auth, view

dash.register_page(__name__, path=common.PATH, name=N_("问题闭环"),
                   title=scaffold.browser_title(N_("问题闭环")), order=8,
                   icon="bi-clipboard-check",
                   description=scaffold.in_language(N_("问题从发现、交办、整改、反馈到销号的全过程，逾期提醒和整改统计")))

TABS = [("list", N_("问题清单")), ("stats", N_("统计分析"))]
DEPUTY_NOTE = N_("您以人大代表账户登录：本页只显示您本人提出的问题及其统计。")
KIOSK_NOTE = N_("问题明细仅对登录账户显示，这里显示统计。")


@scaffold.page(common.PATH, N_("问题闭环"), empty=N_("导入数据后，预警可登记为问题。"),
               page_id="prob", tabs=TABS, live=True)
def layout(state: drill.PageState, tab: str) -> scaffold.View:
    viewer, today = auth.current_viewer(), date.today()
    caption = _("发现—交办—整改—反馈—销号的全过程 · 统计截至 {date}").format(
        date=fmt.long_date(today))
    notes = [_(DEPUTY_NOTE)] if viewer.role == "deputy" else []
    if viewer.kiosk:
        notes.append(_(KIOSK_NOTE))
    elif state.get("id"):
        title, body = detail.section(state, viewer)
        return scaffold.View(caption=caption, title=title, body=body, notices=notes)
    names, rows = view.names(), common.selection(state, viewer)
    listed = not viewer.kiosk
    body = [stats.tiles(state, rows, listed)]
    if tab == "stats" or not listed:
        body += stats.charts(state, rows, names, listed, today)
    else:
        section, more = listing.section(state, rows, names, today)
        body += section
        notes += more
        if viewer.can("handle_problems"):
            body.append(new.form(names))
    return scaffold.View(caption=caption, body=body, notices=notes)

"""使用留痕 (admins only): every sign-in, view of payment detail, export,
import, threshold change, account change and problem step, searchable by
user, action, dates and text (state in the URL), with the check of the
hash chain that shows whether any entry was changed or removed, and an
export of the selection to Excel or CSV. Not in the navigation."""
from __future__ import annotations

import dash

from components import drill
from data.i18n import N_, _
from pages._admin import trail
from pages._shared import scaffold

PATH = "/admin/audit"
dash.register_page(__name__, path=PATH, name=N_("使用留痕"),
                   title=scaffold.browser_title(N_("使用留痕")), nav=False,
                   icon="bi-journal-check", description=scaffold.in_language(N_("审计记录的查询、校验和导出")))


@scaffold.page(PATH, N_("使用留痕"), empty="", page_id="admin-audit", capability="read_audit",
               live=True)
def layout(state: drill.PageState, tab: str | None) -> scaffold.View:
    body, notes = trail.section(state)
    return scaffold.View(
        caption=_("登录、查看支付明细、导出、导入、修改阈值、账户变更和问题处理的记录；"
                  "记录只能追加，每条都带前一条的哈希，改动或删除任何一条都会在校验中显示。"),
        body=body, notices=notes)

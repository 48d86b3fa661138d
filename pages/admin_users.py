"""账户管理 (admins only): the accounts, their roles, passwords and API
tokens, and the kiosk profile for the wall display and the open day. Not in
the navigation; the shell links it for admins. Every change is checked again
in its callback and written to the audit trail."""
from __future__ import annotations

import dash

from components import drill
from data.i18n import N_, _
from pages._admin import accounts, kiosk
from pages._shared import scaffold

PATH = "/admin/users"
dash.register_page(__name__, path=PATH, name=N_("账户管理"),
                   title=scaffold.browser_title(N_("账户管理")), nav=False, icon="bi-people",
                   description=scaffold.in_language(N_("账户、角色、密码、API 令牌和展示屏模式")))


@scaffold.page(PATH, N_("账户管理"), empty="", page_id="admin-users",
               capability="manage_accounts", live=True)
def layout(state: drill.PageState, tab: str | None) -> scaffold.View:
    return scaffold.View(
        caption=_("新建和停用账户、重置密码、修改角色、签发 API 令牌，以及开关展示屏模式；"
                  "每项操作都记入使用留痕。"),
        body=[*accounts.section(), kiosk.section()])

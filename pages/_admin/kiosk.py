"""展示屏与开放日模式: the switch of the kiosk profile (pages open without
sign-in, read-only, personal data masked), with what it means in plain words."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html, no_update

from components import admin
from data import accounts
from data.db import get_engine
from data.i18n import N_, _
from pages._admin import guard

SWITCH = "kiosk-profile"
RESULT = "kiosk-profile-result"

EXPLAIN = N_("开启后，不登录也能浏览各数据页面，供大厅展示屏和开放日触摸屏使用："
             "只能查看，不能提问、处理问题、导入数据或修改阈值；收款人姓名、账号等个人信息被遮盖；"
             "账户管理和使用留痕仍须管理员登录。关闭后，每个页面都须登录才能查看。")


def _state(on: bool) -> str:
    return (_("当前：已开启，未登录的访问者可以只读浏览。") if on
            else _("当前：已关闭，所有页面都须登录。"))


@callback(Output(RESULT, "children"), Output(SWITCH, "value"),
          Input(SWITCH, "value"), prevent_initial_call=True)
def switch(value):
    viewer, refusal = guard.permitted("manage_accounts")
    engine = get_engine()
    if refusal is not None:  # the switch goes back to what is in force
        return refusal, accounts.kiosk_profile(engine)
    on = bool(value)
    accounts.set_kiosk_profile(engine, on, by=viewer.name, ip=viewer.ip)
    return admin.outcome((_("已开启。") if on else _("已关闭。")) + _state(on), "success"), no_update


def section() -> dbc.Card:
    on = accounts.kiosk_profile(get_engine())
    return dbc.Card(dbc.CardBody([
        html.H3(_("展示屏与开放日模式（免登录只读）"), className="section-title"),
        html.P(_(EXPLAIN), className="admin-explain"),
        dbc.Switch(id=SWITCH, value=on, label=_("允许不登录只读浏览（个人信息遮盖）"),
                   class_name="admin-kiosk-switch"),
        html.Div(html.P(_state(on), className="drill-hint"), id=RESULT, role="status",
                 **{"aria-live": "polite"}),
    ]), className="admin-card no-print", id="admin-kiosk")

"""账户: the accounts table and the forms that create an account, disable or
enable it, reset its password, change its role and issue it an API token.
Each callback checks `manage_accounts` itself and records who did it and
from where (the data layer writes the audit entry in the same transaction);
a generated password or token is shown once, in the result."""
from __future__ import annotations

from typing import Any, Callable

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components import admin
from data import accounts
from data.accounts import ROLE_ZH, ROLES, AccountError, Viewer
from data.db import get_engine
from data.i18n import _, pgettext
from pages._admin import guard

RESULT = "admin-result"
TABLE = "admin-accounts"
CHOSEN = "acct-name"


def _options(users: list[dict[str, Any]]) -> list[dict[str, str]]:
    def label(u: dict[str, Any]) -> str:
        role = _(ROLE_ZH.get(u["role"], u["role"]))
        return (_("{name}（{role}）") if u["active"] else _("{name}（{role}，已停用）")).format(
            name=u["username"], role=role)

    return [{"label": label(u), "value": u["username"]} for u in users]


def _role_options() -> list[dict[str, str]]:
    return [{"label": _(ROLE_ZH[r]), "value": r} for r in ROLES]


def _answer(change: Callable[[Viewer], Any]):
    """Run `change(viewer)` when the viewer may manage accounts: (what it
    shows, the accounts table and choices afterwards), or the refusal or
    error and nothing else changed."""
    viewer, refusal = guard.permitted("manage_accounts")
    if refusal is not None:
        return refusal, no_update, no_update
    try:
        shown = change(viewer)
    except AccountError as err:
        return admin.outcome(str(err), "danger"), no_update, no_update
    users = accounts.users(get_engine())
    return shown, admin.accounts_table(users), _options(users)


def _chosen(name: str | None) -> str:
    if not name:
        raise AccountError("请先选择账户 / choose an account first")
    return name


# -- callbacks ---------------------------------------------------------------------

# what every account change rewrites: its result, the table, the account choices
CHANGED = (Output(RESULT, "children", allow_duplicate=True),
           Output(TABLE, "children", allow_duplicate=True),
           Output(CHOSEN, "options", allow_duplicate=True))


@callback(*CHANGED,
          Input("acct-create", "n_clicks"),
          State("acct-new-name", "value"), State("acct-new-role", "value"),
          State("acct-new-password", "value"), prevent_initial_call=True)
def create(_clicks, name, role, with_password):
    def run(viewer: Viewer):
        password = accounts.new_password() if with_password else None
        created = (name or "").strip()
        accounts.create_user(get_engine(), created, role, password, by=viewer.name, ip=viewer.ip)
        text = _("已创建账户 {name}（{role}）。").format(name=created, role=_(ROLE_ZH[role]))
        if password is None:
            return admin.outcome(text + _("该账户没有登录密码，只能使用下方签发的 API 令牌。"))
        return admin.secret_once(text, _("初始密码"), password)

    return _answer(run)


@callback(*CHANGED,
          Input("acct-disable", "n_clicks"), State(CHOSEN, "value"), prevent_initial_call=True)
def disable(_clicks, name):
    def run(viewer: Viewer):
        accounts.set_active(get_engine(), _chosen(name), False, by=viewer.name, ip=viewer.ip)
        return admin.outcome(_("已停用 {name}：该账户不能再登录，已登录的会话已结束。").format(
            name=name))

    return _answer(run)


@callback(*CHANGED,
          Input("acct-enable", "n_clicks"), State(CHOSEN, "value"), prevent_initial_call=True)
def enable(_clicks, name):
    def run(viewer: Viewer):
        accounts.set_active(get_engine(), _chosen(name), True, by=viewer.name, ip=viewer.ip)
        return admin.outcome(_("已启用 {name}，该账户可以重新登录。").format(name=name))

    return _answer(run)


@callback(*CHANGED,
          Input("acct-reset", "n_clicks"), State(CHOSEN, "value"), prevent_initial_call=True)
def reset(_clicks, name):
    def run(viewer: Viewer):
        password = accounts.reset_password(get_engine(), _chosen(name), by=viewer.name,
                                           ip=viewer.ip)
        return admin.secret_once(
            _("已重置 {name} 的密码，该账户已登录的会话已结束。").format(name=name), _("新密码"),
            password)

    return _answer(run)


@callback(*CHANGED,
          Input("acct-set-role", "n_clicks"), State(CHOSEN, "value"), State("acct-role", "value"),
          prevent_initial_call=True)
def set_role(_clicks, name, role):
    def run(viewer: Viewer):
        accounts.set_role(get_engine(), _chosen(name), role, by=viewer.name, ip=viewer.ip)
        return admin.outcome(_("{name} 的角色已改为{role}，需重新登录后生效。").format(
            name=name, role=_(ROLE_ZH[role])))

    return _answer(run)


@callback(*CHANGED,
          Input("acct-token", "n_clicks"), State(CHOSEN, "value"), prevent_initial_call=True)
def token(_clicks, name):
    def run(viewer: Viewer):
        issued = accounts.issue_token(get_engine(), _chosen(name), by=viewer.name, ip=viewer.ip)
        return admin.secret_once(_("已为 {name} 签发 API 令牌。调用接口时放在请求头 "
                                   "Authorization: Bearer <令牌> 中。").format(name=name),
                                 _("令牌"), issued)

    return _answer(run)


# -- the section ---------------------------------------------------------------------

def _create_form() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3(_("新建账户"), className="section-title"),
        dbc.Row([
            dbc.Col([dbc.Label(_("用户名"), html_for="acct-new-name"),
                     dbc.Input(id="acct-new-name", maxlength=64, autocomplete="off")], md=4),
            dbc.Col([dbc.Label(_("角色"), html_for="acct-new-role"),
                     dcc.Dropdown(id="acct-new-role", options=_role_options(), value="staff",
                                  clearable=False)], md=3),
            dbc.Col(dbc.Switch(id="acct-new-password", value=True,
                               label=_("生成登录密码（关闭：只能使用 API 令牌的账户）")),
                    md=5, className="admin-switch-col"),
        ], className="g-3"),
        dbc.Button([html.I(className="bi bi-person-plus me-1", **{"aria-hidden": "true"}),
                    _("创建账户")], id="acct-create", color="primary", className="mt-3"),
    ]), className="admin-card")


def _change_form(users: list[dict[str, Any]]) -> dbc.Card:
    def button(text: str, bid: str, icon: str, color: str = "secondary"):
        return dbc.Button([html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), text],
                          id=bid, color=color, outline=True)

    return dbc.Card(dbc.CardBody([
        html.H3(_("修改账户"), className="section-title"),
        dbc.Row([
            dbc.Col([dbc.Label(_("账户"), html_for=CHOSEN),
                     dcc.Dropdown(id=CHOSEN, options=_options(users),
                                  placeholder=_("选择账户"))], md=5),
            dbc.Col([dbc.Label(_("新角色"), html_for="acct-role"),
                     dcc.Dropdown(id="acct-role", options=_role_options(),
                                  placeholder=_("选择角色"))], md=3),
            dbc.Col(button(_("修改角色"), "acct-set-role", "bi-person-gear", "primary"), md=4,
                    className="admin-button-col"),
        ], className="g-3"),
        html.Div([
            button(_("停用"), "acct-disable", "bi-slash-circle", "danger"),
            button(pgettext("动作", "启用"), "acct-enable", "bi-check-circle", "success"),
            button(_("重置密码"), "acct-reset", "bi-key"),
            button(_("签发 API 令牌"), "acct-token", "bi-braces"),
        ], className="admin-actions"),
        html.P(_("停用、重置密码或修改角色后，该账户已登录的会话立即结束。"),
               className="drill-hint"),
    ]), className="admin-card")


def section() -> list:
    users = accounts.users(get_engine())
    return [
        html.H3(_("全部账户"), className="section-title"),
        html.Div(admin.accounts_table(users), id=TABLE),
        html.Div([_create_form(), _change_form(users)], className="admin-forms no-print"),
        html.Div(id=RESULT, role="status", **{"aria-live": "polite"}),
    ]

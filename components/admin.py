"""Builders of the admin pages: the accounts table, the outcome of an
account change (a secret shown once), the audit chain's state, the audit
entries and their pager. Plain data in, Dash components out."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.accounts import ROLE_ZH
from data.i18n import _

ICON = {"success": "bi-check-circle-fill", "danger": "bi-x-octagon-fill",
        "warning": "bi-exclamation-triangle-fill", "info": "bi-info-circle-fill"}


def when(at: datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d %H:%M:%S")


def outcome(text: Any, kind: str = "success", extra: Any = None) -> dbc.Alert:
    """The result of an action: an icon and words (never colour alone)."""
    return dbc.Alert([html.I(className=f"bi {ICON[kind]} me-2", **{"aria-hidden": "true"}),
                      text, extra], color=kind, className="admin-outcome")


def refused(message: str) -> dbc.Alert:
    return outcome(message, "danger")


def secret_once(text: str, label: str, secret: str) -> dbc.Alert:
    """A generated password or token, shown in this alert and nowhere else."""
    return outcome(text, "success", html.Div([
        html.Div([html.Span(_("{label}：").format(label=label), className="admin-secret-label"),
                  html.Code(secret, className="admin-secret", id="admin-secret")]),
        html.P(_("只显示这一次：请立即转交本人并妥善保存，离开本页后无法再次查看。"),
               className="admin-secret-note"),
    ]))


def accounts_table(users: Sequence[dict[str, Any]]) -> dbc.Table | html.P:
    """Every account: name, role, whether it may sign in, since when, and
    whether it has a password (one without can only use API tokens)."""
    if not users:
        return html.P(_("还没有账户。"), className="drill-empty")
    head = (_("用户名"), _("角色"), _("状态"), _("创建时间"), _("登录密码"))
    return dbc.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
        html.Tbody([html.Tr([
            html.Td(u["username"], className="admin-name"),
            html.Td(_(ROLE_ZH.get(u["role"], u["role"]))),
            html.Td([html.I(className="bi bi-check-circle me-1", **{"aria-hidden": "true"}),
                     _("启用")] if u["active"] else
                    [html.I(className="bi bi-slash-circle me-1", **{"aria-hidden": "true"}),
                     _("已停用")],
                    className="admin-on" if u["active"] else "admin-off"),
            html.Td(when(u["created_at"])),
            html.Td(_("有") if u["has_password"] else _("无（仅 API 令牌）")),
        ], id=f"account-{u['username']}", className="" if u["active"] else "admin-row-off")
            for u in users]),
    ], bordered=False, hover=True, responsive=True, className="admin-accounts")


def chain_status(ok: bool, line: str, broken_at: int | None) -> dbc.Alert:
    """The audit chain check, large: intact, or the first entry that does not check."""
    if ok:
        head, icon, color = _("审计链完整，未发现篡改"), "bi-shield-check", "success"
    else:
        head, icon, color = (_("审计链在第 {n} 条处断裂：记录可能被篡改").format(n=broken_at),
                             "bi-shield-exclamation", "danger")
    return dbc.Alert([
        html.I(className=f"bi {icon} admin-chain-icon", **{"aria-hidden": "true"}),
        html.Div([html.Div(head, className="admin-chain-head"),
                  html.Div(line, className="admin-chain-line")]),
    ], color=color, className=f"admin-chain chain-{'intact' if ok else 'broken'}", id="audit-chain")


def audit_table(rows: Sequence[dict[str, Any]]) -> dbc.Table | html.P:
    """Audit entries newest first. Each row's `user_href` / `action_href`
    narrow the search to that account or action."""
    if not rows:
        return html.P(_("没有符合条件的记录。"), className="drill-empty", id="audit-empty")
    head = (_("编号"), _("时间"), _("用户"), _("操作"), _("详情"), _("IP 地址"))

    def linked(text: str | None, href: str | None):
        return dcc.Link(text, href=href) if text and href else (text or "—")

    return dbc.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
        html.Tbody([html.Tr([
            html.Td(str(r["id"]), className="num"),
            html.Td(when(r["at"]), className="admin-when"),
            html.Td(linked(r["username"], r.get("user_href"))),
            html.Td(linked(r["action_zh"], r.get("action_href"))),
            html.Td(r["detail"] or "", className="admin-detail"),
            html.Td(r["ip"] or "—", className="admin-ip"),
        ], className=f"audit-{r['action']}") for r in rows]),
    ], hover=True, responsive=True, size="sm", className="admin-audit", id="audit-table")


def pager(page: int, pages: int, href) -> html.Nav | None:
    """First, previous, `第 p / n 页`, next, last: links, so each page is a URL.
    `href(p)` is the URL of page p."""
    if pages <= 1:
        return None

    def step(text: str, target: int, enabled: bool):
        if not enabled:
            return html.Span(text, className="admin-page-step disabled", **{"aria-disabled": "true"})
        return dcc.Link(text, href=href(target), className="admin-page-step")

    return html.Nav([
        step(_("« 首页"), 1, page > 1), step(_("‹ 上一页"), page - 1, page > 1),
        html.Span(_("第 {page} / {pages} 页").format(page=page, pages=pages),
                  className="admin-page-now", id="audit-page-now"),
        step(_("下一页 ›"), page + 1, page < pages), step(_("末页 »"), pages, page < pages),
    ], className="admin-pager no-print", id="audit-pager", **{"aria-label": _("翻页")})

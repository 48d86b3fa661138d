"""使用留痕: the chain check, the search (user, action, date range, text:
all in the URL), the entries newest first a page at a time, and the export
of the selection, which is itself written to the trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components import admin, drill, urlstate
from data import accounts, audit
from data.audit import ACTIONS
from data.db import get_engine
from data import audit_export as export
from data.i18n import DEFAULT, N_, _, language, ngettext
from pages._admin import guard

FILTER_KEYS = ("user", "action", "since", "until", "q")
PAGE_SIZE = 50
QUERY = "audit-query"
NAV = "audit-filter"
DOWNLOAD = "audit-download"
EXPORT_RESULT = "audit-export-result"


@dataclass(frozen=True)
class Selection:
    """A search of the trail; the field names are data.audit.search's."""

    user: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None

    def search_args(self) -> dict[str, Any]:
        return {"user": self.user, "action": self.action, "since": self.since,
                "until": self.until, "text": self.text}

    def describe(self) -> str:
        """The search as the audit trail records it (in Chinese, whatever the language)."""
        parts = [f"{k}={v}" for k, v in self.search_args().items() if v]
        return "，".join(parts) if parts else "全部"  # i18n: data


def _bilingual(text: str, english: str) -> str:
    """A notice in the project's `中文 / English` form; in English, the
    translated text alone."""
    return f"{text} / {english}" if language() == DEFAULT else text


def _day(value: str | None, label: str, notes: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        notes.append(_bilingual(
            _("链接中的{label}“{value}”不是 YYYY-MM-DD 格式的日期，已忽略。").format(
                label=_(label), value=value), f"invalid date ignored: {value!r}"))
        return None


def selection(params: dict[str, str]) -> tuple[Selection, list[str]]:
    """The search a URL names, and a notice for each part it had to drop or fix."""
    notes: list[str] = []
    action = params.get("action")
    if action and action not in ACTIONS:
        notes.append(_bilingual(
            _("链接中的操作“{action}”不存在，已显示全部操作。").format(action=action),
            f"unknown action ignored: {action!r}"))
        action = None
    since = _day(params.get("since"), N_("开始日期"), notes)
    until = _day(params.get("until"), N_("结束日期"), notes)
    if since and until and since > until:
        notes.append(_bilingual(_("开始日期晚于结束日期，已互换。"),
                                "the start date was after the end date; swapped."))
        since, until = until, since
    return Selection(params.get("user"), action, since, until, params.get("q")), notes


def entries(chosen: Selection, page_param: str | None) -> tuple[list[dict], int, int, int]:
    """(one page of the selected entries, how many match, the page, the
    number of pages); a page past the end shows the last."""
    engine = get_engine()
    page = int(page_param) if page_param and page_param.isdigit() and int(page_param) > 0 else 1
    rows, total = audit.search(engine, **chosen.search_args(), offset=(page - 1) * PAGE_SIZE,
                               limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        page = pages
        rows, total = audit.search(engine, **chosen.search_args(),
                                   offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return rows, total, page, pages


# -- callbacks ---------------------------------------------------------------------

@callback(Output({"type": drill.NAV, "name": NAV}, "href", allow_duplicate=True),
          Input("audit-search", "n_clicks"), Input("audit-q", "n_submit"),
          State("audit-user", "value"), State("audit-action", "value"),
          State("audit-since", "value"), State("audit-until", "value"),
          State("audit-q", "value"), State(QUERY, "data"), prevent_initial_call=True)
def search_to_url(_clicks, _submit, user, action, since, until, text, query):
    """The form writes the search into the URL (from page 1): a search is a
    state that can be bookmarked and undone with Back."""
    if not query:
        return no_update
    values = {"user": user, "action": action, "since": since, "until": until, "q": text}
    changes = {k: (str(v).strip()[:drill.MAX_PARAM] or None) if v else None
               for k, v in values.items()}
    return urlstate.link(query["path"], query["keep"], **changes, page=None)


def _export(kind: str, query: dict | None):
    viewer, refusal = guard.permitted("read_audit")
    if refusal is not None:
        return no_update, refusal
    if not query:
        return no_update, no_update
    chosen, _notes = selection(drill.clean(query.get("filters") or {}))
    engine = get_engine()
    rows, _total = audit.search(engine, **chosen.search_args(), limit=None)
    content = export.xlsx_bytes(rows) if kind == "xlsx" else export.csv_bytes(rows)
    with engine.begin() as conn:
        audit.record(conn, viewer.name, "export",
                     f"使用留痕 {kind}：{len(rows)} 条（{chosen.describe()}）",  # i18n: data
                     viewer.ip)
    name = _("使用留痕_{date}").format(date=f"{date.today():%Y%m%d}")
    n = len(rows)
    return (dcc.send_bytes(content, f"{name}.{kind}"),
            admin.outcome(ngettext("已导出 {n} 条记录（{kind}），本次导出已记入使用留痕。",
                                   "已导出 {n} 条记录（{kind}），本次导出已记入使用留痕。", n)
                          .format(n=n, kind=kind.upper())))


@callback(Output(DOWNLOAD, "data", allow_duplicate=True),
          Output(EXPORT_RESULT, "children", allow_duplicate=True),
          Input("audit-export-xlsx", "n_clicks"), State(QUERY, "data"), prevent_initial_call=True)
def export_xlsx(_clicks, query):
    return _export("xlsx", query)


@callback(Output(DOWNLOAD, "data", allow_duplicate=True),
          Output(EXPORT_RESULT, "children", allow_duplicate=True),
          Input("audit-export-csv", "n_clicks"), State(QUERY, "data"), prevent_initial_call=True)
def export_csv(_clicks, query):
    return _export("csv", query)


# -- the section ---------------------------------------------------------------------

def _form(chosen: Selection, names: list[str], clear: str | None) -> html.Div:
    def field(label: str, control, md: int):
        return dbc.Col([dbc.Label(label, html_for=control.id), control], md=md)

    return html.Div([
        html.Datalist([html.Option(value=n) for n in names], id="audit-user-names"),
        dbc.Row([
            field(_("用户"), dbc.Input(id="audit-user", value=chosen.user or "",
                                     list="audit-user-names", placeholder=_("全部用户"),
                                     autocomplete="off"), 2),
            field(_("操作"), dcc.Dropdown(id="audit-action", value=chosen.action,
                                        placeholder=_("全部操作"),
                                        options=[{"label": _(zh), "value": k}
                                                 for k, zh in ACTIONS.items()]), 2),
            field(_("开始日期"), dbc.Input(id="audit-since", type="date",
                                       value=chosen.since.isoformat() if chosen.since else ""), 2),
            field(_("结束日期"), dbc.Input(id="audit-until", type="date",
                                       value=chosen.until.isoformat() if chosen.until else ""), 2),
            field(_("详情或 IP 包含"), dbc.Input(id="audit-q", value=chosen.text or "",
                                             placeholder=_("如 用户名、文件名、IP"), type="search"),
                  2),
            dbc.Col(html.Div([
                dbc.Button([html.I(className="bi bi-search me-1", **{"aria-hidden": "true"}),
                            _("查询")], id="audit-search", color="primary"),
                dcc.Link(_("清除筛选"), href=clear, className="admin-clear") if clear else None,
            ], className="admin-button-col"), md=2),
        ], className="g-2"),
    ], className="admin-filters no-print", id="audit-filters")


def section(state: drill.PageState) -> tuple[list, list[str]]:
    engine = get_engine()
    report = audit.verify(engine)
    chosen, notes = selection(state.params)
    rows, total, page, pages = entries(chosen, state.get("page"))
    for r in rows:
        r["action_zh"] = _(ACTIONS.get(r["action"], r["action"]))
        r["user_href"] = state.link(user=r["username"], page=None) if r["username"] else None
        r["action_href"] = state.link(action=r["action"], page=None) if r["action"] in ACTIONS \
            else None
    filtered = any(chosen.search_args().values())
    keep = {k: v for k, v in state.params.items() if k not in (*FILTER_KEYS, "page")}
    query = {"path": state.path, "keep": keep,
             "filters": {k: state.params[k] for k in FILTER_KEYS if k in state.params}}
    names = [u["username"] for u in accounts.users(engine)]
    return [
        admin.chain_status(report.ok, report.line(), report.broken_at),
        drill.nav(NAV),
        dcc.Store(id=QUERY, data=query),
        _form(chosen, names, state.link(**{k: None for k in FILTER_KEYS}, page=None)
              if filtered else None),
        html.Div([
            html.H3((ngettext("符合条件的记录 {n} 条（最新的在前）", "符合条件的记录 {n} 条（最新的在前）",
                              total) if filtered
                     else ngettext("全部记录 {n} 条（最新的在前）", "全部记录 {n} 条（最新的在前）", total))
                    .format(n=total), className="section-title", id="audit-total"),
            html.Div([
                dbc.Button([html.I(className="bi bi-file-earmark-excel me-1",
                                   **{"aria-hidden": "true"}), _("导出 Excel")],
                           id="audit-export-xlsx", color="success", outline=True),
                dbc.Button([html.I(className="bi bi-filetype-csv me-1", **{"aria-hidden": "true"}),
                            _("导出 CSV")], id="audit-export-csv", color="secondary", outline=True),
            ], className="admin-actions no-print"),
        ], className="grid-head"),
        dcc.Download(id=DOWNLOAD),
        html.Div(id=EXPORT_RESULT, role="status", **{"aria-live": "polite"}),
        admin.audit_table(rows),
        admin.pager(page, pages, lambda p: state.link(page=p if p > 1 else None)),
    ], notes

"""The problem loop 问题闭环 as people see it: status badges, the overdue
mark, the summary tiles, count charts (found against closed), the list's
rows, a problem's particulars, linked breaches, history, files, and the
forms staff act through. Plain data in, Dash components out; the ids the
page's callbacks listen to are named here."""
from __future__ import annotations

import math
from datetime import date
from typing import Any, Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from components import format as fmt
from components.charts import BAR_PX, empty_note, finish, short
from components.grid import headed
from components.kpi import kpi_tile
from data.i18n import N_, _, language, ngettext
from data.problems import NEEDS_TEXT, STATUS_ZH

# Okabe–Ito hues (colour-blind safe); every bar also carries its count and
# series name in words.
FOUND_COLOR = "#0072B2"
CLOSED_COLOR = "#009E73"

STATUS_ICON = {"new": "bi-inbox", "assigned": "bi-send", "rectifying": "bi-tools",
               "replied": "bi-chat-left-text", "closed": "bi-check-circle-fill",
               "dismissed": "bi-slash-circle"}
OVERDUE_MARK = N_("▲逾期")  # shown as _(OVERDUE_MARK)
ACTION_HELP = {
    "assign": N_("交办：指定责任单位和整改期限，出具督办单"),
    "start": N_("开始整改：责任单位已接收，开始整改"),
    "reply": N_("整改反馈：记录责任单位报告的整改情况"),
    "reopen": N_("退回重改：反馈未被认可，退回继续整改"),
    "close": N_("销号：整改到位，问题办结"),
    "dismiss": N_("核销：经核实不构成问题或无需整改，写明理由"),
}

# ids the page's callbacks use
ACTION = "prob-action"
ACTION_UNIT = "prob-action-unit"
ACTION_DEADLINE = "prob-action-deadline"
ACTION_TEXT = "prob-action-text"
ACTION_TEXT_LABEL = "prob-action-text-label"
ACTION_ASSIGN_FIELDS = "prob-action-assign"
ACTION_GO = "prob-action-go"
UPLOAD = "prob-upload"
NEW_TITLE = "prob-new-title"
NEW_DESCRIPTION = "prob-new-description"
NEW_REGION = "prob-new-region"
NEW_GO = "prob-new-go"


def status_badge(status: str) -> html.Span:
    """The status as an icon and its word."""
    return html.Span([html.I(className=f"bi {STATUS_ICON[status]} me-1", **{"aria-hidden": "true"}),
                      _(STATUS_ZH[status])], className=f"prob-status prob-status-{status}",
                     title=status)


def overdue_days(deadline: date | None, today: date) -> int:
    return (today - deadline).days if deadline else 0


def overdue_mark(deadline: date, today: date) -> html.Span:
    """`逾期 12 天` with an alarm icon: never colour alone."""
    return html.Span([html.I(className="bi bi-alarm-fill me-1", **{"aria-hidden": "true"}),
                      _("逾期 {days}").format(days=fmt.days(overdue_days(deadline, today)))],
                     className="prob-overdue")


# -- statistics ---------------------------------------------------------------------------

def summary_tiles(s: dict[str, Any], hrefs: dict[str, str | None]) -> html.Div:
    """found, assigned, closed, rectification rate, overdue, median days to
    close (SPEC §3.3's summary) as tiles; `hrefs` (by key) open the list."""
    days = s["median_days_to_close"]
    count = _("项")
    tiles = [
        ("found", _("发现问题"), str(s["found"]), count, _("全部问题（不含已核销）")),
        ("assigned", _("已交办"), str(s["assigned"]), count, _("曾交办给责任单位的问题")),
        ("closed", _("已销号"), str(s["closed"]), count,
         ngettext("尚未销号 {n} 项", "尚未销号 {n} 项", s["open"]).format(n=s["open"])),
        ("rate", _("整改率"), fmt.pct(s["rectification_rate"]), "", _("已销号 ÷ 已交办")),
        ("overdue", _("逾期未办结"), str(s["overdue"]), count, _("已交办或整改中且已过整改期限")),
        ("days", _("销号用时（中位数）"), "—" if days is None else f"{days:g}",
         "" if days is None else _("天"), _("从发现到销号的天数")),
    ]
    return html.Div([kpi_tile(title, figure, unit, sub=sub, show_level=False,
                              href=hrefs.get(key), link_text=_("查看这些问题"),
                              tile_id=f"prob-tile-{key}")
                     for key, title, figure, unit, sub in tiles],
                    className="kpi-grid prob-tiles", id="prob-tiles")


def count_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int], str]], *,
               title: str, subtitle: str, note: str, hrefs: Sequence[str | None] | None = None,
               flags: Sequence[str] | None = None, horizontal: bool = True,
               dark: bool = False) -> go.Figure:
    """Grouped bars of counts (problems) per category: `series` = [(name,
    counts, colour)]; each bar is labelled with its count, and `flags` add
    a marked word to a category's label (e.g. "▲逾期2"). Horizontal: first
    category on top."""
    n = len(categories)
    labels = [short(c) + (f"  {flags[i]}" if flags and flags[i] else "")
              for i, c in enumerate(categories)]
    fig = go.Figure()
    for name, counts, color in series:
        hover = [f"<b>{categories[i]}</b><br>"
                 + _("{series} {n} 项").format(series=name, n=c)
                 + ("<br>" + _("点击查看这些问题") if hrefs and hrefs[i] else "")
                 for i, c in enumerate(counts)]
        bar = dict(name=name, marker=dict(color=color, line=dict(color="#1B1F24", width=1)),
                   text=[str(c) for c in counts], textposition="outside", cliponaxis=False,
                   textfont=dict(size=16), hovertext=hover,
                   hovertemplate="%{hovertext}<extra></extra>",
                   customdata=list(hrefs) if hrefs is not None else None)
        if horizontal:
            fig.add_trace(go.Bar(x=list(counts), y=list(range(n)), orientation="h", **bar))
        else:
            fig.add_trace(go.Bar(x=labels, y=list(counts), **bar))
    peak = max([0, *(c for _n, counts, _c in series for c in counts)])
    axis = dict(title=dict(text=_("问题数（项）")), rangemode="tozero", tickformat=",d", tick0=0,
                dtick=max(1, math.ceil(peak / 8)), range=[0, peak * 1.25 + 1])
    if horizontal:
        fig.update_yaxes(tickvals=list(range(n)), ticktext=labels,
                         autorange="reversed", showgrid=False, ticks="", ticklabelstandoff=8)
        fig.update_xaxes(**axis)
        height = max(380, int(230 + BAR_PX * max(1, len(series)) * 0.72 * n))
    else:
        fig.update_yaxes(**axis)
        fig.update_xaxes(showgrid=False, type="category")
        height = 480
    fig.update_layout(barmode="group", bargap=0.28, bargroupgap=0.06)
    if n == 0:
        empty_note(fig, dark)
    return finish(fig, title=title, subtitle=subtitle, note=note, dark=dark, height=height)


def month_label(month: str) -> str:
    """'2026-03' → '2026年3月' / 'Mar 2026'."""
    year, _sep, m = month.partition("-")
    return fmt.month_label(int(year), int(m))


# -- the list -----------------------------------------------------------------------------

def list_row(*, pid: int, title: str, status: str, region: str, unit: str,
             deadline: date | None, overdue: bool, created: date, source: str, href: str,
             today: date) -> dict[str, Any]:
    """One problem as a row of the list; an overdue one says so in words."""
    due = deadline.isoformat() if deadline else "—"
    late = _("{mark} {days}（{due}）").format(mark=_(OVERDUE_MARK), due=due,
                                             days=fmt.days(overdue_days(deadline, today)))
    return {"id": pid, "title": title, "status": _(STATUS_ZH[status]), "region": region,
            "unit": unit, "created": created.isoformat(), "source": source,
            "deadline": late if overdue else due, "overdue": overdue, "href": href}


# headers marked for the catalog: list_columns() has them in the current language
LIST_COLUMNS: list[dict[str, Any]] = [
    {"field": "id", "headerName": N_("编号"), "width": 90, "sort": "desc"},
    {"field": "title", "headerName": N_("问题"), "minWidth": 280, "flex": 2, "tooltipField": "title"},
    {"field": "status", "headerName": N_("状态"), "width": 110},
    {"field": "deadline", "headerName": N_("整改期限"), "minWidth": 200,
     "cellClassRules": {"prob-overdue-cell": "params.data.overdue"}},
    {"field": "unit", "headerName": N_("责任单位"), "minWidth": 180, "tooltipField": "unit"},
    {"field": "region", "headerName": N_("区划"), "minWidth": 130},
    {"field": "source", "headerName": N_("来源"), "minWidth": 150, "tooltipField": "source"},
    {"field": "created", "headerName": N_("发现日期"), "width": 130},
]


def list_columns() -> list[dict[str, Any]]:
    return headed(LIST_COLUMNS)


# -- one problem --------------------------------------------------------------------------

def download_link(text: str, href: str, file_name: str, link_id: str) -> html.A:
    """A link to a file route: a plain anchor marked as a download, so the
    browser saves the file and never leaves the page."""
    return html.A([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}), text],
                  href=href, download=file_name, className="prob-download", id=link_id)


def breach_table(items: Sequence[dict[str, Any]]) -> html.Table | html.P:
    """The breaches a problem was found from, as they stood then: `items`
    carry rule, entity, level (text), value, threshold, message and href."""
    if not items:
        return html.P(_("手工登记的问题，没有关联预警。"), className="drill-empty")
    head = (_("规则"), _("对象"), _("等级"), _("指标值"), _("阈值"), _("说明"), "")
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([
            html.Td(i["rule"]), html.Td(i["entity"]), html.Td(i["level"]),
            html.Td(i["value"], className="num"), html.Td(i["threshold"], className="num"),
            html.Td(i["message"]),
            html.Td(dcc.Link(_("查看"), href=i["href"], title=_("打开显示该对象的页面")))
            if i.get("href") else html.Td("—"),
        ], className="prob-breach") for i in items]),
    ], className="table table-sm prob-breaches", id="prob-breaches"), className="table-responsive")


def timeline(events: Sequence[dict[str, Any]]) -> html.Ol:
    """Every step, oldest first: when, who, what, from → to, and its text."""
    return html.Ol([html.Li([
        html.Div([html.Span(e["at"], className="prob-when"),
                  html.Span(e["user"], className="prob-who"),
                  html.Strong(e["action"], className="prob-what"),
                  html.Span(f"{e['from']} → {e['to']}" if e["from"] else e["to"],
                            className="prob-move")], className="prob-step-head"),
        *([html.Div(e["detail"], className="prob-step-detail")] if e.get("detail") else []),
        *([html.Div(e["text"], className="prob-step-text")] if e.get("text") else []),
    ], className="prob-step") for e in events], className="prob-timeline", id="prob-history")


def file_list(items: Sequence[dict[str, Any]]) -> html.Ul | html.P:
    if not items:
        return html.P(_("还没有材料。"), className="drill-empty", id="prob-files")
    return html.Ul([html.Li([
        download_link(i["name"], i["href"], i["name"], f"prob-file-{i['id']}"),
        html.Span(f"{i['kind']} · {i['size']} · {i['at']} · {i['by']}", className="prob-file-meta"),
    ]) for i in items], className="prob-files", id="prob-files")


def upload_box(max_bytes: int, allowed: str) -> html.Div:
    """The upload of evidence; the browser refuses files over `max_bytes`,
    the server checks again. Types are left to the server (no `accept`), so
    a wrong one gets its message instead of being dropped without a word.
    `allowed` names the accepted types (in the current language)."""
    return html.Div([
        dcc.Upload(html.Div([html.I(className="bi bi-cloud-arrow-up me-2",
                                    **{"aria-hidden": "true"}),
                             _("拖入文件或点击选择，上传整改材料")]),
                   id=UPLOAD, max_size=max_bytes, multiple=False,
                   className="prob-upload"),
        html.P(_("接受 {types}，单个文件不超过 {mb} MB。").format(
                   types=allowed, mb=max_bytes // (1024 * 1024)),
               className="prob-hint"),
    ], className="no-print")


def action_form(actions: Sequence[str], units: Sequence[tuple[str, str]], today: date) -> html.Div:
    """The steps the state allows, one chosen at a time, with the fields it
    needs (the unit and deadline of 交办, a text for the others)."""
    return html.Div([
        html.H3(_("处理"), className="section-title"),
        dbc.RadioItems(id=ACTION, options=[{"label": _(ACTION_HELP[a]), "value": a}
                                           for a in actions],
                       value=None, className="prob-actions"),
        html.Div([
            dbc.Label(_("责任单位（预算单位或区划）"), html_for=ACTION_UNIT),
            dcc.Dropdown(id=ACTION_UNIT, options=[{"label": t, "value": c} for c, t in units],
                         placeholder=_("选择责任单位"), className="prob-unit"),
            dbc.Label(_("整改期限"), html_for=ACTION_DEADLINE, className="mt-2"),
            dcc.DatePickerSingle(id=ACTION_DEADLINE, min_date_allowed=today,
                                 display_format="YYYY-MM-DD", first_day_of_week=1,
                                 placeholder="YYYY-MM-DD"),
        ], id=ACTION_ASSIGN_FIELDS, hidden=True, className="prob-assign-fields"),
        dbc.Label(_("说明（选填）"), html_for=ACTION_TEXT, id=ACTION_TEXT_LABEL, className="mt-2"),
        dbc.Textarea(id=ACTION_TEXT, rows=3, maxLength=5000, className="prob-text"),
        dbc.Button(_("提交"), id=ACTION_GO, color="primary", className="mt-2 prob-go"),
    ], className="prob-form no-print", id="prob-action-form")


def text_label(action: str | None) -> str:
    """The text field's label for an action: required where SPEC §3.3 needs one
    (NEEDS_TEXT says what in both languages, `中文 / English`)."""
    if action in NEEDS_TEXT:
        zh, _sep, en = NEEDS_TEXT[action].partition(" / ")
        return _("{what}（必填）").format(what=en if language() == "en" and en else zh)
    return _("说明（选填）")


def new_form(regions: Sequence[tuple[str, str]]) -> html.Div:
    """登记问题: a problem raised by hand (title, description, region)."""
    return html.Div([
        html.H3(_("登记问题"), className="section-title"),
        html.P(_("人工发现的问题在此登记，登记后为「待核实」，再由工作人员交办。"),
               className="prob-hint"),
        dbc.Label(_("标题（必填）"), html_for=NEW_TITLE),
        dbc.Input(id=NEW_TITLE, maxLength=200, className="prob-text"),
        dbc.Label(_("问题描述"), html_for=NEW_DESCRIPTION, className="mt-2"),
        dbc.Textarea(id=NEW_DESCRIPTION, rows=3, maxLength=5000, className="prob-text"),
        dbc.Label(_("区划"), html_for=NEW_REGION, className="mt-2"),
        dcc.Dropdown(id=NEW_REGION, options=[{"label": t, "value": c} for c, t in regions],
                     placeholder=_("选择区划（选填）"), className="prob-unit"),
        dbc.Button(_("登记"), id=NEW_GO, color="primary", className="mt-2 prob-go"),
        html.Div(id="prob-new-result", role="status", **{"aria-live": "polite"}),
    ], className="prob-form no-print", id="prob-new-form")

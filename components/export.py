"""Export controls beside every chart (PNG, SVG) and every table (Excel), and
what a table's AG Grid column definitions say about its spreadsheet columns.
The files are made on the server (pages/_shared/exports.py); each button
shows a spinner while its file is made."""
from __future__ import annotations

import re
from typing import Any, Sequence

from dash import dcc, html

from data.export_xlsx import Column
from data.i18n import _

CHART = "export-chart"  # a chart's PNG / SVG buttons: {"type", "name", "fmt"}
CHART_META = "export-chart-meta"  # the chart's file name
CHART_REQUEST = "export-chart-request"  # the figure a click sends to the server
CHART_FILE = "export-chart-file"
ROWS = "export-rows"  # a drill list's Excel button
ROWS_FILE = "export-rows-file"
PAYMENTS = "export-payments"  # the payment grid's Excel button (the whole selection)
PAYMENTS_FILE = "export-payments-file"
BREACHES = "export-breaches"  # 预警中心's Excel button (every breach under its filters)
BREACHES_FILE = "export-breaches-file"
PAGE = "export-page"  # the page's PDF button, beside its tabs
PAGE_FILE = "export-page-file"
MESSAGE = "export-message"  # why an export was refused: {"type", "kind", "name"}
SKIP_FIELDS = {"href", "_id"}


def message_id(kind: str, name: str) -> dict[str, str]:
    return {"type": MESSAGE, "kind": kind, "name": name}


def _message(kind: str, name: str) -> html.Span:
    return html.Span(id=message_id(kind, name), role="status", className="export-message",
                     **{"aria-live": "polite"})


def key_of(graph_id: Any) -> str:
    """A string naming a chart for the pattern ids of its controls."""
    if isinstance(graph_id, dict):
        return "-".join(str(graph_id[k]) for k in sorted(graph_id))
    return str(graph_id)


# A spinner over the buttons while the server makes the file (shown after
# 300 ms, so a quick export does not flicker); the buttons stay visible.
LOADING = dict(type="circle", delay_show=300, className="export-loading",
               overlay_style={"visibility": "visible", "opacity": 0.45})


def _button(icon: str, text: str, id: dict, title: str) -> html.Button:
    return html.Button([html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), text],
                       id=id, type="button", title=title, n_clicks=0,
                       className="btn btn-sm btn-outline-secondary export-button")


def chart_menu(graph_id: Any, filename: str) -> html.Div:
    key = key_of(graph_id)
    return html.Div(dcc.Loading([
        _button("bi-file-image", "PNG", {"type": CHART, "name": key, "fmt": "png"},
                _("导出为 PNG 图片（幻灯片用）")),
        _button("bi-filetype-svg", "SVG", {"type": CHART, "name": key, "fmt": "svg"},
                _("导出为 SVG 矢量图（含字体）")),
        dcc.Store(id={"type": CHART_META, "name": key}, data={"filename": filename}),
        dcc.Store(id={"type": CHART_REQUEST, "name": key}),
        dcc.Download(id={"type": CHART_FILE, "name": key}),
        _message(CHART, key),
    ], **LOADING), className="export-menu no-print", role="group",
        **{"aria-label": _("导出图表")})


def table_menu(kind: str, name: str) -> html.Div:
    """`kind`: ROWS (the rows the list holds), PAYMENTS or BREACHES (the
    grid's whole selection, made again on the server)."""
    file_type, title = {
        ROWS: (ROWS_FILE, _("导出本表为 Excel")),
        PAYMENTS: (PAYMENTS_FILE, _("导出全部符合条件的支付明细为 Excel")),
        BREACHES: (BREACHES_FILE, _("导出全部符合条件的预警为 Excel")),
    }[kind]
    return html.Div(dcc.Loading([
        _button("bi-file-earmark-excel", _("导出 Excel"), {"type": kind, "name": name}, title),
        dcc.Download(id={"type": file_type, "name": name}),
        _message(kind, name),
    ], **LOADING), className="export-menu no-print")


def page_menu() -> html.Div:
    """导出本页 PDF: the page as the reader sees it, printed on the server."""
    return html.Div(dcc.Loading([
        _button("bi-file-earmark-pdf", "PDF", {"type": PAGE, "name": "page"}, _("导出本页为 PDF")),
        dcc.Download(id={"type": PAGE_FILE, "name": "page"}),
        _message(PAGE, "page"),
    ], **LOADING), className="export-menu no-print", id="page-pdf")


# -- spreadsheet columns from AG Grid column definitions ------------------------------------------

_D3 = re.compile(r"d3\.format\('(?P<spec>[^']+)'\)")
_D3_SPEC = re.compile(r"^(?P<sign>\+)?(?P<comma>,)?(?:\.(?P<precision>\d+))?(?P<type>[dfe%])?$")


def number_format(spec: str) -> str | None:
    """A d3 format (what the grid shows) as the Excel format showing the same:
    `,.2f` → `#,##0.00`, `.1%` → `0.0%`, `+.1f` → `+0.0;-0.0;0.0`."""
    m = _D3_SPEC.match(spec)
    if not m:
        return None
    digits = int(m["precision"] or 0) if m["type"] != "d" else 0
    body = ("#,##0" if m["comma"] else "0") + ("." + "0" * digits if digits else "")
    if m["type"] == "%":
        body += "%"
    return f"+{body};-{body};{body}" if m["sign"] else body


def column_format(col: dict[str, Any]) -> str | None:
    """The Excel format of a column, from its d3 value formatter (a money
    column's `,.2f` is data.export_xlsx.MONEY)."""
    formatter = col.get("valueFormatter")
    code = formatter.get("function", "") if isinstance(formatter, dict) else ""
    spec = _D3.search(code)
    return number_format(spec["spec"]) if spec else None


def sheet_columns(column_defs: Sequence[dict[str, Any]]) -> list[tuple[str, Column]]:
    """(field, Column) of each shown data column, in the grid's order."""
    out = []
    for col in column_defs or []:
        field = col.get("field")
        if not field or field in SKIP_FIELDS or col.get("hide"):
            continue
        header = col.get("headerName") or field
        out.append((field, Column(header, max(10, min(48, len(header) * 2.2)), column_format(col))))
    return out


def sheet_rows(fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Cells as the grid holds them: numbers stay numbers, None is empty."""
    return [[r.get(f) if not isinstance(r.get(f), (dict, list)) else str(r.get(f)) for f in fields]
            for r in rows]

"""The export callbacks behind components.export's buttons, and the
presentation mode's "next chart" key.

A page's PDF: the server's Chromium prints the page's URL as the reader
(service.page_pdf).

A chart's PNG / SVG: the browser sends the figure it shows (a clientside
callback reads it from the plot), the server renders it with Kaleido. A drill
list's Excel: the rows the list holds, in the order it shows them. The
payment grid's Excel: the whole selection, queried again through
`data.query.payments` with the grid's scope, quota, search and sort, masked
for the viewer, up to `service.exports.ROW_CAP` rows. Every export checks the
viewer (`read`) and writes an "export" audit entry saying what and which state."""
from __future__ import annotations

from datetime import date

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, dcc, no_update

from components import drill, export, grid, urlstate
from data.db import get_engine
from data.i18n import _
from data.query import payments, scope_end
from pages._shared import scaffold
from service import auth, exports, page_pdf, view
from service.pdf import PdfError


def _as_of(search: str | None) -> date:
    return urlstate.filters(urlstate.parse(search), view.default_as_of()).as_of


def _page_title(pathname: str | None) -> str:
    entry = scaffold._PAGES.get(pathname or "")
    return _(entry[0]) if entry else _("表格")


def _state(pathname: str | None, search: str | None) -> str:
    return f"{pathname or '/'}{search or ''}"


# -- charts ---------------------------------------------------------------------------------

clientside_callback(
    """
    function (_clicks, meta) {
        const ctx = window.dash_clientside.callback_context;
        const trig = ctx.triggered && ctx.triggered[0];
        if (!trig || !trig.value) { return window.dash_clientside.no_update; }
        const buttonId = trig.prop_id.slice(0, trig.prop_id.lastIndexOf("."));
        const button = document.getElementById(buttonId);
        const block = button && button.closest(".chart-block");
        const gd = block && block.querySelector(".js-plotly-plot");
        if (!gd || !window.Plotly) { return window.dash_clientside.no_update; }
        const fig = JSON.parse(window.Plotly.Plots.graphJson(gd));
        return {fmt: JSON.parse(buttonId).fmt, filename: meta.filename, at: Date.now(),
                figure: {data: fig.data, layout: fig.layout}};
    }
    """,
    Output({"type": export.CHART_REQUEST, "name": MATCH}, "data"),
    Input({"type": export.CHART, "name": MATCH, "fmt": ALL}, "n_clicks"),
    State({"type": export.CHART_META, "name": MATCH}, "data"),
    prevent_initial_call=True,
)


def _refused(err: Exception):
    """No file, and the reason beside the button (Chinese / English)."""
    return no_update, getattr(err, "message", str(err))


@callback(Output({"type": export.CHART_FILE, "name": MATCH}, "data"),
          Output(export.message_id(export.CHART, MATCH), "children"),
          Input({"type": export.CHART_REQUEST, "name": MATCH}, "data"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def chart_file(request: dict | None, pathname: str | None, search: str | None):
    if not request:
        return no_update
    fmt = request.get("fmt")
    try:
        auth.require("read")
        image = exports.figure_image(request.get("figure"), fmt)
    except (auth.Refused, exports.ExportError) as err:
        return _refused(err)
    name = exports.file_name(str(request.get("filename") or _("图表")), _as_of(search), fmt)
    auth.audit("export", f"chart {fmt} {name} {_state(pathname, search)}")
    return dcc.send_bytes(image, name, type=exports.FORMATS[fmt]), None


# -- tables ---------------------------------------------------------------------------------

@callback(Output({"type": export.ROWS_FILE, "name": MATCH}, "data"),
          Output(export.message_id(export.ROWS, MATCH), "children"),
          Input({"type": export.ROWS, "name": MATCH}, "n_clicks"),
          State({"type": drill.ROWS, "name": MATCH}, "virtualRowData"),
          State({"type": drill.ROWS, "name": MATCH}, "rowData"),
          State({"type": drill.ROWS, "name": MATCH}, "columnDefs"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def rows_file(clicks, shown, rows, column_defs, pathname, search):
    """The rows of a drill list as the reader sees them (sorted as shown)."""
    if not clicks:
        return no_update, no_update
    try:
        auth.require("read")
    except auth.Refused as err:
        return _refused(err)
    rows = shown if shown is not None else (rows or [])
    columns = export.sheet_columns(column_defs)
    as_of = _as_of(search)
    title = _page_title(pathname)
    book = exports.table_xlsx(title, _state(pathname, search), as_of,
                              [c for _field, c in columns],
                              export.sheet_rows([f for f, _header in columns], rows))
    name = exports.file_name(title, as_of, "xlsx")
    auth.audit("export", f"table xlsx rows={len(rows)} {name} {_state(pathname, search)}")
    return dcc.send_bytes(book, name, type=exports.XLSX), None


# -- the page -------------------------------------------------------------------------------

@callback(Output({"type": export.PAGE_FILE, "name": "page"}, "data"),
          Output(export.message_id(export.PAGE, "page"), "children"),
          Input({"type": export.PAGE, "name": "page"}, "n_clicks"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def page_file(clicks, pathname, search):
    """The page as the reader sees it, printed by the server's Chromium."""
    if not clicks:
        return no_update, no_update
    state = _state(pathname, search)
    try:
        auth.require("read")
        pdf = page_pdf.page_pdf(state)
    except (auth.Refused, page_pdf.TicketError, PdfError) as err:
        return _refused(err)
    name = exports.file_name(_page_title(pathname), _as_of(search), "pdf")
    auth.audit("export", f"page pdf {name} {state}")
    return dcc.send_bytes(pdf, name, type="application/pdf"), None


def payment_sheet(query: dict, sort_model: list | None, masked: bool
                  ) -> tuple[list[str], list, list[list], int]:
    """(fields, columns, rows, total) of the payments the grid selects, the
    first ROW_CAP of them, amounts in yuan, dates as dates."""
    scope = grid.scope_of(query).replace(masked=masked)
    sort = grid.sort_of(sort_model)
    if scope.masked and sort and sort.lstrip("-") == "payee_acct_name":
        sort = None  # as the grid: masked names keep the default order
    page = payments(get_engine(), scope, bgt_id=query.get("bgt_id"), search=query.get("search"),
                    sort=sort, offset=0, limit=exports.ROW_CAP)
    names, flagged = view.names(), view.flags(scope_end(scope), "payment")
    shaped = [grid.payment_row({**r, "flags": flagged.get(r["pay_cert_id"], {})}, names)
              for r in page.rows]
    for r in shaped:
        r["amount"] = r["amount"] / 100  # fen → yuan, the column's unit
        r["pay_date"] = date.fromisoformat(r["pay_date"])  # a date cell, not text
    columns = export.sheet_columns(grid.payment_columns())
    fields = [f for f, _header in columns]
    return fields, [c for _field, c in columns], export.sheet_rows(fields, shaped), page.total


@callback(Output({"type": export.PAYMENTS_FILE, "name": MATCH}, "data"),
          Output(export.message_id(export.PAYMENTS, MATCH), "children"),
          Input({"type": export.PAYMENTS, "name": MATCH}, "n_clicks"),
          State({"type": grid.QUERY, "name": MATCH}, "data"),
          State({"type": grid.PAYMENTS, "name": MATCH}, "getRowsRequest"),
          State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
def payments_file(clicks, query, request, pathname, search):
    if not clicks or not query:
        return no_update, no_update
    try:
        viewer = auth.require("read")
    except auth.Refused as err:
        return _refused(err)
    _fields, columns, rows, total = payment_sheet(query, (request or {}).get("sortModel"),
                                                  viewer.masked)
    as_of = grid.scope_of(query).as_of
    what = _("{page}_支付明细").format(page=_page_title(pathname))
    book = exports.table_xlsx(what, _state(pathname, search), as_of, columns, rows,
                              exports.capped_note(total, len(rows)))
    name = exports.file_name(what, as_of, "xlsx")
    auth.audit("export", f"payments xlsx rows={len(rows)}/{total} {name} "
                         f"{_state(pathname, search)} q={query.get('search') or ''} "
                         f"bgt_id={query.get('bgt_id') or ''}")
    return dcc.send_bytes(book, name, type=exports.XLSX), None


# -- presentation mode ---------------------------------------------------------------------

# → / PageDown scroll to the next chart or table, ← / PageUp to the previous
# one, while the page is in presentation mode (`?present=1`).
clientside_callback(
    """
    function (className) {
        if (!window.__presentKeys) {
            window.__presentKeys = true;
            document.addEventListener("keydown", function (e) {
                if (!document.querySelector(".shell.present")) { return; }
                const t = e.target;
                if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
                    return;
                }
                const next = e.key === "ArrowRight" || e.key === "PageDown";
                const prev = e.key === "ArrowLeft" || e.key === "PageUp";
                if (!next && !prev) { return; }
                const items = Array.from(document.querySelectorAll(
                    ".shell-main .chart-block, .shell-main .drill-list, .shell-main .payment-grid-block"));
                if (!items.length) { return; }
                const tops = items.map((el) => el.getBoundingClientRect().top);
                // below: further down than the one at the top and its row neighbours
                const i = next ? tops.findIndex((y) => y > 80)
                               : tops.map((y) => y < -8).lastIndexOf(true);
                if (i < 0) { return; }
                e.preventDefault();
                // instant: a slide changes at once (Bootstrap makes page scrolling smooth)
                items[i].scrollIntoView({block: "start", behavior: "instant"});
            });
        }
        const on = String(className || "").split(" ").indexOf("present") >= 0;
        document.documentElement.classList.toggle("present", on);
        return on;
    }
    """,
    Output("shell-present", "data"),
    Input("shell", "className"),
)

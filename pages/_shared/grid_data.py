"""The payment grid's data: one block of payments per request of the grid's
infinite row model, through the query cache, each with the rule engine's flags
as of the grid's date. Payees are masked for viewers who may not see them
(the scope's mask comes from the viewer, never from the browser), and every
opened list is written to the audit trail."""
from __future__ import annotations

from dash import MATCH, Input, Output, State, callback, no_update

from components import grid
from data.query import payments, scope_end
from service import auth, view
from service.cache import cached_call


@callback(Output({"type": grid.PAYMENTS, "name": MATCH}, "getRowsResponse"),
          Input({"type": grid.PAYMENTS, "name": MATCH}, "getRowsRequest"),
          State({"type": grid.QUERY, "name": MATCH}, "data"), prevent_initial_call=True)
def payment_rows(request: dict | None, query: dict | None):
    """One block of payments for the grid: offset/limit from the request's
    row range, sort from its sort model, scope and search from the page."""
    if not request or not query:
        return no_update
    viewer = auth.current_viewer()
    if viewer is None:
        return no_update
    start, limit = grid.block_range(request)
    scope = grid.scope_of(query).replace(masked=viewer.masked)
    sort = grid.sort_of(request.get("sortModel"))
    if scope.masked and sort and sort.lstrip("-") == "payee_acct_name":
        sort = None  # the masked names keep the default order
    page = cached_call(payments, scope, bgt_id=query.get("bgt_id"),
                       search=query.get("search"), sort=sort, offset=start, limit=limit)
    if start == 0:  # one entry per opened list, not per scrolled block
        auth.audit("view_payments", " ".join(f"{k}={v}" for k, v in {
            **scope.to_params(), "bgt_id": query.get("bgt_id"), "search": query.get("search"),
        }.items() if v))
    names, flagged = view.names(), view.flags(scope_end(scope), "payment")
    return {"rowData": [grid.payment_row({**r, "flags": flagged.get(r["pay_cert_id"], {})}, names)
                        for r in page.rows], "rowCount": page.total}

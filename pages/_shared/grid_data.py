"""The payment grid's data: one block of payments per request of the grid's
infinite row model, through the query cache, each with the rule engine's flags
as of the grid's date."""
from __future__ import annotations

from dash import MATCH, Input, Output, State, callback, no_update

from components import grid
from data.query import payments, scope_end
from service import view
from service.cache import cached_call


@callback(Output({"type": grid.PAYMENTS, "name": MATCH}, "getRowsResponse"),
          Input({"type": grid.PAYMENTS, "name": MATCH}, "getRowsRequest"),
          State({"type": grid.QUERY, "name": MATCH}, "data"), prevent_initial_call=True)
def payment_rows(request: dict | None, query: dict | None):
    """One block of payments for the grid: offset/limit from the request's
    row range, sort from its sort model, scope and search from the page."""
    if not request or not query:
        return no_update
    start, limit = grid.block_range(request)
    scope = grid.scope_of(query)
    page = cached_call(payments, scope, bgt_id=query.get("bgt_id"),
                       search=query.get("search"), sort=grid.sort_of(request.get("sortModel")),
                       offset=start, limit=limit)
    names, flagged = view.names(), view.flags(scope_end(scope), "payment")
    return {"rowData": [grid.payment_row({**r, "flags": flagged.get(r["pay_cert_id"], {})}, names)
                        for r in page.rows], "rowCount": page.total}

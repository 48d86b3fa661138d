"""The view context: what a page needs from the store for one request,
through the query cache. Pages and data-reading callbacks ask here; the
builders in components/ only ever receive the results."""
from __future__ import annotations

from datetime import date
from typing import Any

from components import urlstate
from components.drill import PageState, clean
from data.hierarchy import Names, names_of
from data.status import data_as_of
from service.cache import cached_call


def names() -> Names:
    """Names and parents of every dimension, looked up once per request (a
    page asks for them per row)."""
    from flask import g, has_request_context

    if has_request_context():
        hit = g.get("view_names")
        if hit is None:
            hit = g.view_names = cached_call(names_of)
        return hit
    return cached_call(names_of)


def latest_date() -> date | None:
    """The store's latest data date; None when it holds no data."""
    return cached_call(data_as_of)


def default_as_of() -> date:
    """The latest data date of the store (today when it holds no data)."""
    return latest_date() or date.today()


def page_state(path: str, params: dict[str, Any]) -> PageState:
    """The state a URL names: cleaned parameters, the global filters with
    their defaults, and a notice for a region code the store does not know."""
    p = clean(params)
    f = urlstate.filters(p, default_as_of())
    notices = []
    if f.mof_div is not None and f.mof_div not in names().region:
        notices.append(f"链接中的区划代码“{f.mof_div}”不存在，已显示全部区划。")
        f = f.replace(mof_div=None)
        p.pop("mof_div", None)
    return PageState(path=path, params=p, filters=f, kiosk=p.get("kiosk") == "1", notices=notices)

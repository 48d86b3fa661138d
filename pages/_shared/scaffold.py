"""The one page scaffold: title, caption, section tabs, notices and body,
"no data yet" on an empty store, and a notice instead of a blank page or a
stack trace when the store is lost or a page fails."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from dash import html
from sqlalchemy.exc import SQLAlchemyError

from components import drill, export
from components.plain import plain_figures
from components.shell import APP_NAME
from components.shell import notice
from data.i18n import _
from service import auth, cache, view
from service.cache import cached_call

log = logging.getLogger(__name__)


@dataclass
class View:
    """What a page renders for one state, below the scaffold's header."""

    caption: str
    body: list
    title: Any = None  # None: the page's title
    notices: Sequence[str] = ()
    toolbar: list = field(default_factory=list)  # controls beside the tabs


def safe_layout(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a page layout function: a lost database or a bug shows a notice
    in the page instead of a blank page or a stack trace, and figures served
    from the last-known values carry a visible "stale" notice."""

    @functools.wraps(fn)
    def wrapped(**kwargs):
        try:
            body = fn(**kwargs)
        except SQLAlchemyError:
            log.exception("page %s: database unavailable", fn.__module__)
            return notice(_("数据库暂时无法连接，本页数据稍后自动恢复。"
                            " / The database is unreachable; this page will recover by itself."),
                          "danger", "bi-database-x")
        except Exception:  # noqa: BLE001 - a page must never show a traceback
            log.exception("page %s failed", fn.__module__)
            return notice(_("本页暂时无法显示，请稍后再试或联系管理员。"
                            " / This page cannot be shown right now."), "danger")
        if cache.served_stale():
            return html.Div([notice(_("数据库暂时无法连接：以下为最后一次获取的数据。"
                                      " / Database unreachable: showing the last figures."),
                                    "warning", "bi-clock-history"), body])
        return body

    return wrapped


# path → (title, page id, tabs, render) of every page made by page()
_PAGES: dict[str, tuple[str, str, tuple[tuple[str, str], ...], Callable[..., View]]] = {}


def browser_title(name: str) -> Callable[..., str]:
    """A page's browser-tab title for dash.register_page, in the request's
    language (`name` marked with N_)."""
    return lambda **_params: f"{_(name)} · {_(APP_NAME)}"


def in_language(text: str) -> Callable[..., str]:
    """A page's description for dash.register_page (its meta tags), in the
    request's language (`text` marked with N_)."""
    return lambda **_params: _(text)


def page(path: str, title: str, *, empty: str, page_id: str,
         tabs: Sequence[tuple[str, str]] = (), capability: str = "read",
         live: bool = False) -> Callable[[Callable[..., View]], Callable]:
    """Decorate `render(state, tab) -> View` into a page layout function.
    `tab` is the URL's section (the first of `tabs` by default; None without
    tabs); `empty` says what to import when the store holds no data (title,
    tab labels and `empty` are marked with N_ and translated here); only a
    viewer with `capability` (data.accounts.CAPABILITIES) sees the page. A
    state is rendered once per data version (and per masking) and then served
    from the query cache, unless the page is `live`: one whose content
    depends on the viewer or changes without an import (accounts, problems),
    rendered on every request."""

    def decorate(render: Callable[..., View]) -> Callable:
        _PAGES[path] = (title, page_id, tuple(tabs), render)

        @safe_layout
        @functools.wraps(render)
        def layout(**params):
            viewer = auth.current_viewer()
            if viewer is None or not viewer.can(capability):
                return html.Div([html.H1(_(title), className="page-title"),
                                 notice(_("当前账户无权查看本页。 / This account may not see "
                                          "this page."), "danger", "bi-shield-lock")],
                            id=f"{page_id}-page")
            key = tuple(sorted(drill.clean(params).items()))
            if live:
                return rendered(None, path, key, viewer.masked)
            if view.latest_date() is None:
                return html.Div([html.H1(_(title), className="page-title"),
                                 html.P(_("数据库中还没有数据。") + _(empty),
                                        className="page-caption")],
                                id=f"{page_id}-page")
            return cached_call(rendered, path, key, viewer.masked)

        return layout

    return decorate


def rendered(_engine, path: str, params: tuple[tuple[str, str], ...],
             masked: bool) -> html.Div:
    """One state of a page. Its figures are the plain dicts Dash sends: a
    cached plotly Figure is validated again when loaded, which costs as much
    as building it."""
    title, page_id, tabs, render = _PAGES[path]
    state = view.page_state(path, dict(params), masked)
    tab = drill.choice(state.get("tab"), [k for k, _label in tabs], tabs[0][0]) if tabs else None
    v = render(state, tab)
    bar = ([drill.tabs(state, tabs, tab)] if tabs else []) + list(v.toolbar) + [export.page_menu()]
    return plain_figures(html.Div([
        html.H1(_(title) if v.title is None else v.title, className="page-title"),
        html.P(v.caption, className="page-caption", id=f"{page_id}-caption"),
        html.Div(bar, className="drill-toolbar") if bar else None,
        *drill.notices(state, v.notices),
        *v.body,
    ], className="drill-page", id=f"{page_id}-page"))

"""Breadcrumb of a drill path: every crumb but the last is a link to that
state's URL (history-pushing, so Back undoes a jump too); the last crumb is
the level on screen."""
from __future__ import annotations

from typing import Sequence

from dash import dcc, html

from components.drill import Crumb
from data.i18n import _


def breadcrumb(crumbs: Sequence[Crumb], id: str = "breadcrumb") -> html.Nav:
    items = []
    for i, crumb in enumerate(crumbs):
        last = i == len(crumbs) - 1
        if last or crumb.href is None:
            body = html.Span(crumb.label)
            items.append(html.Li(body, className="breadcrumb-item active",
                                 **({"aria-current": "page"} if last else {})))
        else:
            items.append(html.Li(dcc.Link(crumb.label, href=crumb.href), className="breadcrumb-item"))
    return html.Nav(html.Ol(items, className="breadcrumb drill-breadcrumb"), id=id,
                    **{"aria-label": _("当前位置")})

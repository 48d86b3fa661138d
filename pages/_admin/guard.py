"""The check every admin callback makes itself: a hidden page or button is
never the check, a forged callback request meets this one."""
from __future__ import annotations

from dash import html

from components import admin
from data.accounts import Viewer
from service import auth


def permitted(capability: str) -> tuple[Viewer | None, html.Div | None]:
    """(the viewer, None) when they may use `capability`, else (None, the
    bilingual refusal to show)."""
    try:
        return auth.require(capability), None
    except auth.Refused as refused:
        return None, admin.refused(refused.message)

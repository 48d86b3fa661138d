"""What every section of 问题闭环 shares: the problems a viewer may count
or list under the page's filters, links to one problem, and display names."""
from __future__ import annotations

from components import urlstate
from components.drill import PageState
from data.accounts import Viewer
from data.db import get_engine
from data.hierarchy import Names
from data.i18n import _
from data.query import problems as q

PATH = "/problems"


def raised_by(viewer: Viewer) -> int | None:
    """A deputy follows the problems they raised; every other viewer counts all."""
    return viewer.user_id if viewer.role == "deputy" else None


def selection(state: PageState, viewer: Viewer) -> list[q.ProblemRow]:
    """The problems of the global region filter (and below) the viewer may count."""
    return q.problems(get_engine(), state.filters, raised_by=raised_by(viewer))


def problem_href(params: dict[str, str], pid: int) -> str:
    """One problem's detail, keeping the global filters."""
    return urlstate.link(PATH, urlstate.keep_global(params), id=pid)


def unit_label(names: Names, code: str | None) -> str:
    """`教育局（990121101）`: an agency or a region the problem was handed to."""
    if not code:
        return "—"
    name = names.agency_label(code) if code in names.agency else names.region.get(code)
    return _("{name}（{code}）").format(name=name, code=code) if name else code


def region_label(names: Names, code: str | None) -> str:
    return names.region.get(code, code) if code else "—"

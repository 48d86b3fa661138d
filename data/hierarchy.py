"""The dimension hierarchies as parent maps, read once per store and data
version: regions (mof_div.parent_code), department → agency
(agency.dept_code), agency → project, and the classification schemes
(classification.parent_code). No code length is assumed anywhere: children,
descendants and ancestors all follow parent links.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from data import schema as s
from data.db import data_version
from data.i18n import _


@dataclass
class Tree:
    """One hierarchy: code → parent and code → name, with derived lookups."""

    parent: dict[str, str | None]
    name: dict[str, str]
    _children: dict[str | None, list[str]] = field(default_factory=dict, repr=False)
    _desc: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        children: dict[str | None, list[str]] = {}
        for code, par in self.parent.items():
            # A parent outside the tree (e.g. the top region's province) makes a root.
            key = par if par in self.parent and par != code else None
            children.setdefault(key, []).append(code)
        for kids in children.values():
            kids.sort()
        self._children = children

    def __contains__(self, code: object) -> bool:
        return code in self.parent

    def children(self, code: str | None) -> list[str]:
        """Direct children; None gives the roots."""
        return list(self._children.get(code, []))

    def roots(self) -> list[str]:
        return self.children(None)

    def ancestors(self, code: str) -> list[str]:
        """code itself, then its parent, up to its root (codes outside the tree
        give [code])."""
        chain = [code]
        seen = {code}
        par = self.parent.get(code)
        while par is not None and par in self.parent and par not in seen:
            chain.append(par)
            seen.add(par)
            par = self.parent.get(par)
        return chain

    def descendants(self, code: str) -> frozenset[str]:
        """code and every code below it."""
        hit = self._desc.get(code)
        if hit is None:
            out = {code}
            stack = [code]
            while stack:
                for kid in self._children.get(stack.pop(), []):
                    if kid not in out:
                        out.add(kid)
                        stack.append(kid)
            hit = self._desc[code] = frozenset(out)
        return hit

    def root_of(self, code: str) -> str:
        return self.ancestors(code)[-1]

    def child_of(self, ancestor: str | None, code: str) -> str | None:
        """The child of `ancestor` on code's ancestor chain (ancestor None: the
        root), `ancestor` itself when code == ancestor, None when code is not
        below ancestor."""
        chain = self.ancestors(code)
        if ancestor is None:
            return chain[-1]
        if code == ancestor:
            return ancestor
        try:
            i = chain.index(ancestor)
        except ValueError:
            return None
        return chain[i - 1]


@dataclass
class Hierarchies:
    region: Tree
    agency_dept: dict[str, str]  # agency → its department (first-level agency)
    agency_name: dict[str, str]
    agency_region: dict[str, str]
    project_agency: dict[str, str]
    project_name: dict[str, str]
    population: dict[str, int | None]
    schemes: dict[str, Tree]  # EXP_FUNC, DEP_ECO, GOV_ECO, REVENUE

    def scheme(self, name: str) -> Tree:
        return self.schemes.get(name) or Tree({}, {})

    def dept_agencies(self, dept: str) -> list[str]:
        return sorted(a for a, d in self.agency_dept.items() if d == dept)

    def depts(self) -> list[str]:
        return sorted(set(self.agency_dept.values()))

    def agency_projects(self, agency: str) -> list[str]:
        return sorted(p for p, a in self.project_agency.items() if a == agency)


_lock = threading.Lock()
_loaded: dict[str, tuple[int, Hierarchies]] = {}


def hierarchies(engine: Engine) -> Hierarchies:
    """The hierarchies of this store, reloaded when the data version moves."""
    key = engine.url.render_as_string(hide_password=False)
    version = data_version(engine)
    with _lock:
        hit = _loaded.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
    loaded = _load(engine)
    with _lock:
        _loaded[key] = (version, loaded)
    return loaded


def forget(engine: Engine | None = None) -> None:
    """Drop the loaded hierarchies (all stores, or one)."""
    with _lock:
        if engine is None:
            _loaded.clear()
        else:
            _loaded.pop(engine.url.render_as_string(hide_password=False), None)


def _load(engine: Engine) -> Hierarchies:
    with engine.connect() as conn:
        regions = conn.execute(select(s.mof_div.c.mof_div_code, s.mof_div.c.parent_code,
                                      s.mof_div.c.mof_div_name, s.mof_div.c.population)).all()
        agencies = conn.execute(select(s.agency.c.agency_code, s.agency.c.dept_code,
                                       s.agency.c.agency_name, s.agency.c.mof_div_code)).all()
        projects = conn.execute(select(s.project.c.pro_code, s.project.c.agency_code,
                                       s.project.c.pro_name)).all()
        classes = conn.execute(select(s.classification.c.scheme, s.classification.c.code,
                                      s.classification.c.parent_code,
                                      s.classification.c.name)).all()
    by_scheme: dict[str, tuple[dict, dict]] = {}
    for scheme, code, parent, name in classes:
        par, names = by_scheme.setdefault(scheme, ({}, {}))
        par[code] = parent or None
        names[code] = name
    return Hierarchies(
        region=Tree({r[0]: r[1] or None for r in regions}, {r[0]: r[2] for r in regions}),
        agency_dept={a[0]: a[1] for a in agencies},
        agency_name={a[0]: a[2] for a in agencies},
        agency_region={a[0]: a[3] for a in agencies},
        project_agency={p[0]: p[1] for p in projects},
        project_name={p[0]: p[2] for p in projects},
        population={r[0]: r[3] for r in regions},
        schemes={k: Tree(v[0], v[1]) for k, v in by_scheme.items()},
    )


# -- labels: names and parents of every drill dimension, as plain dicts --------------

@dataclass(frozen=True)
class Names:
    """What views show for codes: names and parent links of every dimension,
    copied into plain dicts so the whole lookup caches and pickles as one value."""

    region: dict[str, str]
    region_parent: dict[str, str | None]
    dept_of: dict[str, str]  # agency → department
    agency: dict[str, str]
    agency_of: dict[str, str]  # project → agency
    project: dict[str, str]
    func: dict[str, str]
    func_parent: dict[str, str | None]
    eco: dict[str, str]
    revenue: dict[str, str]
    revenue_parent: dict[str, str | None]
    # departments whose own unit (agency code = department code) has sister agencies
    own_units: frozenset[str]

    def agency_label(self, code: str) -> str:
        """A department's own unit carries the department's name; "（本级）" tells
        it apart from the department as a whole, whose figures include its
        subordinate agencies."""
        name = self.agency.get(code, code)
        return _("{name}（本级）").format(name=name) if code in self.own_units else name


def names_of(engine: Engine) -> Names:
    h = hierarchies(engine)
    f, e, r = h.scheme("EXP_FUNC"), h.scheme("DEP_ECO"), h.scheme("REVENUE")
    return Names(region=dict(h.region.name), region_parent=dict(h.region.parent),
                 dept_of=dict(h.agency_dept), agency=dict(h.agency_name),
                 agency_of=dict(h.project_agency), project=dict(h.project_name),
                 func=dict(f.name), func_parent=dict(f.parent), eco=dict(e.name),
                 revenue=dict(r.name), revenue_parent=dict(r.parent),
                 own_units=frozenset(d for a, d in h.agency_dept.items() if a != d))


def chain(parents: dict[str, str | None], code: str) -> list[str]:
    """code's ancestors from the top down to code itself."""
    out, seen = [code], {code}
    par = parents.get(code)
    while par and par in parents and par not in seen:
        out.append(par)
        seen.add(par)
        par = parents.get(par)
    return out[::-1]


def has_children(parents: dict[str, str | None], code: str) -> bool:
    return any(p == code for p in parents.values())

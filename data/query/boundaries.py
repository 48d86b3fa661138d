"""Region boundaries for the wall screen's map: which regions it draws for a
selection, and their imported geometry (dataset region_boundary) as a GeoJSON
FeatureCollection whose features carry `MOF_DIV_CODE` and `MOF_DIV_NAME`."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, select

from data import schema
from data.hierarchy import hierarchies
from data.query.base import in_codes
from data.query.scope import Scope


@dataclass(frozen=True)
class MapRegions:
    parent: str | None       # the region the map covers (None: an empty store)
    codes: tuple[str, ...]   # the regions drawn: its children, or itself when it has none


def map_regions(engine: Engine, scope: Scope) -> MapRegions:
    """The selected region (else the top one), followed down while it has a
    single child (a province of one city shows the city's counties)."""
    tree = hierarchies(engine).region
    if scope.mof_div is not None:
        parent = scope.mof_div
    else:
        roots = tree.roots()
        parent = roots[0] if len(roots) == 1 else None
        if parent is None:
            return MapRegions(None, tuple(roots))
    while len(tree.children(parent)) == 1:
        parent = tree.children(parent)[0]
    return MapRegions(parent, tuple(tree.children(parent)) or (parent,))


def boundaries(engine: Engine, scope: Scope) -> dict:
    """The boundaries of the regions `map_regions` draws, in their order;
    regions without an imported boundary are left out."""
    regions = map_regions(engine, scope)
    tree = hierarchies(engine).region
    t = schema.region_boundary
    with engine.connect() as conn:
        found = dict(conn.execute(select(t.c.mof_div_code, t.c.geometry)
                                  .where(in_codes(t.c.mof_div_code, regions.codes))).all())
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code,
         "properties": {"MOF_DIV_CODE": code, "MOF_DIV_NAME": tree.name.get(code, code)},
         "geometry": json.loads(found[code])}
        for code in regions.codes if code in found]}

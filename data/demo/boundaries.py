"""Invented boundaries of the demo's regions (dataset region_boundary): the
city a rectangle, its counties and each county's townships a grid of
quadrilaterals whose corners are shifted at random, so the map looks
like a map and neighbours still share their edges exactly. Written as a
GeoJSON FeatureCollection and imported like every other demo file."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Sequence

from data.demo.util import rng

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]  # south-west, south-east, north-east, north-west

FILE_NAME = "region_boundary.geojson"
CITY_BOX: Quad = ((118.0, 29.0), (119.6, 29.0), (119.6, 30.2), (118.0, 30.2))
PROVINCE_MARGIN = 0.4  # degrees around the city
JITTER = 0.28          # of a cell's width
DIGITS = 5             # about a metre


def _at(q: Quad, u: float, v: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    return ((1 - u) * (1 - v) * x0 + u * (1 - v) * x1 + u * v * x2 + (1 - u) * v * x3,
            (1 - u) * (1 - v) * y0 + u * (1 - v) * y1 + u * v * y2 + (1 - u) * v * y3)


def grid_shape(n: int) -> tuple[int, int]:
    """(columns, rows) with columns × rows = n, as square as n allows."""
    rows = max(r for r in range(1, math.isqrt(n) + 1) if n % r == 0)
    return n // rows, rows


def split(q: Quad, n: int, seed: int, key: str) -> list[Quad]:
    """`q` cut into n cells, west to east and then south to north."""
    cols, rows = grid_shape(n)
    r = rng(seed, "boundary", key)
    corner: dict[tuple[int, int], Point] = {}
    for j in range(rows + 1):
        for i in range(cols + 1):
            # a corner on the outline moves only along it, so the cells fill `q` exactly
            du = r.uniform(-JITTER, JITTER) / cols if 0 < i < cols else 0.0
            dv = r.uniform(-JITTER, JITTER) / rows if 0 < j < rows else 0.0
            corner[i, j] = _at(q, i / cols + du, j / rows + dv)
    return [(corner[i, j], corner[i + 1, j], corner[i + 1, j + 1], corner[i, j + 1])
            for j in range(rows) for i in range(cols)]


def _feature(code: str, name: str, q: Quad) -> dict:
    ring = [[round(x, DIGITS), round(y, DIGITS)] for x, y in (*q, q[0])]
    return {"type": "Feature", "properties": {"MOF_DIV_CODE": code, "MOF_DIV_NAME": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def write_boundaries(path: Path, seed: int, province: tuple[str, str], city: tuple[str, str],
                     counties: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> Path:
    """`counties`: (code, name, [(township code, name), ...]) in order."""
    m = PROVINCE_MARGIN
    (x0, y0), _, (x2, y2), _ = CITY_BOX
    features = [_feature(*province, ((x0 - m, y0 - m), (x2 + m, y0 - m), (x2 + m, y2 + m),
                                     (x0 - m, y2 + m))),
                _feature(*city, CITY_BOX)]
    for (code, name, towns), box in zip(counties, split(CITY_BOX, len(counties), seed, city[0])):
        features.append(_feature(code, name, box))
        for (tcode, tname), cell in zip(towns, split(box, len(towns), seed, code)):
            features.append(_feature(tcode, tname, cell))
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path

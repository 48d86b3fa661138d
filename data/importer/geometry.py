"""GeoJSON for the region_boundary dataset: reading a FeatureCollection as
rows (MOF_DIV_CODE from each feature's properties, its geometry), and
checking a geometry: Polygon or MultiPolygon, every ring closed with at least
4 positions of finite longitude [-180, 180] and latitude [-90, 90]."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterator

from data.importer.values import Bad

SUFFIXES = {".geojson", ".json"}
HEADER = ("MOF_DIV_CODE", "GEOMETRY")
DATASET = "region_boundary"


class NotGeoJSON(ValueError):
    """The file is not a FeatureCollection; carries the bilingual reason and the line."""

    def __init__(self, zh: str, en: str, line: int = 1, value: str | None = None):
        super().__init__(en)
        self.zh, self.en, self.line, self.value = zh, en, line, value


def feature_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    """The header (line 1), then feature N as line N + 1: the row a
    spreadsheet of the features would show."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise NotGeoJSON("GeoJSON 文件应为 UTF-8 编码", "a GeoJSON file must be UTF-8")
    except json.JSONDecodeError as err:
        raise NotGeoJSON("不是有效的 JSON", f"not valid JSON ({err.msg})",
                         value=f"{err.lineno}:{err.colno}")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise NotGeoJSON("应为 GeoJSON FeatureCollection（含 features 数组）",
                         "expected a GeoJSON FeatureCollection with a features array")
    yield 1, list(HEADER)
    for n, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise NotGeoJSON(f"第 {n} 个要素不是 Feature 对象", f"feature {n} is not a Feature object",
                             line=n + 1)
        props = feature.get("properties")
        code = props.get("MOF_DIV_CODE") if isinstance(props, dict) else None
        geometry = feature.get("geometry")
        # as JSON text: a message quotes the value as it reads in the file
        text = None if geometry is None else json.dumps(geometry, separators=(",", ":"))
        yield n + 1, [code, text]


def _position(p: object) -> tuple[float, float]:
    if not isinstance(p, list) or len(p) < 2 or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in p[:2]):
        raise Bad("坐标应为 [经度, 纬度] 数字对",
                  "a position must be a [longitude, latitude] pair of numbers")
    lon, lat = float(p[0]), float(p[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise Bad("坐标不是有限数值", "a coordinate is not a finite number")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Bad("坐标超出范围（经度 −180…180，纬度 −90…90）",
                  "a coordinate is out of range (longitude −180…180, latitude −90…90)")
    return lon, lat


def _ring(ring: object) -> None:
    if not isinstance(ring, list):
        raise Bad("多边形的环应为坐标数组", "a polygon ring must be an array of positions")
    points = [_position(p) for p in ring]
    if len(points) < 4:
        raise Bad("多边形的环至少需要 4 个坐标点", "a polygon ring needs at least 4 positions")
    if points[0] != points[-1]:
        raise Bad("多边形的环未闭合（首尾坐标应相同）",
                  "a polygon ring is not closed (first and last positions must be equal)")


def _polygon(rings: object) -> None:
    if not isinstance(rings, list) or not rings:
        raise Bad("多边形应至少有一个环", "a polygon needs at least one ring")
    for ring in rings:
        _ring(ring)


def parse_geometry(value: object) -> str:
    """A geometry object (or its JSON text) checked, as compact JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise Bad("几何不是有效的 JSON", "the geometry is not valid JSON")
    if not isinstance(value, dict):
        raise Bad("几何应为 GeoJSON 对象", "the geometry must be a GeoJSON object")
    kind, coords = value.get("type"), value.get("coordinates")
    if kind == "Polygon":
        _polygon(coords)
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise Bad("多多边形应至少有一个多边形", "a MultiPolygon needs at least one polygon")
        for polygon in coords:
            _polygon(polygon)
    else:
        raise Bad("几何类型应为 Polygon 或 MultiPolygon",
                  "the geometry type must be Polygon or MultiPolygon")
    return json.dumps({"type": kind, "coordinates": coords}, separators=(",", ":"))

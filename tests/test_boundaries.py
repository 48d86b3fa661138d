"""The region_boundary dataset (a GeoJSON FeatureCollection): a good file is
stored as given, bad geometry and unknown region codes reject the whole
import with nothing written, on SQLite and PostgreSQL; the demo's boundaries
import and tile its county; the query hands the map its regions' features."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from data import schema
from data.importer import ImportRejected, import_files
from data.query import Scope, boundaries, map_regions
from tests.conftest import DEMO_AS_OF
from tests.files.contract import COUNTY, OTHER_TOWN, TOWN, dimension_files, snapshot

WEST = [[120.0, 30.0], [120.5, 30.0], [120.5, 30.5], [120.0, 30.5], [120.0, 30.0]]
EAST = [[120.5, 30.0], [121.0, 30.0], [121.0, 30.5], [120.5, 30.5], [120.5, 30.0]]
ISLAND = [[121.1, 30.0], [121.2, 30.0], [121.2, 30.1], [121.1, 30.0]]


def feature(code, geometry, **props):
    return {"type": "Feature", "properties": {"MOF_DIV_CODE": code, **props},
            "geometry": geometry}


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def write_fc(folder, features, name="region_boundary.geojson"):
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def stored(engine) -> dict[str, dict]:
    t = schema.region_boundary
    with engine.connect() as conn:
        return {code: json.loads(g) for code, g in conn.execute(select(t.c.mof_div_code,
                                                                       t.c.geometry))}


@pytest.fixture
def dims(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path), evaluate_rules=False)
    return tmp_path


def test_a_good_file_is_stored(engine, dims):
    multi = {"type": "MultiPolygon", "coordinates": [[EAST], [ISLAND]]}
    path = write_fc(dims, [feature(TOWN, polygon(WEST), MOF_DIV_NAME="建设街道"),
                           feature(int(OTHER_TOWN), multi)])  # a code written as a number
    report = import_files(engine, [path], evaluate_rules=False)
    assert [(f.dataset, f.rows) for f in report.files] == [("region_boundary", 2)]
    assert stored(engine) == {TOWN: polygon(WEST), OTHER_TOWN: multi}
    # re-delivered: replaced by key, not added
    import_files(engine, [write_fc(dims, [feature(TOWN, polygon(EAST))])], evaluate_rules=False)
    assert stored(engine)[TOWN] == polygon(EAST) and len(stored(engine)) == 2


BAD = [
    (polygon(WEST[:-1]), "多边形的环未闭合（首尾坐标应相同） / a polygon ring is not closed"),
    (polygon(WEST[:2] + WEST[:1]), "多边形的环至少需要 4 个坐标点 / a polygon ring needs at least 4"),
    (polygon([[200.0, 30.0]] + WEST[1:-1] + [[200.0, 30.0]]), "坐标超出范围"),
    (polygon([[120.0, 95.0]] + WEST[1:-1] + [[120.0, 95.0]]), "坐标超出范围"),
    (polygon([["120", 30.0]] + WEST[1:]), "坐标应为 [经度, 纬度] 数字对"),
    ({"type": "Point", "coordinates": [120.0, 30.0]}, "几何类型应为 Polygon 或 MultiPolygon"),
    ({"type": "MultiPolygon", "coordinates": []}, "多多边形应至少有一个多边形"),
    ({"type": "Polygon", "coordinates": []}, "多边形应至少有一个环"),
    (None, "必填项为空 / required value is empty"),
]


@pytest.mark.parametrize("geometry,message", BAD)
def test_bad_geometry_rejects_everything(engine, dims, geometry, message):
    before = snapshot(engine, [schema.region_boundary, schema.import_batch, schema.data_state])
    path = write_fc(dims, [feature(COUNTY, polygon(WEST)), feature(TOWN, geometry)])
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [path], evaluate_rules=False)
    lines = info.value.lines()
    assert len(lines) == 1 and lines[0].startswith("region_boundary.geojson:3:GEOMETRY: ")
    assert message in lines[0]
    assert snapshot(engine, [schema.region_boundary, schema.import_batch,
                             schema.data_state]) == before


def test_non_finite_coordinates_are_rejected(engine, dims):
    path = dims / "region_boundary.geojson"
    ring = "[[120.0,30.0],[NaN,30.0],[120.5,30.5],[120.0,30.0]]"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                    f'{{"MOF_DIV_CODE":"{TOWN}"}},"geometry":{{"type":"Polygon","coordinates":'
                    f'[{ring}]}}}}]}}', encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [path], evaluate_rules=False)
    assert "坐标不是有限数值 / a coordinate is not a finite number" in info.value.lines()[0]
    assert stored(engine) == {}


def test_unknown_codes_and_repeated_regions_are_rejected(engine, dims):
    path = write_fc(dims, [feature(TOWN, polygon(WEST)), feature("999999", polygon(EAST)),
                           feature(TOWN, polygon(EAST)), feature(None, polygon(EAST))])
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [path], evaluate_rules=False)
    assert info.value.lines() == [
        'region_boundary.geojson:3:MOF_DIV_CODE: 区划代码不存在（数据库和本次导入中均没有） / '
        'unknown region code (neither in the store nor in this import): "999999"',
        'region_boundary.geojson:5:MOF_DIV_CODE: 必填项为空 / required value is empty: ""',
        f'region_boundary.geojson:4:MOF_DIV_CODE: 键重复（MOF_DIV_CODE），与第 2 行相同 / '
        f'duplicate key (MOF_DIV_CODE), same as line 2: "{TOWN}"',
    ]
    assert stored(engine) == {}


@pytest.mark.parametrize("text,message", [
    ('{"type": "Feature"}', "应为 GeoJSON FeatureCollection"),
    ("{not json", "不是有效的 JSON / not valid JSON"),
    ('{"type": "FeatureCollection", "features": [1]}',
     "region_boundary.geojson:2: 第 1 个要素不是 Feature 对象 / feature 1 is not a Feature object"),
])
def test_a_file_that_is_not_a_feature_collection(engine, dims, text, message):
    path = dims / "region_boundary.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [path, *dimension_files(dims)], evaluate_rules=False)
    assert message in "\n".join(info.value.lines())


def test_geojson_only_for_boundaries(engine, dims):
    path = write_fc(dims, [feature(TOWN, polygon(WEST))], name="payment.geojson")
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [path], evaluate_rules=False)
    assert "GeoJSON 文件只能用于 region_boundary 数据集" in info.value.lines()[0]


def _area(ring) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))) / 2


def test_demo_boundaries_import_and_tile_the_county(demo_engine):
    shapes = stored(demo_engine)
    with demo_engine.connect() as conn:
        regions = dict(conn.execute(select(schema.mof_div.c.mof_div_code,
                                           schema.mof_div.c.parent_code)).all())
    assert set(shapes) == set(regions)  # every region of the demo has a boundary
    county = "990121"
    towns = [c for c, p in regions.items() if p == county]
    county_area = _area(shapes[county]["coordinates"][0])
    # the townships fill the county: their areas add up to its area
    assert sum(_area(shapes[t]["coordinates"][0]) for t in towns) == pytest.approx(county_area,
                                                                                   rel=1e-6)
    # the map of the whole store goes down the single-child chain to the county's townships
    scope = Scope(as_of=DEMO_AS_OF)
    assert map_regions(demo_engine, scope).parent == county
    fc = boundaries(demo_engine, scope)
    assert [f["properties"]["MOF_DIV_CODE"] for f in fc["features"]] == sorted(towns)
    assert all(f["geometry"] == shapes[f["id"]] for f in fc["features"])
    # a township has no children: the map draws the township itself
    one = map_regions(demo_engine, scope.replace(mof_div=towns[0]))
    assert (one.parent, one.codes) == (towns[0], (towns[0],))

"""监督大屏 (pages/wall.py) rendered from its URL on the tiny demo, on SQLite
and PostgreSQL, for staff and for the kiosk profile: the five areas' tiles,
the map with every region's level (expected figures from the query layer
called directly, not through the page's cache), the ranked bars without
boundaries, the ticker; and the kiosk rotation through drill-state URLs."""
from __future__ import annotations

import sys

import dash
import plotly.graph_objects as go
import pytest

from components import levels
from components import format as fmt
from data.accounts import Viewer
from data.query import Scope, execution, map_regions
from data.query.problems import problems, summary
from data.rules import breaches_at
from tests.conftest import DEMO_AS_OF
from tests.sessions import STAFF, viewing_as
from tests.test_pages_execution import text, walk

KIOSK = Viewer(None, None, None)
COUNTY = "990121"


@pytest.fixture(params=["staff", "kiosk"])
def wall_app(request, demo_engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    import app as app_module
    from service import cache

    cache.clear()
    viewer = STAFF if request.param == "staff" else KIOSK
    with viewing_as(app_module.server, viewer):
        yield demo_engine, viewer


def ids(tree) -> list:
    return [getattr(n, "id", None) for n in walk(tree) if getattr(n, "id", None) is not None]


def figure(tree, name: str) -> go.Figure:
    store = next(n for n in walk(tree) if getattr(n, "id", None) == {"type": "wall-figure",
                                                                      "name": name})
    return go.Figure(store.data)


def render(**params):
    tree = sys.modules["pages.wall"].layout.__wrapped__(as_of=DEMO_AS_OF.isoformat(), **params)
    assert "本页暂时无法显示" not in text(tree)
    return tree


def county_rows(engine):
    scope = Scope(as_of=DEMO_AS_OF, mof_div=COUNTY, fund_type="1")
    return execution(engine, scope, "mof_div", COUNTY)


def test_the_wall_has_every_panel(wall_app):
    tree = render(kiosk="1")
    found = ids(tree)
    for panel in ("wall-tiles", "wall-map", "wall-trend", "wall-problems", "wall-ticker"):
        assert panel in found
    # the overview's five area tiles, nothing else in the top row
    assert [i for i in found if str(i).startswith("kpi-")] == [
        "kpi-revenue", "kpi-expenditure", "kpi-direct", "kpi-debt", "kpi-soe"]
    assert "overview-problems" in found  # the problem loop's slot, filled per request
    trend = figure(tree, "trend")
    assert [t.name for t in trend.data] == [f"{DEMO_AS_OF.year - 1}年同月", f"{DEMO_AS_OF.year}年"]


def test_the_map_shows_every_township_with_its_level(wall_app):
    engine, _viewer = wall_app
    fig = figure(render(kiosk="1"), "map")
    choropleth, labels = fig.data
    assert choropleth.type == "choropleth" and labels.type == "scattergeo"
    assert choropleth.featureidkey == "properties.MOF_DIV_CODE"
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    rows = county_rows(engine)
    assert map_regions(engine, Scope(as_of=DEMO_AS_OF)).parent == COUNTY
    assert list(choropleth.locations) == [r.code for r in rows]
    assert list(choropleth.z) == pytest.approx([r.gap_pp for r in rows])
    for r, label in zip(rows, labels.text):
        assert r.name in label and fmt.pp(r.gap_pp) in label and levels.text(r.level) in label
    drawn = {f["properties"]["MOF_DIV_CODE"] for f in choropleth.geojson["features"]}
    assert drawn == {r.code for r in rows}


def test_the_map_indicator_comes_from_the_url(wall_app):
    engine, _viewer = wall_app
    rows = county_rows(engine)
    rate = figure(render(map="rate"), "map").data[0]
    assert list(rate.z) == pytest.approx([r.rate * 100 for r in rows])
    warned = figure(render(map="warnings"), "map")
    found = breaches_at(engine, DEMO_AS_OF)
    expected = [sum(1 for b in found if b.mof_div == r.code or
                    (b.mof_div or "").startswith(r.code)) for r in rows]  # demo codes nest
    assert list(warned.data[0].z) == expected
    # an unknown indicator falls back to the execution gap
    assert list(figure(render(map="nonsense"), "map").data[0].z) == pytest.approx(
        [r.gap_pp for r in rows])


def test_without_boundaries_the_map_gives_way_to_ranked_bars(wall_app, monkeypatch):
    engine, _viewer = wall_app
    from pages._wall import sections

    monkeypatch.setattr(sections.q, "boundaries",
                        lambda _engine, _scope: {"type": "FeatureCollection", "features": []})
    fig = figure(render(), "map")
    (bars,) = fig.data
    assert bars.type == "bar"
    rows = sorted(county_rows(engine), key=lambda r: r.gap_pp)  # worst first
    assert list(bars.x) == pytest.approx([r.gap_pp for r in rows])
    assert [t.split(" ")[-1] for t in bars.text] == [levels.text(r.level) for r in rows]
    assert "未导入区划边界" in fig.layout.title.subtitle.text


def test_the_ticker_lists_the_open_red_and_orange_warnings(wall_app):
    engine, _viewer = wall_app
    tree = render(kiosk="1")
    ticker = next(n for n in walk(tree) if getattr(n, "id", None) == "wall-ticker-line")
    serious = [b for b in breaches_at(engine, DEMO_AS_OF) if b.level in ("red", "orange")]
    assert serious, "the demo plants red and orange breaches"
    items = [n for n in walk(ticker) if "wall-ticker-item" in (getattr(n, "className", "") or "")]
    assert len(items) == 2 * len(serious)  # twice, for a seamless loop
    assert f"{len(serious)} 项" in text(ticker)
    for b in serious:
        assert b.name in text(ticker)


def test_the_problem_counts_for_the_viewer(wall_app):
    engine, viewer = wall_app
    from pages._overview import tiles

    tile = tiles.problem_tile({"mof_div": None, "params": {"kiosk": "1"}})
    expected = summary(problems(engine, Scope(as_of=DEMO_AS_OF)))
    assert tile.id == "kpi-problems"
    assert f"{expected.found}" in text(tile)
    links = [n for n in walk(tile) if getattr(n, "href", None)]
    assert (links == []) == viewer.kiosk  # the kiosk profile sees counts, not the loop


# -- rotation through drill states ------------------------------------------------------------

@pytest.fixture
def rotation(demo_engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    import app  # noqa: F401 - registers the pages

    from components import shell

    return shell


def test_rotation_follows_urls_with_query_strings(rotation, monkeypatch):
    shell = rotation
    monkeypatch.setenv("KIOSK_PAGES",
                       "/wall, /execution?by=dept, /warnings?level=red, /nowhere?x=1")
    assert shell.kiosk_pages() == ["/wall", "/execution?by=dept", "/warnings?level=red"]
    assert shell.rotate(1, "/wall", "?kiosk=1") == "/execution?by=dept&kiosk=1"
    # a deeper drill on the same page is still that entry; global filters travel along
    assert shell.rotate(1, "/execution", f"?by=dept&dept=990121118&kiosk=1&mof_div={COUNTY}") \
        == f"/warnings?kiosk=1&level=red&mof_div={COUNTY}"
    assert shell.rotate(1, "/warnings", "?kiosk=1&level=red") == "/wall?kiosk=1"
    assert shell.rotate(1, "/", "?kiosk=1") == "/wall?kiosk=1"  # off the list: from the top
    monkeypatch.setenv("KIOSK_PAGES", "/execution, /execution?by=dept")
    assert shell.rotate(1, "/execution", "?kiosk=1") == "/execution?by=dept&kiosk=1"
    assert shell.rotate(1, "/execution", "?by=dept&kiosk=1") == "/execution?kiosk=1"
    monkeypatch.setenv("KIOSK_PAGES", "/wall")
    assert shell.rotate(1, "/wall", "?kiosk=1") is dash.no_update


def test_the_wall_is_in_the_navigation_last(rotation):
    paths = [p["path"] for p in rotation.nav_pages()]
    assert paths[-1] == "/wall"

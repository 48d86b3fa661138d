"""Static files and data responses over the wire (service/static.py): gzip
when the browser accepts it and only then, no session cookie on a static
file, a year's caching for a versioned asset, 304 on revalidation."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import dash
from plotly.offline import get_plotlyjs_version

from tests.sessions import signed_in

ROOT = Path(__file__).resolve().parent.parent
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
RENDERER = Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.min.js"
PLOTLY = ROOT / "assets" / "vendor" / "plotly" / "plotly-app.min.js"
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def renderer_url(client) -> str:
    index = client.get("/").get_data(as_text=True)
    return re.search(r'src="([^"]*dash_renderer[^"]*\.min\.js)"', index).group(1)


def test_a_bundle_is_gzipped_when_accepted_and_not_otherwise(server, engine):
    client = signed_in(server, engine, "staff")
    url = renderer_url(client)
    raw = RENDERER.read_bytes()

    plain = client.get(url)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert plain.data == raw
    assert "Accept-Encoding" in plain.headers["Vary"]

    for _ in range(2):  # compressed once, then from memory: the same bytes each time
        packed = client.get(url, headers=GZIP)
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == "gzip"
        assert int(packed.headers["Content-Length"]) == len(packed.data) < len(raw) / 2
        assert gzip.decompress(packed.data) == raw

    only_identity = client.get(url, headers={"Accept-Encoding": "identity, gzip;q=0"})
    assert "Content-Encoding" not in only_identity.headers
    assert only_identity.data == raw


def test_an_asset_is_gzipped_when_accepted_and_fonts_never(server, engine):
    client = server.test_client()  # static files are open to anyone
    path = ROOT / "assets" / "app.css"
    packed = client.get("/assets/app.css", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == path.read_bytes()
    assert client.get("/assets/app.css").data == path.read_bytes()
    font = client.get("/assets/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2", headers=GZIP)
    assert font.status_code == 200 and "Content-Encoding" not in font.headers


def test_static_files_carry_no_session_cookie(server, engine):
    client = signed_in(server, engine, "staff")
    page = client.get("/")
    assert "Cookie" in page.headers.get("Vary", "")  # the page itself is per reader
    for url in (renderer_url(client), "/assets/app.css", PLOTLY_URL, "/_favicon.ico"):
        res = client.get(url, headers=GZIP)
        assert res.status_code == 200, url
        assert "Set-Cookie" not in res.headers, url
        assert "Cookie" not in res.headers.get("Vary", ""), url


def test_versioned_assets_are_kept_for_a_year(server, engine):
    client = signed_in(server, engine, "staff")
    index = client.get("/").get_data(as_text=True)
    theme = re.search(r'href="(/assets/vendor/bootswatch/flatly\.min\.css\?m=\d+)"', index).group(1)
    app_css = re.search(r'href="(/assets/app\.css\?m=[\d.]+)"', index).group(1)
    for url in (theme, app_css):
        cache_control = client.get(url).headers["Cache-Control"]
        assert "max-age=31536000" in cache_control and "immutable" in cache_control, url
    # without the version in the URL, the browser asks again each time
    assert "no-cache" in client.get("/assets/app.css").headers["Cache-Control"]


def test_revalidation_answers_304(server, engine):
    client = server.test_client()
    for url in (PLOTLY_URL, "/assets/vendor/noto-sans-sc/files/noto-sans-sc-latin-400-normal.woff2",
                "/assets/app.css"):
        for headers in ({}, GZIP):
            first = client.get(url, headers=headers)
            assert first.status_code == 200 and first.headers.get("ETag"), url
            again = client.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
            assert again.status_code == 304, (url, headers)
            assert again.data == b""
            stale = client.get(url, headers={**headers, "If-None-Match": '"not-this-one"'})
            assert stale.status_code == 200 and stale.data == first.data, (url, headers)
    assert gzip.decompress(client.get(PLOTLY_URL, headers=GZIP).data) == PLOTLY.read_bytes()


def test_dash_json_is_gzipped_when_accepted_and_html_never(server, engine):
    client = signed_in(server, engine, "staff")
    plain = client.get("/_dash-layout")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/_dash-layout", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    page = client.get("/", headers=GZIP)
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
    sign_in_form = server.test_client().get("/login", headers=GZIP)
    assert sign_in_form.status_code == 200 and "Content-Encoding" not in sign_in_form.headers


def test_charts_get_the_apps_plotly_build(server, engine):
    client = server.test_client()
    res = client.get(PLOTLY_URL)
    assert res.status_code == 200 and res.mimetype == "text/javascript"
    assert res.data == PLOTLY.read_bytes()
    assert len(res.data) < 2_000_000  # the full bundle is 4.7 MB


def test_the_plotly_build_matches_the_figures_and_holds_every_trace_drawn():
    banner = re.match(r"/\* plotly\.js (\S+) \(MIT\), traces: ([a-z ]+) \*/",
                      PLOTLY.read_text()[:200])
    assert banner, "assets/vendor/plotly/plotly-app.min.js has no banner"
    version, traces = banner.group(1), set(banner.group(2).split())
    assert version == get_plotlyjs_version()  # the plotly.js plotly (Python) writes figures for
    source = "\n".join(p.read_text() for folder in ("components", "pages")
                       for p in (ROOT / folder).rglob("*.py"))
    drawn = {name.lower() for name in re.findall(r"\bgo\.([A-Z][a-z]+)\(", source)}
    drawn -= {"figure", "layout"}
    drawn |= set(re.findall(r"[\"']type[\"']\s*:\s*[\"'](\w+)[\"']", source)) & KNOWN_TRACES
    assert drawn, "no trace found: the pattern no longer matches how charts are made"
    assert drawn <= traces, f"not in the plotly.js build: {drawn - traces} (scripts/vendor_assets.sh)"


# trace types of plotly.js, to tell a trace's `type` from other keys named type
KNOWN_TRACES = {
    "bar", "barpolar", "box", "candlestick", "carpet", "choropleth", "choroplethmap", "cone",
    "contour", "contourcarpet", "densitymap", "funnel", "funnelarea", "heatmap", "histogram",
    "histogram2d", "histogram2dcontour", "icicle", "image", "indicator", "isosurface", "mesh3d",
    "ohlc", "parcats", "parcoords", "pie", "sankey", "scatter", "scatter3d", "scattercarpet",
    "scattergeo", "scattergl", "scattermap", "scatterpolar", "scatterpolargl", "scattersmith",
    "scatterternary", "splom", "streamtube", "sunburst", "surface", "table", "treemap", "violin",
    "volume", "waterfall"}

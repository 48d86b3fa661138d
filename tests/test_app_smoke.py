"""The app serves every page, its layout and the health endpoint, and keeps
answering (JSON, notices, last figures) when the database goes away."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dash
import pytest
from sqlalchemy.exc import OperationalError

from data.db import data_version
from tests.overview_fixture import C, load
from tests.sessions import signed_in, viewing_as

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"


def test_every_page_and_the_layout(server, engine):
    client = signed_in(server, engine, "admin")
    paths = [p["path"] for p in dash.page_registry.values()]
    assert "/" in paths
    for path in paths:
        res = client.get(path)
        assert res.status_code == 200, path
        html = res.get_data(as_text=True)
        assert 'id="react-entry-point"' in html and "<title>财政监督大脑</title>" in html
        assert "http://" not in html.replace("http://localhost", "")  # nothing off-host
        assert "https://" not in html
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert b"shell-filters" in layout.data and b"_pages_content" in layout.data
    assert client.get("/_dash-dependencies").status_code == 200


def test_vendored_assets_are_served(server, engine):
    client = signed_in(server, engine, "deputy")
    index = client.get("/").get_data(as_text=True)
    for href in ("/assets/vendor/bootswatch/flatly.min.css", "/assets/vendor/bootswatch/darkly.min.css",
                 "/assets/vendor/bootstrap-icons/bootstrap-icons.min.css",
                 "/assets/vendor/noto-sans-sc/noto-sans-sc.css"):
        assert href in index
        assert client.get(href).status_code == 200
    css = client.get("/assets/vendor/bootswatch/darkly.min.css").get_data(as_text=True)
    assert "fonts.googleapis" not in css
    assert client.get("/assets/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2").status_code == 200


def test_health_on_empty_store(server):
    res = server.test_client().get("/api/v1/health")
    assert res.status_code == 200
    assert res.get_json() == {"status": "ok", "database": "ok", "data_as_of": None}


def test_health_with_data(server, engine):
    load(engine)
    res = server.test_client().get("/api/v1/health")
    # the latest PAY_DATE in the store (P4, 2025-10-02)
    assert res.get_json() == {"status": "ok", "database": "ok", "data_as_of": "2025-10-02"}


def test_health_when_database_unreachable(server, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    res = server.test_client().get("/api/v1/health")
    assert res.status_code == 503
    assert res.get_json() == {"status": "error", "database": "unavailable", "data_as_of": None}
    api = server.test_client().get("/api/v1/execution?by=mof_div",
                                   headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and "error" in api.get_json()


def test_page_keeps_last_figures_when_database_is_lost(server, engine, monkeypatch):
    load(engine)
    page = sys.modules["pages.overview"]
    with viewing_as(server):
        fresh = page.layout(as_of="2025-09-30", mof_div=C)
    assert "kpi-direct" in str(fresh)
    from service import cache

    def lost(_engine):  # the store at the same URL stops answering
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(cache, "data_version", lost)
    with viewing_as(server):
        stale = page.layout(as_of="2025-09-30", mof_div=C)
    text = str(stale)
    assert "最后一次获取的数据" in text and "kpi-direct" in text
    with viewing_as(server):
        never_seen = page.layout(as_of="2025-08-31", mof_div=C)
    assert "数据库暂时无法连接" in str(never_seen) and "Traceback" not in str(never_seen)


def test_shell_callbacks_as_functions(server, engine, monkeypatch):
    from components import shell
    from pages._shared import shell_data

    load(engine)
    with viewing_as(server):
        state = shell_data.poll_status(0, None)
        assert state == {"ok": True, "version": data_version(engine), "as_of": "2025-10-02"}
        assert shell_data.poll_status(1, state) is dash.no_update
        regions, years = shell_data.filter_options(state)
    assert [o["value"] for o in regions] == ["330402", "33040201", "33040202", "330411"]
    assert regions[1]["label"].startswith("\u3000")
    assert [o["value"] for o in years] == [2025, 2024]

    class Ctx:  # the selector that fired
        triggered_id = "f-region"

    monkeypatch.setattr(shell_data, "ctx", Ctx)
    out = shell_data.sync_filters("?kiosk=1&year=2025", C, 2025, None, None, state)
    assert out[0] == "?kiosk=1&mof_div=330402&year=2025"
    Ctx.triggered_id = "f-asof"
    assert shell_data.sync_filters("?year=2024", None, 2024, "2025-06-30", None, state)[0] == \
        "?as_of=2025-06-30"
    Ctx.triggered_id = "url"
    values = shell_data.sync_filters("?year=2024&mof_div=330402", None, None, None, None, state)
    assert values[1:3] == (regions, years)  # options travel with the values
    assert values[3:] == ("330402", 2024, "2024-12-31", None)
    Ctx.triggered_id = "f-region"  # the selector echoing the URL writes nothing
    assert shell_data.sync_filters("?mof_div=330402", C, 2025, None, None, state) == \
        (dash.no_update,) * 7

    hrefs, brand = shell.nav_links("?kiosk=1&mof_div=330402&dept=9", [{"path": "/"}])
    assert hrefs == ["/?kiosk=1&mof_div=330402"] and brand == hrefs[0]
    assert shell.mode("?kiosk=1") == ("shell kiosk", False)
    assert shell.mode("") == ("shell", True)
    stamp, banner = shell.stamp_and_banner(state, "?as_of=2025-09-30")
    assert stamp == "数据截至 2025年9月30日" and banner is None

    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    with viewing_as(server):
        down = shell_data.poll_status(2, state)
    assert down == {**state, "ok": False}
    stamp, banner = shell.stamp_and_banner(down, "")
    assert stamp == "数据截至 2025年10月2日" and "数据库暂时无法连接" in str(banner)


def test_kiosk_rotation(server, monkeypatch):
    from components import shell

    paths = [p["path"] for p in shell.nav_pages()]
    if len(paths) < 2:
        assert shell.rotate(1, "/") is dash.no_update
        return
    assert shell.rotate(1, paths[0]) == paths[1]
    assert shell.rotate(1, paths[-1]) == paths[0]
    monkeypatch.setenv("KIOSK_PAGES", f"{paths[-1]}, /nowhere")
    assert shell.kiosk_pages() == [paths[-1]]
    assert shell.rotate(1, paths[0]) is dash.no_update


def test_secret_key_generated_once(tmp_path, monkeypatch):
    import app as app_module

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = app_module.secret_key(tmp_path)
    assert len(first) == 64 and app_module.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert app_module.secret_key(tmp_path) == "from-env"


@pytest.mark.parametrize("setting", [{"PORT": "eighty"}, {"THREADS": "0"}, {"THREADS": "-2"}])
def test_bad_server_settings_are_refused_clearly(setting, tmp_path):
    name, value = next(iter(setting.items()))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "SECRET_KEY": "smoke", **setting}
    res = subprocess.run([sys.executable, "app.py"], cwd=Path(__file__).resolve().parent.parent,
                         env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert f"{name} 应为正整数 / {name} must be a positive whole number: '{value}'" in res.stderr
    assert "Traceback" not in res.stderr

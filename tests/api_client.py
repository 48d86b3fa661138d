"""A test client of the app on a store, with a deputy's bearer token (one
account per store), for the JSON API's contract tests."""
from __future__ import annotations

from data import accounts

_tokens: dict[str, str] = {}


def client_on(engine, monkeypatch):
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    import app as app_module
    from service import cache

    cache.clear()
    if url not in _tokens:
        name = f"api-client-{len(_tokens)}"
        accounts.create_user(engine, name, "deputy")
        _tokens[url] = accounts.issue_token(engine, name)
    c = app_module.server.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {_tokens[url]}"
    return c


def assert_names_parameter(res, parameter: str) -> None:
    """A 400 whose JSON error names the bad parameter first, in Chinese and English."""
    assert res.status_code == 400, res.get_data(as_text=True)
    body = res.get_json()
    assert body["parameter"] == parameter and body["error"].startswith(f"{parameter}:")
    assert "/" in body["error"]  # 中文 / English

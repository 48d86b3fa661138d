"""Query memoization keyed by the function, its arguments, the store and the
data version. Every import bumps the version, so entries never need a timer;
a shared backend (CACHE_TYPE=RedisCache or FileSystemCache) serves several
server processes, and the per-process default is bounded in size."""
from __future__ import annotations

import hashlib
import os
from typing import Any, Callable, TypeVar

from flask import Flask, g, has_request_context
from flask_caching import Cache
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from data.db import data_version, database_url, get_engine, read_engine, replica_failed
from data.i18n import language

T = TypeVar("T")
_cache: Cache | None = None


def cache_config() -> dict[str, Any]:
    config: dict[str, Any] = {
        "CACHE_TYPE": os.environ.get("CACHE_TYPE", "SimpleCache"),
        "CACHE_DEFAULT_TIMEOUT": 0,
        # Rendered page states (up to ~120 KB each) share the cache with query
        # results: 1,000 entries keep a process within about 100 MB.
        "CACHE_THRESHOLD": int(os.environ.get("CACHE_THRESHOLD", "1000")),
    }
    for name in ("CACHE_REDIS_URL", "CACHE_DIR", "CACHE_KEY_PREFIX"):
        if os.environ.get(name):
            config[name] = os.environ[name]
    return config


def init_cache(server: Flask) -> Cache:
    global _cache
    _cache = Cache(server, config=cache_config())
    return _cache


def clear() -> None:
    if _cache is not None:
        _cache.clear()


def cached_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn(engine, *args, **kwargs)` through the cache. Arguments must
    have a stable repr (dates, strings, numbers, frozen dataclasses).

    When the store cannot be reached, the last value computed for the same
    call is returned instead (and `served_stale()` turns true for the rest of
    the request), so a wall display keeps its figures through an outage; with
    no such value the database error propagates.

    The figures are read from the hot standby when one is configured and fit
    (data.db.read_engine); a failure there moves the call to the primary."""
    engine = read_engine()
    try:
        return _through_cache(engine, fn, *args, **kwargs)
    except SQLAlchemyError:
        if engine is get_engine():
            raise
        replica_failed()
        return _through_cache(get_engine(), fn, *args, **kwargs)


def _through_cache(engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    if _cache is None:
        return fn(engine, *args, **kwargs)
    # The language is part of the key: a rendered page holds its texts.
    call = repr((fn.__module__, fn.__qualname__, args, sorted(kwargs.items()), database_url(),
                 language()))
    last_key = "last:" + hashlib.sha256(call.encode()).hexdigest()
    try:
        # The version is read where the figures are: a lagging standby's figures
        # are cached under its own, older version.
        key = "q:" + hashlib.sha256((call + repr(_version(engine))).encode()).hexdigest()
        hit = _cache.get(key)
        if hit is not None:
            return hit
        value = fn(engine, *args, **kwargs)
    except SQLAlchemyError:
        last = _cache.get(last_key)
        if last is None or engine is not get_engine():
            raise
        _mark_stale()
        return last
    _cache.set(key, value)
    _cache.set(last_key, value)
    return value


def _version(engine) -> int:
    """The data version of the store behind `engine`, read once per request:
    a page asks the cache dozens of times (a grid row may), and one request
    sees one version, until it writes (_wrote)."""
    if not has_request_context():
        return data_version(engine)
    seen = g.setdefault("data_versions", {})
    if engine not in seen:
        seen[engine] = data_version(engine)
    return seen[engine]


@event.listens_for(Engine, "commit")
def _wrote(_conn) -> None:
    """A commit in this request may have bumped the data version (a threshold
    change, then the page again): the next cached call reads it anew."""
    if has_request_context():
        g.pop("data_versions", None)


def _mark_stale() -> None:
    if has_request_context():
        g.served_stale = True


def served_stale() -> bool:
    """True when this request was answered (partly) from last-known values
    because the database was unreachable."""
    return has_request_context() and bool(g.get("served_stale"))

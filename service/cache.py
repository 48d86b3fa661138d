"""Query memoization keyed by the function, its arguments, the store and the
data version. Every import bumps the version, so entries never need a timer;
a shared backend (CACHE_TYPE=RedisCache or FileSystemCache) serves several
server processes, and the per-process default is bounded in size."""
from __future__ import annotations

import hashlib
import os
from typing import Any, Callable, TypeVar

from flask import Flask
from flask_caching import Cache

from data.db import data_version, database_url, get_engine

T = TypeVar("T")
_cache: Cache | None = None


def cache_config() -> dict[str, Any]:
    config: dict[str, Any] = {
        "CACHE_TYPE": os.environ.get("CACHE_TYPE", "SimpleCache"),
        "CACHE_DEFAULT_TIMEOUT": 0,
        "CACHE_THRESHOLD": int(os.environ.get("CACHE_THRESHOLD", "2000")),
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
    have a stable repr (dates, strings, numbers, frozen dataclasses)."""
    engine = get_engine()
    if _cache is None:
        return fn(engine, *args, **kwargs)
    raw = repr((fn.__module__, fn.__qualname__, args, sorted(kwargs.items()),
                database_url(), data_version(engine)))
    key = "q:" + hashlib.sha256(raw.encode()).hexdigest()
    hit = _cache.get(key)
    if hit is not None:
        return hit
    value = fn(engine, *args, **kwargs)
    _cache.set(key, value)
    return value

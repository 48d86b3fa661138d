"""Preparing a store for use: the schema migrated to head, then the shipped
classification table imported when the store has none. The CLI's `db
upgrade`, the test fixtures and the benchmarks all prepare a store this way."""
from __future__ import annotations

from data.classification import ensure_classification
from data.db import database_url, engine_for, upgrade


def prepare(url: str | None = None) -> None:
    url = url or database_url()
    upgrade(url)
    ensure_classification(engine_for(url))

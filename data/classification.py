"""The government revenue and expenditure classification (政府收支分类科目):
the shipped table, and the parent-link hierarchy every view rolls up by."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from data.schema import classification

SHIPPED_TABLE = Path(__file__).with_name("classification.csv")
SCHEMES = ("EXP_FUNC", "DEP_ECO", "GOV_ECO", "REVENUE")


def ensure_classification(engine: Engine) -> bool:
    """Import the shipped table when the store has no classification yet.
    Returns True when it imported."""
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(classification)).scalar():
            return False
    from data.importer import import_files

    import_files(engine, [SHIPPED_TABLE], dataset="classification", username="system")
    return True

"""The breaches as of a date, whichever way they are had: the stored
evaluation when it is of that date and of the data as it is now, else a
fresh evaluation (which writes nothing)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from data.db import data_version
from data.rules.breach import Breach
from data.rules.engine import evaluate
from data.rules.store import latest_run, stored_breaches


def is_stored(engine: Engine, as_of: date) -> bool:
    """True when the latest stored evaluation is of `as_of` and of the
    current data and settings (a threshold change bumps the data version)."""
    last = latest_run(engine)
    return last is not None and last.as_of == as_of and last.data_version == data_version(engine)


def breaches_at(engine: Engine, as_of: date) -> list[Breach]:
    """Every breach as of `as_of`, by rule (registry order) then entity_code;
    stored ones carry the date they were first seen."""
    if is_stored(engine, as_of):
        return stored_breaches(engine)
    return evaluate(engine, as_of)


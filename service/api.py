"""Read-only JSON API (SPEC §3.2) under /api/v1."""
from __future__ import annotations

import functools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from data import status
from data.db import get_engine

api = Blueprint("api", __name__, url_prefix="/api/v1")


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@api.errorhandler(BadParameter)
def _bad_parameter(err: BadParameter):
    return jsonify({"error": f"{err.parameter}: {err.message}", "parameter": err.parameter}), 400


def require_token(view):
    """Any role's bearer token; 401 otherwise."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        from data.accounts import user_for_token

        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = user_for_token(get_engine(), token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return (jsonify({"error": "缺少或无效的访问令牌 / missing or invalid bearer token"}), 401,
                    {"WWW-Authenticate": "Bearer"})
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


# -- parameter parsing: every failure names its parameter ----------------------

def arg_date(name: str, default: date | None = None) -> date:
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadParameter(name, "必填，格式 YYYY-MM-DD / required, format YYYY-MM-DD")
        return default
    try:
        if len(raw) != 10:  # fromisoformat alone would also take 20250930 and week dates
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {raw!r}")


def arg_int(name: str, default: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadParameter(name, "必填 / required")
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(name, f"应为整数 / must be an integer: {raw!r}")


def arg_choice(name: str, choices, default: str | None = None) -> str | None:
    raw = request.args.get(name) or default
    if raw is not None and raw not in choices:
        raise BadParameter(name, f"取值应为 {', '.join(choices)} 之一 / must be one of "
                                 f"{', '.join(choices)}: {raw!r}")
    return raw


def yuan(fen: int | None) -> float | None:
    """Fen to yuan as a JSON number with 2 decimals."""
    if fen is None:
        return None
    return float((Decimal(fen) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# -- endpoints -------------------------------------------------------------------

@api.get("/health")
def health():
    engine = get_engine()
    try:
        status.ping(engine)
        as_of = status.data_as_of(engine)
    except SQLAlchemyError:
        return jsonify({"status": "error", "database": "unavailable", "data_as_of": None}), 503
    return jsonify({"status": "ok", "database": "ok",
                    "data_as_of": as_of.isoformat() if as_of else None})

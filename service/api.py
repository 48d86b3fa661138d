"""The JSON API under /api/v1: the read-only figures (SPEC §3.2) and the
problem loop (SPEC §3.3)."""
from __future__ import annotations

import functools
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from data import problems, status
from data.accounts import Viewer
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


@api.errorhandler(problems.ProblemError)
def _refused(err: problems.ProblemError):
    """404, 403, 409, or 400 naming the field (its message already starts with it)."""
    body = {"error": err.message}
    if err.parameter is not None:
        body["parameter"] = err.parameter
    return jsonify(body), err.status


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
        # fromisoformat alone would also take 20250930 and week dates (2025-W40-2)
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
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
        raise BadParameter(name, "取值应为 {choices} 之一 / must be one of {choices}: {raw!r}"
                           .format(choices=", ".join(choices), raw=raw))
    return raw


def fraction(value: float | None) -> float | None:
    """A ratio as a JSON number to 6 decimals."""
    return None if value is None else round(value, 6)


def yuan(fen: int | None) -> float | None:
    """Fen to yuan as a JSON number with 2 decimals."""
    if fen is None:
        return None
    return float((Decimal(fen) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# -- endpoints -------------------------------------------------------------------

@api.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(_rest):
    """Without it an unknown API path would fall through to the Dash page route
    and answer 200 with HTML."""
    return jsonify({"error": f"没有这个接口 / no such endpoint: {request.path}"}), 404


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


# -- budget execution (SPEC §3.2) -----------------------------------------------------

EXECUTION_BY = ("mof_div", "dept", "agency", "func_class", "func", "project")


def _optional(name: str) -> str | None:
    raw = request.args.get(name)
    return raw.strip() if raw is not None and raw.strip() else None


def _execution_dates(engine) -> tuple[int, date]:
    """(year, as_of): as_of defaults to the latest data date (the 31 Dec of an
    earlier `year`), year to year(as_of); both given must agree."""
    from service.cache import cached_call

    year = arg_int("year") if _optional("year") is not None else None
    if year is not None and not 1900 <= year <= 2999:
        raise BadParameter("year", f"年度超出范围 / year out of range: {year}")
    if _optional("as_of") is not None:
        as_of = arg_date("as_of")
        if year is not None and as_of.year != year:
            raise BadParameter("as_of", f"as_of 的年度应等于 year / the year of as_of must equal "
                                        f"year: {as_of.isoformat()} vs {year}")
        return as_of.year, as_of
    latest = cached_call(status.data_as_of) or date.today()
    if year is None or year == latest.year:
        return latest.year, latest
    if year < latest.year:
        return year, date(year, 12, 31)
    raise BadParameter("year", "该年度尚无数据（最新数据日期 {latest}） / no data for this year yet "
                               "(latest data date {latest}): {year}"
                               .format(latest=latest.isoformat(), year=year))


@api.get("/execution")
@require_token
def execution():
    """Execution rate against time progress by one dimension (rule EXEC_LAG)."""
    from data import query
    from service.cache import cached_call

    engine = get_engine()
    by = arg_choice("by", EXECUTION_BY)
    if by is None:
        raise BadParameter("by", "必填，取值 {choices} / required, one of {choices}"
                           .format(choices=", ".join(EXECUTION_BY)))
    fund_type = arg_choice("fund_type", ("1", "2", "3", "4"))
    year, as_of = _execution_dates(engine)
    scope = query.Scope(as_of=as_of, year=year, mof_div=_optional("mof_div"), fund_type=fund_type)
    try:
        query.validate_scope(engine, scope)
        rows = cached_call(query.execution, scope, by, _optional("parent"))
    except query.QueryError as err:
        raise BadParameter(err.parameter, err.message)
    return jsonify({
        "year": year,
        "as_of": as_of.isoformat(),
        "time_progress": fraction(query.scope_tp(scope)),
        "rows": [{"code": r.code, "name": r.name, "budget": yuan(r.budget), "paid": yuan(r.paid),
                  "rate": fraction(r.rate),
                  "gap_pp": None if r.gap_pp is None else round(r.gap_pp, 4),
                  "level": r.level} for r in rows],
    })


# -- warnings (SPEC §3.2) ------------------------------------------------------------

LEVEL_KEYS = ("green", "yellow", "orange", "red")


def _json_number(value: Decimal | None, unit: str | None) -> float | int | None:
    """A breach figure in its unit: yuan with 2 decimals, days whole, ratios and
    percentage points as computed (6 decimals)."""
    if value is None:
        return None
    if unit == "yuan":
        return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if unit == "days":
        return int(value)
    return float(value)


@api.get("/warnings")
@require_token
def warnings():
    """Every breach as of D (default: the latest data date), optionally of one
    rule or level; `problem_id` names the open problem holding it."""
    from data.rules import RULES
    from service import view

    rule = arg_choice("rule", tuple(RULES))
    level = arg_choice("level", LEVEL_KEYS)
    as_of = arg_date("as_of", default=view.default_as_of())
    rows = [b for b in view.breaches(as_of)
            if (rule is None or b.rule == rule) and (level is None or b.level == level)]
    held = problems.holding(get_engine())
    return jsonify({
        "as_of": as_of.isoformat(),
        "rows": [{"rule": b.rule, "level": b.level, "entity_type": b.entity_type,
                  "entity_code": b.entity_code,
                  "value": _json_number(b.value, RULES[b.rule].value_unit),
                  "threshold": _json_number(b.threshold, RULES[b.rule].value_unit),
                  "message": b.message,
                  "problem_id": held.get((b.rule, b.entity_code))} for b in rows],
    })


# -- government debt (SPEC §3.2) ------------------------------------------------------

@api.get("/debt")
@require_token
def debt():
    """Limits (the region's own rows) against the balance at D by debt type,
    the debt and liability ratios, and the debt ratio's level (rule DEBT_RATIO)."""
    from data import query
    from data.rules import band
    from service import view
    from service.cache import cached_call

    as_of = arg_date("as_of", default=view.default_as_of())
    scope = query.Scope(as_of=as_of, mof_div=_optional("mof_div"))
    try:
        query.validate_scope(get_engine(), scope)
    except query.QueryError as err:
        raise BadParameter(err.parameter, err.message)
    position = cached_call(query.debt_position, scope)
    return jsonify({
        "as_of": as_of.isoformat(),
        "limit": {k: yuan(v) for k, v in position.limit.items()},
        "balance": {k: yuan(v) for k, v in position.balance.items()},
        "debt_ratio": fraction(position.debt_ratio),
        "liability_ratio": fraction(position.liability_ratio),
        "level": band("DEBT_RATIO", position.debt_ratio, view.rule_settings()),
    })


# -- the problem loop (SPEC §3.3) -------------------------------------------------------

def _viewer() -> Viewer:
    return Viewer.of(g.api_user, request.remote_addr)


def _body() -> dict:
    """The request's JSON object (whatever its Content-Type says)."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise BadParameter("body", "应为 JSON 对象 / must be a JSON object")
    return body


@api.get("/problems")
@require_token
def problem_list():
    """The problems of the selection (without history) and their summary; a
    deputy's token lists only the problems that deputy raised."""
    from data import query
    from data.query.problems import problems as problem_rows, summary

    engine = get_engine()
    wanted = arg_choice("status", problems.STATUSES)
    scope = query.Scope(as_of=date.today(), mof_div=_optional("mof_div"))
    try:
        query.validate_scope(engine, scope)
    except query.QueryError as err:
        raise BadParameter(err.parameter, err.message)
    viewer = _viewer()
    rows = problem_rows(engine, scope, wanted,
                        raised_by=None if viewer.can("handle_problems") else viewer.user_id)
    return jsonify({"rows": [problems.api_dict(r, with_history=False) for r in rows],
                    "summary": summary(rows).as_dict()})


@api.post("/problems")
@require_token
def problem_create():
    """A new problem (待核实) from breaches of the latest evaluation, or by hand."""
    body, viewer, engine = _body(), _viewer(), get_engine()
    problem_id = problems.create(engine, viewer, body.get("title"), body.get("description"),
                                 body.get("mof_div"), body.get("warnings"), body.get("url"))
    return jsonify(problems.api_dict(problems.get(engine, viewer, problem_id))), 201


@api.get("/problems/<int:problem_id>")
@require_token
def problem_one(problem_id: int):
    return jsonify(problems.api_dict(problems.get(get_engine(), _viewer(), problem_id)))


@api.post("/problems/<int:problem_id>/actions")
@require_token
def problem_action(problem_id: int):
    """One step of the loop: 200 with the problem, else 404, 403, 409 or 400."""
    body = _body()
    moved = problems.act(get_engine(), _viewer(), problem_id, body.get("action"),
                         body.get("unit"), body.get("deadline"), body.get("text"))
    return jsonify(problems.api_dict(moved))

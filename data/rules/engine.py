"""Evaluating the rules as of a date (pure: writes nothing), and band(): the
level of one figure under a rule's lines, for pages that colour aggregates."""
from __future__ import annotations

from datetime import date
from time import perf_counter

from sqlalchemy import Engine

from data.db import data_version
from data.rules import assets, debt, direct, execution, freshness, payments, revenue
from data.rules.breach import Breach
from data.rules.context import Context
from data.rules.grading import fen_of_yuan, grade
from data.rules.registry import RULES, SOE_LINE_GROUPS
from data.rules.settings import RuleSetting, complete, load_settings, resolve

EVALUATORS = {**execution.EVALUATORS, **payments.EVALUATORS, **revenue.EVALUATORS,
              **direct.EVALUATORS, **debt.EVALUATORS, **assets.EVALUATORS,
              **freshness.EVALUATORS}


def evaluate(engine: Engine, as_of: date, settings: dict[str, RuleSetting] | None = None
             ) -> list[Breach]:
    """Every enabled rule's breaches (yellow, orange, red) as of `as_of`, by
    rule (registry order), then entity_code. `settings` (whole or partial,
    per rule) replaces the stored settings of the rules it names."""
    return evaluate_timed(engine, as_of, settings)[0]


def evaluate_timed(engine: Engine, as_of: date, settings: dict[str, RuleSetting] | None = None
                   ) -> tuple[list[Breach], dict[str, float], int]:
    """evaluate() plus the seconds each rule took and the data version read."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for every query of the evaluation.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        in_force = resolve(settings, load_settings(conn))
        version = data_version(conn)
        ctx = Context(conn, as_of, in_force)
        breaches: list[Breach] = []
        seconds: dict[str, float] = {}
        for rule_id in RULES:
            if not in_force[rule_id].enabled:
                continue
            started = perf_counter()
            found = EVALUATORS[rule_id](ctx)
            seconds[rule_id] = perf_counter() - started
            breaches.extend(sorted(found, key=lambda b: b.entity_code))
    return breaches, seconds, version


_CONTEXT_KEYS = {"budget_fen", "industry_type", "as_of"}


def band(rule_id: str, value, settings: dict[str, RuleSetting] | RuleSetting | None = None,
         **context) -> str | None:
    """The level ("green" when inside every line) of one figure in the rule's
    value unit (Rule.value_unit), or None when the rule does not evaluate it:
    no value, the rule disabled, a quota below the rule's minimum
    (`budget_fen=`, needed by EXEC_LAG, EXEC_LOW_Q3 and PROJECT_STALLED), a
    date before 30 September for EXEC_LOW_Q3 (`as_of=`, optional), a financial
    enterprise for SOE_ALR (`industry_type=`, needed). `settings` is one rule's
    setting or the mapping load_settings() returns; default: the defaults."""
    rule = RULES.get(rule_id)
    if rule is None:
        raise ValueError(f"没有这条规则 / unknown rule: {rule_id!r}")
    unknown = set(context) - _CONTEXT_KEYS
    if unknown:
        raise TypeError(f"band() got unexpected keywords: {', '.join(sorted(unknown))}")
    if not rule.fixed_lines and not any(t.level for t in rule.thresholds):
        raise ValueError("规则 {rule} 没有分档线 / rule {rule} has no bands for one figure".format(
            rule=rule_id))
    if isinstance(settings, RuleSetting):
        setting = complete(rule, settings, rule.defaults())
    elif settings and rule_id in settings:
        setting = complete(rule, settings[rule_id], rule.defaults())
    else:
        setting = RuleSetting(True, rule.defaults())
    if value is None or not setting.enabled:
        return None
    thresholds = setting.thresholds
    if rule.minimum:
        if "budget_fen" not in context:
            raise TypeError(f"band({rule_id!r}) needs budget_fen= (the quota in fen)")
        budget = context["budget_fen"]
        if budget is None or budget < fen_of_yuan(thresholds[rule.minimum]):
            return None
    as_of = context.get("as_of")
    if rule_id == "EXEC_LOW_Q3" and as_of is not None and not execution.third_quarter_over(as_of):
        return None
    group = ""
    if rule_id == "SOE_ALR":
        if "industry_type" not in context:
            raise TypeError("band('SOE_ALR') needs industry_type=")
        group = SOE_LINE_GROUPS.get(context["industry_type"])
        if group is None:
            return None
    hit = grade(rule, thresholds, value, group)
    return hit[0] if hit else "green"


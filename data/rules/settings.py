"""Rule settings staff can change: enabled or not, and the thresholds.

A setting is stored only once changed; a rule with no stored row runs with
the registry's defaults. Every change is validated first (a bad value changes
nothing) and then written together with one history row per changed field.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Context, Decimal, InvalidOperation

from sqlalchemy import Engine, insert, select

from data import schema as s
from data.db import bump_data_version, upsert
from data.i18n import _, use
from data.rules.grading import LEVEL_ORDER
from data.rules.registry import RULES, Rule, Threshold, plain

Value = Decimal | str
_WIDE = Context(prec=60)


class SettingError(ValueError):
    """A refused setting; the message is "中文 / English" and names the threshold."""


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool = True
    thresholds: dict[str, Value] = field(default_factory=dict)


def defaults() -> dict[str, RuleSetting]:
    return {rid: RuleSetting(True, rule.defaults()) for rid, rule in RULES.items()}


def load_settings(engine_or_conn) -> dict[str, RuleSetting]:
    """Every rule's setting in force: the stored one, else the defaults."""
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            return _load(conn)
    return _load(engine_or_conn)


def _load(conn) -> dict[str, RuleSetting]:
    out = defaults()
    for rid, enabled, stored in conn.execute(
            select(s.rule_setting.c.rule, s.rule_setting.c.enabled, s.rule_setting.c.thresholds)):
        rule = RULES.get(rid)
        if rule is None:
            continue
        values = rule.defaults()
        for key, text in json.loads(stored).items():
            if key in values:
                values[key] = _stored_value(rule.threshold(key), text)
        out[rid] = RuleSetting(bool(enabled), values)
    return out


def _stored_value(t: Threshold, text: str) -> Value:
    return text if t.unit == "text" else Decimal(text)


def resolve(given: dict | None, stored: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
    """Settings for an evaluation: the given ones (thresholds may be partial
    and loosely typed) over the stored ones."""
    if not given:
        return stored
    out = dict(stored)
    for rid, setting in given.items():
        out[rid] = complete(_rule(rid), setting, stored[rid].thresholds)
    return out


def complete(rule: Rule, setting: RuleSetting, base: dict[str, Value]) -> RuleSetting:
    """`setting` with its thresholds parsed and the missing ones taken from `base`."""
    values = dict(base)
    values.update({k: parse(rule, k, v) for k, v in (setting.thresholds or {}).items()})
    check_order(rule, values)
    return RuleSetting(bool(setting.enabled), values)


def change_setting(engine: Engine, rule_id: str, *, username: str | None,
                   enabled: bool | None = None,
                   thresholds: dict[str, str | int | float | Decimal] | None = None) -> RuleSetting:
    """Validate, then store the new setting and its history in one
    transaction. Raises SettingError (and changes nothing) on a bad value."""
    rule = _rule(rule_id)
    if enabled is not None and not isinstance(enabled, bool):
        raise SettingError(f"「启用」应为是或否 / enabled must be true or false: {enabled!r}")
    parsed = {key: parse(rule, key, value) for key, value in (thresholds or {}).items()}
    with engine.begin() as conn:
        current = _load(conn)[rule_id]
        values = {**current.thresholds, **parsed}
        check_order(rule, values)
        new = RuleSetting(current.enabled if enabled is None else enabled, values)
        changes = [("enabled", _text(current.enabled), _text(new.enabled))] \
            if new.enabled != current.enabled else []
        changes += [(t.key, _text(current.thresholds[t.key]), _text(values[t.key]))
                    for t in rule.thresholds if values[t.key] != current.thresholds[t.key]]
        if not changes:
            return current
        now = datetime.now()
        stored = json.dumps({k: _text(v) for k, v in values.items()}, ensure_ascii=False)
        row = {"rule": rule_id, "enabled": new.enabled, "thresholds": stored,
               "updated_at": now, "updated_by": username}
        conn.execute(upsert(conn, s.rule_setting).values(**row).on_conflict_do_update(
            index_elements=["rule"], set_={k: v for k, v in row.items() if k != "rule"}))
        conn.execute(insert(s.rule_setting_change), [
            {"rule": rule_id, "field": fld, "old_value": old, "new_value": new_text,
             "username": username, "changed_at": now} for fld, old, new_text in changes])
        # Levels drawn with these thresholds are cached by data version.
        bump_data_version(conn)
    return new


def setting_history(engine: Engine, rule_id: str | None = None) -> list[dict]:
    """Every recorded change, oldest first: id, rule, field, old_value,
    new_value, username, changed_at."""
    t = s.rule_setting_change
    stmt = select(t).order_by(t.c.id)
    if rule_id is not None:
        stmt = stmt.where(t.c.rule == rule_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


# -- validation ---------------------------------------------------------------------

def _rule(rule_id: str) -> Rule:
    rule = RULES.get(rule_id)
    if rule is None:
        raise SettingError(f"没有这条规则 / unknown rule: {rule_id!r}")
    return rule


def _names(t: Threshold) -> dict[str, str]:
    """The threshold's label in Chinese and in English, and its key, for a
    "中文 / English" message."""
    with use("en"):
        en = _(t.label_zh)
    return {"zh": t.label_zh, "en": en, "key": t.key}


def parse(rule: Rule, key: str, value) -> Value:
    """One threshold value as the engine keeps it, or SettingError."""
    try:
        t = rule.threshold(key)
    except KeyError:
        raise SettingError("规则 {rule} 没有阈值 {key!r} / rule {rule} has no threshold {key!r}".format(
            rule=rule.id, key=key)) from None
    names = _names(t)
    if t.unit == "text":
        if not isinstance(value, str) or not value.strip():
            raise SettingError("「{zh}」({key}) 应为非空文字 / {en} ({key}) must be non-empty text: "
                               "{value!r}".format(value=value, **names))
        return value.strip()
    number = _number(value)
    if number is None:
        raise SettingError("「{zh}」({key}) 应为数字 / {en} ({key}) must be a number: "
                           "{value!r}".format(value=value, **names))
    if not number.is_finite():
        raise SettingError("「{zh}」({key}) 应为有限的数 / {en} ({key}) must be a finite number: "
                           "{value!r}".format(value=value, **names))
    if number < 0:
        raise SettingError("「{zh}」({key}) 不能为负数 / {en} ({key}) must not be negative: "
                           "{value!r}".format(value=value, **names))
    if t.unit == "days" and number != number.to_integral_value():
        raise SettingError("「{zh}」({key}) 应为整天数 / {en} ({key}) must be a whole number of days: "
                           "{value!r}".format(value=value, **names))
    if t.unit == "yuan" and number != number.quantize(Decimal("0.01"), context=_WIDE):
        raise SettingError("「{zh}」({key}) 最多两位小数 / {en} ({key}) has at most 2 decimals: "
                           "{value!r}".format(value=value, **names))
    return number + 0  # drops a negative zero's sign


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return None
    return None


def check_order(rule: Rule, values: dict[str, Value]) -> None:
    """Lines of one group must not pass each other: yellow, orange, red in
    the direction in which the value gets worse."""
    groups: dict[str, list[Threshold]] = {}
    for t in rule.thresholds:
        if t.level:
            groups.setdefault(t.group, []).append(t)
    for lines in groups.values():
        lines.sort(key=lambda t: -LEVEL_ORDER[t.level])  # mildest first
        for milder, worse in zip(lines, lines[1:]):
            a, b = values[milder.key], values[worse.key]
            if (a > b) if milder.worse == "higher" else (a < b):
                raise SettingError(
                    "「{a[zh]}」({a[key]}) {av} 不能越过 「{b[zh]}」({b[key]}) {bv} / "
                    "{a[en]} ({a[key]}) = {av} must not be past {b[en]} ({b[key]}) = {bv}".format(
                        a=_names(milder), b=_names(worse), av=plain(a), bv=plain(b)))


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)

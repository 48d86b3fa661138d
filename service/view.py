"""The view context: what a page needs from the store for one request,
through the query cache. Pages and data-reading callbacks ask here; the
builders in components/ only ever receive the results."""
from __future__ import annotations

from datetime import date
from typing import Any

from components import urlstate
from components.drill import PageState, clean
from data import rules
from data.accounts import check_password
from data.audit import record
from data.db import get_engine
from data.hierarchy import Names, chain, names_of
from data.status import data_as_of
from service.cache import cached_call


def names() -> Names:
    """Names and parents of every dimension, looked up once per request (a
    page asks for them per row)."""
    from flask import g, has_request_context

    if has_request_context():
        hit = g.get("view_names")
        if hit is None:
            hit = g.view_names = cached_call(names_of)
        return hit
    return cached_call(names_of)


def latest_date() -> date | None:
    """The store's latest data date; None when it holds no data."""
    return cached_call(data_as_of)


def default_as_of() -> date:
    """The latest data date of the store (today when it holds no data)."""
    return latest_date() or date.today()


def page_state(path: str, params: dict[str, Any], masked: bool = False) -> PageState:
    """The state a URL names: cleaned parameters, the global filters with
    their defaults (masked for a viewer who may not see personal data), and
    a notice for a region code the store does not know."""
    p = clean(params)
    f = urlstate.filters(p, default_as_of()).replace(masked=masked)
    notices = []
    if f.mof_div is not None and f.mof_div not in names().region:
        notices.append(f"链接中的区划代码“{f.mof_div}”不存在，已显示全部区划。")
        f = f.replace(mof_div=None)
        p.pop("mof_div", None)
    return PageState(path=path, params=p, filters=f, kiosk=p.get("kiosk") == "1", notices=notices)


# -- warning rules -----------------------------------------------------------------------

def breaches(as_of: date) -> list:
    """Every breach as of D (data.rules.breaches_at), cached by data version and D."""
    return cached_call(rules.breaches_at, as_of)


def evaluated(as_of: date) -> bool:
    """Whether the breaches at D are a stored evaluation (else computed on request)."""
    return rules.is_stored(get_engine(), as_of)


def run_history() -> list:
    """(as_of, level, open breaches) of every stored evaluation date."""
    return rules.run_history(get_engine())


def rule_settings() -> dict:
    """The thresholds in force, per rule (a change bumps the data version)."""
    return cached_call(rules.load_settings)


def rule_setting_history(rule_id: str) -> list[dict]:
    return rules.setting_history(get_engine(), rule_id)


def change_rule_setting(username: str, password: str, rule_id: str, *, enabled: bool,
                        thresholds: dict[str, str]):
    """Change a rule's setting as a staff or admin account (checked by
    password), then evaluate the rules again so every page shows the new
    levels. Raises PermissionError or SettingError; returns the run summary."""
    engine = get_engine()
    user = check_password(engine, username.strip(), password) if username.strip() else None
    if user is None or user["role"] not in ("staff", "admin"):
        raise PermissionError("需要工作人员或管理员账号和正确的密码 / a staff or admin account "
                              "and its password are required")
    new = rules.change_setting(engine, rule_id, username=user["username"], enabled=enabled,
                               thresholds=thresholds)
    with engine.begin() as conn:
        record(conn, user["username"], "rule_setting",
              f"{rule_id} enabled={new.enabled} "
              + " ".join(f"{k}={v}" for k, v in new.thresholds.items()))
    return rules.run(engine)


def flags(as_of: date, entity_type: str) -> dict[str, dict[str, str]]:
    """entity_code → {rule: level} of the breaches as of D on entities of one
    type (a payment's flags, a quota over its available amount)."""
    out: dict[str, dict[str, str]] = {}
    for b in breaches(as_of):
        if b.entity_type == entity_type:
            out.setdefault(b.entity_code, {})[b.rule] = b.level
    return out


def rule_note(rule_id: str) -> str:
    """`预算执行进度滞后（EXEC_LAG）：关注线…；严重线…`: which rule coloured a
    figure and its lines in force, for a tooltip or a caption."""
    rule, thresholds = rules.RULES[rule_id], rule_settings()[rule_id].thresholds
    return f"{rule.name_zh}（{rule_id}）：{rule.lines_zh(thresholds) or rule.formula(thresholds)}"


def breaches_in(as_of: date, mof_div: str | None) -> list:
    """The breaches as of D whose entity lies in the region or below it (all: None)."""
    found = breaches(as_of)
    if mof_div is None:
        return found
    parents = names().region_parent
    return [b for b in found if b.mof_div and mof_div in chain(parents, b.mof_div)]

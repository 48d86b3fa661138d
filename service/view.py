"""The view context: what a page needs from the store for one request,
through the query cache. Pages and data-reading callbacks ask here; the
builders in components/ only ever receive the results."""
from __future__ import annotations

from datetime import date
from typing import Any

from components import format as fmt
from components import urlstate
from components.drill import PageState, clean
from data import problems, rules
from data.accounts import Viewer
from data.audit import record
from data.db import get_engine
from data.hierarchy import Names, chain, names_of
from data.i18n import DEFAULT, N_, _, language
from data.query import Scope
from data.query.problems import Summary
from data.query.problems import problems as problem_rows
from data.query.problems import summary as problem_totals
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


def region_name(code: str | None) -> str:
    """A region's name, 全部区划 for none (the whole store)."""
    return names().region.get(code, code) if code else _("全部区划")


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
        notices.append(_("链接中的区划代码“{code}”不存在，已显示全部区划。").format(code=f.mof_div))
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


def change_rule_setting(viewer: Viewer, rule_id: str, *, enabled: bool,
                        thresholds: dict[str, str]):
    """Change a rule's setting as the signed-in viewer (staff or admin), then
    evaluate the rules again so every page shows the new levels. Raises
    PermissionError or SettingError; returns the run summary."""
    if not viewer.can("set_thresholds"):
        raise PermissionError("只有工作人员或管理员可以修改阈值 / only staff and admin may "
                              "change thresholds")
    engine = get_engine()
    new = rules.change_setting(engine, rule_id, username=viewer.name, enabled=enabled,
                               thresholds=thresholds)
    with engine.begin() as conn:
        record(conn, viewer.name, "rule_setting",
               f"{rule_id} enabled={new.enabled} "
               + " ".join(f"{k}={v}" for k, v in new.thresholds.items()), viewer.ip)
    return rules.run(engine)


# -- the problem loop (changes without an import: never cached) ---------------------------

def own_problems_only(viewer: Viewer) -> bool:
    """A deputy follows the problems they raised (SPEC §3.3); staff and admin
    see all, the kiosk profile all the counts."""
    return viewer.can("raise_question") and not viewer.can("handle_problems")


def problem_summary(viewer: Viewer, mof_div: str | None) -> Summary:
    """The problem loop's counts over a region and every region below it."""
    raised_by = viewer.user_id if own_problems_only(viewer) else None
    rows = problem_rows(get_engine(), Scope(as_of=date.today(), mof_div=mof_div),
                        raised_by=raised_by)
    return problem_totals(rows)


PROBLEM_FIELDS = {"title": N_("标题"), "description": N_("说明"), "mof_div": N_("区划"),
                  "warnings": N_("预警"), "url": N_("页面地址")}


def problem_refusal(err: problems.ProblemError) -> str:
    """A refused problem call's message, its field named in the interface's
    language (`标题：必填 / required` for `title: 必填 / required`)."""
    field = PROBLEM_FIELDS.get(err.parameter or "")
    if not field:
        return err.message
    return _("{field}：{message}").format(
        field=_(field), message=err.message.removeprefix(f"{err.parameter}: "))


def overdue_problems() -> set[int]:
    """The ids of the problems now past their deadline (they stand out wherever shown)."""
    return problems.overdue_ids(get_engine())


def held_breaches(viewer: Viewer) -> dict[tuple[str, str], int | None]:
    """(rule, entity_code) → the open problem holding the breach, or None
    where the viewer may not open that problem (a deputy's view of another's)."""
    engine = get_engine()
    held = problems.holding(engine)
    if viewer.can("handle_problems"):
        return dict(held)
    mine = set()
    if own_problems_only(viewer):
        mine = {r.id for r in problem_rows(engine, Scope(as_of=date.today()),
                                           raised_by=viewer.user_id)}
    return {key: pid if pid in mine else None for key, pid in held.items()}


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
    return _("{rule}（{id}）：{lines}").format(
        rule=rule.name, id=rule_id,
        lines=rule.lines_zh(thresholds) or rule.formula(thresholds))


def breaches_in(as_of: date, mof_div: str | None) -> list:
    """The breaches as of D whose entity lies in the region or below it (all: None)."""
    found = breaches(as_of)
    if mof_div is None:
        return found
    parents = names().region_parent
    return [b for b in found if b.mof_div and mof_div in chain(parents, b.mof_div)]


def breach_message(b) -> str:
    """A breach's message: in Chinese as stored (written at evaluation, and
    returned so by the API); in English composed from the rule, the entity,
    the value and the line crossed."""
    rule = rules.RULES.get(b.rule)
    if language() == DEFAULT or rule is None:
        return b.message
    return _("{entity}：{rule}。{measure}：{value}；越过的线：{threshold}").format(
        entity=b.name or b.entity_code, rule=rule.name, measure=_(rule.value_zh),
        value=fmt.measure(b.value, rule.value_unit),
        threshold=fmt.measure(b.threshold, rule.value_unit))

"""The 督办单 (supervision notice) of an assigned problem: a numbered A4 page,
in the language of the request, that hands the problem to a unit with its
deadline, lists each linked breach with its rule, level, figures and basis,
and leaves room for the committee's seal. Rendered from templates/notice.html
(autoescaped), and to PDF by service.pdf.

    html = notice_html(p, unit_name=unit_name(engine, p.unit), region_name="示范县",
                       rules=load_settings(engine))
    pdf = notice_pdf(p, unit_name=..., region_name=..., rules=...)"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from components import levels
from components.format import long_date, measure
from data.i18n import N_, _
from data.problems import Event, LinkedBreach, Problem, ProblemError
from data.rules import RULES, RuleSetting
from data.rules.grading import LEVEL_ZH
from service.pdf import FONT_CSS, FONT_FAMILY, documents, html_to_pdf

TITLE = N_("预算联网监督问题督办单")


def committee_name(region_name: str) -> str:
    """The issuing committee: $COMMITTEE_NAME, else the top region's 预算工委."""
    return (os.environ.get("COMMITTEE_NAME") or "").strip() or \
        _("{region}人大常委会预算工作委员会").format(region=region_name)


@dataclass(frozen=True)
class BasisItem:
    """One linked breach as the notice writes it."""

    rule_id: str
    rule_name: str
    level: str
    entity: str
    value_zh: str
    value: str
    line: str
    threshold: str
    message: str
    formula: str
    basis: str


def named(name: str | None, code: str) -> str:
    """`城市建设局（101001）`, or the code alone when it has no other name."""
    return _("{name}（{code}）").format(name=name, code=code) if name and name != code else code


def basis_item(w: LinkedBreach, setting: RuleSetting | None) -> BasisItem:
    rule = RULES[w.rule]
    return BasisItem(
        rule_id=rule.id, rule_name=rule.name, level=levels.text(w.level),
        entity=named(w.name, w.entity_code),
        value_zh=_(rule.value_zh), value=measure(w.value, rule.value_unit),
        line=_("{level}线").format(level=_(LEVEL_ZH[w.level])),
        threshold=measure(w.threshold, rule.value_unit),
        message=w.message, formula=rule.formula(setting.thresholds if setting else None),
        basis=_(rule.basis))


def assignment(problem: Problem) -> Event:
    """The 交办 step the notice records; refused for a problem never assigned."""
    step = next((e for e in reversed(problem.history) if e.action == "assign"), None)
    if step is None or not (problem.notice_no and problem.unit and problem.deadline):
        raise ProblemError(409, "问题 {id} 尚未交办，没有督办单 / problem {id} has not been "
                                "assigned: it has no notice".format(id=problem.id))
    return step


def notice_html(problem: Problem, *, unit_name: str | None, region_name: str,
                committee: str | None = None,
                rules: Mapping[str, RuleSetting] | None = None) -> str:
    """The notice as a printable HTML page. `unit_name` is the name of the
    unit handed to (data.problems.unit_name), `region_name` the top region's
    (for the committee's name unless `committee` or $COMMITTEE_NAME gives it),
    `rules` the settings in force (data.rules.load_settings; default: the
    registry's defaults) for the rules' formulas."""
    step = assignment(problem)
    settings = rules or {}
    return documents.get_template("notice.html").render(
        title=_(TITLE), font_css=FONT_CSS, font_family=Markup(FONT_FAMILY),
        committee=committee or committee_name(region_name),
        notice_no=problem.notice_no, problem_id=problem.id, problem_title=problem.title,
        description=problem.description or "—",
        unit=named(unit_name, problem.unit),
        deadline=long_date(problem.deadline), assigned_on=long_date(step.at.date()),
        issuer=step.user,
        breaches=[basis_item(w, settings.get(w.rule)) for w in problem.warnings])


def notice_pdf(problem: Problem, *, unit_name: str | None, region_name: str,
               committee: str | None = None,
               rules: Mapping[str, RuleSetting] | None = None) -> bytes:
    """The notice as an A4 PDF with its fonts embedded (service.pdf.PdfError
    when Chromium is missing or fails)."""
    return html_to_pdf(notice_html(problem, unit_name=unit_name, region_name=region_name,
                                   committee=committee, rules=rules))

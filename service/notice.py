"""The 督办单 (supervision notice) of an assigned problem: a numbered A4 page
in Chinese that hands the problem to a unit with its deadline, lists each
linked breach with its rule, level, figures and basis, and leaves room for
the committee's seal. Rendered from templates/notice.html (autoescaped), and
to PDF by service.pdf.

    html = notice_html(p, unit_name=unit_name(engine, p.unit), region_name="示范县",
                       rules=load_settings(engine))
    pdf = notice_pdf(p, unit_name=..., region_name=..., rules=...)"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from components import levels
from components.format import long_date, measure
from data.problems import Event, LinkedBreach, Problem, ProblemError
from data.rules import RULES, RuleSetting
from data.rules.breach import line_zh
from service.pdf import FONT_CSS, FONT_FAMILY, html_to_pdf

TITLE = "预算联网监督问题督办单"
_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=True, undefined=StrictUndefined,
                         trim_blocks=True, lstrip_blocks=True)


def committee_name(region_name: str) -> str:
    """The issuing committee: $COMMITTEE_NAME, else the top region's 预算工委."""
    return (os.environ.get("COMMITTEE_NAME") or "").strip() or f"{region_name}人大常委会预算工作委员会"


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


def basis_item(w: LinkedBreach, setting: RuleSetting | None) -> BasisItem:
    rule = RULES[w.rule]
    return BasisItem(
        rule_id=rule.id, rule_name=rule.name_zh, level=levels.text(w.level),
        entity=f"{w.name}（{w.entity_code}）" if w.name and w.name != w.entity_code
        else w.entity_code,
        value_zh=rule.value_zh, value=measure(w.value, rule.value_unit),
        line=line_zh(w.level), threshold=measure(w.threshold, rule.value_unit),
        message=w.message, formula=rule.formula(setting.thresholds if setting else None),
        basis=rule.basis)


def assignment(problem: Problem) -> Event:
    """The 交办 step the notice records; refused for a problem never assigned."""
    step = next((e for e in reversed(problem.history) if e.action == "assign"), None)
    if step is None or not (problem.notice_no and problem.unit and problem.deadline):
        raise ProblemError(409, f"问题 {problem.id} 尚未交办，没有督办单 / problem {problem.id} "
                                "has not been assigned: it has no notice")
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
    return _templates.get_template("notice.html").render(
        title=TITLE, font_css=FONT_CSS, font_family=Markup(FONT_FAMILY),
        committee=committee or committee_name(region_name),
        notice_no=problem.notice_no, problem_id=problem.id, problem_title=problem.title,
        description=problem.description or "—",
        unit=f"{unit_name}（{problem.unit}）" if unit_name else problem.unit,
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

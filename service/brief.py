"""月度分析专报 as a PDF: the figures and commentary of data.brief, its charts
drawn by components.charts and turned into PNG on the server,
laid out by templates/brief.html (autoescaped) and printed by service.pdf.

No network: the charts are drawn by service.exports (kaleido with plotly's
own plotly.js and no MathJax), embedded as data: URLs, and the page's fonts
are local files.

    pdf = brief_pdf(figures)              # figures = data.brief.assemble(...)
"""
from __future__ import annotations

import base64
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from components import charts, levels
from components import format as fmt
from data.brief import Figures, assemble, commentary
from data.query import DEBT_TYPES
from data.rules import RULES
from data.rules.debt import DEBT_TYPE_ZH
from service.notice import committee_name
from service.pdf import FONT_CSS, FONT_FAMILY, html_to_pdf

RED_LISTED = 20  # breaches listed per rule; the rest are counted
PAYMENT_SOURCE = "国库集中支付、预算指标"

_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=True, undefined=StrictUndefined,
                         trim_blocks=True, lstrip_blocks=True)


def title(f: Figures) -> str:
    year, month = f.month.split("-")
    return f"{f.region_name}月度分析专报（{int(year)}年{int(month)}月）"


def png(fig: go.Figure) -> str:
    """The figure as a data: URL of a PNG at print resolution (kaleido's sync
    server of service.exports, started once per process)."""
    from service.exports import figure_image

    return "data:image/png;base64," + base64.b64encode(figure_image(fig.to_dict(), "png")).decode()


def figures_charts(f: Figures) -> dict[str, go.Figure]:
    """The brief's charts: execution of the departments furthest behind,
    spending per month against last year, revenue by class."""
    note = fmt.as_of_note(f.as_of, PAYMENT_SOURCE)
    depts = f.chart_depts
    # the rule's name only: its lines would not fit the subtitle at print width
    rule_note = f"等级依{RULES['EXEC_LAG'].name_zh}规则（EXEC_LAG）"
    return {
        "execution": charts.execution_bars(
            depts, f.time_progress, rule_note=rule_note, note=note,
            title=f"{f.budget_name}支出执行进度最慢的 {len(depts)} 个部门"),
        "monthly": charts.monthly_trend(
            [m.month for m in f.months], [m.paid for m in f.months],
            [m.paid_last_year for m in f.months], year=f.as_of.year, note=note,
            title=f"{f.budget_name}月度支出与上年同月对比"),
        "revenue": charts.budget_vs_actual(
            [r.name for r in f.revenue],
            [("收入预算", [r.budget for r in f.revenue], charts.BUDGET_COLOR),
             ("本年收入", [r.collected for r in f.revenue], charts.ACTUAL_COLOR),
             ("上年同期", [r.last_year for r in f.revenue], charts.LAST_YEAR_COLOR)],
            title=f"{f.budget_name}收入分类完成情况",
            note=fmt.as_of_note(f.as_of, "税务、财政收入报表")),
    }


def brief_html(f: Figures, *, committee: str | None = None,
               images: dict[str, str] | None = None) -> str:
    """The brief as a printable HTML page; `images` maps each chart to its
    image URL (default: rendered now by kaleido)."""
    if images is None:
        images = {name: png(fig) for name, fig in figures_charts(f).items()}
    return _templates.get_template("brief.html").render(
        title=title(f), font_css=FONT_CSS, font_family=Markup(FONT_FAMILY),
        committee=committee or committee_name(f.region_name), f=f,
        as_of=fmt.long_date(f.as_of), commentary=commentary(f, fmt.money), images=images,
        money=fmt.money, pct=fmt.pct, pp=fmt.pp, level=levels.text, measure=fmt.measure,
        debt_types={key: DEBT_TYPE_ZH[code] for code, key in DEBT_TYPES.items()}, red_listed=RED_LISTED)


def brief_pdf(f: Figures, *, committee: str | None = None) -> bytes:
    """The brief as an A4 PDF with its fonts embedded (service.pdf.PdfError
    when Chromium is missing or fails)."""
    return html_to_pdf(brief_html(f, committee=committee))


def file_name(f: Figures) -> str:
    return f"月度分析专报-{f.region}-{f.month}.pdf"


def make_brief(month: str, mof_div: str | None, masked: bool) -> tuple[Figures, bytes]:
    """The figures and PDF of the brief from the app's store, through its
    query cache (data.brief.BriefError for a bad month or region)."""
    from data.db import get_engine
    from service.cache import cached_call

    f = assemble(get_engine(), month, mof_div, masked=masked, call=cached_call)
    return f, brief_pdf(f)

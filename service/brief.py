"""月度分析专报 as a PDF in the current language: the figures and commentary
of data.brief, its charts drawn by components.charts and turned into PNG on
the server, laid out by templates/brief.html (autoescaped) and printed by
service.pdf.

No network: the charts are drawn by service.exports (kaleido with plotly's
own plotly.js and no MathJax), embedded as data: URLs, and the page's fonts
are local files.

    pdf = brief_pdf(figures)              # figures = data.brief.assemble(...)
"""
from __future__ import annotations

import base64

import plotly.graph_objects as go
from markupsafe import Markup

from components import charts, levels
from components import format as fmt
from data.brief import Figures, assemble, commentary
from data.i18n import N_, _, ngettext
from data.query import DEBT_TYPES
from data.rules import RULES
from data.rules.debt import DEBT_TYPE_ZH
from service import view
from service.notice import committee_name
from service.pdf import FONT_CSS, FONT_FAMILY, documents, html_to_pdf

RED_LISTED = 20  # breaches listed per rule; the rest are counted
PAYMENT_SOURCE = N_("国库集中支付、预算指标")
REVENUE_SOURCE = N_("税务、财政收入报表")


def title(f: Figures) -> str:
    year, month = f.month.split("-")
    return _("{region}月度分析专报（{month}）").format(
        region=f.region_name, month=fmt.month_label(int(year), int(month)))


def png(fig: go.Figure) -> str:
    """The figure as a data: URL of a PNG at print resolution (kaleido's sync
    server of service.exports, started once per process)."""
    from service.exports import figure_image

    return "data:image/png;base64," + base64.b64encode(figure_image(fig.to_dict(), "png")).decode()


def figures_charts(f: Figures) -> dict[str, go.Figure]:
    """The brief's charts: execution of the departments furthest behind,
    spending per month against last year, revenue by class."""
    note = fmt.as_of_note(f.as_of, _(PAYMENT_SOURCE))
    depts = f.chart_depts
    # the rule's name only: its lines would not fit the subtitle at print width
    rule_note = _("等级依{rule}规则（{id}）").format(rule=RULES["EXEC_LAG"].name,
                                                 id="EXEC_LAG")
    return {
        "execution": charts.execution_bars(
            depts, f.time_progress, rule_note=rule_note, note=note,
            title=ngettext("{budget}支出执行进度最慢的 {n} 个部门",
                           "{budget}支出执行进度最慢的 {n} 个部门", len(depts))
            .format(budget=f.budget_name, n=len(depts))),
        "monthly": charts.monthly_trend(
            [m.month for m in f.months], [m.paid for m in f.months],
            [m.paid_last_year for m in f.months], year=f.as_of.year, note=note,
            title=_("{budget}月度支出与上年同月对比").format(budget=f.budget_name)),
        "revenue": charts.budget_vs_actual(
            [r.name for r in f.revenue],
            [(_("收入预算"), [r.budget for r in f.revenue], charts.BUDGET_COLOR),
             (_("本年收入"), [r.collected for r in f.revenue], charts.ACTUAL_COLOR),
             (_("上年同期"), [r.last_year for r in f.revenue], charts.LAST_YEAR_COLOR)],
            title=_("{budget}收入分类完成情况").format(budget=f.budget_name),
            note=fmt.as_of_note(f.as_of, _(REVENUE_SOURCE))),
    }


def brief_html(f: Figures, *, committee: str | None = None,
               images: dict[str, str] | None = None) -> str:
    """The brief as a printable HTML page; `images` maps each chart to its
    image URL (default: rendered now by kaleido)."""
    if images is None:
        images = {name: png(fig) for name, fig in figures_charts(f).items()}
    return documents.get_template("brief.html").render(
        title=title(f), font_css=FONT_CSS, font_family=Markup(FONT_FAMILY),
        committee=committee or committee_name(f.region_name), f=f,
        as_of=fmt.long_date(f.as_of), commentary=commentary(f, fmt.money), images=images,
        money=fmt.money, pct=fmt.pct, pp=fmt.pp, level=levels.text, measure=fmt.measure, breach_message=view.breach_message,
        translate=_, red_listed=RED_LISTED,
        debt_types={key: _(DEBT_TYPE_ZH[code]) for code, key in DEBT_TYPES.items()})


def brief_pdf(f: Figures, *, committee: str | None = None) -> bytes:
    """The brief as an A4 PDF with its fonts embedded (service.pdf.PdfError
    when Chromium is missing or fails)."""
    return html_to_pdf(brief_html(f, committee=committee))


def file_name(f: Figures) -> str:
    return _("月度分析专报-{region}-{month}.pdf").format(region=f.region, month=f.month)


def make_brief(month: str, mof_div: str | None, masked: bool) -> tuple[Figures, bytes]:
    """The figures and PDF of the brief from the app's store, through its
    query cache (data.brief.BriefError for a bad month or region)."""
    from data.db import get_engine
    from service.cache import cached_call

    f = assemble(get_engine(), month, mof_div, masked=masked, call=cached_call)
    return f, brief_pdf(f)

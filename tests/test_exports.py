"""Meeting exports: a chart as PNG / SVG made by Kaleido on the server, a
drill list and the payment grid's whole selection as .xlsx, each checked
against the viewer and written to the audit trail; presentation mode."""
from __future__ import annotations

import base64
import io
import struct
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from dash import no_update
from openpyxl import load_workbook
from sqlalchemy import func, select

from components import charts, export, grid, shell, urlstate
from data import schema as s
from data.audit import search as audit_search
from data.export_xlsx import MONEY
from data.masking import is_individual
from data.query import Scope
from data.rules import RULES
from service import exports
from tests.conftest import DEMO_AS_OF
from tests.sessions import STAFF, viewing_as
from tests.test_masking import DEPUTY
from tests.test_pages_execution import demo_app  # noqa: F401 (fixture)

TITLE = "各部门预算执行率（测试）"


def _figure() -> dict:
    fig = charts.budget_vs_actual(
        ["教育局", "卫生健康委员会"], [("预算指标", [12_345_600, 9_000_000], charts.BUDGET_COLOR),
                                      ("已支付", [6_000_000, 8_100_000], charts.ACTUAL_COLOR)],
        title=TITLE, note="数据截至 2026年11月20日 · 来源：国库集中支付")
    return fig.to_plotly_json()


def _server():
    import app as app_module

    return app_module.server


def _file(result) -> bytes:
    sent, message = result
    assert message is None, message
    return base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()


def test_png_is_the_slide_size_and_svg_carries_the_title_and_the_font():
    from PIL import Image

    fig = _figure()
    png = exports.figure_image(fig, "png")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (exports.WIDTH * exports.SCALE, fig["layout"]["height"] * exports.SCALE)
    svg = exports.figure_image(fig, "svg").decode("utf-8")
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    assert TITLE in texts and "教育局" in texts
    assert "font-family:'Noto Sans SC'" in svg and "data:font/woff2;base64," in svg
    assert "Noto Sans SC" in svg.split("</style>", 1)[1]  # the text asks for that font


def test_a_refused_or_broken_chart_request_writes_nothing():
    with pytest.raises(exports.ExportError):
        exports.figure_image({"data": "x"}, "png")
    with pytest.raises(exports.ExportError):
        exports.figure_image(_figure(), "pdf")


def test_excel_formats_follow_what_the_grid_shows():
    assert export.number_format(",.2f") == "#,##0.00"
    assert export.number_format(".1%") == "0.0%"
    assert export.number_format("+.1f") == "+0.0;-0.0;0.0"
    assert export.column_format(grid.money_col("paid", "已支付")) == MONEY
    assert exports.file_name("预算执行/部门 执行", date(2026, 11, 20), "xlsx") == \
        "预算执行_部门_执行_2026-11-20.xlsx"


def test_a_drill_list_exports_numbers_as_numbers_and_formulas_as_text(demo_app):  # noqa: F811
    from pages._shared.exports import rows_file

    rows = [{"name": "=HYPERLINK(\"http://x\",\"点我\")", "budget": 1234.56, "paid": 617.28,
             "rate": 0.5, "gap": -12.3, "level": "▲严重 落后12.3个百分点", "lvl": "red",
             "href": "/execution?dept=1"},
            {"name": "+卫生局", "budget": 10.0, "paid": 0.0, "rate": 0.0, "gap": None,
             "level": "●正常", "lvl": None, "href": None}]
    columns = grid.exec_list_columns("部门")
    before = audit_search(demo_app, user=STAFF.name, action="export")[1]
    with viewing_as(_server(), STAFF):
        data = _file(rows_file(1, rows, rows, columns, "/execution", "?as_of=2026-11-20"))
    sheet = load_workbook(io.BytesIO(data)).active
    lines = [[c.value for c in r] for r in sheet.iter_rows()]
    assert lines[0][0] == "预算执行"
    assert lines[1][0].startswith("来源：") and "/execution?as_of=2026-11-20" in lines[1][0]
    assert lines[2][0] == "数据截至 2026年11月20日"
    assert lines[3] == ["部门", "预算指标（万元）", "已支付（万元）", "执行率",
                        "与序时进度差（个百分点）", "状态"]
    first = list(sheet.iter_rows(min_row=5, max_row=5))[0]
    assert first[0].value == rows[0]["name"] and first[0].data_type == "s"
    assert first[1].value == 1234.56 and first[1].number_format == MONEY
    assert first[3].value == 0.5 and first[3].number_format == "0.0%"
    assert first[4].value == -12.3 and first[4].number_format == "+0.0;-0.0;0.0"
    second = list(sheet.iter_rows(min_row=6, max_row=6))[0]
    assert second[0].value == "+卫生局" and second[0].data_type == "s" and second[4].value is None
    assert sheet.max_row == 6
    entries, total = audit_search(demo_app, user=STAFF.name, action="export")
    assert total == before + 1 and "table xlsx rows=2" in entries[0]["detail"]


def _agency_with_people(engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(select(s.payment.c.agency_code, s.payment.c.payee_acct_name)
                            .where(s.payment.c.fiscal_year == DEMO_AS_OF.year,
                                   s.payment.c.pay_date <= DEMO_AS_OF)).all()
    return next(r.agency_code for r in rows if is_individual(r.payee_acct_name))


def _independent(engine, agency: str):
    """Count, Σ yuan and individuals' names of the agency's payments to D."""
    p = s.payment.c
    where = (p.fiscal_year == DEMO_AS_OF.year, p.pay_date <= DEMO_AS_OF, p.agency_code == agency)
    with engine.connect() as conn:
        n, total = conn.execute(select(func.count(), func.sum(p.amount)).where(*where)).one()
        people = {r[0] for r in conn.execute(select(p.payee_acct_name).where(*where))
                  if is_individual(r[0])}
    return n, int(total) / 100, people


def _payments_export(viewer, agency: str, sort_model=None):
    from pages._shared.exports import payments_file

    query = grid.payment_query(Scope(as_of=DEMO_AS_OF, agency=agency), href="/execution")
    with viewing_as(_server(), viewer):
        result = payments_file(1, query, {"sortModel": sort_model or []}, "/execution",
                               f"?agency={agency}")
    return load_workbook(io.BytesIO(_file(result))).active


def _data_rows(sheet):
    lines = [[c.value for c in r] for r in sheet.iter_rows()]
    header = lines.index([c["headerName"] for c in grid.PAYMENT_COLUMNS])
    return lines[:header], lines[header + 1:]


def test_payment_export_is_the_whole_selection_in_yuan(demo_app):  # noqa: F811
    agency = _agency_with_people(demo_app)
    n, total_yuan, people = _independent(demo_app, agency)
    sheet = _payments_export(STAFF, agency, [{"colId": "amount", "sort": "desc"}])
    lead, rows = _data_rows(sheet)
    assert len(rows) == n and n > grid.PAGE_SIZE  # more than the grid's first page
    amount = [c["field"] for c in grid.PAYMENT_COLUMNS].index("amount")
    assert sum(r[amount] for r in rows) == pytest.approx(total_yuan, abs=0.005)
    assert [r[amount] for r in rows] == sorted((r[amount] for r in rows), reverse=True)
    cell = list(sheet.iter_rows(min_row=len(lead) + 2, max_row=len(lead) + 2))[0][amount]
    assert isinstance(cell.value, float | int) and cell.number_format == MONEY
    payee = [c["field"] for c in grid.PAYMENT_COLUMNS].index("payee")
    assert people & {r[payee] for r in rows}  # staff see the names
    assert lead[2][0] == "数据截至 2026年11月20日"


def test_a_deputys_payment_export_is_masked_and_audited(demo_app):  # noqa: F811
    agency = _agency_with_people(demo_app)
    n, _, people = _independent(demo_app, agency)
    before = audit_search(demo_app, user=DEPUTY.name, action="export")[1]
    sheet = _payments_export(DEPUTY, agency, [{"colId": "payee", "sort": "asc"}])
    _, rows = _data_rows(sheet)
    assert len(rows) == n
    text = " ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r)
    assert people and not any(name in text for name in people)
    entries, total = audit_search(demo_app, user=DEPUTY.name, action="export")
    assert total == before + 1
    assert f"payments xlsx rows={n}/{n}" in entries[0]["detail"] and agency in entries[0]["detail"]


def test_a_capped_payment_export_says_so(demo_app, monkeypatch):  # noqa: F811
    agency = _agency_with_people(demo_app)
    n, _, _ = _independent(demo_app, agency)
    monkeypatch.setattr(exports, "ROW_CAP", 3)
    lead, rows = _data_rows(_payments_export(STAFF, agency))
    assert len(rows) == 3 and any(f"共 {n:,} 行" in (line[0] or "") for line in lead)


def test_anonymous_exports_are_refused_and_not_audited(demo_app):  # noqa: F811
    from pages._shared.exports import chart_file, page_file, payments_file, rows_file
    from pages._warnings.breaches import breaches_file

    before = audit_search(demo_app, action="export")[1]
    query = grid.payment_query(Scope(as_of=DEMO_AS_OF), href="/execution")
    breaches = {"as_of": DEMO_AS_OF.isoformat(), "mof_div": None, "filters": {}, "params": {},
                "path": "/warnings"}
    with viewing_as(_server(), None):
        for sent, message in (
                chart_file({"fmt": "png", "figure": _figure()}, "/execution", ""),
                rows_file(1, [], [], [], "/execution", ""),
                payments_file(1, query, {}, "/execution", ""),
                breaches_file(1, breaches, {}, "/warnings", ""),
                page_file(1, "/execution", "")):
            assert sent is no_update and "请先登录" in message and "sign in" in message
    assert audit_search(demo_app, action="export")[1] == before



def test_presentation_mode_is_a_url_flag_that_follows_the_reader():
    assert "present" in shell.mode("?present=1")[0].split()
    assert "present" not in shell.mode("?kiosk=1")[0].split()
    assert urlstate.keep_global({"present": "1", "dept": "101"}) == {"present": "1"}


@pytest.mark.browser
def test_a_click_on_export_downloads_the_chart_and_the_table(live_server, page):
    pg = page
    pg.goto(live_server + "/execution?present=1")
    pg.wait_for_selector("#chart-exec-rate .bars .point path", timeout=30_000)
    assert pg.evaluate("document.documentElement.classList.contains('present')")
    assert not pg.locator("#shell-filters").is_visible()
    with pg.expect_download(timeout=30_000) as got:
        pg.locator("#chart-exec-rate .export-button", has_text="PNG").click()
    png = got.value
    assert png.suggested_filename.endswith(f"_{DEMO_AS_OF.isoformat()}.png")
    head = open(png.path(), "rb").read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", head[16:20])[0] == exports.WIDTH * exports.SCALE
    with pg.expect_download(timeout=30_000) as got:
        pg.locator("#list-exec-rows .export-button").click()
    sheet = load_workbook(io.BytesIO(open(got.value.path(), "rb").read())).active
    assert sheet["A1"].value == "预算执行" and got.value.suggested_filename.endswith(".xlsx")
    top = "i => document.querySelectorAll('.shell-main .chart-block')[i].getBoundingClientRect().top"
    pg.locator("#exec-page .page-title").click()  # the key goes to the page, not a button
    pg.keyboard.press("PageDown")  # the first chart comes to the top of the screen
    pg.wait_for_function(f"i => Math.abs(({top})(i)) < 40", arg=0, timeout=10_000)
    pg.keyboard.press("PageDown")  # then the next one below it
    pg.wait_for_function(f"i => ({top})(i) < -100", arg=0, timeout=10_000)
    pg.keyboard.press("PageUp")  # and back
    pg.wait_for_function(f"i => Math.abs(({top})(i)) < 40", arg=0, timeout=10_000)


def test_the_warnings_export_is_every_breach_under_the_filters(demo_app):  # noqa: F811
    """预警中心's Excel: every open red breach (the grid shows a page at a time),
    its figures as numbers in the unit beside them; counted here from the
    stored results."""
    from pages._warnings.breaches import breaches_file

    with demo_app.connect() as conn:
        red = conn.execute(select(s.rule_result.c.rule, s.rule_result.c.entity_code,
                                  s.rule_result.c.value)
                           .where(s.rule_result.c.resolved_on.is_(None),
                                  s.rule_result.c.level == "red")).all()
    query = {"as_of": DEMO_AS_OF.isoformat(), "mof_div": None, "filters": {"level": "red"},
             "params": {"level": "red"}, "path": "/warnings"}
    with viewing_as(_server(), STAFF):
        result = breaches_file(1, query, {"sortModel": [{"colId": "rule", "sort": "asc"}]},
                               "/warnings", "?level=red")
    sheet = load_workbook(io.BytesIO(_file(result))).active
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, line in enumerate(lines) if line[:3] == ["等级", "规则编号", "规则"])
    rows = lines[header + 1:]
    assert red and len(rows) == len(red)
    assert {(r[1], r[3]) for r in rows} == {(r.rule, r.entity_code) for r in red}
    assert {r[0] for r in rows} == {"严重"}
    order = [r[1] for r in rows]
    assert order == sorted(order, key=list(RULES).index)
    by_key = {(r.rule, r.entity_code): r.value for r in red}
    unit = lines[header].index("单位")
    for r in rows:
        stored = by_key[(r[1], r[3])]
        if stored is not None and r[unit] in ("元", "%", "个百分点", "天"):
            scale = 100 if r[unit] == "%" else 1
            assert r[6] == pytest.approx(float(stored) * scale)
    assert lines[header - 1][0] == "数据截至 2026年11月20日"

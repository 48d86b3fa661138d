"""月度分析专报: its figures equal the JSON API's for the same D, its
commentary's numbers are those figures, the open red warnings come with
their rules' basis, the PDF embeds the font and carries the title, and the
CLI and the download route make it (or refuse) for the right people."""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from components.format import money
from data import audit, i18n
from data.brief import BriefError, assemble, brief_date, commentary
from data.masking import is_individual
from data.rules import RULES
from data.schema import payment
from tests.api_client import client_on
from tests.conftest import DEMO_AS_OF
from tests.sessions import signed_in
from tests.test_notice import needs_chromium, text_in

# month → D, by SPEC: a past month's last day; the month of the latest data date its date
MONTHS = {"2026-11": DEMO_AS_OF, "2026-10": date(2026, 10, 31)}
IMAGES = {name: "data:image/png;base64,iVBORw0KGgo=" for name in ("execution", "monthly",
                                                                  "revenue")}


def yuan(fen: int | None) -> float | None:
    return None if fen is None else float((Decimal(fen) / 100).quantize(Decimal("0.01"),
                                                                         ROUND_HALF_UP))


@pytest.fixture
def client(demo_engine, monkeypatch):
    monkeypatch.delenv("COMMITTEE_NAME", raising=False)
    return client_on(demo_engine, monkeypatch)


def api(client, path: str, **params) -> dict:
    res = client.get(f"/api/v1/{path}", query_string=params)
    assert res.status_code == 200, res.get_data(as_text=True)
    return res.get_json()


# -- the figures against the API ---------------------------------------------------

@pytest.mark.parametrize("month", MONTHS)
def test_the_figures_equal_the_api(demo_engine, client, month):
    f = assemble(demo_engine, month)
    d = MONTHS[month].isoformat()
    assert f.as_of == MONTHS[month]

    rows = api(client, "execution", by="mof_div", mof_div=f.region, fund_type="1", as_of=d)
    assert rows["time_progress"] == round(f.time_progress, 6)
    (own,) = [r for r in rows["rows"] if r["code"] == f.region]
    e = f.expenditure
    assert (own["budget"], own["paid"], own["rate"], own["level"]) == \
        (yuan(e.budget), yuan(e.paid), round(e.rate, 6), e.level)
    assert own["gap_pp"] == round(e.gap_pp, 4)

    depts = api(client, "execution", by="dept", mof_div=f.region, fund_type="1", as_of=d)
    assert [(r["code"], r["budget"], r["paid"], r["rate"], r["level"]) for r in depts["rows"]] == \
        [(r.code, yuan(r.budget), yuan(r.paid), None if r.rate is None else round(r.rate, 6),
          r.level) for r in f.depts]
    assert f.depts, "the demo has departments"

    debt = api(client, "debt", mof_div=f.region, as_of=d)
    assert debt["balance"] == {k: yuan(v) for k, v in f.debt.balance.items()}
    assert debt["limit"] == {k: yuan(v) for k, v in f.debt.limit.items()}
    assert debt["debt_ratio"] == round(f.debt.debt_ratio, 6)
    assert debt["level"] == f.debt_level

    # the top region holds every breach of the demo
    found = api(client, "warnings", as_of=d)["rows"]
    for level in ("red", "orange", "yellow"):
        assert f.breach_counts[level] == sum(1 for r in found if r["level"] == level)
    red = {(r["rule"], r["entity_code"]) for r in found if r["level"] == "red"}
    assert red, "the demo has red warnings"
    assert {(g.rule.id, b.entity_code) for g in f.red for b in g.breaches} == red
    assert f.red_count == len(red)


def test_d_and_refusals(demo_engine):
    latest = date(2026, 11, 20)
    assert brief_date("2026-11", latest) == latest
    assert brief_date("2026-02", latest) == date(2026, 2, 28)
    assert brief_date("2024-02", latest) == date(2024, 2, 29)
    for bad in ("2026-13", "2026-1", "202611", "", "2026-12"):
        with pytest.raises(BriefError) as err:
            brief_date(bad, latest)
        assert err.value.parameter == "month" and "/ " in err.value.message
    with pytest.raises(BriefError) as err:
        assemble(demo_engine, "2026-11", "no-such-region")
    assert err.value.parameter == "mof_div" and "/ " in err.value.message


def test_a_lower_region_is_its_own(demo_engine, client):
    top = assemble(demo_engine, "2026-11")
    rows = api(client, "execution", by="mof_div", mof_div=top.region, fund_type="1",
               as_of=DEMO_AS_OF.isoformat())["rows"]
    # a township: some spending, less than the whole
    own = next(r for r in rows if 0 < r["paid"] < yuan(top.expenditure.paid))
    f = assemble(demo_engine, "2026-11", own["code"])
    assert (f.region, yuan(f.expenditure.paid), yuan(f.expenditure.budget)) == \
        (own["code"], own["paid"], own["budget"])


# -- the commentary ------------------------------------------------------------------

def money_fen(text: str) -> tuple[float, int]:
    """`17.20 亿元` or `17.20 (100m yuan)` → (17.2, fen per unit)."""
    number, unit = text.split(" ", 1)
    per = {"亿元": 10**10, "万元": 10**6, "(100m yuan)": 10**10, "(10k yuan)": 10**6}[unit]
    return float(number.replace(",", "")), per


def same_money(text: str, fen: int) -> bool:
    number, per = money_fen(text)
    return number == round(fen / per, 2)


def signed(word: str, number: str) -> float:
    return {"低于": -1, "高于": 1, "下降": -1, "增长": 1}[word] * float(number)


AMOUNT = r"(-?[\d,]+\.\d{2} [万亿]元)"
AMOUNT_EN = r"(-?[\d,]+\.\d{2} \((?:10k|100m) yuan\))"


@pytest.mark.parametrize("month", MONTHS)
def test_the_commentary_says_the_figures(demo_engine, month):
    f = assemble(demo_engine, month)
    text = "".join(commentary(f, money))
    e = f.expenditure

    m = re.search(r"一般公共预算支出执行率 ([\d.]+)%，(低于|高于)序时进度 ([\d.]+) 个百分点；"
                  rf"已支付 {AMOUNT}，已下达指标 {AMOUNT}。", text)
    assert m, text
    assert float(m[1]) == round(e.paid / e.budget * 100, 1)
    assert signed(m[2], m[3]) == round((e.paid / e.budget - f.time_progress) * 100, 1)
    assert same_money(m[4], e.paid) and same_money(m[5], e.budget)

    m = re.search(rf"一般公共预算收入 {AMOUNT}，完成预算的 ([\d.]+)%，比上年同期(增长|下降) "
                  r"([\d.]+)%。", text)
    assert m, text
    collected = sum(r.collected for r in f.revenue)
    last = sum(r.last_year for r in f.revenue)
    assert same_money(m[1], collected)
    assert float(m[2]) == round(collected / sum(r.budget for r in f.revenue) * 100, 1)
    assert signed(m[3], m[4]) == round((collected / last - 1) * 100, 1)

    m = re.search(rf"直达资金已下达 {AMOUNT}，已分配 {AMOUNT}（分配率 ([\d.]+)%），"
                  rf"已支付 {AMOUNT}（支付率 ([\d.]+)%", text)
    assert m, text
    d = f.direct
    assert same_money(m[1], d.received) and same_money(m[2], d.allocated)
    assert same_money(m[4], d.paid)
    assert float(m[3]) == round(d.allocated / d.received * 100, 1)
    assert float(m[5]) == round(d.paid / d.received * 100, 1)

    m = re.search(rf"政府债务余额 {AMOUNT}，限额 {AMOUNT}，债务率 ([\d.]+)%", text)
    assert m, text
    assert same_money(m[1], sum(f.debt.balance.values()))
    assert same_money(m[2], sum(f.debt.limit.values()))
    assert float(m[3]) == round(sum(f.debt.balance.values()) / f.debt.capacity * 100, 1)

    m = re.search(r"当前预警 (\d+) 项，其中严重 (\d+) 项、预警 (\d+) 项、关注 (\d+) 项", text)
    assert m, text
    c = f.breach_counts
    assert [int(x) for x in m.groups()] == [sum(c.values()), c["red"], c["orange"], c["yellow"]]

    m = re.search(r"累计发现问题 (\d+) 个，已销号 (\d+) 个.*逾期未整改 (\d+) 个", text)
    assert m and [int(x) for x in m.groups()] == \
        [f.problems.found, f.problems.closed, f.problems.overdue]

    lagging = [r for r in f.depts if r.level in ("yellow", "orange", "red")]
    if lagging:
        worst = min(lagging, key=lambda r: r.gap_pp)
        m = re.search(r"执行进度达到预警线的部门 (\d+) 个，其中落后最多的是(.+?)，执行率 ([\d.]+)%", text)
        assert m and (int(m[1]), m[2]) == (len(lagging), worst.name)
        assert float(m[3]) == round(worst.paid / worst.budget * 100, 1)


@pytest.mark.parametrize("month", MONTHS)
def test_the_english_commentary_says_the_same_figures(demo_engine, month):
    f = assemble(demo_engine, month)
    with i18n.use("en"):
        text = " ".join(commentary(f, money))
    assert not re.search(r"[\u4e00-\u9fff]", text.replace(f.lagging_depts[0].name, "")
                         if f.lagging_depts else text)
    e = f.expenditure
    m = re.search(r"General public budget expenditure: execution rate ([\d.]+)%, ([\d.]+) pp "
                  rf"(below|above) the time-elapsed benchmark; {AMOUNT_EN} paid against "
                  rf"{AMOUNT_EN} of quotas issued\.", text)
    assert m, text
    assert float(m[1]) == round(e.paid / e.budget * 100, 1)
    sign = -1 if m[3] == "below" else 1
    assert sign * float(m[2]) == round((e.paid / e.budget - f.time_progress) * 100, 1)
    assert same_money(m[4], e.paid) and same_money(m[5], e.budget)
    m = re.search(r"(\d+) open warnings: Severe (\d+), Warning (\d+), Watch (\d+)", text)
    c = f.breach_counts
    assert m and [int(x) for x in m.groups()] == \
        [sum(c.values()), c["red"], c["orange"], c["yellow"]]


def test_the_wording_of_gaps_and_changes():
    from data.brief import against, change

    assert against(-1.84, "序时进度") == "低于序时进度 1.8 个百分点"
    assert against(0.26, "序时进度") == "高于序时进度 0.3 个百分点"
    assert against(-0.04, "序时进度") == "与序时进度持平"
    assert change(0.042) == "增长 4.2%" and change(-0.03) == "下降 3.0%"
    assert change(0.0004) == "持平"


# -- the document -------------------------------------------------------------------------

def test_the_red_warnings_come_with_their_basis(demo_engine):
    from service.brief import brief_html

    f = assemble(demo_engine, "2026-11")
    html = brief_html(f, images=IMAGES)
    assert "示范" in f.region_name and f"{f.region_name}月度分析专报（2026年11月）" in html
    assert f"{f.region_name}人大常委会预算工作委员会" in html
    assert f.red
    for g in f.red:
        rule = RULES[g.rule.id]
        assert f"{rule.name_zh}（{rule.id}）：{len(g.breaches)} 项" in html
        assert f"依据：{rule.basis}" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from the network


def test_the_committee_comes_from_the_environment(demo_engine, monkeypatch):
    from service.brief import brief_html

    monkeypatch.setenv("COMMITTEE_NAME", "某某市人大常委会预算工委")
    assert "某某市人大常委会预算工委" in brief_html(assemble(demo_engine, "2026-11"),
                                                  images=IMAGES)


@needs_chromium
def test_the_pdf_embeds_the_font_and_carries_the_title(demo_engine):
    from service.brief import brief_pdf

    f = assemble(demo_engine, "2026-11")
    data = brief_pdf(f)
    assert data.startswith(b"%PDF")
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSansSC", data)
    assert re.search(rb"/Subtype\s*/Image", data)  # the charts
    assert set(f"{f.region_name}月度分析专报年月依据") <= text_in(data)


# -- the command line ----------------------------------------------------------------------

@needs_chromium
def test_the_cli_writes_the_brief(demo_engine, client, tmp_path):
    import app as app_module

    out = tmp_path / "brief.pdf"
    res = app_module.server.test_cli_runner().invoke(
        args=["brief", "--month", "2026-10", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "2026-10-31" in res.output
    assert audit.search(demo_engine, action="export", text="月度分析专报")[1] >= 1


@needs_chromium
def test_the_cli_writes_the_brief_in_english(demo_engine, client, tmp_path):
    import app as app_module

    out = tmp_path / "brief-en.pdf"
    res = app_module.server.test_cli_runner().invoke(
        args=["brief", "--month", "2026-10", "--lang", "en", "-o", str(out)])
    assert res.exit_code == 0, res.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert set("Monthly Analysis Brief (Oct 2026) Basis") <= text_in(data)


@pytest.mark.parametrize("args, says", [
    (["--month", "2026-13"], "month must be YYYY-MM"),
    (["--month", "2027-01"], "no data for this month yet"),
    (["--month", "2026-10", "--mof-div", "nowhere"], "unknown region"),
])
def test_the_cli_refuses(client, tmp_path, args, says):
    import app as app_module

    out = tmp_path / "brief.pdf"
    res = app_module.server.test_cli_runner().invoke(args=["brief", *args, "-o", str(out)])
    assert res.exit_code == 1
    assert says in res.output and re.search(r"[\u4e00-\u9fff]", res.output)
    assert not out.exists()


# -- the download route ----------------------------------------------------------------------

@needs_chromium
def test_the_download_route(demo_engine, client, monkeypatch):
    import app as app_module
    from service import brief

    server = app_module.server
    printed: list[str] = []
    real = brief.html_to_pdf
    monkeypatch.setattr(brief, "html_to_pdf", lambda html: printed.append(html) or real(html))

    staff = signed_in(server, demo_engine, "staff")
    res = staff.get("/files/brief.pdf?month=2026-11")
    assert res.status_code == 200, res.get_data(as_text=True)
    assert res.mimetype == "application/pdf" and res.data.startswith(b"%PDF")
    assert "attachment" in res.headers["Content-Disposition"]
    assert res.headers["Cache-Control"] == "private, no-store"
    entries = audit.search(demo_engine, action="export", user=staff.user_name)[0]
    assert len(entries) == 1 and "月度分析专报" in entries[0]["detail"]

    deputy = signed_in(server, demo_engine, "deputy")
    res = deputy.get("/files/brief.pdf?month=2026-11")
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    with demo_engine.connect() as conn:
        payees = [n for n in conn.execute(select(payment.c.payee_acct_name).distinct()).scalars()
                  if is_individual(n)]
    assert payees, "the demo pays individuals"
    assert len(printed) == 2
    for name in payees:
        assert name.strip() not in printed[1]

    res = deputy.get("/files/brief.pdf?month=2026-1")
    assert res.status_code == 400 and "month must be YYYY-MM" in res.get_data(as_text=True)
    res = deputy.get("/files/brief.pdf?month=2026-11&mof_div=nowhere")
    assert res.status_code == 400 and "未知的区划" in res.get_data(as_text=True)

    res = server.test_client().get("/files/brief.pdf?month=2026-11")
    assert res.status_code == 302 and "/login" in res.headers["Location"]

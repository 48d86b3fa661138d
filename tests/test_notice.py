"""The 督办单 of an assigned problem: what the page says (every element, the
figures as written by hand here, escaped text), and the PDF Chromium prints
of it (embedded Noto Sans SC, the title's characters really in the text)."""
from __future__ import annotations

import os
import re
import shutil
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from data import accounts, problems
from data.accounts import Viewer
from data.problems import Event, LinkedBreach, Problem, ProblemError
from data.rules import RULES, RuleSetting
from data.schema import agency, mof_div, rule_result, rule_run
from service import pdf
from service.notice import notice_html, notice_pdf

needs_chromium = pytest.mark.skipif(
    shutil.which(os.environ.get("CHROMIUM") or "chromium") is None,
    reason="Chromium 不在 PATH 上（也未设置 CHROMIUM）/ Chromium is not installed: no PDF to check")

# Characters that appear in the notice only through the problem's title.
TITLE_MARK = "麒麟湾"
TITLE = f"{TITLE_MARK}水库移民补助资金长期闲置"
COMMITTEE = "示范县人大常委会预算工作委员会"


def breach(rule, level, value, threshold, name, code, message="说明"):
    return LinkedBreach(rule=rule, entity_code=code, entity_type="agency", level=level,
                        value=None if value is None else Decimal(value),
                        threshold=None if threshold is None else Decimal(threshold),
                        message=message, name=name, mof_div="990121")


BREACHES = (
    breach("EXEC_LAG", "red", "-25.3", "-20", "城市建设局", "101001", "执行率落后序时进度 25.3 个百分点"),
    breach("PAY_OVER_QUOTA", "red", "1234567.89", "0", "道路维修支付", "PAY0042"),
    breach("PROJECT_STALLED", "yellow", "120", "90", "老旧小区改造", "P2026007"),
)


def assigned(title=TITLE, description="资金下达后九个月未支付。\n请核实原因。",
             warnings=BREACHES, **changes) -> Problem:
    values = dict(
        id=42, title=title, description=description, status="assigned", mof_div="990121",
        unit="101001", deadline=date(2026, 12, 31), overdue=False,
        created_at=datetime(2026, 11, 2, 9, 0), closed_at=None, created_by=3,
        created_by_name="staff-a", notice_no="督〔2026〕3号", source_url=None,
        ever_assigned=True, warnings=warnings,
        history=(Event(datetime(2026, 11, 2, 9, 0), "staff-a", "create", None, "new", None),
                 Event(datetime(2026, 11, 3, 10, 30), "wangfang", "assign", "new", "assigned",
                       None, "101001", date(2026, 12, 31))))
    values.update(changes)
    return Problem(**values)


def render(p: Problem, **kw) -> str:
    return notice_html(p, unit_name=kw.pop("unit_name", "示范县城市建设局"),
                       region_name="示范县", **kw)


@pytest.fixture(autouse=True)
def no_committee_env(monkeypatch):
    monkeypatch.delenv("COMMITTEE_NAME", raising=False)


# -- the page -------------------------------------------------------------------

def test_the_notice_holds_every_element():
    html = render(assigned())
    for part in (COMMITTEE, "预算联网监督问题督办单", "督〔2026〕3号", TITLE,
                 "资金下达后九个月未支付。\n请核实原因。", "示范县城市建设局（101001）",
                 "2026年12月31日", "2026年11月3日", "wangfang",
                 "请于期限前书面反馈整改情况", "盖章"):
        assert part in html, part
    # each breach: its rule, level as mark and word, the object, its figures and basis
    for part in ("预算执行进度滞后（EXEC_LAG）", "▲严重", "城市建设局（101001）",
                 "-25.3 个百分点", "严重线", "-20.0 个百分点", "执行率落后序时进度 25.3 个百分点",
                 "超指标支付（PAY_OVER_QUOTA）", "道路维修支付（PAY0042）", "123.46 万元", "0.00 元",
                 "项目长期未执行（PROJECT_STALLED）", "▲关注", "关注线", "120 天", "90 天"):
        assert part in html, part
    for rule in ("EXEC_LAG", "PAY_OVER_QUOTA", "PROJECT_STALLED"):
        assert RULES[rule].basis in html
    assert "差距 ≤ −10 个百分点 为关注，≤ −20 个百分点 为严重" in html  # the default lines


def test_the_formulas_use_the_thresholds_in_force():
    setting = RuleSetting(True, {"min_quota": Decimal("100000"), "yellow_lag_pp": Decimal("15"),
                                 "red_lag_pp": Decimal("30")})
    html = render(assigned(), rules={"EXEC_LAG": setting})
    assert "差距 ≤ −15 个百分点 为关注，≤ −30 个百分点 为严重" in html


def test_the_committee_comes_from_the_environment_or_the_caller(monkeypatch):
    monkeypatch.setenv("COMMITTEE_NAME", "云溪市人大常委会预算工作委员会")
    html = render(assigned())
    assert "云溪市人大常委会预算工作委员会" in html and COMMITTEE not in html
    html = render(assigned(), committee="财政经济委员会")
    assert "财政经济委员会" in html and "云溪市" not in html


def test_a_problem_without_breaches_says_so():
    html = render(assigned(warnings=()))
    assert "本问题未关联预警规则" in html and "▲" not in html


def test_every_text_is_escaped():
    html = render(assigned(
        title="<script>alert(1)</script>", description="a < b & c",
        warnings=(breach("EXEC_LAG", "red", "-25", "-20", "<i>局</i>", "101001",
                         '<img src=x onerror="alert(2)">'),)),
        unit_name="<b>城建局</b>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "a &lt; b &amp; c" in html
    assert "&lt;b&gt;城建局&lt;/b&gt;" in html and "<b>" not in html
    assert "&lt;i&gt;局&lt;/i&gt;" in html and "<img" not in html


def test_the_page_references_local_files_only():
    html = render(assigned())
    urls = re.findall(r'(?:src|href)="([^"]*)"', html) + re.findall(r"url\(([^)]*)\)", html)
    assert urls and all(u.startswith("file:///") for u in urls), urls
    assert all(Path(u.removeprefix("file://")).is_file() for u in urls)
    assert "default-src 'none'" in html  # a stray remote URL would be refused as well


def test_only_an_assigned_problem_has_a_notice():
    new = assigned(status="new", unit=None, deadline=None, notice_no=None,
                   history=assigned().history[:1])
    with pytest.raises(ProblemError) as err:
        render(new)
    assert err.value.status == 409 and "尚未交办" in err.value.message
    assert "not been assigned" in err.value.message


# -- Chromium -------------------------------------------------------------------

def test_a_missing_chromium_is_named(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pdf.PdfError) as err:
        notice_pdf(assigned(), unit_name="城建局", region_name="示范县")
    assert "找不到 Chromium" in err.value.message and "Chromium not found" in err.value.message


def test_a_failing_or_hanging_chromium_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM", shutil.which("false"))
    with pytest.raises(pdf.PdfError, match="未能生成 PDF.*failed"):
        pdf.html_to_pdf("<p>x</p>")
    slow = tmp_path / "slow-chromium"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(slow))
    with pytest.raises(pdf.PdfError, match="超时.*within 0.5 s"):
        pdf.html_to_pdf("<p>x</p>", timeout=0.5)


HEX = rb"<([0-9A-Fa-f]+)>"
BFCHAR = re.compile(HEX + rb"\s*" + HEX)
BFRANGE = re.compile(HEX + rb"\s*" + HEX + rb"\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")


def utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be")


def text_in(data: bytes) -> set[str]:
    """Every character the PDF's ToUnicode maps name: the text its glyphs carry."""
    chars: set[str] = set()
    for raw in re.findall(rb"(?<!end)stream\r?\n(.*?)endstream", data, re.S):
        try:
            body = zlib.decompress(raw)
        except zlib.error:  # not a Flate stream
            continue
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", body, re.S):
            chars.update(c for _, dst in BFCHAR.findall(block) for c in utf16(dst))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", body, re.S):
            for lo, hi, dst in BFRANGE.findall(block):
                targets = re.findall(HEX, dst)
                if dst.startswith(b"["):  # one target per code
                    chars.update(c for t in targets for c in utf16(t))
                else:  # consecutive targets from the first
                    first = ord(utf16(targets[0]))
                    chars.update(chr(first + i) for i in range(int(hi, 16) - int(lo, 16) + 1))
    return chars


@needs_chromium
def test_the_pdf_embeds_the_font_and_carries_the_text():
    data = notice_pdf(assigned(), unit_name="示范县城市建设局", region_name="示范县")
    assert data.startswith(b"%PDF")
    assert re.search(rb"/FontFile[23]?\b", data)
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSansSC", data)  # the vendored font, subset
    text = text_in(data)
    assert set(TITLE_MARK) <= text
    assert set("督办单严重页") <= text  # 页: the page numbers of the footer
    # the check tells a PDF without the title apart
    other = notice_pdf(assigned(title="城建局项目执行滞后"), unit_name="示范县城市建设局",
                       region_name="示范县")
    assert not set(TITLE_MARK) & text_in(other)


# -- from the store ---------------------------------------------------------------

def test_a_stored_problem_makes_its_notice(engine):
    with engine.begin() as conn:
        conn.execute(insert(mof_div).values(mof_div_code="990121", mof_div_name="示范县",
                                            parent_code=None, level=3))
        conn.execute(insert(agency).values(agency_code="101001", agency_name="示范县城市建设局",
                                           mof_div_code="990121", dept_code="101001"))
        run_id = conn.execute(insert(rule_run).values(
            as_of=date(2026, 10, 31), started_at=datetime(2026, 11, 1, 8, 0),
            finished_at=datetime(2026, 11, 1, 8, 1), data_version=1, seconds=Decimal("1.5"),
        )).inserted_primary_key[0]
        conn.execute(insert(rule_result).values(
            rule="EXEC_LAG", entity_type="agency", entity_code="101001", level="red",
            value=Decimal("-25.3"), threshold=Decimal("-20"), message="执行落后",
            mof_div_code="990121", agency_code="101001", dept_code="101001",
            name="示范县城市建设局", first_seen=date(2026, 10, 31), last_seen=date(2026, 10, 31),
            run_id=run_id))
    uid = accounts.create_user(engine, "wangfang", "staff", "Correct-Horse-9")
    staff = Viewer(uid, "wangfang", "staff")
    pid = problems.create(engine, staff, TITLE, warnings=[
        {"rule": "EXEC_LAG", "entity_code": "101001"}], now=datetime(2026, 11, 2, 9, 0))
    problems.act(engine, staff, pid, "assign", unit="101001", deadline="2027-01-15",
                 now=datetime(2026, 11, 3, 10, 30))
    p = problems.get(engine, staff, pid)
    html = notice_html(p, unit_name=problems.unit_name(engine, p.unit), region_name="示范县")
    for part in ("督〔2026〕1号", "示范县城市建设局（101001）", "2027年1月15日", "2026年11月3日",
                 "wangfang", "预算执行进度滞后", "-25.3 个百分点", "-20.0 个百分点", COMMITTEE):
        assert part in html, part

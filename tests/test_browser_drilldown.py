"""The presenter's path in a real browser: from the execution total to the
payments of a lagging agency by clicking (department bar → agency bar →
project bar → quota row → payment grid), the breadcrumb at each step, and
the browser's Back button returning to the same state. Screenshots at
1920×1080 go to test-artifacts/."""
from __future__ import annotations

import re
from datetime import date

import pytest

from data.query import Scope, execution, payments, quotas
from tests.browser import artifact, click_bar, crumb_texts, params_of, settle, wait_crumb

pytestmark = pytest.mark.browser
MAX_CLICKS = 5  # "which departments are behind, by how much, and on what payments" in under six
TOP_N = 20


def gap_order(rows):
    return sorted(rows, key=lambda r: (r.level is None, r.gap_pp is None, r.gap_pp or 0.0))


def agency_label(h, code: str) -> str:
    """As the page names an agency: a department's own unit with sister agencies is "（本级）"."""
    own = code == h.agency_dept[code] and any(a != code for a in h.dept_agencies(code))
    return h.agency_name[code] + ("（本级）" if own else "")


def plan(engine, as_of: date):
    """The bar/row to click at each level: a lagging agency (EXEC_LAG) whose
    department is on the first screen, with a project and a paid quota."""
    scope = Scope(as_of=as_of)
    from data.hierarchy import hierarchies

    h = hierarchies(engine)
    depts = [r.code for r in gap_order(execution(engine, scope, "dept"))][:TOP_N]
    lagging = sorted((r for r in execution(engine, scope, "agency") if r.level in ("yellow", "red")),
                     key=lambda r: r.gap_pp)
    for a in lagging:
        dept = h.agency_dept[a.code]
        if dept not in depts:
            continue
        agencies = [r.code for r in gap_order(execution(engine, scope.replace(dept=dept), "agency",
                                                        parent=dept))][:TOP_N]
        projects = gap_order(execution(engine, scope.replace(agency=a.code), "project",
                                       parent=a.code))[:TOP_N]
        for p in projects:
            paid = [q for q in quotas(engine, scope.replace(agency=a.code, project=p.code))
                    if q["paid"] > 0]
            if a.code in agencies and paid:
                return {"dept": (dept, depts.index(dept)),
                        "agency": (a.code, agencies.index(a.code), agency_label(h, a.code)),
                        "project": (p.code, [x.code for x in projects].index(p.code),
                                    h.project_name[p.code]),
                        "bgt_id": paid[0]["bgt_id"],
                        "gap": a.gap_pp}
    pytest.fail("the demo has no lagging agency with a paid project quota")


def test_total_to_payments_and_back(live_server, page, browser_store):  # noqa: F811
    from tests.conftest import DEMO_AS_OF

    _url, engine = browser_store
    route = plan(engine, DEMO_AS_OF)
    pg = page
    clicks = 0

    pg.goto(live_server + "/execution")
    pg.wait_for_selector("#chart-exec-rate .bars .point path", timeout=30_000)
    settle(pg)
    assert crumb_texts(pg, "exec-breadcrumb") == ["全部区划 · 按部门"]
    assert pg.locator("#exec-page .kpi").count() == 3
    pg.screenshot(path=str(artifact("drill_1_total.png")))

    dept, i_dept = route["dept"]
    click_bar(pg, "exec-rate", i_dept)
    clicks += 1
    wait_crumb(pg, "exec-breadcrumb", "部门：")
    settle(pg)
    assert params_of(pg.url) == {"dept": dept}
    dept_url = pg.url
    assert crumb_texts(pg, "exec-breadcrumb")[0] == "全部区划 · 按部门" and crumb_texts(pg, "exec-breadcrumb")[1].startswith("部门：")
    pg.screenshot(path=str(artifact("drill_2_department.png")))

    agency, i_agency, agency_name = route["agency"]
    click_bar(pg, "exec-rate", i_agency)
    clicks += 1
    wait_crumb(pg, "exec-breadcrumb", "单位：")
    settle(pg)
    assert params_of(pg.url) == {"dept": dept, "agency": agency}
    agency_url = pg.url
    agency_bars = pg.locator("#chart-exec-rate .bars .point path").count()
    assert crumb_texts(pg, "exec-breadcrumb")[-1] == f"单位：{agency_name}"
    pg.screenshot(path=str(artifact("drill_3_agency.png")))

    project, i_project, project_name = route["project"]
    click_bar(pg, "exec-rate", i_project)
    clicks += 1
    wait_crumb(pg, "exec-breadcrumb", "项目：")
    settle(pg)
    assert params_of(pg.url) == {"dept": dept, "agency": agency, "project": project}
    project_url = pg.url
    assert crumb_texts(pg, "exec-breadcrumb")[-1] == f"项目：{project_name}"
    pg.screenshot(path=str(artifact("drill_4_project.png")))

    bgt = route["bgt_id"]
    cell = pg.locator("#list-exec-quotas [role=gridcell]", has_text=re.compile(f"^{re.escape(bgt)}$"))
    cell.first.click()
    clicks += 1
    wait_crumb(pg, "exec-breadcrumb", f"指标：{bgt}")
    # the payment grid of that quota fills from the server, page by page
    rows = pg.locator("#payments-exec-payments .ag-center-cols-container [role=row]")
    rows.first.wait_for(timeout=15_000)
    # the rows shown are the quota's payments, newest first, as the query layer has them
    expected = payments(engine, Scope(as_of=DEMO_AS_OF, year=DEMO_AS_OF.year), bgt_id=bgt,
                        limit=20)
    first = expected.rows[0]["pay_cert_id"]
    pg.wait_for_function(
        "c => [...document.querySelectorAll('#payments-exec-payments [col-id=pay_cert_id]')]"
        ".some(e => e.innerText === c)", arg=first, timeout=15_000)
    settle(pg)
    assert params_of(pg.url) == {"dept": dept, "agency": agency, "project": project, "bgt_id": bgt}
    texts = crumb_texts(pg, "exec-breadcrumb")
    assert len(texts) == 5 and texts[-1] == f"指标：{bgt}"
    shown = pg.locator("#payments-exec-payments .ag-pinned-left-cols-container [col-id=pay_cert_id]")
    assert shown.all_inner_texts() == [r["pay_cert_id"] for r in expected.rows]
    assert f"/ {expected.total}" in pg.locator("#payments-exec-payments .ag-paging-panel").inner_text()
    pg.screenshot(path=str(artifact("drill_5_payments.png")))
    pg.screenshot(path=str(artifact("drill_5_payments_full.png")), full_page=True)
    assert clicks <= MAX_CLICKS

    # Back returns to the same states, rendered again from the URL
    pg.go_back()
    wait_crumb(pg, "exec-breadcrumb", f"项目：{project_name}")
    settle(pg)
    assert pg.url == project_url and crumb_texts(pg, "exec-breadcrumb")[-1] == f"项目：{project_name}"
    assert pg.locator("#list-exec-quotas [role=gridcell]", has_text=bgt).count() >= 1
    pg.go_back()
    pg.wait_for_function("() => !document.querySelector('#exec-breadcrumb').innerText.includes('项目：')",
                         timeout=15_000)
    settle(pg)
    assert pg.url == agency_url
    assert pg.locator("#chart-exec-rate .bars .point path").count() == agency_bars

    # a breadcrumb jump is a navigation too: Back undoes it
    pg.locator("#exec-breadcrumb a", has_text="部门：").click()
    pg.wait_for_function("() => !document.querySelector('#exec-breadcrumb').innerText.includes('单位：')",
                         timeout=15_000)
    settle(pg)
    assert pg.url == dept_url
    pg.go_back()
    wait_crumb(pg, "exec-breadcrumb", "单位：")
    assert pg.url == agency_url

    # a cold start on a shared URL shows the same state
    pg.goto(project_url)
    wait_crumb(pg, "exec-breadcrumb", f"项目：{project_name}")
    assert crumb_texts(pg, "exec-breadcrumb")[-1] == f"项目：{project_name}"
    assert pg.off_host() == []


def test_revenue_page_drills_by_function(live_server, page):  # noqa: F811
    pg = page
    pg.goto(live_server + "/revenue-expenditure?tab=expenditure")
    pg.wait_for_selector("#chart-re-exp .bars .point path", timeout=30_000)
    settle(pg)
    pg.screenshot(path=str(artifact("revenue_1_functions.png")))
    before = pg.url
    # the second trace is 已支出; its first bar is the biggest spender
    pg.locator("#chart-re-exp .trace.bars").nth(1).locator(".point path").first.click(force=True)
    pg.wait_for_function("u => window.location.href !== u", arg=before, timeout=15_000)
    pg.wait_for_selector("#re-breadcrumb a", timeout=15_000)
    settle(pg)
    assert "func" in params_of(pg.url)
    pg.screenshot(path=str(artifact("revenue_2_function_drill.png")))
    pg.go_back()
    pg.wait_for_function("u => window.location.href === u", arg=before, timeout=15_000)
    settle(pg)
    assert pg.locator("#re-breadcrumb li").count() == 1

    pg.goto(live_server + "/revenue-expenditure")
    pg.wait_for_selector("#chart-re-budgets-rev .bars .point path", timeout=30_000)
    settle(pg)
    pg.screenshot(path=str(artifact("revenue_0_budgets.png")), full_page=True)
    pg.goto(live_server + "/revenue-expenditure?tab=revenue")
    pg.wait_for_selector("#chart-re-revenue .bars .point path", timeout=30_000)
    settle(pg)
    pg.screenshot(path=str(artifact("revenue_3_classes.png")))
    pg.goto(live_server + "/execution?tab=three")
    pg.wait_for_selector("#chart-exec-three .bars .point path", timeout=30_000)
    settle(pg)
    pg.screenshot(path=str(artifact("exec_three_public.png")))
    pg.goto(live_server + "/execution?tab=yearend")
    pg.wait_for_selector("#chart-exec-yearend .bars .point path", timeout=30_000)
    settle(pg)
    pg.screenshot(path=str(artifact("exec_year_end.png")))
    pg.goto(live_server + "/execution?kiosk=1")
    pg.wait_for_selector("#chart-exec-rate .bars .point path", timeout=30_000)
    settle(pg)
    pg.screenshot(path=str(artifact("exec_kiosk.png")))
    assert pg.off_host() == []

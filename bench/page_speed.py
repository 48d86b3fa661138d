"""Server time of the callbacks a presenter's clicks make, at a demo scale.

    .venv/bin/python bench/page_speed.py [--scale nanhu] [--db sqlite:///…] [--repeat 3]

Each drill state is requested as the browser requests it: a POST of the
page-container callback to /_dash-update-component (through the Flask test
client, so the time is the server's alone: routing, queries, figure building
and JSON). The path walked is the one a chairs' meeting takes: the overview,
the execution page by each dimension, the department furthest behind time
progress, its most lagging agency, that agency's largest project, its largest
quota, and the first page of that quota's payments (the grid's own callback);
then the revenue page's tabs and a function drill, 预警中心 (its tabs,
filters, a date evaluated on request, the breach grid), and the drill paths of
直达资金, 政府债务 and 国有资产. "cold" clears the query
cache before every request (the first click after an import); "warm" is the
same request again (another presenter on the same state). The store is the
one `bench/query_speed.py` uses (demo generated into it when empty). With
--json PATH the runs are also added to a results file (bench/results.py).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.store import add_store_args, open_store, recorder, signed_in_client  # noqa: E402
from data.status import data_as_of  # noqa: E402

PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."


def page_request(path: str, params: dict[str, str]) -> dict:
    return {
        "output": PAGES_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search",
                    "value": "?" + urlencode(params) if params else ""}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def grid_request(grid_id: dict, state_id, query: dict, matched: bool) -> dict:
    """The data request of a server-paged grid; `matched`: its callback is
    registered with a MATCH id (the payment grid) rather than a fixed one."""
    key = json.dumps({k: ["MATCH"] if matched and k == "name" else v for k, v in grid_id.items()},
                     separators=(",", ":"), sort_keys=True)
    return {
        "output": f"{key}.getRowsResponse",
        "outputs": {"id": grid_id, "property": "getRowsResponse"},
        "inputs": [{"id": grid_id, "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}}],
        "changedPropIds": [json.dumps(grid_id, separators=(",", ":")) + ".getRowsRequest"],
        "state": [{"id": state_id, "property": "data", "value": query}],
    }


def walk(engine, as_of):
    """(label, request body) along the presenter's path."""
    from components import grid
    from data import query as q
    from pages._warnings import breaches

    d = as_of.isoformat()
    scope = q.Scope(as_of=as_of)
    behind = [r for r in q.execution(engine, scope, "dept") if r.gap_pp is not None]
    dept = min(behind, key=lambda r: r.gap_pp).code
    agencies = q.execution(engine, scope, "agency", parent=dept)
    agency = min((r for r in agencies if r.gap_pp is not None), key=lambda r: r.gap_pp).code
    projects = q.execution(engine, scope, "project", parent=agency)
    project = max(projects, key=lambda r: r.budget).code
    quota = max(q.quotas(engine, q.Scope(as_of=as_of, project=project)),
                key=lambda r: r["available"])["bgt_id"]
    func_class = max(q.execution(engine, scope, "func_class"), key=lambda r: r.paid).code
    base = {"as_of": d}
    steps = [("总览", "/", base)]
    steps += [(f"预算执行 by={by}", "/execution", {**base, "by": by})
              for by in ("dept", "mof_div", "agency", "project")]
    steps += [
        ("预算执行 → 部门", "/execution", {**base, "dept": dept}),
        ("预算执行 → 单位", "/execution", {**base, "dept": dept, "agency": agency}),
        ("预算执行 → 项目", "/execution",
         {**base, "dept": dept, "agency": agency, "project": project}),
        ("预算执行 → 指标", "/execution",
         {**base, "dept": dept, "agency": agency, "project": project, "bgt_id": quota}),
        ("预算执行 三公经费", "/execution", {**base, "tab": "three"}),
        ("预算执行 年底突击支出", "/execution", {**base, "tab": "yearend"}),
        ("财政收支 四本预算", "/revenue-expenditure", base),
        ("财政收支 收入", "/revenue-expenditure", {**base, "tab": "revenue"}),
        ("财政收支 支出", "/revenue-expenditure", {**base, "tab": "expenditure"}),
        ("财政收支 支出 → 类", "/revenue-expenditure",
         {**base, "tab": "expenditure", "func": func_class}),
    ]
    month_end = as_of.replace(day=1) - timedelta(days=1)
    steps += [
        ("预警中心", "/warnings", base),
        ("预警中心 严重", "/warnings", {**base, "level": "red"}),
        ("预警中心 EXEC_LAG", "/warnings", {**base, "rule": "EXEC_LAG"}),
        ("预警中心 变化趋势", "/warnings", {**base, "tab": "trend"}),
        ("预警中心 规则与阈值", "/warnings", {**base, "tab": "rules", "rule": "EXEC_LAG"}),
        (f"预警中心 {month_end}（即时计算）", "/warnings", {"as_of": month_end.isoformat()}),
    ]
    steps += direct_steps(engine, as_of) + debt_steps(engine, as_of) + asset_steps(engine, as_of)
    out = [(label, page_request(path, params)) for label, path, params in steps]
    quota_scope = q.Scope(as_of=as_of, year=as_of.year)
    out.append(("指标的支付明细 第 1 页",
                grid_request({"name": "exec-payments", "type": "payment-grid"},
                             {"name": "exec-payments", "type": "payment-query"},
                             grid.payment_query(quota_scope, bgt_id=quota, href="/execution"),
                             matched=True)))
    out.append(("预警明细 第 1 页",
                grid_request(breaches.ROWS, breaches.QUERY,
                             {"as_of": d, "mof_div": None, "filters": {}, "params": base},
                             matched=False)))
    return out


def direct_steps(engine, as_of):
    """直达资金: the most lagging fund of the county, its township with the most
    money, the fund's first recipient agency and its most paid quota."""
    from data.query import Scope
    from data.query.direct_funds import fund_quotas, fund_rows, recipients, region_rows

    base, county = {"as_of": as_of.isoformat()}, "990121"
    scope = Scope(as_of=as_of, mof_div=county)
    fund = min(fund_rows(engine, scope), key=lambda r: r.gap_pp or 0).code
    towns = [r for r in region_rows(engine, scope, fund) if not r.own]
    agency = recipients(engine, scope, fund)[0].code
    quota = max(fund_quotas(engine, scope, fund, agency), key=lambda r: r["paid"])["bgt_id"]
    at_fund = {**base, "fund": fund, "mof_div": county}
    steps = [("直达资金", "/direct-funds", base),
             ("直达资金 → 资金", "/direct-funds", {**base, "fund": fund}),
             ("直达资金 → 资金 → 县", "/direct-funds", at_fund),
             ("直达资金 → 单位", "/direct-funds", {**at_fund, "agency": agency}),
             ("直达资金 → 指标", "/direct-funds", {**at_fund, "agency": agency, "bgt_id": quota})]
    if towns:
        town = max(towns, key=lambda r: (r.received, r.allocated)).code
        steps.append(("直达资金 → 资金 → 乡镇", "/direct-funds", {**at_fund, "mof_div": town}))
    return steps


def debt_steps(engine, as_of):
    """政府债务: the county; the maturity wall's largest year and month; the bond
    project spending the smallest share of its money."""
    from data.query import Scope, debt

    scope, base = Scope(as_of=as_of), {"as_of": as_of.isoformat()}
    idle = min(debt.bond_projects(engine, scope), key=lambda p: 1 if p.share is None else p.share)
    year = max(debt.maturities(engine, scope), key=lambda m: m.total).period
    month = max(debt.maturities(engine, scope, "month", int(year)), key=lambda m: m.total).period
    county, wall = {**base, "mof_div": idle.mof_div}, {**base, "tab": "maturity"}
    bond = {**base, "tab": "bonds", "bond": idle.bond_code}
    return [("政府债务", "/debt", base),
            ("政府债务 → 区划", "/debt", county),
            ("政府债务 → 专项债务", "/debt", {**county, "debt_type": "2"}),
            ("政府债务 到期与偿还", "/debt", wall),
            ("政府债务 到期 → 年", "/debt", {**wall, "due_year": year}),
            ("政府债务 到期 → 月", "/debt", {**wall, "due_year": year, "due_month": month}),
            ("政府债务 债券借用还", "/debt", {**base, "tab": "bonds"}),
            ("政府债务 → 债券", "/debt", bond),
            ("政府债务 → 债券 → 项目", "/debt", {**bond, "project": idle.pro_code})]


def asset_steps(engine, as_of):
    """国有资产: each tab, the enterprise furthest over its line, a financial
    enterprise and the agency with the largest idle share, as 预警中心 links them."""
    from data.query import Scope, assets
    from data.rules import RULES, breaches_at

    base, found = {"as_of": as_of.isoformat()}, breaches_at(engine, as_of)
    alr = max((b for b in found if b.rule == "SOE_ALR"), key=lambda b: b.value)
    idle = max((b for b in found if b.rule == "IDLE_ASSETS"), key=lambda b: b.value)
    bank = next(e for e in assets.enterprises(engine, Scope(as_of=as_of)) if e.financial)
    return [("国有资产 国有企业", "/assets", base),
            ("国有资产 → 企业", "/assets", {**base, **RULES["SOE_ALR"].link(alr)[1]}),
            ("国有资产 金融企业", "/assets", {**base, "tab": "financial"}),
            ("国有资产 → 金融企业", "/assets", {**base, "tab": "financial", "enterprise": bank.code}),
            ("国有资产 行政事业性资产", "/assets", {**base, "tab": "admin"}),
            ("国有资产 行政事业性资产 县", "/assets",
             {**base, "tab": "admin", "mof_div": alr.mof_div}),
            ("国有资产 → 单位", "/assets", {**base, **RULES["IDLE_ASSETS"].link(idle)[1]}),
            ("国有资产 国有自然资源", "/assets", {**base, "tab": "natural"})]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_store_args(ap, repeat=3)
    args = ap.parse_args()
    engine = open_store(args)
    rec = recorder(args, engine, "page_speed")
    # the app reads its store from the environment when it is imported
    os.environ["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    import app as app_module
    from service import cache

    client = signed_in_client(app_module.server, engine)
    client.get("/_dash-dependencies")  # registers the callbacks
    as_of = data_as_of(engine)
    rec.baseline(engine, as_of, args.repeat)
    print(f"store: {engine.url.render_as_string(hide_password=True)}  D = {as_of}")
    print(f"{'request':28s} {'cold median':>12s} {'cold max':>9s} {'warm median':>12s} {'KiB':>6s}")
    for label, body in walk(engine, as_of):
        cold, warm, size = [], [], 0
        for _ in range(args.repeat):
            cache.clear()
            for runs in (cold, warm):
                t0 = time.perf_counter()
                res = client.post("/_dash-update-component", json=body)
                runs.append((time.perf_counter() - t0) * 1000)
                if res.status_code != 200:
                    sys.exit(f"{label}: HTTP {res.status_code}: {res.get_data(as_text=True)[:300]}")
                size = len(res.get_data())
        rec.add(label, "cold", cold, kib=round(size / 1024))
        rec.add(label, "warm", warm, kib=round(size / 1024))
        print(f"{label:28s} {statistics.median(cold):10.0f}ms {max(cold):7.0f}ms "
              f"{statistics.median(warm):10.0f}ms {size / 1024:6.0f}", flush=True)


if __name__ == "__main__":
    main()

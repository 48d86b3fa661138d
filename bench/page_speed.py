"""Server time of the callbacks a presenter's clicks make, at a demo scale.

    .venv/bin/python bench/page_speed.py [--scale nanhu] [--db sqlite:///…] [--repeat 3]

Each drill state is requested as the browser requests it: a POST of the
page-container callback to /_dash-update-component (through the Flask test
client, so the time is the server's alone: routing, queries, figure building
and JSON). The path walked is the one a chairs' meeting takes: the overview,
the execution page by each dimension, the department furthest behind time
progress, its most lagging agency, that agency's largest project, its largest
quota, and the first page of that quota's payments (the grid's own callback);
then the revenue page's tabs and a function drill, and 预警中心 (its tabs,
filters, a date evaluated on request, the breach grid). "cold" clears the query
cache before every request (the first click after an import); "warm" is the
same request again (another presenter on the same state). The store is the
one `bench/query_speed.py` uses (demo generated into it when empty).
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

from bench.store import add_store_args, open_store  # noqa: E402
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
    from components import drill, grid
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
    out = [(label, page_request(path, params)) for label, path, params in steps]
    quota_scope = q.Scope(as_of=as_of, year=as_of.year)
    out.append(("指标的支付明细 第 1 页",
                grid_request({"name": "exec-payments", "type": "payment-grid"},
                             {"name": "exec-payments", "type": "payment-query"},
                             grid.payment_query(quota_scope, bgt_id=quota, href="/execution"),
                             matched=True)))
    out.append(("预警明细 第 1 页",
                grid_request(drill.rows_id(breaches.GRID), breaches.QUERY,
                             {"as_of": d, "mof_div": None, "filters": {}, "params": base},
                             matched=False)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_store_args(ap, repeat=3)
    args = ap.parse_args()
    engine = open_store(args)
    # the app reads its store from the environment when it is imported
    os.environ["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    import app as app_module
    from service import cache

    client = app_module.server.test_client()
    client.get("/_dash-dependencies")  # registers the callbacks
    as_of = data_as_of(engine)
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
        print(f"{label:28s} {statistics.median(cold):10.0f}ms {max(cold):7.0f}ms "
              f"{statistics.median(warm):10.0f}ms {size / 1024:6.0f}", flush=True)


if __name__ == "__main__":
    main()

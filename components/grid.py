"""Tables on dash-ag-grid: the payment grid (server-side paging, sorting and
search over `data.query.payments`), and client-side drill lists (execution
rows, quotas) whose rows navigate one level down when clicked.

Flags are text badges ("▲严重 无指标支付"): the word carries the meaning, the
colour class only repeats it.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update

from components import drill, export, urlstate
from components import format as fmt
from components.format import wan
from components import levels
from data.hierarchy import Names
from data.i18n import N_, _, language
from data.rules import LEVEL_ORDER, RULES
from data.query import Scope

PAYMENTS = "payment-grid"
QUERY = "payment-query"
SEARCH = "payment-search"
SEARCH_GO = "payment-search-go"
PAGE_SIZE = 20
MAX_BLOCK = 500  # rows one data request may ask for


# AG Grid column id → data.query.PAYMENT_SORT_KEYS
SORT_KEYS = {
    "pay_cert_id": "pay_cert_id", "pay_date": "pay_date", "agency": "agency_code",
    "project": "pro_code", "func": "exp_func_code", "eco": "dep_bgt_eco_code",
    "payee": "payee_acct_name", "amount": "amount", "bgt": "bgt_id",
}

# AG Grid's own words in Chinese (English is AG Grid's default).
LOCALE_ZH = {
    "page": "第", "of": "/", "to": "至", "more": "更多", "next": "下一页",  # i18n: data
    "previous": "上一页", "first": "首页", "last": "末页", "loadingOoo": "加载中…",  # i18n: data
    "noRowsToShow": "没有记录", "pageSizeSelectorLabel": "每页",  # i18n: data
    "ariaPageSizeSelectorLabel": "每页",  # i18n: data
}


def locale_text() -> dict[str, str]:
    return LOCALE_ZH if language() == "zh" else {}


def class_rules(field: str) -> dict[str, str]:
    """Cell colour classes from a level key the row carries in `field`."""
    return {f"flag-{lv}": f"params.data != null && params.data.{field} == '{lv}'"
            for lv in ("red", "orange", "yellow", "green")}


def theme(dark: bool) -> dict[str, str]:
    """Quartz with projector-sized type; dark colours for the kiosk."""
    params = ("fontSize: 17, headerFontSize: 17, rowHeight: 46, headerHeight: 50, "
              "fontFamily: ['Noto Sans SC', 'Noto Sans CJK SC', 'Microsoft YaHei', 'sans-serif']")
    if dark:
        params += (", backgroundColor: '#0E1318', foregroundColor: '#F2F4F7', "
                   "headerBackgroundColor: '#1B2838', accentColor: '#56B4E9'")
    return {"function": f"themeQuartz.withParams({{{params}}})"}


def flag_text(flags: dict[str, str] | None) -> str:
    """{rule: level} → `▲严重 无指标支付；▲关注 大额现金支付`, worst first."""
    if not flags:
        return ""
    items = sorted(flags.items(), key=lambda kv: (LEVEL_ORDER[kv[1]], kv[0]))
    return _("；").join(f"{levels.text(lv)} {RULES[rule].name}" for rule, lv in items)


def quota_text(bgt_id: str | None, exists: bool) -> str:
    if not (bgt_id or "").strip():
        return _("▲无指标（未填指标编号）")
    return bgt_id if exists else f"{bgt_id} " + _("▲无指标")


# -- the payment grid -------------------------------------------------------------------

# headers marked for the catalog: payment_columns() has them in the current language
PAYMENT_COLUMNS: list[dict[str, Any]] = [
    {"field": "pay_cert_id", "headerName": N_("支付凭证号"), "width": 240, "pinned": "left"},
    {"field": "pay_date", "headerName": N_("支付日期"), "width": 140},
    {"field": "agency", "headerName": N_("单位"), "width": 250, "tooltipField": "agency"},
    {"field": "project", "headerName": N_("项目"), "width": 230, "tooltipField": "project"},
    {"field": "func", "headerName": N_("功能科目"), "width": 240, "tooltipField": "func"},
    {"field": "eco", "headerName": N_("经济科目"), "width": 210, "tooltipField": "eco"},
    {"field": "payee", "headerName": N_("收款人"), "width": 270, "tooltipField": "payee"},
    {"field": "use", "headerName": N_("用途"), "flex": 1, "minWidth": 220, "sortable": False,
     "tooltipField": "use"},
    {"field": "amount", "headerName": N_("金额（元）"), "width": 170, "type": "rightAligned",
     "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.2f')(params.value / 100)"},
     "cellClass": "num ag-right-aligned-cell"},
    {"field": "bgt", "headerName": N_("指标编号"), "width": 250, "tooltipField": "bgt",
     "cellClassRules": class_rules("bgt_lvl")},
    {"field": "flags", "headerName": N_("预警标记"), "width": 280, "sortable": False,
     "tooltipField": "flags",
     "cellClassRules": class_rules("flag_lvl")},
]


def headed(columns: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Column definitions whose headers are marked with N_, headed in the
    current language."""
    out = []
    for c in columns:
        header = c["headerName"]
        out.append({**c, "headerName": _(header)})
    return out


def payment_columns() -> list[dict[str, Any]]:
    return headed(PAYMENT_COLUMNS)


def payment_query(scope: Scope, *, bgt_id: str | None = None, search: str | None = None,
                  href: str) -> dict[str, Any]:
    """What the grid's data callback needs, kept beside the grid: the scope,
    the quota, the search, and the page URL without the search (for the box)."""
    return {"scope": scope.to_params(), "bgt_id": bgt_id, "search": search, "href": href}


def scope_of(query: dict[str, Any]) -> Scope:
    params = query["scope"]
    return Scope.from_params(params, date.fromisoformat(params["as_of"]))


def payment_grid(name: str, query: dict[str, Any], *, dark: bool = False,
                 title: str | None = None, hide: Sequence[str] = ()) -> html.Div:
    """`title` defaults to 支付明细. `hide`: columns that are the same on every
    row at this level (the quota's own coding above a quota's payments), so
    the rest fit a screen."""
    search = query.get("search") or ""
    columns = [{**c, "hide": c["field"] in hide} for c in payment_columns()]
    return html.Div(
        [
            drill.nav(name),
            dcc.Store(id={"type": QUERY, "name": name}, data=query),
            html.Div(
                [html.H3(title or _("支付明细"), className="section-title"),
                 html.Div([
                     html.Label([html.Span(_("搜索支付明细"), className="visually-hidden"),
                                 dcc.Input(id={"type": SEARCH, "name": name}, type="search",
                                           value=search,
                                           placeholder=_("搜索收款人、用途或凭证号"),
                                           debounce=True,
                                           className="form-control grid-search-input")]),
                     dbc.Button([html.I(className="bi bi-search me-1", **{"aria-hidden": "true"}),
                                 _("搜索")], id={"type": SEARCH_GO, "name": name},
                                color="primary", className="grid-search-go"),
                     export.table_menu(export.PAYMENTS, name),
                 ], className="grid-search")],
                className="grid-head"),
            html.P(_("搜索“{search}”的结果；清空搜索框可显示全部。").format(search=search) if search
                   else _("点击列标题排序；金额单位为元；“▲”标记为预警规则命中。"),
                   className="grid-hint"),
            paged_grid({"type": PAYMENTS, "name": name}, columns, dark=dark,
                       className="drill-grid payment-grid"),
        ],
        className="payment-grid-block", id=f"payments-{name}")


def paged_grid(grid_id: Any, columns: list[dict[str, Any]], *, dark: bool, className: str,
               row_id: str | None = None) -> dag.AgGrid:
    """A grid whose rows the server sends a page at a time (AG Grid's
    infinite row model: a callback answers each `getRowsRequest`).
    `row_id`: the row field holding the row's id (a URL makes it a drill row)."""
    return dag.AgGrid(
        id=grid_id,
        rowModelType="infinite",
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": False,
                       "suppressHeaderMenuButton": True},
        dashGridOptions={
            "theme": theme(dark),
            "pagination": True,
            "paginationPageSize": PAGE_SIZE,
            "paginationPageSizeSelector": False,
            "cacheBlockSize": PAGE_SIZE,
            "maxBlocksInCache": 20,
            "infiniteInitialRowCount": 1,
            "suppressCellFocus": True,
            "localeText": locale_text(),
            **({"rowClassRules": {"drill-row": "params.data != null && params.data.href != null"}}
               if row_id else {}),
        },
        **({"getRowId": f"params.data.{row_id}"} if row_id else {}),
        style={"height": f"{50 + 46 * PAGE_SIZE + 60}px"},
        className=className,
    )


def block_range(request: dict) -> tuple[int, int]:
    """(offset, limit) of one infinite-model request, bounded."""
    start = max(0, int(request.get("startRow") or 0))
    end = int(request.get("endRow") or start + PAGE_SIZE)
    return start, max(1, min(end - start, MAX_BLOCK))


def payment_row(r: dict[str, Any], names: Names) -> dict[str, Any]:
    return {
        "pay_cert_id": r["pay_cert_id"],
        "pay_date": r["pay_date"].isoformat(),
        "agency": r.get("agency_name") or r["agency_code"],
        "project": names.project.get(r["pro_code"], r["pro_code"]) if r.get("pro_code") else "—",
        "func": drill.coded(r["exp_func_code"], names.func.get(r["exp_func_code"])),
        "eco": drill.coded(r["dep_bgt_eco_code"], names.eco.get(r["dep_bgt_eco_code"])),
        "payee": r["payee_acct_name"],
        "use": r.get("use_des") or "",
        "amount": r["amount"],  # fen; shown as yuan by the column formatter
        "bgt": quota_text(r.get("bgt_id"), r.get("quota_exists", False)),
        "bgt_lvl": None if r.get("quota_exists") else "red",
        "flags": flag_text(r.get("flags")),
        "flag_lvl": worst(r.get("flags")),
    }


def worst(flags: dict[str, str] | None) -> str | None:
    return levels.worst(*(flags or {}).values())


def sort_of(sort_model: Sequence[dict] | None) -> str | None:
    for item in sort_model or []:
        key = SORT_KEYS.get(item.get("colId"))
        if key:
            return ("-" if item.get("sort") == "desc" else "") + key
    return None


@callback(Output({"type": drill.NAV, "name": MATCH}, "href", allow_duplicate=True),
          Input({"type": SEARCH, "name": MATCH}, "value"),
          Input({"type": SEARCH_GO, "name": MATCH}, "n_clicks"),
          State({"type": SEARCH, "name": MATCH}, "value"),
          State({"type": QUERY, "name": MATCH}, "data"), prevent_initial_call=True)
def search_to_url(_committed, _clicks, value, query):
    """The search box writes `q` into the URL (Enter or the button), so a
    search is a state too: shareable, and undone with Back."""
    if not query:
        return no_update
    value = (value or "").strip()[:drill.MAX_PARAM] or None
    if value == (query.get("search") or None):
        return no_update
    path, _sep, search = query["href"].partition("?")
    return urlstate.link(path, urlstate.parse(search), q=value)


# -- client-side drill lists --------------------------------------------------------------

def money_col(field: str, header: str, unit: str = "万元") -> dict[str, Any]:  # i18n: data
    """`header` in the current language; `unit` a code of components.format."""
    return {"field": field, "type": "rightAligned",
            "headerName": _("{header}（{unit}）").format(header=header, unit=fmt.unit_label(unit)),
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"},
            "cellClass": "num ag-right-aligned-cell", "minWidth": 150}


def rate_col(field: str, header: str) -> dict[str, Any]:
    return {"field": field, "headerName": header, "type": "rightAligned", "minWidth": 110,
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format('.1%')(params.value)"},
            "cellClass": "num ag-right-aligned-cell"}


def level_col(field: str = "level", header: str | None = None, key: str = "lvl") -> dict[str, Any]:
    """A level shown as its text (`▲严重 …`), coloured from the row's `key`;
    headed 状态 unless told."""
    return {"field": field, "headerName": header or _("状态"), "minWidth": 230,
            "cellClassRules": class_rules(key)}


def drill_list(name: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]], *,
               dark: bool = False, max_height: int = 640) -> html.Div:
    """A client-side table whose rows carry `href` (None: not clickable).
    Row ids are the URLs, so the click callback needs nothing else."""
    for i, r in enumerate(rows):
        r["_id"] = r.get("href") or f"row-{i}"
    height = min(max_height, 56 + 46 * max(len(rows), 1) + 8)
    return html.Div([
        drill.nav(name),
        export.table_menu(export.ROWS, name),
        dag.AgGrid(
            id=drill.rows_id(name),
            rowData=rows,
            columnDefs=columns,
            defaultColDef={"sortable": True, "resizable": True, "suppressHeaderMenuButton": True},
            getRowId="params.data._id",
            dashGridOptions={"theme": theme(dark), "suppressCellFocus": True,
                             "localeText": locale_text(),
                             "rowClassRules": {"drill-row": "params.data.href != null"}},
            columnSize="responsiveSizeToFit",
            style={"height": f"{height}px"},
            className="drill-grid",
        ),
    ], className="drill-list", id=f"list-{name}")


def exec_list_rows(rows: Sequence[Any], hrefs: Sequence[str | None]) -> list[dict[str, Any]]:
    from components.charts import level_label

    return [{"code": r.code, "name": r.name, "budget": wan(r.budget), "paid": wan(r.paid),
             "rate": r.rate, "gap": None if r.gap_pp is None else round(r.gap_pp, 1),
             "level": level_label(r.level, r.gap_pp), "lvl": r.level, "href": h}
            for r, h in zip(rows, hrefs)]


def exec_list_columns(name_header: str) -> list[dict[str, Any]]:
    return [
        {"field": "name", "headerName": name_header, "minWidth": 240, "tooltipField": "name"},
        money_col("budget", _("预算指标")), money_col("paid", _("已支付")),
        rate_col("rate", _("执行率")),
        {"field": "gap", "headerName": _("与序时进度差（个百分点）"), "type": "rightAligned",
         "minWidth": 140, "cellClass": "num ag-right-aligned-cell", "sort": "asc",
         "valueFormatter": {"function": "params.value == null ? '—' : d3.format('+.1f')(params.value)"}},
        level_col(),
    ]


def quota_rows(quotas: Sequence[dict[str, Any]], names: Names, hrefs: Sequence[str | None],
               flags: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Quota records for a drill list; `flags` are the rule engine's breaches
    by BGT_ID (PAY_OVER_QUOTA: paid beyond the quota available under it)."""
    out = []
    for q, h in zip(quotas, hrefs):
        over = flags.get(q["bgt_id"], {}).get("PAY_OVER_QUOTA")
        if over:
            status = f"{levels.text(over)} {RULES['PAY_OVER_QUOTA'].name}"
        elif q.get("ori_bgt_id"):
            status = _("调整原指标 {bgt_id}").format(bgt_id=q["ori_bgt_id"])
        else:
            status = levels.text("green") if q["paid"] else levels.MARK[None] + _("尚未支付")
        out.append({
            "bgt_id": q["bgt_id"],
            "project": q.get("pro_name") or "—",
            "func": drill.coded(q["exp_func_code"], names.func.get(q["exp_func_code"])),
            "eco": drill.coded(q["dep_bgt_eco_code"], names.eco.get(q["dep_bgt_eco_code"])),
            "doc": q.get("cor_bgt_doc_no") or "—",
            "doc_date": q["doc_date"].isoformat(),
            "available": wan(q["available"]), "paid": wan(q["paid"]), "rate": q["rate"],
            "level": status, "lvl": over,
            "href": h,
        })
    return out


def quota_columns() -> list[dict[str, Any]]:
    return [
        {"field": "bgt_id", "headerName": _("指标编号"), "minWidth": 170},
        {"field": "project", "headerName": _("项目"), "minWidth": 200, "tooltipField": "project"},
        {"field": "func", "headerName": _("功能科目"), "minWidth": 200},
        {"field": "eco", "headerName": _("经济科目"), "minWidth": 180},
        {"field": "doc", "headerName": _("指标文号"), "minWidth": 160},
        {"field": "doc_date", "headerName": _("发文日期"), "minWidth": 120},
        money_col("available", _("可用指标")), money_col("paid", _("已支付")),
        rate_col("rate", _("执行率")), level_col("level"),
    ]

"""The datasets of the data contract (SPEC §1): columns, keys, code lists,
references, header aliases and the order an import applies them in."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import String, Table

from data import schema

# -- code lists (SPEC §1.2) ------------------------------------------------------

FUND_TYPE = ("1", "2", "3", "4")
BUDGET_STAGE = ("1", "2")
PAY_TYPE = ("1", "2")
SET_MODE = ("1", "2", "3", "9")
DEBT_TYPE = ("1", "2")
BOND_USE = ("1", "2")
LEVEL = ("1", "2", "3", "4")
INDUSTRY_TYPE = ("1", "2", "3")
ASSET_CLASS = ("LAND", "HOUSE", "VEHICLE", "EQUIPMENT", "INFRA", "OTHER")
RESOURCE_TYPE = ("土地", "矿产", "森林", "草原", "湿地", "水", "海洋")
SCHEME = ("EXP_FUNC", "DEP_ECO", "GOV_ECO", "REVENUE")

# Value kinds, parsed by data.importer.values.
CODE, TEXT, YEAR, INT, MONEY, DECIMAL, DATE, PERIOD, BOOL, GEOMETRY = (
    "code", "text", "year", "int", "money", "decimal", "date", "period", "bool", "geometry")


@dataclass(frozen=True)
class Field:
    name: str                      # contract name, upper case
    kind: str
    label: str | None = None       # Chinese label (also accepted as header)
    required: bool = True          # the column must be in the header
    nullable: bool = False         # a value may be empty
    choices: tuple[str, ...] | None = None
    ref: str | None = None         # reference set the value must be in
    signed: bool = False           # money/decimal: negative values allowed
    scale: int = 2                 # decimals allowed for money/decimal
    max_value: Decimal | None = None
    default: object = None         # stored when the column is absent or empty

    @property
    def column(self) -> str:
        return self.name.lower()


def _opt(name, kind, label=None, **kw) -> Field:
    """An optional column: may be left out of the header, values may be empty."""
    return Field(name, kind, label, required=False, nullable=True, **kw)


@dataclass(frozen=True)
class Dataset:
    name: str
    table: Table
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    replace_scope: tuple[str, ...] | None = None  # period datasets: replaced per scope
    provides: str | None = None  # the reference set this dataset's key fills
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def max_length(self, f: Field) -> int | None:
        col_type = self.table.c[f.column].type
        return col_type.length if isinstance(col_type, String) else None


# Reference sets: the dimension keys a value must be among (store + same import).
MOF_DIV, AGENCY, PROJECT, BOND = "mof_div", "agency", "project", "bond"


def cls_ref(scheme: str) -> str:
    return f"classification:{scheme}"


_YEAR = Field("FISCAL_YEAR", YEAR, "年度")
_DIV = Field("MOF_DIV_CODE", CODE, "区划代码", ref=MOF_DIV)
_AGENCY = Field("AGENCY_CODE", CODE, "单位代码", ref=AGENCY)
_FUND = Field("FUND_TYPE_CODE", CODE, "资金性质", choices=FUND_TYPE)
_STAGE = Field("BUDGET_STAGE", CODE, "预算阶段", choices=BUDGET_STAGE)
_EXP = Field("EXP_FUNC_CODE", CODE, "功能科目", ref=cls_ref("EXP_FUNC"))
_DEP = Field("DEP_BGT_ECO_CODE", CODE, "部门经济科目", ref=cls_ref("DEP_ECO"))
_GOV = _opt("GOV_BGT_ECO_CODE", CODE, "政府经济科目", ref=cls_ref("GOV_ECO"))
_PERIOD = Field("PERIOD", PERIOD, "所属期")
_AMOUNT = Field("AMOUNT", MONEY, "金额")
_SIGNED_AMOUNT = Field("AMOUNT", MONEY, "金额", signed=True)
_OPT_PRO = _opt("PRO_CODE", CODE, "项目代码", ref=PROJECT)
_OPT_DIRECT = _opt("DIRECT_FUND_CODE", CODE, "直达资金代码")
_OPT_BOND = _opt("BOND_CODE", CODE, "债券代码", ref=BOND)
_REV_CODE = Field("REVENUE_CODE", CODE, "收入科目", ref=cls_ref("REVENUE"))

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("mof_div", schema.mof_div, (
        Field("MOF_DIV_CODE", CODE, "区划代码"),
        Field("MOF_DIV_NAME", TEXT, "区划名称"),
        # Not checked: a county's file may name a parent city outside the store.
        _opt("PARENT_CODE", CODE, "上级区划"),
        Field("LEVEL", INT, "级次", choices=LEVEL),
        _opt("POPULATION", INT, "常住人口"),
    ), key=("MOF_DIV_CODE",), provides=MOF_DIV),
    Dataset("classification", schema.classification, (
        Field("SCHEME", CODE, "科目体系", choices=SCHEME),
        Field("CODE", CODE, "科目代码"),
        Field("NAME", TEXT, "科目名称"),
        _opt("PARENT_CODE", CODE, "上级科目"),  # checked in the same scheme
    ), key=("SCHEME", "CODE")),
    Dataset("agency", schema.agency, (
        Field("AGENCY_CODE", CODE, "单位代码"),
        Field("AGENCY_NAME", TEXT, "单位名称"),
        _DIV,
        Field("DEPT_CODE", CODE, "主管部门代码", ref=AGENCY),
        _opt("AGENCY_TYPE", TEXT, "单位类型"),
    ), key=("AGENCY_CODE",), provides=AGENCY),
    Dataset("project", schema.project, (
        Field("PRO_CODE", CODE, "项目代码"),
        Field("PRO_NAME", TEXT, "项目名称"),
        _AGENCY,
        _opt("PRO_CAT", TEXT, "项目类别"),
        _opt("IS_LIVELIHOOD", BOOL, "民生实事", default=False),
    ), key=("PRO_CODE",), provides=PROJECT),
    Dataset("bond", schema.bond, (
        Field("BOND_CODE", CODE, "债券代码"),
        Field("BOND_NAME", TEXT, "债券名称"),
        _DIV,
        Field("DEBT_TYPE", CODE, "债务类型", choices=DEBT_TYPE),
        Field("BOND_USE", CODE, "债券用途", choices=BOND_USE),
        Field("ISSUE_DATE", DATE, "发行日期"),
        Field("MATURITY_DATE", DATE, "到期日期"),
        Field("RATE", DECIMAL, "票面利率", scale=4, max_value=Decimal(100)),
        Field("AMOUNT", MONEY, "发行金额"),
    ), key=("BOND_CODE",), provides=BOND),
    Dataset("quota", schema.quota, (
        Field("BGT_ID", CODE, "指标编号"),
        _YEAR, _DIV, _AGENCY, _OPT_PRO, _EXP, _DEP, _GOV, _FUND, _STAGE,
        _opt("COR_BGT_DOC_NO", TEXT, "指标文号"),
        Field("DOC_DATE", DATE, "发文日期"),
        _SIGNED_AMOUNT,  # negative only with BUDGET_STAGE 2 (checked per row)
        _OPT_DIRECT, _OPT_BOND,
        _opt("ORI_BGT_ID", CODE, "原指标编号"),
    ), key=("BGT_ID",)),
    Dataset("payment", schema.payment, (
        Field("PAY_CERT_ID", CODE, "支付凭证号"),
        _YEAR,
        Field("PAY_DATE", DATE, "支付日期"),
        _DIV, _AGENCY,
        _opt("BGT_ID", CODE, "指标编号"),  # deliberately not checked (rule PAY_NO_QUOTA)
        _OPT_PRO, _EXP, _DEP, _GOV, _FUND,
        Field("PAY_TYPE_CODE", CODE, "支付方式", choices=PAY_TYPE),
        Field("SET_MODE_CODE", CODE, "结算方式", choices=SET_MODE),
        Field("PAYEE_ACCT_NAME", TEXT, "收款人"),
        _opt("PAYEE_ACCT_NO", TEXT, "收款账号"),
        Field("USE_DES", TEXT, "用途", nullable=True),
        _SIGNED_AMOUNT,  # negative = refund 退回
        _OPT_DIRECT, _OPT_BOND,
    ), key=("PAY_CERT_ID",)),
    Dataset("revenue", schema.revenue, (
        _YEAR, _PERIOD, _DIV, _REV_CODE, _FUND,
        _SIGNED_AMOUNT,  # negative = refund 退库
    ), key=("PERIOD", "MOF_DIV_CODE", "REVENUE_CODE", "FUND_TYPE_CODE"),
        replace_scope=("PERIOD", "MOF_DIV_CODE")),
    Dataset("revenue_budget", schema.revenue_budget, (
        _YEAR, _DIV, _REV_CODE, _FUND, _STAGE,
        _SIGNED_AMOUNT,  # negative only with BUDGET_STAGE 2 (checked per row)
    ), key=("FISCAL_YEAR", "MOF_DIV_CODE", "REVENUE_CODE", "FUND_TYPE_CODE", "BUDGET_STAGE")),
    Dataset("direct_fund", schema.direct_fund, (
        Field("DIRECT_FUND_CODE", CODE, "资金代码"),
        Field("DIRECT_FUND_NAME", TEXT, "资金名称"),
        _YEAR, _DIV,
        Field("RECEIVED_AMOUNT", MONEY, "上级下达金额"),
        Field("RECEIVED_DATE", DATE, "下达日期"),
    ), key=("DIRECT_FUND_CODE", "FISCAL_YEAR", "MOF_DIV_CODE")),
    Dataset("debt_limit", schema.debt_limit, (
        _YEAR, _DIV,
        Field("DEBT_TYPE", CODE, "债务类型", choices=DEBT_TYPE),
        Field("LIMIT_AMOUNT", MONEY, "债务限额"),
    ), key=("FISCAL_YEAR", "MOF_DIV_CODE", "DEBT_TYPE")),
    Dataset("bond_project", schema.bond_project, (
        Field("BOND_CODE", CODE, "债券代码", ref=BOND),
        Field("PRO_CODE", CODE, "项目代码", ref=PROJECT),
        _DIV, _AGENCY,
        Field("AMOUNT", MONEY, "安排金额"),
    ), key=("BOND_CODE", "PRO_CODE")),
    Dataset("debt_service", schema.debt_service, (
        Field("BOND_CODE", CODE, "债券代码", ref=BOND),
        Field("DUE_DATE", DATE, "应还日期"),
        Field("PRINCIPAL", MONEY, "应还本金"),
        Field("INTEREST", MONEY, "应付利息"),
        _opt("PAID_DATE", DATE, "实还日期"),           # empty = not paid
        _opt("PAID_AMOUNT", MONEY, "实还金额", default=0),  # empty = 0
    ), key=("BOND_CODE", "DUE_DATE")),
    Dataset("fiscal_capacity", schema.fiscal_capacity, (
        _YEAR, _DIV,
        Field("COMPREHENSIVE_CAPACITY", MONEY, "综合财力"),
        Field("GDP", MONEY, "地区生产总值"),
        Field("GENERAL_EXPENDITURE", MONEY, "一般公共预算支出"),
        Field("FUND_EXPENDITURE", MONEY, "政府性基金预算支出"),
    ), key=("FISCAL_YEAR", "MOF_DIV_CODE")),
    Dataset("soe_financial", schema.soe_financial, (
        Field("ENTERPRISE_CODE", CODE, "企业代码"),
        Field("ENTERPRISE_NAME", TEXT, "企业名称"),
        _DIV,
        Field("SUPERVISOR", TEXT, "监管部门"),
        Field("INDUSTRY_TYPE", CODE, "行业类型", choices=INDUSTRY_TYPE),
        _PERIOD,
        Field("TOTAL_ASSETS", MONEY, "资产总额"),
        Field("TOTAL_LIABILITIES", MONEY, "负债总额"),
        Field("OWNER_EQUITY", MONEY, "所有者权益", signed=True),
        _opt("STATE_EQUITY", MONEY, "国有资本权益", signed=True),
        Field("REVENUE", MONEY, "营业收入"),
        Field("PROFIT", MONEY, "利润总额", signed=True),
    ), key=("ENTERPRISE_CODE", "PERIOD"), replace_scope=("PERIOD", "MOF_DIV_CODE")),
    Dataset("admin_asset", schema.admin_asset, (
        _AGENCY, _PERIOD,
        Field("ASSET_CLASS", CODE, "资产类别", choices=ASSET_CLASS),
        Field("QUANTITY", DECIMAL, "数量", scale=2, max_value=Decimal(10) ** 15),
        Field("ORIGINAL_VALUE", MONEY, "原值"),
        Field("NET_VALUE", MONEY, "净值"),
        _opt("IDLE_VALUE", MONEY, "闲置资产"),
        _opt("RENTED_VALUE", MONEY, "出租出借"),
    ), key=("AGENCY_CODE", "PERIOD", "ASSET_CLASS"), replace_scope=("PERIOD", "AGENCY_CODE")),
    Dataset("natural_resource", schema.natural_resource, (
        _DIV, _PERIOD,
        Field("RESOURCE_TYPE", CODE, "资源类型", choices=RESOURCE_TYPE),
        Field("QUANTITY", DECIMAL, "数量", scale=4, max_value=Decimal(10) ** 15),
        Field("UNIT", TEXT, "单位"),
    ), key=("MOF_DIV_CODE", "PERIOD", "RESOURCE_TYPE"), replace_scope=("PERIOD", "MOF_DIV_CODE")),
    # A GeoJSON FeatureCollection (data/importer/geometry.py), one feature per region.
    Dataset("region_boundary", schema.region_boundary, (
        _DIV,
        Field("GEOMETRY", GEOMETRY, "区划边界"),
    ), key=("MOF_DIV_CODE",)),
)}

# Applied in this order whatever order the files are named in: every dataset
# comes after the ones it refers to.
ORDER = (
    "mof_div", "classification", "agency", "project", "bond", "quota", "payment",
    "revenue", "revenue_budget", "direct_fund", "debt_limit", "bond_project",
    "debt_service", "fiscal_capacity", "soe_financial", "admin_asset", "natural_resource",
    "region_boundary",
)
assert set(ORDER) == set(DATASETS)

# Header aliases beyond each field's own label. Every alias means the same
# column in every dataset (a column the dataset lacks is reported as unknown).
EXTRA_ALIASES = {
    "年份": "FISCAL_YEAR", "预算年度": "FISCAL_YEAR",
    "区划": "MOF_DIV_CODE", "行政区划代码": "MOF_DIV_CODE",
    "上级区划代码": "PARENT_CODE", "上级代码": "PARENT_CODE",
    "人口": "POPULATION",
    "部门代码": "DEPT_CODE", "主管部门": "DEPT_CODE",
    "民生实事项目": "IS_LIVELIHOOD",
    "发行金额": "AMOUNT", "安排金额": "AMOUNT", "支付金额": "AMOUNT", "指标金额": "AMOUNT",
    "凭证号": "PAY_CERT_ID",
    "收款人账号": "PAYEE_ACCT_NO", "收款人名称": "PAYEE_ACCT_NAME",
    "资金用途": "USE_DES", "摘要": "USE_DES",
    "资金代码": "DIRECT_FUND_CODE", "资金名称": "DIRECT_FUND_NAME",
    "直达资金名称": "DIRECT_FUND_NAME",
    "限额": "LIMIT_AMOUNT",
    "利率": "RATE",
    "分类方案": "SCHEME", "代码": "CODE", "名称": "NAME",
    "企业名称": "ENTERPRISE_NAME", "债券名称": "BOND_NAME",
}


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for ds in DATASETS.values():
        for f in ds.fields:
            aliases[f.name.upper()] = f.name
            if f.label:
                existing = aliases.setdefault(f.label, f.name)
                assert existing == f.name, (f.label, existing, f.name)
    for label, name in EXTRA_ALIASES.items():
        existing = aliases.setdefault(label, name)
        assert existing == name, (label, existing, name)
    return aliases


ALIASES = _build_aliases()


def normalize_header(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return text.replace("\ufeff", "").replace("\u200b", "").strip().upper()


def field_name_for(header: str) -> str | None:
    return ALIASES.get(normalize_header(header))


def dataset_for_name(name: str) -> str | None:
    """The longest dataset name that `name` starts with (case-insensitive)."""
    lowered = name.strip().lower()
    best = None
    for ds in DATASETS:
        if lowered.startswith(ds) and (best is None or len(ds) > len(best)):
            best = ds
    return best

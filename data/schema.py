"""SQLAlchemy Core tables: one per dataset of the data contract, plus the
derived aggregate tables, the import log, accounts and the audit trail.

Conventions
- Money is integer fen (BigInteger): 1 yuan = 100. Never floats.
- Codes are strings. Column names are the contract's field names in lower case.
- Dates are `Date`; periods are 'YYYY-MM' strings (they sort and compare).
- `payment.pay_ym` (YYYYMM integer) is derived at import so month grouping needs
  no dialect-specific date functions.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Code = String(64)
Name = String(255)
Money = BigInteger  # fen
Period = String(7)  # YYYY-MM


def _fk(table_col: str) -> ForeignKey:
    return ForeignKey(table_col, ondelete="RESTRICT")


# -- dimensions ---------------------------------------------------------------

mof_div = Table(
    "mof_div",
    metadata,
    Column("mof_div_code", Code, primary_key=True),
    Column("mof_div_name", Name, nullable=False),
    Column("parent_code", Code),  # no FK: the top region's parent may be outside the store
    Column("level", Integer, nullable=False),
    Column("population", BigInteger),
)

classification = Table(
    "classification",
    metadata,
    Column("scheme", String(16), nullable=False),  # EXP_FUNC, DEP_ECO, GOV_ECO, REVENUE
    Column("code", Code, nullable=False),
    Column("name", Name, nullable=False),
    Column("parent_code", Code),
    PrimaryKeyConstraint("scheme", "code"),
)

agency = Table(
    "agency",
    metadata,
    Column("agency_code", Code, primary_key=True),
    Column("agency_name", Name, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("dept_code", Code, nullable=False),
    Column("agency_type", String(32)),
)

project = Table(
    "project",
    metadata,
    Column("pro_code", Code, primary_key=True),
    Column("pro_name", Name, nullable=False),
    Column("agency_code", Code, _fk("agency.agency_code"), nullable=False),
    Column("pro_cat", String(64)),
    Column("is_livelihood", Boolean, nullable=False, default=False),
)

# -- budget and execution -----------------------------------------------------

quota = Table(
    "quota",
    metadata,
    Column("bgt_id", Code, primary_key=True),
    Column("fiscal_year", Integer, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("agency_code", Code, _fk("agency.agency_code"), nullable=False),
    Column("pro_code", Code, _fk("project.pro_code")),
    Column("exp_func_code", Code, nullable=False),
    Column("dep_bgt_eco_code", Code, nullable=False),
    Column("gov_bgt_eco_code", Code),
    Column("fund_type_code", String(2), nullable=False),
    Column("budget_stage", String(2), nullable=False),
    Column("cor_bgt_doc_no", String(128)),
    Column("doc_date", Date, nullable=False),
    Column("amount", Money, nullable=False),
    Column("direct_fund_code", Code),
    Column("bond_code", Code),  # checked against bond at import, no FK (bond may follow)
    Column("ori_bgt_id", Code),
    Index(None, "fiscal_year", "agency_code"),
    Index(None, "ori_bgt_id"),
)

payment = Table(
    "payment",
    metadata,
    Column("pay_cert_id", Code, primary_key=True),
    Column("fiscal_year", Integer, nullable=False),
    Column("pay_date", Date, nullable=False),
    Column("pay_ym", Integer, nullable=False),  # derived: YYYYMM of pay_date
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("agency_code", Code, _fk("agency.agency_code"), nullable=False),
    Column("bgt_id", Code),  # deliberately unchecked: PAY_NO_QUOTA finds these
    Column("pro_code", Code, _fk("project.pro_code")),
    Column("exp_func_code", Code, nullable=False),
    Column("dep_bgt_eco_code", Code, nullable=False),
    Column("gov_bgt_eco_code", Code),
    Column("fund_type_code", String(2), nullable=False),
    Column("pay_type_code", String(2), nullable=False),
    Column("set_mode_code", String(2), nullable=False),
    Column("payee_acct_name", Name, nullable=False),
    Column("payee_acct_no", String(64)),
    Column("use_des", Text),
    Column("amount", Money, nullable=False),
    Column("direct_fund_code", Code),
    Column("bond_code", Code),
    # High-cardinality leading columns only (see docs/architecture.md on SQLite).
    Index(None, "pay_date"),
    Index(None, "agency_code", "pay_date"),
    Index(None, "bgt_id"),
    Index(None, "pro_code"),
    Index(None, "amount", "pay_cert_id"),  # the payment grid sorted by amount
)

revenue = Table(
    "revenue",
    metadata,
    Column("fiscal_year", Integer, nullable=False),
    Column("period", Period, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("revenue_code", Code, nullable=False),
    Column("fund_type_code", String(2), nullable=False),
    Column("amount", Money, nullable=False),
    PrimaryKeyConstraint("period", "mof_div_code", "revenue_code", "fund_type_code"),
)

revenue_budget = Table(
    "revenue_budget",
    metadata,
    Column("fiscal_year", Integer, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("revenue_code", Code, nullable=False),
    Column("fund_type_code", String(2), nullable=False),
    Column("budget_stage", String(2), nullable=False),
    Column("amount", Money, nullable=False),
    PrimaryKeyConstraint(
        "fiscal_year", "mof_div_code", "revenue_code", "fund_type_code", "budget_stage"
    ),
)

# -- direct funds ---------------------------------------------------------------

direct_fund = Table(
    "direct_fund",
    metadata,
    Column("direct_fund_code", Code, nullable=False),
    Column("direct_fund_name", Name, nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("received_amount", Money, nullable=False),
    Column("received_date", Date, nullable=False),
    PrimaryKeyConstraint("direct_fund_code", "fiscal_year", "mof_div_code"),
)

# -- government debt ------------------------------------------------------------

debt_limit = Table(
    "debt_limit",
    metadata,
    Column("fiscal_year", Integer, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("debt_type", String(2), nullable=False),
    Column("limit_amount", Money, nullable=False),
    PrimaryKeyConstraint("fiscal_year", "mof_div_code", "debt_type"),
)

bond = Table(
    "bond",
    metadata,
    Column("bond_code", Code, primary_key=True),
    Column("bond_name", Name, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("debt_type", String(2), nullable=False),
    Column("bond_use", String(2), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("maturity_date", Date, nullable=False),
    Column("rate", Numeric(8, 4), nullable=False),  # percent, exact
    Column("amount", Money, nullable=False),
)

bond_project = Table(
    "bond_project",
    metadata,
    Column("bond_code", Code, _fk("bond.bond_code"), nullable=False),
    Column("pro_code", Code, _fk("project.pro_code"), nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("agency_code", Code, _fk("agency.agency_code"), nullable=False),
    Column("amount", Money, nullable=False),
    PrimaryKeyConstraint("bond_code", "pro_code"),
)

debt_service = Table(
    "debt_service",
    metadata,
    Column("bond_code", Code, _fk("bond.bond_code"), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("principal", Money, nullable=False),
    Column("interest", Money, nullable=False),
    Column("paid_date", Date),
    Column("paid_amount", Money, nullable=False, default=0),
    PrimaryKeyConstraint("bond_code", "due_date"),
)

fiscal_capacity = Table(
    "fiscal_capacity",
    metadata,
    Column("fiscal_year", Integer, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("comprehensive_capacity", Money, nullable=False),
    Column("gdp", Money, nullable=False),
    Column("general_expenditure", Money, nullable=False),
    Column("fund_expenditure", Money, nullable=False),
    PrimaryKeyConstraint("fiscal_year", "mof_div_code"),
)

# -- state-owned assets ----------------------------------------------------------

soe_financial = Table(
    "soe_financial",
    metadata,
    Column("enterprise_code", Code, nullable=False),
    Column("enterprise_name", Name, nullable=False),
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("supervisor", Name),
    Column("industry_type", String(2), nullable=False),
    Column("period", Period, nullable=False),
    Column("total_assets", Money, nullable=False),
    Column("total_liabilities", Money, nullable=False),
    Column("owner_equity", Money, nullable=False),
    Column("state_equity", Money),
    Column("revenue", Money, nullable=False),
    Column("profit", Money, nullable=False),
    PrimaryKeyConstraint("enterprise_code", "period"),
)

admin_asset = Table(
    "admin_asset",
    metadata,
    Column("agency_code", Code, _fk("agency.agency_code"), nullable=False),
    Column("period", Period, nullable=False),
    Column("asset_class", String(16), nullable=False),
    Column("quantity", Numeric(18, 2), nullable=False),
    Column("original_value", Money, nullable=False),
    Column("net_value", Money, nullable=False),
    Column("idle_value", Money),
    Column("rented_value", Money),
    PrimaryKeyConstraint("agency_code", "period", "asset_class"),
)

natural_resource = Table(
    "natural_resource",
    metadata,
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), nullable=False),
    Column("period", Period, nullable=False),
    Column("resource_type", String(16), nullable=False),
    Column("quantity", Numeric(20, 4), nullable=False),
    Column("unit", String(32), nullable=False),
    PrimaryKeyConstraint("mof_div_code", "period", "resource_type"),
)

# A region's boundary (GeoJSON Polygon or MultiPolygon, lon/lat), drawn by the
# wall screen's map; checked by the importer (data/importer/geometry.py).
region_boundary = Table(
    "region_boundary",
    metadata,
    Column("mof_div_code", Code, _fk("mof_div.mof_div_code"), primary_key=True),
    Column("geometry", Text, nullable=False),
)

# -- derived aggregates (maintained by the importer, same transaction) ----------

agg_payment_month = Table(
    "agg_payment_month",
    metadata,
    Column("fiscal_year", Integer, nullable=False),
    Column("pay_ym", Integer, nullable=False),
    Column("mof_div_code", Code, nullable=False),
    Column("agency_code", Code, nullable=False),
    Column("pro_code", Code),
    Column("bgt_id", Code),
    Column("exp_func_code", Code, nullable=False),
    Column("dep_bgt_eco_code", Code, nullable=False),
    Column("fund_type_code", String(2), nullable=False),
    Column("direct_fund_code", Code),
    Column("bond_code", Code),
    Column("amount", Money, nullable=False),
    Column("n_payments", Integer, nullable=False),
    Index(None, "fiscal_year", "pay_ym"),
)

# -- bookkeeping -------------------------------------------------------------------

data_state = Table(
    "data_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

import_batch = Table(
    "import_batch",
    metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64)),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(16), nullable=False),  # ok | rejected
    Column("message", Text),
)

import_file = Table(
    "import_file",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("import_batch.batch_id"), nullable=False),
    Column("file_name", String(512), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("dataset", String(32), nullable=False),
    Column("rows", Integer, nullable=False),
)

app_user = Table(
    "app_user",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # admin | staff | deputy
    Column("password_hash", String(255)),
    Column("created_at", DateTime, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # bumped by a password reset, a role change or disabling: older sessions end
    Column("session_epoch", Integer, nullable=False, default=0, server_default="0"),
)

api_token = Table(
    "api_token",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the token
    Column("user_id", Integer, ForeignKey("app_user.user_id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(64)),
    Column("action", String(32), nullable=False),  # sign_in, import, export, ...
    Column("detail", Text),
    Column("ip", String(64)),  # where the request came from; None for the command line
    # tamper evidence: sha256 over the previous entry's hash and this entry's fields
    Column("prev_hash", String(64)),
    Column("entry_hash", String(64)),
    Index(None, "username", "at"),
    Index(None, "at"),
)

# The chain's head: one row, updated by every audit entry before it is written,
# so concurrent writers queue on it and the chain never forks.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

app_setting = Table(
    "app_setting",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(64)),
)

# -- the problem loop 问题闭环 (data/problems.py, SPEC §3.3) ------------------------

problem = Table(
    "problem",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("description", Text),
    Column("status", String(16), nullable=False),
    Column("mof_div_code", Code),
    Column("unit_code", Code),  # AGENCY_CODE or MOF_DIV_CODE it was handed to
    Column("deadline", Date),
    Column("notice_no", String(40), unique=True),  # the 督办单's number, set by assign
    Column("source_url", Text),  # the page and drill state a question was raised from
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("app_user.user_id"), nullable=False),
    Column("closed_at", DateTime),
    Index(None, "status"),
    Index(None, "created_by"),
)

# The breaches a problem was found from, as they stood when it was linked.
problem_warning = Table(
    "problem_warning",
    metadata,
    Column("problem_id", Integer, ForeignKey("problem.id"), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("entity_code", String(255), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("level", String(8), nullable=False),
    Column("value", Numeric(24, 6)),
    Column("threshold", Numeric(24, 6)),
    Column("message", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("mof_div_code", Code),
    Column("agency_code", Code),
    Column("dept_code", Code),
    PrimaryKeyConstraint("problem_id", "rule", "entity_code"),
    Index(None, "rule", "entity_code"),
)

# Every step of every problem; append-only (triggers refuse updates and deletes).
problem_event = Table(
    "problem_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("problem_id", Integer, ForeignKey("problem.id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("app_user.user_id"), nullable=False),
    Column("username", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("text", Text),
    Column("unit_code", Code),
    Column("deadline", Date),
    Index(None, "problem_id"),
)

# Files of a problem: evidence uploaded with a step, and the issued 督办单.
# The bytes live outside the web root (ATTACHMENT_DIR), named by `stored_name`.
problem_file = Table(
    "problem_file",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("problem_id", Integer, ForeignKey("problem.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # evidence | notice
    Column("file_name", String(255), nullable=False),
    Column("stored_name", String(80), nullable=False, unique=True),
    Column("content_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    Index(None, "problem_id"),
)

# -- warning rules (data/rules): settings, their history, evaluations, results ----

rule_setting = Table(
    "rule_setting",
    metadata,
    Column("rule", String(32), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("thresholds", Text, nullable=False),  # JSON {key: value as text}
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(64)),
)

rule_setting_change = Table(
    "rule_setting_change",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule", String(32), nullable=False),
    Column("field", String(64), nullable=False),  # "enabled" or a threshold key
    Column("old_value", Text),
    Column("new_value", Text),
    Column("username", String(64)),
    Column("changed_at", DateTime, nullable=False),
    Index(None, "rule"),
)

rule_run = Table(
    "rule_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("data_version", Integer, nullable=False),
    Column("seconds", Numeric(10, 3), nullable=False),
)

rule_run_count = Table(
    "rule_run_count",
    metadata,
    Column("run_id", Integer, ForeignKey("rule_run.id"), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("level", String(8), nullable=False),
    Column("n", Integer, nullable=False),
    PrimaryKeyConstraint("run_id", "rule", "level"),
)

rule_result = Table(
    "rule_result",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule", String(32), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_code", String(255), nullable=False),
    Column("level", String(8), nullable=False),
    Column("value", Numeric(24, 6)),
    Column("threshold", Numeric(24, 6)),
    Column("message", Text, nullable=False),
    Column("mof_div_code", Code),
    Column("agency_code", Code),
    Column("dept_code", Code),
    Column("name", Text, nullable=False),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("resolved_on", Date),
    Column("run_id", Integer, ForeignKey("rule_run.id"), nullable=False),
    UniqueConstraint("rule", "entity_code"),
)

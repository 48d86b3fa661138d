"""The one query layer: aggregates, members and facts for every view, the API
and every export (see docs/query-layer.md). One module per area; every
function takes `(engine, scope, ...)` on the one `Scope`.

- A `Scope` says "as of D, fiscal year Y, these cuts". It is hashable with a
  stable repr, so it is a cache key as it stands.
- Aggregates group by the finest code in SQL and roll up in Python through
  parent links (data.hierarchy), so no code length is assumed.
- Payments "to D" come from `agg_payment_month` for the whole months before
  month(D) plus the raw payments of month(D) up to D; only `payments()` (the
  facts) and that partial month read the payment table.
- Money is integer fen in every result. Semantics are SPEC §2 "Definitions".
"""
from data.query.assets import (ASSET_CLASSES, INDUSTRY_TYPES, AssetRow, Enterprise, ResourceRow,
                               SoeSum, SoeTotals, admin_by_agency, admin_by_class, admin_by_region,
                               agency_assets, enterprise_history, enterprises, natural_resources,
                               soe_by_industry, soe_totals, soe_trend)
from data.query.boundaries import MapRegions, boundaries, map_regions
from data.query.debt import (DEBT_TYPES, Bond, BondProject, Burden, DebtPosition, Maturity,
                             RegionDebt, Repayment, bond_projects, bond_schedule, bond_spending,
                             bonds, debt_by_region, debt_position, interest_burden, maturities,
                             repayments_due, repayments_in_month, repayments_overdue)
from data.query.direct_funds import (DirectFunds, DirectRow, Recipient, direct_funds, fund_names,
                                     fund_quotas, fund_rows, payment_funds, recipients,
                                     region_rows)
from data.query.execution import (BY_DIMENSIONS, ExecRow, MonthRow, execution, execution_total,
                                  monthly, three_public, year_end)
from data.query.facts import PAYMENT_SORT_KEYS, Page, payments, quotas
from data.query.freshness import FRESHNESS_SOURCES, Freshness, freshness
from data.query.members import (MEMBER_DIMENSIONS, Member, fiscal_years, members, population,
                                region_options, validate_scope)
from data.query.revenue import BudgetRow, RevRow, budgets, revenue_by_class
from data.query.scope import QueryError, Scope, scope_end, scope_tp

__all__ = [
    "ASSET_CLASSES", "INDUSTRY_TYPES", "AssetRow", "Bond", "BondProject", "Burden", "DirectRow",
    "Enterprise", "Maturity", "Recipient", "RegionDebt", "Repayment", "ResourceRow", "SoeSum",
    "admin_by_agency", "admin_by_class", "admin_by_region", "agency_assets", "bond_projects",
    "bond_schedule", "bond_spending", "bonds", "debt_by_region", "enterprise_history",
    "enterprises", "fund_names", "fund_quotas", "fund_rows", "interest_burden", "maturities",
    "natural_resources", "payment_funds", "recipients", "region_rows", "repayments_due",
    "repayments_in_month", "repayments_overdue", "soe_by_industry", "soe_trend",
    "BY_DIMENSIONS", "DEBT_TYPES", "FRESHNESS_SOURCES", "MEMBER_DIMENSIONS", "PAYMENT_SORT_KEYS",
    "MapRegions", "boundaries", "map_regions",
    "BudgetRow", "DebtPosition", "DirectFunds", "ExecRow", "Freshness",
    "Member", "MonthRow", "Page", "QueryError", "RevRow", "Scope", "SoeTotals", "budgets",
    "debt_position", "direct_funds", "execution", "execution_total", "fiscal_years", "freshness",
    "members", "monthly", "payments", "population", "quotas", "region_options",
    "revenue_by_class", "scope_end", "scope_tp", "soe_totals", "three_public", "validate_scope",
    "year_end",
]

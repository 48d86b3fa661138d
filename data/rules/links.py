"""Where a page shows a breach's entity: a page path and the URL query
parameters of its drill state. Each function takes a Breach (or a stored
breach: the same fields) and leaves out parameters that are not known."""
from __future__ import annotations

Link = tuple[str, dict[str, str]]


def _known(**params: str | None) -> dict[str, str]:
    return {k: v for k, v in params.items() if v}


def agency(tab: str | None = None):
    def link(b) -> Link:
        return "/execution", _known(mof_div=b.mof_div, dept=b.dept, agency=b.agency, tab=tab)
    return link


def project(tab: str | None = None):
    def link(b) -> Link:
        return "/execution", _known(mof_div=b.mof_div, dept=b.dept, agency=b.agency,
                                    project=b.entity_code, tab=tab)
    return link


def quota(b) -> Link:
    return "/execution", _known(mof_div=b.mof_div, dept=b.dept, agency=b.agency, bgt_id=b.entity_code)


def payment(b) -> Link:
    return "/execution", _known(mof_div=b.mof_div, dept=b.dept, agency=b.agency, q=b.entity_code)


def revenue(b) -> Link:
    return "/revenue-expenditure", _known(mof_div=b.mof_div or b.entity_code, tab="revenue")


def direct_fund(b) -> Link:
    fund, _, region = b.entity_code.rpartition("@")
    return "/direct-funds", _known(mof_div=b.mof_div or region, fund=fund)


def debt_region(b) -> Link:
    return "/debt", _known(mof_div=b.mof_div or b.entity_code)


def debt_type(b) -> Link:
    region, _, kind = b.entity_code.rpartition(":")
    return "/debt", _known(mof_div=b.mof_div or region, debt_type=kind)


def debt_service(b) -> Link:
    bond, _, _due = b.entity_code.rpartition("@")
    return "/debt", _known(mof_div=b.mof_div, bond=bond)


def bond_project(b) -> Link:
    bond, _, _project = b.entity_code.partition("/")
    return "/debt", _known(mof_div=b.mof_div, bond=bond)


def enterprise(b) -> Link:
    return "/assets", _known(mof_div=b.mof_div, enterprise=b.entity_code, tab="soe")


def admin_asset(b) -> Link:
    return "/assets", _known(mof_div=b.mof_div, agency=b.agency or b.entity_code, tab="admin")


def overview(b) -> Link:
    _dataset, _, region = b.entity_code.rpartition("@")
    return "/", _known(mof_div=b.mof_div or region)

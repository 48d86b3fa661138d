"""Builders of small data-contract files (SPEC §1) and store snapshots for
the importer tests. Codes of the classification are those the project ships."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from data import schema
from data.db import data_version

COUNTY, TOWN, OTHER_TOWN = "330402", "330402001", "330402002"

MOF_DIV = (["MOF_DIV_CODE", "MOF_DIV_NAME", "PARENT_CODE", "LEVEL", "POPULATION"], [
    [COUNTY, "南湖区", "330400", "3", "600000"],
    [TOWN, "建设街道", COUNTY, "4", ""],
    [OTHER_TOWN, "新兴街道", COUNTY, "4", "45000"],
])
AGENCY = (["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE", "AGENCY_TYPE"], [
    ["001", "区财政局", COUNTY, "001", "行政"],
    ["001001", "区财政局会计核算中心", COUNTY, "001", "事业"],
    ["002", "区教育局", COUNTY, "002", "行政"],
])
PROJECT = (["PRO_CODE", "PRO_NAME", "AGENCY_CODE", "PRO_CAT", "IS_LIVELIHOOD"], [
    ["P0001", "养老服务补助", "001", "民生", "1"],
    ["P0002", "办公设备购置", "002", "", "0"],
])
BOND = (["BOND_CODE", "BOND_NAME", "MOF_DIV_CODE", "DEBT_TYPE", "BOND_USE", "ISSUE_DATE",
         "MATURITY_DATE", "RATE", "AMOUNT"], [
    ["2305001", "2023年浙江省专项债券（一期）", COUNTY, "2", "1", "2023-05-10", "2033-05-10",
     "2.85", "300000000"],
])
PAYMENT_HEADER = ["PAY_CERT_ID", "FISCAL_YEAR", "PAY_DATE", "MOF_DIV_CODE", "AGENCY_CODE",
                  "BGT_ID", "PRO_CODE", "EXP_FUNC_CODE", "DEP_BGT_ECO_CODE", "FUND_TYPE_CODE",
                  "PAY_TYPE_CODE", "SET_MODE_CODE", "PAYEE_ACCT_NAME", "PAYEE_ACCT_NO",
                  "USE_DES", "AMOUNT"]


def payment(cert: str, pay_date: str = "2025-09-15", amount: str = "1000.00", **over) -> list[str]:
    row = {"PAY_CERT_ID": cert, "FISCAL_YEAR": pay_date[:4], "PAY_DATE": pay_date,
           "MOF_DIV_CODE": COUNTY, "AGENCY_CODE": "001", "BGT_ID": "BGT-1", "PRO_CODE": "P0001",
           "EXP_FUNC_CODE": "2010101", "DEP_BGT_ECO_CODE": "30201", "FUND_TYPE_CODE": "1",
           "PAY_TYPE_CODE": "1", "SET_MODE_CODE": "1", "PAYEE_ACCT_NAME": "某某科技有限公司",
           "PAYEE_ACCT_NO": "6222000011112222", "USE_DES": "办公用品", "AMOUNT": amount}
    row.update(over)
    return [row[h] for h in PAYMENT_HEADER]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write(folder: Path, name: str, header: list[str], rows: list[list[str]],
          encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(csv_text(header, rows).encode(encoding))
    return path


def write_text(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def dimension_files(folder: Path) -> list[Path]:
    return [write(folder, "mof_div.csv", *MOF_DIV), write(folder, "agency.csv", *AGENCY),
            write(folder, "project.csv", *PROJECT), write(folder, "bond.csv", *BOND)]


DATA_TABLES = [schema.mof_div, schema.classification, schema.agency, schema.project, schema.quota,
               schema.payment, schema.revenue, schema.revenue_budget, schema.direct_fund,
               schema.debt_limit, schema.bond, schema.bond_project, schema.debt_service,
               schema.fiscal_capacity, schema.soe_financial, schema.admin_asset,
               schema.natural_resource, schema.agg_payment_month, schema.import_batch,
               schema.import_file, schema.data_state]


def rows(engine, table) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(table)).all(), key=repr)


def snapshot(engine, tables=DATA_TABLES) -> dict[str, list[tuple]]:
    """Everything an import may touch, for before/after comparisons."""
    return {t.name: rows(engine, t) for t in tables}


def content(engine) -> dict[str, list[tuple]]:
    """The data tables without the import log and the data version."""
    skip = {"import_batch", "import_file", "data_state"}
    return snapshot(engine, [t for t in DATA_TABLES if t.name not in skip])


def fresh_payment_aggregate(engine) -> list[tuple]:
    """agg_payment_month as a GROUP BY of payment computed now."""
    from sqlalchemy import func

    from data.importer.writer import AGG_DIMENSIONS

    p = schema.payment
    dims = [p.c[c] for c in AGG_DIMENSIONS]
    with engine.connect() as conn:
        got = conn.execute(select(*dims, func.sum(p.c.amount), func.count()).group_by(*dims)).all()
    return sorted((tuple(r) for r in got), key=repr)


def stored_aggregate(engine) -> list[tuple]:
    return sorted((tuple(r) for r in rows(engine, schema.agg_payment_month)), key=repr)


def version(engine) -> int:
    return data_version(engine)

"""Cell parsing, dataset naming and header aliases (no store needed)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from data.importer import datasets as d
from data.importer.values import Bad, make_parser, parse_date, parse_period


def parser(dataset: str, column: str):
    ds = d.DATASETS[dataset]
    return make_parser(ds, ds.by_name[column])


@pytest.mark.parametrize("raw, fen", [
    ("1,234.50", 123450), (" 1234.5 ", 123450), ("0.01", 1), ("-20.05", -2005), ("+7", 700),
    ("12,345,678.9", 1234567890), ("1.500", 150), (".5", 50), (1234, 123400),
    (1234.5, 123450), (0.1 + 0.2, 30), (19.99, 1999), ("89999999999999.99", 8999999999999999),
])
def test_money_becomes_exact_fen(raw, fen):
    assert parser("payment", "AMOUNT")(raw) == fen


@pytest.mark.parametrize("raw, en", [
    ("12,3x", "amount is not a number"), ("1,23", "amount is not a number"),
    ("1.2.3", "amount is not a number"), ("一百", "amount is not a number"),
    ("1e5", "amount is not a number"), ("1.234", "amount has more than 2 decimals"),
    ("90000000000000.01", "amount out of range"),
    (1.234, "amount has more than 2 decimals"), (True, "amount is not a number"),
    (datetime(2025, 1, 1), "amount is not a number"),
])
def test_bad_money(raw, en):
    with pytest.raises(Bad) as info:
        parser("payment", "AMOUNT")(raw)
    assert info.value.en == en and info.value.zh


def test_negative_money_only_where_signed():
    assert parser("soe_financial", "PROFIT")("-5") == -500
    with pytest.raises(Bad) as info:
        parser("bond", "AMOUNT")("-5")
    assert (info.value.zh, info.value.en) == ("金额不能为负数", "amount must not be negative")
    with pytest.raises(Bad):
        parser("direct_fund", "RECEIVED_AMOUNT")("-0.01")


@pytest.mark.parametrize("raw", ["2025-09-03", "2025/09/03", "2025/9/3", "20250903",
                                 " 2025-09-03 ", "2025-09-03 00:00:00",
                                 datetime(2025, 9, 3, 0, 0), date(2025, 9, 3), 20250903, 45903])
def test_dates(raw):
    assert parse_date(raw) == date(2025, 9, 3)


@pytest.mark.parametrize("raw, en", [
    ("2025-13-01", "no such date"), ("2025-02-30", "no such date"), ("03/09/2025", "not a date"),
    ("2025.09.03", "not a date"), ("2025-09", "not a date"), ("", "not a date"),
])
def test_bad_dates(raw, en):
    with pytest.raises(Bad) as info:
        parse_date(raw)
    assert info.value.en.startswith(en)


def test_periods():
    assert parse_period("2025-09") == "2025-09"
    assert parse_period(datetime(2025, 9, 1)) == "2025-09"  # a spreadsheet's "2025-09"
    for bad in ("2025-9", "2025-13", "202509", "2025/09", "2025-09-01"):
        with pytest.raises(Bad) as info:
            parse_period(bad)
        assert info.value.en == "not a period (expected YYYY-MM)"


def test_codes_stay_strings_with_leading_zeros():
    code = parser("agency", "AGENCY_CODE")
    assert code(" 000123 ") == "000123"
    assert code('="000123"') == "000123"
    assert code(330402) == "330402"
    assert code(330402.0) == "330402"
    with pytest.raises(Bad) as info:
        code("x" * 65)
    assert info.value.en == "longer than 64 characters"


def test_code_lists():
    assert parser("admin_asset", "ASSET_CLASS")("vehicle") == "VEHICLE"
    assert parser("payment", "SET_MODE_CODE")(9) == "9"
    assert parser("mof_div", "LEVEL")("4") == 4
    assert parser("natural_resource", "RESOURCE_TYPE")("湿地") == "湿地"
    assert parser("project", "IS_LIVELIHOOD")("是") is True
    with pytest.raises(Bad) as info:
        parser("payment", "SET_MODE_CODE")("4")
    assert info.value.zh == "代码不在代码表中（允许：1、2、3、9）"
    assert info.value.en == "not in the code list (allowed: 1, 2, 3, 9)"


def test_decimals():
    assert parser("bond", "RATE")("3.2500") == Decimal("3.25")
    assert parser("natural_resource", "QUANTITY")("1,234.5678") == Decimal("1234.5678")
    with pytest.raises(Bad):
        parser("bond", "RATE")("101")
    with pytest.raises(Bad):
        parser("admin_asset", "QUANTITY")("1.234")


@pytest.mark.parametrize("name, dataset", [
    ("payment.csv", "payment"), ("payment_2025-09.csv", "payment"), ("quota-2025.xlsx", "quota"),
    ("revenue.csv", "revenue"), ("revenue_budget.csv", "revenue_budget"),
    ("revenue_budget_2025.csv", "revenue_budget"), ("bond.csv", "bond"),
    ("bond_project.csv", "bond_project"), ("BOND_PROJECT_2025.CSV", "bond_project"),
    ("debt_service.csv", "debt_service"), ("mof_div.csv", "mof_div"),
    ("支付.csv", None), ("pay.csv", None),
])
def test_dataset_is_the_longest_name_the_file_starts_with(name, dataset):
    assert d.dataset_for_name(name) == dataset


def test_header_aliases():
    assert d.field_name_for("年度") == "FISCAL_YEAR"
    assert d.field_name_for(" amount ") == "AMOUNT"
    assert d.field_name_for("\ufeffPay_Cert_Id") == "PAY_CERT_ID"
    for label, name in [("区划代码", "MOF_DIV_CODE"), ("金额", "AMOUNT"), ("发行金额", "AMOUNT"),
                        ("安排金额", "AMOUNT"), ("资金性质", "FUND_TYPE_CODE"),
                        ("支付方式", "PAY_TYPE_CODE"), ("结算方式", "SET_MODE_CODE"),
                        ("债券名称", "BOND_NAME"), ("企业名称", "ENTERPRISE_NAME"),
                        ("限额", "LIMIT_AMOUNT"), ("单位", "UNIT"), ("单位代码", "AGENCY_CODE")]:
        assert d.field_name_for(label) == name
    assert d.field_name_for("备注") is None

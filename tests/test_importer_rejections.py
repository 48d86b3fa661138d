"""Every class of rejection, with its exact bilingual `file:line:COLUMN` line,
and the things that must NOT be rejected. Each test imports several bad
files at once: all of them are checked and nothing is written."""
from __future__ import annotations

import pytest

from data.importer import ImportRejected, import_files
from tests.files.contract import (
    COUNTY,
    PAYMENT_HEADER,
    content,
    dimension_files,
    payment,
    snapshot,
    write,
    write_text,
)

UNKNOWN_REGION = "区划代码不存在（数据库和本次导入中均没有） / unknown region code (neither in the store nor in this import)"


def rejected_lines(engine, files, **kw) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as info:
        import_files(engine, files, **kw)
    assert snapshot(engine) == before
    for e in info.value.errors:  # structured fields agree with the text
        assert e.message_zh and e.message_en and e.file
    return info.value.lines()


@pytest.fixture
def dims(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    return tmp_path


def test_value_errors_of_a_payment_file(engine, dims):
    good = [payment(f"PC{i:02d}") for i in range(2, 17)]
    bad = [
        payment("PC17", amount="12,3x"),
        payment("PC18", pay_date="2025-02-30"),
        payment("PC19", FISCAL_YEAR="25"),
        payment("PC20", SET_MODE_CODE="4"),
        payment("PC21", PAYEE_ACCT_NAME="  "),
        payment("PC22", amount="1.234"),
        payment("PC23", pay_date="2023-09-01", FISCAL_YEAR="2025"),
        payment("PC24", AGENCY_CODE="x" * 65),
        payment("PC25", pay_date="09/25/2025", FISCAL_YEAR="2025"),
        payment("", amount="1"),
    ]
    assert rejected_lines(engine, [write(dims, "payment.csv", PAYMENT_HEADER, good + bad)]) == [
        'payment.csv:17:AMOUNT: 金额不是数字 / amount is not a number: "12,3x"',
        'payment.csv:18:PAY_DATE: 日期不存在 / no such date: "2025-02-30"',
        'payment.csv:19:FISCAL_YEAR: 年度不是有效年份 / not a valid year: "25"',
        'payment.csv:20:SET_MODE_CODE: 代码不在代码表中（允许：1、2、3、9） / '
        'not in the code list (allowed: 1, 2, 3, 9): "4"',
        'payment.csv:21:PAYEE_ACCT_NAME: 必填项为空 / required value is empty: ""',
        'payment.csv:22:AMOUNT: 金额最多两位小数 / amount has more than 2 decimals: "1.234"',
        'payment.csv:23:PAY_DATE: 支付日期不在 2025 年度或其年终清算期（次年） / payment date is not '
        'in fiscal year 2025 or its year-end clearing (the next year): "2023-09-01"',
        f'payment.csv:24:AGENCY_CODE: 超过最大长度 64 / longer than 64 characters: "{"x" * 65}"',
        'payment.csv:25:PAY_DATE: 日期格式错误（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD） / '
        'not a date (expected YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD): "09/25/2025"',
        'payment.csv:26:PAY_CERT_ID: 必填项为空 / required value is empty: ""',
    ]


def test_code_lists_of_every_dataset(engine, dims):
    files = [
        write(dims, "mof_div_new.csv", ["MOF_DIV_CODE", "MOF_DIV_NAME", "PARENT_CODE", "LEVEL"],
              [["330402003", "新街道", COUNTY, "5"]]),
        write(dims, "classification.csv", ["SCHEME", "CODE", "NAME", "PARENT_CODE"],
              [["FUNC", "2019999", "其他", ""]]),
        write(dims, "project_new.csv", ["PRO_CODE", "PRO_NAME", "AGENCY_CODE", "IS_LIVELIHOOD"],
              [["P9", "新项目", "001", "2"]]),
        write(dims, "bond_new.csv", ["BOND_CODE", "BOND_NAME", "MOF_DIV_CODE", "DEBT_TYPE", "BOND_USE",
                                     "ISSUE_DATE", "MATURITY_DATE", "RATE", "AMOUNT"],
              [["B2", "债", COUNTY, "3", "1", "2024-01-01", "2030-01-01", "3", "1"],
               ["B3", "债", COUNTY, "1", "3", "2024-01-01", "2030-01-01", "3", "1"]]),
        write(dims, "quota.csv", ["BGT_ID", "FISCAL_YEAR", "MOF_DIV_CODE", "AGENCY_CODE",
                                  "EXP_FUNC_CODE", "DEP_BGT_ECO_CODE", "FUND_TYPE_CODE",
                                  "BUDGET_STAGE", "DOC_DATE", "AMOUNT"],
              [["Q1", "2025", COUNTY, "001", "2010101", "30201", "5", "1", "2025-01-10", "1"],
               ["Q2", "2025", COUNTY, "001", "2010101", "30201", "1", "3", "2025-01-10", "1"]]),
        write(dims, "payment.csv", PAYMENT_HEADER, [payment("PC1", PAY_TYPE_CODE="3")]),
        write(dims, "debt_limit.csv", ["FISCAL_YEAR", "MOF_DIV_CODE", "DEBT_TYPE", "LIMIT_AMOUNT"],
              [["2025", COUNTY, "一般", "1"]]),
        write(dims, "soe_financial.csv", ["ENTERPRISE_CODE", "ENTERPRISE_NAME", "MOF_DIV_CODE",
                                          "SUPERVISOR", "INDUSTRY_TYPE", "PERIOD", "TOTAL_ASSETS",
                                          "TOTAL_LIABILITIES", "OWNER_EQUITY", "REVENUE", "PROFIT"],
              [["E1", "公司", COUNTY, "国资办", "4", "2025-09", "1", "1", "0", "1", "0"]]),
        write(dims, "admin_asset.csv", ["AGENCY_CODE", "PERIOD", "ASSET_CLASS", "QUANTITY",
                                        "ORIGINAL_VALUE", "NET_VALUE"],
              [["001", "2025-09", "CAR", "1", "1", "1"]]),
        write(dims, "natural_resource.csv", ["MOF_DIV_CODE", "PERIOD", "RESOURCE_TYPE", "QUANTITY",
                                             "UNIT"],
              [[COUNTY, "2025-09", "石油", "1", "吨"]]),
    ]
    lines = rejected_lines(engine, files)
    assert [line.split(" / ")[0].rsplit(": ", 1)[0] for line in lines] == [
        "mof_div_new.csv:2:LEVEL", "classification.csv:2:SCHEME", "project_new.csv:2:IS_LIVELIHOOD",
        "bond_new.csv:2:DEBT_TYPE", "bond_new.csv:3:BOND_USE", "quota.csv:2:FUND_TYPE_CODE",
        "quota.csv:3:BUDGET_STAGE", "payment.csv:2:PAY_TYPE_CODE", "debt_limit.csv:2:DEBT_TYPE",
        "soe_financial.csv:2:INDUSTRY_TYPE", "admin_asset.csv:2:ASSET_CLASS",
        "natural_resource.csv:2:RESOURCE_TYPE"]
    assert lines[0] == ('mof_div_new.csv:2:LEVEL: 代码不在代码表中（允许：1、2、3、4） / '
                        'not in the code list (allowed: 1, 2, 3, 4): "5"')
    assert lines[-1] == ('natural_resource.csv:2:RESOURCE_TYPE: 代码不在代码表中（允许：土地、矿产、森林、'
                         '草原、湿地、水、海洋） / not in the code list (allowed: 土地, 矿产, 森林, 草原, 湿地, '
                         '水, 海洋): "石油"')
    assert "allowed: LAND, HOUSE, VEHICLE, EQUIPMENT, INFRA, OTHER" in lines[-2]
    assert "expected 0 or 1" in lines[2]


QUOTA_HEADER = ["BGT_ID", "FISCAL_YEAR", "MOF_DIV_CODE", "AGENCY_CODE", "EXP_FUNC_CODE",
                "DEP_BGT_ECO_CODE", "FUND_TYPE_CODE", "BUDGET_STAGE", "DOC_DATE", "AMOUNT",
                "ORI_BGT_ID"]


def quota(bgt, stage="1", amount="100", doc_date="2025-01-10", **over):
    row = dict(zip(QUOTA_HEADER, [bgt, "2025", COUNTY, "001", "2010101", "30201", "1", stage,
                                  doc_date, amount, ""]))
    row.update(over)
    return [row[h] for h in QUOTA_HEADER]


def test_negative_amounts_and_cross_checks(engine, dims):
    files = [
        write(dims, "quota.csv", QUOTA_HEADER, [
            quota("Q1", amount="-5"),
            quota("Q2", stage="2", amount="-5", ORI_BGT_ID="Q9"),   # accepted: adjustment
            quota("Q3", doc_date="2023-12-31"),
            quota("Q4", doc_date="2024-11-20"),                      # accepted: advance issue
        ]),
        write(dims, "revenue.csv", ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE",
                                    "FUND_TYPE_CODE", "AMOUNT"],
              [["2025", "2024-12", COUNTY, "10101", "1", "5"],
               ["2025", "2025-09", COUNTY, "10101", "1", "-3.5"],    # accepted: 退库
               ["2025", "2025-9", COUNTY, "10304", "1", "1"]]),
        write(dims, "revenue_budget.csv", ["FISCAL_YEAR", "MOF_DIV_CODE", "REVENUE_CODE",
                                           "FUND_TYPE_CODE", "BUDGET_STAGE", "AMOUNT"],
              [["2025", COUNTY, "10101", "1", "1", "-1"],
               ["2025", COUNTY, "10101", "1", "2", "-1"]]),          # accepted: adjustment
        write(dims, "bond_2025.csv", ["BOND_CODE", "BOND_NAME", "MOF_DIV_CODE", "DEBT_TYPE",
                                      "BOND_USE", "ISSUE_DATE", "MATURITY_DATE", "RATE", "AMOUNT"],
              [["B5", "债", COUNTY, "1", "1", "2025-06-01", "2025-06-01", "2.5", "100"],
               ["B6", "债", COUNTY, "1", "1", "2025-06-01", "2035-06-01", "2.5", "-100"]]),
        write(dims, "debt_service.csv", ["BOND_CODE", "DUE_DATE", "PRINCIPAL", "INTEREST",
                                         "PAID_DATE", "PAID_AMOUNT"],
              [["2305001", "2026-05-10", "0", "855000", "", "855000"],
               ["2305001", "2025-05-10", "0", "855000", "2025-05-09", ""]]),  # accepted
        write(dims, "mof_div_2025.csv", ["MOF_DIV_CODE", "MOF_DIV_NAME", "PARENT_CODE", "LEVEL"],
              [["330402009", "自指", "330402009", "4"],
               ["330499", "外县", "339999", "3"]]),                  # accepted: parent unchecked
    ]
    assert rejected_lines(engine, files) == [
        'mof_div_2025.csv:2:PARENT_CODE: 上级代码不能是自身 / the parent code must not be the code '
        'itself: "330402009"',
        'bond_2025.csv:2:MATURITY_DATE: 到期日期应晚于发行日期 / maturity date must be after the issue '
        'date: "2025-06-01"',
        'bond_2025.csv:3:AMOUNT: 金额不能为负数 / amount must not be negative: "-100"',
        'quota.csv:2:AMOUNT: 负数金额只允许用于调整预算（预算阶段 2） / a negative amount is allowed '
        'only for an adjustment (BUDGET_STAGE 2): "-5.00"',
        'quota.csv:4:DOC_DATE: 发文日期不在 2025 年度或上一年（提前下达） / document date is not in '
        'fiscal year 2025 or the year before (advance issue): "2023-12-31"',
        'revenue.csv:2:PERIOD: 所属期不在 2025 年度 / period is not in fiscal year 2025: "2024-12"',
        'revenue.csv:4:PERIOD: 所属期格式错误（应为 YYYY-MM） / not a period (expected YYYY-MM): "2025-9"',
        'revenue_budget.csv:2:AMOUNT: 负数金额只允许用于调整预算（预算阶段 2） / a negative amount is '
        'allowed only for an adjustment (BUDGET_STAGE 2): "-1.00"',
        'debt_service.csv:2:PAID_DATE: 有实还金额但没有实还日期 / a paid amount needs a paid date: ""',
    ]


def test_references_must_exist_in_the_store_or_the_import(engine, dims):
    files = [
        write(dims, "payment.csv", PAYMENT_HEADER + ["GOV_BGT_ECO_CODE", "BOND_CODE"], [
            payment("PC1", MOF_DIV_CODE="999999") + ["", ""],
            payment("PC2", AGENCY_CODE="X01") + ["", ""],
            payment("PC3", PRO_CODE="P9999") + ["", ""],
            payment("PC4", EXP_FUNC_CODE="9999999") + ["", ""],
            payment("PC5", DEP_BGT_ECO_CODE="50201") + ["30201", ""],
            payment("PC6") + ["", "B999"],
            payment("PC7", BGT_ID="NO-SUCH-QUOTA") + ["50201", "2305001"],  # accepted
        ]),
        write(dims, "revenue.csv", ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE",
                                    "FUND_TYPE_CODE", "AMOUNT"],
              [["2025", "2025-09", COUNTY, "2010101", "1", "5"]]),
        write(dims, "agency_2025.csv", ["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE"],
              [["005001", "下属单位", COUNTY, "005"],                 # accepted: department below
               ["005", "新部门", COUNTY, "005"],
               ["006001", "孤儿单位", COUNTY, "777"]]),
        write(dims, "classification_2025.csv", ["SCHEME", "CODE", "NAME", "PARENT_CODE"],
              [["EXP_FUNC", "201019901", "子目", "2010199"],            # accepted: parent below
               ["EXP_FUNC", "2010199", "其他", "20101"],
               ["REVENUE", "1019999", "其他", "2010101"]]),
        write(dims, "bond_project.csv", ["BOND_CODE", "PRO_CODE", "MOF_DIV_CODE", "AGENCY_CODE",
                                         "AMOUNT"],
              [["B404", "P404", COUNTY, "001", "1"]]),
        write(dims, "admin_asset.csv", ["AGENCY_CODE", "PERIOD", "ASSET_CLASS", "QUANTITY",
                                        "ORIGINAL_VALUE", "NET_VALUE"],
              [["A404", "2025-09", "LAND", "1", "1", "1"]]),
    ]
    cls = "（数据库和本次导入中均没有） / "
    assert rejected_lines(engine, files) == [
        f'classification_2025.csv:4:PARENT_CODE: 上级科目在同一分类中不存在 / unknown parent code in '
        f'the same scheme: "2010101"',
        f'agency_2025.csv:4:DEPT_CODE: 单位代码不存在{cls}unknown agency code (neither in the store '
        f'nor in this import): "777"',
        f'payment.csv:2:MOF_DIV_CODE: {UNKNOWN_REGION}: "999999"',
        f'payment.csv:3:AGENCY_CODE: 单位代码不存在{cls}unknown agency code (neither in the store '
        f'nor in this import): "X01"',
        f'payment.csv:4:PRO_CODE: 项目代码不存在{cls}unknown project code (neither in the store nor '
        f'in this import): "P9999"',
        f'payment.csv:5:EXP_FUNC_CODE: 科目代码在 EXP_FUNC 分类中不存在{cls}unknown EXP_FUNC '
        f'classification code (neither in the store nor in this import): "9999999"',
        f'payment.csv:6:DEP_BGT_ECO_CODE: 科目代码在 DEP_ECO 分类中不存在{cls}unknown DEP_ECO '
        f'classification code (neither in the store nor in this import): "50201"',
        f'payment.csv:6:GOV_BGT_ECO_CODE: 科目代码在 GOV_ECO 分类中不存在{cls}unknown GOV_ECO '
        f'classification code (neither in the store nor in this import): "30201"',
        f'payment.csv:7:BOND_CODE: 债券代码不存在{cls}unknown bond code (neither in the store nor in '
        f'this import): "B999"',
        f'revenue.csv:2:REVENUE_CODE: 科目代码在 REVENUE 分类中不存在{cls}unknown REVENUE '
        f'classification code (neither in the store nor in this import): "2010101"',
        f'bond_project.csv:2:BOND_CODE: 债券代码不存在{cls}unknown bond code (neither in the store '
        f'nor in this import): "B404"',
        f'bond_project.csv:2:PRO_CODE: 项目代码不存在{cls}unknown project code (neither in the store '
        f'nor in this import): "P404"',
        f'admin_asset.csv:2:AGENCY_CODE: 单位代码不存在{cls}unknown agency code (neither in the store '
        f'nor in this import): "A404"',
    ]


def test_the_accepted_cases_above_do_import(engine, dims):
    """The rows the tests above mark 'accepted' import on their own."""
    import_files(engine, [
        write(dims, "agency_2025.csv", ["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE"],
              [["005001", "下属单位", COUNTY, "005"], ["005", "新部门", COUNTY, "005"]]),
        write(dims, "classification_2025.csv", ["SCHEME", "CODE", "NAME", "PARENT_CODE"],
              [["EXP_FUNC", "201019901", "子目", "2010199"], ["EXP_FUNC", "2010199", "其他", "20101"]]),
        write(dims, "mof_div_2025.csv", ["MOF_DIV_CODE", "MOF_DIV_NAME", "PARENT_CODE", "LEVEL"],
              [["330499", "外县", "339999", "3"]]),
        write(dims, "quota.csv", QUOTA_HEADER, [quota("Q2", stage="2", amount="-5", ORI_BGT_ID="Q9"),
                                               quota("Q4", doc_date="2024-11-20")]),
        write(dims, "payment.csv", PAYMENT_HEADER, [payment("PC7", BGT_ID="NO-SUCH-QUOTA",
                                                            amount="-12.30")]),
        write(dims, "revenue.csv", ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE",
                                    "FUND_TYPE_CODE", "AMOUNT"],
              [["2025", "2025-09", COUNTY, "10101", "1", "-3.5"]]),
        write(dims, "debt_service.csv", ["BOND_CODE", "DUE_DATE", "PRINCIPAL", "INTEREST"],
              [["2305001", "2025-05-10", "0", "855000"]]),
    ])
    stored = content(engine)
    assert [(r.bgt_id, r.amount) for r in stored["quota"]] == [("Q2", -500), ("Q4", 10000)]
    assert [(r.pay_cert_id, r.amount) for r in stored["payment"]] == [("PC7", -1230)]
    assert [(r.paid_date, r.paid_amount) for r in stored["debt_service"]] == [(None, 0)]


def test_file_level_rejections(engine, dims):
    no_amount = [h for h in PAYMENT_HEADER if h != "AMOUNT"]
    files = [
        write(dims, "payment_missing.csv", no_amount, [payment("PC1")[:-1]]),
        write(dims, "payment_twice.csv", PAYMENT_HEADER + ["金额"], [payment("PC2") + ["1"]]),
        write(dims, "支出明细.csv", PAYMENT_HEADER, [payment("PC3")]),
        write_text(dims, "payment_binary.csv", "PAY_CERT_ID\n") ,
        write_text(dims, "payment_empty.csv", ""),
        write(dims, "payment_wide.csv", PAYMENT_HEADER, [payment("PC4") + ["x"]]),
        write_text(dims, "payment_blank_header.csv", "\n" + ",".join(PAYMENT_HEADER) + "\n"),
        write_text(dims, "payment_old.xls", "not really"),
        dims / "payment_absent.csv",
    ]
    files[3].write_bytes(b"PAY_CERT_ID,AMOUNT\nPC5,\x80\x80\xff\n")
    lines = rejected_lines(engine, files)
    assert lines[0].startswith("支出明细.csv:1: 无法从名称确定数据集")
    assert "cannot tell the dataset from the name" in lines[0] and "payment" in lines[0]
    assert lines[1:] == [
        "payment_empty.csv:1: 文件为空 / the file is empty",
        "payment_old.xls:1: 不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV / "
        "the old .xls format is not supported; save as .xlsx or CSV",
        f'payment_absent.csv:1: 文件不存在 / file not found: "{dims / "payment_absent.csv"}"',
        "payment_missing.csv:1:AMOUNT: 缺少必填列 / missing required column for payment",
        'payment_twice.csv:1:AMOUNT: 列重复（第 16 列与第 17 列） / column given twice '
        '(columns 16 and 17): "金额"',
        "payment_binary.csv:2: 文件编码无法识别（应为 UTF-8 或 GB18030/GBK） / "
        "cannot decode the file (expected UTF-8 or GB18030/GBK)",
        'payment_wide.csv:2: 该行字段数（17）多于表头（16） / the row has more fields (17) than the '
        'header (16): "x"',
        "payment_blank_header.csv:1: 第 1 行应为表头 / line 1 must be the header",
    ]


def test_unknown_dataset_option(engine, dims):
    lines = rejected_lines(engine, [write(dims, "payment.csv", PAYMENT_HEADER, [payment("P")])],
                           dataset="payments")
    assert len(lines) == 1 and lines[0].startswith("payment.csv:1: 无法从名称确定数据集")
    assert lines[0].endswith('"payments"')

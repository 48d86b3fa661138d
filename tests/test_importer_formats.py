"""Input formats: UTF-8, UTF-8 with BOM, GB18030/GBK, workbooks (several
sheets, numeric code cells, date cells), Chinese and mixed-case headers."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from data import schema
from data.importer import ImportRejected, import_files
from tests.files.contract import (
    AGENCY,
    COUNTY,
    MOF_DIV,
    PAYMENT_HEADER,
    csv_text,
    dimension_files,
    payment,
    rows,
    write,
    write_text,
)

CHINESE_PAYMENT_HEADER = ["支付凭证号", "年度", "支付日期", "区划代码", "单位代码", "指标编号", "项目代码",
                          "功能科目", "部门经济科目", "资金性质", "支付方式", "结算方式", "收款人",
                          "收款账号", "用途", "金额"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_text_encodings(engine, tmp_path, encoding):
    import_files(engine, dimension_files(tmp_path))
    body = [payment("PC1", USE_DES="购置办公桌椅（含运费）", PAYEE_ACCT_NAME="嘉兴市南湖区某某家具厂"),
            payment("PC2", USE_DES="差旅费报销・培训")]
    if encoding == "gbk":
        body[1] = payment("PC2", USE_DES="差旅费报销培训")
    path = write(tmp_path, "payment.csv", CHINESE_PAYMENT_HEADER, body, encoding=encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_files(engine, [path])
    assert report.files[0].rows == 2 and report.files[0].warnings == []
    got = {r.pay_cert_id: (r.use_des, r.payee_acct_name) for r in rows(engine, schema.payment)}
    assert got["PC1"] == ("购置办公桌椅（含运费）", "嘉兴市南湖区某某家具厂")
    assert got["PC2"][0] == body[1][PAYMENT_HEADER.index("USE_DES")]


def test_gb18030_beyond_the_first_block_is_detected(engine, tmp_path):
    """The encoding check runs over the whole file, not a sample of its start."""
    import_files(engine, dimension_files(tmp_path))
    body = [payment(f"PC{i:05d}") for i in range(20000)] + [payment("PCLAST", USE_DES="鐵路")]
    path = write(tmp_path, "payment.csv", PAYMENT_HEADER, body, encoding="gb18030")
    assert path.stat().st_size > 2 * 2**20
    import_files(engine, [path])
    with engine.connect() as conn:
        use = conn.execute(select(schema.payment.c.use_des)
                           .where(schema.payment.c.pay_cert_id == "PCLAST")).scalar()
    assert use == "鐵路"


def test_headers_are_case_insensitive_and_unknown_columns_warn(engine, tmp_path):
    header = [h.lower() for h in MOF_DIV[0][:2]] + ["上级区划", "Level", "备注", ""]
    path = write(tmp_path, "mof_div.csv", header, [r[:4] + ["说明", ""] for r in MOF_DIV[1]])
    report = import_files(engine, [path])
    assert report.lines() == [
        "mof_div.csv: mof_div 3 rows",
        "mof_div.csv:1:备注: 未知列，已忽略 / unknown column for mof_div, ignored",
    ]
    assert report.files[0].warnings[0].column == "备注"
    empty = write_text(tmp_path, "agency_none.csv", ",".join(AGENCY[0]) + "\n")
    report = import_files(engine, [empty])
    assert report.lines() == ["agency_none.csv: agency 0 rows",
                              "agency_none.csv: 文件没有数据行 / the file has no data rows"]


def _workbook(path, sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] = ()):
    wb = Workbook()
    wb.remove(wb.active)
    for title, data in sheets.items():
        ws = wb.create_sheet(title)
        for r in data:
            ws.append(r)
    for (title, cell), fmt in dict(formats).items():
        wb[title][cell].number_format = fmt
    wb.save(path)
    return path


def test_workbook_with_a_sheet_per_dataset(engine, tmp_path):
    mof = [MOF_DIV[0]] + [[int(r[0]), r[1], r[2], int(r[3]), int(r[4]) if r[4] else None]
                          for r in MOF_DIV[1]]
    agency = [AGENCY[0], [1, "区财政局", int(COUNTY), 1, "行政"],       # 001 typed as a number
              ["001001", "核算中心", COUNTY, "001", None]]
    pay = [PAYMENT_HEADER,
           ["PC1", 2025, datetime(2025, 9, 3), COUNTY, "001", None, None, 2010101, 30201, 1, 1, 1,
            "某公司", 6222000011112222, "办公", 1234.5],
           ["PC2", 2025.0, date(2025, 9, 4), COUNTY, "001001", "B-1", None, "2010101", "30201", "1",
            "2", "9", "某公司", None, None, "2,000.00"],
           [None] * 16,  # an empty row inside the sheet is skipped
           ["PC3", 2025, 20250905, COUNTY, "001", "", "", "2010101", "30201", 1, 1, 3, "某公司", "",
            "退款", -100]]
    path = _workbook(tmp_path / "月报.xlsx",
                     {"说明": [["本工作簿为月度报送"]], "payment": pay, "agency": agency,
                      "mof_div": mof},
                     {("agency", "A2"): "000", ("agency", "D2"): "000"})
    report = import_files(engine, [path])
    assert [(f.name, f.dataset, f.rows) for f in report.files] == [
        ("月报.xlsx[mof_div]", "mof_div", 3), ("月报.xlsx[agency]", "agency", 2),
        ("月报.xlsx[payment]", "payment", 3)]
    assert any("说明" in line and "ignored" in line for line in report.lines())
    assert {r.agency_code: r.dept_code for r in rows(engine, schema.agency)} == {
        "001": "001", "001001": "001"}
    got = {r.pay_cert_id: (r.pay_date, r.amount, r.exp_func_code, r.payee_acct_no, r.set_mode_code)
           for r in rows(engine, schema.payment)}
    assert got == {
        "PC1": (date(2025, 9, 3), 123450, "2010101", "6222000011112222", "1"),
        "PC2": (date(2025, 9, 4), 200000, "2010101", None, "9"),
        "PC3": (date(2025, 9, 5), -10000, "2010101", None, "3"),
    }
    with engine.connect() as conn:
        logged = conn.execute(select(schema.import_file.c.file_name)
                              .where(schema.import_file.c.batch_id == report.batch_id)).scalars().all()
    assert sorted(logged) == ["月报.xlsx[agency]", "月报.xlsx[mof_div]", "月报.xlsx[payment]"]


def test_single_sheet_workbook_named_by_the_file(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    header = ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE", "FUND_TYPE_CODE", "AMOUNT"]
    path = _workbook(tmp_path / "revenue_2025-09.xlsx", {"Sheet1": [
        header,
        [2025, datetime(2025, 9, 1), COUNTY, 10101, 1, 100.1],   # a period typed into a spreadsheet
        [2025, "2025-09", COUNTY, "10304", "1", 0.1 + 0.2],
    ]})
    report = import_files(engine, [path])
    assert report.lines() == ["revenue_2025-09.xlsx: revenue 2 rows"]
    got = {(r.period, r.revenue_code): r.amount for r in rows(engine, schema.revenue)}
    assert got == {("2025-09", "10101"): 10010, ("2025-09", "10304"): 30}


def test_workbook_errors_name_the_sheet_and_row(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    path = _workbook(tmp_path / "book.xlsx", {
        "quota": [["BGT_ID", "FISCAL_YEAR", "MOF_DIV_CODE", "AGENCY_CODE", "EXP_FUNC_CODE",
                   "DEP_BGT_ECO_CODE", "FUND_TYPE_CODE", "BUDGET_STAGE", "DOC_DATE", "AMOUNT"],
                  ["Q1", 2025, COUNTY, "001", "2010101", "30201", 1, 1, datetime(2025, 1, 5), 10],
                  [None], [None],
                  ["Q2", 2025, COUNTY, "001", "2010101", "30201", 1, 1, "2025-01-05", 1.005]],
        "payment": [PAYMENT_HEADER, payment("PC1", amount="abc")],
    })
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [path])
    assert info.value.lines() == [
        'book.xlsx[quota]:5:AMOUNT: 金额最多两位小数 / amount has more than 2 decimals: "1.005"',
        'book.xlsx[payment]:2:AMOUNT: 金额不是数字 / amount is not a number: "abc"',
    ]


def test_dataset_option_overrides_the_file_name(engine, tmp_path):
    path = write_text(tmp_path, "区划表.csv", csv_text(*MOF_DIV), encoding="gb18030")
    report = import_files(engine, [path], dataset="mof_div")
    assert report.lines() == ["区划表.csv: mof_div 3 rows"]


def test_tab_separated_utf16_export(engine, tmp_path):
    text = "\n".join("\t".join(r) for r in [MOF_DIV[0], *MOF_DIV[1]]) + "\n"
    path = tmp_path / "mof_div.txt"
    path.write_bytes(text.encode("utf-16"))
    assert import_files(engine, [path]).files[0].rows == 3

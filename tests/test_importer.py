"""The importer against a real store (SQLite and PostgreSQL): what it writes,
dependency order, idempotence, period replacement, the payment aggregate,
the import log and all-or-nothing batches."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from data import schema
from data.importer import ImportRejected, import_files
from tests.files.contract import (
    COUNTY,
    OTHER_TOWN,
    PAYMENT_HEADER,
    TOWN,
    content,
    dimension_files,
    fresh_payment_aggregate,
    payment,
    rows,
    snapshot,
    stored_aggregate,
    version,
    write,
)


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_imports_files_and_reports(engine, tmp_path):
    before = version(engine)
    pay = write(tmp_path, "payment_2025-09.csv", PAYMENT_HEADER, [
        payment("PC001", "2025-09-01", "1,234.50"),
        payment("PC002", "2025/09/02", " 1234.5 ", BGT_ID="", PRO_CODE=""),
        payment("PC003", "20250903", "-20.05", AGENCY_CODE="001001"),
    ])
    report = import_files(engine, [*dimension_files(tmp_path), pay], username="alice")

    assert report.lines()[:5] == [
        "mof_div.csv: mof_div 3 rows", "agency.csv: agency 3 rows", "project.csv: project 2 rows",
        "bond.csv: bond 1 rows", "payment_2025-09.csv: payment 3 rows"]
    assert [(f.name, f.dataset, f.rows) for f in report.files][-1] == (
        "payment_2025-09.csv", "payment", 3)
    assert report.data_version == before + 1 == version(engine)

    p = schema.payment
    with engine.connect() as conn:
        got = conn.execute(select(p.c.pay_cert_id, p.c.amount, p.c.pay_ym, p.c.bgt_id, p.c.pro_code,
                                  p.c.agency_code).order_by(p.c.pay_cert_id)).all()
        bond = conn.execute(select(schema.bond.c.rate, schema.bond.c.amount)).one()
        proj = conn.execute(select(schema.project.c.pro_code, schema.project.c.is_livelihood)
                            .order_by(schema.project.c.pro_code)).all()
        div = conn.execute(select(schema.mof_div.c.population, schema.mof_div.c.level)
                           .where(schema.mof_div.c.mof_div_code == TOWN)).one()
    assert [tuple(r) for r in got] == [
        ("PC001", 123450, 202509, "BGT-1", "P0001", "001"),
        ("PC002", 123450, 202509, None, None, "001"),
        ("PC003", -2005, 202509, "BGT-1", "P0001", "001001"),
    ]
    assert str(bond.rate).rstrip("0") == "2.85" and bond.amount == 30_000_000_000
    assert [tuple(r) for r in proj] == [("P0001", True), ("P0002", False)]
    assert tuple(div) == (None, 4)
    assert stored_aggregate(engine) == fresh_payment_aggregate(engine)

    with engine.connect() as conn:
        batch = conn.execute(select(schema.import_batch)
                             .where(schema.import_batch.c.batch_id == report.batch_id)).one()
        files = conn.execute(select(schema.import_file)
                             .where(schema.import_file.c.batch_id == report.batch_id)
                             .order_by(schema.import_file.c.id)).all()
    assert batch.username == "alice" and batch.status == "ok"
    assert batch.started_at <= batch.finished_at
    assert [(f.file_name, f.dataset, f.rows) for f in files] == [
        ("mof_div.csv", "mof_div", 3), ("agency.csv", "agency", 3), ("project.csv", "project", 2),
        ("bond.csv", "bond", 1), ("payment_2025-09.csv", "payment", 3)]
    assert files[-1].sha256 == hashlib.sha256(pay.read_bytes()).hexdigest()


def test_files_are_applied_in_dependency_order(engine, tmp_path):
    # Named backwards: payment first, then a classification update it relies on,
    # then the dimensions; the agency file refers forward to its department.
    cls = write(tmp_path, "classification_2025.csv", ["SCHEME", "CODE", "NAME", "PARENT_CODE"], [
        ["EXP_FUNC", "2010199", "其他人大事务支出", "20101"]])
    agency = write(tmp_path, "agency_health.csv", ["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE"], [
        ["003001", "区卫健局下属中心", COUNTY, "003"],
        ["003", "区卫健局", COUNTY, "003"]])
    pay = write(tmp_path, "payment.csv", PAYMENT_HEADER, [
        payment("PC1", AGENCY_CODE="003001", PRO_CODE="", EXP_FUNC_CODE="2010199")])
    dims = dimension_files(tmp_path)
    report = import_files(engine, [pay, cls, agency, dims[0]])
    assert [f.dataset for f in report.files] == ["mof_div", "classification", "agency", "payment"]
    assert count(engine, schema.payment) == 1


def test_reimport_changes_nothing(engine, tmp_path):
    files = [*dimension_files(tmp_path),
             write(tmp_path, "payment.csv", PAYMENT_HEADER,
                   [payment(f"PC{i:03d}", f"2025-{i % 12 + 1:02d}-10", f"{i}.5") for i in range(40)]),
             write(tmp_path, "revenue.csv",
                   ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE", "FUND_TYPE_CODE", "AMOUNT"],
                   [["2025", "2025-09", COUNTY, "10101", "1", "100.00"],
                    ["2025", "2025-09", COUNTY, "10304", "1", "-3.00"]])]
    first = import_files(engine, files)
    after_first = content(engine)
    batches = count(engine, schema.import_batch)
    second = import_files(engine, files)
    assert content(engine) == after_first
    assert [f.rows for f in second.files] == [f.rows for f in first.files]
    assert count(engine, schema.import_batch) == batches + 1
    assert second.data_version == first.data_version + 1


def test_reimport_that_moves_and_changes_payments_keeps_the_aggregate_exact(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    first = [payment("A", "2025-09-03", "100.00"), payment("B", "2025-09-04", "200.00"),
             payment("C", "2025-10-05", "300.00"), payment("D", "2024-12-30", "50.00")]
    import_files(engine, [write(tmp_path, "payment_a.csv", PAYMENT_HEADER, first)])
    assert stored_aggregate(engine) == fresh_payment_aggregate(engine)
    # A moves to November, B changes amount and agency, C moves to another year.
    second = [payment("A", "2025-11-03", "100.00"),
              payment("B", "2025-09-04", "250.00", AGENCY_CODE="002", PRO_CODE="P0002"),
              payment("C", "2026-01-05", "300.00", FISCAL_YEAR="2025")]
    import_files(engine, [write(tmp_path, "payment_b.csv", PAYMENT_HEADER, second)])
    agg = stored_aggregate(engine)
    assert agg == fresh_payment_aggregate(engine)
    slices = {(r[0], r[1]): r for r in agg}
    assert (2025, 202510) not in slices  # C left October: the old slice was rebuilt empty
    assert {(r[0], r[1]) for r in agg} == {(2025, 202509), (2025, 202511), (2025, 202601),
                                           (2024, 202412)}
    sept = [r for r in agg if r[1] == 202509]
    assert [(r[3], r[-2], r[-1]) for r in sept] == [("002", 25000, 1)]


def _revenue_file(tmp_path, name, rows_):
    return write(tmp_path, name, ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE",
                                  "FUND_TYPE_CODE", "AMOUNT"], rows_)


def test_revenue_replaces_the_period_of_each_region_in_the_file(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    import_files(engine, [_revenue_file(tmp_path, "revenue_all.csv", [
        ["2025", "2025-08", COUNTY, "10101", "1", "80.00"],
        ["2025", "2025-09", COUNTY, "10101", "1", "90.00"],
        ["2025", "2025-09", COUNTY, "10304", "1", "9.00"],
        ["2025", "2025-09", TOWN, "10101", "1", "5.00"],
    ])])
    # The county re-delivers September without 10304; the town's file is not touched.
    import_files(engine, [_revenue_file(tmp_path, "revenue_county.csv", [
        ["2025", "2025-09", COUNTY, "10101", "1", "95.00"]])])
    got = {(r.period, r.mof_div_code, r.revenue_code): r.amount for r in rows(engine, schema.revenue)}
    assert got == {("2025-08", COUNTY, "10101"): 8000, ("2025-09", COUNTY, "10101"): 9500,
                   ("2025-09", TOWN, "10101"): 500}


def test_period_replacement_of_assets_and_enterprises(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    header = ["AGENCY_CODE", "PERIOD", "ASSET_CLASS", "QUANTITY", "ORIGINAL_VALUE", "NET_VALUE",
              "IDLE_VALUE"]
    import_files(engine, [write(tmp_path, "admin_asset.csv", header, [
        ["001", "2025-09", "HOUSE", "2", "1000.00", "800.00", "100.00"],
        ["001", "2025-09", "VEHICLE", "3", "300.00", "200.00", ""],
        ["002", "2025-09", "HOUSE", "1", "500.00", "400.00", "0"]])])
    import_files(engine, [write(tmp_path, "admin_asset_001.csv", header, [
        ["001", "2025-09", "house", "2.5", "1000.00", "790.00", ""]])])
    got = {(r.agency_code, r.asset_class): (float(r.quantity), r.net_value, r.idle_value)
           for r in rows(engine, schema.admin_asset)}
    assert got == {("001", "HOUSE"): (2.5, 79000, None), ("002", "HOUSE"): (1.0, 40000, 0)}

    soe_header = ["ENTERPRISE_CODE", "ENTERPRISE_NAME", "MOF_DIV_CODE", "SUPERVISOR", "INDUSTRY_TYPE",
                  "PERIOD", "TOTAL_ASSETS", "TOTAL_LIABILITIES", "OWNER_EQUITY", "REVENUE", "PROFIT"]
    import_files(engine, [write(tmp_path, "soe_financial.csv", soe_header, [
        ["E1", "城投集团", COUNTY, "区国资办", "2", "2025-09", "100", "70", "30", "10", "-1"],
        ["E2", "水务公司", COUNTY, "区国资办", "1", "2025-09", "50", "20", "30", "5", "1"],
        ["E3", "街道公司", OTHER_TOWN, "街道", "1", "2025-09", "5", "2", "3", "1", "0"]])])
    import_files(engine, [write(tmp_path, "soe_financial_county.csv", soe_header, [
        ["E1", "城投集团", COUNTY, "区国资办", "2", "2025-09", "110", "70", "40", "12", "-2"]])])
    got = {r.enterprise_code: (r.total_assets, r.profit) for r in rows(engine, schema.soe_financial)}
    assert got == {"E1": (11000, -200), "E3": (500, 0)}


def test_two_files_of_one_period_in_one_import_both_stay(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    a = _revenue_file(tmp_path, "revenue_a.csv", [["2025", "2025-09", COUNTY, "10101", "1", "1"]])
    b = _revenue_file(tmp_path, "revenue_b.csv", [["2025", "2025-09", COUNTY, "10304", "1", "2"]])
    import_files(engine, [a, b])
    assert count(engine, schema.revenue) == 2


def test_one_bad_file_writes_nothing_from_any(engine, tmp_path):
    before = snapshot(engine)
    good = [*dimension_files(tmp_path),
            write(tmp_path, "payment.csv", PAYMENT_HEADER, [payment("PC1"), payment("PC2")])]
    bad = write(tmp_path, "revenue.csv", ["FISCAL_YEAR", "PERIOD", "MOF_DIV_CODE", "REVENUE_CODE",
                                          "FUND_TYPE_CODE", "AMOUNT"],
                [["2025", "2025-09", COUNTY, "10101", "1", "abc"]])
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [*good, bad], username="bob")
    assert info.value.lines() == [
        'revenue.csv:2:AMOUNT: 金额不是数字 / amount is not a number: "abc"']
    assert snapshot(engine) == before


def test_every_bad_file_is_reported(engine, tmp_path):
    before = snapshot(engine)
    dims = dimension_files(tmp_path)
    bad_agency = write(tmp_path, "agency_new.csv",
                       ["AGENCY_CODE", "AGENCY_NAME", "MOF_DIV_CODE", "DEPT_CODE"],
                       [["009", "新单位", "999999", "009"]])
    bad_pay = write(tmp_path, "payment.csv", PAYMENT_HEADER, [payment("PC1", FUND_TYPE_CODE="7")])
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [bad_pay, *dims, bad_agency])
    assert [(e.file, e.line, e.column) for e in info.value.errors] == [
        ("agency_new.csv", 2, "MOF_DIV_CODE"), ("payment.csv", 2, "FUND_TYPE_CODE")]
    assert snapshot(engine) == before


def test_errors_are_capped_per_file(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    bad = write(tmp_path, "payment.csv", PAYMENT_HEADER,
                [payment(f"PC{i}", amount="x") for i in range(250)])
    other = write(tmp_path, "quota.csv", ["BGT_ID"], [["Q1"]])
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [bad, other])
    rejected = info.value
    pay_errors = [e for e in rejected.errors if e.file == "payment.csv"]
    assert len(pay_errors) == 200
    assert pay_errors[-1].line == 201
    assert rejected.suppressed == {"payment.csv": 50}
    assert "payment.csv: 另有 50 个错误未列出 / 50 more errors not shown" in rejected.lines()
    assert any(e.file == "quota.csv" for e in rejected.errors)


def test_duplicate_keys_name_both_lines(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    pay = write(tmp_path, "payment.csv", PAYMENT_HEADER,
                [payment("PC1"), payment("PC2"), payment("PC1", amount="5"), payment("PC3"),
                 payment("PC2")])
    rev = _revenue_file(tmp_path, "revenue.csv", [
        ["2025", "2025-09", COUNTY, "10101", "1", "1"],
        ["2025", "2025-09", COUNTY, "10101", "2", "1"],
        ["2025", "2025-09", COUNTY, "10101", "1", "2"]])
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [pay, rev], chunk_rows=2)
    lines = info.value.lines()
    assert lines == [
        'payment.csv:4:PAY_CERT_ID: 键重复（PAY_CERT_ID），与第 2 行相同 / '
        'duplicate key (PAY_CERT_ID), same as line 2: "PC1"',
        'payment.csv:6:PAY_CERT_ID: 键重复（PAY_CERT_ID），与第 3 行相同 / '
        'duplicate key (PAY_CERT_ID), same as line 3: "PC2"',
        'revenue.csv:4:PERIOD: 键重复（PERIOD+MOF_DIV_CODE+REVENUE_CODE+FUND_TYPE_CODE），与第 2 行相同 / '
        'duplicate key (PERIOD+MOF_DIV_CODE+REVENUE_CODE+FUND_TYPE_CODE), same as line 2: '
        '"2025-09 / 330402 / 10101 / 1"',
    ]


def test_large_file_in_many_chunks_with_a_late_duplicate(engine, tmp_path):
    import_files(engine, dimension_files(tmp_path))
    body = [payment(f"PC{i:05d}", amount=str(i)) for i in range(3000)] + [payment("PC00007")]
    with pytest.raises(ImportRejected) as info:
        import_files(engine, [write(tmp_path, "payment.csv", PAYMENT_HEADER, body)], chunk_rows=500)
    assert [(e.line, e.column) for e in info.value.errors] == [(3002, "PAY_CERT_ID")]
    assert "same as line 9" in info.value.errors[0].message_en
    assert count(engine, schema.payment) == 0

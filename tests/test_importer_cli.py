"""`flask --app app import FILE ...`: exit 0 with per-file counts, or exit 1
with every error on stderr and nothing written."""
from __future__ import annotations

import pytest
from flask import Flask

from data.db import data_version
from service.cli import register
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, snapshot, write


@pytest.fixture
def cli(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = Flask("importer_cli_test")
    register(app)
    return app.test_cli_runner()


def test_import_exits_0_and_prints_counts(cli, engine, tmp_path):
    files = [*dimension_files(tmp_path),
             write(tmp_path, "payment_2025-09.csv", PAYMENT_HEADER, [payment("PC1"), payment("PC2")])]
    before = data_version(engine)
    result = cli.invoke(args=["import", *map(str, files), "--user", "alice"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "mof_div.csv: mof_div 3 rows", "agency.csv: agency 3 rows", "project.csv: project 2 rows",
        "bond.csv: bond 1 rows", "payment_2025-09.csv: payment 2 rows"]
    assert data_version(engine) == before + 1


def test_import_exits_1_prints_every_error_and_writes_nothing(cli, engine, tmp_path):
    before = snapshot(engine)
    files = [*dimension_files(tmp_path),
             write(tmp_path, "payment.csv", PAYMENT_HEADER,
                   [payment("PC1", amount="12,3x"), payment("PC2", FUND_TYPE_CODE="8")])]
    result = cli.invoke(args=["import", *map(str, files)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'payment.csv:2:AMOUNT: 金额不是数字 / amount is not a number: "12,3x"',
        'payment.csv:3:FUND_TYPE_CODE: 代码不在代码表中（允许：1、2、3、4） / '
        'not in the code list (allowed: 1, 2, 3, 4): "8"',
        "导入被拒绝，未写入任何数据 / import rejected, nothing was written",
    ]
    assert result.stdout == ""
    assert snapshot(engine) == before


def test_import_dataset_option(cli, engine, tmp_path):
    path = write(tmp_path, "export_20250930.csv", ["MOF_DIV_CODE", "MOF_DIV_NAME", "LEVEL"],
                 [["330402", "南湖区", "3"]])
    assert cli.invoke(args=["import", str(path)]).exit_code == 1
    result = cli.invoke(args=["import", str(path), "--dataset", "mof_div"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["export_20250930.csv: mof_div 1 rows"]
